//! SARIF 2.1.0, as GitHub code scanning and other SARIF viewers read it: one run,
//! the rules that ran with their help and links, one result per finding with a
//! region in UTF-16 columns and a stable fingerprint. Redacted text is never
//! written (no snippets; messages are masked when findings are built).

use std::collections::HashMap;
use std::path::Path;

use serde_json::{json, Value};

use super::{FileResult, Note};
use crate::language::rules::{Level, Rule};

/// Where the SARIF 2.1.0 schema lives (what the document's `$schema` names).
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(l: Level) -> &'static str {
    match l {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Info | Level::Hint => "note",
    }
}

/// A path as a relative URI reference: forward slashes, no leading `./`, and
/// bytes outside the unreserved set percent-encoded.
fn uri(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let text = text.trim_start_matches("./");
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// An artifact location: relative paths against `%SRCROOT%` (the folder tenet ran
/// in), absolute ones as `file:` URIs.
fn location(path: &Path) -> Value {
    if path.is_absolute() {
        json!({ "uri": format!("file://{}", uri(path)) })
    } else {
        json!({ "uri": uri(path), "uriBaseId": "%SRCROOT%" })
    }
}

/// The first paragraph of a rule's documentation, whole sentences, as one line.
pub fn summary(doc: &str) -> String {
    doc.split("\n\n")
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The whole SARIF log for a run.
pub(super) fn log(results: &[FileResult], notes: &[Note], rules: &[&Rule]) -> Value {
    let index: HashMap<&str, usize> = rules.iter().enumerate().map(|(i, r)| (&*r.id, i)).collect();
    let descriptors: Vec<Value> = rules
        .iter()
        .map(|r| {
            let short = summary(&r.doc);
            let mut d = json!({
                "id": r.id,
                "shortDescription": { "text": if short.is_empty() { r.id.to_string() } else { short } },
                "defaultConfiguration": { "level": level(r.level) },
                "properties": { "category": r.category, "tags": [r.category] },
            });
            if !r.doc.trim().is_empty() {
                d["fullDescription"] = json!({ "text": r.doc.trim() });
                d["help"] = json!({ "text": r.doc.trim(), "markdown": r.doc.trim() });
            }
            if let Some(link) = &r.link {
                d["helpUri"] = json!(link);
            }
            d
        })
        .collect();
    let mut out = Vec::new();
    for file in results {
        let index_of_text = file.index();
        let prints = super::fingerprints(&file.text, &file.report.findings);
        for (f, print) in file.report.findings.iter().zip(prints) {
            let start = index_of_text.position(&file.text, f.span.start);
            let end = index_of_text.position(&file.text, f.span.end);
            let mut region = json!({
                "startLine": start.line,
                "startColumn": start.utf16,
                "endLine": end.line,
                "endColumn": end.utf16,
            });
            if f.document {
                // A remark on the whole draft: its first line.
                region = json!({ "startLine": start.line });
            }
            let mut result = json!({
                "ruleId": f.rule,
                "level": level(f.level),
                "message": { "text": f.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": location(&file.path),
                        "region": region,
                    }
                }],
                "partialFingerprints": { "tenet/v1": print },
            });
            if let Some(&i) = index.get(&*f.rule) {
                result["ruleIndex"] = json!(i);
            }
            out.push(result);
        }
    }
    let notifications: Vec<Value> = notes
        .iter()
        .map(|n| {
            json!({
                "level": "warning",
                "message": { "text": n.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": location(&n.path)
                    }
                }],
            })
        })
        .collect();
    let mut run = json!({
        "tool": {
            "driver": {
                "name": "tenet",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": descriptors,
            }
        },
        "invocations": [{
            "executionSuccessful": true,
            "toolExecutionNotifications": notifications,
        }],
        "columnKind": "utf16CodeUnits",
        "results": out,
    });
    if let Some(root) = std::env::current_dir()
        .ok()
        .and_then(|d| d.to_str().map(str::to_owned))
    {
        let mut root = uri(Path::new(&root));
        if !root.ends_with('/') {
            root.push('/');
        }
        run["originalUriBaseIds"] = json!({ "%SRCROOT%": { "uri": format!("file://{root}") } });
    }
    json!({ "$schema": SCHEMA, "version": "2.1.0", "runs": [run] })
}
