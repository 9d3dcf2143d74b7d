//! Term automata. A whole-word term that begins with a word character can only
//! match where a word begins, so those terms are found by walking a trie from
//! each word start: a few steps per word, where an overlapping search steps
//! through every byte and reports every term inside a word too. The other terms (`partial` ones, and those that begin with `#`,
//! `©`…) are found by an overlapping search.

use std::sync::OnceLock;

use super::anywhere::Anywhere;
use super::apostrophes::with_typographic_apostrophes;
use super::runs::{Runs, MAX_RUN};
use super::starts::word_starts;
use super::table::{first_bytes, Table};
use super::trie::Trie;
use super::{Budget, Use};
use crate::text::fold::is_word_char;

/// Word terms are looked up in a [`Table`] until this much text has been
/// searched (in one draft or in all so far); then a [`Trie`] is built and
/// walked. A trie takes many times longer to build and is many times quicker to
/// ask: a one-line draft with 5,000 terms spent 2 ms building one, and 10,000
/// short drafts took half as long again with the table alone.
const TABLE_BYTES: usize = 16 << 10;

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

/// Terms that begin with a word character and match whole words only, each
/// found where a word starts, with a table for a short draft and a trie for a
/// long one (each built when first needed).
#[derive(Debug, Clone)]
struct Words {
    pats: Vec<Vec<u8>>,
    caseless: bool,
    /// The bytes a term begins with (as the table and the trie say).
    starts: [bool; 256],
    trie: OnceLock<(Trie, Runs)>,
    table: OnceLock<Table>,
    /// How much text the table has been asked about.
    tabled: Budget,
}

impl Words {
    fn new(pats: Vec<Vec<u8>>, caseless: bool) -> Words {
        Words {
            starts: first_bytes(&pats, caseless),
            pats,
            caseless,
            trie: OnceLock::new(),
            table: OnceLock::new(),
            tabled: Budget::default(),
        }
    }

    /// How the terms are looked up in `text`: in the table until it has been
    /// asked about [`TABLE_BYTES`] of text (in this draft or all so far), then
    /// in the trie.
    fn search<'a>(&'a self, text: &'a str) -> WordSearch<'a> {
        let by_table = self.trie.get().is_none() && self.tabled.spend(text.len(), TABLE_BYTES);
        self.search_by(text, by_table)
    }

    /// [`Words::search`] with the table or with the trie.
    fn search_by<'a>(&'a self, text: &'a str, by_table: bool) -> WordSearch<'a> {
        if by_table {
            let table = self
                .table
                .get_or_init(|| Table::new(&self.pats, self.caseless));
            WordSearch::Table {
                pats: &self.pats,
                table,
                prepared: table.prepare(text.as_bytes()),
            }
        } else {
            let (trie, runs) = self.trie();
            WordSearch::Trie {
                trie,
                runs,
                bytes: text.as_bytes(),
            }
        }
    }

    /// The trie and its table of runs, built on first use.
    fn trie(&self) -> &(Trie, Runs) {
        self.trie.get_or_init(|| {
            let pats: Vec<&[u8]> = self.pats.iter().map(Vec::as_slice).collect();
            let trie = Trie::new(&pats, self.caseless);
            let runs = Runs::new(&pats, &trie, self.caseless);
            (trie, runs)
        })
    }
}

/// One set's word terms, ready to be looked up at the word starts of a text.
enum WordSearch<'a> {
    Table {
        pats: &'a [Vec<u8>],
        table: &'a Table,
        /// The text as the table compares it.
        prepared: std::borrow::Cow<'a, [u8]>,
    },
    Trie {
        trie: &'a Trie,
        runs: &'a Runs,
        bytes: &'a [u8],
    },
}

