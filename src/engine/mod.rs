//! The engine: every term of every rule in one Aho-Corasick automaton, every regex
//! behind one multi-pattern prefilter ([`search`]), conditions evaluated from the
//! hits ([`evaluate`]), findings and triage out; the [`checker`] adds suppressions
//! and the verdict. [`reference`] is the slow, plain evaluator the engine is tested
//! against; [`examples`] runs rules' examples as tests.
//!
//! May import every layer below it: [`crate::report`], [`crate::language`],
//! [`crate::draft`], [`crate::validate`], [`crate::text`].

mod anywhere;
mod apostrophes;
mod automaton;
pub mod checker;
pub mod evaluate;
pub mod examples;
mod hit;
mod joined;
mod lines;
mod local;
pub mod metrics;
pub mod reference;
mod runs;
pub(crate) mod search;
mod starts;
mod table;
mod terms;
mod trie;
mod windows;
mod word_terms;

use foldhash::{HashMap, HashMapExt};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::draft::{Draft, Format, ScopeSet, Structure};
use crate::language::regex::Build;
use crate::language::rules::*;
use crate::report::finding::{Finding, Pending};
use crate::report::{Redactions, TriageResult, Unbuilt};
use crate::text::fold::fold;
use automaton::Terms;
use terms::TermSet;

pub use evaluate::within;
pub use hit::Hit;
pub use search::{select, Builds, Searching};

/// Drafts this large are worked on with several cores; smaller ones on one, where
/// waking another thread would cost more than it saves (and jitter in the editor).
/// A 100 KB draft takes a few milliseconds on one core, far more than a wake-up:
/// the editor's re-check of one is a third quicker on two.
const PARALLEL_BYTES: usize = 64 << 10;

/// A long text with a few word characters beyond ASCII runs its regexes with
/// ASCII word boundaries on the lines clear of them once this much text with
/// such characters has been searched (in one draft or in all so far); before,
/// with Unicode's everywhere. Such a text needs both builds of a regex, and the
/// second costs about what the lazy DFA, giving up at bytes beyond ASCII, loses
/// on a few hundred kilobytes, so a hook's few accented drafts keep one build.
/// (A text with no word character beyond ASCII always runs ASCII's: see
/// [`crate::text::fold::BeyondAscii::ascii_word_bounds`].)
const ASCII_BOUNDS_BYTES: usize = 256 << 10;

/// A short draft's regexes on lines with a digit are searched together first
/// ([`windows::Windows::place_digit_set`]) once this much text with a digit
/// has been searched (or once the windows are built anyway): working out which
/// regexes those are takes about 1.5 ms, which the one pass in place of one
/// per regex pays back over a few hundred kilobytes, so a hook's few drafts
/// are not kept waiting for it.
const DIGIT_SET_BYTES: usize = 256 << 10;

/// `f` of each of `0..count`, in that order: worked out on every core for a
/// large draft.
fn each<R: Send>(len: usize, count: usize, f: impl Fn(usize) -> R + Send + Sync) -> Vec<R> {
    if len >= PARALLEL_BYTES {
        use rayon::prelude::*;
        (0..count).into_par_iter().map(f).collect()
    } else {
        (0..count).map(f).collect()
    }
}

/// Runs two jobs, side by side for a large draft.
fn both<A: Send, B: Send>(
    len: usize,
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    if len >= PARALLEL_BYTES {
        rayon::join(a, b)
    } else {
        (a(), b())
    }
}

/// Each distinct literal that `literals_of` gives some regex (but the local ones),
/// and for each the regexes (indexes into `regexes`) it was given for.
fn literal_owners(
    regexes: &[RegexEntry],
    rules: &RuleSet,
    literals_of: impl Fn(&RegexPattern) -> Option<Vec<Vec<u8>>>,
) -> (Vec<Vec<u8>>, Vec<Vec<usize>>) {
    let mut ids: HashMap<Vec<u8>, usize> = HashMap::new();
    let mut literals: Vec<Vec<u8>> = Vec::new();
    let mut owners: Vec<Vec<usize>> = Vec::new();
    // A local regex is searched only around matches, never on its literals' lines.
    for (id, entry) in regexes.iter().enumerate().filter(|(_, e)| !e.local) {
        let (m, p) = entry.owner;
        let Pattern::Regex(r) = &rules.matchers[m].patterns[p] else {
            continue;
        };
        for lit in literals_of(r).into_iter().flatten() {
            let l = *ids.entry(lit.clone()).or_insert_with(|| {
                literals.push(lit);
                owners.push(Vec::new());
                literals.len() - 1
            });
            owners[l].push(id);
        }
    }
    (literals, owners)
}

