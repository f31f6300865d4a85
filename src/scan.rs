//! The scan pipeline: fingerprint every document in parallel, group exact
//! copies, find LSH candidates, verify them exactly, label and cluster.

use crate::boilerplate::{Mask, MaskConfig, MaskStats};
use crate::cluster::{clusters, Cluster, Edge};
use crate::corpus::{DocId, TextSource};
use crate::derivation::{pair_origin, summarize, AlignStage, PairAlignment};
use crate::fingerprint::{Fingerprint, FingerprintParams, Fingerprinter};
use crate::lsh::{
    candidates, Banding, BudgetCut, Candidates, Pair, DEFAULT_MAX_BUCKET, DEFAULT_THRESHOLD,
};
use crate::minhash::Signature;
use crate::progress::Progress;
use crate::verify::{score_components, Relation, Scores, Thresholds};
use crate::wordsig::WordSigner;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

/// Everything a scan is configured by.
#[derive(Debug, Clone)]
pub struct ScanConfig {
    pub fingerprinter: Fingerprinter,
    /// LSH threshold on estimated Jaccard.
    pub threshold: f64,
    pub banding: Banding,
    pub max_bucket: usize,
    pub thresholds: Thresholds,
    pub mask: MaskConfig,
    /// How reported pairs are aligned and their origin found.
    pub align: AlignStage,
    /// The second, word-level candidate signature (None, the default:
    /// character shingles alone choose candidates; docs/design/accuracy.md
    /// has why it is not on by default yet).
    pub words: Option<WordSigner>,
}

impl Default for ScanConfig {
    fn default() -> Self {
        let fingerprinter = Fingerprinter::default();
        ScanConfig {
            banding: Banding::optimal(DEFAULT_THRESHOLD, fingerprinter.minhasher.num_perm),
            fingerprinter,
            threshold: DEFAULT_THRESHOLD,
            max_bucket: DEFAULT_MAX_BUCKET,
            thresholds: Thresholds::default(),
            mask: MaskConfig::default(),
            align: AlignStage::new(Default::default()),
            words: None,
        }
    }
}

/// The parameters a report was made with (part of the JSON contract).
#[derive(Debug, Clone, Serialize)]
pub struct Parameters {
    #[serde(flatten)]
    pub fingerprint: FingerprintParams,
    pub threshold: f64,
    pub bands: usize,
    pub rows: usize,
    pub max_bucket: usize,
    pub near_duplicate: f64,
    pub contained: f64,
    pub rewrite: f64,
    pub min_shared: usize,
    pub mask_share: f64,
    pub mask_min_docs: usize,
    pub aligned: f64,
    pub min_run: usize,
    pub max_gap: usize,
}

impl ScanConfig {
    pub fn parameters(&self) -> Parameters {
        Parameters {
            fingerprint: self.fingerprinter.params(),
            threshold: self.threshold,
            bands: self.banding.bands,
            rows: self.banding.rows,
            max_bucket: self.max_bucket,
            near_duplicate: self.thresholds.near_duplicate,
            contained: self.thresholds.contained,
            rewrite: self.thresholds.rewrite,
            min_shared: self.thresholds.min_shared,
            mask_share: self.mask.share,
            mask_min_docs: self.mask.min_docs,
            aligned: self.thresholds.aligned,
            min_run: self.align.align.min_run,
            max_gap: self.align.align.max_gap,
        }
    }
}

/// A verified pair that earned a relation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Match {
    pub pair: Pair,
    pub scores: Scores,
    pub relation: Relation,
    pub alignment: PairAlignment,
}

/// Counts describing how a scan went.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ScanStats {
    pub bytes: u64,
    /// Documents that are exact copies of an earlier one.
    pub exact_copies: usize,
    /// Distinct candidate pairs from LSH.
    pub candidates: usize,
    pub skipped_buckets: usize,
    pub largest_skipped_bucket: usize,
    /// Pairs of buckets within `max_bucket` that the pair budget cut.
    pub pair_budget: BudgetCut,
    pub mask: MaskStats,
}

/// What a scan found.
#[derive(Debug, Clone)]
pub struct ScanResult {
    pub parameters: Parameters,
    pub matches: Vec<Match>,
    pub clusters: Vec<Cluster>,
    pub stats: ScanStats,
    /// The boilerplate mask the scan used.
    pub mask: Mask,
    /// The alignment stage the scan used.
    pub align: AlignStage,
}

