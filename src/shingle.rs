//! Shingling: cuts a normalized document into overlapping character k-grams
//! of its space-free token stream and hashes each with xxh3. Space-free
//! character shingles survive scraper-glued words and unspaced scripts.

use xxhash_rust::xxh3::xxh3_64_with_seed;

/// Default shingle length in characters, chosen by measurement (docs/design/matching.md).
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
/// its length and its first and last 8 bytes: the same value as
/// `xxh3_64_with_seed`, with the length dispatch and secret reads done once
/// per document instead of once per shingle.
#[derive(Debug, Clone, Copy)]
struct Xxh3Short {
    flip1: u64,
    flip2: u64,
}

impl Xxh3Short {
    /// Default-secret bytes 24..56 as little-endian words (xxh3 9-16 bytes).
    const S24: u64 = 0x1f67_b3b7_a4a4_4072;
    const S32: u64 = 0x78e5_c0cc_4ee6_79cb;
    const S40: u64 = 0x2172_ffcc_7dd0_5a82;
    const S48: u64 = 0x8e24_43f7_7446_08b8;

    fn new(seed: u64) -> Xxh3Short {
        Xxh3Short {
            flip1: (Self::S24 ^ Self::S32).wrapping_add(seed),
            flip2: (Self::S40 ^ Self::S48).wrapping_sub(seed),
        }
    }

    #[inline(always)]
    fn hash(&self, len: usize, first8: u64, last8: u64) -> u64 {
        debug_assert!((9..=16).contains(&len));
        let lo = first8 ^ self.flip1;
        let hi = last8 ^ self.flip2;
        let prod = lo as u128 * hi as u128;
        let acc = (len as u64)
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

/// Hash every window of `k` (9 to 16) bytes of `bytes`, in order.
#[inline(always)]
fn short_windows(x: &Xxh3Short, k: usize, bytes: &[u8], sink: &mut impl HashSink) {
    let tail = k - 8;
    for (head, rest) in bytes.windows(8).zip(bytes[tail..].windows(8)) {
        sink.add(x.hash(k, word(head), word(rest)));
    }
}

/// Number of ASCII bytes `bytes` starts with.
fn ascii_prefix(bytes: &[u8]) -> usize {
    let mut i = 0;
    while i + 8 <= bytes.len() && word(&bytes[i..i + 8]) & 0x8080_8080_8080_8080 == 0 {
        i += 8;
    }
    while i < bytes.len() && bytes[i] < 0x80 {
        i += 1;
    }
    i
}

/// Length in bytes of the UTF-8 character that starts with byte `lead`.
#[inline(always)]
fn utf8_len(lead: u8) -> usize {
    1 + (lead >= 0xC0) as usize + (lead >= 0xE0) as usize + (lead >= 0xF0) as usize
}

/// Where `Shingler::for_each_hash` sends hashes. Implementations mark `add`
/// `#[inline(always)]` so the per-shingle work is inlined into the loop.
pub(crate) trait HashSink {
    /// Take one shingle hash.
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

    /// Give `sink` the hash of every shingle of `joined`, in text order,
    /// repeats included (what `hashes_into` appends); how many it gave.
    #[inline]
    pub(crate) fn for_each_hash(&self, joined: &str, sink: &mut impl HashSink) -> usize {
        if joined.is_empty() {
            return 0;
        }
        let bytes = joined.as_bytes();
        let short = (9..=16).contains(&self.k);
        let x = Xxh3Short::new(self.seed);
        if joined.is_ascii() {
            if bytes.len() <= self.k {
                sink.add(xxh3_64_with_seed(bytes, self.seed));
                return 1;
            } else if short {
                short_windows(&x, self.k, bytes, sink);
            } else {
                for w in bytes.windows(self.k) {
                    sink.add(xxh3_64_with_seed(w, self.seed));
                }
            }
            return bytes.len() - self.k + 1;
        }
        // Windows of k characters (the whole stream when it has fewer), each
        // from the start of one character to the start of the k-th after it.
        let (mut start, mut end, mut given) = (0, 0, 0);
        for _ in 0..self.k {
            if end < bytes.len() {
                end += utf8_len(bytes[end]);
            }
        }
        loop {
            if short && end - start == self.k {
                // k characters in k bytes: an ASCII window. It and the
                // windows after it that end before the next non-ASCII byte
                // are hashed as the ASCII path hashes them (English copy
                // with a few accented names is mostly such runs).
                let stop = end + ascii_prefix(&bytes[end..]);
                short_windows(&x, self.k, &bytes[start..stop], sink);
                given += stop - start - self.k + 1;
                (start, end) = (stop - self.k, stop);
            } else {
                let w = &bytes[start..end];
                sink.add(if short && (9..=16).contains(&w.len()) {
                    x.hash(w.len(), word(&w[..8]), word(&w[w.len() - 8..]))
                } else {
                    xxh3_64_with_seed(w, self.seed)
                });
                given += 1;
            }
            if end == bytes.len() {
                return given;
            }
            start += utf8_len(bytes[start]);
            end += utf8_len(bytes[end]);
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

    /// What `for_each_hash` says it gave (the hashes themselves dropped).
    fn given(s: &Shingler, text: &str) -> usize {
        struct Discard;
        impl HashSink for Discard {
            fn add(&mut self, _: u64) {}
        }
        s.for_each_hash(text, &mut Discard)
    }

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
                assert_eq!(given(&s, text), want.len(), "k {k} seed {seed}");
            }
        }
    }

    #[test]
    fn character_windows_hash_as_xxh3_in_any_script() {
        let texts = [
            "thécafécentralbankraisedratesbyaquarterpointzürich",
            "москвапекинвашингтонberlinparis",
            "北京上海广州深圳天津重庆",
            "é",
            "abcdefghijklé",
            "éabcdefghijklmnopqrstuvwxyz",
            "abcdefghijklmnopqrstuvwxyzé",
            "abcdefghijklmnopqrstuvwxyzéabcdefghijklmnopqrstuvwxyzüéßabcdefghijklmnopq北京",
            "ab€cdefghijklmnopqrstuvwxyz0123456789абвгдabcdefghijklmnopqrstuvwxyz🙂xy",
        ];
        for text in texts {
            let starts: Vec<usize> = text
                .char_indices()
                .map(|(i, _)| i)
                .chain([text.len()])
                .collect();
            let chars = starts.len() - 1;
            for k in [1usize, 3, 8, 9, 12, 13, 16, 17] {
                let s = Shingler { k, seed: 7 };
                let want: Vec<u64> = if chars <= k {
                    vec![xxh3_64_with_seed(text.as_bytes(), 7)]
                } else {
                    (0..=chars - k)
                        .map(|i| xxh3_64_with_seed(&text.as_bytes()[starts[i]..starts[i + k]], 7))
                        .collect()
                };
                assert_eq!(s.hashes(text), want, "{text} k {k}");
                assert_eq!(given(&s, text), want.len(), "{text} k {k}");
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
