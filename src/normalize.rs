//! Text normalization for syndicated copy: NFKC, case folding, punctuation and
//! typography folded away, UK/US spelling folded to one form, and script
//! quirks (Arabic/Urdu letter variants, diacritics, joiners) unified.

use unicode_normalization::UnicodeNormalization;

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

/// Letters of scripts written without spaces between words.
fn is_unspaced(c: char) -> bool {
    matches!(c,
        '\u{0E00}'..='\u{0EFF}' // Thai, Lao
        | '\u{1000}'..='\u{109F}' // Myanmar
        | '\u{1780}'..='\u{17FF}' // Khmer
        | '\u{3040}'..='\u{30FF}' // Hiragana, Katakana
        | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' // Han
        | '\u{20000}'..='\u{2FA1F}')
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

/// Whether the NFKC quick check says `text` is NFKC. ASCII resets the
/// check's state and is always allowed, so only the runs of non-ASCII
/// characters are checked (the same answer, without decoding the ASCII),
/// with each character's combining class and quick-check value from `chars`:
/// the check `unicode_normalization::is_nfkc_quick` makes.
fn is_nfkc_quick(text: &str, chars: &mut CharCache) -> bool {
    if text.is_ascii() {
        return true;
    }
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(p) = bytes[i..].iter().position(|&b| b >= 0x80) {
        let start = i + p;
        let end = bytes[start..]
            .iter()
            .position(|&b| b < 0x80)
            .map_or(bytes.len(), |q| start + q);
        // Runs start and end at character boundaries: ASCII bytes are
        // never inside a multi-byte character.
        let mut last_ccc = 0;
        for c in text[start..end].chars() {
            let rule = chars.rule(c);
            if !rule.nfkc || (last_ccc > rule.ccc && rule.ccc != 0) {
                return false;
            }
            last_ccc = rule.ccc;
        }
        i = end;
    }
    true
}

/// What normalization does with one non-ASCII character: its Unicode
/// lookups (NFKC quick check, combining class, alphanumeric, lowercase)
/// done once and cached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct CharRule {
    /// The character this is the rule of (`'\0'`: an empty cache slot; only
    /// non-ASCII characters are looked up).
    c: char,
    /// The folded lowercase form, when lowercasing gives one character.
    lower: Option<char>,
    /// Canonical combining class.
    ccc: u8,
    /// NFKC quick check says yes.
    nfkc: bool,
    class: CharClass,
}

impl CharRule {
    fn of(c: char) -> CharRule {
        let mut lower = c.to_lowercase();
        CharRule {
            c,
            lower: match (lower.next(), lower.next()) {
                (Some(l), None) => Some(fold_letter(l)),
                _ => None,
            },
            ccc: unicode_normalization::char::canonical_combining_class(c),
            nfkc: unicode_normalization::is_nfkc_quick(std::iter::once(c))
                == unicode_normalization::IsNormalized::Yes,
            class: classify(c),
        }
    }
}

/// Rules of recently seen non-ASCII characters, in a direct-mapped table
/// indexed by the code point's low bits (a script's letters are neighbours,
/// so they do not evict each other). On Cyrillic text the lookups it saves
/// were three fifths of a scan's time.
struct CharCache(Vec<CharRule>);

impl CharCache {
    const SLOTS: usize = 4096;

    #[inline]
    fn rule(&mut self, c: char) -> CharRule {
        let slot = &mut self.0[c as usize & (Self::SLOTS - 1)];
        if slot.c != c {
            *slot = CharRule::of(c);
        }
        *slot
    }
}

impl Default for CharCache {
    fn default() -> CharCache {
        CharCache(vec![CharRule::of('\0'); CharCache::SLOTS])
    }
}

thread_local! {
    /// Per-thread character rules for `normalize_joined_into`.
    static CHARS: std::cell::RefCell<CharCache> = std::cell::RefCell::new(CharCache::default());
}

/// What an ASCII byte does in a token: `0` ends it, `1` is dropped (the
/// apostrophe), anything else is the byte to append (lowercased).
const ASCII_CLASS: [u8; 256] = {
    // 256 entries (non-ASCII bytes never looked up) so indexing by any byte
    // needs no bounds check in the hot loop.
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase()
        } else if c == b'\'' {
            1
        } else {
            0
        };
        b += 1;
    }
    t
};

