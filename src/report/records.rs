//! The records every machine format writes: one pair (scan, verify, query),
//! one cluster, one input warning. Their field order and names are the
//! contract of docs/formats.md.

use crate::align::Passage;
use crate::corpus::{Corpus, Diagnostic, TextSource};
use crate::derivation::{align_pairs, AlignStage, PairAlignment};
use crate::direction::Side;
use crate::index::query::QueryResult;
use crate::number::ser_round4;
use crate::scan::{Match, ScanResult};
use crate::verify::{Relation, Scores};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

/// One pair as it appears in every machine format.
#[derive(Debug, Serialize)]
pub struct PairRecord<'a> {
    /// Id of the first document.
    pub a: &'a str,
    /// Id of the second document.
    pub b: &'a str,
    /// Jaccard similarity of the two shingle sets.
    #[serde(serialize_with = "ser_round4")]
    pub jaccard: f64,
    /// Share of A's shingles found in B.
    #[serde(serialize_with = "ser_round4")]
    pub containment_a_in_b: f64,
    /// Share of B's shingles found in A.
    #[serde(serialize_with = "ser_round4")]
    pub containment_b_in_a: f64,
    /// The relation's name (`exact`, `near-duplicate`, ...).
    pub relation: &'static str,
    /// Distinct shingles of A.
    pub shingles_a: usize,
    /// Distinct shingles of B.
    pub shingles_b: usize,
    /// Distinct shingles both share.
    pub shared: usize,
    /// Share of A's words inside passages both share.
    #[serde(serialize_with = "ser_round4")]
    pub aligned_a: f64,
    /// Share of B's words inside passages both share.
    #[serde(serialize_with = "ser_round4")]
    pub aligned_b: f64,
    /// Shared passages (the list, with `--passages`, is `passages`).
    pub passage_count: usize,
    /// Words of the longest shared passage.
    pub longest_passage: usize,
    /// Which side the other copied: `"a"`, `"b"` or null when unknown.
    pub origin: Option<Side>,
    /// The shared passages (`--passages`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passages: Option<Vec<Passage>>,
    /// The pair's cluster (scan); `verify` leaves clusters to Spark.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<usize>,
    /// Input position of a (`verify` only: what clusters.py joins on).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub a_index: Option<u32>,
    /// Input position of b (`verify` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub b_index: Option<u32>,
}

impl<'a> PairRecord<'a> {
    /// The record of one match; `cluster` as scan numbered it, if known.
    pub fn of(corpus: &'a Corpus, m: &Match, cluster: Option<usize>) -> PairRecord<'a> {
        PairRecord {
            cluster,
            ..PairRecord::scored(
                &corpus.get(m.pair.a).id,
                &corpus.get(m.pair.b).id,
                &m.scores,
                m.relation,
                &m.alignment,
            )
        }
    }

    /// The record of two documents' scores and relation (no cluster or
    /// positions): what scan, verify and query all report about a pair.
    pub(crate) fn scored(
        a: &'a str,
        b: &'a str,
        scores: &Scores,
        relation: Relation,
        alignment: &PairAlignment,
    ) -> PairRecord<'a> {
        PairRecord {
            aligned_a: alignment.aligned_a,
            aligned_b: alignment.aligned_b,
            passage_count: alignment.passages,
            longest_passage: alignment.longest_passage,
            origin: alignment.origin,
            passages: None,
            a,
            b,
            jaccard: scores.jaccard,
            containment_a_in_b: scores.containment_a_in_b,
            containment_b_in_a: scores.containment_b_in_a,
            relation: relation.as_str(),
            shingles_a: scores.shingles_a,
            shingles_b: scores.shingles_b,
            shared: scores.shared,
            cluster: None,
            a_index: None,
            b_index: None,
        }
    }
}

/// One query match as it appears in every machine format: scan's pair
/// record (`a` the query document, `b` the archived one) plus `estimated`
/// and the archived document's metadata.
#[derive(Debug, Serialize)]
pub struct QueryRecord<'a> {
    /// The pair's scores, relation and alignment.
    #[serde(flatten)]
    pub pair: PairRecord<'a>,
    /// The scores are MinHash estimates (the archive holds no text).
    pub estimated: bool,
    /// The archived document's title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title_b: Option<&'a str>,
    /// The archived document's source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_b: Option<&'a str>,
    /// The archived document's date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_b: Option<&'a str>,
}

