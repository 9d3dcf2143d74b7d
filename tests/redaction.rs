//! Redacted text never appears anywhere: a card number, an SSN, an IBAN and a
//! password are put in every position that once leaked (inside a quotation another
//! rule reports, inside a money figure another rule shows, past `limit` and `once`,
//! under suppressions, in a suppression's reason, as another rule's evidence), and
//! every output format, `tenet moderate` and every language-server message are
//! searched for any run of six of their digits.

use std::path::Path;
use std::time::{Duration, Instant};

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{json, Value};

#[path = "support/run.rs"]
mod run;

const CARD: &str = "4539 0174 9410 9883";
const SSN: &str = "536-22-8145";
const IBAN: &str = "GB82 WEST 1234 5698 7654 32";
const PASSWORD: &str = "hunter2Secret9";

/// A pack that reports the same text through every path that could show it.
const LEAKY: &str = r#"guideline leaky {
  ## Shows any long number in its message.
  rule number info {
    find /[0-9][0-9 -]{5,}[0-9]/
    message "Number {match} here."
  }
  ## Evidence near a word.
  rule ssn-word warning {
    find "ssn", "card", "iban"
    when near /[0-9][0-9 -]{5,}[0-9]/ within 6 words
    message "You name {match}."
  }
  ## A redacting rule that stops after its first finding.
  rule first-card warning {
    find /\b(?:[0-9][ -]?){15}[0-9]\b/ valid luhn
    redact
    once
    message "A card."
  }
}
"#;

fn draft() -> String {
    let quote = format!(
        "She wrote: \"I gave the agent my card {CARD} and my SSN {SSN} and the account {IBAN} \
         twice on the phone, and password: {PASSWORD} too, and nobody called me back within \
         the two working days they promised, so now I want everything cancelled today.\""
    );
    let compact_card = CARD.replace(' ', "");
    let secrets = format!("card {CARD}, SSN {SSN}, IBAN {IBAN}, password: {PASSWORD}");
    format!(
        "Preliminary Q3 revenue: paid €{compact_card} into the account.\n\n\
         {quote}\n\n\
         Thanks guys, {secrets}, again {secrets}.\n\n\
         <!-- tenet-disable-next-line confidentiality: test data, card {CARD} ssn {SSN} -->\n\
         Thanks guys, {secrets}.\n\n\
         <!-- tenet-disable-next-line add-value.inclusive-greeting: the customer's card {CARD}, IBAN {IBAN}, password: {PASSWORD} -->\n\
         Thanks guys, card {CARD}.\n\n\
         tenet-disable-next-line {compact_card}: {SSN}\n\
         The SSN is {SSN}.\n"
    )
}

/// Runs of six digits of any secret, searched in digit runs of `output` (digits
/// separated by single spaces or dashes count as one run).
fn leaks(output: &str) -> Vec<String> {
    let secrets: Vec<String> = [CARD, SSN, IBAN]
        .iter()
        .map(|s| s.chars().filter(char::is_ascii_digit).collect())
        .collect();
    let mut runs = Vec::new();
    let mut run = String::new();
    let chars: Vec<char> = output.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_digit() {
            run.push(c);
        } else if matches!(c, ' ' | '-')
            && chars.get(i + 1).is_some_and(char::is_ascii_digit)
            && i > 0
            && chars[i - 1].is_ascii_digit()
        {
            continue;
        } else if !run.is_empty() {
            runs.push(std::mem::take(&mut run));
        }
    }
    runs.push(run);
    let mut found = Vec::new();
    for secret in &secrets {
        for w in 0..=secret.len().saturating_sub(6) {
            let window = &secret[w..w + 6];
            if runs.iter().any(|r| r.contains(window)) {
                found.push(window.to_string());
            }
        }
    }
    if output.contains(PASSWORD) {
        found.push(PASSWORD.to_string());
    }
    found
}

fn assert_no_leak(what: &str, output: &str) {
    let found = leaks(output);
    assert!(found.is_empty(), "{what} shows {found:?}:\n{output}");
}

