//! The command line as a user meets it: exit codes, stdout, stderr.

use std::path::Path;
use std::process::{Command, Stdio};

#[path = "support/run.rs"]
mod run;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn tenet_in(dir: &Path, args: &[&str], stdin: Option<&str>) -> Run {
    ran(run::tenet(dir, args, stdin.unwrap_or_default().as_bytes()))
}

fn ran(out: std::process::Output) -> Run {
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn tenet(args: &[&str], stdin: Option<&str>) -> Run {
    tenet_in(Path::new(env!("CARGO_MANIFEST_DIR")), args, stdin)
}

fn json(run: &Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", run.stdout))
}

#[test]
fn check_examples_finds_all_four_categories_and_fails() {
    let run = tenet(&["check", "--format", "json", "examples/"], None);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let doc = json(&run);
    let mut categories: Vec<String> = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| {
            f["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x["category"].as_str().unwrap().to_string())
        })
        .collect();
    categories.sort();
    categories.dedup();
    for c in ["add-value", "confidentiality", "copyright", "disclosure"] {
        assert!(
            categories.iter().any(|x| x == c),
            "no {c} finding in {categories:?}"
        );
    }
}

#[test]
fn human_output_shows_the_line_and_a_caret_and_masks_redacted_text() {
    let run = tenet(&["check", "tests/fixtures/drafts/post.md"], None);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!("human_post", run.stdout);
    assert!(!run.stdout.contains("4111"), "card number printed");
    assert!(!run.stdout.contains("\x1b["), "colour with NO_COLOR");
}

#[test]
fn json_output_is_versioned_and_complete() {
    let run = tenet(
        &["check", "--format", "json", "tests/fixtures/drafts/post.md"],
        None,
    );
    insta::assert_snapshot!("json_post", run.stdout);
    let doc = json(&run);
    assert_eq!(doc["version"], 1);
    let f = &doc["files"][0]["findings"][0];
    for key in [
        "rule",
        "category",
        "level",
        "message",
        "span",
        "start",
        "end",
        "suggestions",
        "fix",
        "fingerprint",
        "redacted",
    ] {
        assert!(!f[key].is_null() || key == "fix", "missing {key}");
    }
    assert!(f["start"]["utf16"].is_number() && f["start"]["column"].is_number());
    let card = doc["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "confidentiality.payment-card")
        .unwrap();
    assert_eq!(card["match"], serde_json::Value::Null);
    assert_eq!(card["level"], "error");
}

/// JSON is byte for byte what `serde_json` writes for the same value: pretty
/// for `json`, a line a file for `jsonl`. Findings of every shape (a fix,
/// suggestions, evidence, redacted text, escapes, suppressed ones), and a file
/// with thousands of them, which are written on every core in parts.
#[test]
fn json_and_sarif_are_written_as_serde_json_writes_them() {
    let dir = tempfile::tempdir().unwrap();
    let many = "Thanks guys, between you and me the “deal” is a \"go\"\\.\n".repeat(3000);
    let suppressed = "<!-- tenet-disable-next-line add-value: said \"twice\" -->\nThanks guys!!!\n";
    std::fs::write(dir.path().join("many.md"), format!("{suppressed}{many}")).unwrap();
    std::fs::copy("tests/fixtures/drafts/post.md", dir.path().join("post.md")).unwrap();
    std::fs::write(dir.path().join("short.md"), "Ok\n").unwrap();
    std::fs::write(dir.path().join("image.txt"), b"\x89PNG\x00\x00\x01binary").unwrap();
    let run = tenet_in(dir.path(), &["check", "--format", "json", "."], None);
    let doc = json(&run);
    let files = doc["files"].as_array().unwrap();
    let findings: usize = files
        .iter()
        .map(|f| f["findings"].as_array().unwrap().len())
        .sum();
    assert!(findings > 6000, "{findings} findings");
    let many = files.iter().find(|f| f["path"] == "./many.md").unwrap();
    assert_eq!(many["suppressed"].as_array().unwrap().len(), 2);
    assert!(!run.stdout.contains("1111 1111"), "card number printed");
    assert_eq!(
        run.stdout,
        serde_json::to_string_pretty(&doc).unwrap() + "\n"
    );
    let run = tenet_in(dir.path(), &["check", "--format", "jsonl", "."], None);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", run.stdout);
    for line in lines {
        let value: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(line, serde_json::to_string(&value).unwrap());
    }

    // SARIF: the same findings, results written on several cores for the
    // large file, with the fingerprints JSON gives them.
    let prints = |findings: &serde_json::Value| -> Vec<String> {
        let list = findings.as_array().unwrap().iter();
        list.map(|f| f["fingerprint"].as_str().unwrap().to_owned())
            .collect()
    };
    let expected: Vec<String> = files.iter().flat_map(|f| prints(&f["findings"])).collect();
    let run = tenet_in(dir.path(), &["check", "--format", "sarif", "."], None);
    let log = json(&run);
    assert!(!run.stdout.contains("1111 1111"), "card number printed");
    assert_eq!(
        run.stdout,
        serde_json::to_string_pretty(&log).unwrap() + "\n"
    );
    let sarif = &log["runs"][0];
    let results = sarif["results"].as_array().unwrap();
    let printed: Vec<&str> = results
        .iter()
        .map(|r| r["partialFingerprints"]["tenet/v1"].as_str().unwrap())
        .collect();
    assert_eq!(printed, expected);
    let regions: Vec<&serde_json::Value> = results
        .iter()
        .map(|r| &r["locations"][0]["physicalLocation"]["region"])
        .collect();
    assert!(regions.iter().any(|r| r.get("endColumn").is_some()));
    assert!(
        regions.iter().any(|r| r.get("endColumn").is_none()),
        "a remark on a whole draft"
    );
    let rules = sarif["tool"]["driver"]["rules"].as_array().unwrap();
    for r in results {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
    }
    let notes = sarif["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notes.len(), 1, "{notes:?}");
}

/// `tenet --version` names the build exactly (two builds of one package
/// version can check differently), and a SARIF log names it the same way.
#[test]
fn the_version_names_the_build_and_sarif_says_the_same() {
    let run = tenet(&["--version"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let version = run.stdout.trim_end().strip_prefix("tenet ").unwrap();
    let pkg = env!("CARGO_PKG_VERSION");
    let build = version
        .strip_prefix(&format!("{pkg} (build "))
        .and_then(|rest| rest.strip_suffix(')'))
        .unwrap_or_else(|| panic!("{version:?}"));
    assert_eq!(build.len(), 12, "{build:?}");
    assert!(build.bytes().all(|b| b.is_ascii_hexdigit()), "{build:?}");
    assert_eq!(version, tenet::VERSION);

    let run = tenet(
        &[
            "check",
            "--format",
            "sarif",
            "--stdin-filename",
            "post.md",
            "-",
        ],
        Some("Thanks guys!\n"),
    );
    let driver = &json(&run)["runs"][0]["tool"]["driver"];
    assert_eq!(driver["version"], version);
    assert_eq!(driver["semanticVersion"], pkg);
}

#[test]
fn a_phrase_wrapped_across_lines_is_found_and_shown_on_both() {
    let memo = "Hello team,\n\nThis memo is not for\ndistribution outside the company.\n";
    let run = tenet(&["check", "--stdin-filename", "memo.txt", "-"], Some(memo));
    assert_eq!(run.code, 1, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    // The message keeps to its line; the span's two lines each get carets.
    assert!(
        lines[0].starts_with("memo.txt:3:14: error[confidentiality.legend] ")
            && lines[0].contains("“not for distribution”"),
        "{}",
        run.stdout
    );
    assert_eq!(
        lines[1..6],
        [
            "  |",
            "3 | This memo is not for",
            "  |              ^^^^^^^",
            "4 | distribution outside the company.",
            "  | ^^^^^^^^^^^^",
        ],
        "{}",
        run.stdout
    );
    // A blank line parts the words.
    let run = tenet(
        &["check", "-"],
        Some("This memo is not for\n\ndistribution.\n"),
    );
    assert!(!run.stdout.contains("legend"), "{}", run.stdout);
    // A match over many lines shows its first four.
    let dir = tempfile::tempdir().unwrap();
    let rules = "guideline copyright {\n rule quote warning {\n find /(?s)<<.*>>/\n message \"Quoted {match}.\"\n }\n}\n";
    std::fs::write(dir.path().join("q.tenet"), rules).unwrap();
    let draft = "<<one\ntwo\nthree\nfour\nfive\nsix>>\n";
    let run = tenet_in(
        dir.path(),
        &["check", "--no-default-rules", "--rules", "q.tenet", "-"],
        Some(draft),
    );
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines[0].ends_with("Quoted <<one two three four five six>>."),
        "{}",
        run.stdout
    );
    assert_eq!(
        lines[2..10],
        [
            "1 | <<one",
            "  | ^^^^^",
            "2 | two",
            "  | ^^^",
            "3 | three",
            "  | ^^^^^",
            "4 | four",
            "  | ^^^^"
        ],
        "{}",
        run.stdout
    );
    assert_eq!(lines[10], "");
}

#[test]
fn stdin_with_a_file_name_and_fail_on() {
    let run = tenet(
        &["check", "--stdin-filename", "post.md", "-"],
        Some("Thanks guys, the launch went well and the team shipped on time.\n"),
    );
    assert_eq!(run.code, 0, "a hint does not fail by default");
    assert!(
        run.stdout
            .starts_with("post.md:1:8: hint[add-value.inclusive-greeting]"),
        "{}",
        run.stdout
    );
    let run = tenet(
        &["check", "--fail-on", "hint", "-"],
        Some("Thanks guys, the launch went well and the team shipped on time.\n"),
    );
    assert_eq!(run.code, 1);
    let run = tenet(&["check", "-"], Some("All good here, nothing to see.\n"));
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.contains("0 findings in 0 of 1 file"),
        "{}",
        run.stdout
    );
}

#[test]
fn folders_with_binary_and_unreadable_files_are_checked_to_the_end() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.md"), "Between you and me, it slipped.\n").unwrap();
    std::fs::write(dir.path().join("image.txt"), b"\x89PNG\x00\x00\x01binary").unwrap();
    std::fs::write(dir.path().join("z.md"), "Thanks guys!!!\n").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.path().join("gone.md"), dir.path().join("broken.md")).unwrap();
    std::fs::write(dir.path().join("locked.md"), "secret").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            dir.path().join("locked.md"),
            std::fs::Permissions::from_mode(0o000),
        )
        .unwrap();
    }
    let run = tenet_in(dir.path(), &["check", "."], None);
    assert!(
        run.stderr.contains("image.txt: binary file, skipped"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("broken.md: cannot read: no such file or folder"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("./a.md:1:1"), "{}", run.stdout);
    assert!(run.stdout.contains("./z.md:1:"), "{}", run.stdout);
    assert_eq!(run.code, 0, "warnings only");
    let run = tenet_in(dir.path(), &["check", "--format", "json", "."], None);
    assert!(json(&run)["notes"].as_array().unwrap().len() >= 2);
}

#[test]
fn a_missing_path_is_reported_and_the_rest_still_checked() {
    let run = tenet(
        &["check", "no-such-file.md", "examples/short-replies.txt"],
        None,
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no-such-file.md: cannot read"));
    assert!(run.stdout.contains("add-value.near-empty"));
}

#[test]
fn a_rule_file_with_three_errors_reports_all_three_and_exits_2() {
    let run = tenet(
        &[
            "check",
            "--no-default-rules",
            "--rules",
            "tests/fixtures/broken/17-three-errors.tenet",
            "examples/",
        ],
        None,
    );
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty());
    let located: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("tests/fixtures/broken/17-three-errors.tenet:"))
        .collect();
    assert_eq!(located.len(), 3, "{}", run.stderr);
    assert!(located[0].starts_with("tests/fixtures/broken/17-three-errors.tenet:4:10: error:"));
    assert!(run.stderr.contains("^^^"));
}

#[test]
fn rules_test_passes_on_the_pack_and_names_a_broken_example() {
    let run = tenet(&["rules", "test", "rules/"], None);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains(", 0 failed"));

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("team.tenet");
    std::fs::write(
        &file,
        "guideline add-value {\n  rule lol hint {\n    find \"lol\"\n    message \"Say more.\"\n    bad \"that was [funny] lol\"\n    good \"lol\"\n  }\n}\n",
    )
    .unwrap();
    let run = tenet_in(dir.path(), &["rules", "test", "team.tenet"], None);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!("rules_test_failure", run.stdout);
}

