//! Exact verification of candidate pairs on their shingle sets: Jaccard and
//! containment both ways, and the relation label a pair earns from them.
//! `scan`, `verify` and `query` all score pairs through `score_pairs`.

use crate::boilerplate::Mask;
use crate::fingerprint::Fingerprinter;
use crate::hashsort::OverlapTable;
use rayon::prelude::*;
use serde::Serialize;
use std::borrow::Cow;
use std::cell::RefCell;

/// Pairs of one first document scored with one table of its shingles, at
/// most: a document in many pairs is spread over several threads.
const PAIRS_PER_TABLE: usize = 32;

thread_local! {
    static OVERLAP: RefCell<Overlap> = RefCell::new(Overlap::default());
}

/// The exact overlap of one document (A) with others, one at a time: A's
/// distinct shingle hashes in an unordered probing table, each other
/// document's probed against it once per hash (`OverlapTable`). No set is
/// sorted and none outlives its pair.
#[derive(Debug, Default)]
pub struct Overlap {
    table: OverlapTable,
}

impl Overlap {
    /// Make `hashes` (repeats allowed, any order) document A.
    pub fn set_a(&mut self, hashes: &[u64]) {
        self.table.fill_a(hashes);
    }

    /// Scores of A against a document with shingle hashes `hashes`.
    pub fn scores(&mut self, hashes: &[u64]) -> Scores {
        let (len_b, shared) = self.table.count_b(hashes);
        Scores::from_counts(self.table.len_a(), len_b, shared)
    }
}

/// A pair's exact scores and whether the two normalized texts are equal.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Verified {
    pub scores: Scores,
    pub same_text: bool,
}

