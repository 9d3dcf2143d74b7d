//! The signature of a plain-text part that has no `-- ` line: found by its
//! shape, from the end of the part.

use super::{is_attachment_line, line_end};

/// Lines that close a letter: a signature follows them.
const SIGN_OFFS: &[&str] = &[
    "regards",
    "best regards",
    "kind regards",
    "warm regards",
    "warmest regards",
    "best wishes",
    "best",
    "thanks",
    "thank you",
    "many thanks",
    "thanks again",
    "cheers",
    "sincerely",
    "sincerely yours",
    "yours",
    "yours truly",
    "yours sincerely",
    "respectfully",
    "all the best",
    "take care",
    "thx",
    "rgds",
    "cordially",
];

/// Words that mark a line as contact details, a title or an organisation.
const CONTACT_WORDS: &[&str] = &[
    "phone",
    "tel",
    "tel.",
    "fax",
    "mobile",
    "cell",
    "direct",
    "office",
    "e-mail",
    "email",
    "www",
    "http",
    "president",
    "vice president",
    "director",
    "manager",
    "assistant",
    "department",
    "dept",
    "corporation",
    "corp",
    "inc",
    "llc",
    "ltd",
    "group",
    "company",
    "university",
    "publisher",
    "editor",
    "chairman",
    "ceo",
    "cfo",
    "coo",
    "counsel",
    "partner",
    "analyst",
    "associate",
    "executive",
    "secretary",
    "officer",
    "suite",
    "street",
];

/// Where a signature without a `-- ` line starts in `from..to`: at a sign-off line
/// ("Regards,") followed by a few short lines, or at a trailing block of at least
/// two short lines that holds contact details, a title or an organisation.
///
/// Read from the end, one line at a time: a part of millions of short lines
/// (a log, a list) costs a pass, not a list of its lines.
pub(super) fn signature_start(text: &str, from: usize, to: usize) -> Option<usize> {
    // A leading `# ` heading (a plain-text draft's title) is neither body nor signature.
    let from = after_heading(text, from, to);
    // The trailing run of short (or blank) lines, and the line before it.
    let mut run_start = to;
    let mut before: Option<usize> = None;
    for (start, line) in lines_back(text, from, to) {
        if !line.is_empty() && !short(line) {
            before = Some(start);
            break;
        }
        run_start = start;
    }
    // A sign-off line inside the trailing run, or just before it.
    let mut at = before.unwrap_or(run_start);
    while at < to {
        let end = line_end(text, at, to);
        if sign_off(text[at..end].trim()) {
            return Some(at);
        }
        at = end;
    }
    // The signature is the trailing paragraphs of the run that each read as one
    // (a name, a title or contact details, or attachment lines), standing apart
    // from the body after a blank line.
    let mut block = Block::default();
    let mut paragraph: Option<Paragraph> = None;
    // Whether a paragraph above the block does not read as a signature.
    let mut body_above = false;
    for (start, line) in lines_back(text, run_start, to) {
        match (&mut paragraph, line.is_empty()) {
            (None, true) => {}
            (Some(_), true) => {
                if !block.take(paragraph.take(), false) {
                    body_above = true;
                    break;
                }
            }
            (Some(p), false) => p.add(start, line),
            (None, false) => paragraph = Some(Paragraph::of(start, line)),
        }
        if block.text_lines > MOST_TEXT_LINES {
            return None;
        }
    }
    if paragraph.is_some() && !block.take(paragraph, true) {
        body_above = true;
    }
    let first = block.first?;
    let body_before = before.is_some() || body_above;
    // Short lines right under the body's text (no blank line between) end the
    // body, not a signature.
    if body_before && block.opens_run {
        return None;
    }
    if !(2..=MOST_TEXT_LINES).contains(&block.text_lines) || !block.contact {
        return None;
    }
    // A message that is nothing but a signature opens with a name and says how to
    // reach its author; otherwise short lines are the message itself.
    let opens_like_signature = block.first_text.is_some_and(looks_like_name) && block.reachable;
    if !body_before && !opens_like_signature {
        return None;
    }
    Some(first)
}

/// The most lines of text (not attachment lines) a signature has.
const MOST_TEXT_LINES: usize = 10;

