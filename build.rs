//! Embeds the built-in rule pack (`rules/`) in the binary, writes
//! libphonenumber's numbering plans (from the `phonenumber` crate) as static
//! tables, so that checking a number never builds the crate's whole database,
//! with a DFA for each pattern matched at a number's start, so that none is
//! parsed or compiled at run time, and names the sources the binary is built
//! from (`TENET_SOURCE_DIGEST`).

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let root = manifest_dir().join("rules");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    collect(&root, &root, &mut files, &|rel| {
        rel.ends_with(".tenet") || rel.ends_with(".txt")
    });
    assert!(
        !files.is_empty(),
        "no rule files under {}: the built-in pack would be empty",
        root.display()
    );
    files.sort();
    let mut out = String::from("/// The built-in pack: (path under `rules/`, contents).\npub static FILES: &[(&str, &str)] = &[\n");
    for rel in &files {
        let full = root.join(rel);
        println!("cargo:rerun-if-changed={}", full.display());
        let _ = writeln!(
            out,
            "    ({rel:?}, include_str!({:?})),",
            full.display().to_string()
        );
    }
    out.push_str("];\n");
    std::fs::write(out_dir().join("builtin_files.rs"), out).expect("OUT_DIR is writable");
    numbering_plans();
    source_digest();
}

/// The folder of the package being built, as cargo says when it runs this
/// script. (`env!` would give the folder this script was compiled in: a target
/// folder shared by two checkouts can run a script compiled in the other.)
fn manifest_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .expect("cargo sets CARGO_MANIFEST_DIR")
        .into()
}

/// Sets `TENET_SOURCE_DIGEST`, a SHA-256 of every file the binary is compiled
/// from, the built-in pack's among them, and `TENET_BUILD`, its first twelve
/// digits. The rule cache (`src/workspace/cache.rs`) keys entries by the
/// digest, so two builds from different sources never read each other's
/// compiled rule sets, whatever their version, size or file times; `tenet
/// --version`, the language server and every rule-set version a service
/// reports name the build by the short form, so that two builds that check
/// differently never call themselves the same.
fn source_digest() {
    use sha2::{Digest, Sha256};
    let manifest = manifest_dir();
    let manifest = manifest.as_path();
    let mut files: Vec<String> = ["build.rs", "Cargo.toml", "Cargo.lock"]
        .map(String::from)
        .to_vec();
    // A folder named here is watched whole, so only these top-level files and
    // the folders need naming.
    let dirs = ["src", "grammar", "rules"];
    for name in files.iter().map(String::as_str).chain(dirs) {
        println!("cargo:rerun-if-changed={}", manifest.join(name).display());
    }
    for dir in dirs {
        collect(manifest, &manifest.join(dir), &mut files, &|_| true);
    }
    files.sort();
    let mut h = Sha256::new();
    for rel in &files {
        let bytes = std::fs::read(manifest.join(rel)).unwrap_or_default();
        for field in [rel.as_bytes(), &bytes] {
            h.update((field.len() as u64).to_le_bytes());
            h.update(field);
        }
    }
    let digest: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    println!("cargo:rustc-env=TENET_SOURCE_DIGEST={digest}");
    println!("cargo:rustc-env=TENET_BUILD={}", &digest[..12]);
}

