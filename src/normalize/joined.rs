//! The hot path of fingerprinting: the space-free normalized stream of NFKC
//! text, ASCII folded a byte at a time or 16 bytes at a time with SSE, the
//! rest by the cached character rules, each token's spelling folded in place.

use super::ascii::{ascii_byte, ascii_run_bytes, end_token, fold_tail, WordEnds};
use super::chars::{fold_letter, nfkc_step, CharCache, CharClass, DirectKind};

/// `normalize_joined_into` for text that is already NFKC, checked as it is
/// written: a byte loop for ASCII, the per-character rules for the rest,
/// and each token's spelling folded in place at the end of the output.
/// False when the NFKC quick check fails (`out` and `words` then hold part
/// of a stream, for the caller to clear): the check
/// `unicode_normalization::is_nfkc_quick` makes, with each character's
/// quick-check value and combining class from `chars`, and without decoding
/// ASCII, which always passes and resets it.
pub(super) fn joined_nfkc_into(
    text: &str,
    out: &mut String,
    chars: &mut CharCache,
    words: &mut impl WordEnds,
) -> bool {
    // SAFETY: only whole UTF-8 characters are appended (ASCII bytes or
    // `push_char`), and the in-place fold keeps a prefix of a token (a
    // character boundary: tokens are ASCII when they fold) plus an ASCII
    // ending, so `out` stays valid UTF-8.
    let v = unsafe { out.as_mut_vec() };
    let bytes = text.as_bytes();
    let mut start = v.len();
    let mut i = 0;
    // Combining class of the previous character of this non-ASCII run.
    let mut last_ccc = 0;
    while i < bytes.len() {
        if bytes[i] < 0x80 {
            if i > 0 && bytes.get(i + 1).is_none_or(|&b| b >= 0x80) {
                ascii_byte(bytes[i], v, &mut start, words);
                i += 1;
                last_ccc = 0;
                continue;
            }
            let end = if i == 0 && text.is_ascii() {
                bytes.len()
            } else {
                bytes[i..]
                    .iter()
                    .position(|&b| b >= 0x80)
                    .map_or(bytes.len(), |p| i + p)
            };
            ascii_run(&bytes[i..end], v, &mut start, words);
            i = end;
            last_ccc = 0;
            continue;
        }
        if let Some((direct, len)) = chars.direct(bytes, i) {
            let kind = direct.kind();
            if kind != DirectKind::Other {
                if !nfkc_step(true, direct.ccc(), &mut last_ccc) {
                    return false;
                }
                match kind {
                    DirectKind::Word => v.extend_from_slice(&direct.lower()),
                    DirectKind::Kept => v.extend_from_slice(&bytes[i..i + 3]),
                    DirectKind::Break => end_token(v, &mut start, words),
                    _ => {}
                }
                i += len;
                continue;
            }
        }
        let (c, len) = decode(bytes, i);
        i += len;
        let rule = chars.rule(c);
        if rule.breaks_as_ascii {
            // What NFKC makes of it (`,` for `，`) is a break, and a starter
            // that composes with nothing: the rest of the text is checked
            // as if it stood there.
            end_token(v, &mut start, words);
            last_ccc = 0;
            continue;
        }
        if !nfkc_step(rule.nfkc, rule.ccc, &mut last_ccc) {
            return false;
        }
        match rule.class {
            CharClass::Word => {
                // Scripts written without spaces: each character is a word
                // of its own, and a word glued to one is folded alone.
                let unspaced = rule.unspaced;
                if unspaced && v.len() > start {
                    fold_tail(v, start, words);
                }
                if let Some(l) = rule.lower {
                    push_char(v, l);
                } else {
                    for l in c.to_lowercase() {
                        push_char(v, fold_letter(l));
                    }
                }
                if unspaced {
                    words.end(v.len());
                    start = v.len();
                }
            }
            CharClass::Ignore => {}
            CharClass::Break => end_token(v, &mut start, words),
        }
    }
    end_token(v, &mut start, words);
    true
}

