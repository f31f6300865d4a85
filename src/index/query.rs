//! `reprint query`: the archived documents each story copies, found through
//! the stored LSH band keys and verified as `scan` verifies (exactly when the
//! archive holds text, else as MinHash estimates, and said so).

use super::codec::text_key;
use super::errors::{damaged, db_error};
use super::handle::{Index, StoredDoc};
use super::words::{self, Words, WORD_CANDIDATES_PER_STORY};
use crate::align::{align_tokens, Passage, Tokens};
use crate::corpus::{Corpus, DocId, Document};
use crate::derivation::{AlignStage, PairAlignment};
use crate::direction::{origin, Provenance};
use crate::error::Result;
use crate::fingerprint::Fingerprint;
use crate::minhash::Signature;
use crate::progress::Progress;
use crate::scan::{Parameters, ScanConfig};
use crate::verify::{score_pairs, Relation, Scores, Thresholds};
use crate::wordsig::MIN_WORD_JACCARD;
use rayon::prelude::*;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant};

/// One verified pair of `verify_chunk`, before alignment.
struct Judged {
    scores: Scores,
    /// Scores are MinHash estimates (the archive holds no text).
    estimated: bool,
    /// The relation the shingles give.
    shingles: Option<Relation>,
    /// Whether the pair is aligned.
    align: bool,
}

/// Query documents fingerprinted and verified together.
const QUERY_CHUNK: usize = 256;
/// Band keys looked up before deciding whether the archive is cold.
const PROBE_KEYS: usize = 2;
/// Mean time of one chunk read above which the archive counts as cold (out
/// of the page cache): a cached chunk takes a few microseconds, one read
/// from this machine's disk ~100.
const COLD_LOOKUP: Duration = Duration::from_micros(40);

/// One bucket lookup of a query: story `query`'s key in `band` (the band
/// after the last is the exact-text hash).
#[derive(Debug, Clone, Copy)]
pub(super) struct Lookup {
    pub query: usize,
    pub band: u32,
    pub key: i64,
}

/// How a query is answered.
#[derive(Debug, Clone)]
pub struct QueryOptions {
    /// Score floors of the relations.
    pub thresholds: Thresholds,
    /// How matches are aligned with the archived texts.
    pub align: AlignStage,
    /// Band buckets holding more archived documents than this are skipped.
    pub max_bucket: usize,
    /// At most this many matches per query document (best first).
    pub limit: Option<usize>,
    /// Look for word-only candidates too, when the archive keeps word
    /// signatures (`--no-word-candidates`: false).
    pub words: bool,
}

impl Default for QueryOptions {
    fn default() -> Self {
        QueryOptions {
            thresholds: Thresholds::default(),
            align: AlignStage::default(),
            max_bucket: crate::lsh::DEFAULT_MAX_BUCKET,
            limit: None,
            words: true,
        }
    }
}

/// One archived document a query document matches.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryMatch {
    /// The query document.
    pub query: DocId,
    /// The archived document's id and metadata.
    pub id: String,
    /// The archived document's title.
    pub title: Option<String>,
    /// The archived document's source.
    pub source: Option<String>,
    /// The archived document's date.
    pub date: Option<String>,
    /// `a` is the query document, `b` the archived one.
    pub scores: Scores,
    /// What the query document is to the archived one.
    pub relation: Relation,
    /// Alignment with the archived text (zero when it was not stored).
    pub alignment: PairAlignment,
    /// The shared passages (`a` in the query story, `b` in the archived).
    pub passages: Vec<Passage>,
    /// Scores estimated from signatures (the archived text was not stored).
    pub estimated: bool,
}

/// Counts describing a query run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct QueryStats {
    /// Distinct (query, archived document) pairs verified.
    pub candidates: usize,
    /// Band buckets over `max_bucket`, skipped.
    pub skipped_buckets: usize,
    /// Band buckets within `max_bucket` skipped because the candidates
    /// held for a chunk of stories reached their budget.
    pub budget_skipped_buckets: usize,
    /// Candidates from the word signature alone (counted in `candidates`).
    pub word_candidates: usize,
    /// Word-only candidates over the cap of `WORD_CANDIDATES_PER_STORY`
    /// per story, left unverified.
    pub word_candidates_cut: usize,
    /// Word band buckets over `max_bucket`, skipped.
    pub word_skipped_buckets: usize,
}

