//! Parsed files → a checked [`RuleSet`], with every error of every file.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::ast::{self, ExampleKind, Guard, PatternKind};
use crate::diagnostic::{Diagnostic, Severity};
use crate::draft::{Scope, ScopeSet};
use crate::rules::*;

mod conditions;
mod examples;
mod patterns;

/// One rule file's text and where it came from.
#[derive(Debug, Clone)]
pub struct RuleFile {
    /// Its path, as shown in messages.
    pub path: PathBuf,
    /// Its text.
    pub text: Arc<str>,
}

/// Parameter and list values that replace those written in the rule files.
///
/// Keys are a plain name (`company`, applying to every guideline that declares it)
/// or `guideline.name` (one guideline only, taking precedence).
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// Parameter values.
    pub params: HashMap<String, String>,
    /// List contents.
    pub lists: HashMap<String, Vec<String>>,
}

/// Reads a list file named by a rule file.
pub type ReadList<'a> = &'a dyn Fn(&Path) -> io::Result<String>;

/// The result of compiling rule files: the rules, and every problem found.
#[derive(Debug, Clone, Default)]
pub struct Compiled {
    /// The rules (incomplete when there are errors).
    pub rules: RuleSet,
    /// Errors and warnings, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Compiled {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

/// Compiles rule files into one rule set.
pub fn compile(files: &[RuleFile], overrides: &Overrides, read_list: ReadList) -> Compiled {
    let mut cx = Lowerer {
        set: RuleSet::default(),
        diagnostics: Vec::new(),
        matcher_keys: HashMap::new(),
    };
    let mut seen_rules: HashMap<String, (PathBuf, usize)> = HashMap::new();
    for file in files {
        let parsed = crate::syntax::parse(&file.text);
        let syntax_errors: Vec<ast::Span> = parsed.errors.iter().map(|(s, _)| s.clone()).collect();
        let mut fx = FileCx {
            file,
            cx: &mut cx,
            syntax_errors,
        };
        for (span, message) in parsed.errors {
            fx.error(span, message);
        }
        for g in &parsed.guidelines {
            fx.guideline(g, overrides, read_list, &mut seen_rules);
        }
        for t in &parsed.triage {
            fx.triage(t, overrides, read_list);
        }
    }
    let Lowerer {
        set,
        mut diagnostics,
        ..
    } = cx;
    diagnostics.sort_by(|a, b| a.path.cmp(&b.path).then(a.span.start.cmp(&b.span.start)));
    Compiled {
        rules: set,
        diagnostics,
    }
}

struct Lowerer {
    set: RuleSet,
    diagnostics: Vec<Diagnostic>,
    matcher_keys: HashMap<String, MatcherId>,
}

struct FileCx<'a> {
    file: &'a RuleFile,
    cx: &'a mut Lowerer,
    /// Where the parser gave up on a line: rules holding one are not checked
    /// further, so one mistake is reported once.
    syntax_errors: Vec<ast::Span>,
}

/// Names visible inside one guideline or triage block.
struct Names {
    params: HashMap<String, String>,
    lists: HashMap<String, Vec<String>>,
}

/// Where a condition stands, which decides what it may say.
#[derive(Clone, Copy, PartialEq)]
enum CondPlace {
    /// In a rule with a `find`.
    SpanRule,
    /// In a rule without one.
    DocumentRule,
    /// In a triage block.
    Triage,
}

