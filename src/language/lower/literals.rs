//! What the engine can search for before running a regex: the literals one of which
//! every match contains (a draft without any has no match), those one of which
//! every match begins with (the regex is tried where they occur), and those that
//! put it on the lines that hold them (and as many lines around as a match can
//! hold, which [`super::reach`] says).

use regex_syntax::hir::literal::{Extractor, Seq};
use regex_syntax::hir::{Class, Hir, HirKind};

use super::reach::{line_breaks, needs_digit};

/// At most this many literals in a set the engine searches for.
const MOST_LITERALS: usize = 256;

/// Literals (ASCII lower case; the engine looks for them caselessly) one of which
/// every match of the regex contains, anywhere in it: a draft that holds none of
/// them has no match. `None` when there is no small set of non-empty literals.
pub(crate) fn needed_literals(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    let set = required(&case_pairs_folded(hir))?;
    (set.len() <= MOST_LITERALS && set.iter().all(|l| !l.is_empty())).then_some(set)
}

/// `hir` with each class of exactly an ASCII letter's two cases (what `(?i)` makes
/// of most letters) read as the lower-case letter. The literals come out folded
/// and are searched for caselessly, so this changes none of them; but a caseless
/// word of n letters no longer extracts as 2ⁿ spellings, which made extraction a
/// quarter of starting up. Classes with a third member (`k` and the Kelvin sign,
/// `s` and the long s) stay classes: a caseless ASCII search would miss those.
fn case_pairs_folded(hir: &Hir) -> Hir {
    rewritten(hir, &|h| match h.kind() {
        HirKind::Class(class) => case_pair(class).map(|lower| Hir::literal([lower])),
        _ => None,
    })
}

/// `hir` rebuilt with each node that `leaf` gives a replacement for replaced
/// (and not looked into), the others rebuilt from their rebuilt parts.
pub(crate) fn rewritten(hir: &Hir, leaf: &dyn Fn(&Hir) -> Option<Hir>) -> Hir {
    if let Some(new) = leaf(hir) {
        return new;
    }
    match hir.kind() {
        HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) | HirKind::Look(_) => hir.clone(),
        HirKind::Repetition(r) => Hir::repetition(regex_syntax::hir::Repetition {
            sub: Box::new(rewritten(&r.sub, leaf)),
            ..r.clone()
        }),
        HirKind::Capture(c) => Hir::capture(regex_syntax::hir::Capture {
            sub: Box::new(rewritten(&c.sub, leaf)),
            ..c.clone()
        }),
        HirKind::Concat(hs) => Hir::concat(hs.iter().map(|h| rewritten(h, leaf)).collect()),
        HirKind::Alternation(hs) => {
            Hir::alternation(hs.iter().map(|h| rewritten(h, leaf)).collect())
        }
    }
}

/// The lower-case letter of a class that is exactly `[Xx]`.
fn case_pair(class: &Class) -> Option<u8> {
    let ranges: Vec<(u32, u32)> = match class {
        Class::Unicode(c) => c
            .ranges()
            .iter()
            .map(|r| (r.start().into(), r.end().into()))
            .collect(),
        Class::Bytes(c) => c
            .ranges()
            .iter()
            .map(|r| (r.start().into(), r.end().into()))
            .collect(),
    };
    let &[(upper, u), (lower, l)] = ranges.as_slice() else {
        return None;
    };
    let folded = u8::try_from(upper)
        .ok()
        .filter(u8::is_ascii_uppercase)?
        .to_ascii_lowercase();
    (upper == u && lower == l && lower == u32::from(folded)).then_some(folded)
}

/// Literals (ASCII lower case; the engine looks for them caselessly) one of
/// which every match of the regex begins with: it need only be tried where one
/// occurs. `None` when there is no small set of them, or one is shorter than
/// [`SHORTEST_WINDOW_LITERAL`] without a symbol prose seldom holds, and so in
/// too many places to be worth it.
pub(crate) fn start_literals(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    let seq = Extractor::new().extract(&case_pairs_folded(hir));
    let mut set: Vec<Vec<u8>> = usable(&seq)?
        .into_iter()
        .map(|l| l.to_ascii_lowercase())
        .collect();
    set.sort();
    // Where a literal begins, so does any that begins it; one that merely holds
    // another (`huge thanks`, `thanks`) begins elsewhere and is kept.
    set.dedup_by(|l, kept| l.starts_with(kept));
    set.iter().all(|l| rare(l)).then_some(set)
}

