//! `tenet lsp`: the language server. The only module that knows LSP.
//!
//! Drafts are checked in-process on the unsaved buffer after a short debounce;
//! `.tenet` files and `tenet.toml` get their own diagnostics, and saving them
//! reloads the rules for every open draft. A request that panics is answered with
//! an error and the server goes on.

mod convert;
mod features;
mod settings;
mod transport;

use std::collections::{HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use crossbeam_channel::RecvTimeoutError;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{
    notification, request, CodeActionKind, CodeActionOptions, CodeActionProviderCapability,
    Diagnostic, DiagnosticSeverity, HoverProviderCapability, InitializeParams, InitializeResult,
    MessageType, PositionEncodingKind, PublishDiagnosticsParams, SaveOptions, ServerCapabilities,
    ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, Uri,
};
use serde_json::Value;

use crate::check::Checker;
use crate::config::Config;
use crate::draft::{Draft, Format};
use crate::engine::Options;
use crate::pack::{LoadError, Setup};

pub use convert::{path_to_uri, uri_to_path, Encoding};
pub use settings::Settings;

/// What an open document is to the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Draft(Format),
    RuleFile,
    Config,
    Ignored,
}

struct Document {
    text: String,
    version: i32,
    kind: Kind,
    /// When it changed and was not checked since.
    dirty_since: Option<Instant>,
}

/// Rules compiled for one configuration, and the last problem loading them.
struct Rules {
    checker: Arc<Checker>,
    setup: Setup,
}

struct Server {
    sender: crossbeam_channel::Sender<Message>,
    encoding: Encoding,
    settings: Settings,
    documents: HashMap<Uri, Document>,
    /// Checkers by the `tenet.toml` that governs them (`None`: no file).
    rules: HashMap<Option<PathBuf>, Rules>,
    /// The `tenet.toml` governing each folder seen, found once.
    config_paths: HashMap<PathBuf, Option<PathBuf>>,
    cancelled: HashSet<RequestId>,
    shutdown_requested: bool,
    next_request: i32,
}

/// Runs the server on standard input and output until `exit`.
pub fn run_stdio() -> anyhow::Result<()> {
    let (connection, threads) = transport::stdio();
    let clean = run(connection)?;
    threads.join()?;
    if !clean {
        // `exit` without `shutdown` ends with 1, as the protocol asks.
        std::process::exit(1);
    }
    Ok(())
}

/// Runs the server on a connection. Returns whether it ended with `shutdown` then `exit`.
pub fn run(connection: Connection) -> anyhow::Result<bool> {
    let (id, params) = loop {
        match connection.receiver.recv() {
            Ok(Message::Request(req)) if req.method == request::Initialize::METHOD => {
                break (req.id, req.params)
            }
            Ok(Message::Request(req)) => {
                let resp = Response::new_err(
                    req.id,
                    ErrorCode::ServerNotInitialized as i32,
                    "not initialized".into(),
                );
                connection.sender.send(resp.into())?;
            }
            Ok(Message::Notification(n)) if n.method == notification::Exit::METHOD => {
                return Ok(false)
            }
            Ok(_) => {}
            Err(_) => return Ok(false),
        }
    };
    let init: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let utf8 = PositionEncodingKind::UTF8;
    let encoding = match init
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref())
    {
        Some(kinds) if kinds.contains(&utf8) => Encoding::Utf8,
        _ => Encoding::Utf16,
    };
    let settings = init
        .initialization_options
        .as_ref()
        .map(Settings::from_json)
        .unwrap_or_default();
    let result = InitializeResult {
        capabilities: capabilities(encoding),
        server_info: Some(ServerInfo {
            name: "tenet".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
    };
    connection
        .sender
        .send(Response::new_ok(id, result).into())?;

    let watch = init
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|d| d.dynamic_registration)
        .unwrap_or(false);
    let mut server = Server {
        sender: connection.sender.clone(),
        encoding,
        settings,
        documents: HashMap::new(),
        rules: HashMap::new(),
        config_paths: HashMap::new(),
        cancelled: HashSet::new(),
        shutdown_requested: false,
        next_request: 0,
    };
    if watch {
        server.register_watchers();
    }
    server.main_loop(&connection)
}

fn capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(match encoding {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..Default::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, features::FIX_ALL.clone()]),
            ..Default::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        ..Default::default()
    }
}

