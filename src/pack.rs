//! Rule packs: from the names in `tenet.toml` or `--rules` to a ready [`Checker`].

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::check::Checker;
use crate::config::{Config, LevelSetting};
use crate::diagnostic::{Diagnostic, Severity};
use crate::engine::{Engine, Options};
use crate::lower::{self, RuleFile};

/// Where the rules come from, and the configuration that adjusts them.
#[derive(Debug, Clone, Default)]
pub struct Setup {
    /// The configuration (empty when there is no `tenet.toml`).
    pub config: Config,
    /// The folder of the `tenet.toml`, which its paths are relative to.
    pub config_dir: Option<PathBuf>,
    /// Packs named on the command line, after the configured ones.
    pub extra_rules: Vec<PathBuf>,
    /// Leave out the built-in pack.
    pub no_default_rules: bool,
}

/// Why rules could not be loaded.
#[derive(Debug)]
pub enum LoadError {
    /// Errors in rule files (and any warnings), each with its place.
    Rules(Vec<Diagnostic>),
    /// A pack that cannot be read.
    Pack {
        /// The pack as named.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Rules(d) => write!(f, "{}", crate::diagnostic::render_all(d).trim_end()),
            LoadError::Pack { path, message } => write!(f, "{}: {message}", path.display()),
        }
    }
}

impl std::error::Error for LoadError {}

impl Setup {
    /// The packs to load, in order: configured ones (or `builtin`), then extra ones.
    pub fn packs(&self) -> Vec<PathBuf> {
        let base = self.config_dir.clone().unwrap_or_default();
        let configured: Vec<PathBuf> = match &self.config.rules {
            Some(names) => names
                .iter()
                .map(|n| {
                    if n == crate::builtin::PREFIX {
                        PathBuf::from(n)
                    } else {
                        base.join(n)
                    }
                })
                .collect(),
            None => vec![PathBuf::from(crate::builtin::PREFIX)],
        };
        configured
            .into_iter()
            .filter(|p| !(self.no_default_rules && p == Path::new(crate::builtin::PREFIX)))
            .chain(self.extra_rules.iter().cloned())
            .collect()
    }

    /// Reads every rule file of every pack.
    pub fn rule_files(&self) -> Result<Vec<RuleFile>, LoadError> {
        let mut files = Vec::new();
        for pack in self.packs() {
            if pack == Path::new(crate::builtin::PREFIX) {
                files.extend(crate::builtin::rule_files());
                continue;
            }
            let err = |message: String| LoadError::Pack {
                path: pack.clone(),
                message,
            };
            let meta =
                std::fs::metadata(&pack).map_err(|e| err(format!("cannot read rule pack: {e}")))?;
            let paths: Vec<PathBuf> = if meta.is_dir() {
                let mut found: Vec<PathBuf> = walkdir::WalkDir::new(&pack)
                    .into_iter()
                    .filter_map(Result::ok)
                    .filter(|e| {
                        e.file_type().is_file()
                            && e.path().extension().is_some_and(|x| x == "tenet")
                    })
                    .map(|e| e.into_path())
                    .collect();
                found.sort();
                found
            } else {
                vec![pack.clone()]
            };
            for path in paths {
                let text = std::fs::read_to_string(&path).map_err(|e| LoadError::Pack {
                    path: path.clone(),
                    message: format!("cannot read: {e}"),
                })?;
                files.push(RuleFile {
                    path,
                    text: Arc::from(text),
                });
            }
        }
        Ok(files)
    }

    /// Compiles the rules, applies the configured levels, and builds the engine.
    /// Warnings come back with the checker.
    pub fn checker(&self) -> Result<(Checker, Vec<Diagnostic>), LoadError> {
        let files = self.rule_files()?;
        let compiled = lower::compile(&files, &self.config.overrides(), &crate::builtin::read_list);
        if compiled
            .diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
        {
            return Err(LoadError::Rules(compiled.diagnostics));
        }
        let mut rules = compiled.rules;
        rules
            .rules
            .retain_mut(|r| match self.config.level_for(&r.id, &r.category) {
                Some(LevelSetting::Off) => false,
                Some(LevelSetting::Level(l)) => {
                    r.level = l;
                    r.escalate.clear();
                    true
                }
                None => true,
            });
        let channel = self
            .config
            .channel
            .clone()
            .unwrap_or_else(|| Options::default().channel);
        Ok((
            Checker {
                engine: Engine::new(rules),
                options: Options { channel },
            },
            compiled.diagnostics,
        ))
    }
}
