//! The command line's commands: thin shells around the library.

pub mod check;
pub mod moderate;
pub mod rules;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use tenet::check::Checker;
use tenet::config::Config;
use tenet::diagnostic::render_all;
use tenet::pack::{LoadError, Setup};

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

/// The rule options every command shares.
#[derive(Debug, Clone, Default)]
pub struct RuleOptions {
    /// Extra packs.
    pub rules: Vec<PathBuf>,
    /// Leave out the built-in pack.
    pub no_default_rules: bool,
    /// A configuration file instead of discovery.
    pub config: Option<PathBuf>,
}

impl RuleOptions {
    /// The setup for files under `near`: the given config, else the discovered one.
    pub fn setup_for(&self, near: &Path) -> Result<Setup> {
        let path = match &self.config {
            Some(p) => Some(p.clone()),
            None => Config::discover(near),
        };
        let config = match &path {
            Some(p) => Config::load(p)?,
            None => Config::default(),
        };
        Ok(Setup {
            config,
            config_dir: path
                .as_ref()
                .and_then(|p| p.parent())
                .map(Path::to_path_buf),
            extra_rules: self.rules.clone(),
            no_default_rules: self.no_default_rules,
        })
    }

    /// The config file that governs `near`, if any.
    pub fn config_path(&self, near: &Path) -> Option<PathBuf> {
        self.config.clone().or_else(|| Config::discover(near))
    }
}

/// A compiled checker with the setup it came from.
pub struct Loaded {
    /// The checker.
    pub checker: Checker,
    /// The setup (configuration and packs).
    pub setup: Setup,
}

/// Compiles rules once per configuration file.
#[derive(Default)]
pub struct Checkers {
    by_config: HashMap<Option<PathBuf>, Arc<Loaded>>,
    by_dir: HashMap<PathBuf, Option<PathBuf>>,
}

impl Checkers {
    /// The checker for a file at `path`; rule errors are printed and end the run.
    pub fn for_path(&mut self, options: &RuleOptions, path: &Path) -> Result<Arc<Loaded>> {
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let config = match self.by_dir.get(&dir) {
            Some(c) => c.clone(),
            None => {
                let c = options.config_path(path);
                self.by_dir.insert(dir, c.clone());
                c
            }
        };
        if let Some(loaded) = self.by_config.get(&config) {
            return Ok(loaded.clone());
        }
        let setup = options.setup_for(path)?;
        let loaded = Arc::new(load(setup)?);
        self.by_config.insert(config, loaded.clone());
        Ok(loaded)
    }
}

/// Compiles a setup's rules, printing warnings; errors come back as one message.
pub fn load(setup: Setup) -> Result<Loaded> {
    match setup.checker() {
        Ok((checker, warnings)) => {
            if !warnings.is_empty() {
                eprint!("{}", render_all(&warnings));
            }
            Ok(Loaded { checker, setup })
        }
        Err(LoadError::Rules(diagnostics)) => {
            let errors = diagnostics
                .iter()
                .filter(|d| d.severity == tenet::diagnostic::Severity::Error)
                .count();
            eprint!("{}", render_all(&diagnostics));
            Err(anyhow::anyhow!(
                "{errors} error{} in rule files",
                if errors == 1 { "" } else { "s" }
            ))
        }
        Err(e) => Err(e).context("loading rules"),
    }
}
