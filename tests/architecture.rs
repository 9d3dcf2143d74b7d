//! The layout the crate documents (`src/lib.rs`, `ARCHITECTURE.md`) is the layout
//! it has: each top-level module imports only from the layers below it, no file
//! grows past its seam, and the binary's conveniences stay in the binary.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The layers, bottom first. A module may import its own layer's module and the
/// ones before it; front ends on the same step may not import each other.
const LAYERS: &[&[&str]] = &[
    &["text"],
    &["validate"],
    &["draft"],
    &["language"],
    &["report"],
    &["engine"],
    &["workspace"],
    &["moderation"],
    &["lsp", "serve", "worker"],
];

fn rank(module: &str) -> Option<usize> {
    LAYERS.iter().position(|step| step.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without its comments (doc links are not dependencies).
fn code(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) if !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level library module a file belongs to (`None` for the crate root and
/// the binary).
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel.components().next()?.as_os_str().to_string_lossy();
    let name = first.trim_end_matches(".rs").to_string();
    (name != "lib" && name != "main" && name != "cli").then_some(name)
}

#[test]
fn modules_import_only_from_the_layers_below_them() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut edges = BTreeSet::new();
    let mut wrong = Vec::new();
    for file in &files {
        let Some(from) = module_of(&src, file) else {
            continue;
        };
        let from_rank = rank(&from).unwrap_or_else(|| {
            panic!("`{from}` is not in the documented layers; add it to lib.rs, ARCHITECTURE.md and this test")
        });
        let text = code(&std::fs::read_to_string(file).unwrap());
        for (i, _) in text.match_indices("crate::") {
            let to: String = text[i + 7..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let Some(to_rank) = rank(&to) else { continue };
            if to != from {
                edges.insert((from.clone(), to.clone()));
            }
            if to != from && to_rank >= from_rank {
                wrong.push(format!("{} imports `{to}`", file.display()));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layers:\n{}",
        wrong.join("\n")
    );
    // The graph is a DAG by construction; make sure the check saw real edges.
    assert!(
        edges.contains(&("engine".into(), "report".into())),
        "{edges:?}"
    );
    assert!(
        edges.contains(&("lsp".into(), "workspace".into())),
        "{edges:?}"
    );
}

#[test]
fn no_file_in_src_is_over_600_lines() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let n = std::fs::read_to_string(f).unwrap().lines().count();
            (n > 600).then(|| format!("{}: {n} lines", f.display()))
        })
        .collect();
    assert!(
        long.is_empty(),
        "split these along a seam:\n{}",
        long.join("\n")
    );
}

#[test]
fn the_library_leaves_anyhow_clap_and_exiting_to_the_binary() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    for file in files.iter().filter(|f| module_of(&src, f).is_some()) {
        let text = code(&std::fs::read_to_string(file).unwrap());
        for banned in ["anyhow", "clap::", "process::exit"] {
            assert!(!text.contains(banned), "{} uses {banned}", file.display());
        }
    }
}
