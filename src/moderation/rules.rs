//! The rules a long-running service checks with: loaded once, reloaded when the
//! files they come from change (or when asked), the last good ones kept when new
//! ones are broken; and a version that names the rule set in every answer.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::SystemTime;

use crate::workspace::{LoadError, Rules, Setup, Workspace};

/// What a reload did.
#[derive(Debug)]
pub enum Reload {
    /// Nothing changed on disk.
    Unchanged,
    /// New rules are in use.
    Loaded {
        /// Their version.
        version: String,
    },
    /// The files changed but do not load: the last good rules stay.
    Failed {
        /// Why, as `tenet check` would print it.
        error: String,
    },
}

/// Rules for drafts checked near one folder, shared by every request.
pub struct LiveRules {
    workspace: RwLock<Arc<Workspace>>,
    near: PathBuf,
    state: RwLock<State>,
}

struct State {
    rules: Arc<Rules>,
    version: String,
    stamp: Vec<(PathBuf, Option<(SystemTime, u64)>)>,
    /// The error of the last reload, when it failed.
    failed: Option<String>,
}

impl LiveRules {
    /// Loads the rules for drafts in `near` (a folder).
    pub fn load(setup: Setup, near: &Path) -> Result<LiveRules, LoadError> {
        let workspace = Arc::new(Workspace::new(setup));
        let near = near.join("-");
        let rules = workspace.rules_for(&near)?;
        // The first draft after a (re)load does not wait for an automaton.
        rules.checker.engine.warm();
        let stamp = stamp(&rules, &near);
        let version = version(&stamp);
        Ok(LiveRules {
            workspace: RwLock::new(workspace),
            near,
            state: RwLock::new(State {
                rules,
                version,
                stamp,
                failed: None,
            }),
        })
    }

    /// The rules in use and their version.
    pub fn current(&self) -> (Arc<Rules>, String) {
        let s = self.state.read().unwrap_or_else(|e| e.into_inner());
        (s.rules.clone(), s.version.clone())
    }

    /// Logs the warnings about the rules in use (their files and
    /// configuration), and about `channel`, the default for drafts that name
    /// none, when no rule names it.
    pub fn log_warnings(&self, channel: Option<&str>) {
        let (rules, _) = self.current();
        for d in &rules.warnings {
            let (line, column) = d.line_col();
            let at = format!("{}:{line}:{column}", d.path.display());
            tracing::warn!(%at, "{}", d.message);
        }
        if let Some(warning) = channel.and_then(|c| rules.channel_warning(c)) {
            tracing::warn!("--channel: {warning}");
        }
    }

    /// The path drafts are checked as being at (their configuration's).
    pub fn near(&self) -> &Path {
        &self.near
    }

    /// Why the last reload failed, while the old rules are still in use.
    pub fn failed(&self) -> Option<String> {
        self.state
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .failed
            .clone()
    }

    /// Reloads when any file the rules come from changed (or always, with `force`).
    pub fn reload(&self, force: bool) -> Reload {
        let old = self
            .state
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .stamp
            .clone();
        let (rules, _) = self.current();
        let now = stamp(&rules, &self.near);
        if !force && now == old {
            return Reload::Unchanged;
        }
        let setup = self
            .workspace
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .setup()
            .clone();
        let fresh = Arc::new(Workspace::new(setup));
        match fresh.rules_for(&self.near) {
            Ok(rules) => {
                rules.checker.engine.warm();
                // The stamp of the new rules' own files (the set may have changed).
                let stamp = stamp(&rules, &self.near);
                let version = version(&stamp);
                *self.workspace.write().unwrap_or_else(|e| e.into_inner()) = fresh;
                let mut s = self.state.write().unwrap_or_else(|e| e.into_inner());
                *s = State {
                    rules,
                    version: version.clone(),
                    stamp,
                    failed: None,
                };
                Reload::Loaded { version }
            }
            Err(e) => {
                let error = error_text(&e);
                let mut s = self.state.write().unwrap_or_else(|e| e.into_inner());
                // Not reported again until the files change once more.
                s.stamp = now;
                s.failed = Some(error.clone());
                Reload::Failed { error }
            }
        }
    }
}

/// A load error as one text (diagnostics rendered with their places).
pub fn error_text(e: &LoadError) -> String {
    match e.diagnostics() {
        [] => e.to_string(),
        d => crate::language::diagnostic::render_all(d),
    }
}

/// The files the rules come from, with their modification times and sizes: the
/// configuration chain, the `tenet.toml` a draft's folder could gain, and every
/// file in the rule packs.
fn stamp(rules: &Rules, near: &Path) -> Vec<(PathBuf, Option<(SystemTime, u64)>)> {
    let mut paths: Vec<PathBuf> = rules.config.files.iter().map(|f| f.path.clone()).collect();
    if let Some(dir) = near.parent() {
        let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        paths.push(dir.join(crate::workspace::config::FILE_NAME));
    }
    for pack in &rules.packs {
        if pack == Path::new(crate::language::builtin::PREFIX) {
            continue;
        }
        for entry in walkdir::WalkDir::new(pack)
            .sort_by_file_name()
            .into_iter()
            .flatten()
        {
            if entry.file_type().is_file() {
                paths.push(entry.into_path());
            }
        }
    }
    paths.sort();
    paths.dedup();
    paths
        .into_iter()
        .map(|p| {
            let meta = std::fs::metadata(&p)
                .ok()
                .map(|m| (m.modified().unwrap_or(SystemTime::UNIX_EPOCH), m.len()));
            (p, meta)
        })
        .collect()
}

/// A short name for a rule set: a hash of its files' contents and of the build
/// (whose own rules and engine are part of what the set means).
fn version(stamp: &[(PathBuf, Option<(SystemTime, u64)>)]) -> String {
    version_of(env!("TENET_SOURCE_DIGEST"), stamp)
}

/// [`version`] for the build whose sources hash to `build`.
fn version_of(build: &str, stamp: &[(PathBuf, Option<(SystemTime, u64)>)]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    };
    eat(build.as_bytes());
    for (path, meta) in stamp {
        if meta.is_none() {
            continue;
        }
        eat(path.to_string_lossy().as_bytes());
        eat(&[0]);
        eat(&std::fs::read(path).unwrap_or_default());
        eat(&[0]);
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same files name the same rule set only in the same build: another
    /// build's built-in rules or engine may judge them differently.
    #[test]
    fn a_rule_set_is_named_by_its_files_and_the_build() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("house.tenet");
        std::fs::write(&path, "guideline g {}\n").unwrap();
        let stamp = vec![(path.clone(), Some((SystemTime::UNIX_EPOCH, 15)))];
        assert_eq!(version_of("a", &stamp), version_of("a", &stamp));
        assert_ne!(version_of("a", &stamp), version_of("b", &stamp));
        assert_eq!(
            version(&stamp),
            version_of(env!("TENET_SOURCE_DIGEST"), &stamp)
        );
        let before = version(&stamp);
        std::fs::write(&path, "guideline h {}\n").unwrap();
        assert_ne!(
            version(&stamp),
            before,
            "an edited file is another rule set"
        );
    }
}