/// The character that starts at byte `i` of `bytes` (valid UTF-8, `i` at a
/// character boundary, not ASCII) and its length: without the boundary
/// checks of slicing a `str` for each character.
#[inline(always)]
fn decode(bytes: &[u8], i: usize) -> (char, usize) {
    let b0 = bytes[i] as u32;
    let cont = |k: usize| (bytes[i + k] & 0x3F) as u32;
    let (cp, len) = if b0 < 0xE0 {
        ((b0 & 0x1F) << 6 | cont(1), 2)
    } else if b0 < 0xF0 {
        ((b0 & 0x0F) << 12 | cont(1) << 6 | cont(2), 3)
    } else {
        (
            (b0 & 0x07) << 18 | cont(1) << 12 | cont(2) << 6 | cont(3),
            4,
        )
    };
    debug_assert_eq!(
        std::str::from_utf8(&bytes[i..i + len])
            .ok()
            .and_then(|s| s.chars().next()),
        char::from_u32(cp)
    );
    (char::from_u32(cp).unwrap_or('\u{FFFD}'), len)
}

/// Append `c`'s UTF-8 bytes: four bytes stored at once, where
/// `extend_from_slice` of its `encode_utf8` was a `memcpy` call a character.
#[inline(always)]
fn push_char(v: &mut Vec<u8>, c: char) {
    let mut buf = [0u8; 4];
    let n = c.encode_utf8(&mut buf).len();
    v.reserve(4);
    for (slot, b) in v.spare_capacity_mut().iter_mut().zip(buf) {
        slot.write(b);
    }
    // SAFETY: the `n <= 4` bytes past the length were written just above.
    unsafe { v.set_len(v.len() + n) };
}

/// The ASCII bytes `run` appended to the normalized stream `v`, whose
/// current token starts at `start`: 16 bytes at a time with SSSE3 and
/// POPCNT where the CPU has them (almost every x86-64), else a byte at a time.
#[inline]
fn ascii_run(run: &[u8], v: &mut Vec<u8>, start: &mut usize, words: &mut impl WordEnds) {
    #[cfg(target_arch = "x86_64")]
    if run.len() >= 32
        && std::is_x86_feature_detected!("ssse3")
        && std::is_x86_feature_detected!("popcnt")
    {
        // SAFETY: the CPU has SSSE3 and POPCNT (checked just above).
        unsafe { simd::ascii_run(run, v, start, words) };
        return;
    }
    ascii_run_bytes(run, v, start, words);
}

/// `ascii_run` 16 bytes at a time: letters and digits are found, lowercased
/// and packed with SSE compares and shuffles, and the block's token ends
/// come from its masks; only a fold that changes a token's length, or an
/// apostrophe in the block, sends (the rest of) a block to the byte loop.
/// The output is byte for byte the byte loop's (tested on random text).
#[cfg(target_arch = "x86_64")]
mod simd {
    use crate::normalize::ascii::{ascii_run_bytes, fold_tail, WordEnds};
    use std::arch::x86_64::*;

    /// For each 8-bit mask, the indices of its set bits, ascending (the
    /// shuffle that packs the kept bytes of 8 to the front).
    const PACK: [[u8; 8]; 256] = {
        let mut t = [[0u8; 8]; 256];
        let mut m = 0;
        while m < 256 {
            let (mut k, mut b) = (0, 0);
            while b < 8 {
                if m & (1 << b) != 0 {
                    t[m][k] = b as u8;
                    k += 1;
                }
                b += 1;
            }
            m += 1;
        }
        t
    };

