//! Caseless, whole-word matching: one folding function and one notion of a word character,
//! shared by the engine and the reference evaluator so both mean the same thing.

/// The typographic apostrophe (U+2019, a right single quotation mark), which
/// keyboards and word processors put in place of `'`: caseless matching takes
/// one for the other, so `can't` finds `can’t`.
pub const TYPOGRAPHIC_APOSTROPHE: char = '\u{2019}';

/// Appends the caseless form of `c` to `out`.
///
/// Lowercasing, plus final sigma to sigma so that `ΣΑΣ` finds `σας`, and the
/// typographic apostrophe to `'`.
pub fn fold_char(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
    } else if c == 'ς' {
        out.push('σ');
    } else if c == TYPOGRAPHIC_APOSTROPHE {
        out.push('\'');
    } else {
        out.extend(c.to_lowercase());
    }
}

/// The caseless form of a whole string.
pub fn fold(s: &str) -> String {
    folded(s, true)
}

/// `s` folded, its typographic apostrophes too or kept as they are.
fn folded(s: &str, apostrophes: bool) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            TYPOGRAPHIC_APOSTROPHE if !apostrophes => out.push(c),
            _ => fold_char(c, &mut out),
        }
    }
    out
}

/// Whether `c` is its own caseless form ([`fold_char`] gives it back).
pub fn folds_to_itself(c: char) -> bool {
    if c.is_ascii() {
        return !c.is_ascii_uppercase();
    }
    let mut lower = c.to_lowercase();
    c != 'ς' && c != TYPOGRAPHIC_APOSTROPHE && lower.next() == Some(c) && lower.next().is_none()
}

/// The caseless form of `s` as it was before typographic apostrophes were
/// folded: what a finding's fingerprint hashes, so that fingerprints kept in
/// a baseline still match.
pub fn fold_letters(s: &str) -> String {
    folded(s, false)
}

/// What a text holds beyond ASCII, as far as searching it goes. Most text holds
/// nothing there but punctuation and symbols (’ “ ” — … € and emoji), which
/// neither fold (but for ’) nor belong to words: such text is searched as ASCII
/// text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BeyondAscii {
    /// Some character is beyond ASCII.
    pub any: bool,
    /// Some character other than the typographic apostrophe changes when
    /// folded (caseless terms need a folded copy).
    pub folds: bool,
    /// Some character is a typographic apostrophe. Caseless term automata
    /// also hold their terms with it, so it needs no folded copy unless a
    /// term has more apostrophes than they spell out.
    pub apostrophes: bool,
    /// Some character is a word character (`\b` needs Unicode's word rules).
    pub words: bool,
}

impl BeyondAscii {
    /// Looks at the characters of `text` above ASCII, until both kinds are seen.
    pub fn of(text: &str) -> BeyondAscii {
        let mut seen = BeyondAscii::default();
        for (_, c) in chars_beyond_ascii(text) {
            seen.any = true;
            seen.apostrophes |= c == TYPOGRAPHIC_APOSTROPHE;
            seen.folds |= c != TYPOGRAPHIC_APOSTROPHE && !folds_to_itself(c);
            seen.words |= is_word_char(c);
            if seen.folds && seen.words {
                break;
            }
        }
        seen
    }

    /// Whether regexes run with ASCII's word boundaries find what they would with
    /// Unicode's at every position: no word character is beyond ASCII. They
    /// are then run so: a search with Unicode's gives up its lazy DFA at the
    /// first byte beyond ASCII (an emoji, a curly quote) for a slower engine,
    /// and pure ASCII, searched the same either way, shares their build.
    pub fn ascii_word_bounds(&self) -> bool {
        !self.words
    }
}

/// Each character of `text` beyond ASCII, with where it starts; the ASCII
/// between them is passed over eight bytes at a time.
fn chars_beyond_ascii(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let bytes = text.as_bytes();
    // `at` is always where a character starts, and only ASCII lies between it
    // and the next byte beyond ASCII, which therefore starts one too.
    let mut at = 0;
    std::iter::from_fn(move || {
        let start = at + crate::text::classes::find_high(&bytes[at..])?;
        let c = text[start..].chars().next()?;
        at = start + c.len_utf8();
        Some((start, c))
    })
}

/// Where each word character beyond ASCII starts in `text`, in order; `None`
/// when there are more than `most`.
pub fn word_chars_beyond_ascii(text: &str, most: usize) -> Option<Vec<usize>> {
    let mut starts = Vec::new();
    for (start, _) in chars_beyond_ascii(text).filter(|&(_, c)| is_word_char(c)) {
        if starts.len() == most {
            return None;
        }
        starts.push(start);
    }
    Some(starts)
}