/// Exact scores of `pairs` (with `fp`'s shingles, leaving out those `mask`
/// holds), in `pairs`' order, in parallel; `None` where `text_b` has no
/// text. Pairs with the same first key must be adjacent: they share one
/// table of A's shingles (a chunk of up to PAIRS_PER_TABLE pairs each), and
/// every B is shingled once per pair.
pub fn score_pairs<'t, A, B>(
    fp: &Fingerprinter,
    mask: &Mask,
    pairs: &[(A, B)],
    text_a: &(dyn Fn(A) -> Cow<'t, str> + Sync),
    text_b: &(dyn Fn(B) -> Option<Cow<'t, str>> + Sync),
) -> Vec<Option<Verified>>
where
    A: Copy + PartialEq + Sync,
    B: Copy + Sync,
{
    let chunks: Vec<&[(A, B)]> = pairs
        .chunk_by(|x, y| x.0 == y.0)
        .flat_map(|group| group.chunks(PAIRS_PER_TABLE))
        .collect();
    chunks
        .par_iter()
        .flat_map_iter(|chunk| {
            OVERLAP.with_borrow_mut(|overlap| {
                let hash_a = fp.with_unmasked(&text_a(chunk[0].0), mask, |hashes, hash| {
                    overlap.set_a(hashes);
                    hash
                });
                chunk
                    .iter()
                    .map(|&(_, b)| {
                        let text = text_b(b)?;
                        Some(fp.with_unmasked(&text, mask, |hashes, hash_b| Verified {
                            scores: overlap.scores(hashes),
                            same_text: hash_a == hash_b,
                        }))
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect()
}

/// Documents of one component that `score_components` shingles together,
/// at most: more go through `score_pairs` (memory: 8 bytes per shingle
/// of each document held).
const COMPONENT_DOCS: usize = 32;

/// `score_pairs` for pairs of documents of one corpus, done one connected
/// component of the pairs' graph at a time: each document of a component is
/// normalized and shingled once, however many of its pairs it is in (by
/// `score_pairs`, once per pair as B). Components of more than
/// `COMPONENT_DOCS` documents go through `score_pairs`. Pairs must come
/// sorted (each first document's pairs adjacent); `done` is told how many
/// pairs each finished piece of work scored.
pub fn score_components<'t, K>(
    fp: &Fingerprinter,
    mask: &Mask,
    pairs: &[(K, K)],
    text: &(dyn Fn(K) -> Cow<'t, str> + Sync),
    done: &(dyn Fn(usize) + Sync),
) -> Vec<Option<Verified>>
where
    K: Copy + Eq + std::hash::Hash + Sync,
{
    // Dense numbers for the documents, and their components.
    let mut number: std::collections::HashMap<K, u32> = Default::default();
    let mut docs: Vec<K> = Vec::new();
    let mut num = |k: K| {
        *number.entry(k).or_insert_with(|| {
            docs.push(k);
            docs.len() as u32 - 1
        })
    };
    let numbered: Vec<(u32, u32)> = pairs.iter().map(|&(a, b)| (num(a), num(b))).collect();
    let mut uf = crate::cluster::UnionFind::new(docs.len());
    for &(a, b) in &numbered {
        uf.union(a, b);
    }
    let mut size = vec![0usize; docs.len()];
    for d in 0..docs.len() as u32 {
        size[uf.find(d) as usize] += 1;
    }
    // Each small component's pairs (by index, in order), and the rest.
    let mut small: Vec<(u32, usize)> = Vec::new();
    let mut large: Vec<usize> = Vec::new();
    for (i, &(a, _)) in numbered.iter().enumerate() {
        let root = uf.find(a);
        if size[root as usize] <= COMPONENT_DOCS {
            small.push((root, i));
        } else {
            large.push(i);
        }
    }
    small.sort_unstable();
    let groups: Vec<&[(u32, usize)]> = small.chunk_by(|x, y| x.0 == y.0).collect();
    let mut out: Vec<Option<Verified>> = vec![None; pairs.len()];
    let scored: Vec<Vec<(usize, Verified)>> = groups
        .par_iter()
        .map(|group| {
            OVERLAP.with_borrow_mut(|overlap| {
                // The component's documents' unmasked hashes, each once.
                let mut held: Vec<(u32, Vec<u64>, u128)> = Vec::new();
                let hashes_of = |held: &mut Vec<(u32, Vec<u64>, u128)>, d: u32| -> usize {
                    if let Some(at) = held.iter().position(|h| h.0 == d) {
                        return at;
                    }
                    let (hashes, hash) =
                        fp.with_unmasked(&text(docs[d as usize]), mask, |h, t| (h.to_vec(), t));
                    held.push((d, hashes, hash));
                    held.len() - 1
                };
                let mut a_now = u32::MAX;
                let mut got = Vec::with_capacity(group.len());
                for &(_, i) in group.iter() {
                    let (a, b) = numbered[i];
                    let ia = hashes_of(&mut held, a);
                    let ib = hashes_of(&mut held, b);
                    if a != a_now {
                        overlap.set_a(&held[ia].1);
                        a_now = a;
                    }
                    got.push((
                        i,
                        Verified {
                            scores: overlap.scores(&held[ib].1),
                            same_text: held[ia].2 == held[ib].2,
                        },
                    ));
                }
                done(group.len());
                got
            })
        })
        .collect();
    for (i, v) in scored.into_iter().flatten() {
        out[i] = Some(v);
    }
    let rest: Vec<(K, K)> = large.iter().map(|&i| pairs[i]).collect();
    let rest_scored = score_pairs(fp, mask, &rest, text, &|k| Some(text(k)));
    done(rest.len());
    for (&i, v) in large.iter().zip(rest_scored) {
        out[i] = v;
    }
    out
}

/// Exact overlap scores of a pair.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Scores {
    pub jaccard: f64,
    /// Share of A's shingles also in B.
    pub containment_a_in_b: f64,
    /// Share of B's shingles also in A.
    pub containment_b_in_a: f64,
    pub shingles_a: usize,
    pub shingles_b: usize,
    pub shared: usize,
}

impl Scores {
    pub fn from_counts(len_a: usize, len_b: usize, shared: usize) -> Scores {
        let ratio = |n: usize, d: usize| if d == 0 { 0.0 } else { n as f64 / d as f64 };
        Scores {
            jaccard: ratio(shared, len_a + len_b - shared),
            containment_a_in_b: ratio(shared, len_a),
            containment_b_in_a: ratio(shared, len_b),
            shingles_a: len_a,
            shingles_b: len_b,
            shared,
        }
    }

    pub fn max_containment(&self) -> f64 {
        self.containment_a_in_b.max(self.containment_b_in_a)
    }
}

/// What one document of a pair is to the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Relation {
    /// The same text once normalized.
    Exact,
    /// Jaccard at least `near_duplicate`.
    NearDuplicate,
    /// One document's shingles are at least `contained` inside the other.
    Contained,
    /// At least `rewrite` of one document's shingles are found in the other:
    /// the syndicated-rewrite case.
    Rewrite,
}

impl Relation {
    pub const ALL: [Relation; 4] = [
        Relation::Exact,
        Relation::NearDuplicate,
        Relation::Contained,
        Relation::Rewrite,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Exact => "exact",
            Relation::NearDuplicate => "near-duplicate",
            Relation::Contained => "contained",
            Relation::Rewrite => "rewrite",
        }
    }

    pub fn parse(s: &str) -> Option<Relation> {
        Relation::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

impl std::fmt::Display for Relation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Score floors for each relation (see README.md for how they were chosen).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Thresholds {
    pub near_duplicate: f64,
    pub contained: f64,
    pub rewrite: f64,
    /// Shingles a pair must share to be `contained` or a `rewrite`: a share
    /// of a two-line bulletin is a shared template, not a reprint.
    pub min_shared: usize,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            near_duplicate: 0.8,
            contained: 0.8,
            rewrite: 0.2,
            min_shared: 100,
        }
    }
}

impl Thresholds {
    /// The relation a pair earns, or `None` if it is not reported.
    pub fn classify(&self, scores: &Scores, same_text: bool) -> Option<Relation> {
        if same_text {
            Some(Relation::Exact)
        } else if scores.jaccard >= self.near_duplicate {
            Some(Relation::NearDuplicate)
        } else if scores.shared < self.min_shared {
            None
        } else if scores.max_containment() >= self.contained {
            Some(Relation::Contained)
        } else if scores.max_containment() >= self.rewrite {
            Some(Relation::Rewrite)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Scoring by component gives what scoring pair by pair gives, for
    /// small components, one over `COMPONENT_DOCS`, and repeated texts.
    #[test]
    fn components_score_as_pairs_do() {
        let base = "The harbour pilots struck at dawn over pay and pensions, \
                    leaving ships waiting off the coast for a second day. ";
        let texts: Vec<String> = (0..80)
            .map(|i| match i {
                // A chain of 40 growing variants: one large component.
                0..40 => format!("{base}{}", "Talks resume on Monday. ".repeat(i + 1)),
                // Pairs and triples of variants of other stories.
                _ => format!(
                    "Story {} of the council budget. {base} Day {}.",
                    i / 3,
                    i % 3
                ),
            })
            .collect();
        let mut pairs: Vec<(usize, usize)> = (0..39).map(|i| (i, i + 1)).collect();
        pairs.extend((40..80).filter(|i| i % 3 != 2).map(|i| (i, i + 1)));
        pairs.extend((40..78).step_by(3).map(|i| (i, i + 2)));
        pairs.push((5, 70));
        pairs.retain(|&(_, b)| b < 80);
        pairs.sort_unstable();
        let fp = Fingerprinter::default();
        let text = |i: usize| Cow::Borrowed(texts[i].as_str());
        let want = score_pairs(&fp, &Mask::none(), &pairs, &text, &|i| Some(text(i)));
        let ticks = std::sync::atomic::AtomicUsize::new(0);
        let got = score_components(&fp, &Mask::none(), &pairs, &text, &|n| {
            ticks.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
        });
        assert_eq!(got, want);
        assert_eq!(ticks.into_inner(), pairs.len());
        assert!(got.iter().all(Option::is_some));
    }

    fn scores(a: &[u64], b: &[u64]) -> Scores {
        let mut overlap = Overlap::default();
        overlap.set_a(a);
        overlap.scores(b)
    }

    #[test]
    fn scores_are_exact() {
        let s = scores(&[1, 2, 3, 4, 4], &[3, 4, 5, 6, 7, 8]);
        assert_eq!((s.shingles_a, s.shingles_b, s.shared), (4, 6, 2));
        assert_eq!(s.jaccard, 2.0 / 8.0);
        assert_eq!(s.containment_a_in_b, 0.5);
        assert_eq!(s.containment_b_in_a, 2.0 / 6.0);
        assert_eq!(scores(&[], &[]).jaccard, 0.0);
        // Zero (the tables' empty marker) is a value like any other.
        let z = scores(&[0, 0, 9], &[0, 5]);
        assert_eq!((z.shingles_a, z.shingles_b, z.shared), (2, 2, 1));
    }

    #[test]
    fn overlap_counts_distinct_values_and_the_intersection() {
        use std::collections::HashSet;
        let mut rng = crate::synth::Rng::new(7);
        let mut next = |n: u64| rng.below(n as usize) as u64;
        let mut overlap = Overlap::default();
        for _ in 0..300 {
            // Values from a small range overlap and repeat (0 among them);
            // lengths from 0 (empty sets) and ranges that put one set wholly
            // before the other. Each A is scored against several Bs, so its
            // table serves more than one pair, and a B longer than its A
            // grows A's table.
            let (la, range) = (next(3000), 1 + next(4000));
            let a: Vec<u64> = (0..la).map(|_| next(range)).collect();
            let set_a: HashSet<u64> = a.iter().copied().collect();
            overlap.set_a(&a);
            for _ in 0..3 {
                let lb = next(3000);
                let b: Vec<u64> = (0..lb).map(|_| range / 2 + next(range)).collect();
                let set_b: HashSet<u64> = b.iter().copied().collect();
                let s = overlap.scores(&b);
                assert_eq!(s.shingles_a, set_a.len());
                assert_eq!(s.shingles_b, set_b.len());
                assert_eq!(s.shared, set_a.intersection(&set_b).count());
            }
        }
    }

    /// A table marks what each B has seen with a byte per slot: a B counted
    /// after the byte wraps (here A itself, after 254 Bs that share nothing
    /// with it) must not find A's slots still marked from the first B.
    #[test]
    fn one_a_serves_more_bs_than_a_byte_numbers() {
        let a: Vec<u64> = (0..1000).collect();
        let other: Vec<u64> = (5000..5500).collect();
        let mut overlap = Overlap::default();
        overlap.set_a(&a);
        for k in 0..600 {
            let same = k % 255 == 0;
            let s = overlap.scores(if same { &a } else { &other });
            let want = if same { (1000, 1000) } else { (500, 0) };
            assert_eq!((s.shingles_b, s.shared), want, "B number {k}");
        }
    }

    /// `score_pairs` keeps the pairs' order across chunks of one A and
    /// across As, leaves `None` where B has no text, and gives each pair
    /// the scores of its own two texts.
    #[test]
    fn score_pairs_scores_each_pair_in_order() {
        let fp = Fingerprinter::default();
        // Six overlapping windows of one stream of made-up words.
        let mut rng = crate::synth::Rng::new(11);
        let words: Vec<String> = (0..1500).map(|_| format!("w{}", rng.below(400))).collect();
        let texts: Vec<String> = (0..6)
            .map(|i| words[i * 150..i * 150 + 600].join(" "))
            .collect();
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        for a in 0..3 {
            // More pairs of A = 0 than one table serves.
            let n = if a == 0 { PAIRS_PER_TABLE * 2 + 3 } else { 4 };
            pairs.extend((0..n).map(|k| (a, (a + 1 + k) % 7)));
        }
        let text = |i: usize| Cow::Borrowed(texts[i].as_str());
        let got = score_pairs(&fp, &Mask::none(), &pairs, &text, &|i| {
            texts.get(i).map(|t| Cow::Borrowed(t.as_str()))
        });
        assert_eq!(got.len(), pairs.len());
        for (&(a, b), v) in pairs.iter().zip(&got) {
            if b == 6 {
                assert_eq!(*v, None);
                continue;
            }
            let alone = score_pairs(&fp, &Mask::none(), &[(a, b)], &text, &|i| Some(text(i)));
            assert_eq!(*v, alone[0]);
            let v = v.unwrap();
            assert_eq!(v.same_text, a == b);
            let distinct = |i: usize| fp.distinct_shingles_masked(&texts[i], &Mask::none());
            assert_eq!(v.scores.shingles_a, distinct(a));
            assert_eq!(v.scores.shingles_b, distinct(b));
        }
    }

    #[test]
    fn relations_follow_thresholds() {
        let t = Thresholds::default();
        let s = |j, cab, cba| Scores {
            jaccard: j,
            containment_a_in_b: cab,
            containment_b_in_a: cba,
            shingles_a: 0,
            shingles_b: 0,
            shared: 1000,
        };
        assert_eq!(t.classify(&s(1.0, 1.0, 1.0), true), Some(Relation::Exact));
        assert_eq!(
            t.classify(&s(0.9, 0.95, 0.95), false),
            Some(Relation::NearDuplicate)
        );
        assert_eq!(
            t.classify(&s(0.3, 0.9, 0.3), false),
            Some(Relation::Contained)
        );
        assert_eq!(
            t.classify(&s(0.27, 0.57, 0.34), false),
            Some(Relation::Rewrite)
        );
        assert_eq!(t.classify(&s(0.01, 0.02, 0.01), false), None);
        // Too little shared text for a rewrite, however large the share.
        let tiny = Scores {
            shared: 40,
            ..s(0.4, 0.5, 0.5)
        };
        assert_eq!(t.classify(&tiny, false), None);
        assert_eq!(
            Relation::parse("near-duplicate"),
            Some(Relation::NearDuplicate)
        );
        assert_eq!(Relation::parse("nope"), None);
    }
}
