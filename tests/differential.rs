//! The fast engine must agree with the slow reference evaluator: same findings,
//! same spans, same levels and messages, on generated rules and drafts aimed at
//! what is easy to get wrong (folding that changes byte lengths, word boundaries
//! next to emoji, curly quotes and combining marks, overlapping terms of different
//! rules, scopes).
//!
//! Cases: `TENET_DIFF_CASES` (default 1,000).

use proptest::prelude::*;
use tenet::draft::{Draft, Format};
use tenet::engine::checker::Checker;
use tenet::engine::{Engine, Options};
use tenet::language::lower::compile_str;
use tenet::language::rules::RuleSet;

const TERMS: &[&str] = &[
    "ab",
    "abc",
    "b c",
    "bc",
    "café",
    "cafe\u{301}",
    "équipe",
    "σας",
    "😀",
    "foo bar",
    "foo  bar baz",
    " ab c",
    "c ",
    "#tag foo",
    "foo",
    "#tag",
    "k",
    "ss",
    "ß",
    "i\u{307}x",
    "straße",
    "don't",
    "DON’T",
    "'n' b",
    "a'b'c'd'e",
    "a_b",
    "+1",
    "x@y.com",
    "ÉQUIPE",
    "\u{212A}ey",
];
const WORDS: &[&str] = &[
    "ab",
    "abc",
    "AB",
    "Abc",
    "b",
    "c",
    "bc",
    "b c",
    "café",
    "CAFÉ",
    "cafe\u{301}",
    "ÉQUIPE",
    "équipe",
    "équipes",
    "İx",
    "ΣΑΣ",
    "σας",
    "😀",
    "😀ab",
    "ab😀",
    "👍🏽",
    "foo",
    "FOO",
    "bar",
    "foo bar",
    "foo\n  bar",
    "FOO\t bar \r\nbaz",
    "foo \n\nbar",
    "b\r c",
    "4111 1111 1111 1111",
    "x@y.com",
    "#tag",
    "#tagged",
    "@user",
    "https://a.io/ab",
    "`code ab`",
    "**ab**",
    "K",
    "\u{212A}ey",
    "key",
    "ß",
    "STRASSE",
    "straße",
    "a_b",
    "don't",
    "DON'T",
    "don’t",
    "’n’ b",
    "a'b’c'd’e",
    "A’B’C’D’E",
    "“ab”",
    "ab—c",
    "12…",
    "+1",
    "123",
    "ab-c",
    "_ab",
    "ab_",
];
const SEPARATORS: &[&str] = &[
    " ",
    " ",
    " ",
    "",
    "\n",
    "  ",
    " \t\n ",
    "\r\n",
    "\n\n> ",
    "\n\n```\n",
    "\n```\n",
    ", ",
    ". ",
    "! ",
    "\n# ",
];
const REGEXES: &[&str] = &[
    "/\\d+/",
    "/[a-z]+c/i",
    "/fo+/",
    "/b\\s?c/",
    "/\\bab\\b/i",
    "/\\b[a-z]+\\B/",
    "/\\b(?:don|ab)\\W\\w\\b/i",
    "/\\d{4}(?: \\d{4}){3}/",
    "/^fo+|c[ \\t]*$/m",
    // A literal beyond ASCII, and a negated class (each cut to ASCII for ASCII text).
    "/\\bcaf(?:é|e)\\b/i",
    "/[^\\s.]{6,}/",
];
const CATEGORIES: &[&str] = &["confidentiality", "copyright", "add-value", "disclosure"];
/// Metrics conditions compare, word classes included.
const METRICS: &[&str] = &[
    "words",
    "words(content)",
    "words(stop)",
    "words(reaction)",
    "words(number)",
    "hashtags",
    "mentions",
    "caps",
];
/// Always there: a rule other rules' `overlaps` names, and word classes.
const PRELUDE: &str = "guideline helper {\n rule anchor hint {\n find \"ab\", /[0-9]+/\n message \"a\"\n }\n}\nwords {\n stop = \"ab\", \"the\", \"b\", \"don’t\"\n reaction = \"k\", \"bc\", \"+1\"\n greeting = \"foo\"\n}\n";
/// Scopes a generated guideline may `skip`.
const SKIPPABLE: &[&str] = &[
    "code",
    "url",
    "quote",
    "signature",
    "hashtag",
    "link",
    "subject",
];
const SCOPES: &[&str] = &[
    "code",
    "quote",
    "hashtag",
    "heading",
    "url",
    "mention",
    "link",
    "signature",
    "forward",
    "attachment",
    "footer",
    "lead",
];

