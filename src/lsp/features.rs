//! Code actions, hover, and diagnostics for rule files and `tenet.toml`.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, Diagnostic, Hover,
    HoverContents, MarkupContent, MarkupKind, NumberOrString, Position, TextEdit, Uri,
    WorkspaceEdit,
};

use super::convert::{self, Encoding, Text};
use crate::draft::Format;
use crate::language::explain;
use crate::language::lower::{self, Overrides, RuleFile};
use crate::language::rules::RuleSet;
use crate::report::finding::{Edit, Finding};
use crate::report::fix::{self, Applicability};
use crate::report::Report;
use crate::text::blanks::spaced;

/// The kind of the "fix all safe findings" action.
pub static FIX_ALL: CodeActionKind = CodeActionKind::new("source.fixAll.tenet");

fn edit(uri: &Uri, edits: Vec<TextEdit>) -> WorkspaceEdit {
    WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), edits)])),
        ..Default::default()
    }
}

fn wanted(p: &CodeActionParams, kind: &CodeActionKind) -> bool {
    match &p.context.only {
        None => true,
        Some(only) => only.iter().any(|k| kind.as_str().starts_with(k.as_str())),
    }
}

/// Quick fixes for the findings under the requested range, and "fix all safe findings".
pub fn code_actions(
    uri: &Uri,
    source: &str,
    format: Format,
    report: &Report,
    p: &CodeActionParams,
    encoding: Encoding,
) -> Vec<CodeActionOrCommand> {
    let findings = &report.findings;
    let text = Text::new(source, encoding);
    let start = text.offset(p.range.start).unwrap_or_else(|o| o);
    let end = text.offset(p.range.end).unwrap_or_else(|o| o);
    let mut actions = Vec::new();
    let eol = if text.crlf() { "\r\n" } else { "\n" };
    if wanted(p, &CodeActionKind::QUICKFIX) {
        for f in findings
            .iter()
            .filter(|f| f.span.start <= end && start <= f.span.end)
        {
            let diagnostic = convert::diagnostic(&text, uri, f, &report.redactions);
            let quickfix = |title: String, edits: &[Edit], preferred: bool| {
                CodeActionOrCommand::CodeAction(CodeAction {
                    title,
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![diagnostic.clone()]),
                    edit: Some(edit(
                        uri,
                        edits.iter().map(|e| convert::text_edit(&text, e)).collect(),
                    )),
                    is_preferred: preferred.then_some(true),
                    ..Default::default()
                })
            };
            if !f.suggestions.is_empty() {
                for s in &f.suggestions {
                    let e = Edit {
                        span: f.span.clone(),
                        text: s.clone(),
                    };
                    actions.push(quickfix(
                        format!("Replace with “{s}”"),
                        &[e],
                        f.suggestions.len() == 1,
                    ));
                }
            } else if let Some(fix) = &f.fix {
                actions.push(quickfix(fix.title.clone(), &fix.edits, true));
            }
            if !f.rule.starts_with("tenet.") {
                let e = suppression(&text, eol, format, f);
                actions.push(quickfix(
                    format!("Suppress {} here, with a reason", f.rule),
                    &[e],
                    false,
                ));
            }
        }
    }
    let safe = fix::edits(&fix::choose(findings, Applicability::Safe));
    if !safe.is_empty() {
        let title = format!("Fix all safe Tenet findings ({})", safe.len());
        // Asked for kinds: offered under each kind asked for. Asked for everything
        // (Helix, Emacs): offered once, beside the quick fixes when there are some.
        let kinds = match &p.context.only {
            Some(_) => vec![FIX_ALL.clone(), CodeActionKind::QUICKFIX],
            None if actions.is_empty() => vec![FIX_ALL.clone()],
            None => vec![CodeActionKind::QUICKFIX],
        };
        for kind in kinds {
            if wanted(p, &kind) && !(kind == CodeActionKind::QUICKFIX && actions.is_empty()) {
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: title.clone(),
                    kind: Some(kind),
                    edit: Some(edit(
                        uri,
                        safe.iter().map(|e| convert::text_edit(&text, e)).collect(),
                    )),
                    ..Default::default()
                }));
            }
        }
    }
    actions
}

