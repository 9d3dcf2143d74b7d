//! The JSON shapes. Versioned: a field is never removed or changes meaning
//! without `version` going up. Written straight from the findings, without
//! building a tree first, so a large run does not hold its output in memory.

use std::borrow::Cow;
use std::io::{self, Write};
use std::ops::Range;
use std::sync::Arc;

use foldhash::HashMap;
use rayon::prelude::*;

use super::pretty::{Array, Depth, Object};
use super::{FileResult, Note, Summary};
use crate::report::finding::Finding;
use crate::report::suppress::Suppressed;
use crate::report::Batch;
use crate::report::Redactions;
use crate::text::blanks::spaced;
use crate::text::fold::fold_letters;
use crate::text::line_index::LineIndex;
use finding::{finding, Frames};

mod finding;

/// The version of the JSON output.
pub const JSON_VERSION: u32 = 1;

/// The whole-run document, written a file at a time: `begin`, `file` for each,
/// `end`. The bytes are those of `serde_json`'s pretty printing of
/// `{"version", "files": [...], "notes", "summary"}`.
pub(super) struct Document {
    top: Object,
    files: Array,
}

impl Document {
    pub(super) fn begin(out: &mut impl Write) -> io::Result<Document> {
        let mut top = Object::open(out, Some(0))?;
        top.field(out, "version", &JSON_VERSION)?;
        top.key(out, "files")?;
        let files = Array::open(out, top.inner())?;
        Ok(Document { top, files })
    }

    pub(super) fn file(&mut self, out: &mut impl Write, result: &FileResult) -> io::Result<()> {
        self.files.next(out)?;
        file(out, result, self.files.inner())
    }

    pub(super) fn end(
        self,
        out: &mut impl Write,
        notes: &[Note],
        summary: &Summary,
    ) -> io::Result<()> {
        let Document { mut top, files } = self;
        files.close(out)?;
        top.field(out, "notes", &notes)?;
        top.field(out, "summary", summary)?;
        top.close(out)?;
        out.write_all(b"\n")
    }
}

/// Writes one file's results at `depth` (`None`: on one line, for JSONL).
pub(super) fn file(out: &mut impl Write, result: &FileResult, depth: Depth) -> io::Result<()> {
    let report = &result.report;
    let cx = Cx {
        text: &result.text,
        index: result.index(),
        redactions: &report.redactions,
    };
    let mut o = Object::open(out, depth)?;
    o.field(out, "version", &JSON_VERSION)?;
    o.field(out, "path", &result.path.to_string_lossy())?;
    o.field(out, "format", &result.format)?;
    // Byte offsets count the text as UTF-8: in a file read otherwise, or with
    // a byte-order mark, they are not the file's (its columns still are).
    if let Some(encoding) = result.encoding.label() {
        o.field(out, "encoding", &encoding)?;
    }
    o.field(out, "channel", &result.channel)?;
    o.field(out, "verdict", &report.verdict)?;
    let triage = report
        .triage
        .as_ref()
        .map(|t| super::TriageJson::new(t, &result.text, &report.redactions));
    o.field(out, "triage", &triage)?;
    o.key(out, "findings")?;
    findings(
        out,
        &cx,
        result.unbuilt_batches(PARALLEL_FINDINGS),
        o.inner(),
    )?;
    o.key(out, "suppressed")?;
    suppressed(out, &cx, &report.suppressed, o.inner())?;
    // Findings a per-rule cap left out (the verdict counts them), when any were.
    if report.truncated != 0 {
        o.field(out, "truncated", &report.truncated)?;
    }
    o.close(out)
}

struct Cx<'a> {
    text: &'a str,
    index: LineIndex,
    redactions: &'a Redactions,
}

/// Findings are written this many at a time, on every core.
const PARALLEL_FINDINGS: usize = 4096;

/// How many findings one core writes in one go.
const FINDINGS_PER_PART: usize = 512;

/// Writes a file's findings, which come in batches, as an array at `depth`.
fn findings<'a>(
    out: &mut impl Write,
    cx: &Cx,
    batches: impl Iterator<Item = Batch<'a>>,
    depth: Depth,
) -> io::Result<()> {
    let array = Array::open(out, depth)?;
    let frames = Frames::of(array.inner());
    let array = each_finding(out, cx.text, batches, array, |buf, f, print| {
        finding(buf, cx, f, print, None, &frames)
    })?;
    array.close(out)
}

