//! Numbering plans compiled for checking many numbers: each region's type
//! patterns compiled on first use and shared by every thread without a lock.

use std::collections::HashMap;
use std::sync::OnceLock;

use phonenumber::Type;
use regex_automata::util::captures::Captures;
use regex_automata::Input;

use super::at_start::AtStart;
use super::metadata::{by_code, Desc, Region, COUNT, REGIONS};
use super::read::Number;
use crate::text::searcher::Searcher;

/// One type's pattern of national numbers, made ready on first use and anchored
/// at the start: `phonenumber` asks for a match that starts at the first digit.
struct Pattern {
    source: &'static str,
    lengths: &'static [u16],
    regex: OnceLock<Option<AtStart>>,
}

impl Pattern {
    fn new(source: &'static str, lengths: &'static [u16]) -> Pattern {
        Pattern {
            source,
            lengths,
            regex: OnceLock::new(),
        }
    }

    fn of(d: &'static Desc) -> Pattern {
        Pattern::new(d.pattern, d.lengths)
    }

    fn matches(&self, national: &str) -> bool {
        if !self.lengths.is_empty() && !self.lengths.contains(&(national.len() as u16)) {
            return false;
        }
        self.compiled().is_some_and(|r| r.is_match(national))
    }

    fn compiled(&self) -> Option<&AtStart> {
        self.regex
            .get_or_init(|| AtStart::new(self.source))
            .as_ref()
    }
}

/// A metadata pattern compiled for matching national numbers: as `phonenumber`
/// compiles it (whitespace in it ignored), with ASCII classes where the pattern
/// allows (a national number is ASCII digits, which `\d` matches either way),
/// and with only the engines a string of at most 17 digits needs: a full or lazy
/// DFA and a prefilter would cost more to build than every match they could
/// speed up.
pub(super) struct Matcher(Searcher);

impl Matcher {
    /// A metadata pattern compiled to match at the start of a text:
    /// `phonenumber` searches anywhere but takes only a match that starts
    /// there, which is the same match.
    pub(super) fn anchored(source: &str) -> Option<Matcher> {
        Matcher::new(&format!("^(?:\n{source}\n)"))
    }

    pub(super) fn new(source: &str) -> Option<Matcher> {
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
        build(false)
            .or_else(|| build(true))
            .map(|regex| Matcher(Searcher::new(regex)))
    }

    pub(super) fn is_match(&self, text: &str) -> bool {
        self.0.is_match(text)
    }

    /// The first match in `text` (for an anchored pattern, the one at its start).
    pub(super) fn find(&self, text: &str) -> Option<std::ops::Range<usize>> {
        self.0.search(&Input::new(text)).map(|m| m.range())
    }

    /// The groups of the first match in `text` (for an anchored pattern, the
    /// one at its start).
    pub(super) fn captures(&self, text: &str) -> Option<Captures> {
        let mut caps = self.0.regex().create_captures();
        self.0.captures(&Input::new(text), &mut caps);
        caps.is_match().then_some(caps)
    }
}

/// A region's numbering plan, shared by every thread without a lock, asking the
/// questions `phonenumber`'s `number_type` asks in the same order.
struct Plan {
    general: Pattern,
    /// The types checked before fixed line and mobile, in `phonenumber`'s order.
    special: Vec<(Type, Pattern)>,
    fixed_line: Option<Pattern>,
    mobile: Option<Pattern>,
    /// Fixed-line and mobile numbers share one pattern.
    fixed_is_mobile: bool,
    leading_digits: Option<Pattern>,
    /// The region's international prefix, anchored at the start.
    idd: Option<Pattern>,
}

