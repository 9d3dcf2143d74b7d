//! Markdown scopes from pulldown-cmark's offset iterator.

use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag};

use super::Scope;

/// The scopes of a Markdown text. Most drafts use no Markdown but a heading or
/// two: the parser, which reads every paragraph's inlines too, then reads only
/// those lines.
pub(super) fn regions(text: &str) -> Vec<(Range<usize>, Scope)> {
    let Some(headings) = headings_alone(text) else {
        return parsed(text);
    };
    let mut out = Vec::new();
    for line in headings {
        let at = line.start;
        out.extend(
            parsed(&text[line])
                .into_iter()
                .map(|(r, s)| (r.start + at..r.end + at, s)),
        );
    }
    out
}

/// The lines (each with its line break) that may be ATX headings, when nothing
/// else in `text` can make a scope; `None` when something may.
///
/// Every other scope needs a byte or a line this rules out: code needs a
/// backtick, `~~~` or an indented line; links and images a `](`, or a
/// definition, on a line that begins with `[`; autolinks and HTML comments a
/// `<`; a block quote a line that begins with `>`; a setext heading a line of
/// `=` or `-`; front matter a line of `-` or `+`. A list item is read for the
/// same after its marker, and a heading right after one rules the text out.
/// On what is left an ATX heading's line is parsed alone as in the whole text:
/// it interrupts a paragraph (or a list item it is indented under), and
/// nothing around it reaches into it.
fn headings_alone(text: &str) -> Option<Vec<Range<usize>>> {
    let bytes = text.as_bytes();
    if memchr::memchr2(b'`', b'<', bytes).is_some()
        || memchr::memmem::find(bytes, b"~~~").is_some()
        || memchr::memmem::find(bytes, b"](").is_some()
    {
        return None;
    }
    let mut headings = Vec::new();
    let mut start = 0;
    while start < bytes.len() {
        let end = memchr::memchr2(b'\n', b'\r', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        let next = match bytes.get(end..end + 2) {
            Some(b"\r\n") => end + 2,
            _ => (end + 1).min(bytes.len()),
        };
        let line = &bytes[start..end];
        let indent = line.iter().take_while(|&&b| b == b' ').count();
        let rest = &line[indent..];
        match rest.first() {
            Some(_) if indent >= 4 => return None,
            Some(b'#') => headings.push(start..next),
            _ if !plain(rest) => return None,
            _ => {}
        }
        start = next;
    }
    Some(headings)
}

/// Whether a line's text after its indent, which does not begin with `#`, can
/// make no scope: read after each list item's marker too. Linear in the line,
/// however many markers it holds (`- - - … x` is a list nested in each item).
fn plain(line: &[u8]) -> bool {
    // From where on the line is only blanks, `-`, `=` and `+` (a rule or an
    // underline once a list item's markers are taken away).
    let only_rules_from = line
        .iter()
        .rposition(|b| !b" \t-=+".contains(b))
        .map_or(0, |i| i + 1);
    let mut at = 0;
    loop {
        let rest = &line[at..];
        match rest.first() {
            None => return true,
            Some(b'\t' | b'>' | b'[') => return false,
            Some(_) if at >= only_rules_from => return false,
            _ => {}
        }
        let Some(marker) = list_marker(rest) else {
            return true;
        };
        // Five spaces or more after a marker begin code inside the item.
        let spaces = rest[marker..].iter().take_while(|&&b| b == b' ').count();
        at += marker + spaces;
        if spaces > 4 || matches!(line.get(at), Some(b'\t' | b'#')) {
            return false;
        }
    }
}

/// The length of the list item's marker a line's text after its indent begins
/// with: a bullet, or up to nine digits and `.` or `)`, then a space, a tab or
/// the end.
fn list_marker(rest: &[u8]) -> Option<usize> {
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    let marker = match rest.first() {
        Some(b'-' | b'*' | b'+') => 1,
        Some(_) if (1..=9).contains(&digits) && matches!(rest.get(digits), Some(b'.' | b')')) => {
            digits + 1
        }
        _ => return None,
    };
    matches!(rest.get(marker), None | Some(b' ' | b'\t')).then_some(marker)
}

/// The scopes pulldown-cmark finds in `text`.
fn parsed(text: &str) -> Vec<(Range<usize>, Scope)> {
    let options = Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS
        | Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES;
    let mut out = Vec::new();
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) | Event::Code(_) => out.push((range, Scope::Code)),
            Event::Start(Tag::BlockQuote(_)) => out.push((range, Scope::Quote)),
            Event::Start(Tag::Heading { .. }) => out.push((range, Scope::Heading)),
            Event::Start(Tag::MetadataBlock(_)) => out.push((range, Scope::FrontMatter)),
            Event::Html(html) | Event::InlineHtml(html)
                if html.trim_start().starts_with("<!--") =>
            {
                out.push((range, Scope::Comment))
            }
            Event::Start(Tag::Link { link_type, .. })
            | Event::Start(Tag::Image { link_type, .. }) => link(text, range, link_type, &mut out),
            _ => {}
        }
    }
    out
}

