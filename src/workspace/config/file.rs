//! One `tenet.toml` as written: parsed and checked, every value with its place.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use super::LevelSetting;
use crate::draft::Format;
use crate::language::ast::Spanned;
use crate::language::diagnostic::{Diagnostic, Severity};
use crate::language::rules::Level;

/// A configuration file larger than this is refused.
const MAX_BYTES: u64 = 4 << 20;

/// One `tenet.toml` as written, every value with the place it was written.
#[derive(Debug, Clone)]
pub struct ConfigFile {
    /// Where it is.
    pub path: PathBuf,
    /// Its text, for showing errors.
    pub source: Arc<str>,
    /// `root = true`: files further up do not apply.
    pub root: bool,
    /// `extend = "…"`: a file this one builds on.
    pub extend: Option<Spanned<String>>,
    /// `rules = […]`: packs (`builtin`, folders, files), relative to this file.
    pub rules: Option<Vec<Spanned<String>>>,
    /// `fail-on`.
    pub fail_on: Option<Spanned<Level>>,
    /// `channel`: the channel when no path pattern names one.
    pub channel: Option<Spanned<String>>,
    /// `[params]`: parameter values (`company`, or `guideline.name`).
    pub params: Vec<(Spanned<String>, Spanned<String>)>,
    /// `[lists]`: list contents.
    pub lists: Vec<(Spanned<String>, Spanned<Vec<String>>)>,
    /// `[channels]`: path pattern (relative to this file) → channel.
    pub channels: Vec<(Spanned<String>, Spanned<String>)>,
    /// `[levels]`: rule or guideline id → `off` or a level.
    pub levels: Vec<(Spanned<String>, Spanned<LevelSetting>)>,
    /// `exclude = […]`: what walking a folder leaves out, as `.gitignore` lines
    /// relative to this file.
    pub exclude: Vec<Spanned<String>>,
    /// `[types]`: file extension → the format its files are read as; walking a
    /// folder checks files with these extensions too.
    pub types: Vec<(Spanned<String>, Spanned<Format>)>,
}

/// The file as TOML describes it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Written {
    root: Option<bool>,
    extend: Option<toml::Spanned<String>>,
    rules: Option<Vec<toml::Spanned<String>>>,
    fail_on: Option<toml::Spanned<String>>,
    channel: Option<toml::Spanned<String>>,
    #[serde(default)]
    params: BTreeMap<toml::Spanned<String>, toml::Spanned<String>>,
    #[serde(default)]
    lists: BTreeMap<toml::Spanned<String>, toml::Spanned<Vec<String>>>,
    #[serde(default)]
    channels: BTreeMap<toml::Spanned<String>, toml::Spanned<String>>,
    #[serde(default)]
    levels: BTreeMap<toml::Spanned<String>, toml::Spanned<String>>,
    #[serde(default)]
    exclude: Vec<toml::Spanned<String>>,
    #[serde(default)]
    types: BTreeMap<toml::Spanned<String>, toml::Spanned<String>>,
}

fn spanned<T>(s: toml::Spanned<T>) -> Spanned<T> {
    let span = s.span();
    Spanned {
        value: s.into_inner(),
        span,
    }
}

/// Why configuration could not be read.
#[derive(Debug)]
pub enum ConfigError {
    /// A file that cannot be read.
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        error: io::Error,
    },
    /// Errors in a file, each with its place.
    Invalid(Vec<Diagnostic>),
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigError::Io { path, error } => {
                write!(f, "{}: cannot read: {error}", path.display())
            }
            ConfigError::Invalid(d) => {
                write!(
                    f,
                    "{}",
                    crate::language::diagnostic::render_all(d).trim_end()
                )
            }
        }
    }
}

impl std::error::Error for ConfigError {}

impl ConfigFile {
    /// Reads and checks a file.
    pub fn load(path: &Path) -> Result<ConfigFile, ConfigError> {
        let text =
            crate::text::file::read_text(path, MAX_BYTES).map_err(|error| ConfigError::Io {
                path: path.to_path_buf(),
                error,
            })?;
        ConfigFile::parse(path, &text).map_err(ConfigError::Invalid)
    }

