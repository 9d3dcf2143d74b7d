//! Rendering check results. One file per format behind [`OutputFormat`]; only this
//! module knows the formats' wire shapes.

mod frame;
mod github;
mod human;
mod json;
mod junit;
mod pretty;
pub mod sarif;
pub mod verdict;

use std::borrow::Cow;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::draft::Format;
use crate::language::rules::{Level, Rule};
use crate::report::{Batch, Deferred, Finding, Report};
use crate::text::encoding::Encoding;
use crate::text::line_index::LineIndex;

pub use json::{fingerprints, Fingerprints, JSON_VERSION};

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// `path:line:col`, the line and a caret, a summary.
    Human,
    /// One versioned JSON object for the whole run.
    Json,
    /// One JSON object per checked file, one per line.
    Jsonl,
    /// `path:N` for each file with findings, like `grep -c`.
    Count,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions annotations.
    Github,
    /// JUnit XML.
    Junit,
}

impl OutputFormat {
    /// Every format, by the name the command line takes.
    pub const ALL: &'static [(&'static str, OutputFormat)] = &[
        ("human", OutputFormat::Human),
        ("json", OutputFormat::Json),
        ("jsonl", OutputFormat::Jsonl),
        ("count", OutputFormat::Count),
        ("sarif", OutputFormat::Sarif),
        ("github", OutputFormat::Github),
        ("junit", OutputFormat::Junit),
    ];

    /// The format with this name.
    pub fn parse(name: &str) -> Option<OutputFormat> {
        OutputFormat::ALL
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, f)| *f)
    }
}

/// How many deferred findings the formats that print one at a time build in
/// one go.
const BATCH: usize = 4096;

/// One checked draft and what was found.
#[derive(Debug)]
pub struct FileResult {
    /// The path as given (`-` or `--stdin-filename` for standard input).
    pub path: PathBuf,
    /// The draft's text.
    pub text: String,
    /// How it was parsed.
    pub format: Format,
    /// Which channel it was checked for.
    pub channel: String,
    /// The report.
    pub report: Report,
    /// The findings, when they are built as they are written: the report's
    /// are then left out.
    pub deferred: Option<Deferred>,
    /// Findings fixed before this report (`--fix`).
    pub fixed: usize,
    /// Whether the draft came from standard input.
    pub stdin: bool,
    /// The encoding the draft was read in, which fixed text is written in.
    pub encoding: Encoding,
}

impl FileResult {
    /// Line index of the text, built on demand.
    pub fn index(&self) -> LineIndex {
        LineIndex::new(&self.text)
    }

    /// How many findings there are.
    pub fn finding_count(&self) -> usize {
        self.report.findings.len() + self.deferred.as_ref().map_or(0, Deferred::len)
    }

    /// Each finding's level, and whether its rule holds the draft for review.
    pub fn levels(&self) -> impl Iterator<Item = (Level, bool)> + '_ {
        let built = self.report.findings.iter().map(|f| (f.level, f.review));
        built.chain(self.deferred.iter().flat_map(Deferred::levels))
    }

    /// The findings in order, about `size` at a time, deferred ones built
    /// only as each is written.
    pub fn unbuilt_batches(&self, size: usize) -> Box<dyn Iterator<Item = Batch<'_>> + '_> {
        match &self.deferred {
            Some(d) => Box::new(d.unbuilt_batches(&self.text, &self.report.redactions, size)),
            None => Box::new(self.report.findings.chunks(size.max(1)).map(Batch::built)),
        }
    }

    /// The findings in order, about `size` at a time: deferred ones are built
    /// batch by batch.
    pub fn batches(&self, size: usize) -> Box<dyn Iterator<Item = Cow<'_, [Finding]>> + '_> {
        match &self.deferred {
            Some(d) => Box::new(
                d.batches(&self.text, &self.report.redactions, size)
                    .map(Cow::Owned),
            ),
            None => Box::new(self.report.findings.chunks(size.max(1)).map(Cow::Borrowed)),
        }
    }
}

/// A file that could not be checked, and why.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Note {
    /// The file.
    #[serde(serialize_with = "lossy_path_buf")]
    pub path: PathBuf,
    /// What happened.
    pub message: String,
}

fn lossy_path_buf<S: serde::Serializer>(path: &Path, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&path.to_string_lossy())
}

/// A path as a line of human output shows it: control characters (a newline in a
/// file name could forge an output line) are escaped as `\n`, `\x1b` and so on.
pub fn display_path(path: &Path) -> String {
    let text = path.to_string_lossy();
    if !text.chars().any(char::is_control) {
        return text.into_owned();
    }
    text.chars()
        .map(|c| match c {
            '\n' => "\\n".to_string(),
            '\r' => "\\r".to_string(),
            '\t' => "\\t".to_string(),
            c if c.is_control() => format!("\\x{:02x}", c as u32),
            c => c.to_string(),
        })
        .collect()
}

/// A triage result as JSON: the category, the priority, the weight each category
/// gathered, and the evidence that decided, with its text (redacted text masked).
#[derive(serde::Serialize)]
pub struct TriageJson<'a> {
    category: Option<&'a str>,
    priority: Option<u8>,
    scores: serde_json::Map<String, serde_json::Value>,
    evidence: Vec<TriageEvidenceJson<'a>>,
}

#[derive(serde::Serialize)]
struct TriageEvidenceJson<'a> {
    decides: &'a str,
    weight: f64,
    found: Vec<FoundJson<'a>>,
}

#[derive(serde::Serialize)]
struct FoundJson<'a> {
    start: usize,
    end: usize,
    utf16: crate::text::units::Pair,
    chars: crate::text::units::Pair,
    text: std::borrow::Cow<'a, str>,
}

