//! JSONL input: whole lines read a chunk at a time (read ahead on a thread
//! of its own), line ends found with memchr, and each line parsed into a
//! record with its id, text and metadata fields.

use super::fields::{field_text, parse_fields, Field};
use super::model::{display_name, Diagnostic, Document, Origin, ReadOptions};
use super::records::{problem, Parsed};
use super::stream::{broken_at, open_decompressed, BOM};
use super::text::from_html;
use std::io::Read;
use std::path::Path;

/// Bytes of JSONL read (and then parsed in parallel) at a time.
pub(crate) const JSONL_CHUNK: usize = 16 << 20;

/// Read JSONL from `input` whole lines at a time, about `JSONL_CHUNK` bytes
/// (or one longer line) per call of `each`, which gets the chunk's non-blank
/// lines as (line number, byte offset in the input, line), numbered and
/// trimmed as `jsonl_lines_at` does. Memory is one chunk, not the input. On a
/// read error (or an error from `each`) the chunks already handed over stay
/// handed over.
pub(crate) fn read_jsonl_chunks(
    input: impl Read,
    each: impl FnMut(&[(usize, u64, &[u8])]) -> std::io::Result<()>,
) -> std::io::Result<()> {
    read_jsonl_chunks_of(input, JSONL_CHUNK, each)
}

/// `read_jsonl_chunks` with chunks of about `chunk` bytes.
fn read_jsonl_chunks_of(
    mut input: impl Read,
    chunk: usize,
    mut each: impl FnMut(&[(usize, u64, &[u8])]) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut chunker = Chunker::new(chunk);
    let mut buf = Vec::new();
    while let Some(c) = chunker.next(&mut input, buf)? {
        each(&c.lines())?;
        buf = c.bytes;
    }
    Ok(())
}

/// `read_jsonl_chunks`, with the input read and cut into lines on a thread
/// of its own while `each` has the chunk before: reading (a gunzip, or the
/// copy out of the page cache) and finding line ends no longer wait for the
/// parse, nor it for them. Two chunks are in memory, and their buffers are
/// reused. The thread ends at the end of the input, at a read error (handed
/// over after the chunks before it), or when `each` has failed, after the
/// read it is in (so a blocked stdin never holds up the caller).
fn read_jsonl_chunks_ahead(
    input: Box<dyn Read + Send>,
    chunk: usize,
    mut each: impl FnMut(&[(usize, u64, &[u8])]) -> std::io::Result<()>,
) -> std::io::Result<()> {
    // A rendezvous: the reader fills the next chunk while `each` runs.
    let (ready, chunks) = std::sync::mpsc::sync_channel::<std::io::Result<LineChunk>>(0);
    let (used, spare) = std::sync::mpsc::channel::<Vec<u8>>();
    let reader = move || {
        let mut input = input;
        let mut chunker = Chunker::new(chunk);
        loop {
            let buf = spare.try_recv().unwrap_or_default();
            let next = chunker.next(&mut input, buf).transpose();
            let Some(next) = next else { return };
            let failed = next.is_err();
            if ready.send(next).is_err() || failed {
                return;
            }
        }
    };
    std::thread::Builder::new()
        .name("reprint-read".into())
        .spawn(reader)?;
    for c in chunks {
        let c = c?;
        each(&c.lines())?;
        // The reader may have ended: then the buffer is dropped here.
        let _ = used.send(c.bytes);
    }
    Ok(())
}

/// Whole lines of an input, owned: the bytes read, and each non-blank
/// line's (number, offset in the input, start and end in `bytes`).
struct LineChunk {
    bytes: Vec<u8>,
    lines: Vec<(usize, u64, usize, usize)>,
}

impl LineChunk {
    /// The lines as `read_jsonl_chunks` hands them over.
    fn lines(&self) -> Vec<(usize, u64, &[u8])> {
        self.lines
            .iter()
            .map(|&(n, at, from, to)| (n, at, &self.bytes[from..to]))
            .collect()
    }
}

