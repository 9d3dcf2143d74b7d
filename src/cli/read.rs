//! Reading a draft: at most [`MAX_DRAFT`] bytes, nothing more than its first
//! 8 KiB when those say it is binary, and a large file by two threads at once.
//! Its bytes are decoded by [`text::encoding`].

use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::thread::JoinHandle;

use tenet::text;
use tenet::text::encoding::is_binary;

/// The largest draft read.
pub(super) const MAX_DRAFT: u64 = 1 << 30;

/// How much of a draft decides whether it is binary: a NUL byte in it, unless
/// it opens with UTF-16's byte-order mark.
const HEAD: usize = 8192;

/// Reads a draft: its first [`HEAD`] bytes decide whether it is binary (then
/// nothing more is read and `None` comes back); at most [`MAX_DRAFT`] bytes are
/// read in all.
pub(super) fn read_draft(mut reader: impl Read, expected: u64) -> io::Result<Option<Vec<u8>>> {
    let mut head = Vec::with_capacity(HEAD);
    (&mut reader).take(HEAD as u64).read_to_end(&mut head)?;
    if is_binary(&head) {
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

/// What reading a draft gives: its bytes, or `None` for a binary file.
type ReadDraft = io::Result<Option<Vec<u8>>>;

/// A draft being read on a thread of its own (see [`EarlyRead::start`]).
pub(super) struct EarlyRead {
    path: PathBuf,
    read: Mutex<Option<JoinHandle<ReadDraft>>>,
}

impl EarlyRead {
    /// Starts reading the regular file `path` as [`read_regular_draft`] does.
    /// Loading the rules keeps one core busy: a large file named alone is read
    /// meanwhile, on the other, not after them (reading the 18 MB bench file
    /// took both cores for 8 ms once the rules were in).
    pub(super) fn start(path: &Path) -> EarlyRead {
        let owned = path.to_path_buf();
        let read = std::thread::spawn(move || read_regular_draft(&owned));
        EarlyRead {
            path: path.to_path_buf(),
            read: Mutex::new(Some(read)),
        }
    }

    /// What the read gave, when it was of `path` and nothing took it before.
    pub(super) fn take(&self, path: &Path) -> Option<ReadDraft> {
        if self.path != path {
            return None;
        }
        let read = self.read.lock().ok()?.take()?;
        Some(
            read.join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
        )
    }
}

/// Reads the regular file `path` as a draft (see [`read_draft_file`]).
pub(super) fn read_regular_draft(path: &Path) -> ReadDraft {
    let (file, len) = text::file::open_regular(path, MAX_DRAFT)?;
    read_draft_file(file, len)
}

/// How much of a large draft a thread reading it takes at a time.
const PIECE: usize = 1 << 20;

/// Drafts at least this large are read by two threads at once. Reading into
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
    let _ = huge_pages(&mut bytes);
    let (head, rest) = bytes.split_at_mut(HEAD);
    let read = match file.read_exact_at(head, 0) {
        Ok(()) if is_binary(head) => return Ok(None),
        Ok(()) => {
            // Two threads take the rest a piece at a time, so that neither waits
            // for the other to finish a half when it starts late (the thread that
            // loads the rules had its core). The second thread is of its own: a
            // pool's idle worker can be asleep and slow to come, and a read ahead
            // of the rules (see [`EarlyRead`]) is not on the pool at all.
            let pieces = Mutex::new(rest.chunks_mut(PIECE).enumerate());
            let take = || -> io::Result<()> {
                loop {
                    let next = pieces
                        .lock()
                        .map_err(|_| io::Error::other("read failed"))?
                        .next();
                    let Some((k, piece)) = next else {
                        return Ok(());
                    };
                    file.read_exact_at(piece, (HEAD + k * PIECE) as u64)?;
                }
            };
            std::thread::scope(|scope| {
                let other = scope.spawn(take);
                let mine = take();
                mine.and(
                    other
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                )
            })
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

/// The size of a huge page of the memory map.
#[cfg(target_os = "linux")]
const HUGE_PAGE: usize = 2 << 20;

/// Asks the system to back `buffer`, not yet written, with huge pages where
/// whole ones fit; says whether it took the advice. Read into pages of 4 KiB,
/// the 18 MB bench file took 4,400 page faults and 10 ms on one core (huge
/// pages: 4.8 ms, medians of 40 reads), and the check waits for its text. The
/// huge pages lie inside the buffer, which is written whole: no memory more.
/// Where the system has no huge pages for such memory, nothing changes.
#[cfg(target_os = "linux")]
fn huge_pages(buffer: &mut [u8]) -> bool {
    let start = buffer.as_mut_ptr() as usize;
    let from = start.next_multiple_of(HUGE_PAGE);
    let to = (start + buffer.len()) / HUGE_PAGE * HUGE_PAGE;
    // SAFETY: advice on whole pages inside memory this buffer owns; it changes
    // how they are backed, never what they hold.
    from < to
        && unsafe { libc::madvise(from as *mut libc::c_void, to - from, libc::MADV_HUGEPAGE) } == 0
}

#[cfg(all(unix, not(target_os = "linux")))]
fn huge_pages(_: &mut [u8]) -> bool {
    false
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
        return Ok((!is_binary(&bytes)).then_some(bytes));
    }
    read_draft(io::Cursor::new(bytes).chain(file), len)
}

#[cfg(not(unix))]
pub(super) fn read_draft_file(file: std::fs::File, len: u64) -> io::Result<Option<Vec<u8>>> {
    read_draft(file, len)
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

    /// The whole huge pages inside a large buffer are marked for huge pages
    /// (`hg` among the flags of the mapping that holds them) where the system
    /// takes the advice, and what is written across them reads back.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_large_buffer_asks_for_huge_pages() {
        let mut buffer = vec![0u8; 3 * HUGE_PAGE];
        if !huge_pages(&mut buffer) {
            // A system without huge pages for such memory turns the advice down.
            return;
        }
        let inside = (buffer.as_ptr() as usize).next_multiple_of(HUGE_PAGE);
        let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
        // A mapping's lines follow the line that gives its address range.
        let mut holds_buffer = false;
        let mut flags = None;
        for line in smaps.lines() {
            let first = line.split(' ').next().unwrap_or("");
            let hex = |h| usize::from_str_radix(h, 16).ok();
            if let Some((Some(from), Some(to))) =
                first.split_once('-').map(|(a, b)| (hex(a), hex(b)))
            {
                holds_buffer = (from..to).contains(&inside);
            } else if let Some(f) = line.strip_prefix("VmFlags:").filter(|_| holds_buffer) {
                flags = Some(f.split_whitespace().collect::<Vec<_>>().join(" "));
            }
        }
        let flags = flags.expect("the buffer's mapping is listed");
        assert!(flags.split(' ').any(|f| f == "hg"), "{flags}");
        for (i, b) in buffer.iter_mut().enumerate() {
            *b = (i % 251) as u8;
        }
        assert!(buffer
            .iter()
            .enumerate()
            .all(|(i, &b)| b == (i % 251) as u8));
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

    /// A read ahead gives its file's bytes once, and only for its path; a file
    /// that cannot be opened gives the error opening it would.
    #[test]
    fn a_read_ahead_is_taken_once_for_its_file() {
        let (f, bytes) = file(SPLIT_READ as usize + 3, None);
        let early = EarlyRead::start(f.path());
        assert!(early.take(Path::new("elsewhere")).is_none());
        let read = early.take(f.path()).expect("read ahead").unwrap();
        assert_eq!(read.as_deref(), Some(&bytes[..]));
        assert!(early.take(f.path()).is_none());
        let missing = f.path().with_extension("missing");
        let err = EarlyRead::start(&missing)
            .take(&missing)
            .expect("read ahead");
        assert_eq!(err.unwrap_err().kind(), io::ErrorKind::NotFound);
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
}
