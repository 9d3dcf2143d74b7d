//! Reading a draft: at most [`MAX_DRAFT`] bytes, nothing more than its first
//! 8 KiB when those say it is binary, a large file in two halves at once, and
//! text that is not UTF-8 taken as Windows-1252.

use std::io::{self, Read};

use tenet::text;

/// The largest draft read.
pub(super) const MAX_DRAFT: u64 = 1 << 30;

/// How much of a draft decides whether it is binary: a NUL byte in it.
const HEAD: usize = 8192;

/// Reads a draft: its first [`HEAD`] bytes decide whether it is binary (then
/// nothing more is read and `None` comes back); at most [`MAX_DRAFT`] bytes are
/// read in all.
pub(super) fn read_draft(mut reader: impl Read, expected: u64) -> io::Result<Option<Vec<u8>>> {
    let mut head = Vec::with_capacity(HEAD);
    (&mut reader).take(HEAD as u64).read_to_end(&mut head)?;
    if head.contains(&0) {
        return Ok(None);
    }
    // Fewer bytes than asked for: the reader has already said it is at its
    // end, and a draft of a few lines takes two reads, not three.
    if head.len() < HEAD {
        return Ok(Some(head));
    }
    head.reserve(expected.saturating_sub(head.len() as u64) as usize);
    let room = MAX_DRAFT - head.len() as u64;
    reader.take(room + 1).read_to_end(&mut head)?;
    if head.len() as u64 > MAX_DRAFT {
        return Err(text::file::too_large(MAX_DRAFT));
    }
    Ok(Some(head))
}

/// Drafts at least this large are read in two halves at once. Reading into
/// fresh memory costs a page fault a page, and one core reading the 18 MB bench
/// file (12 to 22 ms) was a stretch where the others had nothing to do.
const SPLIT_READ: u64 = 4 << 20;

/// [`read_draft`] for a regular file that was `len` bytes when it was opened.
/// A file that shrinks meanwhile is read again from its start; one that grows
/// is read on to its end.
#[cfg(unix)]
pub(super) fn read_draft_file(file: std::fs::File, len: u64) -> io::Result<Option<Vec<u8>>> {
    use std::io::{Seek, SeekFrom};
    use std::os::unix::fs::FileExt;
    if len < HEAD as u64 {
        return read_small_file(file, len);
    }
    if !(SPLIT_READ..=MAX_DRAFT).contains(&len) {
        return read_draft(file, len);
    }
    let mut bytes = vec![0; len as usize];
    let (head, rest) = bytes.split_at_mut(HEAD);
    let read = match file.read_exact_at(head, 0) {
        Ok(()) if head.contains(&0) => return Ok(None),
        Ok(()) => {
            let (first, second) = rest.split_at_mut(rest.len() / 2);
            let second_at = (HEAD + first.len()) as u64;
            let (a, b) = rayon::join(
                || file.read_exact_at(populated(first), HEAD as u64),
                || file.read_exact_at(populated(second), second_at),
            );
            a.and(b)
        }
        Err(e) => Err(e),
    };
    match read {
        Ok(()) => {}
        // Reading at an offset leaves the file's own position at its start.
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return read_draft(file, len),
        Err(e) => return Err(e),
    }
    let mut file = file;
    file.seek(SeekFrom::Start(len))?;
    file.take(MAX_DRAFT - len + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_DRAFT {
        return Err(text::file::too_large(MAX_DRAFT));
    }
    Ok(Some(bytes))
}

/// A regular file shorter than [`HEAD`] in one read: asked for a byte more
/// than its length, a read that gives exactly its length has reached the end,
/// which a second read would only confirm (10,000 small drafts made 20,000
/// reads). Any other count goes on as [`read_draft`] would.
#[cfg(unix)]
fn read_small_file(mut file: std::fs::File, len: u64) -> io::Result<Option<Vec<u8>>> {
    let mut bytes = vec![0; len as usize + 1];
    let n = match file.read(&mut bytes) {
        Ok(n) => n,
        Err(e) if e.kind() == io::ErrorKind::Interrupted => 0,
        Err(e) => return Err(e),
    };
    bytes.truncate(n);
    if n as u64 == len {
        return Ok((!bytes.contains(&0)).then_some(bytes));
    }
    read_draft(io::Cursor::new(bytes).chain(file), len)
}

/// `buf`, its pages asked of the kernel in one call (Linux 5.14 on; elsewhere
/// nothing is done) rather than one page fault at a time as a read fills them.
#[cfg(unix)]
fn populated(buf: &mut [u8]) -> &mut [u8] {
    #[cfg(target_os = "linux")]
    {
        const PAGE: usize = 4096;
        let start = buf.as_mut_ptr() as usize;
        let first = start.next_multiple_of(PAGE);
        let last = (start + buf.len()) / PAGE * PAGE;
        if first < last {
            // SAFETY: the range lies inside `buf`, which is ours to write, and
            // populating pages changes none of their contents.
            unsafe {
                libc::madvise(
                    first as *mut libc::c_void,
                    last - first,
                    libc::MADV_POPULATE_WRITE,
                );
            }
        }
    }
    buf
}

#[cfg(not(unix))]
pub(super) fn read_draft_file(file: std::fs::File, len: u64) -> io::Result<Option<Vec<u8>>> {
    read_draft(file, len)
}

/// UTF-8 when valid, else Windows-1252 (what old mail and Office text usually is).
pub fn decode(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => e.into_bytes().iter().map(|&b| cp1252(b)).collect(),
    }
}