/// Cuts an input into `LineChunk`s of whole lines, about `chunk` bytes each
/// (or one longer line), numbered and trimmed as `jsonl_lines_at` does.
struct Chunker {
    chunk: usize,
    /// Bytes read after the last whole line, for the next chunk.
    carry: Vec<u8>,
    /// Offset in the input of the next chunk's first byte.
    base: u64,
    /// Number of the next chunk's first line.
    next_line: usize,
    done: bool,
    /// A read error met after some whole lines: handed over on the next call.
    failed: Option<std::io::Error>,
}

impl Chunker {
    fn new(chunk: usize) -> Chunker {
        Chunker {
            chunk,
            carry: Vec::new(),
            base: 0,
            next_line: 1,
            done: false,
            failed: None,
        }
    }

    /// The next chunk, read into `buf` (a buffer to reuse), or `None` after
    /// the last one (the input's end always gives one last, maybe empty).
    fn next(
        &mut self,
        input: &mut impl Read,
        mut buf: Vec<u8>,
    ) -> std::io::Result<Option<LineChunk>> {
        if let Some(e) = self.failed.take() {
            self.done = true;
            return Err(e);
        }
        if self.done {
            return Ok(None);
        }
        buf.clear();
        buf.extend_from_slice(&self.carry);
        let (end, eof) = loop {
            // Grown as bytes arrive (never zeroed ahead): a one-line input
            // costs a few bytes, not a chunk.
            let got = match (&mut *input).take(self.chunk as u64).read_to_end(&mut buf) {
                Ok(got) => got,
                // The whole lines read before a failure (a damaged gzip
                // stream) are handed over first; the broken line is not.
                Err(e) => match memchr::memrchr(b'\n', &buf) {
                    Some(i) => {
                        self.failed = Some(e);
                        break (i, false);
                    }
                    None => return Err(e),
                },
            };
            if got == 0 {
                break (buf.len(), true);
            }
            // Whole lines only, unless the input has ended.
            if let Some(i) = memchr::memrchr(b'\n', &buf) {
                break (i, false);
            }
        };
        let mut lines = Vec::new();
        let (mut from, mut pieces) = (0, 0);
        if self.next_line == 1 && buf.starts_with(BOM) {
            from = BOM.len();
        }
        for to in memchr::memchr_iter(b'\n', &buf[..end]).chain(std::iter::once(end)) {
            pieces += 1;
            if let Some(line) = record_line(&buf[from..to]) {
                let at = self.base + from as u64;
                lines.push((self.next_line + pieces - 1, at, from, from + line.len()));
            }
            from = to + 1;
        }
        self.next_line += pieces;
        self.carry.clear();
        if eof {
            self.done = true;
        } else {
            self.carry.extend_from_slice(&buf[end + 1..]);
            self.base += end as u64 + 1;
        }
        Ok(Some(LineChunk { bytes: buf, lines }))
    }
}

/// Read one JSONL input (a file, gzipped or not, or `-` for stdin) with
/// `read_jsonl_chunks`, calling `each` with each chunk's lines and the
/// input's display name until it returns false. An input that cannot be
/// read, or stops being readable midway, gives a diagnostic; what was read
/// before it stays.
pub(super) fn read_jsonl(
    path: &Path,
    gz: bool,
    mut each: impl FnMut(&[(usize, u64, &[u8])], &str) -> bool,
) -> Option<Diagnostic> {
    let name = display_name(path);
    let mut last_line = 0;
    let mut stopped = false;
    let read = open_decompressed(path, gz).and_then(|input| {
        read_jsonl_chunks_ahead(input, JSONL_CHUNK, |lines| {
            last_line = lines.last().map_or(last_line, |l| l.0);
            if each(lines, &name) {
                Ok(())
            } else {
                stopped = true;
                Err(std::io::Error::other("stopped"))
            }
        })
    });
    read.err()
        .filter(|_| !stopped)
        .map(|e| broken_at(&name, last_line, &e))
}

