//! Every broken rule file in `tests/fixtures/broken/` reports its errors exactly:
//! path, line, column, the source line, a caret and a message. Snapshots hold the text.

use std::path::Path;

use tenet::language::diagnostic::{render_all, Severity};
use tenet::language::lower::compile_str;

#[test]
fn broken_rule_files_report_every_error_with_a_caret() {
    let dir = Path::new("tests/fixtures/broken");
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    assert!(
        names.len() >= 15,
        "expected at least 15 broken fixtures, found {}",
        names.len()
    );
    for path in names {
        let text = std::fs::read_to_string(&path).unwrap();
        let shown = path.display().to_string().replace('\\', "/");
        let compiled = compile_str(&shown, &text);
        assert!(
            compiled
                .diagnostics
                .iter()
                .any(|d| d.severity == Severity::Error),
            "{shown} compiled without an error"
        );
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        insta::assert_snapshot!(name, render_all(&compiled.diagnostics));
    }
}

#[test]
fn three_errors_in_one_file_are_all_reported() {
    let text = std::fs::read_to_string("tests/fixtures/broken/17-three-errors.tenet").unwrap();
    let compiled = compile_str("three.tenet", &text);
    let errors: Vec<(u32, u32)> = compiled
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.line_col())
        .collect();
    assert_eq!(errors, vec![(4, 10), (9, 23), (13, 8)]);
}

#[test]
fn a_rule_without_a_bad_example_is_a_warning_not_an_error() {
    let compiled = compile_str(
        "w.tenet",
        "guideline add-value {\n  rule lol hint {\n    find \"lol\"\n    message \"Say more.\"\n  }\n}\n",
    );
    assert!(!compiled.has_errors());
    let rendered = render_all(&compiled.diagnostics);
    assert!(
        rendered.starts_with("w.tenet:2:8: warning: rule `add-value.lol` has no `bad` example"),
        "{rendered}"
    );
}

#[test]
fn garbage_never_panics() {
    for text in [
        "",
        "}",
        "{{{{",
        "guideline",
        "guideline x { rule",
        "rule x {}",
        "triage { priority }",
        "\u{0}\u{1}",
        "guideline g { rule r { find /(/ when near within } }",
    ] {
        let _ = compile_str("g.tenet", text);
    }
}

/// Syntax errors, semantic errors and failing examples of one file come out of one
/// `tenet rules test` run, not one kind per run.
#[test]
fn every_kind_of_error_is_reported_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mixed.tenet");
    std::fs::write(
        &file,
        r#"guideline g {
  rule broken {
    finde "x"
    message "m"
  }
  rule silent {
    find "y"
  }
  rule wrong {
    find "z"
    message "m"
    bad "[q] z"
  }
}
"#,
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tenet"))
        .args(["rules", "test"])
        .arg(&file)
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
    assert!(stderr.contains("unknown keyword `finde`"), "{stderr}");
    assert!(
        stderr.contains("rule `g.silent` has no `message`"),
        "{stderr}"
    );
    assert!(
        stdout.contains("`g.wrong`: the `bad` example should report [q]"),
        "{stdout}"
    );
}

/// A flag after the last of several terms, and after none of the others, is
/// likely meant for them all: it belongs to the term it follows, and the
/// compiler says so. Flags written after each term, a flag on a term that is not
/// last, and terms the flag cannot change (`partial` on marks, `case` on digits)
/// say nothing.
#[test]
fn a_flag_on_the_last_term_alone_is_a_warning() {
    let warnings = |find: &str| -> Vec<String> {
        let text = format!(
            "guideline g {{\n  rule r hint {{\n    find {find}\n    message \"m\"\n    bad \"[alpha]\"\n  }}\n}}\n"
        );
        let compiled = compile_str("f.tenet", &text);
        assert!(!compiled.has_errors(), "{find}");
        compiled
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .map(|d| render_all(std::slice::from_ref(d)))
            .collect()
    };
    let partial = warnings(r#""alpha", "beta" partial"#);
    assert_eq!(partial.len(), 1, "{partial:?}");
    assert!(
        partial[0]
            .starts_with("f.tenet:3:19: warning: `partial` applies only to the term it follows"),
        "{}",
        partial[0]
    );
    let case = warnings(r#""alpha", "Beta" case"#);
    assert_eq!(case.len(), 1, "{case:?}");
    assert!(case[0].contains("`case` applies only"), "{}", case[0]);
    for quiet in [
        r#""alpha" partial, "beta" partial"#,
        r#""beta" partial, "alpha""#,
        r#""alpha""#,
        r#""/", ":" partial"#,
        r#""2024", "Alpha" case"#,
        r#""alpha" case, "beta" partial, "gamma" partial case"#,
    ] {
        assert_eq!(warnings(quiet), Vec::<String>::new(), "{quiet}");
    }
}

/// An unknown parameter or list names the known ones in alphabetical order,
/// the same in every run, however many there are.
#[test]
fn unknown_names_list_the_known_ones_in_alphabetical_order() {
    let source = "guideline g {\n  param zulu = \"z\"\n  param alpha = \"a\"\n  param mike = \"m\"\n  param kilo = \"k\"\n  list yankee = \"44\"\n  list bravo = \"1\"\n  list lima = \"33\"\n  rule r warning {\n    find /[0-9]{7,}/ valid phone(nothing)\n    message \"About {nothing}\"\n  }\n}\n";
    let compiled = compile_str("names.tenet", source);
    let rendered = render_all(&compiled.diagnostics);
    assert!(
        rendered.contains("unknown list `nothing`; known: bravo, lima, yankee"),
        "{rendered}"
    );
    assert!(
        rendered.contains("known here: match, suggestion, alpha, kilo, mike, zulu"),
        "{rendered}"
    );
}