/// Text searched the cheap way, counted across drafts (and clones of
/// an engine): once it passes a limit, what searches it faster is built and used.
#[derive(Debug, Clone, Default)]
struct Budget(Arc<AtomicUsize>);

impl Budget {
    /// Whether `len` more bytes stay under `limit`, counting them if so. Once
    /// the budget is spent it is only read: threads adding to it draft after
    /// draft would each take its memory from the others' caches.
    fn spend(&self, len: usize, limit: usize) -> bool {
        len < limit
            && self.0.load(Ordering::Relaxed) < limit - len
            && self.0.fetch_add(len, Ordering::Relaxed) + len < limit
    }
}

/// Where an automaton pattern is used.
#[derive(Debug, Clone, Copy)]
struct Use {
    matcher: u32,
    pattern: u32,
    partial: bool,
}

/// Compiled rules, ready to check any number of drafts (from any number of threads).
#[derive(Debug, Clone)]
pub struct Engine {
    rules: Arc<RuleSet>,
    /// Caseless terms, folded, searched in the folded draft.
    caseless: TermSet,
    /// `case` terms, searched in the draft as written.
    exact: TermSet,
    /// Each distinct regex, with the (matcher, pattern) pairs that use it.
    regexes: Vec<RegexEntry>,
    /// The needed literals of every regex that has them: a regex whose literals are
    /// all absent from a draft is neither compiled nor run.
    literals: Option<Terms>,
    /// For each literal of `literals`, the regexes (indexes into `regexes`) needing it.
    literal_owners: Vec<Vec<usize>>,
    /// The lines worth running each regex on, in a long draft (built for the first).
    windows: std::sync::OnceLock<Option<windows::Windows>>,
    /// Text with word characters beyond ASCII whose regexes ran with Unicode's
    /// word boundaries everywhere, and from how much on a long one's clear lines
    /// use ASCII's (see [`ASCII_BOUNDS_BYTES`]).
    unicode_bounds: Budget,
    ascii_bounds_after: usize,
    /// Short drafts' text with a digit whose regexes ran one by one (see
    /// [`DIGIT_SET_BYTES`]).
    digits_alone: Budget,
    /// The regexes searched only where conditions look for them.
    locals: Vec<local::Local>,
    /// Where each of `locals` is looked for.
    local_places: local::Places,
    /// Every distinct set of scopes a rule or triage hides, and the empty set:
    /// what a check derives per hidden set is kept in slots indexed by these.
    hidden_sets: Vec<ScopeSet>,
    /// Whether some regex (not a local one) sees where the text begins or
    /// ends: such regexes search each of the drafts joined alone (see
    /// [`joined`]).
    edges: bool,
    /// Each rule's place among the rules sorted by id: how findings at one span
    /// are ordered (see [`crate::report::finding::merge`]).
    id_rank: Vec<usize>,
}

/// A regex and where it is used.
#[derive(Debug, Clone)]
struct RegexEntry {
    /// The first use, whose pattern holds the (lazily) compiled regex.
    owner: (MatcherId, usize),
    /// Every use.
    uses: Vec<(MatcherId, usize)>,
    /// Whether it has needed literals in `literals`; if not, it always runs.
    prefiltered: bool,
    /// Whether every match holds an ASCII digit (so a draft without one has none).
    digit: bool,
    /// The fewest bytes a match holds (so a shorter draft has none).
    shortest: usize,
    /// The most line breaks a match holds, if known (so the regex can run on the
    /// lines around what every match holds).
    line_breaks: Option<usize>,
    /// Whether its literals in `literals` are those every match begins with
    /// (so the regex is tried only where they occur).
    anchored: bool,
    /// Whether every match begins at a word boundary (so it is not tried
    /// where one of those literals begins inside a word).
    word_start: bool,
    /// Whether it is searched only around the matches of the rules that look
    /// for it ([`local`]), after the other hits.
    local: bool,
    /// Whether a match depends on where the text begins or ends.
    edges: bool,
}

/// How to check a draft.
#[derive(Debug, Clone)]
pub struct Options {
    /// The channel the draft is for (`external`, `internal`, …).
    pub channel: String,
    /// Keep at most this many findings of one rule (pipelines facing untrusted
    /// input set it, so one draft cannot take unbounded memory). A finding past the
    /// cap is still kept when its level is higher than any kept, so the verdict
    /// is the same as without the cap.
    pub max_per_rule: Option<usize>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            channel: "external".to_string(),
            max_per_rule: None,
        }
    }
}

