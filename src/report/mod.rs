//! Every writer of results in one place: the readable table, JSON, JSONL and
//! CSV of scan, verify and query, dedup's removed records, the scan's HTML
//! report, and one diff as a page, terminal columns or JSON (`diff_html`,
//! `diff_text`). The machine shapes (docs/formats.md) are a contract.

mod csv;
pub mod diff_html;
pub mod diff_text;
pub mod html;
mod json;
mod records;
mod table;

pub use crate::number::round4;
pub use json::write_line;
pub use records::{add_passages, PairRecord, QueryRecord};

use crate::corpus::Corpus;
use crate::index::query::QueryResult;
use crate::scan::{Match, ScanResult};
use std::io::{self, Write};

/// Output formats of `scan` and `query`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A readable table.
    Table,
    /// One pretty-printed JSON report.
    Json,
    /// One JSON pair record a line.
    Jsonl,
    /// CSV with a header line.
    Csv,
}

/// Write a scan report in `format` to `out`.
pub fn write_scan(
    out: &mut dyn Write,
    format: Format,
    corpus: &Corpus,
    result: &ScanResult,
    passages: bool,
) -> io::Result<()> {
    let mut pairs = records::scan_pairs(corpus, result);
    if passages && matches!(format, Format::Json | Format::Jsonl) {
        add_passages(&mut pairs, corpus, &result.matches, &result.align);
    }
    match format {
        Format::Json => json::ScanReport {
            documents: corpus.len(),
            parameters: &result.parameters,
            stats: &result.stats,
            pairs: json::Elements(&pairs),
            clusters: json::Elements(&records::clusters(corpus, result)),
            warnings: records::warnings(corpus),
        }
        .write(out),
        Format::Jsonl => json::write_lines(out, &pairs),
        // The cluster column is empty when unknown.
        Format::Csv => csv::write_pairs(out, &pairs, "cluster", |p| p, cluster_column),
        Format::Table => table::write_scan(out, corpus, result, &pairs),
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
    let pairs = records::verify_pairs(corpus, matches);
    if csv {
        csv::write_pairs(out, &pairs, "cluster", |p| p, cluster_column)
    } else {
        json::write_lines(out, &pairs)
    }
}

/// Write query results in `format`; `archive` names the archive.
pub fn write_query(
    out: &mut dyn Write,
    format: Format,
    archive: &str,
    corpus: &Corpus,
    result: &QueryResult,
    passages: bool,
) -> io::Result<()> {
    let recs = records::query_records(corpus, result, passages && format != Format::Csv);
    match format {
        Format::Json => json::QueryReport {
            archive,
            archive_documents: result.archive_documents,
            queries: corpus.len(),
            estimated: recs.iter().any(|r| r.estimated),
            parameters: &result.parameters,
            stats: &result.stats,
            pairs: json::Elements(&recs),
            warnings: records::warnings(corpus),
        }
        .write(out),
        Format::Jsonl => json::write_lines(out, &recs),
        Format::Csv => csv::write_pairs(
            out,
            &recs,
            "estimated",
            |r| &r.pair,
            |r| r.estimated.to_string(),
        ),
        Format::Table => table::write_query(out, archive, corpus, result, &recs),
    }
}

/// The CSV `cluster` column: the number, or empty when unknown.
fn cluster_column(p: &PairRecord) -> String {
    p.cluster.map(|c| c.to_string()).unwrap_or_default()
}
