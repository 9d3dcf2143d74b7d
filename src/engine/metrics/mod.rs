//! Document metrics (`words`, `caps`, `links`…) over the part of a draft a rule sees.

use std::ops::Range;

use crate::draft::{is_emoji, Draft, Scope, ScopeSet};
use crate::language::rules::{Metric, WordClasses};

mod caps;
mod classes;
pub use caps::CapsCount;
pub use classes::{class_index, ClassCount};

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
    /// Words of each class, in [`WordClass::ALL`](crate::language::rules::WordClass::ALL) order.
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
    /// `words`, `quoted`: counted from the word index.
    Words,
    /// `caps`: each word's letters looked at, a pass of its own because most
    /// conditions only ask how many words there are.
    Caps,
    /// `words(CLASS)`: the words classed, a pass of its own because looking each
    /// word up costs more than counting it, and conditions rarely get that far.
    /// (A check counts them only as far as a comparison needs: [`ClassCount`].)
    Classes,
    /// `links`, `hashtags`, `mentions`: a pass over the regions.
    Regions,
    /// `sentences`, `exclamations`, `chars`, `lines`, `emoji`: a pass over the characters.
    Chars,
}

impl Group {
    /// Every group, in declaration order (`group as usize` is its index).
    pub const ALL: [Group; 5] = [
        Group::Words,
        Group::Caps,
        Group::Classes,
        Group::Regions,
        Group::Chars,
    ];

