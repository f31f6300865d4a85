//! MinHash signatures by one-permutation hashing with optimal densification
//! (Shrivastava 2017): one pass over a document's shingle hashes fills
//! `num_perm` bins, so cost is O(shingles + num_perm), not their product.

use serde::Serialize;
use xxhash_rust::xxh3::xxh3_64_with_seed;

/// Default signature length, chosen by measurement (docs/design/matching.md).
pub const DEFAULT_NUM_PERM: usize = 256;

/// A document's MinHash signature: one 32-bit minimum per bin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Signature(pub Box<[u32]>);

impl Signature {
    /// Number of values.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the signature is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Estimated Jaccard similarity: the share of bins that agree.
    pub(crate) fn estimate_jaccard(&self, other: &Signature) -> f64 {
        agreeing_share(&self.0, &other.0)
    }
}

/// The share of the bins two signatures' values agree in (0 when either
/// is empty): the Jaccard estimate, on signatures or rows of a table.
pub(crate) fn agreeing_share(a: &[u32], b: &[u32]) -> f64 {
    let n = a.len().min(b.len());
    if n == 0 {
        return 0.0;
    }
    let same: usize = a.iter().zip(b).map(|(x, y)| (x == y) as usize).sum();
    same as f64 / n as f64
}

const EMPTY: u64 = u64::MAX;

/// Builds signatures of a fixed length from shingle hashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MinHasher {
    /// Signature length.
    pub num_perm: usize,
    /// Hash seed.
    pub seed: u64,
}

impl Default for MinHasher {
    fn default() -> Self {
        MinHasher {
            num_perm: DEFAULT_NUM_PERM,
            seed: 1,
        }
    }
}

impl MinHasher {
    /// A hasher of `num_perm`-long signatures with `seed`.
    pub fn new(num_perm: usize, seed: u64) -> Self {
        MinHasher { num_perm, seed }
    }

    /// The signature of a set given as shingle hashes (repeats do no harm).
    pub fn sign(&self, hashes: &[u64]) -> Signature {
        let mut sketch = self.sketch();
        for &h in hashes {
            sketch.add(h);
        }
        sketch.finish()
    }

    /// An empty signature to add shingle hashes to one at a time.
    pub(crate) fn sketch(&self) -> Sketch {
        Sketch {
            bins: vec![EMPTY; self.num_perm],
            k: self.num_perm as u64,
            seed: self.seed,
        }
    }
}

/// A signature being built: each bin's minimum so far.
#[derive(Debug, Clone)]
pub(crate) struct Sketch {
    bins: Vec<u64>,
    k: u64,
    seed: u64,
}

impl Sketch {
    /// Add one shingle hash (repeats do no harm).
    #[inline(always)]
    pub fn add(&mut self, h: u64) {
        // Re-mix so the bin and the value are independent of the shingle
        // hash seed, then split: high half picks the bin, low half ranks.
        let x = mix(h ^ self.seed);
        let bin = (((x >> 32) * self.k) >> 32) as usize;
        let v = x & 0xFFFF_FFFF;
        // Branch-free: whether a bin's minimum drops is a coin flip early
        // in a document, a branch on it mispredicts often.
        let slot = &mut self.bins[bin];
        *slot = (*slot).min(v);
    }

    /// `add`, or nothing when `skip`: without a branch, for a choice that
    /// is a coin flip per item (a word being common or not).
    #[inline(always)]
    pub fn add_unless(&mut self, h: u64, skip: bool) {
        let x = mix(h ^ self.seed);
        let bin = (((x >> 32) * self.k) >> 32) as usize;
        // All ones leaves the bin as it is.
        let v = (x & 0xFFFF_FFFF) | (skip as u64).wrapping_neg();
        let slot = &mut self.bins[bin];
        *slot = (*slot).min(v);
    }

    /// The signature of the hashes added.
    pub fn finish(mut self) -> Signature {
        densify(&mut self.bins, self.seed);
        Signature(self.bins.into_iter().map(|v| v as u32).collect())
    }
}

/// A fast 64-bit finalizer (from xxh3/murmur) spreading input bits.
#[inline]
fn mix(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^= x >> 33;
    x
}

/// Where bin `i` looks on its `attempt`-th try to borrow a value: a hash of
/// (bin, attempt), the same for every document.
fn borrow_target(i: usize, attempt: u64, k: usize, seed: u64) -> usize {
    let mut key = [0u8; 16];
    key[..8].copy_from_slice(&(i as u64).to_le_bytes());
    key[8..].copy_from_slice(&attempt.to_le_bytes());
    (xxh3_64_with_seed(&key, seed) % k as u64) as usize
}

/// Tries per bin whose targets are kept in `TARGETS`; a bin of a document
/// with a share e of empty bins needs more only with probability e^4.
const KEPT_ATTEMPTS: usize = 4;

/// Target tables kept per thread: one pass signs with two signers (the
/// character and the word signature), which must not evict each other.
const KEPT_TABLES: usize = 4;