/// Whether a literal is rare enough in prose to be looked for where it begins:
/// long enough, or holding a symbol that prose seldom does ([`seldom_symbol`]),
/// or one of the letters it seldom holds ([`SELDOM_LETTERS`]: `fx`, `x`).
fn rare(literal: &[u8]) -> bool {
    literal.len() >= SHORTEST_WINDOW_LITERAL
        || literal
            .iter()
            .any(|b| SELDOM_LETTERS.contains(&b.to_ascii_lowercase()))
        || seldom_symbol(literal)
}

/// Whether a literal holds a symbol that prose seldom does (`$`, `@`, `©`, `£`,
/// but not `.` or `-`).
fn seldom_symbol(literal: &[u8]) -> bool {
    let symbol = |c: char| {
        matches!(
            c,
            '$' | '@'
                | '#'
                | '%'
                | '&'
                | '*'
                | '+'
                | '='
                | '<'
                | '>'
                | '['
                | ']'
                | '{'
                | '}'
                | '|'
                | '\\'
                | '^'
                | '_'
                | '~'
                | '`'
        ) || !(c.is_ascii() || c.is_alphanumeric() || c.is_whitespace())
    };
    std::str::from_utf8(literal).is_ok_and(|l| l.chars().any(symbol))
}

/// The letters English prose holds least: each is at most 0.15% of its
/// letters, five times less than the next (`k`). A place holding one is as rare
/// as one holding three common letters; a line is not (one in fifteen holds an
/// `x`).
const SELDOM_LETTERS: [u8; 4] = [b'j', b'q', b'x', b'z'];

/// Whether searching for the regex's first bytes before running it pays: not when a
/// match may start with a single letter (`\bf\s*:`, `x[0-9]{4}`), which nearly
/// every word of prose holds, so the search stops and restarts at each one. A run
/// of letters, or a rarer byte (`.`, `+`, `@`, a digit), is worth it.
pub(crate) fn worth_a_prefilter(hir: &Hir) -> bool {
    let prefixes = Extractor::new().extract(hir);
    prefixes.literals().is_none_or(|literals| {
        !literals
            .iter()
            .any(|l| matches!(l.as_bytes(), [b] if b.is_ascii_alphabetic()))
    })
}

/// The literals of a finite set, unless it is too large or holds the empty string
/// (which every text contains).
fn usable(seq: &Seq) -> Option<Vec<Vec<u8>>> {
    let literals = seq.literals()?;
    let useful = !literals.is_empty()
        && literals.len() <= MOST_LITERALS
        && literals.iter().all(|l| !l.as_bytes().is_empty());
    useful.then(|| literals.iter().map(|l| l.as_bytes().to_vec()).collect())
}

/// Literals this short are in too many lines to be worth a window.
const SHORTEST_WINDOW_LITERAL: usize = 3;

/// Sets larger than this (digit runs, every spelling of a class) are in too many
/// lines to be worth a window.
const MOST_WINDOW_LITERALS: usize = 32;