/// Writes `numbering_plans.rs`: `REGIONS`, every region's metadata ordered by
/// country code and, within a code, as `phonenumber`'s `by_code` lists them (its
/// main region first); `BY_CODE`, each code's first region and count; `BY_ID`,
/// sorted region ids with the region `by_id` gives (the last of the `001`s).
fn numbering_plans() {
    use phonenumber::metadata::{Descriptor, Format, DATABASE};
    let database = &*DATABASE;
    let text = |s: Option<&str>| match s {
        Some(s) => format!("Some({s:?})"),
        None => "None".to_string(),
    };
    let desc = |d: &Descriptor| {
        format!(
            "Desc {{ pattern: {:?}, lengths: &{:?}, local_lengths: &{:?} }}",
            d.national_number().as_str(),
            d.possible_length(),
            d.possible_local_length()
        )
    };
    let optional = |d: Option<&Descriptor>| match d {
        Some(d) => format!("Some({})", desc(d)),
        None => "None".to_string(),
    };
    let format = |f: &Format| {
        format!(
            "Format {{ pattern: {:?}, format: {:?}, leading_digits: {}, national_prefix_rule: {}, domestic_carrier: {} }}",
            f.pattern().as_str(),
            f.format(),
            text(f.leading_digits().last().map(|r| r.as_str())),
            text(f.national_prefix()),
            text(f.domestic_carrier()),
        )
    };
    let mut regions = String::new();
    let mut by_code = String::new();
    // The patterns matched where a number starts (see `phone_dfas`).
    let mut at_start: Vec<&str> = Vec::new();
    let mut ids: Vec<(String, usize)> = Vec::new();
    let mut index = 0;
    for code in 0..=999u16 {
        let Some(metas) = database.by_code(&code) else {
            continue;
        };
        let _ = writeln!(by_code, "    ({code}, {index}, {}),", metas.len());
        for meta in metas {
            let d = meta.descriptors();
            let is_listed = database
                .by_id(meta.id())
                .is_some_and(|m| std::ptr::eq(m, meta));
            if is_listed {
                ids.push((meta.id().to_string(), index));
            }
            let formats: Vec<String> = meta.formats().iter().map(format).collect();
            let descriptors = [
                Some(d.general()),
                d.premium_rate(),
                d.toll_free(),
                d.shared_cost(),
                d.voip(),
                d.personal_number(),
                d.pager(),
                d.uan(),
                d.voicemail(),
                d.fixed_line(),
                d.mobile(),
            ];
            at_start.extend(
                descriptors
                    .into_iter()
                    .flatten()
                    .map(|d| d.national_number().as_str()),
            );
            at_start.extend(meta.leading_digits().map(|r| r.as_str()));
            at_start.extend(meta.international_prefix().map(|r| r.as_str()));
            at_start.extend(
                meta.formats()
                    .iter()
                    .filter_map(|f| f.leading_digits().last().map(|r| r.as_str())),
            );
            let _ = writeln!(
                regions,
                "    Region {{ index: {index}, id: {:?}, code: {code}, international_prefix: {}, \
                 national_prefix: {}, national_prefix_for_parsing: {}, \
                 national_prefix_transform_rule: {}, leading_digits: {}, general: {}, \
                 premium_rate: {}, toll_free: {}, shared_cost: {}, voip: {}, \
                 personal_number: {}, pager: {}, uan: {}, voicemail: {}, fixed_line: {}, \
                 mobile: {}, formats: &[{}] }},",
                meta.id(),
                text(meta.international_prefix().map(|r| r.as_str())),
                text(meta.national_prefix()),
                text(meta.national_prefix_for_parsing().map(|r| r.as_str())),
                text(meta.national_prefix_transform_rule()),
                text(meta.leading_digits().map(|r| r.as_str())),
                desc(d.general()),
                optional(d.premium_rate()),
                optional(d.toll_free()),
                optional(d.shared_cost()),
                optional(d.voip()),
                optional(d.personal_number()),
                optional(d.pager()),
                optional(d.uan()),
                optional(d.voicemail()),
                optional(d.fixed_line()),
                optional(d.mobile()),
                formats.join(", "),
            );
            index += 1;
        }
    }
    ids.sort();
    let mut out = format!(
        "pub(super) const COUNT: usize = {index};\npub(super) static REGIONS: [Region; COUNT] = [\n{regions}];\n"
    );
    let _ = write!(
        out,
        "pub(super) static BY_CODE: &[(u16, usize, usize)] = &[\n{by_code}];\n"
    );
    out.push_str("pub(super) static BY_ID: &[(&str, usize)] = &[\n");
    for (id, index) in ids {
        let _ = writeln!(out, "    ({id:?}, {index}),");
    }
    out.push_str("];\n");
    out.push_str(&phone_dfas(at_start));
    std::fs::write(out_dir().join("numbering_plans.rs"), out).expect("OUT_DIR is writable");
}

