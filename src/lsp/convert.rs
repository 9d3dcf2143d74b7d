//! Byte offsets ↔ LSP positions in the negotiated encoding, URIs ↔ paths, and
//! findings → diagnostics.

use std::cell::OnceCell;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, Position, TextEdit, Uri,
};

use crate::language::rules::Level;
use crate::report::finding::{Edit, Finding};
use crate::report::Redactions;
use crate::text::blanks::spaced;
use crate::text::line_index::LineIndex;

/// How the client counts columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 code units (bytes).
    Utf8,
    /// UTF-16 code units, the LSP default.
    Utf16,
}

/// A text with its line index, for converting positions.
pub struct Text<'a> {
    /// The text.
    pub text: &'a str,
    /// Its lines.
    pub index: LineIndex,
    /// The client's column unit.
    pub encoding: Encoding,
    /// Whether its lines end in `\r\n`: asked once, not at every edit.
    crlf: OnceCell<bool>,
}

impl<'a> Text<'a> {
    /// Indexes `text`.
    pub fn new(text: &'a str, encoding: Encoding) -> Text<'a> {
        Text {
            text,
            // LSP ends a line at `\r\n`, `\n` and a lone `\r`.
            index: LineIndex::with_lone_cr(text),
            encoding,
            crlf: OnceCell::new(),
        }
    }

    /// Whether the text's lines end in `\r\n` (some of them, at least): the
    /// line end its new lines are written with.
    pub fn crlf(&self) -> bool {
        *self.crlf.get_or_init(|| self.text.contains("\r\n"))
    }

    /// The LSP position of a byte offset.
    pub fn position(&self, offset: usize) -> Position {
        let p = self.index.position(self.text, offset);
        let character = match self.encoding {
            Encoding::Utf8 => p.byte_column - 1,
            Encoding::Utf16 => p.utf16 - 1,
        };
        Position {
            line: p.line - 1,
            character,
        }
    }

    /// The LSP range of a byte range.
    pub fn range(&self, r: &Range<usize>) -> lsp_types::Range {
        lsp_types::Range {
            start: self.position(r.start),
            end: self.position(r.end),
        }
    }

    /// Where a whole-draft finding is shown: the first line of `r` with text on it.
    /// Underlining the whole draft would hide the specific findings under it.
    pub fn first_line(&self, r: &Range<usize>) -> Range<usize> {
        let first = self.index.position(self.text, r.start).line as usize - 1;
        let last = self.index.position(self.text, r.end).line as usize - 1;
        (first..=last)
            .map(|line| self.index.line_range(self.text, line))
            .find(|l| !self.text[l.clone()].trim().is_empty())
            .map_or(r.start..r.start, |l| l.start.max(r.start)..l.end.min(r.end))
    }

    /// The byte offset of an LSP position, clamped to the text; `Err` carries the
    /// clamped offset when the position was out of range.
    pub fn offset(&self, pos: Position) -> Result<usize, usize> {
        let line = pos.line as usize;
        let Some(start) = self.index.line_start(line) else {
            return Err(self.text.len());
        };
        let line_range = self.index.line_range(self.text, line);
        let mut units = 0u32;
        for (i, c) in self.text[line_range.clone()].char_indices() {
            if units >= pos.character {
                return if units == pos.character {
                    Ok(start + i)
                } else {
                    Err(start + i)
                };
            }
            units += match self.encoding {
                Encoding::Utf8 => c.len_utf8() as u32,
                Encoding::Utf16 => c.len_utf16() as u32,
            };
        }
        if units == pos.character {
            Ok(line_range.end)
        } else {
            Err(line_range.end)
        }
    }
}

/// The path of a `file:` URI on this machine (`None` for other schemes and for
/// files on other hosts).
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // The authority runs to the first `/`: empty or `localhost` is this machine.
    let slash = rest.find('/')?;
    let (authority, path) = rest.split_at(slash);
    if !(authority.is_empty() || authority.eq_ignore_ascii_case("localhost")) {
        return None;
    }
    let decoded = percent_decode(path);
    // `file:///C:/x` on Windows: drop the slash before the drive letter.
    let bytes = decoded.as_bytes();
    let drive = bytes.len() > 2 && bytes[1].is_ascii_alphabetic() && bytes[2] == b':';
    Some(PathBuf::from(if drive {
        &decoded[1..]
    } else {
        &decoded[..]
    }))
}

