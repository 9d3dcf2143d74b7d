//! What the rule language means, checked through one helper: rules and a draft in,
//! `rule level «match»` lines out.

use tenet::draft::{Draft, Format};
use tenet::engine::checker::Checker;
use tenet::engine::Options;
use tenet::report::finding::apply_edits;

fn checker(rules: &str) -> Checker {
    match Checker::from_source("test.tenet", rules) {
        Ok(c) => c,
        Err(d) => panic!(
            "rules do not compile:\n{}",
            tenet::language::diagnostic::render_all(&d)
        ),
    }
}

/// Checks `draft` (Markdown) on the external channel and describes each finding.
fn check(rules: &str, draft: &str) -> Vec<String> {
    check_on(rules, draft, Format::Markdown, "external")
}

fn check_on(rules: &str, draft: &str, format: Format, channel: &str) -> Vec<String> {
    let c = checker(rules);
    let d = Draft::new(draft.to_string(), format);
    let report = c.check_on(&d, &Options::on(channel));
    report
        .findings
        .iter()
        .map(|f| {
            let shown = if f.document {
                "(document)".to_string()
            } else {
                format!("«{}»", &draft[f.span.clone()])
            };
            format!("{} {} {shown}", f.rule, f.level.as_str())
        })
        .collect()
}

fn one_rule(category: &str, body: &str) -> String {
    format!(
        "guideline {category} {{\n rule r warning {{\n{body}\n message \"m {{match}}\"\n }}\n}}\n"
    )
}

#[test]
fn terms_are_whole_words_and_caseless_in_any_script() {
    let rules = one_rule("confidentiality", r#"find "équipe", "falcon""#);
    assert_eq!(
        check(&rules, "L'ÉQUIPE a Falcon, falconry"),
        [
            "confidentiality.r warning «ÉQUIPE»",
            "confidentiality.r warning «Falcon»"
        ]
    );
}

#[test]
fn case_and_partial_opt_out() {
    let rules = one_rule("confidentiality", r#"find "Falcon" case, "corp" partial"#);
    assert_eq!(
        check(&rules, "falcon Falcon megacorporation"),
        [
            "confidentiality.r warning «Falcon»",
            "confidentiality.r warning «corp»"
        ]
    );
}

/// A caseless term's straight apostrophe matches a typographic one and the
/// other way round, in short drafts and long ones (other automata), in terms
/// with more apostrophes than are spelled out, in exceptions and word classes;
/// a `case` term matches as written.
#[test]
fn a_caseless_apostrophe_matches_a_typographic_one() {
    let rules = one_rule(
        "confidentiality",
        r#"find "can't", "Don't" case, "rock ’n’" partial, "a'b'c'd'e"
      except "WON’T""#,
    );
    let draft = "I can’t. Won't! Don’t rock ’n' roll: A’B'C’D’E. CAN'T";
    let want = [
        "confidentiality.r warning «can’t»",
        "confidentiality.r warning «rock ’n'»",
        "confidentiality.r warning «A’B'C’D’E»",
        "confidentiality.r warning «CAN'T»",
    ];
    assert_eq!(check(&rules, draft), want);
    let rules = rules.replace("\"can't\"", "\"can't\", \"won't\"");
    assert_eq!(check(&rules, draft), want, "the exception keeps Won't out");
    // A long draft is searched with a trie, not a table of terms.
    let long = format!("{}{draft}", "Filler words here. ".repeat(2_000));
    let found = check(&rules, &long);
    assert_eq!(found, want);
    // Word classes: `you’re` is the stop word `you're`.
    let rules = r#"guideline add-value {
      rule empty warning { when words(content) == 1 message "m" }
    }
    words { stop = "you're", "so" }"#;
    assert_eq!(
        check(rules, "You’re so adorable."),
        ["add-value.empty warning (document)"]
    );
}

#[test]
fn a_space_in_a_term_matches_blanks_and_one_line_break() {
    let rules = one_rule(
        "confidentiality",
        r##"find "please advise", "please advise soon", "Do Not  Share" case, "per cent" partial, "#a b c"
      except "please  advise soon""##,
    );
    let draft = "Please\nadvise. Do Not\r\n\tShare. 5 per\tcents. #A \n B  c.\n\
                 please\n\nadvise. Do not\nShare. please advise soon. PLEASE\n  ADVISE\nsoon";
    let want = [
        "confidentiality.r warning «Please\nadvise»",
        "confidentiality.r warning «Do Not\r\n\tShare»",
        "confidentiality.r warning «per\tcent»",
        "confidentiality.r warning «#A \n B  c»",
    ];
    assert_eq!(check(&rules, draft), want);
    // A long draft is searched with a trie, not a table of terms.
    let long = format!("{}{draft}", "Filler words here. ".repeat(2_000));
    assert_eq!(check(&rules, &long), want);
    // Without the exception, a phrase found across a line break is one
    // finding, and a blank line still parts its words.
    let rules = rules.replace("\n      except \"please  advise soon\"", "");
    assert_eq!(check(&rules, draft).len(), 6);
}

#[test]
fn overlapping_terms_of_different_rules_each_report() {
    let rules = r#"guideline confidentiality {
      rule a warning { find "project falcon" message "a" }
      rule b error { find "falcon" message "b" }
      rule c info { find "falcon" message "c" }
    }"#;
    assert_eq!(
        check(rules, "Project Falcon"),
        [
            "confidentiality.a warning «Project Falcon»",
            "confidentiality.b error «Falcon»",
            "confidentiality.c info «Falcon»"
        ]
    );
}

