//! A real NATS server with JetStream and `tenet worker` processes, for the worker
//! test and benchmark (included with `#[path]`; each uses what it needs).
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use async_nats::jetstream::{self, stream};

const POSTS: &str = "../shared/corpora/social-posts/twitter-us-airline-Tweets.csv";

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn nats_server(dir: &Path) -> (Killed, String) {
    let out = Command::new(root().join("tests/tools/install-nats-server.sh"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let binary = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let port = free_port();
    let child = Command::new(binary)
        .args(["-a", "127.0.0.1", "-p", &port.to_string(), "-js", "-sd"])
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "nats-server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    (Killed(child), format!("nats://127.0.0.1:{port}"))
}

pub fn worker(dir: &Path, url: &str) -> Killed {
    worker_on(dir, url, None)
}

/// A worker on the given cores (`taskset -c`), or on all of them.
pub fn worker_on(dir: &Path, url: &str, cores: Option<&str>) -> Killed {
    let tenet = env!("CARGO_BIN_EXE_tenet");
    let mut command = match cores {
        Some(cores) => {
            let mut c = Command::new("taskset");
            c.args(["-c", cores, tenet]);
            c
        }
        None => Command::new(tenet),
    };
    Killed(
        command
            .args([
                "worker",
                "--nats",
                url,
                "--ack-wait-ms",
                "2000",
                "--batch",
                "64",
            ])
            .current_dir(dir)
            // A draft with the id `tenet/panic` panics, quoting its text, in
            // release builds too.
            .env("TENET_PANIC_TEST", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    )
}

/// The first `n` posts of the airline corpus.
pub fn posts(n: usize) -> Vec<String> {
    let path = root().join(POSTS);
    let mut reader =
        csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let text = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "text")
        .unwrap();
    reader
        .records()
        .map(|r| r.unwrap()[text].to_string())
        .take(n)
        .collect()
}

/// Creates the work-queue stream the workers read from.
pub async fn drafts_stream(js: &jetstream::Context) {
    js.get_or_create_stream(stream::Config {
        name: "TENET_DRAFTS".into(),
        subjects: vec!["tenet.drafts".into()],
        retention: stream::RetentionPolicy::WorkQueue,
        ..Default::default()
    })
    .await
    .unwrap();
}

/// Publishes every payload to the drafts subject and waits until each is stored.
/// Acknowledgements are awaited in batches: the client holds only so many in
/// flight and waits for room before it publishes more.
pub async fn publish(js: &jetstream::Context, payloads: &[Vec<u8>]) {
    for chunk in payloads.chunks(256) {
        let mut acks = Vec::with_capacity(chunk.len());
        for payload in chunk {
            acks.push(
                js.publish("tenet.drafts", payload.clone().into())
                    .await
                    .unwrap(),
            );
        }
        for ack in acks {
            ack.await.unwrap();
        }
    }
}

/// The messages a stream holds, 0 when it does not exist (yet).
pub async fn stored(js: &jetstream::Context, name: &str) -> u64 {
    match js.get_stream(name).await {
        Ok(mut s) => s.info().await.map_or(0, |i| i.state.messages),
        Err(_) => 0,
    }
}
