//! Document metrics (`words`, `caps`, `links`…) over the part of a draft a rule sees.

use std::ops::Range;

use crate::draft::{is_emoji, Draft, Scope, ScopeSet};
use crate::language::rules::{Metric, WordClass, WordClasses};

/// Every named metric of a draft as seen through one set of hidden scopes.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Metrics {
    words: f64,
    sentences: f64,
    links: f64,
    hashtags: f64,
    mentions: f64,
    emoji: f64,
    caps: f64,
    exclamations: f64,
    chars: f64,
    lines: f64,
    quoted: f64,
    hashtag_run: f64,
    /// Words of each class, in [`WordClass::ALL`] order.
    classes: [f64; 5],
}

/// Scopes that are counted by metrics even when a rule does not match inside them.
const COUNTED: ScopeSet = ScopeSet(
    Scope::Url as u16 | Scope::Hashtag as u16 | Scope::Mention as u16 | Scope::Link as u16,
);
/// Scopes whose text is not made of words.
const NOT_WORDS: ScopeSet =
    ScopeSet(Scope::Url as u16 | Scope::Hashtag as u16 | Scope::Mention as u16);

/// Metrics that are measured together, in one pass of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Group {
    /// `words`, `caps`, `quoted`: a pass over the words.
    Words,
    /// `words(CLASS)`: the words classed, a pass of its own because looking each
    /// word up costs more than counting it, and conditions rarely get that far.
    Classes,
    /// `links`, `hashtags`, `mentions`: a pass over the regions.
    Regions,
    /// `sentences`, `exclamations`, `chars`, `lines`, `emoji`: a pass over the characters.
    Chars,
}

impl Group {
    /// The group a named metric belongs to.
    pub fn of(metric: Metric) -> Group {
        match metric {
            Metric::Words | Metric::Caps | Metric::Quoted | Metric::Count(_) => Group::Words,
            Metric::ClassWords(_) => Group::Classes,
            Metric::Links | Metric::Hashtags | Metric::Mentions | Metric::HashtagRun => {
                Group::Regions
            }
            Metric::Sentences
            | Metric::Exclamations
            | Metric::Chars
            | Metric::Lines
            | Metric::Emoji => Group::Chars,
        }
    }
}

impl Metrics {
    /// Measures every metric of `draft` without the `hidden` scopes.
    pub fn measure(draft: &Draft, hidden: ScopeSet, classes: &WordClasses) -> Metrics {
        let mut m = Metrics::default();
        for group in [Group::Words, Group::Classes, Group::Regions, Group::Chars] {
            m.measure_group(draft, hidden, group, classes);
        }
        m
    }

    /// Measures one group of metrics (the others keep their values).
    pub fn measure_group(
        &mut self,
        draft: &Draft,
        hidden: ScopeSet,
        group: Group,
        classes: &WordClasses,
    ) {
        let hidden = hidden.without(COUNTED);
        match group {
            Group::Words => self.words_pass(draft, hidden),
            Group::Classes => self.classes_pass(draft, hidden, classes),
            Group::Regions => self.regions_pass(draft, hidden),
            Group::Chars => self.chars_pass(draft, hidden),
        }
    }

    fn classes_pass(&mut self, draft: &Draft, hidden: ScopeSet, classes: &WordClasses) {
        let mut skipped = Sweep::new(merged(draft, hidden.union(NOT_WORDS)));
        self.classes = [0.0; 5];
        for w in &draft.words {
            if skipped.holds(w.start) {
                continue;
            }
            let class = classes.class_of(&draft.text[w.clone()]);
            if let Some(i) = WordClass::ALL.iter().position(|(c, _)| *c == class) {
                self.classes[i] += 1.0;
            }
        }
    }

