//! Conditions, metrics and pattern lists, from pest pairs to the syntax tree.

use super::{first, int, span, spanned_ident, string, Rule, P};
use crate::language::ast::*;

pub(super) fn pattern_list(pair: P) -> Vec<Pattern> {
    pair.into_inner().map(pattern).collect()
}

fn pattern(pair: P) -> Pattern {
    let whole = span(&pair);
    let mut inner = pair.into_inner();
    let head = inner.next().expect("grammar: pattern");
    let kind = match head.as_rule() {
        Rule::string => PatternKind::Term(string(head)),
        Rule::regex => {
            let (source, flags) = regex_parts(head);
            PatternKind::Regex { source, flags }
        }
        _ => PatternKind::Name(head.as_str().to_string()),
    };
    let mut p = Pattern {
        kind,
        case: false,
        partial: false,
        span: whole,
    };
    for flag in inner {
        match flag.as_str() {
            "case" => p.case = true,
            _ => p.partial = true,
        }
    }
    p
}

/// A `regex` pair's source and flags.
pub(super) fn regex_parts(pair: P) -> (String, String) {
    let mut parts = pair.into_inner();
    let source = parts.next().map_or("", |p| p.as_str()).to_string();
    let flags = parts.next().map_or("", |p| p.as_str()).to_string();
    (source, flags)
}

fn metric_of(pair: P) -> Metric {
    let mut inner = pair.into_inner();
    let head = inner.next().expect("grammar: metric kind");
    match head.as_rule() {
        Rule::count => Metric::Count(pattern_list(first(head))),
        _ => Metric::Named(spanned_ident(head), inner.next().map(spanned_ident)),
    }
}

pub(super) fn cond(pair: P) -> Cond {
    match pair.as_rule() {
        Rule::cond => {
            let mut parts: Vec<Cond> = pair
                .into_inner()
                .filter(|p| p.as_rule() != Rule::or_kw)
                .map(cond)
                .collect();
            if parts.len() == 1 {
                parts.pop().expect("one part")
            } else {
                Cond::Or(parts)
            }
        }
        Rule::conj => {
            let mut parts: Vec<Cond> = pair
                .into_inner()
                .filter(|p| p.as_rule() != Rule::and_kw)
                .map(cond)
                .collect();
            if parts.len() == 1 {
                parts.pop().expect("one part")
            } else {
                Cond::And(parts)
            }
        }
        Rule::negation => {
            let mut nots = 0;
            let mut atom = None;
            for p in pair.into_inner() {
                if p.as_rule() == Rule::not_kw {
                    nots += 1;
                } else {
                    atom = Some(cond(p));
                }
            }
            let c = atom.expect("grammar: negation has an atom");
            // `not not x` is `x`: however many there are, one `Not` at most, so
            // a long run of them cannot nest deeply.
            if nots % 2 == 1 {
                Cond::Not(Box::new(c))
            } else {
                c
            }
        }
        Rule::near | Rule::preceded | Rule::followed => {
            let whole = span(&pair);
            let side = match pair.as_rule() {
                Rule::preceded => Side::Before,
                Rule::followed => Side::After,
                _ => Side::Either,
            };
            let mut inner = pair.into_inner();
            let patterns = pattern_list(inner.next().expect("grammar: near patterns"));
            let distance = int(&inner.next().expect("grammar: distance"));
            let unit = match inner.next().map(|u| u.as_str().starts_with('w')) {
                Some(false) => Unit::Chars,
                _ => Unit::Words,
            };
            Cond::Near {
                patterns,
                distance,
                unit,
                side,
                span: whole,
            }
        }
        Rule::has => Cond::Has(pattern_list(first(pair))),
        Rule::in_scope => Cond::In(spanned_ident(
            pair.into_inner().nth(1).expect("grammar: scope name"),
        )),
        Rule::channel_is => Cond::Channel(first(pair).as_str().to_string()),
        Rule::category_is => Cond::Category(spanned_ident(first(pair))),
        Rule::overlaps => Cond::Overlaps(spanned_ident(first(pair))),
        Rule::matches => {
            let whole = span(&pair);
            Cond::Matches(pattern_list(first(pair)), whole)
        }
        Rule::compare => {
            let mut metric = None;
            let mut per = None;
            let mut op = CmpOp::Eq;
            let mut value = 0.0;
            for part in pair.into_inner() {
                match part.as_rule() {
                    Rule::metric if metric.is_none() => metric = Some(metric_of(part)),
                    Rule::metric => per = Some(metric_of(part)),
                    Rule::cmp => {
                        op = match part.as_str() {
                            "<" => CmpOp::Lt,
                            "<=" => CmpOp::Le,
                            ">" => CmpOp::Gt,
                            ">=" => CmpOp::Ge,
                            "!=" => CmpOp::Ne,
                            _ => CmpOp::Eq,
                        }
                    }
                    Rule::number => value = part.as_str().parse().unwrap_or(0.0),
                    _ => {}
                }
            }
            Cond::Compare {
                metric: metric.expect("grammar: metric"),
                per,
                op,
                value,
            }
        }
        other => unreachable!("grammar: unexpected {other:?} in a condition"),
    }
}
