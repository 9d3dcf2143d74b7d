//! Which files are drafts, and as which format: the built-in extensions, the
//! configuration's `[types]`, and what its `exclude` leaves out of a walk.

use std::path::Path;

use ignore::gitignore::{Gitignore, GitignoreBuilder};

use super::config::Config;
use crate::draft::Format;

/// Extensions of drafts found by walking a folder; files with no extension are sniffed.
const DRAFT_EXTENSIONS: &[&str] = &[
    "md", "markdown", "mdx", "mkd", "txt", "text", "eml", "email",
];

/// The configuration's say on files.
#[derive(Debug, Default)]
pub struct Files {
    /// `exclude` of each file in effect, nearest first.
    exclude: Vec<Gitignore>,
    /// `[types]`, nearest file first (the first match wins).
    types: Vec<(String, Format)>,
}

impl Files {
    /// What `config` says.
    pub fn of(config: &Config) -> Files {
        let mut exclude = Vec::new();
        for file in &config.files {
            if file.exclude.is_empty() {
                continue;
            }
            let mut builder = GitignoreBuilder::new(file.dir());
            for glob in &file.exclude {
                // Checked when the file was read.
                let _ = builder.add_line(None, &glob.value);
            }
            if let Ok(g) = builder.build() {
                exclude.push(g);
            }
        }
        let types = config
            .files
            .iter()
            .flat_map(|f| &f.types)
            .map(|(ext, format)| (ext.value.clone(), format.value))
            .collect();
        Files { exclude, types }
    }

    fn extension(path: &Path) -> Option<String> {
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
    }

    /// Whether a file found by walking a folder is a draft to check.
    pub fn wanted(&self, path: &Path) -> bool {
        let is_draft = match Files::extension(path).as_deref() {
            None | Some("") => true,
            Some(ext) => {
                DRAFT_EXTENSIONS.contains(&ext) || self.types.iter().any(|(e, _)| e == ext)
            }
        };
        is_draft && !self.excluded(path)
    }

    /// Whether `exclude` leaves this path (or a folder above it) out.
    pub fn excluded(&self, path: &Path) -> bool {
        if self.exclude.is_empty() {
            return false;
        }
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        self.exclude.iter().any(|g| {
            absolute.starts_with(g.path())
                && g.matched_path_or_any_parents(&absolute, false).is_ignore()
        })
    }

    /// The format of a draft: its extension's in `[types]`, else found from its
    /// name and content.
    pub fn format(&self, path: Option<&Path>, text: &str) -> Format {
        let configured = path
            .and_then(Files::extension)
            .and_then(|ext| self.types.iter().find(|(e, _)| *e == ext).map(|(_, f)| *f));
        configured.unwrap_or_else(|| Format::detect(path, text))
    }
}
