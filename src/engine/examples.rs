//! Rule examples as tests: `bad` must report exactly its `[brackets]`, `good` nothing,
//! `fixed` must turn into its expected text.

use std::path::Path;

use crate::draft::{Draft, Format};
use crate::engine::{Engine, Options};
use crate::language::ast::ExampleKind;
use crate::language::diagnostic::{Diagnostic, Severity};
use crate::language::lower::{self, Overrides, RuleFile};
use crate::language::rules::{Example, Rule};
use crate::report::finding::{apply_edits, Finding};

/// What running the examples found.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Examples run.
    pub run: usize,
    /// Rules whose examples ran.
    pub rules: usize,
    /// One diagnostic per failing example, pointing at it.
    pub failures: Vec<Diagnostic>,
}

/// Runs every example of every rule `engine` checks (its rules compiled with `overrides`).
pub fn run(engine: &Engine, overrides: &Overrides) -> Outcome {
    let rules = engine.rules();
    let mut outcome = Outcome::default();
    for rule in &rules.rules {
        if rule.examples.is_empty() {
            continue;
        }
        outcome.rules += 1;
        for example in &rule.examples {
            outcome.run += 1;
            let result = if example.with.is_empty() {
                run_one(engine, rule, example)
            } else {
                with_values(rule, example, overrides)
            };
            if let Err(message) = result {
                outcome.failures.push(Diagnostic {
                    severity: Severity::Error,
                    path: rule.origin.path.clone(),
                    source: rule.origin.source.clone(),
                    span: example.span.clone(),
                    message: format!("`{}`: {message}", rule.id),
                });
            }
        }
    }
    outcome
}

/// Recompiles the rule's file with the example's own list and parameter values.
fn with_values(rule: &Rule, example: &Example, overrides: &Overrides) -> Result<(), String> {
    let mut local = overrides.clone();
    for (name, values) in &example.with {
        let key = format!("{}.{name}", rule.category);
        local.params.insert(key.clone(), values.join(", "));
        local.lists.insert(key, values.clone());
    }
    let file = RuleFile {
        path: rule.origin.path.clone(),
        text: rule.origin.source.clone(),
    };
    let compiled = lower::compile(&[file], &local, &crate::language::builtin::read_list);
    let Some(again) = compiled.rules.rules.iter().find(|r| r.id == rule.id) else {
        return Err("the rule does not compile with the example's values".into());
    };
    let engine = Engine::new(compiled.rules.clone());
    run_one(&engine, again, example)
}

fn run_one(engine: &Engine, rule: &Rule, example: &Example) -> Result<(), String> {
    let format = example
        .format
        .unwrap_or_else(|| Format::detect(Some(Path::new("example.md")), &example.text));
    let draft = Draft::new(example.text.clone(), format);
    let options = match &example.channel {
        Some(channel) => Options::on(channel.clone()),
        None => Options::default(),
    };
    let findings = engine.check(&draft, &options).findings;
    let mine: Vec<&Finding> = findings.iter().filter(|f| f.rule == rule.id).collect();
    let show = |spans: &[std::ops::Range<usize>]| -> String {
        if spans.is_empty() {
            return "nothing".into();
        }
        spans
            .iter()
            .map(|s| format!("[{}]", &example.text[s.clone()]))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match example.kind {
        ExampleKind::Bad if rule.find.is_none() => {
            if mine.is_empty() {
                return Err("the `bad` example produced no finding".into());
            }
        }
        ExampleKind::Bad => {
            let got: Vec<_> = mine.iter().map(|f| f.span.clone()).collect();
            if got != example.spans {
                return Err(format!(
                    "the `bad` example should report {}, but reported {}",
                    show(&example.spans),
                    show(&got)
                ));
            }
        }
        ExampleKind::Good => {
            if !mine.is_empty() {
                let got: Vec<_> = mine.iter().map(|f| f.span.clone()).collect();
                let what = if rule.find.is_none() {
                    "a finding".to_string()
                } else {
                    show(&got)
                };
                return Err(format!(
                    "the `good` example should report nothing, but reported {what}"
                ));
            }
        }
        ExampleKind::Fixed => {
            let edits: Vec<_> = mine
                .iter()
                .filter_map(|f| f.fix.as_ref())
                .flat_map(|f| f.edits.clone())
                .collect();
            let fixed = apply_edits(&example.text, &edits);
            let expected = example.expected.as_deref().unwrap_or_default();
            if fixed != expected {
                return Err(format!("the fix gives {fixed:?}, not {expected:?}"));
            }
        }
    }
    Ok(())
}
