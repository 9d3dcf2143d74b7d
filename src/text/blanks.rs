//! The blanks between a term's words. Mail and commit messages are wrapped by
//! hand, and text is indented and spaced by hand: `please advise` is written
//! `please\nadvise` at the end of a line, `do not  distribute` with two
//! spaces. So a space in a term that follows another character of the term
//! matches a run of blanks: spaces and tabs, with at most one line break among
//! them. A blank line (a paragraph's end) parts words that no term joins.
//!
//! Terms are kept with each run of whitespace in them as one space
//! ([`spaced`]): a term's only space that is not a run of blanks is a
//! leading one, matched as written.

use std::borrow::Cow;

/// How many bytes the run of blanks at the start of `bytes` takes: spaces and
/// tabs, then a line break (`\n` or `\r\n`) if one follows, then spaces and
/// tabs. 0 when `bytes` does not begin with one.
#[inline]
pub fn run(bytes: &[u8]) -> usize {
    let spaces = |mut at: usize| {
        while bytes.get(at).is_some_and(|&b| b == b' ' || b == b'\t') {
            at += 1;
        }
        at
    };
    let at = spaces(0);
    if bytes[at..].starts_with(b"\n") {
        spaces(at + 1)
    } else if bytes[at..].starts_with(b"\r\n") {
        spaces(at + 2)
    } else {
        at
    }
}

/// Where `rest` ends if the text `bytes` has it at `at`: each of its spaces
/// matched by a run of blanks ([`run`]), each other byte by itself (by its
/// ASCII lower case in a `caseless` search, whose `rest` is in lower case).
/// `rest` is the end of a term, from a space that follows one of its
/// characters: every space in it is such a space.
pub fn follows(bytes: &[u8], mut at: usize, rest: &[u8], caseless: bool) -> Option<usize> {
    for &want in rest {
        if want == b' ' {
            match run(bytes.get(at..)?) {
                0 => return None,
                n => at += n,
            }
            continue;
        }
        let &got = bytes.get(at)?;
        let got = if caseless {
            got.to_ascii_lowercase()
        } else {
            got
        };
        if got != want {
            return None;
        }
        at += 1;
    }
    Some(at)
}

/// Where a term splits for [`follows`]: the end of the part before its first
/// space that follows another of its characters, if it has such a space.
pub fn head_len(term: &[u8]) -> Option<usize> {
    term.iter().skip(1).position(|&b| b == b' ').map(|i| i + 1)
}

/// `s` with each run of ASCII whitespace in it as one space: how terms are
/// kept, how a matched text is compared with a rule's exceptions, and how it
/// is quoted on one line.
pub fn spaced(s: &str) -> Cow<'_, str> {
    let bytes = s.as_bytes();
    let lone_space =
        |i: usize| bytes[i] == b' ' && !bytes.get(i + 1).is_some_and(u8::is_ascii_whitespace);
    if (0..bytes.len()).all(|i| !bytes[i].is_ascii_whitespace() || lone_space(i)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut in_space = false;
    for c in s.chars() {
        if c.is_ascii_whitespace() {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_takes_spaces_and_tabs_around_one_line_break() {
        assert_eq!(run(b" x"), 1);
        assert_eq!(run(b"  \t x"), 4);
        assert_eq!(run(b"\nx"), 1);
        assert_eq!(run(b" \r\n\tx"), 4);
        assert_eq!(run(b" \n \n x"), 3, "a blank line ends it");
        assert_eq!(run(b"\n\nx"), 1);
        assert_eq!(run(b"\rx"), 0, "a lone carriage return is not a line break");
        assert_eq!(run(b"x"), 0);
        assert_eq!(run(b""), 0);
        assert_eq!(run(b" \r"), 1);
    }

    #[test]
    fn the_rest_of_a_term_follows_across_blanks() {
        let text = b"please\n  ADVISE me";
        assert_eq!(follows(text, 6, b" advise", true), Some(15));
        assert_eq!(follows(text, 6, b" advise", false), None);
        assert_eq!(follows(b"please\n\nadvise", 6, b" advise", true), None);
        assert_eq!(follows(b"pleaseadvise", 6, b" advise", true), None);
        assert_eq!(follows(b"please adv", 6, b" advise", true), None);
        assert_eq!(
            follows(b"a \t b", 1, b" ", true),
            Some(4),
            "a trailing space takes the run"
        );
    }

    #[test]
    fn a_term_splits_at_its_first_space_after_a_character() {
        assert_eq!(head_len(b"please advise"), Some(6));
        assert_eq!(
            head_len(b" as is"),
            Some(3),
            "a leading space is matched as written"
        );
        assert_eq!(head_len(b"word"), None);
        assert_eq!(head_len(b" "), None);
        assert_eq!(head_len(b""), None);
    }

    #[test]
    fn whitespace_runs_become_one_space() {
        assert!(matches!(spaced("please advise"), Cow::Borrowed(_)));
        assert!(matches!(spaced(" lead and trail "), Cow::Borrowed(_)));
        assert_eq!(spaced("do  not\tdistribute"), "do not distribute");
        assert_eq!(spaced("please\r\n\r\nadvise  é\n"), "please advise é ");
        assert_eq!(spaced("\t"), " ");
    }
}
