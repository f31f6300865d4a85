//! Exact verification of candidate pairs on their shingle sets: Jaccard and
//! containment both ways, and the relation label a pair earns from them.
//! `scan`, `verify` and `query` all score pairs through `score_piece` (by
//! `score_components` or `score_pairs`).

use crate::align::{coverage, AlignConfig, Coverage};
use crate::boilerplate::Mask;
use crate::derivation::PairAlignment;
use crate::fingerprint::Fingerprinter;
use crate::overlap::{distinct_values, OverlapTable};
use rayon::prelude::*;
use serde::Serialize;
use std::borrow::Cow;
use std::cell::RefCell;

mod pieces;

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

    /// `scores` of hashes without repeats (`overlap::distinct_values`).
    fn scores_distinct(&self, distinct: &[u64]) -> Scores {
        let (len_b, shared) = self.table.count_distinct_b(distinct);
        Scores::from_counts(self.table.len_a(), len_b, shared)
    }
}

/// A pair's exact scores and whether the two normalized texts are equal.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Verified {
    /// The pair's exact scores.
    pub scores: Scores,
    /// The two normalized texts are equal.
    pub same_text: bool,
    /// The pair's alignment coverage, when verification was asked to align
    /// it (`AlignWhen`).
    pub coverage: Option<Coverage>,
}

/// Which verified pairs `score_components` also aligns, from the words of
/// the normalization pass it shingles them with (the aligner's tokens: so
/// no document is tokenized again to be aligned).
pub(crate) struct AlignWhen<'c> {
    /// How pairs are aligned.
    pub config: &'c AlignConfig,
    /// Whether a verified pair is aligned.
    pub wanted: &'c (dyn Fn(&Verified) -> bool + Sync),
}

/// Exact scores of `pairs` (with `fp`'s shingles, leaving out those `mask`
/// holds), in `pairs`' order, in parallel; `None` where `text_b` has no
/// text. Pairs with the same first key must be adjacent: they share one
/// table of A's shingles (a chunk of up to PAIRS_PER_TABLE pairs each), and
/// every B is shingled once per chunk it is in.
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
            // Document 0 is the chunk's A, document i its i-th B.
            let text = |d: usize| match d {
                0 => Some(text_a(chunk[0].0)),
                _ => text_b(chunk[d - 1].1),
            };
            let pairs: Vec<(usize, usize)> = (1..=chunk.len()).map(|b| (0, b)).collect();
            score_piece(fp, mask, chunk.len() + 1, &text, &pairs, None)
        })
        .collect()
}

/// `score_pairs` for pairs of documents of one corpus, done a piece of work
/// at a time (`pieces`: a connected component of the pairs' graph, or a
/// part of a large one): each document of a piece is normalized and
/// shingled once, however many of the piece's pairs it is in. Pairs must
/// come sorted (each first document's pairs adjacent); `done` is told how
/// many pairs each finished piece scored. With `align`, the pairs it wants
/// are aligned too.
pub(crate) fn score_components<'t, K>(
    fp: &Fingerprinter,
    mask: &Mask,
    pairs: &[(K, K)],
    text: &(dyn Fn(K) -> Cow<'t, str> + Sync),
    done: &(dyn Fn(usize) + Sync),
    align: Option<&AlignWhen>,
) -> Vec<Option<Verified>>
where
    K: Copy + Eq + std::hash::Hash + Sync,
{
    // Dense numbers for the documents.
    let mut number: std::collections::HashMap<K, u32> = Default::default();
    let mut docs: Vec<K> = Vec::new();
    let mut num = |k: K| {
        *number.entry(k).or_insert_with(|| {
            docs.push(k);
            docs.len() as u32 - 1
        })
    };
    let numbered: Vec<(u32, u32)> = pairs.iter().map(|&(a, b)| (num(a), num(b))).collect();
    let pieces = pieces::pieces(&numbered, docs.len());
    let scored: Vec<Vec<Option<Verified>>> = pieces
        .par_iter()
        .map(|piece| {
            // The piece's documents, numbered from 0 in first use.
            let mut members: Vec<u32> = Vec::with_capacity(pieces::PIECE_DOCS);
            let mut at: std::collections::HashMap<u32, usize> = Default::default();
            let mut local = |d: u32| {
                *at.entry(d).or_insert_with(|| {
                    members.push(d);
                    members.len() - 1
                })
            };
            let local_pairs: Vec<(usize, usize)> = piece
                .iter()
                .map(|&i| (local(numbered[i].0), local(numbered[i].1)))
                .collect();
            let text = |d: usize| Some(text(docs[members[d] as usize]));
            let got = score_piece(fp, mask, members.len(), &text, &local_pairs, align);
            done(piece.len());
            got
        })
        .collect();
    let mut out: Vec<Option<Verified>> = vec![None; pairs.len()];
    for (piece, got) in pieces.iter().zip(scored) {
        for (&i, v) in piece.iter().zip(got) {
            out[i] = v;
        }
    }
    out
}

