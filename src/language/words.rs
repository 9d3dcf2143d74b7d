//! Word classes (`words { … }` blocks) and the look-up that classes every word
//! of a draft for `words(CLASS)`.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use foldhash::fast::FixedState;

/// What the word classes hold (from `words { … }` blocks, folded to lower case).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct WordClasses {
    /// Words that carry no content (articles, pronouns, auxiliaries…).
    pub stop: HashSet<String>,
    /// Stock reactions (`thanks`, `lol`, `ok`…).
    pub reaction: HashSet<String>,
    /// Greetings and sign-offs (`hi`, `dear`, `regards`…).
    pub greeting: HashSet<String>,
    /// Every word of the three sets with its class, built on the first lookup.
    #[serde(skip)]
    index: OnceLock<Index>,
}

/// The words of the classes, by their folded bytes: one probe with a fast hash
/// per word, where the sets cost three with SipHash. A word of up to
/// [`SHORT`] bytes (most of them) is one number, compared and hashed at once.
#[derive(Debug, Clone, Default)]
struct Index {
    short: HashMap<u64, WordClass, FixedState>,
    long: HashMap<Box<[u8]>, WordClass, FixedState>,
    /// The longest word's length in bytes: a longer word is in no class.
    longest: usize,
}

/// The longest word kept as a number.
const SHORT: usize = 7;

/// The longest ASCII word lowered on the stack for its look-up.
const LONG: usize = 32;

/// Up to [`SHORT`] bytes as one number: the bytes, then their count in the
/// highest byte.
fn packed(bytes: &[u8]) -> u64 {
    let mut key = [0u8; 8];
    key[..bytes.len()].copy_from_slice(bytes);
    key[7] = bytes.len() as u8;
    u64::from_le_bytes(key)
}

/// An ASCII word's [`packed`] bytes with its letters in lower case (the count
/// is below `A`: it stays as it is).
fn lowered(key: u64) -> u64 {
    key | (crate::text::classes::in_range(key, b'A', b'Z') >> 2)
}

impl Index {
    fn of(classes: &WordClasses) -> Index {
        let mut index = Index::default();
        // Inserted weakest first, so a word in several sets keeps the strongest
        // class: reaction, then greeting, then stop.
        for (set, class) in [
            (&classes.stop, WordClass::Stop),
            (&classes.greeting, WordClass::Greeting),
            (&classes.reaction, WordClass::Reaction),
        ] {
            for w in set {
                index.longest = index.longest.max(w.len());
                if w.len() <= SHORT {
                    index.short.insert(packed(w.as_bytes()), class);
                } else {
                    index.long.insert(Box::from(w.as_bytes()), class);
                }
            }
        }
        index
    }

    /// The class of a folded word, if it is in one.
    fn get(&self, folded: &[u8]) -> Option<WordClass> {
        if folded.len() <= SHORT {
            self.short.get(&packed(folded)).copied()
        } else {
            self.long.get(folded).copied()
        }
    }
}

impl WordClasses {
    /// To be called after the sets change: the index is built again on next use.
    pub fn changed(&mut self) {
        self.index.take();
    }

    /// The class of one word of a draft (not a mention, hashtag or URL).
    pub fn class_of(&self, word: &str) -> WordClass {
        use crate::text::classes::{in_range, HIGH_BITS};
        let bytes = word.as_bytes();
        let index = self.index.get_or_init(|| Index::of(self));
        // Most words: a few ASCII bytes, looked at as one number (its count
        // byte is neither a digit nor beyond ASCII).
        if bytes.len() <= SHORT {
            let key = packed(bytes);
            if key & HIGH_BITS == 0 {
                if in_range(key, b'0', b'9') != 0 {
                    return WordClass::Number;
                }
                let class = index.short.get(&lowered(key)).copied();
                return class.unwrap_or(WordClass::Content);
            }
        }
        // Numbers and codes: `353`, `3pm`, `50M03`.
        if bytes.iter().any(u8::is_ascii_digit) {
            return WordClass::Number;
        }
        let class = if !word.is_ascii() {
            index.get(crate::text::fold::fold(word).as_bytes())
        } else if word.len() <= index.longest {
            let mut lower = [0u8; LONG];
            match lower.get_mut(..word.len()) {
                Some(lower) => {
                    lower.copy_from_slice(bytes);
                    lower.make_ascii_lowercase();
                    index.get(lower)
                }
                None => index.get(word.to_ascii_lowercase().as_bytes()),
            }
        } else {
            // Folding ASCII keeps its length: longer than every word, in none.
            None
        };
        class.unwrap_or(WordClass::Content)
    }
}