/// Literals one of which every match of the regex contains, in ASCII lower case
/// (the engine looks for them caselessly), when a match can hold at most a known
/// number of line breaks ([`line_breaks`]) and does not rely on the end of the
/// text: the regex then finds the same matches on the lines that hold one of
/// them, and that many lines around, as on the whole text. `None` when there is
/// no small set of literals in few lines: of [`SHORTEST_WINDOW_LITERAL`] bytes
/// or more or, when every match needs a digit too (the regex then runs where the
/// lines near both meet), holding a symbol prose seldom holds. A short symbol
/// alone is in too many lines (every mail header holds `@`) to beat the regex's
/// own search for it. `needed` is the regex's [`needed_literals`], worked out
/// when the rules loaded.
pub(crate) fn line_literals(hir: &Hir, needed: Option<&[Vec<u8>]>) -> Option<Vec<Vec<u8>>> {
    line_breaks(hir)?;
    let set = folded(needed?.iter().map(|l| rare_letter(l).unwrap_or(l).to_vec()));
    let digit = needs_digit(hir);
    let in_few_lines = |l: &[u8]| {
        rare_letter(l).is_some() || l.len() >= SHORTEST_WINDOW_LITERAL || digit && seldom_symbol(l)
    };
    if !set.iter().all(|l| in_few_lines(l)) {
        return None;
    }
    // A line that holds a literal holds each of its prefixes. Extraction runs on
    // past a word into what may follow it (`booth 4`, `booth#4`, `booth4`…), which
    // can make too large a set of what is one word: the literals are cut to the
    // longest length that makes the set small enough, never below the shortest
    // that is rare for its length alone (shorter ones are kept whole).
    let shortest = set
        .iter()
        .map(Vec::len)
        .filter(|&n| n >= SHORTEST_WINDOW_LITERAL)
        .min()
        .unwrap_or(SHORTEST_WINDOW_LITERAL);
    let longest = set.iter().map(Vec::len).max().unwrap_or(0).max(shortest);
    (shortest..=longest)
        .rev()
        .map(|most| {
            folded(set.iter().map(|l| match rare_letter(l) {
                Some(_) => l.clone(),
                None => l[..l.len().min(most)].to_vec(),
            }))
        })
        .find(|cut| cut.len() <= MOST_WINDOW_LITERALS)
}

/// The two letters outside ASCII that `(?i)` lets stand for ASCII ones: the long
/// s (`ſ`, for `s`) and the Kelvin sign (`K`, for `k`).
const RARE_LETTERS: [&str; 2] = ["\u{17F}", "\u{212A}"];

/// The rare letter a literal holds, if any. A line that holds the literal holds
/// the letter, and prose almost never does, so a window literal that spells `s`
/// or `k` this way is searched for by that letter alone: caseless `password`
/// has 7 such spellings, which would overflow [`MOST_WINDOW_LITERALS`].
fn rare_letter(literal: &[u8]) -> Option<&'static [u8]> {
    RARE_LETTERS
        .iter()
        .map(|l| l.as_bytes())
        .find(|l| memchr::memmem::find(literal, l).is_some())
}

/// ASCII-lower-cased, sorted, without repeats, and without a literal that holds
/// another one: a text that holds `password ` holds `password`, so the longer one
/// adds nothing but size (and a set past [`MOST_WINDOW_LITERALS`] gets no windows).
fn folded(literals: impl IntoIterator<Item = Vec<u8>>) -> Vec<Vec<u8>> {
    let mut set: Vec<Vec<u8>> = literals
        .into_iter()
        .map(|l| l.to_ascii_lowercase())
        .collect();
    set.sort();
    set.dedup();
    let holds_another = |l: &[u8]| {
        set.iter()
            .any(|m| m.len() < l.len() && memchr::memmem::find(l, m).is_some())
    };
    set.iter().filter(|l| !holds_another(l)).cloned().collect()
}