/// Scores of one piece of work's `pairs`, each (A, B) as numbers of its
/// documents `0..docs`, in order: the one loop `score_pairs` and
/// `score_components` both run. Each document is normalized and shingled
/// once, when first needed; the hashes of one in more than one pair are
/// held until the piece is done, those of one in a single pair (as B) are
/// scored straight from the shingling buffer. `text` gives a document's
/// text (`None`: its pairs score `None`). A's table is filled once per run
/// of pairs with the same A. With `align`, each document's word hashes are
/// kept beside its shingles, and the pairs it wants are aligned on them.
fn score_piece<'t>(
    fp: &Fingerprinter,
    mask: &Mask,
    docs: usize,
    text: &dyn Fn(usize) -> Option<Cow<'t, str>>,
    pairs: &[(usize, usize)],
    align: Option<&AlignWhen>,
) -> Vec<Option<Verified>> {
    let (mut uses, mut as_b) = (vec![0u32; docs], vec![0u32; docs]);
    for &(a, b) in pairs {
        uses[a] += 1;
        uses[b] += 1;
        as_b[b] += 1;
    }
    let mut held: Vec<Option<Shingled>> = vec![None; docs];
    let shingle = |d: usize, held: &mut Vec<Option<Shingled>>| {
        if held[d].is_none() {
            let distinct = as_b[d] > 1;
            held[d] = Some(text(d).map(|t| shingled(fp, mask, &t, align.is_some(), distinct)));
        }
    };
    OVERLAP.with_borrow_mut(|overlap| {
        // The document whose table `overlap` holds.
        let mut table_of: Option<usize> = None;
        pairs
            .iter()
            .map(|&(a, b)| {
                shingle(a, &mut held);
                if uses[b] > 1 {
                    shingle(b, &mut held);
                }
                let doc_a = held[a].as_ref()?.as_ref()?;
                if table_of != Some(a) {
                    overlap.set_a(&doc_a.hashes);
                    table_of = Some(a);
                }
                // B's hashes, distinct when B is held.
                let mut judge =
                    |b: BShingles<'_>, text_b: u128, words_b: &[u64], boiler_b: &[bool]| {
                        let mut v = Verified {
                            scores: match b {
                                BShingles::Stream(hashes) => overlap.scores(hashes),
                                BShingles::Distinct(distinct) => overlap.scores_distinct(distinct),
                            },
                            same_text: doc_a.text_hash == text_b,
                            coverage: None,
                        };
                        if let Some(al) = align.filter(|al| (al.wanted)(&v)) {
                            v.coverage = Some(coverage(
                                &doc_a.words,
                                words_b,
                                &doc_a.boilerplate,
                                boiler_b,
                                al.config,
                            ));
                        }
                        v
                    };
                // A document in one pair only was never held.
                if uses[b] == 1 {
                    let t = text(b)?;
                    return Some(if align.is_some() {
                        fp.with_unmasked_words(&t, mask, |h, th, w, bw| {
                            judge(BShingles::Stream(h), th, w, bw)
                        })
                    } else {
                        fp.with_unmasked(&t, mask, |h, th| {
                            judge(BShingles::Stream(h), th, &[], &[])
                        })
                    });
                }
                let doc_b = held[b].as_ref()?.as_ref()?;
                Some(judge(
                    if doc_b.distinct {
                        BShingles::Distinct(&doc_b.hashes)
                    } else {
                        BShingles::Stream(&doc_b.hashes)
                    },
                    doc_b.text_hash,
                    &doc_b.words,
                    &doc_b.boilerplate,
                ))
            })
            .collect()
    })
}

