//! `tenet rules test|list|explain` and `tenet config`.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use tenet::language::diagnostic::render_all;
use tenet::language::explain;
use tenet::workspace::{Setup, Workspace};

use super::Outcome;

/// The rules as configured for the current folder.
fn rules_here(setup: Setup) -> Option<std::sync::Arc<tenet::workspace::Rules>> {
    super::rules_for(&Workspace::new(setup), Path::new("-"))
}

pub fn test(paths: Vec<PathBuf>, mut setup: Setup) -> Result<Outcome> {
    let mut out = std::io::stdout().lock();
    if !paths.is_empty() {
        // Test just the named files, with the configuration's values.
        setup.packs = Some(Vec::new());
        setup.extra_rules = paths;
    }
    let run = match Workspace::new(setup).examples(Path::new("-")) {
        Ok(run) => run,
        Err(e) => {
            super::print_load_error(&e);
            return Ok(Outcome::Error);
        }
    };
    // Rule-file problems (on stderr, as every command prints them) and failing
    // examples (the command's output), in one run.
    eprint!("{}", render_all(&run.diagnostics));
    let outcome = &run.outcome;
    write!(out, "{}", render_all(&outcome.failures))?;
    let failed = outcome.failures.len();
    let errors = run
        .diagnostics
        .iter()
        .filter(|d| d.severity == tenet::language::diagnostic::Severity::Error)
        .count();
    let mut summary = format!(
        "{} examples of {} rules: {} passed, {} failed",
        outcome.run,
        outcome.rules,
        outcome.run - failed,
        failed
    );
    if errors > 0 {
        summary.push_str(&format!(
            "; {errors} error{} in rule files",
            if errors == 1 { "" } else { "s" }
        ));
    }
    writeln!(out, "{summary}")?;
    Ok(if run.has_errors() {
        Outcome::Error
    } else if failed > 0 {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

/// The first sentence of a rule's documentation, whole, on one line.
fn first_sentence(doc: &str) -> String {
    let paragraph = tenet::report::output::sarif::summary(doc);
    let end = paragraph
        .match_indices(['.', '!', '?'])
        .map(|(i, m)| i + m.len())
        .find(|&i| paragraph[i..].is_empty() || paragraph[i..].starts_with(' '));
    match end {
        Some(i) => paragraph[..i].to_string(),
        None => paragraph,
    }
}

pub fn list(setup: Setup, json: bool) -> Result<Outcome> {
    let mut out = std::io::stdout().lock();
    let Some(rules) = rules_here(setup) else {
        return Ok(Outcome::Error);
    };
    let on = &rules.checker.engine.rules().rules;
    if json {
        let rows: Vec<serde_json::Value> = on
            .iter()
            .map(|r| (r, true))
            .chain(rules.off.iter().map(|r| (r, false)))
            .map(|(r, enabled)| {
                serde_json::json!({
                    "id": r.id,
                    "category": r.category,
                    "level": r.level.as_str(),
                    "enabled": enabled,
                    "summary": first_sentence(&r.doc),
                    "doc": r.doc.trim(),
                    "link": r.link,
                    "fix": r.fix.as_ref().map(|f| if f.safe || f.safe_patterns.iter().any(|s| *s) { "safe" } else { "unsafe" }),
                })
            })
            .collect();
        writeln!(out, "{}", serde_json::to_string_pretty(&rows)?)?;
        return Ok(Outcome::Clean);
    }
    let width = on
        .iter()
        .chain(&rules.off)
        .map(|r| r.id.len())
        .max()
        .unwrap_or(0);
    for r in on {
        writeln!(
            out,
            "{:width$}  {:7}  {}",
            r.id,
            r.level.as_str(),
            first_sentence(&r.doc)
        )?;
    }
    for r in &rules.off {
        writeln!(
            out,
            "{:width$}  {:7}  {}",
            r.id,
            "off",
            first_sentence(&r.doc)
        )?;
    }
    let off = if rules.off.is_empty() {
        String::new()
    } else {
        format!(" ({} turned off in tenet.toml)", rules.off.len())
    };
    writeln!(out, "{} rules{off}", on.len())?;
    Ok(Outcome::Clean)
}

pub fn explain(id: &str, setup: Setup) -> Result<Outcome> {
    let mut out = std::io::stdout().lock();
    let Some(rules) = rules_here(setup) else {
        return Ok(Outcome::Error);
    };
    let set = rules.checker.engine.rules();
    if let Some(rule) = rules.off.iter().find(|r| &*r.id == id) {
        writeln!(
            out,
            "This rule is turned off by the configuration (`[levels]` in tenet.toml).\n"
        )?;
        write!(out, "{}", explain::text(rule))?;
        return Ok(Outcome::Clean);
    }
    let Some(rule) = set.rules.iter().find(|r| &*r.id == id) else {
        let close: Vec<&str> = set
            .rules
            .iter()
            .filter(|r| {
                r.id.contains(id)
                    || id
                        .split('.')
                        .next_back()
                        .is_some_and(|tail| r.id.ends_with(tail))
            })
            .map(|r| &*r.id)
            .collect();
        if close.is_empty() {
            bail!("no rule `{id}`; `tenet rules list` shows them all");
        }
        bail!("no rule `{id}`; did you mean {}?", close.join(", "));
    };
    write!(out, "{}", explain::text(rule))?;
    Ok(Outcome::Clean)
}

pub fn config(path: &Path, setup: Setup) -> Result<Outcome> {
    let mut out = std::io::stdout().lock();
    let workspace = Workspace::new(setup);
    // A folder's configuration is that of a file inside it.
    let near = if path.is_dir() {
        path.join("-")
    } else {
        path.to_path_buf()
    };
    let Some(rules) = super::rules_for(&workspace, &near) else {
        return Ok(Outcome::Error);
    };
    if rules.config.is_empty() {
        writeln!(
            out,
            "# no tenet.toml found from {}: defaults",
            path.display()
        )?;
    }
    for f in &rules.config.files {
        writeln!(out, "# configuration: {}", f.path.display())?;
    }
    write!(
        out,
        "{}",
        rules
            .config
            .to_toml(&rules.packs, &rules.checker.options.channel)
    )?;
    writeln!(
        out,
        "# {} rules loaded",
        rules.checker.engine.rules().rules.len()
    )?;
    Ok(Outcome::Clean)
}
