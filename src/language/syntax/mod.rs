//! Source text of a `.tenet` file → [`ast::File`]. The only module that sees pest.
//! Building the tree is here; explaining a line that fits nowhere is in [`explain`].

mod cond;
mod explain;

use pest::error::{ErrorVariant, InputLocation};
use pest::iterators::Pair;
use pest::Parser as _;

use crate::language::ast::*;
use explain::{
    check_closed, expected, junk_error, CLAUSES, GUIDELINE_ITEMS, TOP_LEVEL, TRIAGE_ITEMS,
    WORD_CLASSES,
};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/tenet.pest"]
struct TenetParser;

type P<'a> = Pair<'a, Rule>;

/// How deep parentheses may nest in a condition. Deeper nesting is refused before
/// the parser sees it: the parser, lowering and evaluation all recurse on it.
pub const MAX_NESTING: usize = 64;

/// Parses a rule file. Never fails: syntax errors are collected in [`File::errors`].
pub fn parse(source: &str) -> File {
    let mut file = File::default();
    if let Some(at) = too_deep(source) {
        file.errors.push((
            at..at + 1,
            format!("conditions nest more than {MAX_NESTING} parentheses deep; split the rule"),
        ));
        return file;
    }
    match TenetParser::parse(Rule::file, source) {
        Ok(mut pairs) => {
            let root = pairs.next().expect("the file rule always yields one pair");
            file.regexes = root
                .clone()
                .into_inner()
                .flatten()
                .filter(|p| p.as_rule() == Rule::regex)
                .map(cond::regex_parts)
                .collect();
            for item in root.into_inner() {
                match item.as_rule() {
                    Rule::guideline => {
                        check_closed(&item, &mut file.errors);
                        file.guidelines
                            .push(guideline(item, source, &mut file.errors))
                    }
                    Rule::triage => {
                        check_closed(&item, &mut file.errors);
                        file.triage.push(triage(item, &mut file.errors))
                    }
                    Rule::words_block => {
                        check_closed(&item, &mut file.errors);
                        words_block(item, &mut file.errors, &mut file.words)
                    }
                    Rule::stray_brace => {
                        file.errors.push((span(&item), "unmatched `}`".to_string()))
                    }
                    Rule::junk => file.errors.push(junk_error(&item, TOP_LEVEL)),
                    _ => {}
                }
            }
        }
        Err(err) => {
            let at = match err.location {
                InputLocation::Pos(p) => p,
                InputLocation::Span((s, _)) => s,
            };
            let message = match &err.variant {
                ErrorVariant::ParsingError { positives, .. } if at >= source.trim_end().len() => {
                    if positives.is_empty() {
                        "unexpected end of file".to_string()
                    } else {
                        format!("unexpected end of file; expected {}", expected(positives))
                    }
                }
                ErrorVariant::ParsingError { positives, .. } => {
                    format!("expected {}", expected(positives))
                }
                ErrorVariant::CustomError { message } => message.clone(),
            };
            // An unclosed block is the usual cause: point at the end of the text.
            let at = at.min(source.len());
            file.errors.push((at..at, message));
        }
    }
    file
}

