//! Words of a paragraph for the diff: Unicode word segmentation into units
//! with byte spans and the keys they are compared by (exact, typographic,
//! spelling- and number-folded), with scraper-glued words split apart.

use crate::normalize::fold_spelling;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::LazyLock;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

/// A byte range `[start, end)` of a document's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset just past the last byte.
    pub end: usize,
}

impl Span {
    /// The span `[start, end)`.
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// An empty span at `pos`.
    pub(crate) fn empty_at(pos: usize) -> Span {
        Span {
            start: pos,
            end: pos,
        }
    }

    /// Whether the span covers nothing.
    pub fn is_empty(&self) -> bool {
        self.start >= self.end
    }

    /// The smallest span covering both.
    pub fn join(self, other: Span) -> Span {
        if self.is_empty() && self.start == self.end && other.start != other.end {
            return other;
        }
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// One unit of comparison: a word, a punctuation mark, or a number phrase
/// merged from several words ("10-fold", "10 per cent").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// Where the unit is in the text.
    pub span: Span,
    /// Case, quotes, dashes and accents folded.
    pub typo: String,
    /// `typo`, then UK spelling folded to US and number words to digits: the
    /// key paragraphs are aligned and words matched by.
    pub loose: String,
    /// Letters or digits (not a punctuation mark).
    pub word: bool,
    /// A word that says what a paragraph is about (not a stopword).
    pub content: bool,
    /// This unit and the next were one token in the text, run together by a
    /// scraper ("Beijingwith" = "Beijing" + "with").
    pub glued_to_next: bool,
    /// Part of a web address (`https://...`, `www....`): never a spelling
    /// variant, and never split as glued.
    pub in_url: bool,
}

/// Words the right half of a glued token may be without appearing elsewhere.
const FUNCTION_WORDS: &[&str] = &[
    "a", "about", "after", "also", "an", "and", "are", "as", "at", "be", "been", "before", "but",
    "by", "even", "for", "from", "had", "has", "have", "he", "her", "his", "in", "into", "is",
    "it", "its", "not", "of", "on", "or", "said", "she", "so", "than", "that", "the", "their",
    "them", "then", "there", "they", "this", "to", "was", "we", "were", "which", "while", "who",
    "will", "with", "would",
];

/// `FUNCTION_WORDS` as a set: every word of a text is looked up in it.
static FUNCTION_SET: LazyLock<HashSet<&str>> =
    LazyLock::new(|| FUNCTION_WORDS.iter().copied().collect());

/// Words too common to say two paragraphs are about the same thing.
pub fn is_stopword(loose: &str) -> bool {
    loose.len() < 3 || FUNCTION_SET.contains(loose)
}

/// Number words and their digits; ordinals map to `Nth`.
const NUMBER_WORDS: &[(&str, &str)] = &[
    ("eight", "8"),
    ("eighteen", "18"),
    ("eighteenth", "18th"),
    ("eighth", "8th"),
    ("eighty", "80"),
    ("eleven", "11"),
    ("eleventh", "11th"),
    ("fifteen", "15"),
    ("fifteenth", "15th"),
    ("fifth", "5th"),
    ("fifty", "50"),
    ("first", "1st"),
    ("five", "5"),
    ("forty", "40"),
    ("four", "4"),
    ("fourteen", "14"),
    ("fourteenth", "14th"),
    ("fourth", "4th"),
    ("hundred", "100"),
    ("nine", "9"),
    ("nineteen", "19"),
    ("nineteenth", "19th"),
    ("ninety", "90"),
    ("ninth", "9th"),
    ("one", "1"),
    ("second", "2nd"),
    ("seven", "7"),
    ("seventeen", "17"),
    ("seventeenth", "17th"),
    ("seventh", "7th"),
    ("seventy", "70"),
    ("six", "6"),
    ("sixteen", "16"),
    ("sixteenth", "16th"),
    ("sixth", "6th"),
    ("sixty", "60"),
    ("ten", "10"),
    ("tenth", "10th"),
    ("third", "3rd"),
    ("thirteen", "13"),
    ("thirteenth", "13th"),
    ("thirty", "30"),
    ("thousand", "1000"),
    ("three", "3"),
    ("twelfth", "12th"),
    ("twelve", "12"),
    ("twentieth", "20th"),
    ("twenty", "20"),
    ("two", "2"),
];

/// `NUMBER_WORDS` as a map: every word of a text is looked up in it.
static NUMBER_MAP: LazyLock<HashMap<&str, &str>> =
    LazyLock::new(|| NUMBER_WORDS.iter().copied().collect());

/// Digits for a number word, ordinal, "-fold" word or percent word; `None`
/// when `typo` is none of them.
fn number_key(typo: &str) -> Option<String> {
    if matches!(typo, "pct" | "percent" | "%") {
        return Some("%".into());
    }
    if let Some(stem) = typo.strip_suffix("fold") {
        if let Some(n) = number_key(stem).filter(|n| n.bytes().all(|b| b.is_ascii_digit())) {
            return Some(format!("{n}fold"));
        }
        if !stem.is_empty() && stem.bytes().all(|b| b.is_ascii_digit()) {
            return Some(typo.to_string());
        }
    }
    if let Some(&digits) = NUMBER_MAP.get(typo) {
        return Some(digits.into());
    }
    // "1st", "22nd" etc. stay as written; they already are the digit form.
    None
}

/// Fold case, curly quotes, dashes and accents.
pub(crate) fn typo_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    if s.is_ascii() {
        out.extend(s.chars().map(|c| c.to_ascii_lowercase()));
        return out;
    }
    for c in s.nfkd().filter(|c| !is_combining_mark(*c)) {
        match c {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '`' | '\u{00B4}' => {
                out.push('\'')
            }
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
            | '\u{00BB}' => out.push('"'),
            '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' => {
                out.push('-')
            }
            '\u{2026}' => out.push_str("..."),
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

fn loose_key(typo: &str, word: bool) -> String {
    if !word {
        return typo.to_string();
    }
    if let Some(n) = number_key(typo) {
        return n;
    }
    if let Some(a) = abbreviation(typo) {
        return a;
    }
    fold_spelling(typo.to_string())
}

/// "u.s" (of "U.S.") as "us": single letters joined by dots, the dots
/// dropped, so abbreviation restyling compares equal.
pub(crate) fn abbreviation(typo: &str) -> Option<String> {
    if typo.len() < 3 || typo.as_bytes()[1] != b'.' {
        return None;
    }
    let parts: Vec<&str> = typo.split('.').collect();
    (parts.len() >= 2
        && parts
            .iter()
            .all(|p| p.chars().count() == 1 && p.chars().all(char::is_alphabetic)))
    .then(|| parts.concat())
}

/// Byte ranges of web addresses in `s`: from `http://`, `https://` or
/// `www.` to the next space.
fn url_ranges(s: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let lower = s.to_ascii_lowercase();
    let mut from = 0;
    while from < s.len() {
        let next = ["http://", "https://", "www."]
            .iter()
            .filter_map(|p| lower[from..].find(p).map(|k| from + k))
            .min();
        let Some(start) = next else { break };
        let end = s[start..]
            .find(char::is_whitespace)
            .map_or(s.len(), |k| start + k);
        out.push((start, end));
        from = end.max(start + 1);
    }
    out
}

fn unit(text: &str, start: usize, end: usize) -> Unit {
    let s = &text[start..end];
    let word = s.chars().any(char::is_alphanumeric);
    let typo = typo_key(s);
    let loose = loose_key(&typo, word);
    Unit {
        span: Span::new(start, end),
        content: word && !is_stopword(&loose),
        typo,
        loose,
        word,
        glued_to_next: false,
        in_url: false,
    }
}

/// Lowercased words of a text (its units' `typo` keys), to judge whether
/// the halves of a glued token are real words.
pub fn vocabulary(units: &[Vec<Unit>]) -> HashSet<String> {
    // Distinct words first, so each is copied once.
    let words: HashSet<&str> = units
        .iter()
        .flatten()
        .filter(|u| u.word)
        .map(|u| u.typo.as_str())
        .collect();
    words.into_iter().map(str::to_owned).collect()
}

/// Split a token run together by a scraper into two known words: the left
/// part (3+ characters) must be a word of either text, the right part (2+) a
/// word of either text or a function word, and the token itself must not be a
/// word of the other text. Returns the byte length of the left part.
pub fn glued_split(token: &str, vocab: &HashSet<String>, other: &HashSet<String>) -> Option<usize> {
    if token.chars().count() < 6 || !token.chars().all(char::is_alphabetic) {
        return None;
    }
    let lower = typo_key(token);
    if other.contains(&lower) || lower.len() != token.len() {
        return None;
    }
    let chars: Vec<(usize, char)> = lower.char_indices().collect();
    // Longest known left part first: "microchipsthe" = "microchips" + "the".
    for i in (3..=chars.len() - 2).rev() {
        let at = chars[i].0;
        let (left, right) = lower.split_at(at);
        let right_known = FUNCTION_SET.contains(right) || vocab.contains(right);
        if right_known && vocab.contains(left) && (other.contains(left) || other.contains(right)) {
            return Some(at);
        }
    }
    None
}

/// The tokens of `text[span]` (Unicode word boundaries, spaces dropped),
/// before glued tokens are split and number phrases merged (see `units`).
pub fn tokens(text: &str, span: Span) -> Vec<Unit> {
    let para = &text[span.start..span.end];
    let urls = if para.contains("http") || para.contains("www.") || para.contains("WWW.") {
        url_ranges(para)
    } else {
        Vec::new()
    };
    para.split_word_bound_indices()
        .filter(|(_, seg)| !seg.chars().all(char::is_whitespace))
        .map(|(off, seg)| {
            let mut u = unit(text, span.start + off, span.start + off + seg.len());
            u.in_url = urls.iter().any(|&(s, e)| off >= s && off < e);
            u
        })
        .collect()
}

/// The units of a paragraph from its `tokens`: glued tokens split (see
/// `glued_split`, with `vocab` the words of both texts and `other` those of
/// the other text) and number phrases merged.
pub(crate) fn units(
    text: &str,
    tokens: Vec<Unit>,
    vocab: &HashSet<String>,
    other: &HashSet<String>,
) -> Vec<Unit> {
    let mut raw: Vec<Unit> = Vec::with_capacity(tokens.len());
    for t in tokens {
        let (start, end) = (t.span.start, t.span.end);
        match (t.word && !t.in_url)
            .then(|| glued_split(&text[start..end], vocab, other))
            .flatten()
        {
            Some(at) => {
                let mut left = unit(text, start, start + at);
                left.glued_to_next = true;
                raw.push(left);
                raw.push(unit(text, start + at, end));
            }
            None => raw.push(t),
        }
    }
    merge_numbers(text, raw)
}

/// Merge "10 - fold" into one unit "10fold" and "per cent" into "%", so a
/// number written two ways compares as one unit.
fn merge_numbers(text: &str, raw: Vec<Unit>) -> Vec<Unit> {
    let mut out: Vec<Unit> = Vec::with_capacity(raw.len());
    // Taken from the back of a reversed list, so each unit moves rather
    // than being copied; `ahead(&rest, k)` is the k-th unit after the one taken.
    let mut rest = raw;
    rest.reverse();
    fn ahead(rest: &[Unit], k: usize) -> Option<&Unit> {
        rest.len().checked_sub(k).map(|x| &rest[x])
    }
    let is_num = |u: &Unit| u.loose.bytes().all(|b| b.is_ascii_digit()) && !u.loose.is_empty();
    while let Some(u) = rest.pop() {
        let fold_end = match (ahead(&rest, 1), ahead(&rest, 2)) {
            (Some(dash), Some(fold))
                if is_num(&u)
                    && dash.typo == "-"
                    && fold.typo == "fold"
                    && dash.span.start == u.span.end =>
            {
                Some(fold.span.end)
            }
            _ => None,
        };
        if let Some(end) = fold_end {
            rest.truncate(rest.len() - 2);
            let span = Span::new(u.span.start, end);
            let typo = typo_key(&text[span.start..span.end]);
            out.push(Unit {
                span,
                typo,
                loose: format!("{}fold", u.loose),
                word: true,
                content: true,
                glued_to_next: false,
                in_url: u.in_url,
            });
            continue;
        }
        let cent_end = ahead(&rest, 1)
            .filter(|c| u.typo == "per" && c.typo == "cent")
            .map(|c| c.span.end);
        if let Some(end) = cent_end {
            rest.pop();
            let span = Span::new(u.span.start, end);
            // "percent" split as glued stays "percent": its spelling is the
            // localization, not its spacing.
            let typo = if u.glued_to_next {
                "percent"
            } else {
                "per cent"
            };
            out.push(Unit {
                span,
                typo: typo.into(),
                loose: "%".into(),
                word: true,
                content: false,
                glued_to_next: false,
                in_url: u.in_url,
            });
            continue;
        }
        out.push(u);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab(words: &[&str]) -> HashSet<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn word_tables_are_sorted_without_repeats() {
        assert!(FUNCTION_WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(NUMBER_WORDS.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(NUMBER_MAP.len(), NUMBER_WORDS.len());
        assert!(is_stopword("would") && !is_stopword("russia"));
    }

    #[test]
    fn typo_key_folds_quotes_dashes_case_and_accents() {
        assert_eq!(typo_key("’"), "'");
        assert_eq!(typo_key("–"), "-");
        assert_eq!(typo_key("Communiqué"), "communique");
        assert_eq!(typo_key("RUSSIA"), "russia");
    }

    #[test]
    fn loose_keys_fold_spelling_and_numbers() {
        let v = HashSet::default();
        let text = "defence tenfold 10-fold tenth 10th ten per cent 10 pct";
        let keys: Vec<String> = units(text, tokens(text, Span::new(0, text.len())), &v, &v)
            .into_iter()
            .map(|u| u.loose)
            .collect();
        assert_eq!(
            keys,
            ["defense", "10fold", "10fold", "10th", "10th", "10", "%", "10", "%"]
        );
    }

    #[test]
    fn glued_tokens_split_into_known_words() {
        let a = vocab(&["beijing", "with", "ammunition", "and", "microchips", "the"]);
        let b = vocab(&["beijingwith", "ammunitionand", "microchipsthe"]);
        assert_eq!(glued_split("Beijingwith", &a, &a), Some(7));
        assert_eq!(glued_split("ammunitionand", &a, &a), Some(10));
        assert_eq!(glued_split("microchipsthe", &a, &a), Some(10));
        // A word the other text has is never split; nor unknown halves.
        assert_eq!(glued_split("Beijingwith", &a, &b), None);
        assert_eq!(glued_split("somewhere", &a, &a), None);
        assert_eq!(
            glued_split("onto", &vocab(&["on", "to"]), &vocab(&["on", "to"])),
            None
        );
    }

    #[test]
    fn glued_units_keep_spans_inside_the_token() {
        let a = vocab(&["beijing", "with"]);
        let text = "to Beijingwith Alexander";
        let us = units(text, tokens(text, Span::new(0, text.len())), &a, &a);
        let words: Vec<&str> = us.iter().map(|u| &text[u.span.start..u.span.end]).collect();
        assert_eq!(words, ["to", "Beijing", "with", "Alexander"]);
        assert!(us[1].glued_to_next && !us[2].glued_to_next);
    }

    #[test]
    fn urls_and_abbreviations() {
        let v = HashSet::default();
        let text = "See https://example.com/defence/x.html or www.a.org, said U.S. officials";
        let us = units(text, tokens(text, Span::new(0, text.len())), &v, &v);
        let url: Vec<&str> = us
            .iter()
            .filter(|u| u.in_url)
            .map(|u| &text[u.span.start..u.span.end])
            .collect();
        assert!(
            url.contains(&"defence") && url.contains(&"www.a.org"),
            "{url:?}"
        );
        assert!(!us.iter().any(|u| u.in_url && u.typo == "said"));
        assert_eq!(abbreviation("u.s").as_deref(), Some("us"));
        assert_eq!(abbreviation("e.g").as_deref(), Some("eg"));
        assert_eq!(abbreviation("said.last"), None);
    }
}
