//! Work on every core, results in order.

use std::io;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

/// Runs `work` on every item, on every core, and hands each result to `take` in
/// the items' order as soon as it and all before it are done. Items are started
/// in order, so the results waiting for an earlier one are about as many as
/// there are cores; `take` runs on whichever thread finished the result that
/// lets it go on, so no thread waits to be woken for each one. When `take`
/// fails, the items not yet started are skipped and the error comes back.
pub fn in_order<T: Sync, R: Send>(
    items: &[T],
    work: impl Fn(&T) -> R + Sync,
    take: impl FnMut(R) -> io::Result<()> + Send,
) -> io::Result<()> {
    struct Taker<R, F> {
        next: usize,
        waiting: std::collections::BTreeMap<usize, R>,
        take: F,
        failed: Option<io::Error>,
    }
    let taker = Mutex::new(Taker {
        next: 0,
        waiting: Default::default(),
        take,
        failed: None,
    });
    let started = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let worker = || loop {
        let i = started.fetch_add(1, Ordering::Relaxed);
        if i >= items.len() || stop.load(Ordering::Relaxed) {
            break;
        }
        let r = work(&items[i]);
        let mut t = taker.lock().unwrap_or_else(|e| e.into_inner());
        t.waiting.insert(i, r);
        while t.failed.is_none() {
            let next = t.next;
            let Some(r) = t.waiting.remove(&next) else {
                break;
            };
            t.next += 1;
            if let Err(e) = (t.take)(r) {
                t.failed = Some(e);
                stop.store(true, Ordering::Relaxed);
            }
        }
    };
    // One loop per core, each on a thread of its own rather than in the pool: a
    // large draft's own parallel work waits in the pool, and a pool thread
    // waiting for it can never pick up a whole loop meanwhile.
    std::thread::scope(|s| {
        for _ in 0..rayon::current_num_threads() {
            s.spawn(worker);
        }
    });
    let t = taker.into_inner().unwrap_or_else(|e| e.into_inner());
    t.failed.map_or(Ok(()), Err)
}