/// `normalize_joined_into` for text that is already NFKC: a byte loop for
/// ASCII, the per-character rules for the rest, and each token's spelling
/// folded in place at the end of the output.
fn joined_nfkc_into(text: &str, out: &mut String, chars: &mut CharCache) {
    // SAFETY: only whole UTF-8 characters are appended (ASCII bytes or
    // `push_char`), and the in-place fold keeps a prefix of a token (a
    // character boundary: tokens are ASCII when they fold) plus an ASCII
    // ending, so `out` stays valid UTF-8.
    let v = unsafe { out.as_mut_vec() };
    let bytes = text.as_bytes();
    let mut start = v.len();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] < 0x80 {
            let end = if i == 0 && text.is_ascii() {
                bytes.len()
            } else {
                bytes[i..]
                    .iter()
                    .position(|&b| b >= 0x80)
                    .map_or(bytes.len(), |p| i + p)
            };
            ascii_run(&bytes[i..end], v, &mut start);
            i = end;
            continue;
        }
        let c = text[i..].chars().next().unwrap_or('\u{FFFD}');
        i += c.len_utf8();
        let rule = chars.rule(c);
        match rule.class {
            CharClass::Word => {
                let mut buf = [0u8; 4];
                if let Some(l) = rule.lower {
                    v.extend_from_slice(l.encode_utf8(&mut buf).as_bytes());
                } else {
                    for l in c.to_lowercase() {
                        v.extend_from_slice(fold_letter(l).encode_utf8(&mut buf).as_bytes());
                    }
                }
            }
            CharClass::Ignore => {}
            CharClass::Break => {
                if v.len() > start {
                    fold_tail(v, start);
                    start = v.len();
                }
            }
        }
    }
    if v.len() > start {
        fold_tail(v, start);
    }
}

/// The ASCII bytes `run` appended to the normalized stream `v`, whose
/// current token starts at `start`: 16 bytes at a time with SSSE3 and
/// POPCNT where the CPU has them (almost every x86-64), else a byte at a time.
#[inline]
fn ascii_run(run: &[u8], v: &mut Vec<u8>, start: &mut usize) {
    #[cfg(target_arch = "x86_64")]
    if run.len() >= 32
        && std::is_x86_feature_detected!("ssse3")
        && std::is_x86_feature_detected!("popcnt")
    {
        // SAFETY: the CPU has SSSE3 and POPCNT (checked just above).
        unsafe { simd::ascii_run(run, v, start) };
        return;
    }
    ascii_run_bytes(run, v, start);
}

/// `ascii_run` a byte at a time: each byte's class is written without a
/// branch (a dropped byte is written past the end and overwritten), and
/// only token ends branch, to fold the token's spelling.
#[inline]
fn ascii_run_bytes(run: &[u8], v: &mut Vec<u8>, start: &mut usize) {
    // Room for every byte plus the one written past the end; a fold can
    // lengthen a token by one byte, after which room is made again.
    v.reserve(run.len() + 1);
    let mut len = v.len();
    let mut at = v.as_mut_ptr();
    for (k, &b) in run.iter().enumerate() {
        let c = ASCII_CLASS[b as usize];
        debug_assert!(len < v.capacity());
        // SAFETY: `len < capacity` (reserved above, each byte adds at most
        // one), and the byte is only kept (`len` advanced) when it is ASCII.
        unsafe { *at.add(len) = c };
        len += (c > 1) as usize;
        if c == 0 && len > *start {
            // SAFETY: bytes up to `len` were written above.
            unsafe { v.set_len(len) };
            fold_tail(v, *start);
            len = v.len();
            *start = len;
            v.reserve(run.len() - k + 1);
            at = v.as_mut_ptr();
        }
    }
    // SAFETY: as above.
    unsafe { v.set_len(len) };
}

