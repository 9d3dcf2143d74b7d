//! The built-in rule pack, embedded from `rules/` at build time.

use std::io;
use std::path::Path;
use std::sync::Arc;

use crate::language::lower::RuleFile;

include!(concat!(env!("OUT_DIR"), "/builtin_files.rs"));

/// The folder name built-in rule files are shown under.
pub const PREFIX: &str = "builtin";

/// The built-in `.tenet` files.
pub fn rule_files() -> Vec<RuleFile> {
    FILES
        .iter()
        .filter(|(path, _)| path.ends_with(".tenet"))
        .map(|(path, text)| RuleFile {
            path: Path::new(PREFIX).join(path),
            text: Arc::from(*text),
        })
        .collect()
}

/// Reads a list file: from the built-in pack for `builtin/…` paths, else from disk.
pub fn read_list(path: &Path) -> io::Result<String> {
    if let Ok(rel) = path.strip_prefix(PREFIX) {
        let rel = rel.to_string_lossy().replace('\\', "/");
        return FILES
            .iter()
            .find(|(p, _)| *p == rel)
            .map(|(_, text)| text.to_string())
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "not in the built-in pack"));
    }
    // Never a FIFO or a device (a list named `/dev/stdin` would block forever).
    crate::text::file::read_text(path, LIST_BYTES)
}

/// A list file larger than this is refused.
const LIST_BYTES: u64 = 256 << 20;
