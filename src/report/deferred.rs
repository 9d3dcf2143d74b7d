//! A draft's findings before they are built. A large draft has a million: built
//! all at once, with their messages, they take more memory than its text. Kept
//! [`Pending`], they are built a batch at a time as they are written, or (by
//! JSON and SARIF, through a [`Batch`]) one at a time into a finding reused.

use std::sync::Arc;

use rayon::prelude::*;

use crate::language::rules::{Level, Rule, RuleSet};
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

/// The next finding in order: a rule's, still to build, or one built already
/// (about a suppression, or of a report built whole).
#[derive(Clone, Copy)]
enum Next<'a> {
    Rule(&'a Pending),
    Meta(&'a Finding),
}

/// Findings in order as a writer takes them: built already, or built one at a
/// time into the writer's own [`Finding`] as each is written (see
/// [`Batch::with`]), so that writing a million allocates next to nothing.
pub struct Batch<'a> {
    items: Vec<Next<'a>>,
    /// What builds the unbuilt ones, when there are any.
    builder: Option<Builder<'a>>,
}

/// The rules that build findings, and the draft they are of.
#[derive(Clone, Copy)]
struct Builder<'a> {
    rules: &'a RuleSet,
    text: &'a str,
    redactions: &'a Redactions,
}

impl Builder<'_> {
    fn rule(&self, p: &Pending) -> &Rule {
        &self.rules.rules[p.rule()]
    }
}

impl<'a> Batch<'a> {
    /// Findings built already.
    pub fn built(findings: &'a [Finding]) -> Batch<'a> {
        Batch {
            items: findings.iter().map(Next::Meta).collect(),
            builder: None,
        }
    }

    fn builder(&self) -> &Builder<'a> {
        self.builder
            .as_ref()
            .expect("a batch with unbuilt findings has their rules")
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The id of the rule of finding `i`.
    pub fn rule(&self, i: usize) -> &'a Arc<str> {
        match self.items[i] {
            Next::Rule(p) => &self.builder().rules.rules[p.rule()].id,
            Next::Meta(f) => &f.rule,
        }
    }

    /// The span of finding `i` whose text it may show: none for a redacted
    /// finding, or one about the whole document.
    pub fn shown_span(&self, i: usize) -> Option<std::ops::Range<usize>> {
        match self.items[i] {
            Next::Rule(p) => {
                let redacted = self.builder().rule(p).redact;
                (!redacted && !p.document()).then(|| p.span())
            }
            Next::Meta(f) => f.shown_span(),
        }
    }

    /// `write` of finding `i`, built into `slot` when it is still to build
    /// (what `slot` held is reused, then replaced).
    pub fn with<R>(
        &self,
        i: usize,
        slot: &mut Option<Finding>,
        write: impl FnOnce(&Finding) -> R,
    ) -> R {
        match self.items[i] {
            Next::Meta(f) => write(f),
            Next::Rule(p) => {
                let Builder {
                    rules,
                    text,
                    redactions,
                } = *self.builder();
                match slot {
                    Some(f) => p.build_into(rules, text, redactions, f),
                    None => *slot = Some(p.build(rules, text, redactions)),
                }
                write(slot.as_ref().expect("built"))
            }
        }
    }
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
        self.in_order(rules, size).map(move |batch| {
            let build = |next: &Next| match next {
                Next::Rule(p) => p.build(rules, text, redactions),
                Next::Meta(f) => (*f).clone(),
            };
            if batch.len() >= PARALLEL_BATCH {
                batch.par_iter().map(build).collect()
            } else {
                batch.iter().map(build).collect()
            }
        })
    }

    /// The findings in order, `size` at a time, each built only as it is
    /// written (see [`Batch`]).
    pub fn unbuilt_batches<'a>(
        &'a self,
        rules: &'a RuleSet,
        text: &'a str,
        redactions: &'a Redactions,
        size: usize,
    ) -> impl Iterator<Item = Batch<'a>> + 'a {
        let builder = Builder {
            rules,
            text,
            redactions,
        };
        self.in_order(rules, size).map(move |items| Batch {
            items,
            builder: Some(builder),
        })
    }

    /// The findings in order, rules' and suppressions' merged, `size` at a time.
    fn in_order<'a>(
        &'a self,
        rules: &'a RuleSet,
        size: usize,
    ) -> impl Iterator<Item = Vec<Next<'a>>> + 'a {
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
            (!batch.is_empty()).then_some(batch)
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

    /// The findings in order, `size` at a time, each built only as it is
    /// written (see [`Unbuilt::unbuilt_batches`]).
    pub fn unbuilt_batches<'a>(
        &'a self,
        text: &'a str,
        redactions: &'a Redactions,
        size: usize,
    ) -> impl Iterator<Item = Batch<'a>> + 'a {
        self.findings
            .unbuilt_batches(&self.rules, text, redactions, size)
    }

    /// Every finding, in order.
    pub fn build(&self, text: &str, redactions: &Redactions) -> Vec<Finding> {
        self.findings.build(&self.rules, text, redactions)
    }
}
