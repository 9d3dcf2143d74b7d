//! Phone numbers, checked against real numbering plans (Google's libphonenumber
//! metadata, through the `phonenumber` crate).
//!
//! A number written with `+` is checked in its own country; one written without is
//! tried in each of the given regions, in order. Either way it must be valid there,
//! be a number a person answers (fixed line, mobile, personal, VoIP or pager: not
//! toll-free, premium-rate, shared-cost or a company's universal number), and be
//! grouped the way that country writes its numbers — so that a date, an invoice
//! number or a register number that happens to have the right digits is not taken
//! for one.

mod at_start;
mod metadata;
mod plans;
mod read;

use std::sync::{Mutex, PoisonError};

use phonenumber::country::Id;
use phonenumber::Type;

use metadata::Region;
use plans::{may_be_a_line, type_and_validity, widen_regex_cache};
use read::{covers, national_format, Number};

/// The regions tried for numbers without a country code when a rule names none.
pub const DEFAULT_REGIONS: &[&str] = &[
    "US", "GB", "DE", "FR", "ES", "IT", "NL", "IN", "JP", "CN", "AU", "BR", "MX", "IL", "PH", "TR",
];

/// A region of libphonenumber's numbering plans, tried for numbers written
/// without a country code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct PhoneRegion(usize);

impl PhoneRegion {
    fn plan(self) -> &'static Region {
        &metadata::REGIONS[self.0]
    }
}

/// A region code (`US`, `GB`, …), if libphonenumber knows it.
pub fn region(code: &str) -> Option<PhoneRegion> {
    let code = code.trim().to_ascii_uppercase();
    code.parse::<Id>().ok()?;
    metadata::by_id(&code).map(|r| PhoneRegion(r.index))
}

/// Where digit groups end, as counts of digits from the start.
fn boundaries(text: &str) -> (String, Vec<usize>) {
    let mut digits = String::new();
    let mut ends = Vec::new();
    let mut in_group = false;
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            in_group = true;
        } else if in_group {
            ends.push(digits.len());
            in_group = false;
        }
    }
    if in_group {
        ends.push(digits.len());
    }
    (digits, ends)
}

/// Whether the written grouping agrees with the country's own: the digits are the
/// same (but for a national prefix the writer added), and one grouping refines
/// the other.
fn grouped_as(written: &str, formatted: &str) -> bool {
    let (w_digits, mut w_ends) = boundaries(written);
    let (f_digits, f_ends) = boundaries(formatted);
    if w_ends.len() < 2 {
        // One run of digits says nothing about how it was meant to be read.
        return false;
    }
    if w_digits != f_digits {
        // `1-800-…` or `0…` in front of a format that leaves the prefix out.
        let Some(extra) = w_digits.strip_suffix(f_digits.as_str()).map(str::len) else {
            return false;
        };
        if extra == 0 || extra > 2 || w_ends.first() != Some(&extra) {
            return false;
        }
        w_ends = w_ends.iter().skip(1).map(|e| e - extra).collect();
    }
    // A country that writes a number as one run of digits gives no grouping to
    // agree with.
    if f_ends.len() < 2 {
        return false;
    }
    let subset = |a: &[usize], b: &[usize]| a.iter().all(|e| b.contains(e));
    subset(&f_ends, &w_ends) || subset(&w_ends, &f_ends)
}

/// Whether a number of this type is a line a person answers.
fn answered_by_a_person(kind: Type) -> bool {
    matches!(
        kind,
        Type::FixedLine
            | Type::Mobile
            | Type::FixedLineOrMobile
            | Type::PersonalNumber
            | Type::Voip
            | Type::Pager
    )
}