fn term() -> impl Strategy<Value = String> {
    (
        prop::sample::select(TERMS),
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.2),
    )
        .prop_map(|(t, case, partial)| {
            let mut s = format!("{t:?}");
            if case {
                s.push_str(" case");
            }
            if partial {
                s.push_str(" partial");
            }
            s
        })
}

fn pattern() -> impl Strategy<Value = String> {
    prop_oneof![4 => term(), 1 => prop::sample::select(REGEXES).prop_map(str::to_string)]
}

fn patterns() -> impl Strategy<Value = String> {
    prop::collection::vec(pattern(), 1..4).prop_map(|p| p.join(", "))
}

fn atom(span_rule: bool) -> BoxedStrategy<String> {
    let mut options: Vec<BoxedStrategy<String>> = vec![
        patterns().prop_map(|p| format!("has {p}")).boxed(),
        (0..12u32).prop_map(|n| format!("words > {n}")).boxed(),
        (patterns(), 0..3u32)
            .prop_map(|(p, n)| format!("count({p}) >= {n}"))
            .boxed(),
        prop::sample::select(&["external", "internal"][..])
            .prop_map(|c| format!("channel is {c}"))
            .boxed(),
        (prop::sample::select(METRICS), 0..6u32)
            .prop_map(|(m, n)| format!("{m} >= {n}"))
            .boxed(),
        (
            prop::sample::select(METRICS),
            prop::sample::select(METRICS),
            0..4u32,
        )
            .prop_map(|(a, b, n)| format!("{a} per {b} > 0.{n}"))
            .boxed(),
    ];
    if span_rule {
        options.push(
            (
                patterns(),
                0..8u32,
                prop::bool::ANY,
                prop::sample::select(vec!["near", "preceded by", "followed by"]),
            )
                .prop_map(|(p, n, w, how)| {
                    format!("{how} {p} within {n} {}", if w { "words" } else { "chars" })
                })
                .boxed(),
        );
        options.push(
            prop::sample::select(SCOPES)
                .prop_map(|s| format!("in {s}"))
                .boxed(),
        );
        options.push(Just("overlaps helper.anchor".to_string()).boxed());
        options.push(patterns().prop_map(|p| format!("matches {p}")).boxed());
    }
    prop::strategy::Union::new(options).boxed()
}

fn cond(span_rule: bool) -> impl Strategy<Value = String> {
    atom(span_rule).prop_recursive(2, 6, 2, move |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} and {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} or {b})")),
            inner.prop_map(|a| format!("not {a}")),
        ]
    })
}

fn rule(i: usize) -> impl Strategy<Value = String> {
    let span_rule = prop::bool::weighted(0.85);
    span_rule.prop_flat_map(move |span_rule| {
        (
            prop::sample::select(CATEGORIES),
            prop::sample::subsequence(SKIPPABLE, 0..=SKIPPABLE.len()),
            patterns(),
            prop::option::weighted(0.6, cond(span_rule)),
            prop::option::weighted(0.3, cond(span_rule)),
            prop::option::weighted(0.2, cond(span_rule)),
            prop_oneof![4 => Just(""), 1 => Just("once"), 1 => Just("limit 2")],
            prop::bool::weighted(0.25),
            prop::option::weighted(0.2, patterns()),
        )
            .prop_map(move |(category, skip, find, when, unless, escalate, cap, redact, except)| {
                let mut body = String::new();
                if span_rule {
                    body.push_str(&format!("find {find}\n"));
                }
                if let Some(w) = when {
                    body.push_str(&format!("when {w}\n"));
                }
                if let Some(u) = unless {
                    body.push_str(&format!("unless {u}\n"));
                }
                if let Some(e) = escalate {
                    body.push_str(&format!("escalate error when {e}\n"));
                }
                if let (Some(x), true) = (except, span_rule) {
                    body.push_str(&format!("except {x}\n"));
                }
                body.push_str(cap);
                // A redacting rule hides its matches from every other rule's message.
                let redact = redact && span_rule;
                if redact {
                    body.push_str("\nredact");
                }
                let message = if redact {
                    "Redacted."
                } else if span_rule {
                    "Found {match}."
                } else {
                    "Document."
                };
                let skip = if skip.is_empty() {
                    String::new()
                } else {
                    format!(" skip {}\n", skip.join(", "))
                };
                format!("guideline {category} {{\n{skip} rule r{i} warning {{\n{body}\nmessage {message:?}\n }}\n}}\n")
            })
    })
}

