//! Suppressions written in a draft:
//!
//! ```text
//! <!-- tenet-disable-next-line confidentiality.codename: approved by legal, ticket 123 -->
//! <!-- tenet-disable add-value: quoting the press release on purpose -->
//! <!-- tenet-enable add-value -->
//! tenet-disable-next-line disclosure.promo: plain-text form, for email and text drafts
//! ```
//!
//! An id names a rule (`guideline.rule`) or a whole guideline; no id means every rule.
//! Suppressing an error-level finding needs a reason; a suppression that suppresses
//! nothing is reported.

use std::ops::Range;

use serde::Serialize;

use crate::finding::{Edit, Finding, Fix};
use crate::rules::{Level, RuleSet};

/// One suppression directive in a draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suppression {
    /// The directive's line.
    pub span: Range<usize>,
    /// The rule or guideline ids it names (empty: all).
    pub ids: Vec<String>,
    /// Why, as written after the colon.
    pub reason: Option<String>,
    /// The bytes it covers.
    pub covers: Range<usize>,
}

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

/// What every directive starts with.
pub const MARKER: &str = "tenet-";

#[derive(Debug, PartialEq)]
enum Directive {
    NextLine,
    Disable,
    Enable,
}

/// Finds every directive in `text`.
pub fn parse(text: &str) -> Vec<Suppression> {
    // Most drafts have none: one substring search instead of a pass over every line.
    if !text.contains(MARKER) {
        return Vec::new();
    }
    let mut out: Vec<Suppression> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let mut at = 0;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    for (i, line) in lines.iter().enumerate() {
        let line_span = at..at + line.trim_end().len();
        at += line.len();
        let Some((directive, args)) = directive(line) else {
            continue;
        };
        let (ids, reason) = match args.split_once(':') {
            Some((ids, reason)) => (
                ids,
                Some(reason.trim().to_string()).filter(|r| !r.is_empty()),
            ),
            None => (args, None),
        };
        let ids: Vec<String> = ids
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        match directive {
            Directive::NextLine => {
                let next = lines.get(i + 1).map_or(at..at, |l| at..at + l.len());
                out.push(Suppression {
                    span: line_span,
                    ids,
                    reason,
                    covers: next,
                });
            }
            Directive::Disable => {
                open.push(out.len());
                out.push(Suppression {
                    span: line_span.clone(),
                    ids,
                    reason,
                    covers: line_span.end..text.len(),
                });
            }
            Directive::Enable => {
                // Closes the open blocks it names (all of them when it names none).
                open.retain(|&b| {
                    let block = &mut out[b];
                    let closes = ids.is_empty() || block.ids.iter().any(|id| ids.contains(id));
                    if closes {
                        block.covers.end = line_span.start;
                    }
                    !closes
                });
            }
        }
    }
    out
}

fn directive(line: &str) -> Option<(Directive, &str)> {
    let t = line.trim();
    let t = match t.strip_prefix("<!--") {
        Some(rest) => rest.trim_end().strip_suffix("-->").unwrap_or(rest).trim(),
        None => t.trim_start_matches(['#', '/', ';', '-', '%']).trim_start(),
    };
    let (d, rest) = if let Some(r) = t.strip_prefix("tenet-disable-next-line") {
        (Directive::NextLine, r)
    } else if let Some(r) = t.strip_prefix("tenet-disable") {
        (Directive::Disable, r)
    } else if let Some(r) = t.strip_prefix("tenet-enable") {
        (Directive::Enable, r)
    } else {
        return None;
    };
    // `tenet-disabled` is not a directive.
    if rest
        .chars()
        .next()
        .is_some_and(|c| !c.is_whitespace() && c != ':')
    {
        return None;
    }
    Some((d, rest.trim()))
}

fn names(id: &str, finding: &Finding) -> bool {
    id == "all"
        || id == finding.rule
        || finding
            .rule
            .strip_prefix(id)
            .is_some_and(|rest| rest.starts_with('.'))
}

/// Removes suppressed findings; returns what was suppressed, and adds findings about
/// suppressions that lack a reason, name no rule, or suppress nothing.
pub fn apply(text: &str, findings: &mut Vec<Finding>, rules: &RuleSet) -> Vec<Suppressed> {
    let directives = parse(text);
    if directives.is_empty() {
        return Vec::new();
    }
    let mut used = vec![false; directives.len()];
    let mut needs_reason: Vec<(usize, String)> = Vec::new();
    let mut suppressed = Vec::new();
    findings.retain(|f| {
        for (i, s) in directives.iter().enumerate() {
            let covered = s.covers.contains(&f.span.start)
                || (s.covers.is_empty() && s.covers.start == f.span.start);
            if !covered || !(s.ids.is_empty() || s.ids.iter().any(|id| names(id, f))) {
                continue;
            }
            used[i] = true;
            if f.level == Level::Error && s.reason.is_none() {
                needs_reason.push((i, f.rule.clone()));
                continue;
            }
            suppressed.push(Suppressed {
                finding: f.clone(),
                reason: s.reason.clone(),
                directive: s.span.clone(),
            });
            return false;
        }
        true
    });
    let known = |id: &str| {
        id == "all"
            || rules.rules.iter().any(|r| r.id == id || r.category == id)
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
            findings.push(meta(
                "tenet.unknown-rule",
                s.span.clone(),
                format!(
                    "No rule or guideline is named `{}`; check the id (`tenet rules list`).",
                    unknown.join("`, `")
                ),
                text,
            ));
        } else if !used[i] {
            findings.push(meta(
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
        findings.push(meta(
            "tenet.suppression-needs-reason",
            s.span.clone(),
            format!("`{rule}` is an error-level rule: suppressing it needs a reason, as in `tenet-disable-next-line {rule}: why`."),
            text,
        ));
    }
    crate::finding::sort(findings);
    suppressed
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
        rule: rule.to_string(),
        category: "tenet".to_string(),
        level: Level::Warning,
        message,
        span,
        document: false,
        redacted: false,
        review: false,
        suggestions: Vec::new(),
        fix,
        evidence: Vec::new(),
        link: None,
    }
}
