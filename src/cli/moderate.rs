//! `tenet moderate`: JSON lines in, one verdict line out for each, for pipelines.
//! A line that cannot be read gets an error record with its line number (and its
//! id, when it has a readable one) and the stream goes on.

use std::io::{self, BufRead, Read, Write};
use std::path::Path;

use anyhow::Result;
use tenet::moderation::{self, Rejected};
use tenet::workspace::{Setup, Workspace};

use super::check::decode;
use super::Outcome;

/// The longest line read whole; a longer one is answered with an error and skipped.
const MAX_LINE: usize = 64 << 20;

pub fn run(setup: Setup) -> Result<Outcome> {
    let workspace = Workspace::new(setup);
    // Rules load before the first line is read: broken rules end the run at once.
    let near = Path::new("-");
    if super::rules_for(&workspace, near).is_none() {
        return Ok(Outcome::Error);
    }
    let channel = workspace.setup().channel.clone();
    let mut input = io::stdin().lock();
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut line = Vec::new();
    let mut number = 0u64;
    loop {
        line.clear();
        number += 1;
        let n = (&mut input)
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut line)?;
        if n == 0 {
            break;
        }
        let reply = if line.len() > MAX_LINE && !line.ends_with(b"\n") {
            // Skip the rest of the line without holding it.
            skip_line(&mut input)?;
            let too_long = Rejected {
                id: serde_json::Value::Null,
                error: format!("the line is longer than {} MiB", MAX_LINE >> 20),
            };
            moderation::error_line(&too_long, Some(number))
        } else {
            // Bytes that are not UTF-8 are read as `check` reads them.
            let text = decode(std::mem::take(&mut line));
            if text.trim().is_empty() {
                continue;
            }
            match moderation::parse_item(&text) {
                Err(rejected) => moderation::error_line(&rejected, Some(number)),
                Ok(item) => {
                    let id = item.id.clone();
                    match moderation::moderate(&workspace, near, item, channel.as_deref()) {
                        Ok((draft, report)) => moderation::verdict_line(&id, &draft, &report),
                        Err(e) => moderation::error_line(
                            &Rejected {
                                id,
                                error: e.to_string(),
                            },
                            Some(number),
                        ),
                    }
                }
            }
        };
        match writeln!(out, "{reply}").and_then(|()| out.flush()) {
            Ok(()) => {}
            // The reader went away (`| head`): nothing more to answer.
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(Outcome::Clean),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(Outcome::Clean)
}

fn skip_line(input: &mut impl BufRead) -> io::Result<()> {
    loop {
        let buf = input.fill_buf()?;
        if buf.is_empty() {
            return Ok(());
        }
        match memchr::memchr(b'\n', buf) {
            Some(i) => {
                input.consume(i + 1);
                return Ok(());
            }
            None => {
                let n = buf.len();
                input.consume(n);
            }
        }
    }
}
