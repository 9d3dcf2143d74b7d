//! Reading and writing numbers as `phonenumber` does, over the static tables of
//! [`super::metadata`]: for the texts a phone rule finds (ASCII digits, spaces,
//! `- . / ( )` and a `+` in front) the same steps in the same order, so the
//! answers are the crate's (tests compare them on thousands of texts), without
//! building its database. Other texts are read by the crate itself.

use std::sync::OnceLock;

use regex::Regex;

use super::at_start::AtStart;
use super::metadata::{by_code, Format, Region, COUNT};
use super::plans::{general_matches, idd_end, source_for, Matcher};
use regex_automata::util::captures::Captures;

/// A number as read: its country code, its national number (with the leading
/// zeros it keeps) and the carrier code the national prefix carried, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Number {
    pub code: u16,
    pub national: String,
    pub carrier: Option<String>,
}

/// Whether [`read`] reads `text` as `phonenumber` does: three digits or more,
/// spaces and `- . / ( )`, after at most one `+` at the very start.
pub(super) fn covers(text: &str) -> bool {
    let rest = text.strip_prefix('+').unwrap_or(text);
    rest.bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b' ' | b'-' | b'.' | b'/' | b'(' | b')'))
        && rest.bytes().filter(u8::is_ascii_digit).count() >= 3
}

/// What `phonenumber::parse(region, text)` gives, for a text [`covers`] accepts.
pub(super) fn read(region: Option<&'static Region>, text: &str) -> Option<Number> {
    let digits = |s: &str| -> String { s.chars().filter(char::is_ascii_digit).collect() };
    // The parser first tries RFC 3966 (`+CC-national`, no spaces), whose country
    // code runs from the `+` to the first of `- . ( )`; then the natural form.
    if let Some((code, rest)) = rfc3966_code(text) {
        // Three digits after the code make it a number at all; more than two
        // make a national number.
        if rest.bytes().filter(u8::is_ascii_digit).count() < 3 {
            return None;
        }
        // Characters other than digits in the code are dropped, as the parser
        // drops them.
        let code: u16 = digits(code).parse().ok()?;
        if by_code(code).is_empty() {
            return None;
        }
        return finish(region, code, digits(rest));
    }
    let mut national = digits(text);
    // Written with `+`, or after the region's international prefix (unless a
    // `0` follows it), the number is dialled with its country code.
    let mut dialled = text.starts_with('+');
    if let Some(end) = region.and_then(|r| idd_end(r, &national)) {
        if !national[end..].starts_with('0') {
            national.drain(..end);
            dialled = true;
        }
    }
    if dialled {
        if national.len() <= 2 || national.starts_with('0') {
            return None;
        }
        let (code, len) = (1..=3).find_map(|len| {
            let code: u16 = national[..len].parse().ok()?;
            (!by_code(code).is_empty()).then_some((code, len))
        })?;
        national.drain(..len);
        return finish(region, code, national);
    }
    let meta = region?;
    let code = meta.code.to_string();
    if national.starts_with(&code)
        && (!general_matches(meta, &national) || !length(meta, national.len()).is_possible())
    {
        national.drain(..code.len());
    }
    finish(region, meta.code, national)
}

/// The country code and the rest of a text the RFC 3966 reading takes: no
/// spaces, a `+`, a code up to the first of `- . ( )`, then digits and those
/// only.
fn rfc3966_code(text: &str) -> Option<(&str, &str)> {
    if text.contains(' ') {
        return None;
    }
    let after = text.strip_prefix('+')?;
    let at = after.find(['-', '.', '(', ')'])?;
    let (code, rest) = after.split_at(at);
    let national_ok = rest
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'.' | b'(' | b')'));
    // A `/` after the code ends the RFC 3966 reading, and the natural one is
    // tried.
    (!code.is_empty() && national_ok).then_some((code, rest))
}

