//! Bounded fuzzing on stable Rust: mutated rule files through parsing, lowering,
//! rendering and their examples; hostile drafts through every output; hostile
//! message sequences through the language server. Nothing may panic, and the server
//! must still answer afterwards. `TENET_FUZZ_CASES` sets the cases per property
//! (default 200); `fuzz/` has `cargo fuzz` targets for deeper runs on nightly.

use proptest::prelude::*;
use tenet::draft::{Draft, Format};
use tenet::language::diagnostic::render_all;
use tenet::language::lower::compile_str;
use tenet::report::output::{self, FileResult, OutputFormat};

fn cases() -> u32 {
    std::env::var("TENET_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200)
}

/// The built-in pack, compiled once for every case.
fn builtin() -> &'static tenet::Checker {
    static CHECKER: std::sync::OnceLock<tenet::Checker> = std::sync::OnceLock::new();
    CHECKER.get_or_init(|| tenet::Checker::builtin(&Default::default()).expect("the pack compiles"))
}

/// The built-in pack's files, the seeds that mutations start from.
fn seeds() -> Vec<String> {
    tenet::language::builtin::rule_files()
        .into_iter()
        .map(|f| f.text.to_string())
        .collect()
}

/// Pieces that are likely to confuse a parser or lowering.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    "\"",
    "/",
    "\\",
    "\r\n",
    "\r",
    "\n",
    "#",
    "##",
    ",",
    "->",
    "|",
    "[",
    "]",
    "{match}",
    "{{",
    "}}",
    "not ",
    "and",
    "or",
    "near",
    "within 0 chars",
    "has",
    "in ",
    "count(",
    "valid luhn",
    "redact",
    "once",
    "limit 0",
    "limit 99999999999999999999",
    "skip ",
    "guideline",
    "rule",
    "triage",
    "category",
    "priority 9",
    "é",
    "😀",
    "\u{0}",
    "\u{feff}",
    "/\\w{99}{99}/",
    "/(?=x)/",
    "bad \"[\"",
    "fixed \"a\" -> \"b\"",
    "list x = file \"/dev/stdin\"",
];

/// A seed with a handful of edits: bytes deleted, tokens inserted, spans duplicated.
fn mutated() -> impl Strategy<Value = String> {
    let edits = prop::collection::vec(
        (
            0u8..4,
            any::<prop::sample::Index>(),
            0usize..40,
            0..TOKENS.len(),
        ),
        1..12,
    );
    (prop::sample::select(seeds()), edits).prop_map(|(seed, edits)| {
        let mut s = seed;
        for (kind, at, len, token) in edits {
            if s.is_empty() {
                s.push_str(TOKENS[token]);
                continue;
            }
            let mut i = at.index(s.len());
            while !s.is_char_boundary(i) {
                i -= 1;
            }
            let mut j = (i + len).min(s.len());
            while !s.is_char_boundary(j) {
                j -= 1;
            }
            match kind {
                0 => s.replace_range(i..j, ""),
                1 => s.insert_str(i, TOKENS[token]),
                2 => {
                    let piece = s[i..j].to_string();
                    s.insert_str(j, &piece);
                }
                _ => s.replace_range(i..j, TOKENS[token]),
            }
        }
        s
    })
}

