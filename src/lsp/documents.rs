//! Open documents: what each is (draft, rule file, configuration) and their text,
//! kept up to date by incremental edits.

use std::sync::Arc;
use std::time::Instant;

use lsp_types::{MessageType, TextDocumentItem, Uri};

use super::convert;
use super::server::Server;
use crate::draft::Format;
use crate::report::Report;
use crate::workspace::Rules;

/// What an open document is to the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Draft(Format),
    RuleFile,
    Config,
    Ignored,
}

pub(super) struct Document {
    pub(super) text: String,
    pub(super) version: i32,
    pub(super) kind: Kind,
    /// When it changed and was not checked since.
    pub(super) dirty_since: Option<Instant>,
    /// Which open or edit gave it its text (numbered across all documents, so a
    /// document closed and opened again never repeats one): a check of an
    /// earlier revision is stale.
    pub(super) revision: u64,
    /// The last check of a draft's current text: hover and code actions read it
    /// instead of checking again. Any edit clears it.
    pub(super) checked: Option<Checked>,
}

/// A draft's report, and what it was checked with.
pub(super) struct Checked {
    pub(super) report: Arc<Report>,
    pub(super) rules: Arc<Rules>,
    pub(super) channel: String,
}

impl Server {
    pub(super) fn open(&mut self, doc: TextDocumentItem) {
        let kind = self.kind_of(&doc.uri, &doc.language_id);
        self.revisions += 1;
        self.documents.insert(
            doc.uri.clone(),
            Document {
                text: doc.text,
                version: doc.version,
                kind,
                dirty_since: None,
                revision: self.revisions,
                checked: None,
            },
        );
        self.publish(&doc.uri);
    }

    fn kind_of(&self, uri: &Uri, language: &str) -> Kind {
        let s = uri.as_str();
        if s.ends_with(".tenet") {
            return Kind::RuleFile;
        }
        if s.ends_with(crate::workspace::config::FILE_NAME) {
            return Kind::Config;
        }
        // The file's extension first: some clients (Emacs 28's eglot) send one
        // language id for every buffer.
        let ext = s.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
        if !s.ends_with('/') {
            match ext.as_deref() {
                Some("md" | "markdown" | "mdx" | "mkd") => return Kind::Draft(Format::Markdown),
                Some("txt" | "text") => return Kind::Draft(Format::Text),
                Some("eml" | "email") => return Kind::Draft(Format::Email),
                _ => {}
            }
        }
        match language {
            "tenet" => Kind::RuleFile,
            "markdown" | "mdx" => Kind::Draft(Format::Markdown),
            "plaintext" | "text" => Kind::Draft(Format::Text),
            "email" | "mail" | "eml" => Kind::Draft(Format::Email),
            other if self.settings.languages.iter().any(|l| l == other) => {
                Kind::Draft(Format::Text)
            }
            _ => Kind::Ignored,
        }
    }

    /// Applies the edits of a `didChange`; the check waits for the debounce.
    pub(super) fn change(&mut self, p: lsp_types::DidChangeTextDocumentParams) {
        let encoding = self.encoding;
        let uri = p.text_document.uri;
        self.revisions += 1;
        let revision = self.revisions;
        let Some(doc) = self.documents.get_mut(&uri) else {
            return self.log(
                MessageType::WARNING,
                format!("didChange for {} which is not open", uri.as_str()),
            );
        };
        let mut clamped = false;
        doc.checked = None;
        doc.revision = revision;
        for change in p.content_changes {
            match change.range {
                None => doc.text = change.text,
                Some(range) => {
                    let t = convert::Text::new(&doc.text, encoding);
                    let start = t.offset(range.start).unwrap_or_else(|o| {
                        clamped = true;
                        o
                    });
                    let end = t.offset(range.end).unwrap_or_else(|o| {
                        clamped = true;
                        o
                    });
                    let (start, end) = (start.min(end), start.max(end));
                    doc.text.replace_range(start..end, &change.text);
                }
            }
        }
        doc.version = p.text_document.version;
        doc.dirty_since.get_or_insert_with(Instant::now);
        if clamped {
            self.log(
                MessageType::WARNING,
                format!(
                    "an edit to {} was out of range and was clamped",
                    uri.as_str()
                ),
            );
        }
    }
}