impl Options {
    /// The default options for a channel.
    pub fn on(channel: impl Into<String>) -> Options {
        Options {
            channel: channel.into(),
            ..Options::default()
        }
    }
}

/// What the engine finds in a draft.
#[derive(Debug, Clone, Default)]
pub struct Evaluation {
    /// The findings, sorted by position.
    pub findings: Vec<Finding>,
    /// The triage, when the rules have a triage block.
    pub triage: Option<TriageResult>,
    /// Every span a `redact` rule matches.
    pub redactions: Redactions,
    /// Findings left out by [`Options::max_per_rule`].
    pub truncated: usize,
}

/// What the engine finds in a draft, its findings not yet built.
pub(crate) struct Judgement {
    /// The findings, sorted by position.
    pub pending: Vec<Pending>,
    pub triage: Option<TriageResult>,
    pub redactions: Redactions,
    pub truncated: usize,
}

impl Engine {
    /// Builds the automata for a rule set.
    pub fn new(mut rules: RuleSet) -> Engine {
        let mut caseless_ids: HashMap<String, usize> = HashMap::new();
        let mut caseless_pats: Vec<String> = Vec::new();
        let mut caseless_uses: Vec<Vec<Use>> = Vec::new();
        let mut exact_ids: HashMap<String, usize> = HashMap::new();
        let mut exact_pats: Vec<String> = Vec::new();
        let mut exact_uses: Vec<Vec<Use>> = Vec::new();
        let mut regexes: Vec<RegexEntry> = Vec::new();
        let mut regex_ids: HashMap<String, usize> = HashMap::new();
        let usage = local::usage(&rules);
        for (m, matcher) in rules.matchers.iter().enumerate() {
            if usage.marks(&rules, m).is_some() {
                // Looked for only around matches (see `local`).
                continue;
            }
            for (p, pattern) in matcher.patterns.iter().enumerate() {
                match pattern {
                    Pattern::Term(t) => {
                        let (key, ids, pats, uses) = if t.case {
                            (
                                t.text.clone(),
                                &mut exact_ids,
                                &mut exact_pats,
                                &mut exact_uses,
                            )
                        } else {
                            (
                                fold(&t.text),
                                &mut caseless_ids,
                                &mut caseless_pats,
                                &mut caseless_uses,
                            )
                        };
                        let id = *ids.entry(key.clone()).or_insert_with(|| {
                            pats.push(key);
                            uses.push(Vec::new());
                            pats.len() - 1
                        });
                        uses[id].push(Use {
                            matcher: m as u32,
                            pattern: p as u32,
                            partial: t.partial,
                        });
                    }
                    Pattern::Regex(r) => {
                        let id = *regex_ids.entry(r.source.clone()).or_insert_with(|| {
                            regexes.push(RegexEntry {
                                owner: (m, p),
                                uses: Vec::new(),
                                prefiltered: r.prefilter_literals().is_some(),
                                anchored: r.starts.is_some(),
                                word_start: r.word_start,
                                edges: r.edges,
                                digit: r.digit,
                                shortest: r.shortest,
                                line_breaks: r.line_breaks,
                                local: false,
                            });
                            regexes.len() - 1
                        });
                        regexes[id].uses.push((m, p));
                    }
                }
            }
        }
        let locals = local::locals(&regexes, &rules, &usage);
        for r in locals.iter().filter_map(local::Local::regex) {
            regexes[r].local = true;
            let (m, p) = regexes[r].owner;
            if let Pattern::Regex(re) = &mut rules.matchers[m].patterns[p] {
                re.search_only_near_matches();
            }
        }
        // A regex that sees where the text begins or ends would find other
        // things in drafts joined: it searches each alone.
        let edges = regexes.iter().any(|e| e.edges && !e.local);
        let (literal_pats, mut literal_owners) = literal_owners(&regexes, &rules, |r| {
            r.prefilter_literals().map(<[_]>::to_vec)
        });
        // The three automata are built side by side: a quarter of starting up.
        let ((caseless, exact), literals) = rayon::join(
            || {
                rayon::join(
                    || TermSet::new(caseless_pats, caseless_uses, true),
                    || TermSet::new(exact_pats, exact_uses, false),
                )
            },
            || Terms::new(literal_pats, &mut literal_owners, true),
        );
        let mut hidden_sets = vec![ScopeSet::EMPTY, rules.triage.hidden];
        hidden_sets.extend(rules.rules.iter().map(|r| r.hidden));
        hidden_sets.sort_unstable_by_key(|s| s.0);
        hidden_sets.dedup();
        let mut by_id: Vec<usize> = (0..rules.rules.len()).collect();
        by_id.sort_by(|&a, &b| rules.rules[a].id.cmp(&rules.rules[b].id).then(a.cmp(&b)));
        let mut id_rank = vec![0; by_id.len()];
        for (rank, &r) in by_id.iter().enumerate() {
            id_rank[r] = rank;
        }
        Engine {
            caseless,
            exact,
            regexes,
            literals,
            literal_owners,
            windows: std::sync::OnceLock::new(),
            unicode_bounds: Budget::default(),
            ascii_bounds_after: ASCII_BOUNDS_BYTES,
            digits_alone: Budget::default(),
            local_places: local::Places::of(&locals),
            locals,
            hidden_sets,
            edges,
            id_rank,
            rules: Arc::new(rules),
        }
    }

