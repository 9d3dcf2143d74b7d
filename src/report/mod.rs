//! What a check says: [`finding`]s with their fixes (built as they are written
//! when [`deferred`]), [`suppress`]ions applied to them, the [`verdict`] and
//! triage, and every [`output`] format's wire shape.
//!
//! May import [`crate::text`], [`crate::draft`] and [`crate::language`]; it knows
//! nothing of how findings are searched for.

pub mod baseline;
pub mod deferred;
pub mod finding;
pub mod fix;
mod names;
pub mod output;
pub mod panics;
pub mod redact;
pub mod suppress;
pub mod verdict;

pub use deferred::{Batch, Deferred, Unbuilt};
pub use finding::Finding;
pub use redact::Redactions;
pub use suppress::Suppressed;
pub use verdict::{TriageResult, Verdict};

/// Everything a check of one draft says.
#[derive(Debug, Clone)]
pub struct Report {
    /// The findings, sorted by position.
    pub findings: Vec<Finding>,
    /// Findings removed by suppressions, with their reasons.
    pub suppressed: Vec<Suppressed>,
    /// The conversation's triage, when the rules have a triage block.
    pub triage: Option<TriageResult>,
    /// What should happen to the draft.
    pub verdict: Verdict,
    /// Text that must never be shown, whichever output shows the draft.
    pub redactions: Redactions,
    /// Findings left out by a cap on findings per rule (the verdict counts them).
    pub truncated: usize,
}
