//! Numbering plans compiled for checking many numbers: each region's type
//! patterns compiled once and shared by every thread without a lock, and
//! `phonenumber`'s own regex cache widened and filled ahead of use.

use std::collections::HashMap;
use std::sync::OnceLock;

use phonenumber::country::Id;
use phonenumber::metadata::{Database, Descriptor};
use phonenumber::{Metadata, PhoneNumber, Type};

/// One type's pattern of national numbers, compiled on first use and anchored at
/// the start: `phonenumber` asks for a match that starts at the first digit.
struct Pattern {
    source: &'static str,
    lengths: &'static [u16],
    regex: OnceLock<Option<Matcher>>,
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
        let regex = self
            .regex
            .get_or_init(|| Matcher::new(&format!("^(?:\n{}\n)", self.source)));
        regex.as_ref().is_some_and(|r| r.is_match(national))
    }
}

/// A metadata pattern compiled for matching national numbers: as `phonenumber`
/// compiles it (whitespace in it ignored), with ASCII classes where the pattern
/// allows (a national number is ASCII digits, which `\d` matches either way),
/// and with only the engines a string of at most 17 digits needs: a full or lazy
/// DFA and a prefilter would cost more to build than every match they could
/// speed up.
struct Matcher(regex_automata::meta::Regex);

impl Matcher {
    fn new(source: &str) -> Option<Matcher> {
        let build = |unicode: bool| {
            regex_automata::meta::Builder::new()
                .syntax(
                    regex_automata::util::syntax::Config::new()
                        .ignore_whitespace(true)
                        .unicode(unicode),
                )
                .configure(
                    regex_automata::meta::Config::new()
                        .dfa(false)
                        .hybrid(false)
                        .onepass(false)
                        .auto_prefilter(false),
                )
                .build(source)
                .ok()
        };
        build(false).or_else(|| build(true)).map(Matcher)
    }

