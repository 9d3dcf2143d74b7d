//! `tenet.toml`: which rule packs, parameter and list values, channels by path,
//! rule levels, and `fail-on`. Found by walking up from the checked file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::lower::Overrides;
use crate::rules::Level;

/// The configuration file's name.
pub const FILE_NAME: &str = "tenet.toml";

/// A `tenet.toml`, as written.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Rule packs: `builtin`, or folders and files relative to the config file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<Vec<String>>,
    /// The lowest level that fails a check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_on: Option<Level>,
    /// The channel when no path pattern names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// Parameter values (`company = "Acme"`, or `guideline.name = …`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, String>,
    /// List contents.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub lists: BTreeMap<String, Vec<String>>,
    /// Path patterns (relative to the config file) → channel.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub channels: BTreeMap<String, String>,
    /// Rule or guideline id → `off` or a level.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub levels: BTreeMap<String, String>,
}

/// A configuration problem, with where it is.
#[derive(Debug, Clone)]
pub struct ConfigError {
    /// The file.
    pub path: PathBuf,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

impl std::error::Error for ConfigError {}

/// What a rule's level becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LevelSetting {
    /// The rule does not run.
    Off,
    /// The rule runs at this level.
    Level(Level),
}

impl Config {
    /// Reads and checks a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let err = |message: String| ConfigError {
            path: path.to_path_buf(),
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| err(format!("cannot read: {e}")))?;
        Config::parse(&text).map_err(err)
    }

    /// Parses config text.
    pub fn parse(text: &str) -> Result<Config, String> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let msg = e.message().to_string();
            match e.span() {
                Some(span) => {
                    let p = crate::line_index::LineIndex::new(text).position(text, span.start);
                    format!("{}:{}: {msg}", p.line, p.column)
                }
                None => msg,
            }
        })?;
        for (id, value) in &config.levels {
            if config_level(value).is_none() {
                return Err(format!(
                    "[levels] {id} = {value:?}: expected off, error, warning, info or hint"
                ));
            }
        }
        for pattern in config.channels.keys() {
            globset::Glob::new(pattern).map_err(|e| format!("[channels] {pattern:?}: {e}"))?;
        }
        Ok(config)
    }

    /// The `tenet.toml` nearest to `start` (a file or folder), walking up.
    pub fn discover(start: &Path) -> Option<PathBuf> {
        let start = if start.is_dir() {
            start.to_path_buf()
        } else {
            start.parent()?.to_path_buf()
        };
        let start = if start.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            start
        };
        let absolute = std::fs::canonicalize(&start).unwrap_or(start);
        absolute
            .ancestors()
            .map(|dir| dir.join(FILE_NAME))
            .find(|p| p.is_file())
    }

    /// Parameter and list overrides for the rule compiler.
    pub fn overrides(&self) -> Overrides {
        Overrides {
            params: self.params.clone().into_iter().collect(),
            lists: self.lists.clone().into_iter().collect(),
        }
    }

    /// The level setting for a rule: its own id first, then its guideline's.
    pub fn level_for(&self, rule_id: &str, category: &str) -> Option<LevelSetting> {
        self.levels
            .get(rule_id)
            .or_else(|| self.levels.get(category))
            .and_then(|v| config_level(v))
    }

    /// The channel for a file checked under this config (found in `dir`).
    pub fn channel_for(&self, dir: &Path, file: &Path) -> Option<String> {
        let rel = file.strip_prefix(dir).unwrap_or(file);
        for (pattern, channel) in &self.channels {
            if let Ok(glob) = globset::Glob::new(pattern) {
                if glob.compile_matcher().is_match(rel) {
                    return Some(channel.clone());
                }
            }
        }
        self.channel.clone()
    }
}

fn config_level(value: &str) -> Option<LevelSetting> {
    if value == "off" {
        return Some(LevelSetting::Off);
    }
    Level::parse(value).map(LevelSetting::Level)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_full_config() {
        let c = Config::parse(
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
        assert_eq!(c.fail_on, Some(Level::Warning));
        assert_eq!(
            c.level_for("add-value.shouting", "add-value"),
            Some(LevelSetting::Off)
        );
        assert_eq!(
            c.channel_for(Path::new("/x"), Path::new("/x/blog/a.md"))
                .as_deref(),
            Some("external")
        );
        assert_eq!(
            c.channel_for(Path::new("/x"), Path::new("/x/notes/a.md"))
                .as_deref(),
            Some("internal")
        );
    }

    #[test]
    fn unknown_keys_and_levels_are_errors_with_a_position() {
        let e = Config::parse("colour = 1\n").unwrap_err();
        assert!(e.starts_with("1:1:"), "{e}");
        assert!(Config::parse("[levels]\nx = \"loud\"\n")
            .unwrap_err()
            .contains("expected off"));
    }
}