#[test]
fn configuration_is_discovered_and_printed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("tenet.toml"),
        "fail-on = \"warning\"\n[lists]\ncodenames = [\"Bluebird\"]\n[levels]\n\"add-value.inclusive-greeting\" = \"off\"\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("drafts")).unwrap();
    std::fs::write(
        dir.path().join("drafts/post.md"),
        "Bluebird ships soon, guys.\n",
    )
    .unwrap();
    let run = tenet_in(dir.path(), &["check", "drafts"], None);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("confidentiality.codename"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("inclusive-greeting"));
    let run = tenet_in(&dir.path().join("drafts"), &["config"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("codenames = [\"Bluebird\"]"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("fail-on = \"warning\""));

    std::fs::write(dir.path().join("tenet.toml"), "colour = true\n").unwrap();
    let run = tenet_in(dir.path(), &["check", "drafts"], None);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("tenet.toml:1:1: error: unknown field `colour`"),
        "{}",
        run.stderr
    );
}

#[test]
fn rules_list_and_explain() {
    let run = tenet(&["rules", "list"], None);
    assert_eq!(run.code, 0);
    assert!(run.stdout.lines().count() > 30);
    let run = tenet(&["rules", "explain", "confidentiality.payment-card"], None);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("Luhn"));
    assert!(run.stdout.contains("See: https://"));
    let run = tenet(&["rules", "explain", "payment-card"], None);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("did you mean confidentiality.payment-card"),
        "{}",
        run.stderr
    );
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(tenet(&["check", "--format", "xml", "-"], Some("")).code, 2);
    assert_eq!(tenet(&["frobnicate"], None).code, 2);
}