/// A class of words that `words(CLASS)` counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum WordClass {
    /// Words of none of the other classes: what the draft says.
    Content,
    /// Stop words.
    Stop,
    /// Stock reactions.
    Reaction,
    /// Greetings and sign-offs.
    Greeting,
    /// Numbers and codes: words with a digit in them (`353`, `3pm`, `50M03`).
    Number,
}

impl WordClass {
    /// Every class, by the name `words(…)` takes.
    pub const ALL: [(WordClass, &'static str); 5] = [
        (WordClass::Content, "content"),
        (WordClass::Stop, "stop"),
        (WordClass::Reaction, "reaction"),
        (WordClass::Greeting, "greeting"),
        (WordClass::Number, "number"),
    ];

    /// The class with this name.
    pub fn parse(name: &str) -> Option<WordClass> {
        WordClass::ALL
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(c, _)| *c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The class by the plain rule: a digit makes a number; else the folded word
    /// is looked up in reaction, greeting and stop, in that order.
    fn plain(classes: &WordClasses, word: &str) -> WordClass {
        if word.bytes().any(|b| b.is_ascii_digit()) {
            return WordClass::Number;
        }
        let folded = crate::text::fold::fold(word);
        [
            (&classes.reaction, WordClass::Reaction),
            (&classes.greeting, WordClass::Greeting),
            (&classes.stop, WordClass::Stop),
        ]
        .into_iter()
        .find(|(set, _)| set.contains(&folded))
        .map_or(WordClass::Content, |(_, class)| class)
    }

    #[test]
    fn the_index_classes_words_as_the_sets_say() {
        let set = |words: &[&str]| words.iter().map(|w| w.to_string()).collect();
        let classes = WordClasses {
            stop: set(&[
                "the",
                "a",
                "of",
                "thanks",
                "abcdefgh",
                "abcdefghi",
                "straße",
                "é",
                // Longer than a word lowered on the stack.
                "pneumonoultramicroscopicsilicovolcanoconiosis",
            ]),
            reaction: set(&["thanks", "lol", "ok", "congratulations", "@", "[", "`"]),
            greeting: set(&["hi", "dear", "regards", "ok", "best regards"]),
            index: OnceLock::new(),
        };
        let mut words: Vec<String> = Vec::new();
        for w in classes
            .stop
            .iter()
            .chain(&classes.reaction)
            .chain(&classes.greeting)
        {
            words.extend([w.clone(), w.to_uppercase(), w.to_ascii_uppercase()]);
            let mut shorter = w.clone();
            shorter.pop();
            words.extend([format!("{w}s"), shorter, format!("{w}1"), format!("{w}\0")]);
        }
        // Around the letters: `@` `[` `` ` `` `{` are one below or above `A`, `Z`,
        // `a`, `z`, and must not be taken for letters (or the reverse).
        words.extend(
            [
                "THE", "ThE", "A", "OK", "Ok", "LOL", "STRASSE", "STRAßE", "É", "ABCDEFGH",
            ]
            .map(String::from),
        );
        words.extend(
            [
                "{",
                "@",
                "[",
                "`",
                "_",
                "Z",
                "z",
                "thE\u{301}",
                "",
                "x".repeat(30).as_str(),
            ]
            .map(String::from),
        );
        for w in &words {
            assert_eq!(classes.class_of(w), plain(&classes, w), "{w:?}");
        }
        assert_eq!(classes.class_of("Thanks"), WordClass::Reaction);
        assert_eq!(classes.class_of("ABCDEFGHI"), WordClass::Stop);
        assert_eq!(classes.class_of("@"), WordClass::Reaction);
        assert_eq!(classes.class_of("["), WordClass::Reaction);
        assert_eq!(classes.class_of("{"), WordClass::Content);
    }

    #[test]
    fn ascii_letters_and_only_they_are_lowered() {
        for b in 0..0x80u8 {
            let word = [b, b'X', b'y', b'@', b'[', b'`', b'Z'];
            let expected: Vec<u8> = word.iter().map(u8::to_ascii_lowercase).collect();
            assert_eq!(lowered(packed(&word)), packed(&expected), "byte {b}");
        }
    }
}
