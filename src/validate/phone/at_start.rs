//! Metadata patterns matched where a national number starts, by the DFAs built
//! for them with Tenet (see `build.rs`): parsing and compiling them when first
//! used took more CPU than a run's searches for numbers.

use regex_automata::dfa::{sparse, Automaton};
use regex_automata::Input;

use super::metadata::dfa_of;
use super::plans::Matcher;

/// A metadata pattern matched where a text starts (`^(?:source)`): by the DFA
/// built for it with Tenet (see `build.rs`), which finds what the compiled
/// pattern finds, or, for a pattern without one, compiled now.
pub(super) enum AtStart {
    // Boxed: a sparse DFA's header (its byte classes and start states) is
    // 720 bytes.
    Dfa(Box<sparse::DFA<&'static [u8]>>),
    Regex(Matcher),
}

impl AtStart {
    /// The pattern `source`, by its DFA when it has one; `None` when it has
    /// none and does not compile.
    pub(super) fn new(source: &str) -> Option<AtStart> {
        let dfa = dfa_of(source).and_then(|bytes| sparse::DFA::from_bytes(bytes).ok());
        match dfa {
            Some((dfa, _)) => Some(AtStart::Dfa(Box::new(dfa))),
            None => Matcher::anchored(source).map(AtStart::Regex),
        }
    }

    /// Whether it matches at the start of `text`.
    pub(super) fn is_match(&self, text: &str) -> bool {
        match self {
            AtStart::Dfa(dfa) => search(dfa, &Input::new(text).earliest(true)).is_some(),
            AtStart::Regex(m) => m.is_match(text),
        }
    }

    /// Where the match at the start of `text` ends.
    pub(super) fn end(&self, text: &str) -> Option<usize> {
        match self {
            AtStart::Dfa(dfa) => search(dfa, &Input::new(text)),
            AtStart::Regex(m) => m.find(text).map(|m| m.end),
        }
    }
}

/// The end of the DFA's match at the start of the input, if any. (Such a DFA
/// has no quit bytes and so never fails.)
fn search(dfa: &sparse::DFA<&'static [u8]>, input: &Input) -> Option<usize> {
    let input = input.clone().anchored(regex_automata::Anchored::Yes);
    dfa.try_search_fwd(&input)
        .ok()
        .flatten()
        .map(|m| m.offset())
}

#[cfg(test)]
mod tests {
    use super::super::metadata::REGIONS;
    use super::*;

    /// Every pattern matched at a number's start has a DFA built with Tenet,
    /// and it finds what the pattern compiled now finds: whether it matches at
    /// the start, and where that match ends. On random digits, and on digits
    /// read along random paths of the DFA, so that most of its matches are
    /// tried, each of them at every length.
    #[test]
    fn dfas_find_what_the_compiled_patterns_find() {
        use regex_automata::util::start;
        let mut sources: Vec<&str> = Vec::new();
        for r in &REGIONS {
            let descs = [
                Some(&r.general),
                r.premium_rate.as_ref(),
                r.toll_free.as_ref(),
                r.shared_cost.as_ref(),
                r.voip.as_ref(),
                r.personal_number.as_ref(),
                r.pager.as_ref(),
                r.uan.as_ref(),
                r.voicemail.as_ref(),
                r.fixed_line.as_ref(),
                r.mobile.as_ref(),
            ];
            sources.extend(descs.into_iter().flatten().map(|d| d.pattern));
            sources.extend(r.leading_digits);
            sources.extend(r.international_prefix);
            sources.extend(r.formats.iter().filter_map(|f| f.leading_digits));
        }
        sources.sort_unstable();
        sources.dedup();
        assert!(sources.len() > 1_000, "{} patterns", sources.len());
        let mut random = crate::text::random::Random::new(5);
        let mut matched = 0;
        for source in sources {
            let Some(AtStart::Dfa(dfa)) = AtStart::new(source) else {
                panic!("no DFA for {source:?}");
            };
            let compiled = Matcher::anchored(source).expect("compiles");
            let mut inputs: Vec<String> = Vec::new();
            for _ in 0..100 {
                let len = 1 + random.below(17);
                inputs.push(
                    (0..len)
                        .map(|_| char::from(b'0' + random.below(10) as u8))
                        .collect(),
                );
            }
            let config = start::Config::new().anchored(regex_automata::Anchored::Yes);
            for _ in 0..20 {
                let mut state = dfa.start_state(&config).expect("an anchored start");
                let mut digits = String::new();
                while digits.len() < 17 {
                    let live: Vec<u8> = (b'0'..=b'9')
                        .filter(|&d| !dfa.is_dead_state(dfa.next_state(state, d)))
                        .collect();
                    if live.is_empty() {
                        break;
                    }
                    let d = live[random.below(live.len())];
                    state = dfa.next_state(state, d);
                    digits.push(char::from(d));
                    inputs.push(digits.clone());
                }
            }
            let dfa = AtStart::Dfa(dfa);
            for input in &inputs {
                let end = compiled.find(input).map(|m| m.end);
                assert_eq!(dfa.end(input), end, "{source:?} on {input}");
                assert_eq!(dfa.is_match(input), end.is_some(), "{source:?} on {input}");
                matched += usize::from(end.is_some());
            }
        }
        assert!(matched > 50_000, "only {matched} matches tried");
    }
}
