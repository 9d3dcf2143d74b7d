//! The syntax tree of a `.tenet` file, as written: nothing here is resolved or checked.
//!
//! [`crate::language::syntax`] builds it; [`crate::language::lower`] turns it into checked rules.

use std::ops::Range;

/// A byte range in the rule file's source.
pub type Span = Range<usize>;

/// A value with the place in the source it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub span: Span,
}

/// One parsed `.tenet` file.
#[derive(Debug, Clone, Default)]
pub struct File {
    /// The guidelines, in source order.
    pub guidelines: Vec<Guideline>,
    /// The triage blocks, in source order.
    pub triage: Vec<Triage>,
    /// The `words { … }` blocks: what each word class holds.
    pub words: Vec<WordClass>,
    /// Syntax errors found while parsing; the tree holds everything else.
    pub errors: Vec<(Span, String)>,
    /// Every regex written in the file, as source and flags (checked all at
    /// once, before the tree is lowered).
    pub regexes: Vec<(String, String)>,
}

/// `guideline ID "title" { … }`.
#[derive(Debug, Clone)]
pub struct Guideline {
    /// The guideline id, which is also its category.
    pub id: Spanned<String>,
    /// The optional title.
    pub title: Option<String>,
    /// The `##` comment above the guideline.
    pub doc: String,
    /// `link "…"`.
    pub link: Option<Spanned<String>>,
    /// `skip SCOPE, …`: scopes its rules do not look into.
    pub skip: Vec<Spanned<String>>,
    /// `param NAME = "…"`.
    pub params: Vec<Param>,
    /// `list NAME = …`.
    pub lists: Vec<List>,
    /// The rules.
    pub rules: Vec<Rule>,
}

/// `CLASS = …` in a `words { … }` block: the words of one class.
#[derive(Debug, Clone)]
pub struct WordClass {
    /// The class (`stop`, `reaction`, `greeting`).
    pub name: Spanned<String>,
    /// Its words.
    pub source: ListSource,
}

/// `param NAME = "value"`.
#[derive(Debug, Clone)]
pub struct Param {
    /// The parameter's name.
    pub name: Spanned<String>,
    /// Its default value.
    pub value: String,
}

/// `list NAME = "a", "b"` or `list NAME = file "path"`.
#[derive(Debug, Clone)]
pub struct List {
    /// The list's name.
    pub name: Spanned<String>,
    /// Where the terms come from.
    pub source: ListSource,
}

/// Where a list's terms are written.
#[derive(Debug, Clone)]
pub enum ListSource {
    /// Terms written inline.
    Inline(Vec<Spanned<String>>),
    /// A file next to the rule file, one term per line.
    File(Spanned<String>),
}

/// `rule ID LEVEL { … }`.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The rule id, unique within its guideline.
    pub id: Spanned<String>,
    /// The `##` comment above the rule: its explanation.
    pub doc: String,
    /// The level written in the header or in a `level` clause.
    pub level: Option<Spanned<Level>>,
    /// `find …` clauses.
    pub finds: Vec<Find>,
    /// `when` conditions (all must hold).
    pub when: Vec<Cond>,
    /// `unless` conditions (none may hold).
    pub unless: Vec<Cond>,
    /// `except P, …`: matches that are exceptions.
    pub except: Vec<Pattern>,
    /// `escalate LEVEL when …`.
    pub escalate: Vec<(Spanned<Level>, Cond)>,
    /// `message "…"`.
    pub message: Option<Spanned<String>>,
    /// `link "…"`.
    pub link: Option<Spanned<String>>,
    /// `suggest`, `replace`, `append`, `delete`.
    pub fixes: Vec<Spanned<FixClause>>,
    /// `once`.
    pub once: bool,
    /// `limit N`.
    pub limit: Option<Spanned<u64>>,
    /// `redact`.
    pub redact: bool,
    /// `review`.
    pub review: bool,
    /// `bad`, `good`, `fixed`.
    pub examples: Vec<Example>,
    /// Where its `find`, `when`, `unless`, `except` and `escalate` clauses are
    /// written, in order: what `tenet rules explain` shows of how it decides.
    pub logic: Vec<Span>,
    /// The whole rule.
    pub span: Span,
}

/// A finding's severity.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// A hint: the lightest touch.
    Hint,
    /// Information.
    Info,
    /// A warning.
    Warning,
    /// An error: the draft should not be published as it is.
    Error,
}

impl Level {
    /// The keyword that names this level.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Hint => "hint",
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }

    /// Parses a level keyword.
    pub fn parse(s: &str) -> Option<Level> {
        Some(match s {
            "hint" => Level::Hint,
            "info" => Level::Info,
            "warning" => Level::Warning,
            "error" => Level::Error,
            _ => return None,
        })
    }
}

/// `find PATTERNS [valid NAME]`.
#[derive(Debug, Clone)]
pub struct Find {
    /// What to look for.
    pub patterns: Vec<Pattern>,
    /// A check every match must pass: its name, and the list it takes (`phone(regions)`).
    pub validator: Option<(Spanned<String>, Option<Spanned<String>>)>,
}

/// One element of a pattern list.
#[derive(Debug, Clone)]
pub struct Pattern {
    /// A term, a regex or a name.
    pub kind: PatternKind,
    /// `case`: match case exactly.
    pub case: bool,
    /// `partial`: match inside words too.
    pub partial: bool,
    /// Where it was written.
    pub span: Span,
}