impl<'a> TriageJson<'a> {
    /// The JSON of a triage result on `text`.
    pub fn new(
        t: &'a crate::report::TriageResult,
        text: &'a str,
        redactions: &'a crate::report::Redactions,
    ) -> TriageJson<'a> {
        let mut units = crate::text::units::Units::new(text);
        TriageJson {
            category: t.category.as_deref(),
            priority: t.priority,
            scores: t
                .scores
                .iter()
                .map(|(c, s)| (c.clone(), serde_json::json!(s)))
                .collect(),
            evidence: t
                .evidence
                .iter()
                .map(|e| TriageEvidenceJson {
                    decides: &e.decides,
                    weight: e.weight,
                    found: e
                        .spans
                        .iter()
                        .filter(|r| text.get((*r).clone()).is_some())
                        .map(|r| {
                            let span = units.span(r.clone());
                            FoundJson {
                                start: r.start,
                                end: r.end,
                                utf16: span.utf16,
                                chars: span.chars,
                                text: redactions.mask(text, r.clone()),
                            }
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// Counts over a whole run.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Summary {
    /// Files checked.
    pub files: usize,
    /// Files with at least one finding.
    pub files_with_findings: usize,
    /// All findings.
    pub findings: usize,
    /// Error-level findings.
    pub errors: usize,
    /// Warning-level findings.
    pub warnings: usize,
    /// Info-level findings.
    pub infos: usize,
    /// Hint-level findings.
    pub hints: usize,
    /// Findings removed by suppressions.
    pub suppressed: usize,
    /// Files that could not be checked.
    pub skipped: usize,
}

impl Summary {
    /// Counts one more checked file.
    pub fn add(&mut self, result: &FileResult) {
        let report = &result.report;
        self.files += 1;
        if result.finding_count() > 0 {
            self.files_with_findings += 1;
        }
        self.suppressed += report.suppressed.len();
        for (level, _) in result.levels() {
            self.findings += 1;
            match level {
                Level::Error => self.errors += 1,
                Level::Warning => self.warnings += 1,
                Level::Info => self.infos += 1,
                Level::Hint => self.hints += 1,
            }
        }
    }
}

/// Prints a run's files one at a time, in order, as they are checked, and then
/// what comes after them. JUnit, whose first line gives the run's totals, keeps
/// each file's test cases (not its text and findings) until the end.
pub struct Printer {
    format: OutputFormat,
    color: bool,
    /// The JSON document, once its beginning is written.
    document: Option<json::Document>,
    /// The SARIF log.
    sarif: Option<sarif::Document>,
    /// The JUnit report.
    junit: junit::Document,
}

impl Printer {
    /// A printer of `format`; `rules` are the rules that run, which SARIF
    /// describes.
    pub fn new(format: OutputFormat, color: bool, rules: &[&Rule]) -> Printer {
        Printer {
            format,
            color,
            document: None,
            sarif: (format == OutputFormat::Sarif).then(|| sarif::Document::new(rules)),
            junit: junit::Document::default(),
        }
    }

    /// Prints one file's results.
    pub fn file(&mut self, result: &FileResult, out: &mut dyn Write) -> io::Result<()> {
        match self.format {
            OutputFormat::Human => human::file(result, self.color, out),
            OutputFormat::Json => buffered(out, |out| self.document(out)?.file(out, result)),
            OutputFormat::Jsonl => buffered(out, |out| {
                json::file(out, result, None)?;
                writeln!(out)
            }),
            OutputFormat::Count => match result.finding_count() {
                0 => Ok(()),
                n => writeln!(out, "{}:{n}", display_path(&result.path)),
            },
            OutputFormat::Github => github::file(result, out),
            OutputFormat::Sarif => {
                let sarif = self.sarif.as_mut().expect("made for SARIF");
                buffered(out, |out| sarif.file(out, result))
            }
            OutputFormat::Junit => {
                self.junit.file(result);
                Ok(())
            }
        }
    }

    /// Prints what comes after the files: the summary line of human output, the
    /// end of the JSON document.
    pub fn end(mut self, notes: &[Note], summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
        match self.format {
            OutputFormat::Human => human::summary(summary, self.color, out),
            OutputFormat::Json => buffered(out, |out| {
                self.document(out)?;
                let document = self.document.take().expect("begun");
                document.end(out, notes, summary)
            }),
            OutputFormat::Sarif => {
                let sarif = self.sarif.take().expect("made for SARIF");
                buffered(out, |out| sarif.end(out, notes))
            }
            OutputFormat::Junit => buffered(out, |out| self.junit.end(out, notes)),
            _ => Ok(()),
        }
    }

    /// The JSON document, its beginning written first if it is not yet.
    fn document(&mut self, out: &mut impl Write) -> io::Result<&mut json::Document> {
        if self.document.is_none() {
            self.document = Some(json::Document::begin(out)?);
        }
        Ok(self.document.as_mut().expect("begun"))
    }
}

/// Runs `write` on a buffer whose type is known, in front of `out`, so that the
/// many small writes of JSON are copies, not calls through `dyn Write`. What is
/// left in the buffer goes to `out` at the end; `out` itself is not flushed (it
/// is buffered too: a system call per file would only cost).
fn buffered(
    out: &mut dyn Write,
    write: impl FnOnce(&mut io::BufWriter<&mut dyn Write>) -> io::Result<()>,
) -> io::Result<()> {
    let mut buffer = io::BufWriter::with_capacity(1 << 16, out);
    write(&mut buffer)?;
    buffer
        .into_inner()
        .map_err(io::IntoInnerError::into_error)?;
    Ok(())
}
