//! The scan pipeline: fingerprint every document in parallel, group exact
//! copies, find LSH candidates, verify them exactly, label and cluster.

use crate::align::{coverage, self_coverage};
use crate::boilerplate::{Mask, MaskConfig, MaskStats};
use crate::cluster::{clusters, Cluster, Edge};
use crate::corpus::{DocId, TextSource};
use crate::derivation::{pair_origin, AlignStage, PairAlignment};
use crate::fingerprint::{Fingerprint, FingerprintParams, Fingerprinter};
use crate::lsh::{
    candidates, filtered_candidates, Banding, BudgetCut, Candidates, Pair, DEFAULT_MAX_BUCKET,
    DEFAULT_THRESHOLD,
};
use crate::minhash::Signature;
use crate::progress::Progress;
use crate::verify::{score_components, AlignWhen, Relation, Scores, Thresholds, Verified};
use crate::wordsig::{word_pair_budget, CommonWords, KnownPairs, WordSigner, WordTable};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

/// Everything a scan is configured by.
#[derive(Debug, Clone)]
pub struct ScanConfig {
    /// How texts are fingerprinted.
    pub fingerprinter: Fingerprinter,
    /// LSH threshold on estimated Jaccard.
    pub threshold: f64,
    /// How signatures are cut into bands.
    pub banding: Banding,
    /// Band buckets larger than this are skipped.
    pub max_bucket: usize,
    /// Score floors of the relations.
    pub thresholds: Thresholds,
    /// How the boilerplate mask is built.
    pub mask: MaskConfig,
    /// How reported pairs are aligned and their origin found.
    pub align: AlignStage,
    /// The second, word-level candidate signature (on by default; None:
    /// character shingles alone choose candidates).
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
            words: Some(WordSigner::default()),
        }
    }
}

/// The parameters a report was made with (part of the JSON contract).
#[derive(Debug, Clone, Serialize)]
pub struct Parameters {
    #[serde(flatten)]
    /// The fingerprint parameters.
    pub fingerprint: FingerprintParams,
    /// LSH threshold.
    pub threshold: f64,
    /// LSH bands.
    pub bands: usize,
    /// Rows per band.
    pub rows: usize,
    /// Largest band bucket read.
    pub max_bucket: usize,
    /// Jaccard floor of `near-duplicate`.
    pub near_duplicate: f64,
    /// Containment floor of `contained`.
    pub contained: f64,
    /// Containment floor of `rewrite`.
    pub rewrite: f64,
    /// Shingles a contained pair or rewrite must share.
    pub min_shared: usize,
    /// Boilerplate mask share.
    pub mask_share: f64,
    /// Boilerplate mask minimum documents.
    pub mask_min_docs: usize,
    /// Aligned share that makes a rewrite.
    pub aligned: f64,
    /// Words a passage must match.
    pub min_run: usize,
    /// Changed words a passage may hold in a row.
    pub max_gap: usize,
}

impl ScanConfig {
    /// The parameters reports show for this configuration.
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
    /// The two documents.
    pub pair: Pair,
    /// Their exact scores.
    pub scores: Scores,
    /// What one is to the other.
    pub relation: Relation,
    /// What their alignment found.
    pub alignment: PairAlignment,
}

/// Counts describing how a scan went.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ScanStats {
    /// Bytes of text scanned.
    pub bytes: u64,
    /// Documents that are exact copies of an earlier one.
    pub exact_copies: usize,
    /// Distinct candidate pairs from LSH.
    pub candidates: usize,
    /// Band buckets over `max_bucket`, skipped.
    pub skipped_buckets: usize,
    /// Size of the largest skipped bucket.
    pub largest_skipped_bucket: usize,
    /// Pairs of buckets within `max_bucket` that the pair budget cut.
    pub pair_budget: BudgetCut,
    /// Candidates from the word signature alone (counted in `candidates`).
    pub word_candidates: usize,
    /// Word-only pairs over the word pair budget, left unverified.
    pub word_candidates_cut: usize,
    /// What the boilerplate mask was built from.
    pub mask: MaskStats,
}

