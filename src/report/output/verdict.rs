//! The verdict record pipelines read: one JSON object per moderated draft.
//!
//! ```json
//! {"id": "post-17", "verdict": "block", "reasons": [{"rule": "…", "category": "…",
//!  "level": "error", "message": "…", "review": false,
//!  "span": {"start": 3, "end": 9, "utf16": {"start": 3, "end": 9}, "chars": {"start": 3, "end": 9}}}],
//!  "triage": {"category": "support", "priority": 2, "scores": {"support": 3},
//!   "evidence": [{"decides": "support", "weight": 2, "found": [{"start": 0, "end": 9, "text": "help me"}]}]}}
//! ```
//!
//! `truncated` (reasons a per-rule cap left out) and `warnings` (about the
//! request: a channel no rule names) appear only when there are any.

use serde::Serialize;
use serde_json::Value;

use crate::report::finding::Finding;
use crate::report::{Report, Verdict};
use crate::text::units::{Span, Units};

/// A verdict on one draft, with the reasons for it.
#[derive(Serialize)]
pub struct VerdictRecord<'a> {
    /// The draft's id as the caller gave it.
    pub id: &'a Value,
    /// What should happen to the draft.
    pub verdict: Verdict,
    /// Every finding, as a reason.
    pub reasons: Reasons<'a>,
    /// The conversation's triage, with the evidence that decided it.
    pub triage: Option<super::TriageJson<'a>>,
    /// Reasons a per-rule cap left out (the verdict counts them).
    #[serde(skip_serializing_if = "is_zero")]
    pub truncated: usize,
    /// What the caller should know about the request itself (a channel no
    /// rule names), when anything.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub warnings: &'a [String],
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Findings as reasons (never the matched text), with their spans in the
/// draft `text` counted in bytes, UTF-16 units and characters.
pub struct Reasons<'a> {
    findings: &'a [Finding],
    text: &'a str,
}

#[derive(Serialize)]
struct Reason<'a> {
    rule: &'a str,
    category: &'a str,
    level: crate::language::rules::Level,
    message: &'a str,
    span: Span,
    review: bool,
}

impl Serialize for Reasons<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut units = Units::new(self.text);
        s.collect_seq(self.findings.iter().map(|f| Reason {
            rule: &f.rule,
            category: &f.category,
            level: f.level,
            message: &f.message,
            span: units.span(f.span.clone()),
            review: f.review,
        }))
    }
}

impl<'a> VerdictRecord<'a> {
    /// The record for a report on the draft `id`.
    pub fn new(id: &'a Value, text: &'a str, report: &'a Report) -> VerdictRecord<'a> {
        VerdictRecord {
            id,
            verdict: report.verdict,
            reasons: Reasons {
                findings: &report.findings,
                text,
            },
            triage: report
                .triage
                .as_ref()
                .map(|t| super::TriageJson::new(t, text, &report.redactions)),
            truncated: report.truncated,
            warnings: &[],
        }
    }

    /// The record with `warnings` about the request.
    pub fn warned(self, warnings: &'a [String]) -> VerdictRecord<'a> {
        VerdictRecord { warnings, ..self }
    }
}

/// The record for a line or message that could not be moderated.
#[derive(Serialize)]
pub struct ErrorRecord<'a> {
    /// The draft's id, when it could be read.
    pub id: &'a Value,
    /// The input's line number, when it came from a stream of lines.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// What was wrong.
    pub error: &'a str,
}
