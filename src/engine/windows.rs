//! Where in a draft each regex runs: the whole text, the lines that hold what
//! every match holds (and as many lines around as a match can span), or the
//! places a match can begin. Each finds the same matches as the whole text.

use std::ops::Range;
use std::sync::OnceLock;

use aho_corasick::dfa::DFA;

use super::automaton::{overlapping, scan_dfa};
use super::lines::{add_line, line_holding, lines_with_a_digit, narrowed, near_digits, Lines};
use super::search::Builds;
use super::{literal_owners, RegexEntry};
use crate::language::regex::{set_of, Build};
use crate::language::rules::*;
use crate::text::classes::is_ascii_word;
use crate::text::searcher::Searcher;

/// Where in a draft a regex runs.
#[derive(Debug, Clone, Default)]
pub(super) enum Place {
    /// On the whole text.
    #[default]
    Whole,
    /// On these spans of adjacent lines.
    Lines(Vec<Range<usize>>),
    /// Anchored at each of these positions, in order.
    At(Vec<usize>),
}

impl From<Lines> for Place {
    fn from(lines: Lines) -> Self {
        lines.map_or(Place::Whole, Place::Lines)
    }
}

impl Place {
    /// Adds a line (see [`add_line`]).
    pub(super) fn line(&mut self, line: Range<usize>) {
        match self {
            Place::Lines(spans) => add_line(spans, line),
            _ => *self = Place::Lines(vec![line]),
        }
    }

    /// Adds a position to be tried at.
    pub(super) fn at(&mut self, position: usize) {
        match self {
            Place::At(starts) => starts.push(position),
            _ => *self = Place::At(vec![position]),
        }
    }

    /// Puts the positions to be tried at in order, once each: literals of
    /// several lengths are found in order of their ends.
    pub(super) fn in_order(&mut self) {
        if let Place::At(starts) = self {
            starts.sort_unstable();
            starts.dedup();
        }
    }

    /// The regex's matches here: the same, leftmost-first and not overlapping,
    /// as on the whole text. A span limits where a match lies, not what its `\b`
    /// sees around it. Tried at positions, the regex finds, at the first one past
    /// the last match, what it finds there on the whole text: every match begins
    /// at one of them. Spans and positions with no room for a match of
    /// `shortest` bytes are passed over, and `regex`, which gives the build to
    /// search a span with (from a position: to the end of the text), is not
    /// asked for them: a regex with no room anywhere is not compiled.
    pub(super) fn matches<'r>(
        &self,
        regex: impl Fn(Range<usize>) -> Option<&'r Searcher>,
        text: &str,
        shortest: usize,
    ) -> Vec<Range<usize>> {
        let whole = 0..text.len();
        let spans: &[Range<usize>] = match self {
            Place::Whole => std::slice::from_ref(&whole),
            Place::Lines(spans) => spans,
            Place::At(starts) => {
                let mut found: Vec<Range<usize>> = Vec::new();
                for &at in starts.iter().filter(|&&at| at + shortest <= text.len()) {
                    if found.last().is_some_and(|m| at < m.end) {
                        continue;
                    }
                    if let Some(re) = regex(at..text.len()) {
                        found.extend(tried_at(re, text, at));
                    }
                }
                return found;
            }
        };
        in_spans(regex, text, spans, shortest)
    }
}

/// The matches of a regex in each span at least `shortest` long, searched with
/// the build `regex` gives for the span.
pub(super) fn in_spans<'r>(
    regex: impl Fn(Range<usize>) -> Option<&'r Searcher>,
    text: &str,
    spans: &[Range<usize>],
    shortest: usize,
) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    for span in spans.iter().filter(|span| span.len() >= shortest) {
        let Some(re) = regex(span.clone()) else {
            continue;
        };
        let input = regex_automata::Input::new(text).span(span.clone());
        re.each_match(input, |m| {
            if !m.is_empty() {
                found.push(m.range());
            }
        });
    }
    found
}

/// Whether a regex tried where its first literals begin need be tried at `at`:
/// not between two ASCII word bytes when every match begins at a word
/// boundary (`word_start`), as none can begin there (a literal inside a word:
/// `ring` in `during`).
pub(super) fn may_begin_at(word_start: bool, bytes: &[u8], at: usize) -> bool {
    let inside_word = |at: usize| {
        at > 0 && bytes.get(at).is_some_and(|&b| is_ascii_word(b)) && is_ascii_word(bytes[at - 1])
    };
    !(word_start && inside_word(at))
}

/// The match of `re` that begins at `at`, if any.
fn tried_at(re: &Searcher, text: &str, at: usize) -> Option<Range<usize>> {
    let input = regex_automata::Input::new(text)
        .span(at..text.len())
        .anchored(regex_automata::Anchored::Yes);
    re.search(&input)
        .filter(|m| !m.is_empty())
        .map(|m| m.range())
}

/// A short draft from this long on runs its regexes on the lines that hold what
/// their matches hold (see [`Engine::scan`]).
pub(super) const WINDOWED_BYTES: usize = 1 << 10;

