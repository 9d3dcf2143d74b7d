//! Near misses: the known name a typo most likely meant.

/// The known name most like `name`, when one is close enough to be a typo
/// (of two as like it, the first in alphabetical order, whatever order the
/// names come in).
pub fn closest<'a, S: AsRef<str> + ?Sized + 'a>(
    name: &str,
    known: impl IntoIterator<Item = &'a S>,
) -> Option<&'a str> {
    known
        .into_iter()
        .map(|k| (strsim::jaro_winkler(name, k.as_ref()), k.as_ref()))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(a.1)))
        .map(|(_, k)| k)
}

/// What to tell someone who wrote an unknown `name`: the near miss when there
/// is one (`did you mean `words`?`), else every known name.
pub fn hint(name: &str, known: &[&str]) -> String {
    match closest(name, known.iter().copied()) {
        Some(near) => format!("did you mean `{near}`?"),
        None => format!("known: {}", known.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_misses_only() {
        let known = ["codenames", "customers", "products"];
        assert_eq!(closest("codename", &known), Some("codenames"));
        assert_eq!(closest("zebra", &known), None);
        assert_eq!(hint("wordz", &["words", "links"]), "did you mean `words`?");
        assert_eq!(hint("zebra", &["words", "links"]), "known: words, links");
        // Two names as like the typo: the same one whichever comes first.
        assert_eq!(closest("widget", &["widgetz", "widgeta"]), Some("widgeta"));
        assert_eq!(closest("widget", &["widgeta", "widgetz"]), Some("widgeta"));
    }
}
