//! Lowering examples (`bad`, `good`, `fixed`) and message templates.

use std::collections::HashMap;

use crate::draft::Format;

use super::*;

impl FileCx<'_> {
    pub(super) fn examples(
        &mut self,
        r: &ast::Rule,
        names: &Names,
        place: CondPlace,
    ) -> Vec<Example> {
        let mut out = Vec::new();
        for e in &r.examples {
            let (text, spans) = match e.kind {
                ExampleKind::Bad => match bracketed(&e.text) {
                    Ok(parsed) => parsed,
                    Err(message) => {
                        self.error(e.span.clone(), message);
                        continue;
                    }
                },
                _ => (unescape_brackets(&e.text), Vec::new()),
            };
            if e.kind == ExampleKind::Bad && place == CondPlace::SpanRule && spans.is_empty() {
                self.error(
                    e.span.clone(),
                    "mark the span this rule must report with [brackets]",
                );
            }
            if e.kind == ExampleKind::Bad && place == CondPlace::DocumentRule && !spans.is_empty() {
                self.error(
                    e.span.clone(),
                    "a document rule reports no span: remove the [brackets]",
                );
            }
            if e.kind == ExampleKind::Fixed && r.fixes.is_empty() {
                self.error(
                    e.span.clone(),
                    "a `fixed` example needs a fix (`suggest`, `replace`, `append` or `delete`)",
                );
            }
            if let Some(channel) = &e.channel {
                self.cx.set.declared.channels.insert(channel.clone());
            }
            let mut with = HashMap::new();
            for (name, values) in &e.with {
                if !names.lists.contains_key(&name.value) && !names.params.contains_key(&name.value)
                {
                    self.error(
                        name.span.clone(),
                        format!("unknown list or parameter `{}`", name.value),
                    );
                }
                with.insert(name.value.clone(), values.clone());
            }
            let format = match &e.format {
                None => None,
                Some(f) => match f.value.as_str() {
                    "markdown" | "md" => Some(Format::Markdown),
                    "text" => Some(Format::Text),
                    "email" => Some(Format::Email),
                    other => {
                        self.error(
                            f.span.clone(),
                            format!("unknown format `{other}`; known: markdown, text, email"),
                        );
                        None
                    }
                },
            };
            out.push(Example {
                kind: e.kind,
                text,
                spans,
                expected: e.expected.as_deref().map(unescape_brackets),
                channel: e.channel.clone(),
                format,
                with,
                span: e.span.clone(),
            });
        }
        out
    }

    pub(super) fn template(
        &mut self,
        text: &str,
        names: &Names,
        span: ast::Span,
        allow_match: bool,
    ) -> Template {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        while let Some(open) = rest.find(['{', '}']) {
            literal.push_str(&rest[..open]);
            let ch = rest.as_bytes()[open];
            if rest[open..].starts_with("{{") || rest[open..].starts_with("}}") {
                literal.push(ch as char);
                rest = &rest[open + 2..];
                continue;
            }
            if ch == b'}' {
                self.error(
                    span.clone(),
                    "unmatched `}` in text; write `}}` for a literal brace",
                );
                return Template::default();
            }
            let Some(close) = rest[open..].find('}') else {
                self.error(
                    span.clone(),
                    "unclosed `{` in text; write `{{` for a literal brace",
                );
                return Template::default();
            };
            let name = &rest[open + 1..open + close];
            match name {
                "match" if allow_match => {
                    parts.push(TemplatePart::Text(std::mem::take(&mut literal)));
                    parts.push(TemplatePart::Match);
                }
                "suggestion" if allow_match => {
                    parts.push(TemplatePart::Text(std::mem::take(&mut literal)));
                    parts.push(TemplatePart::Suggestion);
                }
                _ => match names.params.get(name) {
                    Some(v) => literal.push_str(v),
                    None => {
                        let known: Vec<&str> = names.params.keys().map(String::as_str).collect();
                        self.error(
                            span.clone(),
                            format!(
                                "unknown parameter `{{{name}}}`; known here: {}",
                                if allow_match {
                                    ["match", "suggestion"]
                                        .iter()
                                        .copied()
                                        .chain(known)
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                } else {
                                    known.join(", ")
                                }
                            ),
                        );
                    }
                },
            }
            rest = &rest[open + close + 1..];
        }
        literal.push_str(rest);
        parts.push(TemplatePart::Text(literal));
        parts.retain(|p| !matches!(p, TemplatePart::Text(t) if t.is_empty()));
        Template { parts }
    }
}

/// Splits a `bad` example into its text and its `[bracketed]` spans.
pub(super) fn bracketed(written: &str) -> Result<(String, Vec<std::ops::Range<usize>>), String> {
    let mut text = String::with_capacity(written.len());
    let mut spans = Vec::new();
    let mut open: Option<usize> = None;
    let mut chars = written.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(n @ ('[' | ']')) => text.push(n),
                Some(n) => {
                    text.push('\\');
                    text.push(n);
                }
                None => text.push('\\'),
            },
            '[' if open.is_some() => {
                return Err(
                    "brackets in an example do not nest; write `\\[` for a literal one".into(),
                )
            }
            '[' => open = Some(text.len()),
            ']' => match open.take() {
                Some(s) => spans.push(s..text.len()),
                None => {
                    return Err(
                        "`]` without `[` in an example; write `\\]` for a literal one".into(),
                    )
                }
            },
            c => text.push(c),
        }
    }
    if open.is_some() {
        return Err("`[` is never closed in this example; write `\\[` for a literal one".into());
    }
    Ok((text, spans))
}

pub(super) fn unescape_brackets(s: &str) -> String {
    s.replace("\\[", "[").replace("\\]", "]")
}
