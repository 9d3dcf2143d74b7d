//! `tenet serve` as a CMS hook meets it: started on a free loopback port, spoken to
//! over HTTP/1.1, reloaded, refused, stopped.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[path = "support/run.rs"]
mod run;

struct Server {
    child: Child,
    addr: String,
    log: Arc<Mutex<String>>,
}

impl Server {
    fn start(dir: &Path, args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tenet"))
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .current_dir(dir)
            .env("TENET_LOG", "info")
            // A draft with the id `tenet/panic` panics, quoting its text, in
            // release builds too.
            .env("TENET_PANIC_TEST", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(addr) = line.split("addr=").nth(1) {
                    let _ = tx.send(addr.split_whitespace().next().unwrap_or("").to_string());
                }
                let mut log = sink.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        let addr = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the server says where it listens");
        Server { child, addr, log }
    }

    fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> (u16, String) {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.addr,
            body.len()
        );
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        s.write_all(head.as_bytes()).unwrap();
        let _ = s.write_all(body);
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        let text = String::from_utf8_lossy(&out).into_owned();
        let status = text
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let body = text
            .split_once("\r\n\r\n")
            .map_or("", |(_, b)| b)
            .to_string();
        (status, body)
    }

    fn post(&self, path: &str, body: &str) -> (u16, String) {
        self.request(
            "POST",
            path,
            &[("Content-Type", "application/json")],
            body.as_bytes(),
        )
    }

    fn get(&self, path: &str) -> (u16, String) {
        self.request("GET", path, &[], b"")
    }

