//! The command line in hooks and CI: fixes, diffs, baselines, the CI formats, and
//! which files a walk checks.

use std::fs;
use std::io::Write;
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
    let out = run::tenet(dir, args, stdin.unwrap_or_default().as_bytes());
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A folder of drafts: two with safe fixes, one with only an unsafe one, one clean.
fn drafts() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("drafts");
    fs::create_dir(&d).unwrap();
    fs::write(
        d.join("launch.md"),
        "Great launch today!!!!! Thanks you guys for the support. #spon\n",
    )
    .unwrap();
    fs::write(
        d.join("partner.md"),
        "Our new range is out, made with @kicksco. #collab\n",
    )
    .unwrap();
    fs::write(
        d.join("team.txt"),
        "Hi you guys,\r\nthe quarterly report is ready for review on the shared drive.\r\n",
    )
    .unwrap();
    fs::write(
        d.join("clean.md"),
        "The quarterly numbers are in; revenue grew in every region.\n",
    )
    .unwrap();
    dir
}

fn read(dir: &Path, name: &str) -> String {
    fs::read_to_string(dir.join("drafts").join(name)).unwrap()
}

#[test]
fn fix_applies_exactly_the_safe_fixes_and_a_second_run_finds_nothing_to_fix() {
    let dir = drafts();
    let before_partner = read(dir.path(), "partner.md");
    let run = tenet_in(dir.path(), &["check", "--fix", "drafts"], None);
    assert!(run.stdout.contains("fixed 4 findings"), "{}", run.stdout);
    assert_eq!(
        read(dir.path(), "launch.md"),
        "Great launch today! Thanks you all for the support. #ad\n"
    );
    // Line ends are kept as they were.
    assert_eq!(
        read(dir.path(), "team.txt"),
        "Hi you all,\r\nthe quarterly report is ready for review on the shared drive.\r\n"
    );
    // `#collab` → `#ad` is not marked safe: left for a person.
    assert_eq!(read(dir.path(), "partner.md"), before_partner);
    assert_eq!(
        read(dir.path(), "clean.md"),
        "The quarterly numbers are in; revenue grew in every region.\n"
    );
    // No temporary files left behind.
    let names: Vec<String> = fs::read_dir(dir.path().join("drafts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 4, "{names:?}");

    let again = tenet_in(dir.path(), &["check", "--diff", "drafts"], None);
    assert_eq!(again.code, 0, "{}{}", again.stdout, again.stderr);
    assert_eq!(again.stdout, "");
    assert!(again.stderr.contains("would fix 0 findings in 0 files"));
}

#[test]
fn unsafe_fixes_apply_every_fix() {
    let dir = drafts();
    let run = tenet_in(
        dir.path(),
        &["check", "--fix", "--unsafe-fixes", "drafts/partner.md"],
        None,
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        read(dir.path(), "partner.md"),
        "Our new range is out, made with @kicksco. #ad\n"
    );
    let alone = tenet_in(dir.path(), &["check", "--unsafe-fixes", "drafts"], None);
    assert_eq!(alone.code, 2);
    assert!(alone.stderr.contains("only with --fix or --diff"));
}

#[test]
fn diff_prints_the_fixes_and_changes_nothing() {
    let dir = drafts();
    let run = tenet_in(dir.path(), &["check", "--diff", "drafts"], None);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout,
        "--- a/drafts/launch.md\n+++ b/drafts/launch.md\n@@ -1 +1 @@\n\
         -Great launch today!!!!! Thanks you guys for the support. #spon\n\
         +Great launch today! Thanks you all for the support. #ad\n\
         --- a/drafts/team.txt\n+++ b/drafts/team.txt\n@@ -1,2 +1,2 @@\n\
         -Hi you guys,\r\n+Hi you all,\r\n the quarterly report is ready for review on the shared drive.\r\n"
    );
    assert!(run.stderr.contains("would fix 4 findings in 2 files"));
    assert_eq!(
        read(dir.path(), "launch.md"),
        "Great launch today!!!!! Thanks you guys for the support. #spon\n"
    );
}

#[test]
fn diff_never_shows_redacted_text() {
    let dir = tempfile::tempdir().unwrap();
    let card = "4111 1111 1111 1111";
    fs::write(
        dir.path().join("card.md"),
        format!("Thanks you guys!!! My visa is {card}.\n"),
    )
    .unwrap();
    let run = tenet_in(dir.path(), &["check", "--diff", "card.md"], None);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.contains("+Thanks you all! My visa is"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("1111"), "{}", run.stdout);
}

#[test]
fn fix_on_standard_input_prints_the_fixed_text() {
    let dir = tempfile::tempdir().unwrap();
    let run = tenet_in(
        dir.path(),
        &["check", "--fix", "-"],
        Some("Thanks you guys, the report is ready for review.\n"),
    );
    assert_eq!(
        run.stdout,
        "Thanks you all, the report is ready for review.\n"
    );
    assert!(run.stderr.contains("fixed 1 finding"), "{}", run.stderr);
}

/// Standard output is the fixed text's alone: when standard input turns out
/// binary, another file's findings still go to standard error.
#[test]
fn fix_on_unreadable_standard_input_keeps_findings_off_standard_output() {
    let dir = drafts();
    let run = tenet_in(
        dir.path(),
        &["check", "--fix", "drafts/partner.md", "-"],
        Some("binary\0draft"),
    );
    assert_eq!(run.stdout, "", "{}", run.stderr);
    assert!(
        run.stderr.contains("binary file, skipped"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("partner.md:1:"), "{}", run.stderr);
}

#[test]
fn fixes_are_written_atomically_through_links_keeping_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = drafts();
    let target = dir.path().join("drafts/launch.md");
    fs::set_permissions(&target, fs::Permissions::from_mode(0o640)).unwrap();
    let link = dir.path().join("link.md");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let run = tenet_in(dir.path(), &["check", "--fix", "link.md"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(fs::read_to_string(&target).unwrap().contains("you all"));
    let mode = fs::metadata(&target).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
}

fn json(run: &Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", run.stdout))
}

#[test]
fn sarif_describes_rules_with_help_links_fingerprints_and_utf16_columns() {
    let dir = tempfile::tempdir().unwrap();
    // An emoji before the finding: 2 UTF-16 units, 1 character.
    fs::write(
        dir.path().join("a.md"),
        "😀 Thanks you guys, the report is ready.\n",
    )
    .unwrap();
    let run = tenet_in(dir.path(), &["check", "--format", "sarif", "a.md"], None);
    let log = json(&run);
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(
        log["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    let run0 = &log["runs"][0];
    assert_eq!(run0["columnKind"], "utf16CodeUnits");
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    let result = &run0["results"][0];
    assert_eq!(result["ruleId"], "add-value.inclusive-greeting");
    let rule = &rules[result["ruleIndex"].as_u64().unwrap() as usize];
    assert_eq!(rule["id"], result["ruleId"]);
    assert!(rule["helpUri"].as_str().unwrap().starts_with("https://"));
    assert!(!rule["help"]["text"].as_str().unwrap().is_empty());
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 1);
    assert_eq!(
        region["startColumn"], 11,
        "“you guys” starts at UTF-16 unit 11"
    );
    assert_eq!(region["endColumn"], 19);
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "a.md"
    );
    assert_eq!(
        result["partialFingerprints"]["tenet/v1"]
            .as_str()
            .unwrap()
            .len(),
        16
    );
}

#[test]
fn sarif_gives_a_remark_on_the_whole_draft_its_first_line_and_unread_files_a_notification() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("b.md"), "+1\n").unwrap();
    let run = tenet_in(
        dir.path(),
        &["check", "--format", "sarif", "b.md", "missing.md"],
        None,
    );
    let log = json(&run);
    let run0 = &log["runs"][0];
    let result = &run0["results"][0];
    assert_eq!(result["ruleId"], "add-value.near-empty");
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region, &serde_json::json!({ "startLine": 1 }));
    let notes = run0["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["level"], "warning");
    assert_eq!(
        notes[0]["locations"][0]["physicalLocation"],
        serde_json::json!({ "artifactLocation": { "uri": "missing.md", "uriBaseId": "%SRCROOT%" } })
    );
    assert!(run0["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap()
        .starts_with("file:///"));
}

#[test]
fn sarif_and_every_ci_format_never_show_redacted_text() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("card.md"),
        "My visa is 4111 1111 1111 1111, call me.\n",
    )
    .unwrap();
    for format in ["sarif", "github", "junit"] {
        let run = tenet_in(dir.path(), &["check", "--format", format, "card.md"], None);
        assert_eq!(run.code, 1, "{format}: {}", run.stderr);
        assert!(
            run.stdout.contains("payment-card"),
            "{format}: {}",
            run.stdout
        );
        assert!(!run.stdout.contains("1111"), "{format}: {}", run.stdout);
    }
}

