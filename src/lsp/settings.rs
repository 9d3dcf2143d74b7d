//! What the editor can configure, from `initializationOptions` or
//! `workspace/didChangeConfiguration`.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;

/// What the editor can set (`initializationOptions`, or the `tenet` section of
/// `workspace/didChangeConfiguration`).
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Rule files or folders used besides the configured ones.
    pub rules: Vec<PathBuf>,
    /// Leave out the built-in pack.
    pub no_default_rules: bool,
    /// The channel drafts are for, unless `tenet.toml` says otherwise.
    pub channel: Option<String>,
    /// How long to wait after a change before checking.
    pub debounce: Duration,
    /// Language ids checked besides markdown, plaintext and email.
    pub languages: Vec<String>,
    /// Larger documents are not checked while editing.
    pub max_bytes: usize,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            rules: Vec::new(),
            no_default_rules: false,
            channel: None,
            debounce: Duration::from_millis(100),
            languages: Vec::new(),
            max_bytes: 2 << 20,
        }
    }
}

impl Settings {
    /// Reads settings from JSON: `{"tenet": {…}}` or `{…}`; `null` means defaults.
    pub fn from_json(value: &Value) -> Settings {
        let v = value.get("tenet").unwrap_or(value);
        let mut s = Settings::default();
        if let Some(rules) = v.get("rules").and_then(Value::as_array) {
            s.rules = rules
                .iter()
                .filter_map(Value::as_str)
                .map(PathBuf::from)
                .collect();
        }
        if let Some(b) = v.get("noDefaultRules").and_then(Value::as_bool) {
            s.no_default_rules = b;
        }
        s.channel = v
            .get("channel")
            .and_then(Value::as_str)
            .filter(|c| !c.is_empty())
            .map(str::to_string);
        if let Some(ms) = v.get("debounceMs").and_then(Value::as_u64) {
            s.debounce = Duration::from_millis(ms);
        }
        if let Some(langs) = v.get("languages").and_then(Value::as_array) {
            s.languages = langs
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect();
        }
        if let Some(n) = v.get("maxBytes").and_then(Value::as_u64) {
            // Never past what `tenet check` reads of a file: offsets are 32-bit.
            s.max_bytes = n.min(MAX_BYTES_CEILING) as usize;
        }
        s
    }
}

/// The largest `maxBytes` a client may set (1 GiB, as `tenet check` reads).
const MAX_BYTES_CEILING: u64 = 1 << 30;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_from_either_shape_and_null() {
        let nested = Settings::from_json(
            &serde_json::json!({ "tenet": { "debounceMs": 5, "rules": ["a.tenet"], "channel": "internal" } }),
        );
        let flat = Settings::from_json(
            &serde_json::json!({ "debounceMs": 5, "rules": ["a.tenet"], "channel": "internal" }),
        );
        assert_eq!(nested, flat);
        assert_eq!(nested.debounce, Duration::from_millis(5));
        assert_eq!(Settings::from_json(&Value::Null), Settings::default());
    }

    #[test]
    fn max_bytes_stops_at_the_ceiling() {
        let at = |n: u64| Settings::from_json(&serde_json::json!({ "maxBytes": n })).max_bytes;
        assert_eq!(at(4096), 4096);
        assert_eq!(at(u64::MAX), 1 << 30);
    }
}
