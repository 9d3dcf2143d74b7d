//! The command line in hooks and CI: fixes, diffs, baselines, the CI formats, and
//! which files a walk checks.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn tenet_in(dir: &Path, args: &[&str], stdin: Option<&str>) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tenet"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the tenet binary runs");
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    let out = child.wait_with_output().unwrap();
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
