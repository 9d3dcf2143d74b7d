//! `tenet rules test|list|explain` and `tenet config`.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use tenet::ast::ExampleKind;
use tenet::diagnostic::render_all;
use tenet::examples;
use tenet::rules::Rule;

use super::{load, Loaded, Outcome, RuleOptions};

fn loaded(options: &RuleOptions) -> Result<Loaded> {
    load(options.setup_for(Path::new("."))?)
}

pub fn test(paths: Vec<PathBuf>, options: RuleOptions) -> Result<Outcome> {
    let mut setup = options.setup_for(Path::new("."))?;
    if !paths.is_empty() {
        // Test just the named files, with the configuration's values.
        setup.config.rules = Some(Vec::new());
        setup.extra_rules = paths;
    }
    let overrides = setup.config.overrides();
    let loaded = match load(setup) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("tenet: {e:#}");
            return Ok(Outcome::Error);
        }
    };
    let outcome = examples::run(&loaded.checker.engine, &overrides);
    print!("{}", render_all(&outcome.failures));
    let failed = outcome.failures.len();
    println!(
        "{} examples of {} rules: {} passed, {} failed",
        outcome.run,
        outcome.rules,
        outcome.run - failed,
        failed
    );
    Ok(if failed == 0 {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}

pub fn list(options: RuleOptions) -> Result<Outcome> {
    let loaded = loaded(&options)?;
    let rules = &loaded.checker.engine.rules().rules;
    let width = rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
    for r in rules {
        let summary = r.doc.lines().next().unwrap_or("");
        println!("{:width$}  {:7}  {summary}", r.id, r.level.as_str());
    }
    println!("{} rules", rules.len());
    Ok(Outcome::Clean)
}

pub fn explain(id: &str, options: RuleOptions) -> Result<Outcome> {
    let loaded = loaded(&options)?;
    let set = loaded.checker.engine.rules();
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
    print!("{}", explanation(rule));
    Ok(Outcome::Clean)
}

/// A rule's documentation as `tenet rules explain` prints it.
pub fn explanation(rule: &Rule) -> String {
    let mut out = format!(
        "{} ({}, {})\n\n",
        rule.id,
        rule.category,
        rule.level.as_str()
    );
    if !rule.doc.is_empty() {
        out.push_str(&rule.doc);
        out.push_str("\n\n");
    }
    if let Some(link) = &rule.link {
        out.push_str(&format!("See: {link}\n"));
    }
    let traits: Vec<&str> = [
        (rule.redact, "redacts what it finds"),
        (rule.review, "holds drafts for review"),
        (rule.once, "reports once per draft"),
    ]
    .iter()
    .filter(|(on, _)| *on)
    .map(|(_, t)| *t)
    .collect();
    if !traits.is_empty() {
        out.push_str(&format!("This rule {}.\n", traits.join(", ")));
    }
    let line = |e: &tenet::rules::Example| {
        tenet::line_index::LineIndex::new(&rule.origin.source)
            .position(&rule.origin.source, e.span.start)
            .line
    };
    let mut examples = String::new();
    for e in &rule.examples {
        let kind = match e.kind {
            ExampleKind::Bad => "bad ",
            ExampleKind::Good => "good",
            ExampleKind::Fixed => "fix ",
        };
        let shown = match &e.expected {
            Some(after) => format!("{:?} -> {:?}", e.text, after),
            None => format!("{:?}", e.text),
        };
        examples.push_str(&format!("  {kind}  {shown}  (line {})\n", line(e)));
    }
    if !examples.is_empty() {
        out.push_str(&format!(
            "\nExamples ({}):\n{examples}",
            rule.origin.path.display()
        ));
    }
    out
}

pub fn config(path: &Path, options: RuleOptions) -> Result<Outcome> {
    let setup = options.setup_for(path)?;
    match options.config_path(path) {
        Some(p) => println!("# configuration: {}", p.display()),
        None => println!("# no tenet.toml found from {}: defaults", path.display()),
    }
    let mut effective = setup.config.clone();
    effective.rules = Some(
        setup
            .packs()
            .iter()
            .map(|p| p.display().to_string())
            .collect(),
    );
    effective.fail_on.get_or_insert(tenet::rules::Level::Error);
    effective
        .channel
        .get_or_insert_with(|| tenet::engine::Options::default().channel);
    print!("{}", toml::to_string(&effective)?);
    let loaded = load(setup)?;
    println!(
        "# {} rules loaded",
        loaded.checker.engine.rules().rules.len()
    );
    Ok(Outcome::Clean)
}
