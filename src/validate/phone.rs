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

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use phonenumber::country::Id;
use phonenumber::metadata::{Database, Descriptor};
use phonenumber::{Metadata, Mode, PhoneNumber, Type};

/// The regions tried for numbers without a country code when a rule names none.
pub const DEFAULT_REGIONS: &[&str] = &[
    "US", "GB", "DE", "FR", "ES", "IT", "NL", "IN", "JP", "CN", "AU", "BR", "MX", "IL", "PH", "TR",
];

/// A region code (`US`, `GB`, …), if libphonenumber knows it.
pub fn region(code: &str) -> Option<Id> {
    code.trim().to_ascii_uppercase().parse().ok()
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

/// One type's pattern of national numbers, compiled on first use and anchored at
/// the start: `phonenumber` asks for a match that starts at the first digit.
struct Pattern {
    source: &'static str,
    lengths: &'static [u16],
    regex: OnceLock<Option<regex::Regex>>,
}

impl Pattern {
    fn new(source: &'static str, lengths: &'static [u16]) -> Pattern {
        Pattern {
            source,
            lengths,
            regex: OnceLock::new(),
        }
    }

    fn of(d: &'static Descriptor) -> Pattern {
        Pattern::new(d.national_number().as_str(), d.possible_length())
    }

    fn matches(&self, national: &str) -> bool {
        if !self.lengths.is_empty() && !self.lengths.contains(&(national.len() as u16)) {
            return false;
        }
        // Compiled as `phonenumber` compiles it (whitespace in the pattern ignored),
        // but with ASCII classes where the pattern allows: a national number is
        // ASCII digits, which `\d` matches either way, and the smaller automaton
        // compiles several times faster.
        let regex = self.regex.get_or_init(|| {
            let source = format!("^(?:\n{}\n)", self.source);
            let build = |unicode| {
                regex::RegexBuilder::new(&source)
                    .ignore_whitespace(true)
                    .unicode(unicode)
                    .build()
                    .ok()
            };
            build(false).or_else(|| build(true))
        });
        regex.as_ref().is_some_and(|r| r.is_match(national))
    }
}

/// A region's numbering plan, shared by every thread without a lock.
/// `phonenumber` looks each of its patterns up by source text, in one cache behind
/// one mutex, on every use, which made the type check most of the cost of checking
/// a mailbox; this asks the same questions in the same order.
struct Plan {
    general: Pattern,
    /// The types checked before fixed line and mobile, in `phonenumber`'s order.
    special: Vec<(Type, Pattern)>,
    fixed_line: Option<Pattern>,
    mobile: Option<Pattern>,
    /// Fixed-line and mobile numbers share one pattern.
    fixed_is_mobile: bool,
    leading_digits: Option<Pattern>,
}

impl Plan {
    fn of(meta: &'static Metadata) -> Plan {
        let d = meta.descriptors();
        let special = [
            (Type::PremiumRate, d.premium_rate()),
            (Type::TollFree, d.toll_free()),
            (Type::SharedCost, d.shared_cost()),
            (Type::Voip, d.voip()),
            (Type::PersonalNumber, d.personal_number()),
            (Type::Pager, d.pager()),
            (Type::Uan, d.uan()),
            (Type::Voicemail, d.voicemail()),
        ];
        let source = |d: Option<&'static Descriptor>| d.map(|d| d.national_number().as_str());
        Plan {
            general: Pattern::of(d.general()),
            special: special
                .into_iter()
                .filter_map(|(t, d)| Some((t, Pattern::of(d?))))
                .collect(),
            fixed_line: d.fixed_line().map(Pattern::of),
            mobile: d.mobile().map(Pattern::of),
            fixed_is_mobile: source(d.fixed_line()) == source(d.mobile()),
            leading_digits: meta.leading_digits().map(|p| Pattern::new(p.as_str(), &[])),
        }
    }

    /// The type of a national number in this plan (`phonenumber`'s `number_type`).
    fn number_type(&self, national: &str) -> Type {
        let hit = |p: &Option<Pattern>| p.as_ref().is_some_and(|p| p.matches(national));
        if !self.general.matches(national) {
            return Type::Unknown;
        }
        if let Some((t, _)) = self.special.iter().find(|(_, p)| p.matches(national)) {
            return *t;
        }
        if hit(&self.fixed_line) {
            return if self.fixed_is_mobile || hit(&self.mobile) {
                Type::FixedLineOrMobile
            } else {
                Type::FixedLine
            };
        }
        if hit(&self.mobile) {
            return Type::Mobile;
        }
        Type::Unknown
    }
}

/// The compiled plan of a metadata entry of the database, compiled on first use.
fn plan(meta: &'static Metadata) -> Option<&'static Plan> {
    type Plans = HashMap<usize, OnceLock<Plan>>;
    static PLANS: OnceLock<Plans> = OnceLock::new();
    let plans = PLANS.get_or_init(|| {
        let database = &*phonenumber::metadata::DATABASE;
        database
            .iter()
            .map(|m| (m as *const Metadata as usize, OnceLock::new()))
            .collect()
    });
    let slot = plans.get(&(meta as *const Metadata as usize))?;
    Some(slot.get_or_init(|| Plan::of(meta)))
}

/// The type of a national number with this country code: the region among those
/// sharing the code that claims it, then its plan (`phonenumber`'s `source_for`
/// and `number_type`, whose `is_valid` is this type not being unknown).
fn number_type(code: u16, national: &str) -> Type {
    let database: &'static Database = &phonenumber::metadata::DATABASE;
    let Some(regions) = database.region(&code) else {
        return Type::Unknown;
    };
    let meta = if let [only] = regions.as_slice() {
        if *only == "001" {
            database.by_code(&code).and_then(|m| m.into_iter().next())
        } else {
            only.parse::<Id>()
                .ok()
                .and_then(|id| database.by_id(id.as_ref()))
        }
    } else {
        regions.iter().find_map(|r| {
            let meta = database.by_id(*r)?;
            let plan = plan(meta)?;
            let claims = match &plan.leading_digits {
                Some(p) => p.matches(national),
                None => plan.number_type(national) != Type::Unknown,
            };
            claims.then_some(meta)
        })
    };
    meta.and_then(plan)
        .map_or(Type::Unknown, |p| p.number_type(national))
}

/// A parsed number's type, and whether `phonenumber` calls it valid (its type as
/// seen from the national number with its leading zeros, as `is_valid` does).
fn type_and_validity(n: &PhoneNumber) -> (Type, bool) {
    let code = n.code().value();
    let national = n.national();
    let plain = national.value().to_string();
    let kind = number_type(code, &plain);
    let valid = if national.zeros() == 0 {
        kind != Type::Unknown
    } else {
        number_type(code, &national.to_string()) != Type::Unknown
    };
    (kind, valid)
}

/// How many compiled metadata regexes to keep. `phonenumber` keeps 100 in an
/// LRU cache; trying a number in a dozen regions touches more than that, so every
/// candidate recompiled dozens of regexes (an 18 MB mailbox took a minute). The
/// default regions' patterns fit in this many, each compiled once.
const REGEX_CACHE: usize = 8192;

/// Widens the metadata's regex cache, once per process.
fn widen_regex_cache() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let cache = phonenumber::metadata::DATABASE.cache();
        let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
        *cache = regex_cache::RegexCache::new(REGEX_CACHE);
    });
}

