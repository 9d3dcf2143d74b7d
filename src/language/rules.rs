//! Checked rules: every name resolved, every regex compiled, every example parsed.
//!
//! [`crate::language::lower`] builds a [`RuleSet`] from parsed files; the engine and the
//! reference evaluator read it.

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use crate::draft::ScopeSet;
pub use crate::language::ast::{CmpOp, Level, Side, Unit};
pub use crate::language::regex::{RegexPattern, REGEX_SIZE};
pub use crate::language::words::{WordClass, WordClasses};

/// Everything a check needs: rules, the pattern sets they use, and triage.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
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
    /// The words of each word class, folded.
    pub words: WordClasses,
}

/// The names rule files declare, which `tenet.toml` may set.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
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
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
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
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Matcher {
    /// The patterns; a hit records the index of the one that produced it.
    pub patterns: Vec<Pattern>,
    /// A checksum every hit must pass.
    pub validator: Option<Validator>,
}

/// One thing to look for.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Pattern {
    /// A literal term.
    Term(Term),
    /// A regular expression.
    Regex(Box<RegexPattern>),
}

/// A literal term and how it matches.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Term {
    /// The term as written, each run of whitespace in it one space (see
    /// [`crate::text::blanks`]).
    pub text: String,
    /// Match case exactly (`case`).
    pub case: bool,
    /// Match inside words too (`partial`).
    pub partial: bool,
}

impl Term {
    /// The term `text`, kept with each run of whitespace in it as one space.
    pub fn new(text: &str, case: bool, partial: bool) -> Term {
        Term {
            text: crate::text::blanks::spaced(text).into_owned(),
            case,
            partial,
        }
    }
}

/// A check that keeps only real identifiers among look-alikes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Validator {
    /// Luhn mod 10 (any issuer).
    Luhn,
    /// Payment card numbers: a network's IIN and length, then Luhn.
    Card,
    /// International bank account numbers: the country's length, then mod 97.
    Iban,
    /// US social security numbers (area, group and serial ranges).
    Ssn,
    /// IPv4 addresses (octets up to 255).
    Ip,
    /// Phone numbers a person answers, in these regions when written without `+`.
    Phone(Vec<crate::validate::PhoneRegion>),
    /// The value of a credential is real: not a placeholder, not too regular.
    Secret,
}

impl Validator {
    /// The names `valid` accepts.
    pub const NAMES: &'static [&'static str] =
        &["luhn", "card", "iban", "ssn", "ip", "phone", "secret"];

    /// What each validator checks, for `tenet rules explain` and hover.
    pub const DOCS: &'static [(&'static str, &'static str)] = &[
        ("luhn", "the Luhn mod-10 checksum, 12 to 19 digits"),
        ("card", "a card network's IIN range and card length (Visa, Mastercard, Amex, Discover, JCB, Diners, Maestro, UnionPay, UATP, Mir, RuPay), then Luhn"),
        ("iban", "the ISO 13616 registry length of the country, then mod 97; a match that runs into the next word is cut back"),
        ("ssn", "a US SSN: area not 000, 666 or 9xx, group not 00, serial not 0000, one separator kind"),
        ("ip", "an IPv4 address with every octet at most 255"),
        ("phone", "a number a person answers in a real numbering plan (libphonenumber), grouped as its country writes it; `phone(LIST)` names the regions tried for numbers without `+`"),
        ("secret", "the credential's value is not a placeholder (`${VAR}`, `<…>`, `changeme`, `EXAMPLE`, `xxxx`) and has at least 2 bits of entropy per character"),
    ];

    /// The part of `text` that passes (all of it, or for an IBAN the number without
    /// what ran on after it), relative to `text`; `None` when it does not pass.
    pub fn accept(&self, text: &str) -> Option<std::ops::Range<usize>> {
        let whole = |ok: bool| ok.then_some(0..text.len());
        match self {
            Validator::Luhn => whole(crate::validate::luhn(text)),
            Validator::Card => crate::validate::longest_prefix(text, 12, crate::validate::card),
            Validator::Iban => crate::validate::iban(text),
            Validator::Ssn => whole(crate::validate::ssn(text)),
            Validator::Ip => whole(crate::validate::ipv4(text)),
            Validator::Phone(regions) => {
                crate::validate::longest_prefix(text, 7, |t| crate::validate::phone(t, regions))
            }
            Validator::Secret => whole(crate::validate::secret(text)),
        }
    }
}

