//! Explaining syntax errors: what a line that fits nowhere should have been, in
//! the words of the language rather than the grammar's rule names.

use pest::error::{ErrorVariant, InputLocation};
use pest::Parser as _;

use super::Rule;
use super::{TenetParser, P};
use crate::language::ast::Span;

/// A block whose `close` matched the end of the file instead of `}`.
pub(super) fn check_closed(pair: &P, errors: &mut Vec<(Span, String)>) {
    let unclosed = pair
        .clone()
        .into_inner()
        .any(|p| p.as_rule() == Rule::close && p.as_str().is_empty())
        || pair.clone().into_inner().any(|p| {
            matches!(p.as_rule(), Rule::rule | Rule::rule_bad_header)
                && p.clone()
                    .into_inner()
                    .any(|c| c.as_rule() == Rule::close && c.as_str().is_empty())
        });
    if unclosed {
        let start = pair.as_span().start();
        let brace = pair.as_str().find('{').map_or(start, |i| start + i);
        errors.push((
            brace..brace + 1,
            "this `{` is never closed; add `}` at the end of the block".to_string(),
        ));
    }
}

pub(super) const TOP_LEVEL: &[&str] = &["guideline", "triage", "words"];
pub(super) const GUIDELINE_ITEMS: &[&str] = &["rule", "param", "list", "link", "skip"];
pub(super) const CLAUSES: &[&str] = &[
    "find", "when", "unless", "except", "escalate", "level", "message", "link", "suggest",
    "replace", "append", "delete", "once", "limit", "redact", "review", "bad", "good", "fixed",
];
pub(super) const TRIAGE_ITEMS: &[&str] = &["category", "priority", "param", "list", "skip"];
pub(super) const WORD_CLASSES: &[&str] = &["stop", "reaction", "greeting"];

/// Explains a line that fit nowhere: a known keyword with bad arguments gets
/// pest's own diagnosis of the line, anything else a list of what may stand there.
pub(super) fn junk_error(pair: &P, allowed: &[&str]) -> (Span, String) {
    let text = pair.as_str();
    let start = pair.as_span().start();
    if let Some(open) = unclosed_quote(text) {
        return (
            start + open..start + open + 1,
            "this string is never closed; add `\"` before the end of the line".into(),
        );
    }
    let word: String = text
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    let entry = match word.as_str() {
        "find" => Some(Rule::find),
        "when" => Some(Rule::when),
        "unless" => Some(Rule::unless),
        "except" => Some(Rule::except),
        "escalate" => Some(Rule::escalate),
        "level" => Some(Rule::level_clause),
        "message" => Some(Rule::message),
        "link" => Some(Rule::link),
        "skip" => Some(Rule::skip),
        "suggest" => Some(Rule::suggest),
        "replace" => Some(Rule::replace),
        "append" => Some(Rule::append),
        "delete" => Some(Rule::delete),
        "limit" => Some(Rule::limit),
        "bad" => Some(Rule::bad),
        "good" => Some(Rule::good),
        "fixed" => Some(Rule::fixed),
        "param" => Some(Rule::param),
        "list" => Some(Rule::list),
        "category" => Some(Rule::t_category),
        "priority" => Some(Rule::t_priority),
        "guideline" => Some(Rule::guideline),
        "triage" => Some(Rule::triage),
        _ => None,
    };
    if let Some(entry) = entry.filter(|_| allowed.contains(&word.as_str())) {
        match TenetParser::parse(entry, text) {
            Err(err) => {
                let at = match err.location {
                    InputLocation::Pos(p) => p,
                    InputLocation::Span((s, _)) => s,
                };
                let message = match &err.variant {
                    ErrorVariant::ParsingError { positives, .. } if !positives.is_empty() => {
                        format!("in `{word}`: expected {}", expected(positives))
                    }
                    _ => format!("`{word}` is not written correctly here"),
                };
                return (start + at..start + at, message);
            }
            Ok(pairs) => {
                // The clause parsed but left text behind it.
                let end = pairs.last().map(|p| p.as_span().end()).unwrap_or(0);
                let rest = text[end..].trim_start();
                let at = start + text.len() - rest.len();
                let shown: String = rest.chars().take(30).collect();
                return (
                    at..at + rest.len(),
                    format!("unexpected `{shown}` after `{word}`"),
                );
            }
        }
    }
    let shown: String = text.trim_end().chars().take(30).collect();
    let what = if word.is_empty() {
        format!("unexpected `{shown}`")
    } else if allowed == CLAUSES
        && (TOP_LEVEL.contains(&word.as_str()) || word == "param" || word == "list")
    {
        format!("`{word}` cannot stand inside a rule")
    } else {
        format!("unknown keyword `{word}`")
    };
    (
        start..start + text.trim_end().len(),
        format!("{what}; expected one of {}", allowed.join(", ")),
    )
}

/// The offset of a `"` that opens a string the line never closes.
fn unclosed_quote(line: &str) -> Option<usize> {
    let mut open = None;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match c {
            '\\' if open.is_some() && !escaped => {
                escaped = true;
                continue;
            }
            '"' if !escaped => open = if open.is_some() { None } else { Some(i) },
            _ => {}
        }
        escaped = false;
    }
    open
}

pub(super) fn expected(rules: &[Rule]) -> String {
    let mut names: Vec<&str> = rules.iter().map(|r| friendly(*r)).collect();
    names.sort();
    names.dedup();
    match names.len() {
        0 => "something else".into(),
        1 => names[0].into(),
        n => format!("{} or {}", names[..n - 1].join(", "), names[n - 1]),
    }
}

fn friendly(grammar_rule: Rule) -> &'static str {
    match grammar_rule {
        Rule::string | Rule::string_body => "a quoted string",
        Rule::regex | Rule::regex_body => "a /regex/",
        Rule::ident | Rule::name | Rule::word => "a name",
        Rule::int => "a whole number",
        Rule::number => "a number",
        Rule::level => "a level (error, warning, info, hint)",
        Rule::unit => "`words` or `chars`",
        Rule::cmp => "a comparison (<, <=, >, >=, ==, !=)",
        Rule::cond | Rule::conj | Rule::negation => "a condition",
        Rule::pattern_list | Rule::pattern => "a term, list name or /regex/",
        Rule::alternatives => "a quoted string",
        Rule::flag => "`case` or `partial`",
        Rule::safe => "`safe`",
        Rule::validator => "`valid`",
        Rule::weight => "a weight such as `+2`",
        Rule::per_kw => "`per`",
        Rule::overlaps | Rule::rule_ref => "a rule id",
        Rule::matches => "`matches`",
        Rule::near => "`near`",
        Rule::preceded => "`preceded by`",
        Rule::followed => "`followed by`",
        Rule::has => "`has`",
        Rule::in_scope => "`in`",
        Rule::compare | Rule::metric => "a metric",
        Rule::EOI => "end of file",
        Rule::rule | Rule::rule_bad_header => "`rule`",
        Rule::guideline => "`guideline`",
        Rule::triage => "`triage`",
        Rule::list_file | Rule::string_list => "`file \"…\"` or quoted terms",
        Rule::guard => "`when` or `otherwise`",
        Rule::example_option | Rule::as_format => "`on`, `as` or `with`",
        Rule::or_kw => "`or`",
        Rule::and_kw => "`and`",
        _ => "more text",
    }
}
