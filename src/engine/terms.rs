//! Term automata. A whole-word term that begins with a word character can only
//! match where a word begins, so those terms are found at each word start (see
//! [`super::word_terms`]): a few steps per word, where an overlapping search
//! steps through every byte and reports every term inside a word too. The
//! other terms (`partial` ones, and those that begin with `#`, `©`…) are found
//! by an overlapping search.

use super::anywhere::Anywhere;
use super::apostrophes::with_typographic_apostrophes;
use super::starts::word_starts;
use super::word_terms::Words;
#[cfg(test)]
use super::word_terms::TABLE_BYTES;
use super::Use;
use crate::text::fold::is_word_char;

/// The terms of one kind (caseless or `case`), each with its uses.
#[derive(Debug, Clone)]
pub(super) struct TermSet {
    /// Terms found at word starts only.
    words: Option<Words>,
    word_uses: Vec<Vec<Use>>,
    /// Terms found anywhere.
    scan: Option<Anywhere>,
    scan_uses: Vec<Vec<Use>>,
    /// Whether a text with a typographic apostrophe is folded for this set: some
    /// term has more apostrophes than its automata spell out each way.
    pub(super) apostrophes_folded: bool,
}

impl TermSet {
    /// The automata for terms `pats`, `uses[i]` being where `pats[i]` is used. The
    /// terms of a `caseless` set are folded; its automata also match their ASCII
    /// letters in upper case, so an ASCII text is searched as it is, not folded.
    pub(super) fn new(pats: Vec<String>, uses: Vec<Vec<Use>>, caseless: bool) -> TermSet {
        let (pats, uses, apostrophes_folded) = match caseless {
            true => with_typographic_apostrophes(pats, uses),
            false => (pats, uses, false),
        };
        let (mut words, mut word_uses) = (Vec::new(), Vec::new());
        let (mut scan, mut scan_uses) = (Vec::new(), Vec::new());
        for (pat, u) in pats.into_iter().zip(uses) {
            let at_word_start =
                pat.chars().next().is_some_and(is_word_char) && u.iter().all(|u| !u.partial);
            if at_word_start {
                words.push(pat);
                word_uses.push(u);
            } else {
                scan.push(pat);
                scan_uses.push(u);
            }
        }
        TermSet {
            words: (!words.is_empty()).then(|| {
                Words::new(
                    words.into_iter().map(String::into_bytes).collect(),
                    caseless,
                )
            }),
            word_uses,
            scan: Anywhere::new(
                scan.into_iter().map(String::into_bytes).collect(),
                &mut scan_uses,
                caseless,
            ),
            scan_uses,
            apostrophes_folded,
        }
    }

    /// Builds now the trie and the DFA a long draft, or enough short ones, would.
    pub(super) fn warm(&self) {
        if let Some(words) = &self.words {
            words.trie();
        }
        if let Some(scan) = &self.scan {
            scan.warm();
        }
    }

    /// Whether there are no terms.
    pub(super) fn is_empty(&self) -> bool {
        self.words.is_none() && self.scan.is_none()
    }

    /// Calls `found` with the uses, start and end of every occurrence in `text` of
    /// a term: every one of the scanned terms, and every one of the others that
    /// starts a word (the only ones that can be whole words).
    pub(super) fn find(&self, text: &str, mut found: impl FnMut(&[Use], usize, usize)) {
        if let Some(words) = &self.words {
            let uses = &self.word_uses;
            words
                .search(text)
                .find(text, |p, start, end| found(&uses[p], start, end));
        }
        self.find_scanned(text, found);
    }

    /// [`TermSet::find`] for this set and `other` in the same text, their
    /// word terms found in one pass over the text's word starts.
    pub(super) fn find_with(
        &self,
        other: &TermSet,
        text: &str,
        mut found: impl FnMut(&[Use], usize, usize),
    ) {
        let (Some(words), Some(other_words)) = (&self.words, &other.words) else {
            self.find(text, &mut found);
            other.find(text, found);
            return;
        };
        let (search, other_search) = (words.search(text), other_words.search(text));
        let bytes = text.as_bytes();
        // Each set's first bytes looked up in its own array, not asked of its
        // table or trie: three times a word start.
        let (starts, other_starts) = (&words.starts, &other_words.starts);
        word_starts(
            text,
            |b| starts[b as usize] || other_starts[b as usize],
            |i, run| {
                if starts[bytes[i] as usize] {
                    search.at(i, run, &mut |p, end| found(&self.word_uses[p], i, end));
                }
                if other_starts[bytes[i] as usize] {
                    other_search.at(i, run, &mut |p, end| found(&other.word_uses[p], i, end));
                }
            },
        );
        self.find_scanned(text, &mut found);
        other.find_scanned(text, found);
    }

