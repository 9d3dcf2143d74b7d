//! Rules' names in findings, shared by the findings one thread builds.

use std::cell::RefCell;
use std::sync::Arc;

use foldhash::{HashMap, HashMapExt};

/// The most names one thread keeps copies of (see [`local`]); past it, it
/// starts afresh.
const LOCAL_NAMES: usize = 1 << 12;

/// A rule's name (its id, category or link) with a count of its own for the
/// findings this thread builds. Findings are built on every core at once, and
/// each finding took a share of each name: the one count every core wrote,
/// which cost more than the rest of building a finding. A copy is kept for
/// each name met, by where the name is, and used while the name there is the
/// same text.
pub(crate) fn local(name: &Arc<str>) -> Arc<str> {
    thread_local! {
        static NAMES: RefCell<HashMap<usize, Arc<str>>> = RefCell::new(HashMap::new());
    }
    NAMES.with_borrow_mut(|names| {
        let at = Arc::as_ptr(name).cast::<u8>() as usize;
        if let Some(copy) = names.get(&at).filter(|copy| ***copy == **name) {
            return copy.clone();
        }
        if names.len() >= LOCAL_NAMES {
            names.clear();
        }
        let copy: Arc<str> = Arc::from(&**name);
        names.insert(at, copy.clone());
        copy
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A thread's findings share one copy of a name, another thread's
    /// another; each copy is the name.
    #[test]
    fn each_thread_shares_a_copy_of_its_own() {
        let name: Arc<str> = Arc::from("confidentiality.listed");
        let (a, b) = (local(&name), local(&name));
        assert_eq!(*a, *name);
        assert!(Arc::ptr_eq(&a, &b));
        assert!(!Arc::ptr_eq(&a, &name));
        let there = std::thread::scope(|s| s.spawn(|| local(&name)).join().unwrap());
        assert_eq!(*there, *name);
        assert!(!Arc::ptr_eq(&a, &there));
    }

    /// A name is never taken for another: a copy is kept only while the
    /// name where it was found is the same text.
    #[test]
    fn a_copy_is_of_the_same_text() {
        let first: Arc<str> = Arc::from("add-value.near-empty");
        assert_eq!(*local(&first), *first);
        drop(first);
        for text in ["zeal.exclamations", "add-value.near-empty", "a"] {
            let other: Arc<str> = Arc::from(text);
            assert_eq!(&*local(&other), text);
        }
    }
}
