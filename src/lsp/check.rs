//! Drafts are checked on a worker thread (see [`super::worker`]): the main loop
//! answers hover, code actions and other documents while a large draft is checked,
//! and a check for a text that has been edited since is dropped unpublished.

use std::sync::Arc;

use lsp_types::{Diagnostic, Uri};

use super::convert::{self, Encoding};
use super::worker;
use crate::draft::Format;
use crate::report::finding::Finding;
use crate::report::Report;
use crate::workspace::Rules;

/// A draft to check: its text as of one revision, and what to check it with.
pub(super) struct Job {
    pub(super) uri: Uri,
    pub(super) version: i32,
    /// The document's edit count when the job was made (see `Document::revision`).
    pub(super) revision: u64,
    /// The text (taken by the check).
    pub(super) text: String,
    pub(super) format: Format,
    pub(super) channel: String,
    pub(super) rules: Arc<Rules>,
    pub(super) encoding: Encoding,
}

impl worker::Job for Job {
    fn uri(&self) -> &Uri {
        &self.uri
    }
}

/// The draft worker: each check's report and its diagnostics.
pub(super) type Checker = worker::Worker<Job, (Arc<Report>, Vec<Diagnostic>)>;

/// A checked draft, or why checking it failed.
pub(super) type Done = worker::Done<Job, (Arc<Report>, Vec<Diagnostic>)>;

/// Starts the draft worker.
pub(super) fn start() -> Checker {
    worker::Worker::start("tenet-drafts", |job: &mut Job| {
        let text = std::mem::take(&mut job.text);
        let (draft, report) = job.rules.check(text, job.format, job.channel.clone());
        let diagnostics = diagnostics(&draft.text, &job.uri, &report, job.encoding);
        (Arc::new(report), diagnostics)
    })
}

/// A report's findings as diagnostics: specific findings first, remarks on the
/// whole draft after, so clients that list a line's diagnostics in order show the
/// specific one first.
pub(super) fn diagnostics(
    text: &str,
    uri: &Uri,
    report: &Report,
    encoding: Encoding,
) -> Vec<Diagnostic> {
    let text = convert::Text::new(text, encoding);
    let (specific, whole): (Vec<&Finding>, Vec<&Finding>) =
        report.findings.iter().partition(|f| !f.document);
    specific
        .into_iter()
        .chain(whole)
        .map(|f| convert::diagnostic(&text, uri, f, &report.redactions))
        .collect()
}
