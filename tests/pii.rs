//! Personal data and secrets: the built-in pack measured on cases written from the
//! formats' public specifications (numbering plans, card networks' IIN ranges and
//! Luhn, the IBAN registry's lengths and mod 97, SSN structure, RFC 1918, vendors'
//! documented token formats). Every case is generated here, from a fixed seed.
//!
//!     cargo test --release --test pii -- --nocapture     # prints the per-entity table
//!     TENET_PII_SHOW=1 cargo test --test pii -- --nocapture   # and every miss
//!
//! A positive case counts as found when a finding of the entity's rules overlaps
//! the value; a negative case when any finding of those rules is reported at all.

use std::fmt::Write as _;

use tenet::draft::Format;
use tenet::workspace::{Rules, Setup};

mod common;
use common::{iban_of, luhn_digit};

/// A small deterministic generator (xorshift), so the suite is the same every run.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + self.below(10) as u8))
            .collect()
    }
    /// `n` digits, the first of them 2–9.
    fn lead(&mut self, n: usize) -> String {
        format!("{}{}", 2 + self.below(8), self.digits(n - 1))
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
    fn alnum(&mut self, n: usize, alphabet: &[u8]) -> String {
        (0..n)
            .map(|_| char::from(alphabet[self.below(alphabet.len() as u64) as usize]))
            .collect()
    }
}

const UPPER_DIGITS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const BASE64URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const HEX: &[u8] = b"0123456789abcdef";

/// One case: a text, where the value sits in it, and whether it should be found.
struct Case {
    text: String,
    value: std::ops::Range<usize>,
    positive: bool,
}

fn case(template: &str, value: &str, positive: bool) -> Case {
    let at = template.find("{}").expect("template has a hole");
    Case {
        text: template.replacen("{}", value, 1),
        value: at..at + value.len(),
        positive,
    }
}

/// The card number in groups of four (Amex 4-6-5), joined by `sep`.
fn grouped(number: &str, sep: &str) -> String {
    let cuts: Vec<usize> = if number.len() == 15 {
        vec![4, 10]
    } else {
        (4..number.len()).step_by(4).collect()
    };
    let mut out = String::new();
    let mut last = 0;
    for c in cuts.into_iter().chain([number.len()]) {
        if last > 0 {
            out.push_str(sep);
        }
        out.push_str(&number[last..c]);
        last = c;
    }
    out
}

fn emails(g: &mut Gen) -> Vec<Case> {
    let first = [
        "maria", "john", "wei", "aisha", "lars", "sofia", "kenji", "omar", "emma", "raj",
    ];
    let last = [
        "garcia", "smith", "chen", "khan", "berg", "rossi", "sato", "haddad", "jones", "patel",
    ];
    let domains = [
        "gmail.com",
        "yahoo.com",
        "hotmail.com",
        "outlook.com",
        "aol.com",
        "icloud.com",
        "gmx.de",
        "yahoo.co.uk",
        "hotmail.fr",
        "live.com",
    ];
    let templates = [
        "Reach me at {} after work.",
        "My personal address is {}",
        "{}",
        "Send the photos to {}, thanks!",
        "Contact: {} (home)",
    ];
    let mut out = Vec::new();
    for i in 0..150 {
        let (f, l) = (g.pick(&first), g.pick(&last));
        let local = match i % 4 {
            0 => format!("{f}.{l}"),
            1 => format!("{f}{l}{}", g.digits(2)),
            2 => format!("{}_{l}", &f[..1]),
            _ => format!("{l}.{f}+news"),
        };
        let address = format!("{local}@{}", g.pick(&domains));
        out.push(case(g.pick(&templates), &address, true));
    }
    let not_personal = [
        "info@acme-widgets.com",
        "support@acme-widgets.com",
        "noreply@gmail.com",
        "press@example.org",
        "sales@initech.example",
        "unsubscribe@lists.example.com",
    ];
    for i in 0..150 {
        let value = match i % 6 {
            0 => g.pick(&not_personal).to_string(),
            1 => format!("{}.{}@acme-widgets.com", g.pick(&first), g.pick(&last)),
            2 => format!(
                "https://{}:{}@db.example.net/app",
                g.pick(&first),
                g.alnum(10, ALNUM)
            ),
            3 => format!("@{}{}", g.pick(&first), g.digits(3)),
            4 => format!("logo@2x.png and icon@{}x.png", 2 + g.below(2)),
            _ => format!("{} at gmail", g.pick(&first)),
        };
        out.push(case(g.pick(&templates), &value, false));
    }
    out
}

