//! Checksums that tell real identifiers from look-alikes.

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

/// ISO 13616 IBAN: country code, check digits, mod 97 of the rearranged number equals 1.
pub fn iban(text: &str) -> bool {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = compact.as_bytes();
    if !(15..=34).contains(&bytes.len())
        || !bytes[..2].iter().all(u8::is_ascii_uppercase)
        || !bytes[2..4].iter().all(u8::is_ascii_digit)
        || !bytes.iter().all(u8::is_ascii_alphanumeric)
    {
        return false;
    }
    let rearranged = compact[4..].chars().chain(compact[..4].chars());
    let mut rem: u32 = 0;
    for c in rearranged {
        let v = match c.to_digit(36) {
            Some(v) => v,
            None => return false,
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

/// US social security number `AAA-GG-SSSS`: area not 000, 666 or 9xx, group not 00, serial not 0000.
pub fn ssn(text: &str) -> bool {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    if digits.len() != 9 {
        return false;
    }
    let (area, group, serial) = (&digits[..3], &digits[3..5], &digits[5..]);
    area != "000" && area != "666" && !area.starts_with('9') && group != "00" && serial != "0000"
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
    fn iban_checks_mod_97() {
        assert!(iban("GB82 WEST 1234 5698 7654 32"));
        assert!(iban("DE89370400440532013000"));
        assert!(!iban("GB82 WEST 1234 5698 7654 33"));
        assert!(!iban("gb82west12345698765432"));
    }

    #[test]
    fn ssn_excludes_impossible_numbers() {
        assert!(ssn("123-45-6789"));
        assert!(!ssn("000-12-3456"));
        assert!(!ssn("666-12-3456"));
        assert!(!ssn("912-12-3456"));
        assert!(!ssn("123-00-4567"));
    }
}
