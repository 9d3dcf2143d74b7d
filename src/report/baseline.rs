//! Baselines: the findings a team has accepted, by file and fingerprint, so that a
//! run reports only what is new. A fingerprint is the rule and the matched text
//! (redacted text left out), numbered by occurrence: moving text within a file
//! keeps it, changing the match gives a new one.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::output::{fingerprints, FileResult};
use super::Verdict;

/// The baseline file's version.
const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Written {
    version: u32,
    findings: Vec<Entry>,
}

#[derive(Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    path: String,
    rule: String,
    fingerprint: String,
}

/// Accepted findings, counted by (file, fingerprint).
#[derive(Debug)]
pub struct Baseline {
    dir: PathBuf,
    accepted: HashMap<(String, String), usize>,
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
        let mut findings = Vec::new();
        for r in results {
            let path = key(&dir, &r.path);
            for (f, print) in r
                .report
                .findings
                .iter()
                .zip(fingerprints(&r.text, &r.report.findings))
            {
                findings.push(Entry {
                    path: path.clone(),
                    rule: f.rule.to_string(),
                    fingerprint: print,
                });
            }
        }
        findings.sort();
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
        let written: Written = serde_json::from_str(&text)
            .map_err(|e| format!("{}: not a tenet baseline: {e}", file.display()))?;
        if written.version != VERSION {
            return Err(format!(
                "{}: baseline version {} (this tenet reads version {VERSION})",
                file.display(),
                written.version
            ));
        }
        let mut accepted = HashMap::new();
        for e in written.findings {
            *accepted.entry((e.path, e.fingerprint)).or_insert(0) += 1;
        }
        Ok(Baseline {
            dir: folder_of(file),
            accepted,
        })
    }

    /// Removes the accepted findings from a result; returns how many.
    pub fn filter(&self, result: &mut FileResult) -> usize {
        let path = key(&self.dir, &result.path);
        let report = &mut result.report;
        let prints = fingerprints(&result.text, &report.findings);
        let mut used: HashMap<&str, usize> = HashMap::new();
        let mut keep = prints.iter().map(|print| {
            let known = self
                .accepted
                .get(&(path.clone(), print.clone()))
                .copied()
                .unwrap_or(0);
            let n = used.entry(print.as_str()).or_insert(0);
            *n += 1;
            *n > known
        });
        let before = report.findings.len();
        report.findings.retain(|_| keep.next().unwrap_or(true));
        let removed = before - report.findings.len();
        if removed > 0 {
            let priority = report.triage.as_ref().and_then(|t| t.priority);
            report.verdict = Verdict::of(&report.findings, priority);
        }
        removed
    }
}
