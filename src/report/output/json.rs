//! The JSON shapes. Versioned: a field is never removed or changes meaning
//! without `version` going up. Written straight from the findings, without
//! building a tree first, so a large run does not hold its output in memory.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use serde::ser::{SerializeSeq, Serializer};
use serde::Serialize;

use super::{FileResult, Note, Summary};
use crate::draft::Format;
use crate::language::rules::Level;
use crate::report::finding::Finding;
use crate::report::suppress::Suppressed;
use crate::report::{Redactions, Verdict};
use crate::text::fold::fold;
use crate::text::line_index::{LineIndex, Position};

/// The version of the JSON output.
pub const JSON_VERSION: u32 = 1;

#[derive(Serialize)]
pub(super) struct Document<'a> {
    version: u32,
    files: Files<'a>,
    notes: &'a [Note],
    summary: &'a Summary,
}

pub(super) fn document<'a>(
    results: &'a [FileResult],
    notes: &'a [Note],
    summary: &'a Summary,
) -> Document<'a> {
    Document {
        version: JSON_VERSION,
        files: Files(results),
        notes,
        summary,
    }
}

struct Files<'a>(&'a [FileResult]);

impl Serialize for Files<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(file))
    }
}

#[derive(Serialize)]
pub(super) struct File<'a> {
    version: u32,
    #[serde(serialize_with = "lossy_path")]
    path: &'a Path,
    format: Format,
    channel: &'a str,
    verdict: Verdict,
    triage: Option<super::TriageJson<'a>>,
    findings: Findings<'a>,
    suppressed: SuppressedList<'a>,
    /// Findings a per-rule cap left out (the verdict counts them).
    #[serde(skip_serializing_if = "is_zero")]
    truncated: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// A path as a string; bytes that are not UTF-8 become U+FFFD, so the document is
/// always valid JSON.
pub(super) fn lossy_path<S: Serializer>(path: &&Path, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&path.to_string_lossy())
}

pub(super) fn file(result: &FileResult) -> File<'_> {
    let cx = Cx {
        text: &result.text,
        index: result.index(),
        redactions: &result.report.redactions,
    };
    File {
        version: JSON_VERSION,
        path: &result.path,
        format: result.format,
        channel: &result.channel,
        verdict: result.report.verdict,
        triage: result
            .report
            .triage
            .as_ref()
            .map(|t| super::TriageJson::new(t, &result.text, &result.report.redactions)),
        findings: Findings {
            cx: cx.clone(),
            findings: &result.report.findings,
        },
        suppressed: SuppressedList {
            cx,
            suppressed: &result.report.suppressed,
        },
        truncated: result.report.truncated,
    }
}

#[derive(Clone)]
struct Cx<'a> {
    text: &'a str,
    index: LineIndex,
    redactions: &'a Redactions,
}

struct Findings<'a> {
    cx: Cx<'a>,
    findings: &'a [Finding],
}

impl Serialize for Findings<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut prints = Fingerprints::new(self.cx.text);
        let mut seq = s.serialize_seq(Some(self.findings.len()))?;
        for f in self.findings {
            seq.serialize_element(&finding(&self.cx, f, prints.next(f), None))?;
        }
        seq.end()
    }
}

struct SuppressedList<'a> {
    cx: Cx<'a>,
    suppressed: &'a [Suppressed],
}

impl Serialize for SuppressedList<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.suppressed.iter().map(|x| {
            let print = fingerprint(&x.finding.rule, &key(self.cx.text, &x.finding), 0);
            finding(&self.cx, &x.finding, print, Some(x))
        }))
    }
}

#[derive(Serialize)]
struct SpanJson {
    start: usize,
    end: usize,
}

#[derive(Serialize)]
struct LocatedSpan {
    start: usize,
    end: usize,
    start_position: Position,
    end_position: Position,
}

#[derive(Serialize)]
struct EditJson<'a> {
    span: LocatedSpan,
    text: &'a str,
}

#[derive(Serialize)]
struct FixJson<'a> {
    title: &'a str,
    safe: bool,
    edits: Vec<EditJson<'a>>,
}

