//! The Tenet language: `grammar/tenet.pest` → [`syntax`] (the only module that sees
//! pest) → [`ast`] → [`lower`] → checked [`rules`], with every problem of every file
//! as a located [`diagnostic`]. [`builtin`] is the pack embedded in the binary.
//!
//! May import [`crate::text`], [`crate::validate`] and [`crate::draft`] (for scope names).

pub mod ast;
pub mod builtin;
pub mod diagnostic;
pub mod explain;
pub mod lower;
pub mod regex;
pub mod rules;
pub mod syntax;
pub mod words;