/// Compiles the default regions' first patterns on another thread, when there is
/// a core to spare, so that a long-running check (a stream, the language server)
/// does not make its first draft with a number in it wait for them.
pub fn warm_in_background() {
    if std::thread::available_parallelism().map_or(1, |n| n.get()) < 2 {
        return;
    }
    let _ = std::thread::Builder::new()
        .name("numbering plans".into())
        .spawn(|| {
            let regions: Vec<&'static Region> = DEFAULT_REGIONS
                .iter()
                .filter_map(|r| metadata::by_id(r))
                .collect();
            plans::prime(&regions);
        });
}

/// Reads a number as `phonenumber` does: over the static tables for the texts a
/// phone rule finds, by the crate itself for others (letters for digits,
/// extensions).
fn parse(region: Option<&'static Region>, text: &str) -> Option<Number> {
    if covers(text) {
        return read::read(region, text);
    }
    widen_regex_cache();
    let id = match region {
        Some(r) => Some(r.id.parse::<Id>().ok()?),
        None => None,
    };
    let n = phonenumber::parse(id, text).ok()?;
    Some(Number {
        code: n.code().value(),
        national: n.national().to_string(),
        carrier: n.carrier().map(|c| c.to_string()),
    })
}

/// Answers already given, by regions and then candidate text: drafts repeat
/// their numbers (signatures, quoted replies) and an editor re-checks the same
/// text. Looked up by borrowed keys (nothing is allocated for a question
/// already answered) with a fast hash. One shard of [`MEMO`].
#[derive(Default)]
struct Memo {
    answers: foldhash::HashMap<Box<[PhoneRegion]>, foldhash::HashMap<Box<str>, bool>>,
    len: usize,
}

impl Memo {
    fn get(&self, text: &str, regions: &[PhoneRegion]) -> Option<bool> {
        self.answers.get(regions)?.get(text).copied()
    }

    fn insert(&mut self, text: &str, regions: &[PhoneRegion], answer: bool) {
        if self.len >= MEMO_SIZE {
            *self = Memo::default();
        }
        // The regions are copied into a key only the first time they are asked about.
        let by_text = match self.answers.get_mut(regions) {
            Some(by_text) => by_text,
            None => self.answers.entry(regions.into()).or_default(),
        };
        if by_text.insert(text.into(), answer).is_none() {
            self.len += 1;
        }
    }
}

/// The answers of every thread, in shards by candidate text, each behind a lock
/// of its own: threads checking drafts side by side share what they have
/// worked out (a number in many drafts' signatures is checked once, not once a
/// thread) and seldom take the same lock at once. A number is checked outside
/// the lock; two threads that both find it missing both check it.
static MEMO: [Mutex<Option<Memo>>; MEMO_SHARDS] = [const { Mutex::new(None) }; MEMO_SHARDS];

const MEMO_SHARDS: usize = 16;

/// The most answers a shard keeps; it starts over when it is full.
const MEMO_SIZE: usize = 100_000 / MEMO_SHARDS;

/// The shard of [`MEMO`] that answers for `text`.
fn shard(text: &str) -> &'static Mutex<Option<Memo>> {
    use std::hash::BuildHasher;
    let hash = foldhash::fast::FixedState::default().hash_one(text);
    &MEMO[hash as usize % MEMO_SHARDS]
}

/// Whether `text` is a phone number a person answers, written as its country
/// writes it; numbers without `+` are tried in each of `regions`.
pub fn phone(text: &str, regions: &[PhoneRegion]) -> bool {
    let digits = text.chars().filter(char::is_ascii_digit).count();
    if !(7..=15).contains(&digits) {
        return false;
    }
    let shard = shard(text);
    let memo = || shard.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(known) = memo().as_ref().and_then(|m| m.get(text, regions)) {
        return known;
    }
    let answer = check(text, digits, regions, true);
    memo()
        .get_or_insert_with(Memo::default)
        .insert(text, regions, answer);
    answer
}

