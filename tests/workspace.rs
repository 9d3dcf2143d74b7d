//! Every front end finds and combines configuration the same way, because they
//! share one `Workspace`: a nested `tenet.toml` adds to its parent's instead of
//! replacing it.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{json, Value};

/// A company configuration with a team folder whose file only adds to it.
fn nested() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("tenet.toml"),
        "[params]\ncompany = \"Acme\"\n[lists]\ncodenames = [\"Bluebird\"]\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("team")).unwrap();
    std::fs::write(
        dir.path().join("team/tenet.toml"),
        "fail-on = \"warning\"\n[lists]\nproducts = [\"WidgetPro\"]\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("team/post.md"),
        "Bluebird and the WidgetPro ship soon.\n",
    )
    .unwrap();
    dir
}

/// The rules found, with the company named in the disclosure message.
fn expect_combined(rules: &[(String, String)], front_end: &str) {
    let codename = rules.iter().any(|(r, _)| r == "confidentiality.codename");
    let product = rules
        .iter()
        .any(|(r, m)| r == "disclosure.product-mention" && m.contains("Acme"));
    assert!(
        codename && product,
        "{front_end}: the parent's code names and company and the team's products all apply: {rules:?}"
    );
}

fn tenet(dir: &Path, args: &[&str], stdin: &str) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tenet"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn pairs(findings: &Value, message: &str) -> Vec<(String, String)> {
    findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_string(),
                f[message].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn nested_configuration_combines_the_same_in_check_moderate_and_lsp() {
    let dir = nested();

    // tenet check, from the top folder.
    let (code, out) = tenet(
        dir.path(),
        &["check", "--format", "json", "team/post.md"],
        "",
    );
    let doc: Value = serde_json::from_str(&out).unwrap();
    expect_combined(&pairs(&doc["files"][0]["findings"], "message"), "check");
    // The team's fail-on (warning) wins over the default (error).
    assert_eq!(code, 1);

    // tenet moderate, run in the team folder.
    let line = json!({ "id": 1, "text": "Bluebird and the WidgetPro ship soon." }).to_string();
    let (_, out) = tenet(&dir.path().join("team"), &["moderate"], &(line + "\n"));
    let record: Value = serde_json::from_str(out.trim()).unwrap();
    expect_combined(&pairs(&record["reasons"], "message"), "moderate");

    // tenet lsp, on the open file.
    let (server, client) = Connection::memory();
    let handle = std::thread::spawn(move || tenet::lsp::run(server));
    let send = |m: Message| client.sender.send(m).unwrap();
    send(
        Request::new(
            RequestId::from(1),
            "initialize".into(),
            json!({ "capabilities": {} }),
        )
        .into(),
    );
    send(Notification::new("initialized".into(), json!({})).into());
    let path = dir.path().join("team/post.md");
    let uri = tenet::lsp::path_to_uri(&std::fs::canonicalize(&path).unwrap()).unwrap();
    send(
        Notification::new(
            "textDocument/didOpen".into(),
            json!({ "textDocument": { "uri": uri.as_str(), "languageId": "markdown", "version": 1,
                    "text": std::fs::read_to_string(&path).unwrap() } }),
        )
        .into(),
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    let diagnostics = loop {
        match client
            .receiver
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .expect("diagnostics in time")
        {
            Message::Notification(n) if n.method == "textDocument/publishDiagnostics" => {
                break n.params["diagnostics"].clone()
            }
            _ => {}
        }
    };
    let found: Vec<(String, String)> = diagnostics
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_string(),
                d["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    expect_combined(&found, "lsp");
    send(Request::new(RequestId::from(2), "shutdown".into(), Value::Null).into());
    send(Notification::new("exit".into(), Value::Null).into());
    assert!(handle.join().unwrap().unwrap());
}

#[test]
fn extend_and_root_bound_the_chain() {
    let dir = nested();
    // `root = true` in the team file cuts the company file off...
    std::fs::write(
        dir.path().join("team/tenet.toml"),
        "root = true\n[lists]\nproducts = [\"WidgetPro\"]\n",
    )
    .unwrap();
    let (_, out) = tenet(
        dir.path(),
        &["check", "--format", "json", "team/post.md"],
        "",
    );
    let doc: Value = serde_json::from_str(&out).unwrap();
    let rules = pairs(&doc["files"][0]["findings"], "message");
    assert!(
        !rules.iter().any(|(r, _)| r == "confidentiality.codename"),
        "{rules:?}"
    );
    // ...and `extend` brings a file in explicitly.
    std::fs::write(
        dir.path().join("company.toml"),
        "[lists]\ncodenames = [\"Bluebird\"]\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("team/tenet.toml"),
        "root = true\nextend = \"../company.toml\"\n[params]\ncompany = \"Acme\"\n[lists]\nproducts = [\"WidgetPro\"]\n",
    )
    .unwrap();
    let (_, out) = tenet(
        dir.path(),
        &["check", "--format", "json", "team/post.md"],
        "",
    );
    let doc: Value = serde_json::from_str(&out).unwrap();
    expect_combined(
        &pairs(&doc["files"][0]["findings"], "message"),
        "check with extend",
    );
}

#[test]
fn configuration_typos_are_errors_with_a_suggestion() {
    let dir = nested();
    std::fs::write(
        dir.path().join("team/tenet.toml"),
        "[lists]\ncodename = [\"Falcon\"]\n[params]\ncompny = \"Acme\"\n[levels]\n\"add-value.nope\" = \"off\"\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_tenet"))
        .args(["check", "team/post.md"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("tenet.toml:2:1: error: [lists]: no list is named `codename`; did you mean `codenames`?"), "{stderr}");
    assert!(
        stderr.contains("no parameter is named `compny`; did you mean `company`?"),
        "{stderr}"
    );
    assert!(
        stderr.contains("no rule or guideline is named `add-value.nope`"),
        "{stderr}"
    );
}

/// A reload recompiles every configuration in use and gives the errors of
/// those that broke in the order of their folders, on every reload (not in the
/// order a hash map keeps them).
#[test]
fn a_reload_gives_broken_configurations_in_the_order_of_their_paths() {
    let dir = tempfile::tempdir().unwrap();
    let folders = ["alpha", "bravo", "charlie", "delta", "echo"];
    for folder in folders {
        let at = dir.path().join(folder);
        std::fs::create_dir(&at).unwrap();
        std::fs::write(at.join("tenet.toml"), "[params]\ncompany = \"Acme\"\n").unwrap();
    }
    let workspace = tenet::workspace::Workspace::new(tenet::workspace::Setup::default());
    for folder in folders {
        let post = dir.path().join(folder).join("post.md");
        assert!(workspace.rules_for(&post).is_ok(), "{folder}");
    }
    for folder in folders {
        let config = dir.path().join(folder).join("tenet.toml");
        std::fs::write(config, "fail-on = \"sometimes\"\n").unwrap();
    }
    for _ in 0..3 {
        let errors: Vec<String> = workspace.reload().iter().map(|e| e.to_string()).collect();
        assert_eq!(errors.len(), folders.len(), "{errors:#?}");
        for (error, folder) in errors.iter().zip(folders) {
            assert!(error.contains(folder), "{folder} in {error}");
        }
    }
}