    /// The group a named metric belongs to.
    pub fn of(metric: Metric) -> Group {
        match metric {
            Metric::Words | Metric::Quoted | Metric::Count(_) => Group::Words,
            Metric::Caps => Group::Caps,
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
        for group in Group::ALL {
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
            Group::Caps => self.caps_pass(draft, hidden),
            Group::Classes => self.classes_pass(draft, hidden, classes),
            Group::Regions => self.regions_pass(draft, hidden),
            Group::Chars => self.chars_pass(draft, hidden),
        }
    }

    fn classes_pass(&mut self, draft: &Draft, hidden: ScopeSet, classes: &WordClasses) {
        let mut count = ClassCount::default();
        count.past(draft, hidden, classes, 0, f64::INFINITY);
        self.classes = count.counts;
    }

    fn words_pass(&mut self, draft: &Draft, hidden: ScopeSet) {
        // Only the visible words count: how many a range holds comes from the
        // draft's word index, without looking at them.
        let quoted = difference(
            &merged(draft, ScopeSet::of(&[Scope::Quote])),
            &merged(draft, ScopeSet::of(&[Scope::Header, Scope::Comment])),
        );
        self.quoted = quoted
            .iter()
            .map(|r| draft.words.count_in(r.clone()))
            .sum::<usize>() as f64;
        self.words = visible_ranges(draft, hidden.union(NOT_WORDS))
            .into_iter()
            .map(|range| draft.words.count_in(range))
            .sum::<usize>() as f64;
    }

    fn caps_pass(&mut self, draft: &Draft, hidden: ScopeSet) {
        self.caps = CapsCount::default().value(draft, hidden);
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
            Metric::ClassWords(class) => self.classes[class_index(class)],
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

/// The parts of sorted, disjoint `ranges` outside sorted, disjoint `cut`.
fn difference(ranges: &[Range<usize>], cut: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut c = 0;
    for r in ranges {
        let mut at = r.start;
        while c < cut.len() && cut[c].end <= at {
            c += 1;
        }
        let mut k = c;
        while k < cut.len() && cut[k].start < r.end {
            if cut[k].start > at {
                out.push(at..cut[k].start);
            }
            at = at.max(cut[k].end);
            k += 1;
        }
        if at < r.end {
            out.push(at..r.end);
        }
    }
    out
}

/// The byte ranges of `draft` outside every hidden region, in order: the gaps
/// the hidden regions (sorted by start) leave, read in one pass.
pub fn visible_ranges(draft: &Draft, hidden: ScopeSet) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut at = 0;
    for (r, _) in draft.regions.iter().filter(|(_, s)| hidden.contains(*s)) {
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
    use super::caps::casing;
    use super::*;
    use crate::draft::Format;
    use crate::language::rules::WordClass;

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

    /// `words`, `quoted`, `caps` and the word classes as their definitions say,
    /// word by word: what the passes, which look up ranges of words, must equal.
    pub(super) fn word_by_word(draft: &Draft, hidden: ScopeSet, classes: &WordClasses) -> Metrics {
        let hidden = hidden.without(COUNTED);
        let mut m = Metrics::default();
        let (mut cased, mut capital) = (0, 0);
        for w in draft.words.iter() {
            let in_quote = draft.in_any(w.start(), ScopeSet::of(&[Scope::Quote]))
                && !draft.in_any(w.start(), ScopeSet::of(&[Scope::Header, Scope::Comment]));
            m.quoted += f64::from(u8::from(in_quote));
            if draft.in_any(w.start(), hidden.union(NOT_WORDS)) {
                continue;
            }
            m.words += 1.0;
            let (c, u) = casing(&draft.text[w.range()]);
            cased += usize::from(c);
            capital += usize::from(u);
            let class = classes.class_of(&draft.text[w.range()]);
            if let Some(i) = WordClass::ALL.iter().position(|(c, _)| *c == class) {
                m.classes[i] += 1.0;
            }
        }
        m.caps = if cased == 0 {
            0.0
        } else {
            capital as f64 / cased as f64
        };
        m
    }

    #[test]
    fn word_passes_agree_with_counting_word_by_word() {
        let parts = [
            "> quoted LINE here\n",
            "Plain words, SOME CAPS and CODE9X.\n",
            "See https://example.com/a?b=c #Launch @team ",
            "```\ncode WORDS\n```\n",
            "<!-- a COMMENT -->\n",
            "thanks! ok +1 \u{e9}T\u{c9} \u{c9}COLE ",
            "\n-- \nJane Doe\nACME Corp\n",
            "# A HEADING\n",
            "\n\n",
        ];
        let classes = WordClasses::default();
        let hiddens = [
            ScopeSet::of(&[]),
            ScopeSet::of(&[Scope::Quote, Scope::Code]),
            ScopeSet::of(&[Scope::Signature, Scope::Comment, Scope::Header]),
        ];
        // A fixed sequence of pseudo-random drafts built from the parts.
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..300 {
            let mut text = String::new();
            for _ in 0..12 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push_str(parts[(seed % parts.len() as u64) as usize]);
            }
            for format in [Format::Markdown, Format::Text, Format::Email] {
                let draft = Draft::new(text.clone(), format);
                for hidden in hiddens {
                    let mut m = Metrics::default();
                    for group in [Group::Words, Group::Caps, Group::Classes] {
                        m.measure_group(&draft, hidden, group, &classes);
                    }
                    let want = word_by_word(&draft, hidden, &classes);
                    assert_eq!(
                        (m.words, m.quoted, m.caps, m.classes),
                        (want.words, want.quoted, want.caps, want.classes),
                        "{format:?} {hidden:?}\n{text}"
                    );
                    // Counted as far as comparisons need, class after class,
                    // going on from where the last stopped: the whole count when
                    // it is no more than asked, else more than asked.
                    let mut count = ClassCount::default();
                    for (class, past) in [(0, 1.0), (3, 0.0), (0, 4.0), (1, 2.0), (0, 0.5)] {
                        let (got, all) = (
                            count.past(&draft, hidden, &classes, class, past),
                            want.classes[class],
                        );
                        assert!(
                            got == all || all > past && got > past && got <= all,
                            "{got} {all} {past}"
                        );
                    }
                    for class in 0..5 {
                        let got = count.past(&draft, hidden, &classes, class, f64::INFINITY);
                        assert_eq!(got, want.classes[class], "{format:?} {hidden:?}\n{text}");
                    }
                }
            }
        }
    }

    #[test]
    fn quoted_words_are_counted_apart() {
        let m = measure("> one two three\n\nmine\n");
        assert_eq!((m.words, m.quoted), (1.0, 3.0));
    }
}
