//! Parsed files → a checked [`RuleSet`], with every error of every file.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::draft::{Scope, ScopeSet};
use crate::language::ast::{self, ExampleKind, Guard, PatternKind};
use crate::language::diagnostic::{Diagnostic, Severity};
use crate::language::rules::*;

mod conditions;
mod examples;
pub(crate) mod literals;
mod patterns;
pub(crate) mod reach;
mod rule;

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
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
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
    let mut seen_rules: HashMap<String, (PathBuf, usize)> = HashMap::new();
    // Parsing is a quarter of starting up; the files parse side by side.
    let parsed: Vec<_> = files
        .par_iter()
        .map(|file| crate::language::syntax::parse(&file.text))
        .collect();
    // Checking regexes is a fifth: every distinct one is checked on every core
    // before lowering, which then only looks the answers up.
    let written: HashSet<String> = parsed
        .iter()
        .flat_map(|f| &f.regexes)
        .map(|(source, flags)| patterns::with_flags(source, flags))
        .collect();
    let regexes = written
        .into_par_iter()
        .map(|full| {
            let checked = patterns::check(&full);
            (full, checked)
        })
        .collect();
    let mut cx = Lowerer {
        set: RuleSet::default(),
        diagnostics: Vec::new(),
        matcher_keys: HashMap::new(),
        pending: Vec::new(),
        regexes,
    };
    for (file, parsed) in files.iter().zip(parsed) {
        let syntax_errors: Vec<ast::Span> = parsed.errors.iter().map(|(s, _)| s.clone()).collect();
        let mut fx = FileCx {
            file,
            cx: &mut cx,
            syntax_errors,
            lines: None,
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
        for class in &parsed.words {
            fx.word_class(class, overrides, read_list);
        }
    }
    cx.resolve_overlaps(&seen_rules);
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
    /// Matchers by a hash of their patterns and validator.
    matcher_keys: HashMap<u64, Vec<MatcherId>>,
    /// `overlaps RULE` conditions waiting for every rule to be lowered: the
    /// placeholder id each got, the rule it names, and where it was written.
    pending: Vec<Pending>,
    /// Every regex written in the files (flags applied), checked.
    regexes: HashMap<String, patterns::Checked>,
}

/// An `overlaps RULE` condition to resolve once every rule is known.
struct Pending {
    placeholder: MatcherId,
    rule: String,
    path: PathBuf,
    source: Arc<str>,
    span: ast::Span,
}

/// Placeholder matcher ids count down from here; real ones count up from 0.
const PLACEHOLDER: MatcherId = usize::MAX;

impl Lowerer {
    /// Points every `overlaps RULE` at the rule's `find` matcher; a rule that does
    /// not exist, or finds nothing, is an error at the condition.
    fn resolve_overlaps(&mut self, seen: &HashMap<String, (PathBuf, usize)>) {
        let pending = std::mem::take(&mut self.pending);
        let mut map: HashMap<MatcherId, MatcherId> = HashMap::new();
        for p in &pending {
            let target = self.set.rules.iter().find(|r| *r.id == *p.rule);
            match target.and_then(|r| r.find) {
                Some(m) => {
                    map.insert(p.placeholder, m);
                }
                None => {
                    let message = match (target, seen.contains_key(&p.rule)) {
                        (Some(_), _) => {
                            format!("rule `{}` has no `find`, so nothing can overlap it", p.rule)
                        }
                        (None, true) => continue, // it has errors of its own, reported there
                        (None, false) => format!("no rule `{}`", p.rule),
                    };
                    self.diagnostics.push(Diagnostic {
                        severity: Severity::Error,
                        path: p.path.clone(),
                        source: p.source.clone(),
                        span: p.span.clone(),
                        message,
                    });
                }
            }
        }
        // A rule (or triage line) that still names a placeholder refers to a rule
        // that failed to compile: it is left out, as rules with errors are.
        let matchers = self.set.matchers.len();
        let unresolved = |c: &Cond| {
            let mut found = false;
            c.clone().visit_mut(&mut |c| {
                if let Cond::Overlaps(m) = c {
                    found |= *m >= matchers && !map.contains_key(m);
                }
            });
            found
        };
        self.set.rules.retain(|r| {
            !(r.condition.as_ref().is_some_and(unresolved)
                || r.escalate.iter().any(|(_, c)| unresolved(c)))
        });
        self.set
            .triage
            .categories
            .retain(|(_, _, c)| !c.as_ref().is_some_and(unresolved));
        self.set
            .triage
            .priorities
            .retain(|(_, c)| !c.as_ref().is_some_and(unresolved));
        if map.is_empty() {
            return;
        }
        let fix = |c: &mut Cond| {
            c.visit_mut(&mut |c| {
                if let Cond::Overlaps(m) = c {
                    if let Some(real) = map.get(m) {
                        *m = *real;
                    }
                }
            })
        };
        for rule in &mut self.set.rules {
            if let Some(c) = &mut rule.condition {
                fix(c);
            }
            for (_, c) in &mut rule.escalate {
                fix(c);
            }
        }
        for (_, _, c) in self.set.triage.categories.iter_mut() {
            if let Some(c) = c {
                fix(c);
            }
        }
        for (_, c) in self.set.triage.priorities.iter_mut() {
            if let Some(c) = c {
                fix(c);
            }
        }
    }
}

