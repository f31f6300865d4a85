//! Writing scan results: a readable table for people, and JSON, JSONL and CSV
//! for machines (the shapes documented in docs/formats.md are a contract).

use crate::align::Passage;
use crate::corpus::{Corpus, Diagnostic};
use crate::derivation::{align_pairs, PairAlignment};
use crate::direction::Side;
use crate::scan::{Match, Parameters, ScanResult, ScanStats};
use crate::verify::{Relation, Scores};
use serde::Serialize;
use std::io::{self, Write};

/// Output formats of `scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Jsonl,
    Csv,
}

/// Round to four decimals so reports stay short and stable.
pub fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

fn ser_round4<S: serde::Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(round4(*x))
}

/// One pair as it appears in every machine format.
#[derive(Debug, Serialize)]
pub struct PairRecord<'a> {
    pub a: &'a str,
    pub b: &'a str,
    #[serde(serialize_with = "ser_round4")]
    pub jaccard: f64,
    #[serde(serialize_with = "ser_round4")]
    pub containment_a_in_b: f64,
    #[serde(serialize_with = "ser_round4")]
    pub containment_b_in_a: f64,
    pub relation: &'static str,
    pub shingles_a: usize,
    pub shingles_b: usize,
    pub shared: usize,
    /// Share of A's words inside passages both share.
    #[serde(serialize_with = "ser_round4")]
    pub aligned_a: f64,
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
    /// Input positions of a and b (`verify` only: what clusters.py joins on).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub a_index: Option<u32>,
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
    pub fn scored(
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

    /// The CSV columns every pair record has, in [`PAIR_CSV_HEADER`] order.
    pub fn csv_fields(&self) -> String {
        let origin = match self.origin {
            Some(Side::A) => "a",
            Some(Side::B) => "b",
            None => "",
        };
        format!(
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            csv_field(self.a),
            csv_field(self.b),
            self.relation,
            round4(self.jaccard),
            round4(self.containment_a_in_b),
            round4(self.containment_b_in_a),
            self.shingles_a,
            self.shingles_b,
            self.shared,
            round4(self.aligned_a),
            round4(self.aligned_b),
            self.passage_count,
            self.longest_passage,
            origin
        )
    }
}

/// The header of [`PairRecord::csv_fields`].
pub const PAIR_CSV_HEADER: &str = "a,b,relation,jaccard,containment_a_in_b,containment_b_in_a,\
shingles_a,shingles_b,shared,aligned_a,aligned_b,passage_count,longest_passage,origin";

#[derive(Debug, Serialize)]
struct ClusterRecord<'a> {
    id: usize,
    representative: &'a str,
    size: usize,
    members: Vec<&'a str>,
}

#[derive(Debug, Serialize)]
struct WarningRecord<'a> {
    location: &'a str,
    message: &'a str,
}

#[derive(Debug, Serialize)]
struct JsonReport<'a> {
    documents: usize,
    parameters: &'a Parameters,
    stats: &'a ScanStats,
    pairs: Vec<PairRecord<'a>>,
    clusters: Vec<ClusterRecord<'a>>,
    warnings: Vec<WarningRecord<'a>>,
}

/// Give each record its pair's passages, aligned again with the scan's own
/// settings (the figures are re-read from that alignment, so they agree).
pub fn add_passages<S: crate::corpus::TextSource + ?Sized>(
    records: &mut [PairRecord],
    corpus: &S,
    matches: &[Match],
    stage: &crate::derivation::AlignStage,
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

fn pair_records<'a>(corpus: &'a Corpus, result: &'a ScanResult) -> Vec<PairRecord<'a>> {
    let mut cluster_of = std::collections::HashMap::new();
    for (i, c) in result.clusters.iter().enumerate() {
        for m in &c.members {
            cluster_of.insert(*m, i);
        }
    }
    result
        .matches
        .iter()
        .map(|m| {
            PairRecord::of(
                corpus,
                m,
                Some(cluster_of.get(&m.pair.a).copied().unwrap_or(0)),
            )
        })
        .collect()
}

/// Write a scan report in `format` to `out`.
pub fn write_scan(
    out: &mut dyn Write,
    format: Format,
    corpus: &Corpus,
    result: &ScanResult,
    passages: bool,
) -> io::Result<()> {
    let mut pairs = pair_records(corpus, result);
    if passages && matches!(format, Format::Json | Format::Jsonl) {
        add_passages(&mut pairs, corpus, &result.matches, &result.align);
    }
    match format {
        Format::Json => {
            let report = JsonReport {
                documents: corpus.len(),
                parameters: &result.parameters,
                stats: &result.stats,
                pairs,
                clusters: result
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
                    .collect(),
                warnings: corpus.diagnostics.iter().map(warning).collect(),
            };
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)
        }
        Format::Jsonl => {
            for p in &pairs {
                serde_json::to_writer(&mut *out, p)?;
                writeln!(out)?;
            }
            Ok(())
        }
        Format::Csv => write_csv(out, &pairs),
        Format::Table => write_table(out, corpus, result, &pairs),
    }
}

