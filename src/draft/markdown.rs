//! Markdown scopes from pulldown-cmark's offset iterator.

use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag};

use super::Scope;

pub(super) fn regions(text: &str) -> Vec<(Range<usize>, Scope)> {
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