/// The three ways to say what to look for.
#[derive(Debug, Clone)]
pub enum PatternKind {
    /// A quoted term.
    Term(String),
    /// `/regex/flags`.
    Regex {
        /// The expression as written.
        source: String,
        /// The flags after the closing slash.
        flags: String,
    },
    /// A list or parameter name.
    Name(String),
}

/// A condition.
#[derive(Debug, Clone)]
pub enum Cond {
    /// `a or b`.
    Or(Vec<Cond>),
    /// `a and b`.
    And(Vec<Cond>),
    /// `not a`.
    Not(Box<Cond>),
    /// `near PATTERNS within N words|chars`, or `preceded by …` / `followed by …`.
    Near {
        /// The evidence to look for.
        patterns: Vec<Pattern>,
        /// How far away it may be.
        distance: u64,
        /// `words` or `chars`.
        unit: Unit,
        /// Which side of the match the evidence must be on.
        side: Side,
        /// Where it was written.
        span: Span,
    },
    /// `has PATTERNS`.
    Has(Vec<Pattern>),
    /// `in SCOPE`.
    In(Spanned<String>),
    /// `channel is NAME`.
    Channel(String),
    /// `category NAME` (triage only).
    Category(Spanned<String>),
    /// `overlaps RULE`: the match overlaps a match of that rule's `find`.
    Overlaps(Spanned<String>),
    /// `matches PATTERNS`: a match of the patterns lies inside the rule's match.
    Matches(Vec<Pattern>, Span),
    /// `METRIC OP NUMBER`.
    Compare {
        /// What is measured.
        metric: Metric,
        /// `per METRIC`: divided by this.
        per: Option<Metric>,
        /// How it is compared.
        op: CmpOp,
        /// With what.
        value: f64,
    },
}

/// What a comparison measures.
#[derive(Debug, Clone)]
pub enum Metric {
    /// A named document metric such as `words`, with its argument (`words(content)`).
    Named(Spanned<String>, Option<Spanned<String>>),
    /// `count(PATTERNS)`.
    Count(Vec<Pattern>),
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum CmpOp {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `==` or `=`
    Eq,
    /// `!=`
    Ne,
}

impl CmpOp {
    /// Applies the operator.
    pub fn holds(self, left: f64, right: f64) -> bool {
        match self {
            CmpOp::Lt => left < right,
            CmpOp::Le => left <= right,
            CmpOp::Gt => left > right,
            CmpOp::Ge => left >= right,
            CmpOp::Eq => left == right,
            CmpOp::Ne => left != right,
        }
    }
}

/// Where `near` evidence may stand: either side, or only before or after the match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Side {
    /// `near`: before or after.
    Either,
    /// `preceded by`: before the match.
    Before,
    /// `followed by`: after the match.
    After,
}

/// The unit of a `near` distance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Unit {
    /// Words between the two spans.
    Words,
    /// Characters between the two spans.
    Chars,
}

/// A fix a rule offers.
#[derive(Debug, Clone)]
pub enum FixClause {
    /// `suggest "a" | "b" [safe]`: replace the match.
    Suggest {
        /// The replacements, best first.
        with: Vec<String>,
        /// Whether the first may be applied without a person reading it.
        safe: bool,
    },
    /// `replace "from" -> "a" | "b" [safe]`: a term and its replacements.
    Replace {
        /// The term.
        from: String,
        /// The replacements, best first.
        to: Vec<String>,
        /// Whether the first may be applied without a person reading it.
        safe: bool,
    },
    /// `append "text" [safe]`: add text at the end of the draft.
    Append {
        /// What to add.
        text: String,
        /// Whether it may be applied without a person reading it.
        safe: bool,
    },
    /// `delete [safe]`: remove the match.
    Delete {
        /// Whether it may be applied without a person reading it.
        safe: bool,
    },
}

/// A `bad`, `good` or `fixed` example.
#[derive(Debug, Clone)]
pub struct Example {
    /// Which kind.
    pub kind: ExampleKind,
    /// The text, with `[brackets]` around expected spans in `bad` examples.
    pub text: String,
    /// For `fixed`: the text after the fix.
    pub expected: Option<String>,
    /// `on CHANNEL`.
    pub channel: Option<String>,
    /// `as FORMAT`: check the example as `markdown`, `text` or `email`.
    pub format: Option<Spanned<String>>,
    /// `with NAME = "…"`: list or parameter values for this example.
    pub with: Vec<(Spanned<String>, Vec<String>)>,
    /// Where it was written.
    pub span: Span,
}

/// The kind of an example.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ExampleKind {
    /// Must produce exactly the bracketed findings.
    Bad,
    /// Must produce no finding of the rule.
    Good,
    /// Applying the rule's fixes must give the expected text.
    Fixed,
}

/// `triage { … }`.
#[derive(Debug, Clone, Default)]
pub struct Triage {
    /// `skip SCOPE, …`: scopes triage does not look into.
    pub skip: Vec<Spanned<String>>,
    /// Parameters for the triage conditions.
    pub params: Vec<Param>,
    /// Lists for the triage conditions.
    pub lists: Vec<List>,
    /// `category NAME [+WEIGHT] when …`, in order.
    pub categories: Vec<(Spanned<String>, f64, Guard)>,
    /// `priority N when …`, in order.
    pub priorities: Vec<(Spanned<u64>, Guard)>,
}

/// When a triage line applies.
#[derive(Debug, Clone)]
pub enum Guard {
    /// `when COND`.
    When(Cond),
    /// `otherwise`.
    Otherwise,
}
