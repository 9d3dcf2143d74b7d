//! `words(CLASS)`: words classed one by one, as far as a comparison needs.

use std::ops::Range;

use super::{visible_ranges, COUNTED, NOT_WORDS};
use crate::draft::{Draft, ScopeSet};
use crate::language::rules::{WordClass, WordClasses};

/// `words(CLASS)` counted only as far as a comparison needs. A count greater
/// than the value it is compared with answers the comparison as the whole
/// count would (the whole is no smaller), so most drafts need only their first
/// words classed to say that `words(content) <= 1` does not hold. Counting
/// goes on from where it stopped when a later comparison needs more.
#[derive(Debug, Clone, Default)]
pub struct ClassCount {
    /// Words of each class counted so far, in [`WordClass::ALL`] order.
    pub(super) counts: [f64; 5],
    /// The visible text not yet counted, the next range last (worked out when
    /// counting starts; empty once every word is counted).
    left: Option<Vec<Range<usize>>>,
}

impl ClassCount {
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
        let left = self.left.get_or_insert_with(|| {
            let mut ranges = visible_ranges(draft, hidden.without(COUNTED).union(NOT_WORDS));
            ranges.reverse();
            ranges
        });
        while self.counts[class] <= past {
            let Some(range) = left.pop() else { break };
            for w in draft.words.starting_in(range.clone()) {
                self.counts[class_index(classes.class_of(&draft.text[w.range()]))] += 1.0;
                if self.counts[class] > past {
                    // The next word starts after this one.
                    left.push(w.end()..range.end);
                    break;
                }
            }
        }
        self.counts[class]
    }
}

/// The index of `class` in [`WordClass::ALL`] (and in [`Metrics`]' classes).
pub fn class_index(class: WordClass) -> usize {
    WordClass::ALL
        .iter()
        .position(|(c, _)| *c == class)
        .expect("every class is listed")
}