/// A checked rule.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Rule {
    /// `guideline.rule`.
    pub id: std::sync::Arc<str>,
    /// The guideline id, which is the category.
    pub category: std::sync::Arc<str>,
    /// The level before escalation.
    pub level: Level,
    /// The `##` explanation.
    pub doc: String,
    /// What produces findings; `None` for a document rule.
    pub find: Option<MatcherId>,
    /// What must hold for a finding (`when` and `unless` together).
    pub condition: Option<Cond>,
    /// `except`: a match that one of these matches is not a finding.
    pub except: Vec<Pattern>,
    /// Raise the level when a condition holds.
    pub escalate: Vec<(Level, Cond)>,
    /// The message template.
    pub message: Template,
    /// The rule's (or its guideline's) link.
    pub link: Option<std::sync::Arc<str>>,
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
    /// Where its deciding clauses are written in `origin.source`.
    pub logic: Vec<Range<usize>>,
    /// Where it was written.
    pub origin: Origin,
}

impl Rule {
    /// Whether a matched text is one of the rule's `except` exclusions: the whole
    /// match equals an exception term (caseless unless `case`; a `partial` term may
    /// stand anywhere in it), or an exception regex matches the whole of it.
    pub fn excepts(&self, matched: &str) -> bool {
        if self.except.is_empty() {
            return false;
        }
        // Terms are kept with one space between words, and match any run of
        // blanks there.
        let spaced = crate::text::blanks::spaced(matched);
        self.except.iter().any(|p| match p {
            Pattern::Term(t) if t.case && t.partial => spaced.contains(&t.text),
            Pattern::Term(t) if t.case => *spaced == t.text,
            Pattern::Term(t) => {
                let (m, t2) = (
                    crate::text::fold::fold(&spaced),
                    crate::text::fold::fold(&t.text),
                );
                if t.partial {
                    m.contains(&t2)
                } else {
                    m == t2
                }
            }
            Pattern::Regex(r) => r.regex().is_some_and(|re| re.is_match(matched)),
        })
    }
}

/// A file and a span in it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Origin {
    /// The rule file.
    pub path: PathBuf,
    /// Its text (not stored with a cached rule set, which keeps each text once).
    #[serde(skip)]
    pub source: Arc<str>,
    /// The span of the rule.
    pub span: Range<usize>,
}

/// A condition over a hit and its draft.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
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
        /// Which side of the hit.
        side: Side,
    },
    /// The evidence anywhere in what the rule sees.
    Has(MatcherId),
    /// The hit lies in a scope.
    In(ScopeSet),
    /// The draft is for this channel.
    Channel(String),
    /// Triage: the conversation was classified so.
    Category(String),
    /// The match overlaps a match of this pattern set (another rule's `find`).
    Overlaps(MatcherId),
    /// A match of this pattern set lies inside the match.
    Matches(MatcherId),
    /// A metric compared with a number.
    Compare {
        /// The metric.
        metric: Metric,
        /// Divided by this metric (`per`); a ratio over zero is zero.
        per: Option<Metric>,
        /// The operator.
        op: CmpOp,
        /// The number.
        value: f64,
    },
}

impl Cond {
    /// Calls `f` on this condition and every condition inside it.
    pub fn visit(&self, f: &mut impl FnMut(&Cond)) {
        f(self);
        match self {
            Cond::And(cs) | Cond::Or(cs) => cs.iter().for_each(|c| c.visit(f)),
            Cond::Not(c) => c.visit(f),
            _ => {}
        }
    }

    /// Calls `f` on this condition and every condition inside it.
    pub fn visit_mut(&mut self, f: &mut impl FnMut(&mut Cond)) {
        f(self);
        match self {
            Cond::And(cs) | Cond::Or(cs) => cs.iter_mut().for_each(|c| c.visit_mut(f)),
            Cond::Not(c) => c.visit_mut(f),
            _ => {}
        }
    }
}