/// Where parentheses first nest deeper than [`MAX_NESTING`], outside strings,
/// regexes and comments.
fn too_deep(source: &str) -> Option<usize> {
    let bytes = source.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |j| i + j);
            }
            quote @ (b'"' | b'/') => {
                // Up to the closing quote or slash on the same line; `\` escapes.
                i += 1;
                while i < bytes.len() && bytes[i] != quote && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'(' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

fn span(pair: &P) -> Span {
    pair.as_span().start()..pair.as_span().end()
}

fn spanned_ident(pair: P) -> Spanned<String> {
    Spanned {
        value: pair.as_str().to_string(),
        span: span(&pair),
    }
}

/// The `##` lines directly above `offset`, joined.
fn doc_above(source: &str, offset: usize) -> String {
    let line_start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
    let mut lines = Vec::new();
    for line in source[..line_start].lines().rev() {
        let t = line.trim();
        match t.strip_prefix("##") {
            Some(rest) => lines.push(rest.strip_prefix(' ').unwrap_or(rest).trim_end()),
            None => break,
        }
    }
    lines.reverse();
    lines.join("\n").trim().to_string()
}

/// Decodes a quoted string's body. `\[` and `\]` are kept for examples to read.
pub fn unescape(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('"') => out.push('"'),
            Some('\\') => out.push('\\'),
            Some('u') if chars.peek() == Some(&'{') => {
                chars.next();
                let hex: String = chars.by_ref().take_while(|c| *c != '}').collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) => out.push(ch),
                    None => out.push('\u{FFFD}'),
                }
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

fn string(pair: P) -> String {
    unescape(pair.into_inner().next().map_or("", |b| b.as_str()))
}

fn spanned_string(pair: P) -> Spanned<String> {
    let span = span(&pair);
    Spanned {
        value: string(pair),
        span,
    }
}

fn int(pair: &P) -> u64 {
    pair.as_str().parse().unwrap_or(u64::MAX)
}

fn guideline(pair: P, source: &str, errors: &mut Vec<(Span, String)>) -> Guideline {
    let doc = doc_above(source, pair.as_span().start());
    let mut inner = pair.into_inner();
    let id = spanned_ident(inner.next().expect("grammar: guideline id"));
    let mut g = Guideline {
        id,
        title: None,
        doc,
        link: None,
        skip: vec![],
        params: vec![],
        lists: vec![],
        rules: vec![],
    };
    for item in inner {
        match item.as_rule() {
            Rule::string => g.title = Some(string(item)),
            Rule::link => g.link = item.into_inner().next().map(spanned_string),
            Rule::skip => g.skip.extend(item.into_inner().map(spanned_ident)),
            Rule::param => g.params.push(param(item)),
            Rule::list => g.lists.push(list(item)),
            Rule::rule => g.rules.push(rule(item, source, errors)),
            Rule::rule_bad_header => {
                let header = item.clone().into_inner().next().expect("grammar: header");
                let hs = span(&header);
                errors.push((
                    hs.clone(),
                    format!(
                        "a rule header is `rule ID [LEVEL] {{`; found `rule {}`",
                        header.as_str().trim()
                    ),
                ));
                // Still read the body, so its errors are reported too.
                let _ = rule(item, source, errors);
            }
            Rule::junk => errors.push(junk_error(&item, GUIDELINE_ITEMS)),
            _ => {}
        }
    }
    g
}

fn param(pair: P) -> Param {
    let mut inner = pair.into_inner();
    let name = spanned_ident(inner.next().expect("grammar: param name"));
    let value = inner.next().map(string).unwrap_or_default();
    Param { name, value }
}

fn list_source(src: P) -> ListSource {
    match src.as_rule() {
        Rule::list_file => ListSource::File(spanned_string(
            src.into_inner().next().expect("grammar: path"),
        )),
        _ => ListSource::Inline(src.into_inner().map(spanned_string).collect()),
    }
}

fn list(pair: P) -> List {
    let mut inner = pair.into_inner();
    let name = spanned_ident(inner.next().expect("grammar: list name"));
    let source = list_source(inner.next().expect("grammar: list source"));
    List { name, source }
}

fn rule(pair: P, source: &str, errors: &mut Vec<(Span, String)>) -> Rule_ {
    let doc = doc_above(source, pair.as_span().start());
    let whole = span(&pair);
    let mut r = Rule_ {
        id: Spanned {
            value: String::new(),
            span: whole.start..whole.start,
        },
        doc,
        level: None,
        finds: vec![],
        when: vec![],
        unless: vec![],
        except: vec![],
        escalate: vec![],
        message: None,
        link: None,
        fixes: vec![],
        once: false,
        limit: None,
        redact: false,
        review: false,
        examples: vec![],
        logic: vec![],
        span: whole,
    };
    for item in pair.into_inner() {
        let item_span = span(&item);
        if matches!(
            item.as_rule(),
            Rule::find | Rule::when | Rule::unless | Rule::except | Rule::escalate
        ) {
            r.logic.push(item_span.clone());
        }
        match item.as_rule() {
            Rule::ident => r.id = spanned_ident(item),
            Rule::header_junk => {}
            Rule::level => {
                r.level = Some(Spanned {
                    value: level(&item),
                    span: item_span,
                })
            }
            Rule::level_clause => {
                let l = item.into_inner().next().expect("grammar: level");
                r.level = Some(Spanned {
                    value: level(&l),
                    span: span(&l),
                });
            }
            Rule::find => {
                let mut patterns = vec![];
                let mut validator = None;
                for p in item.into_inner() {
                    match p.as_rule() {
                        Rule::pattern_list => patterns = pattern_list(p),
                        Rule::validator => {
                            let mut parts = p.into_inner().map(spanned_ident);
                            validator = parts.next().map(|name| (name, parts.next()));
                        }
                        _ => {}
                    }
                }
                r.finds.push(Find {
                    patterns,
                    validator,
                });
            }
            Rule::when => r.when.push(cond(first(item))),
            Rule::unless => r.unless.push(cond(first(item))),
            Rule::except => r.except.extend(pattern_list(first(item))),
            Rule::escalate => {
                let mut inner = item.into_inner();
                let l = inner.next().expect("grammar: level");
                let lv = Spanned {
                    value: level(&l),
                    span: span(&l),
                };
                r.escalate
                    .push((lv, cond(inner.next().expect("grammar: cond"))));
            }
            Rule::message => r.message = Some(spanned_string(first(item))),
            Rule::link => r.link = Some(spanned_string(first(item))),
            Rule::suggest => {
                let (alts, safe) = alternatives_and_safe(item.into_inner());
                r.fixes.push(Spanned {
                    value: FixClause::Suggest { with: alts, safe },
                    span: item_span,
                });
            }
            Rule::replace => {
                let mut inner = item.into_inner();
                let from = string(inner.next().expect("grammar: from"));
                let (to, safe) = alternatives_and_safe(inner);
                r.fixes.push(Spanned {
                    value: FixClause::Replace { from, to, safe },
                    span: item_span,
                });
            }
            Rule::append => {
                let mut inner = item.into_inner();
                let text = string(inner.next().expect("grammar: text"));
                let safe = inner.next().is_some();
                r.fixes.push(Spanned {
                    value: FixClause::Append { text, safe },
                    span: item_span,
                });
            }
            Rule::delete => {
                let safe = item.into_inner().next().is_some();
                r.fixes.push(Spanned {
                    value: FixClause::Delete { safe },
                    span: item_span,
                });
            }
            Rule::once => r.once = true,
            Rule::limit => {
                r.limit = Some(Spanned {
                    value: int(&first(item)),
                    span: item_span,
                })
            }
            Rule::redact => r.redact = true,
            Rule::review => r.review = true,
            Rule::bad | Rule::good | Rule::fixed => r.examples.push(example(item)),
            Rule::junk => errors.push(junk_error(&item, CLAUSES)),
            _ => {}
        }
    }
    r
}

// `Rule` is pest's name for grammar rules; ours is imported from `ast` under this alias.
use crate::language::ast::Rule as Rule_;

fn first(pair: P) -> P {
    pair.into_inner()
        .next()
        .expect("grammar: clause has an argument")
}

fn level(pair: &P) -> Level {
    Level::parse(pair.as_str()).unwrap_or(Level::Warning)
}

fn alternatives_and_safe<'a>(mut inner: impl Iterator<Item = P<'a>>) -> (Vec<String>, bool) {
    let alts = inner
        .next()
        .map(|a| a.into_inner().map(string).collect())
        .unwrap_or_default();
    (alts, inner.next().is_some())
}

