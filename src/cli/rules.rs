//! `tenet rules test|list|explain` and `tenet config`.

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
    print!("{}", render_all(&outcome.failures));
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
    println!("{summary}");
    Ok(if run.has_errors() {
        Outcome::Error
    } else if failed > 0 {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

pub fn list(setup: Setup) -> Result<Outcome> {
    let Some(rules) = rules_here(setup) else {
        return Ok(Outcome::Error);
    };
    let rules = &rules.checker.engine.rules().rules;
    let width = rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
    for r in rules {
        let summary = r.doc.lines().next().unwrap_or("");
        println!("{:width$}  {:7}  {summary}", r.id, r.level.as_str());
    }
    println!("{} rules", rules.len());
    Ok(Outcome::Clean)
}

pub fn explain(id: &str, setup: Setup) -> Result<Outcome> {
    let Some(rules) = rules_here(setup) else {
        return Ok(Outcome::Error);
    };
    let set = rules.checker.engine.rules();
    let Some(rule) = set.rules.iter().find(|r| r.id == id) else {
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
            .map(|r| r.id.as_str())
            .collect();
        if close.is_empty() {
            bail!("no rule `{id}`; `tenet rules list` shows them all");
        }
        bail!("no rule `{id}`; did you mean {}?", close.join(", "));
    };
    print!("{}", explain::text(rule));
    Ok(Outcome::Clean)
}

pub fn config(path: &Path, setup: Setup) -> Result<Outcome> {
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
        println!("# no tenet.toml found from {}: defaults", path.display());
    }
    for f in &rules.config.files {
        println!("# configuration: {}", f.path.display());
    }
    print!(
        "{}",
        rules
            .config
            .to_toml(&rules.packs, &rules.checker.options.channel)
    );
    println!(
        "# {} rules loaded",
        rules.checker.engine.rules().rules.len()
    );
    Ok(Outcome::Clean)
}
