//! Rule packs: `builtin`, folders of `.tenet` files, or single files → rule files.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::language::builtin;
use crate::language::lower::RuleFile;

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

/// Reads every rule file of every pack, in order (a folder's files by name).
pub fn rule_files(packs: &[PathBuf]) -> Result<Vec<RuleFile>, PackError> {
    let mut files = Vec::new();
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
                    err(
                        &path,
                        e.into_io_error()
                            .unwrap_or_else(|| io::Error::other("a folder loop")),
                    )
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
            let text = read_rule_file(&path).map_err(|e| err(&path, e))?;
            files.push(RuleFile {
                path,
                text: Arc::from(text),
            });
        }
    }
    Ok(files)
}

/// A rule file's text: a regular file (never a FIFO or device), UTF-8.
fn read_rule_file(path: &Path) -> io::Result<String> {
    super::config::read_text(path)
}
