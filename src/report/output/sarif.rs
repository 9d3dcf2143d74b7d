//! SARIF 2.1.0, as GitHub code scanning and other SARIF viewers read it: one run,
//! the rules that ran with their help and links, one result per finding with a
//! region in UTF-16 columns and a stable fingerprint. Redacted text is never
//! written (no snippets; messages are masked when findings are built).

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;

use serde::ser::{SerializeSeq, Serializer};
use serde::Serialize;

use super::json::Fingerprints;
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
#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Artifact {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

fn location(path: &Path) -> Artifact {
    if path.is_absolute() {
        Artifact {
            uri: format!("file://{}", uri(path)),
            uri_base_id: None,
        }
    } else {
        Artifact {
            uri: uri(path),
            uri_base_id: Some("%SRCROOT%"),
        }
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

/// The whole SARIF log for a run, written straight from the findings: a large
/// run's results are never held as a tree.
pub(super) fn log<'a>(results: &'a [FileResult], notes: &'a [Note], rules: &[&'a Rule]) -> Log<'a> {
    let root = std::env::current_dir()
        .ok()
        .and_then(|d| d.to_str().map(str::to_owned))
        .map(|root| {
            let mut root = uri(Path::new(&root));
            if !root.ends_with('/') {
                root.push('/');
            }
            BaseIds {
                src_root: Uri {
                    uri: format!("file://{root}"),
                },
            }
        });
    Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "tenet",
                    version: env!("CARGO_PKG_VERSION"),
                    rules: rules.iter().map(|r| descriptor(r)).collect(),
                },
            },
            invocations: [Invocation {
                execution_successful: true,
                tool_execution_notifications: notes.iter().map(notification).collect(),
            }],
            column_kind: "utf16CodeUnits",
            results: Results {
                files: results,
                index: rules.iter().enumerate().map(|(i, r)| (&*r.id, i)).collect(),
            },
            original_uri_base_ids: root,
        }],
    }
}

#[derive(Serialize)]
pub(super) struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    invocations: [Invocation<'a>; 1],
    column_kind: &'static str,
    results: Results<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    original_uri_base_ids: Option<BaseIds>,
}

#[derive(Serialize)]
struct BaseIds {
    #[serde(rename = "%SRCROOT%")]
    src_root: Uri,
}

#[derive(Serialize)]
struct Uri {
    uri: String,
}

/// A message or description: `{"text": …}`.
#[derive(Serialize)]
struct Text<T> {
    text: T,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
struct Driver<'a> {
    name: &'static str,
    version: &'static str,
    rules: Vec<Descriptor<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor<'a> {
    id: &'a str,
    short_description: Text<String>,
    default_configuration: Configuration,
    properties: Properties<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    full_description: Option<Text<&'a str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<Help<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<&'a str>,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct Properties<'a> {
    category: &'a str,
    tags: [&'a str; 1],
}

#[derive(Serialize)]
struct Help<'a> {
    text: &'a str,
    markdown: &'a str,
}

fn descriptor<'a>(r: &'a Rule) -> Descriptor<'a> {
    let short = summary(&r.doc);
    let doc = r.doc.trim();
    let documented = !doc.is_empty();
    Descriptor {
        id: &r.id,
        short_description: Text {
            text: if short.is_empty() {
                r.id.to_string()
            } else {
                short
            },
        },
        default_configuration: Configuration {
            level: level(r.level),
        },
        properties: Properties {
            category: &r.category,
            tags: [&r.category],
        },
        full_description: documented.then_some(Text { text: doc }),
        help: documented.then_some(Help {
            text: doc,
            markdown: doc,
        }),
        help_uri: r.link.as_deref(),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation<'a> {
    execution_successful: bool,
    tool_execution_notifications: Vec<Notification<'a>>,
}

#[derive(Serialize)]
struct Notification<'a> {
    level: &'static str,
    message: Text<&'a str>,
    locations: [Location<'a>; 1],
}

fn notification(n: &Note) -> Notification<'_> {
    Notification {
        level: "warning",
        message: Text { text: &n.message },
        locations: [Location {
            physical_location: Physical {
                artifact_location: Cow::Owned(location(&n.path)),
                region: None,
            },
        }],
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    physical_location: Physical<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Physical<'a> {
    artifact_location: Cow<'a, Artifact>,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

/// Lines from 1 and columns in UTF-16 code units from 1; a remark on the whole
/// draft has its first line alone.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<u32>,
}

/// Every finding of every file, one result each, serialized as they are met.
struct Results<'a> {
    files: &'a [FileResult],
    index: HashMap<&'a str, usize>,
}

impl Serialize for Results<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let total = self.files.iter().map(|f| f.report.findings.len()).sum();
        let mut seq = s.serialize_seq(Some(total))?;
        for file in self.files {
            let lines = file.index();
            let artifact = location(&file.path);
            let mut prints = Fingerprints::new(&file.text);
            for f in &file.report.findings {
                let (start, end) = lines.span(&file.text, &f.span);
                let span = !f.document;
                seq.serialize_element(&SarifResult {
                    rule_id: &f.rule,
                    level: level(f.level),
                    message: Text { text: &f.message },
                    locations: [Location {
                        physical_location: Physical {
                            artifact_location: Cow::Borrowed(&artifact),
                            region: Some(Region {
                                start_line: start.line,
                                start_column: span.then_some(start.utf16),
                                end_line: span.then_some(end.line),
                                end_column: span.then_some(end.utf16),
                            }),
                        },
                    }],
                    partial_fingerprints: PartialFingerprints {
                        tenet: prints.next(f),
                    },
                    rule_index: self.index.get(&*f.rule).copied(),
                })?;
            }
        }
        seq.end()
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    level: &'static str,
    message: Text<&'a str>,
    locations: [Location<'a>; 1],
    partial_fingerprints: PartialFingerprints,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
}

#[derive(Serialize)]
struct PartialFingerprints {
    #[serde(rename = "tenet/v1")]
    tenet: String,
}
