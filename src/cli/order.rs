//! Work on every core, results in order.

use std::collections::BTreeMap;
use std::io;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, TryLockError};

/// `m`, locked, even after a thread panicked holding it (the scope passes that
/// panic on when the run ends).
fn lock<D>(m: &Mutex<D>) -> MutexGuard<'_, D> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Runs `work` on every item, on every core, and hands each result to `take` in
/// the items' order as soon as it and all before it are done. Items are started
/// in order, so the results waiting for an earlier one are about as many as
/// there are cores, and a slow `take` holds the work back. `take` runs on a
/// thread that finished a result, whichever finds no other thread taking; one
/// that does goes back to work, and the thread taking takes its result too.
/// When `take` fails, the items not yet started are skipped and the error
/// comes back.
pub fn in_order<T: Sync, R: Send>(
    items: &[T],
    work: impl Fn(&T) -> R + Sync,
    take: impl FnMut(R) -> io::Result<()> + Send,
) -> io::Result<()> {
    /// The results done and not yet taken, and the number of the next to take.
    struct Done<R> {
        next: usize,
        waiting: BTreeMap<usize, R>,
        /// Counts each result taken and each time the thread taking lets go:
        /// a thread that waits for room waits for this to move.
        turns: u64,
        /// Threads waiting for it to move.
        sleepers: usize,
    }
    /// What only the thread taking touches.
    struct Taker<F> {
        take: F,
        failed: Option<io::Error>,
    }
    let done = Mutex::new(Done {
        next: 0,
        waiting: BTreeMap::new(),
        turns: 0,
        sleepers: 0,
    });
    let moved = Condvar::new();
    // One more turn: the waiting threads, if any, look again.
    let turn = |d: &mut Done<R>| {
        d.turns += 1;
        if d.sleepers > 0 {
            moved.notify_all();
        }
    };
    let taker = Mutex::new(Taker { take, failed: None });
    // The next result to take, if it is done.
    let next_done = || {
        let mut d = lock(&done);
        let next = d.next;
        let r = d.waiting.remove(&next)?;
        d.next += 1;
        turn(&mut d);
        Some(r)
    };
    // After letting go of taking: one more turn, and whether the next result
    // is done.
    let let_go = || {
        let mut d = lock(&done);
        turn(&mut d);
        d.waiting.contains_key(&d.next)
    };
    let threads = rayon::current_num_threads();
    let started = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let worker = || loop {
        let i = started.fetch_add(1, Ordering::Relaxed);
        if i >= items.len() || stop.load(Ordering::Relaxed) {
            break;
        }
        let r = work(&items[i]);
        let (mut many, seen) = {
            let mut d = lock(&done);
            d.waiting.insert(i, r);
            (d.waiting.len() >= threads, d.turns)
        };
        // Taking holds `taker`, not `done`: a thread that finishes meanwhile
        // leaves its result and goes on working, instead of waiting for a
        // file's output to be written; but when as many results wait as there
        // are threads, it first waits for the thread taking to take one (or to
        // let go), so that a slow reader of the output holds the work back and
        // results do not pile up.
        loop {
            let mut t = match taker.try_lock() {
                Ok(t) => t,
                Err(TryLockError::Poisoned(e)) => e.into_inner(),
                Err(TryLockError::WouldBlock) if many => {
                    let mut d = lock(&done);
                    d.sleepers += 1;
                    let mut d = moved
                        .wait_while(d, |d| d.turns == seen)
                        .unwrap_or_else(|e| e.into_inner());
                    d.sleepers -= 1;
                    drop(d);
                    many = false;
                    continue;
                }
                Err(TryLockError::WouldBlock) => break,
            };
            many = false;
            while t.failed.is_none() {
                let Some(r) = next_done() else {
                    break;
                };
                if let Err(e) = (t.take)(r) {
                    t.failed = Some(e);
                    stop.store(true, Ordering::Relaxed);
                }
            }
            let failed = t.failed.is_some();
            drop(t);
            // A result left while this thread was taking, by one that found it
            // taking, is taken now: nobody else may come for it.
            let ready = let_go();
            if failed || !ready {
                break;
            }
        }
    };
    // One loop per core, each on a thread of its own rather than in the pool: a
    // large draft's own parallel work waits in the pool, and a pool thread
    // waiting for it can never pick up a whole loop meanwhile.
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(worker);
        }
    });
    let t = taker.into_inner().unwrap_or_else(|e| e.into_inner());
    t.failed.map_or(Ok(()), Err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// Runs `f` with `threads` threads to share the work.
    fn with_threads<R: Send>(threads: usize, f: impl FnOnce() -> R + Send) -> R {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(f)
    }

    /// Every result is taken, once, in order, however the work's times fall
    /// and however long taking takes: none is left behind by a thread that
    /// found another taking.
    #[test]
    fn every_result_is_taken_once_in_order() {
        for threads in [1, 2, 4, 8] {
            for (items, work_us, take_us) in
                [(2000, 0, 0), (300, 50, 0), (300, 0, 50), (300, 30, 30)]
            {
                let items: Vec<u64> = (0..items).collect();
                let mut taken = Vec::new();
                with_threads(threads, || {
                    in_order(
                        &items,
                        |&i| {
                            // Uneven work: every seventh item takes longer.
                            let us = if i % 7 == 0 { 5 * work_us } else { work_us };
                            std::thread::sleep(Duration::from_micros(us));
                            i
                        },
                        |r| {
                            std::thread::sleep(Duration::from_micros(take_us));
                            taken.push(r);
                            Ok(())
                        },
                    )
                })
                .unwrap();
                assert_eq!(taken, items, "{threads} threads");
            }
        }
    }

    /// The last results, done while another thread is taking, are taken too:
    /// many short runs, each ending in such a race more often than a long one.
    #[test]
    fn the_last_results_are_never_left() {
        let items: Vec<u64> = (0..6).collect();
        for threads in [2, 3, 4] {
            with_threads(threads, || {
                for _ in 0..2000 {
                    let mut taken = Vec::new();
                    in_order(
                        &items,
                        |&i| i,
                        |r| {
                            taken.push(r);
                            Ok(())
                        },
                    )
                    .unwrap();
                    assert_eq!(taken, items, "{threads} threads");
                }
            });
        }
    }

    /// A `take` that cannot go on (output nobody reads) holds the work back:
    /// past about twice the threads' count of results, no more are worked out.
    #[test]
    fn a_stuck_take_holds_the_work_back() {
        for threads in [2, 4] {
            let items: Vec<u64> = (0..1000).collect();
            let done = AtomicUsize::new(0);
            let (release, released) = std::sync::mpsc::channel::<()>();
            let released = Mutex::new(released);
            std::thread::scope(|s| {
                let run = s.spawn(|| {
                    with_threads(threads, || {
                        in_order(
                            &items,
                            |&i| {
                                done.fetch_add(1, Ordering::SeqCst);
                                i
                            },
                            |r| {
                                if r == 0 {
                                    released.lock().unwrap().recv().unwrap();
                                }
                                Ok(())
                            },
                        )
                    })
                });
                std::thread::sleep(Duration::from_millis(200));
                let before = done.load(Ordering::SeqCst);
                release.send(()).unwrap();
                run.join().unwrap().unwrap();
                assert!(
                    before <= 2 * threads + 1,
                    "{before} done with {threads} threads"
                );
            });
            assert_eq!(done.into_inner(), items.len());
        }
    }

    /// A thread held back by results waiting goes back to work as soon as the
    /// thread taking takes one, not when that thread stops taking: the second
    /// take waits (up to seconds) for an item that only the held-back thread
    /// can work out meanwhile.
    #[test]
    fn a_thread_held_back_works_again_once_a_result_is_taken() {
        let items: Vec<u64> = (0..8).collect();
        let worked = AtomicUsize::new(0);
        let wait_for = |n: usize| {
            for _ in 0..5000 {
                if worked.load(Ordering::SeqCst) >= n {
                    return true;
                }
                std::thread::sleep(Duration::from_millis(1));
            }
            false
        };
        let mut waits = Vec::new();
        with_threads(2, || {
            in_order(
                &items,
                |&i| {
                    worked.fetch_add(1, Ordering::SeqCst);
                    i
                },
                |r| {
                    match r {
                        // Until the other thread has done two more and waits.
                        0 => waits.push(wait_for(3)),
                        // Until it has done one more, which it can only do if
                        // taking 1 let it go back to work.
                        1 => waits.push(wait_for(4)),
                        _ => {}
                    }
                    Ok(())
                },
            )
        })
        .unwrap();
        assert_eq!(waits, [true, true]);
    }

    /// A failing `take` ends the run with its error; nothing after it is taken.
    #[test]
    fn a_failure_to_take_stops_the_run() {
        let items: Vec<u64> = (0..500).collect();
        let mut taken = Vec::new();
        let err = in_order(
            &items,
            |&i| i,
            |r| {
                if r == 100 {
                    return Err(io::Error::other("closed"));
                }
                taken.push(r);
                Ok(())
            },
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "closed");
        assert_eq!(taken, (0..100).collect::<Vec<_>>());
    }
}