/// What a scan found.
#[derive(Debug, Clone)]
pub struct ScanResult {
    /// The parameters of the scan.
    pub parameters: Parameters,
    /// The pairs reported.
    pub matches: Vec<Match>,
    /// The clusters of copies.
    pub clusters: Vec<Cluster>,
    /// Counts of the run.
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
pub(crate) fn fingerprint_docs<S: TextSource + ?Sized>(
    corpus: &S,
    config: &ScanConfig,
    mask: &Mask,
    docs: &[DocId],
    progress: Progress,
) -> Vec<Fingerprint> {
    let fp = &config.fingerprinter;
    each_doc(docs, progress, |id| {
        fp.fingerprint_masked(&corpus.text(id), mask)
    })
}

/// `f` of each of `docs` (in that order), in parallel, under a
/// "fingerprinting" progress bar.
fn each_doc<T: Send>(docs: &[DocId], progress: Progress, f: impl Fn(DocId) -> T + Sync) -> Vec<T> {
    let bar = progress.bar(docs.len() as u64, "fingerprinting");
    let out = docs
        .par_iter()
        .with_min_len(64)
        .map(|&id| {
            let v = f(id);
            bar.inc(1);
            v
        })
        .collect();
    bar.finish_and_clear();
    out
}

/// Fingerprints of every document of `corpus`, in parallel, and with
/// `config.words` their word signatures from the same normalization pass
/// (`Fingerprinter::fingerprint_with_words`; empty without).
pub(crate) fn fingerprint_corpus<S: TextSource + ?Sized>(
    corpus: &S,
    config: &ScanConfig,
    mask: &Mask,
    progress: Progress,
) -> (Vec<Fingerprint>, Vec<Option<Signature>>) {
    let all: Vec<DocId> = (0..corpus.doc_count() as u32).map(DocId).collect();
    let common = common_words(corpus, config);
    fingerprint_docs_with_words(corpus, config, mask, common.as_ref(), &all, progress)
}

/// The common words the word signature leaves out (None without
/// `config.words`), from an evenly spaced sample of the whole corpus: `scan`
/// and every shard of `sign` find the same ones.
pub(crate) fn common_words<S: TextSource + ?Sized>(
    corpus: &S,
    config: &ScanConfig,
) -> Option<CommonWords> {
    config.words?;
    Some(CommonWords::of_corpus(corpus.doc_count(), &|i| {
        Some(corpus.text(DocId(i as u32)))
    }))
}

/// Fingerprints of `docs` (in that order), in parallel, and with
/// `config.words` and `common` their word signatures from the same
/// normalization pass (empty without): `fingerprint_corpus` and `sign`.
pub(crate) fn fingerprint_docs_with_words<S: TextSource + ?Sized>(
    corpus: &S,
    config: &ScanConfig,
    mask: &Mask,
    common: Option<&CommonWords>,
    docs: &[DocId],
    progress: Progress,
) -> (Vec<Fingerprint>, Vec<Option<Signature>>) {
    let (Some(words), Some(common)) = (&config.words, common) else {
        return (
            fingerprint_docs(corpus, config, mask, docs, progress),
            Vec::new(),
        );
    };
    let fp = &config.fingerprinter;
    each_doc(docs, progress, |id| {
        fp.fingerprint_with_words(&corpus.text(id), mask, words, common)
    })
    .into_iter()
    .unzip()
}

/// Verify candidate pairs exactly (`verify::score_components`), align those
/// with some overlap on the words of the same pass (`verify::AlignWhen`),
/// and keep those that earn a relation (by shingles, or
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
    let t = &config.thresholds;
    let wanted =
        |v: &Verified| t.classify(&v.scores, v.same_text).is_some() || t.may_align(&v.scores);
    let align = AlignWhen {
        config: &config.align.align,
        wanted: &wanted,
    };
    let scored = score_components(
        &config.fingerprinter,
        mask,
        &keys,
        &|id| corpus.text(id),
        &|n| bar.inc(n as u64),
        Some(&align),
    );
    bar.finish_and_clear();
    let sources = &config.align.origin_sources;
    pairs
        .par_iter()
        .zip(scored)
        .filter_map(|(&pair, v)| {
            let v = v?;
            let relation = t.classify(&v.scores, v.same_text);
            let alignment =
                PairAlignment::of(&v.coverage?, pair_origin(corpus, pair.a, pair.b, sources));
            Some(Match {
                pair,
                scores: v.scores,
                relation: t.with_alignment(relation, &alignment)?,
                alignment,
            })
        })
        .collect()
}

