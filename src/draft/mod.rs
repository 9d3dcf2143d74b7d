//! A draft and what the checker needs to know about its structure: scopes (code,
//! quotes, links, headers…) with exact byte ranges, its words, and the suppression
//! directives written in it.
//!
//! May import [`crate::text`] only.

pub mod directive;
mod email;
mod markdown;
mod scope;
mod tokens;
mod words;

use std::ops::Range;

pub use directive::Directive;
pub use scope::{Scope, ScopeSet};
pub use tokens::is_emoji;
pub use words::{Starting, Word, Words};

/// How a draft is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// CommonMark, with front matter.
    Markdown,
    /// Plain text.
    Text,
    /// An RFC 822 message: headers, body, quoted replies, signature.
    Email,
}

impl Format {
    /// Picks the format from a file name, then from the content.
    pub fn detect(path: Option<&std::path::Path>, text: &str) -> Format {
        let ext = path
            .and_then(|p| p.extension())
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase());
        match ext.as_deref() {
            Some("md" | "markdown" | "mdx" | "mkd") => Format::Markdown,
            Some("eml" | "email" | "msg") => Format::Email,
            _ if email::looks_like_email(text) => Format::Email,
            _ => Format::Text,
        }
    }

    /// The format with this name.
    pub fn parse(name: &str) -> Option<Format> {
        match name {
            "markdown" => Some(Format::Markdown),
            "text" => Some(Format::Text),
            "email" => Some(Format::Email),
            _ => None,
        }
    }

    /// The format's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Markdown => "markdown",
            Format::Text => "text",
            Format::Email => "email",
        }
    }
}

/// A draft, parsed: its text, its scopes and its words. Word and match offsets
/// are kept in 32 bits, so a draft is under 4 GiB (`tenet check` reads at most
/// 1 GiB of a file).
#[derive(Debug, Clone)]
pub struct Draft {
    /// The text, as given.
    pub text: String,
    /// How it is written.
    pub format: Format,
    /// Every scope region, sorted by start.
    pub regions: Vec<(Range<usize>, Scope)>,
    /// Its words, in order.
    pub words: Words,
    /// Where the body starts (after headers and front matter).
    pub body_start: usize,
    /// The suppression directives written in it.
    pub directives: Vec<Directive>,
    /// Lines written as directives Tenet does not know.
    pub strays: Vec<directive::Stray>,
    /// For each scope kind (in [`Scope::ALL`] order), its regions merged and sorted,
    /// so that "which scopes hold this offset" is a binary search per kind.
    by_kind: Vec<Vec<Range<usize>>>,
}

/// What parsing finds in a text: its scopes and words. Separate from [`Draft`] so
/// that it can be worked out while the same text is being searched.
#[derive(Debug, Clone)]
pub struct Structure {
    regions: Vec<(Range<usize>, Scope)>,
    words: Words,
    body_start: usize,
    directives: Vec<Directive>,
    strays: Vec<directive::Stray>,
    by_kind: Vec<Vec<Range<usize>>>,
}

impl Structure {
    /// Parses `text` as `format`.
    pub fn of(text: &str, format: Format) -> Structure {
        let mut regions = match format {
            Format::Markdown => markdown::regions(text),
            Format::Email => email::regions(text),
            Format::Text => email::plain_regions(text, 0),
        };
        tokens::inline_regions(text, &mut regions);
        // A directive's line is a comment in every format: its reason is not draft text.
        // Stray directives too: here, beside the search, rather than after it
        // when suppressions are worked out (looking for the marker in a long
        // draft takes a while).
        let (directives, strays) = directive::read(text);
        regions.extend(directives.iter().map(|d| (d.span.clone(), Scope::Comment)));
        regions.sort_by_key(|(r, s)| (r.start, std::cmp::Reverse(r.end), *s as u16));
        regions.dedup();
        let words = tokens::words(text);
        // The body starts after the header block (or front matter) that opens the text.
        let mut body_start = 0;
        for (r, s) in &regions {
            let leading = matches!(s, Scope::Header | Scope::Subject | Scope::FrontMatter);
            if leading && r.start <= body_start {
                body_start = body_start.max(r.end);
            }
        }
        if let Some(lead) = lead(text, body_start) {
            let at = regions.partition_point(|(r, _)| r.start < lead.start);
            regions.insert(at, (lead, Scope::Lead));
        }
        let by_kind = Scope::ALL
            .iter()
            .map(|(kind, _)| {
                let mut merged: Vec<Range<usize>> = Vec::new();
                for (r, _) in regions.iter().filter(|(_, s)| s == kind) {
                    match merged.last_mut() {
                        Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                        _ => merged.push(r.clone()),
                    }
                }
                merged
            })
            .collect();
        Structure {
            regions,
            words,
            body_start,
            directives,
            strays,
            by_kind,
        }
    }
}

/// How many lines with text the lead of a draft holds.
const LEAD_LINES: usize = 12;

