//! The language server over an in-memory connection, as an editor would drive it.

use std::thread;
use std::time::{Duration, Instant};

use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use serde_json::{json, Value};

struct Client {
    conn: Connection,
    next_id: i32,
    server: Option<thread::JoinHandle<bool>>,
    /// Messages received while waiting for something else.
    backlog: Vec<Message>,
}

impl Client {
    fn start(init_options: Value) -> Client {
        Client::start_with(
            init_options,
            json!({ "general": { "positionEncodings": ["utf-16"] } }),
        )
    }

    fn start_with(init_options: Value, capabilities: Value) -> Client {
        let (server, client) = Connection::memory();
        let handle = thread::spawn(move || tenet::lsp::run(server).expect("server runs"));
        let mut c = Client {
            conn: client,
            next_id: 0,
            server: Some(handle),
            backlog: Vec::new(),
        };
        let result = c.request(
            "initialize",
            json!({ "capabilities": capabilities, "initializationOptions": init_options }),
        );
        assert!(result["capabilities"]["hoverProvider"].as_bool().unwrap());
        assert_eq!(result["serverInfo"]["version"], tenet::VERSION);
        c.notify("initialized", json!({}));
        c
    }

    fn send(&self, msg: Message) {
        self.conn.sender.send(msg).unwrap();
    }

    fn notify(&self, method: &str, params: Value) {
        self.send(Notification::new(method.to_string(), params).into());
    }

    fn request_raw(&mut self, method: &str, params: Value) -> Response {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.send(Request::new(id.clone(), method.to_string(), params).into());
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let msg = self
                .conn
                .receiver
                .recv_timeout(deadline - Instant::now())
                .expect("a response in time");
            match msg {
                Message::Response(r) if r.id == id => return r,
                other => self.backlog.push(other),
            }
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let r = self.request_raw(method, params);
        assert!(r.error.is_none(), "{method} failed: {:?}", r.error);
        r.result.unwrap_or(Value::Null)
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Value {
        if let Some(i) = self.backlog.iter().position(|m| is_diagnostics_for(m, uri)) {
            return params(self.backlog.remove(i));
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let msg = self
                .conn
                .receiver
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .expect("diagnostics in time");
            if is_diagnostics_for(&msg, uri) {
                return params(msg);
            }
            self.backlog.push(msg);
        }
    }

    fn open(&mut self, uri: &str, language: &str, text: &str) -> Value {
        self.notify("textDocument/didOpen", json!({ "textDocument": { "uri": uri, "languageId": language, "version": 1, "text": text } }));
        self.diagnostics(uri)
    }

    fn shutdown(mut self) -> bool {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        self.server.take().unwrap().join().unwrap()
    }
}

fn is_diagnostics_for(m: &Message, uri: &str) -> bool {
    matches!(m, Message::Notification(n) if n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri)
}

fn params(m: Message) -> Value {
    match m {
        Message::Notification(n) => n.params,
        _ => unreachable!(),
    }
}

fn codes(diags: &Value) -> Vec<String> {
    diags["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("").to_string())
        .collect()
}

/// Applies LSP text edits (UTF-16 positions) to a text, as an editor does.
fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |pos: &Value| -> usize {
        let (line, ch) = (
            pos["line"].as_u64().unwrap() as usize,
            pos["character"].as_u64().unwrap() as usize,
        );
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let mut units = 0;
        for (i, c) in text[start..].char_indices() {
            if units >= ch {
                return start + i;
            }
            units += c.len_utf16();
        }
        text.len()
    };
    let mut edits: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (s, e, t) in edits {
        out.replace_range(s..e, &t);
    }
    out
}

const DRAFT: &str = "file:///tmp/tenet-lsp-test/draft.md";
const NO_DEBOUNCE: fn() -> Value = || json!({ "tenet": { "debounceMs": 0 } });

#[test]
fn open_change_and_diagnose_a_draft() {
    let mut c = Client::start(NO_DEBOUNCE());
    let d = c.open(
        DRAFT,
        "markdown",
        "Hello team.\nThe quarterly report is ready for review.\n",
    );
    assert!(d["diagnostics"].as_array().unwrap().is_empty());
    assert_eq!(d["version"], 1);

    // Type a card number at the end of line 1, incrementally.
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": DRAFT, "version": 2 },
                "contentChanges": [{ "range": { "start": { "line": 0, "character": 11 }, "end": { "line": 0, "character": 11 } },
                                     "text": " Card 4111 1111 1111 1111, visa." }] }),
    );
    let d = c.diagnostics(DRAFT);
    assert_eq!(d["version"], 2);
    let diag = &d["diagnostics"][0];
    assert_eq!(diag["code"], "confidentiality.payment-card");
    assert_eq!(diag["severity"], 1);
    assert_eq!(diag["source"], "tenet");
    assert_eq!(
        diag["range"]["start"],
        json!({ "line": 0, "character": 17 })
    );
    assert!(diag["codeDescription"]["href"]
        .as_str()
        .unwrap()
        .starts_with("https://"));
    assert!(diag["relatedInformation"][0]["message"]
        .as_str()
        .unwrap()
        .starts_with("evidence"));
    assert!(!diag["message"].as_str().unwrap().contains("4111"));
    assert!(c.shutdown());
}