#[test]
fn moderate_answers_every_line() {
    let input = "{\"id\": 1, \"text\": \"Card 4111 1111 1111 1111 visa\"}\nnot json\n{\"id\": \"b\", \"text\": \"worst airline ever, outage again\", \"channel\": \"external\"}\n{\"id\": 3, \"text\": \"The new lounge in terminal B opens on Monday at 6 am.\"}\n";
    let run = tenet(&["moderate"], Some(input));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<serde_json::Value> = run::json_lines(&run.stdout);
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["verdict"], "block");
    assert!(!run.stdout.contains("4111"), "no PII echoed");
    assert!(lines[1]["error"].as_str().unwrap().starts_with("not JSON"));
    assert_eq!(lines[1]["line"], 2);
    assert_eq!(lines[2]["verdict"], "review");
    assert_eq!(lines[2]["triage"]["category"], "criticism");
    assert_eq!(lines[3]["verdict"], "allow");
}

/// A line whose check panics (test builds panic on purpose for the id
/// `tenet/panic`, quoting the draft) is answered with an error record that
/// says where, never what the panic said, and the stream goes on.
#[test]
fn moderate_answers_a_check_that_panics_with_an_error_and_goes_on() {
    let input = "{\"id\": \"tenet/panic\", \"text\": \"card 4539 0174 9410 9883\"}\n{\"id\": 2, \"text\": \"The lounge opens on Monday.\"}\n";
    // The panic is there in release builds too with this set.
    let run = ran(run::tenet_with(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["moderate"],
        input.as_bytes(),
        &[("TENET_PANIC_TEST", Path::new("1"))],
    ));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<serde_json::Value> = run::json_lines(&run.stdout);
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    assert_eq!(lines[0]["id"], "tenet/panic");
    assert_eq!(lines[0]["line"], 1);
    let error = lines[0]["error"].as_str().unwrap();
    assert!(error.contains("internal error at src/"), "{error}");
    assert_eq!(lines[1]["verdict"], "allow");
    assert!(
        run.stderr.contains("internal error at src/"),
        "{}",
        run.stderr
    );
    assert!(!run.stdout.contains("4539"), "{}", run.stdout);
    assert!(!run.stderr.contains("4539"), "{}", run.stderr);
}

