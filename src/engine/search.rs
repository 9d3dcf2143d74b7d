//! Finding every hit of every pattern set in a draft: terms in one automaton,
//! regexes behind a literal prefilter.

use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, Input, MatchKind};
use rayon::prelude::*;

use super::{both, literal_owners, Engine, Hit, RegexEntry, Use, PARALLEL_BYTES};
use crate::language::rules::*;
use crate::text::fold::{is_whole_word, Folded};

impl Engine {
    /// Every hit of every matcher in `text`, each list sorted by position, but for
    /// the regexes searched only where conditions look for them (added by
    /// `Engine::local_hits` once the draft is parsed). Terms and regexes are
    /// searched side by side.
    /// Validators run where the hits are found: a regex's hits are checked by the
    /// job that found them, so checking phone numbers overlaps the other searches.
    pub fn hits(&self, text: &str) -> Vec<Vec<Hit>> {
        let (mut hits, regex_hits) = both(
            text.len(),
            || {
                let mut hits = self.term_hits(text);
                for (m, list) in hits.iter_mut().enumerate() {
                    if let Some(v) = &self.rules.matchers[m].validator {
                        narrow(list, v, text);
                    }
                }
                hits
            },
            || self.regex_hits(text),
        );
        for (list, more) in hits.iter_mut().zip(regex_hits) {
            list.extend(more);
            list.sort_by_key(|h| (h.start(), h.end(), h.pattern()));
            list.dedup();
        }
        hits
    }

    /// The lines worth running each regex on, worked out on the first long draft.
    pub(super) fn windows(&self) -> Option<&Windows> {
        self.windows
            .get_or_init(|| Windows::new(&self.regexes, &self.rules))
            .as_ref()
    }

    /// The hits of every term: caseless ones in the folded text, `case` ones as written.
    fn term_hits(&self, text: &str) -> Vec<Vec<Hit>> {
        let mut hits: Vec<Vec<Hit>> = vec![Vec::new(); self.rules.matchers.len()];
        let mut push = |uses: &[Use], start: usize, end: usize| {
            for u in uses {
                if u.partial || is_whole_word(text, start, end) {
                    hits[u.matcher as usize].push(Hit::new(start..end, u.pattern as usize));
                }
            }
        };
        if !self.caseless.is_empty() && text.is_ascii() {
            // Folding ASCII is lowering its letters, which the caseless automata do
            // as they go: no folded copy of the text.
            self.caseless.find(text, &mut push);
        } else if !self.caseless.is_empty() {
            let folded = Folded::new(text);
            self.caseless.find(&folded.text, |uses, start, end| {
                let (Some(start), Some(end)) = (folded.to_original(start), folded.to_original(end))
                else {
                    return;
                };
                if start < end {
                    push(uses, start, end);
                }
            });
        }
        self.exact.find(text, push);
        hits
    }

