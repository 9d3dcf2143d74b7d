//! Checked regular expressions: parsed once when the rules load, which tells the
//! engine all it plans with, and compiled when a draft first needs them.

use std::sync::OnceLock;

use regex_automata::meta::Regex;
use regex_syntax::hir::{Hir, HirKind, Look};

use crate::language::lower::{literals, reach};

/// How large a regex's compiled form may be, in bytes. Rule files are checked
/// against it when they load, so a regex never silently fails to compile later.
pub const REGEX_SIZE: usize = 64 << 20;

/// A checked regular expression, compiled on first use.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct RegexPattern {
    /// The expression with its flags applied inline (`(?i)…`).
    pub source: String,
    /// Literals (ASCII lower case) one of which every match contains, anywhere in
    /// it (`None`: no such small set).
    pub literals: Option<Vec<Vec<u8>>>,
    /// The most line breaks a match holds (`None`: no bound, or a match depends
    /// on where the text ends), as [`reach::line_breaks`] says.
    pub line_breaks: Option<usize>,
    /// Whether every match holds an ASCII digit.
    pub digit: bool,
    /// The fewest bytes a match holds: a text shorter than this has none, and the
    /// regex need not even be compiled for it.
    pub shortest: usize,
    /// Literals (ASCII lower case) one of which every match begins with, when no
    /// literals place the regex on lines ([`RegexPattern::line_literals`]: a
    /// match can cross any number of lines, or holds no literal rare enough),
    /// and there is a small set of such literals rare enough: the regex is
    /// tried where one occurs.
    pub starts: Option<Vec<Vec<u8>>>,
    /// Whether every match begins at a word boundary: tried where its
    /// [`RegexPattern::starts`] occur, it need not be tried inside a word.
    pub word_start: bool,
    /// Whether it is searched only on a few lines around other matches (set
    /// by the engine before it is compiled).
    #[serde(skip)]
    near_only: bool,
    #[serde(skip)]
    compiled: OnceLock<Option<Regex>>,
    /// The regex with ASCII word boundaries, for text without a word character
    /// beyond ASCII (see [`RegexPattern::regex_for`]).
    #[serde(skip)]
    ascii_words: OnceLock<AsciiWords>,
}

/// The regex a text with no word character beyond ASCII is searched with.
#[derive(Debug, Clone)]
enum AsciiWords {
    /// The regex itself: it has no Unicode word boundary.
    Same,
    /// Its own build (`None` only if it exceeds the size limits).
    Own(Option<Regex>),
}

/// A regex is what its source says: everything else is worked out from it.
impl PartialEq for RegexPattern {
    fn eq(&self, other: &RegexPattern) -> bool {
        self.source == other.source
    }
}

impl Eq for RegexPattern {}

impl std::hash::Hash for RegexPattern {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.source.hash(h);
    }
}

impl RegexPattern {
    /// Whether the regex finds the same matches on the lines that hold a digit,
    /// and as many lines around as a match can span, as on the whole text
    /// (account, card and phone numbers without a literal to look for): every
    /// match holds a digit and a known number of line breaks.
    pub fn digit_lines(&self) -> bool {
        self.digit && self.line_breaks.is_some()
    }

    /// The literals a draft is scanned for before the regex runs: those every
    /// match begins with ([`RegexPattern::starts`]), where the regex is then
    /// tried; else the needed literals, but not when every one holds a digit and
    /// the regex needs one (`[0-9]{2}`, ` 00`…` 99`), since whether a draft
    /// holds a digit answers nearly as well, and digits are in every line of a
    /// header or a table, where a scan for such literals would stop at each.
    pub fn prefilter_literals(&self) -> Option<&[Vec<u8>]> {
        if let Some(starts) = &self.starts {
            return Some(starts);
        }
        let literals = self.literals.as_deref()?;
        (!digits_say_as_much(self.digit, literals)).then_some(literals)
    }

    /// A regex `source` that parsed as `hir`; `literals` are its needed literals.
    pub fn new(source: String, hir: &Hir, literals: Option<Vec<Vec<u8>>>) -> RegexPattern {
        let line_breaks = reach::line_breaks(hir);
        let digit = reach::needs_digit(hir);
        // A regex on a few lines is tried where its first literals are only when
        // no literals place it on lines, and they are not digits (as
        // `prefilter_literals` says, whether a draft holds one answers as well).
        let starts = literals::start_literals(hir).filter(|starts| {
            line_breaks.is_none()
                || !digits_say_as_much(digit, starts)
                    && literals::line_literals(hir, literals.as_deref()).is_none()
        });
        RegexPattern {
            source,
            literals,
            line_breaks,
            digit,
            // A regex that never matches has no shortest match; it is searched
            // as before (and finds nothing).
            shortest: hir.properties().minimum_len().unwrap_or(0),
            word_start: reach::begins_at_word_boundary(hir),
            starts,
            near_only: false,
            compiled: OnceLock::new(),
            ascii_words: OnceLock::new(),
        }
    }