/// What a query run found.
#[derive(Debug, Clone)]
pub struct QueryResult {
    /// Documents in the archive when the query read it.
    pub archive_documents: usize,
    /// The parameters the query used.
    pub parameters: Parameters,
    /// Grouped by query document in input order, best match first.
    pub matches: Vec<QueryMatch>,
    /// Counts of the run.
    pub stats: QueryStats,
    /// Whether word-only candidates were looked for (false: turned off, or
    /// the archive keeps no word signatures).
    pub word_candidates: bool,
}

/// Scores of a pair, estimated from signatures and distinct shingle counts:
/// shared = J / (1 + J) * (|A| + |B|).
fn estimated_scores(a: &Fingerprint, len_a: usize, b: &StoredDoc) -> Scores {
    let j = a.signature.estimate_jaccard(&b.signature);
    let len_b = b.shingles.unwrap_or(len_a);
    let shared = (j / (1.0 + j) * (len_a + len_b) as f64).round() as usize;
    Scores::from_counts(len_a, len_b, shared.min(len_a).min(len_b))
}

/// Best first: stronger relation, then more containment, then Jaccard.
fn best_first(x: &QueryMatch, y: &QueryMatch) -> std::cmp::Ordering {
    x.query
        .cmp(&y.query)
        .then(x.relation.cmp(&y.relation))
        .then(
            y.scores
                .max_containment()
                .total_cmp(&x.scores.max_containment()),
        )
        .then(y.scores.jaccard.total_cmp(&x.scores.jaccard))
        .then(x.id.cmp(&y.id))
}