/// Whether `c` belongs to a word (Unicode `\w`: letters, marks, digits, connectors).
pub fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || c == '_'
    } else {
        regex_syntax::is_word_character(c)
    }
}

/// Whether `text[start..end]` stands as a whole word: no word character runs on
/// past either end. An end of the span that is not itself a word character needs
/// no boundary (so `#spon` and `©` match where they stand).
pub fn is_whole_word(text: &str, start: usize, end: usize) -> bool {
    let span = &text[start..end];
    let (Some(first), Some(last)) = (span.chars().next(), span.chars().next_back()) else {
        return false;
    };
    let before_ok = !is_word_char(first)
        || text[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !is_word_char(c));
    let after_ok =
        !is_word_char(last) || text[end..].chars().next().is_none_or(|c| !is_word_char(c));
    before_ok && after_ok
}

/// A text folded once, with the way back to the original's byte offsets.
///
/// Most characters fold to the same number of bytes; only where they do not is
/// an entry kept, so an ASCII text costs one copy and no map.
pub struct Folded {
    /// The caseless text.
    pub text: String,
    /// `(folded_start, folded_end, original_start, original_end)` of each character whose
    /// folded form has a different length or more than one character, in order.
    irregular: Vec<(usize, usize, usize, usize)>,
}

impl Folded {
    /// Folds `original`.
    pub fn new(original: &str) -> Folded {
        if original.is_ascii() {
            return Folded {
                text: original.to_ascii_lowercase(),
                irregular: Vec::new(),
            };
        }
        let mut text = String::with_capacity(original.len());
        let mut irregular = Vec::new();
        // The ASCII between characters beyond it is lowered a run at a time.
        let lowered = |text: &mut String, ascii: &str| {
            let start = text.len();
            text.push_str(ascii);
            text[start..].make_ascii_lowercase();
        };
        let mut done = 0;
        for (at, c) in chars_beyond_ascii(original) {
            lowered(&mut text, &original[done..at]);
            let before = text.len();
            fold_char(c, &mut text);
            let after = text.len();
            let one_char = text[before..].chars().nth(1).is_none();
            if after - before != c.len_utf8() || !one_char {
                irregular.push((before, after, at, at + c.len_utf8()));
            }
            done = at + c.len_utf8();
        }
        lowered(&mut text, &original[done..]);
        Folded { text, irregular }
    }

