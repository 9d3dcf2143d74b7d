//! Caseless, whole-word matching: one folding function and one notion of a word character,
//! shared by the engine and the reference evaluator so both mean the same thing.

/// Appends the caseless form of `c` to `out`.
///
/// Lowercasing, plus final sigma to sigma so that `ΣΑΣ` finds `σας`.
pub fn fold_char(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
    } else if c == 'ς' {
        out.push('σ');
    } else {
        out.extend(c.to_lowercase());
    }
}

/// The caseless form of a whole string.
pub fn fold(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        fold_char(c, &mut out);
    }
    out
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
        for (i, c) in original.char_indices() {
            let before = text.len();
            fold_char(c, &mut text);
            let after = text.len();
            let one_char = text[before..].chars().nth(1).is_none();
            if after - before != c.len_utf8() || !one_char {
                irregular.push((before, after, i, i + c.len_utf8()));
            }
        }
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