/// Where in a long text each regex need run: where one of the literals every
/// match begins with occurs ([`RegexPattern::starts`]); else, for a regex whose
/// matches hold at most a known number of line breaks, the lines that hold one
/// of the literals every match holds or, wanting such literals, a digit that
/// every match holds, and that many lines on either side. It finds the same
/// matches there as on the whole text.
#[derive(Debug, Clone)]
pub(super) struct Windows {
    literals: Option<LiteralWindows>,
    /// For each regex, whether it runs on the lines that hold a digit.
    digits: Vec<bool>,
    /// For each regex, whether it runs on the lines that hold its literals, and
    /// every match of it holds a digit too: it runs where both are.
    literals_and_digits: Vec<bool>,
    /// For each regex, the most line breaks a match holds.
    breaks: Vec<usize>,
    /// The regexes that run on every line with a digit, as one.
    digit_set: Option<DigitSet>,
}

/// The regexes that run on the lines holding a digit (and whose matches hold
/// no line break), searched together once for which of those lines each has
/// a match on; each then runs only there. One pass over the lines with a digit
/// in place of one per regex, which on long texts were most of the regexes'
/// time.
///
/// Exact: a regex's matches in the whole text are on its lines with a match of
/// it (a match found there is a match, found among all of them), and a search
/// over any set of whole lines that holds all of its matches finds those
/// matches (none crosses a line break).
#[derive(Debug, Clone)]
struct DigitSet {
    /// Indexes into the engine's regexes, and their sources.
    members: Vec<usize>,
    sources: Vec<String>,
    /// Each [`Build`] of the set, in [`Build::ALL`] order, built when first needed.
    builds: [OnceLock<Option<Searcher>>; Build::ALL.len()],
}

impl DigitSet {
    fn build(&self, build: Build) -> Option<&Searcher> {
        let cell = &self.builds[build as usize];
        cell.get_or_init(|| set_of(&self.sources, build)).as_ref()
    }

    /// For each member, the spans of `spans` that hold a match of it; `None`
    /// when the set cannot be built.
    fn split(
        &self,
        text: &str,
        spans: &[Range<usize>],
        builds: &Builds,
    ) -> Option<Vec<Vec<Range<usize>>>> {
        let mut each = vec![Vec::new(); self.members.len()];
        let mut found = regex_automata::PatternSet::new(self.members.len());
        for span in spans {
            let set = self.build(builds.in_span(span.clone()))?;
            found.clear();
            let input = regex_automata::Input::new(text).span(span.clone());
            set.which_overlapping_matches(&input, &mut found);
            for p in found.iter() {
                each[p.as_usize()].push(span.clone());
            }
        }
        Some(each)
    }
}

/// The literals a long text is scanned for: those one of which every match of
/// a regex begins with, and those one of which every match of a regex on a few
/// lines holds.
#[derive(Debug, Clone)]
struct LiteralWindows {
    /// Every literal, caseless, for one overlapping scan.
    scan: DFA,
    /// For each literal, the regexes (indexes into the engine's) that need it.
    owners: Vec<Vec<usize>>,
    /// For each regex, whether it is tried where its literals begin (else it
    /// runs on the lines that hold them).
    anchored: Vec<bool>,
    /// For each regex, whether every match begins at a word boundary.
    word_start: Vec<bool>,
}

impl Windows {
    pub(super) fn new(regexes: &[RegexEntry], rules: &RuleSet) -> Option<Windows> {
        let literals = LiteralWindows::new(regexes, rules);
        let (mut digits, breaks): (Vec<bool>, Vec<usize>) = regexes
            .iter()
            .map(|e| {
                let (m, p) = e.owner;
                match &rules.matchers[m].patterns[p] {
                    Pattern::Regex(r) if !e.local => (r.digit_lines(), r.line_breaks.unwrap_or(0)),
                    _ => (false, 0),
                }
            })
            .unzip();
        // A literal's lines are fewer than a digit's; a regex that needs both
        // runs where both are.
        let mut literals_and_digits = vec![false; regexes.len()];
        for &r in literals.iter().flat_map(|l| &l.owners).flatten() {
            literals_and_digits[r] |= digits[r] && !regexes[r].anchored;
            digits[r] = false;
        }
        let (members, sources): (Vec<usize>, Vec<String>) = (0..regexes.len())
            .filter(|&r| digits[r] && breaks[r] == 0)
            .filter_map(|r| {
                let (m, p) = regexes[r].owner;
                match &rules.matchers[m].patterns[p] {
                    Pattern::Regex(pattern) => Some((r, pattern.source.clone())),
                    _ => None,
                }
            })
            .unzip();
        let digit_set = (members.len() >= 2).then(|| DigitSet {
            members,
            sources,
            builds: Default::default(),
        });
        let any = literals.is_some() || digits.contains(&true);
        any.then_some(Windows {
            literals,
            digits,
            literals_and_digits,
            breaks,
            digit_set,
        })
    }

    /// Builds now what a long text would: the regexes on lines with a digit, as
    /// one (every build, the one for ASCII text first, like each regex: see
    /// [`super::Engine::warm`]).
    pub(super) fn warm(&self) {
        if let Some(set) = &self.digit_set {
            for build in Build::ALL.into_iter().rev() {
                set.build(build);
            }
        }
    }