#[test]
fn github_annotations_are_escaped_and_located() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("a,b.md"),
        "Intro line.\nThanks you guys, the report is ready.\n",
    )
    .unwrap();
    let run = tenet_in(dir.path(), &["check", "--format", "github", "."], None);
    assert_eq!(
        run.stdout,
        "::notice file=a%2Cb.md,line=2,col=8,endColumn=16,title=add-value.inclusive-greeting::\
         “you guys” leaves people out; try “you all”.\n"
    );
}

#[test]
fn junit_has_a_suite_per_file_and_a_failure_per_finding() {
    let dir = drafts();
    let run = tenet_in(dir.path(), &["check", "--format", "junit", "drafts"], None);
    let out = &run.stdout;
    assert!(
        out.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"tenet\"")
    );
    assert_eq!(out.matches("<testsuite ").count(), 4, "{out}");
    assert_eq!(
        out.matches("<failure ").count(),
        out.matches("</failure>").count()
    );
    assert!(out.contains(r#"<testcase name="tenet" classname="drafts/clean.md"/>"#));
    assert!(out.contains("&amp;") || !out.contains(" & "));
    assert!(out.trim_end().ends_with("</testsuites>"));
}

#[test]
fn baseline_accepts_known_findings_moved_text_stays_accepted_changed_match_is_new() {
    let dir = drafts();
    let d = dir.path();
    let write = tenet_in(
        d,
        &["check", "--write-baseline", "tenet-baseline.json", "drafts"],
        None,
    );
    assert_eq!(write.code, 0, "{}", write.stderr);
    assert!(
        write
            .stderr
            .contains("wrote 5 findings to tenet-baseline.json"),
        "{}",
        write.stderr
    );
    assert_eq!(write.stdout, "");

    // The same drafts, from another folder and named another way: nothing new.
    let sub = d.join("drafts");
    let again = tenet_in(
        &sub,
        &["check", "--baseline", "../tenet-baseline.json", "."],
        None,
    );
    assert_eq!(again.code, 0, "{}", again.stdout);
    assert!(again.stdout.starts_with("0 findings"), "{}", again.stdout);
    assert!(again.stdout.contains("5 accepted by the baseline"));

    // Moved text is still accepted; a changed match is new.
    fs::write(
        sub.join("launch.md"),
        "A new first line.\n\nGreat launch today!!!!! Thanks you guys for the support. #spon\n",
    )
    .unwrap();
    let moved = tenet_in(
        d,
        &["check", "--baseline", "tenet-baseline.json", "drafts"],
        None,
    );
    assert!(moved.stdout.starts_with("0 findings"), "{}", moved.stdout);
    fs::write(
        sub.join("launch.md"),
        "Great launch today!!!!! Thanks you guys for the support. #sp\n",
    )
    .unwrap();
    let changed = tenet_in(
        d,
        &[
            "check",
            "--format",
            "json",
            "--baseline",
            "tenet-baseline.json",
            "drafts",
        ],
        None,
    );
    let doc = json(&changed);
    let rules: Vec<&str> = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["findings"].as_array().unwrap())
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["disclosure.weak-disclosure"]);

    let broken = d.join("broken.json");
    fs::write(&broken, "{ not json").unwrap();
    let bad = tenet_in(d, &["check", "--baseline", "broken.json", "drafts"], None);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("not a tenet baseline"),
        "{}",
        bad.stderr
    );
}

