//! The one path from a document's text to what reprint compares: normalized
//! stream, shingle hashes, MinHash signature, exact-text hash and shingle set.
//! `scan`, `query`, `index` and `dedup` all go through here.

use crate::align::token_hash;
use crate::boilerplate::{boilerplate_words, Marking, Mask};
use crate::minhash::{MinHasher, Signature, Sketch};
use crate::normalize::{normalize_joined_into, normalize_joined_words_into, NORMALIZATION_VERSION};
use crate::shingle::{HashSink, Shingler};
use crate::wordsig::{CommonWords, WordSigner};
use serde::Serialize;
use xxhash_rust::xxh3::xxh3_128;

thread_local! {
    /// Per-thread buffer for the normalized stream, reused across documents.
    static JOINED: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    /// Per-thread buffer for where the normalized stream's words end.
    static WORD_ENDS: std::cell::RefCell<Vec<usize>> = const { std::cell::RefCell::new(Vec::new()) };
    /// Per-thread buffer for a document's unmasked shingle hashes.
    static HASHES: std::cell::RefCell<Vec<u64>> = const { std::cell::RefCell::new(Vec::new()) };
    /// Per-thread buffer for the hashes of a document's words.
    static WORD_HASHES: std::cell::RefCell<Vec<u64>> = const { std::cell::RefCell::new(Vec::new()) };
    /// Per-thread buffers for where masked shingles start and whether each
    /// word is boilerplate.
    static BOILER: std::cell::RefCell<(Vec<u32>, Vec<bool>)> = const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
}

/// Signs the unmasked shingle hashes it is given, counting the masked ones
/// (rare, so the count is off the per-shingle path).
struct Signer<'m> {
    sketch: Sketch,
    mask: &'m Mask,
    masked: usize,
}

impl<'m> Signer<'m> {
    fn new(minhasher: &MinHasher, mask: &'m Mask) -> Signer<'m> {
        Signer {
            sketch: minhasher.sketch(),
            mask,
            masked: 0,
        }
    }

    /// Sign `h` unless the mask holds it; whether it was signed.
    #[inline(always)]
    fn sign(&mut self, h: u64) -> bool {
        if self.mask.contains(h) {
            self.masked += 1;
            return false;
        }
        self.sketch.add(h);
        true
    }

    /// The fingerprint of the `given` shingle hashes signed or masked.
    fn finish(self, text_hash: u128, given: usize) -> Fingerprint {
        Fingerprint {
            signature: self.sketch.finish(),
            text_hash,
            shingles: given - self.masked,
        }
    }
}

impl HashSink for Signer<'_> {
    #[inline(always)]
    fn add(&mut self, h: u64) {
        self.sign(h);
    }
}

/// A `Signer` that also keeps the unmasked hashes it signs.
struct Keeper<'m, 'v> {
    signer: Signer<'m>,
    hashes: &'v mut Vec<u64>,
}

impl HashSink for Keeper<'_, '_> {
    #[inline(always)]
    fn add(&mut self, h: u64) {
        if self.signer.sign(h) {
            self.hashes.push(h);
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
    /// The shingle kind (`char`).
    pub shingle: &'static str,
    /// Shingle size in characters.
    pub k: usize,
    /// MinHash signature length.
    pub num_perm: usize,
    /// Hash seed.
    pub seed: u64,
    /// Version of the text normalization.
    pub normalization: u32,
}

/// A document's fingerprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    /// The MinHash signature.
    pub signature: Signature,
    /// Hash of the normalized text: equal means an exact copy.
    pub text_hash: u128,
    /// Number of shingle positions (before de-duplication).
    pub shingles: usize,
}

/// Turns texts into fingerprints and shingle sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Fingerprinter {
    /// Cuts texts into hashed shingles.
    pub shingler: Shingler,
    /// Signs shingle sets.
    pub minhasher: MinHasher,
}