/// `from`, or the end of the line that opens `from..to` (after blank lines)
/// when it is a `# ` heading.
fn after_heading(text: &str, from: usize, to: usize) -> usize {
    let mut at = from;
    while at < to {
        let end = line_end(text, at, to);
        let line = text[at..end].trim();
        if !line.is_empty() {
            return if line.starts_with("# ") { end } else { from };
        }
        at = end;
    }
    from
}

/// The lines of `from..to` (which begins a line), from the last to the first:
/// each line's start and its text trimmed, as [`line_end`] splits them.
fn lines_back(text: &str, from: usize, to: usize) -> impl Iterator<Item = (usize, &str)> {
    let mut end = to;
    std::iter::from_fn(move || {
        if end <= from {
            return None;
        }
        // The line's own `\n`, if any, is its last byte.
        let start =
            memchr::memrchr(b'\n', &text.as_bytes()[from..end - 1]).map_or(from, |i| from + i + 1);
        let line = (start, text[start..end].trim());
        end = start;
        Some(line)
    })
}

/// At most 60 characters and 8 words, told without counting all of a long line's.
fn short(line: &str) -> bool {
    (line.len() <= 60 || line.chars().nth(60).is_none()) && line.split_whitespace().nth(8).is_none()
}

/// Whether a line gives contact details, a title or an organisation.
fn contact(line: &str) -> bool {
    // The line's words are read once, each looked up among the contact words.
    reachable(line)
        || line
            .split(|c: char| !c.is_alphanumeric() && c != '.' && c != '-')
            .any(|word| CONTACT_WORDS.iter().any(|w| word.eq_ignore_ascii_case(w)))
}

/// Whether a line says how to reach someone: an address, or a number of seven
/// digits or more.
fn reachable(line: &str) -> bool {
    line.contains('@') || line.bytes().filter(u8::is_ascii_digit).count() >= 7
}

/// Whether a line closes a letter ("Regards," "Thanks!").
fn sign_off(line: &str) -> bool {
    let bare = line.trim_end_matches([',', '.', '!', ';', '-']).trim();
    SIGN_OFFS.iter().any(|s| bare.eq_ignore_ascii_case(s))
}

/// A paragraph of the trailing run, read from its last line up.
struct Paragraph<'a> {
    /// Its first line so far: start and text.
    top: (usize, &'a str),
    /// How many lines it has so far.
    lines: usize,
    /// Whether every line is an attachment line or gives contact details.
    all_attachments_or_contact: bool,
    /// Whether a line gives contact details (asked only of four lines or fewer).
    contact: bool,
    /// Its lines of text (not attachment lines).
    text: TextLines<'a>,
}

/// What a signature's lines of text (not attachment lines) are asked.
#[derive(Default)]
struct TextLines<'a> {
    count: usize,
    /// The first so far.
    first: Option<&'a str>,
    /// Whether one gives contact details; whether one has an address or a number.
    contact: bool,
    reachable: bool,
}

impl<'a> TextLines<'a> {
    /// Adds a line above those so far.
    fn add(&mut self, line: &'a str) {
        self.count += 1;
        self.first = Some(line);
        // Past the most a signature has, nothing more is asked.
        if self.count <= MOST_TEXT_LINES {
            self.contact = self.contact || contact(line);
            self.reachable = self.reachable || reachable(line);
        }
    }
}

impl<'a> Paragraph<'a> {
    fn of(start: usize, line: &'a str) -> Paragraph<'a> {
        let mut p = Paragraph {
            top: (start, line),
            lines: 0,
            all_attachments_or_contact: true,
            contact: false,
            text: TextLines::default(),
        };
        p.add(start, line);
        p
    }

    /// Adds the line above those so far.
    fn add(&mut self, start: usize, line: &'a str) {
        self.top = (start, line);
        self.lines += 1;
        let attachment = is_attachment_line(line);
        if !attachment {
            self.text.add(line);
        }
        let mut is_contact = None;
        let mut contact_line = || *is_contact.get_or_insert_with(|| contact(line));
        if self.all_attachments_or_contact {
            self.all_attachments_or_contact = attachment || contact_line();
        }
        if !self.contact && self.lines <= 4 {
            self.contact = contact_line();
        }
    }

    /// Whether it reads as part of a signature: a name, contact details or
    /// attachment lines, or a few lines with contact details among them.
    fn signature_like(&self) -> bool {
        looks_like_name(self.top.1)
            || self.all_attachments_or_contact
            || self.contact && self.lines <= 4
    }
}

/// The trailing paragraphs that read as a signature, taken from the last up.
#[derive(Default)]
struct Block<'a> {
    /// Where its first line starts, once it has one.
    first: Option<usize>,
    /// Whether its first paragraph opens the trailing run (no blank line above it).
    opens_run: bool,
    text_lines: usize,
    first_text: Option<&'a str>,
    contact: bool,
    reachable: bool,
}

