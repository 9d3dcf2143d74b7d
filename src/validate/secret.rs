//! Secrets: whether the value of a credential looks real, not a placeholder that a
//! how-to post shows (`${PASSWORD}`, `<password>`, `changeme`, `xxxx`, `EXAMPLE`).

/// The value in an assignment or credential form: after `://user:`, or after the
/// first `=`, `:` or ` is `, without quotes and trailing punctuation; the whole text
/// for a bare token.
pub fn value_of(text: &str) -> &str {
    &text[value_span(text)]
}

/// Where [`value_of`] finds the value, as a byte range of `text`.
fn value_span(text: &str) -> std::ops::Range<usize> {
    if let Some(at) = text.find("://") {
        // scheme://user:password@host
        let rest = &text[at + 3..];
        if let Some((userinfo, _)) = rest.split_once('@') {
            if let Some(colon) = userinfo.find(':') {
                return at + 3 + colon + 1..at + 3 + userinfo.len();
            }
        }
    }
    let lower = text.to_ascii_lowercase();
    let start = [":=", "=>", "=", ":", " is "]
        .iter()
        .filter_map(|sep| lower.find(sep).map(|i| (i, sep.len())))
        .min()
        .map_or(0, |(i, len)| i + len);
    let raw = &text[start..];
    let value = raw
        .trim()
        .trim_matches(|c: char| matches!(c, '"' | '\'' | '`' | ',' | ';' | ')' | '('))
        .trim();
    // `value` is a subslice of `raw`: its offset is where trimming began.
    let offset = value.as_ptr() as usize - raw.as_ptr() as usize;
    start + offset..start + offset + value.len()
}

/// Pieces that mark a value as a stand-in wherever they stand in it.
const PLACEHOLDER_PARTS: &[&str] = &[
    "example",
    "changeme",
    "change_me",
    "change-me",
    "placeholder",
    "redacted",
    "dummy",
    "your_",
    "your-",
    "yourpass",
    "yoursecret",
    "yourtoken",
    "xxxx",
    "****",
    "...",
    "…",
];

/// Whole values that are stand-ins.
const PLACEHOLDER_VALUES: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "token",
    "apikey",
    "api_key",
    "test",
    "testing",
    "sample",
    "todo",
    "tbd",
    "null",
    "none",
    "nil",
    "undefined",
    "true",
    "false",
    "foo",
    "bar",
    "foobar",
    "here",
    "value",
    "string",
    "1234",
    "12345",
    "123456",
    "abcd",
    "qwerty",
    // Words that begin a description of the value, not the value: "Password:
    // your date of birth", "password is the same", "Password: see below".
    "your",
    "yours",
    "same",
    "date",
    "birth",
    "birthday",
    "below",
    "above",
    "required",
    "optional",
    "provided",
    "attached",
    "blank",
    "empty",
    "hidden",
    "unchanged",
    "reset",
    "expired",
    "will",
    "must",
    "should",
    "case",
    "sensitive",
];