#[test]
fn utf8_positions_when_the_client_offers_them() {
    let mut c = Client::start_with(
        NO_DEBOUNCE(),
        json!({ "general": { "positionEncodings": ["utf-8", "utf-16"] } }),
    );
    let d = c.open(
        DRAFT,
        "markdown",
        "😀 Thanks guys\nThe quarterly report is ready for review.\n",
    );
    assert_eq!(
        d["diagnostics"][0]["range"]["start"],
        json!({ "line": 0, "character": 12 })
    );
    c.shutdown();
    let mut c = Client::start(NO_DEBOUNCE());
    let d = c.open(
        DRAFT,
        "markdown",
        "😀 Thanks guys\nThe quarterly report is ready for review.\n",
    );
    assert_eq!(
        d["diagnostics"][0]["range"]["start"],
        json!({ "line": 0, "character": 10 })
    );
    c.shutdown();
}

#[test]
fn code_actions_apply_exactly_after_emoji_and_crlf() {
    let mut c = Client::start(NO_DEBOUNCE());
    let text = "🎉👍🏽 Great work!\r\nThanks guys, see you 😀 guys\r\n";
    let d = c.open(DRAFT, "markdown", text);
    assert_eq!(
        codes(&d),
        [
            "add-value.inclusive-greeting",
            "add-value.inclusive-greeting"
        ]
    );
    let range = d["diagnostics"][0]["range"].clone();
    let actions = c.request("textDocument/codeAction", json!({ "textDocument": { "uri": DRAFT }, "range": range, "context": { "diagnostics": [] } }));
    let titles: Vec<&str> = actions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles[..3],
        [
            "Replace with “everyone”",
            "Replace with “folks”",
            "Replace with “all”"
        ]
    );
    assert!(titles.contains(&"Suppress add-value.inclusive-greeting here, with a reason"));
    let first = &actions[0]["edit"]["changes"][DRAFT];
    assert_eq!(
        apply(text, first.as_array().unwrap()),
        "🎉👍🏽 Great work!\r\nThanks everyone, see you 😀 guys\r\n"
    );
    let suppress = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Suppress"))
        .unwrap();
    assert_eq!(
        apply(text, suppress["edit"]["changes"][DRAFT].as_array().unwrap()),
        "🎉👍🏽 Great work!\r\n<!-- tenet-disable-next-line add-value.inclusive-greeting: reason -->\r\nThanks guys, see you 😀 guys\r\n"
    );
    c.shutdown();
}

#[test]
fn insertion_fix_and_fix_all_safe() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("tenet.toml"),
        "[params]\ncompany = \"Acme\"\n[lists]\nproducts = [\"WidgetPro\"]\n",
    )
    .unwrap();
    let uri = tenet::lsp::path_to_uri(&dir.path().join("post.md"))
        .unwrap()
        .as_str()
        .to_string();
    let mut c = Client::start(NO_DEBOUNCE());
    let text = "Loving the WidgetPro 😀!!! Really!!!";
    let d = c.open(&uri, "markdown", text);
    assert_eq!(
        codes(&d),
        [
            "disclosure.product-mention",
            "add-value.exclamations",
            "add-value.exclamations"
        ]
    );
    let range = d["diagnostics"][0]["range"].clone();
    let actions = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": range, "context": { "diagnostics": [] } }),
    );
    let add = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Add “Disclosure: I work at Acme.”")
        .unwrap();
    assert_eq!(
        apply(text, add["edit"]["changes"][&uri].as_array().unwrap()),
        format!("{text} Disclosure: I work at Acme.")
    );
    let all = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": range, "context": { "diagnostics": [], "only": ["source.fixAll"] } }),
    );
    assert_eq!(all.as_array().unwrap().len(), 1);
    assert_eq!(
        apply(text, all[0]["edit"]["changes"][&uri].as_array().unwrap()),
        "Loving the WidgetPro 😀! Really!"
    );
    c.shutdown();
}

