//! Errors and warnings about rule files, shown as `path:line:col` with the line and a caret.

use std::fmt::Write as _;
use std::ops::Range;
use std::path::PathBuf;

use crate::text::line_index::{floor_char_boundary, LineIndex};

/// How serious a rule-file problem is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Severity {
    /// Worth fixing; the rules still load.
    Warning,
    /// The rules cannot be used.
    Error,
}

/// One problem in one rule file.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file.
    pub path: PathBuf,
    /// The file's text, for showing the line (not stored with a cached rule set,
    /// which keeps each text once).
    #[serde(skip)]
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
        self.render_with(&LineIndex::new(&self.source))
    }

    /// Renders with the line index of its source (built once for many diagnostics).
    /// Any span is shown safely: clamped to the text and to character boundaries.
    pub fn render_with(&self, index: &LineIndex) -> String {
        let source = &*self.source;
        let start_offset = floor_char_boundary(source, self.span.start);
        let start = index.position(source, start_offset);
        let line = index.line_range(source, start.line as usize - 1);
        let text = &source[line.clone()];
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
        let caret_start = start_offset.clamp(line.start, line.end);
        let caret_end = floor_char_boundary(source, self.span.end).clamp(caret_start, line.end);
        let pad = source[line.start..caret_start].chars().count();
        let width = source[caret_start..caret_end].chars().count().max(1);
        let _ = writeln!(out, "{:gutter$} |", "");
        let _ = writeln!(out, "{} | {}", start.line, text.replace('\t', " "));
        let _ = writeln!(
            out,
            "{:gutter$} | {}{}",
            "",
            " ".repeat(pad),
            "^".repeat(width)
        );
        out
    }
}

/// Renders diagnostics one after another, errors and warnings in source order; each
/// file's lines are indexed once.
pub fn render_all(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    let mut index: Option<(&std::sync::Arc<str>, LineIndex)> = None;
    for d in diagnostics {
        if !index
            .as_ref()
            .is_some_and(|(s, _)| std::sync::Arc::ptr_eq(s, &d.source))
        {
            index = Some((&d.source, LineIndex::new(&d.source)));
        }
        if let Some((_, idx)) = &index {
            out.push_str(&d.render_with(idx));
            out.push('\n');
        }
    }
    out
}
