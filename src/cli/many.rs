//! Reading a draft named on the command line, and a run of files checked
//! together: short ones are searched joined as one text (see
//! [`tenet::engine::checker::Checker::check_texts_deferred`]), which spares
//! each the costs of starting a search.

use std::io;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use tenet::draft::Format;
use tenet::report::output::{FileResult, Note};
use tenet::text::{self, encoding::Encoding};
use tenet::workspace::Rules;

use super::check::{io_message, Request};
use super::read::{read_draft, read_regular_draft, EarlyRead};
use super::walk::Input;

/// A draft as read and decoded.
pub struct Loaded {
    pub path: PathBuf,
    pub text: String,
    pub encoding: Encoding,
    pub stdin: bool,
}

/// Reads and decodes an input, or says why it cannot be checked.
pub fn read_input(input: &Input, req: &Request, early: Option<&EarlyRead>) -> Result<Loaded, Note> {
    let (path, bytes) = match input {
        Input::Stdin => {
            let name = req
                .stdin_filename
                .clone()
                .unwrap_or_else(|| PathBuf::from("<stdin>"));
            let note = |e: io::Error| Note {
                path: name.clone(),
                message: format!("cannot read: {}", io_message(&e)),
            };
            let bytes = read_draft(io::stdin().lock(), 0).map_err(note)?;
            (name, bytes)
        }
        Input::File(p, _) => {
            let note = |e: io::Error| Note {
                path: p.clone(),
                message: format!("cannot read: {}", io_message(&e)),
            };
            let read = early.and_then(|e| e.take(p));
            let bytes = read.unwrap_or_else(|| read_regular_draft(p));
            (p.clone(), bytes.map_err(note)?)
        }
    };
    let Some(bytes) = bytes else {
        return Err(Note {
            path,
            message: "binary file, skipped".into(),
        });
    };
    let (text, encoding) = text::encoding::decode(bytes).map_err(|e| Note {
        path: path.clone(),
        message: format!("cannot read: {e}"),
    })?;
    Ok(Loaded {
        path,
        text,
        encoding,
        stdin: matches!(input, Input::Stdin),
    })
}

/// The most files checked together: enough for a few joined searches, few
/// enough that the last group of a run does not leave a core idle for long.
const GROUP_FILES: usize = 64;

/// About the most text a group holds: a group's files are held until its
/// last is checked, so a folder of large files is checked file by file, as
/// the memory it takes then goes with the files in flight.
const GROUP_BYTES: u64 = 1 << 20;

/// Files whose size is read to estimate how large a folder's files are.
const SAMPLED: usize = 64;

/// The jobs cut into runs checked together: files under the same rules, each
/// run small enough that every thread gets some sixteen of them, and that the
/// text it holds is about [`GROUP_BYTES`] at most (by the mean size of a few
/// files spread over the jobs). Standard input is a run of its own.
pub fn groups(jobs: &[(Input, Arc<Rules>)], threads: usize) -> Vec<Range<usize>> {
    let mut most = (jobs.len() / (threads.max(1) * 16)).clamp(1, GROUP_FILES);
    if most > 1 {
        let step = jobs.len().div_ceil(SAMPLED);
        let sizes: Vec<u64> = (0..jobs.len())
            .step_by(step)
            .filter_map(|i| match &jobs[i].0 {
                Input::File(path, _) => std::fs::metadata(path).ok().map(|m| m.len()),
                Input::Stdin => None,
            })
            .collect();
        let mean = sizes.iter().sum::<u64>() / (sizes.len() as u64).max(1);
        let fit = usize::try_from(GROUP_BYTES / mean.max(1)).unwrap_or(usize::MAX);
        most = most.min(fit).max(1);
    }
    let mut groups: Vec<Range<usize>> = Vec::new();
    for (i, (input, rules)) in jobs.iter().enumerate() {
        let joins = |g: &Range<usize>| {
            let (first, first_rules) = &jobs[g.start];
            g.len() < most
                && matches!((first, input), (Input::File(..), Input::File(..)))
                && Arc::ptr_eq(first_rules, rules)
        };
        match groups.last_mut() {
            Some(g) if joins(g) => g.end = i + 1,
            _ => groups.push(i..i + 1),
        }
    }
    groups
}

/// Checks a run of files under the same rules, their findings left unbuilt
/// (to be built as they are written), in order; a file that cannot be read
/// is a note in its place.
pub fn check_deferred(
    inputs: &[&Input],
    rules: &Rules,
    req: &Request,
    early: Option<&EarlyRead>,
) -> Vec<Result<FileResult, Note>> {
    let mut read = Vec::with_capacity(inputs.len());
    let mut drafts = Vec::with_capacity(inputs.len());
    for input in inputs {
        let r = read_input(input, req, early).map(|mut r| {
            let format: Format = rules.format_for(Some(&r.path), &r.text);
            let channel = rules.channel_for(Some(&r.path), req.setup.channel.as_deref());
            drafts.push((std::mem::take(&mut r.text), format, channel.clone()));
            (r, format, channel)
        });
        read.push(r);
    }
    let mut checked = rules.check_many_deferred(drafts).into_iter();
    read.into_iter()
        .map(|r| {
            let (r, format, channel) = r?;
            let (draft, report, deferred) = checked.next().expect("a check per draft read");
            Ok(FileResult {
                path: r.path,
                text: draft.text,
                format,
                channel,
                report,
                deferred: Some(deferred),
                fixed: 0,
                stdin: r.stdin,
                encoding: r.encoding,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tenet::workspace::{Setup, Workspace};

    /// `count` files of `len` bytes each (sparse: nothing is written).
    fn jobs(dir: &std::path::Path, count: usize, len: u64) -> Vec<(Input, Arc<Rules>)> {
        std::fs::create_dir_all(dir).unwrap();
        let rules = Workspace::new(Setup::default())
            .rules_for(dir)
            .unwrap_or_else(|_| panic!("the built-in rules load"));
        (0..count)
            .map(|i| {
                let path = dir.join(format!("{i:04}.md"));
                std::fs::File::create(&path).unwrap().set_len(len).unwrap();
                (Input::File(path, true), rules.clone())
            })
            .collect()
    }

    #[test]
    fn short_files_are_grouped_and_large_ones_are_not() {
        let dir = tempfile::tempdir().unwrap();
        let short = jobs(&dir.path().join("short"), 2000, 2000);
        // 62 files a group, so that each of two threads gets sixteen.
        let grouped = groups(&short, 2);
        assert_eq!(grouped.len(), 2000_usize.div_ceil(62), "{grouped:?}");
        assert_eq!(grouped[0], 0..62);
        assert_eq!(grouped.last().unwrap().end, 2000);
        assert_eq!(groups(&short[..320], 2).len(), 32);
        let many = jobs(&dir.path().join("many"), 4096, 2000);
        assert!(groups(&many, 2).iter().all(|g| g.len() == GROUP_FILES));
        let large = jobs(&dir.path().join("large"), 2000, 2 << 20);
        assert!(groups(&large, 2).iter().all(|g| g.len() == 1));
        // A run of files of about 100 KB holds about a megabyte at most.
        let mid = jobs(&dir.path().join("mid"), 2000, 100_000);
        assert!(groups(&mid, 2).iter().all(|g| g.len() == 10));
    }
}