/// `ascii_run` 16 bytes at a time: letters and digits are found, lowercased
/// and packed with SSE compares and shuffles, and the block's token ends
/// come from its masks; only a fold that changes a token's length, or an
/// apostrophe in the block, sends (the rest of) a block to the byte loop.
/// The output is byte for byte the byte loop's (tested on random text).
#[cfg(target_arch = "x86_64")]
mod simd {
    use super::{ascii_run_bytes, fold_tail};
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
    pub(super) unsafe fn ascii_run(run: &[u8], v: &mut Vec<u8>, start: &mut usize) {
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
                ascii_run_bytes(block, v, start);
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
                fold_tail(v, *start);
                *start = v.len();
                if v.len() != at {
                    // The fold moved what follows: redo the block's rest.
                    ascii_run_bytes(&block[j as usize + 1..], v, start);
                    done = v.len();
                    break;
                }
            }
            // SAFETY: bytes up to `done` are written (above, or by the
            // byte loop, which leaves `v.len() == done`).
            unsafe { v.set_len(done) };
        }
        ascii_run_bytes(&run[i..], v, start);
    }
}

/// Fold the spelling of the token `v[start..]` in place.
#[inline]
fn fold_tail(v: &mut Vec<u8>, start: usize) {
    let token = &v[start..];
    let n = token.len();
    if n < 4 || !may_fold(token[n - 3], token[n - 2], token[n - 1]) {
        return;
    }
    // SAFETY: `v[start..]` is whole characters (see `joined_nfkc_into`).
    let token = unsafe { std::str::from_utf8_unchecked(token) };
    let (stem, suffix) = fold_parts(token);
    if suffix.is_empty() {
        return;
    }
    let keep = start + stem.len();
    v.truncate(keep);
    v.extend_from_slice(suffix.as_bytes());
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CharClass {
    Word,
    Ignore,
    Break,
}

fn classify(c: char) -> CharClass {
    match c {
        // Zero-width joiners and marks, soft hyphen, Arabic tatweel: used
        // inconsistently between copies of one text.
        '\u{200B}'..='\u{200F}' | '\u{00AD}' | '\u{0640}' | '\u{FEFF}' => CharClass::Ignore,
        // Arabic/Urdu harakat and other combining marks carry no identity here.
        '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}' => CharClass::Ignore,
        // Apostrophes inside words ("Russia's" / "Russia’s") are dropped, not split.
        '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}' => CharClass::Ignore,
        c if c.is_alphanumeric() => CharClass::Word,
        c if is_combining_mark(c) => CharClass::Ignore,
        _ => CharClass::Break,
    }
}

fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{0591}'..='\u{05C7}' | '\u{0900}'..='\u{0903}' | '\u{093A}'..='\u{094F}')
}

/// Letters that different keyboards and fonts spell differently: Arabic yeh
/// and kaf versus their Persian/Urdu forms, heh variants, final forms.
fn fold_letter(c: char) -> char {
    match c {
        '\u{064A}' | '\u{0649}' | '\u{06D2}' => '\u{06CC}', // yeh forms -> Farsi yeh
        '\u{0643}' => '\u{06A9}',                           // Arabic kaf -> keheh
        '\u{06C1}' | '\u{06D5}' => '\u{0647}',              // heh goal / ae -> heh
        '\u{0622}' | '\u{0623}' | '\u{0625}' => '\u{0627}', // alef with hamza/madda -> alef
        'ё' => 'е',
        'ς' => 'σ',
        _ => c,
    }
}

/// UK/US spelling variant pairs that suffix rules cannot reach.
const SPELLING_WORDS: &[(&str, &str)] = &[
    ("programme", "program"),
    ("programmes", "programs"),
    ("grey", "gray"),
    ("tyre", "tire"),
    ("tyres", "tires"),
    ("cheque", "check"),
    ("cheques", "checks"),
    ("kerb", "curb"),
    ("plough", "plow"),
    ("aluminium", "aluminum"),
    ("sceptical", "skeptical"),
    ("manoeuvre", "maneuver"),
    ("manoeuvres", "maneuvers"),
    ("pyjamas", "pajamas"),
    ("storey", "story"),
    ("draught", "draft"),
    ("gaol", "jail"),
    ("jewellery", "jewelry"),
    ("mum", "mom"),
    ("whilst", "while"),
    ("amongst", "among"),
    ("ageing", "aging"),
    ("judgement", "judgment"),
    ("acknowledgement", "acknowledgment"),
    ("fulfil", "fulfill"),
    ("enrol", "enroll"),
    ("instil", "instill"),
    ("licence", "license"),
    ("practise", "practice"),
    ("cosy", "cozy"),
    ("cosier", "cozier"),
    ("cosying", "cozying"),
    ("cosied", "cozied"),
    ("cosies", "cozies"),
];