/// The end of parsing: the national prefix read by the region's plan (or, with
/// none given, by the plan the number belongs to) and the lengths checked.
fn finish(region: Option<&'static Region>, code: u16, mut national: String) -> Option<Number> {
    let mut carrier = None;
    let meta = match region {
        Some(r) => Some(r),
        None => source_for(code, national.trim_start_matches('0')),
    };
    if let Some(meta) = meta {
        let (mut potential, potential_carrier) = national_number(meta, &national);
        if let Some(prefix) = meta.national_prefix {
            if potential.starts_with(prefix) {
                potential.drain(..prefix.len());
            }
        }
        if length(meta, potential.len()) != Validation::TooShort {
            national = potential;
            carrier = potential_carrier;
        }
    }
    if !(2..=17).contains(&national.len()) {
        return None;
    }
    // The number itself must be one: some digit other than a leading zero, and
    // below 2^56 (`phonenumber`'s `NationalNumber`).
    let value: u64 = national.trim_start_matches('0').parse().ok()?;
    if value >= 1 << 56 {
        return None;
    }
    Some(Number {
        code,
        national,
        carrier,
    })
}

/// The national number without the national prefix, and the carrier code the
/// prefix held (`phonenumber`'s `helper::national_number`).
fn national_number(meta: &'static Region, national: &str) -> (String, Option<String>) {
    let unchanged = || (national.to_string(), None);
    let Some(source) = meta.national_prefix_for_parsing else {
        let mut national = national.to_string();
        if let Some(prefix) = meta.national_prefix {
            if national.starts_with(prefix) {
                national.drain(..prefix.len());
            }
        }
        return (national, None);
    };
    let compiled = compiled(meta);
    let parsing = compiled.parsing.get_or_init(|| Matcher::anchored(source));
    // Only a match at the start counts: the pattern is anchored there.
    let Some(caps) = parsing.as_ref().and_then(|p| p.captures(national)) else {
        return unchanged();
    };
    let group = |i: usize| caps.get_group(i).map(|span| national[span].to_string());
    let end = caps.get_match().map_or(0, |m| m.end());
    let first = group(1);
    let last = group(caps.group_len() - 1);
    match (meta.national_prefix_transform_rule, last) {
        (Some(transform), Some(_)) => {
            let transformed = replace(&caps, national, transform);
            if general_matches(meta, national) && !general_matches(meta, &transformed) {
                return unchanged();
            }
            (transformed, first)
        }
        (_, last) => (national[end..].to_string(), last),
    }
}

/// How a national number's length stands against a region's plan
/// (`phonenumber`'s `validator::length` for an unknown type).
#[derive(Debug, PartialEq, Eq)]
enum Validation {
    Possible,
    TooShort,
    TooLong,
    InvalidLength,
}

impl Validation {
    fn is_possible(&self) -> bool {
        *self == Validation::Possible
    }
}

fn length(meta: &Region, len: usize) -> Validation {
    let len = len as u16;
    let possible = meta.general.lengths;
    let (Some(&minimum), Some(&maximum)) = (possible.first(), possible.last()) else {
        return Validation::InvalidLength;
    };
    if meta.general.local_lengths.contains(&len) || len == minimum {
        Validation::Possible
    } else if len < minimum {
        Validation::TooShort
    } else if len > maximum {
        Validation::TooLong
    } else if possible.contains(&len) {
        Validation::Possible
    } else {
        Validation::InvalidLength
    }
}

