//! JSON and JSONL writing: the whole-run reports of scan and query (one
//! pretty-printed object), and one compact object a line for JSONL streams
//! (scan, verify, query, dedup's removed records).

use super::records::{ClusterRecord, PairRecord, QueryRecord, WarningRecord};
use crate::index::query::QueryStats;
use crate::scan::{Parameters, ScanStats};
use rayon::prelude::*;
use serde::ser::SerializeSeq;
use serde::Serialize;
use std::io::{self, Write};

/// Records rendered at once (in parallel) before they are written: the
/// output is never held whole, and one core need not format every record.
const BATCH: usize = 1 << 14;

/// Scan's `--format json` report (`write_scan_report` writes it).
#[derive(Debug, Serialize)]
pub(crate) struct ScanReport<'a> {
    pub documents: usize,
    pub parameters: &'a Parameters,
    pub stats: &'a ScanStats,
    pub pairs: Elements<'a, PairRecord<'a>>,
    pub clusters: Elements<'a, ClusterRecord<'a>>,
    pub warnings: Vec<WarningRecord<'a>>,
}

/// Write `report` pretty-printed, then a newline, its pairs and clusters
/// rendered on every core: the same bytes as `write_pretty`.
pub(crate) fn write_scan_report(out: &mut dyn Write, report: &ScanReport) -> io::Result<()> {
    write_pretty_filled(
        out,
        report,
        &[("pairs", &report.pairs), ("clusters", &report.clusters)],
    )
}

/// An array of a report that is written apart from the rest: it serializes
/// as `[]`, and `write_pretty_filled` writes its elements there.
#[derive(Debug)]
pub(crate) struct Elements<'a, T>(pub &'a [T]);

impl<T> Serialize for Elements<'_, T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_seq(Some(0))?.end()
    }
}

/// What `write_pretty_filled` writes between an array's brackets.
trait Fill {
    /// The elements, as `to_writer_pretty` writes them two levels deep.
    fn fill(&self, out: &mut dyn Write) -> io::Result<()>;
}

impl<T: Serialize + Sync> Fill for Elements<'_, T> {
    fn fill(&self, out: &mut dyn Write) -> io::Result<()> {
        if self.0.is_empty() {
            return Ok(());
        }
        for (b, batch) in self.0.chunks(BATCH).enumerate() {
            let rendered: Vec<Vec<u8>> = batch
                .par_chunks(256)
                .enumerate()
                .map(|(c, chunk)| {
                    let mut buf = Vec::with_capacity(chunk.len() * 600);
                    let mut one = Vec::new();
                    for (k, v) in chunk.iter().enumerate() {
                        let first = b == 0 && c == 0 && k == 0;
                        buf.extend_from_slice(if first { b"\n    " } else { b",\n    " });
                        one.clear();
                        serde_json::to_writer_pretty(&mut one, v)?;
                        // Its lines after the first take the array's indent
                        // (a JSON string never holds a raw newline).
                        let mut at = 0;
                        for nl in memchr::memchr_iter(b'\n', &one) {
                            buf.extend_from_slice(&one[at..=nl]);
                            buf.extend_from_slice(b"    ");
                            at = nl + 1;
                        }
                        buf.extend_from_slice(&one[at..]);
                    }
                    Ok(buf)
                })
                .collect::<io::Result<_>>()?;
            for buf in &rendered {
                out.write_all(buf)?;
            }
        }
        out.write_all(b"\n  ")
    }
}

/// Write `value` pretty-printed, then a newline, with each of `arrays` (a
/// top-level key of `value` whose value is an `Elements`, in the order they
/// come) filled in where its `[]` stands.
fn write_pretty_filled(
    out: &mut dyn Write,
    value: &impl Serialize,
    arrays: &[(&str, &dyn Fill)],
) -> io::Result<()> {
    let head = serde_json::to_vec_pretty(value)?;
    let mut rest = &head[..];
    for (key, elements) in arrays {
        // A top-level key: two spaces in, after a newline no string holds.
        let mark = format!("\n  \"{key}\": [");
        let at = memchr::memmem::find(rest, mark.as_bytes())
            .ok_or_else(|| io::Error::other(format!("no top-level array {key:?} to fill")))?
            + mark.len();
        out.write_all(&rest[..at])?;
        elements.fill(out)?;
        rest = &rest[at..];
    }
    out.write_all(rest)?;
    writeln!(out)
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

    /// Arrays filled in parallel print what serde_json prints for the
    /// whole value, across batches, with escapes, nested arrays, and an
    /// empty array.
    #[test]
    fn filled_arrays_print_what_serde_json_prints() {
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
            let (rows, empty) = (Elements(&rows), Elements(&none));
            let parts = Whole {
                n,
                rows: &rows,
                empty: &empty,
            };
            write_pretty_filled(&mut got, &parts, &[("rows", &rows), ("empty", &empty)]).unwrap();
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
