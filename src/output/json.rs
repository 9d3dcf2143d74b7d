//! The JSON shapes. Versioned: a field is never removed or changes meaning
//! without `version` going up.

use std::collections::HashMap;
use std::ops::Range;

use serde::Serialize;
use serde_json::{json, Value};

use super::{FileResult, Note, Summary};
use crate::finding::Finding;
use crate::fold::fold;
use crate::line_index::LineIndex;

/// The version of the JSON output.
pub const JSON_VERSION: u32 = 1;

pub(super) fn document(results: &[FileResult], notes: &[Note], summary: &Summary) -> Value {
    json!({
        "version": JSON_VERSION,
        "files": results.iter().map(file).collect::<Vec<_>>(),
        "notes": notes,
        "summary": summary,
    })
}

pub(super) fn file(result: &FileResult) -> Value {
    let index = result.index();
    let text = &result.text;
    let report = &result.report;
    let prints = fingerprints(text, &report.findings);
    let findings: Vec<Value> = report
        .findings
        .iter()
        .zip(prints)
        .map(|(f, fingerprint)| finding(text, &index, f, fingerprint))
        .collect();
    let suppressed: Vec<Value> = report
        .suppressed
        .iter()
        .map(|s| {
            let mut v = finding(text, &index, &s.finding, fingerprint(text, &s.finding, 0));
            v["reason"] = json!(s.reason);
            v["directive"] = span(text, &index, &s.directive);
            v
        })
        .collect();
    json!({
        "version": JSON_VERSION,
        "path": result.path,
        "format": result.format,
        "channel": result.channel,
        "verdict": report.verdict,
        "triage": report.triage,
        "findings": findings,
        "suppressed": suppressed,
    })
}

fn span(text: &str, index: &LineIndex, r: &Range<usize>) -> Value {
    json!({
        "start": r.start,
        "end": r.end,
        "start_position": index.position(text, r.start),
        "end_position": index.position(text, r.end),
    })
}

#[derive(Serialize)]
struct EditJson {
    span: Value,
    text: String,
}

fn finding(text: &str, index: &LineIndex, f: &Finding, fingerprint: String) -> Value {
    let start = index.position(text, f.span.start);
    let end = index.position(text, f.span.end);
    let fix = f.fix.as_ref().map(|fix| {
        json!({
            "title": fix.title,
            "safe": fix.safe,
            "edits": fix.edits.iter().map(|e| EditJson { span: span(text, index, &e.span), text: e.text.clone() }).collect::<Vec<_>>(),
        })
    });
    let matched = (!f.redacted && !f.document).then(|| &text[f.span.clone()]);
    json!({
        "rule": f.rule,
        "category": f.category,
        "level": f.level,
        "message": f.message,
        "span": { "start": f.span.start, "end": f.span.end },
        "start": start,
        "end": end,
        "match": matched,
        "redacted": f.redacted,
        "document": f.document,
        "review": f.review,
        "suggestions": f.suggestions,
        "fix": fix,
        "evidence": f.evidence.iter().map(|e| span(text, index, e)).collect::<Vec<_>>(),
        "link": f.link,
        "fingerprint": fingerprint,
    })
}

/// Stable fingerprints for findings: the rule, the matched text (caseless; left out
/// when redacted) and which occurrence of that pair it is — never the line number,
/// so a finding keeps its fingerprint when lines are added above it.
pub fn fingerprints(text: &str, findings: &[Finding]) -> Vec<String> {
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    findings
        .iter()
        .map(|f| {
            let n = seen.entry((f.rule.clone(), key(text, f))).or_default();
            let print = fingerprint(text, f, *n);
            *n += 1;
            print
        })
        .collect()
}

fn key(text: &str, f: &Finding) -> String {
    if f.redacted || f.document {
        String::new()
    } else {
        fold(&text[f.span.clone()])
    }
}

fn fingerprint(text: &str, f: &Finding, occurrence: usize) -> String {
    // FNV-1a, 64 bits: stable across versions and platforms, unlike std's hasher.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [
        f.rule.as_bytes(),
        &[0],
        key(text, f).as_bytes(),
        &[0],
        occurrence.to_string().as_bytes(),
    ] {
        for &b in part {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}