#[test]
fn a_client_that_sends_one_language_id_for_every_buffer_gets_drafts_checked_as_drafts() {
    // Emacs 28's eglot sends the first mode's id ("tenet" here) for every buffer.
    let mut c = Client::start(NO_DEBOUNCE());
    let d = c.open(
        DRAFT,
        "tenet",
        "Thanks you guys, the report is ready for review.",
    );
    assert_eq!(codes(&d), ["add-value.inclusive-greeting"]);
    let mail = "file:///tmp/tenet-lsp-test/reply.eml";
    let d = c.open(
        mail,
        "markdown",
        "From: a@example.com\nSubject: report\n\nThanks you guys, the report is ready for review.\n",
    );
    assert_eq!(codes(&d), ["add-value.inclusive-greeting"]);
    let rule = "file:///tmp/tenet-lsp-test/mine.tenet";
    let d = c.open(
        rule,
        "markdown",
        "guideline g {\n  rule r warning {\n    find \"x\"\n  }\n}\n",
    );
    assert!(
        d["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .contains("message"),
        "a rule file is read as a rule file: {d}"
    );
    c.shutdown();
}

#[test]
fn emacs_maps_eml_files_to_a_mode_the_server_is_started_for() {
    let el = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/editors/emacs/tenet.el"
    ))
    .unwrap();
    assert!(el.contains(r#"'("\\.eml\\'" . message-mode)"#), "{el}");
    let servers = el.split("eglot-server-programs").nth(1).unwrap();
    assert!(servers.contains("message-mode"));
}

#[test]
fn fix_all_is_offered_once_to_clients_that_ask_for_every_kind() {
    // Helix and Emacs send no `only`: one "Fix all", not one per kind.
    let mut c = Client::start(NO_DEBOUNCE());
    let text = "Really!!! Great!!!";
    let d = c.open(DRAFT, "markdown", text);
    let range = d["diagnostics"][0]["range"].clone();
    let actions = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": DRAFT }, "range": range, "context": { "diagnostics": [] } }),
    );
    let fix_all: Vec<&Value> = actions
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["title"].as_str().unwrap().starts_with("Fix all safe"))
        .collect();
    assert_eq!(fix_all.len(), 1, "{actions:#}");
    assert_eq!(
        apply(
            text,
            fix_all[0]["edit"]["changes"][DRAFT].as_array().unwrap()
        ),
        "Really! Great!"
    );
    c.shutdown();
}

#[test]
fn hover_explains_the_finding() {
    let mut c = Client::start(NO_DEBOUNCE());
    c.open(DRAFT, "markdown", "Card 4111 1111 1111 1111, visa.\n");
    let hover = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": DRAFT }, "position": { "line": 0, "character": 8 } }),
    );
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.contains("**confidentiality.payment-card** · error · Protect confidential and private information"), "{text}");
    assert!(text.contains("Luhn"));
    assert!(text.contains("near “visa”"));
    assert!(text.contains("[Read the guideline](https://"));
    assert!(!text.contains("4111"));
    let none = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": DRAFT }, "position": { "line": 0, "character": 1 } }),
    );
    assert!(none.is_null());
    // A match across lines is quoted on one line.
    let memo = "file:///tmp/tenet-lsp-test/memo.md";
    c.open(
        memo,
        "markdown",
        "This memo is not for\ndistribution outside the company.\n",
    );
    let hover = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": memo }, "position": { "line": 1, "character": 3 } }),
    );
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.contains("**confidentiality.legend**"), "{text}");
    assert!(
        text.contains("Why: it matched “not for distribution”"),
        "{text}"
    );
    c.shutdown();
}

#[test]
fn hover_reads_the_draft_as_edited_and_the_channel_as_set() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("team.tenet");
    std::fs::write(
        &rules,
        "guideline add-value {\n rule alpha hint {\n  find \"alpha\"\n  message \"No.\"\n  bad \"[alpha]\"\n }\n \
         rule beta hint {\n  find \"beta\"\n  when channel is external\n  message \"No.\"\n  bad \"[beta]\"\n }\n}\n",
    )
    .unwrap();
    // A long debounce: edits are not checked before the hovers ask.
    let settings = |channel: &str| json!({ "tenet": { "debounceMs": 60000, "rules": [rules.to_string_lossy()], "noDefaultRules": true, "channel": channel } });
    let mut c = Client::start(settings("external"));
    c.open(DRAFT, "markdown", "alpha beta\n");
    let hover = |c: &mut Client, character: u32| {
        c.request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": DRAFT }, "position": { "line": 0, "character": character } }),
        )
    };
    let first = hover(&mut c, 1);
    assert!(first["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("add-value.alpha"));
    assert_eq!(hover(&mut c, 1), first, "asked twice, answered the same");
    assert!(!hover(&mut c, 7).is_null());
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": DRAFT, "version": 2 }, "contentChanges": [{ "text": "gamma beta\n" }] }),
    );
    assert!(
        hover(&mut c, 1).is_null(),
        "the hover read the text before the edit"
    );
    assert!(!hover(&mut c, 7).is_null());
    c.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": settings("internal") }),
    );
    assert!(
        hover(&mut c, 7).is_null(),
        "the hover used the report of the external channel"
    );
    c.shutdown();
}

