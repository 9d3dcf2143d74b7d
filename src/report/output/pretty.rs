//! JSON written a piece at a time, byte for byte as `serde_json` would write the
//! whole: objects and arrays opened and closed here, values serialized by
//! `serde_json` with its pretty printing started at the depth they sit at. A document can then go
//! out a file at a time, and a long array's elements can be written on several
//! cores and joined in order.

use std::io::{self, Write};

use serde::Serialize;

/// How deep a value sits in a pretty document (`Some(0)` at the top), or `None`
/// for JSON on one line.
pub(super) type Depth = Option<usize>;

/// One level deeper.
pub(super) fn inner(depth: Depth) -> Depth {
    depth.map(|d| d + 1)
}

/// A line break and the indentation of the usual depths (up to 16).
const INDENTED: &[u8; 33] = b"\n                                ";

/// A line break and the indentation of `depth`, in a pretty document: one
/// write for the usual depths.
fn newline<W: ?Sized + Write>(out: &mut W, depth: Depth) -> io::Result<()> {
    let Some(d) = depth else {
        return Ok(());
    };
    match INDENTED.get(..1 + 2 * d) {
        Some(line) => out.write_all(line),
        None => {
            out.write_all(b"\n")?;
            (0..d).try_for_each(|_| out.write_all(b"  "))
        }
    }
}

/// Writes `value` as it appears at `depth`.
pub(super) fn value(out: &mut impl Write, value: &impl Serialize, depth: Depth) -> io::Result<()> {
    match depth {
        None => serde_json::to_writer(out, value)?,
        Some(d) => value.serialize(&mut serde_json::Serializer::with_formatter(
            out,
            Indented::at(d),
        ))?,
    }
    Ok(())
}

/// Writes `s` as a JSON string, escaped as `serde_json` escapes it: most strings
/// need nothing escaped and are copied as they are.
pub(super) fn string(out: &mut impl Write, s: &str) -> io::Result<()> {
    if s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        return Ok(serde_json::to_writer(out, s)?);
    }
    out.write_all(b"\"")?;
    out.write_all(s.as_bytes())?;
    out.write_all(b"\"")
}

/// `serde_json`'s pretty printing (two spaces a level) of a value that starts
/// `indent` levels deep.
struct Indented {
    indent: usize,
    has_value: bool,
}

impl Indented {
    fn at(indent: usize) -> Indented {
        Indented {
            indent,
            has_value: false,
        }
    }

    fn open<W: ?Sized + Write>(&mut self, out: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.indent += 1;
        self.has_value = false;
        out.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, out: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.indent -= 1;
        if self.has_value {
            newline(out, Some(self.indent))?;
        }
        out.write_all(bracket)
    }

    fn item<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        if !first {
            out.write_all(b",")?;
        }
        newline(out, Some(self.indent))
    }
}