/// `verify_pairs` of both kinds of candidates in one batch: the large
/// components word pairs make are cut into pieces (`verify::pieces`), and a
/// document in both kinds is normalized once: `scan` and `verify`.
pub fn verify_candidates<S: TextSource + ?Sized>(
    corpus: &S,
    config: &ScanConfig,
    mask: &Mask,
    cands: &ScanCandidates,
    progress: Progress,
) -> Vec<Match> {
    verify_pairs(corpus, config, mask, &cands.all(), progress)
}

/// Matches for exact-copy pairs (first copy, later copy): their scores need
/// only the first copy's distinct shingles, counted in the pass that gives
/// its words; each later copy is at most tokenized, and aligned on its words.
pub fn exact_matches<S: TextSource + ?Sized>(
    corpus: &S,
    config: &ScanConfig,
    mask: &Mask,
    exact: &[Pair],
) -> Vec<Match> {
    let fp = &config.fingerprinter;
    let align = &config.align.align;
    let sources = &config.align.origin_sources;
    // Pair indices grouped by first copy, so each first is read once.
    let mut order: Vec<usize> = (0..exact.len()).collect();
    order.sort_by_key(|&i| exact[i].a);
    let groups: Vec<&[usize]> = order.chunk_by(|&x, &y| exact[x].a == exact[y].a).collect();
    let scored: Vec<Vec<(usize, Match)>> = groups
        .par_iter()
        .map(|group| {
            let first = exact[group[0]].a;
            let text_a = corpus.text(first);
            let (n, words_a) = fp.with_unmasked_words(&text_a, mask, |h, _, w, _| {
                (crate::overlap::distinct_count(h), w.to_vec())
            });
            // A copy with the first's words aligns as the first against
            // itself (no search). A copy that only normalizes the same may
            // split its words otherwise ("Beijingwith"): it is searched.
            let own = std::cell::OnceCell::new();
            let own = || *own.get_or_init(|| self_coverage(&words_a, &[], align));
            group
                .iter()
                .map(|&i| {
                    let pair = exact[i];
                    let text_b = corpus.text(pair.b);
                    let cov = if text_b == text_a {
                        own()
                    } else {
                        fp.with_words(&text_b, |w| {
                            if w == words_a {
                                own()
                            } else {
                                coverage(&words_a, w, &[], &[], align)
                            }
                        })
                    };
                    let origin = pair_origin(corpus, pair.a, pair.b, sources);
                    let m = Match {
                        pair,
                        scores: Scores::from_counts(n, n, n),
                        relation: Relation::Exact,
                        alignment: PairAlignment::of(&cov, origin),
                    };
                    (i, m)
                })
                .collect()
        })
        .collect();
    let mut out: Vec<Option<Match>> = (0..exact.len()).map(|_| None).collect();
    for (i, m) in scored.into_iter().flatten() {
        out[i] = Some(m);
    }
    out.into_iter().flatten().collect()
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
/// signature (`pairs`), and with `config.words` those sharing a band of the
/// coarser word signature (`wordsig`; `word_sigs` by document number) with
/// a word Jaccard estimate of at least `MIN_WORD_JACCARD` that are not
/// already candidates (`words`), so heavy rewrites reach verification too.
pub(crate) fn find_candidates(
    config: &ScanConfig,
    docs: &[(DocId, &Signature)],
    word_sigs: &[Option<Signature>],
) -> ScanCandidates {
    let chars = candidates(docs, config.banding, config.max_bucket);
    let Some(words) = &config.words else {
        return ScanCandidates {
            chars,
            ..ScanCandidates::default()
        };
    };
    let by_id = |id: DocId| word_sigs.get(id.0 as usize).and_then(Option::as_ref);
    let word_docs: Vec<(DocId, &Signature)> = docs
        .iter()
        .filter_map(|&(id, _)| Some((id, by_id(id)?)))
        .collect();
    let table = WordTable::of(word_sigs);
    // Copies meet in most word bands too: their pairs are struck first
    // (`KnownPairs`), before any signature rows are read.
    let char_pairs = KnownPairs::of(&chars.pairs, word_sigs.len());
    let keep = |a: DocId, b: DocId| !char_pairs.contains(a, b) && table.related(a, b);
    let mut words = filtered_candidates(&word_docs, words.banding, config.max_bucket, &keep).pairs;
    let budget = word_pair_budget(docs.len());
    let cut = words.len().saturating_sub(budget);
    if cut > 0 {
        // Keep the pairs of highest estimated word Jaccard (ties by pair).
        let mut scored: Vec<(f64, Pair)> = words
            .par_iter()
            .map(|p| (table.estimate(p.a, p.b), *p))
            .collect();
        scored.select_nth_unstable_by(budget, |x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
        scored.truncate(budget);
        words = scored.into_iter().map(|s| s.1).collect();
        words.sort_unstable();
    }
    ScanCandidates { chars, words, cut }
}

/// The candidates of both signatures, kept apart: the word pairs have their
/// own budget and count (`stats.word_candidates`).
#[derive(Debug, Clone, Default)]
pub struct ScanCandidates {
    /// Candidates of the character signature.
    pub chars: Candidates,
    /// Pairs of the word signature alone, sorted.
    pub words: Vec<Pair>,
    /// Word-only pairs over `word_pair_budget`, not verified.
    pub cut: usize,
}

impl ScanCandidates {
    /// Every candidate pair, sorted.
    pub fn all(&self) -> Vec<Pair> {
        let mut all = self.chars.pairs.clone();
        all.extend_from_slice(&self.words);
        all.sort_unstable();
        all
    }

    /// Number of candidate pairs.
    pub fn len(&self) -> usize {
        self.chars.pairs.len() + self.words.len()
    }

    /// Whether there are no candidates.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The pairs a scan verifies (candidates of first copies) and its exact-copy
/// pairs, sorted: for measuring candidate recall apart from verification.
pub fn candidate_pairs<S: TextSource + ?Sized>(
    corpus: &S,
    config: &ScanConfig,
    progress: Progress,
) -> Vec<Pair> {
    let mask = build_mask(corpus, config);
    let (prints, word_sigs) = fingerprint_corpus(corpus, config, &mask, progress);
    let (exact, lsh_docs) = first_copies(&prints);
    let mut pairs = find_candidates(config, &lsh_docs, &word_sigs).all();
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
    let (prints, word_sigs) = fingerprint_corpus(corpus, config, &mask, progress);
    let (exact, lsh_docs) = first_copies(&prints);
    let cands = find_candidates(config, &lsh_docs, &word_sigs);
    // Only the bands read the signatures (1 KB a document at defaults): free
    // them before verification (benches/results/2026-12-07-short-scale.md).
    drop(lsh_docs);
    drop(prints);
    drop(word_sigs);
    let matches = verify_candidates(corpus, config, &mask, &cands, progress);
    let exact_matches = exact_matches(corpus, config, &mask, &exact);
    let matches = report_matches(corpus, matches, &exact_matches, config);

    ScanResult {
        parameters: config.parameters(),
        clusters: clusters(corpus, &edges_of(&matches)),
        stats: ScanStats {
            bytes: corpus.text_bytes(),
            exact_copies: exact.len(),
            candidates: cands.len(),
            skipped_buckets: cands.chars.skipped_buckets,
            largest_skipped_bucket: cands.chars.largest_skipped,
            pair_budget: cands.chars.budget,
            word_candidates: cands.words.len(),
            word_candidates_cut: cands.cut,
            mask: mask.stats(),
        },
        matches,
        mask,
        align: config.align.clone(),
    }
}

/// What the candidate pair budgets cut, for stderr (empty when nothing).
pub fn budget_message(stats: &ScanStats) -> Vec<String> {
    let b = &stats.pair_budget;
    let mut out = Vec::new();
    if !b.is_empty() {
        out.push(format!(
            "the candidate pair budget ({} pairs held at once) cut {} pairs: {} buckets of more than {} documents paired each document with the next only, {} skipped",
            b.budget,
            b.pairs_cut,
            b.chained_buckets,
            b.full_up_to,
            b.skipped_buckets
        ));
    }
    if stats.word_candidates_cut > 0 {
        out.push(format!(
            "the word signature found {} more candidate pairs than its budget: the {} of highest word overlap were verified (--no-word-candidates turns the signature off)",
            stats.word_candidates_cut, stats.word_candidates
        ));
    }
    out
}

/// Clustering edges of reported pairs.
pub(crate) fn edges_of(matches: &[Match]) -> Vec<Edge> {
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