/// Splits a link into its text and its destination.
fn link(
    text: &str,
    range: Range<usize>,
    link_type: LinkType,
    out: &mut Vec<(Range<usize>, Scope)>,
) {
    let src = &text[range.clone()];
    match link_type {
        LinkType::Autolink | LinkType::Email => {
            if src.starts_with('<') && src.ends_with('>') && src.len() >= 2 {
                out.push((range.start + 1..range.end - 1, Scope::Url));
            } else {
                out.push((range, Scope::Url));
            }
        }
        LinkType::Inline => {
            let open = usize::from(src.starts_with('!')) + 1;
            if let Some(mid) = src.rfind("](") {
                out.push((range.start + open..range.start + mid, Scope::Link));
                let dest = &src[mid + 2..];
                let dest_trimmed = dest.trim_start();
                let lead = dest.len() - dest_trimmed.len();
                let (dest_start, dest_len) = if let Some(inner) = dest_trimmed.strip_prefix('<') {
                    (lead + 1, inner.find('>').unwrap_or(0))
                } else {
                    let len = dest_trimmed
                        .find(|c: char| c.is_whitespace() || c == ')')
                        .unwrap_or(dest_trimmed.len());
                    (lead, len)
                };
                let start = range.start + mid + 2 + dest_start;
                if dest_len > 0 {
                    out.push((start..start + dest_len, Scope::Url));
                }
            }
        }
        _ => {
            let open = usize::from(src.starts_with('!')) + 1;
            if let Some(close) = src.find(']') {
                if close >= open {
                    out.push((range.start + open..range.start + close, Scope::Link));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Pieces of Markdown and of the text around it, each scope's makings among
    /// them, in every line position.
    #[rustfmt::skip]
    const PIECES: &[&str] = &[
        "# ", "#", "## ", "####### ", "#\t", "word", "Re: hi", " ", "  ", "    ", "\t", "\n",
        "\r\n", "\r", "\n\n", "-", "- ", "=", "===", "---", "+++", "+ ", "*", "* ", "1. ", "10) ",
        "1234567890. ", ">", "> ", "`", "```", "[", "]", "](", "(", ")", "<", "<!--", "-->", "!",
        "~", "~~~", "_", "|", "\\", ":", "é", "“", "#tag", "a@b.com", "http://x.io", "]: ", "][",
        "x]", "![", "-    ", "-     ", "1.\t",
    ];

    /// Texts of those pieces; with `lines_only`, without the bytes that rule
    /// out every text that holds one, so the lines decide.
    fn text(lines_only: bool) -> impl Strategy<Value = String> {
        let pieces: Vec<&str> = PIECES
            .iter()
            .filter(|p| !lines_only || !p.contains(['`', '<', '~']) && !p.contains("]("))
            .copied()
            .collect();
        prop::collection::vec(prop::sample::select(pieces), 0..40).prop_map(|p| p.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        /// Reading only the heading lines finds what parsing the whole text finds.
        #[test]
        fn headings_alone_find_what_the_whole_parse_finds(text in text(false)) {
            prop_assert_eq!(regions(&text), parsed(&text));
        }

        #[test]
        fn headings_alone_find_what_the_whole_parse_finds_whatever_the_lines(text in text(true)) {
            prop_assert_eq!(regions(&text), parsed(&text));
        }
    }

    /// A line of list markers is a list nested in each item: read in one pass,
    /// not once more for each marker (100,000 of them took seconds).
    #[test]
    fn a_line_of_nested_list_items_is_read_once() {
        let nested = format!("{}x\n# heading\n", "- ".repeat(100_000));
        assert_eq!(headings_alone(&nested).map(|h| h.len()), Some(1));
        for line in [
            "- - - x", "- 1. * x", "- - ---", "- - - ", "- -  =", "- - [x]",
        ] {
            assert_eq!(regions(line), parsed(line), "{line:?}");
        }
    }

    #[test]
    fn a_draft_with_headings_alone_reads_only_their_lines() {
        let text = "# Re: the launch\n\nThanks all.\n  ## Next steps\r\nMore text\n#tag\n";
        assert_eq!(headings_alone(text), Some(vec![0..17, 30..47, 57..62]));
        assert_eq!(regions(text), parsed(text));
        assert_eq!(regions(text).len(), 2);
        // A table's rows end where a heading begins.
        for table in [
            "a|b\n-|-\n# c|d\n",
            "# a|b\n-|-\nc|d",
            "| a |\n|---|\n# b |\n",
        ] {
            assert!(headings_alone(table).is_some());
            assert_eq!(regions(table), parsed(table), "{table:?}");
        }
        // Lists, and brackets that make no link, take the same path.
        for listed in [
            "# a\n\n- item",
            "# a\n\n1) item\n2) and [more]\n  - nested\n# b\n",
            "* * *\n# a\n",
            "- a\n\n  continued\n",
            "- a\n  # heading under an item\n",
        ] {
            assert!(headings_alone(listed).is_some(), "{listed:?}");
            assert_eq!(regions(listed), parsed(listed), "{listed:?}");
        }
        for other in [
            "# a\n\n> quoted",
            "# a\n\n    code",
            "# a\n\n\tcode",
            "a\n===",
            "a\n-",
            "---\ntitle: x\n---\n",
            "see `code`",
            "see [link](x)",
            "see [link]\n\n[link]: http://x.io",
            "- [link]: http://x.io",
            "- # heading in an item",
            "- > quoted in an item",
            "-     code in an item",
            "<!-- c -->",
            "~~~\ncode\n~~~",
        ] {
            assert_eq!(headings_alone(other), None, "{other:?}");
        }
    }
}
