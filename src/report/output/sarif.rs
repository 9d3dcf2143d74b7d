//! SARIF 2.1.0, as GitHub code scanning and other SARIF viewers read it: one run,
//! the rules that ran with their help and links, one result per finding with a
//! region in UTF-16 columns and a stable fingerprint. Redacted text is never
//! written (no snippets; messages are masked when findings are built).

use std::io::{self, Write};
use std::path::Path;

use foldhash::HashMap;
use serde::Serialize;

use super::frame::{Field, Frame};
use super::json::each_finding;
use super::pretty::{value, Array, Object};
use super::{FileResult, Note, BATCH};
use crate::language::rules::{Level, Rule};
use crate::report::finding::Finding;

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
#[derive(Serialize)]
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

/// The fields of a result, in the order they are written: with columns and an
/// end for a finding on a span, the first line alone for a remark on the whole
/// draft; with the rule's index when the rule is described.
const RESULTS: [&[Field]; 4] = [
    &[RULE_ID, LEVEL, MESSAGE, LOCATION_SPAN, PRINT, RULE_INDEX],
    &[RULE_ID, LEVEL, MESSAGE, LOCATION_SPAN, PRINT],
    &[RULE_ID, LEVEL, MESSAGE, LOCATION_LINE, PRINT, RULE_INDEX],
    &[RULE_ID, LEVEL, MESSAGE, LOCATION_LINE, PRINT],
];
const RULE_ID: Field = Field::Value("ruleId");
const LEVEL: Field = Field::Value("level");
const MESSAGE: Field = Field::Object("message", &[Field::Value("text")]);
const LOCATION_SPAN: Field = Field::Single(
    "locations",
    &[Field::Object(
        "physicalLocation",
        &[
            Field::Value("artifactLocation"),
            Field::Object(
                "region",
                &[
                    Field::Value("startLine"),
                    Field::Value("startColumn"),
                    Field::Value("endLine"),
                    Field::Value("endColumn"),
                ],
            ),
        ],
    )],
);
const LOCATION_LINE: Field = Field::Single(
    "locations",
    &[Field::Object(
        "physicalLocation",
        &[
            Field::Value("artifactLocation"),
            Field::Object("region", &[Field::Value("startLine")]),
        ],
    )],
);
const PRINT: Field = Field::Object("partialFingerprints", &[Field::Value("tenet/v1")]);
const RULE_INDEX: Field = Field::Value("ruleIndex");

/// The SARIF log of a run, written a file at a time as the files are checked:
/// the rules that ran, each file's results, then the invocation with its
/// notifications (files that could not be read). A run's results are never
/// all held.
pub(super) struct Document {
    /// What comes before the first result, until it is written.
    head: Vec<u8>,
    top: Object,
    runs: Array,
    run: Object,
    results: Array,
    /// Each described rule's index.
    index: HashMap<String, usize>,
    /// The frames of [`RESULTS`].
    frames: [Frame; 4],
}

impl Document {
    /// The log of a run of `rules`.
    pub(super) fn new(rules: &[&Rule]) -> Document {
        Document::begun(rules).expect("a Vec takes every write")
    }

    fn begun(rules: &[&Rule]) -> io::Result<Document> {
        let mut head = Vec::new();
        let mut top = Object::open(&mut head, Some(0))?;
        top.field(&mut head, "$schema", &SCHEMA)?;
        top.field(&mut head, "version", &"2.1.0")?;
        top.key(&mut head, "runs")?;
        let mut runs = Array::open(&mut head, top.inner())?;
        runs.next(&mut head)?;
        let mut run = Object::open(&mut head, runs.inner())?;
        let tool = Tool {
            driver: Driver {
                name: "tenet",
                version: crate::VERSION,
                semantic_version: env!("CARGO_PKG_VERSION"),
                rules: rules.iter().map(|r| descriptor(r)).collect(),
            },
        };
        run.field(&mut head, "tool", &tool)?;
        run.field(&mut head, "columnKind", &"utf16CodeUnits")?;
        if let Some(root) = root() {
            run.field(&mut head, "originalUriBaseIds", &root)?;
        }
        run.key(&mut head, "results")?;
        let results = Array::open(&mut head, run.inner())?;
        let frames = RESULTS.map(|fields| Frame::lay(results.inner(), &[fields]));
        Ok(Document {
            head,
            top,
            runs,
            run,
            results,
            index: rules
                .iter()
                .enumerate()
                .map(|(i, r)| (r.id.to_string(), i))
                .collect(),
            frames,
        })
    }