impl Server {
    fn main_loop(&mut self, connection: &Connection) -> anyhow::Result<bool> {
        loop {
            let due = self.next_due();
            let msg = match due {
                Some(at) => match connection
                    .receiver
                    .recv_timeout(at.saturating_duration_since(Instant::now()))
                {
                    Ok(msg) => Some(msg),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => return Ok(false),
                },
                None => match connection.receiver.recv() {
                    Ok(msg) => Some(msg),
                    Err(_) => return Ok(false),
                },
            };
            if let Some(msg) = msg {
                match msg {
                    Message::Request(req) => self.on_request(req),
                    Message::Notification(n) if n.method == notification::Exit::METHOD => {
                        return Ok(self.shutdown_requested);
                    }
                    Message::Notification(n) => self.on_notification(n),
                    Message::Response(_) => {}
                }
            }
            self.publish_due();
        }
    }

    fn next_due(&self) -> Option<Instant> {
        self.documents
            .values()
            .filter_map(|d| d.dirty_since)
            .min()
            .map(|t| t + self.settings.debounce)
    }

    fn publish_due(&mut self) {
        let now = Instant::now();
        let due: Vec<Uri> = self
            .documents
            .iter()
            .filter(|(_, d)| {
                d.dirty_since
                    .is_some_and(|t| t + self.settings.debounce <= now)
            })
            .map(|(u, _)| u.clone())
            .collect();
        for uri in due {
            if let Some(d) = self.documents.get_mut(&uri) {
                d.dirty_since = None;
            }
            self.publish(&uri);
        }
    }

    fn send(&self, msg: impl Into<Message>) {
        // The client going away is noticed by the reader; nothing to do here.
        let _ = self.sender.send(msg.into());
    }

    fn notify<N: lsp_types::notification::Notification>(&self, params: N::Params) {
        self.send(Notification::new(N::METHOD.to_string(), params));
    }

    fn log(&self, typ: MessageType, message: impl Into<String>) {
        let message = message.into();
        eprintln!("tenet lsp: {message}");
        self.notify::<notification::LogMessage>(lsp_types::LogMessageParams { typ, message });
    }

    fn show(&self, typ: MessageType, message: impl Into<String>) {
        self.notify::<notification::ShowMessage>(lsp_types::ShowMessageParams {
            typ,
            message: message.into(),
        });
    }

