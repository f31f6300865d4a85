//! Shingling: cuts a normalized document into overlapping character k-grams
//! of its space-free token stream and hashes each with xxh3. Space-free
//! character shingles survive scraper-glued words and unspaced scripts.

use xxhash_rust::xxh3::xxh3_64_with_seed;

/// Default shingle length in characters, chosen by measurement (README.md).
pub const DEFAULT_K: usize = 12;

/// How documents are cut into shingles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shingler {
    /// Shingle length in characters.
    pub k: usize,
    /// Seed for the xxh3 shingle hash.
    pub seed: u64,
}

impl Default for Shingler {
    fn default() -> Self {
        Shingler {
            k: DEFAULT_K,
            seed: 0,
        }
    }
}

impl Shingler {
    /// Append the hash of every shingle of `joined` (a normalized, space-free
    /// stream) to `out`, in text order, repeats included. A stream shorter than
    /// `k` characters is one shingle; an empty one has none.
    pub fn hashes_into(&self, joined: &str, out: &mut Vec<u64>) {
        if joined.is_empty() {
            return;
        }
        let bytes = joined.as_bytes();
        if joined.is_ascii() {
            if bytes.len() <= self.k {
                out.push(xxh3_64_with_seed(bytes, self.seed));
                return;
            }
            out.reserve(bytes.len() - self.k + 1);
            for w in bytes.windows(self.k) {
                out.push(xxh3_64_with_seed(w, self.seed));
            }
            return;
        }
        let mut starts: Vec<usize> = joined.char_indices().map(|(i, _)| i).collect();
        let chars = starts.len();
        starts.push(bytes.len());
        if chars <= self.k {
            out.push(xxh3_64_with_seed(bytes, self.seed));
            return;
        }
        out.reserve(chars - self.k + 1);
        for i in 0..=chars - self.k {
            out.push(xxh3_64_with_seed(
                &bytes[starts[i]..starts[i + self.k]],
                self.seed,
            ));
        }
    }

    /// Shingle hashes of `joined` as a new vector.
    pub fn hashes(&self, joined: &str) -> Vec<u64> {
        let mut v = Vec::new();
        self.hashes_into(joined, &mut v);
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_one_shingle_per_position() {
        let s = Shingler { k: 3, seed: 0 };
        assert_eq!(s.hashes("abcde").len(), 3);
        assert_eq!(s.hashes("ab").len(), 1);
        assert!(s.hashes("").is_empty());
    }

    #[test]
    fn same_text_same_hashes_and_seed_changes_them() {
        let s = Shingler { k: 4, seed: 0 };
        assert_eq!(s.hashes("syndicated"), s.hashes("syndicated"));
        let t = Shingler { k: 4, seed: 7 };
        assert_ne!(s.hashes("syndicated"), t.hashes("syndicated"));
    }

    #[test]
    fn counts_characters_not_bytes_in_other_scripts() {
        let s = Shingler { k: 3, seed: 0 };
        // 5 Cyrillic letters (10 bytes) give 3 shingles of 3 characters.
        assert_eq!(s.hashes("москв").len(), 3);
        assert_eq!(s.hashes("北京上海").len(), 2);
        // Shared substrings give shared hashes across scripts too.
        let a = s.hashes("پاکستان");
        let b = s.hashes("کستانی");
        assert!(a.iter().any(|h| b.contains(h)));
    }
}
