//! Locality-sensitive hashing over MinHash signatures: banding parameters
//! derived from a Jaccard threshold, and candidate pairs found by sorting
//! band keys (no hash maps of vectors), with over-full buckets skipped.

use crate::corpus::DocId;
use crate::hashsort::sort_by_hash_into;
use crate::minhash::Signature;
use rayon::prelude::*;
use serde::Serialize;
use xxhash_rust::xxh3::xxh3_64_with_seed;

/// Default LSH threshold on estimated Jaccard, chosen by measurement.
pub const DEFAULT_THRESHOLD: f64 = 0.2;
/// Default cap on documents sharing one band key (see README.md).
pub const DEFAULT_MAX_BUCKET: usize = 200;

/// How a signature is cut into bands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Banding {
    pub bands: usize,
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
    pub a: DocId,
    pub b: DocId,
}

impl Pair {
    pub fn new(x: DocId, y: DocId) -> Pair {
        if x <= y {
            Pair { a: x, b: y }
        } else {
            Pair { a: y, b: x }
        }
    }
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
}

/// All pairs of `docs` that share a band key in at least one band. Buckets
/// holding more than `max_bucket` documents are skipped (and counted): such
/// keys come from boilerplate or templated text, and a pair that truly
/// matches almost always meets again in another band.
pub fn candidates(docs: &[(DocId, &Signature)], banding: Banding, max_bucket: usize) -> Candidates {
    let per_band: Vec<(Vec<Pair>, usize, usize)> = (0..banding.bands)
        .into_par_iter()
        .map(|band| {
            let unsorted: Vec<(u64, DocId)> = docs
                .iter()
                .map(|(id, sig)| (banding.band_key(sig, band), *id))
                .collect();
            // Only runs of equal keys matter, not the order inside one.
            let mut keys = Vec::new();
            sort_by_hash_into(&unsorted, &mut keys, |k| k.0);
            drop(unsorted);
            let mut pairs = Vec::new();
            let (mut skipped, mut largest) = (0, 0);
            for run in keys.chunk_by(|x, y| x.0 == y.0) {
                if run.len() < 2 {
                    continue;
                }
                if run.len() > max_bucket {
                    skipped += 1;
                    largest = largest.max(run.len());
                    continue;
                }
                for i in 0..run.len() {
                    for j in i + 1..run.len() {
                        pairs.push(Pair::new(run[i].1, run[j].1));
                    }
                }
            }
            pairs.sort_unstable();
            pairs.dedup();
            (pairs, skipped, largest)
        })
        .collect();
    let mut out = Candidates::default();
    let total: usize = per_band.iter().map(|p| p.0.len()).sum();
    out.pairs.reserve(total);
    for (pairs, skipped, largest) in per_band {
        out.pairs.extend(pairs);
        out.skipped_buckets += skipped;
        out.largest_skipped = out.largest_skipped.max(largest);
    }
    out.pairs.par_sort_unstable();
    out.pairs.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
