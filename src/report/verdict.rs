//! The verdict on a draft and its triage.

use serde::Serialize;

use crate::language::rules::Level;
use crate::report::finding::Finding;

/// What should happen to a draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Nothing to say.
    Allow,
    /// Publish, but the author should look at the warnings.
    Warn,
    /// A person must look before it is published.
    Review,
    /// Do not publish as it is.
    Block,
}

impl Verdict {
    /// The verdict for these findings and triage priority.
    pub fn of(findings: &[Finding], priority: Option<u8>) -> Verdict {
        if findings.iter().any(|f| f.level == Level::Error) {
            Verdict::Block
        } else if findings.iter().any(|f| f.review) || priority == Some(1) {
            Verdict::Review
        } else if findings.iter().any(|f| f.level == Level::Warning) {
            Verdict::Warn
        } else {
            Verdict::Allow
        }
    }

    /// The verdict's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Allow => "allow",
            Verdict::Warn => "warn",
            Verdict::Review => "review",
            Verdict::Block => "block",
        }
    }
}

/// The triage of a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TriageResult {
    /// Its class (support, criticism, idea…), if any step matched.
    pub category: Option<String>,
    /// 1 (urgent) to 3, if any step matched.
    pub priority: Option<u8>,
}
