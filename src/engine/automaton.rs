//! Automata for terms searched everywhere, overlapping: a contiguous NFA,
//! quick to build, for the first drafts, and a DFA, quick to search, once
//! enough text has been searched; a long text's DFA scan walks its parts at
//! once.

use std::sync::{Arc, OnceLock};

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::dfa::{self, DFA};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, Anchored, Input, MatchKind};

use super::Budget;

/// Term lists up to this many bytes get a full DFA (fast, larger); longer ones an NFA.
const DFA_BYTES: usize = 256 << 10;

/// Scanned terms are searched with the NFA, which is many times quicker to build,
/// until this much text has been searched (in one draft or in all so far); then
/// the DFA is built and searched. A one-line draft with 5,000 terms spent most of
/// its time building a DFA it then searched for a microsecond.
const NFA_BYTES: usize = 64 << 10;

/// Prefix-chained term sets at least this large get a padding term.
const PAD_AT: usize = 512;

/// A padding term for `pats`, when it needs one (see [`PAD_AT`]): put in front,
/// with an empty entry in `uses`.
fn pad<U: Default>(pats: &mut Vec<Vec<u8>>, uses: &mut Vec<U>) {
    // aho-corasick moves match states ahead of the others after building, and
    // rewrites state ids by following the cycles those swaps make. When nearly
    // every state is a match state (terms that are prefixes of each other: `t1`,
    // `t10`, `t100`…), one non-match state travels the whole way and makes one
    // long cycle, which costs O(states²) (40,000 such terms: 2.8 s). A first term
    // of that many NUL bytes puts as many non-match states in front, which keeps
    // every cycle short and the build linear; it has no uses, so it never
    // reports anything.
    let chained = prefix_chained(pats);
    if chained >= PAD_AT {
        pats.insert(0, vec![0; chained]);
        uses.insert(0, U::default());
    }
}

/// How many terms are a proper prefix of another term.
fn prefix_chained(pats: &[Vec<u8>]) -> usize {
    let mut sorted: Vec<&[u8]> = pats.iter().map(Vec::as_slice).collect();
    sorted.sort_unstable();
    sorted
        .windows(2)
        .filter(|w| w[1].len() > w[0].len() && w[1].starts_with(w[0]))
        .count()
}

/// A set of terms searched everywhere (overlapping), with a contiguous NFA
/// (built at once, cheap) or a DFA (built once [`NFA_BYTES`] of text have been
/// searched, fast to search).
#[derive(Debug, Clone)]
pub(super) struct Terms {
    patterns: Arc<Vec<Vec<u8>>>,
    caseless: bool,
    nfa: AhoCorasick,
    /// Boxed: a DFA's own fields take some 400 bytes, which every set would carry.
    dfa: OnceLock<Option<Box<DFA>>>,
    /// How much text the NFA has been asked to search.
    searched: Budget,
}

impl Terms {
    /// The automata for a set of terms; `uses` is indexed like `pats` and gains an
    /// empty entry for a padding pattern, if one is added. A `caseless` set also
    /// matches its terms' ASCII letters in the other case.
    pub(super) fn new<U: Default>(
        mut pats: Vec<Vec<u8>>,
        uses: &mut Vec<U>,
        caseless: bool,
    ) -> Option<Terms> {
        if pats.is_empty() {
            return None;
        }
        pad(&mut pats, uses);
        let nfa = AhoCorasickBuilder::new()
            .ascii_case_insensitive(caseless)
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(&pats)
            .ok()?;
        Some(Terms {
            patterns: Arc::new(pats),
            caseless,
            nfa,
            dfa: OnceLock::new(),
            searched: Budget::default(),
        })
    }

    /// Calls `found(pattern, start, end)` for every occurrence of a term in
    /// `text` (overlapping), found with the NFA until it has been given
    /// [`NFA_BYTES`] of text, in this draft or all so far, then with the DFA;
    /// in order of their ends, but as [`overlapping`] gives them.
    pub(super) fn find(&self, text: &str, mut found: impl FnMut(usize, usize, usize)) {
        let by_nfa = self.dfa.get().is_none() && self.searched.spend(text.len(), NFA_BYTES);
        let dfa = if by_nfa { None } else { self.dfa() };
        match dfa {
            Some(dfa) => overlapping(dfa, text.as_bytes(), found),
            None => {
                for m in self.nfa.find_overlapping_iter(text) {
                    found(m.pattern().as_usize(), m.start(), m.end());
                }
            }
        }
    }

    /// Whether the DFA has been built.
    #[cfg(test)]
    pub(super) fn dfa_built(&self) -> bool {
        self.dfa.get().is_some_and(|d| d.is_some())
    }