    /// A regex that matches where `inner` matches the whole text (for `except`).
    /// Never searched for, so nothing is planned for it: it is parsed when first used.
    pub fn whole_match(inner: &RegexPattern) -> RegexPattern {
        RegexPattern {
            source: format!("^(?:{})$", inner.source),
            literals: None,
            line_breaks: None,
            digit: false,
            shortest: 0,
            starts: None,
            word_start: false,
            near_only: false,
            compiled: OnceLock::new(),
            ascii_words: OnceLock::new(),
        }
    }

    /// Literals one of which every match contains, when no match can cross a line:
    /// in a long text the regex need only run on the lines that hold one. Worked
    /// out when asked for (only long drafts ask), not when the rules load.
    pub fn line_literals(&self) -> Option<Vec<Vec<u8>>> {
        let hir = regex_syntax::Parser::new().parse(&self.source).ok()?;
        literals::line_literals(&hir, self.literals.as_deref())
    }

    /// Says that the regex is searched only on a few lines around other matches:
    /// it is then compiled without a prefilter, which would take longer to build
    /// than it could save there.
    pub fn search_only_near_matches(&mut self) {
        self.near_only = true;
    }

    /// The compiled regex (`None` only if it exceeds the size limits).
    pub fn regex(&self) -> Option<&Regex> {
        self.compiled
            .get_or_init(|| {
                // Parsed here, once, for both the prefilter question and the build.
                let hir = regex_syntax::Parser::new().parse(&self.source).ok()?;
                self.build(&hir)
            })
            .as_ref()
    }

    /// The compiled regex, or (`ascii_bounds`) the same but that `\b` and `\B`
    /// look at ASCII word bytes instead of Unicode's word characters. The two
    /// agree at every position of a text with no word character beyond ASCII
    /// (each of its characters beyond ASCII is then a non-word character, and
    /// its bytes non-word bytes). The lazy DFA searches the second through, where
    /// it gives up on Unicode's `\b` at the first byte beyond ASCII (a curly
    /// apostrophe, a dash, an emoji) and a slower engine takes over.
    pub fn regex_for(&self, ascii_bounds: bool) -> Option<&Regex> {
        if !ascii_bounds {
            return self.regex();
        }
        let ascii = self.ascii_words.get_or_init(|| {
            let Ok(hir) = regex_syntax::Parser::new().parse(&self.source) else {
                return AsciiWords::Own(None);
            };
            if hir.properties().look_set().contains_word_unicode() {
                AsciiWords::Own(self.build(&ascii_word_boundaries(&hir)))
            } else {
                AsciiWords::Same
            }
        });
        match ascii {
            AsciiWords::Same => self.regex(),
            AsciiWords::Own(regex) => regex.as_ref(),
        }
    }

    fn build(&self, hir: &Hir) -> Option<Regex> {
        // No full DFA: one built for a small regex took longer than compiling
        // all the rest of it, and the lazy DFA, built as it searches, is as fast
        // on a long draft.
        let config = regex_automata::meta::Config::new()
            .nfa_size_limit(Some(REGEX_SIZE))
            .dfa(false)
            .auto_prefilter(!self.near_only && literals::worth_a_prefilter(hir));
        Regex::builder().configure(config).build_from_hir(hir).ok()
    }
}

/// Whether looking for `literals` says no more than whether a text holds a
/// digit: every match holds one (`digit`), and so does each literal, with at
/// most one letter besides (` 00`, `10.`, `x1`). A literal with a word in it
/// (`dop_v1_`, a token's prefix) is far rarer than a digit.
fn digits_say_as_much(digit: bool, literals: &[Vec<u8>]) -> bool {
    let letters = |l: &[u8]| l.iter().filter(|b| b.is_ascii_alphabetic()).count();
    digit
        && literals
            .iter()
            .all(|l| l.iter().any(u8::is_ascii_digit) && letters(l) <= 1)
}

/// One regex for the regexes of `sources` that says which of them match in a
/// span: every pattern's matches are reported, overlapping
/// (`which_overlapping_matches`). `ascii_bounds`: with ASCII's word boundaries,
/// as [`RegexPattern::regex_for`] says. `None` if a source does not parse or the
/// whole exceeds the size limits.
pub fn set_of(sources: &[String], ascii_bounds: bool) -> Option<Regex> {
    let hirs = sources
        .iter()
        .map(|source| {
            let hir = regex_syntax::Parser::new().parse(source).ok()?;
            Some(if ascii_bounds {
                ascii_word_boundaries(&hir)
            } else {
                hir
            })
        })
        .collect::<Option<Vec<Hir>>>()?;
    let config = regex_automata::meta::Config::new()
        .match_kind(regex_automata::MatchKind::All)
        .nfa_size_limit(Some(REGEX_SIZE))
        .dfa(false);
    Regex::builder()
        .configure(config)
        .build_many_from_hir(&hirs)
        .ok()
}

