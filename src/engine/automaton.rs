//! An automaton for terms searched everywhere, overlapping: a contiguous NFA,
//! quick to build, for the first drafts, and a DFA, quick to search, once
//! enough text has been searched.

use std::sync::{Arc, OnceLock};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

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
    dfa: OnceLock<Option<AhoCorasick>>,
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
        let nfa = Terms::build(&pats, AhoCorasickKind::ContiguousNFA, caseless)?;
        Some(Terms {
            patterns: Arc::new(pats),
            caseless,
            nfa,
            dfa: OnceLock::new(),
            searched: Budget::default(),
        })
    }

    fn build(pats: &[Vec<u8>], kind: AhoCorasickKind, caseless: bool) -> Option<AhoCorasick> {
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(caseless)
            .match_kind(MatchKind::Standard)
            .kind(Some(kind))
            .build(pats)
            .ok()
    }

    /// The automaton to search a text of `len` bytes with: the NFA until it has
    /// been given [`NFA_BYTES`] of text, in this draft or all so far.
    pub(super) fn for_len(&self, len: usize) -> &AhoCorasick {
        if self.dfa.get().is_none() && self.searched.spend(len, NFA_BYTES) {
            return &self.nfa;
        }
        self.dfa()
    }

    /// Whether the DFA has been built.
    #[cfg(test)]
    pub(super) fn dfa_built(&self) -> bool {
        self.dfa.get().is_some_and(|d| d.is_some())
    }

    /// The DFA, built on first use, or the NFA when the terms are too many for one.
    pub(super) fn dfa(&self) -> &AhoCorasick {
        // A full DFA is the fastest to search; past some size its memory is not
        // worth it and the NFA does the job.
        self.dfa
            .get_or_init(|| {
                let bytes: usize = self.patterns.iter().map(Vec::len).sum();
                (bytes <= DFA_BYTES)
                    .then(|| Terms::build(&self.patterns, AhoCorasickKind::DFA, self.caseless))
                    .flatten()
            })
            .as_ref()
            .unwrap_or(&self.nfa)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let found = |ac: &AhoCorasick| -> Vec<(usize, usize, usize)> {
            ac.find_overlapping_iter(draft)
                .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
                .collect()
        };
        let expected = [(0, 5, 8), (1, 5, 14), (2, 18, 22)];
        let mut seen = 0;
        while seen + draft.len() < NFA_BYTES {
            assert_eq!(found(terms.for_len(draft.len())), expected);
            assert!(
                terms.dfa.get().is_none(),
                "the DFA was built after {seen} bytes"
            );
            seen += draft.len();
        }
        assert_eq!(found(terms.for_len(draft.len())), expected);
        assert!(terms.dfa.get().is_some_and(|d| d.is_some()));
        assert_eq!(
            found(terms.for_len(1)),
            expected,
            "the DFA serves short drafts after"
        );
    }
}
