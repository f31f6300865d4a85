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
        }
    }
}

/// Rules of recently seen non-ASCII characters, in a direct-mapped table
/// indexed by the code point's low bits (a script's letters are neighbours,
/// so they do not evict each other). On Cyrillic text the lookups it saves
/// were three fifths of a scan's time.
pub(super) struct CharCache(Vec<CharRule>);

impl CharCache {
    const SLOTS: usize = 4096;

    #[inline]
    pub(super) fn rule(&mut self, c: char) -> CharRule {
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
    pub(super) static CHARS: std::cell::RefCell<CharCache> = std::cell::RefCell::new(CharCache::default());
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
    }
}
