//! The encodings a draft is read in, and written back in when it is fixed:
//! UTF-16 after a byte-order mark (what Notepad and Word save as "Unicode"),
//! else UTF-8, else Windows-1252 (what old mail and Office text usually is).
//! A byte-order mark is no part of the text (a title after one is still a
//! title, and columns count from the first character an editor shows). A fixed
//! draft goes back in the encoding it came in, mark and all, so that mending
//! "you guys" does not re-encode every other character of the file.

use std::borrow::Cow;

/// How a draft's bytes were read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8, after a byte-order mark or not.
    Utf8 { bom: bool },
    /// UTF-16 after its byte-order mark.
    Utf16 { big_endian: bool },
    /// Windows-1252: bytes that are not UTF-8, each one character.
    Windows1252,
}

impl Default for Encoding {
    fn default() -> Encoding {
        Encoding::Utf8 { bom: false }
    }
}

impl std::fmt::Display for Encoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Encoding::Utf8 { .. } => "UTF-8",
            Encoding::Utf16 { big_endian: false } => "UTF-16LE",
            Encoding::Utf16 { big_endian: true } => "UTF-16BE",
            Encoding::Windows1252 => "Windows-1252",
        })
    }
}

impl Encoding {
    /// How the JSON output names an encoding other than plain UTF-8, in whose
    /// files byte offsets (which count the text as UTF-8, without a mark) are
    /// not the file's own; `None` for plain UTF-8.
    pub fn label(&self) -> Option<&'static str> {
        match self {
            Encoding::Utf8 { bom: false } => None,
            Encoding::Utf8 { bom: true } => Some("utf-8-bom"),
            Encoding::Utf16 { big_endian: false } => Some("utf-16le"),
            Encoding::Utf16 { big_endian: true } => Some("utf-16be"),
            Encoding::Windows1252 => Some("windows-1252"),
        }
    }
}

/// Bytes after a UTF-16 byte-order mark that do not make characters: a lone
/// surrogate, or an odd byte at the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidUtf16;

impl std::fmt::Display for InvalidUtf16 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not valid UTF-16 after its byte-order mark")
    }
}

/// Whether `head`, a file's first bytes, begins with a UTF-16 byte-order mark,
/// and which: `Some(true)` for big-endian. `FF FE 00 00` is UTF-32's mark, not
/// UTF-16's.
fn utf16_mark(head: &[u8]) -> Option<bool> {
    match head {
        [0xFF, 0xFE, 0, 0, ..] => None,
        [0xFF, 0xFE, ..] => Some(false),
        [0xFE, 0xFF, ..] => Some(true),
        _ => None,
    }
}

/// Whether a file whose first bytes are `head` is binary: it holds a NUL byte
/// and is not UTF-16 (whose ASCII characters each hold one).
pub fn is_binary(head: &[u8]) -> bool {
    utf16_mark(head).is_none() && head.contains(&0)
}

/// The text of a draft's bytes, without a byte-order mark, and the encoding
/// they were in: UTF-16 after its mark, else UTF-8 when valid, else
/// Windows-1252.
pub fn decode(bytes: Vec<u8>) -> Result<(String, Encoding), InvalidUtf16> {
    if let Some(big_endian) = utf16_mark(&bytes) {
        let text = decode_utf16(&bytes[2..], big_endian)?;
        return Ok((text, Encoding::Utf16 { big_endian }));
    }
    let (bom, utf8) = utf8_after_mark(bytes);
    Ok(match utf8 {
        Ok(text) => (text, Encoding::Utf8 { bom }),
        // Not UTF-8 after all: a mark's three bytes are Windows-1252 text too.
        Err((bytes, _)) => (windows_1252(&bytes), Encoding::Windows1252),
    })
}

