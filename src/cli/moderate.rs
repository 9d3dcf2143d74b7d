//! `tenet moderate`: JSON lines in, one verdict line out for each, for pipelines.
//! Lines are checked on every core and answered in input order, each answer
//! written as soon as it and those before it are ready (so a caller that writes a
//! line and waits for its answer gets it). A line that cannot be read gets an
//! error record with its line number (and its id, when it has a readable one) and
//! the stream goes on.

use std::collections::BTreeMap;
use std::io::{self, BufRead, Write};
use std::path::Path;
use std::sync::Arc;

use anyhow::Result;
use crossbeam_channel::bounded;
use tenet::moderation::{self, Rejected};
use tenet::workspace::{Rules, Setup, Workspace};

use super::Outcome;

/// The longest line read whole; a longer one is answered with an error and skipped.
const MAX_LINE: usize = 64 << 20;

/// The most lines passed between threads at once. Lines already read travel
/// together (fewer hand-overs between threads); the reader never waits for more
/// input to fill a batch, so a caller that waits for each answer still gets it.
const BATCH: usize = 64;

/// Batches in each queue between the reader, the checkers and the writer.
const AHEAD: usize = 16;

/// Batches read but not yet written: however slow one line is, the answers held
/// behind it (and the lines read meanwhile) stay within this many.
const IN_FLIGHT: usize = 4 * AHEAD;

/// A line read, to be answered.
enum Line {
    Text(Vec<u8>),
    TooLong,
}

pub fn run(setup: Setup) -> Result<Outcome> {
    tenet::validate::warm_phone_plans();
    let workspace = Workspace::new(setup);
    // Rules load once, before the first line is read: broken rules end the run at once.
    let Some(rules) = super::rules_for(&workspace, Path::new("-")) else {
        return Ok(Outcome::Error);
    };
    super::warn_channel(&rules, workspace.setup().channel.as_deref());
    let channel: Option<Arc<str>> = workspace.setup().channel.as_deref().map(Arc::from);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    // Batches go by the number of their first line.
    let (lines_tx, lines_rx) = bounded::<(u64, Vec<Line>)>(AHEAD);
    let (answers_tx, answers_rx) = bounded::<(u64, Vec<Option<String>>)>(AHEAD);
    // One permit per batch in flight: the reader takes one, the writer gives it back.
    let (permits_tx, permits_rx) = bounded::<()>(IN_FLIGHT);
    for _ in 0..IN_FLIGHT {
        permits_tx.send(())?;
    }

    let reader = std::thread::spawn(move || -> io::Result<()> {
        // Our own buffer, to see whether whole lines are already read.
        let mut input = io::BufReader::with_capacity(1 << 16, io::stdin().lock());
        let mut number = 0u64;
        loop {
            if permits_rx.recv().is_err() {
                return Ok(());
            }
            let first = number + 1;
            let mut batch = Vec::new();
            // The first line is waited for; more join it while whole ones are read.
            let mut ended = Ok(false);
            while batch.len() < BATCH {
                match read_line(&mut input) {
                    Ok(Some(line)) => batch.push(line),
                    Ok(None) => ended = Ok(true),
                    Err(e) => ended = Err(e),
                }
                if !matches!(ended, Ok(false)) || memchr::memchr(b'\n', input.buffer()).is_none() {
                    break;
                }
            }
            number += batch.len() as u64;
            // Lines read before the input ended (or failed) are answered.
            if !batch.is_empty() && lines_tx.send((first, batch)).is_err() {
                return Ok(());
            }
            if ended? {
                return Ok(());
            }
        }
    });
    let workers: Vec<_> = (0..threads)
        .map(|_| {
            let (lines_rx, answers_tx) = (lines_rx.clone(), answers_tx.clone());
            let (rules, channel) = (rules.clone(), channel.clone());
            std::thread::spawn(move || {
                for (first, batch) in lines_rx {
                    let answers = (first..)
                        .zip(batch)
                        .map(|(number, line)| answer(&rules, number, line, channel.as_deref()))
                        .collect();
                    if answers_tx.send((first, answers)).is_err() {
                        return;
                    }
                }
            })
        })
        .collect();
    drop((lines_rx, answers_tx));

    // Answers in input order: hold the early ones until those before them are in.
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut waiting: BTreeMap<u64, Vec<Option<String>>> = BTreeMap::new();
    let mut next = 1u64;
    for (first, answers) in &answers_rx {
        waiting.insert(first, answers);
        let mut written = Ok(());
        while let Some(answers) = waiting.remove(&next) {
            next += answers.len() as u64;
            let _ = permits_tx.try_send(());
            for answer in answers.into_iter().flatten() {
                written = written.and_then(|()| writeln!(out, "{answer}"));
            }
        }
        // Flushed whenever no further answer is already waiting, so a caller that
        // waits for each answer gets it, and a fast stream is written in blocks.
        if answers_rx.is_empty() {
            written = written.and_then(|()| out.flush());
        }
        match written {
            Ok(()) => {}
            // The reader went away (`| head`): nothing more to answer (the
            // threads end with the process).
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(Outcome::Clean),
            Err(e) => return Err(e.into()),
        }
    }
    out.flush().or_else(|e| match e.kind() {
        io::ErrorKind::BrokenPipe => Ok(()),
        _ => Err(e),
    })?;
    for w in workers {
        let _ = w.join();
    }
    match reader.join() {
        Ok(r) => r?,
        Err(_) => anyhow::bail!("reading standard input failed"),
    }
    // The process ends next and hands the memory back whole: freeing the rules'
    // automata and caches piece by piece took the last 3 ms of a run over
    // 25,000 posts, on one core.
    std::mem::forget((rules, workspace));
    Ok(Outcome::Clean)
}

