//! Runs the `tenet` binary as a user's shell would (included with `#[path]`).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Runs `tenet ARGS` in `dir` with `stdin` as its input, colour off. The input
/// is written from another thread: a streaming command answers while it reads,
/// and would block on a full stdout pipe if nobody read it meanwhile.
pub fn tenet(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    tenet_with(dir, args, stdin, &[])
}

/// [`tenet`] with these environment variables set too.
#[allow(dead_code)] // not every test file that includes this module uses it
pub fn tenet_with(dir: &Path, args: &[&str], stdin: &[u8], env: &[(&str, &Path)]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tenet"))
        .args(args)
        .current_dir(dir)
        .envs(env.iter().copied())
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

/// Each line of `text` (a streaming command's output) as JSON.
#[allow(dead_code)] // not every test file that includes this module uses it
pub fn json_lines(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}
