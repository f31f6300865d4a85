//! The second, coarser candidate signature: MinHash of a document's content
//! words (lowercased, function words left out), banded for low Jaccard so a
//! paraphrase, whose character shingles mostly change, still becomes a candidate.

use crate::lsh::Banding;
use crate::minhash::{MinHasher, Signature};
use xxhash_rust::xxh3::xxh3_64_with_seed;

/// Function words: shared by any two English texts, so never features.
const STOPWORDS: &[&str] = &[
    "the", "a", "an", "of", "to", "in", "on", "for", "and", "or", "but", "by", "with", "at",
    "from", "as", "is", "was", "were", "be", "been", "are", "it", "its", "that", "this", "these",
    "those", "which", "who", "he", "she", "they", "we", "his", "her", "their", "our", "not", "no",
    "has", "have", "had", "will", "would", "could", "should", "may", "might", "can", "do", "does",
    "did", "than", "then", "so", "if", "there", "all", "any", "into", "up", "out", "said", "says",
    "also", "after", "before", "more", "most", "other", "some", "such", "only", "about", "over",
    "new", "last", "year", "one", "two", "vs", "mln", "pct", "dlrs", "cts", "s", "t",
];

/// Settings of the word signature and its banding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WordSigner {
    pub minhasher: MinHasher,
    pub banding: Banding,
}

/// Signature length of the word signature.
pub const WORD_NUM_PERM: usize = 64;

impl Default for WordSigner {
    /// 64 values in 32 bands of 2 rows: a pair of word Jaccard 0.3 shares a
    /// band with probability 0.95, 0.4 with 0.995, 0.1 with 0.28
    /// (docs/design/accuracy.md has the measurements behind it).
    fn default() -> WordSigner {
        WordSigner {
            minhasher: MinHasher::new(WORD_NUM_PERM, 0x5750_5244),
            banding: Banding { bands: 32, rows: 2 },
        }
    }
}

impl WordSigner {
    /// The signature of the content words of `text` (None when it has none).
    pub fn signature(&self, text: &str) -> Option<Signature> {
        let mut sketch = self.minhasher.sketch();
        let mut any = false;
        for_each_word(text, |w| {
            if !STOPWORDS.contains(&w) {
                sketch.add(xxh3_64_with_seed(w.as_bytes(), 0x57));
                any = true;
            }
        });
        any.then(|| sketch.finish())
    }
}

/// Each word of `text` (runs of letters and digits), lowercased, in order.
pub fn for_each_word(text: &str, mut f: impl FnMut(&str)) {
    let mut word = String::with_capacity(32);
    for c in text.chars() {
        if c.is_alphanumeric() {
            if c.is_ascii() {
                word.push(c.to_ascii_lowercase());
            } else {
                word.extend(c.to_lowercase());
            }
        } else if !word.is_empty() {
            f(&word);
            word.clear();
        }
    }
    if !word.is_empty() {
        f(&word);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_lowercased_runs_of_letters_and_digits() {
        let mut out = Vec::new();
        for_each_word("Net rose 15.3 PCT, Österreich-based", |w| {
            out.push(w.to_string())
        });
        assert_eq!(
            out,
            ["net", "rose", "15", "3", "pct", "österreich", "based"]
        );
    }

    #[test]
    fn signature_ignores_function_words_and_order() {
        let s = WordSigner::default();
        let a = s.signature("The bank raised its rate sharply").unwrap();
        let b = s
            .signature("sharply its rate was raised by a bank")
            .unwrap();
        assert_eq!(a, b);
        assert!(s.signature("the of and to").is_none());
        let c = s.signature("Wheat exports from Canada fell").unwrap();
        assert!(a.estimate_jaccard(&c) < 0.2);
    }

    #[test]
    fn default_banding_lets_low_jaccard_in() {
        let b = WordSigner::default().banding;
        assert!(b.probability(0.4) > 0.99);
        assert!(b.probability(0.05) < 0.1);
    }
}
