//! `path:line:col: level[rule] message`, the source line with a caret, a summary line.

use std::io::{self, Write};
use std::ops::Range;

use super::{FileResult, Summary};
use crate::language::rules::Level;

struct Paint(bool);

impl Paint {
    fn wrap(&self, code: &str, text: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    fn level(&self, level: Level) -> String {
        let code = match level {
            Level::Error => "1;31",
            Level::Warning => "1;33",
            Level::Info => "1;34",
            Level::Hint => "1;36",
        };
        self.wrap(code, level.as_str())
    }
}

pub(super) fn file(result: &FileResult, color: bool, out: &mut dyn Write) -> io::Result<()> {
    let paint = Paint(color);
    let index = result.index();
    let text = &result.text;
    // Personal data never reaches the terminal, whichever finding shows its line.
    let redacted: Vec<Range<usize>> = result
        .report
        .findings
        .iter()
        .filter(|f| f.redacted)
        .map(|f| f.span.clone())
        .collect();
    for f in &result.report.findings {
        let start = index.position(text, f.span.start);
        let header = format!("{}:{}:{}:", result.path.display(), start.line, start.column);
        writeln!(
            out,
            "{} {}{} {}",
            paint.wrap("1", &header),
            paint.level(f.level),
            paint.wrap("2", &format!("[{}]", f.rule)),
            f.message
        )?;
        let line_no = start.line as usize - 1;
        let line = index.line_range(text, line_no);
        let caret_start = f.span.start.clamp(line.start, line.end);
        let caret_end = f.span.end.clamp(caret_start, line.end);
        let shown = masked_line(text, line.clone(), &redacted);
        let gutter = start.line.to_string().len();
        let bar = paint.wrap("1;34", "|");
        writeln!(out, "{:gutter$} {bar}", "")?;
        writeln!(
            out,
            "{} {bar} {}",
            paint.wrap("1;34", &start.line.to_string()),
            shown.replace('\t', " ")
        )?;
        if !f.document {
            let pad = " ".repeat(text[line.start..caret_start].chars().count());
            let width = text[caret_start..caret_end].chars().count().max(1);
            let carets = paint.wrap(
                if f.level == Level::Error {
                    "1;31"
                } else {
                    "1;33"
                },
                &"^".repeat(width),
            );
            writeln!(out, "{:gutter$} {bar} {pad}{carets}", "")?;
        }
        if let Some(s) = f.suggestions.first() {
            let more = if f.suggestions.len() > 1 {
                format!(" (or {})", f.suggestions[1..].join(", "))
            } else {
                String::new()
            };
            writeln!(out, "{:gutter$} = suggestion: {s}{more}", "")?;
        } else if let Some(fix) = &f.fix {
            writeln!(out, "{:gutter$} = fix: {}", "", fix.title)?;
        }
        if let Some(link) = &f.link {
            writeln!(out, "{:gutter$} = see: {link}", "")?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// The line with every redacted span on it replaced by `*` (white space kept).
fn masked_line(text: &str, line: Range<usize>, redacted: &[Range<usize>]) -> String {
    let mut out = String::with_capacity(line.len());
    for (i, c) in text[line.clone()].char_indices() {
        let at = line.start + i;
        let hidden = redacted.iter().any(|r| r.start <= at && at < r.end);
        out.push(if hidden && !c.is_whitespace() { '*' } else { c });
    }
    out
}

pub(super) fn summary(s: &Summary, color: bool, out: &mut dyn Write) -> io::Result<()> {
    let paint = Paint(color);
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut parts = Vec::new();
    for (n, one, many) in [
        (s.errors, "error", "errors"),
        (s.warnings, "warning", "warnings"),
        (s.infos, "info", "infos"),
        (s.hints, "hint", "hints"),
    ] {
        if n > 0 {
            parts.push(plural(n, one, many));
        }
    }
    let counts = if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    };
    let mut line = format!(
        "{}{} in {} of {}",
        plural(s.findings, "finding", "findings"),
        counts,
        s.files_with_findings,
        plural(s.files, "file", "files")
    );
    if s.suppressed > 0 {
        line.push_str(&format!("; {} suppressed", s.suppressed));
    }
    if s.skipped > 0 {
        line.push_str(&format!("; {} skipped", plural(s.skipped, "file", "files")));
    }
    writeln!(out, "{}", paint.wrap("1", &line))
}
