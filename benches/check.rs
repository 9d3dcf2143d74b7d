//! `cargo bench`: checking drafts, reading their structure, compiling large
//! lists, and compiling the built-in pack's regexes in each build.
//!
//! Inputs come from `../shared/corpora` through `bench/prepare.py`, into
//! `target/bench-data` (or `TENET_BENCH_DIR` when set).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};
use tenet::draft::{Draft, Format, Structure};
use tenet::engine::checker::Checker;
use tenet::language::lower::{self, Overrides, RuleFile};

fn data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("TENET_BENCH_DIR") {
        return PathBuf::from(dir);
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    if !dir.join("terms-100000.txt").exists() {
        let status = Command::new("python3")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/prepare.py"))
            .arg(&dir)
            .status()
            .expect("python3 runs bench/prepare.py");
        assert!(status.success(), "bench/prepare.py failed");
    }
    dir
}

/// The built-in pack plus a rule that finds every term of `LIST-N.txt`.
fn checker(dir: &Path, list: &str, terms: usize) -> Checker {
    let mut files = tenet::language::builtin::rule_files();
    let path = dir.join(format!("{list}-{terms}.tenet"));
    files.push(RuleFile {
        text: Arc::from(std::fs::read_to_string(&path).unwrap()),
        path,
    });
    Checker::from_files(&files, &Overrides::default())
        .map(|(c, _)| c)
        .unwrap_or_else(|_| panic!("rules compile"))
}

fn check(c: &mut Criterion) {
    let dir = data_dir();
    let checker = checker(&dir, "terms", 5000);
    let mut group = c.benchmark_group("check");
    let small = std::fs::read_to_string(dir.join("draft-10k.md")).unwrap();
    let big = std::fs::read_to_string(dir.join("enron-drafts.txt")).unwrap();
    let cut = big[..1 << 20].rfind('\n').unwrap();
    let mb = big[..cut].to_string();
    // A post of one line: what a stream of social posts or a folder of short
    // drafts pays per draft, whatever its length.
    let post = "Thanks guys, the quarterly report is ready for review.".to_string();
    for (name, text) in [
        ("one-line post, builtin + 5000 terms", &post),
        ("10KB draft, builtin + 5000 terms", &small),
        ("1MB file, builtin + 5000 terms", &mb),
    ] {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| {
                let draft = Draft::new(text.clone(), Format::Markdown);
                checker.check(&draft).findings.len()
            })
        });
    }
    group.finish();
}

/// Check time (rules already compiled) of a 1 MB file as the list grows from 100 to
/// 100,000 names, of which the same 50 occur.
fn scale(c: &mut Criterion) {
    let dir = data_dir();
    let big = std::fs::read_to_string(dir.join("enron-drafts.txt")).unwrap();
    let cut = big[..1 << 20].rfind('\n').unwrap();
    let mb = big[..cut].to_string();
    let mut group = c.benchmark_group("scale");
    group.sample_size(20);
    group.throughput(Throughput::Bytes(mb.len() as u64));
    for names in [100, 100_000] {
        let checker = checker(&dir, "names", names);
        group.bench_with_input(
            BenchmarkId::new("1MB file, built-in pack + names", names),
            &mb,
            |b, text| {
                b.iter(|| {
                    checker
                        .check(&Draft::new(text.clone(), Format::Markdown))
                        .findings
                        .len()
                })
            },
        );
    }
    group.finish();
}

/// Reading a text's structure (scopes and words) alone: the 1 MB slice of the
/// Enron file as plain text and as mail, and a 10 KB Markdown draft.
fn structure(c: &mut Criterion) {
    let dir = data_dir();
    let big = std::fs::read_to_string(dir.join("enron-drafts.txt")).unwrap();
    let cut = big[..1 << 20].rfind('\n').unwrap();
    let small = std::fs::read_to_string(dir.join("draft-10k.md")).unwrap();
    let mut group = c.benchmark_group("structure");
    for (name, text, format) in [
        ("1MB file as text", &big[..cut], Format::Text),
        ("1MB file as mail", &big[..cut], Format::Email),
        ("10KB draft as Markdown", small.as_str(), Format::Markdown),
    ] {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| b.iter(|| Structure::of(text, format)));
    }
    group.finish();
}

fn compile(c: &mut Criterion) {
    let dir = data_dir();
    let mut group = c.benchmark_group("compile");
    group.sample_size(10);
    for terms in [1000, 10_000, 100_000] {
        let path = dir.join(format!("terms-{terms}.tenet"));
        let file = RuleFile {
            text: Arc::from(std::fs::read_to_string(&path).unwrap()),
            path,
        };
        group.bench_with_input(BenchmarkId::new("terms", terms), &file, |b, file| {
            b.iter(|| {
                let compiled = lower::compile(
                    std::slice::from_ref(file),
                    &Overrides::default(),
                    &tenet::language::builtin::read_list,
                );
                tenet::engine::Engine::new(compiled.rules)
            })
        });
    }
    group.finish();
}

/// Every regex of the built-in pack compiled afresh, in the build each kind of
/// text is searched with (a build that would be the same as an earlier one is
/// that one, so a regex without Unicode's `\b` builds once for the first two).
fn regexes(c: &mut Criterion) {
    use tenet::language::regex::Build;
    use tenet::language::rules::Pattern;
    let compiled = lower::compile(
        &tenet::language::builtin::rule_files(),
        &Overrides::default(),
        &tenet::language::builtin::read_list,
    );
    let regexes: Vec<_> = (compiled.rules.matchers.iter())
        .flat_map(|m| &m.patterns)
        .filter_map(|p| match p {
            Pattern::Regex(r) => Some(r.clone()),
            Pattern::Term(_) => None,
        })
        .collect();
    let mut group = c.benchmark_group("regexes");
    group.sample_size(20);
    for build in Build::ALL {
        let name = format!("{build:?}");
        group.bench_function(name, |b| {
            b.iter_batched(
                || regexes.clone(),
                |regexes| regexes.iter().all(|r| r.regex_for(build).is_some()),
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, check, scale, structure, compile, regexes);
criterion_main!(benches);