/// One cluster of a scan.
#[derive(Debug, Serialize)]
pub(crate) struct ClusterRecord<'a> {
    pub id: usize,
    pub representative: &'a str,
    pub size: usize,
    pub members: Vec<&'a str>,
}

/// One input problem the run read past.
#[derive(Debug, Serialize)]
pub(crate) struct WarningRecord<'a> {
    pub location: &'a str,
    pub message: &'a str,
}

/// The warnings of `corpus`, in the order they were found.
pub(crate) fn warnings(corpus: &Corpus) -> Vec<WarningRecord<'_>> {
    corpus
        .diagnostics
        .iter()
        .map(|d: &Diagnostic| WarningRecord {
            location: &d.location,
            message: &d.message,
        })
        .collect()
}

/// The clusters of `result`, numbered from 0.
pub(crate) fn clusters<'a>(corpus: &'a Corpus, result: &ScanResult) -> Vec<ClusterRecord<'a>> {
    result
        .clusters
        .iter()
        .enumerate()
        .map(|(i, c)| ClusterRecord {
            id: i,
            representative: &corpus.get(c.representative).id,
            size: c.members.len(),
            members: c
                .members
                .iter()
                .map(|m| corpus.get(*m).id.as_str())
                .collect(),
        })
        .collect()
}

/// Give each record its pair's passages, aligned again with the scan's own
/// settings (the figures are re-read from that alignment, so they agree).
pub fn add_passages<S: TextSource + ?Sized>(
    records: &mut [PairRecord],
    corpus: &S,
    matches: &[Match],
    stage: &AlignStage,
) {
    let keys: Vec<_> = matches.iter().map(|m| (m.pair.a, m.pair.b)).collect();
    for ((r, m), al) in
        records
            .iter_mut()
            .zip(matches)
            .zip(align_pairs(corpus, &keys, &stage.align))
    {
        let a = PairAlignment::of(&al.coverage(), m.alignment.origin);
        r.aligned_a = a.aligned_a;
        r.aligned_b = a.aligned_b;
        r.passage_count = a.passages;
        r.longest_passage = a.longest_passage;
        r.passages = Some(al.passages);
    }
}

/// Scan's pair records, each with its cluster's number.
pub(crate) fn scan_pairs<'a>(corpus: &'a Corpus, result: &'a ScanResult) -> Vec<PairRecord<'a>> {
    let mut cluster_of = HashMap::new();
    for (i, c) in result.clusters.iter().enumerate() {
        for m in &c.members {
            cluster_of.insert(*m, i);
        }
    }
    result
        .matches
        .par_iter()
        .map(|m| {
            PairRecord::of(
                corpus,
                m,
                Some(cluster_of.get(&m.pair.a).copied().unwrap_or(0)),
            )
        })
        .collect()
}

/// Verify's pair records: scan's fields (no cluster) plus the input
/// positions `a_index` and `b_index`.
pub(crate) fn verify_pairs<'a>(corpus: &'a Corpus, matches: &[Match]) -> Vec<PairRecord<'a>> {
    matches
        .iter()
        .map(|m| PairRecord {
            a_index: Some(m.pair.a.0),
            b_index: Some(m.pair.b.0),
            ..PairRecord::of(corpus, m, None)
        })
        .collect()
}

/// Query's records, with the shared passages when `passages`.
pub(crate) fn query_records<'a>(
    corpus: &'a Corpus,
    result: &'a QueryResult,
    passages: bool,
) -> Vec<QueryRecord<'a>> {
    result
        .matches
        .iter()
        .map(|m| QueryRecord {
            pair: PairRecord {
                passages: passages.then(|| m.passages.clone()),
                ..PairRecord::scored(
                    &corpus.get(m.query).id,
                    &m.id,
                    &m.scores,
                    m.relation,
                    &m.alignment,
                )
            },
            estimated: m.estimated,
            title_b: m.title.as_deref(),
            source_b: m.source.as_deref(),
            date_b: m.date.as_deref(),
        })
        .collect()
}
