//! Checked regular expressions: parsed once when the rules load, which tells the
//! engine all it plans with, and compiled when a draft first needs them.

use std::sync::OnceLock;

use regex_syntax::hir::Hir;

use crate::language::lower::literals;

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
    /// on where the text ends), as [`literals::line_breaks`] says.
    pub line_breaks: Option<usize>,
    /// Whether every match holds an ASCII digit.
    pub digit: bool,
    /// The fewest bytes a match holds: a text shorter than this has none, and the
    /// regex need not even be compiled for it.
    pub shortest: usize,
    /// Literals (ASCII lower case) one of which every match begins with, when a
    /// match can cross any number of lines (`None`: no such small set of
    /// literals long enough to be rare): the regex is tried where one occurs.
    pub starts: Option<Vec<Vec<u8>>>,
    /// Whether it is searched only on a few lines around other matches (set
    /// by the engine before it is compiled).
    #[serde(skip)]
    near_only: bool,
    #[serde(skip)]
    compiled: OnceLock<Option<regex_automata::meta::Regex>>,
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
        let all_digits = literals.iter().all(|l| l.iter().any(u8::is_ascii_digit));
        (!(self.digit && all_digits)).then_some(literals)
    }

    /// A regex `source` that parsed as `hir`; `literals` are its needed literals.
    pub fn new(source: String, hir: &Hir, literals: Option<Vec<Vec<u8>>>) -> RegexPattern {
        let line_breaks = literals::line_breaks(hir);
        RegexPattern {
            source,
            literals,
            line_breaks,
            digit: literals::needs_digit(hir),
            // A regex that never matches has no shortest match; it is searched
            // as before (and finds nothing).
            shortest: hir.properties().minimum_len().unwrap_or(0),
            starts: line_breaks
                .is_none()
                .then(|| literals::start_literals(hir))
                .flatten(),
            near_only: false,
            compiled: OnceLock::new(),
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
            near_only: false,
            compiled: OnceLock::new(),
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
    pub fn regex(&self) -> Option<&regex_automata::meta::Regex> {
        self.compiled
            .get_or_init(|| {
                // Parsed here, once, for both the prefilter question and the build.
                let hir = regex_syntax::Parser::new().parse(&self.source).ok()?;
                // No full DFA: one built for a small regex took longer than
                // compiling all the rest of it, and the lazy DFA, built as it
                // searches, is as fast on a long draft.
                let config = regex_automata::meta::Config::new()
                    .nfa_size_limit(Some(REGEX_SIZE))
                    .dfa(false)
                    .auto_prefilter(!self.near_only && literals::worth_a_prefilter(&hir));
                regex_automata::meta::Regex::builder()
                    .configure(config)
                    .build_from_hir(&hir)
                    .ok()
            })
            .as_ref()
    }
}
