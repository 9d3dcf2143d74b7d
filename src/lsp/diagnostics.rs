//! Checking open documents through the workspace: diagnostics for drafts, rule
//! files and `tenet.toml`, reloading rules, and the reports code actions and hover
//! read.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use lsp_types::{Diagnostic, DiagnosticSeverity, MessageType, PublishDiagnosticsParams, Uri};

use super::check;
use super::compile;
use super::convert::uri_to_path;
use super::documents::{Checked, Kind};
use super::features;
use super::server::Server;
use super::transport::Outgoing;
use crate::draft::Format;
use crate::report::Report;
use crate::workspace::{LoadError, Rules};

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

impl Server {
    /// Recompiles the rules of every configuration in use (keeping the last good
    /// ones where the new ones fail) and checks every open document again.
    pub(super) fn reload(&mut self) {
        let errors = self.workspace.reload();
        self.report_reload(errors);
    }

    /// Says which rules failed to reload, then checks every open document again.
    pub(super) fn report_reload(&mut self, errors: Vec<LoadError>) {
        for e in errors {
            let text = e.to_string();
            self.show(
                MessageType::WARNING,
                format!(
                    "Tenet: the rules have errors, so the last good rules stay in use. {}",
                    first_line(&text)
                ),
            );
            self.log(MessageType::WARNING, text);
        }
        let uris: Vec<Uri> = self.documents.keys().cloned().collect();
        for uri in uris {
            self.guarded("a check after reloading", |s| s.publish(&uri));
        }
    }

    pub(super) fn publish(&mut self, uri: &Uri) {
        let Some(doc) = self.documents.get(uri) else {
            return;
        };
        let (kind, version) = (doc.kind, doc.version);
        let diagnostics = match kind {
            Kind::Ignored => return,
            // Checked and compiled off the main loop; published when done (see
            // `draft_done` and `rule_file_done`).
            Kind::Draft(_) => return self.submit_draft(uri),
            Kind::RuleFile => return self.submit_rule_file(uri),
            Kind::Config => self.config_diagnostics(uri),
        };
        self.publish_diagnostics(uri.clone(), version, diagnostics);
    }

    /// The path the workspace looks up configuration for: the file's own, or the
    /// current folder for documents that are not files.
    fn path_of(uri: &Uri) -> PathBuf {
        uri_to_path(uri).unwrap_or_else(|| PathBuf::from("untitled"))
    }

    /// The rules for a document, or `None` (said once to the user) when they fail.
    fn rules(&mut self, path: &Path) -> Option<Arc<Rules>> {
        match self.workspace.rules_for(path) {
            Ok(r) => Some(r),
            Err(e) => {
                let text = e.to_string();
                self.show(
                    MessageType::ERROR,
                    format!("Tenet cannot load its rules: {}", first_line(&text)),
                );
                self.log(MessageType::ERROR, text);
                None
            }
        }
    }

    /// What a draft is checked with: its rules, format and channel; `None` when it
    /// is not a draft, is too large, or its rules fail to load (said to the user).
    fn draft_setup(&mut self, uri: &Uri) -> Option<(Arc<Rules>, Format, String)> {
        let path = Self::path_of(uri);
        let rules = self.rules(&path)?;
        let doc = self.documents.get(uri)?;
        let Kind::Draft(format) = doc.kind else {
            return None;
        };
        if doc.text.len() > self.settings.max_bytes {
            return None;
        }
        let file = uri_to_path(uri);
        let format = match file.as_deref() {
            Some(p) if format == Format::Text => rules.format_for(Some(p), &doc.text),
            _ => format,
        };
        let channel = rules.channel_for(file.as_deref(), self.settings.channel.as_deref());
        Some((rules, format, channel))
    }

    /// The last check of a draft when its text, rules and channel are unchanged.
    fn cached(&self, uri: &Uri, rules: &Arc<Rules>, channel: &str) -> Option<Arc<Report>> {
        let last = self.documents.get(uri)?.checked.as_ref()?;
        (Arc::ptr_eq(&last.rules, rules) && last.channel == channel).then(|| last.report.clone())
    }

    /// Checks a draft here, or reuses the last check; the report and the rules
    /// come back for code actions and hover.
    pub(super) fn report(&mut self, uri: &Uri) -> Option<(Arc<Report>, Arc<Rules>)> {
        let (rules, format, channel) = self.draft_setup(uri)?;
        if let Some(report) = self.cached(uri, &rules, &channel) {
            return Some((report, rules));
        }
        let doc = self.documents.get_mut(uri)?;
        let (_, report) = rules.check(doc.text.clone(), format, channel.clone());
        let report = Arc::new(report);
        doc.checked = Some(Checked {
            report: report.clone(),
            rules: rules.clone(),
            channel,
        });
        Some((report, rules))
    }

    /// Sends a draft to be checked off the main loop; publishes at once what needs
    /// no check (a draft too large to check while typing, one checked already).
    fn submit_draft(&mut self, uri: &Uri) {
        let Some(doc) = self.documents.get(uri) else {
            return;
        };
        let version = doc.version;
        let publish =
            |s: &Server, diagnostics| s.publish_diagnostics(uri.clone(), version, diagnostics);
        if doc.text.len() > self.settings.max_bytes {
            return publish(self, vec![self.too_large()]);
        }
        let Some((rules, format, channel)) = self.draft_setup(uri) else {
            return publish(self, Vec::new());
        };
        let Some(doc) = self.documents.get(uri) else {
            return;
        };
        if let Some(report) = self.cached(uri, &rules, &channel) {
            let diagnostics = check::diagnostics(&doc.text, uri, &report, self.encoding);
            return publish(self, diagnostics);
        }
        self.in_flight.insert(uri.clone(), doc.revision);
        self.checker.submit(check::Job {
            uri: uri.clone(),
            version,
            revision: doc.revision,
            text: doc.text.clone(),
            format,
            channel,
            rules,
            encoding: self.encoding,
        });
    }

