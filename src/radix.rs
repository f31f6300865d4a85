//! Sorting by uniformly distributed 64-bit hashes in about linear time,
//! placing each item by its hash's top bits (LSH band keys, by a scatter
//! into buckets).

thread_local! {
    /// Per-thread bucket offsets, reused across calls.
    static STARTS: std::cell::RefCell<Vec<u32>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Copy `items` into `out` (cleared first) ordered by `key`, a uniformly
/// distributed hash of each item; items of equal key end up next to each
/// other in no particular order. One counting pass and one scatter by the
/// key's top bits into more buckets than items, then one insertion pass over
/// the whole vector to order the few buckets that got more than one item.
/// With buckets mostly empty or single, that pass's branch is almost never
/// taken (so it is predicted), unlike per-bucket sorts. Several times faster
/// than a comparison sort on a news-length document's few thousand shingles
/// or a band's keys, and no allocation but `out`'s (the bucket offsets are
/// per-thread scratch).
pub(crate) fn sort_by_hash_into<T: Copy>(items: &[T], out: &mut Vec<T>, key: impl Fn(&T) -> u64) {
    let n = items.len();
    out.clear();
    if n < 256 {
        out.extend_from_slice(items);
        out.sort_unstable_by_key(&key);
        return;
    }
    // Between 2n and 4n buckets: most hold no item or one (2n measured
    // faster than n or 4n on news-length documents).
    let bits = (usize::BITS - n.leading_zeros() + 1).clamp(8, 22);
    let shift = 64 - bits;
    let buckets = 1usize << bits;
    out.resize(n, items[0]);
    STARTS.with_borrow_mut(|next| {
        next.clear();
        next.resize(buckets, 0);
        for x in items {
            next[(key(x) >> shift) as usize] += 1;
        }
        let mut sum = 0;
        for c in next.iter_mut() {
            let count = *c;
            *c = sum;
            sum += count;
        }
        for x in items {
            let b = (key(x) >> shift) as usize;
            out[next[b] as usize] = *x;
            next[b] += 1;
        }
    });
    // Keys crowded into few buckets (not what xxh3 gives) would make the
    // insertion pass quadratic: past a budget of moves, sort instead.
    let mut budget = 8 * n;
    for i in 1..n {
        let x = out[i];
        let k = key(&x);
        if k < key(&out[i - 1]) {
            let mut j = i;
            while j > 0 && key(&out[j - 1]) > k {
                out[j] = out[j - 1];
                j -= 1;
            }
            out[j] = x;
            budget = budget.saturating_sub(i - j);
            if budget == 0 {
                out.sort_unstable_by_key(&key);
                break;
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn sorted(v: &[u64]) -> Vec<u64> {
        let mut out = Vec::new();
        sort_by_hash_into(v, &mut out, |&h| h);
        out
    }

    /// Pseudo-random hashes, every seventh one 42 (repeats), for the
    /// sorting and counting tests.
    pub(crate) fn random(n: usize) -> Vec<u64> {
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        (0..n)
            .map(|i| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                if i % 7 == 0 {
                    42
                } else {
                    x
                }
            })
            .collect()
    }

    #[test]
    fn bucket_sort_equals_comparison_sort() {
        for n in [0usize, 1, 511, 512, 513, 3000, 20_000, 300_000] {
            let mut v = random(n);
            let got = sorted(&v);
            let mut reused = vec![7u64; 3];
            sort_by_hash_into(&v, &mut reused, |&h| h);
            assert_eq!(got, reused);
            v.sort_unstable();
            assert_eq!(got, v, "{n}");
            // Hashes crowded into one bucket (low bits only) still sort.
            let crowded: Vec<u64> = v.iter().map(|h| h >> 40).collect();
            let mut want = crowded.clone();
            want.sort_unstable();
            assert_eq!(sorted(&crowded), want, "{n} crowded");
        }
    }

    #[test]
    fn records_sort_by_their_key_and_keep_every_record() {
        for n in [5usize, 300, 70_000] {
            let recs: Vec<(u64, u32)> = random(n)
                .into_iter()
                .enumerate()
                .map(|(i, k)| (k, i as u32))
                .collect();
            let mut got = Vec::new();
            sort_by_hash_into(&recs, &mut got, |r| r.0);
            assert!(got.windows(2).all(|w| w[0].0 <= w[1].0), "{n}");
            // Equal keys may come in any order: compare as multisets.
            let mut all = got.clone();
            all.sort_unstable();
            let mut want = recs.clone();
            want.sort_unstable();
            assert_eq!(all, want, "{n}");
        }
    }
}
