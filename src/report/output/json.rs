//! The JSON shapes. Versioned: a field is never removed or changes meaning
//! without `version` going up. Written straight from the findings, without
//! building a tree first, so a large run does not hold its output in memory.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{self, Write};
use std::ops::Range;

use rayon::prelude::*;
use serde::ser::Serializer;
use serde::Serialize;

use super::pretty::{Array, Depth, Object};
use super::{FileResult, Note, Summary};
use crate::language::rules::Level;
use crate::report::finding::Finding;
use crate::report::suppress::Suppressed;
use crate::report::Redactions;
use crate::text::fold::fold;
use crate::text::line_index::{LineIndex, Position};

/// The version of the JSON output.
pub const JSON_VERSION: u32 = 1;

/// The whole-run document, written a file at a time: `begin`, `file` for each,
/// `end`. The bytes are those of `serde_json`'s pretty printing of
/// `{"version", "files": [...], "notes", "summary"}`.
pub(super) struct Document {
    top: Object,
    files: Array,
}

impl Document {
    pub(super) fn begin(out: &mut impl Write) -> io::Result<Document> {
        let mut top = Object::open(out, Some(0))?;
        top.field(out, "version", &JSON_VERSION)?;
        top.key(out, "files")?;
        let files = Array::open(out, top.inner())?;
        Ok(Document { top, files })
    }

    pub(super) fn file(&mut self, out: &mut impl Write, result: &FileResult) -> io::Result<()> {
        self.files.next(out)?;
        file(out, result, self.files.inner())
    }

    pub(super) fn end(
        self,
        out: &mut impl Write,
        notes: &[Note],
        summary: &Summary,
    ) -> io::Result<()> {
        let Document { mut top, files } = self;
        files.close(out)?;
        top.field(out, "notes", &notes)?;
        top.field(out, "summary", summary)?;
        top.close(out)?;
        out.write_all(b"\n")
    }
}

/// Writes one file's results at `depth` (`None`: on one line, for JSONL).
pub(super) fn file(out: &mut impl Write, result: &FileResult, depth: Depth) -> io::Result<()> {
    let report = &result.report;
    let cx = Cx {
        text: &result.text,
        index: result.index(),
        redactions: &report.redactions,
    };
    let mut o = Object::open(out, depth)?;
    o.field(out, "version", &JSON_VERSION)?;
    o.field(out, "path", &result.path.to_string_lossy())?;
    o.field(out, "format", &result.format)?;
    o.field(out, "channel", &result.channel)?;
    o.field(out, "verdict", &report.verdict)?;
    let triage = report
        .triage
        .as_ref()
        .map(|t| super::TriageJson::new(t, &result.text, &report.redactions));
    o.field(out, "triage", &triage)?;
    o.key(out, "findings")?;
    findings(out, &cx, result.batches(PARALLEL_FINDINGS), o.inner())?;
    let suppressed = SuppressedList {
        cx,
        suppressed: &report.suppressed,
    };
    o.field(out, "suppressed", &suppressed)?;
    // Findings a per-rule cap left out (the verdict counts them), when any were.
    if report.truncated != 0 {
        o.field(out, "truncated", &report.truncated)?;
    }
    o.close(out)
}

#[derive(Clone)]
struct Cx<'a> {
    text: &'a str,
    index: LineIndex,
    redactions: &'a Redactions,
}

/// Findings are written this many at a time, on every core.
const PARALLEL_FINDINGS: usize = 4096;

/// How many findings one core writes in one go.
const FINDINGS_PER_PART: usize = 512;

/// Writes a file's findings, which come in batches, as an array at `depth`. A
/// large batch is written on every core: its fingerprints in order (each counts
/// the ones before it), then its findings in parts, joined in order.
fn findings<'a>(
    out: &mut impl Write,
    cx: &Cx,
    batches: impl Iterator<Item = Cow<'a, [Finding]>>,
    depth: Depth,
) -> io::Result<()> {
    let mut prints = Fingerprints::new(cx.text);
    let mut array = Array::open(out, depth)?;
    for batch in batches {
        if batch.len() < PARALLEL_FINDINGS {
            for f in batch.iter() {
                array.element(out, &finding(cx, f, prints.next(f), None))?;
            }
            continue;
        }
        let mut batch: Vec<(&Finding, String)> =
            batch.iter().map(|f| (f, prints.next(f))).collect();
        let parts: Vec<(Vec<u8>, Array)> = batch
            .par_chunks_mut(FINDINGS_PER_PART)
            .enumerate()
            .map(|(k, part)| {
                let mut buf = Vec::new();
                let mut at = array.at(k * FINDINGS_PER_PART);
                for (f, print) in part {
                    at.element(&mut buf, &finding(cx, f, std::mem::take(print), None))?;
                }
                Ok((buf, at))
            })
            .collect::<io::Result<_>>()?;
        for (buf, at) in parts {
            out.write_all(&buf)?;
            array = at;
        }
    }
    array.close(out)
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
        let (start_position, end_position) = self.index.span(self.text, r);
        LocatedSpan {
            start: r.start,
            end: r.end,
            start_position,
            end_position,
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
    let (start, end) = cx.index.span(text, &f.span);
    FindingJson {
        rule: &f.rule,
        category: &f.category,
        level: f.level,
        message: &f.message,
        span: SpanJson {
            start: f.span.start,
            end: f.span.end,
        },
        start,
        end,
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