impl serde_json::ser::Formatter for Indented {
    fn begin_array<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.open(out, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.close(out, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        self.item(out, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.open(out, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.close(out, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        self.item(out, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        out.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// An object being written: `{`, its fields, `}`.
#[derive(Clone)]
pub(super) struct Object {
    depth: Depth,
    empty: bool,
}

impl Object {
    /// Opens an object at `depth`.
    pub(super) fn open(out: &mut impl Write, depth: Depth) -> io::Result<Object> {
        out.write_all(b"{")?;
        Ok(Object { depth, empty: true })
    }

    /// Writes the next key (a plain name: it is not escaped); its value follows
    /// at [`Object::inner`].
    pub(super) fn key(&mut self, out: &mut impl Write, key: &str) -> io::Result<()> {
        let comma: &[u8] = if self.empty { b"" } else { b"," };
        self.empty = false;
        let colon: &[u8] = if self.depth.is_some() {
            b"\": "
        } else {
            b"\":"
        };
        out.write_all(comma)?;
        newline(out, self.inner())?;
        out.write_all(b"\"")?;
        out.write_all(key.as_bytes())?;
        out.write_all(colon)
    }

    /// Writes a field.
    pub(super) fn field(
        &mut self,
        out: &mut impl Write,
        key: &str,
        v: &impl Serialize,
    ) -> io::Result<()> {
        self.key(out, key)?;
        value(out, v, self.inner())
    }

    /// The depth of the object's values.
    pub(super) fn inner(&self) -> Depth {
        inner(self.depth)
    }

    /// Closes the object.
    pub(super) fn close(self, out: &mut impl Write) -> io::Result<()> {
        if !self.empty {
            newline(out, self.depth)?;
        }
        out.write_all(b"}")
    }
}

/// An array being written: `[`, its elements, `]`.
#[derive(Clone, Copy)]
pub(super) struct Array {
    depth: Depth,
    len: usize,
}

impl Array {
    /// Opens an array at `depth`.
    pub(super) fn open(out: &mut impl Write, depth: Depth) -> io::Result<Array> {
        out.write_all(b"[")?;
        Ok(Array { depth, len: 0 })
    }

    /// Writes what goes before the next element, which follows at
    /// [`Array::inner`].
    pub(super) fn next(&mut self, out: &mut impl Write) -> io::Result<()> {
        if self.len > 0 {
            out.write_all(b",")?;
        }
        self.len += 1;
        newline(out, self.inner())
    }

    /// Writes the next element.
    pub(super) fn element(&mut self, out: &mut impl Write, v: &impl Serialize) -> io::Result<()> {
        self.next(out)?;
        value(out, v, self.inner())
    }

    /// The array as it will be `ahead` elements on: a part of it written apart
    /// starts there, and what it ends as goes on after that part.
    pub(super) fn at(&self, ahead: usize) -> Array {
        Array {
            len: self.len + ahead,
            ..*self
        }
    }

    /// The depth of the array's elements.
    pub(super) fn inner(&self) -> Depth {
        inner(self.depth)
    }

    /// Closes the array.
    pub(super) fn close(self, out: &mut impl Write) -> io::Result<()> {
        if self.len > 0 {
            newline(out, self.depth)?;
        }
        out.write_all(b"]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// `value` written with [`Object`] and [`Array`], field by field.
    fn by_pieces(value: &serde_json::Value, depth: Depth) -> Vec<u8> {
        let mut out = Vec::new();
        let serde_json::Value::Object(map) = value else {
            panic!("an object")
        };
        let mut o = Object::open(&mut out, depth).unwrap();
        for (k, v) in map {
            match v {
                serde_json::Value::Array(items) => {
                    o.key(&mut out, k).unwrap();
                    let mut a = Array::open(&mut out, o.inner()).unwrap();
                    for item in items {
                        a.element(&mut out, item).unwrap();
                    }
                    a.close(&mut out).unwrap();
                }
                serde_json::Value::String(v) => {
                    o.key(&mut out, k).unwrap();
                    string(&mut out, v).unwrap();
                }
                v => o.field(&mut out, k, v).unwrap(),
            }
        }
        o.close(&mut out).unwrap();
        out
    }

    #[test]
    fn pieces_are_written_as_serde_json_writes_the_whole() {
        for value in [
            json!({}),
            json!({"a": []}),
            json!({"version": 1, "files": [{"x": [1, {"y": "line\nbreak"}], "z": {}}, {}], "s": "é\"\\"}),
            json!({"nested": {"deeper": {"list": [[], [1, 2], {"k": null}]}}, "n": 1.5}),
            json!({"s": "plain", "t": true, "f": false, "z": null, "u": 18446744073709551615u64, "i": -3}),
            json!({"escaped": "tab\t, quote \", back \\, \u{1}, “curly” and é", "": "", "long key of a field, longer than a line's usual key": "x"}),
        ] {
            let pretty = serde_json::to_vec_pretty(&value).unwrap();
            assert_eq!(
                String::from_utf8(by_pieces(&value, Some(0))).unwrap(),
                String::from_utf8(pretty).unwrap()
            );
            let compact = serde_json::to_vec(&value).unwrap();
            assert_eq!(by_pieces(&value, None), compact);
        }
    }

    /// An object deeper than the usual depths is written field by field as
    /// `serde_json` writes it there, whatever its keys' lengths.
    #[test]
    fn fields_deep_down_are_written_as_serde_json_writes_them() {
        let object = json!({"a": "x", "b": 1, "c": true, "d": null, "e": [1], "k".repeat(80): "y"});
        for depth in [0, 1, 15, 16, 17, 30] {
            let mut whole = Vec::new();
            value(&mut whole, &object, Some(depth)).unwrap();
            assert_eq!(
                String::from_utf8(by_pieces(&object, Some(depth))).unwrap(),
                String::from_utf8(whole).unwrap(),
                "depth {depth}"
            );
        }
    }

    #[test]
    fn a_value_deeper_down_is_indented_to_its_depth() {
        let mut out = Vec::new();
        value(&mut out, &json!({"a": [1]}), Some(2)).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\n      \"a\": [\n        1\n      ]\n    }"
        );
    }

    /// Past the depths indented in one write, each level is two more spaces.
    #[test]
    fn indentation_past_the_usual_depths_goes_on_two_spaces_a_level() {
        for depth in [0, 15, 16, 17, 40] {
            let mut out = Vec::new();
            value(&mut out, &json!([1]), Some(depth)).unwrap();
            let pad = |d: usize| "  ".repeat(d);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                format!("[\n{}1\n{}]", pad(depth + 1), pad(depth))
            );
        }
    }
}
