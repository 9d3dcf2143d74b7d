//! Lowering conditions (`when`, `unless`, `escalate`) and triage blocks.

use super::*;

impl FileCx<'_> {
    pub(super) fn cond(&mut self, c: &ast::Cond, names: &Names, place: CondPlace) -> Option<Cond> {
        Some(match c {
            ast::Cond::Or(cs) => Cond::Or(self.conds(cs, names, place)?),
            ast::Cond::And(cs) => Cond::And(self.conds(cs, names, place)?),
            ast::Cond::Not(c) => Cond::Not(Box::new(self.cond(c, names, place)?)),
            ast::Cond::Near {
                patterns,
                distance,
                unit,
                side,
                span,
            } => {
                if place != CondPlace::SpanRule {
                    let keyword = match side {
                        Side::Either => "near",
                        Side::Before => "preceded by",
                        Side::After => "followed by",
                    };
                    self.error(
                        span.clone(),
                        format!("`{keyword}` needs a match to measure from, and this has no `find`; use `has` for the whole draft"),
                    );
                    return None;
                }
                let p = self.patterns(patterns, names);
                Cond::Near {
                    matcher: self.matcher(p, None),
                    distance: *distance as usize,
                    unit: *unit,
                    side: *side,
                }
            }
            ast::Cond::Has(patterns) => {
                let p = self.patterns(patterns, names);
                Cond::Has(self.matcher(p, None))
            }
            ast::Cond::In(scope) => {
                if place != CondPlace::SpanRule {
                    self.error(
                        scope.span.clone(),
                        "`in` asks where a match stands, and this has no `find`",
                    );
                    return None;
                }
                match Scope::parse(&scope.value) {
                    Some(s) => Cond::In(ScopeSet::of(&[s])),
                    None => {
                        self.unknown_scope(scope);
                        return None;
                    }
                }
            }
            ast::Cond::Channel(name) => {
                self.cx.set.declared.channels.insert(name.clone());
                Cond::Channel(name.clone())
            }
            ast::Cond::Category(name) => {
                if place != CondPlace::Triage {
                    self.error(name.span.clone(), "`category` is for triage blocks");
                    return None;
                }
                Cond::Category(name.value.clone())
            }
            ast::Cond::Overlaps(rule) => {
                if place != CondPlace::SpanRule {
                    self.error(
                        rule.span.clone(),
                        "`overlaps` asks about a match, and this has no `find`",
                    );
                    return None;
                }
                self.overlaps(rule, names)
            }
            ast::Cond::Matches(patterns, span) => {
                if place != CondPlace::SpanRule {
                    self.error(
                        span.clone(),
                        "`matches` asks about a match, and this has no `find`",
                    );
                    return None;
                }
                let p = self.patterns(patterns, names);
                Cond::Matches(self.matcher(p, None))
            }
            ast::Cond::Compare {
                metric,
                per,
                op,
                value,
            } => {
                let metric = self.metric(metric, names)?;
                let per = match per {
                    Some(p) => Some(self.metric(p, names)?),
                    None => None,
                };
                Cond::Compare {
                    metric,
                    per,
                    op: *op,
                    value: *value,
                }
            }
        })
    }

    fn metric(&mut self, metric: &ast::Metric, names: &Names) -> Option<Metric> {
        Some(match metric {
            ast::Metric::Count(patterns) => {
                let p = self.patterns(patterns, names);
                Metric::Count(self.matcher(p, None))
            }
            ast::Metric::Named(name, Some(arg)) if name.value == "words" => {
                match WordClass::parse(&arg.value) {
                    Some(class) => Metric::ClassWords(class),
                    None => {
                        let known: Vec<&str> = WordClass::ALL.iter().map(|(_, n)| *n).collect();
                        self.unknown(&arg.span, "word class", &arg.value, &known);
                        return None;
                    }
                }
            }
            ast::Metric::Named(name, Some(arg)) => {
                self.error(
                    arg.span.clone(),
                    format!(
                        "`{}` takes no argument; only `words(CLASS)` does",
                        name.value
                    ),
                );
                return None;
            }
            ast::Metric::Named(name, None) => match Metric::parse(&name.value) {
                Some(m) => m,
                None => {
                    let names = Metric::NAMED.iter().map(|&(n, _)| n);
                    let known: Vec<&str> = names.chain(["words(CLASS)", "count(…)"]).collect();
                    self.unknown(&name.span, "metric", &name.value, &known);
                    return None;
                }
            },
        })
    }

    pub(super) fn conds(
        &mut self,
        cs: &[ast::Cond],
        names: &Names,
        place: CondPlace,
    ) -> Option<Vec<Cond>> {
        let out: Vec<Option<Cond>> = cs.iter().map(|c| self.cond(c, names, place)).collect();
        out.into_iter().collect()
    }

    pub(super) fn triage(&mut self, t: &ast::Triage, overrides: &Overrides, read_list: ReadList) {
        let names = self.names(None, &t.params, &t.lists, overrides, read_list);
        let skip = self.scopes(&t.skip);
        let triage = &mut self.cx.set.triage;
        triage.hidden = ALWAYS_HIDDEN.union(triage.hidden).union(skip);
        for (name, weight, guard) in &t.categories {
            let cond = self.guard(guard, &names);
            self.cx
                .set
                .triage
                .categories
                .push((name.value.clone(), *weight, cond));
        }
        for (n, guard) in &t.priorities {
            if !(1..=3).contains(&n.value) {
                self.error(
                    n.span.clone(),
                    "priority is 1 (urgent), 2 (semi-urgent) or 3 (not urgent)",
                );
                continue;
            }
            let cond = self.guard(guard, &names);
            self.cx.set.triage.priorities.push((n.value as u8, cond));
        }
    }

    pub(super) fn guard(&mut self, guard: &Guard, names: &Names) -> Option<Cond> {
        match guard {
            Guard::Otherwise => None,
            Guard::When(c) => Some(
                self.cond(c, names, CondPlace::Triage)
                    .unwrap_or(Cond::Or(Vec::new())),
            ),
        }
    }
}
