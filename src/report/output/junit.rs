//! JUnit XML, for CI systems that show test reports: one test suite per file, one
//! failed test case per finding, and one passing case for a clean file.

use std::borrow::Cow;
use std::io::{self, Write};
use std::sync::Arc;

use super::{FileResult, Note};
use crate::language::rules::Level;
use crate::report::finding::Finding;

/// Escapes text for XML content and attribute values; characters XML 1.0 cannot
/// hold are dropped.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// The JUnit report of a run: each file's test cases are kept as the file is
/// checked (what they say, not the file's text and findings), and written at
/// the end, when the totals the report's first line gives are known.
#[derive(Default)]
pub(super) struct Document {
    suites: Vec<Suite>,
    tests: usize,
    failures: usize,
}

/// A file's test suite: one failed case per finding (none: one passing case).
struct Suite {
    /// The file's path, escaped.
    path: String,
    cases: Vec<Case>,
}

/// A finding as a failed test case.
struct Case {
    rule: Arc<str>,
    level: Level,
    message: String,
    line: u32,
    column: u32,
}

impl Document {
    /// Adds a file's test suite.
    pub(super) fn file(&mut self, r: &FileResult) {
        let index = r.index();
        let mut cases = Vec::with_capacity(r.finding_count());
        for batch in r.batches(super::BATCH) {
            let case = |f: &Finding, message: String| {
                let at = index.position(&r.text, f.span.start);
                Case {
                    rule: f.rule.clone(),
                    level: f.level,
                    message,
                    line: at.line,
                    column: at.column,
                }
            };
            match batch {
                Cow::Owned(built) => cases.extend(built.into_iter().map(|mut f| {
                    let message = std::mem::take(&mut f.message);
                    case(&f, message)
                })),
                Cow::Borrowed(built) => {
                    cases.extend(built.iter().map(|f| case(f, f.message.clone())))
                }
            }
        }
        self.failures += cases.len();
        self.tests += cases.len().max(1);
        self.suites.push(Suite {
            path: xml(&r.path.to_string_lossy()),
            cases,
        });
    }

    /// Writes the report, with a suite of the files that could not be read.
    pub(super) fn end(self, out: &mut impl Write, notes: &[Note]) -> io::Result<()> {
        writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
        writeln!(
            out,
            r#"<testsuites name="tenet" tests="{}" failures="{}" errors="{}">"#,
            self.tests + notes.len(),
            self.failures,
            notes.len()
        )?;
        for Suite { path, cases } in &self.suites {
            let n = cases.len();
            writeln!(
                out,
                r#"  <testsuite name="{path}" tests="{}" failures="{n}" errors="0">"#,
                n.max(1)
            )?;
            if n == 0 {
                writeln!(out, r#"    <testcase name="tenet" classname="{path}"/>"#)?;
            }
            for c in cases {
                writeln!(
                    out,
                    r#"    <testcase name="{}" classname="{path}" file="{path}" line="{}">"#,
                    xml(&c.rule),
                    c.line
                )?;
                let message = xml(&c.message);
                writeln!(
                    out,
                    r#"      <failure message="{message}" type="{}">{path}:{}:{}: {message}</failure>"#,
                    c.level.as_str(),
                    c.line,
                    c.column,
                )?;
                writeln!(out, "    </testcase>")?;
            }
            writeln!(out, "  </testsuite>")?;
        }
        if !notes.is_empty() {
            writeln!(
                out,
                r#"  <testsuite name="not checked" tests="{0}" failures="0" errors="{0}">"#,
                notes.len()
            )?;
            for n in notes {
                let path = xml(&n.path.to_string_lossy());
                writeln!(
                    out,
                    r#"    <testcase name="read" classname="{path}"><error message="{}"/></testcase>"#,
                    xml(&n.message)
                )?;
            }
            writeln!(out, "  </testsuite>")?;
        }
        writeln!(out, "</testsuites>")
    }
}