    fn is_match(&self, text: &str) -> bool {
        self.0.is_match(text)
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
pub(super) fn type_and_validity(n: &PhoneNumber) -> (Type, bool) {
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

/// What reading a number written without `+` in a region can give, for
/// [`may_be_a_line`].
struct Reading {
    /// The region's international prefix, anchored at the start.
    idd: Option<Matcher>,
    /// Whether its international prefix could not be compiled here.
    idd_unknown: bool,
    code: u16,
    /// Whether parsing rewrites a national prefix rather than strip it.
    transforms: bool,
}

impl Reading {
    fn of(meta: &'static Metadata) -> Reading {
        let idd = meta
            .international_prefix()
            .map(|p| Matcher::new(&format!("^(?:\n{}\n)", p.as_str())));
        Reading {
            idd_unknown: idd.as_ref().is_some_and(Option::is_none),
            idd: idd.flatten(),
            code: meta.country_code(),
            transforms: meta.national_prefix_transform_rule().is_some(),
        }
    }
}

/// What reading a number in a default region's country code can give, worked
/// out on first use.
fn reading(region: Id) -> Option<&'static Reading> {
    type Readings = HashMap<&'static str, OnceLock<Reading>>;
    static READINGS: OnceLock<Readings> = OnceLock::new();
    let database = &*phonenumber::metadata::DATABASE;
    let readings =
        READINGS.get_or_init(|| database.iter().map(|m| (m.id(), OnceLock::new())).collect());
    let slot = readings.get(region.as_ref())?;
    let meta = database.by_id(region.as_ref())?;
    Some(slot.get_or_init(|| Reading::of(meta)))
}

/// Whether reading `digits` (a number written without `+`: ASCII digits, the
/// separators dropped) in `region` could give a valid number of a line a person
/// answers or a toll-free one: what [`super::check`] asks of a parsed number,
/// asked of every national number parsing could give. In a region whose plan
/// rewrites no national prefix, parsing only strips from the front: the
/// international prefix and the country code dialled after it, or the region's
/// own country code, national prefix or carrier code. The national number is
/// then one of the digits' suffixes, of that code. Trying those in the compiled
/// plans, without a lock, saves parsing a candidate in each region (and compiling
/// the patterns of a code it may dial) only to find it is no number there.
pub(super) fn may_be_a_line(region: Id, digits: &str) -> bool {
    let Some(r) = reading(region) else {
        return true;
    };
    if r.transforms || r.idd_unknown {
        return true;
    }
    // After the international prefix, unless a `0` follows it (which the parser
    // does not take for a country code), comes the code dialled.
    let dialled = r.idd.as_ref().and_then(|idd| idd.0.find(digits));
    if let Some(rest) = dialled.map(|m| &digits[m.end()..]) {
        if !rest.starts_with('0') {
            return leading_code(rest).is_some_and(|code| {
                let national = &rest[code.to_string().len()..];
                line_in_suffixes(code, national)
            });
        }
    }
    line_in_suffixes(r.code, digits)
}

/// The country code a string of digits starts with, if any (country codes are
/// prefix-free).
fn leading_code(digits: &str) -> Option<u16> {
    let database = &*phonenumber::metadata::DATABASE;
    (1..=3).find_map(|len| {
        let code: u16 = digits.get(..len)?.parse().ok()?;
        (!digits.starts_with('0') && database.by_code(&code).is_some()).then_some(code)
    })
}

/// The lengths (a bit per length) a national number of any region with this
/// country code can have, worked out once for every code (none for a code no
/// region has); `None` when a region leaves its lengths open.
fn lengths_of(code: u16) -> Option<u64> {
    static LENGTHS: OnceLock<HashMap<u16, Option<u64>>> = OnceLock::new();
    let lengths = LENGTHS.get_or_init(|| {
        let mut by_code: HashMap<u16, Option<u64>> = HashMap::new();
        for meta in phonenumber::metadata::DATABASE.iter() {
            let possible = meta.descriptors().general().possible_length();
            let bits = by_code.entry(meta.country_code()).or_insert(Some(0));
            if possible.is_empty() || possible.iter().any(|&l| l >= 64) {
                *bits = None;
            }
            *bits = bits.map(|b| possible.iter().fold(b, |b, &l| b | 1 << l));
        }
        by_code
    });
    lengths.get(&code).copied().unwrap_or(Some(0))
}

/// Whether a suffix of `digits` is a valid number with this country code, of a
/// line a person answers or a toll-free one.
fn line_in_suffixes(code: u16, digits: &str) -> bool {
    let lengths = lengths_of(code);
    let line = |national: &str| {
        let plain = national.trim_start_matches('0');
        if plain.is_empty() {
            return false;
        }
        let kind = number_type(code, plain);
        let valid = if plain.len() == national.len() {
            kind != Type::Unknown
        } else {
            number_type(code, national) != Type::Unknown
        };
        valid && (kind == Type::TollFree || super::answered_by_a_person(kind))
    };
    (0..digits.len())
        .map(|i| &digits[i..])
        .filter(|s| lengths.is_none_or(|bits| s.len() < 64 && bits & 1 << s.len() != 0))
        .any(line)
}

/// How many compiled metadata regexes to keep. `phonenumber` keeps 100 in an
/// LRU cache; trying a number in a dozen regions touches more than that, so every
/// candidate recompiled dozens of regexes (an 18 MB mailbox took a minute). The
/// default regions' patterns fit in this many, each compiled once.
const REGEX_CACHE: usize = 8192;

/// Widens the metadata's regex cache, once per process.
pub(super) fn widen_regex_cache() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let cache = phonenumber::metadata::DATABASE.cache();
        let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
        *cache = regex_cache::RegexCache::new(REGEX_CACHE);
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
pub(super) fn prime_regex_cache(regions: &[&str]) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::phone::DEFAULT_REGIONS;

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
}
