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
//! assert_eq!(report.findings[0].rule, "confidentiality.codename");
//! assert_eq!(report.verdict.as_str(), "block");
//! ```

pub mod ast;
pub mod builtin;
pub mod check;
pub mod config;
pub mod diagnostic;
pub mod draft;
pub mod engine;
pub mod examples;
pub mod finding;
pub mod fold;
pub mod line_index;
pub mod lower;
pub mod lsp;
pub mod metrics;
pub mod output;
pub mod pack;
pub mod reference;
pub mod rules;
pub mod suppress;
pub mod syntax;
pub mod validate;

pub use check::{check_text, Checker, Report};
pub use finding::{Finding, Verdict};