fn phones(g: &mut Gen) -> Vec<Case> {
    let areas = [
        "212", "213", "312", "415", "617", "713", "202", "305", "404", "503", "602", "702", "206",
        "303", "512", "614", "718", "818", "919", "972",
    ];
    let templates = [
        "Call me at {} tonight.",
        "Mobile: {}",
        "My number is {}",
        "{}",
        "You can reach her on {} until six.",
    ];
    let mut out = Vec::new();
    for i in 0..330 {
        // An exchange starts with 2–9 and is not N11 or 555.
        let exchange = loop {
            let e = g.lead(3);
            if &e[1..] != "11" && e != "555" {
                break e;
            }
        };
        let (a, line) = (g.pick(&areas), g.digits(4));
        let number = match i % 22 {
            0 => format!("({a}) {exchange}-{line}"),
            1 => format!("({a}){exchange}-{line}"),
            2 => format!("{a}-{exchange}-{line}"),
            3 => format!("{a}.{exchange}.{line}"),
            4 => format!("+1 {a} {exchange} {line}"),
            5 => format!("020 7{} {}", g.digits(3), g.digits(4)),
            6 => format!("+44 20 7{} {}", g.digits(3), g.digits(4)),
            // Mobiles are 074–075 and 077–079 (076 is pagers and personal numbers).
            7 => format!(
                "07{}{} {}",
                g.pick(&["4", "5", "7", "8", "9"]),
                g.digits(2),
                g.lead(6)
            ),
            8 => format!("030 {} {}", g.lead(4), g.digits(4)),
            9 => format!("+49 (30) {} {}", g.lead(4), g.digits(4)),
            10 => format!("+49 151 {}", g.lead(8)),
            11 => format!(
                "01 {} {} {} {}",
                20 + g.below(80),
                g.digits(2),
                g.digits(2),
                g.digits(2)
            ),
            12 => format!(
                "06 {} {} {} {}",
                10 + g.below(90),
                g.digits(2),
                g.digits(2),
                g.digits(2)
            ),
            13 => format!("03-{}-{}", g.lead(4), g.digits(4)),
            14 => format!("090-{}-{}", g.lead(4), g.digits(4)),
            15 => format!("13{} {} {}", g.below(10), g.digits(4), g.digits(4)),
            16 => format!("0412 {} {}", g.digits(3), g.digits(3)),
            17 => format!("(11) 9{}-{}", g.lead(4), g.digits(4)),
            18 => format!("050-{}-{}", g.lead(3), g.digits(4)),
            19 => format!("0917 {} {}", g.lead(3), g.digits(4)),
            20 => format!("0532 {} {} {}", g.lead(3), g.digits(2), g.digits(2)),
            _ => format!("+91 98{} {}", g.digits(3), g.digits(5)),
        };
        out.push(case(g.pick(&templates), &number, true));
    }
    for i in 0..300 {
        let value = match i % 15 {
            0 => format!(
                "{}/{}/{}",
                1 + g.below(12),
                1 + g.below(28),
                1990 + g.below(30)
            ),
            1 => format!(
                "{}-{:02}-{:02}",
                1990 + g.below(30),
                1 + g.below(12),
                1 + g.below(28)
            ),
            2 => format!("{}:{:02}", g.below(24), g.below(60)),
            3 => format!("version {}.{}.{}", g.below(20), g.below(20), g.below(100)),
            4 => format!("${},{}.{}", 1 + g.below(999), g.digits(3), g.digits(2)),
            5 => format!("Houston, TX 770{}-{}", g.digits(2), g.digits(4)),
            6 => format!("invoice INV-{}-{}", 2000 + g.below(30), g.digits(4)),
            7 => format!("order #{}", g.digits(9)),
            8 => format!(
                "ISBN 978-{}-{}-{}-{}",
                g.below(10),
                g.digits(2),
                g.digits(6),
                g.below(10)
            ),
            9 => format!("{} 0{} {}", g.pick(&areas), g.digits(2), g.digits(4)), // exchange 0xx
            10 => format!("1-800-{}-{}", g.lead(3), g.digits(4)),
            11 => format!(
                "({}) {}-{}",
                g.pick(&["888", "877", "866"]),
                g.lead(3),
                g.digits(4)
            ),
            12 => format!(
                "{}.{}, -{}.{}",
                10 + g.below(80),
                g.digits(4),
                10 + g.below(100),
                g.digits(4)
            ),
            13 => format!(
                "{} {} {}",
                1990 + g.below(10),
                2000 + g.below(10),
                2010 + g.below(10)
            ),
            _ => format!("Room {}-{}", g.below(10), g.digits(3)),
        };
        out.push(case(g.pick(&templates), &value, false));
    }
    // A fax line, labelled before or after, is no one's phone.
    for i in 0..30 {
        let number = format!("{}-{}-{}", g.pick(&areas), g.lead(3), g.digits(4));
        let template = ["Fax: {}", "{} (fax)", "Fx {}"][i % 3];
        out.push(case(template, &number, false));
    }
    out
}

