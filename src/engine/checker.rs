//! The checker: a pure function of (rules, draft, channel) → report.

use std::path::Path;

use crate::draft::{Draft, Format};
use crate::engine::{Engine, Judgement, Options};
use crate::language::diagnostic::Diagnostic;
use crate::language::lower::{self, Compiled, Overrides, RuleFile};
use crate::report::{suppress, Deferred, Report, Unbuilt, Verdict};

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
        let (report, findings) = self.report(draft, self.engine.judge_draft(draft, options));
        self.built(report, findings, &draft.text)
    }

    /// Parses and checks a text (parsing and searching side by side): the fastest
    /// way to check a large draft.
    pub fn check_text_on(
        &self,
        text: String,
        format: Format,
        options: &Options,
    ) -> (Draft, Report) {
        let (draft, judgement) = self.engine.judge_text(text, format, options);
        let (report, findings) = self.report(&draft, judgement);
        let report = self.built(report, findings, &draft.text);
        (draft, report)
    }

    /// [`Checker::check_text_on`], with the report's findings left out and
    /// returned unbuilt, to be built as they are written: a large draft's
    /// findings then never all take memory at once.
    pub fn check_text_deferred(
        &self,
        text: String,
        format: Format,
        options: &Options,
    ) -> (Draft, Report, Deferred) {
        let (draft, judgement) = self.engine.judge_text(text, format, options);
        let (report, findings) = self.report(&draft, judgement);
        (
            draft,
            report,
            Deferred::of(self.engine.rule_set(), findings),
        )
    }

    /// [`Checker::check_text_deferred`] of each text, in order, short ones
    /// searched joined as one text: the fastest way to check many short
    /// drafts.
    pub fn check_texts_deferred(
        &self,
        texts: Vec<(String, Format, Options)>,
    ) -> Vec<(Draft, Report, Deferred)> {
        self.engine
            .judge_texts(texts)
            .into_iter()
            .map(|(draft, judgement)| {
                let (report, findings) = self.report(&draft, judgement);
                (
                    draft,
                    report,
                    Deferred::of(self.engine.rule_set(), findings),
                )
            })
            .collect()
    }

    /// The report without its findings, and the findings.
    fn report(&self, draft: &Draft, judgement: Judgement) -> (Report, Unbuilt) {
        let Judgement {
            mut pending,
            triage,
            redactions,
            truncated,
        } = judgement;
        let rules = self.engine.rules();
        let (suppressed, meta) = suppress::apply(draft, &mut pending, rules, &redactions);
        let findings = Unbuilt::new(pending, meta);
        let priority = triage.as_ref().and_then(|t| t.priority);
        let report = Report {
            findings: Vec::new(),
            suppressed,
            triage,
            verdict: Verdict::of_levels(findings.levels(rules), priority),
            redactions,
            truncated,
        };
        (report, findings)
    }

    /// The report with its findings built.
    fn built(&self, mut report: Report, findings: Unbuilt, text: &str) -> Report {
        report.findings = findings.build(self.engine.rules(), text, &report.redactions);
        report
    }
}

/// Parses `text` (format from `path`, else sniffed) and checks it.
pub fn check_text(checker: &Checker, text: &str, path: Option<&Path>) -> Report {
    let draft = Draft::new(text.to_string(), Format::detect(path, text));
    checker.check(&draft)
}