    fn words_pass(&mut self, draft: &Draft, hidden: ScopeSet) {
        let text = &draft.text;
        let m = self;
        let (mut cased_words, mut capital_words) = (0usize, 0usize);
        // Words come in order, so one sweep over each set of ranges answers "is it inside".
        let mut quote = Sweep::new(merged(draft, ScopeSet::of(&[Scope::Quote])));
        let mut not_quote = Sweep::new(merged(
            draft,
            ScopeSet::of(&[Scope::Header, Scope::Comment]),
        ));
        let mut skipped = Sweep::new(merged(draft, hidden.union(NOT_WORDS)));
        for w in &draft.words {
            if quote.holds(w.start) && !not_quote.holds(w.start) {
                m.quoted += 1.0;
            }
            if skipped.holds(w.start) {
                continue;
            }
            m.words += 1.0;
            let word = &text[w.clone()];
            // Letters, capitals among them, and whether there is a digit.
            let (l, u, digit) = if word.is_ascii() {
                word.bytes().fold((0, 0, false), |(l, u, d), b| {
                    let letter = usize::from(b.is_ascii_alphabetic());
                    (
                        l + letter,
                        u + usize::from(b.is_ascii_uppercase()),
                        d || b.is_ascii_digit(),
                    )
                })
            } else {
                word.chars().fold((0, 0, false), |(l, u, d), c| {
                    let letter = c.is_alphabetic();
                    let upper = letter && c.is_uppercase();
                    (
                        l + usize::from(letter),
                        u + usize::from(upper),
                        d || c.is_ascii_digit(),
                    )
                })
            };
            // Codes such as `S9C040YR0070` are not shouting.
            if l >= 2 && !digit {
                cased_words += 1;
                capital_words += usize::from(u == l);
            }
        }
        m.caps = if cased_words == 0 {
            0.0
        } else {
            capital_words as f64 / cased_words as f64
        };
    }

    fn regions_pass(&mut self, draft: &Draft, hidden: ScopeSet) {
        let m = self;
        let mut run = 0.0;
        let mut last_hashtag_end: Option<usize> = None;
        for (r, s) in &draft.regions {
            if draft.in_any(r.start, hidden) {
                continue;
            }
            match s {
                Scope::Url => m.links += 1.0,
                Scope::Hashtag => {
                    m.hashtags += 1.0;
                    // In the same run when only spaces and punctuation stand between.
                    let joined = last_hashtag_end.is_some_and(|end| {
                        !draft.text[end.min(r.start)..r.start]
                            .chars()
                            .any(crate::text::fold::is_word_char)
                    });
                    run = if joined { run + 1.0 } else { 1.0 };
                    m.hashtag_run = f64::max(m.hashtag_run, run);
                    last_hashtag_end = Some(r.end);
                }
                Scope::Mention => m.mentions += 1.0,
                _ => {}
            }
        }
    }

    fn chars_pass(&mut self, draft: &Draft, hidden: ScopeSet) {
        let (text, m) = (&draft.text, self);
        for range in visible_ranges(draft, hidden) {
            let part = &text[range];
            let bytes = part.as_bytes();
            let (mut prev_word, mut in_terminator, mut zwj, mut line_has_text) =
                (false, false, false, false);
            let mut i = 0;
            while i < bytes.len() {
                // ASCII is most text: decode a character only where one starts above it.
                let (c, len) = if bytes[i] < 0x80 {
                    (bytes[i] as char, 1)
                } else {
                    let c = part[i..].chars().next().unwrap_or('\u{FFFD}');
                    (c, c.len_utf8())
                };
                i += len;
                let space = c.is_whitespace();
                if c == '\n' {
                    m.lines += f64::from(u8::from(line_has_text));
                    line_has_text = false;
                }
                if !space {
                    m.chars += 1.0;
                    line_has_text = true;
                }
                if c == '!' {
                    m.exclamations += 1.0;
                }
                if len > 1 && is_emoji(c) && !zwj && !(0x1F3FB..=0x1F3FF).contains(&(c as u32)) {
                    m.emoji += 1.0;
                }
                zwj = c == '\u{200D}';
                let terminator = matches!(c, '.' | '!' | '?' | '…');
                if terminator && prev_word && !in_terminator {
                    m.sentences += 1.0;
                }
                in_terminator = terminator && (prev_word || in_terminator);
                if !terminator {
                    prev_word = crate::text::fold::is_word_char(c) || (prev_word && !space);
                }
            }
            if prev_word {
                // Text after the last full stop is a sentence too.
                m.sentences += 1.0;
            }
            m.lines += f64::from(u8::from(line_has_text));
        }
    }