/// The text of a file that must be Unicode (a list, a configuration, a
/// token), without a byte-order mark: UTF-16 after its mark, else UTF-8. No
/// encoding is guessed: other bytes are an error that says where.
pub fn decode_unicode(bytes: Vec<u8>) -> Result<String, String> {
    if let Some(big_endian) = utf16_mark(&bytes) {
        return decode_utf16(&bytes[2..], big_endian).map_err(|e| e.to_string());
    }
    utf8_after_mark(bytes)
        .1
        .map_err(|(_, at)| format!("not UTF-8 (the first bad byte is at offset {at})"))
}

/// UTF-8's byte-order mark.
const UTF8_BOM: &[u8] = b"\xef\xbb\xbf";

/// Whether `bytes` open with UTF-8's byte-order mark, and the text after it;
/// or, when that is not UTF-8, all the bytes (the mark's too) and the offset
/// of the first bad one.
fn utf8_after_mark(mut bytes: Vec<u8>) -> (bool, Result<String, (Vec<u8>, usize)>) {
    let bom = bytes.starts_with(UTF8_BOM);
    let mark = if bom { UTF8_BOM.len() } else { 0 };
    bytes.drain(..mark);
    let utf8 = String::from_utf8(bytes).map_err(|e| {
        let at = mark + e.utf8_error().valid_up_to();
        let mut bytes = e.into_bytes();
        bytes.splice(..0, UTF8_BOM[..mark].iter().copied());
        (bytes, at)
    });
    (bom, utf8)
}

/// UTF-8 when valid, else Windows-1252: a line of a stream, which is never
/// written back.
pub fn utf8_or_windows_1252(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => windows_1252(e.as_bytes()),
    }
}

/// The text of a file that must be Unicode, read whatever its bytes: as
/// [`decode_unicode`] reads it; or, when the bytes are not Unicode, with U+FFFD
/// for what is not, and the offset in the text of the first, with what is
/// wrong. A rule file is read so: its errors are shown under its text.
pub fn decode_unicode_lossy(bytes: Vec<u8>) -> (String, Option<(usize, String)>) {
    if let Some(big_endian) = utf16_mark(&bytes) {
        let (mut text, mut bad) = (String::new(), None);
        for c in char::decode_utf16(utf16_units(&bytes[2..], big_endian)) {
            let c = c.unwrap_or_else(|_| {
                bad.get_or_insert(text.len());
                char::REPLACEMENT_CHARACTER
            });
            text.push(c);
        }
        if bytes.len() % 2 != 0 {
            bad.get_or_insert(text.len());
            text.push(char::REPLACEMENT_CHARACTER);
        }
        return (text, bad.map(|at| (at, InvalidUtf16.to_string())));
    }
    match utf8_after_mark(bytes) {
        (_, Ok(text)) => (text, None),
        (bom, Err((bytes, at))) => {
            let mark = if bom { UTF8_BOM.len() } else { 0 };
            let text = String::from_utf8_lossy(&bytes[mark..]).into_owned();
            (text, Some((at - mark, "not UTF-8".to_string())))
        }
    }
}

/// The 16-bit units of UTF-16 `bytes` (an odd last byte left out).
fn utf16_units(bytes: &[u8], big_endian: bool) -> impl Iterator<Item = u16> + '_ {
    bytes.chunks_exact(2).map(move |pair| {
        let pair = [pair[0], pair[1]];
        if big_endian {
            u16::from_be_bytes(pair)
        } else {
            u16::from_le_bytes(pair)
        }
    })
}

fn decode_utf16(bytes: &[u8], big_endian: bool) -> Result<String, InvalidUtf16> {
    if bytes.len() % 2 != 0 {
        return Err(InvalidUtf16);
    }
    char::decode_utf16(utf16_units(bytes, big_endian))
        .collect::<Result<String, _>>()
        .map_err(|_| InvalidUtf16)
}

/// The characters of Windows-1252's bytes 0x80 to 0x9F. The five it leaves
/// undefined are read as the C1 controls of the same number, as Windows does,
/// so that every byte is a character of its own and comes back as itself.
const HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
];

fn windows_1252(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9F => HIGH[usize::from(b - 0x80)],
            _ => char::from(b),
        })
        .collect()
}