/// A match across lines keeps its fingerprint when its paragraph is wrapped
/// anew; a baseline of version 1, whose fingerprints took whitespace as
/// written, is read as it was written.
#[test]
fn baseline_keeps_a_rewrapped_match_and_reads_version_1() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::create_dir(d.join("drafts")).unwrap();
    let memo = d.join("drafts/memo.md");
    let wrapped = "This memo holds inside\ninformation about the merger.\n";
    let rewrapped = "This memo holds inside information\nabout the merger.\n";
    fs::write(&memo, wrapped).unwrap();
    let check = |baseline: &str| {
        let run = tenet_in(
            d,
            &[
                "check",
                "--format",
                "json",
                "--baseline",
                baseline,
                "drafts",
            ],
            None,
        );
        let doc = json(&run);
        let findings = doc["files"][0]["findings"].as_array().unwrap().clone();
        findings
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };

    let write = tenet_in(d, &["check", "--write-baseline", "b2.json", "drafts"], None);
    assert!(
        write.stderr.contains("wrote 2 findings to b2.json"),
        "{}",
        write.stderr
    );
    let written: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(d.join("b2.json")).unwrap()).unwrap();
    assert_eq!(written["version"], 2);
    fs::write(&memo, rewrapped).unwrap();
    assert_eq!(check("b2.json"), Vec::<String>::new());

    // What tenet wrote for the wrapped memo before whitespace runs counted as
    // one space: the secrecy finding's fingerprint hashed `inside\ninformation`.
    let version_1 = r#"{
  "version": 1,
  "findings": [
    { "path": "drafts/memo.md", "rule": "confidentiality.secrecy", "fingerprint": "14db1870dbade61d" },
    { "path": "drafts/memo.md", "rule": "confidentiality.unannounced-deal", "fingerprint": "fd6790ddfb164d86" }
  ]
}"#;
    fs::write(d.join("b1.json"), version_1).unwrap();
    fs::write(&memo, wrapped).unwrap();
    assert_eq!(check("b1.json"), Vec::<String>::new());
    // Its fingerprints are version 1's: rewrapped, the match is new to it.
    fs::write(&memo, rewrapped).unwrap();
    assert_eq!(check("b1.json"), ["confidentiality.secrecy"]);

    fs::write(
        d.join("b3.json"),
        version_1.replace("\"version\": 1", "\"version\": 3"),
    )
    .unwrap();
    let newer = tenet_in(d, &["check", "--baseline", "b3.json", "drafts"], None);
    assert_eq!(newer.code, 2);
    assert!(
        newer.stderr.contains("baseline version 3"),
        "{}",
        newer.stderr
    );
}