impl Fingerprinter {
    /// A fingerprinter of `k`-shingles and `num_perm`-long signatures.
    pub fn new(k: usize, num_perm: usize, seed: u64) -> Fingerprinter {
        Fingerprinter {
            shingler: Shingler { k, seed },
            minhasher: MinHasher::new(num_perm, seed.wrapping_add(1)),
        }
    }

    /// The parameters reports and indexes store.
    pub fn params(&self) -> FingerprintParams {
        FingerprintParams {
            shingle: "char",
            k: self.shingler.k,
            num_perm: self.minhasher.num_perm,
            seed: self.shingler.seed,
            normalization: NORMALIZATION_VERSION,
        }
    }

    /// Fingerprint one text.
    pub fn fingerprint(&self, text: &str) -> Fingerprint {
        self.fingerprint_masked(text, &Mask::none())
    }

    /// Fingerprint one text leaving out the shingles `mask` holds; the exact
    /// text hash still covers the whole normalized text. One pass over the
    /// normalized text: each shingle is hashed, checked against the mask and
    /// signed, with no vector of hashes in between.
    pub fn fingerprint_masked(&self, text: &str, mask: &Mask) -> Fingerprint {
        let mut signer = Signer::new(&self.minhasher, mask);
        let (text_hash, given) = self.for_each_shingle(text, &mut signer);
        signer.finish(text_hash, given)
    }

    /// `fingerprint_masked` and the word signature of the same text
    /// (`WordSigner::signature`), both from one normalization pass.
    pub(crate) fn fingerprint_with_words(
        &self,
        text: &str,
        mask: &Mask,
        words: &WordSigner,
        common: &CommonWords,
    ) -> (Fingerprint, Option<Signature>) {
        let mut signer = Signer::new(&self.minhasher, mask);
        let mut sketch = words.sketch(common);
        let (text_hash, given) = JOINED.with_borrow_mut(|joined| {
            WORD_ENDS.with_borrow_mut(|ends| {
                normalize_joined_words_into(text, joined, ends);
                // Bytes, not `str` slices: word ends are character
                // boundaries, and checking each was a quarter of the loop.
                let bytes = joined.as_bytes();
                let mut at = 0;
                for &end in ends.iter() {
                    sketch.add(&bytes[at..end]);
                    at = end;
                }
            });
            let given = self.shingler.for_each_hash(joined, &mut signer);
            (xxh3_128(joined.as_bytes()), given)
        });
        (signer.finish(text_hash, given), sketch.finish())
    }

    /// `fingerprint_masked`, also leaving the unmasked shingle hashes (in
    /// text order, repeats included) in `hashes`: for what counts a
    /// document's distinct shingles from the same pass.
    pub(crate) fn fingerprint_keeping(
        &self,
        text: &str,
        mask: &Mask,
        hashes: &mut Vec<u64>,
    ) -> Fingerprint {
        hashes.clear();
        let mut keeper = Keeper {
            signer: Signer::new(&self.minhasher, mask),
            hashes,
        };
        let (text_hash, given) = self.for_each_shingle(text, &mut keeper);
        keeper.signer.finish(text_hash, given)
    }

    /// Normalize `text`, hand every shingle hash to `sink` in text order,
    /// and return the hash of the whole normalized text and how many hashes
    /// it gave: the one pass that fingerprints and shingle sets are both
    /// made by.
    fn for_each_shingle(&self, text: &str, sink: &mut impl HashSink) -> (u128, usize) {
        JOINED.with_borrow_mut(|joined| {
            normalize_joined_into(text, joined);
            let given = self.shingler.for_each_hash(joined, sink);
            (xxh3_128(joined.as_bytes()), given)
        })
    }

    /// How many distinct shingles of one text `mask` does not hold.
    pub fn distinct_shingles_masked(&self, text: &str, mask: &Mask) -> usize {
        self.with_unmasked(text, mask, |hashes, _| {
            crate::overlap::distinct_count(hashes)
        })
    }

