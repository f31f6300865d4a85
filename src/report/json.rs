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

/// Scan's `--format json` report (`ScanReport::write`).
#[derive(Debug, Serialize)]
pub(crate) struct ScanReport<'a> {
    pub documents: usize,
    pub parameters: &'a Parameters,
    pub stats: &'a ScanStats,
    pub pairs: Elements<'a, PairRecord<'a>>,
    pub clusters: Elements<'a, ClusterRecord<'a>>,
    pub warnings: Vec<WarningRecord<'a>>,
}

impl ScanReport<'_> {
    /// Write the report pretty-printed, then a newline, its pairs and
    /// clusters rendered on every core.
    pub fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        write_pretty_filled(
            out,
            self,
            &[("pairs", &self.pairs), ("clusters", &self.clusters)],
        )
    }
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
        write_rendered(out, self.0, |i, v, buf| {
            buf.extend_from_slice(if i == 0 { b"\n    " } else { b",\n    " });
            serde_json::to_writer_pretty(Indented(buf), v).map_err(io::Error::from)
        })?;
        out.write_all(b"\n  ")
    }
}

/// A writer into a buffer that indents every line after the first by two
/// levels (a JSON string never holds a raw newline).
struct Indented<'b>(&'b mut Vec<u8>);

impl Write for Indented<'_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let mut at = 0;
        for nl in memchr::memchr_iter(b'\n', bytes) {
            self.0.extend_from_slice(&bytes[at..=nl]);
            self.0.extend_from_slice(b"    ");
            at = nl + 1;
        }
        self.0.extend_from_slice(&bytes[at..]);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Write `values` in order, each rendered by `render(index, value, buf)`:
/// 256 to a buffer, the buffers of a batch of `BATCH` made in parallel.
fn write_rendered<T: Sync>(
    out: &mut dyn Write,
    values: &[T],
    render: impl Fn(usize, &T, &mut Vec<u8>) -> io::Result<()> + Sync,
) -> io::Result<()> {
    const PER_BUFFER: usize = 256;
    for (b, batch) in values.chunks(BATCH).enumerate() {
        let rendered: Vec<Vec<u8>> = batch
            .par_chunks(PER_BUFFER)
            .enumerate()
            .map(|(c, chunk)| {
                let first = b * BATCH + c * PER_BUFFER;
                let mut buf = Vec::with_capacity(chunk.len() * 512);
                for (k, v) in chunk.iter().enumerate() {
                    render(first + k, v, &mut buf)?;
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
    pub pairs: Elements<'a, QueryRecord<'a>>,
    pub warnings: Vec<WarningRecord<'a>>,
}

impl QueryReport<'_> {
    /// Write the report pretty-printed, then a newline, its pairs rendered
    /// on every core.
    pub fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        write_pretty_filled(out, self, &[("pairs", &self.pairs)])
    }
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
    write_rendered(out, values, |_, v, buf| write_line(buf, v))
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
            serde_json::to_writer_pretty(&mut want, &whole).unwrap();
            want.push(b'\n');
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