/// Suffix rules taking British forms to American ones. Applied to both sides
/// of every comparison, so an over-eager rule only merges two rare words; it
/// never splits a pair that should match.
const SPELLING_SUFFIXES: &[(&str, &str)] = &[
    ("isations", "izations"),
    ("isation", "ization"),
    ("ising", "izing"),
    ("ised", "ized"),
    ("ises", "izes"),
    ("iser", "izer"),
    ("isers", "izers"),
    ("ise", "ize"),
    ("ysing", "yzing"),
    ("ysed", "yzed"),
    ("yse", "yze"),
    ("ours", "ors"),
    ("our", "or"),
    ("oured", "ored"),
    ("ouring", "oring"),
    ("ourite", "orite"),
    ("ourable", "orable"),
    ("tres", "ters"),
    ("tre", "ter"),
    ("bre", "ber"),
    ("ence", "ense"),
    ("elled", "eled"),
    ("elling", "eling"),
    ("eller", "eler"),
    ("elled", "eled"),
    ("alled", "aled"),
    ("alling", "aling"),
    ("ogue", "og"),
    ("ogues", "ogs"),
    ("aemia", "emia"),
    ("oeuvre", "euver"),
];

/// Fold a lowercase token's British spelling to the American one.
pub fn fold_spelling(token: String) -> String {
    match fold_parts(&token) {
        (stem, "") if stem.len() == token.len() => token,
        (stem, suffix) => format!("{stem}{suffix}"),
    }
}

/// Slot of a token ending in bytes `a`, `b` in `RULES_BY_END` (low five bits of
/// each: letters are exact, digits share slots with letters, which only makes
/// the filter pass a little more).
const fn end_key(a: u8, b: u8) -> usize {
    ((a & 31) as usize) << 5 | (b & 31) as usize
}

/// No rule, in `RULES_BY_END`.
const NO_RULE: u8 = u8::MAX;
/// Rule numbers at or above this are `SPELLING_SUFFIXES[n - SUFFIX_RULE]`;
/// below, `SPELLING_WORDS[n]`.
const SUFFIX_RULE: u8 = 64;

/// How many rules there are: the spelling words, then the suffixes.
const RULES: usize = SPELLING_WORDS.len() + SPELLING_SUFFIXES.len();

/// The `i`-th rule (of `RULES`): its British form and its rule number
/// (`i` for a word, `SUFFIX_RULE + j` for suffix `j`); what the rule tables
/// below are built from.
const fn nth_rule(i: usize) -> (&'static [u8], u8) {
    if i < SPELLING_WORDS.len() {
        (SPELLING_WORDS[i].0.as_bytes(), i as u8)
    } else {
        let j = i - SPELLING_WORDS.len();
        (SPELLING_SUFFIXES[j].0.as_bytes(), SUFFIX_RULE + j as u8)
    }
}

/// For each token ending (`end_key` of its last two bytes), the spelling
/// words and then the suffix rules ending so, in table order, padded with
/// `NO_RULE`: a token is checked against a handful of rules, most against
/// none.
const RULES_BY_END: [[u8; 8]; 1024] = {
    let mut t = [[NO_RULE; 8]; 1024];
    let mut i = 0;
    while i < RULES {
        let (w, rule) = nth_rule(i);
        let slot = &mut t[end_key(w[w.len() - 2], w[w.len() - 1])];
        let mut k = 0;
        while slot[k] != NO_RULE {
            k += 1; // panics at compile time if a slot overflows
        }
        slot[k] = rule;
        i += 1;
    }
    t
};

/// Slot of a token ending in bytes `a`, `b`, `c` in `RULES_BY_END3` (low
/// five bits of each, as `end_key`).
const fn end3_key(a: u8, b: u8, c: u8) -> usize {
    ((a & 31) as usize) << 10 | ((b & 31) as usize) << 5 | (c & 31) as usize
}

