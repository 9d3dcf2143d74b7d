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

/// Expands folders into the drafts inside them, in a stable order; `found`
/// is told of each file a walk finds, as it is found.
pub fn collect(
    paths: &[PathBuf],
    walk: &Walk,
    notes: &mut Vec<Note>,
    missing: &mut bool,
    found: &mut dyn FnMut(&Path),
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
            Ok(meta) if meta.is_dir() => walk_folder(path, walk, &mut inputs, notes, found)?,
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
    found: &mut dyn FnMut(&Path),
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
        .build();
    let (first_input, first_note) = (inputs.len(), notes.len());
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
        let file = if kind.is_symlink() {
            // Links to files are checked; links to folders are not followed (no loops).
            match std::fs::metadata(entry.path()) {
                Ok(m) => m.is_file(),
                Err(err) => {
                    notes.push(Note {
                        path: entry.path().to_path_buf(),
                        message: format!("cannot read: {}", io_message(&err)),
                    });
                    false
                }
            }
        } else {
            kind.is_file()
        };
        if file {
            found(entry.path());
            inputs.push(Input::File(entry.into_path(), true));
        }
    }
    // In the order of a walk that sorts each folder's entries by name (a
    // folder's files after those of a folder whose name comes first): sorted
    // once here by a key, where the walker's sort parsed both names of every
    // comparison out of their paths.
    inputs[first_input..].sort_by_cached_key(|input| match input {
        Input::File(path, _) => walk_order(path),
        Input::Stdin => Vec::new(),
    });
    notes[first_note..].sort_by_cached_key(|note| walk_order(&note.path));
    Ok(())
}

/// A key that orders the paths under one folder as a walk that sorts each
/// folder's entries by name meets them: the path's bytes with each separator
/// made the lowest byte, so that a name ends before any longer name it begins
/// (`a/x` before `a.md`, as `a` sorts before `a.md`).
fn walk_order(path: &Path) -> Vec<u8> {
    let mut key = path.as_os_str().as_encoded_bytes().to_vec();
    for b in &mut key {
        if b.is_ascii() && std::path::is_separator(*b as char) {
            *b = 0;
        }
    }
    key
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder's drafts come in the order of a walk that sorts each folder's
    /// entries by name, whatever bytes the names hold.
    #[test]
    fn drafts_come_in_the_order_of_a_walk_sorted_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for file in [
            "a/x.md", "a.md", "a-b.md", "a b.md", "a/b/c.md", "a/b.md", "b/c/d.md", "b.md", "B.md",
            "é.md", "_.md", "a0/z.md", "a/!.md",
        ] {
            let path = root.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x").unwrap();
        }
        let sorted: Vec<PathBuf> = ignore::WalkBuilder::new(root)
            .sort_by_file_name(|a, b| a.cmp(b))
            .build()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
            .map(|e| e.into_path())
            .collect();
        let (mut notes, mut missing, mut found) = (Vec::new(), false, Vec::new());
        let inputs = collect(
            &[root.to_path_buf()],
            &Walk::default(),
            &mut notes,
            &mut missing,
            &mut |p: &Path| found.push(p.to_path_buf()),
        )
        .unwrap();
        let walked: Vec<PathBuf> = inputs
            .into_iter()
            .map(|i| match i {
                Input::File(p, _) => p,
                Input::Stdin => panic!("no standard input"),
            })
            .collect();
        assert_eq!(walked.len(), 13);
        assert_eq!(walked, sorted);
        // Every file the walk found was told of, once.
        found.sort();
        let mut all = sorted.clone();
        all.sort();
        assert_eq!(found, all);
    }
}
