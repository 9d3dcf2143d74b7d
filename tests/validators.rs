//! Property tests for every validator: values generated from the format's rules are
//! accepted, and values that break one rule (a changed digit, a reserved range, an
//! octet past 255, a placeholder) are rejected.

use proptest::prelude::*;
use tenet::language::rules::Validator;
use tenet::validate;

mod common;
use common::iban_of;

/// The Luhn digit for a body of digit values.
fn luhn_digit(body: &[u8]) -> u8 {
    common::luhn_digit(&text(body))
}

fn text(digits: &[u8]) -> String {
    digits.iter().map(|d| char::from(b'0' + d)).collect()
}

/// A card number of a network (IIN prefix, length) with its Luhn digit.
fn card_number() -> impl Strategy<Value = Vec<u8>> {
    let networks: Vec<(&'static [u8], usize)> = vec![
        (&[4], 16),
        (&[5, 3], 16),
        (&[2, 3, 0, 0], 16),
        (&[3, 7], 15),
        (&[6, 0, 1, 1], 16),
        (&[3, 5, 4, 0], 16),
        (&[3, 6], 14),
        (&[6, 2, 2, 5, 0, 0], 16),
    ];
    prop::sample::select(networks).prop_flat_map(|(prefix, len)| {
        prop::collection::vec(0u8..10, len - prefix.len() - 1).prop_map(move |rest| {
            let mut body = prefix.to_vec();
            body.extend(rest);
            body.push(luhn_digit(&body));
            body
        })
    })
}

/// IBAN country codes and their registered lengths, all-digit BBANs.
const IBAN_COUNTRIES: &[(&str, usize)] = &[
    ("DE", 22),
    ("FR", 27),
    ("ES", 24),
    ("BE", 16),
    ("AT", 20),
    ("PL", 28),
    ("SE", 24),
    ("NO", 15),
];

