//! The workspace: which configuration governs a file, which rules it compiles to
//! (compiled once per configuration and cached), which channel a draft is for, and
//! checking a draft with all of that. Every front end (the command line,
//! `moderate`, the language server, the server and the worker) is a thin shell
//! over [`Workspace`].
//!
//! May import every layer below it: [`crate::engine`], [`crate::report`],
//! [`crate::language`], [`crate::draft`], [`crate::text`].

pub mod cache;
pub mod config;
mod files;
mod names;
pub mod packs;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::draft::{Draft, Format};
use crate::engine::checker::Checker;
use crate::engine::{Engine, Options};
use crate::language::diagnostic::{Diagnostic, Severity};
use crate::language::{builtin, lower};
use crate::report::{Deferred, Report};

pub use config::{Config, ConfigError, ConfigFile, LevelSetting};
pub use files::Files;
pub use packs::PackError;

use crate::language::rules::Level;

/// What the caller sets up, besides what `tenet.toml` says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Setup {
    /// Packs used after the configured ones (`--rules`, the editor's `rules`).
    pub extra_rules: Vec<PathBuf>,
    /// Leave out the built-in pack.
    pub no_default_rules: bool,
    /// Use this configuration file (and what it extends) instead of discovery.
    pub config: Option<PathBuf>,
    /// The packs to use instead of the configured ones (`tenet rules test PATHS`);
    /// configuration names that these packs do not declare are then warnings.
    pub packs: Option<Vec<PathBuf>>,
    /// The channel, winning over the configuration (`--channel`, the editor's).
    pub channel: Option<String>,
    /// Keep at most this many findings of one rule per draft (see
    /// [`Options::max_per_rule`]).
    pub max_per_rule: Option<usize>,
    /// Keep compiled rule sets here, and read them back (see [`cache`]).
    pub cache: Option<PathBuf>,
    /// Build everything rules will search with as soon as they are compiled, on
    /// a thread of its own (see [`crate::engine::Engine::warm`]): for the
    /// language server, which checks for hours and should never make a keystroke
    /// wait for an automaton.
    pub warm: bool,
}

/// Why rules could not be loaded.
#[derive(Debug)]
pub enum LoadError {
    /// A configuration file that cannot be read or is invalid.
    Config(ConfigError),
    /// Errors in rule files or in the names the configuration uses, each with its
    /// place (warnings too).
    Rules(Vec<Diagnostic>),
    /// A pack that cannot be read.
    Pack(PackError),
}

