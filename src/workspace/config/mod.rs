//! `tenet.toml`: which rule packs, parameter and list values, channels by path, rule
//! levels and `fail-on`.
//!
//! A file is governed by every `tenet.toml` from its folder up to the file system's
//! root (or to one that says `root = true`), and by the files those `extend`. They
//! combine key by key, the nearest winning: a nearer file's `fail-on` wins, its
//! `[params]`, `[lists]`, `[levels]` and `[channels]` entries replace the same
//! entries further up and leave the others alone, and the nearest `rules` is the
//! list of packs. A file wins over the file it extends.

mod file;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::language::ast::Spanned;
use crate::language::diagnostic::Severity;
use crate::language::lower::Overrides;
use crate::language::rules::Level;

pub use file::{ConfigError, ConfigFile};

/// The configuration file's name.
pub const FILE_NAME: &str = "tenet.toml";

/// What a rule's level becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LevelSetting {
    /// The rule does not run.
    Off,
    /// The rule runs at this level.
    Level(Level),
}

impl LevelSetting {
    /// Parses `off` or a level name.
    pub fn parse(value: &str) -> Option<LevelSetting> {
        if value == "off" {
            return Some(LevelSetting::Off);
        }
        Level::parse(value).map(LevelSetting::Level)
    }

    /// The setting's name.
    pub fn as_str(self) -> &'static str {
        match self {
            LevelSetting::Off => "off",
            LevelSetting::Level(l) => l.as_str(),
        }
    }
}

/// A table entry in effect, with the file that writes it.
#[derive(Debug)]
pub struct Entry<'a, T> {
    /// The file.
    pub file: &'a ConfigFile,
    /// The key as written.
    pub key: &'a Spanned<String>,
    /// The value as written.
    pub value: &'a Spanned<T>,
}

/// The configuration in effect for a file: its `tenet.toml`, those it extends and
/// those above it, nearest first.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The files combined, nearest first (empty: the defaults).
    pub files: Vec<Arc<ConfigFile>>,
}

impl Config {
    /// The nearest `tenet.toml` at or above `dir`.
    pub fn discover(dir: &Path) -> Option<PathBuf> {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        let absolute = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        absolute
            .ancestors()
            .map(|d| d.join(FILE_NAME))
            .find(|p| p.is_file())
    }

    /// The configuration that starts at `nearest` (a `tenet.toml`): that file, what
    /// it extends, then the files above its folder, until one says `root = true`.
    /// With `cascade` off only `nearest` and what it extends count (`--config`).
    pub fn load_chain(nearest: &Path, cascade: bool) -> Result<Config, ConfigError> {
        let mut files = Vec::new();
        let mut seen = HashSet::new();
        let mut next = Some(nearest.to_path_buf());
        while let Some(path) = next.take() {
            let root = load_with_extends(&path, &mut files, &mut seen, None)?;
            if cascade && !root {
                let above = path.parent().and_then(Path::parent);
                next = above.and_then(Config::discover);
            }
        }
        Ok(Config { files })
    }

    /// Whether any file is in effect.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The nearest file, whose folder is where the run is configured from.
    pub fn nearest(&self) -> Option<&ConfigFile> {
        self.files.first().map(|f| &**f)
    }

    /// The lowest level that fails a check.
    pub fn fail_on(&self) -> Option<Level> {
        self.files
            .iter()
            .find_map(|f| f.fail_on.as_ref().map(|s| s.value))
    }

    /// The channel when no path pattern names one.
    pub fn channel(&self) -> Option<&str> {
        self.files
            .iter()
            .find_map(|f| f.channel.as_ref().map(|s| s.value.as_str()))
    }

    /// The packs, resolved: `builtin`, or paths from the file that names them.
    /// `None` when no file names any (the built-in pack alone).
    pub fn packs(&self) -> Option<Vec<PathBuf>> {
        let file = self.files.iter().find(|f| f.rules.is_some())?;
        let names = file.rules.as_ref()?;
        Some(
            names
                .iter()
                .map(|n| {
                    if n.value == crate::language::builtin::PREFIX {
                        PathBuf::from(&n.value)
                    } else {
                        file.dir().join(&n.value)
                    }
                })
                .collect(),
        )
    }

