//! The server's state and main loop: messages in, dispatch, debounced checks out.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use crossbeam_channel::{select, Receiver};
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{notification, request, MessageType, PublishDiagnosticsParams, Uri};
use serde_json::Value;

use super::check::{self, Checker};
use super::compile::{self, Compiler};
use super::convert::Encoding;
use super::documents::{Document, Kind};
use super::settings::Settings;
use super::transport::Outgoing;
use crate::report::panics;
use crate::workspace::{Setup, Workspace};

/// What wakes the main loop.
enum Event {
    Message(Message),
    RuleFile(compile::Done),
    Draft(check::Done),
    Tick,
}

pub(super) struct Server {
    sender: crossbeam_channel::Sender<Outgoing>,
    pub(super) encoding: Encoding,
    pub(super) settings: Settings,
    pub(super) documents: HashMap<Uri, Document>,
    /// Configuration and compiled rules, shared with every other front end's logic.
    pub(super) workspace: Workspace,
    /// The thread that compiles open rule files.
    pub(super) compiler: Compiler,
    /// The thread that checks open drafts.
    pub(super) checker: Checker,
    /// The revision of each draft last sent to be checked, until its check is back.
    pub(super) in_flight: HashMap<Uri, u64>,
    /// The last revision given to a document's text (see `Document::revision`).
    pub(super) revisions: u64,
    cancelled: HashSet<RequestId>,
    shutdown_requested: bool,
    next_request: i32,
}

/// The workspace setup the editor's settings ask for.
fn setup(settings: &Settings) -> Setup {
    Setup {
        extra_rules: settings.rules.clone(),
        no_default_rules: settings.no_default_rules,
        channel: settings.channel.clone(),
        warm: true,
        ..Setup::default()
    }
}

impl Server {
    pub(super) fn new(
        sender: crossbeam_channel::Sender<Outgoing>,
        encoding: Encoding,
        settings: Settings,
    ) -> Server {
        Server {
            sender,
            encoding,
            workspace: Workspace::new(setup(&settings)),
            compiler: compile::start(),
            checker: check::start(),
            in_flight: HashMap::new(),
            revisions: 0,
            settings,
            documents: HashMap::new(),
            cancelled: HashSet::new(),
            shutdown_requested: false,
            next_request: 0,
        }
    }