/// The non-blank lines of a JSONL buffer: (1-based line number, byte offset
/// in `bytes`, line with its `\n` or `\r\n` removed). Line ends are found
/// with memchr (SIMD), so splitting is not a serial bottleneck before
/// parallel parsing.
pub fn jsonl_lines_at(bytes: &[u8]) -> impl Iterator<Item = (usize, usize, &[u8])> {
    let mut from = if bytes.starts_with(BOM) { BOM.len() } else { 0 };
    memchr::memchr_iter(b'\n', bytes)
        .chain(std::iter::once(bytes.len()))
        .enumerate()
        .filter_map(move |(i, end)| {
            let start = from;
            from = end + 1;
            record_line(&bytes[start..end]).map(|line| (i + 1, start, line))
        })
}

/// One line of JSONL without its `\n` as a record reads it: a `\r` before
/// the `\n` removed, `None` when the line is blank.
pub(crate) fn record_line(piece: &[u8]) -> Option<&[u8]> {
    let line = piece.strip_suffix(b"\r").unwrap_or(piece);
    (!line.iter().all(u8::is_ascii_whitespace)).then_some(line)
}

pub(crate) fn parse_record(
    file: u32,
    name: &str,
    line_no: usize,
    line: &[u8],
    opts: &ReadOptions,
) -> Vec<Parsed> {
    let loc = format!("{name}:{line_no}");
    let mut out = Vec::new();
    // The SIMD check first; std's again only on a bad line, for where.
    let valid = simdutf8::basic::from_utf8(line).map_err(|_| std::str::from_utf8(line));
    let text_line = match valid {
        Ok(s) | Err(Ok(s)) => std::borrow::Cow::Borrowed(s),
        Err(Err(e)) => {
            out.push(problem(
                &loc,
                format!("invalid UTF-8 at byte {}; decoded lossily", e.valid_up_to()),
            ));
            String::from_utf8_lossy(line)
        }
    };
    // The members a document is made of, by name.
    let names = [
        opts.text_field.as_str(),
        opts.id_field.as_str(),
        "title",
        "source",
        "date",
    ];
    let mut fields = match parse_fields(&text_line, &names) {
        Ok(Some(fields)) => fields,
        Ok(None) => {
            out.push(problem(&loc, "record is not a JSON object; skipped"));
            return out;
        }
        Err(e) => {
            out.push(problem(&loc, format!("malformed JSON ({e}); skipped")));
            return out;
        }
    };
    // A name given twice reads one member; the text's is the text's alone.
    for i in 1..names.len() {
        let first = names.iter().position(|n| *n == names[i]).unwrap_or(i);
        if first != i {
            fields[i] = if first == 0 {
                None
            } else {
                fields[first].clone()
            };
        }
    }
    let text = match fields[0].take() {
        Some(Field::Str(s)) => s.into_owned(),
        Some(_) => {
            out.push(problem(
                &loc,
                format!("field {:?} is not a string; skipped", opts.text_field),
            ));
            return out;
        }
        None => {
            out.push(problem(
                &loc,
                format!("no {:?} field; skipped", opts.text_field),
            ));
            return out;
        }
    };
    let text = from_html(text, opts, &loc, &mut out);
    let line = text_line.as_bytes();
    let id = field_text(fields[1].take(), names[1], line).unwrap_or_else(|| loc.clone());
    let mut field = |i: usize| field_text(fields[i].take(), names[i], line);
    let (title, source, date) = (field(2), field(3), field(4));
    out.push(Parsed::Doc(
        Document {
            id,
            title,
            source,
            date,
            text,
            origin: Origin {
                file,
                line: line_no as u32,
            },
        },
        loc,
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::test_support::write;
    use crate::corpus::{read_inputs, Origin, ReadOptions};

    /// A reader that hands out `data` a few bytes at a time, then fails.
    struct Flaky<'a> {
        data: &'a [u8],
        fail_at_end: bool,
    }

    impl Read for Flaky<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.data.is_empty() && self.fail_at_end {
                return Err(std::io::Error::other("disk on fire"));
            }
            let n = buf.len().min(self.data.len()).min(5);
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    /// Both ways of reading JSONL in chunks: on the calling thread, and
    /// read ahead on a thread of its own.
    fn chunked(
        input: Flaky<'static>,
        chunk: usize,
        ahead: bool,
        each: impl FnMut(&[(usize, u64, &[u8])]) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        if ahead {
            read_jsonl_chunks_ahead(Box::new(input), chunk, each)
        } else {
            read_jsonl_chunks_of(input, chunk, each)
        }
    }

    #[test]
    fn chunked_jsonl_lines_equal_the_whole_buffer_split() {
        let data: &'static [u8] = b"{\"a\":1}\r\n\n  \n{\"b\":\"a line longer than any chunk here\"}\n\n{\"c\":3}\n{\"d\":4}";
        let want: Vec<(usize, u64, Vec<u8>)> = jsonl_lines_at(data)
            .map(|(n, at, l)| (n, at as u64, l.to_vec()))
            .collect();
        assert_eq!(want.len(), 4);
        for ahead in [false, true] {
            for chunk in [1usize, 3, 7, 16, 64, 1000] {
                let mut got = Vec::new();
                let mut calls = 0;
                let input = Flaky {
                    data,
                    fail_at_end: false,
                };
                chunked(input, chunk, ahead, |lines| {
                    calls += 1;
                    got.extend(lines.iter().map(|&(n, at, l)| (n, at, l.to_vec())));
                    Ok(())
                })
                .expect("read");
                assert_eq!(got, want, "chunk {chunk}, ahead {ahead}");
                assert!(chunk >= data.len() || calls > 1, "chunk {chunk}");
            }
            // A read error midway: the lines handed over before it stay.
            let mut got = Vec::new();
            let failing = Flaky {
                data: &data[..40],
                fail_at_end: true,
            };
            let err = chunked(failing, 8, ahead, |lines| {
                got.extend(lines.iter().map(|l| l.0));
                Ok(())
            });
            assert!(err.is_err());
            assert_eq!(got, vec![1]);
            // An error from `each` ends the read with that error, after
            // the chunk it was given.
            let mut calls = 0;
            let input = Flaky {
                data,
                fail_at_end: false,
            };
            let err = chunked(input, 3, ahead, |_| {
                calls += 1;
                Err(std::io::Error::other("stop"))
            });
            assert_eq!(err.map_err(|e| e.to_string()), Err("stop".to_string()));
            assert_eq!(calls, 1);
        }
    }

    #[test]
    fn reads_jsonl_with_diagnostics_for_bad_lines() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "f.jsonl",
            b"{\"id\":\"a\",\"text\":\"one\",\"title\":\"T\",\"date\":\"2024-01-02\"}\n\
              not json\n\
              \n\
              {\"text\":\"no id here\"}\n\
              {\"id\":\"c\",\"text\":5}\n\
              {\"id\":\"a\",\"text\":\"dup\"}\n\
              {\"id\":\"e\",\"text\":\"   \"}\n\
              [1,2]\n",
        );
        let c = read_inputs(std::slice::from_ref(&p), &ReadOptions::default()).unwrap();
        let ids: Vec<String> = c.docs.iter().map(|d| d.id.clone()).collect();
        let name = p.display().to_string();
        assert_eq!(
            ids,
            vec!["a".to_string(), format!("{name}:4"), format!("{name}:6")]
        );
        assert_eq!(c.docs[2].origin, Origin { file: 0, line: 6 });
        assert_eq!(c.files.len(), 1);
        assert_eq!(c.docs[0].title.as_deref(), Some("T"));
        assert_eq!(c.docs[0].date.as_deref(), Some("2024-01-02"));
        let locs: Vec<String> = c.diagnostics.iter().map(|d| d.location.clone()).collect();
        assert_eq!(
            locs,
            vec![
                format!("{name}:2"),
                format!("{name}:5"),
                format!("{name}:6"),
                format!("{name}:7"),
                format!("{name}:8")
            ]
        );
        assert!(c.diagnostics[0].message.contains("malformed JSON"));
        assert!(c.diagnostics[2].message.contains("duplicate id"));
        assert!(c.diagnostics[2].message.contains("renamed"));
    }
}
