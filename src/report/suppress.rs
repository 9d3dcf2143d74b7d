//! Suppressions applied to findings. The directives are parsed with the draft
//! ([`crate::draft::directive`]).
//!
//! An id names a rule (`guideline.rule`) or a whole guideline; no id means every rule.
//! Suppressing an error-level finding needs a reason; a suppression that suppresses
//! nothing is reported.

use std::ops::Range;

use serde::Serialize;

use crate::draft::Draft;
use crate::language::rules::{Level, RuleSet};
use crate::report::finding::{Edit, Finding, Fix, Pending};
use crate::report::redact::Redactions;

/// A finding a suppression removed, kept for audit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suppressed {
    /// The finding.
    pub finding: Finding,
    /// The reason given.
    pub reason: Option<String>,
    /// The line of the directive that suppressed it.
    pub directive: Range<usize>,
}

fn names(id: &str, rule: &str) -> bool {
    id == "all"
        || id == rule
        || rule
            .strip_prefix(id)
            .is_some_and(|rest| rest.starts_with('.'))
}

/// Removes suppressed findings (in position order); returns what was suppressed,
/// and the findings about suppressions that lack a reason, name no rule, or
/// suppress nothing, in the order [`crate::report::finding::sort`] gives them.
///
/// Reasons and ids are written in the draft: redacted text in them is scrubbed.
pub fn apply(
    draft: &Draft,
    findings: &mut Vec<Pending>,
    rules: &RuleSet,
    redactions: &Redactions,
) -> (Vec<Suppressed>, Vec<Finding>) {
    let directives = &draft.directives;
    let text = draft.text.as_str();
    let scrubber = redactions.scrubber(text);
    let mut meta_findings = Vec::new();
    for (span, keyword) in &draft.strays {
        let closest = crate::draft::directive::KEYWORDS
            .iter()
            .min_by_key(|k| strsim::levenshtein(k, keyword))
            .copied()
            .unwrap_or("tenet-disable-next-line");
        meta_findings.push(meta(
            "tenet.unknown-directive",
            span.clone(),
            format!(
                "`{}` is not a Tenet directive, so it suppresses nothing; did you mean `{closest}`?",
                scrubber.scrub(keyword)
            ),
            text,
        ));
    }
    if directives.is_empty() {
        crate::report::finding::sort(&mut meta_findings);
        return (Vec::new(), meta_findings);
    }
    let mut used = vec![false; directives.len()];
    let mut needs_reason: Vec<(usize, String)> = Vec::new();
    let mut suppressed = Vec::new();
    findings.retain(|f| {
        let start = f.span().start;
        let rule = &*rules.rules[f.rule()].id;
        for (i, s) in directives.iter().enumerate() {
            let covered =
                s.covers.contains(&start) || (s.covers.is_empty() && s.covers.start == start);
            if !covered || !(s.ids.is_empty() || s.ids.iter().any(|id| names(id, rule))) {
                continue;
            }
            used[i] = true;
            if f.level == Level::Error && s.reason.is_none() {
                needs_reason.push((i, rule.to_string()));
                continue;
            }
            suppressed.push(Suppressed {
                finding: f.build(rules, text, redactions),
                reason: s.reason.as_deref().map(|r| scrubber.scrub(r).into_owned()),
                directive: s.span.clone(),
            });
            return false;
        }
        true
    });
    let known = |id: &str| {
        id == "all"
            || rules
                .rules
                .iter()
                .any(|r| *r.id == *id || *r.category == *id)
            || rules.guidelines.iter().any(|g| g.id == id)
    };
    for (i, s) in directives.iter().enumerate() {
        let unknown: Vec<&str> = s
            .ids
            .iter()
            .map(String::as_str)
            .filter(|id| !known(id))
            .collect();
        if !unknown.is_empty() {
            meta_findings.push(meta(
                "tenet.unknown-rule",
                s.span.clone(),
                format!(
                    "No rule or guideline is named `{}`; check the id (`tenet rules list`).",
                    scrubber.scrub(&unknown.join("`, `"))
                ),
                text,
            ));
        } else if !used[i] {
            meta_findings.push(meta(
                "tenet.unused-suppression",
                s.span.clone(),
                "This suppression suppresses nothing; remove it.".to_string(),
                text,
            ));
        }
    }
    needs_reason.dedup();
    for (i, rule) in needs_reason {
        let s = &directives[i];
        meta_findings.push(meta(
            "tenet.suppression-needs-reason",
            s.span.clone(),
            format!("`{rule}` is an error-level rule: suppressing it needs a reason, as in `tenet-disable-next-line {rule}: why`."),
            text,
        ));
    }
    crate::report::finding::sort(&mut meta_findings);
    (suppressed, meta_findings)
}

fn meta(rule: &str, span: Range<usize>, message: String, text: &str) -> Finding {
    let fix = (rule != "tenet.suppression-needs-reason").then(|| {
        let end = text[span.end..]
            .find('\n')
            .map_or(text.len(), |i| span.end + i + 1);
        Fix {
            edits: vec![Edit {
                span: span.start..end,
                text: String::new(),
            }],
            safe: false,
            title: "Remove the suppression".into(),
        }
    });
    Finding {
        rule: rule.into(),
        category: "tenet".into(),
        level: Level::Warning,
        message,
        span,
        document: false,
        redacted: false,
        review: false,
        suggestions: Vec::new(),
        fix: fix.map(Box::new),
        evidence: Vec::new(),
        link: None,
    }
}