    /// Serves until `exit` or the end of input; returns whether `shutdown` came first.
    pub(super) fn main_loop(&mut self, messages: &Receiver<Message>) -> bool {
        let done = self.compiler.done.clone();
        let checked = self.checker.done.clone();
        loop {
            let timeout = self
                .next_due()
                .map(|at| at.saturating_duration_since(Instant::now()));
            let event = match timeout {
                Some(t) => select! {
                    recv(messages) -> m => m.map(Event::Message).map_err(|_| ()),
                    recv(done) -> d => Ok(d.map_or(Event::Tick, Event::RuleFile)),
                    recv(checked) -> d => Ok(d.map_or(Event::Tick, Event::Draft)),
                    default(t) => Ok(Event::Tick),
                },
                None => select! {
                    recv(messages) -> m => m.map(Event::Message).map_err(|_| ()),
                    recv(done) -> d => Ok(d.map_or(Event::Tick, Event::RuleFile)),
                    recv(checked) -> d => Ok(d.map_or(Event::Tick, Event::Draft)),
                },
            };
            match event {
                Err(()) => return false,
                Ok(Event::Message(Message::Request(req))) => self.on_request(req),
                Ok(Event::Message(Message::Notification(n)))
                    if n.method == notification::Exit::METHOD =>
                {
                    return self.shutdown_requested;
                }
                Ok(Event::Message(Message::Notification(n))) => self.on_notification(n),
                Ok(Event::RuleFile(d)) => {
                    self.guarded("a rule file's diagnostics", |s| s.rule_file_done(d))
                }
                Ok(Event::Draft(d)) => self.guarded("a draft's diagnostics", |s| s.draft_done(d)),
                Ok(Event::Message(Message::Response(_)) | Event::Tick) => {}
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

    /// Checks the documents whose debounce has passed, each inside `catch_unwind`.
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
            self.guarded("a debounced check", |s| s.publish(&uri));
        }
    }

    /// Waits for the drafts sent to be checked and publishes them (before
    /// answering `shutdown`: what the editor sent before it is answered). Gives up
    /// after ten seconds.
    fn finish_checks(&mut self) {
        let deadline = Instant::now() + std::time::Duration::from_secs(10);
        while !self.in_flight.is_empty() {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.checker.done.recv_timeout(left) {
                Ok(done) => self.guarded("a draft's diagnostics", |s| s.draft_done(done)),
                Err(_) => return,
            }
        }
    }

    /// Runs `f`; a panic inside is logged and the server goes on.
    pub(super) fn guarded(&mut self, what: &str, f: impl FnOnce(&mut Server)) {
        if let Err(panic) = panics::catch(|| f(self)) {
            self.log(
                MessageType::ERROR,
                format!("{panic} in {what}; the server goes on"),
            );
        }
    }

    pub(super) fn send(&self, msg: impl Into<Message>) {
        self.send_out(Outgoing::Message(msg.into()));
    }

    pub(super) fn send_out(&self, out: Outgoing) {
        // The client going away is noticed by the reader; nothing to do here.
        let _ = self.sender.send(out);
    }

    pub(super) fn notify<N: lsp_types::notification::Notification>(&self, params: N::Params) {
        self.send(Notification::new(N::METHOD.to_string(), params));
    }

    pub(super) fn log(&self, typ: MessageType, message: impl Into<String>) {
        let message = message.into();
        eprintln!("tenet lsp: {message}");
        self.notify::<notification::LogMessage>(lsp_types::LogMessageParams { typ, message });
    }

    pub(super) fn show(&self, typ: MessageType, message: impl Into<String>) {
        self.notify::<notification::ShowMessage>(lsp_types::ShowMessageParams {
            typ,
            message: message.into(),
        });
    }

    pub(super) fn register_watchers(&mut self) {
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
        let outcome = panics::catch(|| self.handle_request(req));
        let response = match outcome {
            Ok(Ok(Some(value))) => Response::new_ok(id, value),
            Ok(Ok(None)) => Response::new_ok(id, Value::Null),
            Ok(Err((code, message))) => Response::new_err(id, code as i32, message),
            Err(panic) => {
                self.log(
                    MessageType::ERROR,
                    format!("{panic} in {method}; the server goes on"),
                );
                Response::new_err(id, ErrorCode::InternalError as i32, panic.to_string())
            }
        };
        self.send(response);
    }

    fn handle_request(&mut self, req: Request) -> Result<Option<Value>, (ErrorCode, String)> {
        match req.method.as_str() {
            request::Shutdown::METHOD => {
                self.shutdown_requested = true;
                self.finish_checks();
                Ok(None)
            }
            request::CodeActionRequest::METHOD => {
                let p: lsp_types::CodeActionParams = parse(req.params)?;
                let actions = self.code_actions(&p);
                Ok(Some(serde_json::to_value(actions).unwrap_or(Value::Null)))
            }
            request::HoverRequest::METHOD => {
                let p: lsp_types::HoverParams = parse(req.params)?;
                Ok(self.hover(&p).and_then(|h| serde_json::to_value(h).ok()))
            }
            // A request that panics on purpose, quoting its `text` as a bug
            // could quote a draft's, so tests can show the server survives one
            // and tells nothing of what it said.
            "tenet/panic"
                if cfg!(debug_assertions) || std::env::var_os("TENET_LSP_TEST").is_some() =>
            {
                panic!("requested by tenet/panic: {}", req.params["text"])
            }
            other => Err((
                ErrorCode::MethodNotFound,
                format!("unknown request {other}"),
            )),
        }
    }

    fn on_notification(&mut self, n: Notification) {
        let method = n.method.clone();
        self.guarded(&method, |s| s.handle_notification(n));
    }

    fn handle_notification(&mut self, n: Notification) {
        match n.method.as_str() {
            notification::DidOpenTextDocument::METHOD => {
                let Ok(p) =
                    serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(n.params)
                else {
                    return self.log(MessageType::WARNING, "didOpen with unreadable parameters");
                };
                self.open(p.text_document);
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
                    self.send_out(Outgoing::Diagnostics(PublishDiagnosticsParams {
                        uri: p.text_document.uri,
                        diagnostics: Vec::new(),
                        version: None,
                    }));
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
                            || s.ends_with(crate::workspace::config::FILE_NAME)
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
                        let errors = self.workspace.set_setup(setup(&settings));
                        self.settings = settings;
                        self.report_reload(errors);
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
}

fn parse<T: serde::de::DeserializeOwned>(v: Value) -> Result<T, (ErrorCode, String)> {
    serde_json::from_value(v).map_err(|e| (ErrorCode::InvalidParams, e.to_string()))
}