/// Drafts built from pieces that stress scopes, positions and detectors.
fn hostile_draft() -> impl Strategy<Value = (String, Format)> {
    const PIECES: &[&str] = &[
        "Thanks guys",
        " ",
        "\n",
        "\r\n",
        "\r",
        "> ",
        "```\n",
        "`",
        "# ",
        "---\n",
        "From: a@b.c\n",
        "Subject: 4111 1111 1111 1111\n",
        "\n\n",
        "-- \n",
        "#tag",
        "@user",
        "https://x.io/a(b)",
        "[link](http://x)",
        "<!-- tenet-disable-next-line all: 4111 1111 1111 1111 -->\n",
        "tenet-disable confidentiality\n",
        "tenet-enable\n",
        "4111 1111 1111 1111",
        "536-22-8145",
        "GB82 WEST 1234 5698 7654 32",
        "password: hunter2",
        "€4,000,000 revenue",
        "😀",
        "👍🏽",
        "e\u{301}",
        "İ",
        "ß",
        "\u{0}",
        "\u{200d}",
        "\u{feff}",
        "\"",
        "“",
        "”",
        "!!!",
        "SHOUT",
        "<",
        "&",
        "|",
        "*",
        "_",
    ];
    let body =
        prop::collection::vec(prop::sample::select(PIECES), 0..80).prop_map(|parts| parts.concat());
    let format = prop::sample::select(&[Format::Markdown, Format::Text, Format::Email][..]);
    (body, format)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), max_shrink_iters: 500, ..ProptestConfig::default() })]

    #[test]
    fn mutated_rule_files_never_panic(source in mutated()) {
        let compiled = compile_str("fuzz.tenet", &source);
        let shown = render_all(&compiled.diagnostics);
        prop_assert!(compiled.diagnostics.is_empty() || !shown.is_empty());
        for d in &compiled.diagnostics {
            d.line_col();
        }
        // The rules that compiled run their examples.
        let engine = tenet::engine::Engine::new(compiled.rules);
        tenet::engine::examples::run(&engine, &Default::default());
    }

    #[test]
    fn hostile_drafts_never_panic_in_any_output((text, format) in hostile_draft()) {
        let draft = Draft::new(text.clone(), format);
        let report = builtin().check(&draft);
        for f in &report.findings {
            prop_assert!(text.is_char_boundary(f.span.start) && text.is_char_boundary(f.span.end));
        }
        let result = FileResult {
            deferred: None,
            path: "fuzz.md".into(),
            text,
            format,
            channel: "external".into(),
            report,
            fixed: 0,
            stdin: false,
            encoding: Default::default(),
        };
        let rules: Vec<_> = builtin().engine.rules().rules.iter().collect();
        let mut summary = output::Summary::default();
        summary.add(&result);
        for (_, format) in OutputFormat::ALL {
            let mut out = Vec::new();
            let mut printer = output::Printer::new(*format, false, &rules);
            printer.file(&result, &mut out).unwrap();
            printer.end(&[], &summary, &mut out).unwrap();
            if matches!(format, OutputFormat::Json | OutputFormat::Sarif | OutputFormat::Jsonl) {
                let parsed: Result<serde_json::Value, _> = serde_json::from_slice(&out);
                prop_assert!(parsed.is_ok(), "{format:?} is not JSON: {parsed:?}");
            }
        }
    }

    #[test]
    fn hostile_message_sequences_never_stop_the_server(messages in prop::collection::vec(lsp_message(), 1..25)) {
        use lsp_server::{Connection, Message, Request, RequestId, Response};
        let (server, client) = Connection::memory();
        let handle = std::thread::spawn(move || tenet::lsp::run(server));
        let init = serde_json::json!({ "capabilities": {}, "initializationOptions": { "debounceMs": 0 } });
        client.sender.send(Request::new(RequestId::from(0), "initialize".into(), init).into()).unwrap();
        for m in messages {
            client.sender.send(m).unwrap();
        }
        client.sender.send(Request::new(RequestId::from(-1), "tenet/ping-after-fuzz".into(), serde_json::Value::Null).into()).unwrap();
        // The server answers the last request (with an error: it is unknown), so it is alive.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        let answered = loop {
            match client.receiver.recv_deadline(deadline) {
                Ok(Message::Response(Response { id, .. })) if id == RequestId::from(-1) => break true,
                Ok(_) => {}
                Err(_) => break false,
            }
        };
        prop_assert!(answered, "the server stopped answering");
        drop(client);
        let _ = handle.join().expect("the server thread did not panic");
    }
}

/// A message a hostile or broken client might send.
fn lsp_message() -> impl Strategy<Value = lsp_server::Message> {
    use lsp_server::{Message, Notification, Request, RequestId};
    use serde_json::json;
    let uri = prop::sample::select(
        &[
            "file:///tmp/f/a.md",
            "file:///tmp/f/r.tenet",
            "file:///tmp/f/tenet.toml",
            "untitled:1",
            "file://host%C3%A9/x.md",
            "file:///tmp/f/%ZZ.txt",
        ][..],
    );
    let text = || hostile_draft().prop_map(|(t, _)| t);
    let position = (0u32..6, 0u32..200).prop_map(|(l, c)| json!({ "line": l, "character": c }));
    let open = (
        uri.clone(),
        text(),
        prop::sample::select(&["markdown", "tenet", "plaintext", "toml", "email"][..]),
    )
        .prop_map(|(u, t, l)| {
            Message::from(Notification::new(
                "textDocument/didOpen".into(),
                json!({ "textDocument": { "uri": u, "languageId": l, "version": 1, "text": t } }),
            ))
        });
    let change = (uri.clone(), text(), position.clone(), position.clone(), any::<i32>())
        .prop_map(|(u, t, a, b, v)| Message::from(Notification::new("textDocument/didChange".into(),
            json!({ "textDocument": { "uri": u, "version": v }, "contentChanges": [{ "range": { "start": a, "end": b }, "text": t }] }))));
    let hover = (uri.clone(), position.clone(), 1i32..1000).prop_map(|(u, p, id)| {
        Message::from(Request::new(
            RequestId::from(id),
            "textDocument/hover".into(),
            json!({ "textDocument": { "uri": u }, "position": p }),
        ))
    });
    let action = (uri.clone(), position.clone(), position, 1i32..1000)
        .prop_map(|(u, a, b, id)| Message::from(Request::new(RequestId::from(id), "textDocument/codeAction".into(),
            json!({ "textDocument": { "uri": u }, "range": { "start": a, "end": b }, "context": { "diagnostics": [] } }))));
    let junk = (prop::sample::select(&["textDocument/didSave", "workspace/didChangeConfiguration", "$/cancelRequest", "textDocument/didClose", "nonsense"][..]), uri)
        .prop_map(|(m, u)| Message::from(Notification::new(m.into(),
            json!({ "textDocument": { "uri": u }, "settings": { "tenet": { "rules": [u], "debounceMs": "x" } }, "id": [] }))));
    prop_oneof![3 => open, 3 => change, 2 => hover, 2 => action, 1 => junk]
}
