//! Moderation for pipelines: a draft as a JSON object in, a verdict record out.
//!
//! In: `{"id": …, "text": "…", "channel": "external", "format": "markdown"}`
//! (`channel` and `format` optional). Out: a [`VerdictRecord`], or an
//! [`ErrorRecord`] for input that cannot be read, so the stream goes on.
//!
//! A front end: may import [`crate::workspace`] and every layer below it.

use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use crate::draft::Format;
use crate::report::output::verdict::{ErrorRecord, VerdictRecord};
use crate::report::Report;
use crate::workspace::{LoadError, Workspace};

/// One draft to moderate.
#[derive(Debug, Deserialize)]
pub struct Item {
    /// The caller's id for it, echoed in the verdict.
    #[serde(default)]
    pub id: Value,
    /// Its text.
    pub text: String,
    /// The channel it is for (default: the configuration's).
    pub channel: Option<String>,
    /// `markdown`, `text` or `email` (default: sniffed).
    pub format: Option<String>,
}

/// The format a pipeline names.
pub fn format_named(name: Option<&str>) -> Option<Format> {
    match name? {
        "markdown" | "md" => Some(Format::Markdown),
        "email" | "eml" => Some(Format::Email),
        "text" | "plain" => Some(Format::Text),
        _ => None,
    }
}

/// Checks one item with the configuration that governs `near` (the folder the
/// pipeline runs in); `channel` is used when the item names none.
pub fn moderate(
    workspace: &Workspace,
    near: &Path,
    item: Item,
    channel: Option<&str>,
) -> Result<Report, LoadError> {
    let format = format_named(item.format.as_deref());
    let channel = item.channel.as_deref().or(channel);
    let (_, report) = workspace.check(near, item.text, format, channel)?;
    Ok(report)
}

/// The JSON line for a verdict.
pub fn verdict_line(id: &Value, report: &Report) -> String {
    serde_json::to_string(&VerdictRecord::new(id, report)).unwrap_or_default()
}

/// The JSON line for an input that could not be moderated.
pub fn error_line(id: &Value, error: &str) -> String {
    serde_json::to_string(&ErrorRecord { id, error }).unwrap_or_default()
}