    /// Publishes a checked draft's diagnostics and keeps its report, unless the
    /// draft changed since.
    pub(super) fn draft_done(&mut self, done: check::Done) {
        let check::Done { job, result } = done;
        if self.in_flight.get(&job.uri) == Some(&job.revision) {
            self.in_flight.remove(&job.uri);
        }
        let Some((report, diagnostics)) = self.current(&job.uri, job.revision, "checking", result)
        else {
            return;
        };
        if let Some(doc) = self.documents.get_mut(&job.uri) {
            doc.checked = Some(Checked {
                report,
                rules: job.rules,
                channel: job.channel,
            });
        }
        self.publish_diagnostics(job.uri, job.version, diagnostics);
    }

    /// A worker's result when it is for the document's current text; a panic is
    /// logged (`doing` what), a result for a text edited since is dropped.
    fn current<R>(
        &self,
        uri: &Uri,
        revision: u64,
        doing: &str,
        result: Result<R, String>,
    ) -> Option<R> {
        match result {
            Err(panic) => {
                self.log(
                    MessageType::ERROR,
                    format!("{panic} {doing} {}; the server goes on", uri.as_str()),
                );
                None
            }
            Ok(r) => self
                .documents
                .get(uri)
                .is_some_and(|d| d.revision == revision)
                .then_some(r),
        }
    }

    fn publish_diagnostics(&self, uri: Uri, version: i32, diagnostics: Vec<Diagnostic>) {
        self.send_out(Outgoing::Diagnostics(PublishDiagnosticsParams {
            uri,
            diagnostics,
            version: Some(version),
        }));
    }

    /// The remark on a draft too large to check while typing.
    fn too_large(&self) -> Diagnostic {
        Diagnostic {
            range: lsp_types::Range::default(),
            severity: Some(DiagnosticSeverity::INFORMATION),
            source: Some("tenet".into()),
            message: format!(
                "This document is larger than {} KB, so Tenet does not check it while you type; run `tenet check` on it.",
                self.settings.max_bytes / 1024
            ),
            ..Default::default()
        }
    }

    fn submit_rule_file(&mut self, uri: &Uri) {
        let path = uri_to_path(uri).unwrap_or_else(|| PathBuf::from(uri.as_str()));
        // The governing configuration's values: from the compiled rules when they
        // load (read once per reload, not on every keystroke), else read directly.
        let overrides = match self.workspace.rules_for(&path) {
            Ok(r) => r.config.overrides(),
            Err(_) => self
                .workspace
                .config_for(&path)
                .map(|c| c.overrides())
                .unwrap_or_default(),
        };
        let Some(doc) = self.documents.get(uri) else {
            return;
        };
        self.compiler.submit(compile::Job {
            uri: uri.clone(),
            version: doc.version,
            revision: doc.revision,
            text: doc.text.clone(),
            path,
            overrides,
            encoding: self.encoding,
        });
    }

    /// Publishes a compiled rule file's diagnostics, unless the file changed since.
    pub(super) fn rule_file_done(&mut self, done: compile::Done) {
        let compile::Done { job, result } = done;
        if let Some(diagnostics) = self.current(&job.uri, job.revision, "compiling", result) {
            self.publish_diagnostics(job.uri, job.version, diagnostics);
        }
    }

    fn config_diagnostics(&mut self, uri: &Uri) -> Vec<Diagnostic> {
        let path = Self::path_of(uri);
        let Some(doc) = self.documents.get(uri) else {
            return Vec::new();
        };
        features::config_diagnostics(&doc.text, &path, self.encoding)
    }

    pub(super) fn code_actions(
        &mut self,
        p: &lsp_types::CodeActionParams,
    ) -> Vec<lsp_types::CodeActionOrCommand> {
        let uri = &p.text_document.uri;
        let Some((report, _)) = self.report(uri) else {
            return Vec::new();
        };
        let Some(doc) = self.documents.get(uri) else {
            return Vec::new();
        };
        let Kind::Draft(format) = doc.kind else {
            return Vec::new();
        };
        features::code_actions(uri, &doc.text, format, &report, p, self.encoding)
    }

    pub(super) fn hover(&mut self, p: &lsp_types::HoverParams) -> Option<lsp_types::Hover> {
        let uri = &p.text_document_position_params.text_document.uri;
        let position = p.text_document_position_params.position;
        let kind = self.documents.get(uri)?.kind;
        match kind {
            Kind::Draft(_) => {
                let (report, rules) = self.report(uri)?;
                let doc = self.documents.get(uri)?;
                features::draft_hover(
                    &doc.text,
                    &report,
                    rules.checker.engine.rules(),
                    position,
                    self.encoding,
                )
            }
            Kind::RuleFile => {
                let doc = self.documents.get(uri)?;
                let path = uri_to_path(uri).unwrap_or_default();
                features::rule_file_hover(&doc.text, &path, position, self.encoding)
            }
            _ => None,
        }
    }
}
