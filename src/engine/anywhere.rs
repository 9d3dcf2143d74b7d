//! Terms found wherever they begin, not only where a word does: partial terms,
//! and those that begin with `#`, `@`, `—`… An overlapping automaton steps
//! through every byte of the text (about 2 ns a byte); when the terms begin
//! with few distinct bytes, most bytes begin none, so the positions whose byte
//! begins one are found 64 bytes at a time and only those are walked in a trie.
//!
//! A space after a term's first byte matches a run of blanks (see
//! [`crate::text::blanks`]): the trie's walk takes such runs, and the automaton
//! holds such a term by its part before that space and compares the rest
//! where that part is found.

use super::automaton::Terms;
use super::trie::Trie;
use crate::text::blanks;
use crate::text::classes::one_of;

/// Terms beginning with at most this many distinct bytes (an ASCII letter's two
/// cases counting once in a caseless set) are walked in a trie where one of
/// those bytes is; others are searched with an automaton.
const TRIE_STARTS: usize = 16;

/// A set of terms searched for everywhere.
#[derive(Debug, Clone)]
pub(super) enum Anywhere {
    /// The trie, and the bytes its terms begin with.
    Trie(Trie, Vec<u8>),
    /// The automaton, and the rest of each term it holds only in part (none
    /// when it holds every term whole).
    Automaton(Terms, Rests),
}

/// The rest of each term held in part, from its space, and whether it is
/// compared without ASCII case.
#[derive(Debug, Clone)]
pub(super) struct Rests {
    rests: Vec<Option<Box<[u8]>>>,
    caseless: bool,
}

impl Anywhere {
    /// The terms `pats` (folded, in a `caseless` set); `uses` is indexed like
    /// `pats` and may gain an entry (see [`Terms::new`]).
    pub(super) fn new<U: Default>(
        mut pats: Vec<Vec<u8>>,
        uses: &mut Vec<U>,
        caseless: bool,
    ) -> Option<Anywhere> {
        // A caseless set's terms are folded: in ASCII lower case, as a caseless
        // trie compares the text's bytes.
        let mut starts = [false; 256];
        for p in &pats {
            if let Some(&b) = p.first() {
                starts[usize::from(b)] = true;
            }
        }
        if starts.iter().filter(|&&s| s).count() > TRIE_STARTS {
            let mut rests = Vec::new();
            for (i, p) in pats.iter_mut().enumerate() {
                if let Some(head) = blanks::head_len(p) {
                    rests.resize(i + 1, None);
                    rests[i] = Some(p.split_off(head).into_boxed_slice());
                }
            }
            let rests = Rests { rests, caseless };
            return Terms::new(pats, uses, caseless).map(|terms| Anywhere::Automaton(terms, rests));
        }
        let pats: Vec<&[u8]> = pats.iter().map(Vec::as_slice).collect();
        (!pats.is_empty()).then(|| {
            let trie = Trie::new(&pats, caseless);
            let firsts = (0..=255).filter(|&b| trie.can_start(b)).collect();
            Anywhere::Trie(trie, firsts)
        })
    }

    /// Builds now the DFA a long draft, or enough short ones, would.
    pub(super) fn warm(&self) {
        if let Anywhere::Automaton(terms, _) = self {
            terms.dfa();
        }
    }

    /// Calls `found` with the pattern, start and end of every occurrence of a
    /// term in `text`.
    pub(super) fn find(&self, text: &str, mut found: impl FnMut(usize, usize, usize)) {
        match self {
            Anywhere::Trie(trie, firsts) => {
                let bytes = text.as_bytes();
                starting(bytes, firsts, |i| {
                    trie.walk(&bytes[i..], |p, len| found(p, i, i + len));
                });
            }
            Anywhere::Automaton(terms, rests) => {
                let bytes = text.as_bytes();
                terms.find(text, |p, start, end| match rests.rests.get(p) {
                    Some(Some(rest)) => {
                        if let Some(end) = blanks::follows(bytes, end, rest, rests.caseless) {
                            found(p, start, end);
                        }
                    }
                    _ => found(p, start, end),
                });
            }
        }
    }
}