/// The Windows-1252 byte of `c`, if it has one.
fn windows_1252_byte(c: char) -> Option<u8> {
    match u32::from(c) {
        b @ (0..=0x7F | 0xA0..=0xFF) => Some(b as u8),
        _ => HIGH.iter().position(|&h| h == c).map(|i| 0x80 + i as u8),
    }
}

impl Encoding {
    /// Whether a text in this encoding can hold `text` as it is.
    pub fn holds(self, text: &str) -> bool {
        match self {
            Encoding::Utf8 { .. } | Encoding::Utf16 { .. } => true,
            Encoding::Windows1252 => text.chars().all(|c| windows_1252_byte(c).is_some()),
        }
    }

    /// `text` in this encoding, after its byte-order mark, or `None` when it
    /// holds a character this encoding has none for.
    pub fn encode(self, text: &str) -> Option<Cow<'_, [u8]>> {
        match self {
            Encoding::Utf8 { bom: false } => Some(Cow::Borrowed(text.as_bytes())),
            Encoding::Utf8 { bom: true } => Some(Cow::Owned([UTF8_BOM, text.as_bytes()].concat())),
            Encoding::Utf16 { big_endian } => Some(Cow::Owned(
                std::iter::once('\u{feff}' as u16)
                    .chain(text.encode_utf16())
                    .flat_map(|u| match big_endian {
                        true => u.to_be_bytes(),
                        false => u.to_le_bytes(),
                    })
                    .collect(),
            )),
            Encoding::Windows1252 => text
                .chars()
                .map(windows_1252_byte)
                .collect::<Option<Vec<u8>>>()
                .map(Cow::Owned),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_is_not_utf8_is_windows_1252() {
        let read = |bytes: &[u8]| decode(bytes.to_vec()).unwrap();
        let utf8 = Encoding::Utf8 { bom: false };
        assert_eq!(read(b"caf\xc3\xa9"), ("café".into(), utf8));
        assert_eq!(
            read(b"caf\xe9 \x93q\x94 \x80"),
            ("café “q” €".into(), Encoding::Windows1252)
        );
        assert_eq!(utf8_or_windows_1252(b"caf\xe9".to_vec()), "café");
    }

    /// A byte-order mark is no part of the text, and is written back before it.
    #[test]
    fn a_byte_order_mark_is_kept_apart_and_written_back() {
        let marked = b"\xef\xbb\xbf# Caf\xc3\xa9".to_vec();
        let (text, encoding) = decode(marked.clone()).unwrap();
        assert_eq!(
            (text.as_str(), encoding),
            ("# Café", Encoding::Utf8 { bom: true })
        );
        assert_eq!(encoding.encode(&text).unwrap(), &marked[..]);
        // A mark before bytes that are not UTF-8 was Windows-1252 text all along.
        let (text, encoding) = decode(b"\xef\xbb\xbfcaf\xe9".to_vec()).unwrap();
        assert_eq!(
            (text.as_str(), encoding),
            ("ï»¿café", Encoding::Windows1252)
        );
        assert_eq!(encoding.encode(&text).unwrap(), &b"\xef\xbb\xbfcaf\xe9"[..]);
    }

    /// Every byte is a character of its own in Windows-1252 and comes back as
    /// itself, so a file read that way is written back byte for byte.
    #[test]
    fn every_windows_1252_byte_comes_back_as_itself() {
        let all: Vec<u8> = (0..=255).collect();
        let text = windows_1252(&all);
        assert_eq!(text.chars().count(), 256);
        let back = Encoding::Windows1252.encode(&text).unwrap();
        assert_eq!(&back[..], &all[..]);
        assert!(Encoding::Windows1252.holds("café “q” € ½"));
        assert!(!Encoding::Windows1252.holds("→"));
        assert_eq!(Encoding::Windows1252.encode("a → b"), None);
        assert!(Encoding::default().holds("→"));
        assert!(Encoding::Utf16 { big_endian: false }.holds("→"));
    }

    /// UTF-16 after either byte-order mark is read (characters beyond the
    /// basic plane too) and written back as it was, mark and all; its NUL
    /// bytes do not make it binary.
    #[test]
    fn utf16_after_its_mark_is_read_and_written_back() {
        let text = "Hey guys 👋 café\r\n";
        for big_endian in [false, true] {
            let encoding = Encoding::Utf16 { big_endian };
            let bytes = encoding.encode(text).unwrap().into_owned();
            assert_eq!(bytes.len(), 2 + 2 * text.encode_utf16().count());
            assert!(!is_binary(&bytes));
            assert_eq!(decode(bytes), Ok((text.to_string(), encoding)));
        }
        let little = Encoding::Utf16 { big_endian: false };
        assert_eq!(&little.encode("A").unwrap()[..], b"\xff\xfeA\x00");
        assert_eq!(decode(b"\xff\xfe".to_vec()), Ok((String::new(), little)));
    }

    /// A file that must be Unicode loses its byte-order mark (a list's first
    /// term is its first word, not U+FEFF and the word), may be UTF-16, and is
    /// never taken for Windows-1252.
    #[test]
    fn unicode_files_lose_their_mark_and_guess_no_encoding() {
        let read = |bytes: &[u8]| decode_unicode(bytes.to_vec());
        assert_eq!(read(b"\xef\xbb\xbfbanana\r\n"), Ok("banana\r\n".into()));
        assert_eq!(read(b"banana"), Ok("banana".into()));
        let utf16 = Encoding::Utf16 { big_endian: false }
            .encode("café\n")
            .unwrap();
        assert_eq!(read(&utf16), Ok("café\n".into()));
        assert_eq!(
            read(b"\xef\xbb\xbfcaf\xe9"),
            Err("not UTF-8 (the first bad byte is at offset 6)".into())
        );
        assert_eq!(
            read(b"\xfe\xff\xd8\x00"),
            Err("not valid UTF-16 after its byte-order mark".into())
        );
    }

    /// A rule file is read whatever its bytes, so that its errors can be shown
    /// under its text: Unicode as for lists, else with U+FFFD in place of the
    /// bytes that are not, and the offset in the text of the first.
    #[test]
    fn rule_files_are_read_with_where_they_stop_being_unicode() {
        let read = |bytes: &[u8]| decode_unicode_lossy(bytes.to_vec());
        let utf16 = Encoding::Utf16 { big_endian: true }.encode("café").unwrap();
        assert_eq!(read(&utf16), ("café".into(), None));
        assert_eq!(read(b"\xef\xbb\xbfcaf\xc3\xa9"), ("café".into(), None));
        let bad = |at: usize, what: &str| Some((at, what.to_string()));
        assert_eq!(
            read(b"\xef\xbb\xbfcaf\xe9!"),
            ("caf\u{fffd}!".into(), bad(3, "not UTF-8"))
        );
        let utf16_bad = "not valid UTF-16 after its byte-order mark";
        // `é`, a lone high surrogate, then `A`; then an odd byte at the end.
        assert_eq!(
            read(b"\xff\xfe\xe9\x00\x00\xd8A\x00"),
            ("é\u{fffd}A".into(), bad(2, utf16_bad))
        );
        assert_eq!(
            read(b"\xfe\xff\x00AB"),
            ("A\u{fffd}".into(), bad(1, utf16_bad))
        );
    }

    /// Bytes after a UTF-16 mark that make no characters are refused, not
    /// read with replacement characters a fix would then write back; UTF-32's
    /// mark is no UTF-16 mark, and NUL bytes without one are binary.
    #[test]
    fn what_is_not_utf16_after_its_mark_is_refused() {
        // A lone high surrogate, then `A`.
        assert_eq!(decode(b"\xff\xfe\x00\xd8A\x00".to_vec()), Err(InvalidUtf16));
        assert_eq!(decode(b"\xff\xfeA\x00B".to_vec()), Err(InvalidUtf16));
        assert!(is_binary(b"\xff\xfe\x00\x00A\x00\x00\x00"));
        assert!(is_binary(b"PK\x03\x04\x00"));
        assert!(!is_binary(b"plain text"));
    }
}