/// Writes the findings of the draft `text`, which come in batches, as the next
/// elements of `array`, each by `write` with its fingerprint; gives the array
/// as it is after them. A finding still to build is built as it is written,
/// into a [`Finding`] each part reuses. A large batch is written on every
/// core: the texts its fingerprints count, then which occurrence of its rule
/// and text each finding is (in shards), then its findings in parts, joined
/// in order.
pub(super) fn each_finding<'a>(
    out: &mut impl Write,
    text: &str,
    batches: impl Iterator<Item = Batch<'a>>,
    mut array: Array,
    write: impl Fn(&mut Vec<u8>, &Finding, &str) -> io::Result<()> + Sync,
) -> io::Result<Array> {
    let mut prints = Fingerprints::new(text);
    let mut buffers: Vec<Vec<u8>> = Vec::new();
    let mut scratch = Vec::new();
    let mut slot = None;
    for batch in batches {
        if batch.len() < PARALLEL_FINDINGS {
            scratch.clear();
            for i in 0..batch.len() {
                array.next(&mut scratch)?;
                let print = prints.print(&batch, i);
                batch.with(i, &mut slot, |f| write(&mut scratch, f, print.as_str()))?;
            }
            out.write_all(&scratch)?;
            continue;
        }
        let keys: Vec<Cow<str>> = (0..batch.len())
            .into_par_iter()
            .map(|i| key(text, batch.shown_span(i)))
            .collect();
        let occurrences = prints.occurrences(&batch, &keys);
        // Each part is written into a buffer of its own, kept for the next batch:
        // a buffer that grew once is not grown (and copied) again.
        buffers.resize_with(batch.len().div_ceil(FINDINGS_PER_PART), Vec::new);
        let ends: Vec<Array> = buffers[..batch.len().div_ceil(FINDINGS_PER_PART)]
            .par_iter_mut()
            .enumerate()
            .map(|(k, buf)| {
                buf.clear();
                let first = k * FINDINGS_PER_PART;
                let mut at = array.at(first);
                let mut slot = None;
                for i in first..batch.len().min(first + FINDINGS_PER_PART) {
                    at.next(buf)?;
                    let print = fingerprint(batch.rule(i), &keys[i], occurrences[i]);
                    batch.with(i, &mut slot, |f| write(buf, f, print.as_str()))?;
                }
                Ok(at)
            })
            .collect::<io::Result<_>>()?;
        for (buf, at) in buffers.iter().zip(ends) {
            out.write_all(buf)?;
            array = at;
        }
    }
    Ok(array)
}

/// Writes the findings that were suppressed, each with why, as an array at `depth`.
fn suppressed(
    out: &mut impl Write,
    cx: &Cx,
    suppressed: &[Suppressed],
    depth: Depth,
) -> io::Result<()> {
    let mut array = Array::open(out, depth)?;
    let frames = Frames::of(array.inner());
    let mut buf = Vec::new();
    for x in suppressed {
        let print = fingerprint(&x.finding.rule, &key(cx.text, x.finding.shown_span()), 0);
        let print = print.as_str();
        array.next(&mut buf)?;
        finding(&mut buf, cx, &x.finding, print, Some(x), &frames)?;
    }
    out.write_all(&buf)?;
    array.close(out)
}

/// Stable fingerprints for findings: the rule, the matched text (caseless, each
/// run of whitespace as one space; left out when redacted) and which occurrence
/// of that pair it is — never the line number, so a finding keeps its
/// fingerprint when lines are added above it or its paragraph is wrapped anew.
pub fn fingerprints(text: &str, findings: &[Finding]) -> Vec<String> {
    let mut prints = Fingerprints::new(text);
    findings.iter().map(|f| prints.next(f)).collect()
}

/// [`fingerprints`] one finding at a time, in order: what it keeps is one count
/// per distinct rule and text, not a string per finding. The counts are kept in
/// shards by rule and text, so a batch's are counted on every core: each
/// shard's findings in order, which is all an occurrence depends on.
pub struct Fingerprints<'a> {
    text: &'a str,
    seen: Vec<Seen>,
    /// What a finding's text counts as ([`key`], or [`key_as_written`]).
    key: Key,
}

/// What a fingerprint says of a finding's text, from the draft and the span shown.
type Key = for<'t> fn(&'t str, Option<Range<usize>>) -> Cow<'t, str>;

/// How many times each rule and text has been seen.
type Seen = HashMap<Arc<str>, HashMap<String, usize>>;

/// Shards of [`Fingerprints`]' counts.
const SHARDS: usize = 16;

