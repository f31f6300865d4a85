//! Locality-sensitive hashing over MinHash signatures: banding parameters
//! derived from a Jaccard threshold, and candidate pairs found by sorting
//! band keys (no hash maps of vectors), with over-full buckets skipped.
//! Each band's pairs are made as it is keyed, so memory is the distinct
//! pairs, not every band's members (`candidates_within`).

use crate::corpus::DocId;
use crate::minhash::Signature;
use crate::radix::sort_by_hash_into;
use rayon::prelude::*;
use serde::Serialize;
use xxhash_rust::xxh3::xxh3_64_with_seed;

/// Default LSH threshold on estimated Jaccard, chosen by measurement.
pub const DEFAULT_THRESHOLD: f64 = 0.2;
/// Default cap on documents sharing one band key (docs/design/matching.md).
pub const DEFAULT_MAX_BUCKET: usize = 200;

/// How a signature is cut into bands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Banding {
    /// Number of bands.
    pub bands: usize,
    /// Rows (signature values) per band.
    pub rows: usize,
}

impl Banding {
    /// The (bands, rows) with bands*rows <= num_perm minimizing the weighted
    /// sum of false-positive and false-negative probability mass around
    /// `threshold`, as datasketch's `_optimal_param` does (weights 0.5/0.5).
    pub fn optimal(threshold: f64, num_perm: usize) -> Banding {
        let mut best = Banding {
            bands: 1,
            rows: num_perm.max(1),
        };
        let mut best_err = f64::INFINITY;
        for bands in 1..=num_perm {
            let max_rows = num_perm / bands;
            for rows in 1..=max_rows {
                let fp = integrate(|s| collision_probability(s, bands, rows), 0.0, threshold);
                let fneg = integrate(
                    |s| 1.0 - collision_probability(s, bands, rows),
                    threshold,
                    1.0,
                );
                let err = 0.5 * fp + 0.5 * fneg;
                if err < best_err {
                    best_err = err;
                    best = Banding { bands, rows };
                }
            }
        }
        best
    }

    /// Probability that two documents of Jaccard `s` share at least one band.
    pub fn probability(&self, s: f64) -> f64 {
        collision_probability(s, self.bands, self.rows)
    }

    /// The key of band `band` of `sig`: xxh3 of the rows' little-endian
    /// bytes, 64 rows at a time (the chunks' hashes xored).
    #[inline]
    pub fn band_key(&self, sig: &Signature, band: usize) -> u64 {
        let rows = &sig.0[band * self.rows..(band + 1) * self.rows];
        let mut key = 0u64;
        for (n, chunk) in rows.chunks(64).enumerate() {
            let seed = band as u64 ^ ((n as u64) << 32);
            key ^= if cfg!(target_endian = "little") {
                // SAFETY: any u32 is four initialized bytes, and on a
                // little-endian target they are its little-endian bytes.
                let bytes = unsafe {
                    std::slice::from_raw_parts(chunk.as_ptr().cast::<u8>(), chunk.len() * 4)
                };
                xxh3_64_with_seed(bytes, seed)
            } else {
                let mut buf = [0u8; 4 * 64];
                for (i, v) in chunk.iter().enumerate() {
                    buf[i * 4..i * 4 + 4].copy_from_slice(&v.to_le_bytes());
                }
                xxh3_64_with_seed(&buf[..chunk.len() * 4], seed)
            };
        }
        key
    }
}

fn collision_probability(s: f64, bands: usize, rows: usize) -> f64 {
    1.0 - (1.0 - s.powi(rows as i32)).powi(bands as i32)
}

fn integrate(f: impl Fn(f64) -> f64, a: f64, b: f64) -> f64 {
    let n = 100;
    let h = (b - a) / n as f64;
    let mut sum = 0.5 * (f(a) + f(b));
    for i in 1..n {
        sum += f(a + i as f64 * h);
    }
    sum * h
}

/// Two documents, `a` before `b` in input order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pair {
    /// The earlier document.
    pub a: DocId,
    /// The later document.
    pub b: DocId,
}

impl Pair {
    /// The pair of `x` and `y`, in input order.
    pub fn new(x: DocId, y: DocId) -> Pair {
        if x <= y {
            Pair { a: x, b: y }
        } else {
            Pair { a: y, b: x }
        }
    }
}

