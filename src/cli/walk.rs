//! Which drafts a run checks: paths named on the command line, and folders walked
//! as ripgrep walks them.

use std::path::{Path, PathBuf};

use anyhow::Result;
use tenet::report::output::Note;

use super::check::io_message;

/// How folders are walked.
#[derive(Default)]
pub struct Walk {
    /// Globs of files and folders to leave out, written as .gitignore lines.
    pub exclude: Vec<String>,
    /// Walk into what .gitignore and .ignore files leave out.
    pub no_ignore: bool,
    /// Leave out named files too when `--exclude` or the configuration's
    /// `exclude` matches them (hooks name every changed file).
    pub force_exclude: bool,
}

/// One draft to check.
pub enum Input {
    Stdin,
    /// A file, and whether a walk found it (the configuration may leave it out).
    File(PathBuf, bool),
}

/// `--exclude` globs as a matcher for named files (relative to the current folder).
pub fn cli_excludes(globs: &[String]) -> Result<ignore::gitignore::Gitignore> {
    let mut builder = ignore::gitignore::GitignoreBuilder::new("");
    for glob in globs {
        builder
            .add_line(None, glob)
            .map_err(|e| anyhow::anyhow!("--exclude {glob}: {e}"))?;
    }
    builder
        .build()
        .map_err(|e| anyhow::anyhow!("--exclude: {e}"))
}

/// Expands folders into the drafts inside them, in a stable order.
pub fn collect(
    paths: &[PathBuf],
    walk: &Walk,
    notes: &mut Vec<Note>,
    missing: &mut bool,
) -> Result<Vec<Input>> {
    let mut inputs = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input::Stdin);
            continue;
        }
        match std::fs::metadata(path) {
            Err(e) => {
                *missing = true;
                notes.push(Note {
                    path: path.clone(),
                    message: format!("cannot read: {}", io_message(&e)),
                });
            }
            Ok(meta) if meta.is_dir() => walk_folder(path, walk, &mut inputs, notes)?,
            // A file named on the command line is checked, ignored or not.
            Ok(_) => inputs.push(Input::File(path.clone(), false)),
        }
    }
    Ok(inputs)
}

/// The drafts in a folder, in file-name order, as ripgrep would walk it: hidden
/// files and folders, what `--exclude` leaves out, and (unless `--no-ignore`)
/// what `.gitignore` (in a git repository) and `.ignore` files leave out.
fn walk_folder(
    path: &Path,
    walk: &Walk,
    inputs: &mut Vec<Input>,
    notes: &mut Vec<Note>,
) -> Result<()> {
    let mut excludes = ignore::overrides::OverrideBuilder::new(path);
    for glob in &walk.exclude {
        // An override glob selects; `!glob` leaves out, which is what --exclude means.
        excludes
            .add(&format!("!{glob}"))
            .map_err(|e| anyhow::anyhow!("--exclude {glob}: {e}"))?;
    }
    let excludes = excludes
        .build()
        .map_err(|e| anyhow::anyhow!("--exclude: {e}"))?;
    let obey = !walk.no_ignore;
    let walker = ignore::WalkBuilder::new(path)
        .hidden(true)
        .parents(obey)
        .ignore(obey)
        .git_ignore(obey)
        .git_global(obey)
        .git_exclude(obey)
        .overrides(excludes)
        .follow_links(false)
        .sort_by_file_name(|a, b| a.cmp(b))
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                notes.push(walk_note(path, &e));
                continue;
            }
        };
        let Some(kind) = entry.file_type() else {
            continue;
        };
        // Which files are drafts is for the configuration to say (see `Files`).
        if kind.is_file() {
            inputs.push(Input::File(entry.into_path(), true));
        } else if kind.is_symlink() {
            // Links to files are checked; links to folders are not followed (no loops).
            match std::fs::metadata(entry.path()) {
                Ok(m) if m.is_file() => inputs.push(Input::File(entry.into_path(), true)),
                Ok(_) => {}
                Err(err) => notes.push(Note {
                    path: entry.into_path(),
                    message: format!("cannot read: {}", io_message(&err)),
                }),
            }
        }
    }
    Ok(())
}

/// A note for an entry the walk could not read.
fn walk_note(root: &Path, e: &ignore::Error) -> Note {
    let mut path = root.to_path_buf();
    let mut error = e;
    loop {
        match error {
            ignore::Error::WithPath { path: p, err } => {
                path = p.clone();
                error = err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                error = err;
            }
            _ => break,
        }
    }
    let message = match error {
        ignore::Error::Io(io) => format!("cannot read: {}", io_message(io)),
        other => other.to_string(),
    };
    Note { path, message }
}