struct FileCx<'a> {
    file: &'a RuleFile,
    cx: &'a mut Lowerer,
    /// Where the parser gave up on a line: rules holding one are not checked
    /// further, so one mistake is reported once.
    syntax_errors: Vec<ast::Span>,
    /// The file's lines, indexed when an error first needs a line number.
    lines: Option<crate::text::line_index::LineIndex>,
}

/// Names visible inside one guideline or triage block, in alphabetical order
/// (an error that lists the known ones lists them so, the same in every run).
struct Names {
    params: BTreeMap<String, String>,
    lists: BTreeMap<String, Vec<String>>,
    /// The guideline they belong to (`None` in triage): `overlaps RULE` is looked up
    /// in it when the id has no guideline.
    guideline: Option<String>,
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

    /// An error for a name that is none of `known`: "unknown WHAT `NAME`; did you
    /// mean …?" (or the known names when none is close).
    fn unknown(&mut self, span: &ast::Span, what: &str, name: &str, known: &[&str]) {
        let hint = crate::text::similar::hint(name, known);
        self.error(span.clone(), format!("unknown {what} `{name}`; {hint}"));
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
            params: BTreeMap::new(),
            lists: BTreeMap::new(),
            guideline: scope.map(str::to_string),
        };
        let mut declared: HashMap<String, ast::Span> = HashMap::new();
        let names_of = |name: &str| {
            std::iter::once(name.to_string()).chain(scope.map(|s| format!("{s}.{name}")))
        };
        for p in params {
            self.declare(&mut declared, &p.name);
            self.cx.set.declared.params.extend(names_of(&p.name.value));
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
            self.cx.set.declared.lists.extend(names_of(&l.name.value));
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
                (None, ast::ListSource::File(path)) => self.list_file(path, read_list),
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

    fn line_of(&mut self, offset: usize) -> u32 {
        let text = &self.file.text;
        self.lines
            .get_or_insert_with(|| crate::text::line_index::LineIndex::new(text))
            .position(text, offset)
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
        let hidden = ALWAYS_HIDDEN.union(self.scopes(&g.skip));
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
                hidden,
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
            if let Some(rule) = self.rule(&g.id.value, id, r, &names, link.clone(), hidden) {
                self.cx.set.rules.push(rule);
            }
        }
    }

    /// A `words { CLASS = … }` line: the class's words, added to any it already has.
    fn word_class(&mut self, c: &ast::WordClass, overrides: &Overrides, read_list: ReadList) {
        let key = format!("words.{}", c.name.value);
        self.cx.set.declared.lists.insert(key.clone());
        let words: Vec<String> = match (overrides.lists.get(&key), &c.source) {
            (Some(words), _) => words.clone(),
            (None, ast::ListSource::Inline(words)) => {
                words.iter().map(|w| w.value.clone()).collect()
            }
            (None, ast::ListSource::File(path)) => self.list_file(path, read_list),
        };
        let folded = words.iter().map(|w| crate::text::fold::fold(w.trim()));
        let classes = &mut self.cx.set.words;
        match c.name.value.as_str() {
            "stop" => classes.stop.extend(folded),
            "reaction" => classes.reaction.extend(folded),
            "greeting" => classes.greeting.extend(folded),
            other => self.error(
                c.name.span.clone(),
                format!(
                    "a words block declares no class `{other}`; {}",
                    crate::text::similar::hint(other, &["stop", "reaction", "greeting"])
                ),
            ),
        }
        self.cx.set.words.changed();
    }

    /// The terms of a list file next to this rule file; a file that cannot be read
    /// is an error at its name.
    fn list_file(&mut self, path: &ast::Spanned<String>, read_list: ReadList) -> Vec<String> {
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

    /// An `overlaps RULE` condition: a placeholder resolved when every rule is known.
    pub(super) fn overlaps(&mut self, rule: &ast::Spanned<String>, names: &Names) -> Cond {
        let id = match (&names.guideline, rule.value.contains('.')) {
            (Some(g), false) => format!("{g}.{}", rule.value),
            _ => rule.value.clone(),
        };
        let placeholder = PLACEHOLDER - self.cx.pending.len();
        self.cx.pending.push(Pending {
            placeholder,
            rule: id,
            path: self.file.path.clone(),
            source: self.file.text.clone(),
            span: rule.span.clone(),
        });
        Cond::Overlaps(placeholder)
    }

    /// The scopes `skip` names; unknown names are errors.
    fn scopes(&mut self, names: &[ast::Spanned<String>]) -> ScopeSet {
        let mut set = ScopeSet::EMPTY;
        for name in names {
            match Scope::parse(&name.value) {
                Some(s) => set = set.union(ScopeSet::of(&[s])),
                None => self.unknown_scope(name),
            }
        }
        set
    }

    pub(super) fn unknown_scope(&mut self, name: &ast::Spanned<String>) {
        let known: Vec<&str> = Scope::ALL.iter().map(|(_, n)| *n).collect();
        self.error(
            name.span.clone(),
            format!(
                "unknown scope `{}`; known: {}",
                name.value,
                known.join(", ")
            ),
        );
    }

    fn error_count(&self) -> usize {
        self.cx
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }
}

/// The scopes no rule looks into unless it asks with `in`: they are not the text
/// a reader sees (headers, front matter, comments and suppression directives).
pub const ALWAYS_HIDDEN: ScopeSet =
    ScopeSet(Scope::Header as u16 | Scope::FrontMatter as u16 | Scope::Comment as u16);

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