impl<'a> Block<'a> {
    /// Takes the paragraph above the block when it reads as a signature (and
    /// says so); `opens_run`: the paragraph opens the trailing run.
    fn take(&mut self, paragraph: Option<Paragraph<'a>>, opens_run: bool) -> bool {
        let Some(p) = paragraph.filter(Paragraph::signature_like) else {
            return false;
        };
        self.first = Some(p.top.0);
        self.opens_run = opens_run;
        self.text_lines += p.text.count;
        self.first_text = p.text.first.or(self.first_text);
        self.contact |= p.text.contact;
        self.reachable |= p.text.reachable;
        true
    }
}

/// A line that reads as a person's name: two to four capitalised words of
/// letters ("Kirwin Drouet", "Michelle M. Sheehan"), nothing else.
fn looks_like_name(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    (2..=4).contains(&words.len())
        && words.iter().all(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                && w.chars()
                    .all(|c| c.is_alphabetic() || matches!(c, '.' | '-' | '\''))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The signature as first written: every line of the part collected, then
    /// read. The walk from the end must agree with it everywhere.
    fn collected(text: &str, from: usize, to: usize) -> Option<usize> {
        // The lines of the part, as (start, trimmed text).
        let mut lines: Vec<(usize, &str)> = Vec::new();
        let mut at = from;
        while at < to {
            let end = line_end(text, at, to);
            lines.push((at, text[at..end].trim()));
            at = end;
        }
        // A leading `# ` heading (a plain-text draft's title) is neither body nor signature.
        if let Some(i) = lines.iter().position(|(_, l)| !l.is_empty()) {
            if lines[i].1.starts_with("# ") {
                lines.drain(..=i);
            }
        }
        // At most 60 characters and 8 words, told without counting all of a long line's.
        let short = |l: &str| l.chars().nth(60).is_none() && l.split_whitespace().nth(8).is_none();
        let contact = |l: &str| {
            let lower = l.to_ascii_lowercase();
            let digits = l.chars().filter(char::is_ascii_digit).count();
            // The line's words are read once, each looked up among the contact words.
            digits >= 7
                || lower.contains('@')
                || lower
                    .split(|c: char| !c.is_alphanumeric() && c != '.' && c != '-')
                    .any(|word| CONTACT_WORDS.contains(&word))
        };
        // The trailing run of short (or blank) lines.
        let mut run_start = lines.len();
        for (i, (_, l)) in lines.iter().enumerate().rev() {
            if l.is_empty() || short(l) {
                run_start = i;
            } else {
                break;
            }
        }
        let run = &lines[run_start..];
        // A sign-off line inside the trailing run, or just before it.
        let sign_off = |l: &str| {
            let bare = l
                .trim_end_matches([',', '.', '!', ';', '-'])
                .trim()
                .to_ascii_lowercase();
            SIGN_OFFS.contains(&bare.as_str())
        };
        if let Some((start, _)) = lines[run_start.saturating_sub(1)..]
            .iter()
            .find(|(_, l)| sign_off(l))
        {
            return Some(*start);
        }
        // The signature is the trailing paragraphs of the run that each read as one
        // (a name, a title or contact details, or attachment lines), standing apart
        // from the body after a blank line.
        let is_attachment = |l: &str| is_attachment_line(l);
        let paragraphs: Vec<&[(usize, &str)]> = run
            .split(|(_, l)| l.is_empty())
            .filter(|p| !p.is_empty())
            .collect();
        let signature_like = |p: &[(usize, &str)]| {
            looks_like_name(p[0].1)
                || p.iter().all(|(_, l)| is_attachment(l) || contact(l))
                || p.iter().any(|(_, l)| contact(l)) && p.len() <= 4
        };
        let kept = paragraphs
            .iter()
            .rev()
            .take_while(|p| signature_like(p))
            .count();
        let block = &paragraphs[paragraphs.len() - kept..];
        let first = block.first()?[0].0;
        let first_index = lines.iter().position(|(at, _)| *at == first)?;
        let body_before = lines[..first_index].iter().any(|(_, l)| !l.is_empty());
        if body_before && !lines[first_index - 1].1.is_empty() {
            return None;
        }
        let text_lines: Vec<&str> = block
            .iter()
            .flat_map(|p| p.iter())
            .map(|(_, l)| *l)
            .filter(|l| !is_attachment(l))
            .collect();
        if text_lines.len() < 2 || text_lines.len() > 10 || !text_lines.iter().any(|l| contact(l)) {
            return None;
        }
        // A message that is nothing but a signature opens with a name and says how to
        // reach its author; otherwise short lines are the message itself.
        let reachable =
            |l: &str| l.contains('@') || l.chars().filter(char::is_ascii_digit).count() >= 7;
        let opens_like_signature =
            looks_like_name(text_lines[0]) && text_lines.iter().any(|l| reachable(l));
        if !body_before && !opens_like_signature {
            return None;
        }
        Some(first)
    }

    /// Lines of every kind the signature is told by.
    const LINES: &[&str] = &[
        "",
        "   ",
        "Regards,",
        "THANKS!",
        "Best -",
        "Jane Doe",
        "Michelle M. Sheehan",
        "Vice President, Sales",
        "ENRON CORP.",
        "Phone: 713-555-0199",
        "(713) 853-1234",
        "jane@example.com",
        "Suite 300",
        "<<budget.xls>>",
        "report.pdf",
        "Attachment: notes.docx",
        "# A title",
        "ok",
        "see you then",
        "one two three four five six seven eight nine",
        "The meeting moved to Thursday afternoon, and the agenda is in the shared folder.",
        "Zoë Ångström",
        "ééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé",
    ];

    proptest::proptest! {
        #[test]
        fn the_walk_from_the_end_finds_what_reading_every_line_found(
            picks in proptest::collection::vec(0..LINES.len(), 0..24),
            crlf: bool,
            last_break: bool,
            skip in 0usize..3,
            cut in 0usize..3,
        ) {
            let eol = if crlf { "\r\n" } else { "\n" };
            let mut text = picks.iter().map(|&i| LINES[i]).collect::<Vec<_>>().join(eol);
            if last_break && !text.is_empty() {
                text.push_str(eol);
            }
            // From the start of a line, to the end of the text or the start of a line.
            let starts: Vec<usize> = std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .filter(|&i| i < text.len())
                .collect();
            let from = starts.get(skip).copied().unwrap_or(0);
            let to = starts
                .iter()
                .rev()
                .nth(cut.saturating_sub(1))
                .filter(|&&to| cut > 0 && to > from)
                .copied()
                .unwrap_or(text.len());
            proptest::prop_assert_eq!(
                signature_start(&text, from, to),
                collected(&text, from, to),
                "{:?} from {} to {}", text, from, to
            );
        }
    }

    #[test]
    fn a_signature_by_its_shape() {
        let mail = "Hi Ann,\n\nThe figures are attached and the call is at ten.\n\nJane Doe\nVice President, Sales\n713-555-0199\n";
        assert_eq!(signature_start(mail, 0, mail.len()), mail.find("Jane Doe"));
        let signed = "Hi Ann,\n\nThe call is at ten.\n\nRegards,\nJane\n";
        assert_eq!(
            signature_start(signed, 0, signed.len()),
            signed.find("Regards")
        );
        // Short lines of a message, none with contact details, are the message.
        let chat = "ok\nsee you then\nbring the notes\n";
        assert_eq!(signature_start(chat, 0, chat.len()), None);
        // A title opening the part is neither body nor signature.
        let card = "# Notes\nJane Doe\n713-555-0199\njane@example.com\n";
        assert_eq!(signature_start(card, 0, card.len()), card.find("Jane Doe"));
        // Body text right above, with no blank line between: no signature.
        let run_on = "The figures are attached and the call is at ten, as we said.\nJane Doe\n713-555-0199\n";
        assert_eq!(signature_start(run_on, 0, run_on.len()), None);
    }
}
