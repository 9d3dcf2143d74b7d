//! The engine agrees with the reference evaluator on real email nobody here wrote:
//! the first messages of `../shared/corpora/enron-lay-skilling`, with the built-in pack.
//! Skipped (with a note) where the corpus is not beside the project.

use std::io::Read;
use std::path::Path;

use tenet::draft::{Draft, Format};
use tenet::engine::{Engine, Options};

const TARBALL: &str = "../shared/corpora/enron-lay-skilling/enron-lay-skilling-maildir.tar.gz";

type Mail = tar::Archive<flate2::read::GzDecoder<std::fs::File>>;

/// The shared Enron mail, or `None` (with a note) where it is not beside the project.
fn mail() -> Option<Mail> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(TARBALL);
    let Ok(file) = std::fs::File::open(&path) else {
        eprintln!("note: {} is not here; skipping", path.display());
        return None;
    };
    Some(tar::Archive::new(flate2::read::GzDecoder::new(file)))
}

/// The built-in pack, compiled.
fn builtin_rules() -> tenet::language::rules::RuleSet {
    let files = tenet::language::builtin::rule_files();
    let compiled = tenet::language::lower::compile(
        &files,
        &Default::default(),
        &tenet::language::builtin::read_list,
    );
    compiled.rules
}

/// The archive's messages in order, each as its path and its bytes.
fn messages(archive: &mut Mail) -> impl Iterator<Item = (String, Vec<u8>)> + '_ {
    archive.entries().unwrap().filter_map(|entry| {
        let mut entry = entry.unwrap();
        if !entry.header().entry_type().is_file() {
            return None;
        }
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        Some((entry.path().unwrap().display().to_string(), bytes))
    })
}

#[test]
fn engine_agrees_with_reference_on_enron_mail() {
    let Some(mut archive) = mail() else {
        return;
    };
    let rules = builtin_rules();
    let engine = Engine::new(rules.clone());
    let (mut checked, mut findings) = (0, 0);
    for (path, bytes) in messages(&mut archive) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        // Keep the slow oracle affordable: the first messages, up to 6,000 characters each.
        let text: String = text.chars().take(6000).collect();
        let draft = Draft::new(text, Format::detect(None, &bytes_as_str(&bytes)));
        for channel in ["external", "internal"] {
            let options = Options::on(channel);
            let fast = engine.check(&draft, &options).findings;
            let slow = tenet::engine::reference::check(&rules, &draft, &options);
            assert_eq!(fast, slow, "message {path}");
            findings += fast.len();
        }
        checked += 1;
        if checked == 20 {
            break;
        }
    }
    assert_eq!(checked, 20);
    assert!(
        findings > 0,
        "no findings at all on real mail: the test would prove nothing"
    );
}

/// One engine checking the same mail on four threads at once answers each
/// message as it does alone: every regex searches with a cache of the calling
/// thread's own, and none is lent to another thread mid-search.
#[test]
fn engine_answers_alike_on_every_thread() {
    let Some(mut archive) = mail() else {
        return;
    };
    let engine = Engine::new(builtin_rules());
    let drafts: Vec<Draft> = messages(&mut archive)
        .take(200)
        .map(|(_, bytes)| {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            Draft::new(text, Format::detect(None, &bytes_as_str(&bytes)))
        })
        .collect();
    let options = Options::on("external");
    let check_all = |from: usize| -> Vec<Vec<tenet::report::Finding>> {
        // Each thread starts at another message, so that they search the same
        // regexes at the same time on different texts.
        (0..drafts.len())
            .map(|i| (i + from) % drafts.len())
            .map(|i| engine.check(&drafts[i], &options).findings)
            .collect()
    };
    let alone = check_all(0);
    assert!(
        alone.iter().map(Vec::len).sum::<usize>() > 100,
        "too few findings to compare"
    );
    std::thread::scope(|s| {
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let check_all = &check_all;
                s.spawn(move || (t * 50, check_all(t * 50)))
            })
            .collect();
        for thread in threads {
            let (from, found) = thread.join().unwrap();
            for (k, findings) in found.into_iter().enumerate() {
                let i = (k + from) % drafts.len();
                assert_eq!(findings, alone[i], "message {i}, thread starting at {from}");
            }
        }
    });
}

fn bytes_as_str(bytes: &[u8]) -> String {
    String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).into_owned()
}

