//! The engine agrees with the reference evaluator on real email nobody here wrote:
//! the first messages of `../shared/corpora/enron-lay-skilling`, with the built-in pack.
//! Skipped (with a note) where the corpus is not beside the project.

use std::io::Read;
use std::path::Path;

use tenet::draft::{Draft, Format};
use tenet::engine::{Engine, Options};

const TARBALL: &str = "../shared/corpora/enron-lay-skilling/enron-lay-skilling-maildir.tar.gz";

#[test]
fn engine_agrees_with_reference_on_enron_mail() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(TARBALL);
    let Ok(file) = std::fs::File::open(&path) else {
        eprintln!("note: {} is not here; skipping", path.display());
        return;
    };
    let files = tenet::language::builtin::rule_files();
    let compiled = tenet::language::lower::compile(
        &files,
        &Default::default(),
        &tenet::language::builtin::read_list,
    );
    let engine = Engine::new(compiled.rules.clone());
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let (mut checked, mut findings) = (0, 0);
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        // Keep the slow oracle affordable: the first messages, up to 6,000 characters each.
        let text: String = text.chars().take(6000).collect();
        let draft = Draft::new(text, Format::detect(None, &bytes_as_str(&bytes)));
        for channel in ["external", "internal"] {
            let options = Options::on(channel);
            let fast = engine.check(&draft, &options).findings;
            let slow = tenet::engine::reference::check(&compiled.rules, &draft, &options);
            assert_eq!(fast, slow, "message {}", entry.path().unwrap().display());
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

fn bytes_as_str(bytes: &[u8]) -> String {
    String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).into_owned()
}