/// The number written as its country writes it at home (`phonenumber`'s
/// national format): by the first of the main region's formats that fits.
pub(super) fn national_format(number: &Number) -> String {
    let national = &number.national;
    let Some(meta) = by_code(number.code).first() else {
        return national.clone();
    };
    let compiled = compiled(meta);
    let chosen = meta.formats.iter().enumerate().find(|(i, f)| {
        // As `phonenumber` has it, a format without leading digits is taken
        // without trying its pattern.
        if f.leading_digits.is_none() {
            return true;
        }
        let c = compiled.format(meta, *i);
        c.leading.as_ref().is_some_and(|r| r.is_match(national))
            && c.pattern
                .as_ref()
                .and_then(|r| r.find(national))
                .is_some_and(|m| m.start == 0 && m.end == national.len())
    });
    let Some((i, format)) = chosen else {
        return national.clone();
    };
    // The first match anywhere is replaced: a format taken without trying its
    // pattern may match further on, or not at all.
    let caps = compiled.format(meta, i).pattern.as_ref();
    let Some(caps) = caps.and_then(|p| p.captures(national)) else {
        return national.clone();
    };
    let rule = match (&number.carrier, format.domestic_carrier) {
        (Some(carrier), Some(rule)) => Some((rule, Some(carrier.as_str()))),
        _ => format.national_prefix_rule.map(|rule| (rule, None)),
    };
    let template = match rule {
        Some((rule, carrier)) => with_first_group(meta, format, rule, carrier),
        None => format.format.to_string(),
    };
    replace(&caps, national, &template)
}

/// `text` with its match replaced by `template`, whose `$1`… are the groups.
fn replace(caps: &Captures, text: &str, template: &str) -> String {
    let Some(m) = caps.get_match() else {
        return text.to_string();
    };
    let mut out = text[..m.start()].to_string();
    caps.interpolate_string_into(text, template, &mut out);
    out.push_str(&text[m.end()..]);
    out
}

/// The format with its first group (`$1`) written by `rule` (`$NP$FG`, the
/// national prefix then the group; `$CC`, the carrier code).
fn with_first_group(meta: &Region, format: &Format, rule: &str, carrier: Option<&str>) -> String {
    static FIRST_GROUP: OnceLock<Regex> = OnceLock::new();
    let first_group = FIRST_GROUP.get_or_init(|| Regex::new(r"(\$\d)").expect("a valid regex"));
    let Some(first) = first_group.captures(format.format).and_then(|c| c.get(1)) else {
        return format.format.to_string();
    };
    let rule = rule
        .replace("$NP", meta.national_prefix.unwrap_or(""))
        .replace("$FG", &format!("${}", first.as_str()))
        .replace("$CC", carrier.unwrap_or(""));
    first_group
        .replace(format.format, rule.as_str())
        .into_owned()
}

/// A region's patterns that parsing and formatting use, compiled on first use.
struct Compiled {
    parsing: OnceLock<Option<Matcher>>,
    formats: OnceLock<Vec<OnceLock<CompiledFormat>>>,
}

struct CompiledFormat {
    /// Searched anywhere, as `phonenumber` searches it.
    pattern: Option<Matcher>,
    /// Anchored at the start.
    leading: Option<AtStart>,
}

impl Compiled {
    fn format(&self, meta: &Region, i: usize) -> &CompiledFormat {
        let formats = self
            .formats
            .get_or_init(|| meta.formats.iter().map(|_| OnceLock::new()).collect());
        formats[i].get_or_init(|| {
            let f = &meta.formats[i];
            CompiledFormat {
                pattern: Matcher::new(f.pattern),
                leading: f.leading_digits.and_then(AtStart::new),
            }
        })
    }
}

