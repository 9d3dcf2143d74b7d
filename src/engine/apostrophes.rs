//! Caseless terms with their apostrophes typographic too. Folding takes `’`
//! for `'`, but a text whose only character beyond ASCII that folds is `’` is
//! common (most text typed on a phone) and is searched as it is, without a
//! folded copy: the automata hold each such term both ways instead.

use super::Use;
use crate::text::fold::TYPOGRAPHIC_APOSTROPHE;

/// Apostrophes in a caseless term spelled out each way (`'` and `’`), as
/// automata of their own, for at most this many: a term with more is found
/// only in a folded copy of a text that has a typographic apostrophe.
pub(super) const SPELLED_APOSTROPHES: usize = 3;

/// Caseless `pats` (folded: every apostrophe straight) and their `uses`, with
/// each term that has apostrophes also written with every combination of them
/// typographic, so that a text whose only character that folds is `’` is
/// searched as it is; and whether some term has more than
/// [`SPELLED_APOSTROPHES`] (then such a text is folded).
pub(super) fn with_typographic_apostrophes(
    mut pats: Vec<String>,
    mut uses: Vec<Vec<Use>>,
) -> (Vec<String>, Vec<Vec<Use>>, bool) {
    let mut folded = false;
    for i in 0..pats.len() {
        if !pats[i].contains('\'') {
            continue;
        }
        // The pieces between apostrophes, joined by `'` or `’`: bit k of a
        // combination says which goes after piece k (0: the term as written).
        let pieces: Vec<String> = pats[i].split('\'').map(str::to_owned).collect();
        let count = pieces.len() - 1;
        if count > SPELLED_APOSTROPHES {
            folded = true;
            continue;
        }
        for combination in 1..1u32 << count {
            let mut variant = pieces[0].clone();
            for (k, piece) in pieces[1..].iter().enumerate() {
                variant.push(match combination >> k & 1 {
                    1 => TYPOGRAPHIC_APOSTROPHE,
                    _ => '\'',
                });
                variant.push_str(piece);
            }
            pats.push(variant);
            uses.push(uses[i].clone());
        }
    }
    (pats, uses, folded)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn used(i: u32) -> Vec<Use> {
        vec![Use {
            matcher: i,
            pattern: 0,
            partial: false,
        }]
    }

    #[test]
    fn every_combination_of_apostrophes_is_spelled_out_with_the_terms_uses() {
        let pats = vec!["rock 'n' roll".to_string(), "plain".to_string()];
        let (pats, uses, folded) = with_typographic_apostrophes(pats, vec![used(0), used(1)]);
        assert!(!folded);
        assert_eq!(
            pats,
            [
                "rock 'n' roll",
                "plain",
                "rock ’n' roll",
                "rock 'n’ roll",
                "rock ’n’ roll"
            ]
        );
        let matchers: Vec<Vec<u32>> = uses
            .iter()
            .map(|u| u.iter().map(|u| u.matcher).collect())
            .collect();
        assert_eq!(matchers, [[0], [1], [0], [0], [0]]);
    }

    #[test]
    fn a_term_with_more_apostrophes_asks_for_a_folded_text() {
        let many = "'".repeat(SPELLED_APOSTROPHES);
        let (pats, _, folded) = with_typographic_apostrophes(vec![many], vec![used(0)]);
        assert_eq!((pats.len(), folded), (1 << SPELLED_APOSTROPHES, false));
        let more = "'".repeat(SPELLED_APOSTROPHES + 1);
        let (pats, _, folded) = with_typographic_apostrophes(vec![more], vec![used(0)]);
        assert_eq!((pats.len(), folded), (1, true));
    }
}