    fn register_watchers(&mut self) {
        let options = lsp_types::DidChangeWatchedFilesRegistrationOptions {
            watchers: ["**/*.tenet", "**/tenet.toml", "**/*.txt"]
                .iter()
                .map(|g| lsp_types::FileSystemWatcher {
                    glob_pattern: lsp_types::GlobPattern::String(g.to_string()),
                    kind: None,
                })
                .collect(),
        };
        let params = lsp_types::RegistrationParams {
            registrations: vec![lsp_types::Registration {
                id: "tenet-watch".into(),
                method: notification::DidChangeWatchedFiles::METHOD.into(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        self.next_request += 1;
        let id = RequestId::from(format!("tenet-{}", self.next_request));
        self.send(Request::new(
            id,
            request::RegisterCapability::METHOD.to_string(),
            params,
        ));
    }

    fn on_request(&mut self, req: Request) {
        let id = req.id.clone();
        if self.cancelled.remove(&id) {
            self.send(Response::new_err(
                id,
                ErrorCode::RequestCanceled as i32,
                "cancelled".into(),
            ));
            return;
        }
        if self.shutdown_requested && req.method != request::Shutdown::METHOD {
            self.send(Response::new_err(
                id,
                ErrorCode::InvalidRequest as i32,
                "shutting down".into(),
            ));
            return;
        }
        let method = req.method.clone();
        let outcome = catch_unwind(AssertUnwindSafe(|| self.handle_request(req)));
        let response = match outcome {
            Ok(Ok(Some(value))) => Response::new_ok(id, value),
            Ok(Ok(None)) => Response::new_ok(id, Value::Null),
            Ok(Err((code, message))) => Response::new_err(id, code as i32, message),
            Err(panic) => {
                let what = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                self.log(
                    MessageType::ERROR,
                    format!("internal error in {method}: {what}; the server goes on"),
                );
                Response::new_err(
                    id,
                    ErrorCode::InternalError as i32,
                    format!("internal error: {what}"),
                )
            }
        };
        self.send(response);
    }

    fn handle_request(&mut self, req: Request) -> Result<Option<Value>, (ErrorCode, String)> {
        let params = |v: Value| -> Result<_, (ErrorCode, String)> { Ok(v) };
        match req.method.as_str() {
            request::Shutdown::METHOD => {
                self.shutdown_requested = true;
                Ok(None)
            }
            request::CodeActionRequest::METHOD => {
                let p: lsp_types::CodeActionParams = parse(params(req.params)?)?;
                let actions = self.code_actions(&p);
                Ok(Some(serde_json::to_value(actions).unwrap_or(Value::Null)))
            }
            request::HoverRequest::METHOD => {
                let p: lsp_types::HoverParams = parse(req.params)?;
                Ok(self.hover(&p).and_then(|h| serde_json::to_value(h).ok()))
            }
            // A request that panics on purpose, so tests can show the server survives one.
            "tenet/panic"
                if cfg!(debug_assertions) || std::env::var_os("TENET_LSP_TEST").is_some() =>
            {
                panic!("requested by tenet/panic")
            }
            other => Err((
                ErrorCode::MethodNotFound,
                format!("unknown request {other}"),
            )),
        }
    }

    fn on_notification(&mut self, n: Notification) {
        let method = n.method.clone();
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| self.handle_notification(n))) {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .unwrap_or_default();
            self.log(
                MessageType::ERROR,
                format!("internal error in {method}: {what}; the server goes on"),
            );
        }
    }

    fn handle_notification(&mut self, n: Notification) {
        match n.method.as_str() {
            notification::DidOpenTextDocument::METHOD => {
                let Ok(p) =
                    serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(n.params)
                else {
                    return self.log(MessageType::WARNING, "didOpen with unreadable parameters");
                };
                let doc = p.text_document;
                let kind = self.kind_of(&doc.uri, &doc.language_id);
                self.documents.insert(
                    doc.uri.clone(),
                    Document {
                        text: doc.text,
                        version: doc.version,
                        kind,
                        dirty_since: None,
                    },
                );
                self.publish(&doc.uri);
            }
            notification::DidChangeTextDocument::METHOD => {
                let Ok(p) =
                    serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(n.params)
                else {
                    return self.log(MessageType::WARNING, "didChange with unreadable parameters");
                };
                self.change(p);
            }
            notification::DidCloseTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(n.params)
                {
                    self.documents.remove(&p.text_document.uri);
                    self.notify::<notification::PublishDiagnostics>(PublishDiagnosticsParams {
                        uri: p.text_document.uri,
                        diagnostics: Vec::new(),
                        version: None,
                    });
                }
            }
            notification::DidSaveTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidSaveTextDocumentParams>(n.params)
                {
                    let kind = self.documents.get(&p.text_document.uri).map(|d| d.kind);
                    if matches!(kind, Some(Kind::RuleFile | Kind::Config)) {
                        self.reload();
                    }
                }
            }
            notification::DidChangeWatchedFiles::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidChangeWatchedFilesParams>(n.params)
                {
                    let relevant = p.changes.iter().any(|c| {
                        let s = c.uri.as_str();
                        s.ends_with(".tenet")
                            || s.ends_with(crate::config::FILE_NAME)
                            || s.ends_with(".txt")
                    });
                    if relevant {
                        self.reload();
                    }
                }
            }
            notification::DidChangeConfiguration::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidChangeConfigurationParams>(n.params)
                {
                    let settings = match &p.settings {
                        Value::Null => Settings::default(),
                        v => Settings::from_json(v),
                    };
                    if settings != self.settings {
                        self.settings = settings;
                        self.reload();
                    }
                }
            }
            notification::Cancel::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp_types::CancelParams>(n.params) {
                    let id = match p.id {
                        lsp_types::NumberOrString::Number(n) => RequestId::from(n),
                        lsp_types::NumberOrString::String(s) => RequestId::from(s),
                    };
                    self.cancelled.insert(id);
                }
            }
            _ => {}
        }
    }

    fn kind_of(&self, uri: &Uri, language: &str) -> Kind {
        let s = uri.as_str();
        if language == "tenet" || s.ends_with(".tenet") {
            return Kind::RuleFile;
        }
        if s.ends_with(crate::config::FILE_NAME) {
            return Kind::Config;
        }
        match language {
            "markdown" | "mdx" => Kind::Draft(Format::Markdown),
            "plaintext" | "text" => Kind::Draft(Format::Text),
            "email" | "mail" | "eml" => Kind::Draft(Format::Email),
            other if self.settings.languages.iter().any(|l| l == other) => {
                Kind::Draft(Format::Text)
            }
            _ => Kind::Ignored,
        }
    }

    fn change(&mut self, p: lsp_types::DidChangeTextDocumentParams) {
        let encoding = self.encoding;
        let uri = p.text_document.uri;
        let Some(doc) = self.documents.get_mut(&uri) else {
            return self.log(
                MessageType::WARNING,
                format!("didChange for {} which is not open", uri.as_str()),
            );
        };
        let mut clamped = false;
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

    /// The `tenet.toml` that governs a document at `path`, looked up once per folder.
    fn config_path(&mut self, path: Option<&Path>) -> Option<PathBuf> {
        let dir = path?.parent()?.to_path_buf();
        if let Some(found) = self.config_paths.get(&dir) {
            return found.clone();
        }
        let found = Config::discover(&dir);
        self.config_paths.insert(dir, found.clone());
        found
    }

    /// The rules for documents governed by `config_path`, compiled on first use.
    fn rules_for(&mut self, config_path: Option<PathBuf>) -> Option<Arc<Checker>> {
        if let Some(r) = self.rules.get(&config_path) {
            return Some(r.checker.clone());
        }
        let setup = self.setup(config_path.as_deref());
        match setup.and_then(|s| s.checker().map(|(c, _)| (c, s)).map_err(|e| e.to_string())) {
            Ok((checker, setup)) => {
                let checker = Arc::new(checker);
                self.rules.insert(
                    config_path,
                    Rules {
                        checker: checker.clone(),
                        setup,
                    },
                );
                Some(checker)
            }
            Err(e) => {
                self.show(
                    MessageType::ERROR,
                    format!("Tenet cannot load its rules: {}", first_line(&e)),
                );
                self.log(MessageType::ERROR, e);
                None
            }
        }
    }

    fn setup(&self, config_path: Option<&Path>) -> Result<Setup, String> {
        let config = match config_path {
            Some(p) => Config::load(p).map_err(|e| e.to_string())?,
            None => Config::default(),
        };
        let mut config = config;
        if let Some(channel) = &self.settings.channel {
            config.channel = Some(channel.clone());
        }
        Ok(Setup {
            config,
            config_dir: config_path.and_then(Path::parent).map(Path::to_path_buf),
            extra_rules: self.settings.rules.clone(),
            no_default_rules: self.settings.no_default_rules,
        })
    }

    /// Recompiles every configuration's rules; keeps the last good ones on errors.
    fn reload(&mut self) {
        // A tenet.toml may have appeared or gone.
        self.config_paths.clear();
        let keys: Vec<Option<PathBuf>> = self.rules.keys().cloned().collect();
        for key in keys {
            match self.setup(key.as_deref()).and_then(|s| {
                s.checker().map(|(c, _)| (c, s)).map_err(|e| match e {
                    LoadError::Rules(d) => crate::diagnostic::render_all(&d),
                    other => other.to_string(),
                })
            }) {
                Ok((checker, setup)) => {
                    self.rules.insert(
                        key,
                        Rules {
                            checker: Arc::new(checker),
                            setup,
                        },
                    );
                }
                Err(e) => {
                    self.show(
                        MessageType::WARNING,
                        format!(
                            "Tenet: the rules have errors, so the last good rules stay in use. {}",
                            first_line(&e)
                        ),
                    );
                    self.log(MessageType::WARNING, e);
                }
            }
        }
        let uris: Vec<Uri> = self.documents.keys().cloned().collect();
        for uri in uris {
            self.publish(&uri);
        }
    }

    fn publish(&mut self, uri: &Uri) {
        let Some(doc) = self.documents.get(uri) else {
            return;
        };
        let (kind, version) = (doc.kind, doc.version);
        let diagnostics = match kind {
            Kind::Ignored => return,
            Kind::Draft(format) => self.draft_diagnostics(uri, format),
            Kind::RuleFile => self.rule_file_diagnostics(uri),
            Kind::Config => self.config_diagnostics(uri),
        };
        self.notify::<notification::PublishDiagnostics>(PublishDiagnosticsParams {
            uri: uri.clone(),
            diagnostics,
            version: Some(version),
        });
    }

    /// Checks a draft; the report and the checker come back for code actions and hover.
    fn report(&mut self, uri: &Uri) -> Option<(crate::check::Report, Arc<Checker>)> {
        let path = uri_to_path(uri);
        let key = self.config_path(path.as_deref());
        let checker = self.rules_for(key.clone())?;
        let doc = self.documents.get(uri)?;
        let Kind::Draft(format) = doc.kind else {
            return None;
        };
        if doc.text.len() > self.settings.max_bytes {
            return None;
        }
        let format = match path.as_deref() {
            Some(p) if format == Format::Text => Format::detect(Some(p), &doc.text),
            _ => format,
        };
        // The editor's channel wins; then the configuration's `[channels]` for this path.
        let by_path = match (
            &self.settings.channel,
            self.rules.get(&key),
            path.as_deref(),
        ) {
            (None, Some(r), Some(p)) => r
                .setup
                .config_dir
                .as_deref()
                .and_then(|dir| r.setup.config.channel_for(dir, p)),
            _ => None,
        };
        let channel = by_path.unwrap_or_else(|| checker.options.channel.clone());
        let draft = Draft::new(doc.text.clone(), format);
        Some((checker.check_on(&draft, &Options { channel }), checker))
    }

    fn draft_diagnostics(&mut self, uri: &Uri, _format: Format) -> Vec<Diagnostic> {
        let encoding = self.encoding;
        let Some(doc) = self.documents.get(uri) else {
            return Vec::new();
        };
        if doc.text.len() > self.settings.max_bytes {
            return vec![Diagnostic {
                range: lsp_types::Range::default(),
                severity: Some(DiagnosticSeverity::INFORMATION),
                source: Some("tenet".into()),
                message: format!(
                    "This document is larger than {} KB, so Tenet does not check it while you type; run `tenet check` on it.",
                    self.settings.max_bytes / 1024
                ),
                ..Default::default()
            }];
        }
        let Some((report, _)) = self.report(uri) else {
            return Vec::new();
        };
        let Some(doc) = self.documents.get(uri) else {
            return Vec::new();
        };
        let text = convert::Text::new(&doc.text, encoding);
        report
            .findings
            .iter()
            .map(|f| convert::diagnostic(&text, uri, f))
            .collect()
    }

    fn rule_file_diagnostics(&mut self, uri: &Uri) -> Vec<Diagnostic> {
        let path = uri_to_path(uri).unwrap_or_else(|| PathBuf::from(uri.as_str()));
        // The governing tenet.toml's values, found once per folder and read once per
        // reload, not on every keystroke.
        let key = self.config_path(Some(&path));
        let overrides = match self.rules.get(&key) {
            Some(r) => r.setup.config.overrides(),
            None => key
                .as_deref()
                .and_then(|p| Config::load(p).ok())
                .map(|c| c.overrides())
                .unwrap_or_default(),
        };
        let Some(doc) = self.documents.get(uri) else {
            return Vec::new();
        };
        features::rule_file_diagnostics(&doc.text, &path, &overrides, self.encoding)
    }

    fn config_diagnostics(&mut self, uri: &Uri) -> Vec<Diagnostic> {
        let Some(doc) = self.documents.get(uri) else {
            return Vec::new();
        };
        features::config_diagnostics(&doc.text, self.encoding)
    }

    fn code_actions(
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
        features::code_actions(uri, &doc.text, format, &report.findings, p, self.encoding)
    }

    fn hover(&mut self, p: &lsp_types::HoverParams) -> Option<lsp_types::Hover> {
        let uri = &p.text_document_position_params.text_document.uri;
        let position = p.text_document_position_params.position;
        let kind = self.documents.get(uri)?.kind;
        match kind {
            Kind::Draft(_) => {
                let (report, checker) = self.report(uri)?;
                let doc = self.documents.get(uri)?;
                features::draft_hover(
                    &doc.text,
                    &report.findings,
                    checker.engine.rules(),
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

fn parse<T: serde::de::DeserializeOwned>(v: Value) -> Result<T, (ErrorCode, String)> {
    serde_json::from_value(v).map_err(|e| (ErrorCode::InvalidParams, e.to_string()))
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}