fn rules() -> impl Strategy<Value = String> {
    (
        (1..6usize).prop_flat_map(|n| (0..n).map(rule).collect::<Vec<_>>()),
        prop::option::weighted(0.5, triage()),
    )
        .prop_map(|(r, t)| format!("{PRELUDE}{}\n{}", r.join("\n"), t.unwrap_or_default()))
}

/// A triage block of weighted category lines and priorities.
fn triage() -> impl Strategy<Value = String> {
    let line = (
        prop::sample::select(&["support", "criticism", "idea"][..]),
        1..4u32,
        cond(false),
    )
        .prop_map(|(c, w, when)| format!(" category {c} +{w} when {when}\n"));
    (
        prop::collection::vec(line, 1..5),
        prop::bool::ANY,
        cond(false),
    )
        .prop_map(|(lines, otherwise, urgent)| {
            let fallback = if otherwise { " category other otherwise\n" } else { "" };
            format!(
                "triage {{\n{}{fallback} priority 1 when {urgent}\n priority 2 when category criticism\n priority 3 otherwise\n}}\n",
                lines.concat()
            )
        })
}

fn draft() -> impl Strategy<Value = (String, Format)> {
    let body = prop::collection::vec(
        (
            prop::sample::select(WORDS),
            prop::sample::select(SEPARATORS),
        ),
        0..40,
    )
    .prop_map(|parts| {
        parts
            .into_iter()
            .map(|(w, s)| format!("{w}{s}"))
            .collect::<String>()
    });
    let format = prop::sample::select(&[Format::Markdown, Format::Text, Format::Email][..]);
    (body, format).prop_map(|(body, format)| match format {
        Format::Email => (
            format!("From: a@b.com\nSubject: ab foo\n\n{body}\n-- \nJane ab 😀\n"),
            format,
        ),
        _ => (body, format),
    })
}

fn cases() -> u32 {
    std::env::var("TENET_DIFF_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), max_shrink_iters: 2000, ..ProptestConfig::default() })]

    #[test]
    fn engine_agrees_with_reference(source in rules(), (text, format) in draft(), external in prop::bool::ANY) {
        let compiled = compile_str("generated.tenet", &source);
        prop_assert!(!compiled.has_errors(), "generated rules do not compile:\n{}\n{}", source, tenet::language::diagnostic::render_all(&compiled.diagnostics));
        let options = Options::on(if external { "external" } else { "internal" });
        let draft = Draft::new(text, format);
        let slow = tenet::engine::reference::check(&compiled.rules, &draft, &options);
        let slow_triage = tenet::engine::reference::triage(&compiled.rules, &draft, &options);
        // As a short run checks, and as a long one does (terms walked in the trie,
        // scanned with the DFA, regexes with ASCII word boundaries wherever they
        // agree with Unicode's).
        for long_run in [false, true] {
            let mut engine = Engine::new(compiled.rules.clone());
            if long_run {
                engine = engine.ascii_bounds_after(0);
                engine.warm();
            }
            let evaluation = engine.check(&draft, &options);
            prop_assert_eq!(&evaluation.findings, &slow, "rules:\n{}\ndraft: {:?}", source, draft.text);
            prop_assert_eq!(&evaluation.triage, &slow_triage, "triage of rules:\n{}\ndraft: {:?}", source, draft.text);
        }
    }
}

/// Rules whose matches reach across line breaks, so that drafts searched
/// joined have matches that reach from one into the next, and one whose
/// matches depend on where the text begins or ends.
const REACHING: &str = "guideline confidentiality {\n rule reach warning {\n find /b\\s+\\S+/, /\\d[\\d\\s]*\\d/, /c[^.]{0,30}a/\n message \"Found {match}.\"\n }\n rule edge warning {\n find /\\A\\s*[a-z]+|[0-9]\\s*\\z/\n message \"Found {match}.\"\n }\n}\n";

/// Each draft checked as one of many (short ones searched joined as one
/// text) against the reference checking it alone.
fn joined_agree_with_reference(
    source: &str,
    drafts: Vec<(String, Format, bool)>,
) -> Result<(), TestCaseError> {
    let compiled = compile_str("generated.tenet", source);
    prop_assert!(
        !compiled.has_errors(),
        "rules do not compile:\n{}\n{}",
        source,
        tenet::language::diagnostic::render_all(&compiled.diagnostics)
    );
    let options = |external: bool| Options::on(if external { "external" } else { "internal" });
    let checker = Checker {
        engine: Engine::new(compiled.rules.clone()),
        options: Options::default(),
    };
    let texts = drafts
        .iter()
        .map(|(text, format, external)| (text.clone(), *format, options(*external)))
        .collect();
    let checked = checker.check_texts_deferred(texts);
    prop_assert_eq!(checked.len(), drafts.len());
    for ((draft, report, deferred), (text, format, external)) in checked.into_iter().zip(drafts) {
        prop_assert_eq!(&draft.text, &text);
        let alone = Draft::new(text, format);
        let slow = tenet::engine::reference::check(&compiled.rules, &alone, &options(external));
        let slow_triage =
            tenet::engine::reference::triage(&compiled.rules, &alone, &options(external));
        prop_assert_eq!(
            &deferred.build(&draft.text, &report.redactions),
            &slow,
            "rules:\n{}\ndraft: {:?}",
            source,
            draft.text
        );
        prop_assert_eq!(
            &report.triage,
            &slow_triage,
            "triage of rules:\n{}\ndraft: {:?}",
            source,
            draft.text
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases() / 4, max_shrink_iters: 2000, ..ProptestConfig::default() })]

    #[test]
    fn drafts_searched_joined_agree_with_the_reference(
        source in rules(),
        reaching in prop::bool::ANY,
        drafts in prop::collection::vec((draft(), prop::bool::ANY), 2..8),
    ) {
        let source = if reaching { format!("{source}{REACHING}") } else { source };
        let drafts = drafts.into_iter().map(|((text, format), external)| (text, format, external)).collect();
        joined_agree_with_reference(&source, drafts)?;
    }
}

