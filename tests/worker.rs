//! `tenet worker` against a real NATS server with JetStream (Debian's
//! `nats-server`, installed by `tests/tools/install-nats-server.sh`): 10,000 real
//! social posts, two workers, one killed with SIGKILL mid-stream, and every draft
//! answered exactly once. `.ci/run` runs it: `cargo test --test worker -- --ignored
//! --nocapture` (it prints the throughput).

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use async_nats::jetstream;

#[path = "support/nats.rs"]
mod nats;
use nats::{drafts_stream, nats_server, posts, publish, stored, worker};

#[test]
#[ignore = "starts nats-server and two workers; .ci/run runs it"]
fn two_workers_one_killed_mid_stream_answer_every_draft_exactly_once() {
    const N: usize = 10_000;
    let dir = tempfile::tempdir().unwrap();
    let (_server, url) = nats_server(&dir.path().join("jetstream"));
    let posts = posts(N);
    assert_eq!(posts.len(), N);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let client = async_nats::connect(&url).await.unwrap();
        let js = jetstream::new(client);
        drafts_stream(&js).await;
        let mut payloads: Vec<Vec<u8>> = posts
            .iter()
            .enumerate()
            .map(|(i, text)| {
                serde_json::json!({ "id": i, "text": text, "channel": "external" })
                    .to_string()
                    .into_bytes()
            })
            .collect();
        for bad in [
            "{not json",
            "{\"id\": \"no-text\"}",
            "{\"id\": 7, \"text\": 4111111111111111}",
            "{\"id\": \"tenet/panic\", \"text\": \"card 4539 0174 9410 9883\"}",
        ] {
            payloads.push(bad.as_bytes().to_vec());
        }
        publish(&js, &payloads).await;

        let started = Instant::now();
        let first = worker(dir.path(), &url);
        let _second = worker(dir.path(), &url);
        // Kill one worker once it is well into the stream.
        let deadline = Instant::now() + Duration::from_secs(120);
        let mut first = Some(first);
        loop {
            let done = stored(&js, "TENET_VERDICTS").await;
            if first.is_some() && done >= 2_000 {
                let mut killed = first.take().unwrap();
                killed.0.kill().unwrap(); // SIGKILL
                killed.0.wait().unwrap();
                eprintln!("killed one worker after {done} verdicts");
            }
            if done >= (N + 4) as u64 {
                break;
            }
            assert!(Instant::now() < deadline, "only {done} verdicts in 120 s");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let took = started.elapsed();
        assert!(first.is_none(), "the worker was never killed");
        // Nothing left unanswered in the work queue, once the acks are in.
        let deadline = Instant::now() + Duration::from_secs(30);
        while stored(&js, "TENET_DRAFTS").await > 0 {
            assert!(Instant::now() < deadline, "drafts left unacknowledged");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }

        // Every verdict, read back from the stream that stores them.
        let verdicts = js.get_stream("TENET_VERDICTS").await.unwrap();
        let stored = stored(&js, "TENET_VERDICTS").await;
        assert_eq!(stored, (N + 4) as u64, "exactly one answer per draft");
        let mut ids = BTreeSet::new();
        let mut dead = Vec::new();
        for seq in 1..=stored {
            let m = verdicts.get_raw_message(seq).await.unwrap();
            let v: serde_json::Value = serde_json::from_slice(&m.payload).unwrap();
            if m.subject.as_str() == "tenet.dead" {
                dead.push(v["error"].as_str().unwrap().to_string());
                continue;
            }
            assert!(v["verdict"].is_string(), "{v}");
            assert!(
                ids.insert(v["id"].as_u64().unwrap()),
                "two verdicts for {}",
                v["id"]
            );
        }
        assert_eq!(ids.len(), N);
        assert_eq!(
            ids.iter().copied().collect::<Vec<_>>(),
            (0..N as u64).collect::<Vec<_>>()
        );
        dead.sort();
        assert_eq!(dead.len(), 4, "{dead:?}");
        assert!(dead.iter().any(|e| e.starts_with("not JSON")));
        assert!(dead.iter().any(|e| e.contains("`text` is missing")));
        // A check that panics waits among the dead letters, told by where.
        assert!(dead.iter().any(|e| e.contains("internal error at src/")));
        assert!(!dead.iter().any(|e| e.contains("4111")), "{dead:?}");
        assert!(!dead.iter().any(|e| e.contains("4539")), "{dead:?}");
        eprintln!(
            "{} drafts answered by two workers (one killed) in {:.2} s: {:.0} drafts/s",
            N + 4,
            took.as_secs_f64(),
            (N + 4) as f64 / took.as_secs_f64()
        );
    });
}