fn cards(g: &mut Gen) -> Vec<Case> {
    // (IIN prefix, length) per network, from the networks' published ranges.
    let networks: [(&str, usize); 12] = [
        ("4", 16),
        ("51", 16),
        ("55", 16),
        ("2221", 16),
        ("34", 15),
        ("37", 15),
        ("6011", 16),
        ("65", 16),
        ("3530", 16),
        ("36", 14),
        ("6759", 16),
        ("62212", 16),
    ];
    let templates = [
        "My credit card: {}",
        "Card number {} exp 04/27",
        "{}",
        "Please charge {} for the tickets.",
    ];
    let mut out = Vec::new();
    let mut numbers = Vec::new();
    for i in 0..240 {
        let (prefix, len) = networks[i % networks.len()];
        let body = format!("{prefix}{}", g.digits(len - prefix.len() - 1));
        let number = format!("{body}{}", luhn_digit(&body));
        let written = match i % 3 {
            0 => grouped(&number, " "),
            1 => grouped(&number, "-"),
            _ => number.clone(),
        };
        out.push(case(g.pick(&templates), &written, true));
        numbers.push(number);
    }
    for (i, number) in numbers.iter().enumerate().take(240) {
        let value = match i % 3 {
            // One digit changed: Luhn fails.
            0 => {
                let mut d = number.clone().into_bytes();
                let at = d.len() - 1 - (i % 5);
                d[at] = b'0' + (d[at] - b'0' + 1 + (i % 8) as u8) % 10;
                grouped(&String::from_utf8(d).unwrap(), " ")
            }
            // A Luhn-valid number in no network's range.
            1 => {
                let body = format!("9{}", g.digits(14));
                format!("{body}{}", luhn_digit(&body))
            }
            _ => format!("tracking {}", g.digits(12 + (i % 4))),
        };
        out.push(case(g.pick(&templates), &value, false));
    }
    out
}