#[test]
fn rule_files_get_errors_failing_examples_and_hover() {
    let mut c = Client::start(NO_DEBOUNCE());
    let uri = "file:///tmp/tenet-lsp-test/team.tenet";
    let text = "guideline add-value {\n  rule lol hint {\n    find lolz\n    message \"Say more.\"\n  }\n  ## Explain yourself.\n  rule meh hint {\n    find \"meh\"\n    message \"Say more.\"\n    bad \"that was [funny]\"\n  }\n}\n";
    let d = c.open(uri, "tenet", text);
    let diags = d["diagnostics"].as_array().unwrap();
    let messages: Vec<&str> = diags
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    let unknown = diags.iter().find(|d| {
        d["message"]
            .as_str()
            .unwrap()
            .starts_with("unknown list or parameter `lolz`")
    });
    assert_eq!(
        unknown.expect("the unknown list is reported")["range"]["start"],
        json!({ "line": 2, "character": 9 }),
        "{messages:?}"
    );
    assert_eq!(unknown.unwrap()["severity"], 1);
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": text.replace("find lolz", "find \"lol\"") }] }),
    );
    let d = c.diagnostics(uri);
    let messages: Vec<&str> = d["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert!(
        messages.iter().any(|m| m.contains(
            "`add-value.meh`: the `bad` example should report [funny], but reported nothing"
        )),
        "{messages:?}"
    );
    assert!(messages.iter().any(|m| m.contains("has no `bad` example")));
    let hover = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 6, "character": 8 } }),
    );
    assert!(hover["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("Explain yourself."));
    let hover = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 2, "character": 5 } }),
    );
    assert!(hover["contents"]["value"]
        .as_str()
        .unwrap()
        .starts_with("`find P, …"));
    c.shutdown();
}

#[test]
fn rules_reload_on_save_and_keep_the_last_good_ones() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("team.tenet");
    let write = |find: &str| {
        std::fs::write(&rules, format!("guideline add-value {{\n rule word hint {{\n  find {find}\n  message \"No.\"\n  bad \"[{}]\"\n }}\n}}\n", find.trim_matches('"'))).unwrap()
    };
    write("\"alpha\"");
    let rules_uri = tenet::lsp::path_to_uri(&rules)
        .unwrap()
        .as_str()
        .to_string();
    let mut c = Client::start(
        json!({ "tenet": { "debounceMs": 0, "rules": [rules.to_string_lossy()], "noDefaultRules": true } }),
    );
    let d = c.open(DRAFT, "markdown", "alpha beta");
    assert_eq!(codes(&d), ["add-value.word"]);

    write("\"beta\"");
    c.notify("textDocument/didOpen", json!({ "textDocument": { "uri": rules_uri, "languageId": "tenet", "version": 1, "text": std::fs::read_to_string(&rules).unwrap() } }));
    c.diagnostics(&rules_uri);
    c.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": rules_uri } }),
    );
    let d = c.diagnostics(DRAFT);
    assert_eq!(
        d["diagnostics"][0]["range"]["start"]["character"], 6,
        "re-checked with the new rules"
    );

    // Broken rules: the last good ones stay, and the user is told.
    write("gamma-list");
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": rules_uri, "type": 2 }] }),
    );
    let d = c.diagnostics(DRAFT);
    assert_eq!(d["diagnostics"][0]["range"]["start"]["character"], 6);
    let told = c.backlog.iter().any(|m| matches!(m, Message::Notification(n) if n.method == "window/showMessage" && n.params["message"].as_str().unwrap().contains("last good rules")));
    assert!(told, "no showMessage about keeping the last good rules");
    c.shutdown();
}

#[test]
fn configuration_changes_apply_and_null_means_defaults() {
    let mut c = Client::start(NO_DEBOUNCE());
    c.open(DRAFT, "markdown", "The new WidgetPro is great.");
    c.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "tenet": { "debounceMs": 0, "channel": "internal" } } }),
    );
    let d = c.diagnostics(DRAFT);
    assert!(codes(&d).is_empty());
    c.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": null }),
    );
    c.diagnostics(DRAFT);
    c.shutdown();
}