    /// The occurrences of the terms found anywhere.
    fn find_scanned(&self, text: &str, mut found: impl FnMut(&[Use], usize, usize)) {
        if let Some(scan) = &self.scan {
            scan.find(text, |p, start, end| found(&self.scan_uses[p], start, end));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every (term, start, end) `TermSet::find` reports.
    fn found(terms: &[(&str, bool)], text: &str) -> Vec<(String, usize, usize)> {
        found_in(terms, text, false)
    }

    fn found_in(terms: &[(&str, bool)], text: &str, caseless: bool) -> Vec<(String, usize, usize)> {
        let pats: Vec<String> = terms.iter().map(|(t, _)| t.to_string()).collect();
        let uses = terms
            .iter()
            .enumerate()
            .map(|(i, &(_, partial))| {
                vec![Use {
                    matcher: i as u32,
                    pattern: 0,
                    partial,
                }]
            })
            .collect();
        let set = TermSet::new(pats, uses, caseless);
        let mut out = Vec::new();
        set.find(text, |uses, start, end| {
            for u in uses {
                out.push((terms[u.matcher as usize].0.to_string(), start, end));
            }
        });
        out.sort();
        out
    }

    /// Two sets searched in one pass over the word starts find what each finds
    /// alone, with the table and with the trie, and when one set has no word
    /// terms; each occurrence is reported once, with its own set's uses.
    #[test]
    fn two_sets_in_one_pass_find_what_each_finds_alone() {
        let set = |terms: &[&str], caseless: bool, first: u32| {
            let uses = (0..terms.len() as u32)
                .map(|i| {
                    vec![Use {
                        matcher: first + i,
                        pattern: 0,
                        partial: false,
                    }]
                })
                .collect();
            TermSet::new(
                terms.iter().map(|t| t.to_string()).collect(),
                uses,
                caseless,
            )
        };
        let caseless = set(&["new york", "york", "acme", "#launch"], true, 0);
        let exact = set(&["York", "ACME Corp", "Acme"], false, 10);
        let no_words = set(&["#launch"], false, 20);
        let draft = "New York and york, ACME Corp and Acme. acme #launch York-ish\n";
        let text = draft.repeat(2 * TABLE_BYTES / draft.len() + 1);
        for other in [&exact, &no_words] {
            // The first draft's sets look up in their tables; the long text in tries.
            for text in [draft, draft, &text[..], draft] {
                let mut alone = Vec::new();
                for s in [&caseless, other] {
                    s.find(text, |uses, start, end| {
                        alone.push((uses[0].matcher, start, end))
                    });
                }
                let mut together = Vec::new();
                caseless.find_with(other, text, |uses, start, end| {
                    together.push((uses[0].matcher, start, end));
                });
                alone.sort_unstable();
                together.sort_unstable();
                assert!(!together.is_empty());
                assert_eq!(together, alone, "{} bytes", text.len());
            }
        }
        let tries = |s: &TermSet| s.words.as_ref().is_some_and(|w| w.trie.get().is_some());
        assert!(tries(&caseless) && tries(&exact));
    }

    #[test]
    fn warming_builds_the_trie_and_the_dfa() {
        // Scanned terms beginning with seventeen distinct bytes get an automaton.
        let mut pats = vec!["york".to_string()];
        pats.extend("#@!$%&*+-/:;<=>?~".chars().map(|c| format!("{c}tag")));
        let uses = vec![Vec::new(); pats.len()];
        let set = TermSet::new(pats, uses, true);
        let words = set.words.as_ref().unwrap();
        let Some(Anywhere::Automaton(scan, _)) = set.scan.as_ref() else {
            panic!("an automaton for the scanned terms");
        };
        assert!(words.trie.get().is_none() && !scan.dfa_built());
        set.warm();
        assert!(words.trie.get().is_some());
        assert!(scan.dfa_built());
    }

    #[test]
    fn word_terms_are_found_where_a_word_starts_and_others_anywhere() {
        let terms = [
            ("new york", false),
            ("york", false),
            ("ork", false),
            ("yo", true),
            ("#tag", false),
            ("ß", false),
        ];
        let text = "new york's #tag newyork, straße ßa";
        let mut expected = Vec::new();
        for (t, partial) in terms {
            for (start, _) in text.match_indices(t) {
                let word_start = text[..start]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !is_word_char(c));
                let at_word_start = t.chars().next().is_some_and(is_word_char) && !partial;
                if !at_word_start || word_start {
                    expected.push((t.to_string(), start, start + t.len()));
                }
            }
        }
        expected.sort();
        assert_eq!(found(&terms, text), expected);
        // `new york`, `york` at 4 (not in `newyork`), `yo` in both, `#tag`, and `ß`
        // in `ßa` (not in `straße`); `ork` never starts a word.
        assert_eq!(expected.len(), 6, "{expected:?}");
    }

    /// A caseless set finds in an ASCII text as written what it finds in the text
    /// folded: word terms (trie, sparse and dense nodes) and scanned ones.
    #[test]
    fn caseless_sets_match_ascii_upper_case_as_folded() {
        // Nine terms after `a` make its node dense; `b` has two children, sparse.
        let mut terms: Vec<(String, bool)> = "abcdefghij"
            .chars()
            .map(|c| (format!("a{c}x"), false))
            .collect();
        terms.extend([("bat".into(), false), ("bot".into(), false)]);
        terms.extend([
            ("ell".into(), true),
            ("#ok".into(), false),
            ("q_1".into(), false),
        ]);
        let terms: Vec<(&str, bool)> = terms.iter().map(|(t, p)| (t.as_str(), *p)).collect();
        let text = "AAX aJx Abx BAT bOt BoT HELLO hello #OK #ok Q_1 q_1 xAAX";
        let folded = crate::text::fold::fold(text);
        let upper = found_in(&terms, text, true);
        assert_eq!(upper, found_in(&terms, &folded, true));
        assert_eq!(upper.len(), 12, "{upper:?}");
    }
}