/// A verdict's spans slice the draft as JavaScript (UTF-16 units) and Python
/// (characters) index it, as well as by bytes: emoji come before the address.
#[test]
fn moderate_spans_are_given_in_utf16_units_and_characters() {
    let text = "Café 😀😀 write to jo.smith@gmail.com — worst airline 🙄 ever, outage again";
    let input = serde_json::json!({ "id": 1, "text": text, "channel": "external" }).to_string();
    let run = tenet(&["moderate"], Some(&input));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let line: serde_json::Value = serde_json::from_str(run.stdout.trim()).unwrap();
    let span = &line["reasons"][0]["span"];
    let at = |pair: &serde_json::Value| {
        (pair["start"].as_u64().unwrap() as usize)..(pair["end"].as_u64().unwrap() as usize)
    };
    assert_eq!(&text[at(span)], "jo.smith@gmail.com", "{line}");
    let units: Vec<u16> = text.encode_utf16().collect();
    assert_eq!(
        String::from_utf16(&units[at(&span["utf16"])]).unwrap(),
        "jo.smith@gmail.com"
    );
    let chars: String = text.chars().collect::<Vec<_>>()[at(&span["chars"])]
        .iter()
        .collect();
    assert_eq!(chars, "jo.smith@gmail.com");
    // The triage's evidence carries the same counts: "outage", after the 🙄.
    let found = &line["triage"]["evidence"][1]["found"][0];
    let shown = found["text"].as_str().unwrap();
    let chars: String = text.chars().collect::<Vec<_>>()[at(&found["chars"])]
        .iter()
        .collect();
    assert_eq!(chars, shown, "{line}");
    assert_eq!(
        String::from_utf16(&units[at(&found["utf16"])]).unwrap(),
        shown
    );
}

/// A post cut inside an emoji by a JavaScript caller (`post.slice(0, n)`)
/// arrives with a lone surrogate escape, which is not valid Unicode: it is
/// read as U+FFFD and answered, and the verdict's UTF-16 span still indexes
/// the caller's own string. A line broken otherwise is still an error.
#[test]
fn moderate_reads_a_lone_surrogate_as_the_replacement_character() {
    let input = concat!(
        r#"{"id": "cut", "text": "mail jo.smith@gmail.com \ud83d"}"#,
        "\n",
        r#"{"id": "low", "text": "\ude00 jo.smith@gmail.com"}"#,
        "\n",
        r#"{"id": "broken", "text": "\ud83d", x}"#,
        "\n",
    );
    let run = tenet(&["moderate"], Some(input));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<serde_json::Value> = run::json_lines(&run.stdout);
    assert_eq!(lines.len(), 3, "{}", run.stdout);
    // The caller's strings, as UTF-16 units with their lone surrogates.
    let sent: [Vec<u16>; 2] = [
        "mail jo.smith@gmail.com "
            .encode_utf16()
            .chain([0xD83D])
            .collect(),
        [0xDE00]
            .into_iter()
            .chain(" jo.smith@gmail.com".encode_utf16())
            .collect(),
    ];
    for (line, units) in lines.iter().zip(&sent) {
        assert_eq!(
            line["reasons"][0]["rule"], "confidentiality.personal-email",
            "{line}"
        );
        let span = &line["reasons"][0]["span"]["utf16"];
        let at = span["start"].as_u64().unwrap() as usize..span["end"].as_u64().unwrap() as usize;
        assert_eq!(
            String::from_utf16_lossy(&units[at]),
            "jo.smith@gmail.com",
            "{line}"
        );
    }
    assert_eq!(lines[2]["line"], 3);
    let error = lines[2]["error"].as_str().unwrap();
    assert!(
        error.starts_with("not JSON: key must be a string at line 1 column"),
        "{error}"
    );
}

