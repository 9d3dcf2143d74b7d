//! Short drafts searched as one text. A draft's search has costs that do not
//! grow with its length: the literal scan that picks its regexes, each regex's
//! start, the lazy DFAs' states built again, the tries' nodes fetched again
//! after the rest of its work. Many short drafts pay them per draft; joined,
//! once per batch.
//!
//! The drafts are joined with a blank line between each two, and each match
//! is given back to its draft by offset. This finds what each draft's own
//! search finds:
//! - a word boundary, or `^` and `$` in multi-line mode, sees a line break
//!   beside a draft as it sees the draft's edge: not a word character, a line's
//!   start or end. A regex that sees where the text itself begins or ends (`\A`,
//!   `\z`, `^` and `$` without multi-line mode) would not: it searches each
//!   draft alone.
//! - A match that begins and ends between two drafts is no draft's.
//! - A match that reaches from a draft into what follows it, or from between
//!   two drafts into the next, may have taken the place of what the draft's own
//!   search would find there: such drafts are searched again, alone.
//! - Every other match lies within a draft. When no match reaches across a
//!   draft's start, the search goes on from there as the draft's own search
//!   does from its start: at each place, what matches and which match is
//!   preferred are the same, since a preferred match that ended past the
//!   draft would have sent the draft to be searched again.
//!
//! Validators look at a hit's text alone, so they run on each draft's hits
//! once they are told apart, on the matches as found.

use std::ops::Range;

use super::search::{narrow, Part, Searching};
use super::{Engine, Hit, Judgement, Options};
use crate::draft::{Draft, Format};

/// What two joined drafts are parted by.
const GAP: &str = "\n\n";

/// Drafts searched as one text are at most this long together: short enough
/// that each batch is searched on one core (as short drafts are, see
/// [`super::PARALLEL_BYTES`]), while the batches of many drafts share the
/// cores. (Longer batches, searched on every core, measured slower.)
const JOINED_BYTES: usize = 32 << 10;

/// A draft at least this long is searched alone: what joining saves is paid
/// once per search, and a draft this long pays it once anyway.
const ALONE_BYTES: usize = 8 << 10;

impl Engine {
    /// [`Engine::judge_text`] of each text, in order, the short ones searched
    /// joined in batches of up to [`JOINED_BYTES`] (each text's format and
    /// options its own).
    pub(crate) fn judge_texts(
        &self,
        texts: Vec<(String, Format, Options)>,
    ) -> Vec<(Draft, Judgement)> {
        let mut judged = Vec::with_capacity(texts.len());
        let mut batch = Vec::new();
        let mut bytes = 0;
        for (text, format, options) in texts {
            let len = text.len();
            if len >= ALONE_BYTES {
                judged.extend(self.judge_joined(std::mem::take(&mut batch)));
                judged.push(self.judge_text(text, format, &options));
                continue;
            }
            if bytes + len > JOINED_BYTES {
                judged.extend(self.judge_joined(std::mem::take(&mut batch)));
                bytes = 0;
            }
            bytes += len + GAP.len();
            batch.push((text, format, options));
        }
        judged.extend(self.judge_joined(batch));
        judged
    }

    /// Texts judged with one search of them joined.
    fn judge_joined(&self, texts: Vec<(String, Format, Options)>) -> Vec<(Draft, Judgement)> {
        if texts.len() < 2 {
            return texts
                .into_iter()
                .map(|(text, format, options)| self.judge_text(text, format, &options))
                .collect();
        }
        let mut joined = String::with_capacity(
            texts.iter().map(|(t, ..)| t.len()).sum::<usize>() + GAP.len() * texts.len(),
        );
        let mut spans = Vec::with_capacity(texts.len());
        for (i, (text, ..)) in texts.iter().enumerate() {
            if i > 0 {
                joined.push_str(GAP);
            }
            spans.push(joined.len()..joined.len() + text.len());
            joined.push_str(text);
        }
        let how = self.searching(&joined);
        let found = self.found(&joined, &how, Part::Joined);
        drop(joined);
        let (parts, again) = part(found, &spans);
        texts
            .into_iter()
            .zip(parts)
            .zip(again)
            .map(|(((text, format, options), hits), again)| {
                let how = self.searching(&text);
                let mut hits = if again {
                    self.hits(&text, &how)
                } else {
                    self.alone(hits, &text, &how)
                };
                let draft = Draft::new(text, format);
                self.local_hits(&draft, &mut hits, &how);
                let judgement = self.evaluate(&draft, hits, &options);
                (draft, judgement)
            })
            .collect()
    }

