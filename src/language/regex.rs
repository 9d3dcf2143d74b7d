//! Checked regular expressions: parsed once when the rules load, which tells the
//! engine all it plans with, and compiled when a draft first needs them.

use std::sync::OnceLock;

use regex_automata::meta::Regex;
use regex_syntax::hir::{Class, ClassUnicode, ClassUnicodeRange, Hir, HirKind, Look};

use crate::language::lower::{literals, reach};
use crate::text::searcher::Searcher;

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
    /// Literals (ASCII lower case) one of which every match begins with, when
    /// there is a small set of such literals rare enough, and either every
    /// match begins at a word boundary or no literals place the regex on lines
    /// ([`RegexPattern::line_literals`]: a match can cross any number of lines,
    /// or holds no literal rare enough): the regex is tried where one occurs.
    pub starts: Option<Vec<Vec<u8>>>,
    /// Whether every match begins at a word boundary: tried where its
    /// [`RegexPattern::starts`] occur, it need not be tried inside a word.
    pub word_start: bool,
    /// Whether a match depends on where the text begins or ends (`^`, `$`,
    /// `\A`, `\z` without multi-line mode): such a regex is searched in its
    /// draft alone, never in drafts joined to search as one.
    pub edges: bool,
    /// Whether it is searched only on a few lines around other matches (set
    /// by the engine before it is compiled).
    #[serde(skip)]
    near_only: bool,
    /// Each [`Build`], in [`Build::ALL`] order, compiled when first needed
    /// (see [`RegexPattern::regex_for`]).
    #[serde(skip)]
    builds: [OnceLock<Derived>; Build::ALL.len()],
}

/// Which build of a regex a text is searched with. Each finds what the regex
/// finds in the texts it is for, and costs less to compile and to run there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Build {
    /// The regex as written.
    Unicode,
    /// `\b` and `\B` look at ASCII word bytes instead of Unicode's word
    /// characters, for text with no word character beyond ASCII. The two agree
    /// at every position of such a text (each of its characters beyond ASCII is
    /// then a non-word character, and its bytes non-word bytes). The lazy DFA
    /// searches this build through, where it gives up on Unicode's `\b` at the
    /// first byte beyond ASCII (a curly apostrophe, a dash, an emoji) and a
    /// slower engine takes over.
    AsciiWords,
    /// Also every class cut to ASCII and every literal beyond ASCII made one
    /// that never matches, for text that is ASCII throughout, where nothing
    /// else could match. Unicode's classes (`\w`, `[^”]`, the Kelvin sign in a
    /// caseless `k`) compile to automata of many states, as many times as the
    /// regex repeats the class; cut to ASCII, each is a range or two.
    AsciiText,
}

impl Build {
    /// Each build, in order: each is for texts that the one before is also for.
    pub const ALL: [Build; 3] = [Build::Unicode, Build::AsciiWords, Build::AsciiText];

    /// `hir` as this build compiles it.
    fn of(self, hir: &Hir) -> Hir {
        match self {
            Build::Unicode => hir.clone(),
            Build::AsciiWords => ascii_word_boundaries(hir),
            Build::AsciiText => ascii_text(hir),
        }
    }
}