fn ibans(g: &mut Gen) -> Vec<Case> {
    // Country, BBAN shape (n digit, a letter, c either), from the IBAN registry.
    let shapes: [(&str, &str); 12] = [
        ("DE", "nnnnnnnnnnnnnnnnnn"),
        ("GB", "aaaannnnnnnnnnnnnn"),
        ("FR", "nnnnnnnnnnnnnnnnnnnnnnn"),
        ("NL", "aaaannnnnnnnnn"),
        ("ES", "nnnnnnnnnnnnnnnnnnnn"),
        ("IT", "annnnnnnnnnnnnnnnnnnnnn"),
        ("BE", "nnnnnnnnnnnn"),
        ("CH", "nnnnnnnnnnnnnnnnn"),
        ("AT", "nnnnnnnnnnnnnnnn"),
        ("PL", "nnnnnnnnnnnnnnnnnnnnnnnn"),
        ("SE", "nnnnnnnnnnnnnnnnnnnn"),
        ("IE", "aaaannnnnnnnnnnnnn"),
    ];
    let templates = [
        "Please transfer it to {} today.",
        "IBAN: {}",
        "{} Thanks",
        "Our account {} (Sparkasse).",
    ];
    let mut out = Vec::new();
    let mut made = Vec::new();
    for i in 0..240 {
        let (country, shape) = shapes[i % shapes.len()];
        let bban: String = shape
            .chars()
            .map(|k| match k {
                'a' => char::from(b'A' + g.below(26) as u8),
                _ => char::from(b'0' + g.below(10) as u8),
            })
            .collect();
        let iban = iban_of(country, &bban);
        let written = if i % 2 == 0 {
            grouped(&iban, " ")
        } else {
            iban.clone()
        };
        out.push(case(g.pick(&templates), &written, true));
        made.push(iban);
    }
    for (i, iban) in made.iter().enumerate() {
        let value = match i % 3 {
            // Check digits off by one.
            0 => {
                let check: u32 = iban[2..4].parse().unwrap();
                format!("{}{:02}{}", &iban[..2], (check + 1) % 100, &iban[4..])
            }
            // One character short for its country.
            1 => grouped(&iban[..iban.len() - 1], " "),
            // A code shaped like an IBAN from no country.
            _ => format!("ZZ{}", &iban[2..]),
        };
        out.push(case(g.pick(&templates), &value, false));
    }
    out
}

fn ssns(g: &mut Gen) -> Vec<Case> {
    let mut out = Vec::new();
    for i in 0..240 {
        let area = loop {
            let a = 1 + g.below(899);
            if a != 666 {
                break a;
            }
        };
        let (group, serial) = (1 + g.below(99), 1 + g.below(9999));
        let (template, value) = match i % 4 {
            0 => (
                "{} is on the form.",
                format!("{area:03}-{group:02}-{serial:04}"),
            ),
            1 => ("My SSN is {}", format!("{area:03} {group:02} {serial:04}")),
            2 => (
                "social security number: {}",
                format!("{area:03}.{group:02}.{serial:04}"),
            ),
            _ => ("SSN {}", format!("{area:03}{group:02}{serial:04}")),
        };
        out.push(case(template, &value, true));
    }
    for i in 0..240 {
        let value = match i % 5 {
            0 => format!("000-{:02}-{:04}", 1 + g.below(99), 1 + g.below(9999)),
            1 => format!("666-{:02}-{:04}", 1 + g.below(99), 1 + g.below(9999)),
            2 => format!(
                "9{:02}-{:02}-{:04}",
                g.below(100),
                1 + g.below(99),
                1 + g.below(9999)
            ),
            3 => format!("{:03}-00-{:04}", 1 + g.below(665), 1 + g.below(9999)),
            _ => format!("{:03}-{:02}-0000", 1 + g.below(665), 1 + g.below(99)),
        };
        out.push(case("My SSN is {}", &value, false));
    }
    out
}

