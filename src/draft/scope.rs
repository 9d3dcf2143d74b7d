//! Scopes: the kinds of region in a draft that rules may look into or not.

/// A kind of region in a draft that rules may look into or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u16)]
pub enum Scope {
    /// Code blocks and code spans.
    Code = 1 << 0,
    /// Block quotes and quoted replies.
    Quote = 1 << 1,
    /// The text of a link.
    Link = 1 << 2,
    /// A URL, bare or as a link's destination.
    Url = 1 << 3,
    /// A heading.
    Heading = 1 << 4,
    /// A #hashtag.
    Hashtag = 1 << 5,
    /// An @mention.
    Mention = 1 << 6,
    /// An email signature.
    Signature = 1 << 7,
    /// Email headers.
    Header = 1 << 8,
    /// Front matter.
    FrontMatter = 1 << 9,
    /// Comments, including Tenet's own suppression comments.
    Comment = 1 << 10,
    /// The value of an email's `Subject:` header (not part of `header`).
    Subject = 1 << 11,
    /// A forwarded message (also `quote`): someone else's mail passed on.
    Forward = 1 << 12,
    /// Attachment lines and placeholders: `- report.doc`, `<<file.xls>>`,
    /// `(See attached file: …)`, `<Embedded Picture…>`, `[IMAGE]`.
    Attachment = 1 << 13,
    /// Legal and mailing-list footers: confidentiality notices, unsubscribe lines,
    /// the ads free mail services add.
    Footer = 1 << 14,
    /// The opening of the text: the first lines after any header or front matter,
    /// where a publication names itself and a letter says what it is about.
    Lead = 1 << 15,
}

impl Scope {
    /// Every scope, with its name in the rule language.
    pub const ALL: [(Scope, &'static str); 16] = [
        (Scope::Code, "code"),
        (Scope::Quote, "quote"),
        (Scope::Link, "link"),
        (Scope::Url, "url"),
        (Scope::Heading, "heading"),
        (Scope::Hashtag, "hashtag"),
        (Scope::Mention, "mention"),
        (Scope::Signature, "signature"),
        (Scope::Header, "header"),
        (Scope::FrontMatter, "frontmatter"),
        (Scope::Comment, "comment"),
        (Scope::Subject, "subject"),
        (Scope::Forward, "forward"),
        (Scope::Attachment, "attachment"),
        (Scope::Footer, "footer"),
        (Scope::Lead, "lead"),
    ];

    /// Parses a scope name.
    pub fn parse(name: &str) -> Option<Scope> {
        Scope::ALL.iter().find(|(_, n)| *n == name).map(|(s, _)| *s)
    }

    /// The scope's name.
    pub fn name(self) -> &'static str {
        Scope::ALL
            .iter()
            .find(|(s, _)| *s == self)
            .map_or("?", |(_, n)| n)
    }
}

/// A set of scopes.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub struct ScopeSet(pub u16);

impl ScopeSet {
    /// No scope.
    pub const EMPTY: ScopeSet = ScopeSet(0);

    /// The set of these scopes.
    pub fn of(scopes: &[Scope]) -> ScopeSet {
        ScopeSet(scopes.iter().fold(0, |acc, s| acc | *s as u16))
    }

    /// Whether `scope` is in the set.
    pub fn contains(self, scope: Scope) -> bool {
        self.0 & scope as u16 != 0
    }

    /// Whether the sets share a scope.
    pub fn intersects(self, other: ScopeSet) -> bool {
        self.0 & other.0 != 0
    }

    /// Both sets together.
    pub fn union(self, other: ScopeSet) -> ScopeSet {
        ScopeSet(self.0 | other.0)
    }

    /// This set without `other`.
    pub fn without(self, other: ScopeSet) -> ScopeSet {
        ScopeSet(self.0 & !other.0)
    }

    /// The names of the scopes in the set.
    pub fn names(self) -> Vec<&'static str> {
        Scope::ALL
            .iter()
            .filter(|(s, _)| self.contains(*s))
            .map(|(_, n)| *n)
            .collect()
    }
}
