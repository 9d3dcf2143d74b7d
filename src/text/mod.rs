//! Text primitives every layer shares: caseless folding and word characters
//! ([`fold`]), the blanks between a term's words ([`blanks`]), bytes classed
//! 64 at a time ([`classes`]) and lines found that way ([`lines`]), byte
//! offsets turned into lines and columns ([`line_index`]), reading files that
//! may be hostile ([`file`]) in the encoding they are in ([`encoding`]), near
//! misses for did-you-mean hints ([`similar`]), spans counted in characters
//! and UTF-16 for other languages ([`units`]), compiled regexes that each
//! thread searches with a cache of its own ([`searcher`]), and JSON read with
//! its lone UTF-16 surrogates as U+FFFD ([`surrogates`]).
//!
//! Imports nothing from the rest of the crate.

pub mod blanks;
pub mod classes;
pub mod encoding;
pub mod file;
pub mod fold;
pub mod line_index;
pub mod lines;
#[cfg(test)]
pub mod random;
pub mod searcher;
pub mod similar;
pub mod surrogates;
pub mod units;
