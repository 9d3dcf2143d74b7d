//! An object whose keys are the same from one to the next (a finding, a SARIF
//! result): the bytes every such object at a depth shares, laid down once by
//! the same [`Object`] writes that would write it field by field, and its
//! values written between them, one copy each where a key alone took five.

use std::io;

use super::pretty::{inner, string, Array, Depth, Object};

/// One field of such an object.
pub(super) enum Field {
    /// A value written in the gap after its key.
    Value(&'static str),
    /// An object of these fields.
    Object(&'static str, &'static [Field]),
    /// An array holding one object of these fields.
    Single(&'static str, &'static [Field]),
}

/// What an object of given fields at one depth holds whatever its values:
/// braces, brackets, keys, line breaks and indentation.
#[derive(Clone)]
pub(super) struct Frame {
    /// Before each value, in the order of the fields.
    gaps: Vec<Box<[u8]>>,
    /// After the last value.
    end: Box<[u8]>,
    /// The depth of the object's own values.
    pub(super) inner: Depth,
}

impl Frame {
    /// The frame of an object at `depth` holding the fields of `lists`, one
    /// list after another.
    pub(super) fn lay(depth: Depth, lists: &[&[Field]]) -> Frame {
        let mut gaps = Vec::new();
        let mut gap = Vec::new();
        let mut o = Object::open(&mut gap, depth).expect("a Vec takes every write");
        for fields in lists {
            lay(&mut o, fields, &mut gap, &mut gaps).expect("a Vec takes every write");
        }
        o.close(&mut gap).expect("a Vec takes every write");
        Frame {
            gaps,
            end: gap.into(),
            inner: inner(depth),
        }
    }

    /// An object written over this frame at the end of `out`.
    pub(super) fn over<'a>(&'a self, out: &'a mut Vec<u8>) -> Over<'a> {
        Over {
            out,
            gaps: self.gaps.iter(),
            end: &self.end,
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
            Field::Object(key, fields) => {
                o.key(gap, key)?;
                let mut inner = Object::open(gap, o.inner())?;
                lay(&mut inner, fields, gap, gaps)?;
                inner.close(gap)?;
            }
            Field::Single(key, fields) => {
                o.key(gap, key)?;
                let mut array = Array::open(gap, o.inner())?;
                array.next(gap)?;
                let mut inner = Object::open(gap, array.inner())?;
                lay(&mut inner, fields, gap, gaps)?;
                inner.close(gap)?;
                array.close(gap)?;
            }
        }
    }
    Ok(())
}

/// An object being written over its [`Frame`]: each value follows the next gap.
pub(super) struct Over<'a> {
    pub(super) out: &'a mut Vec<u8>,
    gaps: std::slice::Iter<'a, Box<[u8]>>,
    end: &'a [u8],
}

impl Over<'_> {
    /// The output, after the gap before the next value.
    pub(super) fn next(&mut self) -> &mut Vec<u8> {
        let gap = self.gaps.next().expect("a gap before every value");
        self.out.extend_from_slice(gap);
        self.out
    }

    pub(super) fn uint(&mut self, v: usize) {
        let out = self.next();
        out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
    }

    pub(super) fn bool(&mut self, v: bool) {
        let out = self.next();
        out.extend_from_slice(if v { b"true" } else { b"false" });
    }

    pub(super) fn str(&mut self, v: &str) -> io::Result<()> {
        string(self.next(), v)
    }

    pub(super) fn str_or_null(&mut self, v: Option<&str>) -> io::Result<()> {
        match v {
            Some(v) => self.str(v),
            None => {
                self.next().extend_from_slice(b"null");
                Ok(())
            }
        }
    }

    /// Writes what comes after the last value.
    pub(super) fn end(self) {
        debug_assert!(self.gaps.len() == 0, "a value for every gap");
        self.out.extend_from_slice(self.end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::output::pretty::value;
    use serde_json::json;

    const INNER: &[Field] = &[Field::Value("x"), Field::Value("y")];
    const FIELDS: &[Field] = &[
        Field::Value("a"),
        Field::Object("o", INNER),
        Field::Single("list", &[Field::Object("deep", INNER), Field::Value("z")]),
    ];
    const MORE: &[Field] = &[Field::Value("b")];

    /// An object over a frame is what `serde_json` writes for it at that depth,
    /// on one line or pretty, near the top or far down.
    #[test]
    fn objects_over_a_frame_are_what_serde_json_writes() {
        let expected = json!({
            "a": "s \"q\"",
            "o": {"x": 1, "y": true},
            "list": [{"deep": {"x": 2, "y": null}, "z": "é"}],
            "b": false
        });
        for depth in [None, Some(0), Some(3), Some(15), Some(20)] {
            let frame = Frame::lay(depth, &[FIELDS, MORE]);
            let mut out = Vec::new();
            let mut o = frame.over(&mut out);
            o.str("s \"q\"").unwrap();
            o.uint(1);
            o.bool(true);
            o.uint(2);
            o.str_or_null(None).unwrap();
            o.str_or_null(Some("é")).unwrap();
            o.bool(false);
            o.end();
            let mut again = Vec::new();
            value(&mut again, &expected, depth).unwrap();
            assert_eq!(
                String::from_utf8(out).unwrap(),
                String::from_utf8(again).unwrap(),
                "depth {depth:?}"
            );
        }
    }
}
