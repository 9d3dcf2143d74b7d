//! Payment card numbers: the issuing network's IIN (first digits) and the lengths
//! it issues, then the Luhn checksum.

/// A network: its IIN ranges (inclusive, compared on as many leading digits as
/// the bounds have) and the card lengths it issues.
struct Network {
    ranges: &'static [(u64, u64)],
    lengths: &'static [usize],
}

/// The major networks' published ranges.
const NETWORKS: &[Network] = &[
    // Visa
    Network {
        ranges: &[(4, 4)],
        lengths: &[13, 16, 19],
    },
    // Mastercard (51–55, 2221–2720)
    Network {
        ranges: &[(51, 55), (2221, 2720)],
        lengths: &[16],
    },
    // American Express
    Network {
        ranges: &[(34, 34), (37, 37)],
        lengths: &[15],
    },
    // Discover (6011, 644–649, 65) and China UnionPay co-badged 622126–622925
    Network {
        ranges: &[(6011, 6011), (644, 649), (65, 65), (622126, 622925)],
        lengths: &[16, 17, 18, 19],
    },
    // JCB
    Network {
        ranges: &[(3528, 3589)],
        lengths: &[16, 17, 18, 19],
    },
    // Diners Club International (300–305, 309, 36, 38–39)
    Network {
        ranges: &[(300, 305), (309, 309), (36, 36), (38, 39)],
        lengths: &[14, 15, 16, 17, 18, 19],
    },
    // Maestro
    Network {
        ranges: &[
            (5018, 5018),
            (5020, 5020),
            (5038, 5038),
            (5893, 5893),
            (6304, 6304),
            (6759, 6759),
            (6761, 6763),
        ],
        lengths: &[12, 13, 14, 15, 16, 17, 18, 19],
    },
    // China UnionPay
    Network {
        ranges: &[(62, 62), (81, 81)],
        lengths: &[16, 17, 18, 19],
    },
    // UATP
    Network {
        ranges: &[(1, 1)],
        lengths: &[15],
    },
    // Mir
    Network {
        ranges: &[(2200, 2204)],
        lengths: &[16, 17, 18, 19],
    },
    // RuPay
    Network {
        ranges: &[(60, 60), (508, 508), (652, 653)],
        lengths: &[16],
    },
];

/// Whether `digits` (ASCII digits only) starts with an IIN in `lo..=hi`.
fn in_range(digits: &str, lo: u64, hi: u64) -> bool {
    let width = lo.to_string().len();
    digits
        .get(..width)
        .and_then(|p| p.parse::<u64>().ok())
        .is_some_and(|p| (lo..=hi).contains(&p))
}

/// Whether `text` is a card number: digits with optional single spaces or dashes,
/// a network's IIN and length, and a valid Luhn checksum.
pub fn card(text: &str) -> bool {
    if !text
        .chars()
        .all(|c| c.is_ascii_digit() || c == ' ' || c == '-')
    {
        return false;
    }
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let known = NETWORKS.iter().any(|n| {
        n.lengths.contains(&digits.len())
            && n.ranges.iter().any(|&(lo, hi)| in_range(&digits, lo, hi))
    });
    known && super::luhn(&digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn networks_by_iin_and_length() {
        // Test numbers made here: a prefix, filler digits, and the Luhn check digit.
        for n in [
            "4111 1111 1111 1111",
            "5555-5555-5555-4444",
            "3782 822463 10005",
            "6011 1111 1111 1117",
            "3530 1113 3330 0000",
            "3056 9309 0259 04",
            "6759 6498 2643 8453",
            "6200 0000 0000 0005",
        ] {
            assert!(card(n), "{n}");
        }
        // Right checksum, wrong network or length.
        assert!(!card("9111 1111 1111 1115"));
        assert!(!card("4111 1111 1111 11"));
        assert!(!card("4111 1111 1111 1112"));
    }
}
