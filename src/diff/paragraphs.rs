//! Paragraphs of a story and what each one is: body copy, the headline, a
//! photo caption or credit, or site furniture (boilerplate). Rule-based on
//! the shapes these take in scraped news; documented in docs/diff.md.

use super::tokens::Span;

/// What a paragraph is, judged from its own text and place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Body text.
    Body,
    /// The headline.
    Headline,
    /// A photo caption.
    Caption,
    /// Bylines, notices and other boilerplate.
    Boilerplate,
}

/// One paragraph: its span in the document text and its role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    /// The paragraph's span in the text.
    pub span: Span,
    /// What the paragraph is.
    pub role: Role,
}

/// Split a text into paragraphs: blocks separated by blank lines; a block of
/// several lines whose later lines are indented (hard-wrapped wire copy) or
/// that has no blank lines at all in a long text is split at indented line
/// starts. Spans exclude surrounding whitespace.
pub fn split(text: &str) -> Vec<Span> {
    let has_blank = text.contains("\n\n") || text.contains("\n\r\n") || text.contains("\n \n");
    let mut spans = Vec::new();
    let mut start: Option<usize> = None;
    let mut end = 0;
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        let line_start = pos;
        pos += line.len();
        if trimmed.is_empty() {
            if let Some(s) = start.take() {
                spans.push(Span::new(s, end));
            }
            continue;
        }
        let lead = line.len() - line.trim_start().len();
        let content_start = line_start + lead;
        let content_end = line_start + line.trim_end().len();
        // Without blank lines, every line is a paragraph unless the text is
        // hard-wrapped: then indented lines start paragraphs.
        let starts_new = match start {
            None => true,
            Some(_) if !has_blank => !hard_wrapped(text) || lead > 0,
            Some(_) => false,
        };
        if starts_new {
            if let Some(s) = start.take() {
                spans.push(Span::new(s, end));
            }
            start = Some(content_start);
        }
        end = content_end;
    }
    if let Some(s) = start {
        spans.push(Span::new(s, end));
    }
    spans
}

/// Whether lines are wrapped at a fixed width (most lines 60-80 characters,
/// paragraphs starting with an indent), as in wire copy of the 1980s.
fn hard_wrapped(text: &str) -> bool {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    if lines.len() < 4 {
        return false;
    }
    let wrapped = lines
        .iter()
        .filter(|l| (55..=90).contains(&l.chars().count()))
        .count();
    let indented = lines.iter().filter(|l| l.starts_with([' ', '\t'])).count();
    wrapped * 2 >= lines.len() && indented >= 1
}

/// Lines that are site furniture, not story: matched on the start of a short
/// paragraph, case-insensitively.
const BOILERPLATE_STARTS: &[&str] = &[
    "advertisement",
    "all rights reserved",
    "click here",
    "copyright",
    "follow us",
    "newspapers from",
    "newspapers in english",
    "oops! something went wrong",
    "powered by",
    "read more",
    "related:",
    "share this",
    "sign up",
    "source link",
    "subscribe",
    "this article was",
    "this story was",
    "©",
];

/// Whether a paragraph is site furniture: a known line ("Source link",
/// "Powered by ...", "Newspapers in English", ...), a byline ("By James
/// Kilner"), or, at the very start or end of the text, a short Title Case
/// line with no sentence in it (a masthead such as "The Sunday Telegraph").
pub(crate) fn is_boilerplate(p: &str, at_edge: bool) -> bool {
    let words: Vec<&str> = p.split_whitespace().collect();
    if words.is_empty() || words.len() > 14 {
        return false;
    }
    let lower = p.to_lowercase();
    let lower = lower.trim_start_matches(['-', '–', '—', '•', ' ']);
    if BOILERPLATE_STARTS.iter().any(|s| lower.starts_with(s)) {
        return true;
    }
    // A byline: "By Name Surname" (optionally "- By ...").
    if words.len() <= 6
        && lower.starts_with("by ")
        && words
            .iter()
            .skip_while(|w| w.to_lowercase() != "by")
            .skip(1)
            .all(|w| w.starts_with(char::is_uppercase) || w.eq_ignore_ascii_case("and"))
    {
        return true;
    }
    at_edge
        && words.len() <= 4
        && !p.ends_with(['.', ':', '?', '!', '"', '”'])
        && words.iter().all(|w| {
            w.starts_with(char::is_uppercase)
                || matches!(*w, "in" | "of" | "the" | "from" | "and" | "&")
        })
}

/// Credit words that end a photo caption: agencies and photo desks.
const CREDIT_WORDS: &[&str] = &[
    "afp",
    "ap",
    "epa",
    "getty",
    "images",
    "photo",
    "photograph",
    "pool",
    "pa",
    "reuters",
    "shutterstock",
    "sputnik",
    "tass",
    "via",
    "wire",
    "xinhua",
    "ria",
    "bloomberg",
    "alamy",
];