    /// # Safety
    /// The CPU must have SSSE3 and POPCNT; `run` must be ASCII.
    #[target_feature(enable = "ssse3,popcnt")]
    pub(super) unsafe fn ascii_run(
        run: &[u8],
        v: &mut Vec<u8>,
        start: &mut usize,
        words: &mut impl WordEnds,
    ) {
        let mut i = 0;
        while i + 16 <= run.len() {
            let block = &run[i..i + 16];
            i += 16;
            // SAFETY: `block` is 16 readable bytes.
            let x = unsafe { _mm_loadu_si128(block.as_ptr().cast()) };
            // ASCII bytes compare the same signed; `| 0x20` lowercases
            // letters and leaves digits as they are.
            let lower = _mm_or_si128(x, _mm_set1_epi8(0x20));
            let letter = _mm_and_si128(
                _mm_cmpgt_epi8(lower, _mm_set1_epi8(b'a' as i8 - 1)),
                _mm_cmplt_epi8(lower, _mm_set1_epi8(b'z' as i8 + 1)),
            );
            let digit = _mm_and_si128(
                _mm_cmpgt_epi8(x, _mm_set1_epi8(b'0' as i8 - 1)),
                _mm_cmplt_epi8(x, _mm_set1_epi8(b'9' as i8 + 1)),
            );
            let keep = _mm_movemask_epi8(_mm_or_si128(letter, digit)) as u32;
            let apostrophes = _mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8(b'\'' as i8)));
            if apostrophes != 0 {
                ascii_run_bytes(block, v, start, words);
                continue;
            }
            let len = v.len();
            v.reserve(16);
            // Pack the kept bytes of each half to its front.
            let (lo, hi) = ((keep & 0xFF) as usize, (keep >> 8) as usize);
            let order = u64::from_le_bytes(PACK[lo]) as i64;
            let order_hi = (u64::from_le_bytes(PACK[hi]) + 0x0808_0808_0808_0808) as i64;
            let packed = _mm_shuffle_epi8(lower, _mm_set_epi64x(order_hi, order));
            let n_lo = lo.count_ones() as usize;
            let kept = keep.count_ones() as usize;
            // SAFETY: `reserve(16)` made room for 16 bytes past `len`; bytes
            // past the new length are scratch, overwritten later.
            unsafe {
                let out = v.as_mut_ptr().add(len);
                _mm_storel_epi64(out.cast(), packed);
                _mm_storel_epi64(out.add(n_lo).cast(), _mm_srli_si128(packed, 8));
            }
            // A token ends at a separator right after a kept byte (or, at
            // the block's first byte, when a token is open).
            let open = (len > *start) as u32;
            let mut ends = !keep & 0xFFFF & (keep << 1 | open);
            let mut done = len + kept;
            while ends != 0 {
                let j = ends.trailing_zeros();
                ends &= ends - 1;
                let at = len + (keep & ((1 << j) - 1)).count_ones() as usize;
                // SAFETY: the bytes up to `at` were written above.
                unsafe { v.set_len(at) };
                fold_tail(v, *start, words);
                *start = v.len();
                if v.len() != at {
                    // The fold moved what follows: redo the block's rest.
                    ascii_run_bytes(&block[j as usize + 1..], v, start, words);
                    done = v.len();
                    break;
                }
            }
            // SAFETY: bytes up to `done` are written (above, or by the
            // byte loop, which leaves `v.len() == done`).
            unsafe { v.set_len(done) };
        }
        ascii_run_bytes(&run[i..], v, start, words);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::chars::CharCache;
    use crate::normalize::{normalize, normalize_joined_into};

    /// Random copy made of words that fold (and that fold to a longer or
    /// shorter form), apostrophes, digits, case and separators, cut so that
    /// tokens and folds fall across the 16-byte blocks: the block path and
    /// the byte loop write the same stream, and both equal the token path.
    #[test]
    fn block_and_byte_paths_give_the_same_stream() {
        let words = [
            "colour",
            "Colours",
            "realise",
            "analysed",
            "centre",
            "centres",
            "defence",
            "travelled",
            "programme",
            "organisation",
            "catalogue",
            "aluminium",
            "mum",
            "don't",
            "O'Neill",
            "Beijing",
            "Beijingwith",
            "UPPER",
            "mixedCase",
            "1990s",
            "42",
            "a",
            "x",
            "tyres",
            "grey",
            "kerb",
            "cosying",
            "mobilised",
            "'",
            "''",
        ];
        let seps = [
            " ", "  ", ", ", ".", " -- ", "\n", "\n\n", "(", ") ", "\"", "/", "",
        ];
        let mut rng = synth::Rng::new(0x2545_F491_4F6C_DD1D);
        let mut next = |n: usize| rng.below(n);
        let (mut simd, mut bytes, mut out) = (Vec::new(), Vec::new(), String::new());
        for _ in 0..3000 {
            let mut text = String::new();
            for _ in 0..next(120) {
                text.push_str(words[next(words.len())]);
                text.push_str(seps[next(seps.len())]);
            }
            for open in [0, 1] {
                // A token may be open when the run starts.
                let (mut s1, mut s2) = (1 - open, 1 - open);
                simd.clear();
                simd.push(b'q');
                bytes.clear();
                bytes.push(b'q');
                ascii_run(text.as_bytes(), &mut simd, &mut s1, &mut ());
                ascii_run_bytes(text.as_bytes(), &mut bytes, &mut s2, &mut ());
                assert_eq!((&simd, s1), (&bytes, s2), "{text:?}");
            }
            normalize_joined_into(&text, &mut out);
            assert_eq!(out, normalize(&text).joined(), "{text:?}");
        }
    }

    /// The quick check made while writing answers as the library's does,
    /// and the stream and its word ends are the token path's, on random
    /// strings of starters, marks of several combining classes in and out
    /// of order, compatibility forms, Hangul jamo, Cyrillic, Urdu, Han, and
    /// ASCII words that fold.
    #[test]
    fn checked_stream_equals_the_token_path() {
        let pool = [
            "a",
            " ",
            "é",
            "e",
            "\u{301}",
            "\u{316}",
            "\u{345}",
            "\u{5B0}",
            "ﬁ",
            "①",
            "Ａ",
            "Д",
            "д",
            "北",
            "\u{1100}",
            "\u{1161}",
            "\u{11A8}",
            "ά",
            "ς",
            "\u{200B}",
            "ك",
            "Москва",
            "ё",
            "پاكستان",
            "می\u{200C}خواهم",
            "۱۲",
            "،",
            "colour",
            "don't",
            "'",
            "Beijingwith",
            ", ",
            "\n\n",
            "42",
            "हिन्दी",
            "\u{93C}",
            "\u{94D}",
            "\u{958}",
            "१९",
            "ঠাকুর",
            "༄",
            "，",
            "。",
            "\u{3000}",
            "＇",
            "＜\u{338}",
            "＝",
            "！",
            "中文",
            "\u{338}",
        ];
        let mut rng = synth::Rng::new(0x9E37_79B9_7F4A_7C15);
        let (mut yes, mut no) = (0, 0);
        let mut next = |n: usize| rng.below(n);
        let mut cache = CharCache::default();
        let (mut out, mut ends) = (String::new(), Vec::new());
        let mut fast_marks = 0;
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..next(9) {
                text.push_str(pool[next(pool.len())]);
            }
            let want = unicode_normalization::is_nfkc_quick(text.chars())
                == unicode_normalization::IsNormalized::Yes;
            out.clear();
            ends.clear();
            let fast = joined_nfkc_into(&text, &mut out, &mut cache, &mut ends);
            // NFKC text always takes the fast path; text whose only changes
            // are marks like `，` may too (and then writes what NFKC would).
            assert!(fast || !want, "{text:?}");
            if fast {
                fast_marks += !want as usize;
                let tokens = normalize(&text).tokens;
                assert_eq!(out, tokens.concat(), "{text:?}");
            }
            if want {
                yes += 1;
            } else {
                no += 1;
            }
            crate::normalize::normalize_joined_words_into(&text, &mut out, &mut ends);
            let tokens = normalize(&text).tokens;
            assert_eq!(out, tokens.concat(), "{text:?}");
            let mut at = 0;
            let want_ends: Vec<usize> = tokens
                .iter()
                .map(|t| {
                    at += t.len();
                    at
                })
                .collect();
            assert_eq!(ends, want_ends, "{text:?}");
        }
        assert!(yes > 1000 && no > 1000, "{yes} {no}");
        assert!(fast_marks > 500, "{fast_marks}");
    }

    #[test]
    fn fast_joined_stream_equals_tokens_joined() {
        let texts = [
            "Colour–coded ‘organisation’ — “centres” isn't it? travelled, analysed; 1990s",
            "e\u{301}te\u{301} cafe\u{301} résumé naïve Zoë Ærø Straße İstanbul ΣΊΣΥΦΟΣ",
            "mixed ﬁ ligature – dash ＡＢＣ fullwidth ① circled",
            "zero\u{200B}width soft\u{AD}hyphen tatweel\u{640}ed and\u{FEFF}bom",
            "a\u{301}\u{316} combining order \u{316}\u{301}",
            "defence defences programme programmes cosying mum kerb grey tyres",
            "'quoted' don't Russia's O'Neill x'' '' - -- --- ...",
            "RUSSIA is expanding defence production – “latest technologies”, mobilised centres!",
            "Moscow is cosying up to Beijingwith Alexander Lukashenko; ammunitionand 10-fold ﬁnance ①",
            "Москва и Пекин 北京 上海 پاكستان كتاب می\u{200C}خواهم Ελληνικός",
            "",
            "   ",
        ];
        let mut out = String::new();
        for t in texts {
            normalize_joined_into(t, &mut out);
            assert_eq!(out, normalize(t).joined(), "{t}");
        }
        // And on the bundled articles.
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/samples");
        for e in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
            normalize_joined_into(&text, &mut out);
            assert_eq!(out, normalize(&text).joined());
        }
    }
}
