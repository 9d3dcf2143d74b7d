//! Text primitives every layer shares: caseless folding and word characters
//! ([`fold`]), and byte offsets turned into lines and columns ([`line_index`]).
//!
//! Imports nothing from the rest of the crate.

pub mod fold;
pub mod line_index;