/// Loads the numbering plans on another thread, when there is a core to spare:
/// `phonenumber` reads its whole database the first time a number is parsed
/// (about 0.1 s), and a long-running check (a stream, the language server)
/// should not make its first draft with a number in it wait for that.
pub fn warm_in_background() {
    if std::thread::available_parallelism().map_or(1, |n| n.get()) < 2 {
        return;
    }
    let _ = std::thread::Builder::new()
        .name("numbering plans".into())
        .spawn(|| {
            let _ = &*phonenumber::metadata::DATABASE;
            widen_regex_cache();
            prime_regex_cache(DEFAULT_REGIONS);
        });
}

/// Compiles ahead of use the patterns `phonenumber` matches numbers of `regions`
/// against: each region's general pattern, its prefixes and its formats (to parse
/// and to format a number), and the prefixes of the regions that share its
/// country code (to tell them apart). Left to `phonenumber`, each compiles the
/// first time it is asked for, with Unicode classes and inside the one lock of
/// its regex cache, while every other thread checking a number waits. Compiled
/// here with ASCII classes where the pattern allows: every text `phonenumber`
/// matches them against is a national number of ASCII digits, which `\d` matches
/// either way, and the smaller automaton compiles several times faster. The
/// cache is keyed by the pattern's source, so `phonenumber` then finds these.
fn prime_regex_cache(regions: &[&str]) {
    let compiled: Vec<regex::Regex> = sources_to_prime(regions)
        .into_iter()
        .filter_map(ascii_regex)
        .collect();
    let cache = phonenumber::metadata::DATABASE.cache();
    let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
    for regex in compiled {
        cache.save(regex);
    }
}