/// Calls `at`, in order, with each position of `bytes` whose byte is one of
/// `firsts`. Each block of 64 bytes is read into a bit mask without a branch,
/// so that a branch is taken once per position found, not once per byte.
fn starting(bytes: &[u8], firsts: &[u8], mut at: impl FnMut(usize)) {
    for block in (0..bytes.len()).step_by(64) {
        let mut mask = one_of(bytes, block, firsts);
        while mask != 0 {
            at(block + mask.trailing_zeros() as usize);
            mask &= mask - 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every (pattern, start, end) found, sorted.
    fn found(set: &Anywhere, text: &str) -> Vec<(usize, usize, usize)> {
        let mut out = Vec::new();
        set.find(text, |p, s, e| out.push((p, s, e)));
        out.sort_unstable();
        out
    }

    /// The trie finds every occurrence the overlapping automaton finds, in
    /// either case for a caseless set, at and across the edges of 64-byte blocks.
    #[test]
    fn the_trie_finds_what_the_automaton_finds() {
        let pats: Vec<Vec<u8>> = ["#ad", "#ads", "ad", "—", "(f)", "www.", "% off", "d"]
            .iter()
            .map(|p| p.as_bytes().to_vec())
            .collect();
        let pieces = [
            "#AD", "#ads ", "www.", "WwW.", "—", "(F)", "% OFF", "x", " ", "d",
        ];
        let mut random = crate::text::random::Random::new(3);
        for len in [0, 1, 63, 64, 65, 130, 700] {
            let text = random.text(&pieces, len);
            for caseless in [false, true] {
                let trie = Anywhere::new(pats.clone(), &mut vec![(); pats.len()], caseless);
                let mut uses = vec![(); pats.len()];
                let automaton = Terms::new(pats.clone(), &mut uses, caseless);
                let (Some(trie), Some(automaton)) = (trie, automaton) else {
                    panic!("both built");
                };
                assert!(matches!(trie, Anywhere::Trie(..)));
                let automaton = Anywhere::Automaton(
                    automaton,
                    Rests {
                        rests: Vec::new(),
                        caseless,
                    },
                );
                let expected = found(&automaton, &text);
                assert!(len < 64 || !expected.is_empty(), "{text:?}");
                assert_eq!(
                    found(&trie, &text),
                    expected,
                    "{text:?} caseless {caseless}"
                );
            }
        }
    }

    /// The automaton holds a term with a space by its head and compares the
    /// rest where that is found: it finds what the trie's walk does, across
    /// runs of blanks, in either case, beside a term that is another's head.
    #[test]
    fn the_automaton_finds_terms_across_blanks_as_the_trie_does() {
        let mut owned: Vec<String> = (b'a'..=b'z').map(|b| format!("{} of", b as char)).collect();
        owned.extend(["do", "do not share", "do not", " as is", "x "].map(String::from));
        let pats: Vec<Vec<u8>> = owned.iter().map(|p| p.as_bytes().to_vec()).collect();
        let pieces = [
            "Do", "not", "share", "do not", "a", "of", "q", " ", "  ", "\n", "\t", "\r\n", "\n\n",
            "as", "is", "x",
        ];
        let mut random = crate::text::random::Random::new(5);
        for len in [0, 1, 20, 200, 2000] {
            let text = random.text(&pieces, len);
            for caseless in [false, true] {
                let automaton = Anywhere::new(pats.clone(), &mut vec![(); pats.len()], caseless);
                let Some(automaton @ Anywhere::Automaton(..)) = automaton else {
                    panic!("many first bytes take the automaton");
                };
                let slices: Vec<&[u8]> = pats.iter().map(Vec::as_slice).collect();
                let trie = Trie::new(&slices, caseless);
                let firsts = (0..=255).filter(|&b| trie.can_start(b)).collect();
                let expected = found(&Anywhere::Trie(trie, firsts), &text);
                assert!(
                    len < 200 || expected.iter().any(|&(_, s, e)| text[s..e].contains('\n')),
                    "{text:?}"
                );
                assert_eq!(
                    found(&automaton, &text),
                    expected,
                    "{text:?} caseless {caseless}"
                );
            }
        }
    }

    /// Terms beginning with many distinct bytes are searched with an automaton.
    #[test]
    fn many_first_bytes_take_the_automaton() {
        let pats: Vec<Vec<u8>> = (b'a'..=b'z').map(|b| vec![b, b'-']).collect();
        let set = Anywhere::new(pats.clone(), &mut vec![(); pats.len()], true);
        assert!(matches!(set, Some(Anywhere::Automaton(..))));
        assert!(matches!(
            Anywhere::new(pats[..16].to_vec(), &mut vec![(); 16], true),
            Some(Anywhere::Trie(..))
        ));
    }
}