impl LoadError {
    /// The located problems (errors and warnings), when there are any.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            LoadError::Rules(d) | LoadError::Config(ConfigError::Invalid(d)) => d,
            _ => &[],
        }
    }

    /// How many errors it holds (one for an unreadable file).
    pub fn error_count(&self) -> usize {
        match self.diagnostics() {
            [] => 1,
            d => d.iter().filter(|d| d.severity == Severity::Error).count(),
        }
    }
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Config(e) => write!(f, "{e}"),
            LoadError::Rules(d) => {
                write!(
                    f,
                    "{}",
                    crate::language::diagnostic::render_all(d).trim_end()
                )
            }
            LoadError::Pack(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for LoadError {}

/// Rules compiled for one configuration, ready to check drafts.
#[derive(Debug)]
pub struct Rules {
    /// The configuration they were compiled with.
    pub config: Config,
    /// The packs they come from, in order.
    pub packs: Vec<PathBuf>,
    /// The checker.
    pub checker: Checker,
    /// Warnings about rule files and configuration.
    pub warnings: Vec<Diagnostic>,
    /// Which files are drafts, and as which format.
    pub files: Files,
    /// Rules the configuration turned off (`[levels] id = "off"`).
    pub off: Vec<crate::language::rules::Rule>,
}

impl Rules {
    /// Compiles the packs `setup` and `config` name, applies the configured levels,
    /// and checks every name the configuration uses against the rules.
    pub fn compile(setup: &Setup, config: Config) -> Result<Rules, LoadError> {
        let built = Built::new(setup, config)?;
        if built.has_errors() {
            return Err(LoadError::Rules(built.diagnostics));
        }
        let channel = setup
            .channel
            .clone()
            .or_else(|| built.config.channel().map(str::to_string))
            .unwrap_or_else(|| Options::default().channel);
        Ok(Rules {
            files: Files::of(&built.config),
            off: built.off,
            config: built.config,
            packs: built.packs,
            checker: Checker {
                engine: Engine::new(built.rules),
                options: Options {
                    channel,
                    max_per_rule: setup.max_per_rule,
                },
            },
            warnings: built.diagnostics,
        })
    }

    /// Why these rules would not single out `channel`, when no rule names it
    /// (see [`names::unknown_channel`]).
    pub fn channel_warning(&self, channel: &str) -> Option<String> {
        names::unknown_channel(self.checker.engine.rules(), channel)
    }

    /// The lowest level that fails a check, unless the caller says otherwise.
    pub fn fail_on(&self) -> Level {
        self.config.fail_on().unwrap_or(Level::Error)
    }

    /// The channel for a draft at `path`: the caller's, else the configuration's
    /// pattern for the path, else its `channel`, else `external`.
    pub fn channel_for(&self, path: Option<&Path>, explicit: Option<&str>) -> String {
        if let Some(c) = explicit {
            return c.to_string();
        }
        let by_path = match path {
            // Path patterns need the absolute path; without them, no file system call.
            Some(p) if self.config.maps_paths() => {
                let absolute = std::fs::canonicalize(p)
                    .or_else(|_| std::path::absolute(p))
                    .unwrap_or_else(|_| p.to_path_buf());
                self.config.channel_for(&absolute)
            }
            _ => None,
        };
        by_path.unwrap_or_else(|| self.checker.options.channel.clone())
    }

    /// The format of a draft at `path` (the configuration's `[types]` first).
    pub fn format_for(&self, path: Option<&Path>, text: &str) -> Format {
        self.files.format(path, text)
    }

    /// Parses and checks a draft for a channel.
    pub fn check(&self, text: String, format: Format, channel: String) -> (Draft, Report) {
        self.checker
            .check_text_on(text, format, &self.options(channel))
    }

    /// [`Rules::check`] of each (text, format, channel), in order, short ones
    /// searched joined, the findings left out of the reports and returned
    /// unbuilt (see [`Checker::check_texts_deferred`]).
    pub fn check_many_deferred(
        &self,
        drafts: Vec<(String, Format, String)>,
    ) -> Vec<(Draft, Report, Deferred)> {
        let drafts = drafts
            .into_iter()
            .map(|(text, format, channel)| (text, format, self.options(channel)))
            .collect();
        self.checker.check_texts_deferred(drafts)
    }

    fn options(&self, channel: String) -> Options {
        Options {
            channel,
            ..self.checker.options.clone()
        }
    }
}

/// Rules compiled as far as they go: those without errors, and every problem.
struct Built {
    config: Config,
    packs: Vec<PathBuf>,
    rules: crate::language::rules::RuleSet,
    off: Vec<crate::language::rules::Rule>,
    diagnostics: Vec<Diagnostic>,
}

impl Built {
    fn new(setup: &Setup, config: Config) -> Result<Built, LoadError> {
        let packs = packs_of(setup, &config);
        let (files, mut diagnostics) = packs::rule_files(&packs).map_err(LoadError::Pack)?;
        let overrides = config.overrides();
        let compiled = match &setup.cache {
            Some(dir) => {
                cache::Cache::new(dir.clone()).compile(&files, &overrides, &builtin::read_list)
            }
            None => lower::compile(&files, &overrides, &builtin::read_list),
        };
        diagnostics.extend(compiled.diagnostics);
        let lenient = setup.packs.is_some();
        diagnostics.extend(names::check(&config, &compiled.rules, lenient));
        let mut rules = compiled.rules;
        let mut off = Vec::new();
        for mut r in std::mem::take(&mut rules.rules) {
            match config.level_for(&r.id, &r.category) {
                Some(LevelSetting::Off) => off.push(r),
                Some(LevelSetting::Level(l)) => {
                    r.level = l;
                    r.escalate.clear();
                    rules.rules.push(r);
                }
                None => rules.rules.push(r),
            }
        }
        Ok(Built {
            config,
            packs,
            rules,
            off,
            diagnostics,
        })
    }

    fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

/// What running rule examples found: every problem in the rule files and the
/// configuration, and the examples of every rule that compiled, in one run.
#[derive(Debug, Default)]
pub struct ExampleRun {
    /// Errors and warnings in rule files and configuration.
    pub diagnostics: Vec<Diagnostic>,
    /// The examples' outcome.
    pub outcome: crate::engine::examples::Outcome,
}

impl ExampleRun {
    /// Whether any rule file or configuration error was found.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

/// The packs to compile, in order: the caller's replacement, else the configured
/// ones (or `builtin`), then the extra ones.
fn packs_of(setup: &Setup, config: &Config) -> Vec<PathBuf> {
    let builtin = PathBuf::from(builtin::PREFIX);
    let configured = setup
        .packs
        .clone()
        .or_else(|| config.packs())
        .unwrap_or_else(|| vec![builtin.clone()]);
    configured
        .into_iter()
        .filter(|p| !(setup.no_default_rules && *p == builtin))
        .chain(setup.extra_rules.iter().cloned())
        .collect()
}

/// Configuration found once per folder and rules compiled once per configuration,
/// shared by every front end. Safe to use from many threads.
#[derive(Debug, Default)]
pub struct Workspace {
    setup: Setup,
    /// The nearest `tenet.toml` of each folder looked at.
    nearest: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
    /// Compiled rules by the nearest `tenet.toml` (`None`: there is none), in
    /// the order of those paths (a reload recompiles them, and gives their
    /// errors, in that order).
    rules: Mutex<BTreeMap<Option<PathBuf>, Arc<Rules>>>,
}

/// A poisoned lock still holds a usable map: a panic elsewhere never blocks a check.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Workspace {
    /// A workspace with this setup.
    pub fn new(setup: Setup) -> Workspace {
        Workspace {
            setup,
            ..Workspace::default()
        }
    }

    /// What the caller set up.
    pub fn setup(&self) -> &Setup {
        &self.setup
    }

    /// The `tenet.toml` nearest to a draft at `path` (which need not exist), or
    /// the one the setup names.
    pub fn config_path(&self, path: &Path) -> Option<PathBuf> {
        if let Some(c) = &self.setup.config {
            return Some(c.clone());
        }
        let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
        lock(&self.nearest)
            .entry(dir)
            .or_insert_with_key(|dir| Config::discover(dir))
            .clone()
    }

    /// The configuration in effect for a draft at `path`.
    pub fn config_for(&self, path: &Path) -> Result<Config, ConfigError> {
        self.config_at(self.config_path(path).as_deref())
    }

    fn config_at(&self, nearest: Option<&Path>) -> Result<Config, ConfigError> {
        match nearest {
            Some(p) => Config::load_chain(p, self.setup.config.is_none()),
            None => Ok(Config::default()),
        }
    }

    /// The rules for a draft at `path`, compiled on first use.
    pub fn rules_for(&self, path: &Path) -> Result<Arc<Rules>, LoadError> {
        let key = self.config_path(path);
        if let Some(r) = lock(&self.rules).get(&key) {
            return Ok(r.clone());
        }
        let rules = Arc::new(self.compile(key.as_deref())?);
        if self.setup.warm {
            let warming = Arc::clone(&rules);
            // Without the thread, checks build what they need as they go.
            let _ = std::thread::Builder::new()
                .name("tenet-warm".into())
                .spawn(move || warming.checker.engine.warm());
        }
        Ok(lock(&self.rules).entry(key).or_insert(rules).clone())
    }

    fn compile(&self, nearest: Option<&Path>) -> Result<Rules, LoadError> {
        let config = self.config_at(nearest).map_err(LoadError::Config)?;
        Rules::compile(&self.setup, config)
    }

    /// Checks a draft at `path` (for its configuration, format and channel); the
    /// format is sniffed when not given, the channel found when not given.
    pub fn check(
        &self,
        path: &Path,
        text: String,
        format: Option<Format>,
        channel: Option<&str>,
    ) -> Result<(Draft, Report), LoadError> {
        let rules = self.rules_for(path)?;
        let format = format.unwrap_or_else(|| rules.format_for(Some(path), &text));
        let channel = rules.channel_for(Some(path), channel.or(self.setup.channel.as_deref()));
        Ok(rules.check(text, format, channel))
    }

    /// Runs the examples of every rule that compiles for drafts at `path`, and
    /// reports every problem of the rule files with them: nothing waits for a
    /// second run.
    pub fn examples(&self, path: &Path) -> Result<ExampleRun, LoadError> {
        let config = self.config_for(path).map_err(LoadError::Config)?;
        let built = Built::new(&self.setup, config)?;
        let overrides = built.config.overrides();
        let outcome = crate::engine::examples::run(&Engine::new(built.rules), &overrides);
        Ok(ExampleRun {
            diagnostics: built.diagnostics,
            outcome,
        })
    }

    /// Forgets where configuration files are and recompiles every configuration
    /// in use. Configurations whose new rules fail keep their last good rules; their
    /// errors come back.
    pub fn reload(&self) -> Vec<LoadError> {
        lock(&self.nearest).clear();
        let keys: Vec<Option<PathBuf>> = lock(&self.rules).keys().cloned().collect();
        let mut errors = Vec::new();
        for key in keys {
            match self.compile(key.as_deref()) {
                Ok(rules) => {
                    lock(&self.rules).insert(key, Arc::new(rules));
                }
                Err(e) => errors.push(e),
            }
        }
        errors
    }

    /// Replaces the setup (the editor's settings changed) and recompiles, keeping
    /// the last good rules where the new ones fail.
    pub fn set_setup(&mut self, setup: Setup) -> Vec<LoadError> {
        self.setup = setup;
        self.reload()
    }
}
