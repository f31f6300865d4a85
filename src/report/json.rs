//! JSON and JSONL writing: the whole-run reports of scan and query (one
//! pretty-printed object), and one compact object a line for JSONL streams
//! (scan, verify, query, dedup's removed records).

use super::records::{ClusterRecord, PairRecord, QueryRecord, WarningRecord};
use crate::index::query::QueryStats;
use crate::scan::{Parameters, ScanStats};
use rayon::prelude::*;
use serde::ser::{Error as _, SerializeSeq, Serializer};
use serde::Serialize;
use serde_json::value::RawValue;
use std::io::{self, Write};

/// Records rendered at once (in parallel) before they are written: the
/// output is never held whole, and one core need not format every record.
const BATCH: usize = 1 << 14;

/// Scan's `--format json` report.
#[derive(Debug, Serialize)]
pub(crate) struct ScanReport<'a> {
    pub documents: usize,
    pub parameters: &'a Parameters,
    pub stats: &'a ScanStats,
    pub pairs: Elements<'a, PairRecord<'a>>,
    pub clusters: Elements<'a, ClusterRecord<'a>>,
    pub warnings: Vec<WarningRecord<'a>>,
}

/// An array of a pretty-printed report whose elements are rendered in
/// parallel, a batch at a time: the same text `serde_json::to_writer_pretty`
/// gives, for an array nested in one object (two levels deep).
#[derive(Debug)]
pub(crate) struct Elements<'a, T>(pub &'a [T]);

impl<T: Serialize + Sync> Serialize for Elements<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for batch in self.0.chunks(BATCH) {
            let rendered: Vec<Box<RawValue>> = batch
                .par_iter()
                .map(|v| {
                    // Lines after the first take the array's own indent: a
                    // JSON string never holds a raw newline.
                    let text = serde_json::to_string_pretty(v)?.replace('\n', "\n    ");
                    RawValue::from_string(text)
                })
                .collect::<Result<_, _>>()
                .map_err(S::Error::custom)?;
            for r in &rendered {
                seq.serialize_element(r)?;
            }
        }
        seq.end()
    }
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

/// Write each of `values` as one JSON line (rendered in parallel, a batch
/// at a time).
pub(crate) fn write_lines<T: Serialize + Sync>(
    out: &mut dyn Write,
    values: &[T],
) -> io::Result<()> {
    for batch in values.chunks(BATCH) {
        let rendered: Vec<Vec<u8>> = batch
            .par_chunks(256)
            .map(|chunk| {
                let mut buf = Vec::with_capacity(chunk.len() * 512);
                for v in chunk {
                    write_line(&mut buf, v)?;
                }
                Ok(buf)
            })
            .collect::<io::Result<_>>()?;
        for buf in &rendered {
            out.write_all(buf)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Row {
        id: String,
        score: f64,
        tags: Vec<&'static str>,
        inner: Option<Vec<u32>>,
    }

    #[derive(Serialize)]
    struct Whole<A, B> {
        n: usize,
        rows: A,
        empty: B,
    }

    fn rows(n: usize) -> Vec<Row> {
        (0..n)
            .map(|i| Row {
                id: format!("doc\n{i} \"é\"\t北京"),
                score: i as f64 / 7.0,
                tags: if i % 3 == 0 { vec![] } else { vec!["a", "b"] },
                inner: (i % 2 == 0).then(|| vec![1, 2]),
            })
            .collect()
    }

    /// Elements rendered in parallel print what serde_json prints for the
    /// whole value, across batches, with escapes and nested arrays.
    #[test]
    fn parallel_elements_print_what_serde_json_prints() {
        for n in [0, 1, 5, BATCH + 3] {
            let rows = rows(n);
            let none: Vec<Row> = Vec::new();
            let mut want = Vec::new();
            let whole = Whole {
                n,
                rows: &rows,
                empty: &none,
            };
            write_pretty(&mut want, &whole).unwrap();
            let mut got = Vec::new();
            let parts = Whole {
                n,
                rows: Elements(&rows),
                empty: Elements(&none),
            };
            write_pretty(&mut got, &parts).unwrap();
            assert_eq!(
                String::from_utf8(got).unwrap(),
                String::from_utf8(want).unwrap()
            );
        }
    }

    /// JSON lines rendered in parallel come out in order, one a line.
    #[test]
    fn parallel_lines_keep_their_order() {
        let rows = rows(BATCH + 300);
        let mut got = Vec::new();
        write_lines(&mut got, &rows).unwrap();
        let mut want = Vec::new();
        for r in &rows {
            serde_json::to_writer(&mut want, r).unwrap();
            want.push(b'\n');
        }
        assert_eq!(got, want);
    }
}
