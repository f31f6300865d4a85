//! The second, coarser candidate signature: MinHash of a document's content
//! words (the normalized stream's words, the corpus's common words left out),
//! banded for low Jaccard so a paraphrase, whose character shingles mostly
//! change, still becomes a candidate.

use crate::corpus::DocId;
use crate::lsh::{Banding, Pair};
use crate::minhash::{agreeing_share, MinHasher, Signature, Sketch};
use crate::normalize::for_each_word;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::borrow::Cow;
use xxhash_rust::xxh3::xxh3_64_with_seed;

/// Documents sampled (evenly spaced) to find a corpus's common words.
pub(crate) const COMMON_SAMPLE: usize = 2_000;
/// A word in at least this share of the sampled documents is common...
pub(crate) const COMMON_SHARE: f64 = 0.02;
/// ...and in at least this many of them.
pub(crate) const COMMON_MIN_DOCS: usize = 3;

/// Settings of the word signature and its banding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WordSigner {
    /// Signs word sets.
    pub minhasher: MinHasher,
    /// How word signatures are cut into bands.
    pub banding: Banding,
}

/// Estimated word Jaccard a pair sharing a word band needs to be verified:
/// most pairs that meet in such a loose banding share a few words by chance
/// (docs/design/accuracy.md).
pub(crate) const MIN_WORD_JACCARD: f64 = 0.15;

/// Word-only candidate pairs verified at most: the larger of this floor and
/// `WORD_PAIRS_PER_DOC` per document, the pairs of highest estimated word
/// Jaccard first. Word pairs grow with the square of the corpus while true
/// rewrites grow with it (benches/results/2026-12-06-word-candidates.md).
pub(crate) const WORD_PAIR_FLOOR: usize = 1 << 14;
/// See `WORD_PAIR_FLOOR`.
pub(crate) const WORD_PAIRS_PER_DOC: f64 = 0.1;

/// The word-only candidate pairs a corpus of `docs` documents verifies.
pub(crate) fn word_pair_budget(docs: usize) -> usize {
    WORD_PAIR_FLOOR.max((WORD_PAIRS_PER_DOC * docs as f64) as usize)
}

/// Signature length of the word signature.
pub(crate) const WORD_NUM_PERM: usize = 64;

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

/// Word signatures side by side, one row per document number: the word
/// candidates test millions of pairs, and a row is one read of memory where
/// a boxed signature is two.
#[derive(Debug, Clone, Default)]
pub(crate) struct WordTable {
    rows: Vec<u32>,
    present: Vec<bool>,
}

impl WordTable {
    /// The table of `sigs` by document number (`WORD_NUM_PERM` values each).
    pub fn of(sigs: &[Option<Signature>]) -> WordTable {
        let mut rows = vec![0u32; sigs.len() * WORD_NUM_PERM];
        for (row, sig) in rows.chunks_exact_mut(WORD_NUM_PERM).zip(sigs) {
            if let Some(sig) = sig {
                row.copy_from_slice(&sig.0[..WORD_NUM_PERM]);
            }
        }
        WordTable {
            rows,
            present: sigs.iter().map(Option::is_some).collect(),
        }
    }

    /// `Signature::estimate_jaccard` of documents `a` and `b` (0 when either
    /// has no signature).
    pub fn estimate(&self, a: DocId, b: DocId) -> f64 {
        let (a, b) = (a.0 as usize, b.0 as usize);
        if !self.present.get(a).copied().unwrap_or(false)
            || !self.present.get(b).copied().unwrap_or(false)
        {
            return 0.0;
        }
        let row = |d: usize| &self.rows[d * WORD_NUM_PERM..(d + 1) * WORD_NUM_PERM];
        agreeing_share(row(a), row(b))
    }

    /// Whether documents `a` and `b` estimate at least `MIN_WORD_JACCARD`.
    pub fn related(&self, a: DocId, b: DocId) -> bool {
        self.estimate(a, b) >= MIN_WORD_JACCARD
    }
}

/// The character candidates by first document, for the word bands to
/// strike: a near copy pair meets in most of the 32 word bands, and a
/// document's first `INLINE` partners are one read of 16 bytes where a set
/// of pairs is a probe into megabytes.
#[derive(Debug, Clone, Default)]
pub(crate) struct KnownPairs {
    inline: Vec<[u32; INLINE]>,
    /// Pairs of documents with more than `INLINE` later partners.
    more: FxHashSet<Pair>,
}