impl Index {
    /// Match every document of `corpus` against the archive. The whole run
    /// reads one committed snapshot (a concurrent `add` is not seen halfway).
    pub fn query(
        &self,
        corpus: &Corpus,
        options: &QueryOptions,
        progress: Progress,
    ) -> Result<QueryResult> {
        let tx = self.conn.unchecked_transaction().map_err(|e| self.err(e))?;
        let archive_documents = self.len()?;
        let runs = super::runs::list(&self.conn).map_err(|e| self.err(e))?;
        // Removed documents linger in runs until those are rewritten.
        let dead = self
            .conn
            .query_row("SELECT EXISTS(SELECT 1 FROM dead)", [], |r| {
                r.get::<_, bool>(0)
            })
            .map_err(|e| self.err(e))?;
        let words = self.words.as_ref().filter(|_| options.words);
        let bar = progress.bar(corpus.len() as u64, "querying");
        let mut stats = QueryStats::default();
        // (story, archived document) candidates held at once for one chunk
        // of stories (about 40 bytes each in the set): past it, further band
        // buckets are skipped and counted, exact copies never. Reached only
        // with `--max-bucket` far above its default.
        let pair_budget = crate::lsh::pair_budget(0) * 2;
        let mut matches = Vec::new();
        for (c, docs) in corpus.docs.chunks(QUERY_CHUNK).enumerate() {
            let base = c * QUERY_CHUNK;
            let (fp, mask) = (&self.fingerprinter, &self.mask);
            // With word signatures, from the same pass (as `scan` and `add`).
            let (prints, word_sigs): (Vec<Fingerprint>, Vec<Option<Signature>>) = match words {
                Some(w) => docs
                    .par_iter()
                    .map(|d| {
                        let (p, sig) =
                            fp.fingerprint_with_words(&d.text, mask, &w.signer, &w.common);
                        let sig = sig.filter(|_| p.shingles > 0);
                        (p, sig)
                    })
                    .unzip(),
                None => (
                    docs.par_iter()
                        .map(|d| fp.fingerprint_masked(&d.text, mask))
                        .collect(),
                    Vec::new(),
                ),
            };
            // Candidates: shared band keys, and stored copies of the text
            // (filed as one more band), looked up in this order; then the
            // word bands.
            let text_band = self.banding.bands as u32;
            let mut lookups: Vec<Lookup> = prints
                .iter()
                .enumerate()
                .filter(|(_, p)| p.shingles > 0)
                .flat_map(|(i, p)| {
                    (0..self.banding.bands)
                        .map(move |band| Lookup {
                            query: i,
                            band: band as u32,
                            key: self.banding.band_key(&p.signature, band) as i64,
                        })
                        .chain(std::iter::once(Lookup {
                            query: i,
                            band: text_band,
                            key: text_key(p.text_hash),
                        }))
                })
                .collect();
            if let Some(w) = words {
                let banding = w.signer.banding;
                for (i, sig) in word_sigs.iter().enumerate() {
                    let Some(sig) = sig else { continue };
                    lookups.extend((0..banding.bands).map(|b| Lookup {
                        query: i,
                        band: self.word_run_band(b),
                        key: banding.band_key(sig, b) as i64,
                    }));
                }
            }
            let mut pairs: BTreeSet<(usize, i64)> = BTreeSet::new();
            let mut word_hits: BTreeSet<(usize, i64)> = BTreeSet::new();
            let probe = PROBE_KEYS.min(lookups.len());
            let started = Instant::now();
            let mut cold = false;
            for (n, l) in lookups.iter().enumerate() {
                if n == probe
                    && !runs.is_empty()
                    && started.elapsed() > COLD_LOOKUP * (probe * runs.len()) as u32
                {
                    // The archive is mostly out of the page cache: read the
                    // rest of the chunks in parallel first.
                    cold = true;
                    self.warm_buckets(&runs, &lookups[probe..]);
                }
                // Exact copies are never skipped; a band bucket over
                // max_bucket is (one more entry tells).
                let text = l.band == text_band;
                let word = l.band > text_band;
                let cap = options.max_bucket + usize::from(!text);
                let bucket = self
                    .lookup(&runs, l.band as usize, l.key, cap, dead)
                    .map_err(|e| self.err(e))?;
                if !text && bucket.len() > options.max_bucket {
                    if word {
                        stats.word_skipped_buckets += 1;
                    } else {
                        stats.skipped_buckets += 1;
                    }
                    continue;
                }
                if !text && pairs.len() + word_hits.len() + bucket.len() > pair_budget {
                    stats.budget_skipped_buckets += 1;
                    continue;
                }
                let found = if word { &mut word_hits } else { &mut pairs };
                found.extend(bucket.into_iter().map(|d| (l.query, d)));
            }
            if cold && !word_hits.is_empty() {
                // The word signatures the filter reads, in parallel first.
                let docs: BTreeSet<i64> = word_hits.iter().map(|&(_, d)| d).collect();
                let docs: Vec<i64> = docs.into_iter().collect();
                self.warm(&docs, |conn, &d| {
                    let _ = words::stored(conn, d);
                });
            }
            let (mut word_pairs, cut) = self
                .word_candidates(&word_hits, &pairs, &word_sigs)
                .map_err(|e| self.err(e))?;
            drop(word_hits);
            let wanted: BTreeSet<i64> = pairs.iter().chain(&word_pairs).map(|&(_, d)| d).collect();
            let wanted: Vec<i64> = wanted.into_iter().collect();
            if cold {
                self.warm_docs(&wanted);
            }
            let mut stored: HashMap<i64, StoredDoc> = HashMap::with_capacity(wanted.len());
            for &d in &wanted {
                if let Some(s) = self.stored(d, true).map_err(|e| db_error(&self.path, e))? {
                    stored.insert(d, s);
                }
            }
            // A candidate removed since its run was written is no candidate;
            // one neither stored nor listed as removed was lost to damage.
            for d in wanted.iter().filter(|d| !stored.contains_key(d)) {
                let removed = dead
                    && self
                        .conn
                        .prepare_cached("SELECT 1 FROM dead WHERE doc = ?1")
                        .and_then(|mut st| st.exists([d]))
                        .map_err(|e| self.err(e))?;
                if !removed {
                    return Err(damaged(
                        &self.path,
                        format!("document {d} is filed in the bucket index but missing from the documents table"),
                    ));
                }
            }
            pairs.retain(|(_, d)| stored.contains_key(d));
            word_pairs.retain(|(_, d)| stored.contains_key(d));
            stats.candidates += pairs.len() + word_pairs.len();
            stats.word_candidates += word_pairs.len();
            stats.word_candidates_cut += cut;
            let pairs: Vec<(usize, i64)> = pairs.into_iter().collect();
            // Each signature's candidates verified apart, as `scan` does.
            let chunk = Chunk {
                docs,
                base,
                prints: &prints,
                stored: &stored,
            };
            matches.extend(self.verify_chunk(&chunk, &pairs, options));
            matches.extend(self.verify_chunk(&chunk, &word_pairs, options));
            bar.inc(docs.len() as u64);
        }
        bar.finish_and_clear();
        tx.finish().map_err(|e| self.err(e))?;
        matches.sort_by(best_first);
        if let Some(limit) = options.limit {
            let mut kept = Vec::with_capacity(matches.len());
            for group in matches.chunk_by(|x, y| x.query == y.query) {
                kept.extend(group.iter().take(limit).cloned());
            }
            matches = kept;
        }
        let config = ScanConfig {
            fingerprinter: self.fingerprinter,
            threshold: self.params.threshold,
            banding: self.banding,
            max_bucket: options.max_bucket,
            thresholds: options.thresholds,
            mask: self.params.mask_config(),
            align: options.align.clone(),
            words: words.map(|w| w.signer),
        };
        Ok(QueryResult {
            archive_documents,
            parameters: config.parameters(),
            matches,
            stats,
            word_candidates: words.is_some(),
        })
    }

