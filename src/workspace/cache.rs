//! Compiled rule sets kept on disk. Parsing the packs, checking their regexes and
//! lowering them is most of the time a one-line check takes; a command run
//! again on the same rules reads the result instead.
//!
//! An entry is named by a SHA-256 of everything compiling reads: the sources this
//! tenet was built from, each rule file's path and text, and the configured
//! overrides. List files are read while compiling, so an entry also records a
//! digest of each list it read, and is used only while every one of them still
//! reads the same.
//! A missing, stale or damaged entry is compiled afresh and written again, and a
//! folder that cannot be written only means compiling every time: the cache
//! changes how soon an answer comes, never the answer.

use std::cell::RefCell;
use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::language::lower::{self, Compiled, Overrides, ReadList, RuleFile};

/// The most entries a folder keeps; the least recently used go first.
const KEEP: usize = 64;

type Sha = [u8; 32];

/// A folder of compiled rule sets.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
}

/// What an entry file holds.
#[derive(Serialize, Deserialize)]
struct Entry {
    key: Sha,
    /// Each list file read while compiling, and a digest of its text (`None`:
    /// it could not be read).
    lists: Vec<(PathBuf, Option<Sha>)>,
    /// The rule set and diagnostics, without the rule files' texts.
    compiled: Compiled,
}

impl Cache {
    /// A cache in `dir` (created when first written).
    pub fn new(dir: PathBuf) -> Cache {
        Cache { dir }
    }

    /// The folder used unless told otherwise: `TENET_CACHE_DIR`, else `tenet` in
    /// the user's cache folder (`XDG_CACHE_HOME`, `~/.cache`, `%LOCALAPPDATA%`).
    pub fn default_dir() -> Option<PathBuf> {
        let var = |name| std::env::var_os(name).filter(|v| !v.is_empty());
        if let Some(dir) = var("TENET_CACHE_DIR") {
            return Some(PathBuf::from(dir));
        }
        let base = var("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| var("HOME").map(|h| Path::new(&h).join(".cache")))
            .or_else(|| var("LOCALAPPDATA").map(PathBuf::from))?;
        Some(base.join("tenet"))
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// [`lower::compile`], read from the cache when it holds the answer.
    pub fn compile(
        &self,
        files: &[RuleFile],
        overrides: &Overrides,
        read_list: ReadList,
    ) -> Compiled {
        let key = key(files, overrides);
        let path = self.entry_path(&key);
        if let Some(compiled) = load(&path, &key, files, read_list) {
            return compiled;
        }
        let read = RefCell::new(Vec::new());
        let recording = |list: &Path| {
            let text = read_list(list);
            let sha = text.as_ref().ok().map(|t| sha(t.as_bytes()));
            read.borrow_mut().push((list.to_path_buf(), sha));
            text
        };
        let compiled = lower::compile(files, overrides, &recording);
        // Errors are cheap to find again, and may come from a file that will read
        // the next time; only rules that load are kept.
        if !compiled.has_errors() {
            let entry = Entry {
                key,
                lists: read.into_inner(),
                compiled,
            };
            let _ = self.store(&path, &entry);
            return entry.compiled;
        }
        compiled
    }

    /// The compiled rules the cache holds for these inputs, if it holds them.
    pub fn lookup(
        &self,
        files: &[RuleFile],
        overrides: &Overrides,
        read_list: ReadList,
    ) -> Option<Compiled> {
        let key = key(files, overrides);
        load(&self.entry_path(&key), &key, files, read_list)
    }

    fn entry_path(&self, key: &Sha) -> PathBuf {
        self.dir.join(format!("{}.rules", hex(key)))
    }

    /// Writes an entry whole (a reader never sees half of one), then keeps the
    /// folder to [`KEEP`] entries.
    fn store(&self, path: &Path, entry: &Entry) -> io::Result<()> {
        let bytes = postcard::to_stdvec(entry).map_err(io::Error::other)?;
        std::fs::create_dir_all(&self.dir)?;
        let temp = path.with_extension(format!("{}.tmp", std::process::id()));
        std::fs::write(&temp, bytes)?;
        if let Err(e) = std::fs::rename(&temp, path) {
            let _ = std::fs::remove_file(&temp);
            return Err(e);
        }
        self.prune()
    }

    /// Removes the least recently used entries past [`KEEP`].
    fn prune(&self) -> io::Result<()> {
        let mut entries: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(&self.dir)?
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "rules"))
            .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
            .collect();
        if entries.len() > KEEP {
            entries.sort();
            for (_, old) in &entries[..entries.len() - KEEP] {
                let _ = std::fs::remove_file(old);
            }
        }
        Ok(())
    }
}

