//! Lowering one rule: what it finds, the fix it offers, its conditions, message
//! and examples.

use super::*;

/// A rule's `find` patterns and `replace` terms as one pattern set, with the fix.
struct Finds {
    patterns: Vec<Pattern>,
    validator: Option<Validator>,
    fix: Option<FixSpec>,
}

impl FileCx<'_> {
    pub(super) fn rule(
        &mut self,
        category: &str,
        id: String,
        r: &ast::Rule,
        names: &Names,
        link: Option<String>,
        hidden: ScopeSet,
    ) -> Option<Rule> {
        let errors_before = self.error_count();
        let replaces = r
            .fixes
            .iter()
            .any(|f| matches!(f.value, ast::FixClause::Replace { .. }));
        let place = if r.finds.is_empty() && !replaces {
            CondPlace::DocumentRule
        } else {
            CondPlace::SpanRule
        };
        let Finds {
            patterns,
            validator,
            fix,
        } = self.finds_and_fix(r, names, place);
        let find = (place == CondPlace::SpanRule).then(|| self.matcher(patterns, validator));
        let (condition, hidden) = self.conditions(r, names, place, hidden);
        // Exception regexes match the whole matched text.
        let except: Vec<Pattern> = self
            .patterns(&r.except, names)
            .into_iter()
            .map(|p| match p {
                Pattern::Regex(r) => Pattern::Regex(Box::new(RegexPattern::whole_match(&r))),
                term => term,
            })
            .collect();
        if !except.is_empty() && place == CondPlace::DocumentRule {
            if let Some(p) = r.except.first() {
                self.error(
                    p.span.clone(),
                    "`except` drops matches, and a document rule has none",
                );
            }
        }
        let mut escalate = Vec::new();
        for (level, c) in &r.escalate {
            if let Some(c) = self.cond(c, names, place) {
                escalate.push((level.value, c));
            }
        }
        let message = self.message(r, &id, names);
        let limit = self.limit(r);
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
            id: id.into(),
            category: category.into(),
            level: r.level.as_ref().map_or(Level::Warning, |l| l.value),
            doc: r.doc.clone(),
            find,
            condition,
            except,
            escalate,
            message,
            link: rule_link.or(link).map(Into::into),
            fix,
            once: r.once,
            limit,
            redact: r.redact,
            review: r.review,
            hidden,
            examples,
            logic: r.logic.clone(),
            origin: Origin {
                path: self.file.path.clone(),
                source: self.file.text.clone(),
                span: r.span.clone(),
            },
        })
    }

    /// Every `find` clause and every `replace` term in one pattern set, and the
    /// one kind of fix the rule offers.
    fn finds_and_fix(&mut self, r: &ast::Rule, names: &Names, place: CondPlace) -> Finds {
        let mut patterns = Vec::new();
        let mut validator = None;
        for f in &r.finds {
            patterns.extend(self.patterns(&f.patterns, names));
            if let Some((name, list)) = &f.validator {
                match self.validator(name, list.as_ref(), names) {
                    Some(_) if validator.is_some() => {
                        self.error(name.span.clone(), "a rule takes one validator")
                    }
                    Some(v) => validator = Some(v),
                    None => {}
                }
            }
        }
        let mut replacements: Vec<(usize, Vec<Template>, bool)> = Vec::new();
        let mut fix = None;
        for f in &r.fixes {
            let is_replace = matches!(f.value, ast::FixClause::Replace { .. });
            let replace_so_far = matches!(
                fix,
                Some(FixSpec {
                    kind: FixKind::Replace(_),
                    ..
                }) | None
            );
            if fix.is_some() && !is_replace {
                self.error(
                    f.span.clone(),
                    "a rule offers one kind of fix; this one already has one",
                );
                continue;
            }
            let template = |cx: &mut Self, t: &str| cx.template(t, names, f.span.clone(), false);
            let kind = match &f.value {
                ast::FixClause::Replace { .. } if !replace_so_far => {
                    self.error(
                        f.span.clone(),
                        "`replace` cannot be combined with another kind of fix",
                    );
                    continue;
                }
                ast::FixClause::Replace { from, to, safe } => {
                    if from.trim().is_empty() {
                        self.error(f.span.clone(), "this term can never match: it is empty");
                    }
                    replacements.push((
                        patterns.len(),
                        to.iter().map(|t| template(self, t)).collect(),
                        *safe,
                    ));
                    patterns.push(Pattern::Term(Term::new(from, false, false)));
                    FixKind::Replace(Vec::new())
                }
                ast::FixClause::Suggest { with, .. } => {
                    FixKind::Suggest(with.iter().map(|t| template(self, t)).collect())
                }
                ast::FixClause::Append { text, .. } => FixKind::Append(template(self, text)),
                ast::FixClause::Delete { .. } => {
                    if place == CondPlace::DocumentRule {
                        self.error(
                            f.span.clone(),
                            "`delete` removes a match, and a document rule has none",
                        );
                    }
                    FixKind::Delete
                }
            };
            let safe = match &f.value {
                ast::FixClause::Replace { safe, .. }
                | ast::FixClause::Suggest { safe, .. }
                | ast::FixClause::Append { safe, .. }
                | ast::FixClause::Delete { safe } => *safe,
            };
            fix = Some(FixSpec {
                kind,
                safe,
                safe_patterns: Vec::new(),
            });
        }
        if let Some(FixSpec {
            kind: FixKind::Replace(table),
            safe_patterns,
            ..
        }) = &mut fix
        {
            table.resize(patterns.len(), Vec::new());
            safe_patterns.resize(patterns.len(), false);
            for (i, to, safe) in replacements {
                table[i] = to;
                safe_patterns[i] = safe;
            }
        }
        Finds {
            patterns,
            validator,
            fix,
        }
    }

    /// `when` and `unless` as one condition, and the scopes the rule sees: those
    /// its guideline skips, less those it asks for with `in`.
    fn conditions(
        &mut self,
        r: &ast::Rule,
        names: &Names,
        place: CondPlace,
        mut hidden: ScopeSet,
    ) -> (Option<Cond>, ScopeSet) {
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
        (condition, hidden)
    }

    /// A `valid NAME` or `valid NAME(LIST)` clause; errors are reported.
    fn validator(
        &mut self,
        name: &ast::Spanned<String>,
        list: Option<&ast::Spanned<String>>,
        names: &Names,
    ) -> Option<Validator> {
        let takes_list = name.value == "phone";
        if let (Some(l), false) = (list, takes_list) {
            self.error(
                l.span.clone(),
                format!("`valid {}` takes no list", name.value),
            );
            return None;
        }
        Some(match name.value.as_str() {
            "luhn" => Validator::Luhn,
            "card" => Validator::Card,
            "iban" => Validator::Iban,
            "ssn" => Validator::Ssn,
            "ip" => Validator::Ip,
            "secret" => Validator::Secret,
            "phone" => {
                let codes: Vec<String> = match list {
                    None => crate::validate::DEFAULT_PHONE_REGIONS
                        .iter()
                        .map(|c| c.to_string())
                        .collect(),
                    Some(l) => match names.lists.get(&l.value) {
                        Some(codes) => codes.clone(),
                        None => {
                            let known: Vec<&str> = names.lists.keys().map(String::as_str).collect();
                            self.unknown(&l.span, "list", &l.value, &known);
                            return None;
                        }
                    },
                };
                let mut regions = Vec::new();
                for code in codes {
                    match crate::validate::phone_region(&code) {
                        Some(r) => regions.push(r),
                        None => {
                            let at = list.map_or(name.span.clone(), |l| l.span.clone());
                            self.error(at, format!("`{code}` is not a region code (US, GB, DE…)"));
                            return None;
                        }
                    }
                }
                Validator::Phone(regions)
            }
            _ => {
                self.unknown(&name.span, "validator", &name.value, Validator::NAMES);
                return None;
            }
        })
    }

    fn message(&mut self, r: &ast::Rule, id: &str, names: &Names) -> Template {
        let Some(m) = &r.message else {
            self.error(
                r.id.span.clone(),
                format!("rule `{id}` has no `message`: say what is wrong and what to do"),
            );
            return Template::default();
        };
        let message = self.template(&m.value, names, m.span.clone(), true);
        if r.redact && message.shows_match() {
            self.error(
                m.span.clone(),
                "a `redact` rule must not show `{match}` in its message",
            );
        }
        message
    }

    fn limit(&mut self, r: &ast::Rule) -> Option<usize> {
        match &r.limit {
            Some(l) if l.value == 0 => {
                self.error(
                    l.span.clone(),
                    "`limit 0` would report nothing; remove the rule or raise the limit",
                );
                None
            }
            Some(l) => Some(usize::try_from(l.value).unwrap_or(usize::MAX)),
            None => None,
        }
    }
}
