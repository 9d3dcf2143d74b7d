//! Finding every hit of every pattern set in a draft: terms in one automaton,
//! regexes behind a literal prefilter.

use std::ops::Range;

use rayon::prelude::*;

use super::lines::{line_holding, lines_with_a_digit, narrowed, near_digits};
use super::windows::{may_begin_at, Place, Windows, WINDOWED_BYTES};
use super::{both, each, Engine, Hit, RegexEntry, Use, DIGIT_SET_BYTES, PARALLEL_BYTES};
use crate::language::regex::{Build, RegexPattern};
use crate::language::rules::*;
use crate::text::fold::{is_whole_word, word_chars_beyond_ascii, BeyondAscii, Folded};
use crate::text::searcher::Searcher;

/// Which of a text's hits a search finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Part {
    /// Every hit (a draft searched alone).
    All,
    /// Of drafts joined as one text ([`super::joined`]): the matches, not
    /// yet validated, of every term and of every regex but those that see
    /// where the text begins or ends.
    Joined,
    /// Of one of those drafts: the hits of the regexes that see where the
    /// text begins or ends.
    Edges,
}

/// How a text is searched, from what it holds beyond ASCII.
#[derive(Debug, Clone)]
pub struct Searching {
    /// The caseless terms are searched in a folded copy of the text.
    pub folded: bool,
    /// Which build of each regex searches where.
    pub builds: Builds,
}

/// Which build of its regexes ([`Build`]) a text is searched with, where: each
/// finds what the regex finds in the texts it is for.
#[derive(Debug, Clone)]
pub enum Builds {
    /// Everywhere, one build.
    Everywhere(Build),
    /// [`Build::AsciiWords`] in spans clear of these word characters beyond
    /// ASCII (their starts); [`Build::Unicode`] in the others.
    AsciiWordsAwayFrom(Vec<usize>),
}

impl Builds {
    /// The build of `r` to search `span` with.
    pub fn regex<'r>(&self, r: &'r RegexPattern, span: Range<usize>) -> Option<&'r Searcher> {
        r.regex_for(self.in_span(span))
    }

    /// The build `span` is searched with.
    pub fn in_span(&self, span: Range<usize>) -> Build {
        match self {
            Builds::Everywhere(build) => *build,
            // A `\b` at the span's edges looks at the characters on either side
            // (at most four bytes before it, one starting at its end).
            Builds::AsciiWordsAwayFrom(words) => {
                let near = words.partition_point(|&w| w + 4 < span.start);
                if words.get(near).is_none_or(|&w| w > span.end) {
                    Build::AsciiWords
                } else {
                    Build::Unicode
                }
            }
        }
    }
}

impl Engine {
    /// How `text` is searched: caseless terms in a folded copy only when some
    /// character folds to another (a typographic apostrophe only when some
    /// term's automata do not spell it out); regexes built for ASCII text in a
    /// text that is ASCII throughout (most drafts), else with ASCII word
    /// boundaries where those agree with Unicode's: everywhere in a text with no
    /// word character beyond ASCII (nearly every other draft), and in a long
    /// text with a few, on the lines clear of them once enough such text has
    /// been searched.
    pub fn searching(&self, text: &str) -> Searching {
        let beyond = BeyondAscii::of(text);
        let builds = if !beyond.any {
            Builds::Everywhere(Build::AsciiText)
        } else if beyond.ascii_word_bounds() {
            Builds::Everywhere(Build::AsciiWords)
        } else if self
            .unicode_bounds
            .spend(text.len(), self.ascii_bounds_after)
        {
            // Until enough such text is searched, one build: Unicode's.
            Builds::Everywhere(Build::Unicode)
        } else if text.len() >= WINDOWED_BYTES {
            // A long text searched by lines: those clear of its few word
            // characters beyond ASCII (a name or two) use ASCII's.
            word_chars_beyond_ascii(text, text.len() / SPARSE).map_or(
                Builds::Everywhere(Build::Unicode),
                Builds::AsciiWordsAwayFrom,
            )
        } else {
            Builds::Everywhere(Build::Unicode)
        };
        Searching {
            folded: beyond.folds || beyond.apostrophes && self.caseless.apostrophes_folded,
            builds,
        }
    }

