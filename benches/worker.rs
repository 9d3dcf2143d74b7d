//! Throughput of `tenet worker` on a real NATS server with JetStream: every
//! airline post of the shared corpus (14,640) published, then answered by one
//! worker held to one core (`taskset`), by one on every core, and by two;
//! drafts per second from the first worker's start to the last verdict
//! stored, median of three runs each. The NATS server shares the machine.
//!
//!     cargo bench --bench worker
//!
//! Installs `nats-server` (Debian) when missing, like the worker test.

use std::time::{Duration, Instant};

use async_nats::jetstream;

#[path = "../tests/support/nats.rs"]
mod nats;
use nats::{drafts_stream, nats_server, posts, publish, stored, worker_on};

const RUNS: usize = 3;

fn main() {
    // `cargo bench` passes --bench; a name filter that is not ours skips the run.
    if std::env::args()
        .skip(1)
        .any(|a| !a.starts_with('-') && !"worker".contains(a.as_str()))
    {
        return;
    }
    let posts = posts(usize::MAX);
    let payloads: Vec<Vec<u8>> = posts
        .iter()
        .enumerate()
        .map(|(i, text)| {
            serde_json::json!({ "id": i, "text": text })
                .to_string()
                .into_bytes()
        })
        .collect();
    let n = payloads.len() as u64;
    println!("tenet worker, {n} airline posts, median of {RUNS} runs");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let cases = [
        ("1 worker, one core", 1, Some("0")),
        ("1 worker, every core", 1, None),
        ("2 workers, every core", 2, None),
    ];
    for (name, workers, cores) in cases {
        let mut rates = Vec::new();
        for _ in 0..RUNS {
            let dir = tempfile::tempdir().unwrap();
            let (_server, url) = nats_server(&dir.path().join("jetstream"));
            let took = runtime.block_on(async {
                let js = jetstream::new(async_nats::connect(&url).await.unwrap());
                drafts_stream(&js).await;
                publish(&js, &payloads).await;
                let started = Instant::now();
                let _running: Vec<_> = (0..workers)
                    .map(|_| worker_on(dir.path(), &url, cores))
                    .collect();
                let deadline = started + Duration::from_secs(300);
                while stored(&js, "TENET_VERDICTS").await < n {
                    assert!(Instant::now() < deadline, "the workers stalled");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                started.elapsed()
            });
            rates.push(n as f64 / took.as_secs_f64());
        }
        rates.sort_by(f64::total_cmp);
        println!("{name:<22} {:8.0} drafts/s", rates[RUNS / 2]);
    }
}
