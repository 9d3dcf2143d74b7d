//! Hostile input that once broke Tenet, one test per failure, named after what
//! broke: rule files that panicked or overflowed the stack, files that blocked or
//! exhausted memory, output that could be forged, a stream that one line ended.
//! Speed regressions are measured in `bench/scaling.py`, not timed here.

use std::path::Path;
use std::process::Command;

use tenet::language::diagnostic::{render_all, Severity};
use tenet::language::lower::compile_str;

#[path = "support/run.rs"]
mod run;
use run::tenet;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn errors_of(source: &str) -> String {
    let compiled = compile_str("r.tenet", source);
    assert!(
        compiled
            .diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error),
        "no error for:\n{source}"
    );
    render_all(&compiled.diagnostics)
}

fn rule(body: &str) -> String {
    format!("guideline g {{\n  rule r warning {{\n    {body}\n    message \"m\"\n    bad \"[x]\"\n  }}\n}}\n")
}

// ---- rule files

#[test]
fn crlf_rule_file_that_ends_inside_a_declaration_is_an_error_not_a_panic() {
    let shown = errors_of("guideline g\r\n");
    assert!(shown.starts_with("r.tenet:1:"), "{shown}");
}

#[test]
fn regex_error_at_a_non_ascii_character_is_located_not_a_panic() {
    let shown = errors_of(&rule("find /[é-a]/"));
    assert!(shown.contains("r.tenet:3:"), "{shown}");
    assert!(shown.contains("invalid regex"), "{shown}");
}

#[test]
fn deeply_nested_conditions_are_an_error_not_a_stack_overflow() {
    // Test threads have small stacks: this would overflow them without the limit.
    let deep = rule(&format!(
        "find \"x\"\n    when {}words > 0{}",
        "(".repeat(3100),
        ")".repeat(3100)
    ));
    let shown = errors_of(&deep);
    assert!(shown.contains("nest more than 64"), "{shown}");
    // 25,000 `not`s are one `not` or none, not 25,000 levels.
    let nots = rule(&format!(
        "find \"x\"\n    when {}words > 0",
        "not ".repeat(25_000)
    ));
    let compiled = compile_str("r.tenet", &nots);
    assert!(
        !compiled.has_errors(),
        "{}",
        render_all(&compiled.diagnostics)
    );
}

#[test]
fn regex_past_the_size_limit_is_an_error_at_load_not_silence() {
    let shown = errors_of(&rule(r"find /\w{1000}\w{1000}\w{1000}x/"));
    assert!(shown.contains("too large to compile"), "{shown}");
    assert!(shown.contains("r.tenet:3:10"), "{shown}");
}

#[test]
fn rule_file_that_is_not_utf8_gets_a_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.tenet"),
        b"guideline g { # caf\xe9\n}\n",
    )
    .unwrap();
    let out = tenet(dir.path(), &["rules", "test", "bad.tenet"], b"");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("bad.tenet:1:20: error: this file is not UTF-8"),
        "{stderr}"
    );
}

/// A rule file saved as UTF-16 (Notepad's "Unicode") or with UTF-8's mark is
/// read as written, its examples pass and its rule finds; UTF-16 that makes no
/// characters gets a line and column like bad UTF-8.
#[test]
fn rule_files_in_utf16_or_with_a_mark_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let source = "guideline g {\n  # café\n  rule cafe warning {\n    find \"crème\"\n    message \"no {match}\"\n    bad \"[crème]\"\n  }\n}\n";
    let utf16: Vec<u8> = [0xff, 0xfe]
        .into_iter()
        .chain(source.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let with_mark = [b"\xef\xbb\xbf", source.as_bytes()].concat();
    for (name, bytes) in [("utf16.tenet", &utf16), ("mark.tenet", &with_mark)] {
        std::fs::write(dir.path().join(name), bytes).unwrap();
        let tested = tenet(dir.path(), &["rules", "test", name], b"");
        assert_eq!(tested.status.code(), Some(0), "{}", text(&tested.stderr));
        let checked = tenet(
            dir.path(),
            &["check", "--rules", name, "-"],
            "crème".as_bytes(),
        );
        assert_eq!(checked.status.code(), Some(0), "{}", text(&checked.stderr));
        let shown = text(&checked.stdout);
        assert!(shown.contains("warning[g.cafe] no crème"), "{shown}");
    }
    // Line 2's `é` is followed by a lone surrogate.
    let broken: Vec<u8> = [&utf16[..46], b"\x00\xd8", &utf16[46..]].concat();
    assert_eq!(
        &utf16[44..46],
        "é".encode_utf16().next().unwrap().to_le_bytes()
    );
    std::fs::write(dir.path().join("broken.tenet"), broken).unwrap();
    let out = tenet(dir.path(), &["rules", "test", "broken.tenet"], b"");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains(
            "broken.tenet:2:9: error: this file is not valid UTF-16 after its byte-order mark"
        ),
        "{stderr}"
    );
}

