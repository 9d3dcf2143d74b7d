//! Standard input and output as an LSP connection that survives bad input: a frame
//! whose body is not a JSON-RPC message is logged and skipped, not fatal.

use std::io::{self, BufRead, Write};
use std::thread;

use crossbeam_channel::{bounded, unbounded};
use lsp_server::{Connection, Message};

/// Threads that move messages between the channels and standard input and output.
pub struct Threads {
    reader: thread::JoinHandle<()>,
    writer: thread::JoinHandle<io::Result<()>>,
}

impl Threads {
    /// Waits for the writer to flush; the reader ends with standard input.
    pub fn join(self) -> io::Result<()> {
        let written = self
            .writer
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("writer panicked")));
        // The reader may still be blocked on standard input; it is not waited for.
        drop(self.reader);
        written
    }
}

/// A connection over standard input and output.
pub fn stdio() -> (Connection, Threads) {
    let (writer_sender, writer_receiver) = bounded::<Message>(0);
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
                    Ok(Some(body)) => match serde_json::from_slice::<Message>(&body) {
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
    (
        Connection {
            sender: writer_sender,
            receiver: reader_receiver,
        },
        Threads { reader, writer },
    )
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
    fn a_frame_without_length_is_invalid_data() {
        let mut input = io::BufReader::new(&b"Foo: 1\r\n\r\n{}"[..]);
        assert_eq!(
            read_frame(&mut input).unwrap_err().kind(),
            io::ErrorKind::InvalidData
        );
    }
}
