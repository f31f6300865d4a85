//! The one path from a document's text to what reprint compares: normalized
//! stream, shingle hashes, MinHash signature, exact-text hash and shingle set.
//! `scan`, `query`, `index` and `dedup` all go through here.

use crate::boilerplate::Mask;
use crate::minhash::{MinHasher, Signature, Sketch};
use crate::normalize::{normalize_joined_into, NORMALIZATION_VERSION};
use crate::shingle::{HashSink, Shingler};
use crate::verify::ShingleSet;
use serde::Serialize;
use xxhash_rust::xxh3::xxh3_128;

thread_local! {
    /// Per-thread buffer for the normalized stream, reused across documents.
    static JOINED: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    /// Per-thread buffer for a document's unmasked shingle hashes.
    static HASHES: std::cell::RefCell<Vec<u64>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Signs the unmasked shingle hashes it is given, counting them.
struct Signer<'m> {
    sketch: Sketch,
    mask: &'m Mask,
    shingles: usize,
}

impl HashSink for Signer<'_> {
    #[inline(always)]
    fn add(&mut self, h: u64) {
        if !self.mask.contains(h) {
            self.sketch.add(h);
            self.shingles += 1;
        }
    }
}

/// Collects the unmasked shingle hashes it is given.
struct Unmasked<'m, 'v> {
    hashes: &'v mut Vec<u64>,
    mask: &'m Mask,
}

impl HashSink for Unmasked<'_, '_> {
    #[inline(always)]
    fn add(&mut self, h: u64) {
        if !self.mask.contains(h) {
            self.hashes.push(h);
        }
    }
}

/// Everything that changes fingerprints; stored with reports and indexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FingerprintParams {
    pub shingle: &'static str,
    pub k: usize,
    pub num_perm: usize,
    pub seed: u64,
    pub normalization: u32,
}

/// A document's fingerprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    pub signature: Signature,
    /// Hash of the normalized text: equal means an exact copy.
    pub text_hash: u128,
    /// Number of shingle positions (before de-duplication).
    pub shingles: usize,
}

/// Turns texts into fingerprints and shingle sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Fingerprinter {
    pub shingler: Shingler,
    pub minhasher: MinHasher,
}

impl Fingerprinter {
    pub fn new(k: usize, num_perm: usize, seed: u64) -> Fingerprinter {
        Fingerprinter {
            shingler: Shingler { k, seed },
            minhasher: MinHasher::new(num_perm, seed.wrapping_add(1)),
        }
    }

    pub fn params(&self) -> FingerprintParams {
        FingerprintParams {
            shingle: "char",
            k: self.shingler.k,
            num_perm: self.minhasher.num_perm,
            seed: self.shingler.seed,
            normalization: NORMALIZATION_VERSION,
        }
    }

    /// Fingerprint one text. `scratch` is reused between calls.
    pub fn fingerprint(&self, text: &str, scratch: &mut Vec<u64>) -> Fingerprint {
        self.fingerprint_masked(text, scratch, &Mask::none())
    }

    /// Fingerprint one text leaving out the shingles `mask` holds; the exact
    /// text hash still covers the whole normalized text.
    pub fn fingerprint_masked(
        &self,
        text: &str,
        scratch: &mut Vec<u64>,
        mask: &Mask,
    ) -> Fingerprint {
        JOINED.with_borrow_mut(|joined| self.fingerprint_joined(text, joined, scratch, mask))
    }

    fn fingerprint_joined(
        &self,
        text: &str,
        joined: &mut String,
        scratch: &mut Vec<u64>,
        mask: &Mask,
    ) -> Fingerprint {
        normalize_joined_into(text, joined);
        scratch.clear();
        self.shingler.hashes_into(joined, scratch);
        mask.retain_unmasked(scratch);
        Fingerprint {
            signature: self.minhasher.sign(scratch),
            text_hash: xxh3_128(joined.as_bytes()),
            shingles: scratch.len(),
        }
    }

    /// What `fingerprint_masked` gives, in one pass over the normalized
    /// text: each shingle is hashed, checked against the mask and signed
    /// without a vector of hashes in between.
    pub fn fingerprint_streamed(&self, text: &str, mask: &Mask) -> Fingerprint {
        JOINED.with_borrow_mut(|joined| {
            normalize_joined_into(text, joined);
            let mut sink = Signer {
                sketch: self.minhasher.sketch(),
                mask,
                shingles: 0,
            };
            self.shingler.for_each_hash(joined, &mut sink);
            Fingerprint {
                signature: sink.sketch.finish(),
                text_hash: xxh3_128(joined.as_bytes()),
                shingles: sink.shingles,
            }
        })
    }

