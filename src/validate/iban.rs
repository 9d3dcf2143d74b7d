//! International bank account numbers (ISO 13616): the country's registered
//! length, then mod 97 of the rearranged number equals 1.

/// IBAN lengths by country, from the ISO 13616 IBAN registry.
const LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AE", 23),
    ("AL", 28),
    ("AT", 20),
    ("AZ", 28),
    ("BA", 20),
    ("BE", 16),
    ("BG", 22),
    ("BH", 22),
    ("BI", 27),
    ("BR", 29),
    ("BY", 28),
    ("CH", 21),
    ("CR", 22),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DJ", 27),
    ("DK", 18),
    ("DO", 28),
    ("EE", 20),
    ("EG", 29),
    ("ES", 24),
    ("FI", 18),
    ("FK", 18),
    ("FO", 18),
    ("FR", 27),
    ("GB", 22),
    ("GE", 22),
    ("GI", 23),
    ("GL", 18),
    ("GR", 27),
    ("GT", 28),
    ("HN", 28),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IL", 23),
    ("IQ", 23),
    ("IS", 26),
    ("IT", 27),
    ("JO", 30),
    ("KW", 30),
    ("KZ", 20),
    ("LB", 28),
    ("LC", 32),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("LY", 25),
    ("MC", 27),
    ("MD", 24),
    ("ME", 22),
    ("MK", 19),
    ("MN", 20),
    ("MR", 27),
    ("MT", 31),
    ("MU", 30),
    ("NI", 28),
    ("NL", 18),
    ("NO", 15),
    ("OM", 23),
    ("PK", 24),
    ("PL", 28),
    ("PS", 29),
    ("PT", 25),
    ("QA", 29),
    ("RO", 24),
    ("RS", 22),
    ("RU", 33),
    ("SA", 24),
    ("SC", 31),
    ("SD", 18),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("SO", 23),
    ("ST", 25),
    ("SV", 28),
    ("TL", 23),
    ("TN", 24),
    ("TR", 26),
    ("UA", 29),
    ("VA", 22),
    ("VG", 24),
    ("XK", 20),
    ("YE", 30),
];

/// The registered length of IBANs of a country.
pub fn length_of(country: &str) -> Option<usize> {
    LENGTHS.iter().find(|(c, _)| *c == country).map(|(_, n)| *n)
}

/// Whether the characters of `compact` (no spaces) pass mod 97.
fn mod97(compact: &str) -> bool {
    let rearranged = compact[4..].chars().chain(compact[..4].chars());
    let mut rem: u32 = 0;
    for c in rearranged {
        let Some(v) = c.to_digit(36) else {
            return false;
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

/// The IBAN at the start of `text`, if there is one: the byte range of exactly
/// the country's registered number of characters (spaces between groups allowed),
/// so a match that ran on into the next word is cut back to the IBAN.
pub fn iban(text: &str) -> Option<std::ops::Range<usize>> {
    let country = text.get(..2)?;
    if !country.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let want = length_of(country)?;
    let mut compact = String::with_capacity(want);
    let mut end = 0;
    for (i, c) in text.char_indices() {
        if compact.len() == want {
            break;
        }
        match c {
            ' ' => continue,
            c if c.is_ascii_digit() || c.is_ascii_uppercase() => {
                compact.push(c);
                end = i + 1;
            }
            _ => return None,
        }
    }
    let check_digits = compact.get(2..4)?;
    let ok = compact.len() == want
        && check_digits.bytes().all(|b| b.is_ascii_digit())
        && mod97(&compact);
    ok.then_some(0..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registered_length_and_mod_97() {
        assert_eq!(iban("GB82 WEST 1234 5698 7654 32"), Some(0..27));
        assert_eq!(iban("DE89370400440532013000"), Some(0..22));
        assert_eq!(iban("GB82 WEST 1234 5698 7654 33"), None);
        // A capitalised word after the IBAN is not part of it.
        assert_eq!(iban("DE89 3704 0044 0532 0130 00 BANK"), Some(0..27));
        assert_eq!(iban("gb82west12345698765432"), None);
        assert_eq!(iban("ZZ82 WEST 1234 5698 7654 32"), None);
    }
}
