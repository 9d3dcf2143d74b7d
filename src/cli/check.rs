//! `tenet check`: walk the inputs, check each draft in parallel, print in input order.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use anyhow::Result;
use tenet::draft::Format;
use tenet::language::rules::Level;
use tenet::report::baseline::Baseline;
use tenet::report::finding::Fix;
use tenet::report::fix::{self, Applicability};
use tenet::report::output::{self, FileResult, Note, OutputFormat};
use tenet::report::Redactions;
use tenet::text;
use tenet::workspace::{Rules, Setup, Workspace};

use super::many::{self, read_input, Loaded};
use super::order::in_order;
use super::read::EarlyRead;
use super::walk::{cli_excludes, collect, Input, Walk};
use super::Outcome;

/// What `tenet check` was asked to do.
pub struct Request {
    pub paths: Vec<PathBuf>,
    pub format: OutputFormat,
    pub fail_on: Option<Level>,
    pub stdin_filename: Option<PathBuf>,
    /// Counts by rule instead of findings.
    pub statistics: bool,
    /// No summary line.
    pub quiet: bool,
    pub walk: Walk,
    pub setup: Setup,
    /// Apply fixes (`--fix`; `--unsafe-fixes` for every fix).
    pub fix: Option<Applicability>,
    /// Print the fixes as a diff instead of writing them.
    pub diff: bool,
    /// Leave out the findings this baseline accepted.
    pub baseline: Option<PathBuf>,
    /// Write every finding to this baseline instead of reporting them.
    pub write_baseline: Option<PathBuf>,
    pub color: Color,
    /// Exit 0 even when findings are at the failure level.
    pub exit_zero: bool,
}

/// When output is coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Color {
    /// When standard output is a terminal and `NO_COLOR` is not set.
    #[default]
    Auto,
    Always,
    Never,
}

impl Color {
    fn enabled(self, terminal: bool) -> bool {
        match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }
}

/// What fixing a draft changed.
struct Change {
    /// The text before, and what in it must not be shown.
    before: String,
    redactions: Redactions,
}

/// A checked draft, what fixing it changed and why its fixes could not be
/// written (it is then reported as it is on disk), or why it could not be
/// checked.
type Checked = Result<(FileResult, Option<Change>, Option<Note>), Note>;

/// Inputs from this many on are many: what the run does ahead is decided by
/// their number, without reading each one's size.
const MANY_FILES: usize = 64;

/// The size of the largest file among `inputs` (0 for none), when they are
/// fewer than [`MANY_FILES`]; 0 for more.
fn largest(inputs: &[Input]) -> u64 {
    if inputs.len() >= MANY_FILES {
        return 0;
    }
    inputs
        .iter()
        .filter_map(|i| match i {
            Input::File(p, _) => std::fs::metadata(p).ok().map(|m| m.len()),
            Input::Stdin => None,
        })
        .max()
        .unwrap_or(0)
}

/// A file large enough that work begun before the rules are in (reading it,
/// loading the numbering plans) pays for the thread it takes.
const LARGE_FILE: u64 = 1 << 20;

/// A file so large that memory kept for reuse after one step of checking it
/// would add much to the peak of the next: from one this size on (among a few
/// files named or found), freed memory goes back to the system at once.
const HUGE_FILE: u64 = 32 << 20;

/// How many rounds of fixes one draft gets (a fix may make room for another).
const FIX_ROUNDS: usize = 10;

