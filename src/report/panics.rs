//! Panics told without their messages. A panic's message can quote the text it
//! was working on (the standard library's own, for a string sliced off a
//! character boundary, quotes the string), and a draft's text, its redacted
//! parts above all, must never appear anywhere: not on standard error, not in
//! an editor's log, not in a service's answer. What is told is where the panic
//! happened, which is what a bug report needs.

use std::cell::RefCell;
use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};

thread_local! {
    /// Where the last panic on this thread happened.
    static LAST: RefCell<Option<String>> = const { RefCell::new(None) };
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
    catch_unwind(AssertUnwindSafe(f)).map_err(|_| Panicked {
        at: LAST.with(|last| last.borrow_mut().take()),
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
}