impl WordSearch<'_> {
    /// Calls `found` with the pattern, start and end of each term that begins
    /// where a word of `text` (the text this search was made for) begins.
    fn find(&self, text: &str, mut found: impl FnMut(usize, usize, usize)) {
        word_starts(
            text,
            |b| self.can_start(b),
            |i, run| self.at(i, run, &mut |p, end| found(p, i, end)),
        );
    }

    /// Whether some term begins with byte `b`.
    #[inline]
    fn can_start(&self, b: u8) -> bool {
        match self {
            WordSearch::Table { table, .. } => table.can_start(b),
            WordSearch::Trie { trie, .. } => trie.can_start(b),
        }
    }

    /// Calls `found(pattern, end)` for each term that begins at word start `i`,
    /// whose run of ASCII word bytes is `run` long.
    #[inline]
    fn at(&self, i: usize, run: usize, found: &mut impl FnMut(usize, usize)) {
        match self {
            WordSearch::Table {
                pats,
                table,
                prepared,
            } => {
                // A term that ends inside the word's run is not a whole word.
                table.walk(pats, &prepared[i..], run, |p, len| found(p, i + len));
            }
            WordSearch::Trie { trie, runs, bytes } => {
                let at = &bytes[i..];
                let found = |p, end| found(p, i + end);
                if (1..=MAX_RUN).contains(&run) {
                    // Only a term whose run is the text's can match here.
                    if let Some(node) = runs.node(at, run) {
                        trie.walk_from(node, run, at, found);
                    }
                } else {
                    trie.walk(at, found);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

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

    /// The table (short drafts) and the trie (long ones) find the same whole
    /// words in the same order: cases, duplicates, prefix chains, multi-byte
    /// characters. (Either may also report a term that a word character beyond
    /// ASCII follows, which is not a whole word.)
    #[test]
    fn the_table_and_the_trie_find_the_same_terms() {
        let terms = [
            "new york", "new", "newyork", "york", "a", "ab", "abc", "ab", "straße", "é", "éa",
            "x_1", "q",
        ];
        let texts = [
            "New York, NEW YORK and newyork; ab abc ABC aB a",
            "straße STRAßE éa É éA x_1 X_1 q Q",
            "",
            "ab",
            "  new",
        ];
        for caseless in [false, true] {
            let words = Words::new(
                terms.iter().map(|t| t.as_bytes().to_vec()).collect(),
                caseless,
            );
            // Its first bytes are the ones its table and its trie begin with.
            for table in [true, false] {
                let search = words.search_by("", table);
                for b in 0..=255u8 {
                    assert_eq!(words.starts[b as usize], search.can_start(b), "{b:#x}");
                }
            }
            let mut total = 0;
            for text in texts {
                let by = |table| {
                    let mut out = Vec::new();
                    words.search_by(text, table).find(text, |p, s, e| {
                        if crate::text::fold::is_whole_word(text, s, e) {
                            out.push((p, s, e))
                        }
                    });
                    out
                };
                assert_eq!(by(true), by(false), "{text:?}, caseless {caseless}");
                total += by(true).len();
            }
            assert_eq!(total, if caseless { 25 } else { 12 });
        }
    }

    /// Short drafts use the table until it has seen [`TABLE_BYTES`] of text;
    /// then the trie is built once and used for every draft after.
    #[test]
    fn the_trie_takes_over_once_the_table_has_seen_enough_text() {
        let words = Words::new(vec![b"new york".to_vec(), b"york".to_vec()], true);
        let draft = "I love New York and york.\n";
        let mut seen = 0;
        while seen + draft.len() < TABLE_BYTES {
            let mut found = Vec::new();
            words
                .search(draft)
                .find(draft, |p, s, e| found.push((p, s, e)));
            assert_eq!(found, [(0, 7, 15), (1, 11, 15), (1, 20, 24)]);
            assert!(
                words.trie.get().is_none(),
                "the trie was built after {seen} bytes"
            );
            seen += draft.len();
        }
        let mut found = Vec::new();
        words
            .search(draft)
            .find(draft, |p, s, e| found.push((p, s, e)));
        assert_eq!(found, [(0, 7, 15), (1, 11, 15), (1, 20, 24)]);
        assert!(words.trie.get().is_some());
    }

    #[test]
    fn warming_builds_the_trie_and_the_dfa() {
        // Scanned terms beginning with seventeen distinct bytes get an automaton.
        let mut pats = vec!["york".to_string()];
        pats.extend("#@!$%&*+-/:;<=>?~".chars().map(|c| format!("{c}tag")));
        let uses = vec![Vec::new(); pats.len()];
        let set = TermSet::new(pats, uses, true);
        let words = set.words.as_ref().unwrap();
        let Some(Anywhere::Automaton(scan)) = set.scan.as_ref() else {
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

    /// Words of terms and text, among them runs as long as the table of runs
    /// keeps and one longer, and what goes between words of a term: a space,
    /// two, a hyphen, an apostrophe, a full stop (also at a term's end), a
    /// character beyond ASCII, a curly apostrophe, a line break.
    #[rustfmt::skip]
    const WORDS: &[&str] = &[
        "a", "ab", "abc", "new", "york", "x1", "x_1", "é", "ab1", "new1",
        "aaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaab",
    ];
    const BETWEEN: &[&str] = &[" ", "  ", "-", "'", ".", "é", " é", "\u{2019}", "\n"];

    fn term() -> impl Strategy<Value = String> {
        let (word, between) = (prop::sample::select(WORDS), prop::sample::select(BETWEEN));
        let rest = prop::collection::vec((between.clone(), word.clone()), 0..3);
        (word, rest, prop::option::of(between)).prop_map(|(first, rest, last)| {
            let rest = rest.into_iter().flat_map(|(b, w)| [b, w]);
            std::iter::once(first).chain(rest).chain(last).collect()
        })
    }

    /// Terms, and a text of them and of the pieces they are made of, each as
    /// it is, in upper case or capitalised.
    fn terms_and_text() -> impl Strategy<Value = (Vec<String>, String)> {
        prop::collection::vec(term(), 1..12).prop_flat_map(|terms| {
            let mut pieces: Vec<String> = [WORDS, BETWEEN]
                .concat()
                .iter()
                .map(|p| p.to_string())
                .collect();
            pieces.extend(terms.iter().cloned());
            let piece = (prop::sample::select(pieces), 0..3u8).prop_map(|(p, case)| match case {
                0 => p,
                1 => p.to_ascii_uppercase(),
                // A piece that begins beyond ASCII stays as it is.
                _ => p
                    .get(..1)
                    .map_or(p.clone(), |c| c.to_ascii_uppercase() + &p[1..]),
            });
            let text = prop::collection::vec(piece, 0..20).prop_map(|p| p.concat());
            (Just(terms), text)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// The trie and its table of runs (long drafts) and the table (short
        /// ones) find the whole words that comparing every term at every
        /// position finds: terms of several words, runs longer than the table
        /// of runs keeps, cases.
        #[test]
        fn the_trie_and_the_table_find_what_every_term_finds(
            (terms, text) in terms_and_text(),
            caseless in any::<bool>(),
        ) {
            let terms: Vec<Vec<u8>> = terms
                .iter()
                .map(|t| if caseless { t.to_lowercase() } else { t.clone() }.into_bytes())
                .collect();
            let words = Words::new(terms.clone(), caseless);
            let whole = |table| {
                let mut out = Vec::new();
                words.search_by(&text, table).find(&text, |p, s, e| {
                    if crate::text::fold::is_whole_word(&text, s, e) {
                        out.push((p, s, e));
                    }
                });
                out.sort_unstable();
                out
            };
            let mut every = Vec::new();
            let bytes = text.as_bytes();
            for start in (0..bytes.len()).filter(|&i| text.is_char_boundary(i)) {
                for (p, t) in terms.iter().enumerate() {
                    let end = start + t.len();
                    let same = bytes.get(start..end).is_some_and(|b| {
                        if caseless { b.eq_ignore_ascii_case(t) } else { b == &t[..] }
                    });
                    if same && text.is_char_boundary(end) && crate::text::fold::is_whole_word(&text, start, end) {
                        every.push((p, start, end));
                    }
                }
            }
            every.sort_unstable();
            let by_trie = whole(false);
            prop_assert_eq!(&by_trie, &whole(true));
            prop_assert_eq!(&by_trie, &every);
        }
    }
}