/// Something measured over a draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
    /// The longest run of hashtags with no words between them.
    HashtagRun,
    /// Hits of a pattern set.
    Count(MatcherId),
    /// Words of a class.
    ClassWords(WordClass),
}

impl Metric {
    /// The names usable in conditions, with their metrics.
    pub const NAMED: &'static [(&'static str, Metric)] = &[
        ("words", Metric::Words),
        ("sentences", Metric::Sentences),
        ("links", Metric::Links),
        ("hashtags", Metric::Hashtags),
        ("mentions", Metric::Mentions),
        ("emoji", Metric::Emoji),
        ("caps", Metric::Caps),
        ("exclamations", Metric::Exclamations),
        ("chars", Metric::Chars),
        ("lines", Metric::Lines),
        ("quoted", Metric::Quoted),
        ("hashtag-run", Metric::HashtagRun),
    ];

    /// Parses a metric name.
    pub fn parse(name: &str) -> Option<Metric> {
        Metric::NAMED
            .iter()
            .find(|(n, _)| *n == name)
            .map(|&(_, m)| m)
    }
}

/// A message with `{match}`, `{suggestion}` and parameters to fill in.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Template {
    /// Literal text and holes, in order.
    pub parts: Vec<TemplatePart>,
}

/// A piece of a [`Template`].
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum TemplatePart {
    /// Text as is (parameters are already filled in).
    Text(String),
    /// The matched text.
    Match,
    /// The first suggestion.
    Suggestion,
}

impl TemplatePart {
    fn text<'a>(&'a self, matched: &'a str, suggestion: Option<&'a str>) -> &'a str {
        match self {
            TemplatePart::Text(t) => t,
            TemplatePart::Match => matched,
            TemplatePart::Suggestion => suggestion.unwrap_or(""),
        }
    }
}

impl Template {
    /// Fills in the holes, in one allocation of the exact size (a large draft
    /// keeps a million of these).
    pub fn render(&self, matched: &str, suggestion: Option<&str>) -> String {
        let mut out = String::new();
        self.render_into(&mut out, matched, suggestion);
        out
    }

    /// [`Template::render`] at the end of `out`.
    pub fn render_into(&self, out: &mut String, matched: &str, suggestion: Option<&str>) {
        let text = |p| TemplatePart::text(p, matched, suggestion);
        out.reserve_exact(self.parts.iter().map(|p| text(p).len()).sum());
        for p in &self.parts {
            out.push_str(text(p));
        }
    }

    /// Whether the template shows the matched text.
    pub fn shows_match(&self) -> bool {
        self.parts.contains(&TemplatePart::Match)
    }
}

/// The fixes a rule offers.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct FixSpec {
    /// What the fix does.
    pub kind: FixKind,
    /// Whether it may be applied without a person reading it.
    pub safe: bool,
    /// For `replace`: whether each pattern's replacement is safe (each line says).
    pub safe_patterns: Vec<bool>,
}

impl FixSpec {
    /// Whether the fix for a match of pattern `pattern` is safe.
    pub fn is_safe(&self, pattern: usize) -> bool {
        match self.kind {
            FixKind::Replace(_) => self.safe_patterns.get(pattern).copied().unwrap_or(false),
            _ => self.safe,
        }
    }
}

/// What a fix does.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
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
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
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
    /// The format to check as (`None`: Markdown).
    pub format: Option<crate::draft::Format>,
    /// List or parameter values for this example only.
    pub with: HashMap<String, Vec<String>>,
    /// Where it was written.
    pub span: Range<usize>,
}

/// Classify a conversation and rate its priority (Cisco's "ABC" and "123").
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Triage {
    /// `category NAME +WEIGHT when …`: every line that holds adds its weight to
    /// its category; the heaviest category wins (the first declared on a tie).
    /// `otherwise` lines (no condition) name the category when nothing else holds.
    pub categories: Vec<(String, f64, Option<Cond>)>,
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