    /// Finds every regex's matches (leftmost-first, not overlapping, like `find_iter`).
    /// In a short draft, a regex with needed literals runs only when one of them
    /// occurs, and where: one scan of the literal automaton answers that for all.
    fn regex_hits(&self, text: &str) -> Vec<Vec<Hit>> {
        let mut hits: Vec<Vec<Hit>> = vec![Vec::new(); self.rules.matchers.len()];
        if self.regexes.is_empty() {
            return hits;
        }
        let large = text.len() >= PARALLEL_BYTES;
        // A regex every match of which holds a digit finds nothing in a short
        // draft without one. (A long draft nearly always holds digits; its line
        // windows give such a regex only the lines that do, where they can.)
        let digitless = !large && !text.bytes().any(|b| b.is_ascii_digit());
        let skipped = |e: &RegexEntry| e.local || (digitless && e.digit);
        // Local regexes are searched later, where conditions look for them; they
        // and the skipped ones count as found here, so that the literal scan does
        // not wait for them.
        let mut needed: Vec<bool> = self
            .regexes
            .iter()
            .map(|e| skipped(e) || large || !e.prefiltered)
            .collect();
        // On a large draft nearly every literal occurs somewhere and that scan only
        // costs: every regex runs, on the whole text or, when every match holds one
        // of a few literals, or a digit, and crosses a known number of lines, on the
        // lines that hold one. A short draft's scan finds which regexes run at all,
        // and where.
        let places: Vec<Place> = if large {
            let lines = self.windows().map(|w| w.lines(text, self.regexes.len()));
            let lines = lines.unwrap_or_else(|| vec![None; self.regexes.len()]);
            lines.into_iter().map(Place::from).collect()
        } else {
            self.scan(text, &mut needed)
        };
        let mut run: Vec<(&RegexEntry, &Place)> = self
            .regexes
            .iter()
            .zip(&places)
            .zip(&needed)
            .filter(|&((e, _), &needed)| needed && !skipped(e))
            .map(|(run, _)| run)
            .collect();
        if large {
            // Longest first, so that no long job starts last and runs alone: those
            // whose hits a validator checks, then those that scan the whole text.
            let validated = |e: &RegexEntry| {
                e.uses
                    .iter()
                    .any(|&(m, _)| self.rules.matchers[m].validator.is_some())
            };
            run.sort_by_key(|(e, place)| (!validated(e), !matches!(place, Place::Whole)));
        }
        // Each regex's matches, then for each use the hits its matcher's validator
        // keeps (checked in parallel when there are many).
        let find = |&(entry, place): &(&RegexEntry, &Place)| -> Vec<(usize, Vec<Hit>)> {
            let (m, p) = entry.owner;
            let Pattern::Regex(r) = &self.rules.matchers[m].patterns[p] else {
                return Vec::new();
            };
            let Some(re) = r.regex() else {
                return Vec::new();
            };
            let found = place.matches(re, text);
            entry
                .uses
                .iter()
                .map(|&(m, p)| {
                    let hits = found.iter().map(|span| Hit::new(span.clone(), p));
                    let hits = match &self.rules.matchers[m].validator {
                        None => hits.collect(),
                        Some(v) if large && found.len() >= PARALLEL_HITS => {
                            let hits: Vec<Hit> = hits.collect();
                            hits.into_par_iter()
                                .filter_map(|h| validated(h, v, text))
                                .collect()
                        }
                        Some(v) => hits.filter_map(|h| validated(h, v, text)).collect(),
                    };
                    (m, hits)
                })
                .collect()
        };
        let found: Vec<Vec<(usize, Vec<Hit>)>> = if large {
            run.par_iter().map(find).collect()
        } else {
            run.iter().map(find).collect()
        };
        for (m, list) in found.into_iter().flatten() {
            hits[m].extend(list);
        }
        hits
    }

    /// A short draft's literal scan: marks the regexes `needed` one of whose
    /// literals occurs, and says where to run each. A regex whose matches begin
    /// with its literals is tried where they occur; one whose every match crosses
    /// at most a known number of line breaks runs on the lines that hold its
    /// literals or, wanting literals, a digit that every match holds (and that
    /// many lines around); any other on the whole text.
    fn scan(&self, text: &str, needed: &mut [bool]) -> Vec<Place> {
        // A draft of a few lines is searched whole: what windows would leave out
        // does not pay for finding them.
        let windowed = text.len() >= WINDOWED_BYTES;
        let wants = |r: usize| {
            let e = &self.regexes[r];
            let lines = e.line_breaks.is_some() || e.anchored;
            windowed && !e.local && lines
        };
        let bytes = text.as_bytes();
        let mut places: Vec<Place> = vec![Place::Whole; self.regexes.len()];
        if let Some(literals) = &self.literals {
            let mut missing = needed.iter().filter(|n| !**n).count();
            // Where windowed regexes' literals are is wanted to the end.
            let to_the_end = windowed && self.literal_owners.iter().flatten().any(|&r| wants(r));
            let mut line = 0..0;
            for m in literals.for_len(text.len()).find_overlapping_iter(text) {
                for &r in &self.literal_owners[m.pattern().as_usize()] {
                    if !needed[r] {
                        needed[r] = true;
                        missing -= 1;
                    }
                    if !wants(r) {
                        continue;
                    }
                    if self.regexes[r].anchored {
                        places[r].at(m.start());
                        continue;
                    }
                    if m.start() < line.start || m.end() > line.end {
                        let (start, end) = line_around(bytes, m.start(), m.end());
                        line = start..end;
                    }
                    places[r].line(line.clone());
                }
                if missing == 0 && !to_the_end {
                    break;
                }
            }
        }
        let mut digit_lines: Option<Vec<Range<usize>>> = None;
        for (r, (e, place)) in self.regexes.iter().zip(&mut places).enumerate() {
            if !wants(r) {
                continue;
            }
            *place = match (std::mem::take(place), e.line_breaks) {
                (Place::At(mut starts), _) => {
                    // Literals of several lengths are found in order of their ends.
                    starts.sort_unstable();
                    starts.dedup();
                    Place::At(starts)
                }
                (Place::Lines(found), Some(breaks)) => narrowed(bytes, &found, breaks).into(),
                (Place::Whole, Some(breaks)) if e.digit => {
                    let found = digit_lines.get_or_insert_with(|| lines_with_a_digit(text));
                    narrowed(bytes, found, breaks).into()
                }
                (place, _) => place,
            };
        }
        places
    }
}