/// Partners held in line per document.
const INLINE: usize = 4;
/// An empty slot of `KnownPairs::inline` (no document has this number:
/// numbers are positions in a corpus of fewer documents).
const NO_DOC: u32 = u32::MAX;

impl KnownPairs {
    /// The pairs `pairs` (of a corpus of `docs` documents).
    pub fn of(pairs: &[Pair], docs: usize) -> KnownPairs {
        let docs = pairs
            .iter()
            .map(|p| p.a.0 as usize + 1)
            .fold(docs, usize::max);
        let mut inline = vec![[NO_DOC; INLINE]; docs];
        let mut more = FxHashSet::default();
        for p in pairs {
            match inline[p.a.0 as usize].iter_mut().find(|s| **s == NO_DOC) {
                Some(slot) => *slot = p.b.0,
                None => {
                    more.insert(*p);
                }
            }
        }
        KnownPairs { inline, more }
    }

    /// Whether `x` and `y` (either order) are one of the pairs.
    pub fn contains(&self, x: DocId, y: DocId) -> bool {
        let p = Pair::new(x, y);
        let Some(row) = self.inline.get(p.a.0 as usize) else {
            return false;
        };
        row.contains(&p.b.0) || (row[INLINE - 1] != NO_DOC && self.more.contains(&p))
    }
}

/// A corpus's common words (function words, the wire's own jargon), found
/// by document frequency in a sample, so no language's list is built in.
#[derive(Debug, Clone, Default)]
pub struct CommonWords {
    set: FxHashSet<u64>,
    /// The same words in buckets of `BUCKET`, looked up without a branch
    /// (about half of a text's words are common: a branch on it mispredicts).
    table: Vec<[u64; BUCKET]>,
    /// Whether the hash 0 (the table's empty slot) is a common word.
    zero: bool,
}

impl PartialEq for CommonWords {
    fn eq(&self, other: &Self) -> bool {
        self.set == other.set
    }
}

impl Eq for CommonWords {}

/// Words per bucket of `CommonWords::table`.
const BUCKET: usize = 4;

impl CommonWords {
    /// The words in at least `COMMON_SHARE` (and `COMMON_MIN_DOCS`) of an
    /// evenly spaced sample of `n` texts (`text(i)`, None for a missing one).
    pub fn of_corpus<'a>(n: usize, text: &(dyn Fn(usize) -> Option<Cow<'a, str>> + Sync)) -> Self {
        let want = COMMON_SAMPLE.min(n);
        if want < COMMON_MIN_DOCS {
            return CommonWords::default();
        }
        let step = n as f64 / want as f64;
        let counts = (0..want)
            .into_par_iter()
            .with_min_len(64)
            .fold(FxHashMap::<u64, u32>::default, |mut counts, i| {
                if let Some(t) = text((i as f64 * step) as usize) {
                    let mut seen = FxHashSet::default();
                    for_each_word(&t, |w| {
                        seen.insert(word_hash(w.as_bytes()));
                    });
                    for h in seen {
                        *counts.entry(h).or_default() += 1;
                    }
                }
                counts
            })
            .reduce(FxHashMap::default, |a, b| {
                let (mut big, small) = if a.len() >= b.len() { (a, b) } else { (b, a) };
                for (h, c) in small {
                    *big.entry(h).or_default() += c;
                }
                big
            });
        let min = ((COMMON_SHARE * want as f64).ceil() as usize).max(COMMON_MIN_DOCS) as u32;
        CommonWords::of_hashes(
            counts
                .into_iter()
                .filter(|&(_, c)| c >= min)
                .map(|(h, _)| h)
                .collect(),
        )
    }

    /// The common words whose `word_hash`es are `set`.
    pub(crate) fn of_hashes(set: FxHashSet<u64>) -> Self {
        let mut buckets = set.len().max(1).next_power_of_two();
        let table = loop {
            let mut table = vec![[0u64; BUCKET]; buckets];
            let fits = set.iter().filter(|&&h| h != 0).all(|&h| {
                let b = &mut table[Self::bucket(h, buckets)];
                match b.iter_mut().find(|v| **v == 0) {
                    Some(v) => {
                        *v = h;
                        true
                    }
                    None => false,
                }
            });
            if fits {
                break table;
            }
            buckets *= 2;
        };
        CommonWords {
            zero: set.contains(&0),
            set,
            table,
        }
    }

    #[inline(always)]
    fn bucket(h: u64, buckets: usize) -> usize {
        (h.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40) as usize & (buckets - 1)
    }

    /// Number of common words.
    pub fn len(&self) -> usize {
        self.set.len()
    }

    /// Whether there are no common words.
    pub fn is_empty(&self) -> bool {
        self.set.is_empty()
    }

    /// xxh3-128 of `to_bytes`: one value for manifests to compare
    /// (`spark::manifest`).
    pub(crate) fn digest(&self) -> u128 {
        xxhash_rust::xxh3::xxh3_128(&self.to_bytes())
    }

    #[inline(always)]
    fn contains(&self, h: u64) -> bool {
        if self.table.is_empty() {
            return false;
        }
        let b = &self.table[Self::bucket(h, self.table.len())];
        let hit = b.iter().fold(false, |f, &v| f | (v == h));
        (hit & (h != 0)) | (self.zero & (h == 0))
    }

    /// The words as bytes (their hashes sorted, little-endian), for an
    /// archive to keep (`from_bytes` reads them back).
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        let mut hashes: Vec<u64> = self.set.iter().copied().collect();
        hashes.sort_unstable();
        hashes.iter().flat_map(|h| h.to_le_bytes()).collect()
    }

    /// The words `to_bytes` wrote (None for bytes it cannot have written).
    pub(crate) fn from_bytes(bytes: &[u8]) -> Option<CommonWords> {
        bytes.len().is_multiple_of(8).then(|| {
            CommonWords::of_hashes(
                bytes
                    .chunks_exact(8)
                    .map(|c| u64::from_le_bytes(c.try_into().unwrap_or([0; 8])))
                    .collect(),
            )
        })
    }
}

