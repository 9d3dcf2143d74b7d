//! Any bytes as a draft, in every format, checked with the built-in pack and
//! printed in every output format: no panic, and spans on character boundaries.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tenet::draft::{Draft, Format};
use tenet::report::output::{self, FileResult, OutputFormat};

fn checker() -> &'static tenet::Checker {
    static CHECKER: OnceLock<tenet::Checker> = OnceLock::new();
    CHECKER.get_or_init(|| tenet::Checker::builtin(&Default::default()).expect("the pack compiles"))
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    for format in [Format::Markdown, Format::Text, Format::Email] {
        let report = checker().check(&Draft::new(text.clone(), format));
        for f in &report.findings {
            assert!(text.is_char_boundary(f.span.start) && text.is_char_boundary(f.span.end));
        }
        let result = FileResult {
            path: "fuzz.md".into(),
            text: text.clone(),
            format,
            channel: "external".into(),
            report,
        };
        for (_, format) in OutputFormat::ALL {
            let mut out = Vec::new();
            output::print_file(*format, &result, false, &mut out).unwrap();
            output::print_end(*format, std::slice::from_ref(&result), &[], false, &mut out).unwrap();
        }
    }
});
