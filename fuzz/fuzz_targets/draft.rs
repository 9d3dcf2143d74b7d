//! Any bytes as drafts, checked with the built-in pack in every format and
//! printed in every output format. Never a panic; spans on character
//! boundaries; JSON and SARIF that parse; every format printing the same bytes
//! whether a draft's findings are built first or as they are written; and the
//! pieces of the input between NUL bytes, checked together (short drafts are
//! searched joined as one text), each printing what it prints checked alone.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tenet::draft::Format;
use tenet::engine::checker::Checker;
use tenet::engine::Options;
use tenet::language::rules::Rule;
use tenet::report::output::{FileResult, OutputFormat, Printer, Summary};
use tenet::report::{Deferred, Report};

fn checker() -> &'static Checker {
    static CHECKER: OnceLock<Checker> = OnceLock::new();
    CHECKER.get_or_init(|| Checker::builtin(&Default::default()).expect("the pack compiles"))
}

fn rules() -> Vec<&'static Rule> {
    checker().engine.rules().rules.iter().collect()
}

fn file(text: &str, format: Format, report: Report, deferred: Option<Deferred>) -> FileResult {
    FileResult {
        path: "fuzz.md".into(),
        text: text.to_owned(),
        format,
        channel: "external".into(),
        report,
        deferred,
        fixed: 0,
        stdin: false,
        encoding: Default::default(),
    }
}

/// What `format` prints for `result` alone.
fn printed(result: &FileResult, format: OutputFormat) -> Vec<u8> {
    let mut out = Vec::new();
    let mut printer = Printer::new(format, false, &rules());
    printer.file(result, &mut out).unwrap();
    let mut summary = Summary::default();
    summary.add(result);
    printer.end(&[], &summary, &mut out).unwrap();
    out
}

fuzz_target!(|data: &[u8]| {
    let options = Options::default();
    let text = String::from_utf8_lossy(data).into_owned();
    for format in [Format::Markdown, Format::Text, Format::Email] {
        let (_, built) = checker().check_text_on(text.clone(), format, &options);
        for f in &built.findings {
            assert!(text.is_char_boundary(f.span.start) && text.is_char_boundary(f.span.end));
        }
        let (_, report, deferred) = checker().check_text_deferred(text.clone(), format, &options);
        let first = file(&text, format, built, None);
        let as_written = file(&text, format, report, Some(deferred));
        for &(_, output) in OutputFormat::ALL {
            let printed_first = printed(&first, output);
            if matches!(output, OutputFormat::Json | OutputFormat::Sarif) {
                let parsed: Result<serde_json::Value, _> = serde_json::from_slice(&printed_first);
                assert!(parsed.is_ok(), "{output:?} is not JSON: {parsed:?}");
            }
            assert!(
                printed_first == printed(&as_written, output),
                "{output:?}: findings built as written print otherwise"
            );
        }
    }
    let pieces: Vec<String> = text.split('\0').map(str::to_owned).collect();
    if pieces.len() < 2 {
        return;
    }
    let together = pieces
        .iter()
        .map(|p| (p.clone(), Format::Markdown, options.clone()))
        .collect();
    for (piece, (_, report, deferred)) in
        pieces.iter().zip(checker().check_texts_deferred(together))
    {
        let (_, alone_report, alone) =
            checker().check_text_deferred(piece.clone(), Format::Markdown, &options);
        let joined = file(piece, Format::Markdown, report, Some(deferred));
        let alone = file(piece, Format::Markdown, alone_report, Some(alone));
        assert!(
            printed(&joined, OutputFormat::Json) == printed(&alone, OutputFormat::Json),
            "a draft checked with others is reported otherwise than alone: {piece:?}"
        );
    }
});
