//! Moderation for pipelines: a draft as a JSON object in, a verdict record out.
//!
//! In: `{"id": …, "text": "…", "channel": "external", "format": "markdown"}`
//! (`channel` and `format` optional). Out: a [`VerdictRecord`], or an
//! [`ErrorRecord`] for input that cannot be read, so the stream goes on. An error
//! never echoes a value from the input (it could be a card number in the wrong
//! field): it names the field and what was expected.
//!
//! Shared by the front ends that serve pipelines (`tenet moderate`, `tenet serve`,
//! `tenet worker`): may import [`crate::workspace`] and every layer below it.

mod input;
pub mod rules;

/// What the services fail with: a message for the person who started them.
pub type ServiceResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// An error with this message.
pub fn error(message: String) -> Box<dyn std::error::Error + Send + Sync> {
    message.into()
}

/// Structured logs on stderr for the services (`TENET_LOG` sets the filter, e.g.
/// `debug`); they never hold a draft's text.
pub fn init_logs() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("TENET_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}

/// Resolves on SIGTERM or SIGINT.
pub async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
        let terminate = async {
            match term.as_mut() {
                Some(t) => {
                    t.recv().await;
                }
                None => std::future::pending().await,
            }
        };
        tokio::select! { _ = interrupt => {}, _ = terminate => {} }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
    tracing::info!("shutting down: finishing the work in flight");
}

use std::path::Path;

use serde_json::Value;

use crate::draft::{Draft, Format};
use crate::report::output::verdict::{ErrorRecord, VerdictRecord};
use crate::report::panics::Panicked;
use crate::report::Report;
use crate::text::surrogates;

/// Drafts at least this long (in bytes) are checked on the async runtime's
/// blocking pool, not on its workers, which must keep answering other requests.
pub const BLOCKING_BYTES: usize = 16 << 10;

/// One draft to moderate.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// The caller's id for it, echoed in the verdict (`null` when absent).
    pub id: Value,
    /// Its text.
    pub text: String,
    /// The channel it is for (default: the configuration's).
    pub channel: Option<String>,
    /// Its format (default: sniffed).
    pub format: Option<Format>,
}

/// An input that cannot be moderated: the id when it could be read, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejected {
    /// The id, when the input had a readable one.
    pub id: Value,
    /// What is wrong, without the input's values.
    pub error: String,
}

/// The format a pipeline names.
pub fn format_named(name: &str) -> Option<Format> {
    match name {
        "markdown" | "md" => Some(Format::Markdown),
        "email" | "eml" => Some(Format::Email),
        "text" | "plain" => Some(Format::Text),
        _ => None,
    }
}

/// The JSON type of a value, for error messages that must not show the value.
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Reads one input: a JSON object with a string `text`.
pub fn parse_item(json: &str) -> Result<Item, Rejected> {
    let json = json.strip_prefix('\u{feff}').unwrap_or(json);
    let input: input::Input = surrogates::from_str_lenient(json).map_err(|e| Rejected {
        // serde_json's syntax errors say where, never what the value was.
        id: Value::Null,
        error: format!("not JSON: {e}"),
    })?;
    match input {
        input::Input::Object(f) => item_from(f),
        input::Input::Other(kind) => Err(not_an_object(kind)),
    }
}

/// Reads one input already parsed as JSON.
pub fn item_of(value: Value) -> Result<Item, Rejected> {
    let Value::Object(mut fields) = value else {
        return Err(not_an_object(kind(&value)));
    };
    item_from(input::Fields {
        id: fields.remove("id"),
        text: fields.remove("text"),
        channel: fields.remove("channel"),
        format: fields.remove("format"),
    })
}

/// What an input that is JSON but not an object gets (`kind`: what it is).
fn not_an_object(kind: &str) -> Rejected {
    Rejected {
        id: Value::Null,
        error: format!("expected a JSON object, found {kind}"),
    }
}