/// Where in a draft a regex runs.
#[derive(Debug, Clone, Default)]
enum Place {
    /// On the whole text.
    #[default]
    Whole,
    /// On these spans of adjacent lines.
    Lines(Vec<Range<usize>>),
    /// Anchored at each of these positions, in order.
    At(Vec<usize>),
}

impl From<Lines> for Place {
    fn from(lines: Lines) -> Place {
        lines.map_or(Place::Whole, Place::Lines)
    }
}

impl Place {
    /// Adds a line (see [`add_line`]).
    fn line(&mut self, line: Range<usize>) {
        match self {
            Place::Lines(spans) => add_line(spans, line),
            _ => *self = Place::Lines(vec![line]),
        }
    }

    /// Adds a position to be tried at.
    fn at(&mut self, position: usize) {
        match self {
            Place::At(starts) => starts.push(position),
            _ => *self = Place::At(vec![position]),
        }
    }

    /// The regex's matches here: the same, leftmost-first and not overlapping,
    /// as on the whole text. A span limits where a match lies, not what its `\b`
    /// sees around it. Tried at positions, the regex finds, at the first one past
    /// the last match, what it finds there on the whole text: every match begins
    /// at one of them.
    fn matches(&self, re: &regex_automata::meta::Regex, text: &str) -> Vec<Range<usize>> {
        let input = || regex_automata::Input::new(text);
        let whole = 0..text.len();
        let spans: &[Range<usize>] = match self {
            Place::Whole => std::slice::from_ref(&whole),
            Place::Lines(spans) => spans,
            Place::At(starts) => {
                let mut found: Vec<Range<usize>> = Vec::new();
                for &at in starts {
                    if found.last().is_some_and(|m| at < m.end) {
                        continue;
                    }
                    let tried = input()
                        .span(at..text.len())
                        .anchored(regex_automata::Anchored::Yes);
                    found.extend(
                        re.search(&tried)
                            .filter(|m| !m.is_empty())
                            .map(|m| m.range()),
                    );
                }
                return found;
            }
        };
        spans
            .iter()
            .flat_map(|span| re.find_iter(input().span(span.clone())))
            .filter(|m| !m.is_empty())
            .map(|m| m.range())
            .collect()
    }
}

/// A short draft from this long on runs its regexes on the lines that hold what
/// their matches hold (see [`Engine::scan`]).
const WINDOWED_BYTES: usize = 1 << 10;

/// The spans of adjacent lines a regex runs on (`None`: the whole text).
type Lines = Option<Vec<Range<usize>>>;

/// Where in a long text each regex need run: for a regex whose matches hold at
/// most a known number of line breaks, the lines that hold one of the literals
/// every match holds or, wanting such literals, a digit that every match holds,
/// and that many lines on either side. It finds the same matches there as on
/// the whole text.
#[derive(Debug, Clone)]
pub(super) struct Windows {
    literals: Option<LiteralWindows>,
    /// For each regex, whether it runs on the lines that hold a digit.
    digits: Vec<bool>,
    /// For each regex, the most line breaks a match holds.
    breaks: Vec<usize>,
}

