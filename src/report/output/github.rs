//! GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` line per
//! finding, which the run's summary and the pull request's diff show in place.

use std::io::{self, Write};

use super::FileResult;
use crate::language::rules::Level;

/// Escapes a command's message (`%`, CR and LF).
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command's property value (also `:` and `,`).
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

pub(super) fn file(result: &FileResult, out: &mut dyn Write) -> io::Result<()> {
    if result.finding_count() == 0 {
        return Ok(());
    }
    let index = result.index();
    // Paths relative to the workspace, as GitHub matches them to the diff.
    let path = result.path.to_string_lossy();
    let path = property(path.strip_prefix("./").unwrap_or(&path));
    for batch in result.batches(super::BATCH) {
        for f in batch.iter() {
            let command = match f.level {
                Level::Error => "error",
                Level::Warning => "warning",
                Level::Info | Level::Hint => "notice",
            };
            let (start, end) = index.span(&result.text, &f.span);
            let mut place = format!("file={path},line={}", start.line);
            if !f.document {
                place.push_str(&format!(",col={}", start.column));
                if end.line == start.line {
                    place.push_str(&format!(",endColumn={}", end.column));
                } else {
                    place.push_str(&format!(",endLine={}", end.line));
                }
            }
            writeln!(
                out,
                "::{command} {place},title={}::{}",
                property(&f.rule),
                data(&f.message)
            )?;
        }
    }
    Ok(())
}
