//! The checker: a pure function of (rules, draft, channel) → report.

use std::path::Path;

use crate::draft::{Draft, Format};
use crate::engine::{Engine, Evaluation, Options};
use crate::language::diagnostic::Diagnostic;
use crate::language::lower::{self, Compiled, Overrides, RuleFile};
use crate::report::{suppress, Report, Verdict};

/// Compiled rules and the options to check with.
#[derive(Debug, Clone)]
pub struct Checker {
    /// The engine.
    pub engine: Engine,
    /// The channel and other options.
    pub options: Options,
}

impl Checker {
    /// Compiles rule files; errors (and warnings) come back when any is an error.
    pub fn from_files(
        files: &[RuleFile],
        overrides: &Overrides,
    ) -> Result<(Checker, Vec<Diagnostic>), Vec<Diagnostic>> {
        let Compiled { rules, diagnostics } =
            lower::compile(files, overrides, &crate::language::builtin::read_list);
        if diagnostics
            .iter()
            .any(|d| d.severity == crate::language::diagnostic::Severity::Error)
        {
            return Err(diagnostics);
        }
        Ok((
            Checker {
                engine: Engine::new(rules),
                options: Options::default(),
            },
            diagnostics,
        ))
    }

    /// Compiles one rule file's text.
    pub fn from_source(path: &str, text: &str) -> Result<Checker, Vec<Diagnostic>> {
        let file = RuleFile {
            path: path.into(),
            text: text.into(),
        };
        Checker::from_files(&[file], &Overrides::default()).map(|(c, _)| c)
    }

    /// The built-in pack with these overrides.
    pub fn builtin(overrides: &Overrides) -> Result<Checker, Vec<Diagnostic>> {
        Checker::from_files(&crate::language::builtin::rule_files(), overrides).map(|(c, _)| c)
    }

    /// Checks a parsed draft on the checker's channel.
    pub fn check(&self, draft: &Draft) -> Report {
        self.check_on(draft, &self.options)
    }

    /// Checks a parsed draft with other options.
    pub fn check_on(&self, draft: &Draft, options: &Options) -> Report {
        self.report(draft, self.engine.check(draft, options))
    }

    /// Parses and checks a text (parsing and searching side by side): the fastest
    /// way to check a large draft.
    pub fn check_text_on(
        &self,
        text: String,
        format: Format,
        options: &Options,
    ) -> (Draft, Report) {
        let (draft, evaluation) = self.engine.check_text(text, format, options);
        let report = self.report(&draft, evaluation);
        (draft, report)
    }

    fn report(&self, draft: &Draft, evaluation: Evaluation) -> Report {
        let Evaluation {
            mut findings,
            triage,
            redactions,
            truncated,
        } = evaluation;
        let suppressed = suppress::apply(draft, &mut findings, self.engine.rules(), &redactions);
        let verdict = Verdict::of(&findings, triage.as_ref().and_then(|t| t.priority));
        Report {
            findings,
            suppressed,
            triage,
            verdict,
            redactions,
            truncated,
        }
    }
}

/// Parses `text` (format from `path`, else sniffed) and checks it.
pub fn check_text(checker: &Checker, text: &str, path: Option<&Path>) -> Report {
    let draft = Draft::new(text.to_string(), Format::detect(path, text));
    checker.check(&draft)
}
