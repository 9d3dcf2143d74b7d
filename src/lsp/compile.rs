//! Rule files are compiled (and their examples run) on a worker thread of their
//! own (see [`super::worker`]).

use std::path::PathBuf;

use lsp_types::{Diagnostic, Uri};

use super::convert::Encoding;
use super::features;
use super::worker;
use crate::language::lower::Overrides;

/// A rule file to compile.
pub(super) struct Job {
    pub(super) uri: Uri,
    pub(super) version: i32,
    /// The document's revision when the job was made (see `Document::revision`).
    pub(super) revision: u64,
    pub(super) text: String,
    pub(super) path: PathBuf,
    pub(super) overrides: Overrides,
    pub(super) encoding: Encoding,
}

impl worker::Job for Job {
    fn uri(&self) -> &Uri {
        &self.uri
    }
}

/// The rule-file worker: diagnostics of each compiled file.
pub(super) type Compiler = worker::Worker<Job, Vec<Diagnostic>>;

/// A compiled rule file's diagnostics, or why compiling it failed.
pub(super) type Done = worker::Done<Job, Vec<Diagnostic>>;

/// Starts the rule-file worker.
pub(super) fn start() -> Compiler {
    worker::Worker::start("tenet-rule-files", |job: &mut Job| {
        features::rule_file_diagnostics(&job.text, &job.path, &job.overrides, job.encoding)
    })
}
