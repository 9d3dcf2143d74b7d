//! Rule packs: `builtin`, folders of `.tenet` files, or single files → rule files.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::language::builtin;
use crate::language::diagnostic::{Diagnostic, Severity};
use crate::language::lower::RuleFile;

/// A rule file larger than this is refused.
const MAX_BYTES: u64 = 256 << 20;

/// A pack or rule file that cannot be read.
#[derive(Debug)]
pub struct PackError {
    /// The pack or file.
    pub path: PathBuf,
    /// What the system said.
    pub error: io::Error,
}

impl std::fmt::Display for PackError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: cannot read rule pack: {}",
            self.path.display(),
            self.error
        )
    }
}

/// Every rule file of every pack, in order (a folder's files by name), and an error
/// at the first bad byte of each file that is not UTF-8 (its text is still read,
/// with the bad bytes replaced, so its other errors are reported too).
pub fn rule_files(packs: &[PathBuf]) -> Result<(Vec<RuleFile>, Vec<Diagnostic>), PackError> {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for pack in packs {
        if pack == Path::new(builtin::PREFIX) {
            files.extend(builtin::rule_files());
            continue;
        }
        let err = |path: &Path, error: io::Error| PackError {
            path: path.to_path_buf(),
            error,
        };
        let meta = std::fs::metadata(pack).map_err(|e| err(pack, e))?;
        let paths: Vec<PathBuf> = if meta.is_dir() {
            let mut found = Vec::new();
            for entry in walkdir::WalkDir::new(pack).sort_by_file_name() {
                let entry = entry.map_err(|e| {
                    let path = e.path().unwrap_or(pack).to_path_buf();
                    let error = e
                        .into_io_error()
                        .unwrap_or_else(|| io::Error::other("a folder loop"));
                    err(&path, error)
                })?;
                let is_rule_file = entry.path().extension().is_some_and(|x| x == "tenet");
                if is_rule_file && entry.file_type().is_file() {
                    found.push(entry.into_path());
                }
            }
            found
        } else {
            vec![pack.clone()]
        };
        for path in paths {
            let bytes =
                crate::text::file::read_regular(&path, MAX_BYTES).map_err(|e| err(&path, e))?;
            // UTF-8, or UTF-16 after its mark (Notepad's "Unicode"); a mark is
            // no part of the text.
            let (text, bad) = crate::text::encoding::decode_unicode_lossy(bytes);
            let file = RuleFile {
                path,
                text: Arc::from(text),
            };
            if let Some((at, what)) = bad {
                let len = file.text[at..].chars().next().map_or(0, char::len_utf8);
                problems.push(Diagnostic {
                    severity: Severity::Error,
                    path: file.path.clone(),
                    source: file.text.clone(),
                    span: at..at + len,
                    message: format!("this file is {what}: save it as UTF-8"),
                });
            }
            files.push(file);
        }
    }
    Ok((files, problems))
}
