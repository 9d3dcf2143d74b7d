//! A compiled regex that each thread searches with a cache of its own.
//!
//! A `regex_automata::meta::Regex` keeps its search caches in one pool: the
//! first thread to search takes the pool's own cache, and every other thread
//! takes one from a stack behind a lock. The owner's take and give-back each
//! write a word that the other threads read on every search, so two threads
//! checking drafts side by side pass that word's cache line between their
//! cores at every search. Here each thread finds its cache in a slot no other
//! thread writes.

use std::cell::RefCell;

use regex_automata::meta::{Cache, Regex};
use regex_automata::util::captures::Captures;
use regex_automata::util::iter;
use regex_automata::{Input, Match, PatternSet};
use thread_local::ThreadLocal;

/// A compiled regex, searched with the calling thread's cache.
#[derive(Debug)]
pub struct Searcher {
    regex: Regex,
    /// Each thread's cache, made when the thread first searches (boxed: the
    /// table of threads is some 500 bytes, and a rule set holds many regexes).
    caches: Box<ThreadLocal<RefCell<Cache>>>,
}

impl Searcher {
    pub fn new(regex: Regex) -> Searcher {
        Searcher {
            regex,
            caches: Box::new(ThreadLocal::new()),
        }
    }

    /// The regex itself (its configuration, its pattern count).
    pub fn regex(&self) -> &Regex {
        &self.regex
    }

    /// Runs `f` with this thread's cache. A search that starts inside another
    /// on the same thread (a callback that searches again) gets a cache of its
    /// own for the while.
    fn with<R>(&self, f: impl FnOnce(&Regex, &mut Cache) -> R) -> R {
        let cell = self
            .caches
            .get_or(|| RefCell::new(self.regex.create_cache()));
        match cell.try_borrow_mut() {
            Ok(mut cache) => f(&self.regex, &mut cache),
            Err(_) => f(&self.regex, &mut self.regex.create_cache()),
        }
    }

    /// The leftmost-first match in `input`.
    pub fn search(&self, input: &Input<'_>) -> Option<Match> {
        self.with(|re, cache| re.search_with(cache, input))
    }

    /// Whether there is a match in `haystack`.
    pub fn is_match(&self, haystack: &str) -> bool {
        let input = Input::new(haystack).earliest(true);
        self.with(|re, cache| re.search_half_with(cache, &input).is_some())
    }

    /// Each match in `input`, leftmost-first and not overlapping, as
    /// `Regex::find_iter` gives them, to `found`.
    pub fn each_match(&self, input: Input<'_>, mut found: impl FnMut(Match)) {
        self.with(|re, cache| {
            let matches = iter::Searcher::new(input)
                .into_matches_iter(|input| Ok(re.search_with(cache, input)))
                .infallible();
            matches.for_each(&mut found);
        });
    }

    /// The leftmost-first match in `input`, with its groups, into `caps`.
    pub fn captures(&self, input: &Input<'_>, caps: &mut Captures) {
        self.with(|re, cache| re.search_captures_with(cache, input, caps));
    }

    /// Which patterns match in `input`, overlapping, added to `found`.
    pub fn which_overlapping_matches(&self, input: &Input<'_>, found: &mut PatternSet) {
        self.with(|re, cache| re.which_overlapping_matches_with(cache, input, found));
    }
}

/// A copy searches with caches of its own.
impl Clone for Searcher {
    fn clone(&self) -> Searcher {
        Searcher::new(self.regex.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_the_regex_finds() {
        let re = Regex::new(r"\b[a-z]+[0-9]\b").unwrap();
        let searcher = Searcher::new(re.clone());
        let text = "ab1 cd xy2, z3";
        let mut got = Vec::new();
        searcher.each_match(Input::new(text), |m| got.push(m.range()));
        let want: Vec<_> = re.find_iter(text).map(|m| m.range()).collect();
        assert_eq!(got, want);
        assert_eq!(got.len(), 3);
        let from = Input::new(text).span(4..text.len());
        assert_eq!(searcher.search(&from), re.search(&from));
        assert!(searcher.is_match(text) && !searcher.is_match("ab cd"));
        let mut caps = re.create_captures();
        searcher.captures(&from, &mut caps);
        assert_eq!(caps.get_match().map(|m| m.range()), Some(7..10));
    }

    #[test]
    fn a_search_inside_a_search_gets_a_cache_of_its_own() {
        let searcher = Searcher::new(Regex::new(r"[0-9]+").unwrap());
        let mut inner = Vec::new();
        searcher.each_match(Input::new("1 22 333"), |m| {
            inner.push((m.range(), searcher.search(&Input::new("x 4"))));
        });
        assert_eq!(inner.len(), 3);
        assert!(inner
            .iter()
            .all(|(_, m)| m.map(|m| m.range()) == Some(2..3)));
    }

    #[test]
    fn every_thread_finds_the_same() {
        let all = Regex::config().match_kind(regex_automata::MatchKind::All);
        let regex = Regex::builder()
            .configure(all)
            .build_many(&["a+", "b+", "ab"]);
        let searcher = Searcher::new(regex.unwrap());
        let found = |text: &str| {
            let mut set = PatternSet::new(3);
            searcher.which_overlapping_matches(&Input::new(text), &mut set);
            set.iter().map(|p| p.as_usize()).collect::<Vec<_>>()
        };
        std::thread::scope(|s| {
            let threads: Vec<_> = (0..4).map(|_| s.spawn(|| found("xaby"))).collect();
            for t in threads {
                assert_eq!(t.join().unwrap(), vec![0, 1, 2]);
            }
        });
        assert_eq!(found("bbb"), vec![1]);
    }
}
