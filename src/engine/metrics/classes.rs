//! `words(CLASS)`: words classed one by one, as far as a comparison needs.

use super::{visible_ranges, COUNTED, NOT_WORDS};
use crate::draft::{Draft, ScopeSet};
use crate::language::rules::{WordClass, WordClasses};

/// `words(CLASS)` counted only as far as a comparison needs. A count greater
/// than the value it is compared with answers the comparison as the whole
/// count would (the whole is no smaller), so most drafts need only their first
/// words classed to say that `words(content) <= 1` does not hold. Counting
/// goes on from where it stopped when a later comparison needs more.
#[derive(Debug, Clone)]
pub struct ClassCount {
    /// Words of each class counted so far, in [`WordClass::ALL`] order.
    pub(super) counts: [f64; 5],
    /// Where counting goes on from; `None` once every word is counted.
    next: Option<usize>,
}

impl Default for ClassCount {
    fn default() -> Self {
        ClassCount::new()
    }
}

impl ClassCount {
    pub fn new() -> ClassCount {
        ClassCount {
            counts: [0.0; 5],
            next: Some(0),
        }
    }

    /// The words of class `class` (an index into [`WordClass::ALL`]) of
    /// `draft` without the `hidden` scopes: all of them, or a number of them
    /// greater than `past`.
    pub fn past(
        &mut self,
        draft: &Draft,
        hidden: ScopeSet,
        classes: &WordClasses,
        class: usize,
        past: f64,
    ) -> f64 {
        if let Some(from) = self.next.filter(|_| self.counts[class] <= past) {
            self.next = self.count_from(draft, hidden, classes, from, class, past);
        }
        self.counts[class]
    }

    /// Counts the words from byte `from` on until there are more than `past` of
    /// class `class`; returns where the next word may start, or `None` at the end.
    fn count_from(
        &mut self,
        draft: &Draft,
        hidden: ScopeSet,
        classes: &WordClasses,
        from: usize,
        class: usize,
        past: f64,
    ) -> Option<usize> {
        let hidden = hidden.without(COUNTED).union(NOT_WORDS);
        for range in visible_ranges(draft, hidden) {
            if range.end <= from {
                continue;
            }
            for w in draft.words.starting_in(range.start.max(from)..range.end) {
                self.counts[class_index(classes.class_of(&draft.text[w.range()]))] += 1.0;
                if self.counts[class] > past {
                    return Some(w.end());
                }
            }
        }
        None
    }
}

/// The index of `class` in [`WordClass::ALL`] (and in [`Metrics`]' classes).
pub fn class_index(class: WordClass) -> usize {
    WordClass::ALL
        .iter()
        .position(|(c, _)| *c == class)
        .expect("every class is listed")
}
