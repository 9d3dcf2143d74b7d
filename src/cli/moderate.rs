//! `tenet moderate`: JSON lines in, one verdict line out for each, for pipelines.
//! A line that cannot be read gets an error record and the stream goes on.

use std::io::{self, BufRead, Write};
use std::path::Path;

use anyhow::Result;
use serde_json::Value;
use tenet::moderation::{self, Item};
use tenet::workspace::{Setup, Workspace};

use super::Outcome;

pub fn run(setup: Setup) -> Result<Outcome> {
    let workspace = Workspace::new(setup);
    // Rules load before the first line is read: broken rules end the run at once.
    let near = Path::new("stdin");
    if super::rules_for(&workspace, near).is_none() {
        return Ok(Outcome::Error);
    }
    let channel = workspace.setup().channel.clone();
    let stdin = io::stdin();
    let mut out = io::BufWriter::new(io::stdout().lock());
    for line in stdin.lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let reply = match serde_json::from_str::<Item>(&line) {
            Err(e) => moderation::error_line(&Value::Null, &format!("cannot read this line: {e}")),
            Ok(item) => {
                let id = item.id.clone();
                match moderation::moderate(&workspace, near, item, channel.as_deref()) {
                    Ok(report) => moderation::verdict_line(&id, &report),
                    Err(e) => moderation::error_line(&id, &e.to_string()),
                }
            }
        };
        writeln!(out, "{reply}")?;
        out.flush()?;
    }
    Ok(Outcome::Clean)
}