#[derive(Serialize)]
struct FindingJson<'a> {
    rule: &'a str,
    category: &'a str,
    level: Level,
    message: &'a str,
    span: SpanJson,
    start: Position,
    end: Position,
    #[serde(rename = "match")]
    matched: Option<Cow<'a, str>>,
    redacted: bool,
    document: bool,
    review: bool,
    suggestions: &'a [String],
    fix: Option<FixJson<'a>>,
    evidence: Vec<LocatedSpan>,
    link: Option<&'a str>,
    fingerprint: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<Option<&'a str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    directive: Option<LocatedSpan>,
}

impl Cx<'_> {
    fn located(&self, r: &Range<usize>) -> LocatedSpan {
        LocatedSpan {
            start: r.start,
            end: r.end,
            start_position: self.index.position(self.text, r.start),
            end_position: self.index.position(self.text, r.end),
        }
    }
}

fn finding<'a>(
    cx: &Cx<'a>,
    f: &'a Finding,
    fingerprint: String,
    suppressed: Option<&'a Suppressed>,
) -> FindingJson<'a> {
    let text = cx.text;
    FindingJson {
        rule: &f.rule,
        category: &f.category,
        level: f.level,
        message: &f.message,
        span: SpanJson {
            start: f.span.start,
            end: f.span.end,
        },
        start: cx.index.position(text, f.span.start),
        end: cx.index.position(text, f.span.end),
        matched: (!f.redacted && !f.document).then(|| cx.redactions.mask(text, f.span.clone())),
        redacted: f.redacted,
        document: f.document,
        review: f.review,
        suggestions: &f.suggestions,
        fix: f.fix.as_ref().map(|fix| FixJson {
            title: &fix.title,
            safe: fix.safe,
            edits: fix
                .edits
                .iter()
                .map(|e| EditJson {
                    span: cx.located(&e.span),
                    text: &e.text,
                })
                .collect(),
        }),
        evidence: f.evidence.iter().map(|e| cx.located(e)).collect(),
        link: f.link.as_deref(),
        fingerprint,
        reason: suppressed.map(|s| s.reason.as_deref()),
        directive: suppressed.map(|s| cx.located(&s.directive)),
    }
}

/// Stable fingerprints for findings: the rule, the matched text (caseless; left out
/// when redacted) and which occurrence of that pair it is — never the line number,
/// so a finding keeps its fingerprint when lines are added above it.
pub fn fingerprints(text: &str, findings: &[Finding]) -> Vec<String> {
    let mut prints = Fingerprints::new(text);
    findings.iter().map(|f| prints.next(f)).collect()
}

/// [`fingerprints`] one finding at a time, in order: what it keeps is one count
/// per distinct rule and text, not a string per finding.
pub struct Fingerprints<'a> {
    text: &'a str,
    seen: HashMap<std::sync::Arc<str>, HashMap<String, usize>>,
}

impl<'a> Fingerprints<'a> {
    /// For the findings of the draft `text`.
    pub fn new(text: &'a str) -> Self {
        Fingerprints {
            text,
            seen: HashMap::new(),
        }
    }

    /// The fingerprint of the next finding.
    pub fn next(&mut self, f: &Finding) -> String {
        let key = key(self.text, f);
        let counts = self.seen.entry(f.rule.clone()).or_default();
        let n = match counts.get_mut(key.as_str()) {
            Some(n) => {
                *n += 1;
                *n - 1
            }
            None => {
                counts.insert(key.clone(), 1);
                0
            }
        };
        fingerprint(&f.rule, &key, n)
    }
}

/// What a finding's fingerprint says of its text.
fn key(text: &str, f: &Finding) -> String {
    if f.redacted || f.document {
        String::new()
    } else {
        fold(&text[f.span.clone()])
    }
}

fn fingerprint(rule: &str, key: &str, occurrence: usize) -> String {
    // FNV-1a, 64 bits: stable across versions and platforms, unlike std's hasher.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [
        rule.as_bytes(),
        &[0],
        key.as_bytes(),
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
