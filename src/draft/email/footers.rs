//! Footers in mail: legal notices, list and unsubscribe lines, free-mail ads,
//! found by how their first line opens.

use super::{line_end, Openings};

/// The most non-blank lines a footer has.
pub(super) const MAX_FOOTER_LINES: usize = 30;

/// Openings that only name the mail itself ("This message…"): they open a footer
/// when the lines they start read as a notice (`NOTICE_WORDS`), and the body when
/// not ("This message is being sent to request the presence of…").
static SELF_OPENERS: Openings = Openings::new(&[
    "this e-mail",
    "this email",
    "this message",
    "this communication",
    "this transmission",
    "this electronic",
]);

/// What a notice that opens with the mail's name goes on to say.
const NOTICE_WORDS: &[&str] = &[
    "confidential",
    "privileged",
    "proprietary",
    "intended only",
    "intended solely",
    "intended for the",
    "recipient",
    "addressee",
    "in error",
    "prohibited",
    "unauthori",
    "disclaim",
    "liab",
    "virus",
    "legally",
    "solicitation",
    "subscri",
    "mailing list",
    "removed from",
];

/// How many lines, from its first, a notice has to say what it is.
const NOTICE_LINES: usize = 3;

/// How footers begin: legal notices, list and unsubscribe lines, free-mail ads.
static FOOTER_OPENERS: Openings = Openings::new(&[
    "the information contained",
    "the information in this",
    "confidentiality notice",
    "confidentiality note",
    "privileged and confidential",
    "if you are not the intended",
    "if you received this",
    "if you have received this",
    "to unsubscribe",
    "unsubscribe",
    "click here to unsubscribe",
    "if you prefer not to receive",
    "if you no longer wish",
    "you are receiving this",
    "you received this",
    "to be removed from",
    "to subscribe",
    "to remove yourself",
    "get your free",
    "do you yahoo",
    "do you yahoo!?",
    "get your private, free e-mail",
    "join the world's largest e-mail",
]);

/// Whether the line at `at` (`trimmed`) opens a footer.
pub(super) fn opens_footer(text: &str, at: usize, trimmed: &str) -> bool {
    let head = trimmed
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .as_bytes();
    if FOOTER_OPENERS.open(head) {
        return true;
    }
    if !SELF_OPENERS.open(head) {
        return false;
    }
    let mut end = at;
    for _ in 0..NOTICE_LINES {
        end = line_end(text, end, text.len());
    }
    let lines = text[at..end].to_ascii_lowercase();
    NOTICE_WORDS.iter().any(|w| lines.contains(w))
}

#[cfg(test)]
mod tests {
    use super::super::FORWARD_MARKERS;
    use super::*;

    /// Openings are in lower case, and a line in any case opens with one.
    #[test]
    fn openings_are_in_lower_case_and_found_in_any_case() {
        for list in [&FORWARD_MARKERS, &FOOTER_OPENERS, &SELF_OPENERS] {
            for o in list.list() {
                assert_eq!(*o, o.to_ascii_lowercase(), "{o}");
                assert!(list.open(o.to_ascii_uppercase().as_bytes()), "{o}");
                assert!(list.open(format!("{o} and more").as_bytes()), "{o}");
            }
        }
        assert!(!FOOTER_OPENERS.open(b""));
        assert!(!FOOTER_OPENERS.open(b"unsubscrib"));
    }

    /// Heads no opening's first byte begins are let go at one look; every
    /// other answer is what comparing the head with each opening gives.
    #[test]
    fn openings_answer_as_comparing_with_each() {
        for list in [&FORWARD_MARKERS, &FOOTER_OPENERS, &SELF_OPENERS] {
            for o in list.list() {
                let heads = [
                    o.to_string(),
                    o[1..].to_string(),
                    o[..o.len() - 1].to_string(),
                    format!("x{o}"),
                    format!("{} {o}", o.to_ascii_uppercase()),
                ];
                for head in heads {
                    let compared = list.list().iter().any(|p| {
                        head.len() >= p.len()
                            && head.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes())
                    });
                    assert_eq!(list.open(head.as_bytes()), compared, "{head:?}");
                }
            }
        }
    }
}