/// Whether a paragraph is a photo caption or credit line: "Photo: ...",
/// "(Getty Images)", or text ending in " – Name Surname" / " - Agency/Name
/// via Reuters" with no full stop at the end.
pub(crate) fn is_caption(p: &str) -> bool {
    let lower = p.to_lowercase();
    for prefix in [
        "photo:",
        "image:",
        "picture:",
        "pic:",
        "credit:",
        "photograph:",
    ] {
        if lower.starts_with(prefix) {
            return true;
        }
    }
    if p.ends_with(['.', '?', '!', ':', '"', '”', '’']) && !lower.ends_with("images.") {
        return false;
    }
    let Some((body, credit)) = [" – ", " - ", " — ", " | "]
        .iter()
        .filter_map(|sep| p.rsplit_once(sep))
        .min_by_key(|(_, credit)| credit.len())
    else {
        return lower.ends_with("getty images)") || lower.ends_with("(photo)");
    };
    let credit_words: Vec<&str> = credit.split_whitespace().collect();
    if credit_words.is_empty() || credit_words.len() > 8 || body.trim().is_empty() {
        return false;
    }
    let agency = credit.contains('/')
        || credit_words.iter().any(|w| {
            let w = w
                .trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase();
            CREDIT_WORDS.contains(&w.as_str())
        });
    let name = credit_words.len() <= 3
        && credit_words
            .iter()
            .all(|w| w.starts_with(char::is_uppercase));
    // A caption's body is a list of keywords or a clause, not sentences.
    let sentences = body.matches(". ").count();
    (agency || name) && sentences == 0
}

/// Whether a paragraph can be a headline: 3 to 25 words, not ending in a full
/// stop.
pub(crate) fn headline_like(p: &str) -> bool {
    let n = p.split_whitespace().count();
    (3..=25).contains(&n) && !p.ends_with(['.', ':'])
}

/// Paragraphs of a text with their roles. The headline is the first
/// paragraph that is neither furniture nor caption, when it looks like one.
pub fn paragraphs(text: &str) -> Vec<Paragraph> {
    let spans = split(text);
    let n = spans.len();
    let mut out: Vec<Paragraph> = spans
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let p = &text[s.start..s.end];
            let at_edge = i < 2 || i + 2 >= n;
            let role = if is_boilerplate(p, at_edge) {
                Role::Boilerplate
            } else if is_caption(p) {
                Role::Caption
            } else {
                Role::Body
            };
            Paragraph { span: *s, role }
        })
        .collect();
    if let Some(first) = out.iter_mut().find(|p| p.role == Role::Body) {
        if headline_like(&text[first.span.start..first.span.end]) && n > 1 {
            first.role = Role::Headline;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts<'a>(text: &'a str, spans: &[Span]) -> Vec<&'a str> {
        spans.iter().map(|s| &text[s.start..s.end]).collect()
    }

    #[test]
    fn splits_on_blank_lines_and_single_lines() {
        let t = "Title\n\nFirst para\nstill first.\n\n  Second.  \n";
        assert_eq!(
            texts(t, &split(t)),
            ["Title", "First para\nstill first.", "Second."]
        );
        let t = "One line.\nTwo line.\n";
        assert_eq!(texts(t, &split(t)), ["One line.", "Two line."]);
    }

    #[test]
    fn hard_wrapped_wire_copy_splits_at_indents() {
        let line = "word ".repeat(14);
        let t = format!("    {line}\n{line}\n{line}\n    {line}\n{line}\n");
        assert_eq!(split(&t).len(), 2);
    }

    #[test]
    fn boilerplate_lines() {
        for p in [
            "Source link",
            "Powered by BeaconSites",
            "Newspapers in English",
            "Newspapers from United Kingdom",
            "Oops! Something went wrong. Please try again later.",
            "- By James Kilner",
        ] {
            assert!(is_boilerplate(p, false), "{p}");
        }
        assert!(is_boilerplate("The Sunday Telegraph", true));
        assert!(!is_boilerplate("The Sunday Telegraph", false));
        assert!(!is_boilerplate(
            "By the end of the week, talks had failed.",
            false
        ));
        assert!(!is_boilerplate("Macron to visit China in April", false));
    }

    #[test]
    fn caption_lines() {
        for p in [
            "Volodymyr Zelenksy Ukraine China Russia invasion war Europe Asia weapons – Andy Davey",
            "Dmitry Medvedev Russia Kremlin invasion war Ukraine weapons – Ekaterina Shtukina/Sputnik/Kremlin Pool Photo via AP",
            "Alexander Lukashenko Belarus Ukraine invasion war Russia Europe weapons China visit - Sputnik/Vladimir Astapkovich/Kremlin via Reuters",
            "Photo: Reuters",
        ] {
            assert!(is_caption(p), "{p}");
        }
        for p in [
            "On Saturday, China blocked a G20 joint communique that would have included a condemnation of the invasion – a decision that Christian Lindner, the German finance minister, described as “regrettable”.",
            "Macron to visit China in April",
            "The fighting went on - Reuters said.",
        ] {
            assert!(!is_caption(p), "{p}");
        }
    }

    #[test]
    fn headline_is_the_first_story_paragraph() {
        let t = "The Sunday Telegraph\n\nRussia ramping up hi-tech arms\n\nRUSSIA is expanding defence production, an ally said.\n\nNewspapers in English";
        let roles: Vec<Role> = paragraphs(t).iter().map(|p| p.role).collect();
        assert_eq!(
            roles,
            [
                Role::Boilerplate,
                Role::Headline,
                Role::Body,
                Role::Boilerplate
            ]
        );
    }
}