/// The answer to one line (`None` for a blank line, which gets none).
fn answer(rules: &Rules, number: u64, line: Line, channel: Option<&str>) -> Option<String> {
    let text = match line {
        Line::TooLong => {
            let too_long = Rejected {
                id: serde_json::Value::Null,
                error: format!("the line is longer than {} MiB", MAX_LINE >> 20),
            };
            return Some(moderation::error_line(&too_long, Some(number)));
        }
        // Bytes that are not UTF-8 are read as `check` reads them.
        Line::Text(bytes) => tenet::text::encoding::utf8_or_windows_1252(bytes),
    };
    if text.trim().is_empty() {
        return None;
    }
    Some(match moderation::parse_item(&text) {
        Err(rejected) => moderation::error_line(&rejected, Some(number)),
        Ok(item) => {
            let id = item.id.clone();
            let checked = moderation::check_item(rules, Path::new("-"), item, channel);
            moderation::verdict_line(&id, &checked)
        }
    })
}

/// The next line of `input` (`None` at its end); one longer than [`MAX_LINE`] is
/// skipped without being held. Read from the buffer as far as the limit
/// allows: through a `Take` around the reader, each line cost more.
fn read_line(input: &mut impl BufRead) -> io::Result<Option<Line>> {
    let mut line = Vec::new();
    // Up to MAX_LINE bytes and the `\n` after them.
    let mut room = MAX_LINE + 1;
    while room > 0 {
        let buf = match input.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            break;
        }
        let buf = &buf[..buf.len().min(room)];
        let (n, ended) = match memchr::memchr(b'\n', buf) {
            Some(i) => (i + 1, true),
            None => (buf.len(), false),
        };
        line.extend_from_slice(&buf[..n]);
        input.consume(n);
        room -= n;
        if ended {
            break;
        }
    }
    if line.is_empty() {
        return Ok(None);
    }
    if line.len() > MAX_LINE && !line.ends_with(b"\n") {
        skip_line(input)?;
        return Ok(Some(Line::TooLong));
    }
    Ok(Some(Line::Text(line)))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], capacity: usize) -> Vec<Result<Vec<u8>, ()>> {
        let mut input = io::BufReader::with_capacity(capacity, input);
        let mut out = Vec::new();
        while let Some(line) = read_line(&mut input).unwrap() {
            out.push(match line {
                Line::Text(text) => Ok(text),
                Line::TooLong => Err(()),
            });
        }
        out
    }

    /// A line is read whole however the buffer cuts it, with its `\n`; the
    /// last needs none.
    #[test]
    fn lines_are_whole_across_refills() {
        let input = b"ab\ncdefg\r\n\nlast";
        let want: Vec<Result<Vec<u8>, ()>> = ["ab\n", "cdefg\r\n", "\n", "last"]
            .iter()
            .map(|l| Ok(l.as_bytes().to_vec()))
            .collect();
        for capacity in [1, 2, 3, 5, 64] {
            assert_eq!(lines(input, capacity), want, "capacity {capacity}");
        }
        assert!(lines(b"", 8).is_empty());
    }

    /// A line of MAX_LINE bytes is read; one byte more and it is answered as
    /// too long, skipped, and the next line is read.
    #[test]
    fn a_line_past_the_limit_is_skipped_and_the_next_read() {
        let mut input = vec![b'x'; MAX_LINE];
        input.extend_from_slice(b"\ny");
        input.extend(std::iter::repeat_n(b'x', MAX_LINE));
        input.extend_from_slice(b"\nnext\n");
        let got = lines(&input, 1 << 16);
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].as_ref().map(Vec::len), Ok(MAX_LINE + 1));
        assert_eq!(got[1], Err(()));
        assert_eq!(got[2], Ok(b"next\n".to_vec()));
    }
}