/// Whether a credential's value is a placeholder rather than a real secret.
pub fn is_placeholder(value: &str) -> bool {
    let v = value.trim();
    if v.chars().count() < 4 {
        return true;
    }
    // Template and shell variables, and things in angle or square brackets.
    if v.starts_with(['$', '%', '<', '[', '{']) || v.ends_with(['>', ']', '}']) {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    if PLACEHOLDER_PARTS.iter().any(|p| lower.contains(p))
        || PLACEHOLDER_VALUES.contains(&lower.as_str())
    {
        return true;
    }
    // One character repeated for most of the value (`xxxxxxxx`, `ghp_aaaa…`).
    let chars: Vec<char> = v.chars().collect();
    let most = chars
        .iter()
        .map(|c| chars.iter().filter(|d| d.eq_ignore_ascii_case(c)).count())
        .max()
        .unwrap_or(0);
    most * 2 > chars.len()
}

/// Shannon entropy of a value, in bits per character. The terms are added in
/// the order of their characters, so the sum (and whether it reaches a
/// threshold) is the same in every run.
pub fn entropy(value: &str) -> f64 {
    let mut chars: Vec<char> = value.chars().collect();
    chars.sort_unstable();
    let n = chars.len() as f64;
    chars
        .chunk_by(|a, b| a == b)
        .map(|run| {
            let p = run.len() as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// How many kinds of character (lower case, upper case, digits, others) a value has.
fn classes(value: &str) -> usize {
    let has = |f: fn(&char) -> bool| usize::from(value.chars().any(|c| f(&c)));
    has(char::is_ascii_lowercase)
        + has(char::is_ascii_uppercase)
        + has(char::is_ascii_digit)
        + has(|c| !c.is_ascii_alphanumeric())
}

/// Whether a credential form's value is a real secret: not a placeholder, and not
/// so regular that it cannot be one (at least 2 bits of entropy per character).
/// After a password keyword any such value counts; after other keywords (`token:`,
/// `secret =`) the value must also look generated: two kinds of character, or 16
/// characters or more, so that prose (`Token: appreciation`) is not a secret.
pub fn secret(text: &str) -> bool {
    let span = value_span(text);
    let value = &text[span.clone()];
    if is_placeholder(value) || entropy(value) < 2.0 {
        return false;
    }
    let key = text[..span.start].to_ascii_lowercase();
    let password_key = ["pass", "pwd"].iter().any(|k| key.contains(k));
    let assigned = key.contains(['=', ':']) || key.contains(" is ");
    !assigned || password_key || classes(value) >= 2 || value.chars().count() >= 16
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Entropy is added up in the order of the characters, whatever order
    /// they come in: the same bits for any arrangement of the same characters.
    #[test]
    fn entropy_is_the_same_for_any_order_of_the_characters() {
        assert_eq!(entropy(""), 0.0);
        assert_eq!(entropy("aaaa"), 0.0);
        assert_eq!(entropy("abcd"), 2.0);
        let value = "q8Rz3LkP0vWm2NnTq8aa€é";
        let mut chars: Vec<char> = value.chars().collect();
        let expected = entropy(value);
        let mut random = crate::text::random::Random::new(7);
        for _ in 0..50 {
            for i in (1..chars.len()).rev() {
                chars.swap(i, random.below(i + 1));
            }
            let shuffled: String = chars.iter().collect();
            assert_eq!(
                entropy(&shuffled).to_bits(),
                expected.to_bits(),
                "{shuffled}"
            );
        }
    }

    #[test]
    fn real_values_pass_and_placeholders_do_not() {
        for real in [
            "password: hunter22x",
            "\"client_secret\": \"q8Rz3LkP0vWm2NnT\"",
            "db_pass=Tr0ub4dor&3",
            "postgres://admin:S3cr3tPw@db.internal:5432/app",
            "ghp_R8d2kLq0XzP4mN7vB3cT9yW1uH6jF5sA2eG0",
            "password is sunshine",
            "Password: WELCOME",
        ] {
            assert!(secret(real), "{real}");
        }
        for fake in [
            "password: ${PASSWORD}",
            "password=<password>",
            "api_key = changeme",
            "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "AKIAIOSFODNN7EXAMPLE",
            "password=",
            "token: ****************",
            "Token: appreciation",
            "Password: Your",
            "Password:  Date",
        ] {
            assert!(!secret(fake), "{fake}");
        }
    }

    #[test]
    fn the_key_ends_where_the_value_begins_even_when_the_value_is_not_last() {
        // The value found after `://` is followed by more text, some of it
        // outside ASCII: the key is the text before the value, never a slice
        // cut by the value's length from the end.
        let text = "password: hunter2https://x.io/a(b)[link](http://x)👍🏽@user€4";
        assert_eq!(value_of(text), "//x)👍🏽");
        let _ = secret(text); // must not panic
        assert_eq!(
            value_of("token = \"q8Rz3LkP0vWm2NnT\";"),
            "q8Rz3LkP0vWm2NnT"
        );
        assert!(secret("token = \"q8Rz3LkP0vWm2NnT\";"));
    }
}
