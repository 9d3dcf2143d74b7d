//! Lowering what `find`, `near`, `has` and `count` look for: terms, names, regexes,
//! and the pattern sets they are gathered into.

use super::*;

impl FileCx<'_> {
    pub(super) fn patterns(&mut self, written: &[ast::Pattern], names: &Names) -> Vec<Pattern> {
        let mut out = Vec::new();
        for p in written {
            match &p.kind {
                PatternKind::Term(t) => {
                    if t.trim().is_empty() {
                        self.error(p.span.clone(), "this term can never match: it is empty");
                        continue;
                    }
                    out.push(Pattern::Term(Term {
                        text: t.clone(),
                        case: p.case,
                        partial: p.partial,
                    }));
                }
                PatternKind::Name(name) => {
                    let terms: Vec<String> = match (names.lists.get(name), names.params.get(name)) {
                        (Some(list), _) => list.clone(),
                        (None, Some(value)) => vec![value.clone()],
                        (None, None) => {
                            let mut known: Vec<&str> = names
                                .lists
                                .keys()
                                .chain(names.params.keys())
                                .map(String::as_str)
                                .collect();
                            known.sort();
                            let hint = if known.is_empty() {
                                "declare it with `list NAME = …` or `param NAME = …`".to_string()
                            } else {
                                format!("known here: {}", known.join(", "))
                            };
                            self.error(
                                p.span.clone(),
                                format!("unknown list or parameter `{name}`; {hint}"),
                            );
                            continue;
                        }
                    };
                    // Empty entries come from parameters nobody has set: they match nothing.
                    out.extend(
                        terms
                            .into_iter()
                            .filter(|t| !t.trim().is_empty())
                            .map(|text| {
                                Pattern::Term(Term {
                                    text,
                                    case: p.case,
                                    partial: p.partial,
                                })
                            }),
                    );
                }
                PatternKind::Regex { source, flags } => {
                    if p.case || p.partial {
                        self.error(
                            p.span.clone(),
                            "`case` and `partial` apply to terms; use regex flags instead",
                        );
                    }
                    if let Some(r) = self.regex(source, flags, p.span.clone()) {
                        out.push(Pattern::Regex(r));
                    }
                }
            }
        }
        out
    }

    pub(super) fn regex(
        &mut self,
        source: &str,
        flags: &str,
        span: ast::Span,
    ) -> Option<RegexPattern> {
        let body_start = span.start + 1;
        if let Some(bad) = flags.chars().find(|c| !"imsx".contains(*c)) {
            let at = span.start + 2 + source.len();
            self.error(
                at..at + flags.len(),
                format!("unknown regex flag `{bad}`; known: i, m, s, x"),
            );
            return None;
        }
        let full = if flags.is_empty() {
            source.to_string()
        } else {
            format!("(?{flags}){source}")
        };
        let prefix = full.len() - source.len();
        let hir = match regex_syntax::Parser::new().parse(&full) {
            Ok(hir) => hir,
            Err(e) => {
                let (kind, offset) = match &e {
                    regex_syntax::Error::Parse(e) => (e.kind().to_string(), e.span().start.offset),
                    regex_syntax::Error::Translate(e) => {
                        (e.kind().to_string(), e.span().start.offset)
                    }
                    _ => (e.to_string(), 0),
                };
                let at = body_start + offset.saturating_sub(prefix).min(source.len());
                let hint = if kind.contains("look-around") {
                    "; Tenet regexes have no look-around: match the text itself and rule out context with `unless near …`"
                } else {
                    ""
                };
                self.error(at..at + 1, format!("invalid regex: {kind}{hint}"));
                return None;
            }
        };
        if hir.properties().minimum_len() == Some(0) {
            self.error(span, "this regex matches empty text, so its findings would be empty; require at least one character");
            return None;
        }
        // Compiling is left to the first draft that needs the regex: most drafts
        // never contain the literal a regex must start with.
        Some(RegexPattern::new(full, prefix_literals(&hir)))
    }

    pub(super) fn matcher(
        &mut self,
        patterns: Vec<Pattern>,
        validator: Option<Validator>,
    ) -> MatcherId {
        let key = format!(
            "{:?}|{validator:?}",
            patterns.iter().map(pattern_key).collect::<Vec<_>>()
        );
        if let Some(&id) = self.cx.matcher_keys.get(&key) {
            return id;
        }
        let id = self.cx.set.matchers.len();
        self.cx.set.matchers.push(Matcher {
            patterns,
            validator,
        });
        self.cx.matcher_keys.insert(key, id);
        id
    }
}

pub(super) fn pattern_key(p: &Pattern) -> String {
    match p {
        Pattern::Term(t) => format!("t{}{}{}", u8::from(t.case), u8::from(t.partial), t.text),
        Pattern::Regex(r) => format!("r{}", r.source),
    }
}

/// Literals one of which every match of the regex starts with, when there are few
/// enough to be worth searching for; `None` when any text could start a match.
pub(super) fn prefix_literals(hir: &regex_syntax::hir::Hir) -> Option<Vec<Vec<u8>>> {
    let seq = regex_syntax::hir::literal::Extractor::new().extract(hir);
    let literals = seq.literals()?;
    let useful = !literals.is_empty()
        && literals.len() <= 256
        && literals.iter().all(|l| !l.as_bytes().is_empty());
    useful.then(|| literals.iter().map(|l| l.as_bytes().to_vec()).collect())
}