/// Give every exact copy the pairs its first copy has, and pair the copies of
/// one text with each other. Only first copies go through LSH, and copies
/// share their normalized text, so their scores are the first copy's. A
/// group whose expansion would pass `cap` pairs keeps star pairs only (each
/// copy with the first), which still puts every copy in the right cluster.
fn expand_exact_copies(matches: Vec<Match>, exact: &[Match], cap: usize) -> Vec<Match> {
    let mut copies: HashMap<DocId, Vec<DocId>> = HashMap::new();
    for m in exact {
        copies.entry(m.pair.a).or_default().push(m.pair.b);
    }
    let mut out = Vec::with_capacity(matches.len() + exact.len());
    for m in matches {
        let side = |d: DocId| -> Vec<DocId> {
            let mut v = vec![d];
            v.extend(copies.get(&d).into_iter().flatten());
            v
        };
        let (xs, ys) = (side(m.pair.a), side(m.pair.b));
        if xs.len() * ys.len() > cap.max(1) {
            out.push(m);
            continue;
        }
        for &x in &xs {
            for &y in &ys {
                let pair = Pair::new(x, y);
                let mut scores = m.scores;
                if pair.a != x {
                    std::mem::swap(
                        &mut scores.containment_a_in_b,
                        &mut scores.containment_b_in_a,
                    );
                    std::mem::swap(&mut scores.shingles_a, &mut scores.shingles_b);
                }
                let alignment = if pair.a != x {
                    m.alignment.swapped()
                } else {
                    m.alignment
                };
                out.push(Match {
                    pair,
                    scores,
                    alignment,
                    ..m
                });
            }
        }
    }
    for (first, group) in &copies {
        let mut all = vec![*first];
        all.extend(group);
        let template = exact.iter().find(|m| m.pair.a == *first).copied();
        let Some(template) = template else { continue };
        if all.len() * (all.len() - 1) / 2 > cap.max(1) {
            out.extend(exact.iter().filter(|m| m.pair.a == *first).copied());
            continue;
        }
        for i in 0..all.len() {
            for j in i + 1..all.len() {
                out.push(Match {
                    pair: Pair::new(all[i], all[j]),
                    ..template
                });
            }
        }
    }
    out
}

/// The boilerplate mask of a corpus: `scan`, `dedup`, `sign` and `verify`
/// all build it here, from the same evenly spaced sample of the whole
/// corpus (`MaskConfig::sample_indices`, as `Mask::build` samples), so a
/// sharded chain masks exactly what a scan masks. Only the sampled texts
/// are asked of `corpus`.
pub fn build_mask<S: TextSource + ?Sized>(corpus: &S, config: &ScanConfig) -> Mask {
    let picked = config.mask.sample_indices(corpus.doc_count());
    Mask::build_from(
        picked.len(),
        &|i| Some(corpus.text(DocId(picked[i] as u32))),
        &config.fingerprinter.shingler,
        &config.mask,
    )
}

/// Fingerprints of `docs` (in that order), in parallel.
pub fn fingerprint_docs<S: TextSource + ?Sized>(
    corpus: &S,
    config: &ScanConfig,
    mask: &Mask,
    docs: &[DocId],
    progress: Progress,
) -> Vec<Fingerprint> {
    let fp = &config.fingerprinter;
    let bar = progress.bar(docs.len() as u64, "fingerprinting");
    let prints: Vec<Fingerprint> = docs
        .par_iter()
        .with_min_len(64)
        .map(|&id| {
            let f = fp.fingerprint_masked(&corpus.text(id), mask);
            bar.inc(1);
            f
        })
        .collect();
    bar.finish_and_clear();
    prints
}