    /// Builds now what is otherwise built when a draft first needs it: every
    /// regex, the regexes' line windows, and the tries and DFAs that a long
    /// draft, or enough short ones, is searched with. A server warms its rules
    /// once, so that no check waits for them; a one-shot check is better off
    /// building only what its drafts need.
    pub fn warm(&self) {
        self.caseless.warm();
        self.exact.warm();
        if let Some(literals) = &self.literals {
            literals.dfa();
        }
        if let Some(windows) = self.windows() {
            windows.warm();
        }
        // Every build, which one a draft needs depending on what it holds
        // beyond ASCII: first every regex for ASCII text, as most drafts are.
        for build in Build::ALL.into_iter().rev() {
            for entry in &self.regexes {
                let (m, p) = entry.owner;
                if let Pattern::Regex(r) = &self.rules.matchers[m].patterns[p] {
                    let _ = r.regex_for(build);
                }
            }
        }
    }

    /// The lines of a long text clear of its word characters beyond ASCII run
    /// their regexes with ASCII word boundaries once this much text with such
    /// characters has been searched (by default [`ASCII_BOUNDS_BYTES`]; 0: from
    /// the first such draft).
    pub fn ascii_bounds_after(mut self, bytes: usize) -> Engine {
        self.ascii_bounds_after = bytes;
        self
    }

    /// The rules this engine checks.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// The rules this engine checks, shared.
    pub fn rule_set(&self) -> Arc<RuleSet> {
        self.rules.clone()
    }

    /// Checks a draft: findings sorted by position, its triage and redactions.
    pub fn check(&self, draft: &Draft, options: &Options) -> Evaluation {
        let Judgement {
            pending,
            triage,
            redactions,
            truncated,
        } = self.judge_draft(draft, options);
        let findings =
            Unbuilt::new(pending, Vec::new()).build(&self.rules, &draft.text, &redactions);
        Evaluation {
            findings,
            triage,
            redactions,
            truncated,
        }
    }

    /// [`Engine::check`], the findings not yet built.
    pub(crate) fn judge_draft(&self, draft: &Draft, options: &Options) -> Judgement {
        let how = self.searching(&draft.text);
        let mut hits = self.hits(&draft.text, &how);
        self.local_hits(draft, &mut hits, &how);
        self.evaluate(draft, hits, options)
    }

    /// Parses and checks a text, parsing and searching it side by side; the
    /// findings are not yet built.
    pub(crate) fn judge_text(
        &self,
        text: String,
        format: Format,
        options: &Options,
    ) -> (Draft, Judgement) {
        // What the text holds beyond ASCII is looked for beside the structure:
        // on a long text, a pass of its own.
        let (structure, (how, mut hits)) = both(
            text.len(),
            || Structure::of(&text, format),
            || {
                let how = self.searching(&text);
                let hits = self.hits(&text, &how);
                (how, hits)
            },
        );
        let draft = Draft::with_structure(text, format, structure);
        self.local_hits(&draft, &mut hits, &how);
        let judgement = self.evaluate(&draft, hits, options);
        (draft, judgement)
    }