#[test]
fn garbage_is_survived() {
    let mut c = Client::start(NO_DEBOUNCE());
    let r = c.request_raw("textDocument/frobnicate", json!({}));
    assert_eq!(
        r.error.unwrap().code,
        lsp_server::ErrorCode::MethodNotFound as i32
    );
    let r = c.request_raw("textDocument/hover", json!({ "nonsense": true }));
    assert_eq!(
        r.error.unwrap().code,
        lsp_server::ErrorCode::InvalidParams as i32
    );
    c.notify("textDocument/didChange", json!({ "textDocument": { "uri": "file:///nowhere.md", "version": 3 }, "contentChanges": [{ "text": "x" }] }));
    c.notify("textDocument/didOpen", json!({ "textDocument": 42 }));
    // Release builds answer this test-only request when TENET_LSP_TEST is set.
    std::env::set_var("TENET_LSP_TEST", "1");
    let r = c.request_raw("tenet/panic", json!({}));
    assert_eq!(
        r.error.unwrap().code,
        lsp_server::ErrorCode::InternalError as i32
    );
    // An edit far outside the text is clamped.
    c.open(
        DRAFT,
        "markdown",
        "The quarterly report is ready for review. Hi",
    );
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": DRAFT, "version": 2 }, "contentChanges": [{ "range": { "start": { "line": 40, "character": 3 }, "end": { "line": 99, "character": 0 } }, "text": " guys" }] }),
    );
    assert_eq!(
        codes(&c.diagnostics(DRAFT)),
        ["add-value.inclusive-greeting"]
    );
    // A document over the size limit gets one informational diagnostic.
    c.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "tenet": { "debounceMs": 0, "maxBytes": 3 } } }),
    );
    let d = c.diagnostics(DRAFT);
    assert_eq!(d["diagnostics"].as_array().unwrap().len(), 1);
    assert_eq!(d["diagnostics"][0]["severity"], 3);
    assert!(c.shutdown());
}

#[test]
fn cancelled_requests_are_answered_as_cancelled() {
    let mut c = Client::start(NO_DEBOUNCE());
    c.open(DRAFT, "markdown", "Hi");
    // The cancel arrives before the request is read: it is answered as cancelled.
    c.notify("$/cancelRequest", json!({ "id": c.next_id + 1 }));
    let r = c.request_raw(
        "textDocument/hover",
        json!({ "textDocument": { "uri": DRAFT }, "position": { "line": 0, "character": 0 } }),
    );
    assert_eq!(
        r.error.unwrap().code,
        lsp_server::ErrorCode::RequestCanceled as i32
    );
    c.shutdown();
}

#[test]
fn exit_without_shutdown_is_not_clean() {
    let mut c = Client::start(NO_DEBOUNCE());
    c.notify("exit", Value::Null);
    assert!(!c.server.take().unwrap().join().unwrap());
}

#[test]
fn debounce_publishes_once_after_a_burst() {
    let mut c = Client::start(json!({ "tenet": { "debounceMs": 150 } }));
    c.open(
        DRAFT,
        "markdown",
        "x\nThe quarterly report is ready for review.\n",
    );
    let started = Instant::now();
    for (i, ch) in " guys".chars().enumerate() {
        c.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": DRAFT, "version": 2 + i },
                    "contentChanges": [{ "range": { "start": { "line": 0, "character": 1 + i }, "end": { "line": 0, "character": 1 + i } }, "text": ch.to_string() }] }),
        );
    }
    let d = c.diagnostics(DRAFT);
    assert!(started.elapsed() >= Duration::from_millis(150));
    assert_eq!(
        d["version"], 6,
        "one publication for the whole burst, at the last version"
    );
    assert_eq!(codes(&d), ["add-value.inclusive-greeting"]);
    c.shutdown();
}