#[test]
fn prefix_chained_term_lists_still_match_every_term() {
    // The padding that keeps building these lists linear must not change matches.
    let terms: Vec<String> = (0..3000).map(|i| format!("\"t{i}\"")).collect();
    let source = format!(
        "guideline g {{\n list big = {}\n rule r {{ find big\n message \"{{match}}\" }}\n}}\n",
        terms.join(", ")
    );
    let checker = tenet::Checker::from_source("big.tenet", &source).unwrap();
    let report = tenet::check_text(&checker, "t1 t12 t2999 t3000 t29990", None);
    let found: Vec<&str> = report.findings.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(found, ["t1", "t12", "t2999"]);
}

// ---- drafts and paths

#[test]
fn fifo_and_devices_named_on_the_command_line_are_skipped_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.md");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let out = tenet(
        dir.path(),
        &["check", "pipe.md", "/dev/zero", "/dev/urandom"],
        b"",
    );
    let stderr = text(&out.stderr);
    assert_eq!(stderr.matches("not a regular file").count(), 3, "{stderr}");
}

#[test]
fn file_name_that_is_not_utf8_keeps_json_valid() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.md");
    std::fs::write(dir.path().join(name), "Thanks guys\n").unwrap();
    for format in ["json", "jsonl"] {
        let out = tenet(dir.path(), &["check", "--format", format, "."], b"");
        let stdout = text(&out.stdout);
        for doc in stdout
            .lines()
            .filter(|l| format == "jsonl" && !l.is_empty())
        {
            serde_json::from_str::<serde_json::Value>(doc).unwrap();
        }
        if format == "json" {
            let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
            assert_eq!(v["files"][0]["path"], "./caf\u{fffd}.md");
        }
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    }
}

#[test]
fn long_line_is_shown_as_a_window_with_every_card_masked() {
    let dir = tempfile::tempdir().unwrap();
    let line = format!(
        "{}guys {}\n",
        "card 4111 1111 1111 1111 ".repeat(500),
        "x ".repeat(500)
    );
    std::fs::write(dir.path().join("t.txt"), &line).unwrap();
    let out = tenet(dir.path(), &["check", "t.txt"], b"");
    let stdout = text(&out.stdout);
    assert!(!stdout.contains("4111"), "a card number was printed");
    let longest = stdout.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(longest < 400, "a line of {longest} characters was printed");
    // Later findings' windows are cut on both sides.
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("1 | …") && l.ends_with('…')),
        "{}",
        &stdout[..2000.min(stdout.len())]
    );
}

#[test]
fn json_positions_on_a_long_line_are_exact() {
    let dir = tempfile::tempdir().unwrap();
    let body = "é😀 guys ".repeat(20_000);
    std::fs::write(dir.path().join("t.txt"), &body).unwrap();
    let out = tenet(dir.path(), &["check", "--format", "json", "t.txt"], b"");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = v["files"][0]["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 20_000);
    let last = &findings[19_999];
    let start = last["span"]["start"].as_u64().unwrap() as usize;
    let before = &body[..start];
    assert_eq!(last["start"]["column"], before.chars().count() + 1);
    assert_eq!(last["start"]["utf16"], before.encode_utf16().count() + 1);
}

#[test]
fn newline_in_a_file_name_cannot_forge_an_output_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path()
            .join("x\nforged.md:9:9: error[credential] fake.md"),
        "Thanks guys\n",
    )
    .unwrap();
    for format in ["human", "count"] {
        let out = tenet(dir.path(), &["check", "--format", format, "."], b"");
        let stdout = text(&out.stdout);
        assert!(!stdout.contains("\nforged.md"), "{stdout}");
        assert!(stdout.contains("x\\nforged.md"), "{stdout}");
    }
}

// ---- tenet moderate

fn moderate(lines: &[u8], args: &[&str]) -> Vec<serde_json::Value> {
    let mut all = vec!["moderate"];
    all.extend_from_slice(args);
    let out = tenet(Path::new(env!("CARGO_MANIFEST_DIR")), &all, lines);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    run::json_lines(&text(&out.stdout))
}

