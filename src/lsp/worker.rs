//! Work done off the main loop, so that checking a large draft or compiling a
//! large rule file never holds up hover, code actions or other documents. A
//! worker is one thread with a queue; of the jobs queued for one document only
//! the newest is done, and the main loop drops a result for a version the editor
//! has moved past.

use std::collections::HashMap;
use std::thread;

use crossbeam_channel::{unbounded, Receiver, Sender};
use lsp_types::Uri;

use crate::report::panics;

/// A job for one document.
pub(super) trait Job: Send + 'static {
    /// The document it is for: a newer job for the same one replaces it.
    fn uri(&self) -> &Uri;
}

/// What came of a job: its result, or the message of the panic it raised.
pub(super) struct Done<J, R> {
    pub(super) job: J,
    pub(super) result: Result<R, String>,
}

/// A worker thread's two ends.
pub(super) struct Worker<J, R> {
    jobs: Sender<J>,
    pub(super) done: Receiver<Done<J, R>>,
}

impl<J: Job, R: Send + 'static> Worker<J, R> {
    /// Starts the thread; it ends when the `Worker` is dropped.
    pub(super) fn start(name: &str, work: fn(&mut J) -> R) -> Worker<J, R> {
        let (jobs, job_rx) = unbounded::<J>();
        let (done_tx, done) = unbounded();
        let spawned = thread::Builder::new()
            .name(name.into())
            .spawn(move || run(&job_rx, &done_tx, work));
        if let Err(e) = spawned {
            eprintln!("tenet lsp: cannot start the {name} thread: {e}");
        }
        Worker { jobs, done }
    }

    /// Queues a job.
    pub(super) fn submit(&self, job: J) {
        let _ = self.jobs.send(job);
    }
}

fn run<J: Job, R>(jobs: &Receiver<J>, done: &Sender<Done<J, R>>, work: fn(&mut J) -> R) {
    while let Ok(first) = jobs.recv() {
        // Everything queued meanwhile: only the newest job per document is worth doing.
        let mut newest: HashMap<String, J> = HashMap::new();
        for job in std::iter::once(first).chain(jobs.try_iter()) {
            newest.insert(job.uri().as_str().to_string(), job);
        }
        for mut job in newest.into_values() {
            let result = panics::catch(|| work(&mut job)).map_err(|p| p.to_string());
            if done.send(Done { job, result }).is_err() {
                return;
            }
        }
    }
}