#[inline]
fn word_hash(w: &[u8]) -> u64 {
    xxh3_64_with_seed(w, 0x57)
}

impl WordSigner {
    /// The signature of the words of `text` that are not `common` (None
    /// when it has none). Words are those of the normalized stream
    /// (`normalize::for_each_word`); the fingerprinting pass signs the same
    /// words from its own stream (`Fingerprinter::fingerprint_with_words`).
    pub fn signature(&self, text: &str, common: &CommonWords) -> Option<Signature> {
        let mut sketch = self.sketch(common);
        for_each_word(text, |w| sketch.add(w.as_bytes()));
        sketch.finish()
    }

    /// A word signature to build a word at a time.
    pub(crate) fn sketch<'c>(&self, common: &'c CommonWords) -> WordSketch<'c> {
        WordSketch {
            sketch: self.minhasher.sketch(),
            common,
            any: false,
        }
    }
}

/// A word signature being built, common words left out.
#[derive(Debug)]
pub(crate) struct WordSketch<'c> {
    sketch: Sketch,
    common: &'c CommonWords,
    any: bool,
}

impl WordSketch<'_> {
    #[inline]
    /// Add one word (left out when common).
    pub fn add(&mut self, word: &[u8]) {
        let h = word_hash(word);
        let common = self.common.contains(h);
        self.sketch.add_unless(h, common);
        self.any |= !common;
    }

    /// The signature (None when every word was common, or none was added).
    pub fn finish(self) -> Option<Signature> {
        self.any.then(|| self.sketch.finish())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn common_of(texts: &[&str]) -> CommonWords {
        CommonWords::of_corpus(texts.len(), &|i| Some(Cow::Borrowed(texts[i])))
    }

    /// `KnownPairs` answers as a set of the pairs would, for documents
    /// with few partners and with more than it holds in line.
    #[test]
    fn known_pairs_are_a_set_of_pairs() {
        let mut rng = synth::Rng::new(5);
        let mut pairs: Vec<Pair> = (0..400)
            .map(|_| {
                let a = rng.below(60) as u32;
                // Document 3 has many partners.
                let b = if rng.below(4) == 0 {
                    3
                } else {
                    rng.below(60) as u32
                };
                Pair::new(DocId(a), DocId(b))
            })
            .filter(|p| p.a != p.b)
            .collect();
        pairs.sort_unstable();
        pairs.dedup();
        let known = KnownPairs::of(&pairs, 60);
        let set: FxHashSet<Pair> = pairs.iter().copied().collect();
        assert!(!known.more.is_empty());
        for x in 0..62u32 {
            for y in 0..62u32 {
                let want = set.contains(&Pair::new(DocId(x), DocId(y)));
                assert_eq!(known.contains(DocId(x), DocId(y)), want, "{x} {y}");
            }
        }
    }

    #[test]
    fn common_words_are_those_in_many_documents() {
        let texts: Vec<String> = (0..100)
            .map(|i| format!("the story number w{i} and its own x{i} said"))
            .collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let common = common_of(&refs);
        let h = |w: &str| word_hash(w.as_bytes());
        for w in ["the", "story", "number", "and", "its", "own", "said"] {
            assert!(common.contains(h(w)), "{w}");
        }
        assert!(!common.contains(h("w7")) && !common.contains(h("x7")));
        assert_eq!(common.len(), 7);
        // Two documents are too few to call any word common.
        assert!(common_of(&refs[..2]).is_empty());
    }

    #[test]
    fn the_bucket_table_holds_exactly_the_set() {
        // Hashes crowded into few buckets force the table to grow; 0 is
        // the table's empty slot and must still be told apart.
        let mut set: FxHashSet<u64> = (1..40u64).map(|i| i << 56).collect();
        set.extend((0..500u64).map(|i| xxh3_64_with_seed(&i.to_le_bytes(), 9)));
        set.insert(0);
        let common = CommonWords::of_hashes(set.clone());
        for &h in &set {
            assert!(common.contains(h), "{h}");
        }
        for i in 0..20_000u64 {
            let h = xxh3_64_with_seed(&i.to_le_bytes(), 10) | 1;
            assert_eq!(common.contains(h), set.contains(&h));
        }
        let without_zero = CommonWords::of_hashes((1..5u64).collect());
        assert!(!without_zero.contains(0) && without_zero.contains(3));
        assert!(!CommonWords::default().contains(7));
    }

    #[test]
    fn signature_ignores_common_words_and_order() {
        let s = WordSigner::default();
        let common = common_of(&["the a by its was", "the a by its was", "the a by its was"]);
        let a = s
            .signature("The bank raised its rate sharply", &common)
            .unwrap();
        let b = s
            .signature("sharply its rate was raised by a bank", &common)
            .unwrap();
        assert_eq!(a, b);
        assert!(s.signature("the a by", &common).is_none());
        let c = s
            .signature("Wheat exports from Canada fell", &common)
            .unwrap();
        assert!(a.estimate_jaccard(&c) < 0.2);
    }

    #[test]
    fn the_table_estimates_as_the_signatures_do() {
        let s = WordSigner::default();
        let common = common_of(&["the a", "the a", "the a"]);
        let texts = [
            "The bank raised its rate sharply on Monday",
            "The bank cut its rate sharply on Tuesday",
            "the a",
            "Wheat exports from Canada fell as the bank raised its rate",
        ];
        let sigs: Vec<Option<Signature>> = texts.iter().map(|t| s.signature(t, &common)).collect();
        assert!(sigs[2].is_none());
        let table = WordTable::of(&sigs);
        for a in 0..texts.len() {
            for b in 0..texts.len() {
                let want = match (&sigs[a], &sigs[b]) {
                    (Some(x), Some(y)) => x.estimate_jaccard(y),
                    _ => 0.0,
                };
                let (da, db) = (DocId(a as u32), DocId(b as u32));
                assert_eq!(table.estimate(da, db), want, "{a} {b}");
                assert_eq!(table.related(da, db), want >= MIN_WORD_JACCARD);
            }
        }
        assert!(table.related(DocId(0), DocId(1)) && !table.related(DocId(0), DocId(2)));
    }

    #[test]
    fn common_words_survive_bytes() {
        let common = common_of(&["the a by", "the a by", "the a by"]);
        let back = CommonWords::from_bytes(&common.to_bytes()).unwrap();
        assert_eq!(back, common);
        assert_eq!(back.len(), 3);
        assert!(CommonWords::from_bytes(&[1, 2, 3]).is_none());
    }

    #[test]
    fn default_banding_lets_low_jaccard_in() {
        let b = WordSigner::default().banding;
        assert!(b.probability(0.4) > 0.99);
        assert!(b.probability(0.05) < 0.1);
    }
}