/// 1,000 random or mutated messages and edits: every request is answered, and the
/// server still serves diagnostics at the end.
#[test]
fn fuzzed_messages_never_stop_the_server() {
    let mut c = Client::start(NO_DEBOUNCE());
    c.open(DRAFT, "markdown", "Start 😀\n");
    c.backlog.clear();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut rand = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n.max(1)
    };
    let methods = [
        "textDocument/didChange",
        "textDocument/hover",
        "textDocument/codeAction",
        "textDocument/didOpen",
        "textDocument/didClose",
        "textDocument/didSave",
        "workspace/didChangeConfiguration",
        "$/cancelRequest",
        "textDocument/completion",
        "bogus",
        "",
    ];
    let values = [
        json!(null),
        json!(1),
        json!("x"),
        json!([]),
        json!({}),
        json!({ "uri": DRAFT }),
        json!(-5),
        json!(1e300),
    ];
    let mut requests = 0;
    for i in 0..1000 {
        let method = methods[rand(methods.len() as u64) as usize];
        let params = match rand(4) {
            0 => values[rand(values.len() as u64) as usize].clone(),
            1 => {
                let inserted = [
                    "",
                    "a",
                    "😀",
                    "guys ",
                    "\r\n",
                    "4111 1111 1111 1111 visa",
                    "é\u{301}",
                ][rand(7) as usize];
                json!({ "textDocument": { "uri": DRAFT, "version": i }, "contentChanges": [{
                    "range": { "start": { "line": rand(5), "character": rand(40) }, "end": { "line": rand(5), "character": rand(40) } },
                    "text": inserted }] })
            }
            2 => {
                json!({ "textDocument": { "uri": DRAFT }, "position": { "line": rand(6), "character": rand(60) },
                         "range": { "start": { "line": rand(3), "character": rand(9) }, "end": { "line": rand(3), "character": rand(90) } },
                         "context": { "diagnostics": [] } })
            }
            _ => {
                json!({ "textDocument": { "uri": DRAFT, "languageId": "markdown", "version": i, "text": "guys 😀".repeat(rand(4) as usize) }, "settings": { "tenet": { "debounceMs": 0 } } })
            }
        };
        if rand(2) == 0 {
            requests += 1;
            let r = c.request_raw(method, params);
            assert!(r.result.is_some() || r.error.is_some());
        } else {
            c.notify(method, params);
        }
    }
    assert!(requests > 300);
    let alive = c.request_raw(
        "textDocument/hover",
        json!({ "textDocument": { "uri": DRAFT }, "position": { "line": 0, "character": 0 } }),
    );
    assert!(alive.result.is_some() || alive.error.is_some());
    c.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "tenet": { "debounceMs": 0 } } }),
    );
    c.backlog.clear();
    let d = c.open(
        DRAFT,
        "markdown",
        "Still here, guys. The quarterly report is ready for review.",
    );
    assert_eq!(codes(&d), ["add-value.inclusive-greeting"]);
    assert!(c.shutdown());
}

/// The binary over real standard input and output, with a malformed frame in
/// the middle, an edit holding a lone surrogate, and a request that panics
/// quoting a card number: the server goes on, and the number appears neither
/// in what it sends nor on its standard error.
#[test]
fn the_binary_serves_over_stdio() {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::process::{Command, Stdio};
    const CARD: &str = "4539 0174 9410 9883";
    let mut child = Command::new(env!("CARGO_BIN_EXE_tenet"))
        .arg("lsp")
        .env("TENET_LSP_TEST", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let stderr = thread::spawn(move || {
        let mut told = String::new();
        stderr.read_to_string(&mut told).unwrap();
        told
    });
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let frame = |body: &str| format!("Content-Length: {}\r\n\r\n{body}", body.len());
    let mut send = |body: String| stdin.write_all(frame(&body).as_bytes()).unwrap();
    send(json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": { "capabilities": {}, "initializationOptions": { "debounceMs": 0 } } }).to_string());
    send("{ this is not json".to_string());
    send(json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen", "params": { "textDocument": { "uri": DRAFT, "languageId": "markdown", "version": 1, "text": "Thanks guys, the quarterly report is ready for review." } } }).to_string());
    // An edit that leaves half an emoji, as a UTF-16 editor may send it: a
    // lone surrogate escape, kept as U+FFFD (one unit), so "guys" moves on by one.
    send(
        r#"{"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": "DRAFT", "version": 2}, "contentChanges": [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "\ud83d"}]}}"#
            .replace("DRAFT", DRAFT),
    );
    send(
        json!({ "jsonrpc": "2.0", "id": 3, "method": "tenet/panic", "params": { "text": CARD } })
            .to_string(),
    );
    send(json!({ "jsonrpc": "2.0", "id": 2, "method": "shutdown" }).to_string());
    send(json!({ "jsonrpc": "2.0", "method": "exit" }).to_string());
    let mut seen = Vec::new();
    loop {
        let mut header = String::new();
        if stdout.read_line(&mut header).unwrap() == 0 {
            break;
        }
        let len: usize = header
            .trim()
            .trim_start_matches("Content-Length: ")
            .parse()
            .unwrap();
        let mut blank = String::new();
        stdout.read_line(&mut blank).unwrap();
        let mut body = vec![0; len];
        stdout.read_exact(&mut body).unwrap();
        seen.push(serde_json::from_slice::<Value>(&body).unwrap());
    }
    let status = child.wait().unwrap();
    assert!(status.success(), "exit code {status:?}");
    assert!(seen
        .iter()
        .any(|m| m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["diagnostics"][0]["code"] == "add-value.inclusive-greeting"));
    assert!(seen.iter().any(|m| m["id"] == 2));
    let edited = seen
        .iter()
        .find(|m| m["params"]["version"] == 2)
        .expect("diagnostics for the edit with a lone surrogate");
    assert_eq!(
        edited["params"]["diagnostics"][0]["range"]["start"],
        json!({ "line": 0, "character": 8 }),
        "{edited}"
    );
    let panicked = seen
        .iter()
        .find(|m| m["id"] == 3)
        .expect("an answer to the panic");
    let told = panicked["error"]["message"].as_str().unwrap();
    assert!(told.starts_with("internal error at src/"), "{told}");
    let stderr = stderr.join().unwrap();
    assert!(stderr.contains("internal error at src/"), "{stderr}");
    for m in &seen {
        assert!(!m.to_string().contains("4539"), "{m}");
    }
    assert!(!stderr.contains("4539"), "{stderr}");
}

#[test]
fn tenet_toml_gets_diagnostics_with_a_position() {
    let mut c = Client::start(NO_DEBOUNCE());
    let uri = "file:///tmp/tenet-lsp-test/tenet.toml";
    let d = c.open(uri, "toml", "fail-on = \"warning\"\ncolour = true\n");
    let diag = &d["diagnostics"][0];
    assert_eq!(diag["range"]["start"], json!({ "line": 1, "character": 0 }));
    assert!(
        diag["message"]
            .as_str()
            .unwrap()
            .contains("unknown field `colour`"),
        "{diag}"
    );
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": "fail-on = \"warning\"\n" }] }),
    );
    assert!(c.diagnostics(uri)["diagnostics"]
        .as_array()
        .unwrap()
        .is_empty());
    c.shutdown();
}