    /// The DFA, built on first use, or `None` when the terms are too many for
    /// one: past some size its memory is not worth it and the NFA does the job.
    pub(super) fn dfa(&self) -> Option<&DFA> {
        self.dfa
            .get_or_init(|| {
                let bytes: usize = self.patterns.iter().map(Vec::len).sum();
                (bytes <= DFA_BYTES)
                    .then(|| scan_dfa(&self.patterns, self.caseless).map(Box::new))
                    .flatten()
            })
            .as_deref()
    }
}

/// A DFA of `pats` for [`overlapping`] (a `caseless` one also matches their
/// ASCII letters in the other case), or `None` when they are too many for one.
pub(super) fn scan_dfa(pats: &[Vec<u8>], caseless: bool) -> Option<DFA> {
    dfa::Builder::new()
        .ascii_case_insensitive(caseless)
        .match_kind(MatchKind::Standard)
        .build(pats)
        .ok()
}

/// Texts shorter than this are searched in one piece, by aho-corasick's own
/// overlapping search.
const WALKS_BYTES: usize = 1 << 10;

/// How many walks a long text's scan steps together. Three and four measured
/// no quicker on the 18 MB bench file than two.
const WALKS: usize = 2;

/// Calls `found(pattern, start, end)` for every overlapping match of `dfa` (from
/// [`scan_dfa`]) in `text`: the matches that begin in each of [`WALKS`] equal
/// parts of the text, part after part, each part's in order of their ends.
///
/// A walk loads each transition from the one before, and waits for every
/// load; walks over the parts of the text, stepped together, overlap their
/// waits (an 18 MB text's scan took a third less time in two walks than in
/// one). Each walk starts afresh at its part's start, so it finds every match
/// that begins there or after; it goes on past its part's end by a literal's
/// length less one byte and keeps the matches that begin in its part. The
/// matches of every part but the first are held until those before have been
/// given.
pub(super) fn overlapping(dfa: &DFA, text: &[u8], mut found: impl FnMut(usize, usize, usize)) {
    // Terms whose bytes are rare in text have a prefilter, which skips ahead
    // to where one may begin: the search that uses it is quicker than any walk,
    // and a short text gains nothing from several. (Without a prefilter only
    // match states are special, and a walk never stops.)
    let start = dfa.start_state(Anchored::No);
    let (Ok(start), None, false) = (start, dfa.prefilter(), text.len() < WALKS_BYTES) else {
        if let Ok(matches) = dfa.try_find_overlapping_iter(Input::new(text)) {
            for m in matches {
                found(m.pattern().as_usize(), m.start(), m.end());
            }
        }
        return;
    };
    // Where each part begins, and where the walk over it stops.
    let parts: [usize; WALKS + 1] = std::array::from_fn(|k| k * text.len() / WALKS);
    let overrun = dfa.max_pattern_len().saturating_sub(1);
    let stops: [usize; WALKS] = std::array::from_fn(|k| (parts[k + 1] + overrun).min(text.len()));
    let mut out = Found {
        dfa,
        parts,
        found: &mut found,
        later: Default::default(),
    };
    let walks: [&[u8]; WALKS] = std::array::from_fn(|w| &text[parts[w]..stops[w]]);
    let mut sids = [start; WALKS];
    // The walks stepped together as far as all go, then what is left of each.
    let together = walks.iter().map(|w| w.len()).min().unwrap_or(0);
    for i in 0..together {
        for (w, walk) in walks.iter().enumerate() {
            sids[w] = out.step(w, sids[w], walk[i], parts[w] + i + 1);
        }
    }
    for (w, walk) in walks.iter().enumerate() {
        for (i, &b) in walk.iter().enumerate().skip(together) {
            sids[w] = out.step(w, sids[w], b, parts[w] + i + 1);
        }
    }
    for (p, s, e) in out.later.into_iter().flatten() {
        found(p, s, e);
    }
}

/// Where the walks of [`overlapping`] put the matches they find.
struct Found<'a, F> {
    dfa: &'a DFA,
    parts: [usize; WALKS + 1],
    found: &'a mut F,
    /// Each part's matches, held until those of the parts before are given
    /// (the first part's go to `found` at once: its list stays empty).
    later: [Vec<(usize, usize, usize)>; WALKS],
}

