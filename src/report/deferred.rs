//! A draft's findings before they are built. A large draft has a million: built
//! all at once, with their messages, they take more memory than its text. Kept
//! [`Pending`], they are built a batch at a time as they are written.

use std::sync::Arc;

use rayon::prelude::*;

use crate::language::rules::{Level, RuleSet};
use crate::report::finding::{Finding, Pending};
use crate::report::Redactions;

/// Batches at least this large are built on every core.
const PARALLEL_BATCH: usize = 1024;

/// A draft's findings, in the order every output shows them, not yet built:
/// built with the rules that found them.
#[derive(Debug, Clone)]
pub struct Unbuilt {
    /// The rules' findings, in position order.
    pending: Vec<Pending>,
    /// Findings about suppressions (built already: there are few), in order.
    meta: Vec<Finding>,
}

/// Unbuilt findings with the rules that build them, to be carried to where
/// they are written. A draft checked and answered on one thread builds its
/// [`Unbuilt`] findings with the rules it has at hand instead: every thread
/// taking a share of the rules for each draft made the share's count the one
/// memory that every core wrote.
#[derive(Debug, Clone)]
pub struct Deferred {
    rules: Arc<RuleSet>,
    findings: Unbuilt,
}

/// The next finding in order: a rule's, or one about a suppression.
enum Next<'a> {
    Rule(&'a Pending),
    Meta(&'a Finding),
}

impl Unbuilt {
    /// `pending` and `meta` each in the order [`crate::report::finding::sort`] gives.
    pub fn new(pending: Vec<Pending>, meta: Vec<Finding>) -> Unbuilt {
        Unbuilt { pending, meta }
    }

    /// How many findings there are.
    pub fn len(&self) -> usize {
        self.pending.len() + self.meta.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Each finding's level and whether its rule holds the draft for review.
    pub fn levels<'a>(&'a self, rules: &'a RuleSet) -> impl Iterator<Item = (Level, bool)> + 'a {
        let rules = &rules.rules;
        (self
            .pending
            .iter()
            .map(|p| (p.level, rules[p.rule()].review)))
        .chain(self.meta.iter().map(|f| (f.level, f.review)))
    }

    /// The findings in order, `size` at a time (a large batch is built on every
    /// core), for the draft `text` whose `redactions` are never shown.
    pub fn batches<'a>(
        &'a self,
        rules: &'a RuleSet,
        text: &'a str,
        redactions: &'a Redactions,
        size: usize,
    ) -> impl Iterator<Item = Vec<Finding>> + 'a {
        let size = size.max(1);
        let (mut p, mut m) = (0, 0);
        std::iter::from_fn(move || {
            let mut batch: Vec<Next> = Vec::with_capacity(size.min(self.len() - p - m));
            while batch.len() < size {
                let next = match (self.pending.get(p), self.meta.get(m)) {
                    (Some(a), Some(b)) if self.comes_first(rules, a, b) => Next::Rule(a),
                    (_, Some(b)) => Next::Meta(b),
                    (Some(a), None) => Next::Rule(a),
                    (None, None) => break,
                };
                match next {
                    Next::Rule(_) => p += 1,
                    Next::Meta(_) => m += 1,
                }
                batch.push(next);
            }
            if batch.is_empty() {
                return None;
            }
            let build = |next: &Next| match next {
                Next::Rule(p) => p.build(rules, text, redactions),
                Next::Meta(f) => (*f).clone(),
            };
            Some(if batch.len() >= PARALLEL_BATCH {
                batch.par_iter().map(build).collect()
            } else {
                batch.iter().map(build).collect()
            })
        })
    }

    /// Every finding, in order.
    pub fn build(&self, rules: &RuleSet, text: &str, redactions: &Redactions) -> Vec<Finding> {
        if self.meta.is_empty() {
            // Most drafts: nothing to interleave.
            let build = |p: &Pending| p.build(rules, text, redactions);
            return if self.pending.len() >= PARALLEL_BATCH {
                self.pending.par_iter().map(build).collect()
            } else {
                self.pending.iter().map(build).collect()
            };
        }
        let mut all = Vec::with_capacity(self.len());
        for batch in self.batches(rules, text, redactions, 1 << 16) {
            all.extend(batch);
        }
        all
    }

    /// Whether a rule's finding comes before a suppression's: by position, then
    /// rule id, the rule's first when both are equal (as a stable sort leaves them).
    fn comes_first(&self, rules: &RuleSet, a: &Pending, b: &Finding) -> bool {
        let (sa, sb) = (a.span(), &b.span);
        (sa.start, sa.end, &*rules.rules[a.rule()].id) <= (sb.start, sb.end, &*b.rule)
    }
}

impl Deferred {
    /// `pending` and `meta` each in the order [`crate::report::finding::sort`] gives.
    pub fn new(rules: Arc<RuleSet>, pending: Vec<Pending>, meta: Vec<Finding>) -> Deferred {
        Deferred::of(rules, Unbuilt::new(pending, meta))
    }

    /// `findings`, built with `rules`.
    pub fn of(rules: Arc<RuleSet>, findings: Unbuilt) -> Deferred {
        Deferred { rules, findings }
    }

    /// How many findings there are.
    pub fn len(&self) -> usize {
        self.findings.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.findings.is_empty()
    }

    /// Each finding's level and whether its rule holds the draft for review.
    pub fn levels(&self) -> impl Iterator<Item = (Level, bool)> + '_ {
        self.findings.levels(&self.rules)
    }

    /// The findings in order, `size` at a time (see [`Unbuilt::batches`]).
    pub fn batches<'a>(
        &'a self,
        text: &'a str,
        redactions: &'a Redactions,
        size: usize,
    ) -> impl Iterator<Item = Vec<Finding>> + 'a {
        self.findings.batches(&self.rules, text, redactions, size)
    }

    /// Every finding, in order.
    pub fn build(&self, text: &str, redactions: &Redactions) -> Vec<Finding> {
        self.findings.build(&self.rules, text, redactions)
    }
}