/// Builds a DFA for each pattern that is matched where a national number starts
/// (`^(?:pattern)`, compiled as `validate::phone::plans::Matcher` compiles it)
/// and writes its states over the ten digits one after another to
/// `phone_dfas.bin`; returns the Rust of `DFAS`, each pattern with where its
/// states lie there, sorted by pattern, and `DFA_BYTES`, the file's bytes.
/// Parsing and compiling these patterns (about a thousand of them, some long)
/// took more CPU than a run's searches for numbers; a pattern whose DFA cannot
/// be built is left out and compiled when used.
///
/// A state is eleven little-endian `u16`s (22 bytes): whether a match ends
/// where the state is reached (as when the text ended there: these patterns
/// look at nothing after a match), then the state each digit leads to
/// (`u16::MAX`: none). The start is state 0. Kept as a regex-automata DFA
/// (sparse and serialized) it took three times the room: 1.7 MB.
fn phone_dfas(mut sources: Vec<&str>) -> String {
    sources.sort_unstable();
    sources.dedup();
    let mut bytes: Vec<u8> = Vec::new();
    let mut table = String::from(
        "/// Each pattern matched where a national number starts, with where its \
         DFA lies in `DFA_BYTES`; sorted by pattern.\n\
         pub(super) static DFAS: &[(&str, usize, usize)] = &[\n",
    );
    for source in sources {
        let Some(states) = digit_states(source) else {
            continue;
        };
        let start = bytes.len();
        for (ends, next) in states {
            bytes.extend(u16::from(ends).to_le_bytes());
            bytes.extend(next.iter().flat_map(|n| n.to_le_bytes()));
        }
        let _ = writeln!(table, "    ({source:?}, {start}, {}),", bytes.len());
    }
    table.push_str("];\n");
    let path = out_dir().join("phone_dfas.bin");
    std::fs::write(&path, bytes).expect("OUT_DIR is writable");
    let _ = writeln!(
        table,
        "/// The DFAs of `DFAS`.\npub(super) static DFA_BYTES: &[u8] = include_bytes!({:?});",
        path.display().to_string()
    );
    table
}

/// The states of the DFA of `^(?:source)` over the digits, the start first:
/// whether a match ends on reaching each, and where each digit leads. `None`
/// when the DFA cannot be built or has more states than a `u16` numbers.
fn digit_states(source: &str) -> Option<Vec<(bool, [u16; 10])>> {
    use regex_automata::dfa::{dense, Automaton, StartKind};
    use regex_automata::util::{start, syntax};
    let dfa = dense::Builder::new()
        .syntax(syntax::Config::new().ignore_whitespace(true).unicode(false))
        .configure(
            dense::Config::new()
                .start_kind(StartKind::Anchored)
                .minimize(true),
        )
        .build(&format!("^(?:\n{source}\n)"))
        .ok()?;
    let first = dfa
        .start_state(&start::Config::new().anchored(regex_automata::Anchored::Yes))
        .ok()?;
    let mut ids = std::collections::HashMap::from([(first, 0u16)]);
    let mut order = vec![first];
    let mut states = Vec::new();
    while let Some(&id) = order.get(states.len()) {
        let ends = dfa.is_match_state(dfa.next_eoi_state(id));
        let mut next = [u16::MAX; 10];
        for (d, slot) in next.iter_mut().enumerate() {
            let to = dfa.next_state(id, b'0' + d as u8);
            if dfa.is_dead_state(to) {
                continue;
            }
            let fresh = u16::try_from(ids.len()).ok().filter(|&n| n < u16::MAX)?;
            *slot = *ids.entry(to).or_insert_with(|| {
                order.push(to);
                fresh
            });
        }
        states.push((ends, next));
    }
    Some(states)
}

fn out_dir() -> std::path::PathBuf {
    std::env::var_os("OUT_DIR")
        .expect("cargo sets OUT_DIR")
        .into()
}

/// The files under `dir` that `keep` (given a path relative to `root`) keeps.
fn collect(root: &Path, dir: &Path, out: &mut Vec<String>, keep: &dyn Fn(&str) -> bool) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect(root, &path, out, keep);
        } else if let Ok(rel) = path.strip_prefix(root) {
            let rel = rel.to_string_lossy().replace('\\', "/");
            if keep(&rel) {
                out.push(rel);
            }
        }
    }
}
