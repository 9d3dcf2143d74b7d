//! A finding's JSON: the bytes every finding at a depth shares, laid down
//! once, and its values written between them.

use std::borrow::Cow;
use std::io;
use std::ops::Range;
use std::sync::OnceLock;

use serde::Serialize;

use super::Cx;
use crate::report::finding::Finding;
use crate::report::output::pretty::{inner, string, value, Array, Depth, Object};
use crate::report::suppress::Suppressed;
use crate::text::line_index::Position;

#[derive(Serialize)]
struct LocatedSpan {
    start: usize,
    end: usize,
    start_position: Position,
    end_position: Position,
}

#[derive(Serialize)]
struct EditJson<'a> {
    span: LocatedSpan,
    text: &'a str,
}

#[derive(Serialize)]
struct FixJson<'a> {
    title: &'a str,
    safe: bool,
    edits: Vec<EditJson<'a>>,
}

impl Cx<'_> {
    fn located(&self, r: &Range<usize>) -> LocatedSpan {
        let (start_position, end_position) = self.index.span(self.text, r);
        LocatedSpan {
            start: r.start,
            end: r.end,
            start_position,
            end_position,
        }
    }
}

/// A finding's fields in order: a value, or an object of values.
enum Field {
    Value(&'static str),
    Object(&'static str, &'static [&'static str]),
}

const POSITION: &[&str] = &["line", "column", "utf16", "byte_column"];

/// The fields of every finding, in the order they are written.
const FINDING: &[Field] = &[
    Field::Value("rule"),
    Field::Value("category"),
    Field::Value("level"),
    Field::Value("message"),
    Field::Object("span", &["start", "end"]),
    Field::Object("start", POSITION),
    Field::Object("end", POSITION),
    Field::Value("match"),
    Field::Value("redacted"),
    Field::Value("document"),
    Field::Value("review"),
    Field::Value("suggestions"),
    Field::Value("fix"),
    Field::Value("evidence"),
    Field::Value("link"),
    Field::Value("fingerprint"),
];

/// The fields a suppressed finding has after those.
const SUPPRESSED: &[Field] = &[Field::Value("reason"), Field::Value("directive")];

/// What a finding's JSON at one depth holds whatever the finding: braces, keys,
/// line breaks and indentation, laid down once by the same [`Object`] writes
/// that would write them field by field. A finding is then its values with
/// these between them: a copy of each, where a key alone took five.
#[derive(Clone)]
pub(super) struct Frame {
    /// Before each value of [`FINDING`], then of [`SUPPRESSED`].
    gaps: Vec<Box<[u8]>>,
    /// After the last value of a finding, of a suppressed one.
    end: Box<[u8]>,
    end_suppressed: Box<[u8]>,
    /// The depth of the finding's values.
    inner: Depth,
}

impl Frame {
    fn at(depth: Depth) -> Frame {
        Frame::laid(depth).expect("a Vec takes every write")
    }

    fn laid(depth: Depth) -> io::Result<Frame> {
        let mut gaps = Vec::new();
        let mut gap = Vec::new();
        let mut o = Object::open(&mut gap, depth)?;
        lay(&mut o, FINDING, &mut gap, &mut gaps)?;
        let mut end = gap.clone();
        o.clone().close(&mut end)?;
        lay(&mut o, SUPPRESSED, &mut gap, &mut gaps)?;
        o.close(&mut gap)?;
        Ok(Frame {
            gaps,
            end: end.into(),
            end_suppressed: gap.into(),
            inner: inner(depth),
        })
    }

    /// The frame of findings at `depth`: laid down on first use at the depths
    /// documents put findings, afresh deeper down.
    pub(super) fn of(depth: Depth) -> Cow<'static, Frame> {
        static FRAMES: [OnceLock<Frame>; 8] = [const { OnceLock::new() }; 8];
        match FRAMES.get(depth.map_or(0, |d| d + 1)) {
            Some(frame) => Cow::Borrowed(frame.get_or_init(|| Frame::at(depth))),
            None => Cow::Owned(Frame::at(depth)),
        }
    }
}

/// Lays down `fields` of the object `o`, each gap cut off before a value.
fn lay(
    o: &mut Object,
    fields: &[Field],
    gap: &mut Vec<u8>,
    gaps: &mut Vec<Box<[u8]>>,
) -> io::Result<()> {
    for field in fields {
        match *field {
            Field::Value(key) => {
                o.key(gap, key)?;
                gaps.push(std::mem::take(gap).into());
            }
            Field::Object(key, keys) => {
                o.key(gap, key)?;
                let mut inner = Object::open(gap, o.inner())?;
                for key in keys {
                    inner.key(gap, key)?;
                    gaps.push(std::mem::take(gap).into());
                }
                inner.close(gap)?;
            }
        }
    }
    Ok(())
}

/// A finding being written over its [`Frame`]: each value follows the next gap.
struct Over<'a> {
    out: &'a mut Vec<u8>,
    gaps: std::slice::Iter<'a, Box<[u8]>>,
}

impl Over<'_> {
    /// The output, after the gap before the next value.
    fn next(&mut self) -> &mut Vec<u8> {
        let gap = self.gaps.next().expect("a gap before every value");
        self.out.extend_from_slice(gap);
        self.out
    }

