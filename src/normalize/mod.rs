//! Text normalization for syndicated copy: NFKC, case folding, punctuation and
//! typography folded away, UK/US spelling folded to one form, and script
//! quirks (Arabic/Urdu letter variants, diacritics, joiners) unified.

mod chars;
mod joined;
mod spelling;

use chars::{classify, fold_letter, is_nfkc_quick, is_unspaced, CharClass, CHARS};
use joined::joined_nfkc_into;
use spelling::fold_parts;
use unicode_normalization::UnicodeNormalization;

pub use spelling::{fold_spelling, is_spelling_variant};

/// Bumped whenever normalization changes what fingerprints are made of; stored
/// in reports and indexes so fingerprints of different versions never mix.
pub const NORMALIZATION_VERSION: u32 = 1;

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

/// Call `f` with each folded token of `text` (as `normalize` folds them)
/// and the byte span `[start, end)` it came from, in one pass. Scripts
/// written without spaces (Han, kana, Thai, Lao, Khmer, Myanmar) give one
/// token per character. Texts that are not NFKC are folded character by
/// character (each character's NFKC form), so spans stay in the original.
pub fn for_each_token_span(text: &str, mut f: impl FnMut(&str, usize, usize)) {
    let nfkc = text.is_ascii()
        || unicode_normalization::is_nfkc_quick(text.chars())
            == unicode_normalization::IsNormalized::Yes;
    let mut token = String::with_capacity(32);
    let mut folded = String::new();
    let (mut start, mut end) = (0, 0);
    let mut flush = |token: &mut String, start: usize, end: usize| {
        if token.is_empty() {
            return;
        }
        let (stem, suffix) = fold_parts(token);
        if suffix.is_empty() {
            f(stem, start, end);
        } else {
            folded.clear();
            folded.push_str(stem);
            folded.push_str(suffix);
            f(&folded, start, end);
        }
        token.clear();
    };
    for (i, c) in text.char_indices() {
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                if token.is_empty() {
                    start = i;
                }
                token.push(c.to_ascii_lowercase());
                end = i + 1;
            } else if c != '\'' {
                flush(&mut token, start, end);
            }
            continue;
        }
        let next = i + c.len_utf8();
        let mut one = |d: char, token: &mut String| match classify(d) {
            CharClass::Word if is_unspaced(d) => {
                flush(token, start, end);
                token.extend(d.to_lowercase().map(fold_letter));
                flush(token, i, next);
            }
            CharClass::Word => {
                if token.is_empty() {
                    start = i;
                }
                token.extend(d.to_lowercase().map(fold_letter));
                end = next;
            }
            CharClass::Ignore => {}
            CharClass::Break => flush(token, start, end),
        };
        if nfkc {
            one(c, &mut token);
        } else {
            for d in std::iter::once(c).nfkc() {
                one(d, &mut token);
            }
        }
    }
    flush(&mut token, start, end);
}

/// The space-free normalized stream of `text` (what `normalize(text).joined()`
/// gives) written into `out`, without allocating per token: the hot path of
/// fingerprinting.
pub fn normalize_joined_into(text: &str, out: &mut String) {
    out.clear();
    out.reserve(text.len());
    let nfkc = CHARS.with_borrow_mut(|chars| {
        let nfkc = is_nfkc_quick(text, chars);
        if nfkc {
            joined_nfkc_into(text, out, chars);
        }
        nfkc
    });
    if nfkc {
        return;
    }
    let mut token = String::with_capacity(32);
    for_each_token(text, &mut token, |t| {
        let (stem, suffix) = fold_parts(t);
        out.push_str(stem);
        out.push_str(suffix);
    });
}

/// Call `f` with each lowercase, NFKC, letter-folded token of `text` (before
/// spelling folding), in order. NFKC is skipped when a quick check shows the
/// text is already NFKC, as almost all copy is.
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
                for l in c.to_lowercase() {
                    token.push(fold_letter(l));
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
        assert_eq!(toks("北京 上海"), vec!["北京", "上海"]);
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
}
