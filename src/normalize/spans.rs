//! Folded word tokens with their byte spans in the original text: what the
//! aligner, the word signature and the common-word sample read. ASCII runs
//! take a byte-table path; other characters the cached rules (`CharCache`).

use super::chars::{fold_letter, CharClass, CHARS};
use super::spelling::fold_parts;
use unicode_normalization::UnicodeNormalization;

/// Class of each ASCII byte: 0 breaks a token, 1 is a lowercase letter or
/// digit, 2 an uppercase letter, 3 the apostrophe (dropped, not a break).
const ASCII_CLASS: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut i = 0;
    while i < 128 {
        let c = i as u8;
        t[i] = if c.is_ascii_lowercase() || c.is_ascii_digit() {
            1
        } else if c.is_ascii_uppercase() {
            2
        } else if c == b'\'' {
            3
        } else {
            0
        };
        i += 1;
    }
    t
};

/// Call `f` with each folded token of `text` (as `normalize` folds them)
/// and the byte span `[start, end)` it came from, in one pass. Scripts
/// written without spaces (Han, kana, Thai, Lao, Khmer, Myanmar) give one
/// token per character. Texts that are not NFKC are folded character by
/// character (each character's NFKC form), so spans stay in the original.
pub fn for_each_token_span(text: &str, mut f: impl FnMut(&str, usize, usize)) {
    let nfkc = text.is_ascii() || CHARS.with_borrow_mut(|chars| chars.is_nfkc_quick(text));
    let bytes = text.as_bytes();
    let mut folded = String::new();
    let mut emit = |token: &str, start: usize, end: usize| {
        let (stem, suffix) = fold_parts(token);
        if suffix.is_empty() {
            f(stem, start, end);
        } else {
            folded.clear();
            folded.push_str(stem);
            folded.push_str(suffix);
            f(&folded, start, end);
        }
    };
    // The token being built when it cannot be a slice of `text`.
    let mut token = String::with_capacity(32);
    let (mut start, mut end) = (0, 0);
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c < 0x80 {
            match ASCII_CLASS[c as usize] {
                0 => {
                    if !token.is_empty() {
                        emit(&token, start, end);
                        token.clear();
                    }
                    i += 1;
                }
                3 => i += 1,
                _ => {
                    // A run of letters, digits and apostrophes.
                    let (mut j, mut plain, mut last) = (i, true, i);
                    while j < bytes.len() && bytes[j] < 0x80 {
                        match ASCII_CLASS[bytes[j] as usize] {
                            0 => break,
                            1 => last = j,
                            2 => (plain, last) = (false, j),
                            _ => plain = false,
                        }
                        j += 1;
                    }
                    let ends_token = j == bytes.len() || bytes[j] < 0x80;
                    if token.is_empty() && plain && ends_token {
                        emit(&text[i..j], i, j);
                    } else {
                        if token.is_empty() {
                            start = i;
                        }
                        token.extend(
                            bytes[i..j]
                                .iter()
                                .filter(|&&b| b != b'\'')
                                .map(|b| b.to_ascii_lowercase() as char),
                        );
                        end = last + 1;
                    }
                    i = j;
                }
            }
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let next = i + c.len_utf8();
        // The cached rule (borrowed for no longer than the lookup: `f` may
        // normalize too).
        let mut one = |d: char| {
            let rule = CHARS.with_borrow_mut(|chars| chars.rule(d));
            let push_lower = |token: &mut String| match rule.lower {
                Some(l) => token.push(l),
                None => token.extend(d.to_lowercase().map(fold_letter)),
            };
            match rule.class {
                CharClass::Word if rule.unspaced => {
                    if !token.is_empty() {
                        emit(&token, start, end);
                        token.clear();
                    }
                    push_lower(&mut token);
                    emit(&token, i, next);
                    token.clear();
                }
                CharClass::Word => {
                    if token.is_empty() {
                        start = i;
                    }
                    push_lower(&mut token);
                    end = next;
                }
                CharClass::Ignore => {}
                CharClass::Break => {
                    if !token.is_empty() {
                        emit(&token, start, end);
                        token.clear();
                    }
                }
            }
        };
        if nfkc {
            one(c);
        } else {
            for d in std::iter::once(c).nfkc() {
                one(d);
            }
        }
        i = next;
    }
    if !token.is_empty() {
        emit(&token, start, end);
    }
}

#[cfg(test)]
mod tests {
    use super::super::chars::{classify, is_unspaced};
    use super::*;

    /// The character-at-a-time tokenizer the byte path replaced, kept as
    /// the reference it must agree with.
    fn reference(text: &str) -> Vec<(String, usize, usize)> {
        let mut out = Vec::new();
        let nfkc = text.is_ascii()
            || unicode_normalization::is_nfkc_quick(text.chars())
                == unicode_normalization::IsNormalized::Yes;
        let mut token = String::new();
        let (mut start, mut end) = (0, 0);
        let mut flush = |token: &mut String, start: usize, end: usize| {
            if !token.is_empty() {
                let (stem, suffix) = fold_parts(token);
                out.push((format!("{stem}{suffix}"), start, end));
                token.clear();
            }
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
        out
    }

    fn spans(text: &str) -> Vec<(String, usize, usize)> {
        let mut out = Vec::new();
        for_each_token_span(text, |w, s, e| out.push((w.to_string(), s, e)));
        out
    }

    #[test]
    fn byte_path_tokenizes_as_the_reference() {
        let fixed = [
            "",
            "'",
            "''a''",
            "The Colour's 'organised' rock'n'roll, dogs' 1990s.",
            "naïve Café-au-lait ÉCOLE l'été",
            "北京abc上海 Москва's ﬁnance ＡＢＣ x\u{0301}y",
            "Beijingwith O'NEIL's\u{2019}s\u{00AD}hy\u{200B}phen",
            "colour\u{00E9} éorganise ORGANISE",
        ];
        for t in fixed {
            assert_eq!(spans(t), reference(t), "{t:?}");
        }
        // Random strings over pieces that meet at every kind of boundary.
        let pieces = [
            "a", "Z", "9", "'", " ", ",", "-", "é", "É", "ï", "北", "ж", "\u{0301}", "\u{2019}",
            "ﬁ", "Ａ", "colour", "ORGANISE", "\u{200B}", "\u{0640}", "\n", "tyre", "\u{316}",
            "\u{345}", "\u{1100}", "\u{1161}", "ك", "ی", "ے", "۱", "\u{FC5E}", "İ", "ς", "Σ",
        ];
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..5000 {
            let mut s = String::new();
            for _ in 0..12 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                s.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            }
            assert_eq!(spans(&s), reference(&s), "{s:?}");
        }
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/samples");
        for e in std::fs::read_dir(dir).unwrap() {
            let t = std::fs::read_to_string(e.unwrap().path()).unwrap();
            assert_eq!(spans(&t), reference(&t));
        }
    }
}