/// Pairs of buckets over `SMALL_BUCKET` documents made at once (counted in
/// every band they are made in), at the least: 2^22 pairs of 8 bytes, 32 MB,
/// so a pathological bucket costs tens of MB, not the square of its size.
/// Measured: benches/results/2026-12-06-candidate-memory.md.
pub(crate) const PAIR_BUDGET: usize = 1 << 22;

/// Buckets of at most this many documents (a story and its few copies)
/// always keep all their pairs: they are linear in the corpus, and bands
/// are merged as they are made, so the pairs held are the distinct ones.
/// Counting them against the budget cut every pair of a 1M-document scan
/// (benches/results/2026-12-07-pair-budget.md).
pub(crate) const SMALL_BUCKET: usize = 16;

/// ... and per document of the corpus, so that a large feed of many small
/// clusters of copies keeps every pair (verification holds about 100 bytes
/// a pair: 400 bytes a document).
pub(crate) const PAIRS_PER_DOC: usize = 4;

/// The pair budget in force for `docs` documents: the larger of
/// `PAIR_BUDGET` and `PAIRS_PER_DOC` per document, or a positive number of
/// pairs in the environment variable `REPRINT_PAIR_BUDGET` (for tests, and
/// for a machine with more or less memory to spend).
pub fn pair_budget(docs: usize) -> usize {
    std::env::var("REPRINT_PAIR_BUDGET")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(PAIR_BUDGET.max(PAIRS_PER_DOC.saturating_mul(docs)))
}

/// Candidate pairs and what was passed over to find them.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Candidates {
    /// Distinct pairs, sorted.
    pub pairs: Vec<Pair>,
    /// Buckets with more than `max_bucket` documents, skipped.
    pub skipped_buckets: usize,
    /// Documents in the largest skipped bucket.
    pub largest_skipped: usize,
    /// What the pair budget cut (nothing when every bucket fit).
    pub budget: BudgetCut,
}

/// What `PAIR_BUDGET` cut from buckets within `max_bucket`: the largest
/// buckets first pair each document with the next one only (a chain, which
/// keeps them connected for clustering), then, if even chains do not fit,
/// are skipped.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BudgetCut {
    /// The budget, in pairs held at once.
    pub budget: usize,
    /// Buckets reduced to a chain of pairs.
    pub chained_buckets: usize,
    /// Buckets skipped whole.
    pub skipped_buckets: usize,
    /// Pairs those buckets would have made and did not.
    pub pairs_cut: u64,
    /// Every bucket of at most this many documents kept all its pairs.
    pub full_up_to: usize,
}

impl BudgetCut {
    /// Adds what another candidate pass cut (the word signature's).
    pub fn add(&mut self, other: &BudgetCut) {
        let was_empty = self.is_empty();
        self.budget = self.budget.max(other.budget);
        self.chained_buckets += other.chained_buckets;
        self.skipped_buckets += other.skipped_buckets;
        self.pairs_cut += other.pairs_cut;
        if !other.is_empty() {
            self.full_up_to = if was_empty {
                other.full_up_to
            } else {
                self.full_up_to.min(other.full_up_to)
            };
        }
    }

    /// Nothing was cut.
    pub fn is_empty(&self) -> bool {
        self.chained_buckets == 0 && self.skipped_buckets == 0
    }
}

/// All pairs of `docs` that share a band key in at least one band. Buckets
/// holding more than `max_bucket` documents are skipped (and counted): such
/// keys come from boilerplate or templated text, and a pair that truly
/// matches almost always meets again in another band. Pairs held at once
/// stay within `pair_budget(docs.len())` (see `candidates_within`).
pub fn candidates(docs: &[(DocId, &Signature)], banding: Banding, max_bucket: usize) -> Candidates {
    candidates_within(docs, banding, max_bucket, pair_budget(docs.len()))
}

/// Pairs a bucket of `n` documents makes whole.
fn all_pairs(n: usize) -> u64 {
    let n = n as u64;
    n * n.saturating_sub(1) / 2
}

