//! A finding's JSON: its values written over the [`Frame`] of findings at its
//! depth.

use std::borrow::Cow;
use std::io;
use std::ops::Range;
use std::sync::OnceLock;

use serde::Serialize;

use super::Cx;
use crate::report::finding::Finding;
use crate::report::output::frame::{Field, Frame, Over};
use crate::report::output::pretty::{value, Array, Depth};
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

const POSITION: &[Field] = &[
    Field::Value("line"),
    Field::Value("column"),
    Field::Value("utf16"),
    Field::Value("byte_column"),
];

/// The fields of every finding, in the order they are written.
const FINDING: &[Field] = &[
    Field::Value("rule"),
    Field::Value("category"),
    Field::Value("level"),
    Field::Value("message"),
    Field::Object("span", &[Field::Value("start"), Field::Value("end")]),
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

/// The frames of findings at one depth: a finding's, a suppressed one's.
#[derive(Clone)]
pub(super) struct Frames {
    plain: Frame,
    suppressed: Frame,
}

impl Frames {
    fn at(depth: Depth) -> Frames {
        Frames {
            plain: Frame::lay(depth, &[FINDING]),
            suppressed: Frame::lay(depth, &[FINDING, SUPPRESSED]),
        }
    }

    /// The frames of findings at `depth`: laid down on first use at the
    /// depths documents put findings, afresh deeper down.
    pub(super) fn of(depth: Depth) -> Cow<'static, Frames> {
        static FRAMES: [OnceLock<Frames>; 8] = [const { OnceLock::new() }; 8];
        match FRAMES.get(depth.map_or(0, |d| d + 1)) {
            Some(frames) => Cow::Borrowed(frames.get_or_init(|| Frames::at(depth))),
            None => Cow::Owned(Frames::at(depth)),
        }
    }
}

fn position(o: &mut Over, at: Position) {
    for v in [at.line, at.column, at.utf16, at.byte_column] {
        o.uint(v as usize);
    }
}

/// Writes a finding as an object over `frame`; a suppressed one says why and where.
pub(super) fn finding(
    out: &mut Vec<u8>,
    cx: &Cx,
    f: &Finding,
    fingerprint: &str,
    suppressed: Option<&Suppressed>,
    frames: &Frames,
) -> io::Result<()> {
    let (start, end) = cx.index.span(cx.text, &f.span);
    let frame = match suppressed {
        None => &frames.plain,
        Some(_) => &frames.suppressed,
    };
    let mut o = frame.over(out);
    o.str(&f.rule)?;
    o.str(&f.category)?;
    o.str(f.level.as_str())?;
    o.str(&f.message)?;
    o.uint(f.span.start);
    o.uint(f.span.end);
    position(&mut o, start);
    position(&mut o, end);
    let shown = f.shown_span().map(|span| cx.redactions.mask(cx.text, span));
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
    if let Some(s) = suppressed {
        o.str_or_null(s.reason.as_deref())?;
        value(o.next(), &cx.located(&s.directive), frame.inner)?;
    }
    o.end();
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
            let frames = Frames::of(depth);
            for (f, suppressed) in [
                (&plain, None),
                (&full, None),
                (&redacted, None),
                (&plain, Some(&why)),
            ] {
                let mut out = Vec::new();
                finding(&mut out, &cx, f, "0123abcd", suppressed, &frames).unwrap();
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