/// Matches that reach from one joined draft into the next, or from between
/// two into the next, are not given to either: each is searched again alone.
/// A regex that sees where the text begins or ends searches each draft alone.
#[test]
fn matches_reaching_across_joined_drafts_are_searched_again() {
    let drafts = || {
        [
            "ab\n",
            "b",
            "c 12",
            "34 done",
            "b\n\n",
            "ok",
            "1",
            "2a",
            "ab c",
            "ca",
            "abc ",
            "",
            "`code ab` ",
        ]
        .iter()
        .map(|t| (t.to_string(), Format::Text, true))
        .collect::<Vec<_>>()
    };
    joined_agree_with_reference(&format!("{PRELUDE}{REACHING}"), drafts()).unwrap();
    let edges = "guideline add-value {\n rule edge warning {\n find /\\Ab|a$|^c/\n message \"Found {match}.\"\n }\n}\n";
    joined_agree_with_reference(&format!("{PRELUDE}{REACHING}{edges}"), drafts()).unwrap();
    // No match reaches across these: each draft's `\A`, `^` and `$` matches
    // come from the search of it alone.
    let apart = ["b x", "c y", "za", "b", "ca", "x"]
        .iter()
        .map(|t| (t.to_string(), Format::Text, true))
        .collect();
    joined_agree_with_reference(&format!("{PRELUDE}{edges}"), apart).unwrap();
}

/// A fixed case that once disagreed would go here, named after what broke.
#[test]
fn folding_that_grows_a_character_does_not_shift_later_matches() {
    let compiled = compile_str(
        "t.tenet",
        "guideline add-value {\n rule r warning {\n find \"équipe\", \"key\"\n message \"{match}\"\n }\n}\n",
    );
    let draft = Draft::new("İİ ÉQUIPE \u{212A}EY".to_string(), Format::Text);
    let fast = Engine::new(compiled.rules.clone())
        .check(&draft, &Options::default())
        .findings;
    let spans: Vec<&str> = fast.iter().map(|f| &draft.text[f.span.clone()]).collect();
    assert_eq!(spans, ["ÉQUIPE", "\u{212A}EY"]);
    assert_eq!(
        fast,
        tenet::engine::reference::check(&compiled.rules, &draft, &Options::default())
    );
}