/// The bucket sizes up to which buckets keep all their pairs (`full`) and
/// up to which the rest keep a chain (`chain`), the largest that fit
/// `budget` pairs. Decided by size alone, so the cut does not depend on
/// band order or threads. `sizes` is sorted.
fn budget_caps(sizes: &[usize], budget: u64) -> (usize, usize) {
    let whole: u64 = sizes.iter().map(|&n| all_pairs(n)).sum();
    if whole <= budget {
        return (usize::MAX, usize::MAX);
    }
    // Cost with buckets up to sizes[i] whole, the rest chained.
    let chains: u64 = sizes.iter().map(|&n| n as u64 - 1).sum();
    let (mut full, mut spent, mut chained) = (1, 0u64, chains);
    let mut i = 0;
    while i < sizes.len() {
        let n = sizes[i];
        let same = sizes[i..].iter().take_while(|&&m| m == n).count();
        let add = all_pairs(n) * same as u64;
        let saved = (n as u64 - 1) * same as u64;
        if spent + add + (chained - saved) > budget {
            break;
        }
        spent += add;
        chained -= saved;
        full = n;
        i += same;
    }
    if spent + chained <= budget {
        return (full, usize::MAX);
    }
    // Even chains do not fit: chain the smallest of the rest, skip the others.
    let mut chain = full;
    while i < sizes.len() {
        let n = sizes[i];
        let same = sizes[i..].iter().take_while(|&&m| m == n).count();
        let add = (n as u64 - 1) * same as u64;
        if spent + add > budget {
            break;
        }
        spent += add;
        chain = n;
        i += same;
    }
    // A chain of two is the bucket's one pair.
    (if chain >= 2 { full.max(2) } else { full }, chain)
}

/// Bands keyed together in one pass over the signatures: one band's rows of
/// a signature are a cache miss each, so a block of bands reads each
/// signature once (memory: 16 bytes a document for each band of a block).
const BAND_BLOCK: usize = 4;

/// The blocks of `BAND_BLOCK` bands, in band order.
fn band_blocks(banding: Banding) -> Vec<std::ops::Range<usize>> {
    (0..banding.bands)
        .step_by(BAND_BLOCK)
        .map(|s| s..(s + BAND_BLOCK).min(banding.bands))
        .collect()
}

/// `f` of each band of `bands` in turn: its (key, document) pairs sorted so
/// that equal keys are runs (the order inside a run is unspecified). The
/// block's keys are made in one pass over the signatures.
fn each_sorted_band(
    docs: &[(DocId, &Signature)],
    banding: Banding,
    bands: std::ops::Range<usize>,
    mut f: impl FnMut(&[(u64, DocId)]),
) {
    let mut keys: Vec<Vec<(u64, DocId)>> = bands
        .clone()
        .map(|_| Vec::with_capacity(docs.len()))
        .collect();
    for (id, sig) in docs {
        for (k, band) in bands.clone().enumerate() {
            keys[k].push((banding.band_key(sig, band), *id));
        }
    }
    let mut sorted = Vec::new();
    for unsorted in keys {
        sort_by_hash_into(&unsorted, &mut sorted, |k| k.0);
        drop(unsorted);
        f(&sorted);
    }
}

/// The pairs of `docs` sharing a band key (buckets over `max_bucket`
/// skipped) that `keep` accepts, tested as they are made: for a banding so
/// loose that most of its pairs are dropped (the word signature), so the
/// pairs held are only those kept. No pair budget applies.
pub(crate) fn filtered_candidates(
    docs: &[(DocId, &Signature)],
    banding: Banding,
    max_bucket: usize,
    keep: &(dyn Fn(DocId, DocId) -> bool + Sync),
) -> Candidates {
    let found = band_blocks(banding)
        .into_par_iter()
        .fold(BandScan::default, |mut acc, bands| {
            each_sorted_band(docs, banding, bands, |keys| {
                let mut pairs = Vec::new();
                for run in keys.chunk_by(|x, y| x.0 == y.0) {
                    if run.len() > max_bucket {
                        acc.skip(run.len());
                        continue;
                    }
                    each_pair(run, |x, y| {
                        if keep(x, y) {
                            pairs.push(Pair::new(x, y));
                        }
                    });
                }
                acc.add_pairs(pairs);
            });
            acc
        })
        .reduce(BandScan::default, |x, y| x.merge(y, 0));
    Candidates {
        pairs: found.pairs,
        skipped_buckets: found.skipped,
        largest_skipped: found.largest,
        ..Candidates::default()
    }
}

/// Members of buckets over `SMALL_BUCKET` held from the first pass over the
/// bands to the second, at most (else the second pass keys the bands
/// again): per document of the corpus, 16 bytes each, and at least 2^20.
const LARGE_HELD_PER_DOC: usize = 1;
const LARGE_HELD_MIN: usize = 1 << 20;