    /// Verify `pairs` (story in `chunk`, archived document) exactly on the
    /// stored texts (as estimates without them), align them, and keep those
    /// that earn a relation. Character and word candidates come here apart.
    fn verify_chunk(
        &self,
        chunk: &Chunk,
        pairs: &[(usize, i64)],
        options: &QueryOptions,
    ) -> Vec<QueryMatch> {
        let (fp, mask) = (&self.fingerprinter, &self.mask);
        let Chunk {
            docs,
            base,
            prints,
            stored,
        } = *chunk;
        let verified = score_pairs(
            fp,
            mask,
            pairs,
            &|i| Cow::Borrowed(docs[i].text.as_str()),
            &|d| stored[&d].text.as_deref().map(Cow::Borrowed),
        );
        // A story's distinct shingles, where a candidate without text
        // needs them (exact copies' scores, estimates).
        let textless: BTreeSet<usize> = pairs
            .iter()
            .zip(&verified)
            .filter(|(_, v)| v.is_none())
            .map(|(&(i, _), _)| i)
            .collect();
        let distinct: HashMap<usize, usize> = textless
            .par_iter()
            .map(|&i| (i, fp.distinct_shingles_masked(&docs[i].text, mask)))
            .collect();
        let t = &options.thresholds;
        let judged: Vec<Judged> = pairs
            .par_iter()
            .zip(verified)
            .map(|(&(i, d), verified)| {
                let (a, b) = (&prints[i], &stored[&d]);
                let same = a.text_hash == b.text_hash;
                let (scores, estimated) = match verified {
                    Some(v) => (v.scores, false),
                    None if same => {
                        let n = distinct[&i];
                        (Scores::from_counts(n, n, n), false)
                    }
                    None => (estimated_scores(a, distinct[&i], b), true),
                };
                let shingles = t.classify(&scores, same);
                let align = b.text.is_some() && (shingles.is_some() || t.may_align(&scores));
                Judged {
                    scores,
                    estimated,
                    shingles,
                    align,
                }
            })
            .collect();
        // Each text is tokenized once however many of its pairs are aligned
        // (a wire story reprinted fifty times was tokenized fifty times).
        // Boilerplate words as scan finds them, under the archive's mask.
        let tokens = |t: &str| Tokens {
            boilerplate: fp.boilerplate_words(t, mask),
            ..Tokens::of(t)
        };
        let aligned = || {
            pairs
                .iter()
                .zip(&judged)
                .filter(|(_, j)| j.align)
                .map(|(p, _)| p)
        };
        let story_ids: BTreeSet<usize> = aligned().map(|&(i, _)| i).collect();
        let archived_ids: BTreeSet<i64> = aligned().map(|&(_, d)| d).collect();
        let story_tokens: HashMap<usize, Tokens> = story_ids
            .into_par_iter()
            .map(|i| (i, tokens(&docs[i].text)))
            .collect();
        let archived_tokens: HashMap<i64, Tokens> = archived_ids
            .into_par_iter()
            .filter_map(|d| Some((d, tokens(stored[&d].text.as_deref()?))))
            .collect();
        pairs
            .par_iter()
            .zip(judged)
            .filter_map(|(&(i, d), j)| {
                let b = &stored[&d];
                let Judged {
                    scores,
                    estimated,
                    shingles,
                    align,
                } = j;
                let (alignment, passages) = match archived_tokens.get(&d) {
                    Some(b_tokens) if align => {
                        let al = align_tokens(&story_tokens[&i], b_tokens, &options.align.align);
                        let p = |date, source| Provenance { date, source };
                        let origin = origin(
                            p(docs[i].date.as_deref(), docs[i].source.as_deref()),
                            p(b.date.as_deref(), b.source.as_deref()),
                            &options.align.origin_sources,
                        );
                        (PairAlignment::of(&al.coverage(), origin), al.passages)
                    }
                    _ => (PairAlignment::default(), Vec::new()),
                };
                let relation = t.with_alignment(shingles, &alignment)?;
                Some(QueryMatch {
                    query: DocId((base + i) as u32),
                    id: b.id.clone(),
                    title: b.title.clone(),
                    source: b.source.clone(),
                    date: b.date.clone(),
                    scores,
                    relation,
                    alignment,
                    passages,
                    estimated,
                })
            })
            .collect()
    }
}

