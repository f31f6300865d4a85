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

/// xxh3-64 (seeded, default secret) of an input of 9 to 16 bytes, given as
/// its first and last 8 bytes: the same value as `xxh3_64_with_seed`, with
/// the length-dispatch and secret reads done once per document instead of
/// once per shingle.
#[derive(Debug, Clone, Copy)]
struct Xxh3Short {
    flip1: u64,
    flip2: u64,
    len: u64,
}

impl Xxh3Short {
    /// Default-secret bytes 24..56 as little-endian words (xxh3 9-16 bytes).
    const S24: u64 = 0x1f67_b3b7_a4a4_4072;
    const S32: u64 = 0x78e5_c0cc_4ee6_79cb;
    const S40: u64 = 0x2172_ffcc_7dd0_5a82;
    const S48: u64 = 0x8e24_43f7_7446_08b8;

    fn new(len: usize, seed: u64) -> Xxh3Short {
        debug_assert!((9..=16).contains(&len));
        Xxh3Short {
            flip1: (Self::S24 ^ Self::S32).wrapping_add(seed),
            flip2: (Self::S40 ^ Self::S48).wrapping_sub(seed),
            len: len as u64,
        }
    }

    #[inline(always)]
    fn hash(&self, first8: u64, last8: u64) -> u64 {
        let lo = first8 ^ self.flip1;
        let hi = last8 ^ self.flip2;
        let prod = lo as u128 * hi as u128;
        let acc = self
            .len
            .wrapping_add(lo.swap_bytes())
            .wrapping_add(hi)
            .wrapping_add((prod as u64) ^ ((prod >> 64) as u64));
        let x = acc ^ (acc >> 37);
        let x = x.wrapping_mul(0x1656_6791_9E37_79F9);
        x ^ (x >> 32)
    }
}

/// An 8-byte window as a little-endian word.
#[inline(always)]
fn word(w: &[u8]) -> u64 {
    u64::from_le_bytes(w.try_into().unwrap_or([0; 8]))
}

/// Where `Shingler::for_each_hash` sends hashes. Implementations mark `add`
/// `#[inline(always)]` so the per-shingle work is inlined into the loop.
pub trait HashSink {
    fn add(&mut self, h: u64);
}

/// A `HashSink` that pushes every hash onto a vector.
struct Push<'a>(&'a mut Vec<u64>);

impl HashSink for Push<'_> {
    #[inline(always)]
    fn add(&mut self, h: u64) {
        self.0.push(h);
    }
}

impl Shingler {
    /// Append the hash of every shingle of `joined` (a normalized, space-free
    /// stream) to `out`, in text order, repeats included. A stream shorter than
    /// `k` characters is one shingle; an empty one has none.
    pub fn hashes_into(&self, joined: &str, out: &mut Vec<u64>) {
        if joined.is_ascii() && joined.len() > self.k {
            out.reserve(joined.len() - self.k + 1);
        }
        self.for_each_hash(joined, &mut Push(out));
    }

    /// Call `f` with the hash of every shingle of `joined`, in text order,
    /// repeats included (what `hashes_into` appends).
    #[inline]
    pub fn for_each_hash(&self, joined: &str, sink: &mut impl HashSink) {
        if joined.is_empty() {
            return;
        }
        let bytes = joined.as_bytes();
        if joined.is_ascii() {
            if bytes.len() <= self.k {
                sink.add(xxh3_64_with_seed(bytes, self.seed));
                return;
            }
            if (9..=16).contains(&self.k) {
                // Every window is k bytes: its first and last 8 bytes.
                let x = Xxh3Short::new(self.k, self.seed);
                let tail = self.k - 8;
                for (head, rest) in bytes.windows(8).zip(bytes[tail..].windows(8)) {
                    sink.add(x.hash(word(head), word(rest)));
                }
                return;
            }
            for w in bytes.windows(self.k) {
                sink.add(xxh3_64_with_seed(w, self.seed));
            }
            return;
        }
        let mut starts: Vec<usize> = joined.char_indices().map(|(i, _)| i).collect();
        let chars = starts.len();
        starts.push(bytes.len());
        if chars <= self.k {
            sink.add(xxh3_64_with_seed(bytes, self.seed));
            return;
        }
        for i in 0..=chars - self.k {
            sink.add(xxh3_64_with_seed(
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
    fn short_window_hash_is_xxh3() {
        let text = "thecentralbankraisedinterestratesbyaquarterpointontuesday0123456789";
        for k in [1usize, 5, 8, 9, 12, 16, 17, 40] {
            for seed in [0u64, 1, 7, u64::MAX] {
                let s = Shingler { k, seed };
                let want: Vec<u64> = text
                    .as_bytes()
                    .windows(k)
                    .map(|w| xxh3_64_with_seed(w, seed))
                    .collect();
                assert_eq!(s.hashes(text), want, "k {k} seed {seed}");
            }
        }
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