    /// A draft's hits from its part of the joined search, kept and cut as the
    /// matchers' validators say, with the hits of the regexes that search it
    /// alone: each list in order and without repeats, as [`Engine::hits`]
    /// gives them.
    fn alone(&self, mut hits: Vec<Vec<Hit>>, text: &str, how: &Searching) -> Vec<Vec<Hit>> {
        let edges = if self.edges {
            self.found(text, how, Part::Edges)
        } else {
            Vec::new()
        };
        for (m, (list, matcher)) in hits.iter_mut().zip(&self.rules.matchers).enumerate() {
            let more = edges.get(m).filter(|more| !more.is_empty());
            if let Some(v) = &matcher.validator {
                narrow(list, v, text);
            } else if more.is_none() {
                continue;
            }
            list.extend(more.into_iter().flatten());
            if list.len() > 1 {
                list.sort_by_key(|h| (h.start(), h.end(), h.pattern()));
                list.dedup();
            }
        }
        hits
    }
}

/// The hits of the joined text given back to the drafts at `spans` (each list
/// per matcher, in order), and which drafts a match reached into or out of.
fn part(found: Vec<Vec<Hit>>, spans: &[Range<usize>]) -> (Vec<Vec<Vec<Hit>>>, Vec<bool>) {
    let mut parts: Vec<Vec<Vec<Hit>>> = vec![vec![Vec::new(); found.len()]; spans.len()];
    let mut again = vec![false; spans.len()];
    for (m, list) in found.into_iter().enumerate() {
        for h in list {
            // The draft it begins in, or the first after the gap it begins in.
            let i = spans.partition_point(|s| s.end <= h.start());
            let Some(span) = spans.get(i) else {
                continue;
            };
            if h.start() < span.start || h.end() > span.end {
                // It begins in the gap before draft `i`, or reaches past its end:
                // no draft's, and the draft it begins in and every draft it
                // reaches into are searched again.
                let reached = spans[i..].iter().take_while(|s| s.start < h.end());
                let begun_in = usize::from(h.start() >= span.start);
                again[i..i + reached.count().max(begun_in)].fill(true);
                continue;
            }
            let at = h.start() - span.start..h.end() - span.start;
            parts[i][m].push(Hit::new(at, h.pattern()));
        }
    }
    (parts, again)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(span: Range<usize>) -> Hit {
        Hit::new(span, 0)
    }

    #[test]
    fn hits_go_back_to_their_drafts_and_those_reached_across_are_searched_again() {
        // Three drafts: 0..5, 7..10, 12..20 (gaps of two bytes).
        let spans = [0..5, 7..10, 12..20];
        let found = vec![
            vec![hit(1..3), hit(5..6), hit(8..10), hit(13..20)],
            vec![hit(4..8)],
            vec![hit(11..13)],
        ];
        let (parts, again) = part(found, &spans);
        assert_eq!(parts[0][0], vec![hit(1..3)]);
        assert_eq!(parts[1][0], vec![hit(1..3)]);
        assert_eq!(parts[2][0], vec![hit(1..8)]);
        // 4..8 reaches from the first draft into the second; 11..13 from the
        // gap into the third; 5..6 lies in a gap, and is no draft's.
        assert!(parts[0][1].is_empty() && parts[1][1].is_empty());
        assert!(parts[2][2].is_empty());
        assert_eq!(again, vec![true, true, true]);
        let (_, again) = part(vec![vec![hit(3..6)]], &spans);
        assert_eq!(again, vec![true, false, false], "ends in the gap");
        // Across an empty draft, into the one after it.
        let spans = [0..4, 6..6, 8..18];
        let (_, again) = part(vec![vec![hit(2..14)]], &spans);
        assert_eq!(again, vec![true, true, true]);
        let (_, again) = part(vec![vec![hit(5..7)]], &spans);
        assert_eq!(
            again,
            vec![false, true, false],
            "from a gap into an empty draft"
        );
    }
}
