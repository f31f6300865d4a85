//! JSON and JSONL writing: the whole-run reports of scan and query (one
//! pretty-printed object), and one compact object a line for JSONL streams
//! (scan, verify, query, dedup's removed records).

use super::records::{ClusterRecord, PairRecord, QueryRecord, WarningRecord};
use crate::index::query::QueryStats;
use crate::scan::{Parameters, ScanStats};
use serde::Serialize;
use std::io::{self, Write};

/// Scan's `--format json` report.
#[derive(Debug, Serialize)]
pub(crate) struct ScanReport<'a> {
    pub documents: usize,
    pub parameters: &'a Parameters,
    pub stats: &'a ScanStats,
    pub pairs: Vec<PairRecord<'a>>,
    pub clusters: Vec<ClusterRecord<'a>>,
    pub warnings: Vec<WarningRecord<'a>>,
}

/// Query's `--format json` report.
#[derive(Debug, Serialize)]
pub(crate) struct QueryReport<'a> {
    pub archive: &'a str,
    pub archive_documents: usize,
    pub queries: usize,
    /// True when any reported scores are estimates.
    pub estimated: bool,
    pub parameters: &'a Parameters,
    pub stats: &'a QueryStats,
    pub pairs: Vec<QueryRecord<'a>>,
    pub warnings: Vec<WarningRecord<'a>>,
}

/// Write `value` pretty-printed, then a newline.
pub(crate) fn write_pretty<T: Serialize>(out: &mut dyn Write, value: &T) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)
}

/// Write `value` as one compact JSON line.
pub fn write_line<T: Serialize>(out: &mut dyn Write, value: &T) -> io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    writeln!(out)
}

/// Write each of `values` as one JSON line.
pub(crate) fn write_lines<T: Serialize>(out: &mut dyn Write, values: &[T]) -> io::Result<()> {
    for v in values {
        write_line(out, v)?;
    }
    Ok(())
}