/// What one thread's share of the bands found: the distinct pairs made so
/// far (sorted), the sizes of buckets of `SMALL_BUCKET + 1..=max_bucket`
/// documents and, while they fit, their members (one list per band), and
/// the buckets skipped over `max_bucket`.
#[derive(Default)]
struct BandScan {
    pairs: Vec<Pair>,
    sizes: Vec<usize>,
    large: Vec<Vec<(u64, DocId)>>,
    held: usize,
    dropped: bool,
    cut: BudgetCut,
    skipped: usize,
    largest: usize,
}

impl BandScan {
    /// Counts a bucket of `n` documents skipped over `max_bucket`.
    fn skip(&mut self, n: usize) {
        self.skipped += 1;
        self.largest = self.largest.max(n);
    }

    /// Merges one band's pairs (any order, repeats allowed) into `pairs`.
    fn add_pairs(&mut self, mut pairs: Vec<Pair>) {
        pairs.sort_unstable();
        pairs.dedup();
        self.pairs = merge_pairs(std::mem::take(&mut self.pairs), pairs);
    }

    /// Holds `members` unless that passes `cap` members in all (then none
    /// are held: the second pass keys the bands again).
    fn hold(&mut self, members: Vec<(u64, DocId)>, cap: usize) {
        if self.dropped {
            return;
        }
        if self.held + members.len() > cap {
            self.drop_held();
            return;
        }
        self.held += members.len();
        self.large.push(members);
    }

    /// Holds no members from now on: the second pass keys the bands again.
    fn drop_held(&mut self) {
        self.dropped = true;
        self.large = Vec::new();
        self.held = 0;
    }

    fn merge(mut self, other: BandScan, cap: usize) -> BandScan {
        self.pairs = merge_pairs(self.pairs, other.pairs);
        self.sizes.extend(other.sizes);
        if other.dropped {
            self.drop_held();
        }
        for members in other.large {
            self.hold(members, cap);
        }
        self.cut.add(&other.cut);
        self.skipped += other.skipped;
        self.largest = self.largest.max(other.largest);
        self
    }
}

/// `f` of every two of a bucket's members, in member order.
fn each_pair(run: &[(u64, DocId)], mut f: impl FnMut(DocId, DocId)) {
    for (i, x) in run.iter().enumerate() {
        for y in &run[i + 1..] {
            f(x.1, y.1);
        }
    }
}

/// The pairs the budget caps `full` and `chain` leave a bucket (`run`) of
/// more than `SMALL_BUCKET` documents, and what they cut.
fn large_bucket_pairs(
    run: &[(u64, DocId)],
    (full, chain): (usize, usize),
    pairs: &mut Vec<Pair>,
    cut: &mut BudgetCut,
) {
    let n = run.len();
    if n <= full {
        each_pair(run, |x, y| pairs.push(Pair::new(x, y)));
    } else if n <= chain {
        let mut ids: Vec<DocId> = run.iter().map(|m| m.1).collect();
        ids.sort_unstable();
        pairs.extend(ids.windows(2).map(|w| Pair::new(w[0], w[1])));
        cut.chained_buckets += 1;
        cut.pairs_cut += all_pairs(n) - (n as u64 - 1);
    } else {
        cut.skipped_buckets += 1;
        cut.pairs_cut += all_pairs(n);
    }
}

/// `candidates` with a budget of `budget` pairs for buckets of more than
/// `SMALL_BUCKET` documents: if their pairs would pass the budget, the
/// largest are chained or skipped (`BudgetCut`), decided from the sizes of
/// all of them. A first pass over the bands, a block of `BAND_BLOCK` at a
/// time, makes the pairs of the buckets of up to `SMALL_BUCKET` documents
/// (never cut) and keeps only the sizes of the larger ones, and their
/// members while few; then the larger buckets' pairs are made under the
/// caps, from the members kept or by keying the bands again. Pairs are
/// merged as each band makes them, so pairs found in many bands are held
/// once, and the members of all bands are never held at once (they were
/// 16 bytes a document a band: 1.2 KB a document at defaults, measured in
/// benches/results/2026-12-07-short-scale.md).
pub(crate) fn candidates_within(
    docs: &[(DocId, &Signature)],
    banding: Banding,
    max_bucket: usize,
    budget: usize,
) -> Candidates {
    let cap = LARGE_HELD_MIN.max(LARGE_HELD_PER_DOC.saturating_mul(docs.len()));
    candidates_holding(docs, banding, max_bucket, budget, cap)
}

