//! Checked rules: every name resolved, every regex compiled, every example parsed.
//!
//! [`crate::language::lower`] builds a [`RuleSet`] from parsed files; the engine and the
//! reference evaluator read it.

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use crate::draft::ScopeSet;
pub use crate::language::ast::{CmpOp, Level, Unit};

/// Everything a check needs: rules, the pattern sets they use, and triage.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    /// The rules, in the order their files and guidelines were given.
    pub rules: Vec<Rule>,
    /// Every distinct pattern set used by a `find`, `near`, `has` or `count`.
    pub matchers: Vec<Matcher>,
    /// The triage steps of every triage block, in order.
    pub triage: Triage,
    /// The guidelines, for listing and explaining.
    pub guidelines: Vec<GuidelineInfo>,
    /// The names configuration may set.
    pub declared: Declared,
}

/// The names rule files declare, which `tenet.toml` may set.
#[derive(Debug, Clone, Default)]
pub struct Declared {
    /// Parameters, as `name` and as `guideline.name`.
    pub params: BTreeSet<String>,
    /// Lists, as `name` and as `guideline.name`.
    pub lists: BTreeSet<String>,
    /// Channels that conditions (`channel is …`) and examples (`on …`) name.
    pub channels: BTreeSet<String>,
}

/// Index into [`RuleSet::matchers`].
pub type MatcherId = usize;

/// What a guideline says about itself.
#[derive(Debug, Clone)]
pub struct GuidelineInfo {
    /// Its id, which is also its category.
    pub id: String,
    /// Its title.
    pub title: Option<String>,
    /// Its `##` explanation.
    pub doc: String,
    /// Its link.
    pub link: Option<String>,
    /// The scopes its rules do not look into unless they ask with `in`.
    pub hidden: ScopeSet,
}

/// A set of terms and regexes searched for together, with an optional validator.
#[derive(Debug, Clone)]
pub struct Matcher {
    /// The patterns; a hit records the index of the one that produced it.
    pub patterns: Vec<Pattern>,
    /// A checksum every hit must pass.
    pub validator: Option<Validator>,
}

/// One thing to look for.
#[derive(Debug, Clone)]
pub enum Pattern {
    /// A literal term.
    Term(Term),
    /// A regular expression.
    Regex(RegexPattern),
}

/// A literal term and how it matches.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Term {
    /// The term as written.
    pub text: String,
    /// Match case exactly (`case`).
    pub case: bool,
    /// Match inside words too (`partial`).
    pub partial: bool,
}

/// How large a regex's compiled form may be, in bytes. Rule files are checked
/// against it when they load, so a regex never silently fails to compile later.
pub const REGEX_SIZE: usize = 64 << 20;

/// A checked regular expression, compiled on first use.
#[derive(Debug, Clone)]
pub struct RegexPattern {
    /// The expression with its flags applied inline (`(?i)…`).
    pub source: String,
    /// Literals one of which starts every match (`None`: no such small set).
    pub prefixes: Option<Vec<Vec<u8>>>,
    compiled: std::sync::OnceLock<Option<regex_automata::meta::Regex>>,
}

impl RegexPattern {
    /// A regex that has been parsed and checked, not yet compiled.
    pub fn new(source: String, prefixes: Option<Vec<Vec<u8>>>) -> RegexPattern {
        RegexPattern {
            source,
            prefixes,
            compiled: std::sync::OnceLock::new(),
        }
    }

    /// The compiled regex (`None` only if it exceeds the size limits).
    pub fn regex(&self) -> Option<&regex_automata::meta::Regex> {
        self.compiled
            .get_or_init(|| {
                let config = regex_automata::meta::Config::new().nfa_size_limit(Some(REGEX_SIZE));
                regex_automata::meta::Regex::builder()
                    .configure(config)
                    .build(&self.source)
                    .ok()
            })
            .as_ref()
    }
}

/// A checksum that keeps only real identifiers among look-alikes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Validator {
    /// Payment card numbers (Luhn mod 10).
    Luhn,
    /// International bank account numbers (ISO 13616 mod 97).
    Iban,
    /// US social security numbers (area, group and serial ranges).
    Ssn,
}

impl Validator {
    /// The names `valid` accepts.
    pub const NAMES: &'static [&'static str] = &["luhn", "iban", "ssn"];

    /// Parses a validator name.
    pub fn parse(name: &str) -> Option<Validator> {
        Some(match name {
            "luhn" => Validator::Luhn,
            "iban" => Validator::Iban,
            "ssn" => Validator::Ssn,
            _ => return None,
        })
    }

    /// Whether `text` passes.
    pub fn check(self, text: &str) -> bool {
        match self {
            Validator::Luhn => crate::validate::luhn(text),
            Validator::Iban => crate::validate::iban(text),
            Validator::Ssn => crate::validate::ssn(text),
        }
    }
}

/// A checked rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// `guideline.rule`.
    pub id: String,
    /// The guideline id, which is the category.
    pub category: String,
    /// The level before escalation.
    pub level: Level,
    /// The `##` explanation.
    pub doc: String,
    /// What produces findings; `None` for a document rule.
    pub find: Option<MatcherId>,
    /// What must hold for a finding (`when` and `unless` together).
    pub condition: Option<Cond>,
    /// Raise the level when a condition holds.
    pub escalate: Vec<(Level, Cond)>,
    /// The message template.
    pub message: Template,
    /// The rule's (or its guideline's) link.
    pub link: Option<String>,
    /// The fixes it offers.
    pub fix: Option<FixSpec>,
    /// Report only the first finding.
    pub once: bool,
    /// Report at most this many findings.
    pub limit: Option<usize>,
    /// Never show the matched text.
    pub redact: bool,
    /// Findings hold the draft for human review.
    pub review: bool,
    /// Scopes this rule does not see.
    pub hidden: ScopeSet,
    /// Its examples, which are its tests.
    pub examples: Vec<Example>,
    /// Where it was written.
    pub origin: Origin,
}

