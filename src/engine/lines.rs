//! Spans of whole lines, where a regex runs in a long text: adjacent lines
//! joined into one span, widened by as many lines as a match can cross.

use std::ops::Range;

/// The spans of adjacent lines a regex runs on (`None`: the whole text).
pub(super) type Lines = Option<Vec<Range<usize>>>;

/// Spans of lines (as [`add_line`] joins them) widened by `breaks` lines on
/// either side; `None` (the whole text) when they hold more than half of it,
/// since searching span by span costs more than one scan of the whole text
/// unless the spans leave out most. Widened by none, the spans are themselves.
pub(super) fn narrowed(bytes: &[u8], spans: Vec<Range<usize>>, breaks: usize) -> Lines {
    let spans = match breaks {
        0 => spans,
        _ => widened(bytes, &spans, breaks),
    };
    at_most_half(bytes, spans)
}

/// `spans`, or `None` (the whole text) when they hold more than half of it.
fn at_most_half(bytes: &[u8], spans: Vec<Range<usize>>) -> Lines {
    (spans.iter().map(|s| s.len()).sum::<usize>() <= bytes.len() / 2).then_some(spans)
}

/// The line that holds the literal match `m`, from `line` (the last one asked
/// for, updated) when it is there.
pub(super) fn line_holding(bytes: &[u8], m: Range<usize>, line: &mut Range<usize>) -> Range<usize> {
    if m.start < line.start || m.end > line.end {
        let (start, end) = line_around(bytes, m.start, m.end);
        *line = start..end;
    }
    line.clone()
}

/// The line (without its `\n`) that holds `start..end`.
pub(super) fn line_around(bytes: &[u8], start: usize, end: usize) -> (usize, usize) {
    let line_start = memchr::memrchr(b'\n', &bytes[..start]).map_or(0, |i| i + 1);
    let line_end = memchr::memchr(b'\n', &bytes[end..]).map_or(bytes.len(), |i| end + i);
    (line_start, line_end)
}

/// Adds a line to spans of adjacent lines, joining it to the last when they touch.
pub(super) fn add_line(spans: &mut Vec<Range<usize>>, line: Range<usize>) {
    match spans.last_mut() {
        Some(last) if last.end + 1 >= line.start && last.start <= line.start => {
            last.end = last.end.max(line.end);
        }
        Some(last) if line.start < last.start => {
            // Out of order (a literal holding a line break): put in its place.
            let at = spans.partition_point(|s| s.start <= line.start);
            spans.insert(at, line);
            coalesce(spans);
        }
        _ => spans.push(line),
    }
}

/// Joins sorted spans of lines where they touch or overlap.
fn coalesce(spans: &mut Vec<Range<usize>>) {
    let mut out: Vec<Range<usize>> = Vec::with_capacity(spans.len());
    for span in spans.drain(..) {
        match out.last_mut() {
            Some(last) if last.end + 1 >= span.start => last.end = last.end.max(span.end),
            _ => out.push(span),
        }
    }
    *spans = out;
}

/// Spans of whole lines, each with `lines` more lines before and after it, joined
/// where they touch.
fn widened(bytes: &[u8], spans: &[Range<usize>], lines: usize) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::with_capacity(spans.len());
    for span in spans {
        let (mut start, mut end) = (span.start, span.end);
        for _ in 0..lines {
            if start > 0 {
                start = memchr::memrchr(b'\n', &bytes[..start - 1]).map_or(0, |i| i + 1);
            }
            if end < bytes.len() {
                end = memchr::memchr(b'\n', &bytes[end + 1..]).map_or(bytes.len(), |i| end + 1 + i);
            }
        }
        add_line(&mut out, start..end);
    }
    out
}

/// Where a regex every match of which holds one of its literals, a digit and
/// at most `breaks` line breaks need run: where the lines that hold its
/// literals (`lines`) and those that hold a digit (`digit_lines`), each with
/// `breaks` lines around, overlap. A match lies in one span of each, so in
/// their overlap. (The lines near a digit are most of a long text, and its
/// literals may be as common: `x`, `account`.) As [`narrowed`], the whole
/// text when that is more than half of it.
pub(super) fn near_digits(
    bytes: &[u8],
    lines: &[Range<usize>],
    digit_lines: &[Range<usize>],
    breaks: usize,
) -> Lines {
    let (lines, near) = (
        widened(bytes, lines, breaks),
        widened(bytes, digit_lines, breaks),
    );
    at_most_half(bytes, overlap(&lines, &near))
}

/// The spans where one of `a` and one of `b` overlap (each sorted, apart).
fn overlap(a: &[Range<usize>], b: &[Range<usize>]) -> Vec<Range<usize>> {
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        let (start, end) = (x.start.max(y.start), x.end.min(y.end));
        if start < end {
            out.push(start..end);
        }
        if x.end < y.end {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// The spans of adjacent lines of `text` that hold an ASCII digit.
pub(super) fn lines_with_a_digit(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut at = 0;
    while let Some(i) = crate::text::classes::find_digit(&bytes[at..]) {
        let (start, end) = line_around(bytes, at + i, at + i);
        add_line(&mut spans, start..end);
        if end == bytes.len() {
            break;
        }
        at = end + 1;
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A regex that needs a literal and a digit runs where the lines around
    /// each overlap; every match of it is in one of those spans.
    #[test]
    fn literals_and_digits_run_where_both_are_near() {
        let mut text = String::new();
        for line in [
            "acct:",
            "7712345",
            "plain",
            "plain",
            "plain",
            "plain",
            "acct: none",
            "plain",
            "plain",
            "plain",
            "plain",
            "room 12",
            "plain",
            "plain",
            "acct 99123",
        ] {
            text.push_str(line);
            text.push('\n');
        }
        let bytes = text.as_bytes();
        let literal_lines: Vec<Range<usize>> = text
            .match_indices("acct")
            .map(|(at, _)| {
                let (start, end) = line_around(bytes, at, at + 4);
                start..end
            })
            .collect();
        let digits = lines_with_a_digit(&text);
        let spans =
            near_digits(bytes, &literal_lines, &digits, 1).expect("lines, not the whole text");
        let of = |s: &Range<usize>| text[s.clone()].to_string();
        let spans: Vec<String> = spans.iter().map(of).collect();
        // "acct: none" is a line from any digit; "room 12" two from any literal.
        assert_eq!(spans, ["acct:\n7712345", "plain\nacct 99123\n"]);
        let re = regex_automata::meta::Regex::new(r"acct:?\s*[0-9]+").unwrap();
        for m in re.find_iter(&text) {
            assert!(spans.iter().any(|s| s.contains(&text[m.range()])));
        }
        // With the digits' lines more than half of the text: the whole text.
        let dense = "acct 1\n".repeat(10);
        let all = lines_with_a_digit(&dense);
        assert_eq!(near_digits(dense.as_bytes(), &all, &all, 0), None);
    }

    /// Lines come in order but for a literal that holds a line break, whose
    /// lines begin before the last ones added: every line is kept, joined where
    /// lines touch.
    #[test]
    fn lines_are_joined_in_order_whatever_order_they_come_in() {
        let mut spans = Vec::new();
        for line in [0..4, 5..9, 20..24, 12..18, 30..34, 25..34] {
            add_line(&mut spans, line);
        }
        assert_eq!(spans, [0..9, 12..18, 20..34]);
        let mut spans = Vec::new();
        for line in [10..14, 20..24, 0..9] {
            add_line(&mut spans, line);
        }
        assert_eq!(spans, [0..14, 20..24]);
    }
}
