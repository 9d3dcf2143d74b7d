//! Tenet checks drafts against an organisation's social computing guidelines.
//!
//! Rules are written in the Tenet language (`.tenet` files); a draft is parsed into
//! scopes, matched against every rule in one pass, and reported as findings with a
//! verdict.
//!
//! ```
//! use tenet::{check_text, Checker};
//!
//! let rules = r#"
//! guideline confidentiality {
//!   list codenames = "Project Falcon"
//!   rule codename error {
//!     find codenames
//!     message "“{match}” is an internal code name; describe the work instead."
//!     bad "Can't wait for [Project Falcon] to ship!"
//!   }
//! }
//! "#;
//! let checker = Checker::from_source("example.tenet", rules).unwrap();
//! let report = check_text(&checker, "Soon: project falcon!", None);
//! assert_eq!(&*report.findings[0].rule, "confidentiality.codename");
//! assert_eq!(report.verdict.as_str(), "block");
//! ```
//!
//! The modules are layers, listed from the bottom; each imports only from the
//! layers above it in this list (`tests/architecture.rs` checks it):
//!
//! | layer | owns |
//! |---|---|
//! | [`text`] | caseless folding, word characters, byte offset → line and column |
//! | [`validate`] | checksums and format checks of identifiers (cards, IBANs, SSNs…) |
//! | [`draft`] | a draft's format, scopes, words and suppression directives |
//! | [`language`] | grammar → syntax tree → checked rules, with every error located |
//! | [`report`] | findings, fixes, suppressions, verdicts, and every output format |
//! | [`engine`] | automata, hits, conditions: (rules, draft, channel) → report |
//! | [`workspace`] | `tenet.toml` discovery and combination, rule packs, compiled-rule cache |
//! | [`moderation`] | drafts as JSON in, verdicts out, and live rules for services |
//! | [`lsp`], [`serve`], [`worker`] | front ends: the language server, the HTTP service, the NATS JetStream worker |
//!
//! `ARCHITECTURE.md` describes the data flow and the invariants.

pub mod draft;
pub mod engine;
pub mod language;
pub mod lsp;
pub mod moderation;
pub mod report;
pub mod serve;
pub mod text;
pub mod validate;
pub mod worker;
pub mod workspace;

pub use engine::checker::{check_text, Checker};
pub use report::finding::Finding;
pub use report::{Report, Verdict};
pub use workspace::Workspace;

/// This build's version: the package's, and the build's twelve-digit digest of
/// everything it is compiled from, the built-in rules included (see
/// `build.rs`), since two builds of one package version can check differently.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (build ",
    env!("TENET_BUILD"),
    ")"
);
