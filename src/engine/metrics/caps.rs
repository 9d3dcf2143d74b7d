//! `caps`: of the words that count for it, the share written in capitals,
//! worked out as far as a comparison needs.

use std::ops::Range;

use super::{visible_ranges, COUNTED, NOT_WORDS};
use crate::draft::{Draft, ScopeSet};
use crate::language::rules::CmpOp;

/// About how many bytes are classed between two looks at whether a comparison
/// is settled.
const STEP: usize = 256;

/// `caps` worked out only as far as a comparison needs. The words not yet
/// looked at can only move the share between two bounds: every one of them a
/// word in lower case, or every one in capitals. Once the value compared with
/// is outside those bounds, every way the rest could go answers the comparison
/// alike: `caps > 0.7` is settled in ordinary prose after about a third of its
/// words, and `caps == 1` at its first word in lower case. Counting goes on
/// from where it stopped when a later comparison needs more.
#[derive(Debug, Clone, Default)]
pub struct CapsCount {
    /// Words looked at that count for `caps`.
    cased: usize,
    /// Those of them in capitals.
    capital: usize,
    /// Words not yet looked at.
    unread: usize,
    /// The visible text not yet looked at, the next range last (worked out
    /// when counting starts).
    left: Option<Vec<Range<usize>>>,
}

impl CapsCount {
    /// Whether `caps op value` holds of `draft` without the `hidden` scopes.
    pub fn holds(&mut self, draft: &Draft, hidden: ScopeSet, op: CmpOp, value: f64) -> bool {
        self.start(draft, hidden);
        loop {
            if let Some(answer) = settled(op, value, self.bounds()) {
                return answer;
            }
            if !self.step(draft, STEP) {
                // Every word looked at: the bounds are the value (a value
                // compared with that is not a number settles nothing).
                return op.holds(self.bounds().0, value);
            }
        }
    }

    /// `caps` of `draft` without the `hidden` scopes.
    pub fn value(&mut self, draft: &Draft, hidden: ScopeSet) -> f64 {
        self.start(draft, hidden);
        while self.step(draft, usize::MAX) {}
        self.bounds().0
    }

    fn start(&mut self, draft: &Draft, hidden: ScopeSet) {
        if self.left.is_none() {
            let mut ranges = visible_ranges(draft, hidden.without(COUNTED).union(NOT_WORDS));
            self.unread = ranges.iter().map(|r| draft.words.count_in(r.clone())).sum();
            ranges.reverse();
            self.left = Some(ranges);
        }
    }

    /// Looks at the words that start in about the next `bytes` of the text not
    /// yet looked at (up to a block's edge, so that no block is classed twice);
    /// false when none is left.
    fn step(&mut self, draft: &Draft, bytes: usize) -> bool {
        let left = self.left.as_mut().expect("counting has started");
        let Some(range) = left.pop() else {
            debug_assert_eq!(self.unread, 0);
            return false;
        };
        let end = (range.start + bytes.min(range.len()))
            .next_multiple_of(64)
            .min(range.end);
        let (cased, capital) = casing_in(draft, range.start..end);
        self.cased += cased;
        self.capital += capital;
        self.unread -= draft.words.count_in(range.start..end);
        if end < range.end {
            left.push(end..range.end);
        }
        true
    }

    /// The least and the greatest value `caps` can come to, given the words
    /// looked at; the value itself once every word has been.
    fn bounds(&self) -> (f64, f64) {
        let (capital, cased) = (self.capital as f64, self.cased as f64);
        if self.unread == 0 {
            let value = if self.cased == 0 {
                0.0
            } else {
                capital / cased
            };
            return (value, value);
        }
        // Each unread word adds to the words that count, or to both counts, or
        // to neither: the share is least when all add to the first, and
        // greatest when all add to both. (Division rounds the same way for
        // every pair, so the bounds hold of the rounded share too.)
        let unread = self.unread as f64;
        (
            capital / (cased + unread),
            (capital + unread) / (cased + unread),
        )
    }
}

/// Whether `x op value` holds for every `x` from `least` to `greatest`
/// (`Some(true)`), for none (`Some(false)`), or for some only (`None`).
fn settled(op: CmpOp, value: f64, (least, greatest): (f64, f64)) -> Option<bool> {
    let (all, none) = match op {
        CmpOp::Gt => (least > value, greatest <= value),
        CmpOp::Ge => (least >= value, greatest < value),
        CmpOp::Lt => (greatest < value, least >= value),
        CmpOp::Le => (greatest <= value, least > value),
        CmpOp::Eq => (
            least == value && greatest == value,
            value < least || value > greatest,
        ),
        CmpOp::Ne => (
            value < least || value > greatest,
            least == value && greatest == value,
        ),
    };
    match (all, none) {
        (true, _) => Some(true),
        (_, true) => Some(false),
        _ => None,
    }
}

