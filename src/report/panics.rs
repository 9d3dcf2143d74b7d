//! Panics told without their messages. A panic's message can quote the text it
//! was working on (the standard library's own, for a string sliced off a
//! character boundary, quotes the string), and a draft's text, its redacted
//! parts above all, must never appear anywhere: not on standard error, not in
//! an editor's log, not in a service's answer. What is told is where the panic
//! happened, which is what a bug report needs.

use std::cell::RefCell;
use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Mutex, PoisonError};

thread_local! {
    /// Where the last panic on this thread happened.
    static LAST: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Where the last panic on one of rayon's threads happened. Rayon carries a
/// task's panic on to the thread that waits for the task, where the hook never
/// ran: [`catch`] there finds the place here.
static LAST_IN_POOL: Mutex<Option<String>> = Mutex::new(None);

fn in_pool() -> std::sync::MutexGuard<'static, Option<String>> {
    LAST_IN_POOL.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Makes every panic of this process tell only where it happened, on standard
/// error, and keep that for [`catch`] to give. Set once, at start-up.
pub fn tell_only_where() {
    std::panic::set_hook(Box::new(|panic| {
        let at = panic
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()));
        let told = Panicked { at: at.clone() };
        eprintln!("tenet: {told} (a bug: please report it; its message is not shown, since it may quote a draft)");
        if rayon::current_thread_index().is_some() {
            *in_pool() = at.clone();
        }
        LAST.with(|last| *last.borrow_mut() = at);
    }));
}

/// A panic caught by [`catch`]: where it happened, when the hook of
/// [`tell_only_where`] saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Panicked {
    /// `file:line`.
    pub at: Option<String>,
}

impl fmt::Display for Panicked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.at {
            Some(at) => write!(f, "internal error at {at}"),
            None => f.write_str("internal error"),
        }
    }
}

/// `f`'s result, or where it panicked: never what its panic said.
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, Panicked> {
    LAST.with(|last| last.borrow_mut().take());
    catch_unwind(AssertUnwindSafe(f)).map_err(|_| {
        let here = LAST.with(|last| last.borrow_mut().take());
        let mut pool = in_pool();
        let at = match here {
            // Caught on the rayon thread it happened on: told here, so
            // not again by a later catch elsewhere.
            Some(at) => {
                if pool.as_ref() == Some(&at) {
                    pool.take();
                }
                Some(at)
            }
            // Carried here from a rayon task. (Two tasks that panic at the
            // same moment may swap places; either is a place in Tenet.)
            None => pool.take(),
        };
        Panicked { at }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Without the hook (as in tests), a panic is still caught and told as an
    /// internal error, its message left out.
    #[test]
    fn a_caught_panic_says_nothing_of_its_message() {
        let card = "4539 0174 9410 9883";
        let caught = catch(|| -> usize { panic!("a bug near {card}") }).unwrap_err();
        let told = caught.to_string();
        assert!(told.starts_with("internal error"), "{told}");
        assert!(!told.contains("4539"), "{told}");
        assert_eq!(catch(|| 7), Ok(7));
    }

    /// A panic in a rayon task, carried to the thread that waits for it, is
    /// told with where it happened (the hook is set here, as `main` sets it).
    #[test]
    fn a_panic_in_a_rayon_task_is_told_with_its_place() {
        tell_only_where();
        let caught = catch(|| {
            rayon::join(
                || 1,
                || -> usize { panic!("a bug near 4539 0174 9410 9883") },
            )
        })
        .unwrap_err();
        let _ = std::panic::take_hook();
        let at = caught.at.expect("the place of the panic");
        assert!(at.starts_with("src/report/panics.rs:"), "{at}");
        assert!(in_pool().is_none(), "told once");
    }
}