    /// Parses a file's text; every problem comes back located.
    pub fn parse(path: &Path, text: &str) -> Result<ConfigFile, Vec<Diagnostic>> {
        let source: Arc<str> = Arc::from(text);
        let error = |span: std::ops::Range<usize>, message: String| Diagnostic {
            severity: Severity::Error,
            path: path.to_path_buf(),
            source: source.clone(),
            span,
            message,
        };
        let written: Written = toml::from_str(text).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            vec![error(span, e.message().trim().to_string())]
        })?;
        let mut errors = Vec::new();
        let fail_on = written
            .fail_on
            .map(spanned)
            .and_then(|s| match Level::parse(&s.value) {
                Some(level) => Some(Spanned {
                    value: level,
                    span: s.span,
                }),
                None => {
                    errors.push(error(
                        s.span,
                        format!(
                            "fail-on = {:?}: expected error, warning, info or hint",
                            s.value
                        ),
                    ));
                    None
                }
            });
        let mut levels = Vec::new();
        for (id, value) in written.levels {
            let value = spanned(value);
            match LevelSetting::parse(&value.value) {
                Some(l) => levels.push((
                    spanned(id),
                    Spanned {
                        value: l,
                        span: value.span,
                    },
                )),
                None => errors.push(error(
                    value.span,
                    format!(
                        "[levels] {} = {:?}: expected off, error, warning, info or hint",
                        id.get_ref(),
                        value.value
                    ),
                )),
            }
        }
        let mut channels = Vec::new();
        for (pattern, channel) in written.channels {
            let pattern = spanned(pattern);
            match globset::Glob::new(&pattern.value) {
                Ok(_) => channels.push((pattern, spanned(channel))),
                Err(e) => errors.push(error(
                    pattern.span,
                    format!("[channels] {:?}: {}", pattern.value, e.kind()),
                )),
            }
        }
        let mut exclude = Vec::new();
        let dir = path.parent().unwrap_or(Path::new(""));
        for glob in written.exclude {
            let glob = spanned(glob);
            match ignore::gitignore::GitignoreBuilder::new(dir).add_line(None, &glob.value) {
                Ok(_) => exclude.push(glob),
                Err(e) => errors.push(error(glob.span, format!("exclude {:?}: {e}", glob.value))),
            }
        }
        let mut types = Vec::new();
        for (ext, format) in written.types {
            let (ext, format) = (spanned(ext), spanned(format));
            match Format::parse(&format.value) {
                Some(f) => types.push((
                    Spanned {
                        value: ext.value.trim_start_matches('.').to_ascii_lowercase(),
                        span: ext.span,
                    },
                    Spanned {
                        value: f,
                        span: format.span,
                    },
                )),
                None => errors.push(error(
                    format.span,
                    format!(
                        "[types] {} = {:?}: expected markdown, text or email",
                        ext.value, format.value
                    ),
                )),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(ConfigFile {
            path: path.to_path_buf(),
            source,
            root: written.root.unwrap_or(false),
            extend: written.extend.map(spanned),
            rules: written.rules.map(|r| r.into_iter().map(spanned).collect()),
            fail_on,
            channel: written.channel.map(spanned),
            params: written
                .params
                .into_iter()
                .map(|(k, v)| (spanned(k), spanned(v)))
                .collect(),
            lists: written
                .lists
                .into_iter()
                .map(|(k, v)| (spanned(k), spanned(v)))
                .collect(),
            channels,
            levels,
            exclude,
            types,
        })
    }

    /// The folder its relative paths start from.
    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new(""))
    }

    /// A diagnostic about a place in this file.
    pub fn diagnostic(
        &self,
        severity: Severity,
        span: std::ops::Range<usize>,
        message: String,
    ) -> Diagnostic {
        Diagnostic {
            severity,
            path: self.path.clone(),
            source: self.source.clone(),
            span,
            message,
        }
    }
}
