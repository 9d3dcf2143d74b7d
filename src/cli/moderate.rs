//! `tenet moderate`: JSON lines in, one verdict line out for each, for pipelines.
//! Lines are checked on every core and answered in input order, each answer
//! written as soon as it and those before it are ready (so a caller that writes a
//! line and waits for its answer gets it). A line that cannot be read gets an
//! error record with its line number (and its id, when it has a readable one) and
//! the stream goes on.
//!
//! Each thread reads a batch of lines, checks it and writes the answers that
//! are then in order: no thread hands lines or answers to another to read or
//! write, so a thread frees what it made, and none waits for a reader or a
//! writer that its core is busy elsewhere.

use std::collections::BTreeMap;
use std::io::{self, BufRead, Write};
use std::path::Path;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

use anyhow::Result;
use tenet::moderation::{self, Rejected};
use tenet::workspace::{Rules, Setup, Workspace};

use super::Outcome;

/// The longest line read whole; a longer one is answered with an error and skipped.
const MAX_LINE: usize = 64 << 20;

/// The most lines read at once. Lines already read are checked together
/// (fewer turns at the input); a thread never waits for more input to fill a
/// batch, so a caller that waits for each answer still gets it.
const BATCH: usize = 64;

/// Batches read but not yet written: however slow one line is, the answers held
/// behind it (and the lines read meanwhile) stay within about this many.
const IN_FLIGHT: usize = 64;

/// A line read, to be answered.
enum Line {
    Text(Vec<u8>),
    TooLong,
}

/// The input, read a batch at a time by whichever thread needs lines.
struct Input {
    reader: io::BufReader<io::Stdin>,
    /// Lines read so far.
    number: u64,
    /// Whether the input has ended (or failed): nothing more is read.
    ended: bool,
    failed: Option<io::Error>,
}

/// The output, with the answers that wait for those before them.
struct Output {
    out: io::BufWriter<io::Stdout>,
    waiting: BTreeMap<u64, Vec<Option<String>>>,
    /// The first line not yet answered.
    next: u64,
    /// Batches read and not yet written.
    in_flight: usize,
    /// Why writing failed (the reader may have gone away): once it has,
    /// every thread stops.
    failed: Option<io::Error>,
}

/// What the threads share.
struct Stream {
    input: Mutex<Input>,
    output: Mutex<Output>,
    /// Signalled when answers are written or the stream stops: a thread
    /// waiting for room to read more goes on.
    room: Condvar,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

pub fn run(setup: Setup) -> Result<Outcome> {
    tenet::validate::warm_phone_plans();
    let workspace = Workspace::new(setup);
    // Rules load once, before the first line is read: broken rules end the run at once.
    let Some(rules) = super::rules_for(&workspace, Path::new("-")) else {
        return Ok(Outcome::Error);
    };
    super::warn_channel(&rules, workspace.setup().channel.as_deref());
    let channel = workspace.setup().channel.as_deref();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let stream = Stream {
        input: Mutex::new(Input {
            // Our own buffer, to see whether whole lines are already read.
            reader: io::BufReader::with_capacity(1 << 16, io::stdin()),
            number: 0,
            ended: false,
            failed: None,
        }),
        output: Mutex::new(Output {
            out: io::BufWriter::with_capacity(1 << 16, io::stdout()),
            waiting: BTreeMap::new(),
            next: 1,
            in_flight: 0,
            failed: None,
        }),
        room: Condvar::new(),
    };
    let answer = |number, line| answer(&rules, number, line, channel);
    std::thread::scope(|s| {
        for _ in 1..threads {
            s.spawn(|| work(&stream, &answer));
        }
        work(&stream, &answer);
    });
    let Stream { input, output, .. } = stream;
    let mut output = output.into_inner().unwrap_or_else(PoisonError::into_inner);
    let flushed = match output.failed.take() {
        Some(e) => Err(e),
        None => output.out.flush(),
    };
    match flushed {
        Ok(()) => {}
        // The reader went away (`| head`): nothing more to answer.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(Outcome::Clean),
        Err(e) => return Err(e.into()),
    }
    if let Some(e) = input
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
        .failed
    {
        return Err(e.into());
    }
    // The process ends next and hands the memory back whole: freeing the rules'
    // automata and caches piece by piece took the last 3 ms of a run over
    // 25,000 posts, on one core.
    std::mem::forget((rules, workspace));
    Ok(Outcome::Clean)
}

/// One thread's part: a batch read, checked and its answers written, until
/// the input ends or the output fails.
fn work(stream: &Stream, answer: &(impl Fn(u64, Line) -> Option<String> + Sync)) {
    loop {
        // Room to read more: however slow one batch is, the others wait
        // behind it only so far.
        {
            let mut output = lock(&stream.output);
            while output.in_flight >= IN_FLIGHT && output.failed.is_none() {
                output = stream
                    .room
                    .wait(output)
                    .unwrap_or_else(PoisonError::into_inner);
            }
            if output.failed.is_some() {
                return;
            }
        }
        let Some((first, batch)) = read_batch(&stream.input) else {
            return;
        };
        // Counted once read: a thread waiting for input holds nothing back,
        // so the answers before it are flushed.
        lock(&stream.output).in_flight += 1;
        let answers = (first..)
            .zip(batch)
            .map(|(number, line)| answer(number, line))
            .collect();
        let mut output = lock(&stream.output);
        let output = &mut *output;
        output.waiting.insert(first, answers);
        let mut written = Ok(());
        while let Some(answers) = output.waiting.remove(&output.next) {
            output.next += answers.len() as u64;
            output.in_flight -= 1;
            for answer in answers.into_iter().flatten() {
                written = written.and_then(|()| writeln!(output.out, "{answer}"));
            }
        }
        // Flushed whenever nothing read is left unanswered, so a caller that
        // waits for each answer gets it, and a fast stream is written in blocks.
        if output.in_flight == 0 {
            written = written.and_then(|()| output.out.flush());
        }
        if let Err(e) = written {
            output.failed = Some(e);
        }
        stream.room.notify_all();
        if output.failed.is_some() {
            return;
        }
    }
}

/// The next lines of the input, and the number of the first (`None` once it
/// has ended). The first line is waited for; more join it while whole ones
/// are already read.
fn read_batch(input: &Mutex<Input>) -> Option<(u64, Vec<Line>)> {
    let mut input = lock(input);
    if input.ended {
        return None;
    }
    let mut batch = Vec::new();
    while batch.len() < BATCH {
        match read_line(&mut input.reader) {
            Ok(Some(line)) => batch.push(line),
            Ok(None) => input.ended = true,
            Err(e) => {
                input.failed = Some(e);
                input.ended = true;
            }
        }
        if input.ended || memchr::memchr(b'\n', input.reader.buffer()).is_none() {
            break;
        }
    }
    let first = input.number + 1;
    input.number += batch.len() as u64;
    // Lines read before the input ended (or failed) are answered.
    (!batch.is_empty()).then_some((first, batch))
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
            moderation::guarded(&id, Some(number), || {
                let checked = moderation::check_item(rules, Path::new("-"), item, channel);
                moderation::verdict_line(&id, &checked)
            })
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

    /// A check that panics is answered with an error record that keeps the
    /// line's id and number; one that does not, with its answer.
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
