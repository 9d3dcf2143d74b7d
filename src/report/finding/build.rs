//! Building a finding from a [`Pending`] one: its message, suggestions, fix
//! and evidence, worded alike by every evaluator.

use std::borrow::Cow;
use std::sync::Arc;

use super::{Edit, Finding, Fix, Pending};
use crate::language::rules::{FixKind, Rule, RuleSet, Template};
use crate::report::names::local;
use crate::report::redact::Redactions;
use crate::text::blanks::spaced;

impl Pending {
    /// The finding, with its message and fixes (so that every evaluator words
    /// them alike) and redacted text in the match masked.
    pub fn build(&self, rules: &RuleSet, text: &str, redactions: &Redactions) -> Finding {
        let rule = &rules.rules[self.rule()];
        let mut finding = Finding {
            rule: local(&rule.id),
            category: local(&rule.category),
            level: self.level,
            message: String::new(),
            span: self.span(),
            document: self.document,
            redacted: rule.redact,
            review: rule.review,
            suggestions: Vec::new(),
            fix: None,
            evidence: Vec::new(),
            link: rule.link.as_ref().map(local),
        };
        fill(rule, self, text, redactions, &mut finding);
        finding
    }

    /// [`Pending::build`] into `finding`, reusing what it holds: a writer
    /// that builds findings one at a time allocates nothing for most of them.
    pub fn build_into(
        &self,
        rules: &RuleSet,
        text: &str,
        redactions: &Redactions,
        finding: &mut Finding,
    ) {
        let rule = &rules.rules[self.rule()];
        // The slot holds this thread's copy of a name, never the rule's own:
        // kept while it says the same.
        let name = |kept: &mut Arc<str>, name: &Arc<str>| {
            if kept != name {
                *kept = local(name);
            }
        };
        name(&mut finding.rule, &rule.id);
        name(&mut finding.category, &rule.category);
        match (&mut finding.link, &rule.link) {
            (Some(kept), Some(link)) => name(kept, link),
            (kept, link) => *kept = link.as_ref().map(local),
        }
        finding.level = self.level;
        finding.span = self.span();
        finding.document = self.document;
        finding.redacted = rule.redact;
        finding.review = rule.review;
        fill(rule, self, text, redactions, finding);
    }
}

/// The edit that adds `added` at the end of `text`: to a one-line draft, at the
/// end of its line (after a space, in place of any trailing spaces); to a longer
/// one, as a last line of its own. The draft's last line break, `\n` or `\r\n`,
/// stays last.
pub(super) fn append(text: &str, added: &str) -> Edit {
    let content = text.trim_end();
    let one_line = !content.contains('\n');
    let newline = if text.ends_with("\r\n") {
        "\r\n"
    } else if text.ends_with('\n') {
        "\n"
    } else {
        ""
    };
    let (span, text) = if one_line {
        let sep = if content.is_empty() { "" } else { " " };
        (content.len()..text.len(), format!("{sep}{added}{newline}"))
    } else if newline.is_empty() {
        // The same line break as the draft's lines have.
        let newline = if content.contains("\r\n") {
            "\r\n"
        } else {
            "\n"
        };
        (text.len()..text.len(), format!("{newline}{added}"))
    } else {
        (text.len()..text.len(), format!("{added}{newline}"))
    };
    Edit { span, text }
}

/// The parts of `finding` that `pending` words: its message, suggestions,
/// fix and evidence.
fn fill(
    rule: &Rule,
    pending: &Pending,
    text: &str,
    redactions: &Redactions,
    finding: &mut Finding,
) {
    let document = pending.document;
    let span = pending.span();
    let pattern = pending.pattern as usize;
    let matched = if document { "" } else { &text[span.clone()] };
    let render_all = |ts: &[Template]| -> Vec<String> {
        ts.iter()
            .map(|t| match_case(matched, &t.render(matched, None)))
            .collect()
    };
    let (suggestions, fix) = match rule.fix.as_ref() {
        None => (Vec::new(), None),
        Some(spec) => {
            let (suggestions, edits, title) = match &spec.kind {
                FixKind::Suggest(_) | FixKind::Replace(_) => {
                    let templates = match &spec.kind {
                        FixKind::Suggest(ts) => ts.as_slice(),
                        FixKind::Replace(table) => {
                            table.get(pattern).map_or(&[][..], Vec::as_slice)
                        }
                        _ => &[][..],
                    };
                    let s = render_all(templates);
                    let edit = s.first().map(|t| {
                        vec![Edit {
                            span: span.clone(),
                            text: t.clone(),
                        }]
                    });
                    let title = s.first().map(|t| format!("Replace with “{t}”"));
                    (s, edit, title)
                }
                FixKind::Append(t) => {
                    let added = t.render(matched, None);
                    let title = format!("Add “{added}”");
                    (Vec::new(), Some(vec![append(text, &added)]), Some(title))
                }
                FixKind::Delete => {
                    let mut del = span.clone();
                    let before_space = text[..del.start].ends_with(' ');
                    let after = text[del.end..].chars().next();
                    if before_space
                        && after.is_none_or(|c| c == ' ' || c == '\n' || c.is_ascii_punctuation())
                    {
                        del.start -= 1;
                    }
                    (
                        Vec::new(),
                        Some(vec![Edit {
                            span: del,
                            text: String::new(),
                        }]),
                        Some("Remove it".to_string()),
                    )
                }
            };
            let fix = edits.map(|edits| Fix {
                edits,
                safe: spec.is_safe(pattern),
                title: title.unwrap_or_default(),
            });
            (suggestions, fix)
        }
    };
    // Another rule's redacted match inside this one's is masked in the message
    // too. A message is one line: a match across lines is shown with each run
    // of whitespace as one space.
    let masked;
    let shown: Cow<str> = if rule.redact {
        "[redacted]".into()
    } else if document {
        "".into()
    } else {
        masked = redactions.mask(text, span.clone());
        spaced(&masked)
    };
    finding.message.clear();
    rule.message.render_into(
        &mut finding.message,
        &shown,
        suggestions.first().map(String::as_str),
    );
    finding.suggestions = suggestions;
    finding.fix = fix.map(Box::new);
    finding.evidence.clear();
    finding.evidence.extend_from_slice(&pending.evidence);
}

/// Gives a replacement the capitalisation of what it replaces (`Guys` → `Everyone`).
fn match_case(original: &str, replacement: &str) -> String {
    let letters: Vec<char> = original.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() > 1 && letters.iter().all(|c| c.is_uppercase()) {
        return replacement.to_uppercase();
    }
    let mut chars = replacement.chars();
    match (original.chars().next(), chars.next()) {
        (Some(o), Some(r)) if o.is_uppercase() && r.is_lowercase() => {
            r.to_uppercase().chain(chars).collect()
        }
        _ => replacement.to_string(),
    }
}