#[test]
fn within_one_rule_the_longest_leftmost_match_wins() {
    let rules = one_rule("confidentiality", r#"find "falcon", "project falcon""#);
    assert_eq!(
        check(&rules, "Project Falcon and falcon"),
        [
            "confidentiality.r warning «Project Falcon»",
            "confidentiality.r warning «falcon»"
        ]
    );
}

#[test]
fn near_counts_words_or_chars_between() {
    let rules = one_rule(
        "confidentiality",
        r#"find /\d{4}/
      when near "card" within 2 words"#,
    );
    assert_eq!(
        check(&rules, "card one two 1234 and card x y z 5678"),
        ["confidentiality.r warning «1234»"]
    );
    let rules = one_rule(
        "confidentiality",
        r#"find /\d{4}/
      when near "card" within 2 chars"#,
    );
    assert_eq!(
        check(&rules, "card: 1234, card   5678"),
        ["confidentiality.r warning «1234»"]
    );
}

#[test]
fn a_guideline_says_which_scopes_it_skips_and_a_rule_can_ask_for_one() {
    let draft = "See `falcon` and https://x.io/falcon and falcon.";
    let skipping = |category: &str, body: &str| {
        format!(
            "guideline {category} {{\n skip code, url\n rule r warning {{\n{body}\n message \"m {{match}}\"\n }}\n}}\n"
        )
    };
    // Any guideline, an owner's own included, declares what its rules skip.
    assert_eq!(
        check(&skipping("house-style", r#"find "falcon""#), draft),
        ["house-style.r warning «falcon»"]
    );
    // A guideline that skips nothing looks inside code and URLs, whatever its name.
    assert_eq!(
        check(&one_rule("add-value", r#"find "falcon""#), draft).len(),
        3
    );
    // Asking for a scope opens it.
    assert_eq!(
        check(
            &skipping("house-style", "find \"falcon\"\nwhen in code"),
            draft
        ),
        ["house-style.r warning «falcon»"]
    );
    // Unknown scope names are errors.
    let compiled = tenet::language::lower::compile_str(
        "t.tenet",
        "guideline g {\n skip codez\n rule r { find \"x\"\n message \"m\"\n bad \"[x]\" }\n}\n",
    );
    assert!(compiled.diagnostics[0]
        .message
        .contains("unknown scope `codez`"));
}

#[test]
fn scopes_from_markdown_email_and_every_format() {
    let rules = one_rule(
        "confidentiality",
        "find \"ab\"\nwhen in quote or in hashtag or in signature",
    );
    assert_eq!(
        check_on(&rules, "ab\n> ab\n#ab", Format::Markdown, "external").len(),
        2
    );
    let email = "From: x@y.z\nSubject: ab\n\nab here\n> ab there\n-- \nab sig\n";
    assert_eq!(
        check_on(&rules, email, Format::Email, "external"),
        [
            "confidentiality.r warning «ab»",
            "confidentiality.r warning «ab»"
        ]
    );
}

/// A regex every match of which holds a digit is not run on a short draft
/// without one; what it finds where digits are, and what other regexes find
/// anywhere, is unchanged.
#[test]
fn regexes_that_need_a_digit_find_the_same_with_or_without_running() {
    let rules = "guideline confidentiality {\n\
        rule fax warning { find /(?i)fax\\s+[0-9]{3}/ message \"m\" }\n\
        rule word warning { find /(?i)fax\\s+\\w+/ message \"m\" }\n}\n";
    assert_eq!(
        check(rules, "Fax\n\n555 or fax us"),
        [
            "confidentiality.fax warning «Fax\n\n555»",
            "confidentiality.word warning «Fax\n\n555»",
            "confidentiality.word warning «fax us»"
        ]
    );
    assert_eq!(
        check(rules, "Fax\n\nfive or fax us"),
        [
            "confidentiality.word warning «Fax\n\nfive»",
            "confidentiality.word warning «fax us»"
        ]
    );
}

/// A regex whose matches may cross lines but begin with one of a few words is
/// tried, in a draft of a kilobyte or more, only where one of them begins: the
/// same matches as on the whole text, whatever literal it otherwise needs.
#[test]
fn regexes_tried_where_a_match_begins_find_what_the_whole_text_holds() {
    let rules = "guideline disclosure {\n\
        rule thanks warning { find /(?i)\\b(?:thanks|huge thanks)\\s+@\\w+\\s+for\\b/ message \"m\" }\n}\n";
    let padding = "Planning the week ahead. ".repeat(50);
    let draft = format!("{padding}\nThanks\n@rollerco for it, huge thanks @Ann for all\n");
    assert_eq!(
        check(rules, &draft),
        [
            "disclosure.thanks warning «Thanks\n@rollerco for»",
            "disclosure.thanks warning «huge thanks @Ann for»"
        ]
    );
}

/// A regex whose every match begins at a word boundary is not tried where its
/// first word begins inside another (`ring` in `during`, `x` in `9x`): in a
/// short draft, one of a kilobyte and one of 64 KB, it finds what the whole
/// text holds, after a letter beyond ASCII too (`é` is a word character).
#[test]
fn regexes_tried_at_word_starts_find_what_the_whole_text_holds() {
    let rules = one_rule("confidentiality", r"find /(?i)\b(?:ring|x)\s*[0-9]{3}\b/");
    let lines = "ring 555 during 555 _ring 555 (Ring 555) 9x 123 éx123 é x123\n";
    let want = [
        "confidentiality.r warning «ring 555»",
        "confidentiality.r warning «Ring 555»",
        "confidentiality.r warning «x123»",
    ];
    for padding in [0, 1 << 10, 64 << 10] {
        let draft = format!(
            "{lines}{}",
            "Planning the week ahead.\n".repeat(padding / 25)
        );
        assert_eq!(check(&rules, &draft), want, "{} bytes", draft.len());
    }
}

/// A regex whose needed literal is one byte (`!`, `x`) runs when the draft
/// holds that byte, in either case, and finds nothing otherwise.
#[test]
fn regexes_needing_a_one_byte_literal_run_where_it_occurs() {
    let rules = "guideline add_value {\n\
        rule shout warning { find /[A-Z]{3,}!/ message \"m\" }\n\
        rule times warning { find /(?i)[a-z]{2}x\\b/ message \"m\" }\n}\n";
    assert_eq!(
        check(rules, "WOW! Try the new BOX"),
        [
            "add_value.shout warning «WOW!»",
            "add_value.times warning «BOX»"
        ]
    );
    assert!(check(rules, "wow. try the new bot").is_empty());
}

/// A regex is not run where no match fits (a draft, a line around a literal,
/// a place a match would begin, a line near another match shorter than its
/// shortest match), and finds a match exactly as long as the room it has.
#[test]
fn regexes_are_passed_over_only_where_no_match_fits() {
    // 20 characters between the quotes: 26 bytes at the least.
    let rules = one_rule("copyright", "find /“[^”]{20,}”/");
    let fits = "“abcdefghijklmnopqrst”";
    assert_eq!(
        check(&rules, fits),
        [format!("copyright.r warning «{fits}»")]
    );
    assert!(check(&rules, "“abcdefghijklmnopqrs”").is_empty());
    assert!(check(&rules, "“short”").is_empty());

    // In a long draft, a regex that stays on one line runs on the lines that
    // hold its literal: a line just long enough, at the very end, is found.
    let rules = one_rule("confidentiality", r"find /\bcode [A-Z]{10}\b/");
    let padding = "Planning the week ahead, code soon.\n".repeat(40);
    let draft = format!("{padding}code ABCDEFGHI\ncode ABCDEFGHIJ");
    assert_eq!(
        check(&rules, &draft),
        ["confidentiality.r warning «code ABCDEFGHIJ»"]
    );

    // Tried where its first word begins: one that begins too near the end for
    // a match is passed over, one with just the room is found.
    let rules = one_rule(
        "disclosure",
        r"find /(?i)\b(?:thanks|huge thanks)\s+@\w+\s+for\b/",
    );
    let padding = "Planning the week ahead. ".repeat(50);
    for (tail, found) in [("thanks @a for", true), ("thanks @a fo", false)] {
        let draft = format!("{padding}\n{tail}");
        let want: Vec<String> = if found {
            vec![format!("disclosure.r warning «{tail}»")]
        } else {
            Vec::new()
        };
        assert_eq!(check(&rules, &draft), want, "{tail}");
    }

    // Looked for near another match: found where it is, passed over on lines
    // too short to hold it.
    let rules = one_rule(
        "confidentiality",
        r#"find "deal"
           unless near /[A-Z]{8}-[0-9]{4}/ within 3 words"#,
    );
    assert!(check(&rules, "deal ABCDEFGH-1234").is_empty());
    // (A line too short for the regex: the finding stands.)
    assert_eq!(check(&rules, "deal"), ["confidentiality.r warning «deal»"]);
    assert_eq!(
        check(&rules, "deal ABCDEFGH-123"),
        ["confidentiality.r warning «deal»"]
    );
}

#[test]
fn document_rules_use_metrics_and_report_once() {
    let rules = one_rule("add-value", "when caps > 0.7 and words >= 3");
    assert_eq!(
        check(&rules, "THIS IS LOUD"),
        ["add-value.r warning (document)"]
    );
    assert!(check(&rules, "This is calm").is_empty());
    let rules = one_rule("add-value", "when count(\"lol\") >= 2");
    assert_eq!(
        check(&rules, "lol ok lol"),
        ["add-value.r warning (document)"]
    );
}

#[test]
fn escalation_raises_the_level_when_evidence_is_present() {
    let rules = one_rule(
        "confidentiality",
        "find /\\d{4}/\nescalate error when near \"visa\" within 3 words",
    );
    assert_eq!(
        check(&rules, "1234 and visa 5678"),
        [
            "confidentiality.r error «1234»",
            "confidentiality.r error «5678»"
        ]
    );
    assert_eq!(
        check(&rules, "1234 x y z w 5678"),
        [
            "confidentiality.r warning «1234»",
            "confidentiality.r warning «5678»"
        ]
    );
}

#[test]
fn once_and_limit_cap_findings() {
    assert_eq!(
        check(&one_rule("add-value", "find \"a\"\nonce"), "a a a").len(),
        1
    );
    assert_eq!(
        check(&one_rule("add-value", "find \"a\"\nlimit 2"), "a a a").len(),
        2
    );
}

#[test]
fn channel_conditions() {
    let rules = one_rule("disclosure", "find \"acme\"\nwhen channel is external");
    assert_eq!(check_on(&rules, "acme", Format::Text, "external").len(), 1);
    assert!(check_on(&rules, "acme", Format::Text, "internal").is_empty());
}

#[test]
fn validators_keep_only_real_numbers() {
    let rules = one_rule(
        "confidentiality",
        r"find /\b\d(?:[ -]?\d){11,18}\b/ valid luhn",
    );
    assert_eq!(
        check(&rules, "4111 1111 1111 1111 and 4111 1111 1111 1112").len(),
        1
    );
}

#[test]
fn redacted_findings_never_carry_the_text() {
    let rules = "guideline confidentiality { rule r warning { find /\\d{3}-\\d{4}/ redact message \"A phone number.\" } }";
    let c = checker(rules);
    let report = tenet::check_text(&c, "call 555-1234", None);
    assert!(report.findings[0].redacted);
    assert!(!report.findings[0].message.contains("555"));
}

#[test]
fn fixes_keep_the_case_and_apply_cleanly_after_emoji() {
    let rules = r#"guideline add-value { rule g hint { replace "guys" -> "everyone" | "folks" safe message "try {suggestion}" } }"#;
    let c = checker(rules);
    let text = "😀 Guys, thanks GUYS";
    let report = tenet::check_text(&c, text, None);
    assert_eq!(report.findings[0].message, "try Everyone");
    let edits: Vec<_> = report
        .findings
        .iter()
        .flat_map(|f| f.fix.clone().unwrap().edits)
        .collect();
    assert_eq!(apply_edits(text, &edits), "😀 Everyone, thanks EVERYONE");
}

#[test]
fn triage_classifies_and_rates() {
    let rules = r#"triage {
      category support when has "help"
      category criticism when has "worst"
      priority 1 when has "outage"
      priority 2 when category criticism
      priority 3 otherwise
    }"#;
    let c = checker(rules);
    let t = |s: &str| {
        let r = tenet::check_text(&c, s, None);
        (
            r.triage.clone().unwrap().category,
            r.triage.unwrap().priority,
            r.verdict.as_str(),
        )
    };
    assert_eq!(
        t("worst airline"),
        (Some("criticism".into()), Some(2), "allow")
    );
    assert_eq!(
        t("help, outage!"),
        (Some("support".into()), Some(1), "review")
    );
    assert_eq!(t("nice flight"), (None, Some(3), "allow"));
}

#[test]
fn suppressions_need_reasons_for_errors_and_report_when_unused() {
    let rules = r#"guideline confidentiality {
      rule code error { find "falcon" message "code name" }
      rule soft warning { find "bluebird" message "maybe" }
    }"#;
    let draft = "<!-- tenet-disable-next-line confidentiality.code: approved, ticket 7 -->\nfalcon\n\
<!-- tenet-disable-next-line confidentiality.code -->\nfalcon\n\
tenet-disable confidentiality.soft\nbluebird bluebird\ntenet-enable confidentiality.soft\nbluebird\n\
<!-- tenet-disable-next-line add-value -->\nnothing here\n";
    let c = checker(rules);
    let report = tenet::check_text(&c, draft, Some(std::path::Path::new("d.md")));
    let rules_hit: Vec<&str> = report.findings.iter().map(|f| &*f.rule).collect();
    assert_eq!(
        rules_hit,
        [
            "tenet.suppression-needs-reason",
            "confidentiality.code",
            "confidentiality.soft",
            "tenet.unknown-rule"
        ]
    );
    assert_eq!(report.suppressed.len(), 3);
    assert_eq!(
        report.suppressed[0].reason.as_deref(),
        Some("approved, ticket 7")
    );
}

#[test]
fn unused_suppression_is_reported() {
    let rules = one_rule("add-value", "find \"lol\"");
    assert_eq!(
        check(
            &rules,
            "<!-- tenet-disable-next-line add-value.r: fine -->\nhello\n"
        ),
        ["tenet.unused-suppression warning «<!-- tenet-disable-next-line add-value.r: fine -->»"]
    );
}

#[test]
fn fingerprints_ignore_line_numbers() {
    let c = checker(&one_rule("add-value", "find \"lol\""));
    let prints = |text: &str| {
        let r = tenet::check_text(&c, text, None);
        tenet::report::output::fingerprints(text, &r.findings)
    };
    assert_eq!(prints("lol and lol"), prints("new line\n\nlol and\nlol"));
    let p = prints("lol lol");
    assert_ne!(p[0], p[1]);
}

#[test]
fn builtin_pack_compiles_without_warnings_and_covers_the_four_categories() {
    let files = tenet::language::builtin::rule_files();
    let compiled = tenet::language::lower::compile(
        &files,
        &Default::default(),
        &tenet::language::builtin::read_list,
    );
    assert!(
        compiled.diagnostics.is_empty(),
        "{}",
        tenet::language::diagnostic::render_all(&compiled.diagnostics)
    );
    let rules = &compiled.rules.rules;
    assert!(rules.len() >= 30, "{} rules", rules.len());
    for category in ["confidentiality", "copyright", "add-value", "disclosure"] {
        assert!(
            rules.iter().any(|r| &*r.category == category),
            "no {category} rule"
        );
    }
    assert!(!compiled.rules.triage.is_empty());
    for r in rules {
        assert!(!r.doc.is_empty(), "{} has no explanation", r.id);
        assert!(r.link.is_some(), "{} has no link", r.id);
        assert!(
            r.examples
                .iter()
                .any(|e| e.kind == tenet::language::ast::ExampleKind::Good),
            "{} has no good example",
            r.id
        );
    }
}

#[test]
fn builtin_pack_examples_all_pass() {
    let files = tenet::language::builtin::rule_files();
    let compiled = tenet::language::lower::compile(
        &files,
        &Default::default(),
        &tenet::language::builtin::read_list,
    );
    let outcome = tenet::engine::examples::run(
        &tenet::engine::Engine::new(compiled.rules),
        &Default::default(),
    );
    assert!(outcome.run >= 60, "only {} examples", outcome.run);
    assert!(
        outcome.failures.is_empty(),
        "{}",
        tenet::language::diagnostic::render_all(&outcome.failures)
    );
}

/// Regression: in an e-mail or plain-text draft, the reason written in an
/// HTML-comment directive was read as draft text, so it could trigger the very
/// rule it suppresses (the same draft as Markdown did not).
#[test]
fn html_comment_directive_reason_is_not_draft_text_in_email_and_text() {
    let rules = one_rule("confidentiality", r#"find "falcon""#);
    let draft =
        "<!-- tenet-disable-next-line confidentiality.r: Falcon is public now -->\nFalcon ships\n";
    for format in [Format::Markdown, Format::Text, Format::Email] {
        assert_eq!(
            check_on(&rules, draft, format, "external"),
            Vec::<String>::new(),
            "{format:?}"
        );
    }
}

/// Warming builds ahead what checks otherwise build when they first need it
/// (every regex, the tries and DFAs of long drafts), and changes no answer: the
/// built-in pack finds the same in a short draft and a long one, warmed or not.
#[test]
fn a_warmed_engine_finds_what_a_cold_one_does() {
    let overrides = Default::default();
    let cold = Checker::builtin(&overrides).expect("the built-in pack compiles");
    let warm = Checker::builtin(&overrides).expect("the built-in pack compiles");
    warm.engine.warm();
    let short = "Call me at +1 415 555 0100 or jane.doe@example.com: the Q3 numbers are confidential, don't share.\n";
    let long = short.repeat(2_000);
    let options = Options::default();
    for (text, format) in [
        (short, Format::Text),
        (short, Format::Markdown),
        (long.as_str(), Format::Text),
    ] {
        let (_, a) = cold.check_text_on(text.to_string(), format, &options);
        let (_, b) = warm.check_text_on(text.to_string(), format, &options);
        assert!(!a.findings.is_empty(), "the draft should have findings");
        assert_eq!(
            format!("{a:?}"),
            format!("{b:?}"),
            "{format:?}, {} bytes",
            text.len()
        );
    }
}