#[test]
fn configuration_exclude_and_types_decide_what_a_walk_checks() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(
        d.join("tenet.toml"),
        "exclude = [\"archive/\", \"*.draft.md\"]\n[types]\nrst = \"text\"\nhtm = \"markdown\"\n",
    )
    .unwrap();
    fs::create_dir(d.join("archive")).unwrap();
    let guys = "Thanks you guys, the report is ready.\n";
    for name in [
        "archive/old.md",
        "notes.draft.md",
        "post.md",
        "page.rst",
        "skip.html",
    ] {
        fs::write(d.join(name), guys).unwrap();
    }
    let run = tenet_in(d, &["check", "--format", "count"], None);
    assert_eq!(run.stdout, "./page.rst:1\n./post.md:1\n", "{}", run.stderr);
    // Named files are checked unless --force-exclude says otherwise.
    let named = tenet_in(
        d,
        &["check", "--format", "count", "archive/old.md", "post.md"],
        None,
    );
    assert_eq!(named.stdout, "archive/old.md:1\npost.md:1\n");
    let forced = tenet_in(
        d,
        &[
            "check",
            "--format",
            "count",
            "--force-exclude",
            "--exclude",
            "post.md",
            "archive/old.md",
            "post.md",
            "page.rst",
        ],
        None,
    );
    assert_eq!(forced.stdout, "page.rst:1\n");
    // A bad value is an error at its place.
    fs::write(d.join("tenet.toml"), "[types]\nrst = \"html\"\n").unwrap();
    let bad = tenet_in(d, &["check"], None);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("expected markdown, text or email"),
        "{}",
        bad.stderr
    );
}