#[test]
fn invalid_utf8_line_does_not_end_the_moderate_stream() {
    let records = moderate(
        b"{\"id\": 0, \"text\": \"Thanks guys\"}\n{\"id\": 1, \"text\": \"caf\xe9\"}\n{\"id\": 2, \"text\": \"ok\"}\n",
        &[],
    );
    let ids: Vec<i64> = records.iter().map(|r| r["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [0, 1, 2]);
    assert!(records.iter().all(|r| r.get("verdict").is_some()));
}

#[test]
fn one_huge_message_is_capped_and_keeps_its_verdict() {
    let text = format!("{}My SSN is 536-22-8145.", "guys ".repeat(100_000));
    let line = serde_json::json!({ "id": "big", "text": text }).to_string() + "\n";
    let records = moderate(line.as_bytes(), &["--max-findings-per-rule", "10"]);
    let r = &records[0];
    let reasons = r["reasons"].as_array().unwrap();
    assert!(reasons.len() <= 12, "{} reasons", reasons.len());
    assert_eq!(r["truncated"], 100_000 - 10);
    // The error-level finding after the cap still decides the verdict.
    assert_eq!(r["verdict"], "block");
}

#[test]
fn error_record_keeps_a_readable_id_and_the_line_number() {
    let records = moderate(
        b"\xef\xbb\xbf{\"id\": \"first\", \"text\": \"ok\"}\n{\"id\": \"order-17\"}\nnot json\n",
        &[],
    );
    assert_eq!(records[0]["id"], "first", "a BOM fails the first line");
    assert!(
        records[0].get("verdict").is_some(),
        "a BOM fails the first line"
    );
    assert_eq!(records[1]["id"], "order-17");
    assert_eq!(records[1]["line"], 2);
    assert_eq!(records[2]["id"], serde_json::Value::Null);
    assert_eq!(records[2]["line"], 3);
}

#[test]
fn moderate_never_echoes_a_wrongly_typed_value() {
    let records = moderate(b"{\"id\": 1, \"text\": 4539017494109883}\n", &[]);
    let shown = records[0].to_string();
    assert!(!shown.contains("4539"), "{shown}");
    assert_eq!(records[0]["id"], 1);
}

#[test]
fn subject_line_personal_data_is_checked() {
    let email = "From: a@example.com\nTo: b@example.com\nSubject: call me on +44 20 7946 0958\n\nSee you.\n";
    let out = tenet(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &[
            "check",
            "--format",
            "json",
            "--stdin-filename",
            "m.eml",
            "-",
        ],
        email.as_bytes(),
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules: Vec<&str> = v["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"confidentiality.phone-number"), "{rules:?}");
}

/// Each forwarded message was read by a recursive call: a chain of 100,000
/// forwards overflowed the stack and aborted the process.
#[test]
fn a_long_chain_of_forwarded_messages_is_not_a_stack_overflow() {
    let mut draft = String::from("See below.\n");
    for _ in 0..100_000 {
        draft.push_str("-----Original Message-----\nplease see\n");
    }
    draft.push_str("Call me on (212) 555-0199 tonight.\n");
    let out = tenet(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["check", "--format", "json", "-"],
        draft.as_bytes(),
    );
    // Quoted text is reported at `info`, which does not fail the check.
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found = v["files"][0]["findings"].as_array().unwrap();
    assert!(
        found
            .iter()
            .any(|f| f["rule"] == "confidentiality.phone-number" && f["level"] == "info"),
        "the number in the last forwarded message, at the level of quoted text: {found:?}"
    );
}

/// Found by `cargo fuzz`: the window around a span of more than 480 bytes was cut
/// inside a multibyte character.
#[test]
fn window_around_a_long_span_of_multibyte_characters_is_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let quote = format!("Here: \"{}end\"\n", "é😀 ".repeat(300));
    std::fs::write(
        dir.path().join("q.md"),
        format!("{}{quote}", "x ".repeat(100)),
    )
    .unwrap();
    let out = tenet(dir.path(), &["check", "q.md"], b"");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        text(&out.stderr)
    );
    assert!(
        text(&out.stdout).contains("long quotation"),
        "{}",
        text(&out.stdout)
    );
}

/// Found by the bounded fuzzing in `tests/fuzz.rs`: a rule whose `overlaps` named a
/// rule with errors kept a placeholder, and running the examples of the rules that
/// compiled read past the end of the hits.
#[test]
fn overlaps_naming_a_broken_rule_leaves_the_rule_out_not_a_panic() {
    let source = "guideline g {\n rule broken { find /(/\n message \"m\" }\n rule uses { find \"x\"\n unless overlaps broken\n message \"m\"\n bad \"[x]\" }\n}\n";
    let compiled = compile_str("r.tenet", source);
    assert!(compiled.has_errors());
    assert!(compiled.rules.rules.iter().all(|r| &*r.id != "g.uses"));
    let engine = tenet::engine::Engine::new(compiled.rules);
    let outcome = tenet::engine::examples::run(&engine, &Default::default());
    assert_eq!(outcome.run, 0);
}