/// The patterns [`prime_regex_cache`] compiles for `regions`.
fn sources_to_prime(regions: &[&str]) -> Vec<&'static str> {
    let database = &*phonenumber::metadata::DATABASE;
    let mut sources: Vec<&'static str> = Vec::new();
    for meta in regions.iter().filter_map(|r| database.by_id(*r)) {
        let prefixes = |m: &'static Metadata| {
            [m.international_prefix(), m.leading_digits()]
                .into_iter()
                .flatten()
                .map(|r| r.as_str())
        };
        sources.push(meta.descriptors().general().national_number().as_str());
        sources.extend(meta.national_prefix_for_parsing().map(|r| r.as_str()));
        sources.extend(prefixes(meta));
        for f in meta.formats().iter().chain(meta.international_formats()) {
            sources.push(f.pattern().as_str());
            sources.extend(f.leading_digits().iter().map(|r| r.as_str()));
        }
        for other in database.by_code(&meta.country_code()).into_iter().flatten() {
            sources.extend(prefixes(other));
        }
    }
    sources.sort_unstable();
    sources.dedup();
    sources
}

/// A metadata pattern compiled as `phonenumber` compiles it (whitespace in it
/// ignored) but with ASCII classes; `None` where the pattern needs Unicode.
fn ascii_regex(source: &str) -> Option<regex::Regex> {
    regex::RegexBuilder::new(source)
        .ignore_whitespace(true)
        .unicode(false)
        .build()
        .ok()
}

/// Answers already given, by candidate text and regions: drafts repeat their
/// numbers (signatures, quoted replies) and an editor re-checks the same text.
type Memo = HashMap<(String, Vec<Id>), bool>;

fn memo() -> &'static Mutex<Memo> {
    static MEMO: OnceLock<Mutex<Memo>> = OnceLock::new();
    MEMO.get_or_init(Default::default)
}

/// The most answers kept; the memo starts over when it is full.
const MEMO_SIZE: usize = 100_000;

/// Whether `text` is a phone number a person answers, written as its country
/// writes it; numbers without `+` are tried in each of `regions`.
pub fn phone(text: &str, regions: &[Id]) -> bool {
    let digits = text.chars().filter(char::is_ascii_digit).count();
    if !(7..=15).contains(&digits) {
        return false;
    }
    let key = (text.to_string(), regions.to_vec());
    if let Some(&known) = memo().lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return known;
    }
    widen_regex_cache();
    let answer = check(text, digits, regions);
    let mut memo = memo().lock().unwrap_or_else(|e| e.into_inner());
    if memo.len() >= MEMO_SIZE {
        memo.clear();
    }
    memo.insert(key, answer);
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