/// One chunk of query stories, as verification reads it.
#[derive(Clone, Copy)]
struct Chunk<'a> {
    /// The stories.
    docs: &'a [Document],
    /// The number of the first in the query corpus.
    base: usize,
    /// Their fingerprints.
    prints: &'a [Fingerprint],
    /// The archived candidates by document number.
    stored: &'a HashMap<i64, StoredDoc>,
}

impl Index {
    /// Whether the archive keeps word signatures (made by format 6 or later
    /// without `--no-word-candidates`), so `query` can find paraphrases.
    pub fn has_word_signatures(&self) -> bool {
        self.words.is_some()
    }

    /// The word signature and common words documents are signed with.
    pub(super) fn words(&self) -> Words<'_> {
        self.words.as_ref().map(|w| (&w.signer, &w.common))
    }

    /// The run band of word band `band`.
    pub(super) fn word_run_band(&self, band: usize) -> u32 {
        super::codec::word_band(self.banding.bands, band)
    }

    /// The word-only candidates among `hits` (story, archived document)
    /// pairs that shared a word band, sorted: those not already in `chars`
    /// whose stored word signature agrees with the story's (`sigs`, by
    /// story) on at least `MIN_WORD_JACCARD` of its values, at most
    /// `WORD_CANDIDATES_PER_STORY` per story (highest estimate first).
    /// Returns them and how many the cap left out.
    pub(super) fn word_candidates(
        &self,
        hits: &BTreeSet<(usize, i64)>,
        chars: &BTreeSet<(usize, i64)>,
        sigs: &[Option<Signature>],
    ) -> rusqlite::Result<(Vec<(usize, i64)>, usize)> {
        let mut archived: HashMap<i64, Option<Signature>> = HashMap::new();
        let mut kept = Vec::new();
        let mut cut = 0;
        let mut story: Vec<(f64, i64)> = Vec::new();
        let mut hits = hits.iter().filter(|p| !chars.contains(p)).peekable();
        while let Some(&(i, d)) = hits.next() {
            if let Some(sig) = &sigs[i] {
                let theirs = match archived.entry(d) {
                    Entry::Occupied(e) => e.into_mut(),
                    Entry::Vacant(e) => e.insert(words::stored(&self.conn, d)?),
                };
                if let Some(theirs) = theirs {
                    let j = sig.estimate_jaccard(theirs);
                    if j >= MIN_WORD_JACCARD {
                        story.push((j, d));
                    }
                }
            }
            if hits.peek().is_none_or(|&&(next, _)| next != i) {
                story.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
                cut += story.len().saturating_sub(WORD_CANDIDATES_PER_STORY);
                story.truncate(WORD_CANDIDATES_PER_STORY);
                let mut docs: Vec<i64> = story.drain(..).map(|(_, d)| d).collect();
                docs.sort_unstable();
                kept.extend(docs.into_iter().map(|d| (i, d)));
            }
        }
        Ok((kept, cut))
    }
}