/// A line above the finding's line that suppresses it, in the draft's own syntax
/// (its lines ending in `eol`).
fn suppression(text: &Text, eol: &str, format: Format, f: &Finding) -> Edit {
    let source = text.text;
    let at = f.span.start.min(source.len());
    // The line's start from the index, not by looking back along the line: a
    // long line holds many findings. A span that starts at the `\n` of a
    // `\r\n` has its line start there, as looking back for either finds.
    let line_start = if at > 0 && source.as_bytes()[at - 1] == b'\r' {
        at
    } else {
        text.index.line_start(text.index.line_of(at)).unwrap_or(0)
    };
    let indent: String = source[line_start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let directive = format!("tenet-disable-next-line {}: reason", f.rule);
    let line = match format {
        Format::Markdown => format!("{indent}<!-- {directive} -->{eol}"),
        _ => format!("{indent}{directive}{eol}"),
    };
    Edit {
        span: line_start..line_start,
        text: line,
    }
}

/// The finding under the cursor, explained.
pub fn draft_hover(
    source: &str,
    report: &Report,
    rules: &RuleSet,
    position: Position,
    encoding: Encoding,
) -> Option<Hover> {
    let findings = &report.findings;
    let redactions = &report.redactions;
    let text = Text::new(source, encoding);
    let at = text.offset(position).ok()?;
    let here: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.span.start <= at && at <= f.span.end)
        .collect();
    if here.is_empty() {
        return None;
    }
    let mut out = String::new();
    for f in here {
        let rule = rules.rules.iter().find(|r| r.id == f.rule);
        let guideline = rules.guidelines.iter().find(|g| *g.id == *f.category);
        match rule {
            Some(rule) => out.push_str(&explain::markdown_heading(rule, f.level, guideline)),
            None => out.push_str(&format!("**{}** · {}", f.rule, f.level.as_str())),
        }
        out.push_str(&format!("\n\n{}\n\n", f.message));
        if let Some(body) = rule.map(explain::markdown_body).filter(|b| !b.is_empty()) {
            out.push_str(&body);
            out.push_str("\n\n");
        }
        let why = if f.document {
            "Why: the draft as a whole meets this rule's conditions.".to_string()
        } else if f.redacted {
            "Why: it matched text that is kept hidden (personal data).".to_string()
        } else {
            format!(
                "Why: it matched “{}”",
                spaced(&redactions.mask(source, f.span.clone()))
            )
        };
        out.push_str(&why);
        if !f.evidence.is_empty() {
            let evidence: Vec<String> = f
                .evidence
                .iter()
                .map(|e| format!("“{}”", spaced(&redactions.mask(source, e.clone()))))
                .collect();
            out.push_str(&format!(", near {}", evidence.join(", ")));
        }
        out.push_str(".\n\n");
        if let Some(link) = &f.link {
            out.push_str(&format!("[Read the guideline]({link})\n\n"));
        }
        out.push_str("---\n\n");
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: out.trim_end_matches("---\n\n").trim_end().to_string(),
        }),
        range: None,
    })
}

/// Diagnostics for a rule file: every compile error and warning, then failing examples.
pub fn rule_file_diagnostics(
    source: &str,
    path: &Path,
    overrides: &Overrides,
    encoding: Encoding,
) -> Vec<Diagnostic> {
    let file = RuleFile {
        path: path.to_path_buf(),
        text: Arc::from(source),
    };
    let compiled = lower::compile(
        std::slice::from_ref(&file),
        overrides,
        &crate::language::builtin::read_list,
    );
    let text = Text::new(source, encoding);
    let mut out: Vec<Diagnostic> = compiled
        .diagnostics
        .iter()
        .map(|d| convert::rule_file_diagnostic(&text, d))
        .collect();
    // Examples of the rules that compiled run even when others have errors, so
    // every problem of the file shows at once.
    let outcome =
        crate::engine::examples::run(&crate::engine::Engine::new(compiled.rules), overrides);
    out.extend(outcome.failures.iter().map(|d| Diagnostic {
        code: Some(NumberOrString::String("example".into())),
        ..convert::rule_file_diagnostic(&text, d)
    }));
    out
}

/// Diagnostics for `tenet.toml`: every problem, at its place.
pub fn config_diagnostics(source: &str, path: &Path, encoding: Encoding) -> Vec<Diagnostic> {
    let Err(problems) = crate::workspace::ConfigFile::parse(path, source) else {
        return Vec::new();
    };
    let text = Text::new(source, encoding);
    problems
        .iter()
        .map(|d| convert::rule_file_diagnostic(&text, d))
        .collect()
}