/// [`phone`] without the memo; `digits` is how many digits `text` has.
fn check(text: &str, digits: usize, regions: &[Id]) -> bool {
    if is_date(text) || is_ipv4_like(text) {
        return false;
    }
    if text.trim_start().starts_with('+') {
        // With its country code the number says where it belongs: written as one
        // run (`+4915123456789`) or with the country code set apart, however the
        // rest is grouped (`+49 151 23456789`, where Germany writes `1512 3456789`).
        return phonenumber::parse(None, text).is_ok_and(|n| {
            let (_, ends) = boundaries(text);
            let code = n.code().value().to_string().len();
            let (kind, valid) = type_and_validity(&n);
            (ends.len() < 2 || ends[0] == code) && valid && answered_by_a_person(kind)
        });
    }
    // The first region, in the owner's order, that reads the text as one of its
    // numbers written its way, and as either a person's line or a toll-free one,
    // decides (`877-660-6603` is toll-free in the US though China has the same
    // digits as a landline). Other readings are passed over: `0917 123 4567`, a
    // Philippine mobile, is a premium-rate number in Britain. Stopping at the first
    // reading keeps most numbers to one region's patterns.
    for &r in regions {
        if !plausible_length(r, digits) {
            continue;
        }
        let Ok(n) = phonenumber::parse(Some(r), text) else {
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
        if grouped_as(text, &n.format().mode(Mode::National).to_string()) {
            return !toll_free;
        }
    }
    false
}

/// Whether a number of `digits` digits can be one of `region`'s: one of its
/// lengths, or that with a prefix of one or two digits (`0`, `1-`). Saves parsing
/// a candidate in regions whose numbers are all longer or shorter.
fn plausible_length(region: Id, digits: usize) -> bool {
    let database = &*phonenumber::metadata::DATABASE;
    let Some(meta) = database.by_id(region.as_ref()) else {
        return true;
    };
    let lengths = meta.descriptors().general().possible_length();
    lengths.is_empty()
        || lengths
            .iter()
            .any(|&l| (usize::from(l)..=usize::from(l) + 2).contains(&digits))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The compiled plans answer as `phonenumber` does, on every example number of
    /// every region's metadata and on each with its last digit changed.
    #[test]
    fn plans_agree_with_phonenumber() {
        let database = &*phonenumber::metadata::DATABASE;
        let mut checked = 0;
        for meta in database.iter() {
            let Ok(region) = meta.id().parse::<Id>() else {
                continue;
            };
            let d = meta.descriptors();
            let examples = [
                d.fixed_line(),
                d.mobile(),
                d.toll_free(),
                d.premium_rate(),
                d.shared_cost(),
                d.voip(),
                d.personal_number(),
                d.pager(),
                d.uan(),
                d.voicemail(),
            ];
            for example in examples.into_iter().flatten().filter_map(|d| d.example()) {
                let last = example.chars().last().and_then(|c| c.to_digit(10));
                let changed = last.map(|l| {
                    let mut s = example[..example.len() - 1].to_string();
                    s.push(char::from_digit((l + 1) % 10, 10).unwrap_or('0'));
                    s
                });
                for text in std::iter::once(example.to_string()).chain(changed) {
                    let Ok(n) = phonenumber::parse(Some(region), &text) else {
                        continue;
                    };
                    let expected = (n.number_type(database), phonenumber::is_valid(&n));
                    assert_eq!(type_and_validity(&n), expected, "{text} in {region:?}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 2_000, "only {checked} numbers checked");
    }

    /// The patterns compiled ahead with ASCII classes find what `phonenumber`'s
    /// own compilation finds in every national number: each region's example
    /// numbers, each shortened digit by digit and with a trunk `0` or `00` before.
    #[test]
    fn ascii_compiled_patterns_match_as_phonenumber_compiles_them() {
        let database = &*phonenumber::metadata::DATABASE;
        let mut inputs: Vec<String> = Vec::new();
        for meta in database.iter() {
            let d = meta.descriptors();
            let examples = [
                d.fixed_line(),
                d.mobile(),
                d.toll_free(),
                d.voip(),
                d.premium_rate(),
            ];
            for example in examples.into_iter().flatten().filter_map(|d| d.example()) {
                for end in 1..=example.len() {
                    for prefix in ["", "0", "00", "1"] {
                        inputs.push(format!("{prefix}{}", &example[..end]));
                    }
                }
            }
        }
        inputs.sort();
        inputs.dedup();
        let sources = sources_to_prime(DEFAULT_REGIONS);
        assert!(sources.len() > 200, "{} patterns", sources.len());
        for source in sources {
            let Some(ascii) = ascii_regex(source) else {
                continue;
            };
            let unicode = regex::RegexBuilder::new(source)
                .ignore_whitespace(true)
                .build()
                .unwrap();
            for input in &inputs {
                assert_eq!(
                    ascii.find(input).map(|m| m.range()),
                    unicode.find(input).map(|m| m.range()),
                    "{source:?} on {input}"
                );
            }
        }
    }

    fn defaults() -> Vec<Id> {
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
}
