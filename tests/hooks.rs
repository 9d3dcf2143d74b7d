//! Tenet with the real tools of hooks and CI, installed by the project's own
//! scripts (`tests/tools/`): pre-commit from PyPI, Microsoft's SARIF Multitool from
//! npm, and a baseline over the whole Enron corpus. Slow (a release build inside
//! pre-commit, 10,076 messages), so they are ignored by default; `.ci/run` runs
//! them from the test build, with the release binary for the size check:
//! `TENET_RELEASE_BIN=target/release/tenet cargo test --test hooks -- --ignored`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs one of `tests/tools/install-*.sh` and returns the executable it printed.
fn tool(script: &str) -> PathBuf {
    let out = Command::new(root().join("tests/tools").join(script))
        .output()
        .unwrap_or_else(|e| panic!("{script}: {e}"));
    assert!(
        out.status.success(),
        "{script} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    out
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn git(dir: &Path, args: &[&str]) -> Output {
    let out = run(Command::new("git")
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.com"])
        .args(args)
        .current_dir(dir));
    assert!(out.status.success(), "git {args:?}: {}", text(&out));
    out
}

#[test]
#[ignore = "installs pre-commit and builds tenet inside it; .ci/run runs it"]
fn pre_commit_try_repo_commits_a_clean_draft_and_refuses_a_code_name() {
    let pre_commit = tool("install-pre-commit.sh");
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    git(repo, &["init", "-q", "-b", "main"]);
    fs::write(
        repo.join("tenet.toml"),
        "[lists]\ncodenames = [\"Project Falcon\"]\n",
    )
    .unwrap();
    fs::write(
        repo.join("post.md"),
        "The quarterly numbers are in; revenue grew in every region.\n",
    )
    .unwrap();
    git(repo, &["add", "."]);
    let try_repo = |repo: &Path| {
        run(Command::new(&pre_commit)
            .args(["try-repo", root().to_str().unwrap(), "tenet"])
            .current_dir(repo)
            // pre-commit's environments, and cargo's build of tenet inside them, cached.
            .env(
                "PRE_COMMIT_HOME",
                root().join("target/tools/pre-commit-home"),
            )
            .env("CARGO_TARGET_DIR", root().join("target/pre-commit"))
            // This test is about the hook, not the binary's speed: an unoptimized
            // build of tenet inside pre-commit compiles in a fraction of the time.
            .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0"))
    };
    let clean = try_repo(repo);
    assert!(clean.status.success(), "{}", text(&clean));
    assert!(text(&clean).contains("tenet"), "{}", text(&clean));
    git(repo, &["commit", "-q", "-m", "a clean draft"]);

    fs::write(
        repo.join("launch.md"),
        "Can't wait for Project Falcon to ship next month!\n",
    )
    .unwrap();
    git(repo, &["add", "launch.md"]);
    let refused = try_repo(repo);
    let said = text(&refused);
    assert_eq!(refused.status.code(), Some(1), "{said}");
    assert!(
        said.contains("launch.md:1:16: error[confidentiality.codename]"),
        "{said}"
    );
}

#[test]
#[ignore = "installs the SARIF Multitool from npm; .ci/run runs it"]
fn sarif_output_validates_against_the_sarif_2_1_0_schema() {
    let multitool = tool("install-sarif-multitool.sh");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(
        d.join("post.md"),
        "😀 Thanks you guys!!! #spon\nMy visa is 4111 1111 1111 1111.\n",
    )
    .unwrap();
    fs::write(
        d.join("clean.md"),
        "The quarterly numbers are in; revenue grew everywhere.\n",
    )
    .unwrap();
    fs::write(d.join("bin.md"), b"\0\0binary").unwrap();
    let out = run(Command::new(env!("CARGO_BIN_EXE_tenet"))
        .args(["check", "--format", "sarif", "."])
        .current_dir(d));
    let sarif = d.join("out.sarif");
    fs::write(&sarif, &out.stdout).unwrap();
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(log["runs"][0]["results"].as_array().unwrap().len() >= 4);

    // A known-bad log first: the validator must be seen to fail.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        serde_json::json!(0);
    let bad = d.join("bad.sarif");
    fs::write(&bad, serde_json::to_vec(&broken).unwrap()).unwrap();
    let validate = |file: &Path| text(&run(Command::new(&multitool).arg("validate").arg(file)));
    let said = validate(&bad);
    assert!(
        said.contains(": error JSON"),
        "the validator did not catch a broken log:\n{said}"
    );

    let said = validate(&sarif);
    let errors: Vec<&str> = said.lines().filter(|l| l.contains(": error ")).collect();
    assert!(errors.is_empty(), "{said}");
    assert!(said.contains("Analysis completed successfully"), "{said}");
}

const ENRON: &str = "../shared/corpora/enron-lay-skilling/enron-lay-skilling-maildir.tar.gz";

#[test]
#[ignore = "checks the 10,076-message Enron corpus twice; .ci/run runs it"]
fn a_baseline_on_the_enron_corpus_leaves_only_a_new_code_name() {
    let tarball = root().join(ENRON);
    let Ok(file) = fs::File::open(&tarball) else {
        panic!("{} is not here", tarball.display());
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    tar::Archive::new(flate2::read::GzDecoder::new(file))
        .unpack(d.join("mail"))
        .unwrap();
    fs::write(
        d.join("tenet.toml"),
        "[lists]\ncodenames = [\"Project Falcon\"]\n",
    )
    .unwrap();
    let tenet = |args: &[&str]| {
        run(Command::new(env!("CARGO_BIN_EXE_tenet"))
            .args(args)
            .current_dir(d))
    };
    let write = tenet(&["check", "--write-baseline", "baseline.json", "mail"]);
    let said = text(&write);
    assert!(write.status.success(), "{said}");
    let written: usize = said
        .split("wrote ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{said}"));
    assert!(written > 1000, "{said}");

    let stats = tenet(&["check", "--statistics", "--format", "json", "mail"]);
    let rows: serde_json::Value = serde_json::from_slice(&stats.stdout).unwrap();
    let checked: u64 = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["count"].as_u64().unwrap())
        .sum();
    assert_eq!(checked as usize, written);

    let check_against_baseline = || {
        tenet(&[
            "check",
            "--baseline",
            "baseline.json",
            "--format",
            "json",
            "mail",
        ])
    };
    let next = check_against_baseline();
    let doc: serde_json::Value = serde_json::from_slice(&next.stdout).unwrap();
    assert_eq!(doc["summary"]["findings"], 0, "{}", text(&next));
    assert_eq!(next.status.code(), Some(0));
    let files = doc["summary"]["files"].as_u64().unwrap();
    assert!(files >= 10_076, "{files} files");

    fs::write(
        d.join("mail/new-draft.txt"),
        "Team: Project Falcon ships on Friday.\n",
    )
    .unwrap();
    let after = check_against_baseline();
    let doc: serde_json::Value = serde_json::from_slice(&after.stdout).unwrap();
    assert_eq!(doc["summary"]["findings"], 1, "{}", text(&after));
    let found: Vec<(String, String)> = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| {
            let path = f["path"].as_str().unwrap().to_string();
            f["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |x| (path.clone(), x["rule"].as_str().unwrap().to_string()))
        })
        .collect();
    assert_eq!(
        found,
        [(
            "mail/new-draft.txt".to_string(),
            "confidentiality.codename".to_string()
        )]
    );
    assert_eq!(after.status.code(), Some(1));
}

#[test]
#[ignore = "reads YAML with pre-commit's Python; .ci/run runs it"]
fn the_github_action_checks_writes_sarif_annotates_and_fails_on_findings() {
    let pre_commit = tool("install-pre-commit.sh");
    let python = pre_commit.with_file_name("python");
    // The action's "Check drafts" step, as GitHub would run it.
    let script = run(Command::new(&python)
        .arg("-c")
        .arg(
            "import sys, yaml\n\
         a = yaml.safe_load(open(sys.argv[1]))\n\
         assert a['runs']['using'] == 'composite'\n\
         step = next(s for s in a['runs']['steps'] if s.get('id') == 'check')\n\
         print(step['run'])",
        )
        .arg(root().join("action.yml")));
    assert!(script.status.success(), "{}", text(&script));
    let script = String::from_utf8(script.stdout).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::create_dir(d.join("drafts")).unwrap();
    fs::write(
        d.join("drafts/card.md"),
        "My visa is 4111 1111 1111 1111.\n",
    )
    .unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_tenet")).parent().unwrap();
    let step = |paths: &str| {
        let output = d.join("github-output");
        let _ = fs::remove_file(&output);
        let out = run(Command::new("bash")
            .arg("-e")
            .arg("-c")
            .arg(&script)
            .current_dir(d)
            .env(
                "PATH",
                format!("{}:{}", bin.display(), std::env::var("PATH").unwrap()),
            )
            .env("TENET_PATHS", paths)
            .env("TENET_ARGS", "")
            .env("TENET_SARIF", "tenet.sarif")
            .env("TENET_ANNOTATE", "true")
            .env("GITHUB_OUTPUT", &output));
        (out, fs::read_to_string(&output).unwrap_or_default())
    };
    let (out, outputs) = step("drafts");
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(outputs, "status=1\n");
    assert!(
        text(&out).contains("::error file=drafts/card.md,line=1"),
        "{}",
        text(&out)
    );
    let log: serde_json::Value =
        serde_json::from_slice(&fs::read(d.join("tenet.sarif")).unwrap()).unwrap();
    assert_eq!(
        log["runs"][0]["results"][0]["ruleId"],
        "confidentiality.payment-card"
    );

    fs::write(d.join("tenet.toml"), "fail-on = \"loud\"\n").unwrap();
    let (out, outputs) = step("drafts");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert_eq!(outputs, "status=2\n");
}

/// The binary people install: `TENET_RELEASE_BIN` (`.ci/run` builds it with
/// `cargo build --release` and runs these tests from the test build), or this
/// test's own when it is built in release.
fn release_binary() -> PathBuf {
    match std::env::var_os("TENET_RELEASE_BIN") {
        Some(bin) => PathBuf::from(bin),
        None if cfg!(debug_assertions) => {
            panic!("set TENET_RELEASE_BIN to a release build of tenet, or run this test with --release")
        }
        None => PathBuf::from(env!("CARGO_BIN_EXE_tenet")),
    }
}

#[test]
#[ignore = "measures the release binary; .ci/run runs it"]
fn the_release_binary_has_no_debug_info_and_stays_small() {
    let bin = release_binary();
    let size = fs::metadata(&bin)
        .unwrap_or_else(|e| panic!("{}: {e}", bin.display()))
        .len();
    // It was 43.7 MB with full debug info; without debug info or symbols,
    // about 17 MB.
    assert!(size < 20 << 20, "{size} bytes");
    let sections = run(Command::new("objdump").arg("-h").arg(&bin));
    if sections.status.success() {
        assert!(!String::from_utf8_lossy(&sections.stdout).contains(".debug_info"));
    }
}
