//! Standard input and output as an LSP connection that survives bad input: a frame
//! whose body is not a JSON-RPC message is logged and skipped, not fatal. What the
//! server sends is [`Outgoing`]: diagnostics are written to JSON on the writer
//! thread, straight from their structs.

use std::io::{self, BufRead, Write};
use std::thread;

use crossbeam_channel::{bounded, unbounded, Receiver, Sender};
use lsp_server::{Message, Notification};
use lsp_types::notification::{Notification as _, PublishDiagnostics};
use lsp_types::PublishDiagnosticsParams;
use serde::Serialize;

use crate::text::surrogates;

/// A message for the client.
#[derive(Debug)]
pub(super) enum Outgoing {
    Message(Message),
    /// A `textDocument/publishDiagnostics` notification, written to JSON on the
    /// writer thread. A large draft has thousands of diagnostics: turning a 1 MB
    /// draft's 6,535 into the `serde_json::Value` a [`Message`] holds took about
    /// 8 ms on the main loop, before they were written at all.
    Diagnostics(PublishDiagnosticsParams),
}

impl From<Message> for Outgoing {
    fn from(msg: Message) -> Outgoing {
        Outgoing::Message(msg)
    }
}

impl Outgoing {
    /// Writes it as one `Content-Length` framed message.
    fn write(self, out: &mut impl Write) -> io::Result<()> {
        match self {
            Outgoing::Message(msg) => msg.write(out),
            Outgoing::Diagnostics(params) => {
                #[derive(Serialize)]
                struct Wire<'a> {
                    jsonrpc: &'static str,
                    method: &'static str,
                    params: &'a PublishDiagnosticsParams,
                }
                let body = serde_json::to_vec(&Wire {
                    jsonrpc: "2.0",
                    method: PublishDiagnostics::METHOD,
                    params: &params,
                })?;
                write!(out, "Content-Length: {}\r\n\r\n", body.len())?;
                out.write_all(&body)
            }
        }
    }

    /// It as a [`Message`], for a connection that carries those.
    pub(super) fn into_message(self) -> Message {
        match self {
            Outgoing::Message(msg) => msg,
            Outgoing::Diagnostics(params) => {
                Notification::new(PublishDiagnostics::METHOD.to_string(), params).into()
            }
        }
    }
}

/// Threads that move messages between the channels and standard input and output.
pub(super) struct Threads {
    reader: thread::JoinHandle<()>,
    writer: thread::JoinHandle<io::Result<()>>,
}

impl Threads {
    /// Waits for the writer to flush; the reader ends with standard input.
    pub(super) fn join(self) -> io::Result<()> {
        let written = self
            .writer
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("writer panicked")));
        // The reader may still be blocked on standard input; it is not waited for.
        drop(self.reader);
        written
    }
}

/// A connection over standard input and output: the messages read, and where to
/// send messages.
pub(super) fn stdio() -> (Receiver<Message>, Sender<Outgoing>, Threads) {
    let (writer_sender, writer_receiver) = bounded::<Outgoing>(0);
    let writer = thread::Builder::new()
        .name("lsp-writer".into())
        .spawn(move || {
            let stdout = io::stdout();
            let mut out = stdout.lock();
            for msg in writer_receiver {
                msg.write(&mut out)?;
                out.flush()?;
            }
            Ok(())
        })
        .expect("a thread can be spawned");
    let (reader_sender, reader_receiver) = unbounded::<Message>();
    let reader = thread::Builder::new()
        .name("lsp-reader".into())
        .spawn(move || {
            let stdin = io::stdin();
            let mut input = stdin.lock();
            loop {
                match read_frame(&mut input) {
                    Ok(None) => break,
                    // A text cut inside a surrogate pair by the client's
                    // edit comes as a lone surrogate escape: read as U+FFFD,
                    // one UTF-16 unit for one, the change is kept (skipped,
                    // every later edit would land in the wrong place).
                    Ok(Some(body)) => match surrogates::from_slice_lenient::<Message>(&body) {
                        Ok(msg) => {
                            if reader_sender.send(msg).is_err() {
                                break;
                            }
                        }
                        Err(e) => {
                            eprintln!("tenet lsp: skipped a message that is not JSON-RPC: {e}")
                        }
                    },
                    Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                        eprintln!("tenet lsp: skipped a malformed frame: {e}");
                    }
                    Err(e) => {
                        eprintln!("tenet lsp: cannot read standard input: {e}");
                        break;
                    }
                }
            }
        })
        .expect("a thread can be spawned");
    (reader_receiver, writer_sender, Threads { reader, writer })
}

/// Reads one `Content-Length` framed body; `None` at the end of input.
fn read_frame(input: &mut impl BufRead) -> io::Result<Option<Vec<u8>>> {
    let mut length: Option<usize> = None;
    let mut line = String::new();
    let mut saw_header = false;
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let trimmed = line.trim_end_matches(['\r', '\n']);
        if trimmed.is_empty() {
            if saw_header {
                break;
            }
            continue;
        }
        saw_header = true;
        if let Some((name, value)) = trimmed.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok();
            }
        }
    }
    let Some(length) = length.filter(|&n| n <= 64 << 20) else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "missing or too large Content-Length",
        ));
    };
    let mut body = vec![0; length];
    input.read_exact(&mut body)?;
    Ok(Some(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_read_one_after_another() {
        let data = b"Content-Length: 2\r\n\r\n{}Content-Length: 3\r\nContent-Type: x\r\n\r\n[1]";
        let mut input = io::BufReader::new(&data[..]);
        assert_eq!(read_frame(&mut input).unwrap().unwrap(), b"{}");
        assert_eq!(read_frame(&mut input).unwrap().unwrap(), b"[1]");
        assert!(read_frame(&mut input).unwrap().is_none());
    }

    #[test]
    fn diagnostics_are_written_as_the_notification_a_message_would_be() {
        let params = || PublishDiagnosticsParams {
            uri: "file:///tmp/post.md".parse().unwrap(),
            diagnostics: vec![lsp_types::Diagnostic {
                message: "Say \"who\" you are ✓".into(),
                source: Some("tenet".into()),
                ..Default::default()
            }],
            version: Some(7),
        };
        let mut wire = Vec::new();
        Outgoing::Diagnostics(params()).write(&mut wire).unwrap();
        let body = read_frame(&mut io::BufReader::new(&wire[..]))
            .unwrap()
            .unwrap();
        let read: Message = serde_json::from_slice(&body).unwrap();
        let Message::Notification(read) = read else {
            panic!("not a notification: {read:?}");
        };
        let Message::Notification(expected) = Outgoing::Diagnostics(params()).into_message() else {
            panic!("not a notification");
        };
        assert_eq!(read.method, "textDocument/publishDiagnostics");
        assert_eq!(read.params, expected.params);
        assert_eq!(
            read.params["diagnostics"][0]["message"],
            "Say \"who\" you are ✓"
        );
        assert_eq!(read.params["version"], 7);
    }

    #[test]
    fn a_frame_without_length_is_invalid_data() {
        let mut input = io::BufReader::new(&b"Foo: 1\r\n\r\n{}"[..]);
        assert_eq!(
            read_frame(&mut input).unwrap_err().kind(),
            io::ErrorKind::InvalidData
        );
    }
}