    fn uint(&mut self, v: usize) {
        let out = self.next();
        out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
    }

    fn bool(&mut self, v: bool) {
        let out = self.next();
        out.extend_from_slice(if v { b"true" } else { b"false" });
    }

    fn str(&mut self, v: &str) -> io::Result<()> {
        string(self.next(), v)
    }

    fn str_or_null(&mut self, v: Option<&str>) -> io::Result<()> {
        match v {
            Some(v) => self.str(v),
            None => {
                self.next().extend_from_slice(b"null");
                Ok(())
            }
        }
    }

    fn position(&mut self, at: Position) {
        for v in [at.line, at.column, at.utf16, at.byte_column] {
            self.uint(v as usize);
        }
    }
}

/// Writes a finding as an object over `frame`; a suppressed one says why and where.
pub(super) fn finding(
    out: &mut Vec<u8>,
    cx: &Cx,
    f: &Finding,
    fingerprint: &str,
    suppressed: Option<&Suppressed>,
    frame: &Frame,
) -> io::Result<()> {
    let (start, end) = cx.index.span(cx.text, &f.span);
    let mut o = Over {
        out,
        gaps: frame.gaps.iter(),
    };
    o.str(&f.rule)?;
    o.str(&f.category)?;
    o.str(f.level.as_str())?;
    o.str(&f.message)?;
    o.uint(f.span.start);
    o.uint(f.span.end);
    o.position(start);
    o.position(end);
    let shown = (!f.redacted && !f.document).then(|| cx.redactions.mask(cx.text, f.span.clone()));
    o.str_or_null(shown.as_deref())?;
    o.bool(f.redacted);
    o.bool(f.document);
    o.bool(f.review);
    match f.suggestions.is_empty() {
        true => o.next().extend_from_slice(b"[]"),
        false => value(o.next(), &f.suggestions, frame.inner)?,
    }
    match &f.fix {
        None => o.next().extend_from_slice(b"null"),
        Some(fix) => {
            let fix = FixJson {
                title: &fix.title,
                safe: fix.safe,
                edits: fix
                    .edits
                    .iter()
                    .map(|e| EditJson {
                        span: cx.located(&e.span),
                        text: &e.text,
                    })
                    .collect(),
            };
            value(o.next(), &fix, frame.inner)?
        }
    }
    let mut evidence = Array::open(o.next(), frame.inner)?;
    for e in &f.evidence {
        evidence.element(o.out, &cx.located(e))?;
    }
    evidence.close(o.out)?;
    o.str_or_null(f.link.as_deref())?;
    o.str(fingerprint)?;
    let end = match suppressed {
        None => &frame.end,
        Some(s) => {
            o.str_or_null(s.reason.as_deref())?;
            value(o.next(), &cx.located(&s.directive), frame.inner)?;
            &frame.end_suppressed
        }
    };
    o.out.extend_from_slice(end);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::finding::{Edit, Fix};
    use crate::report::Redactions;
    use crate::text::line_index::LineIndex;

    /// A finding's JSON over its frame is what `serde_json` writes for the same
    /// value at that depth, on one line or pretty, near the top or far down;
    /// with and without a fix, evidence, suggestions, a link, a suppression.
    #[test]
    fn findings_over_a_frame_are_what_serde_json_writes() {
        let text = "Say “hi” to\n\"Ann\"\tthere\n";
        let cx = Cx {
            text,
            index: LineIndex::new(text),
            redactions: &Redactions::default(),
        };
        let plain = Finding {
            category: "a".into(),
            ..Finding::plain("a.b", 4..12, "“quoted” \"text\"")
        };
        let full = Finding {
            suggestions: vec!["hello".into(), "a \"b\"".into()],
            fix: Some(Box::new(Fix {
                edits: vec![Edit {
                    span: 4..12,
                    text: "hello".into(),
                }],
                safe: true,
                title: "Say hello".into(),
            })),
            evidence: vec![0..3, 14..19],
            link: Some("https://example.com/a".into()),
            review: true,
            ..plain.clone()
        };
        let redacted = Finding {
            redacted: true,
            ..full.clone()
        };
        let why = Suppressed {
            finding: plain.clone(),
            reason: Some("said \"so\"".into()),
            directive: 13..20,
        };
        for depth in [None, Some(0), Some(4), Some(6), Some(7), Some(12)] {
            let frame = Frame::of(depth);
            for (f, suppressed) in [
                (&plain, None),
                (&full, None),
                (&redacted, None),
                (&plain, Some(&why)),
            ] {
                let mut out = Vec::new();
                finding(&mut out, &cx, f, "0123abcd", suppressed, &frame).unwrap();
                let parsed: serde_json::Value = serde_json::from_slice(&out).unwrap();
                let mut again = Vec::new();
                value(&mut again, &parsed, depth).unwrap();
                assert_eq!(
                    String::from_utf8(out).unwrap(),
                    String::from_utf8(again).unwrap(),
                    "depth {depth:?}"
                );
                assert_eq!(parsed["match"].is_null(), f.redacted);
                assert_eq!(parsed["reason"].is_null(), suppressed.is_none());
                assert_eq!(parsed["start"]["line"], 1);
                assert_eq!(parsed["end"]["utf16"], 9);
            }
        }
    }
}