fn iban() -> impl Strategy<Value = String> {
    prop::sample::select(IBAN_COUNTRIES).prop_flat_map(|(country, len)| {
        prop::collection::vec(0u8..10, len - 4).prop_map(move |d| iban_of(country, &text(&d)))
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn luhn_accepts_its_numbers_and_catches_any_changed_digit(
        n in card_number(), at in 0usize..19, by in 1u8..10,
    ) {
        prop_assert!(validate::luhn(&text(&n)));
        let mut changed = n.clone();
        let at = at % changed.len();
        changed[at] = (changed[at] + by) % 10;
        prop_assert!(!validate::luhn(&text(&changed)), "{}", text(&changed));
    }

    #[test]
    fn card_accepts_network_numbers_grouped_or_not_and_rejects_changed_digits(
        n in card_number(), at in 0usize..19, by in 1u8..10, dashes in any::<bool>(),
    ) {
        let plain = text(&n);
        prop_assert!(validate::card(&plain), "{plain}");
        let sep = if dashes { "-" } else { " " };
        let grouped: Vec<String> = plain.as_bytes().chunks(4).map(|c| String::from_utf8(c.to_vec()).unwrap()).collect();
        prop_assert!(validate::card(&grouped.join(sep)), "{}", grouped.join(sep));
        let mut changed = n.clone();
        let at = at % changed.len();
        changed[at] = (changed[at] + by) % 10;
        prop_assert!(!validate::card(&text(&changed)), "{}", text(&changed));
    }

    #[test]
    fn card_rejects_numbers_outside_every_network(rest in prop::collection::vec(0u8..10, 14)) {
        // 9 opens no network's range; the Luhn digit is right.
        let mut body = vec![9];
        body.extend(rest);
        body.push(luhn_digit(&body));
        prop_assert!(!validate::card(&text(&body)));
    }

    #[test]
    fn iban_accepts_registered_lengths_with_mod_97_and_rejects_changed_characters(
        value in iban(), at in 4usize..28, by in 1u8..10, spaced in any::<bool>(),
    ) {
        let written = if spaced {
            value.as_bytes().chunks(4).map(|c| String::from_utf8(c.to_vec()).unwrap()).collect::<Vec<_>>().join(" ")
        } else {
            value.clone()
        };
        prop_assert_eq!(validate::iban(&written), Some(0..written.len()));
        let mut changed = value.clone().into_bytes();
        let at = at % changed.len();
        let at = at.max(2);
        changed[at] = b'0' + (changed[at] - b'0' + by) % 10;
        let changed = String::from_utf8(changed).unwrap();
        prop_assert_eq!(validate::iban(&changed), None, "{}", changed);
        // A following word is not part of it.
        let with_word = format!("{written} Thanks");
        prop_assert_eq!(validate::iban(&with_word), Some(0..written.len()));
    }

    #[test]
    fn ssn_accepts_issuable_numbers_and_rejects_reserved_parts(
        area in 1u32..900, group in 1u32..100, serial in 1u32..10000, sep in prop::sample::select(vec!["-", " ", "."]),
    ) {
        prop_assume!(area != 666);
        { let v = format!("{area:03}{sep}{group:02}{sep}{serial:04}"); prop_assert!(validate::ssn(&v), "{}", v); }
        { let v = format!("000{sep}{group:02}{sep}{serial:04}"); prop_assert!(!validate::ssn(&v), "{}", v); }
        { let v = format!("666{sep}{group:02}{sep}{serial:04}"); prop_assert!(!validate::ssn(&v), "{}", v); }
        { let v = format!("9{:02}{sep}{group:02}{sep}{serial:04}", area % 100); prop_assert!(!validate::ssn(&v), "{}", v); }
        { let v = format!("{area:03}{sep}00{sep}{serial:04}"); prop_assert!(!validate::ssn(&v), "{}", v); }
        { let v = format!("{area:03}{sep}{group:02}{sep}0000"); prop_assert!(!validate::ssn(&v), "{}", v); }
    }

    #[test]
    fn ip_accepts_octets_up_to_255_and_rejects_any_beyond(
        octets in prop::array::uniform4(0u32..256), at in 0usize..4, over in 256u32..1000,
    ) {
        let ip = |o: &[u32; 4]| o.iter().map(u32::to_string).collect::<Vec<_>>().join(".");
        prop_assert!(validate::ipv4(&ip(&octets)));
        let mut bad = octets;
        bad[at] = over;
        prop_assert!(!validate::ipv4(&ip(&bad)));
    }

    #[test]
    fn phone_accepts_numbers_from_the_plans_and_rejects_reserved_exchanges(
        area in prop::sample::select(vec!["212", "312", "415", "617", "713"]),
        exchange in 200u32..1000, line in 0u32..10000,
        berlin in 2_000_000u32..10_000_000,
    ) {
        let regions: Vec<_> = validate::DEFAULT_PHONE_REGIONS.iter().filter_map(|r| validate::phone_region(r)).collect();
        prop_assume!(exchange % 100 != 11 && exchange != 555);
        { let v = format!("({area}) {exchange}-{line:04}"); prop_assert!(validate::phone(&v, &regions), "{}", v); }
        { let v = format!("+1 {area} {exchange} {line:04}"); prop_assert!(validate::phone(&v, &regions), "{}", v); }
        { let v = format!("030 {berlin}"); prop_assert!(validate::phone(&v, &regions), "{}", v); }
        { let v = format!("+49 30 {berlin}"); prop_assert!(validate::phone(&v, &regions), "{}", v); }
        // Toll-free lines are not a person's, and a date is not a number.
        { let v = format!("1-800-{exchange}-{line:04}"); prop_assert!(!validate::phone(&v, &regions), "{}", v); }
        { let v = format!("{}/{}/20{:02}", 1 + line % 12, 1 + exchange % 28, line % 100); prop_assert!(!validate::phone(&v, &regions), "{}", v); }
    }

    #[test]
    fn secret_accepts_generated_values_and_rejects_placeholders(
        value in "[A-Za-z0-9]{16,40}",
        key in prop::sample::select(vec!["password=", "api_key: ", "\"client_secret\": \"", "token = "]),
    ) {
        prop_assume!(validate::entropy(&value) >= 3.0);
        // Four x's in a row mask a secret (`sk_live_XXXX1234`): a value holding
        // them is a placeholder, however random the rest.
        prop_assume!(!value.to_ascii_lowercase().contains("xxxx"));
        { let v = format!("{key}{value}"); prop_assert!(validate::secret(&v), "{}", v); }
        for placeholder in ["${PASSWORD}", "<password>", "changeme", "xxxxxxxxxxxxxxxx", "YOUR_API_KEY_HERE"] {
            { let v = format!("{key}{placeholder}"); prop_assert!(!validate::secret(&v), "{}", v); }
        }
    }

    #[test]
    fn every_validator_takes_any_text_and_answers_on_character_boundaries(
        text in prop::collection::vec(prop::sample::select(HOSTILE_PIECES), 0..24).prop_map(|p| p.concat()),
    ) {
        let regions: Vec<_> = validate::DEFAULT_PHONE_REGIONS.iter().filter_map(|r| validate::phone_region(r)).collect();
        for validator in [
            Validator::Luhn, Validator::Card, Validator::Iban, Validator::Ssn, Validator::Ip,
            Validator::Phone(regions.clone()), Validator::Secret,
        ] {
            if let Some(range) = validator.accept(&text) {
                prop_assert!(range.end <= text.len(), "{validator:?} {range:?} past {text:?}");
                prop_assert!(text.is_char_boundary(range.start) && text.is_char_boundary(range.end),
                    "{validator:?} {range:?} inside a character of {text:?}");
            }
        }
    }
}

/// Pieces of what a user's own `find` might hand a validator: digits, letters,
/// separators in and outside ASCII, credential keys and URL parts.
const HOSTILE_PIECES: &[&str] = &[
    "4", "1", "0", "9", "12", "4111", "DE", "GB82", "x", "Z", " ", "-", ".", "/", "(", ")", "+",
    "€", "–", "·", "\u{a0}", "\u{202f}", "١", "４", "é", "👍🏽", "=", ":", " is ", "password",
    "token", "://", "@", "\"", "'", "`", ",", ";", "\n", "\t", "${", "}",
];