/// A set of literals (ASCII lower case) one of which every match of `hir`
/// contains; `None` when no finite set is known. Of the candidates, the one whose
/// shortest literal is the longest is kept (longer literals occur in fewer lines),
/// and of those the smallest.
fn required(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) | HirKind::Class(_) => None,
        HirKind::Literal(l) => Some(folded([l.0.to_vec()])),
        HirKind::Capture(c) => required(&c.sub),
        HirKind::Repetition(r) if r.min >= 1 => required(&r.sub),
        HirKind::Repetition(_) => None,
        HirKind::Alternation(hs) => {
            let mut all = Vec::new();
            for h in hs {
                all.extend(required(h)?);
            }
            Some(folded(all))
        }
        HirKind::Concat(hs) => {
            // Every match holds a match of each part, and starts each run of parts
            // with one of that run's prefixes. Runs are tried from the whole and
            // from where a literal begins (a class of case variants counts): the
            // others add nothing a part does not, and each costs an extraction.
            let parts = hs.iter().filter_map(required);
            let begins = |i: usize| i == 0 || (literal_like(&hs[i]) && !literal_like(&hs[i - 1]));
            let runs = (0..hs.len()).filter(|&i| begins(i)).filter_map(|i| {
                usable(&Extractor::new().extract(&Hir::concat(hs[i..].to_vec()))).map(folded)
            });
            // The longest literals, then (among short ones) those prose seldom
            // holds: `@` before `.` in an address.
            parts.chain(runs).max_by_key(|set| {
                let shortest = set.iter().map(Vec::len).min().unwrap_or(0);
                let seldom = set.iter().all(|l| rare(l));
                (shortest.min(8), seldom, std::cmp::Reverse(set.len()))
            })
        }
    }
}