fn compiled(region: &'static Region) -> &'static Compiled {
    static COMPILED: [Compiled; COUNT] = [const {
        Compiled {
            parsing: OnceLock::new(),
            formats: OnceLock::new(),
        }
    }; COUNT];
    &COMPILED[region.index]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::phone::metadata::{by_id, REGIONS};
    use phonenumber::country::Id;

    /// What the crate reads and writes for a text, in our terms.
    fn theirs(region: Option<&'static Region>, text: &str) -> Option<(Number, String)> {
        let id = region.map(|r| r.id.parse::<Id>().unwrap());
        let n = phonenumber::parse(id, text).ok()?;
        let written = n.format().mode(phonenumber::Mode::National).to_string();
        let number = Number {
            code: n.code().value(),
            national: n.national().to_string(),
            carrier: n.carrier().map(|c| c.to_string()),
        };
        Some((number, written))
    }

    fn ours(region: Option<&'static Region>, text: &str) -> Option<(Number, String)> {
        assert!(covers(text), "{text}");
        let n = read(region, text)?;
        let written = national_format(&n);
        Some((n, written))
    }

    /// Texts to read: every region's example numbers, with national and
    /// international prefixes before, a digit changed, grouped by four kinds of
    /// separator, in brackets, with `+` and a country code (with and without
    /// spaces, so both of the crate's readings are taken), and random digits.
    fn texts() -> Vec<String> {
        let database = &*phonenumber::metadata::DATABASE;
        let mut dice = super::super::Dice(0x9e37_79b9_7f4a_7c15);
        let mut numbers: Vec<String> = Vec::new();
        for code in 1..=999u16 {
            for meta in database.by_code(&code).unwrap_or_default() {
                let d = meta.descriptors();
                let all = [d.fixed_line(), d.mobile(), d.toll_free(), d.voip(), d.uan()];
                for example in all.into_iter().flatten().filter_map(|d| d.example()) {
                    let prefixes = ["", "0", "1", "00", "011", "8", "810", "90", "0341"];
                    let prefix = prefixes[dice.below(prefixes.len())];
                    numbers.push(format!("{prefix}{example}"));
                    numbers.push(format!("+{code}{example}"));
                    numbers.push(format!("00{code}{example}"));
                    numbers.push(format!("+{code}0{example}"));
                }
            }
        }
        for _ in 0..400 {
            let len = 5 + dice.below(12);
            numbers.push(dice.digits(len));
        }
        let mut texts: Vec<String> = Vec::new();
        for number in &numbers {
            let (plus, digits) = match number.strip_prefix('+') {
                Some(rest) => ("+", rest),
                None => ("", number.as_str()),
            };
            let changed = dice.changed(digits, 7);
            for digits in [digits.to_string(), changed] {
                texts.push(format!("{plus}{digits}"));
                for sep in ["-", " ", ".", "/"] {
                    let bracket = (dice.below(4) == 0).then_some(sep);
                    let text = super::super::grouped(&digits, sep, bracket, || 1 + dice.below(4));
                    texts.push(format!("{plus}{text}"));
                }
            }
        }
        texts.retain(|t| covers(t));
        texts.sort();
        texts.dedup();
        texts
    }

    /// Reading and writing over the static tables gives what the crate gives,
    /// number for number: in the default regions and in regions whose national
    /// prefixes are rewritten, carry carrier codes or share a country code.
    #[test]
    fn reads_and_writes_as_phonenumber_does() {
        crate::validate::phone::plans::widen_regex_cache();
        let texts = texts();
        assert!(texts.len() > 10_000, "{} texts", texts.len());
        let mut regions: Vec<Option<&'static Region>> = vec![None];
        let ids = [
            "US", "GB", "DE", "FR", "IT", "IN", "JP", "CN", "AU", "BR", "MX", "IL", "PH", "TR",
            "AR", "RU", "KZ", "CH", "HK", "CA", "GG", "CO", "SG", "NZ", "KR", "ID",
        ];
        regions.extend(ids.iter().map(|id| Some(by_id(id).unwrap())));
        let (mut read_some, mut carriers, mut grouped) = (0, 0, 0);
        for region in regions {
            for text in &texts {
                let expected = theirs(region, text);
                assert_eq!(
                    ours(region, text),
                    expected,
                    "{text} in {:?}",
                    region.map(|r| r.id)
                );
                if let Some((n, written)) = expected {
                    read_some += 1;
                    carriers += usize::from(n.carrier.is_some());
                    grouped += usize::from(written != n.national);
                }
            }
        }
        // Most texts read as a number somewhere; carrier codes and formats are
        // exercised.
        assert!(read_some > 100_000, "{read_some} read");
        assert!(carriers > 100, "{carriers} with a carrier code");
        assert!(grouped > 50_000, "{grouped} written in groups");
        eprintln!(
            "{} texts, {read_some} read, {carriers} carriers, {grouped} grouped",
            texts.len()
        );
        // Every region's plan is among them.
        assert!(REGIONS.len() > 240);
    }
}