/// One bit per three-byte token ending that some spelling word or suffix
/// rule ends with (every rule is at least three bytes long): most tokens
/// fail this 4 KB filter and skip the rule tables.
const RULES_BY_END3: [u64; 512] = {
    let mut t = [0u64; 512];
    let mut i = 0;
    while i < RULES {
        let (w, _) = nth_rule(i);
        let n = w.len();
        let k = end3_key(w[n - 3], w[n - 2], w[n - 1]);
        t[k >> 6] |= 1 << (k & 63);
        i += 1;
    }
    t
};

/// Whether a token ending in bytes `a`, `b`, `c` may have a spelling rule.
#[inline(always)]
fn may_fold(a: u8, b: u8, c: u8) -> bool {
    let k = end3_key(a, b, c);
    RULES_BY_END3[k >> 6] & (1 << (k & 63)) != 0
}

/// A token's folded form as (kept prefix of the token, new ending): the
/// token itself is `(token, "")`.
fn fold_parts(token: &str) -> (&str, &'static str) {
    let bytes = token.as_bytes();
    let n = bytes.len();
    if n < 4 || !may_fold(bytes[n - 3], bytes[n - 2], bytes[n - 1]) {
        return (token, "");
    }
    // Not empty: the rule that passed `may_fold` ends in the same two bytes.
    let rules = &RULES_BY_END[end_key(bytes[n - 2], bytes[n - 1])];
    // Most tokens here match no rule: test all of the slot's rules at once,
    // without a branch per rule (the endings vary, so those mispredict).
    let tail = tail_bytes(bytes);
    let mut hits = 0u32;
    for (i, &rule) in rules.iter().enumerate() {
        let r = &RULE_TAILS[rule as usize];
        let hit = (tail & r.mask == r.ending) & (n >= r.min_len) & (n <= r.max_len);
        hits |= (hit as u32) << i;
    }
    // Only ASCII tokens are folded; asked only of the few that hit a rule,
    // as the loop over a token's bytes ends at a different count each time.
    if hits != 0 && !token.is_ascii() {
        return (token, "");
    }
    while hits != 0 {
        let rule = rules[hits.trailing_zeros() as usize];
        hits &= hits - 1;
        if rule < SUFFIX_RULE {
            // Only the last eight bytes and the length were compared.
            let (uk, us) = SPELLING_WORDS[rule as usize];
            if uk == token {
                return ("", us);
            }
            continue;
        }
        let (uk, us) = SPELLING_SUFFIXES[(rule - SUFFIX_RULE) as usize];
        if EXCEPTIONS.binary_search(&token).is_ok() {
            return (token, "");
        }
        return (&token[..n - uk.len()], us);
    }
    (token, "")
}

/// The last (up to) eight bytes of a token as one number, the last byte
/// lowest: a rule is then a mask and a compare (`RULE_TAILS`), not a
/// `memcmp` call; a tenth of all tokens reach the rules. Tokens are at least
/// four bytes here: two four-byte reads (overlapping under eight bytes,
/// where the OR meets equal bytes) make it without a loop on the length.
#[inline(always)]
fn tail_bytes(bytes: &[u8]) -> u64 {
    let n = bytes.len();
    debug_assert!(n >= 4);
    let four =
        |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    let high_at = n.max(8) - 8;
    let shift = 8 * (n.min(8) - 4);
    (four(high_at) as u64) << shift | four(n - 4) as u64
}

/// What `fold_parts` tests of one rule before looking closer: a token may
/// match it only if its `tail_bytes` under `mask` are `ending` and its length
/// is in `min_len..=max_len`.
struct RuleTail {
    ending: u64,
    mask: u64,
    min_len: usize,
    max_len: usize,
}

