//! Checks that tell real identifiers from look-alikes: checksums (Luhn, mod 97),
//! issuers' number ranges, national numbering plans, and whether a secret is real.
//!
//! Pure functions of a string; imports nothing from the rest of the crate.

mod card;
mod iban;
mod phone;
mod secret;

pub use card::card;

/// The longest prefix of `text` that `check` accepts, dropping whole digit groups
/// from the end (a greedy match that ran on into the next number is cut back);
/// at least `min_digits` digits are kept.
pub fn longest_prefix(
    text: &str,
    min_digits: usize,
    check: impl Fn(&str) -> bool,
) -> Option<std::ops::Range<usize>> {
    let mut end = text.len();
    loop {
        let candidate = text[..end].trim_end_matches(|c: char| !c.is_ascii_digit());
        if candidate.chars().filter(char::is_ascii_digit).count() < min_digits {
            return None;
        }
        if check(candidate) {
            return Some(0..candidate.len());
        }
        // Drop the last group of digits; the next round drops the separator
        // before it, whatever its width.
        let group_start = candidate
            .trim_end_matches(|c: char| c.is_ascii_digit())
            .len();
        if group_start == 0 {
            return None;
        }
        end = group_start;
    }
}
pub use iban::{iban, length_of as iban_length};
pub use phone::{
    phone, region as phone_region, warm_in_background as warm_phone_plans, PhoneRegion,
    DEFAULT_REGIONS as DEFAULT_PHONE_REGIONS,
};
pub use secret::{entropy, is_placeholder, secret, value_of as secret_value};

/// Luhn mod 10 over the digits of `text` (spaces and dashes ignored); 12 to 19 digits.
pub fn luhn(text: &str) -> bool {
    let digits: Vec<u32> = text.chars().filter_map(|c| c.to_digit(10)).collect();
    if !(12..=19).contains(&digits.len())
        || text
            .chars()
            .any(|c| !(c.is_ascii_digit() || c == ' ' || c == '-'))
    {
        return false;
    }
    // All one digit ("0000 0000 0000 0000") passes the sum but is never a card.
    if digits.iter().all(|&d| d == digits[0]) {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                if d * 2 > 9 {
                    d * 2 - 9
                } else {
                    d * 2
                }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

/// US social security number `AAA-GG-SSSS` (dashes, spaces or dots, the same
/// between all three parts): area not 000, 666 or 9xx, group not 00, serial not 0000.
pub fn ssn(text: &str) -> bool {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    if digits.len() != 9 {
        return false;
    }
    let separators: Vec<char> = text.chars().filter(|c| !c.is_ascii_digit()).collect();
    let consistent = separators.is_empty()
        || (separators.len() == 2
            && separators[0] == separators[1]
            && matches!(separators[0], '-' | ' ' | '.'));
    if !consistent {
        return false;
    }
    let (area, group, serial) = (&digits[..3], &digits[3..5], &digits[5..]);
    area != "000" && area != "666" && !area.starts_with('9') && group != "00" && serial != "0000"
}

/// An IPv4 address: four decimal octets, each at most 255.
pub fn ipv4(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() == 4
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.len() <= 3
                && p.bytes().all(|b| b.is_ascii_digit())
                && p.parse::<u16>().is_ok_and(|v| v <= 255)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_accepts_test_cards_and_rejects_neighbours() {
        assert!(luhn("4111 1111 1111 1111"));
        assert!(luhn("5500-0000-0000-0004"));
        assert!(!luhn("4111 1111 1111 1112"));
        assert!(!luhn("0000 0000 0000 0000"));
        assert!(!luhn("4111"));
    }

    #[test]
    fn ipv4_octets() {
        assert!(ipv4("10.12.0.4"));
        assert!(!ipv4("10.12.0.256"));
        assert!(!ipv4("10.12.0"));
    }

    #[test]
    fn longest_prefix_cuts_back_across_any_separator() {
        let card = |s: &str| luhn(s);
        assert_eq!(
            longest_prefix("4111 1111 1111 1111 2", 12, card),
            Some(0..19)
        );
        // A separator outside ASCII is dropped whole, never cut inside.
        assert_eq!(
            longest_prefix("4111 1111 1111 1111€5678", 12, card),
            Some(0..19)
        );
        assert_eq!(longest_prefix("4111€1111€1111€1112", 12, card), None);
    }

    #[test]
    fn ssn_excludes_impossible_numbers() {
        assert!(ssn("123-45-6789"));
        assert!(ssn("123 45 6789") && ssn("123.45.6789"));
        assert!(!ssn("123-45 6789"));
        assert!(!ssn("000-12-3456"));
        assert!(!ssn("666-12-3456"));
        assert!(!ssn("912-12-3456"));
        assert!(!ssn("123-00-4567"));
    }
}
