//! Text normalization for syndicated copy: NFKC, case folding, punctuation and
//! typography folded away, UK/US spelling folded to one form, and script
//! quirks (Arabic/Urdu letter variants, diacritics, joiners) unified.

mod ascii;
mod chars;
mod joined;
mod spans;
mod spelling;

use ascii::WordEnds;
use chars::{classify, fold_letter, is_unspaced, CharClass, CHARS};
use joined::joined_nfkc_into;
use spelling::fold_parts;
use unicode_normalization::UnicodeNormalization;

pub use spans::for_each_token_span;
pub use spelling::{fold_spelling, is_spelling_variant};

/// Bumped whenever normalization changes what fingerprints are made of; stored
/// in reports and indexes so fingerprints of different versions never mix.
pub(crate) const NORMALIZATION_VERSION: u32 = 2;

/// A normalized document: its word tokens, folded for matching.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Normalized {
    /// Tokens in order; each is lowercase, NFKC, spelling-folded.
    pub tokens: Vec<String>,
}

impl Normalized {
    /// The tokens joined without separators: the stream character shingles
    /// are cut from, so words glued together by a scraper still match.
    pub fn joined(&self) -> String {
        let mut s = String::with_capacity(self.tokens.iter().map(|t| t.len()).sum());
        for t in &self.tokens {
            s.push_str(t);
        }
        s
    }

    /// Whether there are no tokens.
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }
}

/// Normalize a text into folded word tokens.
pub fn normalize(text: &str) -> Normalized {
    let mut tokens = Vec::with_capacity(text.len() / 6);
    for_each_token(text, &mut String::new(), |t| {
        let (stem, suffix) = fold_parts(t);
        tokens.push(format!("{stem}{suffix}"));
    });
    Normalized { tokens }
}

/// The space-free normalized stream of `text` (what `normalize(text).joined()`
/// gives) written into `out`, without allocating per token: the hot path of
/// fingerprinting.
pub fn normalize_joined_into(text: &str, out: &mut String) {
    joined_into(text, out, &mut ());
}

/// Whether `text` has a word: whether `normalize_joined_into` would write
/// anything. Its first word character that NFKC leaves as it is says so
/// without normalizing it all (a test checks each code point); a text
/// without one is normalized to see.
pub(crate) fn has_words(text: &str) -> bool {
    if text.chars().any(is_kept_word_char) {
        return true;
    }
    let mut joined = String::new();
    normalize_joined_into(text, &mut joined);
    !joined.is_empty()
}

/// A word character that NFKC leaves as it is (by its cached rule).
fn is_kept_word_char(c: char) -> bool {
    let rule = CHARS.with_borrow_mut(|chars| chars.rule(c));
    rule.class == CharClass::Word && rule.nfkc
}

/// `normalize_joined_into`, also leaving in `ends` where each word of the
/// stream ends (ascending byte offsets into `out`): the words the word
/// signature is made of, read from the fingerprint's own pass. Scripts
/// written without spaces give a word per character, as
/// `for_each_token_span` does.
pub(crate) fn normalize_joined_words_into(text: &str, out: &mut String, ends: &mut Vec<usize>) {
    ends.clear();
    joined_into(text, out, ends);
}

/// Each word of `text` as `normalize_joined_words_into` splits it.
pub(crate) fn for_each_word(text: &str, mut f: impl FnMut(&str)) {
    let (mut out, mut ends) = (String::new(), Vec::new());
    normalize_joined_words_into(text, &mut out, &mut ends);
    let mut at = 0;
    for &end in &ends {
        f(&out[at..end]);
        at = end;
    }
}

fn joined_into(text: &str, out: &mut String, words: &mut impl WordEnds) {
    out.clear();
    out.reserve(text.len());
    if CHARS.with_borrow_mut(|chars| joined_nfkc_into(text, out, chars, words)) {
        return;
    }
    // Not NFKC (rare): what the fast path wrote is dropped, and the text is
    // NFKC-converted (its quick check failed, so `for_each_token` need not
    // make it again).
    out.clear();
    words.clear();
    let mut token = String::with_capacity(32);
    tokens_of(text.nfkc(), &mut token, &mut |t: &str| {
        let (stem, suffix) = fold_parts(t);
        out.push_str(stem);
        out.push_str(suffix);
        words.end(out.len());
    });
}

/// Call `f` with each lowercase, NFKC, letter-folded token of `text` (before
/// spelling folding), in order; each character of a script written without
/// spaces is a token of its own. NFKC is skipped when a quick check shows
/// the text is already NFKC, as almost all copy is.
fn for_each_token(text: &str, token: &mut String, mut f: impl FnMut(&str)) {
    token.clear();
    if unicode_normalization::is_nfkc_quick(text.chars())
        == unicode_normalization::IsNormalized::Yes
    {
        tokens_of(text.chars(), token, &mut f);
    } else {
        tokens_of(text.nfkc(), token, &mut f);
    }
}

