//! Lowering what `find`, `near`, `has` and `count` look for: terms, names, regexes,
//! and the pattern sets they are gathered into.

use super::*;
use std::hash::BuildHasher;

impl FileCx<'_> {
    pub(super) fn patterns(&mut self, written: &[ast::Pattern], names: &Names) -> Vec<Pattern> {
        self.lint_trailing_flags(written);
        let mut out = Vec::new();
        for p in written {
            match &p.kind {
                PatternKind::Term(t) => {
                    if t.trim().is_empty() {
                        self.error(p.span.clone(), "this term can never match: it is empty");
                        continue;
                    }
                    out.push(Pattern::Term(Term::new(t, p.case, p.partial)));
                }
                PatternKind::Name(name) => {
                    let terms: Vec<String> = match (names.lists.get(name), names.params.get(name)) {
                        (Some(list), _) => list.clone(),
                        (None, Some(value)) => vec![value.clone()],
                        (None, None) => {
                            let mut known: Vec<&str> = names
                                .lists
                                .keys()
                                .chain(names.params.keys())
                                .map(String::as_str)
                                .collect();
                            known.sort();
                            let hint = if known.is_empty() {
                                "declare it with `list NAME = …` or `param NAME = …`".to_string()
                            } else {
                                match crate::text::similar::closest(name, known.iter().copied()) {
                                    Some(near) => format!("did you mean `{near}`?"),
                                    None => format!("known here: {}", known.join(", ")),
                                }
                            };
                            self.error(
                                p.span.clone(),
                                format!("unknown list or parameter `{name}`; {hint}"),
                            );
                            continue;
                        }
                    };
                    // Empty entries come from parameters nobody has set: they match nothing.
                    out.extend(
                        terms
                            .into_iter()
                            .filter(|t| !t.trim().is_empty())
                            .map(|text| Pattern::Term(Term::new(&text, p.case, p.partial))),
                    );
                }
                PatternKind::Regex { source, flags } => {
                    if p.case || p.partial {
                        self.error(
                            p.span.clone(),
                            "`case` and `partial` apply to terms; use regex flags instead",
                        );
                    }
                    if let Some(r) = self.regex(source, flags, p.span.clone()) {
                        out.push(Pattern::Regex(Box::new(r)));
                    }
                }
            }
        }
        out
    }

    /// A warning for a flag written after the last of several terms and after
    /// none of the others: `"alpha", "beta" partial` reads as if `partial` were
    /// for both, but a flag belongs to the term it follows. Only terms the flag
    /// would change count as left out (`partial` changes nothing for `"/"`).
    fn lint_trailing_flags(&mut self, written: &[ast::Pattern]) {
        let [earlier @ .., last] = written else {
            return;
        };
        for flag in ["partial", "case"] {
            let set = |p: &ast::Pattern| if flag == "partial" { p.partial } else { p.case };
            if !set(last) || earlier.iter().any(set) {
                continue;
            }
            let left_out = earlier.iter().any(|p| match &p.kind {
                PatternKind::Term(t) => flag_changes(flag, t),
                PatternKind::Name(_) => true,
                PatternKind::Regex { .. } => false,
            });
            if left_out {
                self.diag(
                    Severity::Warning,
                    last.span.clone(),
                    format!(
                        "`{flag}` applies only to the term it follows, not to the ones before; \
                         write it after each term it is for, or put this term first if it alone is"
                    ),
                );
            }
        }
    }

    pub(super) fn regex(
        &mut self,
        source: &str,
        flags: &str,
        span: ast::Span,
    ) -> Option<RegexPattern> {
        let body_start = span.start + 1;
        if let Some(bad) = flags.chars().find(|c| !"imsx".contains(*c)) {
            let at = span.start + 2 + source.len();
            self.error(
                at..at + flags.len(),
                format!("unknown regex flag `{bad}`; known: i, m, s, x"),
            );
            return None;
        }
        let full = with_flags(source, flags);
        let checked = match self.cx.regexes.get(&full) {
            Some(checked) => checked.clone(),
            None => check(&full),
        };
        match checked {
            Checked::Ok(pattern) => return Some(pattern),
            Checked::Invalid { kind, offset } => {
                let prefix = full.len() - source.len();
                let at = body_start + offset.saturating_sub(prefix).min(source.len());
                let hint = if kind.contains("look-around") {
                    "; Tenet regexes have no look-around: match the text itself and rule out context with `unless near …`"
                } else {
                    ""
                };
                let text = &self.file.text;
                let at = crate::text::line_index::floor_char_boundary(text, at);
                let len = text[at..].chars().next().map_or(0, char::len_utf8);
                self.error(at..at + len, format!("invalid regex: {kind}{hint}"));
            }
            Checked::Empty => self.error(span, "this regex matches empty text, so its findings would be empty; require at least one character"),
            Checked::TooLarge(e) => self.error(
                span,
                format!("this regex is too large to compile ({e}); use smaller repetition counts"),
            ),
        }
        None
    }

    pub(super) fn matcher(
        &mut self,
        patterns: Vec<Pattern>,
        validator: Option<Validator>,
    ) -> MatcherId {
        // One matcher for each distinct list of patterns and validator: looked up
        // by a hash of both, then compared (no key is built per term).
        let key = foldhash::quality::FixedState::default().hash_one((&patterns, &validator));
        let same = |m: &Matcher| m.validator == validator && m.patterns == patterns;
        let mut known = self.cx.matcher_keys.get(&key).into_iter().flatten();
        if let Some(&id) = known.find(|&&id| same(&self.cx.set.matchers[id])) {
            return id;
        }
        let id = self.cx.set.matchers.len();
        self.cx.set.matchers.push(Matcher {
            patterns,
            validator,
        });
        self.cx.matcher_keys.entry(key).or_default().push(id);
        id
    }
}