/// The item an object's fields make, or why they make none.
fn item_from(fields: input::Fields) -> Result<Item, Rejected> {
    let reject = |id: Value, error: String| Rejected { id, error };
    let id = match fields.id {
        None => Value::Null,
        Some(id @ (Value::String(_) | Value::Number(_) | Value::Null)) => id,
        Some(other) => {
            return Err(reject(
                Value::Null,
                format!("`id` must be a string or a number, not {}", kind(&other)),
            ))
        }
    };
    let text = match fields.text {
        Some(Value::String(t)) => t,
        Some(other) => {
            return Err(reject(
                id,
                format!("`text` must be a string, not {}", kind(&other)),
            ))
        }
        None => return Err(reject(id, "`text` is missing".into())),
    };
    let channel = match fields.channel {
        None | Some(Value::Null) => None,
        Some(Value::String(c)) => Some(c),
        Some(other) => {
            return Err(reject(
                id,
                format!("`channel` must be a string, not {}", kind(&other)),
            ))
        }
    };
    let format = match fields.format {
        None | Some(Value::Null) => None,
        Some(Value::String(f)) => match format_named(&f) {
            Some(f) => Some(f),
            None => {
                return Err(reject(
                    id,
                    "`format` must be markdown, text or email".into(),
                ))
            }
        },
        Some(other) => {
            return Err(reject(
                id,
                format!("`format` must be a string, not {}", kind(&other)),
            ))
        }
    };
    Ok(Item {
        id,
        text,
        channel,
        format,
    })
}

/// The JSON line for a verdict on a draft.
pub fn verdict_line(id: &Value, checked: &Checked) -> String {
    let record = VerdictRecord::new(id, &checked.draft.text, &checked.report);
    serde_json::to_string(&record.warned(&checked.warnings)).unwrap_or_default()
}

/// An item checked, and what its caller should know about the request.
pub struct Checked {
    /// The draft as checked.
    pub draft: Draft,
    /// What the rules found in it.
    pub report: Report,
    /// A channel the item names that no rule does (the default channel is
    /// warned about once, when the service starts).
    pub warnings: Vec<String>,
}

/// Checks one item with live rules; `channel` is used when the item names none.
pub fn check_item(
    rules: &crate::workspace::Rules,
    near: &Path,
    item: Item,
    channel: Option<&str>,
) -> Checked {
    // A draft whose id asks for it panics, quoting its text as a bug could, so
    // that tests can show `moderate`, `serve` and the worker answer it with an
    // error record, tell nothing of what the panic said, and go on. Only in
    // test builds, or with TENET_PANIC_TEST set.
    if item.id == "tenet/panic"
        && (cfg!(debug_assertions) || std::env::var_os("TENET_PANIC_TEST").is_some())
    {
        panic!("requested by the draft: {}", item.text);
    }
    let format = item
        .format
        .unwrap_or_else(|| rules.format_for(Some(near), &item.text));
    let warnings = item
        .channel
        .as_deref()
        .and_then(|c| rules.channel_warning(c))
        .into_iter()
        .collect();
    let channel = rules.channel_for(Some(near), item.channel.as_deref().or(channel));
    let (draft, report) = rules.check(item.text, format, channel);
    Checked {
        draft,
        report,
        warnings,
    }
}

/// The verdict line `check` gives the draft `id`; should the check panic (a
/// bug in Tenet), an error record for it instead (`line`: its line number in a
/// stream), so that one draft never stops a stream or a service.
pub fn guarded(id: &Value, line: Option<u64>, check: impl FnOnce() -> String) -> String {
    crate::report::panics::catch(check)
        .unwrap_or_else(|panic| error_line(&failed(id, &panic), line))
}

/// The draft `id` whose check panicked, as an input that could not be moderated.
pub fn failed(id: &Value, panic: &Panicked) -> Rejected {
    Rejected {
        id: id.clone(),
        error: format!("checking this draft failed: {panic} (a bug in Tenet: please report it)"),
    }
}