/// Numbers below the one asked for, from a fixed sequence (Knuth's MMIX
/// LCG): the same drafts on every run.
fn fixed_sequence(seed: u64) -> impl FnMut(usize) -> usize {
    let mut state = seed;
    move |n| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as usize % n
    }
}

/// At least `len` bytes of `pieces`, drawn by `below`, each followed by
/// `joint`; only the pure ASCII ones when `ascii`.
fn drawn(
    pieces: &[&str],
    below: &mut impl FnMut(usize) -> usize,
    len: usize,
    ascii: bool,
    joint: &str,
) -> String {
    let mut text = String::new();
    while text.len() < len {
        let piece = pieces[below(pieces.len())];
        if ascii && !piece.is_ascii() {
            continue;
        }
        text.push_str(piece);
        text.push_str(joint);
    }
    text
}

/// Checks that the engine finds what the reference does in `text`, with
/// Unicode's word boundaries and with ASCII's where they agree, and warmed (a
/// short draft's regexes on lines with a digit then searched together first);
/// returns how many findings there are.
fn agrees_with_reference(rules: &RuleSet, text: String, what: &str) -> usize {
    let draft = Draft::new(text, Format::Text);
    let slow = tenet::engine::reference::check(rules, &draft, &Options::default());
    let warmed = Engine::new(rules.clone());
    warmed.warm();
    for engine in [
        Engine::new(rules.clone()),
        Engine::new(rules.clone()).ascii_bounds_after(0),
        warmed,
    ] {
        let fast = engine.check(&draft, &Options::default()).findings;
        assert!(
            fast == slow,
            "{what}, {} bytes: {} findings, {} expected",
            draft.text.len(),
            fast.len(),
            slow.len()
        );
    }
    slow.len()
}