/// The entry at `path`, when it is whole, is for `key`, and every list it read
/// still reads the same; its rules and diagnostics get their files' texts back.
fn load(path: &Path, key: &Sha, files: &[RuleFile], read_list: ReadList) -> Option<Compiled> {
    let bytes = std::fs::read(path).ok()?;
    let entry: Entry = postcard::from_bytes(&bytes).ok()?;
    // The key guards against an entry renamed or damaged into another's place.
    if entry.key != *key {
        return None;
    }
    for (list, sha_then) in &entry.lists {
        let sha_now = read_list(list).ok().map(|t| sha(t.as_bytes()));
        if sha_now != *sha_then {
            return None;
        }
    }
    let mut compiled = entry.compiled;
    let texts: HashMap<&Path, &Arc<str>> =
        files.iter().map(|f| (f.path.as_path(), &f.text)).collect();
    for rule in &mut compiled.rules.rules {
        rule.origin.source = Arc::clone(texts.get(rule.origin.path.as_path())?);
    }
    for d in &mut compiled.diagnostics {
        d.source = Arc::clone(texts.get(d.path.as_path())?);
    }
    // Used: the last to be pruned.
    if let Ok(file) = std::fs::File::options().append(true).open(path) {
        let _ = file.set_modified(std::time::SystemTime::now());
    }
    Some(compiled)
}