/// A channel no rule names turns off every rule for the channel meant, so a
/// typo is warned about: on stderr for `--channel`, in the verdict record for
/// a draft's own. A channel the rules know gets no warning.
#[test]
fn a_channel_no_rule_names_is_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("tenet.toml"),
        "[lists]\ncustomers = [\"Initech\"]\n",
    )
    .unwrap();
    let draft = "Just closed a big deal with Initech, our largest this year.";
    let rules = |run: &Run| -> Vec<String> {
        let doc = json(run);
        let findings = doc["files"][0]["findings"].as_array().unwrap().clone();
        findings
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect()
    };
    let external = tenet_in(
        dir.path(),
        &["check", "--format", "json", "--channel", "external", "-"],
        Some(draft),
    );
    assert_eq!(rules(&external), ["confidentiality.client-name"]);
    assert_eq!(external.stderr, "");
    let typo = tenet_in(
        dir.path(),
        &["check", "--format", "json", "--channel", "extrnal", "-"],
        Some(draft),
    );
    assert_eq!(rules(&typo), Vec::<String>::new());
    assert_eq!(
        typo.stderr,
        "tenet: warning: --channel: no rule names the channel `extrnal`; did you mean `external`?\n"
    );

    let lines = [
        format!("{{\"id\": 1, \"text\": \"{draft}\", \"channel\": \"extrnal\"}}"),
        format!("{{\"id\": 2, \"text\": \"{draft}\", \"channel\": \"internal\"}}"),
        format!("{{\"id\": 3, \"text\": \"{draft}\"}}"),
    ];
    let run = tenet_in(
        dir.path(),
        &["moderate", "--channel", "blog"],
        Some(&lines.join("\n")),
    );
    assert_eq!(
        run.stderr,
        "tenet: warning: --channel: no rule names the channel `blog`; rules treat it as neither external nor internal\n"
    );
    let answers: Vec<serde_json::Value> = run::json_lines(&run.stdout);
    assert_eq!(
        answers[0]["warnings"],
        serde_json::json!(["no rule names the channel `extrnal`; did you mean `external`?"])
    );
    // A known channel, and the default one (warned about once, above), add none.
    assert!(answers[1].get("warnings").is_none() && answers[2].get("warnings").is_none());
    assert!(
        answers.iter().all(|a| a["verdict"] == "allow"),
        "{}",
        run.stdout
    );
}

#[test]
fn check_with_no_path_checks_the_folder_not_an_empty_pipe() {
    // What a git hook or a CI step runs: no path, standard input not a terminal.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("draft.md"), "Card: 4111 1111 1111 1111\n").unwrap();
    let run = tenet_in(dir.path(), &["check", "--format", "json"], Some(""));
    let files = json(&run)["files"].as_array().unwrap().clone();
    assert_eq!(files.len(), 1, "{}", run.stdout);
    assert!(files[0]["path"].as_str().unwrap().ends_with("draft.md"));
    assert!(run.stdout.contains("confidentiality.payment-card"));
}

#[test]
fn walking_a_folder_honours_gitignore_ignore_files_and_exclude() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let git = Command::new("git")
        .arg("init")
        .arg("-q")
        .current_dir(root)
        .status();
    if !git.is_ok_and(|s| s.success()) {
        eprintln!("note: git is not available; skipping");
        return;
    }
    for (path, text) in [
        ("post.md", "Thanks guys!\n"),
        ("target/debug/build.txt", "Thanks guys!\n"),
        ("node_modules/pkg/README.md", "Thanks guys!\n"),
        ("drafts/old/archive.md", "Thanks guys!\n"),
        ("drafts/new.md", "Thanks guys!\n"),
        (".hidden/notes.md", "Thanks guys!\n"),
    ] {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    std::fs::write(root.join(".gitignore"), "/target\nnode_modules/\n").unwrap();
    std::fs::write(root.join("drafts/.ignore"), "old/\n").unwrap();
    let checked = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["check", "--format", "json"];
        all.extend_from_slice(args);
        let run = tenet_in(root, &all, None);
        let mut paths: Vec<String> = json(&run)["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                f["path"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches("./")
                    .to_string()
            })
            .collect();
        paths.sort();
        paths
    };
    assert_eq!(checked(&["."]), ["drafts/new.md", "post.md"]);
    assert_eq!(checked(&[]), ["drafts/new.md", "post.md"]);
    assert_eq!(checked(&["--exclude", "drafts/", "."]), ["post.md"]);
    assert_eq!(checked(&["--exclude", "*.md", "."]), Vec::<String>::new());
    // A file named on the command line is checked, ignored or not.
    assert_eq!(
        checked(&["target/debug/build.txt"]),
        ["target/debug/build.txt"]
    );
    // Ignore files no longer count; hidden folders (.git, .hidden) still do.
    assert_eq!(
        checked(&["--no-ignore", "."]),
        [
            "drafts/new.md",
            "drafts/old/archive.md",
            "node_modules/pkg/README.md",
            "post.md",
            "target/debug/build.txt"
        ]
    );
}