/// Whether `flag` changes what `term` matches: `partial` only when the term
/// begins or ends with a word character (only there is a word boundary looked
/// for), `case` only when it has letters with case.
fn flag_changes(flag: &str, term: &str) -> bool {
    let word = |c: Option<char>| c.is_some_and(crate::text::fold::is_word_char);
    match flag {
        "partial" => word(term.chars().next()) || word(term.chars().next_back()),
        _ => term.chars().any(|c| c.is_lowercase() || c.is_uppercase()),
    }
}

/// A regex as written with its flags applied inline.
pub(super) fn with_flags(source: &str, flags: &str) -> String {
    if flags.is_empty() {
        source.to_string()
    } else {
        format!("(?{flags}){source}")
    }
}

/// What checking a regex (flags applied) finds.
#[derive(Clone)]
pub(super) enum Checked {
    Ok(RegexPattern),
    /// It does not parse: why, and where in the regex with its flags.
    Invalid {
        kind: String,
        offset: usize,
    },
    /// It matches empty text.
    Empty,
    /// It is past the size limit.
    TooLarge(String),
}

/// Parses and checks a regex, and works out what the engine plans with. Its full
/// compile is left to the first draft that needs it (most drafts never contain a
/// literal every match holds), but whether it fits the size limit is known now: a
/// forward NFA is cheap to build.
pub(super) fn check(full: &str) -> Checked {
    let hir = match regex_syntax::Parser::new().parse(full) {
        Ok(hir) => hir,
        Err(e) => {
            let (kind, offset) = match &e {
                regex_syntax::Error::Parse(e) => (e.kind().to_string(), e.span().start.offset),
                regex_syntax::Error::Translate(e) => (e.kind().to_string(), e.span().start.offset),
                _ => (e.to_string(), 0),
            };
            return Checked::Invalid { kind, offset };
        }
    };
    if hir.properties().minimum_len() == Some(0) {
        return Checked::Empty;
    }
    if might_be_large(&hir) > 100_000.0 {
        if let Err(e) = fits_size_limit(&hir) {
            return Checked::TooLarge(e);
        }
    }
    let needed = literals::needed_literals(&hir);
    Checked::Ok(RegexPattern::new(full.to_string(), &hir, needed))
}

/// A rough upper bound of a regex's compiled size, in NFA states: repetition
/// counts multiply what they repeat, classes count their ranges. Only regexes
/// above a threshold pay for building NFAs to check the real size.
fn might_be_large(hir: &regex_syntax::hir::Hir) -> f64 {
    use regex_syntax::hir::{Class, HirKind};
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => 1.0,
        HirKind::Literal(l) => l.0.len() as f64,
        HirKind::Class(Class::Unicode(c)) => 4.0 * c.ranges().len() as f64,
        HirKind::Class(Class::Bytes(c)) => c.ranges().len() as f64,
        HirKind::Repetition(r) => {
            let times = r.max.unwrap_or(r.min).max(r.min).max(1);
            f64::from(times) * might_be_large(&r.sub)
        }
        HirKind::Capture(c) => might_be_large(&c.sub),
        HirKind::Concat(hs) | HirKind::Alternation(hs) => hs.iter().map(might_be_large).sum(),
    }
}

/// Whether the NFAs the regex engine builds for `hir` (forward, and reverse to
/// find where a match starts) fit [`REGEX_SIZE`]. Much cheaper than compiling.
fn fits_size_limit(hir: &regex_syntax::hir::Hir) -> Result<(), String> {
    use regex_automata::nfa::thompson::{Compiler, Config, WhichCaptures};
    let config = Config::new().nfa_size_limit(Some(REGEX_SIZE));
    Compiler::new()
        .configure(config.clone())
        .build_from_hir(hir)
        .map_err(|e| e.to_string())?;
    Compiler::new()
        .configure(config.reverse(true).which_captures(WhichCaptures::None))
        .build_from_hir(hir)
        .map_err(|e| e.to_string())?;
    Ok(())
}