#[test]
fn color_is_chosen_by_the_flag() {
    let dir = drafts();
    let always = tenet_in(dir.path(), &["check", "--color", "always", "drafts"], None);
    assert!(always.stdout.contains("\x1b["));
    let never = tenet_in(dir.path(), &["check", "--color", "never", "drafts"], None);
    assert!(!never.stdout.contains("\x1b["));
    let auto = tenet_in(dir.path(), &["check", "drafts"], None);
    assert!(!auto.stdout.contains("\x1b["), "not a terminal");
}

#[test]
fn exit_zero_never_fails_on_findings_but_still_on_errors() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("card.md"),
        "My visa is 4111 1111 1111 1111.\n",
    )
    .unwrap();
    assert_eq!(tenet_in(dir.path(), &["check", "card.md"], None).code, 1);
    let run = tenet_in(dir.path(), &["check", "--exit-zero", "card.md"], None);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("payment-card"));
    fs::write(dir.path().join("tenet.toml"), "fail-on = \"loud\"\n").unwrap();
    assert_eq!(
        tenet_in(dir.path(), &["check", "--exit-zero", "card.md"], None).code,
        2
    );
}

#[test]
fn completions_and_man_pages_are_generated() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let run = tenet_in(dir.path(), &["completions", shell], None);
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        assert!(run.stdout.contains("unsafe-fixes"), "{shell}");
    }
    let page = tenet_in(dir.path(), &["man"], None);
    assert!(page.stdout.contains(".TH tenet 1"), "{}", page.stdout);
    let check = tenet_in(dir.path(), &["man", "check"], None);
    assert!(check.stdout.contains(".TH tenet-check 1"));
    assert!(check.stdout.contains(r"\-\-write\-baseline"));
    let none = tenet_in(dir.path(), &["man", "nope"], None);
    assert_eq!(none.code, 2);
}

#[test]
fn rules_list_ends_at_a_sentence_has_json_and_shows_rules_turned_off() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("tenet.toml"),
        "[levels]\n\"add-value.shouting\" = \"off\"\n",
    )
    .unwrap();
    let table = tenet_in(dir.path(), &["rules", "list"], None);
    for line in table
        .stdout
        .lines()
        .filter(|l| l.contains('.') && l.contains("  "))
    {
        let summary = line
            .split("  ")
            .filter(|s| !s.is_empty())
            .last()
            .unwrap()
            .trim();
        assert!(
            summary.ends_with(['.', '!', '?', ')', '”', '"']),
            "cut mid-sentence: {line}"
        );
    }
    assert!(table.stdout.contains("add-value.shouting"));
    assert!(table.stdout.contains("(1 turned off in tenet.toml)"));
    let rows: serde_json::Value =
        serde_json::from_str(&tenet_in(dir.path(), &["rules", "list", "--json"], None).stdout)
            .unwrap();
    let shouting = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "add-value.shouting")
        .unwrap();
    assert_eq!(shouting["enabled"], false);
    assert!(shouting["doc"].as_str().unwrap().len() > shouting["summary"].as_str().unwrap().len());
    let explain = tenet_in(
        dir.path(),
        &["rules", "explain", "add-value.shouting"],
        None,
    );
    assert_eq!(explain.code, 0, "{}", explain.stderr);
    assert!(explain
        .stdout
        .starts_with("This rule is turned off by the configuration"));
}