/// A build of a regex.
#[derive(Debug, Clone)]
enum Derived {
    /// The same as an earlier build (the regex has no Unicode word boundary,
    /// or no class or literal beyond ASCII), which is used.
    Same(Build),
    /// Its own (`None` only if it exceeds the size limits).
    Own(Option<Searcher>),
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
        // A regex on a few lines is tried where its first literals are when they
        // are not digits (as `prefilter_literals` says, whether a draft holds one
        // answers as well), and either no literals place it on lines or every
        // match begins at a word boundary: tried only where a first literal
        // begins a word, it runs at fewer places than the lines holding one
        // anywhere (`res` in `address`) would have it run over.
        let word_start = reach::begins_at_word_boundary(hir);
        let starts = literals::start_literals(hir).filter(|starts| {
            line_breaks.is_none()
                || !digits_say_as_much(digit, starts)
                    && (word_start || literals::line_literals(hir, literals.as_deref()).is_none())
        });
        RegexPattern {
            source,
            literals,
            line_breaks,
            digit,
            // A regex that never matches has no shortest match; it is searched
            // as before (and finds nothing).
            shortest: hir.properties().minimum_len().unwrap_or(0),
            word_start,
            starts,
            edges: reach::sees_text_edges(hir),
            near_only: false,
            builds: Default::default(),
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
            edges: true,
            near_only: false,
            builds: Default::default(),
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
    pub fn regex(&self) -> Option<&Searcher> {
        self.regex_for(Build::Unicode)
    }

    /// The compiled regex as `build` says (`None` only if it exceeds the size
    /// limits). A build that would compile to the same as an earlier one is
    /// that one.
    pub fn regex_for(&self, build: Build) -> Option<&Searcher> {
        let derived = self.builds[build as usize].get_or_init(|| {
            // Parsed here, once, for both the prefilter question and the build.
            let Ok(hir) = regex_syntax::Parser::new().parse(&self.source) else {
                return Derived::Own(None);
            };
            let own = build.of(&hir);
            match Build::ALL
                .into_iter()
                .find(|&b| b < build && b.of(&hir) == own)
            {
                Some(earlier) => Derived::Same(earlier),
                None => Derived::Own(self.build(&own)),
            }
        });
        match derived {
            Derived::Same(earlier) => self.regex_for(*earlier),
            Derived::Own(regex) => regex.as_ref(),
        }
    }

    fn build(&self, hir: &Hir) -> Option<Searcher> {
        // No full DFA: one built for a small regex took longer than compiling
        // all the rest of it, and the lazy DFA, built as it searches, is as fast
        // on a long draft.
        let config = regex_automata::meta::Config::new()
            .nfa_size_limit(Some(REGEX_SIZE))
            .dfa(false)
            .auto_prefilter(!self.near_only && literals::worth_a_prefilter(hir));
        let regex = Regex::builder().configure(config).build_from_hir(hir);
        regex.ok().map(Searcher::new)
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
/// (`which_overlapping_matches`), each regex compiled as `build` says. `None`
/// if a source does not parse or the whole exceeds the size limits.
pub fn set_of(sources: &[String], build: Build) -> Option<Searcher> {
    let hirs = sources
        .iter()
        .map(|source| Some(build.of(&regex_syntax::Parser::new().parse(source).ok()?)))
        .collect::<Option<Vec<Hir>>>()?;
    let config = regex_automata::meta::Config::new()
        .match_kind(regex_automata::MatchKind::All)
        .nfa_size_limit(Some(REGEX_SIZE))
        .dfa(false);
    Regex::builder()
        .configure(config)
        .build_many_from_hir(&hirs)
        .ok()
        .map(Searcher::new)
}

/// `hir` with each of Unicode's word boundaries made ASCII's.
fn ascii_word_boundaries(hir: &Hir) -> Hir {
    literals::rewritten(hir, &ascii_word_boundary)
}

/// `hir` for text that is ASCII throughout: its classes cut to ASCII, its
/// literals beyond ASCII made ones that never match, its word boundaries
/// ASCII's. (A class of bytes is ASCII already: rules are parsed for UTF-8.)
fn ascii_text(hir: &Hir) -> Hir {
    literals::rewritten(hir, &|h| match h.kind() {
        HirKind::Literal(literal) if !literal.0.is_ascii() => Some(Hir::fail()),
        HirKind::Class(Class::Unicode(class)) => {
            let mut class = class.clone();
            class.intersect(&ClassUnicode::new([ClassUnicodeRange::new('\0', '\x7f')]));
            Some(Hir::class(Class::Unicode(class)))
        }
        _ => ascii_word_boundary(h),
    })
}

/// A Unicode word boundary made ASCII's; `None` for anything else.
fn ascii_word_boundary(hir: &Hir) -> Option<Hir> {
    let HirKind::Look(look) = hir.kind() else {
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

    /// A regex whose every match begins at a word boundary with one of a few
    /// literals is tried where they begin, though literals also place it on
    /// lines; without the boundary (a literal may then begin inside a word,
    /// `res` in `address`), the lines that hold one are where it runs.
    #[test]
    fn a_regex_at_a_word_start_is_tried_where_its_literals_begin() {
        let with_needed = |source: &str| {
            let hir = regex_syntax::Parser::new().parse(source).expect("parses");
            let needed = crate::language::lower::literals::needed_literals(&hir);
            RegexPattern::new(source.to_string(), &hir, needed)
        };
        let at_word = with_needed(r"(?i)\b(?:account|loan)[ \t]*#?[a-z0-9]*[0-9]{6,}\b");
        assert!(at_word.line_literals().is_some(), "lines could place it");
        assert_eq!(
            at_word.starts,
            Some(vec![b"account".to_vec(), b"loan".to_vec()])
        );
        let inside = with_needed(r"(?i)(?:account|loan)[ \t]*#?[a-z0-9]*[0-9]{6,}\b");
        assert!(inside.line_literals().is_some());
        assert_eq!(inside.starts, None);
    }

    fn spans(re: &Searcher, text: &str) -> Vec<(usize, usize)> {
        let mut found = Vec::new();
        re.each_match(regex_automata::Input::new(text), |m| {
            found.push((m.start(), m.end()))
        });
        found
    }

    /// Each build finds what the regex finds in the texts it is for: in a text
    /// whose characters beyond ASCII are none of them word characters, the
    /// regex with ASCII word boundaries; in one that is ASCII throughout, the
    /// regex built for ASCII text. Every regex of the built-in pack, every kind
    /// of word boundary, and classes and literals beyond ASCII.
    #[test]
    fn each_build_agrees_with_the_regex_in_the_texts_it_is_for() {
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
                // A caseless `k` holds the Kelvin sign; `\w`, `.` and a negated
                // class hold nearly everything; literals beyond ASCII.
                r"(?i)k+",
                r"\w+\W",
                r"(?s)a.{3}",
                r"[^”]{3,}”?",
                r"“[^”]*”|\B\x22[^\x22]+\x22\B",
                r"(?-u:\w{2}\b)b?",
                r"é|e|€",
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
        let ascii_pieces: Vec<&str> = pieces.into_iter().filter(|p| p.is_ascii()).collect();
        let mut random = Random::new(11);
        for source in &sources {
            let p = pattern(source);
            let [unicode, words, text_build] = Build::ALL.map(|b| p.regex_for(b).expect("builds"));
            for len in [0, 5, 40, 300, 2000] {
                for _ in 0..12 {
                    let text = random.text(&pieces, len);
                    let want = spans(unicode, &text);
                    assert_eq!(spans(words, &text), want, "{source} on {text:?}");
                    let text = random.text(&ascii_pieces, len);
                    let want = spans(unicode, &text);
                    assert_eq!(spans(words, &text), want, "{source} on {text:?}");
                    assert_eq!(spans(text_build, &text), want, "{source} on {text:?}");
                }
            }
        }
    }

    /// Where a word character lies beyond ASCII the builds differ, and where
    /// any character does the one for ASCII text does too, which is why the
    /// engine asks first. A build that would compile to the same as an earlier
    /// one is that one.
    #[test]
    fn each_build_is_only_for_its_texts_and_shared_where_it_changes_nothing() {
        let p = pattern(r"\b[0-9]+");
        let [unicode, words, text] = Build::ALL.map(|b| p.regex_for(b).unwrap());
        assert_eq!(spans(unicode, "é12 7"), [(5, 6)]);
        assert_eq!(spans(words, "é12 7"), [(2, 4), (5, 6)]);
        assert!(std::ptr::eq(
            p.regex_for(Build::Unicode).unwrap(),
            p.regex().unwrap()
        ));
        // Its classes are ASCII already: only its word boundaries change.
        assert!(std::ptr::eq(text, words));
        let hir = regex_syntax::Parser::new().parse(&p.source).unwrap();
        assert!(!ascii_word_boundaries(&hir)
            .properties()
            .look_set()
            .contains_word_unicode());

        let plain = pattern(r"[0-9]+(?-u:\b)");
        let [unicode, words, text] = Build::ALL.map(|b| plain.regex_for(b).unwrap());
        assert!(std::ptr::eq(words, unicode) && std::ptr::eq(text, unicode));

        let word = pattern(r"\w+|“");
        let [unicode, words, text] = Build::ALL.map(|b| word.regex_for(b).unwrap());
        assert!(std::ptr::eq(words, unicode));
        assert_eq!(spans(unicode, "é1 “"), [(0, 3), (4, 7)]);
        assert_eq!(spans(text, "é1 “"), [(2, 3)]);
        assert_eq!(spans(text, "ab_9 x"), spans(unicode, "ab_9 x"));
    }
}