/// What each keyword of the rule language does, for hover in `.tenet` files.
const KEYWORDS: &[(&str, &str)] = &[
    ("guideline", "`guideline ID \"title\" { … }`: one guideline; its id is its category."),
    ("rule", "`rule ID LEVEL { … }`: a rule; its id is `guideline.ID`. LEVEL is error, warning (default), info or hint."),
    ("find", "`find P, … [valid V]`: what produces findings: \"terms\" (whole words, any case), list or parameter names, /regexes/."),
    ("valid", "`valid V`: keep only matches the validator accepts: `luhn`, `card` (Luhn and a real card range), `iban` (mod 97), `ssn`, `ip`, `phone(LIST)` (valid in a region the list names, written its way, answered by a person), `secret` (not a placeholder)."),
    ("when", "`when C`: the finding needs C: `near P within N words|chars` (or `preceded by` / `followed by` for one side), `has P`, `in SCOPE`, `matches P`, `overlaps RULE`, `channel is NAME`, metrics such as `words(content) <= 2` or `hashtags per words > 0.5`, with and/or/not."),
    ("unless", "`unless C`: no finding when C holds."),
    ("except", "`except P, …`: drop a match when the whole matched text is one of these terms or fits one of these regexes (role mailboxes, dummy values, the organisation's own addresses)."),
    ("escalate", "`escalate LEVEL when C`: raise the level when C holds (stronger evidence)."),
    ("near", "`near P within N words|chars`: evidence close to the match, either side."),
    ("preceded", "`preceded by P within N words|chars`: evidence close before the match (a label such as `Fax:`)."),
    ("followed", "`followed by P within N words|chars`: evidence close after the match (`(fax)`)."),
    ("has", "`has P`: P appears anywhere the rule looks."),
    ("in", "`in SCOPE`: the match lies in code, quote, link, url, heading, hashtag, mention, signature, header, subject, forward, attachment, footer, lead, frontmatter or comment."),
    ("matches", "`matches P`: a match of P lies inside the finding's match (`unless matches self`)."),
    ("overlaps", "`overlaps RULE`: the match overlaps a match of another rule's `find` (`guideline.rule`, or `rule` in this guideline)."),
    ("per", "`A per B OP N`: a ratio of two metrics, e.g. `hashtags per words > 0.5`."),
    ("count", "`count(P, …)`: how many matches of the patterns the draft has."),
    ("words", "`words`: the number of words. `words(CLASS)`: words of a class: content, stop, reaction, greeting, number (words with a digit). A `words { CLASS = … }` block adds to the classes."),
    ("hashtag-run", "`hashtag-run`: the longest run of hashtags with no word between them."),
    ("caps", "`caps`: the share of words (of two letters or more) written in capitals, 0 to 1."),
    ("message", "`message \"…\"`: what is wrong and what to do; `{match}`, `{suggestion}` and parameters are filled in."),
    ("suggest", "`suggest \"a\" | \"b\" [safe]`: replacements for the match."),
    ("replace", "`replace \"from\" -> \"to\" | … [safe]`: a term and its replacements."),
    ("append", "`append \"text\" [safe]`: add text at the end of the draft."),
    ("delete", "`delete [safe]`: remove the match."),
    ("once", "`once`: report only the first finding."),
    ("limit", "`limit N`: report at most N findings."),
    ("redact", "`redact`: never show the matched text."),
    ("review", "`review`: findings hold the draft for human review."),
    ("bad", "`bad \"… [span] …\"`: must report exactly the bracketed spans. Options: `on CHANNEL`, `with LIST = \"a\"`, `as email|text|markdown`."),
    ("good", "`good \"…\"`: must report nothing for this rule. Options: `on CHANNEL`, `with LIST = \"a\"`, `as email|text|markdown`."),
    ("fixed", "`fixed \"before\" -> \"after\"`: applying the fixes gives `after`."),
    ("skip", "`skip SCOPE, …`: in a guideline or triage block, the scopes its rules do not look into (code, quote, link, url, heading, hashtag, mention, signature, subject, forward, attachment, footer, lead) unless a rule asks with `in`. Headers, front matter and comments are always skipped."),
    ("list", "`list NAME = \"a\", \"b\"` or `list NAME = file \"path\"`: terms, overridable in tenet.toml."),
    ("param", "`param NAME = \"value\"`: a value for messages and finds, overridable in tenet.toml."),
    ("triage", "`triage { category NAME +W when …; priority N when … }`: classify a conversation and rate it. Every category line that holds adds its weight (default 1) and the heaviest category wins; the first priority line that holds wins."),
    ("category", "`category NAME +W when C`: adds W (default 1) to NAME when C holds; `category NAME otherwise` is the fallback. In a priority line, `category NAME` holds when triage chose NAME."),
    ("priority", "`priority N when C`: the first line that holds sets the priority (1 urgent, 3 not urgent)."),
];