    /// `then` of one text's unmasked shingle hashes (text order, repeats
    /// included, in a per-thread buffer) and its normalized text's hash.
    pub(crate) fn with_unmasked<R>(
        &self,
        text: &str,
        mask: &Mask,
        then: impl FnOnce(&[u64], u128) -> R,
    ) -> R {
        HASHES.with_borrow_mut(|hashes| {
            hashes.clear();
            let (text_hash, _) = self.for_each_shingle(text, &mut Unmasked { hashes, mask });
            then(hashes, text_hash)
        })
    }

    /// `with_unmasked`, also giving `then` the hashes of the normalized
    /// stream's words in order: the aligner's tokens (`align::token_hash`
    /// of `normalize::for_each_token_span`'s words, which are the same), and
    /// which of them are boilerplate (`boilerplate::boilerplate_words`;
    /// empty when none is).
    pub(crate) fn with_unmasked_words<R>(
        &self,
        text: &str,
        mask: &Mask,
        then: impl FnOnce(&[u64], u128, &[u64], &[bool]) -> R,
    ) -> R {
        HASHES.with_borrow_mut(|hashes| {
            WORD_HASHES.with_borrow_mut(|words| {
                BOILER.with_borrow_mut(|(masked_at, boiler)| {
                    hashes.clear();
                    words.clear();
                    masked_at.clear();
                    boiler.clear();
                    let text_hash = JOINED.with_borrow_mut(|joined| {
                        WORD_ENDS.with_borrow_mut(|ends| {
                            stream_words(text, joined, ends, words);
                            self.shingler.for_each_hash(
                                joined,
                                &mut Marking {
                                    hashes,
                                    masked_at,
                                    mask,
                                },
                            );
                            boilerplate_words(joined, ends, masked_at, self.shingler.k, boiler);
                        });
                        xxh3_128(joined.as_bytes())
                    });
                    then(hashes, text_hash, words, boiler)
                })
            })
        })
    }

    /// Which of `text`'s stream words are boilerplate under `mask` (those of
    /// `with_unmasked_words`), for an alignment made from the text.
    pub(crate) fn boilerplate_words(&self, text: &str, mask: &Mask) -> Vec<bool> {
        if mask.is_empty() {
            return Vec::new();
        }
        self.with_unmasked_words(text, mask, |_, _, _, b| b.to_vec())
    }

    /// `then` of the hashes of `text`'s stream words alone (those of
    /// `with_unmasked_words`), for a copy whose shingles are known.
    pub(crate) fn with_words<R>(&self, text: &str, then: impl FnOnce(&[u64]) -> R) -> R {
        WORD_HASHES.with_borrow_mut(|words| {
            words.clear();
            JOINED.with_borrow_mut(|joined| {
                WORD_ENDS.with_borrow_mut(|ends| stream_words(text, joined, ends, words))
            });
            then(words)
        })
    }
}