#[test]
fn piping_into_head_is_not_an_error() {
    // A reader that stops early (`tenet check | head`) closes the pipe: no
    // "Broken pipe" message, no usage-error exit.
    let dir = tempfile::tempdir().unwrap();
    for i in 0..400 {
        std::fs::write(
            dir.path().join(format!("d{i:03}.md")),
            "Thanks guys, call me on (713) 853-6161!!!\n",
        )
        .unwrap();
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_tenet"))
        .args(["check", "--format", "jsonl", "."])
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 64];
    std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut first).unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}

#[test]
fn files_are_printed_in_order_as_they_are_checked() {
    // Standard input comes last and is held open: the files before it must be
    // on stdout while tenet is still waiting for it, and in the order given
    // (more of them than output buffers hold).
    let dir = tempfile::tempdir().unwrap();
    for i in 0..1000 {
        let text = "Thanks guys!!!\n".repeat(1 + i % 3);
        std::fs::write(dir.path().join(format!("d{i:04}.md")), text).unwrap();
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_tenet"))
        .args(["check", "--format", "jsonl", ".", "-"])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (lines_tx, lines_rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in std::io::BufRead::lines(std::io::BufReader::new(stdout)) {
            let _ = lines_tx.send(line.unwrap());
        }
    });
    let Ok(first) = lines_rx.recv_timeout(std::time::Duration::from_secs(60)) else {
        child.kill().unwrap();
        panic!("nothing was printed before the last input was read");
    };
    // Each line is one file: its path and how many findings it has.
    let summary = |line: &str| {
        let file: serde_json::Value = serde_json::from_str(line).unwrap();
        let findings = file["findings"].as_array().unwrap().len();
        format!("{}:{findings}", file["path"].as_str().unwrap())
    };
    let first = summary(&first);
    assert!(first.starts_with("./d0000.md:"), "{first}");
    assert!(
        child.try_wait().unwrap().is_none(),
        "tenet is waiting for standard input"
    );
    let mut stdin = child.stdin.take().unwrap();
    std::io::Write::write_all(&mut stdin, b"Thanks guys!!!\n").unwrap();
    drop(stdin);
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "hints do not fail the run");
    reader.join().unwrap();
    let lines: Vec<String> = std::iter::once(first)
        .chain(lines_rx.iter().map(|l| summary(&l)))
        .collect();
    // The same as the whole-run document says, file by file.
    let doc = json(&tenet_in(
        dir.path(),
        &["check", "--format", "json", ".", "-"],
        Some("Thanks guys!!!\n"),
    ));
    let want: Vec<String> = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{}:{}",
                f["path"].as_str().unwrap(),
                f["findings"].as_array().unwrap().len()
            )
        })
        .collect();
    assert_eq!(want.len(), 1001);
    assert_eq!(
        want[1000],
        format!("<stdin>:{}", want[0].rsplit(':').next().unwrap())
    );
    assert_eq!(lines, want);
}

#[test]
fn lsp_accepts_the_stdio_flag_generic_clients_send() {
    // No `initialize`, no `exit`: the server ends as the protocol says (1), not
    // with a usage error (2).
    let run = tenet(&["lsp", "--stdio"], Some(""));
    assert_eq!(run.code, 1, "{}", run.stderr);
}

#[test]
fn statistics_count_findings_by_rule_and_quiet_drops_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.md"),
        "Thanks guys!!! And you guys too.\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("b.md"), "Hey guys, see you at 3.\n").unwrap();
    let run = tenet_in(dir.path(), &["check", "--statistics", "."], None);
    let first = run.stdout.lines().next().unwrap_or_default().to_string();
    assert_eq!(
        first.split_whitespace().collect::<Vec<_>>(),
        ["3", "hint", "add-value.inclusive-greeting"],
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("a.md"), "{}", run.stdout);
    let run = tenet_in(
        dir.path(),
        &["check", "--statistics", "--format", "json", "."],
        None,
    );
    let rows = json(&run);
    assert_eq!(rows[0]["rule"], "add-value.inclusive-greeting");
    assert_eq!(rows[0]["count"], 3);
    let loud = tenet_in(dir.path(), &["check", "."], None);
    let quiet = tenet_in(dir.path(), &["check", "-q", "."], None);
    assert!(loud.stdout.contains("findings"), "{}", loud.stdout);
    assert!(!quiet.stdout.contains(" findings ("), "{}", quiet.stdout);
    assert!(quiet.stdout.contains("add-value.inclusive-greeting"));
    assert_eq!(loud.code, quiet.code);
}