    /// The value of a named metric (`Count` is measured from hits, not here).
    pub fn get(&self, metric: Metric) -> f64 {
        match metric {
            Metric::Words => self.words,
            Metric::Sentences => self.sentences,
            Metric::Links => self.links,
            Metric::Hashtags => self.hashtags,
            Metric::Mentions => self.mentions,
            Metric::Emoji => self.emoji,
            Metric::Caps => self.caps,
            Metric::Exclamations => self.exclamations,
            Metric::Chars => self.chars,
            Metric::Lines => self.lines,
            Metric::Quoted => self.quoted,
            Metric::HashtagRun => self.hashtag_run,
            Metric::Count(_) => 0.0,
            Metric::ClassWords(class) => WordClass::ALL
                .iter()
                .position(|(c, _)| *c == class)
                .map_or(0.0, |i| self.classes[i]),
        }
    }
}

/// The regions of the given scopes, merged into sorted ranges that do not overlap.
fn merged(draft: &Draft, scopes: ScopeSet) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    // Regions are sorted by start.
    for (r, _) in draft.regions.iter().filter(|(_, s)| scopes.contains(*s)) {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r.clone()),
        }
    }
    out
}

/// Answers "is this offset inside one of the ranges" for offsets that never decrease.
struct Sweep {
    ranges: Vec<Range<usize>>,
    next: usize,
}

impl Sweep {
    fn new(ranges: Vec<Range<usize>>) -> Sweep {
        Sweep { ranges, next: 0 }
    }

    fn holds(&mut self, offset: usize) -> bool {
        while self.ranges.get(self.next).is_some_and(|r| r.end <= offset) {
            self.next += 1;
        }
        self.ranges
            .get(self.next)
            .is_some_and(|r| r.start <= offset)
    }
}

/// The byte ranges of `draft` outside every hidden region, in order.
pub fn visible_ranges(draft: &Draft, hidden: ScopeSet) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut at = 0;
    for r in merged(draft, hidden) {
        if r.start > at {
            out.push(at..r.start);
        }
        at = at.max(r.end);
    }
    if at < draft.text.len() {
        out.push(at..draft.text.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draft::Format;

    fn measure(text: &str) -> Metrics {
        let d = Draft::new(text.to_string(), Format::Markdown);
        let hidden = crate::draft::ScopeSet::of(&[
            Scope::Header,
            Scope::FrontMatter,
            Scope::Comment,
            Scope::Code,
            Scope::Url,
            Scope::Quote,
            Scope::Signature,
        ]);
        Metrics::measure(&d, hidden, &WordClasses::default())
    }

    #[test]
    fn counts_what_a_reader_sees() {
        let m = measure("GREAT NEWS!!! Our launch is live. See https://x.io #launch #win @team 🎉🎉 👍🏽\n\n```\ncode words here\n```\n");
        assert_eq!(m.words, 7.0);
        assert_eq!(m.sentences, 3.0);
        assert_eq!(m.exclamations, 3.0);
        assert_eq!(m.links, 1.0);
        assert_eq!(m.hashtags, 2.0);
        assert_eq!(m.mentions, 1.0);
        assert_eq!(m.emoji, 3.0);
        assert!((m.caps - 2.0 / 7.0).abs() < 1e-9, "{}", m.caps);
    }

    #[test]
    fn quoted_words_are_counted_apart() {
        let m = measure("> one two three\n\nmine\n");
        assert_eq!((m.words, m.quoted), (1.0, 3.0));
    }
}