/// Verify candidate pairs exactly (`verify::score_pairs`), align those
/// with some overlap, and keep those that earn a relation (by shingles, or
/// by the share of the derived copy its shared passages cover). `pairs`
/// come sorted, so each first document's pairs are adjacent. No shingle set
/// is held beyond its pair. `scan` and `verify` both verify here.
pub fn verify_pairs<S: TextSource + ?Sized>(
    corpus: &S,
    config: &ScanConfig,
    mask: &Mask,
    pairs: &[Pair],
    progress: Progress,
) -> Vec<Match> {
    let bar = progress.bar(pairs.len() as u64, "verifying");
    let keys: Vec<(DocId, DocId)> = pairs.iter().map(|p| (p.a, p.b)).collect();
    let scored = score_components(
        &config.fingerprinter,
        mask,
        &keys,
        &|id| corpus.text(id),
        &|n| bar.inc(n as u64),
    );
    let t = &config.thresholds;
    let kept: Vec<(Pair, Scores, Option<Relation>)> = pairs
        .iter()
        .zip(scored)
        .filter_map(|(&pair, v)| {
            let v = v?;
            let relation = t.classify(&v.scores, v.same_text);
            (relation.is_some() || t.may_align(&v.scores)).then_some((pair, v.scores, relation))
        })
        .collect();
    bar.finish_and_clear();
    let keys: Vec<(DocId, DocId)> = kept.iter().map(|k| (k.0.a, k.0.b)).collect();
    let aligned = summarize(corpus, &keys, &config.align);
    kept.into_iter()
        .zip(aligned)
        .filter_map(|((pair, scores, relation), alignment)| {
            Some(Match {
                pair,
                scores,
                relation: t.with_alignment(relation, alignment.derivation())?,
                alignment,
            })
        })
        .collect()
}

/// Matches for exact-copy pairs (first copy, later copy): their scores need
/// only the first copy's distinct shingles.
pub fn exact_matches<S: TextSource + ?Sized>(
    corpus: &S,
    config: &ScanConfig,
    mask: &Mask,
    exact: &[Pair],
) -> Vec<Match> {
    let fp = &config.fingerprinter;
    // One set per first copy, however many copies it has.
    let mut firsts: Vec<DocId> = exact.iter().map(|p| p.a).collect();
    firsts.sort_unstable();
    firsts.dedup();
    let sizes: HashMap<DocId, usize> = firsts
        .par_iter()
        .map(|&id| (id, fp.distinct_shingles_masked(&corpus.text(id), mask)))
        .collect();
    let keys: Vec<(DocId, DocId)> = exact.iter().map(|p| (p.a, p.b)).collect();
    let aligned = summarize(corpus, &keys, &config.align);
    exact
        .iter()
        .zip(aligned)
        .map(|(&pair, alignment)| {
            let n = sizes[&pair.a];
            Match {
                pair,
                scores: Scores::from_counts(n, n, n),
                relation: Relation::Exact,
                alignment,
            }
        })
        .collect()
}

/// The reported pairs of verified candidates and exact copies, sorted: each
/// exact copy gets the pairs its first copy has.
/// Each pair's origin is its own (copies of one text may differ in date).
pub fn report_matches<S: TextSource + ?Sized>(
    corpus: &S,
    matches: Vec<Match>,
    exact: &[Match],
    config: &ScanConfig,
) -> Vec<Match> {
    let mut matches = expand_exact_copies(matches, exact, config.max_bucket);
    matches.sort_by_key(|m| m.pair);
    for m in &mut matches {
        let sources = &config.align.origin_sources;
        m.alignment.origin = pair_origin(corpus, m.pair.a, m.pair.b, sources);
    }
    matches
}

/// Exact-copy pairs (first copy, later copy), and the first copies with any
/// shingles at all, which alone go on to LSH (`candidates.py` does the same
/// on Spark: see spark/README in README.md's Scaling out).
fn first_copies(prints: &[Fingerprint]) -> (Vec<Pair>, Vec<(DocId, &Signature)>) {
    let mut first_of: HashMap<u128, DocId> = HashMap::with_capacity(prints.len());
    let mut exact: Vec<Pair> = Vec::new();
    let mut lsh_docs = Vec::with_capacity(prints.len());
    for (i, p) in prints.iter().enumerate() {
        let id = DocId(i as u32);
        if p.shingles == 0 {
            continue;
        }
        match first_of.entry(p.text_hash) {
            std::collections::hash_map::Entry::Occupied(e) => exact.push(Pair::new(*e.get(), id)),
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(id);
                lsh_docs.push((id, &p.signature));
            }
        }
    }
    (exact, lsh_docs)
}

