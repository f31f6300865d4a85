//! The alignment stage every consumer shares (scan, dedup, query, verify):
//! each reported pair aligned (`align`), its origin decided (`direction`),
//! and how much of the derived copy its passages cover.

use crate::align::{align_tokens, AlignConfig, Alignment, Coverage, Tokens};
use crate::corpus::{DocId, TextSource};
use crate::direction::{origin, OriginSources, Provenance, Side};
use rayon::prelude::*;

/// How pairs are aligned and their origin found.
#[derive(Debug, Clone, Default)]
pub struct AlignStage {
    /// How the passages are found.
    pub align: AlignConfig,
    /// Sources that originate copy (`--origin-sources`).
    pub origin_sources: OriginSources,
}

impl AlignStage {
    /// The default alignment with `origin_sources`.
    pub fn new(origin_sources: OriginSources) -> AlignStage {
        AlignStage {
            align: AlignConfig::default(),
            origin_sources,
        }
    }
}

/// What a pair's alignment says, as every output reports it.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PairAlignment {
    /// Share of A's words inside shared passages.
    pub aligned_a: f64,
    /// Share of B's words inside shared passages.
    pub aligned_b: f64,
    /// Shared passages.
    pub passages: usize,
    /// Words of the longest passage.
    pub longest_passage: usize,
    /// Words matched inside passages (the same count on both sides).
    pub matched: usize,
    /// Which side the other copied, if known.
    pub origin: Option<Side>,
    /// `derivation` counting only words that are not boilerplate
    /// (`align::Coverage::fresh_a`): the share of the derived copy's own
    /// words inside passages. Without a mask, `derivation` itself.
    pub fresh: f64,
}

impl PairAlignment {
    /// The figures of alignment coverage `c`, with `origin`.
    pub fn of(c: &Coverage, origin: Option<Side>) -> PairAlignment {
        PairAlignment {
            fresh: match origin {
                Some(Side::A) => c.fresh_b(),
                Some(Side::B) => c.fresh_a(),
                None => c.fresh_a().min(c.fresh_b()),
            },
            aligned_a: c.aligned_a(),
            aligned_b: c.aligned_b(),
            passages: c.passages,
            longest_passage: c.longest,
            matched: c.matched,
            origin,
        }
    }

    /// How much one document derives from the other: the covered share of
    /// the derived (non-origin) document when the origin is known, else of
    /// the longer document (the symmetric rule; docs/design/alignment.md).
    pub fn derivation(&self) -> f64 {
        match self.origin {
            Some(Side::A) => self.aligned_b,
            Some(Side::B) => self.aligned_a,
            None => self.aligned_a.min(self.aligned_b),
        }
    }

    /// The same figures with A and B swapped.
    pub fn swapped(self) -> PairAlignment {
        PairAlignment {
            aligned_a: self.aligned_b,
            aligned_b: self.aligned_a,
            origin: self.origin.map(Side::other),
            ..self
        }
    }
}

/// The origin of a pair of corpus documents.
pub(crate) fn pair_origin<S: TextSource + ?Sized>(
    corpus: &S,
    a: DocId,
    b: DocId,
    sources: &OriginSources,
) -> Option<Side> {
    let p = |d| Provenance {
        date: corpus.date(d),
        source: corpus.source(d),
    };
    origin(p(a), p(b), sources)
}

/// The alignments of `pairs` of corpus documents, in order, in parallel.
/// Pairs sharing a first document should be adjacent: it is tokenized once
/// for them.
pub(crate) fn align_pairs<S: TextSource + ?Sized>(
    corpus: &S,
    pairs: &[(DocId, DocId)],
    config: &AlignConfig,
) -> Vec<Alignment> {
    let groups: Vec<&[(DocId, DocId)]> = pairs.chunk_by(|x, y| x.0 == y.0).collect();
    groups
        .par_iter()
        .flat_map_iter(|group| {
            let a = Tokens::of(&corpus.text(group[0].0));
            group
                .iter()
                .map(|&(_, b)| align_tokens(&a, &Tokens::of(&corpus.text(b)), config))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::Relation;

    #[test]
    fn derivation_reads_the_derived_side_or_the_longer_one() {
        let p = PairAlignment {
            aligned_a: 0.9,
            aligned_b: 0.3,
            passages: 2,
            longest_passage: 7,
            matched: 9,
            origin: Some(Side::B),
            fresh: 0.9,
        };
        assert_eq!(p.derivation(), 0.9);
        assert_eq!(
            PairAlignment {
                origin: Some(Side::A),
                ..p
            }
            .derivation(),
            0.3
        );
        assert_eq!(PairAlignment { origin: None, ..p }.derivation(), 0.3);
        let s = p.swapped();
        assert_eq!(
            (s.aligned_a, s.aligned_b, s.origin),
            (0.3, 0.9, Some(Side::A))
        );
        assert_eq!(s.derivation(), p.derivation());
    }

    #[test]
    fn a_rewrite_by_alignment_needs_its_own_words_covered_too() {
        let t = crate::verify::Thresholds::default();
        let p = PairAlignment {
            aligned_a: 0.8,
            aligned_b: 0.7,
            passages: 3,
            longest_passage: 20,
            matched: 40,
            origin: None,
            fresh: 0.7,
        };
        assert_eq!(t.with_alignment(None, &p), Some(Relation::Rewrite));
        // The same passages over a shared template: its names and figures differ.
        let template = PairAlignment { fresh: 0.1, ..p };
        assert_eq!(t.with_alignment(None, &template), None);
        // Shingles decide first.
        assert_eq!(
            t.with_alignment(Some(Relation::Contained), &template),
            Some(Relation::Contained)
        );
        assert_eq!(
            t.with_alignment(None, &PairAlignment { matched: 10, ..p }),
            None
        );
    }

    #[test]
    fn fresh_reads_the_derived_sides_words_that_are_not_boilerplate() {
        // 40 words matched; A has 50 words, 20 boilerplate, 18 of them matched;
        // B has 100, 20 boilerplate, 20 matched.
        let c = Coverage {
            words_a: 50,
            words_b: 100,
            matched: 40,
            passages: 2,
            longest: 30,
            boilerplate: crate::align::Boilerplate {
                words_a: 20,
                words_b: 20,
                matched_a: 18,
                matched_b: 20,
            },
        };
        let of = |o| PairAlignment::of(&c, o);
        assert_eq!(of(Some(Side::B)).fresh, 22.0 / 30.0);
        assert_eq!(of(Some(Side::A)).fresh, 20.0 / 80.0);
        assert_eq!(of(None).fresh, 20.0 / 80.0);
        assert_eq!(of(Some(Side::B)).derivation(), 0.8);
        let none = Coverage {
            boilerplate: Default::default(),
            ..c
        };
        assert_eq!(PairAlignment::of(&none, None).fresh, 0.4);
    }
}
