//! Metadata patterns matched where a national number starts, by the DFAs built
//! for them with Tenet (see `build.rs`): parsing and compiling them when first
//! used took more CPU than a run's searches for numbers.

use super::metadata::dfa_of;
use super::plans::Matcher;

/// A metadata pattern matched where a text of ASCII digits starts
/// (`^(?:source)`): by the DFA built for it with Tenet, which finds what the
/// compiled pattern finds, or, for a pattern without one, compiled now.
pub(super) enum AtStart {
    Dfa(Digits),
    Regex(Matcher),
}

impl AtStart {
    /// The pattern `source`, by its DFA when it has one; `None` when it has
    /// none and does not compile.
    pub(super) fn new(source: &str) -> Option<AtStart> {
        match dfa_of(source) {
            Some(states) => Some(AtStart::Dfa(Digits(states))),
            None => Matcher::anchored(source).map(AtStart::Regex),
        }
    }

    /// Whether it matches at the start of `text`.
    pub(super) fn is_match(&self, text: &str) -> bool {
        match self {
            AtStart::Dfa(dfa) => dfa.walk(text, true).is_some(),
            AtStart::Regex(m) => m.is_match(text),
        }
    }

    /// Where the match at the start of `text` ends.
    pub(super) fn end(&self, text: &str) -> Option<usize> {
        match self {
            AtStart::Dfa(dfa) => dfa.walk(text, false),
            AtStart::Regex(m) => m.find(text).map(|m| m.end),
        }
    }
}

/// A DFA over the ten digits as `build.rs` writes it: states of eleven
/// little-endian `u16`s, the start first: whether a match ends on reaching the
/// state, then the state each digit leads to (`u16::MAX`: none).
pub(super) struct Digits(&'static [u8]);

impl Digits {
    fn u16_at(&self, state: usize, field: usize) -> u16 {
        let at = state * 22 + field * 2;
        u16::from_le_bytes([self.0[at], self.0[at + 1]])
    }

    fn ends(&self, state: usize) -> bool {
        self.u16_at(state, 0) == 1
    }

    /// The state `digit` leads to from `state`, if any.
    fn next(&self, state: usize, digit: u8) -> Option<usize> {
        let to = self.u16_at(state, 1 + usize::from(digit));
        (to != u16::MAX).then_some(usize::from(to))
    }

    /// Where the match at the start of `text` ends: the first end found when
    /// `earliest`, else the last before the DFA stops, which is where the
    /// leftmost-first match ends (the DFA was built for that match). A byte
    /// that is not a digit stops it.
    fn walk(&self, text: &str, earliest: bool) -> Option<usize> {
        let mut state = 0;
        let mut last = None;
        for (at, b) in text.bytes().enumerate() {
            if self.ends(state) {
                last = Some(at);
                if earliest {
                    return last;
                }
            }
            let next = b
                .is_ascii_digit()
                .then(|| self.next(state, b - b'0'))
                .flatten();
            let Some(next) = next else {
                return last;
            };
            state = next;
        }
        if self.ends(state) {
            last = Some(text.len());
        }
        last
    }
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
            for _ in 0..20 {
                let (mut state, mut digits) = (0, String::new());
                while digits.len() < 17 {
                    let live: Vec<u8> = (0..10).filter(|&d| dfa.next(state, d).is_some()).collect();
                    if live.is_empty() {
                        break;
                    }
                    let d = live[random.below(live.len())];
                    state = dfa.next(state, d).expect("live");
                    digits.push(char::from(b'0' + d));
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
