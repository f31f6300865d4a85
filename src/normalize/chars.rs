//! What normalization does with one character: its class (word, ignored,
//! break), letter folding and script tests, and for non-ASCII text the NFKC
//! quick check and Unicode lookups, done once and kept in a direct-mapped cache.

/// What normalization does with one non-ASCII character: its Unicode
/// lookups (NFKC quick check, combining class, alphanumeric, lowercase)
/// done once and cached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct CharRule {
    /// The character this is the rule of (`'\0'`: an empty cache slot; only
    /// non-ASCII characters are looked up).
    c: char,
    /// The folded lowercase form, when lowercasing gives one character.
    pub(super) lower: Option<char>,
    /// Canonical combining class.
    pub(super) ccc: u8,
    /// NFKC quick check says yes.
    pub(super) nfkc: bool,
    pub(super) class: CharClass,
    /// A letter of a script written without spaces (`is_unspaced`).
    pub(super) unspaced: bool,
    /// Not NFKC, but NFKC makes it one ASCII mark that breaks a token and
    /// never composes (`，` to `,`, the ideographic space to a space): a
    /// break wherever it stands, so Chinese and Japanese copy, which is full
    /// of such marks, need not be NFKC-converted whole.
    pub(super) breaks_as_ascii: bool,
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
            unspaced: is_unspaced(c),
            breaks_as_ascii: breaks_as_ascii(c),
        }
    }
}

/// Rules of recently seen non-ASCII characters, in a direct-mapped table
/// indexed by the code point's low bits (a script's letters are neighbours,
/// so they do not evict each other). On Cyrillic text the lookups it saves
/// were three fifths of a scan's time. Characters up to U+0FFF have a table
/// of their own (`Direct`).
pub(super) struct CharCache {
    rules: Vec<CharRule>,
    direct: Vec<Direct>,
}

impl CharCache {
    const SLOTS: usize = 4096;

    #[inline]
    pub(super) fn rule(&mut self, c: char) -> CharRule {
        let slot = &mut self.rules[c as usize & (Self::SLOTS - 1)];
        if slot.c != c {
            *slot = CharRule::of(c);
        }
        *slot
    }

    /// Whether the NFKC quick check says `text` is NFKC: the check
    /// `unicode_normalization::is_nfkc_quick` makes, with each character's
    /// quick-check value and combining class from the cache. ASCII resets
    /// the check's state and always passes, so only the runs of non-ASCII
    /// characters are decoded.
    pub(super) fn is_nfkc_quick(&mut self, text: &str) -> bool {
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
                let rule = self.rule(c);
                if !nfkc_step(rule.nfkc, rule.ccc, &mut last_ccc) {
                    return false;
                }
            }
            i = end;
        }
        true
    }

    /// The rule of the character that starts at `bytes[i]`, when it is
    /// U+0080 to U+0FFF (lead byte 0xC2 to 0xE0; `bytes` valid UTF-8):
    /// the rule and the character's length. It reads the bytes itself: a
    /// `decode` first, then the table by code point, was 1.04-1.12x the CPU
    /// of a scan of Devanagari copy.
    #[inline(always)]
    pub(super) fn direct(&self, bytes: &[u8], i: usize) -> Option<(Direct, usize)> {
        let b0 = bytes[i];
        let (cp, len) = match b0 {
            0xC2..=0xDF => (
                ((b0 & 0x1F) as usize) << 6 | (bytes[i + 1] & 0x3F) as usize,
                2,
            ),
            0xE0 => (
                ((bytes[i + 1] & 0x3F) as usize) << 6 | (bytes[i + 2] & 0x3F) as usize,
                3,
            ),
            _ => return None,
        };
        Some((self.direct[(cp - 0x80) & (DIRECT_SLOTS - 1)], len))
    }
}

/// Slots of `CharCache::direct`: U+0080 to U+0FFF, and padding never read.
const DIRECT_SLOTS: usize = 4096;

impl Default for CharCache {
    fn default() -> CharCache {
        CharCache {
            rules: vec![CharRule::of('\0'); CharCache::SLOTS],
            direct: (0x80..0x80 + DIRECT_SLOTS as u32)
                .map(|cp| match char::from_u32(cp) {
                    Some(c) if cp < 0x1000 => Direct::of(c),
                    _ => Direct::OTHER,
                })
                .collect(),
        }
    }
}

/// One character of the NFKC quick check, after one of combining class
/// `last_ccc` in the same non-ASCII run (0 at its start): false when it
/// fails (not NFKC by itself, or a mark out of canonical order).
#[inline(always)]
pub(super) fn nfkc_step(nfkc: bool, ccc: u8, last_ccc: &mut u8) -> bool {
    let ok = nfkc && (*last_ccc <= ccc || ccc == 0);
    *last_ccc = ccc;
    ok
}

/// What normalization does with a character of U+0080 to U+0FFF (two bytes:
/// Latin-1 and Latin Extended, Greek, Cyrillic, Armenian, Hebrew, Arabic;
/// three: Devanagari and the other Indic scripts, Sinhala, Tibetan), read
/// straight from its UTF-8 bytes, with no decoding and no cache to check:
/// its kind, its combining class, and for a two-byte word character its
/// folded lowercase form when that is two bytes too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Direct(u32);

/// Kinds of `Direct`, in bits 16 to 18.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DirectKind {
    /// A two-byte word character written as the two bytes `Direct::lower`.
    Word,
    /// A three-byte word character written as it is (its lowercase form).
    Kept,
    Ignore,
    Break,
    /// Anything else (not NFKC, unspaced, or lowercased to another
    /// character of three bytes): the general rules decide.
    Other,
}