/// A long draft with a few word characters beyond ASCII runs its regexes with
/// ASCII word boundaries on the lines (and from the positions) clear of them:
/// the findings are the reference's wherever the accented words stand, next to
/// a match, before the word a regex is tried at, or on its own line.
#[test]
fn long_drafts_with_a_few_accented_words_agree_with_the_reference() {
    let source = "guideline disclosure {\n\
         rule thanks warning { find /(?i)\\b(?:thanks|huge thanks)\\s+@\\w+\\s+for\\b/ message \"m\" }\n\
         rule code warning { find /\\bcode [A-Z]{3}\\b/ message \"m\" }\n\
         rule digits warning { find /\\b[0-9]{3}\\b/ message \"m\" }\n\
         rule pair warning { find /\\bab\\s+cd\\b/ message \"m\" }\n}\n";
    let compiled = compile_str("t.tenet", source);
    assert!(!compiled.has_errors());
    let engine = Engine::new(compiled.rules.clone()).ascii_bounds_after(0);
    let plain = [
        "thanks @a for ",
        "code ABC ",
        "123 ",
        "ab\ncd ",
        "don’t ",
        "\n",
        "plain words here ",
    ];
    let accented = [
        "éthanks @b for ",
        "thanks @ç for ",
        "écode ABC ",
        "code ABCé ",
        "é123 ",
        "123é ",
        "ab cdé ",
        "café\n",
    ];
    let mut below = fixed_sequence(5);
    let mut away = 0;
    for _ in 0..300 {
        let mut text = String::new();
        while text.len() < 2500 {
            text.push_str(plain[below(plain.len())]);
        }
        // One or two accented words, anywhere (so few that lines clear of
        // them use ASCII's boundaries), or none.
        for _ in 0..below(3) {
            let mut at = below(text.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            text.insert_str(at, accented[below(accented.len())]);
        }
        if matches!(
            engine.searching(&text).builds,
            tenet::engine::Builds::AsciiWordsAwayFrom(_)
        ) {
            away += 1;
        }
        let draft = Draft::new(text, Format::Text);
        let fast = engine.check(&draft, &Options::default()).findings;
        let slow = tenet::engine::reference::check(&compiled.rules, &draft, &Options::default());
        assert_eq!(fast, slow, "draft: {:?}", draft.text);
    }
    assert!(away > 100, "{away}");
}

/// A long draft runs the regexes that look at lines with a digit together
/// once, for which of those lines each has a match on, and then each only
/// there, and so do short drafts once enough text has been searched: the
/// findings are the reference's, with Unicode's word boundaries and ASCII's,
/// next to accented words, with matches of one regex inside another's, in
/// drafts of a few lines and of a few kilobytes.
#[test]
fn regexes_on_lines_with_a_digit_searched_together_agree_with_the_reference() {
    let source = "guideline confidentiality {\n\
         rule three warning { find /\\b[0-9]{3}\\b/ message \"m\" }\n\
         rule phone warning { find /\\b[0-9]{3}-[0-9]{4}\\b/ message \"m\" }\n\
         rule long warning { find /\\b[0-9](?:[ -]?[0-9]){11,15}\\b/ message \"m\" }\n\
         rule inner warning { find /\\B[0-9]{2}\\B/ message \"m\" }\n\
         rule ext warning { find /(?i)\\bext\\.? ?[0-9]{2,4}\\b/ message \"m\" }\n}\n";
    let compiled = compile_str("t.tenet", source);
    assert!(!compiled.has_errors());
    let lines = [
        "call 555-1234 now",
        "id 123 and 4567",
        "card 4111 1111 1111 1111 here",
        "a12345b",
        "ext. 204, Ext 12",
        "é123 and 123é",
        "ΣΑΣ 555-9876",
        "nothing to see",
        "don’t 999",
        "",
    ];
    let mut below = fixed_sequence(11);
    for round in 0..6 {
        // Pure ASCII in half the rounds; in the others, now and then a line
        // beyond it.
        let text = drawn(&lines, &mut below, 80 << 10, round % 2 == 0, "\n");
        let short = |len: usize| text[..text.floor_char_boundary(len)].to_string();
        let (few_lines, few_kilobytes) = (short(300), short(3000));
        let found = agrees_with_reference(&compiled.rules, text, &format!("round {round}"));
        assert!(found > 1000, "{found}");
        for short in [few_lines, few_kilobytes] {
            let found = agrees_with_reference(&compiled.rules, short, &format!("round {round}"));
            assert!(found > 3, "{found}");
        }
    }
}

/// A long draft tries a regex whose matches begin with one of a few literals,
/// and may cross any number of lines, only where one of those begins: the
/// findings are the reference's with the literals in any case (the long `ſ`
/// among them), inside other words, one inside another, across lines and
/// next to accented words, and one ending inside another (`desk` in `help
/// desk now`: found first, but tried after); and a regex on a few lines whose
/// matches begin with a rare symbol (`$`). Short drafts, which scan for the
/// same literals their own way, agree too, down to a few lines.
#[test]
fn long_drafts_try_regexes_only_where_their_first_words_are() {
    let source = "guideline g {\n\
         rule thanks warning { find /(?i)\\b(?:thanks|huge thanks|thank you)\\s+(?:to\\s+)?@\\w+/ message \"m\" }\n\
         rule reach warning { find /(?i)\\b(?:call|reach)\\s+(?:the|our)\\s+(?:\\w+\\s+){0,2}?desk\\b/ message \"m\" }\n\
         rule desk warning { find /(?i)\\b(?:help desk now|desk)\\s+\\w+/ message \"m\" }\n\
         rule price warning { find /[$£]\\s?[0-9]+(?:\\.[0-9]{2})?/ message \"m\" }\n}\n";
    let compiled = compile_str("t.tenet", source);
    assert!(!compiled.has_errors());
    let pieces = [
        "Help Desk now please ",
        "Huge THANKS\n@ann ",
        "thanks to @bob ",
        "thank\u{17F} @x ",
        "huge thanks thanks @c ",
        "HUGE thanks @f ",
        "Thank You\n\n\n@dé ",
        "recall the desk ",
        "call\nthe\nhelp desk ",
        "REACH OUR\n\nfront big desk ",
        "reach the long way to the desk ",
        "éthanks @e ",
        "nothing here at all ",
        "US$5 and $ 12.50, £\n7 or $$3 ",
        "\n",
    ];
    let mut below = fixed_sequence(17);
    for round in 0..4 {
        let text = drawn(&pieces, &mut below, 80 << 10, round % 2 == 0, "");
        // Long (searched on every core), a short draft's few kilobytes, and a
        // draft of a few lines (tried where its literals are, like the others,
        // but not windowed).
        let short = text[..text.floor_char_boundary(3000)].to_string();
        let few_lines = text[..text.floor_char_boundary(900)].to_string();
        for (text, least) in [(text, 30), (short, 30), (few_lines, 5)] {
            let found = agrees_with_reference(&compiled.rules, text, &format!("round {round}"));
            assert!(found > least, "{found}");
        }
    }
}
