//! Check digits as the specifications define them, for tests that build valid
//! values of their own.

/// The Luhn check digit (0–9) for `body`, a string of ASCII digits.
pub fn luhn_digit(body: &str) -> u8 {
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            match (i % 2 == 0, d * 2) {
                (true, twice) if twice > 9 => twice - 9,
                (true, twice) => twice,
                (false, _) => d,
            }
        })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

/// An IBAN for `country` with this BBAN, its check digits computed by mod 97
/// (ISO 13616: the BBAN, then the country and `00`, letters as 10–35).
pub fn iban_of(country: &str, bban: &str) -> String {
    let mut rem = 0u32;
    for c in format!("{bban}{country}00").chars() {
        let v = c.to_digit(36).expect("IBAN characters are alphanumeric");
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    format!("{country}{:02}{bban}", 98 - rem)
}
