//! Errors and warnings about rule files, shown as `path:line:col` with the line and a caret.

use std::fmt::Write as _;
use std::ops::Range;
use std::path::PathBuf;

use crate::text::line_index::LineIndex;

/// How serious a rule-file problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Worth fixing; the rules still load.
    Warning,
    /// The rules cannot be used.
    Error,
}

/// One problem in one rule file.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file.
    pub path: PathBuf,
    /// The file's text, for showing the line.
    pub source: std::sync::Arc<str>,
    /// Byte range in `source`.
    pub span: Range<usize>,
    /// What is wrong, and when possible what to do.
    pub message: String,
}

impl Diagnostic {
    /// 1-based line and character column of the start of the span.
    pub fn line_col(&self) -> (u32, u32) {
        let p = LineIndex::new(&self.source).position(&self.source, self.span.start);
        (p.line, p.column)
    }

    /// Renders as `path:line:col: severity: message`, the source line and a caret.
    pub fn render(&self) -> String {
        let index = LineIndex::new(&self.source);
        let start = index.position(&self.source, self.span.start);
        let line = index.line_range(&self.source, start.line as usize - 1);
        let text = &self.source[line.clone()];
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}:{}:{}: {kind}: {}",
            self.path.display(),
            start.line,
            start.column,
            self.message
        );
        let gutter = start.line.to_string().len();
        let _ = writeln!(out, "{:gutter$} |", "");
        let _ = writeln!(out, "{} | {}", start.line, text.replace('\t', " "));
        let span_end = self.span.end.clamp(self.span.start, line.end);
        let width = self.source[self.span.start.min(line.end)..span_end]
            .chars()
            .count()
            .max(1);
        let _ = writeln!(
            out,
            "{:gutter$} | {}{}",
            "",
            " ".repeat(start.column as usize - 1),
            "^".repeat(width)
        );
        out
    }
}

/// Renders diagnostics one after another, errors and warnings in source order.
pub fn render_all(diagnostics: &[Diagnostic]) -> String {
    diagnostics.iter().map(|d| d.render() + "\n").collect()
}