/// `RuleTail` of each rule number (`NO_RULE` and unused numbers: never).
const RULE_TAILS: [RuleTail; 256] = {
    const NEVER: RuleTail = RuleTail {
        ending: 1,
        mask: 0,
        min_len: 0,
        max_len: 0,
    };
    let mut t = [NEVER; 256];
    let mut i = 0;
    while i < RULES {
        let (w, rule) = nth_rule(i);
        let whole = rule < SUFFIX_RULE;
        assert!(
            whole || w.len() <= 8,
            "a suffix rule longer than tail_bytes holds"
        );
        let last = if w.len() > 8 { w.len() - 8 } else { 0 };
        let mut ending = 0u64;
        let mut j = last;
        while j < w.len() {
            ending = ending << 8 | w[j] as u64;
            j += 1;
        }
        let kept = w.len() - last;
        t[rule as usize] = RuleTail {
            ending,
            mask: if kept == 8 {
                u64::MAX
            } else {
                (1u64 << (8 * kept)) - 1
            },
            // A suffix needs a stem of two bytes or more: short stems
            // ("rise", "wise", "our", "four", "hour") stay as they are.
            min_len: if whole { w.len() } else { w.len() + 2 },
            max_len: if whole { w.len() } else { usize::MAX },
        };
        i += 1;
    }
    t
};

/// Words the suffix rules would change but that have no spelling variant.
/// Harmless to fold either way; listed so folded text still reads sensibly.
/// Kept in byte order: `fold_parts` looks a word up by binary search.
const EXCEPTIONS: &[&str] = &[
    "advertise",
    "advertised",
    "arise",
    "bruise",
    "causes",
    "chaise",
    "clockwise",
    "comprise",
    "comprised",
    "compromise",
    "compromises",
    "concise",
    "cruise",
    "cruises",
    "despise",
    "devise",
    "devised",
    "disguise",
    "enterprise",
    "enterprises",
    "excise",
    "exercise",
    "exercises",
    "expertise",
    "franchise",
    "houses",
    "improvise",
    "incise",
    "likewise",
    "merchandise",
    "mortise",
    "noise",
    "otherwise",
    "paradise",
    "poise",
    "praise",
    "praises",
    "precise",
    "premise",
    "premises",
    "promise",
    "promised",
    "promises",
    "raise",
    "raised",
    "raises",
    "reprise",
    "revise",
    "revised",
    "rises",
    "sunrise",
    "supervise",
    "supervised",
    "surprise",
    "surprised",
    "surprises",
    "televise",
    "televised",
    "treatise",
    "valise",
];