/// `hir` with each of Unicode's word boundaries made ASCII's.
fn ascii_word_boundaries(hir: &Hir) -> Hir {
    literals::rewritten(hir, &|h| {
        let HirKind::Look(look) = h.kind() else {
            return None;
        };
        let ascii = match look {
            Look::WordUnicode => Look::WordAscii,
            Look::WordUnicodeNegate => Look::WordAsciiNegate,
            Look::WordStartUnicode => Look::WordStartAscii,
            Look::WordEndUnicode => Look::WordEndAscii,
            Look::WordStartHalfUnicode => Look::WordStartHalfAscii,
            Look::WordEndHalfUnicode => Look::WordEndHalfAscii,
            _ => return None,
        };
        Some(Hir::look(ascii))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::language::rules::Pattern;
    use crate::text::random::Random;

    fn pattern(source: &str) -> RegexPattern {
        let hir = regex_syntax::Parser::new().parse(source).expect("parses");
        RegexPattern::new(source.to_string(), &hir, None)
    }

    fn spans(re: &Regex, text: &str) -> Vec<(usize, usize)> {
        re.find_iter(text).map(|m| (m.start(), m.end())).collect()
    }

    /// In a text whose characters beyond ASCII are none of them word characters,
    /// the regex with ASCII word boundaries finds what the regex finds: every
    /// regex of the built-in pack, and every kind of word boundary.
    #[test]
    fn ascii_word_boundaries_agree_where_no_word_character_is_beyond_ascii() {
        let files = crate::language::builtin::rule_files();
        let pack = crate::language::lower::compile(
            &files,
            &Default::default(),
            &crate::language::builtin::read_list,
        );
        assert!(!pack.has_errors());
        let mut sources: Vec<String> = (pack.rules.matchers.iter())
            .flat_map(|m| &m.patterns)
            .filter_map(|p| match p {
                Pattern::Regex(r) => Some(r.source.clone()),
                _ => None,
            })
            .collect();
        assert!(sources.len() > 50, "{}", sources.len());
        sources.extend(
            [
                r"\bab\b",
                r"\Bb\B",
                r"\b{start}a",
                r"b\b{end}",
                r"\b{start-half}a",
                r"b\b{end-half}",
                r"(?i)\bdon\W\w\b",
            ]
            .map(String::from),
        );
        let pieces = [
            "ab",
            "b",
            "a",
            " ",
            "’",
            "“",
            "”",
            "—",
            "…",
            "😀",
            "€",
            "9",
            "555-1234",
            "\n",
            ".",
            "jo@x.com",
            "Don",
            "t",
            "\"",
            "#",
            "4111 1111 1111 1111",
            "call ",
            "x1234",
            "account ",
            "(Reuters) - ",
            "https://a.io/x",
            "SECRET",
            "“He said",
            "!!!",
        ];
        let mut random = Random::new(11);
        for source in &sources {
            let p = pattern(source);
            let (unicode, ascii) = (
                p.regex().expect("builds"),
                p.regex_for(true).expect("builds"),
            );
            for len in [0, 5, 40, 300, 2000] {
                for _ in 0..12 {
                    let text = random.text(&pieces, len);
                    assert_eq!(
                        spans(ascii, &text),
                        spans(unicode, &text),
                        "{source} on {text:?}"
                    );
                }
            }
        }
    }

    /// Where a word character lies beyond ASCII the two differ, which is why the
    /// engine asks first; a regex with no Unicode word boundary is itself.
    #[test]
    fn ascii_word_boundaries_are_only_for_text_without_other_word_characters() {
        let p = pattern(r"\b[0-9]+");
        let (unicode, ascii) = (p.regex().unwrap(), p.regex_for(true).unwrap());
        assert_eq!(spans(unicode, "é12 7"), [(5, 6)]);
        assert_eq!(spans(ascii, "é12 7"), [(2, 4), (5, 6)]);
        assert!(std::ptr::eq(p.regex_for(false).unwrap(), unicode));
        let hir = regex_syntax::Parser::new().parse(&p.source).unwrap();
        assert!(!ascii_word_boundaries(&hir)
            .properties()
            .look_set()
            .contains_word_unicode());

        let plain = pattern(r"[0-9]+(?-u:\b)");
        assert!(std::ptr::eq(
            plain.regex_for(false).unwrap(),
            plain.regex().unwrap()
        ));
    }
}