/// Of the words starting in `range`, how many count for `caps` and how many of
/// those are all capitals ([`casing`]). A word of ASCII bytes within one 64-byte
/// block is classed from the block's bit masks (about ten instructions); any
/// other by [`casing`].
fn casing_in(draft: &Draft, range: Range<usize>) -> (usize, usize) {
    let bytes = draft.text.as_bytes();
    let (mut cased, mut capital) = (0, 0);
    for (at, inside, mut starts) in draft.words.blocks_in(range) {
        if starts == 0 {
            continue;
        }
        let c = crate::text::classes::cases(bytes, at);
        while starts != 0 {
            let s = starts.trailing_zeros();
            starts &= starts - 1;
            let outside = !inside & (u64::MAX << s);
            // The word's bits, when it ends in this block.
            let span = (u64::MAX << s) & !(u64::MAX << outside.trailing_zeros().min(63));
            let (is_cased, is_capital) = if outside != 0 && c.high & span == 0 {
                let is_cased = (c.letter & span).count_ones() >= 2 && c.digit & span == 0;
                (is_cased, is_cased && c.lower & span == 0)
            } else {
                let start = at + s as usize;
                casing(&draft.text[start..draft.words.end_of(start)])
            };
            cased += usize::from(is_cased);
            capital += usize::from(is_capital);
        }
    }
    (cased, capital)
}

