//! `tenet lsp`: the language server. The only module that knows LSP.
//!
//! Drafts are checked in-process on the unsaved buffer after a short debounce;
//! `.tenet` files and `tenet.toml` get their own diagnostics, and saving them
//! reloads the rules for every open draft. A request that panics is answered with
//! an error and the server goes on.
//!
//! A front end: may import [`crate::workspace`] and every layer below it.

mod check;
mod compile;
mod convert;
mod diagnostics;
mod documents;
mod features;
mod server;
mod settings;
mod transport;
mod worker;

use std::io;
use std::thread;

use crossbeam_channel::{Receiver, Sender};
use lsp_server::{Connection, ErrorCode, Message, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{
    notification, request, CodeActionKind, CodeActionOptions, CodeActionProviderCapability,
    HoverProviderCapability, InitializeParams, InitializeResult, PositionEncodingKind, SaveOptions,
    ServerCapabilities, ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, TextDocumentSyncSaveOptions,
};

pub use convert::{path_to_uri, uri_to_path, Encoding};
pub use settings::Settings;

use server::Server;
use transport::Outgoing;

/// Runs the server on standard input and output until `exit`. Returns whether it
/// ended cleanly (`shutdown`, then `exit`); the protocol asks for exit code 1 if not.
pub fn run_stdio() -> io::Result<bool> {
    let (receiver, sender, threads) = transport::stdio();
    let clean = serve(&receiver, sender)?;
    threads.join()?;
    Ok(clean)
}

/// Runs the server on a connection (an in-memory one, say). Returns whether it
/// ended with `shutdown` then `exit`.
pub fn run(connection: Connection) -> io::Result<bool> {
    let Connection { sender, receiver } = connection;
    let (outgoing, to_forward) = crossbeam_channel::unbounded::<Outgoing>();
    let forward = thread::Builder::new()
        .name("lsp-forward".into())
        .spawn(move || {
            for out in to_forward {
                if sender.send(out.into_message()).is_err() {
                    return;
                }
            }
        })?;
    let clean = serve(&receiver, outgoing);
    // The server and its sender are gone: the forwarder ends once it has passed on
    // everything sent.
    let _ = forward.join();
    clean
}

fn serve(receiver: &Receiver<Message>, sender: Sender<Outgoing>) -> io::Result<bool> {
    crate::validate::warm_phone_plans();
    let gone = |_| io::Error::new(io::ErrorKind::BrokenPipe, "the client went away");
    let (id, params) = loop {
        match receiver.recv() {
            Ok(Message::Request(req)) if req.method == request::Initialize::METHOD => {
                break (req.id, req.params)
            }
            Ok(Message::Request(req)) => {
                let resp = Response::new_err(
                    req.id,
                    ErrorCode::ServerNotInitialized as i32,
                    "not initialized".into(),
                );
                sender.send(Message::from(resp).into()).map_err(gone)?;
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
            version: Some(crate::VERSION.into()),
        }),
    };
    sender
        .send(Message::from(Response::new_ok(id, result)).into())
        .map_err(gone)?;

    let watch = init
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|d| d.dynamic_registration)
        .unwrap_or(false);
    let mut server = Server::new(sender, encoding, settings);
    if watch {
        server.register_watchers();
    }
    Ok(server.main_loop(receiver))
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