    fn signal(&self, name: &str) {
        let ok = Command::new("kill")
            .args(["-s", name, &self.child.id().to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok);
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Waits for the log to say `what`.
    fn wait_for_log(&self, what: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !self.log().contains(what) {
            assert!(
                Instant::now() < deadline,
                "the log never said {what:?}:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

fn folder(toml: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("tenet.toml"), toml).unwrap();
    dir
}

#[test]
fn check_batch_health_readiness_and_metrics() {
    let dir = folder("[lists]\ncodenames = [\"Project Falcon\"]\n");
    let server = Server::start(dir.path(), &[]);
    let (status, body) = server.post(
        "/v1/check",
        r#"{"id": "post-1", "text": "Can't wait for Project Falcon to ship!", "channel": "external"}"#,
    );
    assert_eq!(status, 200, "{body}");
    let v = json(&body);
    assert_eq!(v["id"], "post-1");
    assert_eq!(v["verdict"], "block");
    assert_eq!(v["reasons"][0]["rule"], "confidentiality.codename");

    let (status, body) = server.post(
        "/v1/check/batch",
        r#"{"drafts": [{"id": 1, "text": "worst airline ever, outage again"}, {"id": 2}, {"id": 3, "text": "The lounge opens on Monday at 6 am."}]}"#,
    );
    assert_eq!(status, 200, "{body}");
    let results = json(&body)["results"].as_array().unwrap().clone();
    assert_eq!(results.len(), 3);
    assert_eq!(results[0]["verdict"], "review");
    assert_eq!(results[0]["triage"]["category"], "criticism");
    assert_eq!(results[1]["id"], 2);
    assert!(results[1]["error"]
        .as_str()
        .unwrap()
        .contains("`text` is missing"));
    assert_eq!(results[2]["verdict"], "allow");

    let (status, body) = server.post("/v1/check", "{not json");
    assert_eq!(status, 400);
    assert!(json(&body)["error"]
        .as_str()
        .unwrap()
        .starts_with("not JSON"));

    assert_eq!(server.get("/healthz"), (200, "ok\n".to_string()));
    let (status, body) = server.get("/readyz");
    assert_eq!(status, 200);
    let ready = json(&body);
    assert_eq!(ready["status"], "ready");
    assert_eq!(ready["rules"].as_str().unwrap().len(), 16);

    let (status, metrics) = server.get("/metrics");
    assert_eq!(status, 200);
    for line in [
        "tenet_requests_total{route=\"/v1/check\",status=\"200\"} 1",
        "tenet_requests_total{route=\"/v1/check\",status=\"400\"} 1",
        "tenet_requests_total{route=\"/v1/check/batch\",status=\"200\"} 1",
        "tenet_verdicts_total{verdict=\"block\"} 1",
        "tenet_verdicts_total{verdict=\"review\"} 1",
        "tenet_verdicts_total{verdict=\"allow\"} 1",
        "tenet_findings_total{category=\"confidentiality\",level=\"error\"} 1",
        "tenet_triage_total{category=\"criticism\",priority=\"1\"} 1",
        "tenet_request_duration_seconds_count 3",
        "tenet_rules_stale 0",
    ] {
        assert!(metrics.contains(line), "{line} not in\n{metrics}");
    }
    assert!(metrics.contains(&format!(
        "tenet_rules_info{{version=\"{}\"}} 1",
        ready["rules"].as_str().unwrap()
    )));
}

/// A full batch is checked on every core and answered in the order sent:
/// each record the one a single check gives, an unreadable draft's error in
/// its place, and no card number in any of them.
#[test]
fn a_full_batch_is_answered_in_order_as_single_checks_answer() {
    let dir = folder("");
    let server = Server::start(dir.path(), &[]);
    let draft = |i: usize| match i % 5 {
        0 => format!(r#"{{"id": {i}, "text": "my card is 4539 0174 9410 9883, thanks"}}"#),
        1 => format!(r#"{{"id": {i}}}"#),
        2 => format!(r#"{{"id": {i}, "text": "worst airline ever, flight {i} delayed again"}}"#),
        3 => format!(r#"{{"id": {i}, "text": "Loving the new lounge, gate {i} was quick!"}}"#),
        _ => format!(r#"{{"id": {i}, "text": "Could you add more vegan meals on route {i}?"}}"#),
    };
    let drafts: Vec<String> = (0..1000).map(draft).collect();
    let (status, body) = server.post("/v1/check/batch", &format!("[{}]", drafts.join(",")));
    assert_eq!(status, 200, "{body}");
    assert!(!body.contains("4539 0174"), "a card number in the answer");
    let results = json(&body)["results"].as_array().unwrap().clone();
    assert_eq!(results.len(), 1000);
    for (i, record) in results.iter().enumerate() {
        assert_eq!(record["id"], i, "record {i} out of order");
    }
    for i in [0, 1, 2, 3, 4, 555, 998, 999] {
        let (_, single) = server.post("/v1/check", &drafts[i]);
        assert_eq!(results[i], json(&single), "draft {i}");
    }
    assert_eq!(results[0]["verdict"], "block");
    assert!(results[1]["error"]
        .as_str()
        .unwrap()
        .contains("`text` is missing"));
    assert_eq!(results[2]["triage"]["category"], "criticism");
    // A post cut inside an emoji by a JavaScript caller, alone or in a
    // batch: its lone surrogate reads as U+FFFD, and the post is answered.
    let cut = r#"{"id": "cut", "text": "worst airline ever, flight 7 delayed again \ud83d"}"#;
    let (status, single) = server.post("/v1/check", cut);
    assert_eq!(status, 200, "{single}");
    assert_eq!(json(&single)["triage"]["category"], "criticism");
    let (status, body) = server.post("/v1/check/batch", &format!("[{cut}, {}]", drafts[2]));
    assert_eq!(status, 200, "{body}");
    assert_eq!(json(&body)["results"][0], json(&single));
}

#[test]
fn a_body_over_the_limit_is_413_and_a_missing_token_is_401() {
    let dir = folder("");
    std::fs::write(dir.path().join("token"), "s3cret-token\n").unwrap();
    let server = Server::start(dir.path(), &["--max-body", "1000", "--token-file", "token"]);
    let big = format!(r#"{{"text": "{}"}}"#, "word ".repeat(400));
    let auth = [("Authorization", "Bearer s3cret-token")];
    let (status, _) = server.request("POST", "/v1/check", &auth, big.as_bytes());
    assert_eq!(status, 413);
    let (status, body) = server.post("/v1/check", r#"{"text": "hello"}"#);
    assert_eq!(status, 401, "{body}");
    let (status, _) = server.request(
        "POST",
        "/v1/check",
        &[("Authorization", "Bearer wrong-token!")],
        br#"{"text": "hello"}"#,
    );
    assert_eq!(status, 401);
    let (status, _) = server.request("GET", "/metrics", &[], b"");
    assert_eq!(status, 401);
    let (status, body) = server.request(
        "POST",
        "/v1/check",
        &auth,
        br#"{"text": "The report is ready for review."}"#,
    );
    assert_eq!(status, 200, "{body}");
    // Health and readiness stay open to the orchestrator.
    assert_eq!(server.get("/healthz").0, 200);
    assert_eq!(server.get("/readyz").0, 200);
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut packer = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    packer.write_all(bytes).unwrap();
    packer.finish().unwrap()
}

/// A gzipped body is read as what it holds, checked after the token; what it
/// unpacks to is held to the size limit (a bomb stops there), broken gzip is a
/// 400 and another encoding a 415, each an error record.
#[test]
fn a_gzipped_body_is_unpacked_within_the_limit() {
    let dir = folder("");
    std::fs::write(dir.path().join("token"), "s3cret-token\n").unwrap();
    let server = Server::start(dir.path(), &["--max-body", "4000", "--token-file", "token"]);
    let auth = ("Authorization", "Bearer s3cret-token");
    let gzipped = [auth, ("Content-Encoding", "gzip")];
    let draft =
        r#"{"id": 7, "text": "worst airline ever, outage again and nobody answers the phone"}"#;
    let (status, plain) = server.request("POST", "/v1/check", &[auth], draft.as_bytes());
    assert_eq!(status, 200, "{plain}");
    let (status, body) = server.request("POST", "/v1/check", &gzipped, &gzip(draft.as_bytes()));
    assert_eq!((status, &body), (200, &plain));
    let batch = format!("[{draft}, {draft}]");
    let (status, body) =
        server.request("POST", "/v1/check/batch", &gzipped, &gzip(batch.as_bytes()));
    assert_eq!(status, 200, "{body}");
    assert_eq!(json(&body)["results"].as_array().unwrap().len(), 2);

    // A megabyte of spaces packs into about a kilobyte, under the limit.
    let bomb = gzip(format!(r#"{{"text": "hi{}"}}"#, " ".repeat(1 << 20)).as_bytes());
    assert!(bomb.len() < 4000, "{}", bomb.len());
    let (status, body) = server.request("POST", "/v1/check", &gzipped, &bomb);
    assert_eq!(status, 413, "{body}");
    assert_eq!(
        json(&body)["error"],
        "the body is larger than 4000 bytes unpacked"
    );
    let (status, body) = server.request("POST", "/v1/check", &gzipped, draft.as_bytes());
    assert_eq!(
        (status, json(&body)["error"].as_str()),
        (400, Some("the body is not valid gzip"))
    );
    let brotli = [auth, ("Content-Encoding", "br")];
    let (status, body) = server.request("POST", "/v1/check", &brotli, draft.as_bytes());
    assert_eq!(status, 415, "{body}");
    assert!(json(&body)["error"]
        .as_str()
        .unwrap()
        .contains("`br` is not supported"));
    // The token is asked for first.
    let (status, _) = server.request("POST", "/v1/check", &[("Content-Encoding", "gzip")], &bomb);
    assert_eq!(status, 401);
    let (_, metrics) = server.request("GET", "/metrics", &[auth], b"");
    assert!(metrics.contains("status=\"415\""), "{metrics}");
}

#[test]
fn rules_reload_on_change_and_sighup_and_broken_ones_keep_the_last_good() {
    let dir = folder("[lists]\ncodenames = [\"Project Falcon\"]\n");
    let server = Server::start(dir.path(), &["--watch-ms", "100"]);
    let draft = r#"{"text": "Can't wait for Bluebird to ship!"}"#;
    assert_eq!(json(&server.post("/v1/check", draft).1)["verdict"], "allow");
    let (_, before) = server.get("/readyz");

    std::fs::write(
        dir.path().join("tenet.toml"),
        "[lists]\ncodenames = [\"Bluebird\"]\n",
    )
    .unwrap();
    server.wait_for_log("rules reloaded");
    assert_eq!(json(&server.post("/v1/check", draft).1)["verdict"], "block");
    let (_, after) = server.get("/readyz");
    assert_ne!(json(&before)["rules"], json(&after)["rules"]);

    // Broken: the last good rules stay, and readiness and the log say so.
    std::fs::write(
        dir.path().join("tenet.toml"),
        "[lists]\ncodenames = [\"Bluebird\"\n",
    )
    .unwrap();
    server.wait_for_log("the last good rules stay in use");
    assert_eq!(json(&server.post("/v1/check", draft).1)["verdict"], "block");
    let ready = json(&server.get("/readyz").1);
    assert_eq!(ready["stale"], true);
    assert_eq!(ready["rules"], json(&after)["rules"]);
    assert!(ready["reload_error"]
        .as_str()
        .unwrap()
        .contains("tenet.toml"));
    assert!(server.get("/metrics").1.contains("tenet_rules_stale 1"));

    // SIGHUP reloads without waiting for the watch.
    let dir2 = folder("[lists]\ncodenames = [\"Project Falcon\"]\n");
    let quiet = Server::start(dir2.path(), &["--watch-ms", "0"]);
    std::fs::write(
        dir2.path().join("tenet.toml"),
        "[lists]\ncodenames = [\"Bluebird\"]\n",
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(json(&quiet.post("/v1/check", draft).1)["verdict"], "allow");
    quiet.signal("HUP");
    quiet.wait_for_log("rules reloaded");
    assert_eq!(json(&quiet.post("/v1/check", draft).1)["verdict"], "block");
}

#[test]
fn sigterm_lets_requests_in_flight_finish() {
    let dir = folder("");
    // The check's time limit is not what is tested: a slow machine gets ample.
    let mut server = Server::start(
        dir.path(),
        &["--max-body", "10000000", "--timeout-ms", "600000"],
    );
    // A draft large enough to take a while to check.
    let text =
        "Call 212-555-0199 or write to jane.doe@gmail.com about Project Falcon. ".repeat(40_000);
    let body = serde_json::json!({ "id": "big", "text": text }).to_string();
    let addr = server.addr.clone();
    let pending = std::thread::spawn(move || {
        let mut s = TcpStream::connect(&addr).unwrap();
        let head = format!(
            "POST /v1/check HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        s.write_all(head.as_bytes()).unwrap();
        s.write_all(body.as_bytes()).unwrap();
        let mut out = String::new();
        let _ = s.read_to_string(&mut out);
        out
    });
    std::thread::sleep(Duration::from_millis(150));
    server.signal("TERM");
    let answer = pending.join().unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer:.300}");
    assert!(answer.contains("\"id\":\"big\""));
    let status = server.child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    assert!(server.log().contains("finishing the work in flight"));
    // Stopped: no new connections.
    assert!(TcpStream::connect(&server.addr).is_err());
}

#[test]
fn no_redacted_secret_appears_in_any_response_log_or_metric() {
    let dir = folder("");
    let server = Server::start(dir.path(), &[]);
    let secrets = [
        "4111 1111 1111 1111",
        "078-05-1120",
        "GB82 WEST 1234 5698 7654 32",
        "hunter2hunter2",
    ];
    let text = format!(
        "My visa is {}, SSN {}, IBAN {}, password: {} — thanks you guys",
        secrets[0], secrets[1], secrets[2], secrets[3]
    );
    let one = serde_json::json!({ "id": 1, "text": text }).to_string();
    let mut answers = vec![server.post("/v1/check", &one).1];
    answers.push(
        server
            .post(
                "/v1/check/batch",
                &format!("[{one}, {{\"id\": 2, \"text\": 4111111111111111}}]"),
            )
            .1,
    );
    answers.push(server.get("/metrics").1);
    answers.push(server.get("/readyz").1);
    answers.push(server.log());
    let all = answers.join("\n");
    assert!(all.contains("payment-card"), "{all}");
    for secret in secrets {
        let digits: String = secret.chars().filter(char::is_ascii_alphanumeric).collect();
        assert!(!all.contains(secret), "{secret} leaked:\n{all}");
        assert!(
            !all.replace([' ', '-'], "").contains(&digits),
            "{secret} leaked:\n{all}"
        );
    }
    assert!(!all.contains("4111"), "{all}");
}

/// A draft whose check panics (test builds panic on purpose for the id
/// `tenet/panic`, quoting the draft) is a 500 with an error record that says
/// where, never what the panic said; in a batch, that draft's record is an
/// error and the others are answered; the server goes on.
#[test]
fn a_check_that_panics_is_a_500_and_the_server_goes_on() {
    let dir = folder("");
    let server = Server::start(dir.path(), &[]);
    let panics = r#"{"id": "tenet/panic", "text": "card 4539 0174 9410 9883"}"#;
    let (status, body) = server.post("/v1/check", panics);
    assert_eq!(status, 500, "{body}");
    assert!(!body.contains("4539"), "{body}");
    let record = json(&body);
    assert_eq!(record["id"], "tenet/panic");
    let error = record["error"].as_str().unwrap();
    assert!(error.contains("internal error at src/"), "{error}");
    let batch = format!(r#"[{panics}, {{"id": 2, "text": "The lounge opens on Monday."}}]"#);
    let (status, body) = server.post("/v1/check/batch", &batch);
    assert_eq!(status, 200, "{body}");
    assert!(!body.contains("4539"), "{body}");
    let results = json(&body)["results"].clone();
    assert!(results[0]["error"]
        .as_str()
        .unwrap()
        .contains("internal error"));
    assert_eq!(results[1]["verdict"], "allow", "{body}");
    let (status, body) = server.post("/v1/check", r#"{"id": 3, "text": "Hello"}"#);
    assert_eq!(status, 200, "{body}");
    let log = server.log();
    assert!(log.contains("internal error at src/"), "{log}");
    assert!(!log.contains("4539"), "{log}");
}

/// A validator for the published verdict schema, or for one of its `$defs`.
fn schema(def: Option<&str>) -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/verdict.v1.schema.json");
    let mut schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    if let Some(def) = def {
        let o = schema.as_object_mut().unwrap();
        o.remove("oneOf");
        o.insert("$ref".into(), format!("#/$defs/{def}").into());
    }
    jsonschema::validator_for(&schema).expect("the schema is valid JSON Schema")
}

fn assert_valid(validator: &jsonschema::Validator, v: &serde_json::Value) {
    let errors: Vec<String> = validator.iter_errors(v).map(|e| e.to_string()).collect();
    assert!(
        errors.is_empty(),
        "{v}\ndoes not match the schema: {errors:?}"
    );
}

#[test]
fn every_answer_matches_the_published_schema() {
    let record = schema(None);
    let batch = schema(Some("batch"));
    let draft = schema(Some("draft"));
    let drafts = [
        r#"{"id": "a", "text": "worst airline ever, outage again and nobody answers the phone"}"#,
        r#"{"id": 2, "text": "My card is 4111 1111 1111 1111, call 212-555-0199", "channel": "external"}"#,
        r#"{"text": "Thanks!!!! #blessed", "format": "markdown"}"#,
        r#"{"id": 4, "text": "From: a@example.com\nSubject: hi\n\nSee attached.\n", "format": "email"}"#,
    ];
    let dir = folder("[lists]\ncodenames = [\"Project Falcon\"]\n");
    let server = Server::start(dir.path(), &[]);
    for d in drafts {
        assert_valid(&draft, &json(d));
        let (status, body) = server.post("/v1/check", d);
        assert_eq!(status, 200, "{body}");
        assert_valid(&record, &json(&body));
    }
    // Errors are records too, and a verdict record is never taken for one.
    for bad in [r#"{"id": 9, "text": 12}"#, "{not json", r#"[1]"#] {
        let (status, body) = server.post("/v1/check", bad);
        assert_eq!(status, 400);
        assert_valid(&record, &json(&body));
        assert_valid(&schema(Some("error")), &json(&body));
    }
    // A channel no rule names is answered, with a warning the schema describes.
    let (status, body) = server.post(
        "/v1/check",
        r#"{"id": 6, "text": "hi", "channel": "extrnal"}"#,
    );
    assert_eq!(status, 200, "{body}");
    assert_valid(&record, &json(&body));
    assert_eq!(
        json(&body)["warnings"],
        serde_json::json!(["no rule names the channel `extrnal`; did you mean `external`?"])
    );
    let all = format!("[{}, {{\"id\": 5}}]", drafts.join(","));
    let (status, body) = server.post("/v1/check/batch", &all);
    assert_eq!(status, 200, "{body}");
    assert_valid(&batch, &json(&body));
    assert!(!schema(Some("verdict")).is_valid(&json(r#"{"id": 1, "error": "x"}"#)));
    let mut wrong = json(&server.post("/v1/check", drafts[1]).1);
    wrong["verdict"] = "maybe".into();
    assert!(
        !record.is_valid(&wrong),
        "the schema checks what it describes"
    );

    // `tenet moderate` answers with the same records.
    let mut input = drafts.join("\n");
    input.push_str("\n{\"id\": \"x\", \"format\": \"pdf\", \"text\": \"hi\"}\n");
    let out = run::tenet(dir.path(), &["moderate"], input.as_bytes());
    let lines: Vec<_> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(json)
        .collect();
    assert_eq!(lines.len(), 5);
    for line in &lines {
        assert_valid(&record, line);
    }
    assert!(lines[4]["error"].is_string() && lines[4]["line"] == 5);
}

/// The files of `deploy/configmap.yaml` (its `data:` block scalars).
fn config_map_files() -> Vec<(String, String)> {
    let yaml = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/configmap.yaml"),
    )
    .unwrap();
    let data = yaml.split_once("\ndata:\n").expect("a data: block").1;
    let mut files: Vec<(String, String)> = Vec::new();
    for line in data.lines() {
        if let Some(name) = line.strip_prefix("  ").and_then(|l| l.strip_suffix(": |")) {
            files.push((name.to_string(), String::new()));
        } else if let Some((_, text)) = files.last_mut() {
            text.push_str(line.get(4..).unwrap_or(""));
            text.push('\n');
        }
    }
    files
}

/// The `args:` of the container in a deployment manifest.
fn manifest_args(name: &str) -> Vec<String> {
    let yaml = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("deploy")
            .join(name),
    )
    .unwrap();
    yaml.split_once("args:\n")
        .expect("an args: list")
        .1
        .lines()
        .map_while(|l| l.trim_start().strip_prefix("- "))
        .map(str::to_string)
        .collect()
}

#[test]
fn the_kubernetes_manifests_run_as_written() {
    // The ConfigMap's files, where the pod mounts them, and the Secret's token.
    let dir = tempfile::tempdir().unwrap();
    let etc = dir.path().join("etc-tenet");
    std::fs::create_dir(&etc).unwrap();
    let files = config_map_files();
    assert!(files.iter().any(|(n, _)| n == "tenet.toml"), "{files:?}");
    for (name, text) in &files {
        std::fs::write(etc.join(name), text).unwrap();
    }
    std::fs::write(dir.path().join("token"), "t0ken\n").unwrap();
    let args = manifest_args("serve.yaml");
    assert_eq!(args[..2], ["serve", "--listen=0.0.0.0:8080"]);
    let args: Vec<String> = args[2..] // Server::start says `serve --listen 127.0.0.1:0`
        .iter()
        .map(|a| {
            a.replace("/etc/tenet", etc.to_str().unwrap()).replace(
                "/var/run/tenet/token",
                dir.path().join("token").to_str().unwrap(),
            )
        })
        .collect();
    assert!(
        args.iter().any(|a| a.starts_with("--token-file=")),
        "{args:?}"
    );
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let server = Server::start(dir.path(), &args);
    let (status, body) = server.request(
        "POST",
        "/v1/check",
        &[("Authorization", "Bearer t0ken")],
        br#"{"id": 1, "text": "Project Falcon: our earnings will surprise you"}"#,
    );
    assert_eq!(status, 200, "{body}");
    let rules: Vec<String> = json(&body)["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rule"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(rules, ["confidentiality.codename", "results.quiet-period"]);
    assert_eq!(server.get("/readyz").0, 200);

    // The worker's arguments are ones `tenet worker` takes.
    let out = Command::new(env!("CARGO_BIN_EXE_tenet"))
        .args(manifest_args("worker.yaml"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