/// A document's unmasked shingle hashes, its normalized text's hash and
/// (when aligning) its words' hashes; `None`: it has no text.
type Shingled = Option<HeldDoc>;

/// A B's shingle hashes: as the stream gives them, or distinct (a document
/// that is B in several pairs, counted against each A by probes only).
enum BShingles<'h> {
    Stream(&'h [u64]),
    Distinct(&'h [u64]),
}

/// See `Shingled`.
#[derive(Debug, Clone)]
struct HeldDoc {
    /// Unmasked shingle hashes: in text order, or distinct (`overlap::distinct_values`).
    hashes: Vec<u64>,
    /// Whether `hashes` are distinct.
    distinct: bool,
    text_hash: u128,
    words: Vec<u64>,
    boilerplate: Vec<bool>,
}

fn shingled(fp: &Fingerprinter, mask: &Mask, text: &str, words: bool, distinct: bool) -> HeldDoc {
    let keep = |h: &[u64]| {
        if distinct {
            distinct_values(h)
        } else {
            h.to_vec()
        }
    };
    if words {
        fp.with_unmasked_words(text, mask, |h, th, w, b| HeldDoc {
            hashes: keep(h),
            distinct,
            text_hash: th,
            words: w.to_vec(),
            boilerplate: b.to_vec(),
        })
    } else {
        fp.with_unmasked(text, mask, |h, th| HeldDoc {
            hashes: keep(h),
            distinct,
            text_hash: th,
            words: Vec::new(),
            boilerplate: Vec::new(),
        })
    }
}

/// Exact overlap scores of a pair.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Scores {
    /// Jaccard similarity of the shingle sets.
    pub jaccard: f64,
    /// Share of A's shingles also in B.
    pub containment_a_in_b: f64,
    /// Share of B's shingles also in A.
    pub containment_b_in_a: f64,
    /// Distinct shingles of A.
    pub shingles_a: usize,
    /// Distinct shingles of B.
    pub shingles_b: usize,
    /// Distinct shingles both share.
    pub shared: usize,
}

impl Scores {
    /// The scores of sets of `len_a` and `len_b` shingles sharing `shared`.
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

    /// The larger containment.
    pub(crate) fn max_containment(&self) -> f64 {
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
    /// Every relation, strongest first.
    pub const ALL: [Relation; 4] = [
        Relation::Exact,
        Relation::NearDuplicate,
        Relation::Contained,
        Relation::Rewrite,
    ];

    /// The relation's name in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Exact => "exact",
            Relation::NearDuplicate => "near-duplicate",
            Relation::Contained => "contained",
            Relation::Rewrite => "rewrite",
        }
    }

    /// The relation named `s`, if any.
    pub fn parse(s: &str) -> Option<Relation> {
        Relation::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

impl std::fmt::Display for Relation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Score floors for each relation (docs/design/matching.md says how they were chosen).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Thresholds {
    /// Jaccard floor of `near-duplicate`.
    pub near_duplicate: f64,
    /// Containment floor of `contained`.
    pub contained: f64,
    /// Containment floor of `rewrite`.
    pub rewrite: f64,
    /// Shingles a pair must share to be `contained` or a `rewrite`: a share
    /// of a two-line bulletin is a shared template, not a reprint.
    pub min_shared: usize,
    /// Alignment derivation (`derivation::PairAlignment::derivation`) at or
    /// above which a pair is a `rewrite` whatever its containment.
    pub aligned: f64,
}

/// Default `Thresholds::aligned` (docs/design/alignment.md).
pub(crate) const DEFAULT_ALIGNED: f64 = 0.4;

/// Containment (either way) a pair with no relation needs to be aligned at
/// all: derivation runs well under three times containment (docs/design/alignment.md).
pub(crate) const ALIGN_FLOOR: f64 = 0.05;

/// Words a pair's passages must match for its alignment alone to make it a
/// `rewrite`: a shared sentence or two is a quote or a template, not a
/// rewrite (docs/design/alignment.md).
pub(crate) const MIN_ALIGNED_WORDS: usize = 15;

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            near_duplicate: 0.8,
            contained: 0.8,
            rewrite: 0.2,
            min_shared: 100,
            aligned: DEFAULT_ALIGNED,
        }
    }
}