/// Rules whose regexes never match across a line, or across a known number of
/// lines, each with literals or a digit that every match holds: they run only on
/// the lines that hold one. And one whose matches cross any number of lines but
/// begin with one of a few words: in a short draft it is tried only where one is.
const LINE_RULES: &str = r#"
guideline g {
  rule reach info {
    find /(?i)\b(?:call|contact|reach|please call)\s+(?:the|our)\s+(?:[\w&'.-]+\s+){0,3}(?:office|desk|team)\b/
    message "m"
    bad "[call the help desk]"
  }
  rule credential warning {
    find /(?i)["']?\b[a-z0-9_.-]*(?:password|secret|token|api[_-]?key)[a-z0-9_.-]*["']?[ \t]*(?::|=)[ \t]*["']?[^\s"',;]{6,}/,
         /(?i)\b[a-z][a-z0-9+.-]*:\/\/[^\s\/:@]+:[^\s\/@]+@[^\s\/]+/
    message "m"
    bad "[password=hunter2hunter2]"
  }
  rule host warning {
    find /(?i)\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:internal|corp)\b/
    message "m"
    bad "see [wiki.corp]"
  }
  rule project info {
    find /[A-Z][a-z]+[ \t]+(?:Project|Operation)[ \t]+.*/
    message "m"
    bad "[The Project Falcon team]"
  }
  rule extension info {
    find /(?i)\b(?:x|ext\.?)\s?[0-9](?:-?[0-9]){3,5}\b/
    message "m"
    bad "call [x39757]"
  }
  rule number info {
    find /\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}\b/, /\(?[0-9]{3}\)?[ .-]?[0-9]{3}[ .-][0-9]{4}\b/
    unless preceded by /(?i)\bfax[ \t]*:?/ within 0 words
    message "m"
    bad "IBAN [DE89 3704 0044 0532 0130 00]"
  }
  rule common info {
    find "the", "and", "to", "of", "in"
    message "m"
    bad "[the] end"
  }
}
"#;

/// Lines planted between the messages: secrets, internal hosts and URL credentials
/// written in every case (and with the long `ſ`, a caseless `s`), and numbers.
const PLANTED: [&str; 12] = [
    // Across lines, in any case; `reach` also begins words that are not it, and
    // a match begins at `Please`, before the `CALL` that other matches begin with.
    "Please CALL THE\n\nhelp desk, or Reach our sales\n office; reaches the team",
    "db_password = hunter2hunter2",
    "\"client_SECRET\": \"9f8e7d6c5b4a\"",
    "api_key=ſk83hd92jd72hs and PASSWORD: ſwordfiſh",
    "Clone from https://deploy:Tr0ub4dor@git.example.com/repo",
    "the wiki at build.INTERNAL and docs.corp",
    "Token: abcdefgh12345678 (The Project Falcon)",
    "password",
    // `(?i)` spells s and k outside ASCII too: the long s and the Kelvin sign.
    "pa\u{17F}sword = opensesame1 and api_\u{212A}ey: 0123456789abcdef",
    // A match may hold one line break: the line before the digits counts.
    "reach me at ext.\n5-4577 or at x\n39757",
    "pay to GB29 NWBK 6016 1331 9268 19, or call (713) 853-7409",
    // Evidence searched only around the matches that need it.
    "Fax: (713) 853-7410 or fax\n281 555-0100, fax 281-555-0101",
];

/// A draft large enough to be checked on every core, where a regex whose matches
/// never cross a line runs only on the lines that hold its literals (or, if it is
/// only evidence, on the lines around the matches that look for it) and a rule
/// with thousands of matches is judged in parts on every core: the same
/// findings as the reference, on real mail with secrets, internal hosts and URL
/// credentials written in every case (and with the long `ſ`, a caseless `s`)
/// between the messages.
#[test]
fn engine_agrees_with_reference_on_one_large_draft() {
    let Some(mut archive) = mail() else {
        return;
    };
    let mut text = String::new();
    for (i, (_, bytes)) in messages(&mut archive).enumerate() {
        text.push_str(&String::from_utf8_lossy(&bytes));
        text.push_str(PLANTED[i % PLANTED.len()]);
        text.push('\n');
        if text.len() > 300 << 10 {
            break;
        }
    }
    let compiled = tenet::language::lower::compile_str("lines.tenet", LINE_RULES);
    assert!(
        compiled.diagnostics.is_empty(),
        "{:?}",
        compiled.diagnostics
    );
    let engine = Engine::new(compiled.rules.clone());
    let draft = Draft::new(text, Format::Text);
    let options = Options::default();
    let fast = engine.check(&draft, &options).findings;
    let slow = tenet::engine::reference::check(&compiled.rules, &draft, &options);
    for rule in [
        "g.reach",
        "g.credential",
        "g.host",
        "g.project",
        "g.number",
        "g.extension",
    ] {
        let n = fast.iter().filter(|f| &*f.rule == rule).count();
        assert!(
            n >= 10,
            "{rule}: {n} findings; the planted lines were not found"
        );
    }
    // A rule with this many spans in a large draft is judged on every core.
    let common = fast.iter().filter(|f| &*f.rule == "g.common").count();
    assert!(common >= 4096, "{common} findings of g.common");
    for spelled in ["pa\u{17F}sword", "api_\u{212A}ey"] {
        assert!(
            fast.iter()
                .any(|f| draft.text[f.span.clone()].starts_with(spelled)),
            "{spelled} was not found"
        );
    }
    assert_eq!(fast, slow);
}

/// Short drafts (checked one at a time, on one core) with the same rules: a
/// regex runs only on the lines that hold its literals, or the digits every
/// match holds, and as many lines around as a match can span. The same
/// findings as the reference, on real mail with a planted line before and
/// after each message.
#[test]
fn engine_agrees_with_reference_on_short_drafts() {
    let Some(mut archive) = mail() else {
        return;
    };
    let compiled = tenet::language::lower::compile_str("lines.tenet", LINE_RULES);
    let engine = Engine::new(compiled.rules.clone());
    let options = Options::default();
    let (mut checked, mut windowed) = (0, 0);
    for (i, (path, bytes)) in messages(&mut archive).enumerate() {
        let body: String = String::from_utf8_lossy(&bytes).chars().take(6000).collect();
        let text = format!(
            "{}\n{body}\n{}",
            PLANTED[i % PLANTED.len()],
            PLANTED[(i + 3) % PLANTED.len()]
        );
        let draft = Draft::new(text, Format::Text);
        let fast = engine.check(&draft, &options).findings;
        let slow = tenet::engine::reference::check(&compiled.rules, &draft, &options);
        assert_eq!(fast, slow, "message {path}");
        windowed += fast.iter().filter(|f| &*f.rule != "g.common").count();
        checked += 1;
        if checked == 150 {
            break;
        }
    }
    assert!(windowed >= 150, "{windowed} findings of the windowed rules");
}