fn cp1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9f => HIGH[(b - 0x80) as usize],
        _ => b as char,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A file of `len` bytes of text (or with a NUL at `nul`), and its bytes.
    fn file(len: usize, nul: Option<usize>) -> (tempfile::NamedTempFile, Vec<u8>) {
        let mut bytes: Vec<u8> = (0..len).map(|i| b"abcdefghij\n"[i % 11]).collect();
        if let Some(at) = nul {
            bytes[at] = 0;
        }
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(&bytes).unwrap();
        (f, bytes)
    }

    fn read(f: &tempfile::NamedTempFile, len: u64) -> Option<Vec<u8>> {
        read_draft_file(std::fs::File::open(f.path()).unwrap(), len).unwrap()
    }

    /// Small and large files read whole, in one piece or in halves; a length
    /// that is odd or not a multiple of a page splits where it splits.
    #[test]
    fn files_read_whole_however_large() {
        for len in [
            0,
            1,
            HEAD - 1,
            HEAD,
            HEAD + 1,
            SPLIT_READ as usize + 12_345,
            9 << 20,
        ] {
            let (f, bytes) = file(len, None);
            assert_eq!(read(&f, len as u64).as_deref(), Some(&bytes[..]), "{len}");
        }
    }

    /// A NUL among the first 8 KiB makes a draft binary; one after them does
    /// not; in a file read in one call, in a small file and in one read in halves.
    #[test]
    fn binary_is_told_by_the_first_eight_kilobytes() {
        let (f, _) = file(100, Some(50));
        assert_eq!(read(&f, 100), None);
        for len in [HEAD + 100, SPLIT_READ as usize + 1] {
            let (f, _) = file(len, Some(HEAD - 1));
            assert_eq!(read(&f, len as u64), None, "{len}");
            let (f, bytes) = file(len, Some(HEAD));
            assert_eq!(read(&f, len as u64).as_deref(), Some(&bytes[..]), "{len}");
        }
    }

    /// A file that shrank after its size was taken is read again from its start
    /// and one that grew is read on: what is read is what the file holds.
    #[test]
    fn a_file_that_changed_size_is_read_as_it_now_is() {
        let len = SPLIT_READ as usize + 4096;
        let (f, bytes) = file(len, None);
        assert_eq!(read(&f, len as u64 + 10_000).as_deref(), Some(&bytes[..]));
        assert_eq!(read(&f, SPLIT_READ).as_deref(), Some(&bytes[..]));
        // Files shorter than the head, read in one call when the size holds.
        for (len, taken) in [
            (100, 50),
            (100, 99),
            (100, 101),
            (HEAD - 1, 0),
            (HEAD + 10, 10),
        ] {
            let (f, bytes) = file(len, None);
            assert_eq!(
                read(&f, taken as u64).as_deref(),
                Some(&bytes[..]),
                "{len} as {taken}"
            );
        }
    }

    /// A reader that gives its bytes a few at a time, and counts the reads.
    struct Trickle<'a> {
        bytes: &'a [u8],
        reads: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.reads += 1;
            let n = buf.len().min(self.bytes.len()).min(1000);
            buf[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    /// The end of a draft shorter than the head is read once, however its bytes
    /// come; a longer one is read to its end.
    #[test]
    fn a_short_draft_is_not_read_past_its_end_twice() {
        for len in [0, 10, 2500, HEAD - 1, HEAD, HEAD + 2500] {
            let (_, bytes) = file(len, None);
            let mut reader = Trickle {
                bytes: &bytes,
                reads: 0,
            };
            let read = read_draft(&mut reader, len as u64).unwrap();
            assert_eq!(read.as_deref(), Some(&bytes[..]), "{len}");
            if len < HEAD {
                assert_eq!(reader.reads, len.div_ceil(1000) + 1, "{len}");
            }
        }
    }

    #[test]
    fn text_that_is_not_utf8_is_windows_1252() {
        assert_eq!(decode(b"caf\xc3\xa9".to_vec()), "café");
        assert_eq!(decode(b"caf\xe9 \x93q\x94 \x80".to_vec()), "café “q” €");
    }
}
