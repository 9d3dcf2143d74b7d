//! The command line's commands: thin shells around the library's [`Workspace`].

pub mod allocator;
pub mod check;
mod many;
pub mod moderate;
mod order;
mod read;
pub mod rules;
pub mod walk;

use std::path::Path;
use std::sync::Arc;

use tenet::language::diagnostic::render_all;
use tenet::workspace::{LoadError, Rules, Workspace};

/// How a command ended, as the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Outcome {
    /// Nothing at or above the failure level.
    Clean = 0,
    /// Findings (or failing rule examples).
    Findings = 1,
    /// Usage, configuration or rule errors.
    Error = 2,
}

/// Prints why rules could not be loaded: every diagnostic with its caret, then
/// a summary line.
pub fn print_load_error(e: &LoadError) {
    match e.diagnostics() {
        [] => eprintln!("tenet: {e}"),
        diagnostics => {
            eprint!("{}", render_all(diagnostics));
            let n = e.error_count();
            let what = match e {
                LoadError::Config(_) => "configuration",
                _ => "rule files",
            };
            eprintln!(
                "tenet: {n} error{} in {what}",
                if n == 1 { "" } else { "s" }
            );
        }
    }
}

/// Warns when no rule names the channel given on the command line: a typo
/// there would quietly turn off every rule for the channel meant.
pub fn warn_channel(rules: &Rules, channel: Option<&str>) {
    if let Some(warning) = channel.and_then(|c| rules.channel_warning(c)) {
        eprintln!("tenet: warning: --channel: {warning}");
    }
}

/// The rules for drafts near `path`, with their warnings printed once; on failure
/// the errors are printed and `None` comes back.
pub fn rules_for(workspace: &Workspace, path: &Path) -> Option<Arc<Rules>> {
    match workspace.rules_for(path) {
        Ok(rules) => {
            if !rules.warnings.is_empty() {
                eprint!("{}", render_all(&rules.warnings));
            }
            Some(rules)
        }
        Err(e) => {
            print_load_error(&e);
            None
        }
    }
}
