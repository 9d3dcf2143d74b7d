//! The memory allocator, and how it gives memory back.

// Many short-lived allocations on every core (one draft per thread at a time):
// mimalloc's per-thread heaps keep them from contending in the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in `mimalloc.h`'s `mi_option_e` (the same in its
/// versions 2 and 3): how many milliseconds freed memory is kept for reuse
/// before it goes back to the system (a second, in version 3, unless set). The
/// crate leaves such options unnamed and passes their numbers through.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// From here on, memory goes back to the system as soon as it is freed.
///
/// Kept for reuse, freed memory makes drafts of ordinary size faster to check
/// (their next allocations need no system call); for one of a hundred megabytes
/// it is the working memory of earlier steps, held beside that of later ones
/// (about a third more at the peak). Called while no other thread works (any
/// started are idle): the allocator's options are not set safely while others
/// allocate.
pub fn return_freed_memory_at_once() {
    // SAFETY: an option of the linked allocator, set by its own function with a
    // value its documentation allows (0: at once), while no other thread runs.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 0) };
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The number names the purge delay: it reads as that option's default
    /// (`options.c` of the mimalloc the crate builds) until set, then as what it
    /// was set to.
    #[test]
    fn the_purge_delay_is_the_option_set() {
        // SAFETY: reading and setting the allocator's own option; the test
        // threads allocate meanwhile, but only this test sets an option, and the
        // value only decides when freed memory is returned.
        let get = || unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) };
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            assert_eq!(get(), 1000);
        }
        return_freed_memory_at_once();
        assert_eq!(get(), 0);
    }
}