pub fn run(req: Request) -> Result<Outcome> {
    // Standard input only when asked for with `-`: a hook or a CI step that runs
    // `tenet check` with no path checks the folder, not an empty pipe.
    let mut paths = req.paths.clone();
    if paths.is_empty() {
        paths.push(PathBuf::from("."));
    }
    let cli_excludes = cli_excludes(&req.walk.exclude)?;
    let cli_excluded = |p: &Path| {
        cli_excludes
            .matched_path_or_any_parents(p.strip_prefix("./").unwrap_or(p), false)
            .is_ignore()
    };
    let mut notes = Vec::new();
    // A path named on the command line that does not exist is a usage error (exit 2),
    // but the other paths are still checked.
    let mut missing = false;
    let workspace = Workspace::new(req.setup.clone());
    let inputs = std::thread::scope(|s| {
        // A folder's rules load while it is walked, from the first file the
        // walk finds (a walk that finds none loads none): each takes about 5 ms
        // (the walk of 10,000 files, and the built-in pack with 5,000 terms),
        // and the check begins only when both are done. Rules that fail to
        // load are not kept, and are loaded again below for their errors. The
        // scope waits for the load, so that only this thread works below until
        // the numbering plans load (the rules' build leaves its threads idle).
        let workspace = &workspace;
        let mut loading = false;
        let mut found = |draft: &Path| {
            if !std::mem::replace(&mut loading, true) {
                let draft = draft.to_path_buf();
                s.spawn(move || {
                    let _ = workspace.rules_for(&draft);
                });
            }
        };
        collect(&paths, &req.walk, &mut notes, &mut missing, &mut found)
    })?;
    let largest = largest(&inputs);
    if largest >= HUGE_FILE {
        // While no other thread works: before the numbering plans' and the
        // reading's threads below start, after the rules' have ended.
        super::allocator::return_freed_memory_at_once();
    }
    // Enough text that loading the numbering plans ahead pays: many files, or
    // one of a megabyte or more. They load on the core that loading rules
    // leaves idle, not when the first number turns up mid-check.
    if inputs.len() >= MANY_FILES || largest >= LARGE_FILE {
        tenet::validate::warm_phone_plans();
    }
    // A large file named alone is read while the rules load.
    let early = match inputs.as_slice() {
        [Input::File(path, _)] if largest >= LARGE_FILE => Some(EarlyRead::start(path)),
        _ => None,
    };

    // Rules first, once per configuration: a broken rule file stops the run before any output.
    let mut jobs: Vec<(Input, Arc<Rules>)> = Vec::with_capacity(inputs.len());
    let mut warned: Vec<Arc<Rules>> = Vec::new();
    for input in inputs {
        let near = match &input {
            Input::Stdin => req
                .stdin_filename
                .clone()
                .unwrap_or_else(|| PathBuf::from("stdin")),
            Input::File(p, _) => p.clone(),
        };
        let rules = match workspace.rules_for(&near) {
            Ok(r) => r,
            Err(e) => {
                super::print_load_error(&e);
                return Ok(Outcome::Error);
            }
        };
        match &input {
            Input::File(p, true) if !rules.files.wanted(p) => continue,
            Input::File(p, false)
                if req.walk.force_exclude && (rules.files.excluded(p) || cli_excluded(p)) =>
            {
                continue
            }
            _ => {}
        }
        if !warned.iter().any(|w| Arc::ptr_eq(w, &rules)) {
            if !rules.warnings.is_empty() {
                eprint!(
                    "{}",
                    tenet::language::diagnostic::render_all(&rules.warnings)
                );
            }
            super::warn_channel(&rules, workspace.setup().channel.as_deref());
            warned.push(rules.clone());
        }
        jobs.push((input, rules));
    }
    let baseline = match &req.baseline {
        Some(file) => match Baseline::read(file) {
            Ok(b) => Some(b),
            Err(e) => {
                eprintln!("tenet: {e}");
                return Ok(Outcome::Error);
            }
        },
        None => None,
    };

    let stdout = io::stdout();
    let interactive = stdout.is_terminal();
    let color = req.color.enabled(interactive);
    // Every format takes the files as they are checked, in input order, and
    // keeps only the counts (JUnit each finding's test case): memory goes with
    // the files in flight, not with the run. Statistics, diffs, baselines and
    // fixed standard input need every file first. Fixed standard input goes to
    // standard output, as a filter, and then the findings go to standard error.
    let fixing_stdin = req.fix.is_some() && jobs.iter().any(|(i, _)| matches!(i, Input::Stdin));
    let stream = !req.statistics && !req.diff && req.write_baseline.is_none() && !fixing_stdin;
    // A run that prints nothing until the end says how far it has got.
    let progress = !stream
        && !req.quiet
        && io::stderr().is_terminal()
        && jobs.len() > 200
        && req.format == OutputFormat::Human;
    // Printed file by file, a draft's findings are built as they are written: a
    // large draft's would otherwise all be held at once. Fixes and baselines
    // work on built findings.
    let defer = stream && req.fix.is_none() && baseline.is_none();
    let done = AtomicUsize::new(0);
    let total = jobs.len();
    // As large as the buffer each file's JSON is written through: a file's output
    // is copied into it, not passed on in a system call of its own.
    let mut out = io::BufWriter::with_capacity(1 << 16, stdout);
    // The rules that run, each once (SARIF describes them).
    let mut rules: Vec<&tenet::language::rules::Rule> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for set in &warned {
        for r in &set.checker.engine.rules().rules {
            if seen.insert(&*r.id) {
                rules.push(r);
            }
        }
    }
    let mut printer = output::Printer::new(req.format, color, &rules);
    let mut checked = Vec::new();
    let mut summary = output::Summary::default();
    let mut changes = Vec::new();
    let mut failed = false;
    let mut baselined = 0;
    let mut fixed = 0;
    // When findings are only written, a run of files under one set of rules
    // is checked together, short ones searched as one text; else file by file.
    let groups = if defer {
        many::groups(&jobs, rayon::current_num_threads())
    } else {
        (0..jobs.len()).map(|i| i..i + 1).collect()
    };
    let check = |g: &std::ops::Range<usize>| -> Vec<(Checked, Level)> {
        let group = &jobs[g.clone()];
        let rules = &group[0].1;
        let fail_on = req.fail_on.unwrap_or_else(|| rules.fail_on());
        if !defer {
            let r = check_one(&group[0].0, rules, &req, early.as_ref());
            let n = done.fetch_add(1, Ordering::Relaxed) + 1;
            if progress && n % 250 == 0 {
                eprint!("\rchecked {n}/{total} files");
            }
            return vec![(r, fail_on)];
        }
        let inputs: Vec<&Input> = group.iter().map(|(input, _)| input).collect();
        many::check_deferred(&inputs, rules, &req, early.as_ref())
            .into_iter()
            .map(|r| (r.map(|file| (file, None, None)), fail_on))
            .collect()
    };
    let mut take = |(r, fail_on): (Checked, Level)| {
        let (mut file, change) = match r {
            Ok((file, change, note)) => {
                notes.extend(note);
                (file, change)
            }
            Err(note) => {
                notes.push(note);
                return Ok(());
            }
        };
        if let Some(b) = &baseline {
            baselined += b.filter(&mut file);
        }
        fixed += file.fixed;
        failed |= file.levels().any(|(level, _)| level >= fail_on);
        summary.add(&file);
        if stream {
            printer.file(&file, &mut out)?;
            if interactive {
                out.flush()?;
            }
            return Ok(());
        }
        if let Some(change) = change {
            changes.push((checked.len(), change));
        }
        checked.push(file);
        Ok(())
    };
    in_order(&groups, check, |results| {
        results.into_iter().try_for_each(&mut take)
    })?;
    if progress {
        eprint!("\r{:40}\r", "");
    }

    if let Some(file) = &req.write_baseline {
        let n = Baseline::write(file, &checked)
            .map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", file.display()))?;
        for note in &notes {
            eprintln!(
                "tenet: {}: {}",
                output::display_path(&note.path),
                note.message
            );
        }
        eprintln!(
            "tenet: wrote {n} finding{} to {}",
            if n == 1 { "" } else { "s" },
            file.display()
        );
        return Ok(Outcome::Clean);
    }
    if req.diff {
        return print_diffs(&checked, &changes, fixed, &notes, &mut out);
    }
    // Standard output is the fixed text's, even when it could not be read.
    let mut err_out;
    let findings_out: &mut dyn Write = if fixing_stdin {
        for f in checked.iter().filter(|f| f.stdin) {
            // Every fix applied is one the encoding holds, and so is the rest.
            let bytes = f.encoding.encode(&f.text);
            out.write_all(bytes.as_deref().unwrap_or(f.text.as_bytes()))?;
        }
        out.flush()?;
        err_out = io::stderr().lock();
        &mut err_out
    } else {
        &mut out
    };
    if !req.statistics {
        for file in &checked {
            printer.file(file, findings_out)?;
        }
    }
    if req.format == OutputFormat::Human {
        findings_out.flush()?;
        for note in &notes {
            eprintln!(
                "tenet: {}: {}",
                output::display_path(&note.path),
                note.message
            );
        }
    }
    if req.statistics {
        print_statistics(req.format, &checked, findings_out)?;
    } else if !(req.quiet && req.format == OutputFormat::Human) {
        summary.skipped = notes.len();
        printer.end(&notes, &summary, findings_out)?;
        if req.format == OutputFormat::Human && (fixed > 0 || baselined > 0) {
            let mut line = Vec::new();
            if fixed > 0 {
                line.push(format!("fixed {fixed} finding{}", plural(fixed)));
            }
            if baselined > 0 {
                line.push(format!("{baselined} accepted by the baseline"));
            }
            writeln!(findings_out, "{}", line.join("; "))?;
        }
    }
    findings_out.flush()?;
    // The process ends next, and hands the memory back whole: freeing every
    // finding of a large check one by one, or the rules' automata and caches
    // (a third of a millisecond of a one-line check), would only delay the exit.
    std::mem::forget((checked, jobs, warned, workspace));

    Ok(if missing {
        Outcome::Error
    } else if failed && !req.exit_zero {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// `--diff`: what `--fix` would change, as a unified diff per file (redacted text
/// masked on both sides); exits 1 when anything would change.
fn print_diffs(
    checked: &[FileResult],
    changes: &[(usize, Change)],
    fixed: usize,
    notes: &[Note],
    out: &mut dyn Write,
) -> Result<Outcome> {
    for (i, change) in changes {
        let file = &checked[*i];
        let before = change
            .redactions
            .mask(&change.before, 0..change.before.len());
        let after = file.report.redactions.mask(&file.text, 0..file.text.len());
        let name = output::display_path(&file.path);
        let diff = similar::TextDiff::from_lines(before.as_ref(), after.as_ref());
        write!(
            out,
            "{}",
            diff.unified_diff()
                .context_radius(3)
                .header(&format!("a/{name}"), &format!("b/{name}"))
        )?;
    }
    out.flush()?;
    for note in notes {
        eprintln!(
            "tenet: {}: {}",
            output::display_path(&note.path),
            note.message
        );
    }
    eprintln!(
        "tenet: would fix {fixed} finding{} in {} file{}",
        plural(fixed),
        changes.len(),
        plural(changes.len())
    );
    Ok(if changes.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}

/// `--statistics`: findings per rule, most first (then by rule id), with the
/// highest level each rule reported. Human output is a table; the other formats
/// a JSON array of `{"rule", "count", "level"}`.
fn print_statistics(format: OutputFormat, files: &[FileResult], out: &mut dyn Write) -> Result<()> {
    let mut by_rule: std::collections::BTreeMap<&str, (usize, Level)> = Default::default();
    for f in files.iter().flat_map(|file| &file.report.findings) {
        let entry = by_rule.entry(&*f.rule).or_insert((0, f.level));
        entry.0 += 1;
        entry.1 = entry.1.max(f.level);
    }
    let mut rows: Vec<(&str, usize, Level)> =
        by_rule.into_iter().map(|(r, (n, l))| (r, n, l)).collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    if format == OutputFormat::Human {
        let width = rows
            .iter()
            .map(|r| r.1.to_string().len())
            .max()
            .unwrap_or(1);
        for (rule, count, level) in &rows {
            writeln!(out, "{count:>width$}  {:<7}  {rule}", level.as_str())?;
        }
    } else {
        let json: Vec<serde_json::Value> = rows
            .iter()
            .map(|(rule, count, level)| {
                serde_json::json!({ "rule": rule, "count": count, "level": level.as_str() })
            })
            .collect();
        serde_json::to_writer(&mut *out, &json)?;
        writeln!(out)?;
    }
    Ok(())
}

pub fn io_message(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        io::ErrorKind::NotFound => "no such file or folder".into(),
        _ => e.to_string(),
    }
}

/// Checks one input, its findings built (fixes and baselines work on them);
/// `early`: a file read ahead.
fn check_one(input: &Input, rules: &Rules, req: &Request, early: Option<&EarlyRead>) -> Checked {
    let Loaded {
        path,
        text,
        encoding,
        stdin,
    } = read_input(input, req, early)?;
    let format: Format = rules.format_for(Some(&path), &text);
    let channel = rules.channel_for(Some(&path), req.setup.channel.as_deref());
    let (mut draft, mut report) = rules.check(text, format, channel.clone());
    let mut fixed = 0;
    let mut change = None;
    if let Some(which) = req.fix {
        // A fix whose text the draft's encoding cannot hold stays a finding:
        // the file is written back in the encoding it was read in.
        let held = |fx: &Fix| fx.edits.iter().all(|e| encoding.holds(&e.text));
        for _ in 0..FIX_ROUNDS {
            let chosen = fix::choose_where(&report.findings, which, held);
            let next = fix::apply(&draft.text, &chosen);
            if chosen.is_empty() || next == draft.text {
                break;
            }
            fixed += chosen.len();
            let before = std::mem::take(&mut draft.text);
            let redactions = std::mem::take(&mut report.redactions);
            change.get_or_insert(Change { before, redactions });
            (draft, report) = rules.check(next, format, channel.clone());
        }
    }
    let unwritten = match (&change, req.diff, input) {
        (Some(_), false, Input::File(p, _)) => {
            let written = match encoding.encode(&draft.text) {
                Some(bytes) => text::file::write_atomic(p, &bytes).map_err(|e| io_message(&e)),
                None => Err(format!("{encoding} cannot hold the fixed text")),
            };
            written.err().map(|message| Note {
                path: p.clone(),
                message: format!("cannot write the fixes: {message}"),
            })
        }
        _ => None,
    };
    // A draft whose fixes could not be written is as it was: it is reported so,
    // its findings not lost.
    if let Some(change) = change.take_if(|_| unwritten.is_some()) {
        (draft, report) = rules.check(change.before, format, channel.clone());
        fixed = 0;
    }
    Ok((
        FileResult {
            path,
            text: draft.text,
            format,
            channel,
            report,
            deferred: None,
            fixed,
            stdin,
            encoding,
        },
        change,
        unwritten,
    ))
}