fn internal_ips(g: &mut Gen) -> Vec<Case> {
    let templates = ["SSH to {} and restart it.", "The build box is {}", "{}"];
    let mut out = Vec::new();
    for i in 0..240 {
        let ip = match i % 3 {
            0 => format!("10.{}.{}.{}", g.below(256), g.below(256), 1 + g.below(254)),
            1 => format!(
                "172.{}.{}.{}",
                16 + g.below(16),
                g.below(256),
                1 + g.below(254)
            ),
            _ => format!("192.168.{}.{}", g.below(256), 1 + g.below(254)),
        };
        out.push(case(g.pick(&templates), &ip, true));
    }
    for i in 0..240 {
        let value = match i % 4 {
            0 => format!(
                "10.{}.{}.{}",
                g.below(256),
                g.below(256),
                256 + g.below(700)
            ),
            1 => format!(
                "172.{}.{}.{}",
                32 + g.below(200),
                g.below(256),
                g.below(256)
            ),
            2 => format!("version 10.{}.{}", g.below(20), g.below(300)),
            _ => format!("192.169.{}.{}", g.below(256), g.below(256)),
        };
        out.push(case(g.pick(&templates), &value, false));
    }
    out
}

fn credentials(g: &mut Gen) -> Vec<Case> {
    let mut out = Vec::new();
    for i in 0..260 {
        let secret = g.alnum(12 + (i % 10), ALNUM);
        let (template, value) = match i % 20 {
            0 => ("The wifi {}, enjoy.", format!("password is {secret}")),
            1 => ("{}", format!("password={secret}")),
            2 => ("config: {}", format!("\"client_secret\": \"{secret}\"")),
            3 => ("{}", format!("db_pass={secret}")),
            4 => ("settings:\n  {}\n", format!("api_key: {secret}")),
            5 => ("{}", format!("private_key = '{secret}'")),
            6 => (
                "Connect to {}/app",
                format!("postgres://admin:{secret}@db.example.net:5432"),
            ),
            7 => ("token {}", format!("ghp_{}", g.alnum(36, ALNUM))),
            8 => ("{}", format!("github_pat_{}", g.alnum(82, ALNUM))),
            9 => ("{}", format!("glpat-{}", g.alnum(20, BASE64URL))),
            10 => (
                "slack: {}",
                format!(
                    "xoxb-{}-{}-{}",
                    g.digits(12),
                    g.digits(13),
                    g.alnum(24, ALNUM)
                ),
            ),
            11 => (
                "Use {} for the bucket.",
                format!("AKIA{}", g.alnum(16, UPPER_DIGITS)),
            ),
            12 => ("{}", format!("AIza{}", g.alnum(35, BASE64URL))),
            13 => ("stripe {}", format!("sk_live_{}", g.alnum(24, ALNUM))),
            14 => ("{}", format!("npm_{}", g.alnum(36, ALNUM))),
            15 => (
                "Bearer {}",
                format!(
                    "eyJhbGciOiJIUzI1NiJ9.eyJ{}.{}",
                    g.alnum(30, BASE64URL),
                    g.alnum(43, BASE64URL)
                ),
            ),
            16 => ("{}", "-----BEGIN RSA PRIVATE KEY-----".to_string()),
            17 => (
                "{}",
                format!("SG.{}.{}", g.alnum(22, BASE64URL), g.alnum(43, BASE64URL)),
            ),
            18 => ("{}", format!("shpat_{}", g.alnum(32, HEX))),
            _ => (
                "export {}",
                format!("AWS_SECRET_ACCESS_KEY={}", g.alnum(40, ALNUM)),
            ),
        };
        out.push(case(template, &value, true));
    }
    for i in 0..260 {
        let (template, value) = match i % 13 {
            0 => ("{}", "password=${PASSWORD}".to_string()),
            1 => ("{}", "password: <password>".to_string()),
            2 => ("{}", "password=changeme".to_string()),
            3 => ("{}", format!("ghp_{}", "x".repeat(36))),
            4 => ("{}", "AKIAXXXXXXXXXXXXXXXX".to_string()),
            5 => ("{}", "api_key: YOUR_API_KEY_HERE".to_string()),
            6 => (
                "Reset your {} from the settings page.",
                "password".to_string(),
            ),
            7 => ("{}", "password=\nusername=admin".to_string()),
            8 => ("{}", "\"client_secret\": \"\"".to_string()),
            9 => ("{}", format!("token count: {}", g.digits(3))),
            10 => ("{}", "Your password is your date of birth".to_string()),
            11 => ("{}", "secret_santa: tuesday".to_string()),
            _ => (
                "{}",
                format!("see https://example.com/reset?user={}", g.alnum(6, ALNUM)),
            ),
        };
        out.push(case(template, &value, false));
    }
    out
}

