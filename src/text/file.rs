//! Reading the files a run names (drafts, rule files, lists, configuration)
//! without ever blocking or running out of memory: only regular files are read (a
//! FIFO, a device or `/dev/stdin` is refused with a reason), and never more than a
//! given size.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// Opens a regular file of at most `limit` bytes; returns it and its size.
pub fn open_regular(path: &Path, limit: u64) -> io::Result<(File, u64)> {
    let file = open_without_blocking(path)?;
    // What was opened, not what the path named a moment before, decides.
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    if meta.len() > limit {
        return Err(too_large(limit));
    }
    Ok((file, meta.len()))
}

/// Opens `path` for reading. Opening a FIFO blocks until a writer comes unless
/// asked not to; without blocking, the file itself says what it is, and a run
/// over 10,000 drafts makes one `stat` call per file, not two.
#[cfg(unix)]
fn open_without_blocking(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    // Nor does a terminal named as a draft become the controlling terminal.
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
}

/// Opens `path` for reading, once it is known to be a regular file (a FIFO
/// would block the open).
#[cfg(not(unix))]
fn open_without_blocking(path: &Path) -> io::Result<File> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    File::open(path)
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

/// Reads a regular text file of at most `limit` bytes, in UTF-8 or in UTF-16
/// after its byte-order mark, without the mark (see
/// [`super::encoding::decode_unicode`]); a file in neither is an error that
/// says where the first bad byte is.
pub fn read_text(path: &Path, limit: u64) -> io::Result<String> {
    let bytes = read_regular(path, limit)?;
    super::encoding::decode_unicode(bytes)
        .map_err(|message| io::Error::new(io::ErrorKind::InvalidData, message))
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

/// Replaces `path`'s contents with `bytes` all at once: written to a new file
/// beside it, flushed to disk, then renamed over it. A reader sees the old file or
/// the new one, never half of one; the file keeps its permissions, its owner and
/// its group, and a link is followed (the file it points at is replaced, not the
/// link). A read-only file is left as it is, an error: the rename would replace
/// it whatever its permissions say (and whoever runs it).
///
/// A new file cannot stand in for one with a second name (a hard link, which
/// would keep the old text), nor for one whose owner or group it cannot be
/// given: such a file is written over where it is, like an editor does, which a
/// reader may see half done.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let resolved = std::fs::canonicalize(path).ok();
    let path = resolved.as_deref().unwrap_or(path);
    let old = std::fs::metadata(path).ok();
    if old.as_ref().is_some_and(|m| m.permissions().readonly()) {
        return Err(io::Error::other("the file is read-only"));
    }
    if old.as_ref().is_some_and(has_other_names) {
        return write_in_place(path, bytes);
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map_or_else(|| "tenet".into(), |n| n.to_string_lossy().into_owned());
    let mut attempt = 0u32;
    let (temp, mut file) = loop {
        let temp = dir.join(format!(
            ".{name}.{}.{attempt}.tenet-tmp",
            std::process::id()
        ));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
        {
            Ok(file) => break (temp, file),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => attempt += 1,
            Err(e) => return Err(e),
        }
    };
    if let Some(old) = &old {
        if !give_owner(&file, old) {
            drop(file);
            let _ = std::fs::remove_file(&temp);
            return write_in_place(path, bytes);
        }
    }
    let written = (|| {
        use std::io::Write;
        file.write_all(bytes)?;
        if let Some(old) = &old {
            // After the owner: changing it clears the set-user and set-group bits.
            file.set_permissions(old.permissions())?;
        }
        file.sync_all()?;
        drop(file);
        std::fs::rename(&temp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

/// Writes `bytes` over the file at `path`, where it is.
fn write_in_place(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new().write(true).open(path)?;
    file.write_all(bytes)?;
    file.set_len(bytes.len() as u64)?;
    file.sync_all()
}

/// Whether the file has a name besides the one it was reached by.
#[cfg(unix)]
fn has_other_names(old: &std::fs::Metadata) -> bool {
    std::os::unix::fs::MetadataExt::nlink(old) > 1
}

#[cfg(not(unix))]
fn has_other_names(_: &std::fs::Metadata) -> bool {
    false
}

/// Gives the new `file` the owner and group of the one it replaces, where they
/// differ; false when it cannot be given them.
#[cfg(unix)]
fn give_owner(file: &File, old: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    let owner = (old.uid(), old.gid());
    match file.metadata() {
        Ok(new) if (new.uid(), new.gid()) == owner => true,
        Ok(_) => std::os::unix::fs::fchown(file, Some(owner.0), Some(owner.1)).is_ok(),
        Err(_) => false,
    }
}

#[cfg(not(unix))]
fn give_owner(_: &File, _: &std::fs::Metadata) -> bool {
    true
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

    #[test]
    fn a_write_that_fails_leaves_the_old_file_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("draft.md");
        std::fs::write(&file, "old").unwrap();
        // A folder where the file is: the rename fails after the temporary is written.
        let blocked = dir.path().join("blocked");
        std::fs::create_dir(&blocked).unwrap();
        std::fs::write(blocked.join("x"), "keep").unwrap();
        assert!(write_atomic(&blocked, b"new").is_err());
        assert!(write_atomic(&dir.path().join("missing/draft.md"), b"new").is_err());
        let mut names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        assert_eq!(names, ["blocked", "draft.md"]);
        write_atomic(&file, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "new");
    }

    /// A read-only file is not replaced, even by a user (root) whose writes its
    /// permissions would not stop; made writable again, it is.
    #[test]
    fn a_read_only_file_is_left_as_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("draft.md");
        std::fs::write(&file, "old").unwrap();
        let mut permissions = std::fs::metadata(&file).unwrap().permissions();
        permissions.set_readonly(true);
        std::fs::set_permissions(&file, permissions.clone()).unwrap();
        let refused = write_atomic(&file, b"new").unwrap_err();
        assert_eq!(refused.to_string(), "the file is read-only");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        #[allow(clippy::permissions_set_readonly_false)]
        permissions.set_readonly(false);
        std::fs::set_permissions(&file, permissions).unwrap();
        write_atomic(&file, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "new");
    }

    /// A file with a second name is written where it is, so both names read the
    /// new text (a rename would leave the other name the old one); longer and
    /// shorter texts leave nothing of the old behind.
    #[cfg(unix)]
    #[test]
    fn a_hard_linked_file_keeps_its_other_name() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let (file, other) = (dir.path().join("draft.md"), dir.path().join("copy.md"));
        std::fs::write(&file, "the old text").unwrap();
        std::fs::hard_link(&file, &other).unwrap();
        let inode = std::fs::metadata(&file).unwrap().ino();
        for text in ["a longer text than the old one", "short"] {
            write_atomic(&file, text.as_bytes()).unwrap();
            assert_eq!(std::fs::read_to_string(&other).unwrap(), text);
            let meta = std::fs::metadata(&file).unwrap();
            assert_eq!((meta.ino(), meta.nlink()), (inode, 2));
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    /// The new file has the old one's owner and group. Only a user who may give
    /// files away (root) can make a file another owns; anyone else checks that
    /// their own file stays theirs, and still gets a new file (a new inode).
    #[cfg(unix)]
    #[test]
    fn the_new_file_keeps_the_owner_and_group() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("draft.md");
        std::fs::write(&file, "old").unwrap();
        let given = std::os::unix::fs::chown(&file, Some(4242), Some(4243)).is_ok();
        let before = std::fs::metadata(&file).unwrap();
        write_atomic(&file, b"new").unwrap();
        let after = std::fs::metadata(&file).unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "new");
        assert_eq!((after.uid(), after.gid()), (before.uid(), before.gid()));
        if given {
            assert_eq!((after.uid(), after.gid()), (4242, 4243));
        }
        assert_ne!(after.ino(), before.ino(), "replaced by a rename");
    }
}