impl Direct {
    const OTHER: Direct = Direct(4 << 16);

    fn of(c: char) -> Direct {
        let rule = CharRule::of(c);
        let ccc = (rule.ccc as u32) << 24;
        let kind = match rule.class {
            _ if !rule.nfkc || rule.unspaced => return Direct::OTHER,
            CharClass::Word => match rule.lower {
                Some(l) if c.len_utf8() == 2 && l.len_utf8() == 2 => {
                    let mut buf = [0u8; 4];
                    l.encode_utf8(&mut buf);
                    return Direct(u16::from_le_bytes([buf[0], buf[1]]) as u32 | ccc);
                }
                Some(l) if c.len_utf8() == 3 && l == c => 1,
                _ => return Direct::OTHER,
            },
            CharClass::Ignore => 2,
            CharClass::Break => 3,
        };
        Direct(kind << 16 | ccc)
    }

    #[inline(always)]
    pub(super) fn kind(self) -> DirectKind {
        match self.0 >> 16 & 7 {
            0 => DirectKind::Word,
            1 => DirectKind::Kept,
            2 => DirectKind::Ignore,
            3 => DirectKind::Break,
            _ => DirectKind::Other,
        }
    }

    /// Canonical combining class.
    #[inline(always)]
    pub(super) fn ccc(self) -> u8 {
        (self.0 >> 24) as u8
    }

    /// A word character's folded lowercase form, as its two UTF-8 bytes.
    #[inline(always)]
    pub(super) fn lower(self) -> [u8; 2] {
        (self.0 as u16).to_le_bytes()
    }
}

thread_local! {
    /// Per-thread character rules for `normalize_joined_into`.
    pub(super) static CHARS: std::cell::RefCell<CharCache> = std::cell::RefCell::new(CharCache::default());
}

/// Whether NFKC changes `c` into one ASCII character that breaks a token
/// and that no canonical composition starts or ends with: punctuation or a
/// space, but not the apostrophe (dropped, not a break) nor `<`, `=`, `>`
/// (which compose with U+0338).
fn breaks_as_ascii(c: char) -> bool {
    use unicode_normalization::UnicodeNormalization;
    let mut nfkc = std::iter::once(c).nfkc();
    match (nfkc.next(), nfkc.next()) {
        (Some(a), None) if a != c => {
            a.is_ascii() && !a.is_ascii_alphanumeric() && !matches!(a, '\'' | '<' | '=' | '>')
        }
        _ => false,
    }
}

/// Letters of scripts written without spaces between words.
pub(super) fn is_unspaced(c: char) -> bool {
    matches!(c,
        '\u{0E00}'..='\u{0EFF}' // Thai, Lao
        | '\u{1000}'..='\u{109F}' // Myanmar
        | '\u{1780}'..='\u{17FF}' // Khmer
        | '\u{3040}'..='\u{30FF}' // Hiragana, Katakana
        | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' // Han
        | '\u{20000}'..='\u{2FA1F}')
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CharClass {
    Word,
    Ignore,
    Break,
}

pub(super) fn classify(c: char) -> CharClass {
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
pub(super) fn fold_letter(c: char) -> char {
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

#[cfg(test)]
mod tests {
    use super::*;

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
        let mut rng = synth::Rng::new(0x9E37_79B9_7F4A_7C15);
        let (mut yes, mut no) = (0, 0);
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..rng.below(7) {
                text.push_str(pool[rng.below(pool.len())]);
            }
            let want = unicode_normalization::is_nfkc_quick(text.chars())
                == unicode_normalization::IsNormalized::Yes;
            assert_eq!(cache.is_nfkc_quick(&text), want, "{text:?}");
            if want {
                yes += 1;
            } else {
                no += 1;
            }
        }
        assert!(yes > 1000 && no > 1000, "{yes} {no}");
        // The direct table says what the rules say, where it says anything.
        let mut fast = 0;
        for c in (0x80u32..0x1000).filter_map(char::from_u32) {
            let mut buf = [0u8; 4];
            let b = c.encode_utf8(&mut buf).as_bytes();
            let (direct, len) = cache.direct(b, 0).unwrap();
            assert_eq!(len, b.len());
            let rule = CharRule::of(c);
            let want = match direct.kind() {
                DirectKind::Other => continue,
                DirectKind::Word => {
                    let mut out = [0u8; 4];
                    let l = rule
                        .lower
                        .map(|l| l.encode_utf8(&mut out).as_bytes().to_vec());
                    assert_eq!(
                        l.as_deref(),
                        Some(&direct.lower()[..]),
                        "U+{:04X}",
                        c as u32
                    );
                    CharClass::Word
                }
                DirectKind::Kept => {
                    assert_eq!((rule.lower, len), (Some(c), 3), "U+{:04X}", c as u32);
                    CharClass::Word
                }
                DirectKind::Ignore => CharClass::Ignore,
                DirectKind::Break => CharClass::Break,
            };
            assert!(rule.nfkc && !rule.unspaced, "U+{:04X}", c as u32);
            assert_eq!(
                (rule.class, rule.ccc),
                (want, direct.ccc()),
                "U+{:04X}",
                c as u32
            );
            fast += 1;
        }
        assert!(cache.direct("\u{1000}".as_bytes(), 0).is_none());
        assert!(fast > 3000, "{fast}");
    }
}