#[derive(Debug, Clone)]
struct LiteralWindows {
    /// Every literal, caseless, leftmost-first: finds the lines that hold any.
    scan: AhoCorasick,
    /// The same literals, for overlapping search within one of those lines.
    which: AhoCorasick,
    /// For each literal, the regexes (indexes into the engine's) that need it.
    owners: Vec<Vec<usize>>,
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
        // A literal's lines are fewer than a digit's.
        for owners in literals.iter().flat_map(|l| &l.owners) {
            for &r in owners {
                digits[r] = false;
            }
        }
        (literals.is_some() || digits.contains(&true)).then_some(Windows {
            literals,
            digits,
            breaks,
        })
    }

    /// For each of `count` regexes, the spans of adjacent lines to run it on
    /// (`None`: the whole text).
    fn lines(&self, text: &str, count: usize) -> Vec<Lines> {
        let mut out: Vec<Lines> = match &self.literals {
            Some(l) => l.lines(text, count),
            None => vec![None; count],
        };
        if self.digits.contains(&true) {
            let spans = lines_with_a_digit(text);
            for (r, _) in self.digits.iter().enumerate().filter(|(_, d)| **d) {
                out[r] = Some(spans.clone());
            }
        }
        for (lines, &breaks) in out.iter_mut().zip(&self.breaks) {
            if let (Some(spans), 1..) = (lines.as_ref(), breaks) {
                *lines = narrowed(text.as_bytes(), spans, breaks);
            }
        }
        out
    }
}

/// Spans of lines widened by `breaks` lines on either side; `None` (the whole
/// text) when they hold more than half of it, since searching span by span
/// costs more than one scan of the whole text unless the spans leave out most.
fn narrowed(bytes: &[u8], spans: &[Range<usize>], breaks: usize) -> Lines {
    let spans = widened(bytes, spans, breaks);
    (spans.iter().map(|s| s.len()).sum::<usize>() <= bytes.len() / 2).then_some(spans)
}

impl LiteralWindows {
    fn new(regexes: &[RegexEntry], rules: &RuleSet) -> Option<LiteralWindows> {
        let (literals, owners) = literal_owners(regexes, rules, RegexPattern::line_literals);
        if literals.is_empty() {
            return None;
        }
        let build = |kind: MatchKind| {
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .kind(Some(aho_corasick::AhoCorasickKind::DFA))
                .match_kind(kind)
                .build(&literals)
                .ok()
        };
        Some(LiteralWindows {
            scan: build(MatchKind::LeftmostFirst)?,
            which: build(MatchKind::Standard)?,
            owners,
        })
    }

    fn lines(&self, text: &str, count: usize) -> Vec<Lines> {
        let mut out: Vec<Lines> = vec![None; count];
        for owners in &self.owners {
            for &r in owners {
                out[r] = Some(Vec::new());
            }
        }
        let bytes = text.as_bytes();
        let mut at = 0;
        while let Some(m) = self.scan.find(Input::new(text).span(at..text.len())) {
            let (start, end) = line_around(bytes, m.start(), m.end());
            for hit in self.which.find_overlapping_iter(&text[start..end]) {
                for &r in &self.owners[hit.pattern().as_usize()] {
                    let Some(spans) = &mut out[r] else { continue };
                    add_line(spans, start..end);
                }
            }
            if end == text.len() {
                break;
            }
            at = end + 1;
        }
        out
    }
}

/// The line (without its `\n`) that holds `start..end`.
pub(super) fn line_around(bytes: &[u8], start: usize, end: usize) -> (usize, usize) {
    let line_start = memchr::memrchr(b'\n', &bytes[..start]).map_or(0, |i| i + 1);
    let line_end = memchr::memchr(b'\n', &bytes[end..]).map_or(bytes.len(), |i| end + i);
    (line_start, line_end)
}