/// Whether two tokens are UK/US spelling variants of one word (used by diff).
pub fn is_spelling_variant(a: &str, b: &str) -> bool {
    let (la, lb) = (a.to_lowercase(), b.to_lowercase());
    la != lb && fold_spelling(la) == fold_spelling(lb)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<String> {
        normalize(s).tokens
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
    fn folds_uk_us_spelling() {
        for (uk, us) in [
            ("defence", "defense"),
            ("mobilised", "mobilized"),
            ("criticise", "criticize"),
            ("centres", "centers"),
            ("cosying", "cozying"),
            ("programme", "program"),
            ("colour", "color"),
            ("travelled", "traveled"),
            ("organisation", "organization"),
            ("analysed", "analyzed"),
        ] {
            assert_eq!(toks(uk), toks(us), "{uk} vs {us}");
            assert!(is_spelling_variant(uk, us), "{uk} vs {us}");
        }
        assert!(!is_spelling_variant("defence", "offence"));
        assert!(!is_spelling_variant("same", "same"));
    }

    #[test]
    fn short_words_are_not_folded() {
        assert_eq!(toks("our four hours"), vec!["our", "four", "hours"]);
        assert_eq!(toks("rise"), vec!["rise"]);
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
        let mut rng = crate::synth::Rng::new(0x2545_F491_4F6C_DD1D);
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
                ascii_run(text.as_bytes(), &mut simd, &mut s1);
                ascii_run_bytes(text.as_bytes(), &mut bytes, &mut s2);
                assert_eq!((&simd, s1), (&bytes, s2), "{text:?}");
            }
            normalize_joined_into(&text, &mut out);
            assert_eq!(out, normalize(&text).joined(), "{text:?}");
        }
    }

    #[test]
    fn cached_character_rules_are_the_unicode_lookups() {
        let mut cache = CharCache::default();
        // Every code point up to U+2FFFF, twice: neighbours 4096 apart
        // share a slot, so the second pass finds every slot taken by another.
        for _ in 0..2 {
            for c in (0x80u32..0x30000).filter_map(char::from_u32) {
                assert_eq!(cache.rule(c), CharRule::of(c), "U+{:04X}", c as u32);
            }
        }
        // The quick check over the cache answers as the library's does:
        // random strings of starters, marks of several combining classes
        // in and out of order, compatibility forms and Hangul jamo.
        let pool = [
            "a", " ", "é", "e", "\u{301}", "\u{316}", "\u{345}", "\u{5B0}", "ﬁ", "①", "Ａ", "Д",
            "д", "北", "\u{1100}", "\u{1161}", "\u{11A8}", "ά", "ς", "\u{200B}", "ك",
        ];
        let mut rng = crate::synth::Rng::new(0x9E37_79B9_7F4A_7C15);
        let (mut yes, mut no) = (0, 0);
        let mut next = |n: usize| rng.below(n);
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..next(7) {
                text.push_str(pool[next(pool.len())]);
            }
            let want = unicode_normalization::is_nfkc_quick(text.chars())
                == unicode_normalization::IsNormalized::Yes;
            assert_eq!(is_nfkc_quick(&text, &mut cache), want, "{text:?}");
            if want {
                yes += 1;
            } else {
                no += 1;
            }
        }
        assert!(yes > 1000 && no > 1000, "{yes} {no}");
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

    /// `fold_parts` before the `RULES_BY_END` table, kept as the reference.
    fn fold_parts_unfiltered(token: &str) -> (&str, &'static str) {
        let n = token.len();
        if n < 4 || !token.is_ascii() {
            return (token, "");
        }
        if let Some((_, us)) = SPELLING_WORDS.iter().find(|(uk, _)| *uk == token) {
            return ("", us);
        }
        for (uk, us) in SPELLING_SUFFIXES {
            if n > uk.len() + 1 && token.ends_with(uk) {
                let stem = &token[..n - uk.len()];
                if stem.len() < 2 || EXCEPTIONS.contains(&token) {
                    return (token, "");
                }
                return (stem, us);
            }
        }
        (token, "")
    }

    #[test]
    fn tail_bytes_are_the_last_eight_bytes() {
        let s = b"abcdefghijkl";
        for n in 4..=s.len() {
            let t = &s[..n];
            let want = t[n.saturating_sub(8)..]
                .iter()
                .fold(0u64, |a, &b| a << 8 | b as u64);
            assert_eq!(tail_bytes(t), want, "length {n}");
        }
    }

    #[test]
    fn ending_prefilter_folds_exactly_as_before() {
        let mut tokens: Vec<String> = Vec::new();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/samples");
        for e in std::fs::read_dir(dir).unwrap() {
            tokens.extend(toks(&std::fs::read_to_string(e.unwrap().path()).unwrap()));
        }
        for (w, _) in SPELLING_WORDS {
            tokens.push(w.to_string());
        }
        for (suffix, _) in SPELLING_SUFFIXES {
            for stem in ["a", "ab", "organ", "colo", "9x", "x9"] {
                tokens.push(format!("{stem}{suffix}"));
            }
        }
        tokens.extend(EXCEPTIONS.iter().map(|w| w.to_string()));
        tokens.extend(["1990s", "covid19", "a0se", "10ence", "ourse"].map(String::from));
        // Not ASCII, yet ending as a rule does: left as they are.
        tokens.extend(["émphasise", "çolour", "ñcentre", "grèy", "ωtyre"].map(String::from));
        // Endings one byte off a rule's, at every length `tail_bytes` handles.
        for (suffix, _) in SPELLING_SUFFIXES {
            for stem in ["", "x", "ab", "organ", "abcdefgh"] {
                let mut t = format!("{stem}{suffix}");
                tokens.push(t.clone());
                t.pop();
                tokens.push(format!("{t}z"));
                tokens.push(format!("{stem}q{}", &suffix[1..]));
            }
        }
        assert!(EXCEPTIONS.is_sorted(), "EXCEPTIONS must stay sorted");
        for t in &tokens {
            assert_eq!(fold_parts(t), fold_parts_unfiltered(t), "{t}");
        }
    }

    #[test]
    fn joined_removes_separators_so_glued_words_match() {
        assert_eq!(
            normalize("Beijing with").joined(),
            normalize("Beijingwith").joined()
        );
    }
}