/// A literal, or a class of a few characters (the case variants of a letter).
fn literal_like(hir: &Hir) -> bool {
    const FEW: u32 = 4;
    match hir.kind() {
        HirKind::Literal(_) => true,
        HirKind::Class(Class::Unicode(c)) => {
            c.ranges().iter().map(|r| r.len() as u32).sum::<u32>() <= FEW
        }
        HirKind::Class(Class::Bytes(c)) => {
            c.ranges().iter().map(|r| r.len() as u32).sum::<u32>() <= FEW
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `literals` gives the regex `re`, as strings.
    fn strings(re: &str, literals: fn(&Hir) -> Option<Vec<Vec<u8>>>) -> Option<Vec<String>> {
        let hir = regex_syntax::Parser::new().parse(re).unwrap();
        literals(&hir).map(|set| {
            set.into_iter()
                .map(|l| String::from_utf8_lossy(&l).into_owned())
                .collect()
        })
    }

    fn lines(re: &str) -> Option<Vec<String>> {
        strings(re, |hir| {
            line_literals(hir, needed_literals(hir).as_deref())
        })
    }

    fn digits(re: &str) -> bool {
        let hir = regex_syntax::Parser::new().parse(re).unwrap();
        crate::language::regex::RegexPattern::new(re.to_string(), &hir, None).digit_lines()
    }

    #[test]
    fn regexes_that_need_a_digit_on_one_line() {
        // Every match holds a digit and stays on its line.
        assert!(digits(r"\b[0-9]{3}-[0-9]{2}-[0-9]{4}\b"));
        assert!(digits(r"\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}"));
        assert!(digits(
            r"(?:\+[0-9]{1,3}[ .-]?)?\([0-9]{1,5}\)[ .-]?[0-9]{1,8}"
        ));
        assert!(digits(r"ext\.? ?(?:1|2[0-9])"));
        assert!(digits(r"room 4"));
        // `\d` is Unicode: a match may hold another script's digit only.
        assert!(!digits(r"\d{9}"));
        // A digit that may be left out, or one branch without one.
        assert!(!digits(r"[A-Z]{2}[0-9]*"));
        assert!(!digits(r"x[0-9]{4}|ext"));
        // `\s+` holds any number of line breaks; `$` without (?m) sees the end
        // of the text. A bounded number is fine: the lines around are searched too.
        assert!(!digits(r"fax\s+[0-9]{7}"));
        assert!(digits(r"ext\s?[0-9]{4}"));
        assert!(!digits(r"[0-9]{4}$"));
        assert!(digits(r"(?m)[0-9]{4}$"));
    }

    /// A needed literal may be one byte, which a caseless prefilter finds in
    /// either case (tests/engine.rs checks what these two regexes find).
    #[test]
    fn one_byte_needed_literals() {
        let needed = |re: &str| strings(re, needed_literals);
        assert_eq!(needed(r"[A-Z]{3,}!"), Some(vec!["!".to_string()]));
        assert_eq!(needed(r"(?i)[a-z]{2}x\b"), Some(vec!["x".to_string()]));
    }

    #[test]
    fn literals_every_match_begins_with() {
        let starts = |re: &str| strings(re, start_literals);
        assert_eq!(
            starts(r"(?i)\b(?:call|contact)\s+(?:the|our)\s+desk"),
            Some(vec!["call".into(), "contact".into()])
        );
        // One that holds another begins elsewhere: both are kept.
        let thanks = starts(r"(?i)\b(?:thanks|huge thanks)\s+@").unwrap();
        for kept in ["huge thanks", "thanks"] {
            assert!(thanks.iter().any(|l| l == kept), "{thanks:?}");
        }
        // Folded, each the beginning of a match (what may follow the word too).
        let project = starts(r"Project\s+[A-Z]").unwrap();
        assert!(
            project.iter().all(|l| l.starts_with("project")),
            "{project:?}"
        );
        // Too short to be rare, or a match may begin anywhere.
        assert_eq!(starts(r"(?i)\bfa\s+[0-9]"), None);
        assert_eq!(starts(r"[a-z]+\s+desk"), None);
        assert_eq!(starts(r"(?:\.|-)\s*[0-9]"), None);
        assert_eq!(starts(r"'s\b"), None);
        // Short, but a symbol or a letter prose seldom holds: worth looking for.
        assert_eq!(starts(r"[$£]\s?[0-9]"), Some(vec!["$".into(), "£".into()]));
        assert_eq!(starts(r"(?i)\bfx\s+[0-9]"), Some(vec!["fx".into()]));
        assert_eq!(
            starts(r"(?i)\b(?:x|ext\.?)\s?[0-9]{4}"),
            Some(vec!["ext".into(), "x".into()])
        );
        assert_eq!(
            starts(r"(?i)©\s*[0-9]{4}|\bcopyright\s"),
            Some(vec!["copyright".into(), "©".into()])
        );
    }

    #[test]
    fn literals_that_all_hold_a_digit_are_no_prefilter() {
        let prefilter = |re: &str| {
            let hir = regex_syntax::Parser::new().parse(re).unwrap();
            let pattern = crate::language::regex::RegexPattern::new(
                re.to_string(),
                &hir,
                needed_literals(&hir),
            );
            assert!(pattern.literals.is_some(), "{re} has needed literals");
            pattern.prefilter_literals().map(<[_]>::len)
        };
        // Digits say as much as `-00-`…`-99-` do.
        assert_eq!(prefilter(r"[0-9]{3}-[0-9]{2}-[0-9]{4}"), None);
        // A word beside the digits is worth looking for.
        assert_eq!(prefilter(r"(?i)ext\.?\s?[0-9]{4}"), Some(1));
        assert!(prefilter(r"(?:fax|[0-9]-)[0-9]{4}").is_some());
        // A rare symbol every match begins with is: the regex is tried there.
        assert_eq!(prefilter(r"[$£]\s?[0-9]{2}"), Some(2));
        // So is a literal with a word in it, digit or not: a token's prefix.
        assert_eq!(prefilter(r"\bdop_v1_[a-f0-9]{64}\b"), Some(1));
        assert_eq!(
            prefilter(r"\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}"),
            Some(1)
        );
        // But not a letter and a digit, which prose holds as often as a digit.
        assert_eq!(prefilter(r"(?:x1|y2)[0-9]{4}"), None);
    }

    #[test]
    fn caseless_s_and_k_are_looked_for_by_their_rare_spellings() {
        // `(?i)s` also matches `ſ` and `(?i)k` the Kelvin sign: a line spelling
        // one of the words with them holds that letter, which is looked for alone.
        let set =
            lines(r"(?i)\b[a-z_]*(?:password|passwd|secret|token|api[_-]?key)[ \t]*=").unwrap();
        assert!(set.len() <= MOST_WINDOW_LITERALS, "{set:?}");
        for needed in [
            "password", "passwd", "secret", "token", "apikey", "\u{17F}", "\u{212A}",
        ] {
            assert!(set.iter().any(|l| l == needed), "{needed} not in {set:?}");
        }
        assert!(
            set.iter()
                .all(|l| l.is_ascii() || RARE_LETTERS.contains(&l.as_str())),
            "{set:?}"
        );
    }

    #[test]
    fn literals_run_on_past_a_word_are_cut_back_to_it() {
        // Extraction gives `booth ` and `booth#4`, `booth4`… (24 spellings), which
        // with the words before make too many for a window.
        let re = r"(?i)\b(?:stop by|swing by|drop by|come by|come see|visit|find me|find us|ask me|ask us)\b|\bbooth[ \t]*#?[ \t]*[0-9]+\b";
        let set = lines(re).unwrap();
        assert!(set.len() <= MOST_WINDOW_LITERALS, "{set:?}");
        assert!(set.contains(&"booth#".to_string()), "{set:?}");
        assert!(set.contains(&"drop b".to_string()), "{set:?}");
        // Cut no shorter than need be: a set that fits is left whole.
        assert_eq!(lines(r"\bbooth [0-9]\b").unwrap().len(), 10);
    }

    #[test]
    fn inner_literals_that_every_match_holds() {
        let set = lines(r"\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:internal|corp)\b").unwrap();
        assert!(
            set.iter()
                .all(|l| l.contains("internal") || l.contains("corp")),
            "{set:?}"
        );
        let set = lines(r"[A-Z][\w'&.-]*[ \t]+(?:Project|Operation)[ \t]+.*").unwrap();
        assert!(
            set.iter()
                .all(|l| l.contains("project") || l.contains("operation")),
            "{set:?}"
        );
        let set = lines(r"(?i)\b[a-z][a-z0-9+.-]*://[^\s/:@]+:[^\s/@]+@").unwrap();
        assert_eq!(set, ["://"]);
        // Caseless: the literals are folded, and the long s that a caseless `s`
        // also matches is looked for by itself.
        let set = lines(r"(?i)secret[ \t]*=").unwrap();
        assert!(set.iter().any(|l| l == "\u{17F}"), "{set:?}");
        assert!(
            set.iter()
                .all(|l| l.starts_with("secret") || l == "\u{17F}"),
            "{set:?}"
        );
        assert!(set.iter().any(|l| l.starts_with('ſ')), "{set:?}");
    }

    #[test]
    fn a_caseless_word_is_one_literal_yet_keeps_its_unicode_spellings() {
        let set = needed(r"(?i)\b(?:project|operation)\b").unwrap();
        assert_eq!(set, ["operation", "project"]);
        // `k` also matches the Kelvin sign: a draft that writes it must not be
        // passed over.
        let set = needed(r"(?i)\bkilo\b").unwrap();
        assert_eq!(set, ["kilo", "\u{212a}ilo"]);
    }

    #[test]
    fn no_window_when_a_match_can_cross_lines_without_bound_or_see_the_end() {
        assert_eq!(lines(r"Project\s+[A-Z]"), None); // \s holds a line break
        assert_eq!(lines(r"(?s)Project.+"), None);
        assert_eq!(lines(r"Project [A-Z]+$"), None);
        assert!(lines(r"(?m)Project [A-Z]+$").is_some());
        assert!(lines(r"Project\s?[A-Z]").is_some());
    }

    fn needed(re: &str) -> Option<Vec<String>> {
        strings(re, needed_literals)
    }

    #[test]
    fn a_literal_that_holds_another_is_left_out() {
        // Extraction gives `passwd` and `passwd ` (the spaces may go on), the
        // second adding nothing; all of them made too large a set for windows.
        let re = r#"(?i)\b(?:password|passwd|passphrase|pwd)[ \t]*(?:is|:|=|=>)[ \t]*["']?[^\s"',;]{3,}"#;
        let set = needed(re).unwrap();
        for l in &set {
            assert!(
                !set.iter().any(|m| m != l && l.contains(m.as_str())),
                "{l} in {set:?}"
            );
        }
        assert!(set.contains(&"passwd".to_string()), "{set:?}");
        assert!(lines(re).is_some(), "{set:?}");
    }

    #[test]
    fn needed_literals_lie_anywhere_in_a_match() {
        // Not a prefix: the match starts with any word.
        let set = needed(r"(?i)\b[a-z0-9_]*(?:password|secret)[a-z0-9_]*[ \t]*=").unwrap();
        assert!(
            set.iter().all(|l| {
                let l = l.replace('ſ', "s"); // LATIN SMALL LETTER LONG S is a caseless s
                "password".starts_with(&l) || "secret".starts_with(&l)
            }),
            "{set:?}"
        );
        // Across lines too, and short ones count: a draft without them has no match.
        assert_eq!(needed(r"(?i)\bext\s?[0-9]{3}").unwrap(), ["ext"]);
        assert_eq!(needed(r"[0-9]+\s*%").unwrap(), ["%"]);
        // Of two single bytes every match holds, the one prose seldom holds.
        assert_eq!(needed(r"\b[a-z.]+@[a-z]+\.[a-z]{2,}\b").unwrap(), ["@"]);
        let digits = needed(r"(?:x)?[0-9]{4}").unwrap();
        assert!(digits.iter().all(|l| l.len() >= 2), "{digits:?}");
        assert_eq!(needed(r"\w+"), None);
    }

    #[test]
    fn no_prefilter_on_a_single_letter() {
        let worth_a_prefilter =
            |re: &str| worth_a_prefilter(&regex_syntax::Parser::new().parse(re).unwrap());
        assert!(!worth_a_prefilter(r"(?i)\bfax\b|\bf\s*:"));
        assert!(!worth_a_prefilter(r"(?i)\b(?:x|ext\.?)\s?[0-9]{4}"));
        assert!(worth_a_prefilter(r"(?i)\bfax\b"));
        assert!(worth_a_prefilter(r"\.[a-z0-9]"));
        assert!(worth_a_prefilter(r"\b[0-9]{9}\b"));
        assert!(worth_a_prefilter(r"\w+@\w+")); // no finite prefix: the engine decides
    }

    #[test]
    fn no_window_without_a_long_enough_literal() {
        assert_eq!(lines(r"[0-9]{3}-[0-9]{4}"), None);
        assert_eq!(lines(r"(?:a|project)[0-9]"), None); // "a0" is too short
        assert_eq!(lines(r"(?:x)?[0-9]{4}"), None);
    }

    #[test]
    fn a_short_literal_that_prose_seldom_holds_makes_a_window() {
        // A money amount: a currency sign or a word, each in few lines.
        let re = r"(?i)[$€£¥]\s?[0-9]+|\b[0-9]+\s?(?:million|billion)\b";
        let mut set = lines(re).unwrap();
        set.sort();
        assert_eq!(set, ["$", "billion", "million", "£", "¥", "€"]);
        // Cut back, a long literal never gets shorter than it is rare for.
        let set =
            lines(r"(?i)(?:\$|©|stop by|drop by|swing by|booth[ \t]*#?[ \t]*)[0-9]+").unwrap();
        assert!(set.len() <= MOST_WINDOW_LITERALS, "{set:?}");
        let kept = |l: &str| rare(l.as_bytes()) || rare_letter(l.as_bytes()).is_some();
        assert!(set.iter().all(|l| kept(l)), "{set:?}");
        assert!(set.contains(&"booth".to_string()), "{set:?}");
        assert!(set.contains(&"$0".to_string()), "{set:?}");
        // Short ones alone, where a digit is needed too.
        assert_eq!(lines(r"(?:\$|€)\s?[0-9]+").unwrap(), ["$", "€"]);
        // Not without one: `@` alone is in every mail header.
        assert_eq!(lines(r"\b[a-z0-9._%+-]+@[a-z0-9-]+\.[a-z]{2,}\b"), None);
        // A seldom letter is seldom where a match begins, not in a line.
        assert_eq!(lines(r"(?i)\b(?:x|ext\.?)\s?[0-9]{4}"), None);
        // One short literal that prose often holds is enough to go without.
        assert_eq!(lines(r"(?:\$|%|a)[0-9]"), None);
    }
}