fn example(pair: P) -> Example {
    let kind = match pair.as_rule() {
        Rule::bad => ExampleKind::Bad,
        Rule::good => ExampleKind::Good,
        _ => ExampleKind::Fixed,
    };
    let whole = span(&pair);
    let mut ex = Example {
        kind,
        text: String::new(),
        expected: None,
        channel: None,
        format: None,
        with: vec![],
        span: whole,
    };
    let mut strings = 0;
    for item in pair.into_inner() {
        match item.as_rule() {
            Rule::string => {
                if strings == 0 {
                    ex.text = string(item);
                } else {
                    ex.expected = Some(string(item));
                }
                strings += 1;
            }
            Rule::example_option
                if item.clone().into_inner().next().map(|p| p.as_rule())
                    == Some(Rule::as_format) =>
            {
                let format = item.into_inner().next().and_then(|f| f.into_inner().next());
                ex.format = format.map(spanned_ident);
            }
            Rule::example_option => {
                let mut inner = item.into_inner();
                let name = spanned_ident(inner.next().expect("grammar: option name"));
                match inner.next() {
                    None => ex.channel = Some(name.value),
                    Some(values) => ex
                        .with
                        .push((name, values.into_inner().map(string).collect())),
                }
            }
            _ => {}
        }
    }
    ex
}

