//! Baselines: the findings a team has accepted, by file and fingerprint, so that a
//! run reports only what is new. A fingerprint is the rule and the matched text
//! (redacted text left out), numbered by occurrence: moving text within a file
//! or wrapping its lines anew keeps it, changing the match gives a new one.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::output::{FileResult, Fingerprints};
use super::Verdict;

/// The baseline file's version. Version 1's fingerprints took a matched text's
/// whitespace as written; it is still read, with fingerprints made as it made
/// them, so that no accepted finding comes back when tenet is upgraded.
const VERSION: u32 = 2;

#[derive(Serialize, Deserialize)]
struct Written<E> {
    version: u32,
    findings: Vec<E>,
}

/// A finding as a baseline file holds it.
#[derive(Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
struct Entry<S> {
    path: S,
    rule: S,
    fingerprint: String,
}

/// Accepted findings: by file, how many of each fingerprint.
#[derive(Debug)]
pub struct Baseline {
    dir: PathBuf,
    /// The file's version, which says how its fingerprints were made.
    version: u32,
    accepted: HashMap<String, HashMap<String, usize>>,
}

/// The folder paths in a baseline are relative to: the baseline file's own.
fn folder_of(file: &Path) -> PathBuf {
    let dir = file.parent().filter(|d| !d.as_os_str().is_empty());
    let dir = dir.unwrap_or(Path::new("."));
    std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf())
}

/// A draft's path as a baseline records it: relative to `dir` with `/` when it is
/// inside it, else as given; so `tenet check .` and `tenet check drafts/` agree.
fn key(dir: &Path, path: &Path) -> String {
    let relative = std::fs::canonicalize(path)
        .ok()
        .and_then(|p| p.strip_prefix(dir).ok().map(Path::to_path_buf));
    let p = relative.unwrap_or_else(|| path.to_path_buf());
    let text = p.to_string_lossy().replace('\\', "/");
    text.trim_start_matches("./").to_string()
}

impl Baseline {
    /// Writes the findings of `results` to `file` (atomically); returns how many.
    pub fn write(file: &Path, results: &[FileResult]) -> io::Result<usize> {
        let dir = folder_of(file);
        let paths: Vec<String> = results.iter().map(|r| key(&dir, &r.path)).collect();
        let mut findings: Vec<Entry<&str>> = Vec::new();
        for (r, path) in results.iter().zip(&paths) {
            let mut prints = Fingerprints::new(&r.text);
            findings.extend(r.report.findings.iter().map(|f| Entry {
                path: path.as_str(),
                rule: &*f.rule,
                fingerprint: prints.next(f),
            }));
        }
        findings.sort_unstable();
        let n = findings.len();
        let mut json = serde_json::to_vec_pretty(&Written {
            version: VERSION,
            findings,
        })?;
        json.push(b'\n');
        crate::text::file::write_atomic(file, &json)?;
        Ok(n)
    }

    /// Reads a baseline written by [`Baseline::write`].
    pub fn read(file: &Path) -> Result<Baseline, String> {
        let text = crate::text::file::read_text(file, 1 << 30)
            .map_err(|e| format!("{}: cannot read: {e}", file.display()))?;
        let written: Written<Entry<String>> = serde_json::from_str(&text)
            .map_err(|e| format!("{}: not a tenet baseline: {e}", file.display()))?;
        if !(1..=VERSION).contains(&written.version) {
            return Err(format!(
                "{}: baseline version {} (this tenet reads versions 1 to {VERSION})",
                file.display(),
                written.version
            ));
        }
        let mut accepted: HashMap<String, HashMap<String, usize>> = HashMap::new();
        for e in written.findings {
            *accepted
                .entry(e.path)
                .or_default()
                .entry(e.fingerprint)
                .or_insert(0) += 1;
        }
        Ok(Baseline {
            dir: folder_of(file),
            version: written.version,
            accepted,
        })
    }

    /// Removes the accepted findings from a result; returns how many.
    pub fn filter(&self, result: &mut FileResult) -> usize {
        let Some(accepted) = self.accepted.get(&key(&self.dir, &result.path)) else {
            return 0;
        };
        let report = &mut result.report;
        let mut prints = match self.version {
            1 => Fingerprints::as_written(&result.text),
            _ => Fingerprints::new(&result.text),
        };
        let mut used: HashMap<String, usize> = HashMap::new();
        let before = report.findings.len();
        // `retain` visits the findings once each, in order, as fingerprints need.
        report.findings.retain(|f| {
            let print = prints.next(f);
            let known = accepted.get(&print).copied().unwrap_or(0);
            if known == 0 {
                return true;
            }
            let n = used.entry(print).or_insert(0);
            *n += 1;
            *n > known
        });
        let removed = before - report.findings.len();
        if removed > 0 {
            let priority = report.triage.as_ref().and_then(|t| t.priority);
            report.verdict = Verdict::of(&report.findings, priority);
        }
        removed
    }
}
