//! JSON whose strings hold a lone UTF-16 surrogate (`"\ud83d"`), which is what
//! JavaScript's `JSON.stringify` writes for a string cut inside an emoji
//! (`post.slice(0, 280)`, say), and what an editor that counts in UTF-16 can
//! send for an edit that leaves half of one. serde_json refuses such JSON;
//! rather than answer a whole post with an error, or lose an edit, each lone
//! surrogate is read as U+FFFD, the replacement character, which is one UTF-16
//! unit too: offsets in UTF-16 still index the sender's own string.

use serde::de::DeserializeOwned;

/// `json` parsed; if it cannot be, and it holds a lone surrogate escape, parsed
/// again with each one read as U+FFFD. If that fails too, its error is the one
/// given: it names what else is wrong, at the same place (an escape is replaced
/// by one of the same length).
pub fn from_str_lenient<T: DeserializeOwned>(json: &str) -> serde_json::Result<T> {
    serde_json::from_str(json).or_else(|e| match replaced(json) {
        Some(fixed) => serde_json::from_str(&fixed),
        None => Err(e),
    })
}

/// [`from_str_lenient`] for bytes; bytes that are not UTF-8 get serde_json's
/// own error for them.
pub fn from_slice_lenient<T: DeserializeOwned>(json: &[u8]) -> serde_json::Result<T> {
    match std::str::from_utf8(json) {
        Ok(text) => from_str_lenient(text),
        Err(_) => serde_json::from_slice(json),
    }
}

/// The code unit a `\uXXXX` escape at `bytes[at..]` (at its backslash) writes.
fn unit_at(bytes: &[u8], at: usize) -> Option<u16> {
    let hex = bytes.get(at + 2..at + 6)?;
    if bytes.get(at + 1) != Some(&b'u') {
        return None;
    }
    u16::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()
}

/// `json` with every escape of a lone surrogate inside a string written
/// `\ufffd`, or `None` when it has none. Escapes of a surrogate pair, and
/// everything outside strings, are left as they are.
fn replaced(json: &str) -> Option<String> {
    let bytes = json.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let (mut at, mut in_string) = (0, false);
    while at < bytes.len() {
        match bytes[at] {
            b'"' => {
                in_string = !in_string;
                at += 1;
            }
            b'\\' if in_string => {
                let high = unit_at(bytes, at);
                let len = match high {
                    Some(0xD800..=0xDBFF)
                        if matches!(unit_at(bytes, at + 6), Some(0xDC00..=0xDFFF)) =>
                    {
                        12
                    }
                    Some(0xD800..=0xDFFF) => {
                        let out = out.get_or_insert_with(|| String::with_capacity(json.len()));
                        out.push_str(&json[copied..at]);
                        out.push_str("\\ufffd");
                        copied = at + 6;
                        6
                    }
                    Some(_) => 6,
                    // `\"`, `\\` and the other two-byte escapes.
                    None => 2,
                };
                at += len;
            }
            _ => at += 1,
        }
    }
    let mut out = out?;
    out.push_str(&json[copied..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn text_of(json: &str) -> String {
        let v: Value = from_str_lenient(json).unwrap();
        v["text"].as_str().unwrap().to_owned()
    }

    #[test]
    fn a_lone_surrogate_reads_as_the_replacement_character() {
        // A post cut inside an emoji, as `JSON.stringify` writes it.
        assert_eq!(text_of(r#"{"text": "cut \ud83d"}"#), "cut \u{fffd}");
        assert_eq!(
            text_of(r#"{"text": "\udc00 low, then \uD83D\uDE00 whole"}"#),
            "\u{fffd} low, then 😀 whole"
        );
        assert_eq!(
            text_of(r#"{"text": "two highs \ud83d\ud83d\ude00"}"#),
            "two highs \u{fffd}😀"
        );
        // An escaped backslash before `u` is no escape; a key may hold one too.
        assert_eq!(
            text_of(r#"{"text": "path \\ud800", "k\ud800": 1}"#),
            "path \\ud800"
        );
        assert_eq!(
            text_of(r#"{"text": "quote \" then \ud800"}"#),
            "quote \" then \u{fffd}"
        );
        // One UTF-16 unit for one: the caller's offsets still hold.
        assert_eq!("cut \u{fffd}".encode_utf16().count(), 5);
    }

    #[test]
    fn only_lines_that_need_it_are_read_again() {
        assert_eq!(replaced(r#"{"text": "\ud83d\ude00 fine"}"#), None);
        assert_eq!(replaced(r#"{"text": "plain"}"#), None);
        // Still not JSON: what else is wrong is the error given, where it is.
        let e = from_str_lenient::<Value>(r#"{"text": "\ud800" "#).unwrap_err();
        assert!(e.is_eof(), "{e}");
        let e = from_str_lenient::<Value>(r#"{"text": "\ud800", x}"#).unwrap_err();
        assert_eq!((e.line(), e.column()), (1, 20), "{e}");
        let e = from_slice_lenient::<Value>(br#"{"text": 1e400, "x": "\ud800"}"#).unwrap_err();
        assert!(e.to_string().contains("number out of range"), "{e}");
        let v: Value = from_slice_lenient(br#"[{"text": "\ud800"}]"#).unwrap();
        assert_eq!(v[0]["text"], "\u{fffd}");
    }
}