/// Hover in a rule file: keywords, and rule or guideline ids in their headers.
pub fn rule_file_hover(
    source: &str,
    path: &Path,
    position: Position,
    encoding: Encoding,
) -> Option<Hover> {
    let text = Text::new(source, encoding);
    let at = text.offset(position).ok()?;
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    // The word starts after the last character that is not part of it (which
    // may be more than one byte long).
    let start = source[..at]
        .char_indices()
        .rev()
        .find(|(_, c)| !is_word(*c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let end = source[at..]
        .find(|c: char| !is_word(c))
        .map_or(source.len(), |i| at + i);
    let word = &source[start..end];
    let markdown = |value: String| Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range: Some(text.range(&(start..end))),
    };
    let before = source[..start].trim_end();
    if before.ends_with("rule") || before.ends_with("guideline") {
        let compiled = lower::compile(
            &[RuleFile {
                path: path.to_path_buf(),
                text: Arc::from(source),
            }],
            &Overrides::default(),
            &crate::language::builtin::read_list,
        );
        if before.ends_with("guideline") {
            let g = compiled.rules.guidelines.iter().find(|g| g.id == word)?;
            return Some(markdown(format!(
                "**{}** {}\n\n{}",
                g.id,
                g.title.clone().unwrap_or_default(),
                g.doc
            )));
        }
        let rule = compiled
            .rules
            .rules
            .iter()
            .find(|r| r.id.rsplit('.').next() == Some(word))?;
        let guideline = compiled
            .rules
            .guidelines
            .iter()
            .find(|g| *g.id == *rule.category);
        let link = rule
            .link
            .as_deref()
            .map(|l| format!("\n\n[{l}]({l})"))
            .unwrap_or_default();
        return Some(markdown(format!(
            "{}\n\n{}{link}",
            explain::markdown_heading(rule, rule.level, guideline),
            explain::markdown_body(rule)
        )));
    }
    KEYWORDS
        .iter()
        .find(|(k, _)| *k == word)
        .map(|(_, doc)| markdown(doc.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The suppression line goes where looking back along the line for a line
    /// end puts it, with the line's indent, for `\n`, `\r\n` and lone `\r`
    /// lines and findings anywhere on them (at a line end too).
    #[test]
    fn a_suppression_goes_above_the_findings_line() {
        let looking_back = |source: &str, at: usize| -> usize {
            source[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1)
        };
        let mut random = crate::text::random::Random::new(7);
        let pieces = ["word", " ", "\t", "\n", "\r\n", "\r", "  indented", "é"];
        for len in [0, 1, 5, 40, 400] {
            let source = random.text(&pieces, len);
            for encoding in [Encoding::Utf8, Encoding::Utf16] {
                let text = Text::new(&source, encoding);
                for at in (0..=source.len()).filter(|&i| source.is_char_boundary(i)) {
                    let f = Finding::plain("g.r", at..at, "m");
                    let e = suppression(&text, "\n", Format::Text, &f);
                    let start = looking_back(&source, at);
                    assert_eq!(e.span, start..start, "{source:?} at {at}");
                    let indent = &source[start..][..e.text.find("tenet-").unwrap()];
                    assert!(
                        indent.bytes().all(|b| b == b' ' || b == b'\t'),
                        "{indent:?}"
                    );
                }
            }
        }
    }

    /// The hover text at the first occurrence of `word` in `source`.
    fn hover_at(source: &str, word: &str) -> String {
        let at = source.find(word).expect("word in source");
        let line = source[..at].matches('\n').count() as u32;
        let character = (at - source[..at].rfind('\n').map_or(0, |i| i + 1)) as u32;
        let hover = rule_file_hover(
            source,
            Path::new("team.tenet"),
            Position { line, character },
            Encoding::Utf8,
        )
        .unwrap_or_else(|| panic!("no hover on `{word}`"));
        match hover.contents {
            HoverContents::Markup(m) => m.value,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn every_keyword_of_the_language_has_hover_docs() {
        let source = "guideline disclosure {\n  rule r {\n    find /x/ valid luhn\n    except \"a\"\n    when hashtag-run >= 8 and caps per words > 0.5 and count(\"y\") > 1\n    unless preceded by \"z\" within 0 words\n    unless matches self or overlaps codename\n    message \"m\"\n  }\n}\ntriage {\n  category support +2 when has \"help\"\n  priority 1 when category support\n}\n";
        for (word, doc) in [
            ("valid", "`valid V`"),
            ("except", "whole matched text"),
            ("hashtag-run", "longest run of hashtags"),
            ("per", "a ratio"),
            ("count", "`count(P, …)`"),
            ("matches", "inside the finding's match"),
            ("preceded", "close before the match"),
            ("overlaps", "another rule's `find`"),
            ("category", "adds W"),
            ("priority", "first line that holds"),
        ] {
            let text = hover_at(source, word);
            assert!(text.contains(doc), "{word}: {text}");
        }
    }
}
