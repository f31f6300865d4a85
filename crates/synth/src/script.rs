//! The same text in another script, letter by letter (a cipher, not a
//! translation): corpora whose stories, edits and labels are those of the
//! Latin ones, for checking that matching and its speed hold beyond Latin.

/// A script to write generated text in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    /// As generated.
    Latin,
    /// Russian letters, upper and lower case; two bytes a letter in UTF-8.
    Cyrillic,
    /// Urdu letters and Extended Arabic-Indic digits: no case, right to
    /// left, two bytes a letter.
    Arabic,
    /// Hindi letters and Devanagari digits: no case, three bytes a letter.
    Devanagari,
    /// Each word two Han characters picked by a hash of it (lowercased),
    /// with no space between words, as Chinese is written: every character
    /// is a token of its own to reprint; three bytes a character.
    Han,
}

/// Lower-case letters `a` to `z` in Cyrillic.
const CYRILLIC: [char; 26] = [
    'а', 'б', 'ц', 'д', 'е', 'ф', 'г', 'х', 'и', 'й', 'к', 'л', 'м', 'н', 'о', 'п', 'я', 'р', 'с',
    'т', 'у', 'в', 'ш', 'ж', 'ы', 'з',
];

/// Letters `a` to `z` in Urdu's alphabet, none of them one that reprint
/// folds into another (yeh, kaf, heh and alef forms), so the cipher stays
/// one to one after normalization.
const ARABIC: [char; 26] = [
    'ا', 'ب', 'چ', 'د', 'ی', 'ف', 'گ', 'ح', 'ع', 'ج', 'ک', 'ل', 'م', 'ن', 'و', 'پ', 'ق', 'ر', 'س',
    'ت', 'ط', 'ژ', 'ش', 'خ', 'ذ', 'ز',
];

/// Letters `a` to `z` in Devanagari: independent vowels and consonants
/// only (no vowel signs, which normalization drops, and no nukta forms).
const DEVANAGARI: [char; 26] = [
    'अ', 'ब', 'च', 'द', 'ए', 'फ', 'ग', 'ह', 'इ', 'ज', 'क', 'ल', 'म', 'न', 'ओ', 'प', 'ख', 'र', 'स',
    'त', 'उ', 'व', 'श', 'ष', 'य', 'झ',
];

impl Script {
    /// Every script, Latin first.
    pub const ALL: [Script; 5] = [
        Script::Latin,
        Script::Cyrillic,
        Script::Arabic,
        Script::Devanagari,
        Script::Han,
    ];

    /// Its name on command lines and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Script::Latin => "latin",
            Script::Cyrillic => "cyrillic",
            Script::Arabic => "arabic",
            Script::Devanagari => "devanagari",
            Script::Han => "han",
        }
    }

    /// The script named `name` (as `name` gives it).
    pub fn from_name(name: &str) -> Option<Script> {
        Script::ALL.into_iter().find(|s| s.name() == name)
    }

    /// `text` in this script: ASCII letters (and, in Arabic and Devanagari
    /// script, digits; in Arabic, the comma) replaced, everything else kept.
    pub fn write(self, text: &str) -> String {
        match self {
            Script::Latin => text.to_string(),
            Script::Han => han(text),
            _ => text.chars().map(|c| self.letter(c)).collect(),
        }
    }

    fn letter(self, c: char) -> char {
        let lower = c.to_ascii_lowercase();
        if !lower.is_ascii_lowercase() {
            return match (self, c) {
                (Script::Arabic, '0'..='9') => {
                    char::from_u32(0x06F0 + (c as u32 - '0' as u32)).unwrap_or(c)
                }
                (Script::Devanagari, '0'..='9') => {
                    char::from_u32(0x0966 + (c as u32 - '0' as u32)).unwrap_or(c)
                }
                (Script::Arabic, ',') => '،',
                _ => c,
            };
        }
        let i = (lower as u8 - b'a') as usize;
        match self {
            Script::Latin => c,
            Script::Cyrillic if c.is_ascii_uppercase() => {
                CYRILLIC[i].to_uppercase().next().unwrap_or(CYRILLIC[i])
            }
            Script::Cyrillic => CYRILLIC[i],
            Script::Arabic => ARABIC[i],
            Script::Devanagari => DEVANAGARI[i],
            Script::Han => c,
        }
    }
}

/// First of the CJK Unified Ideographs, and how many `han` picks from.
const HAN_FIRST: u32 = 0x4E00;
const HAN_SPAN: u64 = 20_000;

/// `text` with each ASCII word two Han characters (by a hash of the word,
/// lowercased), the spaces between such words dropped, and the comma and
/// full stop made `，` and `。`.
fn han(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_alphabetic() {
            let end = bytes[i..]
                .iter()
                .position(|b| !b.is_ascii_alphabetic())
                .map_or(bytes.len(), |p| i + p);
            let h = xxhash_rust::xxh3::xxh3_64(text[i..end].to_ascii_lowercase().as_bytes());
            for part in [h % HAN_SPAN, (h >> 32) % HAN_SPAN] {
                out.push(char::from_u32(HAN_FIRST + part as u32).unwrap_or('中'));
            }
            i = end;
            continue;
        }
        let han_before = out
            .chars()
            .next_back()
            .is_some_and(|c| c as u32 >= HAN_FIRST);
        let word_after = bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic);
        match b {
            b' ' if han_before && word_after => {}
            b',' => out.push('，'),
            b'.' => out.push('。'),
            _ => {
                let c = text[i..].chars().next().unwrap_or(' ');
                out.push(c);
                i += c.len_utf8();
                continue;
            }
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn each_script_is_one_to_one_on_letters() {
        for table in [CYRILLIC, ARABIC, DEVANAGARI] {
            let set: HashSet<char> = table.into_iter().collect();
            assert_eq!(set.len(), 26);
            assert!(table.iter().all(|c| !c.is_ascii() && c.is_alphabetic()));
        }
        let text = "Moscow, 12 May - Reuters said";
        assert_eq!(Script::Latin.write(text), text);
        assert_eq!(
            Script::Cyrillic.write(text),
            "Мосцош, 12 Маы - Реутерс саид"
        );
        let arabic = Script::Arabic.write(text);
        assert!(arabic.contains("۱۲") && arabic.contains('،'));
        assert_eq!(arabic.chars().count(), text.chars().count());
        assert!(!arabic.chars().any(|c| c.is_ascii_alphanumeric()));
        let han = Script::Han.write("The bank, the BANK. Said 12");
        assert_eq!(han.chars().count(), 2 + 2 + 1 + 2 + 2 + 1 + 1 + 2 + 1 + 2);
        let h: Vec<char> = han.chars().collect();
        assert_eq!(&h[0..4], &h[5..9]);
        assert!(han.ends_with(" 12") && han.contains('，') && han.contains('。'));
        let hindi = Script::Devanagari.write(text);
        assert!(hindi.contains("१२") && hindi.len() > 2 * text.len());
        for s in Script::ALL {
            assert_eq!(Script::from_name(s.name()), Some(s));
        }
    }
}