/// A date written with slashes (`10/25/2001`, `25/10/01 14`): day and month of one
/// or two digits, then a year of two or four, maybe an hour after a space.
fn is_date(text: &str) -> bool {
    let date = text.split(' ').next().unwrap_or(text);
    let groups: Vec<usize> = date.split('/').map(str::len).collect();
    matches!(groups.as_slice(), [1 | 2, 1 | 2, 2 | 4])
}

/// An IPv4 address or the first three parts of one (`129.250.36.44`, `207.197.207`):
/// groups of digits that are each an octet as RFC 3986 writes one (0 to 255, no
/// leading zero), joined by dots only. Numbering plans accept some of these as
/// numbers, but a phone number written with dots has a longer group or a trunk `0`.
fn is_ipv4_like(text: &str) -> bool {
    let groups: Vec<&str> = text.split('.').collect();
    (3..=4).contains(&groups.len())
        && groups.iter().all(|g| {
            !g.is_empty()
                && g.bytes().all(|b| b.is_ascii_digit())
                && (g.len() == 1 || !g.starts_with('0'))
                && g.parse::<u16>().is_ok_and(|v| v <= 255)
        })
}

/// [`phone`] without the memo; `digits` is how many digits `text` has. With
/// `shortcut`, a region none of whose numbers the digits can read as is passed
/// over without parsing (the answer is the same; tests compare).
fn check(text: &str, digits: usize, regions: &[PhoneRegion], shortcut: bool) -> bool {
    if is_date(text) || is_ipv4_like(text) {
        return false;
    }
    if text.trim_start().starts_with('+') {
        // With its country code the number says where it belongs: written as one
        // run (`+4915123456789`) or with the country code set apart, however the
        // rest is grouped (`+49 151 23456789`, where Germany writes `1512 3456789`).
        return parse(None, text).is_some_and(|n| {
            let (_, ends) = boundaries(text);
            let code = n.code.to_string().len();
            let (kind, valid) = type_and_validity(&n);
            (ends.len() < 2 || ends[0] == code) && valid && answered_by_a_person(kind)
        });
    }
    // The first region, in the owner's order, that reads the text as one of its
    // numbers written its way, and as either a person's line or a toll-free one,
    // decides (`877-660-6603` is toll-free in the US though China has the same
    // digits as a landline). Other readings are passed over: `0917 123 4567`, a
    // Philippine mobile, is a premium-rate number in Britain. Stopping at the first
    // reading keeps most numbers to one region's patterns. A region none of whose
    // numbers the digits can be is passed over unparsed: a text of digits and
    // separators alone reads as its digits; one with anything else (letters for
    // digits, an extension) is left to the parser.
    let plain = shortcut
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b' ' | b'-' | b'.' | b'/' | b'(' | b')'));
    let written: String = text.chars().filter(char::is_ascii_digit).collect();
    for r in regions.iter().map(|r| r.plan()) {
        if !plausible_length(r, digits) || (plain && !may_be_a_line(r, &written)) {
            continue;
        }
        let Some(n) = parse(Some(r), text) else {
            continue;
        };
        // Validity first: formatting compiles the region's format patterns, and
        // most candidates (dates, codes, prices) are no number of most regions.
        let (kind, valid) = type_and_validity(&n);
        if !valid {
            continue;
        }
        let toll_free = kind == Type::TollFree;
        if !toll_free && !answered_by_a_person(kind) {
            continue;
        }
        if grouped_as(text, &national_format(&n)) {
            return !toll_free;
        }
    }
    false
}

/// Whether a number of `digits` digits can be one of `region`'s: one of its
/// lengths, or that with a prefix of one or two digits (`0`, `1-`). Saves parsing
/// a candidate in regions whose numbers are all longer or shorter.
fn plausible_length(region: &Region, digits: usize) -> bool {
    let lengths = region.general.lengths;
    lengths.is_empty()
        || lengths
            .iter()
            .any(|&l| (usize::from(l)..=usize::from(l) + 2).contains(&digits))
}

/// Reproducible choices for generated test texts (xorshift).
#[cfg(test)]
struct Dice(u64);