impl FileCx<'_> {
    fn diag(&mut self, severity: Severity, span: ast::Span, message: impl Into<String>) {
        self.cx.diagnostics.push(Diagnostic {
            severity,
            path: self.file.path.clone(),
            source: self.file.text.clone(),
            span,
            message: message.into(),
        });
    }

    fn error(&mut self, span: ast::Span, message: impl Into<String>) {
        self.diag(Severity::Error, span, message)
    }

    fn names(
        &mut self,
        scope: Option<&str>,
        params: &[ast::Param],
        lists: &[ast::List],
        overrides: &Overrides,
        read_list: ReadList,
    ) -> Names {
        let mut names = Names {
            params: HashMap::new(),
            lists: HashMap::new(),
        };
        let mut declared: HashMap<String, ast::Span> = HashMap::new();
        for p in params {
            self.declare(&mut declared, &p.name);
            let qualified = scope.map(|s| format!("{s}.{}", p.name.value));
            let value = qualified
                .and_then(|q| overrides.params.get(&q))
                .or_else(|| overrides.params.get(&p.name.value))
                .cloned()
                .unwrap_or_else(|| p.value.clone());
            names.params.insert(p.name.value.clone(), value);
        }
        for l in lists {
            self.declare(&mut declared, &l.name);
            let qualified = scope.map(|s| format!("{s}.{}", l.name.value));
            let overridden = qualified
                .as_ref()
                .and_then(|q| overrides.lists.get(q))
                .or_else(|| overrides.lists.get(&l.name.value));
            let terms = match (overridden, &l.source) {
                (Some(terms), _) => terms.clone(),
                (None, ast::ListSource::Inline(terms)) => {
                    terms.iter().map(|t| t.value.clone()).collect()
                }
                (None, ast::ListSource::File(path)) => {
                    let base = self.file.path.parent().unwrap_or(Path::new(""));
                    let full = base.join(&path.value);
                    match read_list(&full) {
                        Ok(text) => list_file_terms(&text),
                        Err(e) => {
                            self.error(
                                path.span.clone(),
                                format!("cannot read list file `{}`: {e}", full.display()),
                            );
                            Vec::new()
                        }
                    }
                }
            };
            names.lists.insert(l.name.value.clone(), terms);
        }
        names
    }

    /// Records a parameter or list name; a second declaration of it is an error.
    fn declare(&mut self, declared: &mut HashMap<String, ast::Span>, name: &ast::Spanned<String>) {
        if let Some(prev) = declared.insert(name.value.clone(), name.span.clone()) {
            let line = self.line_of(prev.start);
            self.error(
                name.span.clone(),
                format!("`{}` is declared twice (first on line {line})", name.value),
            );
        }
    }

    fn line_of(&self, offset: usize) -> u32 {
        crate::line_index::LineIndex::new(&self.file.text)
            .position(&self.file.text, offset)
            .line
    }

    fn guideline(
        &mut self,
        g: &ast::Guideline,
        overrides: &Overrides,
        read_list: ReadList,
        seen: &mut HashMap<String, (PathBuf, usize)>,
    ) {
        let names = self.names(Some(&g.id.value), &g.params, &g.lists, overrides, read_list);
        let link = g.link.as_ref().map(|l| {
            self.template(&l.value, &names, l.span.clone(), false)
                .render("", None)
        });
        if !self
            .cx
            .set
            .guidelines
            .iter()
            .any(|info| info.id == g.id.value)
        {
            self.cx.set.guidelines.push(GuidelineInfo {
                id: g.id.value.clone(),
                title: g.title.clone(),
                doc: g.doc.clone(),
                link: link.clone(),
            });
        }
        for r in &g.rules {
            let id = format!("{}.{}", g.id.value, r.id.value);
            if let Some((path, offset)) = seen.get(&id) {
                let at = if *path == self.file.path {
                    format!("line {}", self.line_of(*offset))
                } else {
                    path.display().to_string()
                };
                self.error(
                    r.id.span.clone(),
                    format!("duplicate rule id `{id}` (first defined at {at})"),
                );
                continue;
            }
            seen.insert(id.clone(), (self.file.path.clone(), r.id.span.start));
            if self.syntax_errors.iter().any(|e| r.span.contains(&e.start)) {
                continue;
            }
            if let Some(rule) = self.rule(&g.id.value, id, r, &names, link.clone()) {
                self.cx.set.rules.push(rule);
            }
        }
    }

    fn rule(
        &mut self,
        category: &str,
        id: String,
        r: &ast::Rule,
        names: &Names,
        link: Option<String>,
    ) -> Option<Rule> {
        let errors_before = self.error_count();
        let place = if r.finds.is_empty()
            && !r
                .fixes
                .iter()
                .any(|f| matches!(f.value, ast::FixClause::Replace { .. }))
        {
            CondPlace::DocumentRule
        } else {
            CondPlace::SpanRule
        };

        // What to find: every `find` clause and every `replace` term, in one pattern set.
        let mut patterns = Vec::new();
        let mut validator = None;
        for f in &r.finds {
            patterns.extend(self.patterns(&f.patterns, names));
            if let Some(v) = &f.validator {
                match Validator::parse(&v.value) {
                    Some(parsed) if validator.is_none() => validator = Some(parsed),
                    Some(_) => self.error(v.span.clone(), "a rule takes one validator"),
                    None => self.error(
                        v.span.clone(),
                        format!(
                            "unknown validator `{}`; known: {}",
                            v.value,
                            Validator::NAMES.join(", ")
                        ),
                    ),
                }
            }
        }
        let mut replacements: Vec<(usize, Vec<Template>)> = Vec::new();
        let mut fix = None;
        for f in &r.fixes {
            if fix.is_some() && !matches!(f.value, ast::FixClause::Replace { .. }) {
                self.error(
                    f.span.clone(),
                    "a rule offers one kind of fix; this one already has one",
                );
                continue;
            }
            match &f.value {
                ast::FixClause::Replace { from, to, safe } => {
                    if matches!(
                        fix,
                        Some(FixSpec {
                            kind: FixKind::Replace(_),
                            ..
                        }) | None
                    ) {
                        let index = patterns.len();
                        if from.trim().is_empty() {
                            self.error(f.span.clone(), "this term can never match: it is empty");
                        }
                        patterns.push(Pattern::Term(Term {
                            text: from.clone(),
                            case: false,
                            partial: false,
                        }));
                        let to = to
                            .iter()
                            .map(|t| self.template(t, names, f.span.clone(), false))
                            .collect();
                        replacements.push((index, to));
                        fix = Some(FixSpec {
                            kind: FixKind::Replace(Vec::new()),
                            safe: *safe,
                        });
                    } else {
                        self.error(
                            f.span.clone(),
                            "`replace` cannot be combined with another kind of fix",
                        );
                    }
                }
                ast::FixClause::Suggest { with, safe } => {
                    let with = with
                        .iter()
                        .map(|t| self.template(t, names, f.span.clone(), false))
                        .collect();
                    fix = Some(FixSpec {
                        kind: FixKind::Suggest(with),
                        safe: *safe,
                    });
                }
                ast::FixClause::Append { text, safe } => {
                    let t = self.template(text, names, f.span.clone(), false);
                    fix = Some(FixSpec {
                        kind: FixKind::Append(t),
                        safe: *safe,
                    });
                }
                ast::FixClause::Delete { safe } => {
                    if place == CondPlace::DocumentRule {
                        self.error(
                            f.span.clone(),
                            "`delete` removes a match, and a document rule has none",
                        );
                    }
                    fix = Some(FixSpec {
                        kind: FixKind::Delete,
                        safe: *safe,
                    });
                }
            }
        }
        if let Some(FixSpec {
            kind: FixKind::Replace(table),
            ..
        }) = &mut fix
        {
            table.resize(patterns.len(), Vec::new());
            for (i, to) in replacements {
                table[i] = to;
            }
        }
        let find = (place == CondPlace::SpanRule).then(|| self.matcher(patterns, validator));

        let mut hidden = default_hidden(category);
        let mut when = Vec::new();
        for c in &r.when {
            if let Some(c) = self.cond(c, names, place) {
                hidden = hidden.without(positive_scopes(&c, true));
                when.push(c);
            }
        }
        for c in &r.unless {
            if let Some(c) = self.cond(c, names, place) {
                hidden = hidden.without(positive_scopes(&c, false));
                when.push(Cond::Not(Box::new(c)));
            }
        }
        let condition = match when.len() {
            0 => None,
            1 => when.pop(),
            _ => Some(Cond::And(when)),
        };
        let mut escalate = Vec::new();
        for (level, c) in &r.escalate {
            if let Some(c) = self.cond(c, names, place) {
                escalate.push((level.value, c));
            }
        }

        let message = match &r.message {
            Some(m) => self.template(&m.value, names, m.span.clone(), true),
            None => {
                self.error(
                    r.id.span.clone(),
                    format!("rule `{id}` has no `message`: say what is wrong and what to do"),
                );
                Template::default()
            }
        };
        if r.redact && message.shows_match() {
            if let Some(m) = &r.message {
                self.error(
                    m.span.clone(),
                    "a `redact` rule must not show `{match}` in its message",
                );
            }
        }
        let limit = match &r.limit {
            Some(l) if l.value == 0 => {
                self.error(
                    l.span.clone(),
                    "`limit 0` would report nothing; remove the rule or raise the limit",
                );
                None
            }
            Some(l) => Some(l.value as usize),
            None => None,
        };

        let rule_link = r.link.as_ref().map(|l| {
            self.template(&l.value, names, l.span.clone(), false)
                .render("", None)
        });
        let examples = self.examples(r, names, place);
        if !r.examples.iter().any(|e| e.kind == ExampleKind::Bad) {
            self.diag(
                Severity::Warning,
                r.id.span.clone(),
                format!("rule `{id}` has no `bad` example"),
            );
        }

        if self.error_count() > errors_before {
            return None;
        }
        Some(Rule {
            id,
            category: category.to_string(),
            level: r.level.as_ref().map_or(Level::Warning, |l| l.value),
            doc: r.doc.clone(),
            find,
            condition,
            escalate,
            message,
            link: rule_link.or(link),
            fix,
            once: r.once,
            limit,
            redact: r.redact,
            review: r.review,
            hidden,
            examples,
            origin: Origin {
                path: self.file.path.clone(),
                source: self.file.text.clone(),
                span: r.span.clone(),
            },
        })
    }

    fn error_count(&self) -> usize {
        self.cx
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }
}