/// A file and a span in it.
#[derive(Debug, Clone)]
pub struct Origin {
    /// The rule file.
    pub path: PathBuf,
    /// Its text.
    pub source: Arc<str>,
    /// The span of the rule.
    pub span: Range<usize>,
}

/// A condition over a hit and its draft.
#[derive(Debug, Clone)]
pub enum Cond {
    /// All hold.
    And(Vec<Cond>),
    /// One holds.
    Or(Vec<Cond>),
    /// Does not hold.
    Not(Box<Cond>),
    /// Evidence within a distance of the hit.
    Near {
        /// The evidence.
        matcher: MatcherId,
        /// How far.
        distance: usize,
        /// In words or characters.
        unit: Unit,
    },
    /// The evidence anywhere in what the rule sees.
    Has(MatcherId),
    /// The hit lies in a scope.
    In(ScopeSet),
    /// The draft is for this channel.
    Channel(String),
    /// Triage: the conversation was classified so.
    Category(String),
    /// A metric compared with a number.
    Compare {
        /// The metric.
        metric: Metric,
        /// The operator.
        op: CmpOp,
        /// The number.
        value: f64,
    },
}

/// Something measured over a draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// Words.
    Words,
    /// Sentences.
    Sentences,
    /// Links and bare URLs.
    Links,
    /// Hashtags.
    Hashtags,
    /// @mentions.
    Mentions,
    /// Emoji.
    Emoji,
    /// Share of words (of two letters or more) written in capitals, 0 to 1.
    Caps,
    /// Exclamation marks.
    Exclamations,
    /// Characters that are not white space.
    Chars,
    /// Non-empty lines.
    Lines,
    /// Words inside quotations (block quotes, quoted replies).
    Quoted,
    /// Hits of a pattern set.
    Count(MatcherId),
}

impl Metric {
    /// The names usable in conditions.
    pub const NAMES: &'static [&'static str] = &[
        "words",
        "sentences",
        "links",
        "hashtags",
        "mentions",
        "emoji",
        "caps",
        "exclamations",
        "chars",
        "lines",
        "quoted",
    ];

    /// Parses a metric name.
    pub fn parse(name: &str) -> Option<Metric> {
        Some(match name {
            "words" => Metric::Words,
            "sentences" => Metric::Sentences,
            "links" => Metric::Links,
            "hashtags" => Metric::Hashtags,
            "mentions" => Metric::Mentions,
            "emoji" => Metric::Emoji,
            "caps" => Metric::Caps,
            "exclamations" => Metric::Exclamations,
            "chars" => Metric::Chars,
            "lines" => Metric::Lines,
            "quoted" => Metric::Quoted,
            _ => return None,
        })
    }
}

/// A message with `{match}`, `{suggestion}` and parameters to fill in.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Template {
    /// Literal text and holes, in order.
    pub parts: Vec<TemplatePart>,
}

/// A piece of a [`Template`].
#[derive(Debug, Clone, PartialEq)]
pub enum TemplatePart {
    /// Text as is (parameters are already filled in).
    Text(String),
    /// The matched text.
    Match,
    /// The first suggestion.
    Suggestion,
}

impl Template {
    /// Fills in the holes.
    pub fn render(&self, matched: &str, suggestion: Option<&str>) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                TemplatePart::Text(t) => out.push_str(t),
                TemplatePart::Match => out.push_str(matched),
                TemplatePart::Suggestion => out.push_str(suggestion.unwrap_or("")),
            }
        }
        out
    }

    /// Whether the template shows the matched text.
    pub fn shows_match(&self) -> bool {
        self.parts.contains(&TemplatePart::Match)
    }
}

/// The fixes a rule offers.
#[derive(Debug, Clone)]
pub struct FixSpec {
    /// What the fix does.
    pub kind: FixKind,
    /// Whether it may be applied without a person reading it.
    pub safe: bool,
}

/// What a fix does.
#[derive(Debug, Clone)]
pub enum FixKind {
    /// Replace the match with one of these (best first).
    Suggest(Vec<Template>),
    /// Replace the match with the replacements for the pattern that matched
    /// (indexed like the find matcher's patterns; empty where no `replace` names it).
    Replace(Vec<Vec<Template>>),
    /// Add this text at the end of the draft.
    Append(Template),
    /// Remove the match.
    Delete,
}

/// A checked example.
#[derive(Debug, Clone)]
pub struct Example {
    /// Bad, good or fixed.
    pub kind: crate::language::ast::ExampleKind,
    /// The text without its brackets.
    pub text: String,
    /// The bracketed spans of a `bad` example.
    pub spans: Vec<Range<usize>>,
    /// For `fixed`: the expected text.
    pub expected: Option<String>,
    /// The channel to check on.
    pub channel: Option<String>,
    /// List or parameter values for this example only.
    pub with: HashMap<String, Vec<String>>,
    /// Where it was written.
    pub span: Range<usize>,
}

/// Classify a conversation and rate its priority (Cisco's "ABC" and "123").
#[derive(Debug, Clone, Default)]
pub struct Triage {
    /// `category NAME when …`: the first that holds wins.
    pub categories: Vec<(String, Option<Cond>)>,
    /// `priority N when …`: the first that holds wins.
    pub priorities: Vec<(u8, Option<Cond>)>,
    /// The scopes triage does not look into.
    pub hidden: ScopeSet,
}

impl Triage {
    /// Whether any triage step is defined.
    pub fn is_empty(&self) -> bool {
        self.categories.is_empty() && self.priorities.is_empty()
    }
}