/// The digest of everything compiling reads besides list files.
fn key(files: &[RuleFile], overrides: &Overrides) -> Sha {
    let mut h = Sha256::new();
    let mut field = |bytes: &[u8]| {
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    // Another build may lay rule sets out differently: the digest of the sources
    // this one was compiled from (see build.rs) tells builds apart.
    field(env!("TENET_SOURCE_DIGEST").as_bytes());
    field(&(files.len() as u64).to_le_bytes());
    for f in files {
        field(f.path.as_os_str().as_encoded_bytes());
        field(f.text.as_bytes());
    }
    let mut params: Vec<_> = overrides.params.iter().collect();
    params.sort();
    field(&(params.len() as u64).to_le_bytes());
    for (name, value) in params {
        field(name.as_bytes());
        field(value.as_bytes());
    }
    let mut lists: Vec<_> = overrides.lists.iter().collect();
    lists.sort();
    field(&(lists.len() as u64).to_le_bytes());
    for (name, items) in lists {
        field(name.as_bytes());
        field(&(items.len() as u64).to_le_bytes());
        for item in items {
            field(item.as_bytes());
        }
    }
    h.finalize().into()
}

fn sha(bytes: &[u8]) -> Sha {
    Sha256::digest(bytes).into()
}

fn hex(sha: &Sha) -> String {
    sha.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PACK: &str = r#"guideline confidentiality {
  list codenames = file "codenames.txt"
  rule codename warning {
    find codenames
    message "“{match}” is a codename."
    bad "[Bluebird] ships soon."
  }
  rule phone info {
    find /[0-9]{3}-[0-9]{4}/
    message "A phone number."
  }
}
"#;

    /// A pack in a folder of its own, with the list file it names.
    fn pack(dir: &Path, text: &str, codenames: &str) -> Vec<RuleFile> {
        std::fs::write(dir.join("codenames.txt"), codenames).unwrap();
        let path = dir.join("pack.tenet");
        std::fs::write(&path, text).unwrap();
        vec![RuleFile {
            path,
            text: Arc::from(text),
        }]
    }

    fn read(path: &Path) -> io::Result<String> {
        std::fs::read_to_string(path)
    }

    /// Everything compiling produced, as text: rules, regexes, diagnostics with
    /// their source lines.
    fn shown(c: &Compiled) -> String {
        let rendered: Vec<String> = c.diagnostics.iter().map(|d| d.render()).collect();
        format!("{:#?}\n{rendered:#?}", c.rules)
    }

    fn entries(dir: &Path) -> usize {
        std::fs::read_dir(dir).map_or(0, |d| d.count())
    }

    #[test]
    fn builds_are_told_apart_by_a_digest_of_their_sources() {
        let digest = env!("TENET_SOURCE_DIGEST");
        assert_eq!(digest.len(), 64, "{digest}");
        assert!(digest.bytes().all(|b| b.is_ascii_hexdigit()), "{digest}");
        // The build script hashed real files, not nothing.
        assert_ne!(digest, hex(&sha(b"")));
    }

    #[test]
    fn a_second_compile_reads_what_the_first_wrote_and_agrees() {
        let tmp = tempfile::tempdir().unwrap();
        let files = pack(tmp.path(), PACK, "Bluebird\n");
        let cache = Cache::new(tmp.path().join("cache"));
        let none = Overrides::default();
        assert!(cache.lookup(&files, &none, &read).is_none());
        let fresh = cache.compile(&files, &none, &read);
        assert!(!fresh.has_errors(), "{}", shown(&fresh));
        assert_eq!(entries(cache.dir()), 1);
        let cached = cache
            .lookup(&files, &none, &read)
            .expect("written by the compile");
        assert_eq!(shown(&cached), shown(&lower::compile(&files, &none, &read)));
        // The rule keeps its file's text, shared, not a copy per rule.
        assert!(Arc::ptr_eq(
            &cached.rules.rules[0].origin.source,
            &files[0].text
        ));
        assert_eq!(shown(&cache.compile(&files, &none, &read)), shown(&fresh));
        assert_eq!(entries(cache.dir()), 1);
    }

    #[test]
    fn warnings_come_back_with_their_lines() {
        let tmp = tempfile::tempdir().unwrap();
        let text = PACK.replace("    bad \"[Bluebird] ships soon.\"\n", "");
        let files = pack(tmp.path(), &text, "Bluebird\n");
        let cache = Cache::new(tmp.path().join("cache"));
        let fresh = cache.compile(&files, &Overrides::default(), &read);
        assert!(
            !fresh.diagnostics.is_empty(),
            "a rule without a `bad` example is a warning"
        );
        let cached = cache.lookup(&files, &Overrides::default(), &read).unwrap();
        assert_eq!(shown(&cached), shown(&fresh));
        assert!(cached.diagnostics[0]
            .render()
            .contains("rule codename warning"));
    }

    #[test]
    fn a_changed_rule_file_list_file_or_override_is_compiled_again() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::new(tmp.path().join("cache"));
        let none = Overrides::default();
        let files = pack(tmp.path(), PACK, "Bluebird\n");
        cache.compile(&files, &none, &read);

        let edited = pack(tmp.path(), &PACK.replace("info", "warning"), "Bluebird\n");
        assert!(cache.lookup(&edited, &none, &read).is_none());

        // The list is read while compiling; the entry notices it changed.
        let files = pack(tmp.path(), PACK, "Bluebird\nRedwing\n");
        assert!(cache.lookup(&files, &none, &read).is_none());
        let compiled = cache.compile(&files, &none, &read);
        assert_eq!(
            shown(&compiled),
            shown(&lower::compile(&files, &none, &read))
        );
        assert!(format!("{:?}", compiled.rules.matchers).contains("Redwing"));
        std::fs::remove_file(tmp.path().join("codenames.txt")).unwrap();
        assert!(
            cache.lookup(&files, &none, &read).is_none(),
            "a list that is gone"
        );

        let files = pack(tmp.path(), PACK, "Bluebird\n");
        let mut overrides = Overrides::default();
        overrides
            .lists
            .insert("codenames".into(), vec!["Kestrel".into()]);
        assert!(cache.lookup(&files, &overrides, &read).is_none());
        let compiled = cache.compile(&files, &overrides, &read);
        assert!(format!("{:?}", compiled.rules.matchers).contains("Kestrel"));
        assert!(cache.lookup(&files, &overrides, &read).is_some());
    }

    #[test]
    fn a_damaged_entry_is_compiled_again_and_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let files = pack(tmp.path(), PACK, "Bluebird\n");
        let cache = Cache::new(tmp.path().join("cache"));
        let none = Overrides::default();
        let fresh = cache.compile(&files, &none, &read);
        let entry = std::fs::read_dir(cache.dir())
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        let whole = std::fs::read(&entry).unwrap();
        for damaged in [&whole[..whole.len() / 2], b"not an entry", &[]] {
            std::fs::write(&entry, damaged).unwrap();
            assert!(cache.lookup(&files, &none, &read).is_none());
            assert_eq!(shown(&cache.compile(&files, &none, &read)), shown(&fresh));
            assert_eq!(std::fs::read(&entry).unwrap(), whole);
        }
    }

    #[test]
    fn rules_with_errors_are_not_kept_and_an_unwritable_folder_only_costs_time() {
        let tmp = tempfile::tempdir().unwrap();
        let none = Overrides::default();
        let cache = Cache::new(tmp.path().join("cache"));
        let broken = pack(tmp.path(), &PACK.replace("find /", "find /("), "Bluebird\n");
        assert!(cache.compile(&broken, &none, &read).has_errors());
        assert_eq!(entries(cache.dir()), 0);

        // A file where the folder should be.
        let blocked = tmp.path().join("blocked");
        std::fs::write(&blocked, "").unwrap();
        let files = pack(tmp.path(), PACK, "Bluebird\n");
        let compiled = Cache::new(blocked).compile(&files, &none, &read);
        assert_eq!(
            shown(&compiled),
            shown(&lower::compile(&files, &none, &read))
        );
    }

    #[test]
    fn the_folder_keeps_the_most_recently_used_entries() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::new(tmp.path().join("cache"));
        let none = Overrides::default();
        let files = |n: usize| pack(tmp.path(), &format!("{PACK}# version {n}\n"), "Bluebird\n");
        cache.compile(&files(0), &none, &read);
        for n in 1..KEEP + 5 {
            // Entry 0 is read each time, so it stays the most recently used.
            std::thread::sleep(std::time::Duration::from_millis(2));
            cache.compile(&files(n), &none, &read);
            assert!(
                cache.lookup(&files(0), &none, &read).is_some(),
                "entry 0 pruned at {n}"
            );
        }
        assert_eq!(entries(cache.dir()), KEEP);
        assert!(
            cache.lookup(&files(1), &none, &read).is_none(),
            "the oldest went first"
        );
        assert!(cache.lookup(&files(KEEP + 4), &none, &read).is_some());
    }
}