#[test]
fn the_binary_exits_with_1_without_shutdown() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_tenet"))
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for body in [
        json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": { "capabilities": {} } }).to_string(),
        json!({ "jsonrpc": "2.0", "method": "exit" }).to_string(),
    ] {
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
    }
    drop(stdin);
    assert_eq!(child.wait().unwrap().code(), Some(1));
}

// ---- hostile input that once killed, hung or misled the server

#[test]
fn deeply_nested_rule_file_does_not_overflow_the_stack() {
    let mut c = Client::start(NO_DEBOUNCE());
    let deep = format!(
        "guideline g {{\n rule r {{ find \"x\"\n when {}words > 0{}\n message \"m\"\n bad \"[x]\" }}\n}}\n",
        "(".repeat(3100),
        ")".repeat(3100)
    );
    let d = c.open("file:///tmp/tenet-lsp-test/deep.tenet", "tenet", &deep);
    assert!(d["diagnostics"][0]["message"]
        .as_str()
        .unwrap()
        .contains("nest more than"));
    assert!(c.shutdown());
}

#[test]
fn broken_crlf_rule_pack_does_not_kill_the_debounced_check() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("broken.tenet");
    std::fs::write(&pack, "guideline g\r\n").unwrap();
    let mut c = Client::start(json!({ "tenet": { "debounceMs": 0, "rules": [pack] } }));
    c.open(DRAFT, "markdown", "Thanks guys");
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": DRAFT, "version": 2 }, "contentChanges": [{ "text": "Thanks guys!" }] }),
    );
    c.diagnostics(DRAFT);
    assert!(c.shutdown(), "the server ended on its own");
}

#[test]
fn uri_with_a_non_ascii_authority_is_not_a_path_and_no_panic() {
    let mut c = Client::start(NO_DEBOUNCE());
    let uri = "file://localhost%C3%A9:/x.md";
    c.open(
        uri,
        "markdown",
        "Thanks guys, the quarterly report is ready for review.",
    );
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": "Thanks guys, the quarterly report is ready." }] }),
    );
    let d = c.diagnostics(uri);
    assert_eq!(codes(&d), ["add-value.inclusive-greeting"]);
    assert!(c.shutdown());
}

#[test]
fn list_file_that_is_stdin_does_not_hang_the_server() {
    let mut c = Client::start(NO_DEBOUNCE());
    let rules = "guideline g {\n list z = file \"/dev/stdin\"\n rule r { find z\n message \"m\"\n bad \"[x]\" }\n}\n";
    let d = c.open("file:///tmp/tenet-lsp-test/stdin.tenet", "tenet", rules);
    assert!(d["diagnostics"][0]["message"]
        .as_str()
        .unwrap()
        .contains("not a regular file"));
    c.open(DRAFT, "markdown", "Thanks guys");
    let hover = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": DRAFT }, "position": { "line": 0, "character": 8 } }),
    );
    assert!(hover["contents"]["value"].is_string());
    assert!(c.shutdown());
}

#[test]
fn lone_carriage_returns_end_lines_as_the_client_counts_them() {
    let mut c = Client::start(NO_DEBOUNCE());
    let d = c.open(
        DRAFT,
        "markdown",
        "Hello\rThanks guys, the quarterly report is ready for review.",
    );
    let range = &d["diagnostics"][0]["range"];
    assert_eq!(range["start"], json!({ "line": 1, "character": 7 }));
    assert_eq!(range["end"], json!({ "line": 1, "character": 11 }));
    assert!(c.shutdown());
}