    /// Writes what comes before the results, if it is not yet written.
    fn begin(&mut self, out: &mut impl Write) -> io::Result<()> {
        if !self.head.is_empty() {
            out.write_all(&std::mem::take(&mut self.head))?;
        }
        Ok(())
    }

    /// Writes a file's findings, one result each.
    pub(super) fn file(&mut self, out: &mut impl Write, file: &FileResult) -> io::Result<()> {
        self.begin(out)?;
        let lines = file.index();
        // Where a result's artifact sits: in its location's physical location.
        let depth = self.frames[0].inner.map(|d| d + 3);
        let mut artifact = Vec::new();
        value(&mut artifact, &location(&file.path), depth)?;
        let frames = &self.frames;
        let index = &self.index;
        let write = |buf: &mut Vec<u8>, f: &Finding, print: &str| {
            let rule_index = index.get(&*f.rule).copied();
            // As `RESULTS` lists them.
            let variant = 2 * usize::from(f.document) + usize::from(rule_index.is_none());
            let mut o = frames[variant].over(buf);
            o.str(&f.rule)?;
            o.str(level(f.level))?;
            o.str(&f.message)?;
            o.next().extend_from_slice(&artifact);
            let (start, end) = lines.span(&file.text, &f.span);
            o.uint(start.line as usize);
            if !f.document {
                o.uint(start.utf16 as usize);
                o.uint(end.line as usize);
                o.uint(end.utf16 as usize);
            }
            o.str(print)?;
            if let Some(i) = rule_index {
                o.uint(i);
            }
            o.end();
            Ok(())
        };
        let batches = file.unbuilt_batches(BATCH);
        self.results = each_finding(out, &file.text, batches, self.results, write)?;
        Ok(())
    }

    /// Writes the end of the log: the invocation, with a notification for each
    /// file that could not be read.
    pub(super) fn end(mut self, out: &mut impl Write, notes: &[Note]) -> io::Result<()> {
        self.begin(out)?;
        let Document {
            top,
            runs,
            mut run,
            results,
            ..
        } = self;
        results.close(out)?;
        let invocation = Invocation {
            execution_successful: true,
            tool_execution_notifications: notes.iter().map(notification).collect(),
        };
        run.field(out, "invocations", &[invocation])?;
        run.close(out)?;
        runs.close(out)?;
        top.close(out)?;
        out.write_all(b"\n")
    }
}

/// The folder tenet runs in, which relative paths are against.
fn root() -> Option<BaseIds> {
    let root = std::env::current_dir().ok()?;
    let mut root = uri(Path::new(root.to_str()?));
    if !root.ends_with('/') {
        root.push('/');
    }
    Some(BaseIds {
        src_root: Uri {
            uri: format!("file://{root}"),
        },
    })
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
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    /// The build, exactly (see [`crate::VERSION`]).
    version: &'static str,
    semantic_version: &'static str,
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
    locations: [Location; 1],
}

fn notification(n: &Note) -> Notification<'_> {
    Notification {
        level: "warning",
        message: Text { text: &n.message },
        locations: [Location {
            physical_location: Physical {
                artifact_location: location(&n.path),
            },
        }],
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: Physical,
}

/// A notification's location: the file, without a region.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Physical {
    artifact_location: Artifact,
}
