//! Runs the `tenet` binary as a user's shell would (included with `#[path]`).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Runs `tenet ARGS` in `dir` with `stdin` as its input, colour off. The input
/// is written from another thread: a streaming command answers while it reads,
/// and would block on a full stdout pipe if nobody read it meanwhile.
pub fn tenet(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tenet"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the tenet binary runs");
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    out
}