#[cfg(test)]
impl Dice {
    /// A number below `n`.
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    /// `len` random digits.
    fn digits(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| char::from(b'0' + self.below(10) as u8))
            .collect()
    }

    /// `digits` with one of them, chosen at random, moved on by `by`.
    fn changed(&mut self, digits: &str, by: u8) -> String {
        let mut changed = digits.as_bytes().to_vec();
        let at = self.below(changed.len());
        changed[at] = b'0' + (changed[at] - b'0' + by) % 10;
        String::from_utf8(changed).expect("ASCII digits")
    }
}

/// A test text: `digits` in groups of `size()` digits joined by `sep`; with
/// `bracket`, the first group in brackets and `bracket` after them.
#[cfg(test)]
fn grouped(
    digits: &str,
    sep: &str,
    bracket: Option<&str>,
    mut size: impl FnMut() -> usize,
) -> String {
    let mut text = String::new();
    let mut at = 0;
    while at < digits.len() {
        let take = size().min(digits.len() - at);
        let group = &digits[at..at + take];
        match (at, bracket) {
            (0, Some(_)) => text.push_str(&format!("({group})")),
            (0, None) => text.push_str(group),
            (_, Some(after)) if text.ends_with(')') => text.push_str(after),
            _ => text.push_str(sep),
        }
        if at > 0 {
            text.push_str(group);
        }
        at += take;
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> Vec<PhoneRegion> {
        DEFAULT_REGIONS.iter().filter_map(|r| region(r)).collect()
    }

    #[test]
    fn national_and_international_formats() {
        let regions = defaults();
        for n in [
            "(212)555-0199",
            "(212) 555-0199",
            "212.555.0199",
            "+1 212 555 0199",
            "+49 (30) 1234 5678",
            "030 1234 5678",
            "03-1234-5678",
            "0917 123 4567",
            "0532 123 45 67",
            "138 0013 8000",
            "+44 20 7946 0958",
            "+49 151 23456789",
            "+4915123456789",
        ] {
            assert!(phone(n, &regions), "{n}");
        }
        for n in [
            "212 055 0199",   // an exchange cannot start with 0
            "1-800-555-0199", // toll-free
            "(877)-660-6603", // toll-free in the US, whatever it is elsewhere
            "2001-10-25",     // a date
            "10/25/2001 14",  // a date and an hour
            "12/05/2000",
            "7138536161", // no grouping to go by
            "12:30",
            "205.214.55.22", // an IP address
            "207.197.207",   // the first parts of one
        ] {
            assert!(!phone(n, &regions), "{n}");
        }
    }

    /// The memo answers by text and regions together: a number national in
    /// one region and not in another gets each list's own answer, in either
    /// order and again, the answer `check` gives without the memo; a text
    /// answered twice is kept once, and a full memo starts over.
    #[test]
    fn the_memo_keeps_each_region_lists_answer() {
        let gb = [region("GB").unwrap()];
        let us = [region("US").unwrap()];
        let london = "020 7946 0958";
        for _ in 0..2 {
            assert!(phone(london, &gb));
            assert!(!phone(london, &us));
        }
        assert!(check(london, 11, &gb, true));
        assert!(!check(london, 11, &us, true));

        let mut memo = Memo::default();
        memo.insert(london, &gb, true);
        memo.insert(london, &gb, true);
        memo.insert(london, &us, false);
        assert_eq!(memo.len, 2);
        assert_eq!(memo.get(london, &us), Some(false));
        assert_eq!(memo.get(london, &[]), None);
        for i in 2..MEMO_SIZE {
            memo.insert(&i.to_string(), &us, false);
        }
        assert_eq!(memo.len, MEMO_SIZE);
        assert_eq!(memo.get(london, &gb), Some(true));
        memo.insert("one more", &us, false);
        assert_eq!(memo.len, 1);
        assert_eq!(memo.get(london, &gb), None);
        assert_eq!(memo.get("one more", &us), Some(false));
    }

    /// Texts with letters for digits, an extension or other digits than ASCII
    /// are read by `phonenumber` itself, and answer as it reads them.
    #[test]
    fn texts_the_tables_do_not_cover_are_read_by_phonenumber() {
        let us = metadata::by_id("US");
        for text in [
            "1-800-FLOWERS",
            "(212) 555-0199 ext. 44",
            "\u{ff12}\u{ff11}\u{ff12} 555 0199",
            "+1 212 555 0199 x12",
        ] {
            assert!(!covers(text), "{text}");
            let ours = parse(us, text).map(|n| (n.code, n.national));
            let theirs = phonenumber::parse(Some(phonenumber::country::US), text)
                .ok()
                .map(|n| (n.code().value(), n.national().to_string()));
            assert_eq!(ours, theirs, "{text}");
        }
        let flowers = parse(us, "1-800-FLOWERS").map(|n| n.national);
        assert_eq!(flowers.as_deref(), Some("8003569377"));
    }

    /// Passing over the regions the digits cannot be a number of changes no
    /// answer: on every region's example numbers, written with and without
    /// prefixes, grouped in several ways and with a digit changed, and on
    /// random digit groups, tried in the default regions and in regions whose
    /// parsing rewrites prefixes or whose international prefix is not `00`.
    #[test]
    fn the_shortcut_changes_no_answer() {
        let database = &*phonenumber::metadata::DATABASE;
        let mut dice = Dice(0x2545_f491_4f6c_dd1d);
        let mut numbers: Vec<String> = Vec::new();
        let regions = [
            "US", "GB", "DE", "JP", "BR", "IL", "PH", "AR", "RU", "CH", "HK", "CA",
        ];
        for meta in regions.iter().filter_map(|r| database.by_id(*r)) {
            let d = meta.descriptors();
            let all = [
                d.fixed_line(),
                d.mobile(),
                d.toll_free(),
                d.premium_rate(),
                d.voip(),
            ];
            for example in all.into_iter().flatten().filter_map(|d| d.example()) {
                for prefix in ["", "0", "1", "00", "011", "8", "810"] {
                    numbers.push(format!("{prefix}{example}"));
                }
                for idd in ["00", "011", "810"] {
                    numbers.push(format!("{idd}{}{example}", meta.country_code()));
                }
            }
        }
        for _ in 0..300 {
            let len = 7 + dice.below(9);
            numbers.push(dice.digits(len));
        }
        let mut candidates: Vec<String> = Vec::new();
        for digits in &numbers {
            let changed = dice.changed(digits, 1);
            for digits in [digits.clone(), changed] {
                // Groups of 2 to 4 digits with one separator, the first in
                // brackets (and a space) or not.
                for sep in ["-", " ", ".", "/"] {
                    let bracket = (dice.below(3) == 0).then_some(" ");
                    candidates.push(grouped(&digits, sep, bracket, || 2 + dice.below(3)));
                }
                candidates.push(format!("{}-{}", &digits[..3], &digits[3..]));
            }
        }
        let lists: [&[&str]; 3] = [
            DEFAULT_REGIONS,
            &["AR", "BR", "RU", "KZ", "CH", "HK"],
            &["CA", "US", "GG", "GB", "AU"],
        ];
        let mut accepted = 0;
        for list in lists {
            let ids: Vec<PhoneRegion> = list.iter().filter_map(|r| region(r)).collect();
            for text in &candidates {
                let digits = text.chars().filter(char::is_ascii_digit).count();
                let fast = check(text, digits, &ids, true);
                assert_eq!(fast, check(text, digits, &ids, false), "{text} in {list:?}");
                accepted += usize::from(fast);
            }
        }
        // The cases hold numbers of both kinds.
        assert!(accepted > 200, "{accepted} of {}", candidates.len() * 3);
    }
}