impl Plan {
    fn of(r: &'static Region) -> Plan {
        let special = [
            (Type::PremiumRate, &r.premium_rate),
            (Type::TollFree, &r.toll_free),
            (Type::SharedCost, &r.shared_cost),
            (Type::Voip, &r.voip),
            (Type::PersonalNumber, &r.personal_number),
            (Type::Pager, &r.pager),
            (Type::Uan, &r.uan),
            (Type::Voicemail, &r.voicemail),
        ];
        let source = |d: &Option<Desc>| d.as_ref().map(|d| d.pattern);
        Plan {
            general: Pattern::of(&r.general),
            special: special
                .into_iter()
                .filter_map(|(t, d)| Some((t, Pattern::of(d.as_ref()?))))
                .collect(),
            fixed_line: r.fixed_line.as_ref().map(Pattern::of),
            mobile: r.mobile.as_ref().map(Pattern::of),
            fixed_is_mobile: source(&r.fixed_line) == source(&r.mobile),
            leading_digits: r.leading_digits.map(|p| Pattern::new(p, &[])),
            idd: r.international_prefix.map(|p| Pattern::new(p, &[])),
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

/// The compiled plan of a region, compiled on first use.
fn plan(region: &'static Region) -> &'static Plan {
    static PLANS: [OnceLock<Plan>; COUNT] = [const { OnceLock::new() }; COUNT];
    PLANS[region.index].get_or_init(|| Plan::of(region))
}

/// Whether a national number matches the region's general pattern and lengths
/// (`phonenumber`'s `descriptors().general().is_match`).
pub(super) fn general_matches(region: &'static Region, national: &str) -> bool {
    plan(region).general.matches(national)
}

/// The end of the region's international prefix at the start of `digits`.
pub(super) fn idd_end(region: &'static Region, digits: &str) -> Option<usize> {
    plan(region).idd.as_ref()?.compiled()?.end(digits)
}

/// The type of a national number with this country code: the region among those
/// sharing the code that claims it, then its plan (`phonenumber`'s `source_for`
/// and `number_type`, whose `is_valid` is this type not being unknown).
fn number_type(code: u16, national: &str) -> Type {
    claim(code, national).map_or(Type::Unknown, |(region, kind)| {
        kind.unwrap_or_else(|| plan(region).number_type(national))
    })
}

/// The region whose plan a national number of this code belongs to
/// (`phonenumber`'s `source_for`).
pub(super) fn source_for(code: u16, national: &str) -> Option<&'static Region> {
    claim(code, national).map(|(region, _)| region)
}

/// [`source_for`]: the only region of the code, or the first whose leading
/// digits begin the number or, without those, whose plan knows its type. The
/// type comes with the region when finding it took working out (for most
/// numbers of the code the US shares, then not worked out again).
fn claim(code: u16, national: &str) -> Option<(&'static Region, Option<Type>)> {
    match by_code(code) {
        [] => None,
        // Region ids are unique but for the non-geographic `001`s, each the only
        // region of its code: the only region is the one `by_id` would give.
        [only] => Some((only, None)),
        regions => regions.iter().find_map(|r| {
            let plan = plan(r);
            match &plan.leading_digits {
                Some(p) => p.matches(national).then_some((r, None)),
                None => {
                    let kind = plan.number_type(national);
                    (kind != Type::Unknown).then_some((r, Some(kind)))
                }
            }
        }),
    }
}

/// A number's type, and whether `phonenumber` calls it valid (its type as seen
/// from the national number with its leading zeros, as `is_valid` does).
pub(super) fn type_and_validity(n: &Number) -> (Type, bool) {
    let plain = n.national.trim_start_matches('0');
    let kind = number_type(n.code, plain);
    let valid = if plain.len() == n.national.len() {
        kind != Type::Unknown
    } else {
        number_type(n.code, &n.national) != Type::Unknown
    };
    (kind, valid)
}

/// Whether reading `digits` (a number written without `+`: ASCII digits, the
/// separators dropped) in `region` could give a valid number of a line a person
/// answers or a toll-free one: what [`super::check`] asks of a parsed number,
/// asked of every national number parsing could give. In a region whose plan
/// rewrites no national prefix, parsing only strips from the front: the
/// international prefix and the country code dialled after it, or the region's
/// own country code, national prefix or carrier code. The national number is
/// then one of the digits' suffixes, of that code. Trying those in the compiled
/// plans saves reading a candidate in each region (and compiling the patterns of
/// a code it may dial) only to find it is no number there.
pub(super) fn may_be_a_line(region: &'static Region, digits: &str) -> bool {
    let idd_unknown = plan(region)
        .idd
        .as_ref()
        .is_some_and(|p| p.compiled().is_none());
    if region.national_prefix_transform_rule.is_some() || idd_unknown {
        return true;
    }
    // After the international prefix, unless a `0` follows it (which the parser
    // does not take for a country code), comes the code dialled.
    let dialled = idd_end(region, digits).map(|end| &digits[end..]);
    if let Some(rest) = dialled {
        if !rest.starts_with('0') {
            return leading_code(rest).is_some_and(|code| {
                let national = &rest[code.to_string().len()..];
                line_in_suffixes(code, national)
            });
        }
    }
    line_in_suffixes(region.code, digits)
}

/// The country code a string of digits starts with, if any (country codes are
/// prefix-free).
fn leading_code(digits: &str) -> Option<u16> {
    (1..=3).find_map(|len| {
        let code: u16 = digits.get(..len)?.parse().ok()?;
        (!digits.starts_with('0') && !by_code(code).is_empty()).then_some(code)
    })
}

/// The lengths (a bit per length) a national number of any region with this
/// country code can have, worked out once for every code (none for a code no
/// region has); `None` when a region leaves its lengths open.
fn lengths_of(code: u16) -> Option<u64> {
    static LENGTHS: OnceLock<HashMap<u16, Option<u64>>> = OnceLock::new();
    let lengths = LENGTHS.get_or_init(|| {
        let mut by_code: HashMap<u16, Option<u64>> = HashMap::new();
        for region in &REGIONS {
            let possible = region.general.lengths;
            let bits = by_code.entry(region.code).or_insert(Some(0));
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

/// How many compiled metadata regexes `phonenumber` keeps, for the texts it
/// reads itself. It keeps 100 in an LRU cache; trying a number in a dozen
/// regions touches more than that, so every candidate recompiled dozens of
/// regexes.
const REGEX_CACHE: usize = 8192;

/// Widens `phonenumber`'s regex cache, once per process.
pub(super) fn widen_regex_cache() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let cache = phonenumber::metadata::DATABASE.cache();
        let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
        *cache = regex_cache::RegexCache::new(REGEX_CACHE);
    });
}

/// Compiles ahead of use the patterns that reading and checking a number of one
/// of `regions` starts with: each region's general pattern and international
/// prefix.
pub(super) fn prime(regions: &[&'static Region]) {
    for &r in regions {
        let plan = plan(r);
        plan.general.compiled();
        plan.idd.as_ref().map(Pattern::compiled);
    }
}

#[cfg(test)]
mod tests {
    use super::super::metadata::by_id;
    use super::*;
    use crate::validate::phone::DEFAULT_REGIONS;

    /// The compiled plans answer as `phonenumber` does, on every example number of
    /// every region's metadata and on each with its last digit changed.
    #[test]
    fn plans_agree_with_phonenumber() {
        let database = &*phonenumber::metadata::DATABASE;
        let mut checked = 0;
        for meta in database.iter() {
            let Ok(region) = meta.id().parse::<phonenumber::country::Id>() else {
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
                    let ours = Number {
                        code: n.code().value(),
                        national: n.national().to_string(),
                        carrier: None,
                    };
                    assert_eq!(type_and_validity(&ours), expected, "{text} in {region:?}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 2_000, "only {checked} numbers checked");
    }

    /// The patterns compiled with ASCII classes, anchored or not, find what
    /// `phonenumber`'s own compilation (Unicode classes) finds, at the start of
    /// every national number or anywhere in it, group for group: each
    /// region's example numbers, each shortened digit by digit and with a trunk
    /// `0` or `00` or a `1` before, against every pattern reading, formatting and
    /// typing a number of a default region uses.
    #[test]
    fn ascii_compiled_patterns_match_as_phonenumber_compiles_them() {
        let mut inputs: Vec<String> = Vec::new();
        for r in &REGIONS {
            let examples = [
                &r.fixed_line,
                &r.mobile,
                &r.toll_free,
                &r.voip,
                &r.premium_rate,
            ];
            for d in examples.into_iter().flatten() {
                let Some(example) = example_of(r, d) else {
                    continue;
                };
                for end in 1..=example.len() {
                    for prefix in ["", "0", "00", "1"] {
                        inputs.push(format!("{prefix}{}", &example[..end]));
                    }
                }
            }
        }
        inputs.sort();
        inputs.dedup();
        let mut sources: Vec<String> = Vec::new();
        for r in DEFAULT_REGIONS.iter().filter_map(|r| by_id(r)) {
            let descs = [
                &r.fixed_line,
                &r.mobile,
                &r.toll_free,
                &r.voip,
                &r.premium_rate,
            ];
            sources.push(r.general.pattern.to_string());
            sources.extend(descs.into_iter().flatten().map(|d| d.pattern.to_string()));
            sources.extend(r.international_prefix.map(str::to_string));
            sources.extend(r.national_prefix_for_parsing.map(str::to_string));
            for f in r.formats {
                sources.push(f.pattern.to_string());
                sources.extend(f.leading_digits.map(str::to_string));
            }
        }
        sources.sort();
        sources.dedup();
        assert!(sources.len() > 200, "{} patterns", sources.len());
        for source in sources {
            let unicode = regex::RegexBuilder::new(&source)
                .ignore_whitespace(true)
                .build()
                .unwrap();
            let anchored = Matcher::anchored(&source).unwrap();
            let anywhere = Matcher::new(&source).unwrap();
            let groups = |m: &Matcher, input: &str| -> Option<Vec<_>> {
                m.captures(input).map(|c| {
                    (0..c.group_len())
                        .map(|i| c.get_group(i).map(|s| s.range()))
                        .collect()
                })
            };
            for input in &inputs {
                let theirs: Option<Vec<_>> = unicode
                    .captures(input)
                    .map(|c| c.iter().map(|g| g.map(|m| m.range())).collect());
                assert_eq!(groups(&anywhere, input), theirs, "{source:?} on {input}");
                let at_start = theirs.filter(|g| g[0].as_ref().is_some_and(|m| m.start == 0));
                assert_eq!(groups(&anchored, input), at_start, "{source:?} on {input}");
            }
        }
    }

    /// The example number the metadata gives for a type of a region.
    fn example_of(r: &Region, d: &Desc) -> Option<String> {
        let database = &*phonenumber::metadata::DATABASE;
        let metas = database.by_code(&r.code)?;
        let meta = metas.into_iter().find(|m| m.id() == r.id)?;
        let m = meta.descriptors();
        [
            m.fixed_line(),
            m.mobile(),
            m.toll_free(),
            m.voip(),
            m.premium_rate(),
        ]
        .into_iter()
        .flatten()
        .find(|x| x.national_number().as_str() == d.pattern)?
        .example()
        .map(str::to_string)
    }
}