#[test]
fn whole_draft_remarks_come_after_specific_findings_on_the_first_line() {
    let mut c = Client::start(NO_DEBOUNCE());
    // Near-empty: a remark on the whole draft, and `guys` on the second line.
    let d = c.open(DRAFT, "markdown", "\n  \nHello\rThanks guys");
    let diagnostics = d["diagnostics"].as_array().unwrap();
    let codes: Vec<&str> = diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes.len(), 2, "{codes:?}");
    assert_eq!(codes[1], "add-value.near-empty");
    assert_eq!(
        diagnostics[0]["range"],
        json!({ "start": { "line": 3, "character": 7 }, "end": { "line": 3, "character": 11 } })
    );
    // Shown on the first line with text, not underlining the whole draft.
    assert_eq!(
        diagnostics[1]["range"],
        json!({ "start": { "line": 2, "character": 0 }, "end": { "line": 2, "character": 5 } })
    );
    assert!(c.shutdown());
}

#[test]
fn hover_after_a_non_ascii_character_in_a_rule_file_is_answered() {
    let mut c = Client::start(NO_DEBOUNCE());
    let uri = "file:///tmp/tenet-lsp-test/accent.tenet";
    c.open(uri, "tenet", "éfind");
    let r = c.request_raw(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 0, "character": 2 } }),
    );
    assert!(r.error.is_none(), "{:?}", r.error);
    assert!(c.shutdown());
}

#[test]
fn a_large_rule_file_is_compiled_off_the_main_loop() {
    let mut c = Client::start(NO_DEBOUNCE());
    let terms: Vec<String> = (0..40_000).map(|i| format!("\"t{i}\"")).collect();
    let big = format!(
        "guideline g {{\n list big = {}\n rule r hint {{ find big\n message \"m\"\n bad \"[t1]\" }}\n}}\n",
        terms.join(", ")
    );
    let rule_uri = "file:///tmp/tenet-lsp-test/big.tenet";
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": rule_uri, "languageId": "tenet", "version": 1, "text": big } }),
    );
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": DRAFT, "languageId": "markdown", "version": 1, "text": "Thanks guys" } }),
    );
    // The draft's hover is answered while the rule file is still compiling.
    let hover = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": DRAFT }, "position": { "line": 0, "character": 8 } }),
    );
    assert!(hover["contents"]["value"].is_string());
    assert!(
        !c.backlog.iter().any(|m| is_diagnostics_for(m, rule_uri)),
        "the rule file was compiled before the hover was answered"
    );
    let d = c.diagnostics(rule_uri);
    assert_eq!(d["diagnostics"], json!([]));
    assert!(c.shutdown());
}

#[test]
fn a_large_draft_is_checked_off_the_main_loop_and_a_stale_check_is_never_published() {
    let mut c = Client::start(NO_DEBOUNCE());
    let other = "file:///tmp/tenet-lsp-test/other.md";
    c.open(other, "markdown", "Thanks guys");
    let big = "Thanks guys, you guys rock. Card 4111 1111 1111 1111, visa.\n".repeat(3_500);
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": DRAFT, "languageId": "markdown", "version": 1, "text": big } }),
    );
    // Another draft's hover is answered while the large one is being checked.
    let hover = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": other }, "position": { "line": 0, "character": 8 } }),
    );
    assert!(hover["contents"]["value"].is_string());
    assert!(
        !c.backlog.iter().any(|m| is_diagnostics_for(m, DRAFT)),
        "the large draft was checked before the hover was answered"
    );
    // Edited while being checked: the check of the old text is not published.
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": DRAFT, "version": 2 }, "contentChanges": [{ "text": "Thanks guys" }] }),
    );
    let d = c.diagnostics(DRAFT);
    assert_eq!(
        d["version"], 2,
        "diagnostics of the old text were published"
    );
    assert!(!codes(&d).contains(&"confidentiality.payment-card".to_string()));
    assert!(c.shutdown());
}

#[test]
fn evidence_that_is_another_rules_redacted_match_is_masked() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("leaky.tenet");
    std::fs::write(
        &pack,
        "guideline leaky {\n  rule ssn-word warning {\n    find \"ssn\"\n    when near /\\b[0-9]{3}-[0-9]{2}-[0-9]{4}\\b/ within 4 words\n    message \"You name an SSN.\"\n    bad \"My [SSN] is 536-22-8145.\"\n  }\n}\n",
    )
    .unwrap();
    let mut c = Client::start(json!({ "tenet": { "debounceMs": 0, "rules": [pack] } }));
    let d = c.open(DRAFT, "markdown", "My SSN is 536-22-8145.");
    let hover = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": DRAFT }, "position": { "line": 0, "character": 4 } }),
    );
    for shown in [d.to_string(), hover.to_string()] {
        assert!(!shown.contains("536-22"), "{shown}");
    }
    assert!(c.shutdown());
}