/// Rule ids whose findings count for each entity.
const ENTITIES: &[(&str, &[&str])] = &[
    ("e-mail", &["confidentiality.personal-email"]),
    ("phone", &["confidentiality.phone-number"]),
    ("card", &["confidentiality.payment-card"]),
    ("IBAN", &["confidentiality.iban"]),
    (
        "SSN",
        &[
            "confidentiality.national-id",
            "confidentiality.national-id-digits",
        ],
    ),
    ("internal IP", &["confidentiality.private-address"]),
    (
        "credential",
        &["confidentiality.credential", "confidentiality.private-key"],
    ),
];

#[test]
fn personal_data_and_secrets_on_cases_from_the_specifications() {
    let rules = Rules::compile(&Setup::default(), Default::default()).expect("built-in rules");
    let mut g = Gen(0x9e37_79b9_7f4a_7c15);
    let suites: Vec<Vec<Case>> = vec![
        emails(&mut g),
        phones(&mut g),
        cards(&mut g),
        ibans(&mut g),
        ssns(&mut g),
        internal_ips(&mut g),
        credentials(&mut g),
    ];
    let mut table =
        String::from("| entity | cases (+/−) | recall | precision |\n|---|---:|---:|---:|\n");
    let mut failures = Vec::new();
    for ((entity, ids), cases) in ENTITIES.iter().zip(&suites) {
        let (mut tp, mut fp, mut fnn) = (0, 0, 0);
        let mut misses = Vec::new();
        for c in cases {
            let (_, report) = rules.check(c.text.clone(), Format::Text, "external".into());
            let ours: Vec<_> = report
                .findings
                .iter()
                .filter(|f| ids.contains(&&*f.rule))
                .collect();
            if c.positive {
                if ours
                    .iter()
                    .any(|f| f.span.start < c.value.end && c.value.start < f.span.end)
                {
                    tp += 1;
                } else {
                    fnn += 1;
                    misses.push(format!("missed: {:?}", c.text));
                }
            } else if !ours.is_empty() {
                fp += 1;
                misses.push(format!("false alarm: {:?}", c.text));
            }
        }
        if std::env::var_os("TENET_PII_SHOW").is_some() {
            for m in &misses {
                println!("{entity}: {m}");
            }
        }
        let positives = cases.iter().filter(|c| c.positive).count();
        let recall = tp as f64 / (tp + fnn).max(1) as f64;
        let precision = tp as f64 / (tp + fp).max(1) as f64;
        writeln!(
            table,
            "| {entity} | {} (+{positives}/−{}) | {recall:.3} | {precision:.3} |",
            cases.len(),
            cases.len() - positives
        )
        .unwrap();
        let (min_recall, min_precision) = if *entity == "credential" {
            (0.85, 0.90)
        } else {
            (0.95, 0.95)
        };
        if recall < min_recall || precision < min_precision {
            failures.push(format!(
                "{entity}: recall {recall:.3} (≥ {min_recall}), precision {precision:.3} (≥ {min_precision})\n  {}",
                misses.iter().take(12).cloned().collect::<Vec<_>>().join("\n  ")
            ));
        }
    }
    println!("{table}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
