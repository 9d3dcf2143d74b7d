//! The verdict on a draft and its triage.

use std::ops::Range;

use serde::Serialize;

use crate::language::rules::{Cond, Level, Triage};
use crate::report::finding::Finding;

/// What should happen to a draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Nothing to say.
    Allow,
    /// Publish, but the author should look at the warnings.
    Warn,
    /// A person must look before it is published.
    Review,
    /// Do not publish as it is.
    Block,
}

impl Verdict {
    /// The verdict for these findings and triage priority.
    pub fn of(findings: &[Finding], priority: Option<u8>) -> Verdict {
        Verdict::of_levels(findings.iter().map(|f| (f.level, f.review)), priority)
    }

    /// The verdict for findings of these levels (each with whether its rule
    /// holds the draft for review) and triage priority.
    pub fn of_levels(
        findings: impl Iterator<Item = (Level, bool)>,
        priority: Option<u8>,
    ) -> Verdict {
        let (mut error, mut review, mut warning) = (false, priority == Some(1), false);
        for (level, holds) in findings {
            error |= level == Level::Error;
            review |= holds;
            warning |= level == Level::Warning;
        }
        if error {
            Verdict::Block
        } else if review {
            Verdict::Review
        } else if warning {
            Verdict::Warn
        } else {
            Verdict::Allow
        }
    }

    /// The verdict's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Allow => "allow",
            Verdict::Warn => "warn",
            Verdict::Review => "review",
            Verdict::Block => "block",
        }
    }
}

/// The triage of a conversation.
#[derive(Debug, Clone, PartialEq)]
pub struct TriageResult {
    /// Its class (support, criticism, idea…), if any step matched.
    pub category: Option<String>,
    /// 1 (urgent) to 3, if any step matched.
    pub priority: Option<u8>,
    /// The weight each category gathered, in declaration order (those above 0).
    pub scores: Vec<(String, f64)>,
    /// What decided: the lines of the winning category that held, then the
    /// priority line, each with the text it found.
    pub evidence: Vec<TriageEvidence>,
}

/// One triage line that held and counted towards the result.
#[derive(Debug, Clone, PartialEq)]
pub struct TriageEvidence {
    /// The category it weighs for, or `priority N`.
    pub decides: String,
    /// Its weight (1 for a priority line).
    pub weight: f64,
    /// The text it found (`has`, `near` and `count` evidence), at most a few spans.
    pub spans: Vec<Range<usize>>,
}

/// Weighs a triage block: every category line that holds adds its weight to its
/// category, and the heaviest category wins (the first declared on a tie; an
/// `otherwise` line when none gathered any); then the first priority line that
/// holds. `holds` evaluates a condition (with the category decided so far, for
/// `category NAME` in priority lines) and adds the spans it found.
pub fn weigh(
    triage: &Triage,
    mut holds: impl FnMut(&Cond, Option<&str>, &mut Vec<Range<usize>>) -> bool,
) -> TriageResult {
    let mut scores: Vec<(String, f64)> = Vec::new();
    let mut held: Vec<TriageEvidence> = Vec::new();
    let mut fallback = None;
    // What a condition that does not hold gathered is dropped, and the list
    // used again: most categories do not hold.
    let mut spans = Vec::new();
    for (name, weight, cond) in &triage.categories {
        let Some(cond) = cond else {
            fallback.get_or_insert_with(|| name.clone());
            continue;
        };
        spans.clear();
        if !holds(cond, None, &mut spans) {
            continue;
        }
        let mut spans = std::mem::take(&mut spans);
        match scores.iter_mut().find(|(n, _)| n == name) {
            Some((_, total)) => *total += weight,
            None => scores.push((name.clone(), *weight)),
        }
        spans.sort_by_key(|r| (r.start, r.end));
        spans.dedup();
        spans.truncate(MAX_SPANS);
        held.push(TriageEvidence {
            decides: name.clone(),
            weight: *weight,
            spans,
        });
    }
    // Declaration order breaks ties: the first category to reach the top score.
    let best = scores
        .iter()
        .filter(|(_, s)| *s > 0.0)
        .fold(None::<&(String, f64)>, |best, c| match best {
            Some(b) if b.1 >= c.1 => Some(b),
            _ => Some(c),
        });
    let category = best.map(|(n, _)| n.clone()).or(fallback);
    let mut evidence: Vec<TriageEvidence> = held
        .into_iter()
        .filter(|e| Some(&e.decides) == category.as_ref())
        .collect();
    let mut priority = None;
    for (p, cond) in &triage.priorities {
        spans.clear();
        let holds = match cond {
            None => true,
            Some(c) => holds(c, category.as_deref(), &mut spans),
        };
        if holds {
            priority = Some(*p);
            if cond.is_some() {
                let mut spans = std::mem::take(&mut spans);
                spans.sort_by_key(|r| (r.start, r.end));
                spans.dedup();
                spans.truncate(MAX_SPANS);
                evidence.push(TriageEvidence {
                    decides: format!("priority {p}"),
                    weight: 1.0,
                    spans,
                });
            }
            break;
        }
    }
    TriageResult {
        category,
        priority,
        scores,
        evidence,
    }
}

/// Spans of evidence kept per triage line.
const MAX_SPANS: usize = 3;