/// The JSON line for an input that could not be moderated; `line` is its line
/// number in a stream, when it came from one.
pub fn error_line(rejected: &Rejected, line: Option<u64>) -> String {
    serde_json::to_string(&ErrorRecord {
        id: &rejected.id,
        line,
        error: &rejected.error,
    })
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A check that panics is answered with an error record that keeps the
    /// draft's id and line and says nothing of what the panic said.
    #[test]
    fn a_check_that_panics_is_answered_with_an_error() {
        let id = Value::from("post-7");
        let record = guarded(&id, Some(7), || panic!("a bug near 4539 0174 9410 9883"));
        let record: Value = serde_json::from_str(&record).unwrap();
        assert_eq!(record["id"], id);
        assert_eq!(record["line"], 7);
        let error = record["error"].as_str().unwrap();
        assert!(error.contains("internal error"), "{error}");
        assert!(!error.contains("4539"), "{error}");
        assert_eq!(guarded(&id, None, || "an answer".into()), "an answer");
    }

    #[test]
    fn errors_name_the_field_never_the_value() {
        let e = parse_item(r#"{"id": 1, "text": 4539017494109883}"#).unwrap_err();
        assert_eq!(e.id, Value::from(1));
        assert!(!e.error.contains("4539"), "{}", e.error);
        let e = parse_item(r#"{"id": "order-17"}"#).unwrap_err();
        assert_eq!(e.id, Value::from("order-17"));
        let item = parse_item("\u{feff}{\"text\": \"hi\", \"format\": \"md\"}").unwrap();
        assert_eq!(item.format, Some(Format::Markdown));
    }

    /// Reading the fields straight from the line gives what reading the
    /// whole object as a value and taking the fields from it gives: the same
    /// item, or the same error, for every kind of line.
    #[test]
    fn fields_read_straight_from_the_line_are_those_of_the_object() {
        let through_a_value = |json: &str| -> Result<Item, Rejected> {
            let json = json.strip_prefix('\u{feff}').unwrap_or(json);
            let value: Value = surrogates::from_str_lenient(json).map_err(|e| Rejected {
                id: Value::Null,
                error: format!("not JSON: {e}"),
            })?;
            item_of(value)
        };
        let deep = format!(
            "{{\"text\": \"x\", \"extra\": {}{}}}",
            "[".repeat(200),
            "]".repeat(200)
        );
        let lines = [
            r#"{"id": "a-1", "text": "hello"}"#,
            r#"{"text": "hi", "id": 7, "channel": "external", "format": "email"}"#,
            r#"{"id": null, "text": "x", "channel": null, "format": null}"#,
            r#"{"text": "first", "text": "second", "id": 1, "id": "two"}"#,
            r#"{"te\u0078t": "escaped key", "\u0069d": 3}"#,
            r#"{"text": "x", "meta": {"a": [1, 2.5, -3, 1e400, {"b": null}], "c": true}}"#,
            r#"{"text": "x", "big": 123456789012345678901234567890}"#,
            r#"{"id": [1], "text": "x"}"#,
            r#"{"id": "k", "text": 4539017494109883}"#,
            r#"{"id": "k"}"#,
            r#"{"text": "x", "channel": 5}"#,
            r#"{"text": "x", "format": "pdf"}"#,
            r#"{"text": "x", "format": false}"#,
            r#"[1, {"text": "x"}]"#,
            "[1e400]",
            "[]",
            r#""text""#,
            "42",
            "-1.5",
            "true",
            "null",
            "{}",
            "\u{feff}{\"text\": \"bom\"}",
            r#"{"text": "x",}"#,
            r#"{"text": "x"} trailing"#,
            r#"{"text": "unterminated"#,
            r#"{"text" "x"}"#,
            "",
            "not json",
            r#"{"text": "\ud800"}"#,
            &deep,
        ];
        for line in lines {
            assert_eq!(parse_item(line), through_a_value(line), "{line}");
        }
    }
}