/// Whether a word counts for `caps` (two letters or more and no digit: codes such
/// as `S9C040YR0070` are not shouting), and whether all its letters are capitals.
pub(super) fn casing(word: &str) -> (bool, bool) {
    // ASCII bytes classed by table in one branch-free loop; other text by char.
    const LETTER: u8 = 1;
    const LOWER: u8 = 2;
    const DIGIT: u8 = 4;
    const NOT_ASCII: u8 = 8;
    const CLASS: [u8; 256] = {
        let mut t = [NOT_ASCII; 256];
        let mut b = 0;
        while b < 128 {
            let c = b as u8;
            t[b] = if c.is_ascii_lowercase() {
                LETTER | LOWER
            } else if c.is_ascii_uppercase() {
                LETTER
            } else if c.is_ascii_digit() {
                DIGIT
            } else {
                0
            };
            b += 1;
        }
        t
    };
    let (mut seen, mut letters) = (0u8, 0usize);
    for &b in word.as_bytes() {
        let class = CLASS[usize::from(b)];
        seen |= class;
        letters += usize::from(class & LETTER);
    }
    if seen & NOT_ASCII == 0 {
        let cased = letters >= 2 && seen & DIGIT == 0;
        return (cased, cased && seen & LOWER == 0);
    }
    let (letters, upper, digit) = word.chars().fold((0, 0, false), |(l, u, d), c| {
        let letter = c.is_alphabetic();
        (
            l + usize::from(letter),
            u + usize::from(letter && c.is_uppercase()),
            d || c.is_ascii_digit(),
        )
    });
    let cased = letters >= 2 && !digit;
    (cased, cased && upper == letters)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draft::{Format, Scope};
    use crate::engine::metrics::tests::word_by_word;
    use crate::language::rules::WordClasses;

    #[test]
    fn casing_counts_letters_capitals_and_digits_as_defined() {
        let by_char = |w: &str| {
            let letters = w.chars().filter(|c| c.is_alphabetic()).count();
            let upper = w
                .chars()
                .filter(|c| c.is_alphabetic() && c.is_uppercase())
                .count();
            let cased = letters >= 2 && !w.chars().any(|c| c.is_ascii_digit());
            (cased, cased && upper == letters)
        };
        for w in [
            "",
            "A",
            "I",
            "OK",
            "Ok",
            "ok",
            "NEWS!!!",
            "S9C040YR0070",
            "AB1",
            "x-Y",
            "X-Y",
            "don't",
            "DON'T",
            "\u{c9}COLE",
            "\u{e9}cole",
            "\u{c9}T\u{c9}",
            "\u{5927}\u{962a}",
            "CAF\u{c9}9",
            "\u{1F600}AB",
            "_A_B_",
        ] {
            assert_eq!(casing(w), by_char(w), "{w:?}");
        }
    }

    /// Classing words by blocks counts what [`casing`] says word by word, in
    /// ranges that begin and end anywhere, with words across block edges and
    /// words that are not ASCII.
    #[test]
    fn casing_by_blocks_agrees_with_each_word() {
        let pieces = [
            "OK ",
            "ok ",
            "Ab ",
            "NEWS",
            "x9",
            " ",
            "\n",
            "DON'T ",
            "\u{c9}COLE ",
            "A_B",
            "LONGERWORDTHANMOST ",
            "é",
            "-",
        ];
        let mut random = crate::text::random::Random::new(9);
        for _ in 0..200 {
            let text = random.text(&pieces, 300);
            let draft = Draft::new(text.clone(), Format::Text);
            let (mut a, mut b) = (random.below(text.len()), random.below(text.len() + 1));
            if a > b {
                (a, b) = (b, a);
            }
            let mut want = (0, 0);
            for w in draft.words.starting_in(a..b) {
                let (c, u) = casing(&text[w.range()]);
                want.0 += usize::from(c);
                want.1 += usize::from(u);
            }
            assert_eq!(casing_in(&draft, a..b), want, "{a}..{b} of {text:?}");
        }
    }

    const OPS: [CmpOp; 6] = [
        CmpOp::Lt,
        CmpOp::Le,
        CmpOp::Gt,
        CmpOp::Ge,
        CmpOp::Eq,
        CmpOp::Ne,
    ];

    /// Every comparison, settled early or not, answers as the whole value
    /// would: one after another on the same count (each going on from where
    /// the last stopped) and each on a count of its own; and the value is the
    /// whole value, after any comparisons.
    #[test]
    fn comparisons_answer_as_the_whole_value_would() {
        let pieces = [
            "OK ",
            "ok ",
            "NEWS ",
            "News ",
            "x9 ",
            "A ",
            " ",
            "\n",
            "\n\n",
            "DON'T ",
            "\u{c9}COLE ",
            "LONGERWORDTHANMOST ",
            "> QUOTED ",
            "https://x.io/AB ",
            "#TAG ",
            "@TEAM ",
            "```\nCODE\n```\n",
            "!!! ",
        ];
        let hiddens = [ScopeSet::EMPTY, ScopeSet::of(&[Scope::Quote, Scope::Code])];
        let mut random = crate::text::random::Random::new(11);
        for _ in 0..400 {
            let len = 1 + random.below(900);
            let text = random.text(&pieces, len);
            let draft = Draft::new(text.clone(), Format::Markdown);
            for hidden in hiddens {
                let whole = word_by_word(&draft, hidden, &WordClasses::default()).caps;
                let values = [0.0, 0.25, 2.0 / 7.0, 0.5, 0.7, 1.0, whole, f64::NAN];
                let mut shared = CapsCount::default();
                for op in OPS {
                    for value in values {
                        let want = op.holds(whole, value);
                        let got = shared.holds(&draft, hidden, op, value);
                        assert_eq!(got, want, "{op:?} {value} {whole}\n{text}");
                        let alone = CapsCount::default().holds(&draft, hidden, op, value);
                        assert_eq!(alone, want, "{op:?} {value} {whole}\n{text}");
                    }
                }
                assert_eq!(shared.value(&draft, hidden), whole, "{text}");
                assert_eq!(shared.unread, 0);
                assert_eq!(CapsCount::default().value(&draft, hidden), whole);
            }
        }
    }

    /// Ordinary prose settles `caps > 0.7` well before its end, and
    /// `caps == 1` at its first word in lower case.
    #[test]
    fn ordinary_prose_settles_a_comparison_early() {
        let text = "Thanks to the NASA team for a great launch today. ".repeat(40);
        let draft = Draft::new(text, Format::Text);
        let mut count = CapsCount::default();
        let words = draft.words.count_in(0..draft.text.len());
        assert!(!count.holds(&draft, ScopeSet::EMPTY, CmpOp::Gt, 0.7));
        assert!(
            count.unread > words / 2,
            "{} of {words} unread",
            count.unread
        );
        let unread = count.unread;
        assert!(!count.holds(&draft, ScopeSet::EMPTY, CmpOp::Eq, 1.0));
        assert_eq!(count.unread, unread);
        // Of nine words of two letters or more, one in capitals.
        assert_eq!(count.value(&draft, ScopeSet::EMPTY), 1.0 / 9.0);
    }
}