/// Adds a line to spans of adjacent lines, joining it to the last when they touch.
fn add_line(spans: &mut Vec<Range<usize>>, line: Range<usize>) {
    match spans.last_mut() {
        Some(last) if last.end + 1 >= line.start && last.start <= line.start => {
            last.end = last.end.max(line.end);
        }
        Some(last) if line.start < last.start => {
            // Out of order (a literal holding a line break): put in its place.
            let at = spans.partition_point(|s| s.start <= line.start);
            spans.insert(at, line);
            coalesce(spans);
        }
        _ => spans.push(line),
    }
}

/// Joins sorted spans of lines where they touch or overlap.
fn coalesce(spans: &mut Vec<Range<usize>>) {
    let mut out: Vec<Range<usize>> = Vec::with_capacity(spans.len());
    for span in spans.drain(..) {
        match out.last_mut() {
            Some(last) if last.end + 1 >= span.start => last.end = last.end.max(span.end),
            _ => out.push(span),
        }
    }
    *spans = out;
}

/// Spans of whole lines, each with `lines` more lines before and after it, joined
/// where they touch.
fn widened(bytes: &[u8], spans: &[Range<usize>], lines: usize) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::with_capacity(spans.len());
    for span in spans {
        let (mut start, mut end) = (span.start, span.end);
        for _ in 0..lines {
            if start > 0 {
                start = memchr::memrchr(b'\n', &bytes[..start - 1]).map_or(0, |i| i + 1);
            }
            if end < bytes.len() {
                end = memchr::memchr(b'\n', &bytes[end + 1..]).map_or(bytes.len(), |i| end + 1 + i);
            }
        }
        add_line(&mut out, start..end);
    }
    out
}

/// The spans of adjacent lines of `text` that hold an ASCII digit.
fn lines_with_a_digit(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut at = 0;
    while let Some(i) = bytes[at..].iter().position(u8::is_ascii_digit) {
        let (start, end) = line_around(bytes, at + i, at + i);
        add_line(&mut spans, start..end);
        if end == bytes.len() {
            break;
        }
        at = end + 1;
    }
    spans
}

/// A validator's hits checked on several cores from this many on.
const PARALLEL_HITS: usize = 256;

/// The hit cut to the part that passes the validator, or `None`.
fn validated(h: Hit, validator: &Validator, text: &str) -> Option<Hit> {
    let part = validator.accept(&text[h.span()])?;
    Some(Hit::new(
        h.start() + part.start..h.start() + part.end,
        h.pattern(),
    ))
}

/// Keeps the hits that pass a validator, each cut to the part that passes.
pub(crate) fn narrow(hits: &mut Vec<Hit>, validator: &Validator, text: &str) {
    let all = std::mem::take(hits);
    hits.extend(
        all.into_iter()
            .filter_map(|h| validated(h, validator, text)),
    );
}

/// Picks, from hits sorted by start, the leftmost-longest ones that do not overlap.
pub fn select(hits: impl IntoIterator<Item = Hit>) -> Vec<Hit> {
    let mut sorted: Vec<Hit> = hits.into_iter().collect();
    sorted.sort_by(|a, b| {
        a.start()
            .cmp(&b.start())
            .then(b.end().cmp(&a.end()))
            .then(a.pattern().cmp(&b.pattern()))
    });
    let mut out: Vec<Hit> = Vec::new();
    for h in sorted {
        if out.last().is_none_or(|last| h.start() >= last.end()) {
            out.push(h);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::add_line;

    /// Lines come in order but for a literal that holds a line break, whose
    /// lines begin before the last ones added: every line is kept, joined where
    /// lines touch.
    #[test]
    fn lines_are_joined_in_order_whatever_order_they_come_in() {
        let mut spans = Vec::new();
        for line in [0..4, 5..9, 20..24, 12..18, 30..34, 25..34] {
            add_line(&mut spans, line);
        }
        assert_eq!(spans, [0..9, 12..18, 20..34]);
        let mut spans = Vec::new();
        for line in [10..14, 20..24, 0..9] {
            add_line(&mut spans, line);
        }
        assert_eq!(spans, [0..14, 20..24]);
    }
}
