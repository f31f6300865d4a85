//! Exact verification of candidate pairs on their shingle sets: Jaccard and
//! containment both ways, and the relation label a pair earns from them.

use crate::hashsort::sorted_distinct_into;
use serde::Serialize;

/// A document's distinct shingle hashes, sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShingleSet(Vec<u64>);

impl ShingleSet {
    /// The set of `hashes` (repeats allowed, any order), sorted into a new
    /// vector: the one allocation per document.
    pub fn from_slice(hashes: &[u64]) -> ShingleSet {
        let mut set = Vec::new();
        sorted_distinct_into(hashes, &mut set);
        ShingleSet(set)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Number of shingles in both sets (a linear merge).
    pub fn shared(&self, other: &ShingleSet) -> usize {
        let (a, b) = (&self.0, &other.0);
        let (mut i, mut j, mut n) = (0, 0, 0);
        while i < a.len() && j < b.len() {
            match a[i].cmp(&b[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    n += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        n
    }

    pub fn contains(&self, h: u64) -> bool {
        self.0.binary_search(&h).is_ok()
    }
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
    pub fn of(a: &ShingleSet, b: &ShingleSet) -> Scores {
        let shared = a.shared(b);
        Scores::from_counts(a.len(), b.len(), shared)
    }

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

    fn set(v: &[u64]) -> ShingleSet {
        ShingleSet::from_slice(v)
    }

    #[test]
    fn scores_are_exact() {
        let a = set(&[1, 2, 3, 4, 4]);
        let b = set(&[3, 4, 5, 6, 7, 8]);
        let s = Scores::of(&a, &b);
        assert_eq!(s.shared, 2);
        assert_eq!(s.jaccard, 2.0 / 8.0);
        assert_eq!(s.containment_a_in_b, 0.5);
        assert_eq!(s.containment_b_in_a, 2.0 / 6.0);
        assert_eq!(Scores::of(&set(&[]), &set(&[])).jaccard, 0.0);
    }

    #[test]
    fn shared_counts_the_intersection() {
        let mut rng = crate::synth::Rng::new(7);
        let mut next = |n: u64| rng.below(n as usize) as u64;
        for _ in 0..500 {
            // Values from a small range overlap; lengths from 0 (empty sets)
            // and ranges that put one set wholly before the other.
            let (la, lb, range) = (next(300), next(300), 1 + next(2000));
            let a: Vec<u64> = (0..la).map(|_| next(range)).collect();
            let b: Vec<u64> = (0..lb).map(|_| range / 2 + next(range)).collect();
            let want = a
                .iter()
                .collect::<std::collections::HashSet<_>>()
                .intersection(&b.iter().collect())
                .count();
            assert_eq!(set(&a).shared(&set(&b)), want);
            assert_eq!(set(&b).shared(&set(&a)), want);
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