/// Compiled rules are kept in `TENET_CACHE_DIR` and read back by the next run,
/// which answers the same; `--no-cache` neither reads nor writes the folder.
#[test]
fn the_rule_cache_changes_nothing_but_speed_and_no_cache_leaves_it_alone() {
    let cache = tempfile::tempdir().unwrap();
    let draft = "Call me at 415-555-0132 about Project Bluebird, thanks!!\n";
    let check = |extra: &[&str]| {
        let mut args = vec!["check", "--format", "json", "--stdin-filename", "post.md"];
        args.extend(extra);
        args.push("-");
        let out = run::tenet_with(
            Path::new(env!("CARGO_MANIFEST_DIR")),
            &args,
            draft.as_bytes(),
            &[("TENET_CACHE_DIR", cache.path())],
        );
        (out.status.code(), String::from_utf8(out.stdout).unwrap())
    };
    let entries = || std::fs::read_dir(cache.path()).unwrap().count();
    let uncached = check(&["--no-cache"]);
    assert_eq!(entries(), 0, "--no-cache wrote to the cache");
    for rule in [
        "confidentiality.phone-number",
        "confidentiality.codename-pattern",
    ] {
        assert!(uncached.1.contains(rule), "no {rule}: {}", uncached.1);
    }
    let cold = check(&[]);
    assert_eq!(entries(), 1);
    let warm = check(&[]);
    assert_eq!(entries(), 1);
    assert_eq!(cold, uncached);
    assert_eq!(warm, uncached);
}

/// An append fix on saved files ends a one-line post's line and adds a last line
/// to a longer draft, each keeping its final line break; once applied, the rule
/// is satisfied and a second run finds nothing.
#[test]
fn append_fixes_keep_the_line_and_the_final_line_break() {
    let dir = tempfile::tempdir().unwrap();
    let rules = "guideline test {\n  list signoff = \"sent from tenet\"\n  rule sign warning {\n    find \"draft\"\n    unless has signoff\n    once\n    append \"Sent from Tenet.\" safe\n    message \"Sign it.\"\n  }\n}\n";
    std::fs::write(dir.path().join("sign.tenet"), rules).unwrap();
    std::fs::write(dir.path().join("post.md"), "Shipping the draft today.\n").unwrap();
    std::fs::write(
        dir.path().join("notes.txt"),
        "Notes\r\n\r\nThe draft is in.\r\n",
    )
    .unwrap();
    let check = ["check", "--no-default-rules", "--rules", "sign.tenet"];
    let files = ["post.md", "notes.txt"];
    let fix = tenet_in(dir.path(), &[&check[..], &["--fix"], &files].concat(), None);
    assert!(
        fix.stdout.contains("fixed 2 findings"),
        "{}{}",
        fix.stdout,
        fix.stderr
    );
    let read = |name| std::fs::read_to_string(dir.path().join(name)).unwrap();
    assert_eq!(
        read("post.md"),
        "Shipping the draft today. Sent from Tenet.\n"
    );
    assert_eq!(
        read("notes.txt"),
        "Notes\r\n\r\nThe draft is in.\r\nSent from Tenet.\r\n"
    );
    let again = tenet_in(dir.path(), &[&check[..], &files].concat(), None);
    assert_eq!(again.code, 0, "{}{}", again.stdout, again.stderr);
}

/// `text` in UTF-16 after its byte-order mark.
fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    std::iter::once(0xFEFF)
        .chain(text.encode_utf16())
        .flat_map(|u: u16| match big_endian {
            true => u.to_be_bytes(),
            false => u.to_le_bytes(),
        })
        .collect()
}