/// The `file:` URI of a path.
pub fn path_to_uri(path: &Path) -> Option<Uri> {
    let mut s = String::from("file://");
    let text = path.to_string_lossy().replace('\\', "/");
    if !text.starts_with('/') {
        s.push('/');
    }
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~:".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    Uri::from_str(&s).ok()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 3 <= bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The LSP severity of a level.
pub fn severity(level: Level) -> DiagnosticSeverity {
    match level {
        Level::Error => DiagnosticSeverity::ERROR,
        Level::Warning => DiagnosticSeverity::WARNING,
        Level::Info => DiagnosticSeverity::INFORMATION,
        Level::Hint => DiagnosticSeverity::HINT,
    }
}

/// A finding as an editor diagnostic, with its evidence as related information
/// (redacted text masked).
pub fn diagnostic(text: &Text, uri: &Uri, f: &Finding, redactions: &Redactions) -> Diagnostic {
    let related: Vec<DiagnosticRelatedInformation> = f
        .evidence
        .iter()
        .map(|e| DiagnosticRelatedInformation {
            location: Location {
                uri: uri.clone(),
                range: text.range(e),
            },
            message: if f.redacted {
                "evidence".to_string()
            } else {
                // One line, however many the evidence spans.
                format!(
                    "evidence: “{}”",
                    spaced(&redactions.mask(text.text, e.clone()))
                )
            },
        })
        .collect();
    let span = if f.document {
        text.first_line(&f.span)
    } else {
        f.span.clone()
    };
    Diagnostic {
        range: text.range(&span),
        severity: Some(severity(f.level)),
        code: Some(NumberOrString::String(f.rule.to_string())),
        code_description: f
            .link
            .as_deref()
            .and_then(|l| Uri::from_str(l).ok())
            .map(|href| CodeDescription { href }),
        source: Some("tenet".to_string()),
        message: f.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

/// A problem in a rule file or `tenet.toml` as an editor diagnostic.
pub fn rule_file_diagnostic(
    text: &Text,
    d: &crate::language::diagnostic::Diagnostic,
) -> Diagnostic {
    use crate::language::diagnostic::Severity;
    Diagnostic {
        range: text.range(&d.span),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        source: Some("tenet".into()),
        message: d.message.clone(),
        ..Default::default()
    }
}

/// An edit in LSP terms, with line ends matching the document's.
pub fn text_edit(text: &Text, edit: &Edit) -> TextEdit {
    let new_text = if text.crlf() {
        edit.text.replace("\r\n", "\n").replace('\n', "\r\n")
    } else {
        edit.text.clone()
    };
    TextEdit {
        range: text.range(&edit.span),
        new_text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_round_trip_after_emoji_and_combining_marks() {
        let s = "a😀b\ncafe\u{301} x\r\nend";
        for encoding in [Encoding::Utf8, Encoding::Utf16] {
            let t = Text::new(s, encoding);
            for (offset, _) in s.char_indices().filter(|(i, _)| s.as_bytes()[*i] != b'\n') {
                let p = t.position(offset);
                assert_eq!(t.offset(p), Ok(offset), "{encoding:?} {offset} {p:?}");
            }
        }
        let t = Text::new(s, Encoding::Utf16);
        assert_eq!(
            t.position(s.find('b').unwrap()),
            Position {
                line: 0,
                character: 3
            }
        );
        assert_eq!(
            Text::new(s, Encoding::Utf8).position(s.find('b').unwrap()),
            Position {
                line: 0,
                character: 5
            }
        );
    }

    #[test]
    fn out_of_range_positions_are_clamped() {
        let t = Text::new("ab\ncd", Encoding::Utf16);
        assert_eq!(
            t.offset(Position {
                line: 0,
                character: 9
            }),
            Err(2)
        );
        assert_eq!(
            t.offset(Position {
                line: 7,
                character: 0
            }),
            Err(5)
        );
        // Inside a surrogate pair: the next character boundary.
        let t = Text::new("😀x", Encoding::Utf16);
        assert_eq!(
            t.offset(Position {
                line: 0,
                character: 1
            }),
            Err(4)
        );
    }

    #[test]
    fn uris_and_paths() {
        let uri = path_to_uri(Path::new("/tmp/my drafts/é.md")).unwrap();
        assert_eq!(uri.as_str(), "file:///tmp/my%20drafts/%C3%A9.md");
        assert_eq!(
            uri_to_path(&uri).unwrap(),
            PathBuf::from("/tmp/my drafts/é.md")
        );
        // Another host, or an authority that is not ASCII, is not a local path.
        let other = Uri::from_str("file://localhost%C3%A9:/x.md").unwrap();
        assert_eq!(uri_to_path(&other), None);
        let local = Uri::from_str("file://localhost/tmp/x.md").unwrap();
        assert_eq!(uri_to_path(&local).unwrap(), PathBuf::from("/tmp/x.md"));
        let windows = Uri::from_str("file:///C:/x.md").unwrap();
        assert_eq!(uri_to_path(&windows).unwrap(), PathBuf::from("C:/x.md"));
    }
}
