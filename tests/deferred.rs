//! Findings built as they are written say, in every format, byte for byte what
//! findings built first say.

use tenet::draft::Format;
use tenet::engine::checker::Checker;
use tenet::engine::Options;
use tenet::language::lower::{Overrides, RuleFile};
use tenet::language::rules::{Level, Rule};
use tenet::report::finding::Pending;
use tenet::report::output::{FileResult, OutputFormat, Printer, Summary};
use tenet::report::{Deferred, Redactions};

/// The built-in pack and rules that report often, at the same places, with
/// fixes of every kind and at every level.
fn checker() -> Checker {
    let mut files = tenet::language::builtin::rule_files();
    files.push(RuleFile {
        path: "extra.tenet".into(),
        text: r#"guideline add-value {
          rule filler warning {
            find "lol", "basically"
            message "“{match}” adds nothing."
            suggest "indeed"
          }
          rule filler-again info { find "lol" delete message "again: {match}" }
          rule shout error { find "URGENT" case append "(sorry)" message "calm" }
        }"#
        .into(),
    });
    match Checker::from_files(&files, &Overrides::default()) {
        Ok((c, _)) => c,
        Err(d) => panic!("{}", tenet::language::diagnostic::render_all(&d)),
    }
}

/// A long draft: every kind of suppression finding, a redacted e-mail address,
/// and more findings than a batch holds.
fn draft() -> String {
    let mut text = String::from(
        "<!-- tenet-disable-next-line add-value.shout -->\nURGENT lol\n\
         <!-- tenet-disable-next-line add-value.filler: quoted -->\nlol basically\n\
         <!-- tenet-disable-next-line nothing.here -->\nplain\n\
         <!-- tenet-disable-next-line add-value.filler: nothing to do -->\nplain\n\
         <!-- tenet-disable-line add-value -->\n\
         Mail jane.doe@gmail.com about lol.\n\n",
    );
    for i in 0..3000 {
        text.push_str(&format!(
            "Paragraph {i}: lol, basically URGENT. Call me on 020 7946 0{:03}.\n\n",
            i % 1000
        ));
    }
    text
}

/// What each streaming format prints for a file, its findings built first or
/// as they are written, by `rules`.
fn printed(result: &FileResult, format: OutputFormat, rules: &[&Rule]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut printer = Printer::new(format, false, rules);
    printer.file(result, &mut out).unwrap();
    let mut summary = Summary::default();
    summary.add(result);
    printer.end(&[], &summary, &mut out).unwrap();
    out
}

#[test]
fn findings_built_as_written_print_as_findings_built_first() {
    let checker = checker();
    let text = draft();
    let options = Options::default();
    let (draft, built) = checker.check_text_on(text.clone(), Format::Markdown, &options);
    let (_, report, deferred) = checker.check_text_deferred(text, Format::Markdown, &options);
    assert!(report.findings.is_empty());
    assert!(built.findings.len() > 9000, "{}", built.findings.len());
    for rule in [
        "tenet.unused-suppression",
        "tenet.unknown-rule",
        "tenet.suppression-needs-reason",
        "tenet.unknown-directive",
        "confidentiality.personal-email",
    ] {
        assert!(built.findings.iter().any(|f| &*f.rule == rule), "{rule}");
    }
    assert_eq!(built.verdict, report.verdict);
    assert_eq!(built.suppressed, report.suppressed);
    assert_eq!(
        built.findings,
        deferred.build(&draft.text, &report.redactions)
    );
    let file = |report, deferred| FileResult {
        path: "long.md".into(),
        text: draft.text.clone(),
        format: Format::Markdown,
        channel: "external".into(),
        report,
        deferred,
        fixed: 0,
        stdin: false,
        encoding: Default::default(),
    };
    let rules: Vec<&Rule> = checker.engine.rules().rules.iter().collect();
    let first = file(built, None);
    let as_written = file(report, Some(deferred));
    assert_eq!(first.finding_count(), as_written.finding_count());
    for &(_, format) in OutputFormat::ALL {
        let (a, b) = (
            printed(&first, format, &rules),
            printed(&as_written, format, &rules),
        );
        assert!(a.len() > 10, "{format:?} printed nothing");
        assert!(a == b, "{format:?} differs");
        // The redacted address is in no output.
        assert!(!String::from_utf8_lossy(&b).contains("jane.doe@gmail.com"));
    }
}

/// Where a rule's finding and a suppression's are at the same place, they go
/// in the order of their rule ids, as everywhere else.
#[test]
fn findings_at_one_place_go_by_rule_id() {
    let rules = r#"guideline add-value { rule a warning { find "x" message "a" } }
        guideline zeal { rule z warning { find "x" message "z" } }"#;
    let rules = Checker::from_source("t.tenet", rules)
        .unwrap()
        .engine
        .rule_set();
    let text = "x y";
    let pending = |rule| Pending::new(rule, 0..1, 0, false, Level::Warning, Vec::new());
    // A suppression's finding at the same place: a rule's, renamed.
    let mut meta = pending(0).build(&rules, text, &Redactions::default());
    meta.rule = "tenet.unused-suppression".into();
    let deferred = Deferred::new(rules, vec![pending(0), pending(1)], vec![meta]);
    for size in [1, 2, 3] {
        let order: Vec<String> = deferred
            .batches(text, &Redactions::default(), size)
            .flatten()
            .map(|f| f.rule.to_string())
            .collect();
        assert_eq!(
            order,
            ["add-value.a", "tenet.unused-suppression", "zeal.z"],
            "{size}"
        );
    }
}