/// A draft is read in its encoding and fixed in it: a Windows-1252 file keeps
/// every other byte as it was, a UTF-16 file (once skipped as binary for its
/// NUL bytes) is checked with the columns an editor shows and comes back in
/// UTF-16 after its byte-order mark, and a UTF-8 file keeps its mark; fixed
/// standard input goes out as it came in. A fix whose text the encoding cannot
/// hold stays a finding. Bytes after a UTF-16 mark that are no UTF-16 are a
/// note, and the run goes on.
#[test]
fn drafts_are_read_and_fixed_in_their_own_encoding() {
    let dir = tempfile::tempdir().unwrap();
    let rules = "guideline test {\n  rule greet hint {\n    replace \"you guys\" -> \"you all\" safe\n    message \"Say all.\"\n  }\n  rule arrow hint {\n    replace \"arrow\" -> \"→\" safe\n    message \"Draw it.\"\n  }\n}\n";
    std::fs::write(dir.path().join("t.tenet"), rules).unwrap();
    let text = "Café arrow: thank you guys\r\n";
    let fixed = "Café →: thank you all\r\n";
    let write = |name: &str, bytes: &[u8]| std::fs::write(dir.path().join(name), bytes).unwrap();
    write("cp.txt", b"Caf\xe9 arrow: thank you guys\r\n");
    write("le.md", &utf16(text, false));
    write("be.md", &utf16(text, true));
    write("bom.md", &[b"\xef\xbb\xbf", text.as_bytes()].concat());
    write("broken.md", b"\xff\xfe\x00\xd8A\x00");
    let check = ["check", "--no-default-rules", "--rules", "t.tenet"];
    let files = ["cp.txt", "le.md", "be.md", "bom.md", "broken.md"];

    let run = tenet_in(
        dir.path(),
        &[&check[..], &["--format", "json"], &files].concat(),
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = json(&run);
    assert_eq!(
        report["notes"],
        serde_json::json!([{
            "path": "broken.md",
            "message": "cannot read: not valid UTF-16 after its byte-order mark"
        }])
    );
    let files_json = report["files"].as_array().unwrap();
    assert_eq!(files_json.len(), 4, "every readable draft is checked");
    // Byte offsets count the text as UTF-8, so each file says how it was read.
    let encodings: Vec<&str> = files_json
        .iter()
        .map(|f| f["encoding"].as_str().unwrap())
        .collect();
    assert_eq!(
        encodings,
        ["windows-1252", "utf-16le", "utf-16be", "utf-8-bom"]
    );
    for file in files_json {
        let columns: Vec<(u64, u64)> = file["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let at = &f["start"];
                (at["line"].as_u64().unwrap(), at["column"].as_u64().unwrap())
            })
            .collect();
        // `arrow` and `you guys`, counted from the first character shown.
        assert_eq!(columns, [(1, 6), (1, 19)], "{}", file["path"]);
    }

    let run = tenet_in(dir.path(), &[&check[..], &["--fix"], &files].concat(), None);
    assert!(
        run.stdout.contains("fixed 7 findings"),
        "{}{}",
        run.stdout,
        run.stderr
    );
    let read = |name: &str| std::fs::read(dir.path().join(name)).unwrap();
    assert_eq!(read("cp.txt"), b"Caf\xe9 arrow: thank you all\r\n");
    assert!(
        run.stdout.contains("cp.txt:1:6: hint[test.arrow]"),
        "Windows-1252 has no arrow: {}",
        run.stdout
    );
    assert_eq!(read("le.md"), utf16(fixed, false));
    assert_eq!(read("be.md"), utf16(fixed, true));
    assert_eq!(read("bom.md"), [b"\xef\xbb\xbf", fixed.as_bytes()].concat());
    assert_eq!(read("broken.md"), b"\xff\xfe\x00\xd8A\x00");

    let piped = run::tenet(
        dir.path(),
        &[&check[..], &["--fix", "-"]].concat(),
        b"Caf\xe9 arrow: thank you guys\n",
    );
    assert_eq!(piped.stdout, b"Caf\xe9 arrow: thank you all\n");
}

/// A list saved with a byte-order mark (as Windows editors and Excel's "CSV
/// UTF-8" save it) keeps its first term, which once began with U+FEFF and
/// matched nothing; one saved as UTF-16 ("Unicode text") is read too.
#[test]
fn list_files_with_a_byte_order_mark_keep_their_first_term() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| std::fs::write(dir.path().join(name), bytes).unwrap();
    write("fruit.txt", b"\xef\xbb\xbfbanana\r\ncherry\r\n");
    write("veg.txt", &utf16("leek\r\nkale\r\n", false));
    write(
        "t.tenet",
        b"guideline g {\n  list fruit = file \"fruit.txt\"\n  list veg = file \"veg.txt\"\n  rule r warning {\n    find fruit, veg\n    message \"{match}\"\n  }\n}\n",
    );
    let check = ["check", "--no-default-rules", "--rules", "t.tenet"];
    let run = tenet_in(
        dir.path(),
        &[&check[..], &["--format", "json", "-"]].concat(),
        Some("banana, cherry, leek and kale\n"),
    );
    let findings = json(&run)["files"][0]["findings"].clone();
    let matches: Vec<&str> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["match"].as_str().unwrap())
        .collect();
    assert_eq!(
        matches,
        ["banana", "cherry", "leek", "kale"],
        "{}",
        run.stderr
    );
}

/// A draft whose fixes cannot be written (here, a read-only one) is left as it
/// is, with a note, and still reported with the findings it holds; the other
/// drafts are fixed, and the exit code counts what is left.
#[test]
fn a_draft_whose_fixes_cannot_be_written_is_still_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name);
    std::fs::write(
        path("t.tenet"),
        "guideline test {\n  rule greet warning {\n    replace \"you guys\" -> \"you all\" safe\n    message \"Say all.\"\n  }\n}\n",
    )
    .unwrap();
    for name in ["locked.md", "open.md"] {
        std::fs::write(path(name), "Thank you guys\n").unwrap();
    }
    let mut locked = std::fs::metadata(path("locked.md")).unwrap().permissions();
    locked.set_readonly(true);
    std::fs::set_permissions(path("locked.md"), locked).unwrap();
    let run = tenet_in(
        dir.path(),
        &[
            "check",
            "--no-default-rules",
            "--rules",
            "t.tenet",
            "--fail-on",
            "warning",
            "--fix",
            "locked.md",
            "open.md",
        ],
        None,
    );
    assert!(
        run.stderr
            .contains("tenet: locked.md: cannot write the fixes: the file is read-only"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout
            .contains("locked.md:1:7: warning[test.greet] Say all.")
            && run.stdout.contains("fixed 1 finding"),
        "{}",
        run.stdout
    );
    assert_eq!(run.code, 1, "the locked draft's warning is still there");
    let read = |name: &str| std::fs::read_to_string(path(name)).unwrap();
    assert_eq!(read("locked.md"), "Thank you guys\n");
    assert_eq!(read("open.md"), "Thank you all\n");
}