fn triage(pair: P, errors: &mut Vec<(Span, String)>) -> Triage {
    let mut t = Triage::default();
    for item in pair.into_inner() {
        match item.as_rule() {
            Rule::param => t.params.push(param(item)),
            Rule::list => t.lists.push(list(item)),
            Rule::skip => t.skip.extend(item.into_inner().map(spanned_ident)),
            Rule::t_category => {
                let mut inner = item.into_inner().peekable();
                let name = spanned_ident(inner.next().expect("grammar: category name"));
                let weight = match inner.peek().map(|p| p.as_rule()) {
                    Some(Rule::weight) => inner
                        .next()
                        .and_then(|w| w.as_str()[1..].parse().ok())
                        .unwrap_or(1.0),
                    _ => 1.0,
                };
                t.categories
                    .push((name, weight, guard(inner.next().expect("grammar: guard"))));
            }
            Rule::t_priority => {
                let mut inner = item.into_inner();
                let n = inner.next().expect("grammar: priority");
                let value = Spanned {
                    value: int(&n),
                    span: span(&n),
                };
                t.priorities
                    .push((value, guard(inner.next().expect("grammar: guard"))));
            }
            Rule::junk => errors.push(junk_error(&item, TRIAGE_ITEMS)),
            _ => {}
        }
    }
    t
}

fn words_block(pair: P, errors: &mut Vec<(Span, String)>, out: &mut Vec<WordClass>) {
    for item in pair.into_inner() {
        match item.as_rule() {
            Rule::word_class => {
                let mut inner = item.into_inner();
                let name = spanned_ident(inner.next().expect("grammar: class name"));
                let src = inner.next().expect("grammar: class words");
                out.push(WordClass {
                    name,
                    source: list_source(src),
                });
            }
            Rule::junk => errors.push(junk_error(&item, WORD_CLASSES)),
            _ => {}
        }
    }
}

fn guard(pair: P) -> Guard {
    match pair.into_inner().next() {
        Some(c) if c.as_rule() == Rule::cond => Guard::When(cond(c)),
        _ => Guard::Otherwise,
    }
}

use cond::{cond, pattern_list};

#[cfg(test)]
mod tests {
    use super::{parse, unescape};

    #[test]
    fn every_regex_of_a_file_is_listed_with_its_flags() {
        // Lowering looks each regex up among these, checked in parallel beforehand.
        let file = parse(
            r#"guideline g {
  rule r warning {
    find /ab+c/i
    except /abbc/
    unless near /(?m)^x/ within 3 words or matches /q/
    escalate error when near /[0-9]{6}/ within 2 words
    message "m"
  }
}
triage {
  category support +1 when has /help/i
}
"#,
        );
        assert!(file.errors.is_empty(), "{:?}", file.errors);
        let mut listed: Vec<(&str, &str)> = file
            .regexes
            .iter()
            .map(|(s, f)| (s.as_str(), f.as_str()))
            .collect();
        listed.sort_unstable();
        assert_eq!(
            listed,
            [
                ("(?m)^x", ""),
                ("[0-9]{6}", ""),
                ("ab+c", "i"),
                ("abbc", ""),
                ("help", "i"),
                ("q", ""),
            ]
        );
    }

    #[test]
    fn strings_decode_their_escapes() {
        assert_eq!(
            unescape(r#"a\nb\r\n\t\"q\" \\ \u{e9} \[x\] \z"#),
            "a\nb\r\n\t\"q\" \\ é \\[x\\] \\z"
        );
    }
}