/// Normalize `text` into `joined` (its words ending at `ends`) and push the
/// hash of each of its words (`align::token_hash`) onto `words`.
fn stream_words(text: &str, joined: &mut String, ends: &mut Vec<usize>, words: &mut Vec<u64>) {
    normalize_joined_words_into(text, joined, ends);
    let bytes = joined.as_bytes();
    let mut at = 0;
    for &end in ends.iter() {
        words.push(token_hash(&bytes[at..end]));
        at = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_pass_gives_the_fingerprint_and_the_word_signature() {
        let f = Fingerprinter::default();
        let words = WordSigner::default();
        let texts = ["the a of", "the a of", "the a of"];
        let common = CommonWords::of_corpus(3, &|i| Some(texts[i].into()));
        for text in [
            "The Colour of the organised centres, 1990s",
            "北京，上海 ﬁnance and the a of",
            "the a of",
            "",
        ] {
            let (print, sig) = f.fingerprint_with_words(text, &Mask::none(), &words, &common);
            assert_eq!(print, f.fingerprint(text), "{text}");
            assert_eq!(sig, words.signature(text, &common), "{text}");
        }
        let (_, none) = f.fingerprint_with_words("the a of", &Mask::none(), &words, &common);
        assert!(none.is_none());
    }

    #[test]
    fn the_streams_words_are_the_aligners_tokens() {
        let f = Fingerprinter::default();
        for text in [
            "The Colour of the organised centres, 1990s rock'n'roll",
            "北京，上海 ﬁnance and the colour的organisation。",
            "Москва и Пекин naïve Ελληνικός Beijingwith",
            "",
        ] {
            let (hashes, words) =
                f.with_unmasked_words(text, &Mask::none(), |h, _, w, _| (h.to_vec(), w.to_vec()));
            assert_eq!(words, crate::align::Tokens::of(text).hashes, "{text}");
            assert_eq!(
                hashes,
                f.with_unmasked(text, &Mask::none(), |h, _| h.to_vec())
            );
        }
    }

    #[test]
    fn glued_words_and_spelling_do_not_change_the_fingerprint() {
        let f = Fingerprinter::default();
        let a = f.fingerprint("Moscow is cosying up to Beijing with new defence deals.");
        let b = f.fingerprint("MOSCOW is cozying up to Beijingwith new defense deals!");
        assert_eq!(a, b);
        let c = f.fingerprint("Moscow is cosying up to Paris with new defence deals.");
        assert_ne!(a.text_hash, c.text_hash);
    }

    /// The one-pass fingerprint is what the vector of masked hashes gives
    /// to `MinHasher::sign`, and `fingerprint_keeping` keeps that vector.
    #[test]
    fn one_pass_fingerprint_equals_signing_the_masked_hashes() {
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
        assert!(!mask.is_empty());
        let (mut joined, mut kept) = (String::new(), Vec::new());
        for m in [Mask::none(), mask] {
            for t in &texts {
                normalize_joined_into(t, &mut joined);
                let mut hashes = Vec::new();
                f.shingler.hashes_into(&joined, &mut hashes);
                hashes.retain(|&h| !m.contains(h));
                let want = Fingerprint {
                    signature: f.minhasher.sign(&hashes),
                    text_hash: xxh3_128(joined.as_bytes()),
                    shingles: hashes.len(),
                };
                assert_eq!(f.fingerprint_masked(t, &m), want);
                assert_eq!(f.fingerprint_keeping(t, &m, &mut kept), want);
                assert_eq!(kept, hashes);
                let distinct: std::collections::HashSet<u64> = hashes.into_iter().collect();
                assert_eq!(f.distinct_shingles_masked(t, &m), distinct.len());
            }
        }
    }

    #[test]
    fn shingle_sets_measure_overlap() {
        let f = Fingerprinter::default();
        let a = "The central bank raised interest rates by a quarter point on Tuesday.";
        let b = "The central bank raised interest rates by a quarter point on Tuesday, it said.";
        let text = |t: &'static str| std::borrow::Cow::Borrowed(t);
        let s = crate::verify::score_pairs(&f, &Mask::none(), &[(a, b)], &text, &|t| Some(text(t)))
            [0]
        .unwrap()
        .scores;
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
            let print = f.fingerprint(&text);
            for v in print.signature.0.iter() {
                bytes.extend_from_slice(&v.to_le_bytes());
            }
            bytes.extend_from_slice(&print.text_hash.to_le_bytes());
            bytes.extend_from_slice(&(print.shingles as u64).to_le_bytes());
        }
        let digest = xxhash_rust::xxh3::xxh3_64(&bytes);
        assert_eq!(
            (NORMALIZATION_VERSION, digest),
            (2, 7917055544421373682),
            "fingerprints changed: bump NORMALIZATION_VERSION"
        );
    }
}