    /// The entries of one table in effect, nearest winning.
    fn merged<'a, T>(
        &'a self,
        table: impl Fn(&'a ConfigFile) -> &'a [(Spanned<String>, Spanned<T>)],
    ) -> BTreeMap<&'a str, Entry<'a, T>> {
        let mut out = BTreeMap::new();
        for f in self.files.iter().rev() {
            for (key, value) in table(f) {
                out.insert(
                    key.value.as_str(),
                    Entry {
                        file: f,
                        key,
                        value,
                    },
                );
            }
        }
        out
    }

    /// Every `[params]` entry in effect.
    pub fn params(&self) -> BTreeMap<&str, Entry<'_, String>> {
        self.merged(|f| &f.params)
    }

    /// Every `[lists]` entry in effect.
    pub fn lists(&self) -> BTreeMap<&str, Entry<'_, Vec<String>>> {
        self.merged(|f| &f.lists)
    }

    /// Every `[levels]` entry in effect.
    pub fn levels(&self) -> BTreeMap<&str, Entry<'_, LevelSetting>> {
        self.merged(|f| &f.levels)
    }

    /// Parameter and list overrides for the rule compiler.
    pub fn overrides(&self) -> Overrides {
        Overrides {
            params: self
                .params()
                .into_iter()
                .map(|(k, e)| (k.to_string(), e.value.value.clone()))
                .collect(),
            lists: self
                .lists()
                .into_iter()
                .map(|(k, e)| (k.to_string(), e.value.value.clone()))
                .collect(),
        }
    }

    /// The level setting for a rule: its own id first, then its guideline's.
    pub fn level_for(&self, rule_id: &str, category: &str) -> Option<LevelSetting> {
        let levels = self.levels();
        levels
            .get(rule_id)
            .or_else(|| levels.get(category))
            .map(|e| e.value.value)
    }

    /// The channel a file's path maps to: the nearest file with a pattern that
    /// matches it (patterns are relative to the file that writes them), else the
    /// `channel` key.
    pub fn channel_for(&self, file: &Path) -> Option<String> {
        for f in &self.files {
            let rel = file.strip_prefix(f.dir()).unwrap_or(file);
            for (pattern, channel) in &f.channels {
                if let Ok(glob) = globset::Glob::new(&pattern.value) {
                    if glob.compile_matcher().is_match(rel) {
                        return Some(channel.value.clone());
                    }
                }
            }
        }
        self.channel().map(str::to_string)
    }

    /// Whether any file maps paths to channels (then a file's absolute path is needed).
    pub fn maps_paths(&self) -> bool {
        self.files.iter().any(|f| !f.channels.is_empty())
    }

    /// The combined configuration as TOML, for `tenet config`.
    pub fn to_toml(&self, packs: &[PathBuf], default_channel: &str) -> String {
        let mut doc = toml::Table::new();
        doc.insert(
            "rules".into(),
            toml::Value::Array(
                packs
                    .iter()
                    .map(|p| toml::Value::String(p.display().to_string()))
                    .collect(),
            ),
        );
        doc.insert(
            "fail-on".into(),
            toml::Value::String(self.fail_on().unwrap_or(Level::Error).as_str().into()),
        );
        doc.insert(
            "channel".into(),
            toml::Value::String(self.channel().unwrap_or(default_channel).into()),
        );
        let table = |entries: Vec<(String, toml::Value)>| -> toml::Value {
            toml::Value::Table(entries.into_iter().collect())
        };
        let params = self
            .params()
            .into_iter()
            .map(|(k, e)| (k.to_string(), toml::Value::String(e.value.value.clone())))
            .collect::<Vec<_>>();
        let lists = self
            .lists()
            .into_iter()
            .map(|(k, e)| {
                let items = e
                    .value
                    .value
                    .iter()
                    .cloned()
                    .map(toml::Value::String)
                    .collect();
                (k.to_string(), toml::Value::Array(items))
            })
            .collect::<Vec<_>>();
        let levels = self
            .levels()
            .into_iter()
            .map(|(k, e)| {
                (
                    k.to_string(),
                    toml::Value::String(e.value.value.as_str().into()),
                )
            })
            .collect::<Vec<_>>();
        let mut channels = Vec::new();
        for f in self.files.iter().rev() {
            for (pattern, channel) in &f.channels {
                let full = f.dir().join(&pattern.value).display().to_string();
                channels.push((full, toml::Value::String(channel.value.clone())));
            }
        }
        for (name, entries) in [
            ("params", params),
            ("lists", lists),
            ("channels", channels),
            ("levels", levels),
        ] {
            if !entries.is_empty() {
                doc.insert(name.into(), table(entries));
            }
        }
        toml::to_string(&doc).unwrap_or_default()
    }
}