/// Write `verify`'s pair records: scan's fields (no cluster) plus the input
/// positions `a_index` and `b_index`, as JSONL or CSV.
pub fn write_pairs(
    out: &mut dyn Write,
    csv: bool,
    corpus: &Corpus,
    matches: &[Match],
) -> io::Result<()> {
    let pairs: Vec<PairRecord> = matches
        .iter()
        .map(|m| PairRecord {
            a_index: Some(m.pair.a.0),
            b_index: Some(m.pair.b.0),
            ..PairRecord::of(corpus, m, None)
        })
        .collect();
    if csv {
        return write_csv(out, &pairs);
    }
    for p in &pairs {
        serde_json::to_writer(&mut *out, p)?;
        writeln!(out)?;
    }
    Ok(())
}

/// CSV with a header line; the cluster column is empty when unknown.
fn write_csv(out: &mut dyn Write, pairs: &[PairRecord]) -> io::Result<()> {
    {
        {
            writeln!(out, "{PAIR_CSV_HEADER},cluster")?;
            for p in pairs {
                writeln!(
                    out,
                    "{},{}",
                    p.csv_fields(),
                    p.cluster.map(|c| c.to_string()).unwrap_or_default()
                )?;
            }
            Ok(())
        }
    }
}

fn warning(d: &Diagnostic) -> WarningRecord<'_> {
    WarningRecord {
        location: &d.location,
        message: &d.message,
    }
}

/// Quote a CSV field when it needs it (RFC 4180).
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn write_table(
    out: &mut dyn Write,
    corpus: &Corpus,
    result: &ScanResult,
    pairs: &[PairRecord],
) -> io::Result<()> {
    let p = &result.parameters;
    let plural = |n: usize, w: &str| {
        if n == 1 {
            format!("{n} {w}")
        } else {
            format!("{n} {w}s")
        }
    };
    writeln!(
        out,
        "{} scanned: {} in {}",
        plural(corpus.len(), "document"),
        plural(pairs.len(), "pair"),
        plural(result.clusters.len(), "cluster"),
    )?;
    writeln!(
        out,
        "(char {}-shingles, {} permutations, LSH threshold {} = {} bands x {} rows)",
        p.fingerprint.k, p.fingerprint.num_perm, p.threshold, p.bands, p.rows
    )?;
    if pairs.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(
        out,
        "{:<15} {:>7} {:>7} {:>7} {:>7} {:>7}  A / B",
        "RELATION", "JACCARD", "A_IN_B", "B_IN_A", "ALIGN_A", "ALIGN_B"
    )?;
    let origin_mark = |pr: &PairRecord, side: Side| {
        if pr.origin == Some(side) {
            "  (origin)"
        } else {
            ""
        }
    };
    for pr in pairs {
        writeln!(
            out,
            "{:<15} {:>7.3} {:>7.3} {:>7.3} {:>7.3} {:>7.3}  {}{}",
            pr.relation,
            pr.jaccard,
            pr.containment_a_in_b,
            pr.containment_b_in_a,
            pr.aligned_a,
            pr.aligned_b,
            pr.a,
            origin_mark(pr, Side::A)
        )?;
        writeln!(
            out,
            "{:<15} {:>7} {:>7} {:>7} {:>7} {:>7}  {}{}",
            "",
            "",
            "",
            "",
            "",
            "",
            pr.b,
            origin_mark(pr, Side::B)
        )?;
    }
    writeln!(out)?;
    for (i, c) in result.clusters.iter().enumerate() {
        writeln!(out, "cluster {} ({} documents)", i, c.members.len())?;
        for m in &c.members {
            let mark = if *m == c.representative { "*" } else { " " };
            writeln!(out, "  {mark} {}", corpus.get(*m).id)?;
        }
    }
    writeln!(out, "(* representative)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_only_when_needed() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }

    #[test]
    fn rounding_is_four_decimals() {
        assert_eq!(round4(0.123456), 0.1235);
        assert_eq!(round4(1.0), 1.0);
    }
}
