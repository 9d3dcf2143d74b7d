//! `path:line:col: level[rule] message`, the source line with a caret, a summary line.

use std::io::{self, Write};
use std::ops::Range;

use super::{FileResult, Summary};
use crate::language::rules::Level;
use crate::text::line_index::floor_char_boundary;

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

/// A line longer than this many characters is shown as a window around the span.
const WINDOW: usize = 120;
/// Characters of context kept before the span in a window.
const BEFORE: usize = 40;
/// The most lines of a span shown under its finding.
const SPAN_LINES: usize = 4;

pub(super) fn file(result: &FileResult, color: bool, out: &mut dyn Write) -> io::Result<()> {
    let paint = Paint(color);
    let index = result.index();
    let text = &result.text;
    let path = super::display_path(&result.path);
    // Personal data never reaches the terminal, whichever finding shows its line.
    let redactions = &result.report.redactions;
    for batch in result.batches(super::BATCH) {
        for f in batch.iter() {
            let start = index.position(text, f.span.start);
            let header = format!("{path}:{}:{}:", start.line, start.column);
            writeln!(
                out,
                "{} {}{} {}",
                paint.wrap("1", &header),
                paint.level(f.level),
                paint.wrap("2", &format!("[{}]", f.rule)),
                f.message
            )?;
            // The span's lines, each with carets under its part of the span: a
            // phrase wrapped across lines, or a regex's match, is shown whole
            // (up to `SPAN_LINES` lines).
            let first = start.line as usize - 1;
            let lines: Vec<Range<usize>> = if f.document {
                vec![index.line_range(text, first)]
            } else {
                let last = index.line_of(f.span.end.saturating_sub(1).max(f.span.start));
                (first..=last.min(first + SPAN_LINES - 1))
                    .map(|l| index.line_range(text, l))
                    .collect()
            };
            let gutter = (first + lines.len()).to_string().len();
            let bar = paint.wrap("1;34", "|");
            writeln!(out, "{:gutter$} {bar}", "")?;
            for (n, line) in lines.into_iter().enumerate() {
                let caret_start = f.span.start.clamp(line.start, line.end);
                let caret_end = f.span.end.clamp(caret_start, line.end);
                let shown = window(text, line, caret_start, caret_end);
                let masked = redactions.mask(text, shown.range.clone());
                writeln!(
                    out,
                    "{} {bar} {}{}{}",
                    paint.wrap("1;34", &format!("{:>gutter$}", first + n + 1)),
                    if shown.cut_before { "…" } else { "" },
                    masked.replace('\t', " "),
                    if shown.cut_after { "…" } else { "" },
                )?;
                if f.document {
                    continue;
                }
                let lead = usize::from(shown.cut_before);
                let pad = " ".repeat(lead + text[shown.range.start..caret_start].chars().count());
                let caret_to = caret_end.min(shown.range.end);
                let width = text[caret_start..caret_to].chars().count().max(1);
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
    }
    Ok(())
}

/// The part of a line that is shown.
struct Shown {
    range: Range<usize>,
    cut_before: bool,
    cut_after: bool,
}

/// The whole line when it is short; else about [`WINDOW`] characters starting a
/// little before the span (so a long span is cut at the end, not the start).
/// Costs the window's length, not the line's.
fn window(text: &str, line: Range<usize>, start: usize, end: usize) -> Shown {
    let short = line.len() <= WINDOW || text[line.clone()].chars().nth(WINDOW).is_none();
    if short {
        return Shown {
            range: line,
            cut_before: false,
            cut_after: false,
        };
    }
    let from = text[line.start..start]
        .char_indices()
        .rev()
        .nth(BEFORE.saturating_sub(1))
        .map_or(line.start, |(i, _)| line.start + i);
    // Long enough for the span (its first few hundred characters at most).
    let span_end = floor_char_boundary(text, end.min(start + 4 * WINDOW));
    let span_chars = text[start..span_end.max(start)].chars().count();
    let to = text[from..line.end]
        .char_indices()
        .nth(WINDOW.max(span_chars + BEFORE))
        .map_or(line.end, |(i, _)| from + i);
    Shown {
        range: from..to,
        cut_before: from > line.start,
        cut_after: to < line.end,
    }
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