thread_local! {
    /// Per (k, seed), the first `KEPT_ATTEMPTS` targets of each of the k
    /// bins: short documents densify often, and each target is otherwise an
    /// xxh3 call. Most recently used first.
    static TARGETS: std::cell::RefCell<Vec<(usize, u64, Vec<u32>)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Optimal densification: every empty bin borrows the value of a non-empty
/// bin chosen by a hash of (bin, attempt) that is the same for every
/// document, which keeps the collision probability equal to Jaccard.
/// Borrowed values are written with bit 32 set (dropped when the signature
/// takes the low 32 bits), so a bin filled here is never lent on.
fn densify(bins: &mut [u64], seed: u64) {
    let k = bins.len();
    if k == 0 || bins.iter().all(|&v| v == EMPTY) || !bins.contains(&EMPTY) {
        return;
    }
    const BORROWED: u64 = 1 << 32;
    let lent = |v: u64| v < BORROWED;
    TARGETS.with_borrow_mut(|tables| {
        match tables.iter().position(|t| (t.0, t.1) == (k, seed)) {
            Some(0) => {}
            Some(at) => tables[..=at].rotate_right(1),
            None => {
                let mut targets = Vec::with_capacity(k * KEPT_ATTEMPTS);
                for i in 0..k {
                    for attempt in 0..KEPT_ATTEMPTS as u64 {
                        targets.push(borrow_target(i, attempt, k, seed) as u32);
                    }
                }
                tables.truncate(KEPT_TABLES - 1);
                tables.insert(0, (k, seed, targets));
            }
        }
        let targets = &tables[0].2;
        for i in 0..k {
            if bins[i] != EMPTY {
                continue;
            }
            let kept = &targets[i * KEPT_ATTEMPTS..(i + 1) * KEPT_ATTEMPTS];
            let from = match kept.iter().map(|&j| bins[j as usize]).find(|&v| lent(v)) {
                Some(v) => v,
                None => (KEPT_ATTEMPTS as u64..)
                    .map(|attempt| bins[borrow_target(i, attempt, k, seed)])
                    .find(|&v| lent(v))
                    .unwrap_or(EMPTY),
            };
            bins[i] = from | BORROWED;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(range: std::ops::Range<u64>) -> Vec<u64> {
        range
            .map(|i| xxh3_64_with_seed(&i.to_le_bytes(), 99))
            .collect()
    }

    #[test]
    fn identical_sets_have_identical_signatures() {
        let m = MinHasher::default();
        let a = m.sign(&set(0..1000));
        let mut shuffled = set(0..1000);
        shuffled.reverse();
        shuffled.extend(set(0..10)); // repeats do not change the set
        assert_eq!(a, m.sign(&shuffled));
        assert_eq!(a.len(), 256);
    }

    #[test]
    fn estimate_tracks_exact_jaccard() {
        let m = MinHasher::new(256, 1);
        // |A| = |B| = 2000, overlap o: J = o / (4000 - o).
        for overlap in [0u64, 400, 1000, 1600, 2000] {
            let a = m.sign(&set(0..2000));
            let b = m.sign(&set(2000 - overlap..4000 - overlap));
            let exact = overlap as f64 / (4000 - overlap) as f64;
            let est = a.estimate_jaccard(&b);
            assert!(
                (est - exact).abs() < 0.08,
                "overlap {overlap}: est {est} exact {exact}"
            );
        }
    }

    #[test]
    fn short_documents_are_densified_and_still_estimate() {
        let m = MinHasher::new(256, 1);
        let a = m.sign(&set(0..40));
        assert!(a.0.iter().all(|&v| v != u32::MAX));
        let b = m.sign(&set(20..60));
        let est = a.estimate_jaccard(&b);
        // exact J = 20/60
        assert!((est - 1.0 / 3.0).abs() < 0.15, "est {est}");
    }

    /// Densification as first written: every empty bin tries targets one
    /// xxh3 after another, lending only from bins filled before it began.
    fn densify_by_hashing(bins: &mut [u64], seed: u64) {
        let k = bins.len();
        if k == 0 || bins.iter().all(|&v| v == EMPTY) {
            return;
        }
        let filled = bins.to_vec();
        for (i, slot) in bins.iter_mut().enumerate() {
            if *slot == EMPTY {
                *slot = (0..)
                    .map(|attempt| filled[borrow_target(i, attempt, k, seed)])
                    .find(|&v| v != EMPTY)
                    .unwrap();
            }
        }
    }

    #[test]
    fn densify_with_kept_targets_equals_hashing_each_target() {
        // From one filled bin (most bins need more tries than are kept) to
        // nearly all filled, for two sizes and seeds in turn (the kept
        // targets are kept per pair of them, the least recently used of
        // more than `KEPT_TABLES` rebuilt).
        for (k, seed) in [
            (256usize, 1u64),
            (64, 9),
            (256, 1),
            (256, 2),
            (32, 3),
            (16, 4),
            (8, 5),
            (64, 9),
            (256, 1),
        ] {
            for filled in [1usize, 3, 20, 100, 200, k - 1] {
                let mut bins = vec![EMPTY; k];
                for n in 0..filled {
                    let i = (mix(n as u64 ^ seed) % k as u64) as usize;
                    bins[i] = mix(n as u64) & 0xFFFF_FFFF;
                }
                let mut want = bins.clone();
                densify_by_hashing(&mut want, seed);
                densify(&mut bins, seed);
                let got: Vec<u32> = bins.iter().map(|&v| v as u32).collect();
                let want: Vec<u32> = want.iter().map(|&v| v as u32).collect();
                assert_eq!(got, want, "k {k} seed {seed} filled {filled}");
            }
        }
    }

    #[test]
    fn empty_input_gives_sentinel_signature() {
        let m = MinHasher::new(16, 1);
        assert!(m.sign(&[]).0.iter().all(|&v| v == u32::MAX));
    }
}