/// Loads `path` and the files it extends into `out` (the file first); returns
/// whether it says `root = true`.
fn load_with_extends(
    path: &Path,
    out: &mut Vec<Arc<ConfigFile>>,
    seen: &mut HashSet<PathBuf>,
    from: Option<(&ConfigFile, &Spanned<String>)>,
) -> Result<bool, ConfigError> {
    let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    if !seen.insert(key) {
        if let Some((file, extend)) = from {
            return Err(ConfigError::Invalid(vec![file.diagnostic(
                Severity::Error,
                extend.span.clone(),
                format!(
                    "`extend` makes a cycle: {} is already in the chain",
                    path.display()
                ),
            )]));
        }
        return Ok(false);
    }
    let file = match ConfigFile::load(path) {
        Ok(f) => f,
        Err(ConfigError::Io { error, .. }) if from.is_some() => {
            let (parent, extend) = from.expect("checked");
            return Err(ConfigError::Invalid(vec![parent.diagnostic(
                Severity::Error,
                extend.span.clone(),
                format!("cannot read the extended file {}: {error}", path.display()),
            )]));
        }
        Err(e) => return Err(e),
    };
    let file = Arc::new(file);
    out.push(file.clone());
    let mut root = file.root;
    if let Some(extend) = &file.extend {
        let base = file.dir().join(&extend.value);
        root |= load_with_extends(&base, out, seen, Some((&file, extend)))?;
    }
    Ok(root)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::language::diagnostic::Diagnostic;

    fn parse(text: &str) -> Result<ConfigFile, Vec<Diagnostic>> {
        ConfigFile::parse(Path::new("/x/tenet.toml"), text)
    }

    #[test]
    fn parses_a_full_config() {
        let f = parse(
            r#"
rules = ["builtin", "team-rules"]
fail-on = "warning"
channel = "internal"
[params]
company = "Acme"
[lists]
codenames = ["Falcon", "Bluebird"]
[channels]
"blog/**" = "external"
[levels]
"add-value.shouting" = "off"
"#,
        )
        .unwrap();
        let c = Config {
            files: vec![Arc::new(f)],
        };
        assert_eq!(c.fail_on(), Some(Level::Warning));
        assert_eq!(
            c.level_for("add-value.shouting", "add-value"),
            Some(LevelSetting::Off)
        );
        assert_eq!(
            c.channel_for(Path::new("/x/blog/a.md")).as_deref(),
            Some("external")
        );
        assert_eq!(
            c.channel_for(Path::new("/x/notes/a.md")).as_deref(),
            Some("internal")
        );
        assert_eq!(
            c.packs().unwrap(),
            [PathBuf::from("builtin"), PathBuf::from("/x/team-rules")]
        );
    }

    #[test]
    fn unknown_keys_and_levels_are_errors_with_a_place() {
        let e = parse("colour = 1\n").unwrap_err();
        assert_eq!(e[0].line_col(), (1, 1), "{}", e[0].message);
        let e = parse("[levels]\nx = \"loud\"\n").unwrap_err();
        assert!(e[0].message.contains("expected off"), "{}", e[0].message);
        assert_eq!(e[0].line_col(), (2, 5));
    }

    #[test]
    fn nearer_entries_win_and_the_rest_are_kept() {
        let near = parse("fail-on = \"warning\"\n[params]\ncompany = \"Near\"\n").unwrap();
        let far = parse(
            "fail-on = \"error\"\n[params]\ncompany = \"Far\"\nregion = \"EU\"\n[lists]\ncodenames = [\"Falcon\"]\n",
        )
        .unwrap();
        let c = Config {
            files: vec![Arc::new(near), Arc::new(far)],
        };
        assert_eq!(c.fail_on(), Some(Level::Warning));
        let o = c.overrides();
        assert_eq!(o.params["company"], "Near");
        assert_eq!(o.params["region"], "EU");
        assert_eq!(o.lists["codenames"], ["Falcon"]);
    }
}