    /// Every hit of every matcher in `text`, each list sorted by position, but for
    /// the regexes searched only where conditions look for them (added by
    /// `Engine::local_hits` once the draft is parsed). Terms and regexes are
    /// searched side by side.
    /// Validators run where the hits are found: a regex's hits are checked by the
    /// job that found them, so checking phone numbers overlaps the other searches.
    /// `how`: as [`Engine::searching`] says.
    pub fn hits(&self, text: &str, how: &Searching) -> Vec<Vec<Hit>> {
        self.found(text, how, Part::All)
    }

    /// [`Engine::hits`], or the part of them `part` says.
    pub(super) fn found(&self, text: &str, how: &Searching, part: Part) -> Vec<Vec<Hit>> {
        let validate = part != Part::Joined;
        let (mut hits, regex_hits) = both(
            text.len(),
            || {
                if part == Part::Edges {
                    return vec![Vec::new(); self.rules.matchers.len()];
                }
                let mut hits = self.term_hits(text, how);
                for (m, list) in hits.iter_mut().enumerate() {
                    if list.is_empty() || !validate {
                        continue;
                    }
                    if let Some(v) = &self.rules.matchers[m].validator {
                        narrow(list, v, text);
                    }
                }
                hits
            },
            || self.regex_hits(text, how, part),
        );
        for (m, more) in regex_hits {
            // Moved, not copied, when the terms found nothing for it (as nearly always).
            let list = &mut hits[m];
            if list.is_empty() {
                *list = more;
            } else {
                list.extend(more);
            }
        }
        // Only a list of two hits or more can be out of order or hold one twice
        // (in a short draft nearly every list is empty).
        for list in hits.iter_mut().filter(|list| list.len() > 1) {
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
    fn term_hits(&self, text: &str, how: &Searching) -> Vec<Vec<Hit>> {
        let mut hits: Vec<Vec<Hit>> = vec![Vec::new(); self.rules.matchers.len()];
        let mut push = |uses: &[Use], start: usize, end: usize| {
            for u in uses {
                if u.partial || is_whole_word(text, start, end) {
                    hits[u.matcher as usize].push(Hit::new(start..end, u.pattern as usize));
                }
            }
        };
        if !how.folded {
            // Folding ASCII is lowering its letters, which the caseless automata do
            // as they go; the other characters here fold to themselves: no folded
            // copy of the text, and one pass over its word starts for both sets.
            self.caseless.find_with(&self.exact, text, push);
            return hits;
        }
        if !self.caseless.is_empty() {
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

    /// Finds every regex's matches (leftmost-first, not overlapping, like `find_iter`):
    /// the matchers they were found for, each with the hits of one of its
    /// regexes (a matcher with several may come more than once).
    /// In a short draft, a regex with needed literals runs only when one of them
    /// occurs, and where: one scan of the literal automaton answers that for all.
    fn regex_hits(&self, text: &str, how: &Searching, part: Part) -> Vec<(usize, Vec<Hit>)> {
        let validate = part != Part::Joined;
        if self.regexes.is_empty() {
            return Vec::new();
        }
        let large = text.len() >= PARALLEL_BYTES;
        // A regex every match of which holds a digit finds nothing in a short
        // draft without one. (A long draft nearly always holds digits; its line
        // windows give such a regex only the lines that do, where they can.)
        let digitless = !large && crate::text::classes::find_digit(text.as_bytes()).is_none();
        // Nor does a regex whose every match is longer than the draft: a short
        // post or commit message does not wait for a long quotation's regex to
        // be compiled.
        let elsewhere = |e: &RegexEntry| match part {
            Part::All => false,
            Part::Joined => e.edges,
            Part::Edges => !e.edges,
        };
        let skipped = |e: &RegexEntry| {
            e.local || (digitless && e.digit) || text.len() < e.shortest || elsewhere(e)
        };
        // Local regexes are searched later, where conditions look for them; they
        // and the skipped ones count as found here, so that the literal scan does
        // not wait for them.
        let mut needed: Vec<bool> = self
            .regexes
            .iter()
            .map(|e| skipped(e) || large || !e.prefiltered || part == Part::Edges)
            .collect();
        // On a large draft nearly every literal occurs somewhere and that scan only
        // costs: every regex runs, on the whole text or, when every match holds one
        // of a few literals, or a digit, and crosses a known number of lines, on the
        // lines that hold one, or, when every match begins with one of a few
        // literals, where they occur. A short draft's scan finds which regexes run
        // at all, and where.
        let places: Vec<Place> = if part == Part::Edges {
            // The few regexes that see the text's edges, on the whole text: a
            // scan for their literals would not pay for itself.
            vec![Place::Whole; self.regexes.len()]
        } else if large {
            let places = self
                .windows()
                .map(|w| w.places(text, self.regexes.len(), &how.builds));
            places.unwrap_or_else(|| vec![Place::Whole; self.regexes.len()])
        } else {
            // The draft's lines with a digit, worked out once if at all.
            let mut digit_lines = None;
            let mut places = self.scan(text, &mut needed, &mut digit_lines);
            let together = !digitless
                && (self.windows.get().is_some()
                    || !self.digits_alone.spend(text.len(), DIGIT_SET_BYTES));
            if let Some(windows) = together.then(|| self.windows()).flatten() {
                let (lines, builds) = (&mut digit_lines, &how.builds);
                windows.place_digit_set(text, lines, builds, &mut needed, &mut places);
            }
            places
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
            let regex = |span| how.builds.regex(r, span);
            let found = place.matches(regex, text, entry.shortest);
            if found.is_empty() {
                // As most regexes in most drafts: no list for any use.
                return Vec::new();
            }
            entry
                .uses
                .iter()
                .map(|&(m, p)| {
                    let hits = found.iter().map(|span| Hit::new(span.clone(), p));
                    let validator = self.rules.matchers[m].validator.as_ref();
                    let hits = match validator.filter(|_| validate) {
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
        let found = each(text.len(), run.len(), |i| find(&run[i]));
        found.into_iter().flatten().collect()
    }

    /// A short draft's literal scan: marks the regexes `needed` one of whose
    /// literals occurs, and says where to run each. A regex whose matches begin
    /// with its literals is tried where they occur; one whose every match crosses
    /// at most a known number of line breaks runs on the lines that hold its
    /// literals or, wanting literals, a digit that every match holds (and that
    /// many lines around); any other on the whole text. `digit_lines`: the
    /// draft's lines with a digit, kept once worked out.
    fn scan(
        &self,
        text: &str,
        needed: &mut [bool],
        digit_lines: &mut Option<Vec<Range<usize>>>,
    ) -> Vec<Place> {
        // A draft of a few lines runs its other regexes on the whole text: the
        // lines windows would leave out do not pay for finding them. Where a
        // match can begin, the scan itself says.
        let windowed = text.len() >= WINDOWED_BYTES;
        let wants = |r: usize| {
            let e = &self.regexes[r];
            !e.local && (e.anchored || windowed && e.line_breaks.is_some())
        };
        let bytes = text.as_bytes();
        let mut places: Vec<Place> = vec![Place::Whole; self.regexes.len()];
        if let Some(literals) = &self.literals {
            let mut line = 0..0;
            literals.find(text, |p, start, end| {
                for &r in &self.literal_owners[p] {
                    let e = &self.regexes[r];
                    // No match begins at a first literal inside a word, when
                    // each begins at a word boundary.
                    if e.anchored && !may_begin_at(e.word_start, bytes, start) {
                        continue;
                    }
                    needed[r] = true;
                    if !wants(r) {
                        continue;
                    }
                    if e.anchored {
                        places[r].at(start);
                        continue;
                    }
                    places[r].line(line_holding(bytes, start..end, &mut line));
                }
            });
        }
        for (r, (e, place)) in self.regexes.iter().zip(&mut places).enumerate() {
            if !needed[r] || !wants(r) {
                continue;
            }
            *place = match (std::mem::take(place), e.line_breaks) {
                (mut at @ Place::At(_), _) => {
                    at.in_order();
                    at
                }
                (Place::Lines(found), Some(breaks)) if e.digit => {
                    let digits = digit_lines.get_or_insert_with(|| lines_with_a_digit(text));
                    near_digits(bytes, &found, digits, breaks).into()
                }
                (Place::Lines(found), Some(breaks)) => narrowed(bytes, found, breaks).into(),
                (Place::Whole, Some(breaks)) if e.digit => {
                    let found = digit_lines.get_or_insert_with(|| lines_with_a_digit(text));
                    narrowed(bytes, found.clone(), breaks).into()
                }
                (place, _) => place,
            };
        }
        places
    }
}

/// A long text's word characters beyond ASCII are looked for one by one (so
/// that lines clear of them run regexes with ASCII word boundaries) while
/// there is at most one in this many bytes; text with more runs Unicode's.
const SPARSE: usize = 1 << 10;

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

/// Picks from hits the leftmost-longest ones that do not overlap.
pub fn select(hits: impl IntoIterator<Item = Hit>) -> Vec<Hit> {
    let order = |a: &Hit, b: &Hit| {
        a.start()
            .cmp(&b.start())
            .then(b.end().cmp(&a.end()))
            .then(a.pattern().cmp(&b.pattern()))
    };
    let mut sorted: Vec<Hit> = hits.into_iter().collect();
    if sorted.is_sorted_by_key(Hit::start) {
        // As a matcher's hits nearly always come: only hits at one start, a
        // term and a longer one that begins with it, are out of order. (A
        // whole sort of a large draft's hundred thousand, all but a few hundred
        // in order, took milliseconds while the other rules were done.)
        for at_one_start in sorted.chunk_by_mut(|a, b| a.start() == b.start()) {
            at_one_start.sort_by(order);
        }
    } else {
        sorted.sort_by(order);
    }
    // In place: a hit that begins before the last one kept ends is dropped (a
    // large draft's million hits are not copied a second time).
    sorted.dedup_by(|h, kept| h.start() < kept.end());
    sorted
}

#[cfg(test)]
mod tests {
    use super::{select, Build, Builds, Hit};

    /// Hits in order of start, at one start in any order, are picked as from
    /// hits in no order at all: leftmost, then longest, then the first
    /// pattern; none overlapping one picked before.
    #[test]
    fn hits_in_order_of_start_are_picked_as_hits_in_no_order() {
        let mut random = crate::text::random::Random::new(0x2545_f491_4f6c_dd1d);
        let mut next = |n: usize| random.below(n);
        for _ in 0..500 {
            let mut hits: Vec<Hit> = (0..next(40))
                .map(|_| {
                    let start = next(30);
                    Hit::new(start..start + next(6), next(3))
                })
                .collect();
            let picked = |hits: &[Hit]| {
                let mut sorted = hits.to_vec();
                sorted.sort_by_key(|h| (h.start(), std::cmp::Reverse(h.end()), h.pattern()));
                let mut out: Vec<Hit> = Vec::new();
                for h in sorted {
                    if out.last().is_none_or(|last| h.start() >= last.end()) {
                        out.push(h);
                    }
                }
                out
            };
            assert_eq!(select(hits.clone()), picked(&hits), "{hits:?}");
            hits.sort_by_key(Hit::start);
            assert_eq!(select(hits.clone()), picked(&hits), "{hits:?}");
        }
    }

    /// A text that is ASCII throughout runs its regexes built for ASCII text.
    /// One with no word character beyond ASCII runs them with ASCII's word
    /// boundaries from the first draft on: emoji, curly quotes. One with an
    /// accented word runs Unicode's; a long one, once enough such text has
    /// been searched, ASCII's away from the accented words.
    #[test]
    fn ascii_builds_run_wherever_they_agree_with_unicodes() {
        let source = "guideline g {\n  rule r warning { find /\\bab\\b/ message \"m\" }\n}\n";
        let compiled = crate::language::lower::compile_str("t.tenet", source);
        assert!(!compiled.has_errors());
        let engine = super::Engine::new(compiled.rules).ascii_bounds_after(4096);
        let builds = |text: &str| engine.searching(text).builds;
        let everywhere = |text: &str, want: Build| {
            assert!(
                matches!(builds(text), Builds::Everywhere(b) if b == want),
                "{text:?}"
            );
        };
        for text in ["plain ab", "", "ab\ncd\t!"] {
            everywhere(text, Build::AsciiText);
        }
        everywhere("ab 😀 don’t “ab”", Build::AsciiWords);
        let accented = format!("{}café\n", "ab cd\n".repeat(400));
        everywhere("un café ab", Build::Unicode);
        everywhere(&accented, Build::Unicode);
        // With this one, more accented text than the 4,096 bytes.
        let Builds::AsciiWordsAwayFrom(words) = builds(&accented) else {
            panic!("{:?}", builds(&accented));
        };
        assert_eq!(words, [accented.len() - 3]);
        let away = Builds::AsciiWordsAwayFrom(words);
        assert_eq!(away.in_span(0..6), Build::AsciiWords);
        assert_eq!(
            away.in_span(accented.len() - 8..accented.len()),
            Build::Unicode
        );
        everywhere("un café ab", Build::Unicode);
    }
}
