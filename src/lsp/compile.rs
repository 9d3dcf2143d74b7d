//! Rule files are compiled (and their examples run) on a thread of their own, so
//! that typing in a large rule file never holds up diagnostics, hover or code
//! actions elsewhere. Only the newest version of each file is compiled; a result
//! for a version the editor has moved past is dropped.

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::thread;

use crossbeam_channel::{unbounded, Receiver, Sender};
use lsp_types::{Diagnostic, Uri};

use super::convert::Encoding;
use super::features;
use super::server::panic_message;
use crate::language::lower::Overrides;

/// A rule file to compile.
pub(super) struct Job {
    pub(super) uri: Uri,
    pub(super) version: i32,
    pub(super) text: String,
    pub(super) path: PathBuf,
    pub(super) overrides: Overrides,
    pub(super) encoding: Encoding,
}

/// A compiled rule file's diagnostics, or why compiling it failed.
pub(super) struct Done {
    pub(super) uri: Uri,
    pub(super) version: i32,
    pub(super) diagnostics: Result<Vec<Diagnostic>, String>,
}

/// The compiling thread's two ends.
pub(super) struct Compiler {
    jobs: Sender<Job>,
    pub(super) done: Receiver<Done>,
}

impl Compiler {
    /// Starts the thread; it ends when the `Compiler` is dropped.
    pub(super) fn start() -> Compiler {
        let (jobs, job_rx) = unbounded::<Job>();
        let (done_tx, done) = unbounded::<Done>();
        let spawned = thread::Builder::new()
            .name("tenet-rule-files".into())
            .spawn(move || run(&job_rx, &done_tx));
        if let Err(e) = spawned {
            eprintln!("tenet lsp: cannot start the rule-file thread: {e}");
        }
        Compiler { jobs, done }
    }

    /// Queues a rule file for compiling.
    pub(super) fn submit(&self, job: Job) {
        let _ = self.jobs.send(job);
    }
}

fn run(jobs: &Receiver<Job>, done: &Sender<Done>) {
    while let Ok(first) = jobs.recv() {
        // Everything queued meanwhile: only the newest job per file is worth doing.
        let mut newest: HashMap<String, Job> = HashMap::new();
        for job in std::iter::once(first).chain(jobs.try_iter()) {
            newest.insert(job.uri.as_str().to_string(), job);
        }
        for job in newest.into_values() {
            let diagnostics = catch_unwind(AssertUnwindSafe(|| {
                features::rule_file_diagnostics(&job.text, &job.path, &job.overrides, job.encoding)
            }))
            .map_err(|panic| panic_message(&*panic));
            let sent = done.send(Done {
                uri: job.uri,
                version: job.version,
                diagnostics,
            });
            if sent.is_err() {
                return;
            }
        }
    }
}