impl Thresholds {
    /// The relation a pair earns, or `None` if it is not reported.
    pub(crate) fn classify(&self, scores: &Scores, same_text: bool) -> Option<Relation> {
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

    /// Whether a pair with no relation from its shingles is still worth
    /// aligning: it shares enough text to be a rewrite by its passages.
    pub(crate) fn may_align(&self, scores: &Scores) -> bool {
        scores.max_containment() >= ALIGN_FLOOR
    }

    /// The relation once the alignment is known: a pair whose derived copy
    /// is covered to `aligned`, both over all its words (`derivation`) and
    /// over those that are not boilerplate (`fresh`: a shared wire template
    /// with other names and figures is not a rewrite), with at least
    /// `MIN_ALIGNED_WORDS` words in its passages, is at least a `rewrite`.
    pub(crate) fn with_alignment(
        &self,
        shingles: Option<Relation>,
        a: &PairAlignment,
    ) -> Option<Relation> {
        match shingles {
            Some(r) => Some(r),
            None if a.derivation() >= self.aligned
                && a.fresh >= self.aligned
                && a.matched >= MIN_ALIGNED_WORDS =>
            {
                Some(Relation::Rewrite)
            }
            None => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Scoring by piece and pair by pair both give the exact scores
    /// (counted here on hash sets), for small components, one over
    /// `PIECE_DOCS` (cut into pieces), and copies of one text; a pair whose
    /// B has no text scores `None`.
    #[test]
    fn components_and_pairs_score_exactly() {
        let base = "The harbour pilots struck at dawn over pay and pensions, \
                    leaving ships waiting off the coast for a second day. ";
        let chain = pieces::PIECE_DOCS + 12;
        let texts: Vec<String> = (0..chain + 40)
            .map(|i| match i {
                // A chain of growing variants: one large component.
                i if i < chain => {
                    format!("{base}{}", "Talks resume on Monday. ".repeat(i % 50 + 1))
                }
                // Copies of one story: the same normalized text.
                i if i >= chain + 36 => format!("The council budget, again! {base}"),
                // Pairs and triples of variants of other stories.
                _ => format!(
                    "Story {} of the council budget. {base} Day {}.",
                    i / 3,
                    i % 3
                ),
            })
            .collect();
        let n = texts.len();
        let mut pairs: Vec<(usize, usize)> = (0..chain - 1).map(|i| (i, i + 1)).collect();
        pairs.extend((chain..n).filter(|i| i % 3 != 2).map(|i| (i, i + 1)));
        pairs.extend((chain..n - 2).step_by(3).map(|i| (i, i + 2)));
        pairs.extend([(5, chain + 30), (chain + 36, chain + 39)]);
        pairs.retain(|&(_, b)| b < n);
        pairs.sort_unstable();
        pairs.dedup();
        let fp = Fingerprinter::default();
        let set = |i: usize| -> std::collections::HashSet<u64> {
            let mut joined = String::new();
            crate::normalize::normalize_joined_into(&texts[i], &mut joined);
            fp.shingler.hashes(&joined).into_iter().collect()
        };
        let want: Vec<Option<Verified>> = pairs
            .iter()
            .map(|&(a, b)| {
                let (sa, sb) = (set(a), set(b));
                Some(Verified {
                    scores: Scores::from_counts(sa.len(), sb.len(), sa.intersection(&sb).count()),
                    same_text: texts[a] == texts[b],
                    coverage: None,
                })
            })
            .collect();
        assert!(want.iter().flatten().any(|v| v.same_text));
        assert!(want.iter().flatten().any(|v| !v.same_text));
        let text = |i: usize| Cow::Borrowed(texts[i].as_str());
        assert_eq!(
            score_pairs(&fp, &Mask::none(), &pairs, &text, &|i| Some(text(i))),
            want
        );
        let ticks = std::sync::atomic::AtomicUsize::new(0);
        let got = score_components(
            &fp,
            &Mask::none(),
            &pairs,
            &text,
            &|n| {
                ticks.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
            },
            None,
        );
        assert_eq!(got, want);
        assert_eq!(ticks.into_inner(), pairs.len());
        // No text for B: that pair alone scores `None`.
        let missing = |i: usize| (i != chain + 1).then(|| text(i));
        let partial = score_pairs(&fp, &Mask::none(), &pairs, &text, &missing);
        for ((&(_, b), got), want) in pairs.iter().zip(&partial).zip(&want) {
            assert_eq!(got, if b == chain + 1 { &None } else { want });
        }
    }

    /// Pairs aligned while verified get the coverage the aligner gives
    /// their texts (the stream's words are its tokens), in a component cut
    /// into pieces, and only the pairs `wanted` accepts.
    #[test]
    fn aligning_while_verifying_is_aligning_the_texts() {
        let base = "The harbour pilots struck at dawn over pay and pensions, leaving \
                    ships waiting off the coast; the colour of the talks darkened. ";
        // One component of more documents than a piece holds.
        let n = pieces::PIECE_DOCS + 72;
        let texts: Vec<String> = (0..n)
            .map(|i| match i % 60 {
                0..36 => format!("{base}{}", "Talks resume on Monday. ".repeat(i % 7 + 1)),
                36..40 => format!("北京和上海的organisation {base} 罢工colour的"),
                _ => format!("Wharf{i} strike: {base} Pilotswith the union said {i}."),
            })
            .collect();
        let mut pairs: Vec<(usize, usize)> = (0..n)
            .flat_map(|a| [(a, (a * 7 + 3) % n), (a, (a + 1) % n)])
            .filter(|&(a, b)| a != b)
            .collect();
        pairs.sort_unstable();
        pairs.dedup();
        let text = |i: usize| Cow::Borrowed(texts[i].as_str());
        let config = AlignConfig::default();
        let wanted = |v: &Verified| v.scores.shared.is_multiple_of(2);
        let align = AlignWhen {
            config: &config,
            wanted: &wanted,
        };
        let fp = Fingerprinter::default();
        let got = score_components(&fp, &Mask::none(), &pairs, &text, &|_| {}, Some(&align));
        let plain = score_components(&fp, &Mask::none(), &pairs, &text, &|_| {}, None);
        let mut aligned = 0;
        for ((&(a, b), v), p) in pairs.iter().zip(&got).zip(&plain) {
            let (v, p) = (v.unwrap(), p.unwrap());
            assert_eq!((v.scores, v.same_text), (p.scores, p.same_text));
            if wanted(&v) {
                let want = crate::align::align(&texts[a], &texts[b], &config).coverage();
                assert_eq!(v.coverage, Some(want), "pair {a} {b}");
                aligned += 1;
            } else {
                assert_eq!(v.coverage, None);
            }
        }
        assert!(aligned > 10 && aligned < pairs.len(), "{aligned}");
    }

    /// The pairs of a component too large to shingle together are told to
    /// `done` a piece at a time, not all at the end.
    #[test]
    fn large_components_report_progress_as_they_go() {
        let n = pieces::PIECE_DOCS * 2;
        let texts: Vec<String> = (0..n)
            .map(|i| format!("Ferry services resume after the storm, update {i}."))
            .collect();
        let pairs: Vec<(usize, usize)> = (0..n)
            .flat_map(|a| (a + 1..n).map(move |b| (a, b)))
            .collect();
        let text = |i: usize| Cow::Borrowed(texts[i].as_str());
        let ticks = std::sync::Mutex::new(Vec::new());
        let got = score_components(
            &Fingerprinter::default(),
            &Mask::none(),
            &pairs,
            &text,
            &|n| ticks.lock().unwrap().push(n),
            None,
        );
        let ticks = ticks.into_inner().unwrap();
        assert_eq!(ticks.iter().sum::<usize>(), pairs.len());
        assert!(ticks.len() > 1 && ticks.iter().all(|&n| n <= pieces::PIECE_PAIRS));
        assert!(got.iter().all(|v| v.is_some_and(|v| v.scores.shared > 0)));
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
        let mut rng = synth::Rng::new(7);
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
                // B as its stream, then its distinct values (a held B).
                let s = overlap.scores(&b);
                let d = overlap.scores_distinct(&distinct_values(&b));
                assert_eq!(s, d);
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
        let mut rng = synth::Rng::new(11);
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