impl<'a> Fingerprints<'a> {
    /// For the findings of the draft `text`.
    pub fn new(text: &'a str) -> Self {
        Fingerprints {
            text,
            seen: (0..SHARDS).map(|_| Seen::default()).collect(),
            key,
        }
    }

    /// As [`Fingerprints::new`], with whitespace as written: the fingerprints
    /// baselines of version 1 hold.
    pub fn as_written(text: &'a str) -> Self {
        Fingerprints {
            key: key_as_written,
            ..Fingerprints::new(text)
        }
    }

    /// The fingerprint of the next finding.
    pub fn next(&mut self, f: &Finding) -> String {
        self.printed(&f.rule, f.shown_span()).as_str().to_owned()
    }

    /// The fingerprint of the next finding, `batch`'s `i`th.
    fn print(&mut self, batch: &Batch, i: usize) -> Print {
        self.printed(batch.rule(i), batch.shown_span(i))
    }

    /// The fingerprint of the next finding, of `rule`, showing `shown`.
    fn printed(&mut self, rule: &Arc<str>, shown: Option<Range<usize>>) -> Print {
        let key = (self.key)(self.text, shown);
        let n = count(&mut self.seen[shard(rule, &key)], rule, &key);
        fingerprint(rule, &key, n)
    }

    /// Which occurrence of its rule and text each of `batch`'s findings is,
    /// their texts being `keys`: counted on every core.
    fn occurrences(&mut self, batch: &Batch, keys: &[Cow<str>]) -> Vec<usize> {
        let shards: Vec<usize> = (keys.par_iter().enumerate())
            .map(|(i, key)| shard(batch.rule(i), key))
            .collect();
        let counted: Vec<Vec<(usize, usize)>> = (self.seen.par_iter_mut().enumerate())
            .map(|(s, seen)| {
                (shards.iter().enumerate())
                    .filter(|&(_, &of)| of == s)
                    .map(|(i, _)| (i, count(seen, batch.rule(i), &keys[i])))
                    .collect()
            })
            .collect();
        let mut occurrences = vec![0; keys.len()];
        for (i, n) in counted.into_iter().flatten() {
            occurrences[i] = n;
        }
        occurrences
    }
}

/// The shard of [`Fingerprints`] that counts `rule` and `key`.
fn shard(rule: &str, key: &str) -> usize {
    use std::hash::{BuildHasher, Hasher};
    let mut h = foldhash::fast::FixedState::with_seed(0).build_hasher();
    h.write(rule.as_bytes());
    h.write(key.as_bytes());
    h.finish() as usize % SHARDS
}

/// Counts one more of `rule` and `key` in `seen`: how many there were before.
fn count(seen: &mut Seen, rule: &Arc<str>, key: &str) -> usize {
    let counts = match seen.get_mut(rule) {
        Some(counts) => counts,
        None => seen.entry(rule.clone()).or_default(),
    };
    match counts.get_mut(key) {
        Some(n) => {
            *n += 1;
            *n - 1
        }
        None => {
            counts.insert(key.to_owned(), 1);
            0
        }
    }
}

/// What a finding's fingerprint says of its text: that of `shown`, caseless,
/// with each run of whitespace as one space, so that a match across lines keeps
/// its fingerprint when its paragraph is wrapped anew.
fn key(text: &str, shown: Option<Range<usize>>) -> Cow<'_, str> {
    match key_as_written(text, shown) {
        Cow::Borrowed(written) => spaced(written),
        Cow::Owned(folded) => match spaced(&folded) {
            Cow::Owned(spaced) => Cow::Owned(spaced),
            Cow::Borrowed(_) => Cow::Owned(folded),
        },
    }
}

/// [`key`] with whitespace as written, as fingerprints had it before runs of
/// whitespace counted as one space (baselines of version 1).
fn key_as_written(text: &str, shown: Option<Range<usize>>) -> Cow<'_, str> {
    let Some(span) = shown else {
        return Cow::Borrowed("");
    };
    let shown = &text[span];
    match shown
        .bytes()
        .any(|b| !b.is_ascii() || b.is_ascii_uppercase())
    {
        false => Cow::Borrowed(shown),
        true => Cow::Owned(fold_letters(shown)),
    }
}

/// A fingerprint: sixteen hex digits.
struct Print([u8; 16]);

impl Print {
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("hex digits")
    }
}