/// `candidates_within`, holding at most `cap` members of large buckets
/// between the passes.
fn candidates_holding(
    docs: &[(DocId, &Signature)],
    banding: Banding,
    max_bucket: usize,
    budget: usize,
    cap: usize,
) -> Candidates {
    let first = band_blocks(banding)
        .into_par_iter()
        .fold(BandScan::default, |mut acc, bands| {
            each_sorted_band(docs, banding, bands, |keys| {
                let mut pairs = Vec::new();
                let mut large = Vec::new();
                for run in keys.chunk_by(|x, y| x.0 == y.0) {
                    let n = run.len();
                    if n < 2 {
                        continue;
                    }
                    if n > max_bucket {
                        acc.skip(n);
                    } else if n <= SMALL_BUCKET {
                        each_pair(run, |x, y| pairs.push(Pair::new(x, y)));
                    } else {
                        acc.sizes.push(n);
                        if !acc.dropped {
                            large.extend_from_slice(run);
                        }
                    }
                }
                acc.add_pairs(pairs);
                if !large.is_empty() {
                    large.shrink_to_fit();
                    acc.hold(large, cap);
                }
            });
            acc
        })
        .reduce(BandScan::default, |x, y| x.merge(y, cap));
    let mut sizes = first.sizes;
    sizes.sort_unstable();
    let (full, chain) = budget_caps(&sizes, budget as u64);
    let caps = (full.max(SMALL_BUCKET), chain.max(SMALL_BUCKET));
    let mut out = Candidates::default();
    out.budget.budget = budget;
    if caps.0 != usize::MAX {
        out.budget.full_up_to = caps.0;
    }
    out.skipped_buckets = first.skipped;
    out.largest_skipped = first.largest;
    let small = BandScan {
        pairs: first.pairs,
        ..BandScan::default()
    };
    let large_pairs = |mut acc: BandScan, keys: &[(u64, DocId)]| {
        let mut pairs = Vec::new();
        for run in keys.chunk_by(|x, y| x.0 == y.0) {
            if run.len() > SMALL_BUCKET && run.len() <= max_bucket {
                large_bucket_pairs(run, caps, &mut pairs, &mut acc.cut);
            }
        }
        acc.add_pairs(pairs);
        acc
    };
    let second = if sizes.is_empty() {
        BandScan::default()
    } else if !first.dropped {
        first
            .large
            .into_par_iter()
            .fold(BandScan::default, |acc, members| large_pairs(acc, &members))
            .reduce(BandScan::default, |x, y| x.merge(y, 0))
    } else {
        band_blocks(banding)
            .into_par_iter()
            .fold(BandScan::default, |mut acc, bands| {
                each_sorted_band(docs, banding, bands, |keys| {
                    acc = large_pairs(std::mem::take(&mut acc), keys);
                });
                acc
            })
            .reduce(BandScan::default, |x, y| x.merge(y, 0))
    };
    drop(sizes);
    let all = small.merge(second, 0);
    out.pairs = all.pairs;
    out.budget.chained_buckets = all.cut.chained_buckets;
    out.budget.skipped_buckets = all.cut.skipped_buckets;
    out.budget.pairs_cut = all.cut.pairs_cut;
    out
}

