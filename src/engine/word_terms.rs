//! A term set's word terms ([`Words`]), and how they are looked up at the
//! word starts of one text ([`WordSearch`]).

use std::sync::OnceLock;

use super::runs::{Runs, MAX_RUN};
use super::starts::word_starts;
use super::table::{first_bytes, Table};
use super::trie::Trie;
use super::Budget;

/// Word terms are looked up in a [`Table`] until this much text has been
/// searched (in one draft or in all so far); then a [`Trie`] is built and
/// walked. A trie takes many times longer to build and is many times quicker to
/// ask: a one-line draft with 5,000 terms spent 2 ms building one, and 10,000
/// short drafts took half as long again with the table alone.
pub(super) const TABLE_BYTES: usize = 16 << 10;

/// Terms that begin with a word character and match whole words only, each
/// found where a word starts, with a table for a short draft and a trie for a
/// long one (each built when first needed).
#[derive(Debug, Clone)]
pub(super) struct Words {
    pats: Vec<Vec<u8>>,
    caseless: bool,
    /// The bytes a term begins with (as the table and the trie say).
    pub(super) starts: [bool; 256],
    /// The trie and its table of runs, built on first use.
    pub(super) trie: OnceLock<(Trie, Runs)>,
    table: OnceLock<Table>,
    /// How much text the table has been asked about.
    tabled: Budget,
}

impl Words {
    pub(super) fn new(pats: Vec<Vec<u8>>, caseless: bool) -> Words {
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
    pub(super) fn search<'a>(&'a self, text: &'a str) -> WordSearch<'a> {
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
    pub(super) fn trie(&self) -> &(Trie, Runs) {
        self.trie.get_or_init(|| {
            let pats: Vec<&[u8]> = self.pats.iter().map(Vec::as_slice).collect();
            let trie = Trie::new(&pats, self.caseless);
            let runs = Runs::new(&pats, &trie, self.caseless);
            (trie, runs)
        })
    }
}

/// One set's word terms, ready to be looked up at the word starts of a text.
pub(super) enum WordSearch<'a> {
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
    pub(super) fn find(&self, text: &str, mut found: impl FnMut(usize, usize, usize)) {
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
    pub(super) fn at(&self, i: usize, run: usize, found: &mut impl FnMut(usize, usize)) {
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

    /// The table (short drafts) and the trie (long ones) find the same whole
    /// words: cases, duplicates, prefix chains, multi-byte
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
            "New\n york; new\n\nyork",
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
                let sorted = |mut found: Vec<_>| {
                    found.sort_unstable();
                    found
                };
                assert_eq!(
                    sorted(by(true)),
                    sorted(by(false)),
                    "{text:?}, caseless {caseless}"
                );
                total += by(true).len();
            }
            assert_eq!(total, if caseless { 30 } else { 15 });
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
            // Kept as rules keep them: each run of whitespace one space.
            let terms: Vec<Vec<u8>> = terms
                .iter()
                .map(|t| crate::text::blanks::spaced(t).into_owned())
                .map(|t| if caseless { t.to_lowercase() } else { t }.into_bytes())
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
            // Each term as a regex: its spaces take a run of blanks.
            let blanks = r"(?:[ \t]+(?:\r?\n)?[ \t]*|\r?\n[ \t]*)";
            let regexes: Vec<regex::bytes::Regex> = terms
                .iter()
                .map(|t| {
                    let t = std::str::from_utf8(t).expect("terms are text");
                    let words: Vec<String> = t.split(' ').map(regex::escape).collect();
                    let flags = if caseless { "(?i-u)" } else { "(?-u)" };
                    regex::bytes::Regex::new(&format!("^{flags}{}", words.join(blanks))).expect("a regex")
                })
                .collect();
            let mut every = Vec::new();
            let bytes = text.as_bytes();
            for start in (0..bytes.len()).filter(|&i| text.is_char_boundary(i)) {
                for (p, re) in regexes.iter().enumerate() {
                    let Some(m) = re.find(&bytes[start..]) else { continue };
                    let end = start + m.end();
                    if text.is_char_boundary(end) && crate::text::fold::is_whole_word(&text, start, end) {
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
