//! A rule's explanation, written once for every place that shows it:
//! `tenet rules explain` (text) and hover in the editor (Markdown).

use crate::language::ast::ExampleKind;
use crate::language::rules::{GuidelineInfo, Level, Rule};
use crate::text::line_index::LineIndex;

/// What a rule does besides reporting, as a sentence ("This rule redacts …").
pub fn traits(rule: &Rule) -> Option<String> {
    let traits: Vec<&str> = [
        (rule.redact, "redacts what it finds"),
        (rule.review, "holds drafts for review"),
        (rule.once, "reports once per draft"),
    ]
    .iter()
    .filter(|(on, _)| *on)
    .map(|(_, t)| *t)
    .collect();
    (!traits.is_empty()).then(|| format!("This rule {}.", traits.join(", ")))
}

/// The rule's `find`, `when`, `unless`, `except` and `escalate` clauses as
/// written, each on one line.
pub fn logic(rule: &Rule) -> Vec<String> {
    rule.logic
        .iter()
        .filter_map(|span| rule.origin.source.get(span.clone()))
        .map(|clause| {
            clause
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// The explanation as plain text, examples included.
pub fn text(rule: &Rule) -> String {
    let mut out = format!(
        "{} ({}, {})\n\n",
        rule.id,
        rule.category,
        rule.level.as_str()
    );
    if !rule.doc.is_empty() {
        out.push_str(&rule.doc);
        out.push_str("\n\n");
    }
    if let Some(link) = &rule.link {
        out.push_str(&format!("See: {link}\n"));
    }
    if let Some(t) = traits(rule) {
        out.push_str(&t);
        out.push('\n');
    }
    let logic = logic(rule);
    if !logic.is_empty() {
        out.push_str("\nHow it decides:\n");
        for clause in logic {
            out.push_str(&format!("  {clause}\n"));
        }
    }
    let index = LineIndex::new(&rule.origin.source);
    let mut examples = String::new();
    for e in &rule.examples {
        let kind = match e.kind {
            ExampleKind::Bad => "bad ",
            ExampleKind::Good => "good",
            ExampleKind::Fixed => "fix ",
        };
        let shown = match &e.expected {
            Some(after) => format!("{:?} -> {:?}", e.text, after),
            None => format!("{:?}", e.text),
        };
        let line = index.position(&rule.origin.source, e.span.start).line;
        examples.push_str(&format!("  {kind}  {shown}  (line {line})\n"));
    }
    if !examples.is_empty() {
        out.push_str(&format!(
            "\nExamples ({}):\n{examples}",
            rule.origin.path.display()
        ));
    }
    out
}

/// The heading of a rule's Markdown explanation: `**id** · level · guideline title`
/// (the level of a finding, which escalation may have raised, or the rule's own).
pub fn markdown_heading(rule: &Rule, level: Level, guideline: Option<&GuidelineInfo>) -> String {
    let mut out = format!("**{}** · {}", rule.id, level.as_str());
    if let Some(title) = guideline.and_then(|g| g.title.as_deref()) {
        out.push_str(&format!(" · {title}"));
    }
    out
}

/// The body of a rule's Markdown explanation: its documentation and what it does
/// besides reporting.
pub fn markdown_body(rule: &Rule) -> String {
    let mut parts: Vec<String> = Vec::new();
    if !rule.doc.is_empty() {
        parts.push(rule.doc.clone());
    }
    parts.extend(traits(rule));
    parts.join("\n\n")
}