/// The distinct pairs of two sorted, distinct lists, sorted.
fn merge_pairs(x: Vec<Pair>, y: Vec<Pair>) -> Vec<Pair> {
    if x.is_empty() {
        return y;
    }
    if y.is_empty() {
        return x;
    }
    let mut out = Vec::with_capacity(x.len() + y.len());
    let (mut i, mut j) = (0, 0);
    while i < x.len() && j < y.len() {
        match x[i].cmp(&y[j]) {
            std::cmp::Ordering::Less => {
                out.push(x[i]);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push(y[j]);
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                out.push(x[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(&x[i..]);
    out.extend_from_slice(&y[j..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pair_budget_grows_with_the_corpus() {
        if std::env::var_os("REPRINT_PAIR_BUDGET").is_some() {
            return; // the variable overrides the rule under test
        }
        assert_eq!(pair_budget(0), PAIR_BUDGET);
        assert_eq!(pair_budget(1_000), PAIR_BUDGET);
        assert_eq!(pair_budget(10_000_000), 10_000_000 * PAIRS_PER_DOC);
    }

    #[test]
    fn optimal_banding_fits_and_moves_with_threshold() {
        let low = Banding::optimal(0.2, 256);
        let high = Banding::optimal(0.8, 256);
        assert!(low.bands * low.rows <= 256 && high.bands * high.rows <= 256);
        assert!(low.rows < high.rows, "{low:?} vs {high:?}");
        // The S-curve is steep around the threshold it was built for.
        assert!(low.probability(0.35) > 0.9);
        assert!(low.probability(0.05) < 0.1);
        assert!(high.probability(0.95) > 0.95);
        assert!(high.probability(0.5) < 0.1);
    }

    #[test]
    fn matches_datasketch_choice_for_its_defaults() {
        // Values printed by datasketch 1.x `_optimal_param(t, n, 0.5, 0.5)`.
        assert_eq!(Banding::optimal(0.5, 128), Banding { bands: 25, rows: 5 });
        assert_eq!(Banding::optimal(0.2, 256), Banding { bands: 85, rows: 3 });
        assert_eq!(
            Banding::optimal(0.8, 256),
            Banding {
                bands: 17,
                rows: 15
            }
        );
        assert_eq!(Banding::optimal(0.15, 256), Banding { bands: 51, rows: 2 });
    }

    #[test]
    fn band_keys_hash_the_rows_little_endian_bytes() {
        // Keys are stored in archives and Parquet files: they must not
        // change. Reference: copy the rows' bytes, hash 64 rows at a time.
        let reference = |rows: &[u32], band: usize| -> u64 {
            let mut key = 0;
            for (n, chunk) in rows.chunks(64).enumerate() {
                let bytes: Vec<u8> = chunk.iter().flat_map(|v| v.to_le_bytes()).collect();
                key ^= xxh3_64_with_seed(&bytes, band as u64 ^ ((n as u64) << 32));
            }
            key
        };
        let sig = Signature((0..520u32).map(|i| i.wrapping_mul(0x9E37_79B9)).collect());
        for rows in [1usize, 3, 64, 65, 130] {
            let b = Banding {
                bands: 520 / rows,
                rows,
            };
            for band in 0..b.bands {
                let want = reference(&sig.0[band * rows..(band + 1) * rows], band);
                assert_eq!(b.band_key(&sig, band), want, "rows {rows} band {band}");
            }
        }
        assert_eq!(
            Banding { bands: 1, rows: 3 }.band_key(&Signature(vec![1, 2, 3].into()), 0),
            xxh3_64_with_seed(&[1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0], 0)
        );
    }

    #[test]
    fn equal_signatures_collide_and_buckets_are_capped() {
        let s1 = Signature(vec![1, 2, 3, 4].into());
        let s2 = Signature(vec![9, 8, 7, 6].into());
        let b = Banding { bands: 2, rows: 2 };
        let docs = vec![(DocId(0), &s1), (DocId(1), &s2), (DocId(2), &s1)];
        let c = candidates(&docs, b, 10);
        assert_eq!(c.pairs, vec![Pair::new(DocId(0), DocId(2))]);
        let c = candidates(&docs, b, 1);
        assert!(c.pairs.is_empty());
        assert_eq!(c.skipped_buckets, 2);
        assert_eq!(c.largest_skipped, 2);
    }

    #[test]
    fn filtered_candidates_keep_only_accepted_pairs_of_capped_buckets() {
        let s1 = Signature(vec![1, 2, 3, 4].into());
        let s2 = Signature(vec![9, 8, 7, 6].into());
        let b = Banding { bands: 2, rows: 2 };
        let docs = vec![
            (DocId(0), &s1),
            (DocId(1), &s1),
            (DocId(2), &s1),
            (DocId(3), &s2),
            (DocId(4), &s2),
        ];
        let all = filtered_candidates(&docs, b, 10, &|_, _| true);
        assert_eq!(all.pairs.len(), 4);
        let odd_free = filtered_candidates(&docs, b, 10, &|a, b| a.0 % 2 == 0 && b.0 % 2 == 0);
        assert_eq!(odd_free.pairs, vec![Pair::new(DocId(0), DocId(2))]);
        let capped = filtered_candidates(&docs, b, 2, &|_, _| true);
        assert_eq!(capped.pairs, vec![Pair::new(DocId(3), DocId(4))]);
        assert_eq!((capped.skipped_buckets, capped.largest_skipped), (2, 3));
    }

    #[test]
    fn a_bucket_over_the_pair_budget_is_chained_and_reported() {
        // 40 equal signatures: one bucket of 40 in each of 2 bands, 780
        // pairs; two more documents make a bucket of 2 in both.
        let same = Signature(vec![1, 2, 3, 4].into());
        let other = Signature(vec![5, 6, 7, 8].into());
        let mut docs: Vec<(DocId, &Signature)> = (0..40).map(|i| (DocId(i), &same)).collect();
        docs.push((DocId(40), &other));
        docs.push((DocId(41), &other));
        let b = Banding { bands: 2, rows: 2 };
        let whole = candidates_within(&docs, b, 100, 10_000);
        assert_eq!(whole.pairs.len(), 781);
        assert!(whole.budget.is_empty());
        // 100 pairs: the bucket of 2 stays whole, the 40 become a chain.
        let cut = candidates_within(&docs, b, 100, 100);
        assert_eq!(cut.budget.chained_buckets, 2);
        assert_eq!(cut.budget.skipped_buckets, 0);
        assert_eq!(cut.budget.full_up_to, SMALL_BUCKET);
        assert_eq!(cut.budget.pairs_cut, 2 * (780 - 39));
        assert_eq!(cut.pairs.len(), 39 + 1);
        assert!(cut.pairs.contains(&Pair::new(DocId(40), DocId(41))));
        assert!(cut.pairs.contains(&Pair::new(DocId(38), DocId(39))));
        // 50 pairs: two chains of 39 do not fit with the rest; one band's
        // worth does not either (decided by size, not band), so both go.
        let skipped = candidates_within(&docs, b, 100, 50);
        assert_eq!(skipped.budget.skipped_buckets, 2);
        assert_eq!(skipped.pairs, vec![Pair::new(DocId(40), DocId(41))]);
    }

    #[test]
    fn small_buckets_keep_their_pairs_whatever_the_budget() {
        // 600 documents in 200 stories of 3 near copies: 600 pairs, made in
        // each of 3 bands (1,800 made), against a budget of 10.
        let sigs: Vec<Signature> = (0..200u32)
            .map(|s| Signature(vec![s, s + 1, s + 2, s + 3, s + 4, s + 5].into()))
            .collect();
        let docs: Vec<(DocId, &Signature)> = (0..600u32)
            .map(|i| (DocId(i), &sigs[i as usize / 3]))
            .collect();
        let b = Banding { bands: 3, rows: 2 };
        let got = candidates_within(&docs, b, 100, 10);
        assert_eq!(got.pairs.len(), 600);
        assert!(got.budget.is_empty(), "{:?}", got.budget);
        assert!(got.pairs.windows(2).all(|w| w[0] < w[1]));
        assert!(got.pairs.contains(&Pair::new(DocId(597), DocId(599))));
    }

    #[test]
    fn keying_the_bands_again_finds_what_holding_the_members_does() {
        // Stories of 3, 20, 30 and 50 copies, split differently in each band
        // (band 0: whole; band 1: in two; band 2: in three); max_bucket 40
        // skips the 50 in band 0. Budgets: all whole, chained, skipped.
        let groups = [3u32, 20, 30, 50];
        let mut sigs = Vec::new();
        for (g, &n) in groups.iter().enumerate() {
            let g = g as u32 + 1;
            for i in 0..n {
                sigs.push(Signature(vec![g, g + 1, g * 7 + i % 2, 0, g, i % 3].into()));
            }
        }
        let docs: Vec<(DocId, &Signature)> = sigs
            .iter()
            .enumerate()
            .map(|(i, s)| (DocId(i as u32), s))
            .collect();
        let b = Banding { bands: 3, rows: 2 };
        for budget in [100_000, 400, 120, 30, 1] {
            let held = candidates_holding(&docs, b, 40, budget, usize::MAX);
            let again = candidates_holding(&docs, b, 40, budget, 0);
            assert_eq!(held, again, "budget {budget}");
            assert_eq!(held, candidates_within(&docs, b, 40, budget));
            assert_eq!(held.skipped_buckets, 1);
        }
        let cut = candidates_holding(&docs, b, 40, 120, 0);
        assert!(!cut.budget.is_empty(), "{:?}", cut.budget);
    }
}