#[test]
fn unknown_suppression_directives_are_reported_with_the_nearest_real_one() {
    let dir = tempfile::tempdir().unwrap();
    let draft = "Hello team,\n<!-- tenet-disable-line add-value -->\nThe report is ready.\n# tenet-ignore\nIt is tenet-based work.\n";
    let run = tenet_in(
        dir.path(),
        &["check", "--stdin-filename", "a.md", "--format", "json", "-"],
        Some(draft),
    );
    let doc = json(&run);
    let found: Vec<(u64, String)> = doc["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "tenet.unknown-directive")
        .map(|f| {
            (
                f["start"]["line"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].0, 2);
    assert!(found[0]
        .1
        .contains("did you mean `tenet-disable-next-line`"));
    assert_eq!(found[1].0, 4);
}

#[test]
fn moderate_keeps_the_id_and_line_number_of_a_malformed_line() {
    let dir = tempfile::tempdir().unwrap();
    let input = "{\"id\": 7, \"text\": 5}\n\n{\"id\": \"x\", \"txt\": \"hi\"}\n{\"id\": 9, \"text\": \"The lounge opens at 6 am on Monday.\"}\n";
    let run = tenet_in(dir.path(), &["moderate"], Some(input));
    let lines: Vec<serde_json::Value> = run::json_lines(&run.stdout);
    assert_eq!(lines.len(), 3, "{}", run.stdout);
    assert_eq!(
        (&lines[0]["id"], &lines[0]["line"]),
        (&serde_json::json!(7), &serde_json::json!(1))
    );
    assert_eq!(
        (&lines[1]["id"], &lines[1]["line"]),
        (&serde_json::json!("x"), &serde_json::json!(3))
    );
    assert!(lines[1]["error"]
        .as_str()
        .unwrap()
        .contains("`text` is missing"));
    assert_eq!(lines[2]["verdict"], "allow");
}

#[test]
fn moderate_numbers_lines_across_batches_with_blank_and_malformed_lines() {
    // Lines travel between threads in batches: blank lines get no answer and
    // malformed ones an error naming their own line, however the batches fall.
    let dir = tempfile::tempdir().unwrap();
    let mut input = String::new();
    let mut expected = Vec::new();
    for line in 1..=1000u64 {
        if line % 7 == 0 {
            input.push('\n');
        } else if line % 50 == 0 {
            input.push_str(&format!("{{\"id\": {line}, \"txt\": \"no text\"}}\n"));
            expected.push((line, true));
        } else {
            input.push_str(&format!(
                "{{\"id\": {line}, \"text\": \"Lounge opens at 6.\"}}\n"
            ));
            expected.push((line, false));
        }
    }
    let run = tenet_in(dir.path(), &["moderate"], Some(&input));
    let got: Vec<(u64, bool)> = run
        .stdout
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let id = v["id"].as_u64().unwrap();
            if v.get("error").is_some() {
                assert_eq!(v["line"], id, "{l}");
            }
            (id, v.get("error").is_some())
        })
        .collect();
    assert_eq!(got, expected);
}

#[test]
fn moderate_answers_each_line_as_it_comes_and_keeps_input_order() {
    use std::io::{BufRead, BufReader};
    // Interactive: one line written, its answer read, before the next is written.
    let mut child = Command::new(env!("CARGO_BIN_EXE_tenet"))
        .arg("moderate")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let mut output = BufReader::new(child.stdout.take().unwrap());
    for i in 0..5 {
        writeln!(
            input,
            "{{\"id\": {i}, \"text\": \"worst airline ever, outage again\"}}"
        )
        .unwrap();
        input.flush().unwrap();
        let mut line = String::new();
        output.read_line(&mut line).unwrap();
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["id"], i);
    }
    drop(input);
    assert!(child.wait().unwrap().success());

    // More lines than may be in flight at once, checked on every core, answered in order.
    let mut lines = String::new();
    for i in 0..10_000 {
        let text = match i % 3 {
            0 => "The lounge opens on Monday at 6 am.".to_string(),
            1 => "x ".repeat(i % 700),
            _ => "My card 4111 1111 1111 1111 please".to_string(),
        };
        lines.push_str(&serde_json::json!({ "id": i, "text": text }).to_string());
        lines.push('\n');
    }
    let dir = tempfile::tempdir().unwrap();
    let run = tenet_in(dir.path(), &["moderate"], Some(&lines));
    let ids: Vec<u64> = run
        .stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(ids, (0..10_000).collect::<Vec<u64>>());
}