impl<F: FnMut(usize, usize, usize)> Found<'_, F> {
    /// Walk `w`'s step from state `sid` by `byte`, which ends at `end`.
    #[inline(always)]
    fn step(&mut self, w: usize, sid: StateID, byte: u8, end: usize) -> StateID {
        let sid = self.dfa.next_state(Anchored::No, sid, byte);
        if self.dfa.is_special(sid) {
            self.matches(w, sid, end);
        }
        sid
    }

    /// The matches of state `sid` that end at `end`, found by walk `w`: out of
    /// line, so that the walks keep their states in registers.
    #[inline(never)]
    fn matches(&mut self, w: usize, sid: StateID, end: usize) {
        let dfa = self.dfa;
        for i in 0..dfa.match_len(sid) {
            let p = dfa.match_pattern(sid, i);
            let start = end - dfa.pattern_len(p);
            match (start < self.parts[w + 1], w) {
                (false, _) => {}
                (true, 0) => (self.found)(p.as_usize(), start, end),
                (true, _) => self.later[w].push((p.as_usize(), start, end)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The walks find what one overlapping search finds, in texts short and
    /// long, with matches that cross from one part into the next; each part's
    /// matches (those that begin in it) come after the part before's, in order
    /// of ends.
    #[test]
    fn walks_find_every_overlapping_match() {
        let pats: Vec<Vec<u8>> = ["ab", "abcab", "b", "cabca", "bc a", "x"]
            .iter()
            .map(|p| p.as_bytes().to_vec())
            .collect();
        let dfa = scan_dfa(&pats, true).unwrap();
        assert!(
            dfa.prefilter().is_none(),
            "walked, not searched with a prefilter"
        );
        let iter = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .build(&pats)
            .unwrap();
        let mut random = crate::text::random::Random::new(3);
        let pieces = ["a", "B", "c", " ", "x", "é", "ab", "CA"];
        for len in [0, 1, 7, 200, WALKS_BYTES - 1, WALKS_BYTES, 5000, 5001] {
            for _ in 0..20 {
                let text = random.text(&pieces, len);
                let mut want: Vec<(usize, usize, usize)> = iter
                    .find_overlapping_iter(&text)
                    .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
                    .collect();
                let mut got = Vec::new();
                overlapping(&dfa, text.as_bytes(), |p, s, e| got.push((p, s, e)));
                let walks = if text.len() < WALKS_BYTES { 1 } else { WALKS };
                let mut rest = &got[..];
                for k in 1..=walks {
                    let (start, end) = ((k - 1) * text.len() / walks, k * text.len() / walks);
                    let split = rest.partition_point(|&(_, s, _)| s < end);
                    let (part, after) = rest.split_at(split);
                    assert!(part.iter().all(|&(_, s, _)| s >= start), "{text:?}");
                    assert!(part.windows(2).all(|w| w[0].2 <= w[1].2), "{text:?}");
                    rest = after;
                }
                assert!(rest.is_empty(), "every match begins in a part");
                want.sort_unstable();
                got.sort_unstable();
                assert_eq!(got, want, "{text:?}");
            }
        }
    }

    /// Short drafts are searched with the NFA until it has seen [`NFA_BYTES`] of
    /// text; then the DFA is built once, finds the same, and serves every draft
    /// after.
    #[test]
    fn the_dfa_takes_over_once_the_nfa_has_seen_enough_text() {
        let mut uses: Vec<()> = vec![(); 3];
        let terms = Terms::new(
            vec![b"ext".to_vec(), b"extension".to_vec(), b"#tag".to_vec()],
            &mut uses,
            true,
        )
        .unwrap();
        let draft = "Call EXTENSION 12 #Tag.\n";
        let found = |text: &str| -> Vec<(usize, usize, usize)> {
            let mut found = Vec::new();
            terms.find(text, |p, s, e| found.push((p, s, e)));
            found
        };
        let expected = [(0, 5, 8), (1, 5, 14), (2, 18, 22)];
        let mut seen = 0;
        while seen + draft.len() < NFA_BYTES {
            assert_eq!(found(draft), expected);
            assert!(
                terms.dfa.get().is_none(),
                "the DFA was built after {seen} bytes"
            );
            seen += draft.len();
        }
        assert_eq!(found(draft), expected);
        assert!(terms.dfa_built());
        assert_eq!(found(draft), expected, "the DFA serves short drafts after");
        // A long text is walked in parts, and finds what each part does.
        let long = draft.repeat(WALKS_BYTES / draft.len() * 2);
        let mut want: Vec<_> = (0..long.len() / draft.len())
            .flat_map(|k| expected.map(|(p, s, e)| (p, s + k * draft.len(), e + k * draft.len())))
            .collect();
        let mut got = found(&long);
        want.sort_unstable();
        got.sort_unstable();
        assert_eq!(got, want);
    }
}
