//! JUnit XML, for CI systems that show test reports: one test suite per file, one
//! failed test case per finding, and one passing case for a clean file.

use std::io::{self, Write};

use super::{FileResult, Note};

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

pub(super) fn document(
    results: &[FileResult],
    notes: &[Note],
    out: &mut dyn Write,
) -> io::Result<()> {
    let failures: usize = results.iter().map(|r| r.report.findings.len()).sum();
    let tests: usize = results.iter().map(|r| r.report.findings.len().max(1)).sum();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="tenet" tests="{}" failures="{failures}" errors="{}">"#,
        tests + notes.len(),
        notes.len()
    )?;
    for r in results {
        let path = xml(&r.path.to_string_lossy());
        let n = r.report.findings.len();
        writeln!(
            out,
            r#"  <testsuite name="{path}" tests="{}" failures="{n}" errors="0">"#,
            n.max(1)
        )?;
        if n == 0 {
            writeln!(out, r#"    <testcase name="tenet" classname="{path}"/>"#)?;
        }
        let index = r.index();
        for f in &r.report.findings {
            let at = index.position(&r.text, f.span.start);
            writeln!(
                out,
                r#"    <testcase name="{}" classname="{path}" file="{path}" line="{}">"#,
                xml(&f.rule),
                at.line
            )?;
            writeln!(
                out,
                r#"      <failure message="{}" type="{}">{path}:{}:{}: {}</failure>"#,
                xml(&f.message),
                f.level.as_str(),
                at.line,
                at.column,
                xml(&f.message)
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