/// The lead of the text from `body_start`: up to the end of its
/// [`LEAD_LINES`]th line with text.
fn lead(text: &str, body_start: usize) -> Option<Range<usize>> {
    let body = &text[body_start..];
    let first = body.len() - body.trim_start().len();
    if first == body.len() {
        return None;
    }
    let mut end = body.len();
    let mut seen = 0;
    let mut at = 0;
    for line in body.split_inclusive('\n') {
        at += line.len();
        if !line.trim().is_empty() {
            seen += 1;
            if seen == LEAD_LINES {
                end = at;
                break;
            }
        }
    }
    Some(body_start + first..body_start + end)
}

impl Draft {
    /// Parses `text` as `format`.
    pub fn new(text: String, format: Format) -> Draft {
        let structure = Structure::of(&text, format);
        Draft::with_structure(text, format, structure)
    }

    /// Puts a text and its structure (from [`Structure::of`] on that text) together.
    pub fn with_structure(text: String, format: Format, s: Structure) -> Draft {
        Draft {
            text,
            format,
            regions: s.regions,
            words: s.words,
            body_start: s.body_start,
            directives: s.directives,
            strays: s.strays,
            by_kind: s.by_kind,
        }
    }

    /// Whether byte `offset` is in a scope of `set`.
    pub fn in_any(&self, offset: usize, set: ScopeSet) -> bool {
        // Merged ranges do not overlap: only the last one starting at or before
        // `offset` can hold it.
        Scope::ALL
            .iter()
            .zip(&self.by_kind)
            .filter(|((kind, _), _)| set.contains(*kind))
            .any(|(_, ranges)| {
                let i = ranges.partition_point(|r| r.start <= offset);
                i > 0 && offset < ranges[i - 1].end
            })
    }