    /// A short draft's regexes on lines with a digit, searched together first
    /// (see [`DigitSet`]): a member `needed` with a match on none of them is
    /// not needed after all (nor compiled), the others run on the lines where
    /// they have one. A member tried where its literals begin keeps its place.
    /// `digit_lines`: the draft's lines with a digit, if already worked out.
    pub(super) fn place_digit_set(
        &self,
        text: &str,
        digit_lines: &mut Option<Vec<Range<usize>>>,
        builds: &Builds,
        needed: &mut [bool],
        places: &mut [Place],
    ) {
        let Some(set) = &self.digit_set else {
            return;
        };
        let wanted: Vec<bool> = set
            .members
            .iter()
            .map(|&r| needed[r] && !matches!(places[r], Place::At(_)))
            .collect();
        if !wanted.contains(&true) {
            return;
        }
        let lines = digit_lines.get_or_insert_with(|| lines_with_a_digit(text));
        let Some(each) = set.split(text, lines, builds) else {
            return;
        };
        for ((&r, lines), wanted) in set.members.iter().zip(each).zip(wanted) {
            if !wanted {
                continue;
            }
            if lines.is_empty() {
                needed[r] = false;
            } else {
                places[r] = Place::Lines(lines);
            }
        }
    }

    /// Which builds of the regexes on lines with a digit are made, in
    /// [`Build::ALL`] order.
    #[cfg(test)]
    pub(super) fn digit_set_builds(&self) -> [bool; Build::ALL.len()] {
        self.digit_set
            .as_ref()
            .map_or([false; Build::ALL.len()], |s| {
                s.builds.each_ref().map(|b| b.get().is_some())
            })
    }

    /// For each of `count` regexes, where in `text` to run it (`builds`: which
    /// build of each searches where).
    pub(super) fn places(&self, text: &str, count: usize, builds: &Builds) -> Vec<Place> {
        let mut out: Vec<Place> = match &self.literals {
            Some(l) => l.places(text, count),
            None => vec![Place::Whole; count],
        };
        let bytes = text.as_bytes();
        let on_digit_lines =
            self.digits.contains(&true) || self.literals_and_digits.contains(&true);
        let spans = on_digit_lines.then(|| lines_with_a_digit(text));
        if let Some(spans) = &spans {
            // The set's members get the lines that hold a match of theirs; the
            // other regexes on digit lines (none of which a literal places) all
            // of them.
            let split = self.digit_set.as_ref().and_then(|set| {
                let each = set.split(text, spans, builds)?;
                Some(set.members.iter().zip(each))
            });
            for (&r, lines) in split.into_iter().flatten() {
                out[r] = Place::Lines(lines);
            }
            for (r, _) in self.digits.iter().enumerate().filter(|(_, d)| **d) {
                if let Place::Whole = out[r] {
                    out[r] = Place::Lines(spans.clone());
                }
            }
        }
        for (r, place) in out.iter_mut().enumerate() {
            let Place::Lines(lines) = place else {
                continue;
            };
            let breaks = self.breaks[r];
            match &spans {
                Some(digits) if self.literals_and_digits[r] => {
                    *place = near_digits(bytes, lines, digits, breaks).into();
                }
                _ if breaks > 0 => *place = narrowed(bytes, std::mem::take(lines), breaks).into(),
                _ => {}
            }
        }
        out
    }
}

impl LiteralWindows {
    fn new(regexes: &[RegexEntry], rules: &RuleSet) -> Option<LiteralWindows> {
        // Starts, where a regex has them, over its line literals.
        let (literals, owners) = literal_owners(regexes, rules, |r| {
            r.starts.clone().or_else(|| r.line_literals())
        });
        if literals.is_empty() {
            return None;
        }
        let anchored = regexes.iter().map(|e| e.anchored).collect();
        let word_start = regexes.iter().map(|e| e.word_start).collect();
        let scan = scan_dfa(&literals, true)?;
        Some(LiteralWindows {
            scan,
            owners,
            anchored,
            word_start,
        })
    }

    /// For each of `count` regexes, where its literals place it in `text`: the
    /// lines that hold them, or where they begin; the whole text for a regex
    /// without literals.
    fn places(&self, text: &str, count: usize) -> Vec<Place> {
        let mut out: Vec<Place> = vec![Place::Whole; count];
        for &r in self.owners.iter().flatten() {
            out[r] = match self.anchored[r] {
                true => Place::At(Vec::new()),
                false => Place::Lines(Vec::new()),
            };
        }
        let (bytes, mut line) = (text.as_bytes(), 0..0);
        overlapping(&self.scan, bytes, |p, start, end| {
            for &r in &self.owners[p] {
                match self.anchored[r] {
                    true if may_begin_at(self.word_start[r], bytes, start) => out[r].at(start),
                    true => {}
                    false => out[r].line(line_holding(bytes, start..end, &mut line)),
                }
            }
        });
        out.iter_mut().for_each(Place::in_order);
        out
    }
}
