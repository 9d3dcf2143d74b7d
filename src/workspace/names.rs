//! Every name `tenet.toml` uses, checked against what the rules declare, so that a
//! typo (`[lists] codename`) is an error at its place, with a suggestion, instead
//! of a code name that is silently never found.

use std::collections::BTreeSet;

use super::config::Config;
use crate::language::diagnostic::{Diagnostic, Severity};
use crate::language::rules::RuleSet;
use crate::text::similar;

/// Channels every pack understands, whether or not a rule names them.
const KNOWN_CHANNELS: &[&str] = &["external", "internal"];

/// Problems with the names `config` uses. With `lenient` (the packs were replaced
/// on the command line) unknown names are warnings, not errors.
pub fn check(config: &Config, rules: &RuleSet, lenient: bool) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let severity = if lenient {
        Severity::Warning
    } else {
        Severity::Error
    };
    let declared = &rules.declared;
    for file in &config.files {
        for (name, _) in &file.params {
            if !declared.params.contains(&name.value) {
                let message = unknown("parameter", &name.value, &declared.params, "[params]");
                out.push(file.diagnostic(severity, name.span.clone(), message));
            }
        }
        for (name, _) in &file.lists {
            if !declared.lists.contains(&name.value) {
                let message = unknown("list", &name.value, &declared.lists, "[lists]");
                out.push(file.diagnostic(severity, name.span.clone(), message));
            }
        }
        let ids: BTreeSet<String> = rules
            .rules
            .iter()
            .map(|r| r.id.to_string())
            .chain(rules.guidelines.iter().map(|g| g.id.clone()))
            .collect();
        for (id, _) in &file.levels {
            if !ids.contains(&id.value) {
                let message = unknown("rule or guideline", &id.value, &ids, "[levels]");
                out.push(file.diagnostic(severity, id.span.clone(), message));
            }
        }
        let named = file
            .channel
            .iter()
            .chain(file.channels.iter().map(|(_, c)| c));
        for channel in named {
            if let Some(message) = unknown_channel(rules, &channel.value) {
                out.push(file.diagnostic(Severity::Warning, channel.span.clone(), message));
            }
        }
    }
    out
}

/// What is wrong with `channel` for `rules`, when no rule names it: `None` for
/// a channel they know. Such a channel is legal (rules simply do not single it
/// out), so this is a warning, with the near miss when there is one: a typo
/// would otherwise quietly turn off every rule for the channel meant.
pub fn unknown_channel(rules: &RuleSet, channel: &str) -> Option<String> {
    if KNOWN_CHANNELS.contains(&channel) || rules.declared.channels.contains(channel) {
        return None;
    }
    let channels = rules
        .declared
        .channels
        .iter()
        .map(String::as_str)
        .chain(KNOWN_CHANNELS.iter().copied());
    Some(match similar::closest(channel, channels) {
        Some(near) => format!("no rule names the channel `{channel}`; did you mean `{near}`?"),
        None => format!(
            "no rule names the channel `{channel}`; rules treat it as neither external nor internal"
        ),
    })
}

fn unknown(what: &str, name: &str, known: &BTreeSet<String>, table: &str) -> String {
    match similar::closest(name, known) {
        Some(near) => format!("{table}: no {what} is named `{name}`; did you mean `{near}`?"),
        None => format!(
            "{table}: no {what} is named `{name}` in the rules in use (`tenet rules list` shows them)"
        ),
    }
}