fn tenet(dir: &Path, args: &[&str], stdin: &str) -> String {
    let out = run::tenet(dir, args, stdin.as_bytes());
    let code = out.status.code();
    assert!(matches!(code, Some(0 | 1)), "{args:?} exited {code:?}");
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

#[test]
fn secrets_appear_in_no_output_of_any_front_end() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("leaky.tenet"), LEAKY).unwrap();
    let text = draft();
    // The draft really holds every secret, and the leaky rules really fire.
    assert!(!leaks(&text).is_empty());
    for (name, ext) in [("post", "md"), ("mail", "txt")] {
        std::fs::write(dir.path().join(format!("{name}.{ext}")), &text).unwrap();
    }

    let mut outputs = Vec::new();
    for format in ["human", "json", "jsonl", "count"] {
        for file in ["post.md", "mail.txt"] {
            let out = tenet(
                dir.path(),
                &["check", "--rules", "leaky.tenet", "--format", format, file],
                "",
            );
            outputs.push((format!("check --format {format} {file}"), out));
        }
    }
    let json = &outputs[2].1;
    assert!(
        json.contains("leaky.number") && json.contains("leaky.ssn-word"),
        "{json}"
    );
    assert!(
        json.contains("\"suppressed\": [\n"),
        "suppressions were exercised"
    );

    let line = json!({ "id": 7, "text": text, "format": "markdown" }).to_string() + "\n";
    let out = tenet(dir.path(), &["moderate", "--rules", "leaky.tenet"], &line);
    assert!(out.contains("\"verdict\":\"block\""), "{out}");
    outputs.push(("moderate".into(), out));

    outputs.extend(lsp_messages(&dir.path().join("leaky.tenet"), &text));
    for (what, output) in &outputs {
        assert_no_leak(what, output);
    }
}

/// Every message the language server sends about the draft: diagnostics, a hover
/// at every finding, and the code actions for the whole draft.
fn lsp_messages(pack: &Path, text: &str) -> Vec<(String, String)> {
    let (server, client) = Connection::memory();
    let handle = std::thread::spawn(move || tenet::lsp::run(server));
    let send = |m: Message| client.sender.send(m).unwrap();
    let options = json!({ "tenet": { "debounceMs": 0, "rules": [pack] } });
    let init = json!({ "capabilities": {}, "initializationOptions": options });
    send(Request::new(RequestId::from(1), "initialize".into(), init).into());
    send(Notification::new("initialized".into(), json!({})).into());
    let uri = "file:///tmp/tenet-redaction/post.md";
    send(
        Notification::new(
            "textDocument/didOpen".into(),
            json!({ "textDocument": { "uri": uri, "languageId": "markdown", "version": 1, "text": text } }),
        )
        .into(),
    );
    let mut all = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut next = |want: &dyn Fn(&Message) -> bool| -> Message {
        loop {
            let m = client
                .receiver
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .expect("the server answers");
            all.push(format!("{m:?}"));
            if want(&m) {
                return m;
            }
        }
    };
    let diagnostics = match next(
        &|m| matches!(m, Message::Notification(n) if n.method == "textDocument/publishDiagnostics"),
    ) {
        Message::Notification(n) => n.params["diagnostics"].clone(),
        _ => unreachable!(),
    };
    let starts: Vec<Value> = diagnostics
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["range"]["start"].clone())
        .collect();
    assert!(starts.len() > 10, "{diagnostics}");
    let mut id = 10;
    for start in &starts {
        id += 1;
        let params = json!({ "textDocument": { "uri": uri }, "position": start });
        send(Request::new(RequestId::from(id), "textDocument/hover".into(), params).into());
        next(&|m| matches!(m, Message::Response(r) if r.id == RequestId::from(id)));
    }
    let everything =
        json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 999, "character": 0 } });
    let params = json!({ "textDocument": { "uri": uri }, "range": everything, "context": { "diagnostics": [] } });
    send(Request::new(RequestId::from(2), "textDocument/codeAction".into(), params).into());
    next(&|m| matches!(m, Message::Response(r) if r.id == RequestId::from(2)));
    send(Request::new(RequestId::from(3), "shutdown".into(), Value::Null).into());
    send(Notification::new("exit".into(), Value::Null).into());
    assert!(handle.join().unwrap().unwrap());
    vec![("lsp".to_string(), all.join("\n"))]
}