    /// The exact shingle set of one text, for verification.
    pub fn shingle_set(&self, text: &str) -> ShingleSet {
        self.shingle_set_masked(text, &Mask::none())
    }

    /// The exact shingle set of one text without the shingles `mask` holds.
    pub fn shingle_set_masked(&self, text: &str, mask: &Mask) -> ShingleSet {
        self.shingle_set_and_hash(text, mask).0
    }

    /// The masked shingle set of one text and the hash of its whole
    /// normalized text (`Fingerprint::text_hash`), from one normalization.
    pub fn shingle_set_and_hash(&self, text: &str, mask: &Mask) -> (ShingleSet, u128) {
        JOINED.with_borrow_mut(|joined| {
            HASHES.with_borrow_mut(|hashes| {
                normalize_joined_into(text, joined);
                hashes.clear();
                let mut sink = Unmasked { hashes, mask };
                self.shingler.for_each_hash(joined, &mut sink);
                (ShingleSet::from_slice(hashes), xxh3_128(joined.as_bytes()))
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::Scores;

    #[test]
    fn glued_words_and_spelling_do_not_change_the_fingerprint() {
        let f = Fingerprinter::default();
        let mut s = Vec::new();
        let a = f.fingerprint(
            "Moscow is cosying up to Beijing with new defence deals.",
            &mut s,
        );
        let b = f.fingerprint(
            "MOSCOW is cozying up to Beijingwith new defense deals!",
            &mut s,
        );
        assert_eq!(a, b);
        let c = f.fingerprint(
            "Moscow is cosying up to Paris with new defence deals.",
            &mut s,
        );
        assert_ne!(a.text_hash, c.text_hash);
    }

    #[test]
    fn streamed_fingerprint_equals_the_vector_one() {
        let f = Fingerprinter::default();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/samples");
        let mut texts: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
            .collect();
        texts.extend(["", "short", "Москва и Пекин 北京 上海 – “quoted”"].map(String::from));
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let mask = Mask::build(
            &refs,
            &f.shingler,
            &crate::boilerplate::MaskConfig {
                share: 0.3,
                min_docs: 2,
                sample: 100,
            },
        );
        let mut s = Vec::new();
        for m in [Mask::none(), mask] {
            for t in &texts {
                assert_eq!(
                    f.fingerprint_streamed(t, &m),
                    f.fingerprint_masked(t, &mut s, &m)
                );
            }
        }
    }

    #[test]
    fn shingle_sets_measure_overlap() {
        let f = Fingerprinter::default();
        let a =
            f.shingle_set("The central bank raised interest rates by a quarter point on Tuesday.");
        let b = f.shingle_set(
            "The central bank raised interest rates by a quarter point on Tuesday, it said.",
        );
        let s = Scores::of(&a, &b);
        assert!(s.containment_a_in_b > 0.99);
        assert!(s.jaccard > 0.7 && s.jaccard < 1.0);
    }

    /// Fingerprints are stored in archives (`reprint index`) and Parquet
    /// tables (`reprint sign`): a change to normalization, shingling or
    /// MinHash that moves them must come with a bump of
    /// `NORMALIZATION_VERSION`, so old archives are refused instead of
    /// answering wrongly. This pins a digest of the sample articles'
    /// default fingerprints; when it fails, bump the version, then the value.
    #[test]
    fn default_fingerprints_of_the_samples_are_pinned_to_the_version() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/samples");
        let mut names: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "txt"))
            .collect();
        names.sort();
        assert_eq!(names.len(), 5);
        let f = Fingerprinter::default();
        let mut bytes = Vec::new();
        for name in &names {
            let text = std::fs::read_to_string(name).unwrap();
            let print = f.fingerprint(&text, &mut Vec::new());
            for v in print.signature.0.iter() {
                bytes.extend_from_slice(&v.to_le_bytes());
            }
            bytes.extend_from_slice(&print.text_hash.to_le_bytes());
            bytes.extend_from_slice(&(print.shingles as u64).to_le_bytes());
        }
        let digest = xxhash_rust::xxh3::xxh3_64(&bytes);
        assert_eq!(
            (NORMALIZATION_VERSION, digest),
            (1, 7917055544421373682),
            "fingerprints changed: bump NORMALIZATION_VERSION"
        );
    }
}
