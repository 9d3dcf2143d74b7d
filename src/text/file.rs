//! Reading the files a run names (drafts, rule files, lists, configuration)
//! without ever blocking or running out of memory: only regular files are read (a
//! FIFO, a device or `/dev/stdin` is refused with a reason), and never more than a
//! given size.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// Opens a regular file of at most `limit` bytes; returns it and its size.
pub fn open_regular(path: &Path, limit: u64) -> io::Result<(File, u64)> {
    // Opening a FIFO for reading blocks until a writer comes; look first.
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    let file = File::open(path)?;
    // The file may have been swapped between the two calls: ask the open handle.
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    if meta.len() > limit {
        return Err(too_large(limit));
    }
    Ok((file, meta.len()))
}

/// Reads a regular file of at most `limit` bytes.
pub fn read_regular(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let (file, len) = open_regular(path, limit)?;
    read_at_most(file, len, limit)
}

/// Reads `reader` (expected to be about `expected` bytes), failing past `limit`
/// bytes: a file that grows while it is read cannot exhaust memory.
fn read_at_most(reader: impl Read, expected: u64, limit: u64) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::with_capacity(expected.min(limit) as usize);
    reader.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(limit));
    }
    Ok(bytes)
}

/// Reads a regular UTF-8 text file of at most `limit` bytes; a file that is not
/// UTF-8 is an error that says where the first bad byte is.
pub fn read_text(path: &Path, limit: u64) -> io::Result<String> {
    let bytes = read_regular(path, limit)?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("not UTF-8 (the first bad byte is at offset {at})"),
        )
    })
}

fn not_regular(meta: &std::fs::Metadata) -> io::Error {
    let what = if meta.is_dir() {
        "a folder"
    } else if meta.file_type().is_symlink() {
        "a link"
    } else {
        "not a regular file (a FIFO, socket or device)"
    };
    io::Error::new(io::ErrorKind::InvalidInput, what)
}

/// The error for input past a size limit.
pub fn too_large(limit: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("larger than {} MiB", limit >> 20),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_and_folders_are_refused_and_sizes_capped() {
        assert!(read_regular(Path::new("/dev/zero"), 1 << 20).is_err());
        assert!(read_regular(Path::new("/"), 1 << 20).is_err());
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        std::fs::write(&p, "hello").unwrap();
        assert_eq!(read_regular(&p, 5).unwrap(), b"hello");
        assert!(read_regular(&p, 4).is_err());
    }
}