fn fingerprint(rule: &str, key: &str, occurrence: usize) -> Print {
    // FNV-1a, 64 bits: stable across versions and platforms, unlike std's hasher.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [
        rule.as_bytes(),
        &[0],
        key.as_bytes(),
        &[0],
        itoa::Buffer::new().format(occurrence).as_bytes(),
    ] {
        for &b in part {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    // Sixteen hex digits, as `{hash:016x}` writes them.
    let mut digits = [0; 16];
    for (i, d) in digits.iter_mut().enumerate() {
        *d = b"0123456789abcdef"[((hash >> (4 * (15 - i))) & 0xf) as usize];
    }
    Print(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fingerprints are stable across versions: these are what `tenet` 0.1 wrote
    /// for the first findings of a corpus run (rule, folded text, occurrence).
    #[test]
    fn fingerprints_keep_their_values() {
        assert_eq!(
            fingerprint("confidentiality.listed", "will", 0).as_str(),
            "d1ae0be94ab7b534"
        );
        assert_eq!(
            fingerprint("confidentiality.listed", "bateman", 0).as_str(),
            "be9647852adb1f96"
        );
        // Sixteen digits, leading zeros kept, and the occurrence counts.
        for n in 0..2000 {
            let print = fingerprint("r", "k", n).as_str().to_owned();
            assert_eq!(print.len(), 16);
            assert!(print
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
            assert_ne!(print, fingerprint("r", "k", n + 1).as_str());
        }
    }

    /// A match's whitespace counts as one space: wrapped anew, or spaced
    /// otherwise, it keeps its fingerprint, and occurrences count together.
    /// Baselines of version 1 made them with whitespace as written.
    #[test]
    fn whitespace_runs_print_as_one_space() {
        let texts = [
            "All rights reserved",
            "ALL\nrights  reserved",
            "all\r\n\trights reserved",
            "all rights  reserved",
        ];
        let prints = |as_written: bool| -> Vec<String> {
            let text = texts.join(". ");
            let mut prints = match as_written {
                false => Fingerprints::new(&text),
                true => Fingerprints::as_written(&text),
            };
            let mut at = 0;
            texts
                .iter()
                .map(|t| {
                    let f = Finding::plain("c.notice", at..at + t.len(), "m");
                    at += t.len() + 2;
                    prints.next(&f)
                })
                .collect()
        };
        let spaced = prints(false);
        let each = |n| fingerprint("c.notice", "all rights reserved", n);
        assert_eq!(spaced, [0, 1, 2, 3].map(|n| each(n).as_str().to_owned()));
        let written = prints(true);
        assert_eq!(written[0], spaced[0]);
        let own = |key: &str| fingerprint("c.notice", key, 0).as_str().to_owned();
        assert_eq!(written[1], own("all\nrights  reserved"));
        assert_eq!(written[2], own("all\r\n\trights reserved"));
        assert_eq!(written[3], own("all rights  reserved"));
    }

    /// Batches large enough to be counted on every core, one after another,
    /// give each finding the fingerprint that counting them one at a time
    /// gives: occurrences count on across batches, and between findings of
    /// the same text under different rules.
    #[test]
    fn batches_counted_on_every_core_print_as_one_at_a_time() {
        let words = ["will", "Will", "deal", "x1", "unique"];
        let mut text = String::new();
        let mut findings = Vec::new();
        for i in 0..3 * PARALLEL_FINDINGS + 17 {
            // Every seventh a text of its own, the rest a few repeated ones.
            let word = match i % 7 {
                0 => format!("w{i}"),
                _ => words[i % words.len()].to_string(),
            };
            let span = text.len()..text.len() + word.len();
            text.push_str(&word);
            text.push(' ');
            let rule = ["a.one", "b.two"][i % 3 % 2];
            findings.push(Finding::plain(rule, span, "m"));
        }
        let expected = fingerprints(&text, &findings);
        let batches = findings.chunks(PARALLEL_FINDINGS + 5).map(Batch::built);
        let printed = std::sync::Mutex::new(Vec::new());
        let mut out = Vec::new();
        let array = Array::open(&mut out, None).unwrap();
        each_finding(&mut out, &text, batches, array, |_, f, print| {
            printed
                .lock()
                .unwrap()
                .push((f.span.start, print.to_owned()));
            Ok(())
        })
        .unwrap();
        let mut printed = printed.into_inner().unwrap();
        printed.sort();
        let printed: Vec<String> = printed.into_iter().map(|(_, p)| p).collect();
        assert_eq!(printed, expected);
        let distinct: std::collections::HashSet<&String> = expected.iter().collect();
        assert_eq!(distinct.len(), expected.len());
    }
}