/// The scopes a category does not look into unless a rule asks with `in`.
pub fn default_hidden(category: &str) -> ScopeSet {
    let always = [Scope::Header, Scope::FrontMatter, Scope::Comment];
    let extra: &[Scope] = match category {
        "confidentiality" => &[],
        "copyright" => &[Scope::Code, Scope::Url],
        "disclosure" => &[Scope::Code, Scope::Url, Scope::Quote],
        _ => &[Scope::Code, Scope::Url, Scope::Quote, Scope::Signature],
    };
    ScopeSet::of(&always).union(ScopeSet::of(extra))
}

/// The scopes a condition asks for positively (`in code`, not `not in code`).
fn positive_scopes(c: &Cond, positive: bool) -> ScopeSet {
    match c {
        Cond::In(s) if positive => *s,
        Cond::And(cs) | Cond::Or(cs) => cs.iter().fold(ScopeSet::EMPTY, |acc, c| {
            acc.union(positive_scopes(c, positive))
        }),
        Cond::Not(c) => positive_scopes(c, !positive),
        _ => ScopeSet::EMPTY,
    }
}

/// The terms of a list file: one per line, blank lines and `#` comments skipped.
pub fn list_file_terms(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// A quick way to compile one file's text, for tests and examples.
pub fn compile_str(path: &str, text: &str) -> Compiled {
    let file = RuleFile {
        path: PathBuf::from(path),
        text: Arc::from(text),
    };
    compile(&[file], &Overrides::default(), &|p: &Path| {
        std::fs::read_to_string(p)
    })
}
