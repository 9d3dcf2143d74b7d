//! `tenet moderate`: JSON lines in, one verdict line out for each, for pipelines.
//!
//! In: `{"id": …, "text": "…", "channel": "external", "format": "markdown"}` (channel
//! and format optional). Out: `{"id": …, "verdict": "block", "reasons": […], "triage": …}`.
//! A line that cannot be read gets `{"id": null, "error": "…"}` and the stream goes on.

use std::io::{self, BufRead, Write};
use std::path::Path;

use anyhow::Result;
use serde::Deserialize;
use serde_json::json;
use tenet::draft::{Draft, Format};
use tenet::engine::Options;

use super::{load, Outcome, RuleOptions};

#[derive(Deserialize)]
struct Item {
    #[serde(default)]
    id: serde_json::Value,
    text: String,
    channel: Option<String>,
    format: Option<String>,
}

pub fn run(channel: Option<String>, options: RuleOptions) -> Result<Outcome> {
    let loaded = load(options.setup_for(Path::new("."))?)?;
    let default_channel = channel.unwrap_or_else(|| loaded.checker.options.channel.clone());
    let stdin = io::stdin();
    let mut out = io::BufWriter::new(io::stdout().lock());
    for line in stdin.lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let reply = match serde_json::from_str::<Item>(&line) {
            Err(e) => json!({ "id": null, "error": format!("cannot read this line: {e}") }),
            Ok(item) => {
                let format = match item.format.as_deref() {
                    Some("markdown") => Format::Markdown,
                    Some("email") => Format::Email,
                    Some("text") => Format::Text,
                    _ => Format::detect(None, &item.text),
                };
                let channel = item.channel.unwrap_or_else(|| default_channel.clone());
                let draft = Draft::new(item.text, format);
                let report = loaded.checker.check_on(&draft, &Options { channel });
                let reasons: Vec<_> = report
                    .findings
                    .iter()
                    .map(|f| json!({ "rule": f.rule, "category": f.category, "level": f.level, "message": f.message, "span": { "start": f.span.start, "end": f.span.end }, "review": f.review }))
                    .collect();
                json!({ "id": item.id, "verdict": report.verdict, "reasons": reasons, "triage": report.triage })
            }
        };
        serde_json::to_writer(&mut out, &reply)?;
        writeln!(out)?;
        out.flush()?;
    }
    Ok(Outcome::Clean)
}