/// Candidate pairs of `docs`: those sharing a band of the character-shingle
/// signature, and with `config.words` those sharing a band of the coarser
/// word signature (`wordsig`), so heavy rewrites reach verification too.
pub fn find_candidates<S: TextSource + ?Sized>(
    corpus: &S,
    config: &ScanConfig,
    docs: &[(DocId, &Signature)],
) -> Candidates {
    let mut cands = candidates(docs, config.banding, config.max_bucket);
    let Some(words) = &config.words else {
        return cands;
    };
    let sigs: Vec<Option<Signature>> = docs
        .par_iter()
        .with_min_len(64)
        .map(|(id, _)| words.signature(&corpus.text(*id)))
        .collect();
    let word_docs: Vec<(DocId, &Signature)> = docs
        .iter()
        .zip(&sigs)
        .filter_map(|((id, _), s)| Some((*id, s.as_ref()?)))
        .collect();
    let more = candidates(&word_docs, words.banding, config.max_bucket);
    cands.pairs.extend(more.pairs);
    cands.pairs.par_sort_unstable();
    cands.pairs.dedup();
    cands.skipped_buckets += more.skipped_buckets;
    cands.largest_skipped = cands.largest_skipped.max(more.largest_skipped);
    cands.budget.add(&more.budget);
    cands
}

/// The pairs a scan verifies (candidates of first copies) and its exact-copy
/// pairs, sorted: for measuring candidate recall apart from verification.
pub fn candidate_pairs<S: TextSource + ?Sized>(
    corpus: &S,
    config: &ScanConfig,
    progress: Progress,
) -> Vec<Pair> {
    let mask = build_mask(corpus, config);
    let all: Vec<DocId> = (0..corpus.doc_count() as u32).map(DocId).collect();
    let prints = fingerprint_docs(corpus, config, &mask, &all, progress);
    let (exact, lsh_docs) = first_copies(&prints);
    let mut pairs = find_candidates(corpus, config, &lsh_docs).pairs;
    pairs.extend(exact);
    pairs.sort_unstable();
    pairs
}

/// Scan a corpus for copies (texts held in memory or re-read on demand).
pub fn scan<S: TextSource + ?Sized>(
    corpus: &S,
    config: &ScanConfig,
    progress: Progress,
) -> ScanResult {
    let mask = build_mask(corpus, config);
    let all: Vec<DocId> = (0..corpus.doc_count() as u32).map(DocId).collect();
    let prints = fingerprint_docs(corpus, config, &mask, &all, progress);

    let (exact, lsh_docs) = first_copies(&prints);
    let cands = find_candidates(corpus, config, &lsh_docs);
    let matches = verify_pairs(corpus, config, &mask, &cands.pairs, progress);
    let exact_matches = exact_matches(corpus, config, &mask, &exact);
    let matches = report_matches(corpus, matches, &exact_matches, config);

    ScanResult {
        parameters: config.parameters(),
        clusters: clusters(corpus, &edges_of(&matches)),
        stats: ScanStats {
            bytes: corpus.text_bytes(),
            exact_copies: exact.len(),
            candidates: cands.pairs.len(),
            skipped_buckets: cands.skipped_buckets,
            largest_skipped_bucket: cands.largest_skipped,
            pair_budget: cands.budget,
            mask: mask.stats(),
        },
        matches,
        mask,
        align: config.align.clone(),
    }
}

/// What the candidate pair budget cut, for stderr (`None` when nothing).
pub fn budget_message(stats: &ScanStats) -> Option<String> {
    let b = &stats.pair_budget;
    (!b.is_empty()).then(|| {
        format!(
            "the candidate pair budget ({} pairs held at once) cut {} pairs: {} buckets of more than {} documents paired each document with the next only, {} skipped",
            b.budget,
            b.pairs_cut,
            b.chained_buckets,
            b.full_up_to,
            b.skipped_buckets
        )
    })
}

/// Clustering edges of reported pairs.
pub fn edges_of(matches: &[Match]) -> Vec<Edge> {
    matches
        .iter()
        .map(|m| Edge {
            a: m.pair.a,
            b: m.pair.b,
            scores: m.scores,
            origin: m.alignment.origin,
        })
        .collect()
}