fn tokens_of(chars: impl Iterator<Item = char>, token: &mut String, f: &mut impl FnMut(&str)) {
    for c in chars {
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                token.push(c.to_ascii_lowercase());
            } else if c != '\'' && !token.is_empty() {
                f(token);
                token.clear();
            }
            continue;
        }
        match classify(c) {
            CharClass::Word => {
                let unspaced = is_unspaced(c);
                if unspaced && !token.is_empty() {
                    f(token);
                    token.clear();
                }
                for l in c.to_lowercase() {
                    token.push(fold_letter(l));
                }
                if unspaced {
                    f(token);
                    token.clear();
                }
            }
            CharClass::Ignore => {}
            CharClass::Break => {
                if !token.is_empty() {
                    f(token);
                    token.clear();
                }
            }
        }
    }
    if !token.is_empty() {
        f(token);
        token.clear();
    }
}

/// The tokens of `s`, for the tests.
#[cfg(test)]
fn toks(s: &str) -> Vec<String> {
    normalize(s).tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `has_words`' shortcut: every word character that NFKC leaves as it
    /// is leaves a word through normalization, alone, after a word and
    /// before a space. (Some that NFKC changes do not: U+FC5E, a ligature
    /// of two harakat, becomes two ignored marks.)
    #[test]
    fn every_word_character_keeps_a_word() {
        let mut out = String::new();
        normalize_joined_into("\u{FC5E}", &mut out);
        assert!(out.is_empty() && !has_words("\u{FC5E}"));
        for c in (0x80u32..=0x10FFFF).filter_map(char::from_u32) {
            if !is_kept_word_char(c) {
                continue;
            }
            for text in [c.to_string(), format!("\u{661}{c}"), format!("{c} ")] {
                normalize_joined_into(&text, &mut out);
                assert!(!out.is_empty(), "U+{:04X}", c as u32);
            }
            assert!(has_words(&c.to_string()));
        }
        assert!(!has_words(" \u{200B} ... ‘’ — "));
        assert!(has_words("— ۱ —") && has_words("…Москва"));
    }

    #[test]
    fn folds_case_quotes_dashes_and_punctuation() {
        assert_eq!(
            toks("“Latest technologies” – ‘on the march’!"),
            toks("\"latest   technologies\" - 'on the march'")
        );
        assert_eq!(toks("Russia’s"), toks("Russia's"));
        assert_eq!(toks("Russia’s"), vec!["russias"]);
    }

    #[test]
    fn nfkc_unifies_compatibility_forms() {
        assert_eq!(toks("ﬁnance ①"), toks("finance 1"));
        assert_eq!(toks("ＡＢＣ"), vec!["abc"]);
    }

    #[test]
    fn non_latin_scripts_tokenize_and_do_not_vanish() {
        assert_eq!(toks("Москва и Пекин"), vec!["москва", "и", "пекин"]);
        // Scripts written without spaces: a token per character.
        assert_eq!(toks("北京 上海"), vec!["北", "京", "上", "海"]);
        // Urdu: Arabic yeh/kaf fold to the Urdu letters; diacritics dropped.
        assert_eq!(toks("پاکستان"), toks("پاكستان"));
        assert_eq!(toks("كتاب"), toks("کِتاب"));
        assert_eq!(toks("مرحبا بالعالم").len(), 2);
        // Zero-width non-joiner inside a word is dropped, not a break.
        assert_eq!(toks("می\u{200C}خواهم").len(), 1);
    }

    #[test]
    fn joined_removes_separators_so_glued_words_match() {
        assert_eq!(
            normalize("Beijing with").joined(),
            normalize("Beijingwith").joined()
        );
    }

    fn words(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for_each_word(text, |w| out.push(w.to_string()));
        out
    }

    fn span_words(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for_each_token_span(text, |w, _, _| out.push(w.to_string()));
        out
    }

    #[test]
    fn stream_words_are_the_aligners_tokens() {
        for t in [
            "The Colour's 'organised' rock'n'roll, dogs' 1990s. Beijingwith",
            "Москва и Пекин 北京 上海 پاكستان كتاب می\u{200C}خواهم naïve Ελληνικός",
            "北京和上海的 organisation。",
            "zero\u{200B}width soft\u{AD}hyphen tatweel\u{640}ed",
        ] {
            assert_eq!(words(t), span_words(t), "{t}");
        }
        // Not NFKC (full-width comma, ligature): each Han character is still
        // a word, and the stream is normalize_joined_into's.
        assert_eq!(
            words("北京，上海 ﬁnance"),
            ["北", "京", "上", "海", "finance"]
        );
        let (mut joined, mut plain, mut ends) = (String::new(), String::new(), Vec::new());
        for t in ["北京，上海 ﬁnance", "Colour centres", "使用colour北", ""] {
            normalize_joined_words_into(t, &mut joined, &mut ends);
            normalize_joined_into(t, &mut plain);
            assert_eq!(joined, plain, "{t}");
            assert_eq!(ends.last().copied().unwrap_or(0), joined.len(), "{t}");
        }
        assert!(words("").is_empty() && words(" -- ").is_empty());
        // A word glued to such a character is folded on its own, as the
        // aligner folds it.
        for t in ["的organisation", "colour的", "的colour的organisation。"] {
            assert_eq!(words(t), span_words(t), "{t}");
            let mut plain = String::new();
            normalize_joined_into(t, &mut plain);
            assert_eq!(plain, normalize(t).joined(), "{t}");
        }
        assert_eq!(words("的organisation"), ["的", "organization"]);
    }
}