    /// The original offset of folded offset `at`, or `None` when `at` falls inside
    /// the folded form of one original character.
    pub fn to_original(&self, at: usize) -> Option<usize> {
        // Entries before `at` shift it by their length difference.
        let idx = self.irregular.partition_point(|&(fs, _, _, _)| fs < at);
        if idx > 0 {
            let (fs, fe, _, oe) = self.irregular[idx - 1];
            if at < fe && at > fs {
                return None;
            }
            if at >= fe {
                return Some(oe + (at - fe));
            }
        }
        Some(at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Folding ASCII a run at a time gives what folding each character does.
    #[test]
    fn folded_runs_are_folded_characters() {
        let pieces = [
            "ab", "AB", " ", "\n", "’", "É", "é", "İ", "\u{212A}", "ß", "ΣΑΣ", "😀", "x", "Q.",
        ];
        let mut random = crate::text::random::Random::new(3);
        for len in [0, 1, 7, 8, 9, 40, 300] {
            for _ in 0..50 {
                let original = random.text(&pieces, len);
                let folded = Folded::new(&original);
                let mut text = String::new();
                let mut irregular = Vec::new();
                for (i, c) in original.char_indices() {
                    let before = text.len();
                    fold_char(c, &mut text);
                    if text.len() - before != c.len_utf8() || text[before..].chars().count() != 1 {
                        irregular.push((before, text.len(), i, i + c.len_utf8()));
                    }
                }
                assert_eq!(folded.text, text, "{original:?}");
                assert_eq!(folded.irregular, irregular, "{original:?}");
            }
        }
    }

    #[test]
    fn folding_maps_back_across_length_changes() {
        // 'İ' (2 bytes) folds to "i̇" (3 bytes); 'K' (Kelvin, 3 bytes) to 'k' (1 byte).
        let original = "İx \u{212A}ey ÉQUIPE";
        let f = Folded::new(original);
        let pos = f.text.find("équipe").unwrap();
        let start = f.to_original(pos).unwrap();
        let end = f.to_original(pos + "équipe".len()).unwrap();
        assert_eq!(&original[start..end], "ÉQUIPE");
        let k = f.text.find("key").unwrap();
        assert_eq!(
            &original[f.to_original(k).unwrap()..f.to_original(k + 3).unwrap()],
            "\u{212A}ey"
        );
        // Inside the folded form of 'İ' there is no original offset.
        assert_eq!(f.to_original(1), None);
    }

    /// `folds_to_itself` says what folding does, for every character.
    #[test]
    fn a_character_folds_to_itself_exactly_when_folding_gives_it_back() {
        let mut folded = String::new();
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            folded.clear();
            fold_char(c, &mut folded);
            let same = folded.chars().eq(std::iter::once(c));
            assert_eq!(folds_to_itself(c), same, "{c:?} U+{:04X}", c as u32);
        }
    }

    #[test]
    fn what_lies_beyond_ascii_is_seen_wherever_it_is() {
        let ascii = BeyondAscii::default();
        assert_eq!(BeyondAscii::of(""), ascii);
        assert_eq!(BeyondAscii::of("plain ASCII, 100% of it"), ascii);
        assert!(ascii.ascii_word_bounds());
        // Punctuation, symbols and emoji neither fold nor make words: such text
        // is searched as ASCII is, but for what only ASCII text is searched with.
        let none = BeyondAscii { any: true, ..ascii };
        assert_eq!(BeyondAscii::of("“quote” — 5 € … 😀👍🏽"), none);
        assert!(none.ascii_word_bounds());
        // A typographic apostrophe folds, but is told apart from what else does.
        let curly = BeyondAscii {
            apostrophes: true,
            ..none
        };
        assert_eq!(BeyondAscii::of("don’t “quote” — 5 € … 😀👍🏽"), curly);
        let word = BeyondAscii {
            words: true,
            ..none
        };
        let both = BeyondAscii {
            folds: true,
            ..word
        };
        assert!(!word.ascii_word_bounds() && !both.ascii_word_bounds());
        assert_eq!(BeyondAscii::of("un café"), word);
        // Word characters that are not letters: a combining mark, a digit, a connector.
        assert_eq!(BeyondAscii::of("cafe\u{301}"), word);
        assert_eq!(BeyondAscii::of("page ٣"), word);
        assert_eq!(BeyondAscii::of("a‿b"), word);
        assert_eq!(BeyondAscii::of("Équipe"), both);
        // At the end of a long text, after punctuation, at every offset in a block.
        for pad in 0..20 {
            let text = format!("{}”{}", "a".repeat(pad), "b".repeat(pad));
            assert_eq!(BeyondAscii::of(&format!("{text}é")), word, "{pad}");
            assert_eq!(BeyondAscii::of(&format!("{text}Σ")), both, "{pad}");
            assert_eq!(BeyondAscii::of(&text), none, "{pad}");
            let text = format!("{}’{}", "a".repeat(pad), "b".repeat(pad));
            assert_eq!(BeyondAscii::of(&text), curly, "{pad}");
            assert_eq!(BeyondAscii::of(&"a".repeat(pad)), ascii, "{pad}");
        }
        // The Kelvin sign folds to `k`, an ASCII letter: a word character that folds.
        assert_eq!(BeyondAscii::of("5 \u{212A}"), both);
    }

    #[test]
    fn a_typographic_apostrophe_folds_to_a_straight_one() {
        assert_eq!(fold("Can’t WON’T"), "can't won't");
        assert_eq!(fold("Can’t"), fold("can't"));
        // Fingerprints keep hashing what they hashed before.
        assert_eq!(fold_letters("Can’t É"), "can’t é");
        assert_eq!(fold_letters("Can't"), "can't");
        let f = Folded::new("I can’t go");
        assert_eq!(f.text, "i can't go");
        let end = f.text.find(" go").unwrap();
        assert_eq!(f.to_original(end), Some("I can’t".len()));
    }

    #[test]
    fn word_characters_beyond_ascii_are_found_up_to_a_limit() {
        let text = "Zoë’s café — 😀 naïve";
        let want: Vec<usize> = text
            .char_indices()
            .filter(|&(_, c)| !c.is_ascii() && is_word_char(c))
            .map(|(i, _)| i)
            .collect();
        assert_eq!(want.len(), 3);
        assert_eq!(word_chars_beyond_ascii(text, 3), Some(want));
        assert_eq!(word_chars_beyond_ascii(text, 2), None);
        assert_eq!(word_chars_beyond_ascii("don’t — 😀", 0), Some(Vec::new()));
    }

    #[test]
    fn whole_words_respect_unicode_and_non_word_edges() {
        assert!(is_whole_word("an équipe here", 3, 3 + "équipe".len()));
        assert!(!is_whole_word("équipes", 0, "équipe".len()));
        assert!(is_whole_word("x#spon", 1, 6));
        // A combining mark continues the word.
        let t = "cafe\u{301}";
        assert!(!is_whole_word(t, 0, 4));
    }
}