    /// Adds the hits of the regexes searched only where conditions look (see
    /// [`local`]) to the other hits of a draft.
    fn local_hits(&self, draft: &Draft, hits: &mut [Vec<Hit>], how: &Searching) {
        if self.locals.is_empty() {
            return;
        }
        let places = &self.local_places;
        let text = draft.text.as_str();
        let lines = each(text.len(), places.first.len(), |k| {
            self.locals[places.first[k]].lines(draft, hits)
        });
        // In most drafts no rule that looks for a local has a match: nothing
        // is searched.
        let jobs: Vec<usize> = (0..self.locals.len())
            .filter(|&j| !lines[places.of[j]].is_empty())
            .collect();
        let found = each(text.len(), jobs.len(), |i| {
            let j = jobs[i];
            let (lines, builds) = (&lines[places.of[j]], &how.builds);
            self.locals[j].find(&self.regexes, &self.rules, text, lines, builds)
        });
        for (m, found) in found.into_iter().flatten() {
            if found.is_empty() {
                continue;
            }
            let list = &mut hits[m];
            list.extend(found);
            list.sort_by_key(|h| (h.start(), h.end(), h.pattern()));
            list.dedup();
        }
    }
}

#[cfg(test)]
mod tests {
    /// A large draft holds millions of matches and a million findings: their size
    /// is most of its memory, so growing them is a decision, not an accident.
    #[test]
    fn matches_and_findings_stay_small() {
        assert_eq!(std::mem::size_of::<super::Hit>(), 12);
        let finding = std::mem::size_of::<super::Finding>();
        assert!(finding <= 152, "{finding}");
        let pending = std::mem::size_of::<crate::report::finding::Pending>();
        assert!(pending <= 40, "{pending}");
        // So does a list of 100,000 names: each is a pattern, as small as a
        // term only while a regex's compiled builds are held apart.
        let pattern = std::mem::size_of::<crate::language::rules::Pattern>();
        assert!(pattern <= 32, "{pattern}");
    }

    /// A budget counts what it lets through; once spent, it is only read.
    #[test]
    fn a_spent_budget_is_only_read() {
        let budget = super::Budget::default();
        assert!(budget.spend(60, 100) && budget.spend(30, 100));
        assert!(!budget.spend(20, 100) && !budget.spend(100, 100));
        assert_eq!(budget.0.load(std::sync::atomic::Ordering::Relaxed), 90);
        assert!(budget.spend(9, 100) && !budget.spend(1, 100));
    }

    /// An engine with two regexes that run on lines with a digit.
    fn two_digit_regexes() -> super::Engine {
        let source = "guideline confidentiality {\n\
             rule a warning { find /\\b[0-9]{3}\\b/ message \"m\" }\n\
             rule b warning { find /\\b[0-9]{5}\\b/ message \"m\" }\n}\n";
        let compiled = crate::language::lower::compile_str("t.tenet", source);
        assert!(!compiled.has_errors());
        super::Engine::new(compiled.rules)
    }

    /// Warming builds the regexes on lines with a digit as one, which a long
    /// draft would otherwise build when it first needs it: every build, for
    /// drafts with word characters beyond ASCII, with other characters beyond
    /// it, and with none.
    #[test]
    fn warming_builds_the_regexes_on_lines_with_a_digit_as_one() {
        let engine = two_digit_regexes();
        let windows = engine.windows().expect("digit windows");
        assert_eq!(windows.digit_set_builds(), [false; 3]);
        engine.warm();
        assert_eq!(windows.digit_set_builds(), [true; 3]);
    }

    /// Short drafts with a digit search those regexes one by one until
    /// [`super::DIGIT_SET_BYTES`] of them have been searched, and together
    /// from then on; drafts without a digit do not count.
    #[test]
    fn short_drafts_search_digit_regexes_together_once_enough_are_searched() {
        let engine = two_digit_regexes();
        let check = |text: &str| {
            let draft = crate::draft::Draft::new(text.to_string(), crate::draft::Format::Text);
            engine.check(&draft, &Default::default()).findings.len()
        };
        let with_digits = "call 555 or 12345 now\n".repeat(400);
        let without = "nothing to call about\n".repeat(400);
        let searched = |n: usize| n * with_digits.len();
        let mut drafts = 0;
        while searched(drafts + 1) < super::DIGIT_SET_BYTES {
            assert_eq!(check(&with_digits), 800);
            assert_eq!(check(&without), 0);
            drafts += 1;
        }
        assert!(engine.windows.get().is_none(), "after {drafts} drafts");
        for _ in 0..2 {
            assert_eq!(check(&with_digits), 800);
        }
        // ASCII drafts: the build for ASCII text.
        let windows = engine.windows.get().and_then(Option::as_ref);
        assert_eq!(
            windows.map(|w| w.digit_set_builds()),
            Some([false, false, true])
        );
    }
}