    /// The byte range of the first line of the body, where document findings point.
    pub fn document_span(&self) -> Range<usize> {
        let text = &self.text[self.body_start..];
        let skip = text.len() - text.trim_start().len();
        let start = self.body_start + skip;
        let end = self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |i| start + i);
        let end = if end > start && self.text.as_bytes()[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        start..end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope_texts(d: &Draft, scope: Scope) -> Vec<&str> {
        d.regions
            .iter()
            .filter(|(_, s)| *s == scope)
            .map(|(r, _)| &d.text[r.clone()])
            .collect()
    }

    #[test]
    fn markdown_scopes_are_byte_exact() {
        let text = "---\ntitle: x\n---\n# Head\n\nSee [the docs](https://ex.com/a) and `code`.\n\n> quoted\n\n```\nblock\n```\n";
        let d = Draft::new(text.to_string(), Format::Markdown);
        assert_eq!(scope_texts(&d, Scope::Heading), ["# Head\n"]);
        assert_eq!(scope_texts(&d, Scope::Link), ["the docs"]);
        assert_eq!(scope_texts(&d, Scope::Url), ["https://ex.com/a"]);
        assert_eq!(scope_texts(&d, Scope::Code), ["`code`", "```\nblock\n```"]);
        assert_eq!(scope_texts(&d, Scope::Quote), ["> quoted\n"]);
        assert_eq!(scope_texts(&d, Scope::FrontMatter), ["---\ntitle: x\n---"]);
        assert_eq!(d.body_start, 16);
    }

    #[test]
    fn email_headers_quotes_and_signature() {
        let text = "From: a@b.com\nSubject: hi\n\nHello there\n> old text\n-- \nJane\n555-1234\n";
        let d = Draft::new(text.to_string(), Format::detect(None, text));
        assert_eq!(d.format, Format::Email);
        assert_eq!(
            scope_texts(&d, Scope::Header),
            ["From: a@b.com\nSubject:", "\n"]
        );
        assert_eq!(scope_texts(&d, Scope::Subject), [" hi"]);
        assert_eq!(d.body_start, "From: a@b.com\nSubject: hi\n".len());
        assert_eq!(scope_texts(&d, Scope::Quote), ["> old text\n"]);
        assert_eq!(scope_texts(&d, Scope::Signature), ["-- \nJane\n555-1234\n"]);
    }

    #[test]
    fn a_notice_naming_the_mail_is_a_footer_and_a_body_naming_it_is_not() {
        let body = "Hello all, the meeting moves to Tuesday at noon in the big room.\n\n";
        let notice = "This message is for the named person's use only and may contain\nconfidential information. If you are not the intended recipient, delete it.\n";
        let text = format!("{body}{notice}");
        let d = Draft::new(text.clone(), Format::Text);
        assert_eq!(scope_texts(&d, Scope::Footer), [notice]);

        let text = format!("{body}This message is being sent to ask for your presence\nat a meeting of the finance committee on Tuesday.\n");
        let d = Draft::new(text, Format::Text);
        assert!(scope_texts(&d, Scope::Footer).is_empty());
    }

    /// An ad a mail service appends is a footer after however short a body
    /// when a rule line sets it off (the rule line with it); without the
    /// rule, only after a body of some length, since a short mail that opens
    /// so may be the author's own words.
    #[test]
    fn a_footer_set_off_by_a_rule_follows_any_body() {
        let footer = "______________________________\nGet your FREE download of MSN Explorer at http://explorer.msn.com\n";
        let d = Draft::new(
            format!("# Test\n\nPlease ignore.\n\n{footer}"),
            Format::Text,
        );
        assert_eq!(scope_texts(&d, Scope::Footer), [footer]);
        let d = Draft::new(format!("Please ignore.\n{footer}"), Format::Text);
        assert_eq!(scope_texts(&d, Scope::Footer), [footer]);

        let bare =
            "Please ignore.\nGet your FREE download of MSN Explorer at http://explorer.msn.com\n";
        let d = Draft::new(bare.to_string(), Format::Text);
        assert!(scope_texts(&d, Scope::Footer).is_empty());
        // A rule line alone is no body.
        let d = Draft::new(footer.to_string(), Format::Text);
        assert!(scope_texts(&d, Scope::Footer).is_empty());
        // A header block after a rule line is still a forwarded message.
        let forwarded = "From:\tGina <g@example.net>\nSent:\tWednesday, October 31, 2001 8:15 PM\nTo:\tJoannie\nSubject:\tRe: Boo!\n\nMy phone # 713-592-6525.\n";
        let d = Draft::new(format!("------------\n{forwarded}"), Format::Text);
        assert_eq!(scope_texts(&d, Scope::Forward), [forwarded]);
        // Nor does a rule far above a footer set it off.
        let text = format!(
            "Short.\n{}\nThe plan is ready.\nGet your free copy at the desk.\n",
            "_".repeat(30)
        );
        let d = Draft::new(text, Format::Text);
        assert!(scope_texts(&d, Scope::Footer).is_empty());
    }

    #[test]
    fn a_signature_without_dashes_follows_the_body() {
        let sig = |text: &str| {
            let d = Draft::new(text.to_string(), Format::Text);
            scope_texts(&d, Scope::Signature).concat()
        };
        // A contact block set off by a blank line after the body.
        assert_eq!(
            sig("The figures are in.\n\nJane Doe\nVice President\n713-853-6161\n"),
            "Jane Doe\nVice President\n713-853-6161\n"
        );
        // Short lines that are the message itself are body, not signature.
        assert_eq!(
            sig("Kevin's address was wrong. It is\n\n\nkevin@ctcua.org\n"),
            ""
        );
        assert_eq!(
            sig("Updates\nJane Burns - new cell phone number\nKay Hall - new assistant\n"),
            ""
        );
        // A message that is nothing but a name and a number is all signature,
        // whatever title it has.
        assert_eq!(
            sig("# Fw: #231\n\nKirwin Drouet\n\n713-223-5800\n"),
            "Kirwin Drouet\n\n713-223-5800\n"
        );
    }

    #[test]
    fn the_lead_is_the_first_lines_of_the_body() {
        let body: String = (1..=20).map(|i| format!("line {i}\n\n")).collect();
        let d = Draft::new(
            format!("From: a@b.com\nSubject: hi\n\n{body}"),
            Format::Email,
        );
        let lead = scope_texts(&d, Scope::Lead).concat();
        assert!(
            lead.starts_with("line 1\n") && lead.ends_with("line 12\n"),
            "{lead}"
        );
        assert!(scope_texts(&Draft::new(" \n".into(), Format::Text), Scope::Lead).is_empty());
    }

    #[test]
    fn a_pasted_message_header_opens_a_forward() {
        let forward = |text: &str| {
            let d = Draft::new(text.to_string(), Format::Text);
            scope_texts(&d, Scope::Forward).concat()
        };
        let pasted = "From: Tam <tam@travel.example>\nTo: Liz\nSubject: RE: Travel\n\nAll set.\n";
        assert_eq!(
            forward(&format!("Note: forwarded message attached.\n\n{pasted}")),
            pasted
        );
        // A memo's own header lines open its body: nothing is forwarded.
        assert_eq!(forward(pasted), "");
        // One line that looks like a header is just a line.
        assert_eq!(forward("Thanks.\n\nSubject: the budget\nIt is due.\n"), "");
    }

    #[test]
    fn hashtags_mentions_and_urls_in_any_format() {
        let text = "Loving it #blessed @acme see https://x.io/p?q=1. mail me@x.com #1";
        let d = Draft::new(text.to_string(), Format::Text);
        assert_eq!(scope_texts(&d, Scope::Hashtag), ["#blessed"]);
        assert_eq!(scope_texts(&d, Scope::Mention), ["@acme"]);
        assert_eq!(scope_texts(&d, Scope::Url), ["https://x.io/p?q=1"]);
        // Every way a URL starts, in any case; `www` without its dot and a `://`
        // without a scheme start none.
        let text = "HTTP://a.io/x, Https://b.io www.c.io/y WWW.D.io; www-e ftp://f.io ://g";
        let d = Draft::new(text.to_string(), Format::Text);
        assert_eq!(
            scope_texts(&d, Scope::Url),
            ["HTTP://a.io/x", "Https://b.io", "www.c.io/y", "WWW.D.io"]
        );
    }
}
