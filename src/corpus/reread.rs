//! The lean corpus `dedup` runs on: per document only what clustering and
//! output need (id, date, text length, origin) and where its record is in
//! the input (byte offset and length of its line); texts are parsed again
//! from the input when the scan pipeline asks for them (`TextSource`), so
//! memory is bounded by the fingerprints, not by the corpus. stdin and
//! gzipped inputs cannot be read by offset: they are spooled, decompressed,
//! to an anonymous temporary file first. Text files are read again whole.

use super::inputs::{list_inputs, Kind};
use super::jsonl::{parse_record, read_jsonl_chunks};
use super::model::{display_name, Diagnostic, DocId, Origin, ReadOptions, SourceFile, TextSource};
use super::records::{admit, Content, Parsed};
use super::stream::{broken_at, decompressed};
use super::text::read_text;
use crate::error::{Error, Result};
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::HashSet;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use xxhash_rust::xxh3::xxh3_64;

/// JSONL files kept open for re-reading; further ones are opened per read,
/// so a folder of many feeds does not run out of file descriptors.
const OPEN_FILES: usize = 64;

/// One document: everything but its text.
#[derive(Debug)]
struct LeanDoc {
    id: Box<str>,
    date: Option<Box<str>>,
    source: Option<Box<str>>,
    origin: Origin,
    /// Byte offset and length of the record's line in the (decompressed)
    /// file, line end excluded; 0 for a whole-file document.
    offset: u64,
    len: u64,
    text_len: usize,
    /// xxh3 of the text, to tell a changed input from the one first read.
    text_hash: u64,
}

/// How a file's bytes are read again.
#[derive(Debug)]
enum Backing {
    /// An open file: the input itself, or the spool of stdin or a gzipped
    /// input (an anonymous temporary file, gone when it is closed).
    Open(File),
    /// A file opened again for every read (text files, and JSONL files past
    /// the first OPEN_FILES).
    Path(PathBuf),
    /// Could not be read; reported on the first pass, has no documents.
    Unreadable,
}

/// A corpus that holds no texts. See the module comment.
#[derive(Debug)]
pub struct LeanCorpus {
    docs: Vec<LeanDoc>,
    /// Problems found while reading.
    pub diagnostics: Vec<Diagnostic>,
    bytes: u64,
    files: Vec<SourceFile>,
    backing: Vec<Backing>,
    opts: ReadOptions,
    /// The first failure to read a text again: `text` cannot return an
    /// error, so it records it here and callers `check` after each stage.
    failure: Mutex<Option<Error>>,
}

/// A parsed record with its text dropped.
enum Slim {
    Doc {
        id: String,
        date: Option<String>,
        source: Option<String>,
        location: String,
        content: Content,
        text_len: usize,
        text_hash: u64,
        origin: Origin,
        offset: u64,
        len: u64,
    },
    Problem(Diagnostic),
}

/// Drop the texts of parsed records, keeping their lengths.
fn slim(parsed: Vec<Parsed>, offset: u64, len: u64) -> Vec<Slim> {
    parsed
        .into_iter()
        .map(|p| match p {
            Parsed::Doc(doc, location) => Slim::Doc {
                content: Content::of(&doc.text),
                text_len: doc.text.len(),
                text_hash: xxh3_64(doc.text.as_bytes()),
                id: doc.id,
                date: doc.date,
                source: doc.source,
                location,
                origin: doc.origin,
                offset,
                len,
            },
            Parsed::Problem(d) => Slim::Problem(d),
        })
        .collect()
}

/// Sequential reads through `read_at`, from a position of its own (a spool
/// or input shared with concurrent positioned reads).
struct AtReader<'a> {
    file: &'a File,
    pos: u64,
}

impl Read for AtReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.file.read_at(buf, self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

/// A spooled input: the file, and the failure that ended the copy early.
struct Spool {
    file: File,
    /// Lines copied before a read failure, and the failure.
    broken: Option<(usize, io::Error)>,
}

/// Copy `input` into an anonymous temporary file, gunzipped when `gz` or
/// when it starts with the gzip magic bytes (as `corpus::read_bytes` does).
/// A read failure midway (a truncated gzip) keeps the whole lines before it.
fn spool(input: impl Read + Send, gz: bool) -> io::Result<Spool> {
    let input = BufReader::with_capacity(1 << 20, input);
    let mut input = decompressed(input, gz)?;
    let mut out = io::BufWriter::with_capacity(1 << 20, tempfile::tempfile()?);
    let mut buf = vec![0u8; 1 << 20];
    let (mut copied, mut whole, mut lines) = (0u64, 0u64, 0usize);
    let broken = loop {
        match input.read(&mut buf) {
            Ok(0) => break None,
            Ok(n) => {
                out.write_all(&buf[..n])?;
                if let Some(i) = memchr::memrchr(b'\n', &buf[..n]) {
                    whole = copied + i as u64 + 1;
                    lines += memchr::memchr_iter(b'\n', &buf[..n]).count();
                }
                copied += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => break Some((lines, e)),
        }
    };
    let file = out.into_inner().map_err(|e| e.into_error())?;
    if broken.is_some() {
        file.set_len(whole)?;
    }
    Ok(Spool { file, broken })
}

/// How a JSONL input is read: in place, or spooled (stdin, gzip, a FIFO or
/// other stream that cannot be read by offset).
fn open_jsonl(
    path: &Path,
    gz: bool,
    open_files: usize,
) -> io::Result<(Backing, Option<Diagnostic>)> {
    let spooled = |s: Spool| {
        let broken = s
            .broken
            .map(|(lines, e)| broken_at(&display_name(path), lines, &e));
        (Backing::Open(s.file), broken)
    };
    if path.as_os_str() == "-" {
        return Ok(spooled(spool(io::stdin(), gz)?));
    }
    let file = File::open(path)?;
    if !file.metadata()?.is_file() {
        return Ok(spooled(spool(file, gz)?));
    }
    let mut head = [0u8; 2];
    let n = read_full_at(&file, &mut head, 0)?;
    if gz || head[..n].starts_with(&[0x1f, 0x8b]) {
        return Ok(spooled(spool(file, gz)?));
    }
    let backing = if open_files < OPEN_FILES {
        Backing::Open(file)
    } else {
        Backing::Path(path.to_path_buf())
    };
    Ok((backing, None))
}

/// Read into `buf` from `at` until it is full or the file ends.
fn read_full_at(file: &File, buf: &mut [u8], at: u64) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match file.read_at(&mut buf[got..], at + got as u64) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

impl LeanCorpus {
    /// Read every input (`-` is JSONL on stdin) as `corpus::read_inputs`
    /// does (the same documents, ids and diagnostics, in the same order),
    /// keeping no texts. JSONL is read a chunk at a time, its lines parsed
    /// in parallel.
    pub fn read(inputs: &[PathBuf], opts: &ReadOptions) -> Result<LeanCorpus> {
        let mut corpus = LeanCorpus {
            docs: Vec::new(),
            diagnostics: Vec::new(),
            bytes: 0,
            files: Vec::new(),
            backing: Vec::new(),
            opts: opts.clone(),
            failure: Mutex::new(None),
        };
        let listed = list_inputs(inputs, &mut corpus.diagnostics)?;
        // Text files: one document each, read in parallel, texts dropped.
        let mut text_docs: Vec<Option<Vec<Slim>>> = listed
            .par_iter()
            .enumerate()
            .map(|(i, (path, kind, gz))| {
                (*kind == Kind::Text).then(|| slim(read_text(i as u32, path, *gz, opts), 0, 0))
            })
            .collect();
        let mut seen = HashSet::new();
        let mut open_files = 0;
        for (i, (path, kind, gz)) in listed.iter().enumerate() {
            corpus.files.push(SourceFile {
                path: path.clone(),
                jsonl: *kind == Kind::Jsonl,
                gz: *gz,
            });
            if *kind == Kind::Text {
                corpus.backing.push(Backing::Path(path.clone()));
                let records = text_docs[i].take().unwrap_or_default();
                corpus.admit_all(records, &mut seen);
                continue;
            }
            let name = display_name(path);
            let mut broken_diag = None;
            let backing = match open_jsonl(path, *gz, open_files) {
                Ok((b, broken)) => {
                    broken_diag = broken;
                    b
                }
                Err(e) => {
                    corpus.diagnostics.push(Diagnostic {
                        location: name.clone(),
                        message: format!("cannot read: {e}"),
                    });
                    Backing::Unreadable
                }
            };
            if let Backing::Open(_) = backing {
                open_files += 1;
            }
            let read = match &backing {
                Backing::Open(f) => corpus.read_jsonl(i as u32, &name, f, &mut seen),
                Backing::Path(p) => match File::open(p) {
                    Ok(f) => corpus.read_jsonl(i as u32, &name, &f, &mut seen),
                    Err(e) => Err(e),
                },
                Backing::Unreadable => Ok(()),
            };
            read.map_err(|e| Error::io(path, e))?;
            corpus.diagnostics.extend(broken_diag);
            corpus.backing.push(backing);
        }
        Ok(corpus)
    }

    /// First pass over one JSONL file: parse its lines a chunk at a time.
    fn read_jsonl(
        &mut self,
        file: u32,
        name: &str,
        f: &File,
        seen: &mut HashSet<String>,
    ) -> io::Result<()> {
        let opts = self.opts.clone();
        read_jsonl_chunks(AtReader { file: f, pos: 0 }, |lines| {
            let records: Vec<Vec<Slim>> = lines
                .par_iter()
                .with_min_len(16)
                .map(|&(n, offset, line)| {
                    slim(
                        parse_record(file, name, n, line, &opts),
                        offset,
                        line.len() as u64,
                    )
                })
                .collect();
            for r in records {
                self.admit_all(r, seen);
            }
            Ok(())
        })
    }

    fn admit_all(&mut self, records: Vec<Slim>, seen: &mut HashSet<String>) {
        for r in records {
            match r {
                Slim::Problem(d) => self.diagnostics.push(d),
                Slim::Doc {
                    mut id,
                    date,
                    source,
                    location,
                    content,
                    text_len,
                    text_hash,
                    origin,
                    offset,
                    len,
                } => {
                    if admit(&mut id, content, seen, location, &mut self.diagnostics) {
                        self.bytes += text_len as u64;
                        self.docs.push(LeanDoc {
                            id: id.into(),
                            date: date.map(Into::into),
                            source: source.map(Into::into),
                            origin,
                            offset,
                            len,
                            text_len,
                            text_hash,
                        });
                    }
                }
            }
        }
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// Whether there are no documents.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// The first failure to read a text again, if any (taken).
    pub fn check(&self) -> Result<()> {
        let mut failure = self.failure.lock().unwrap_or_else(|e| e.into_inner());
        match failure.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    fn fail(&self, e: Error) {
        let mut failure = self.failure.lock().unwrap_or_else(|e| e.into_inner());
        failure.get_or_insert(e);
    }

    /// Parse a document's record again and take its text.
    fn reread(&self, id: DocId) -> Result<String> {
        let d = &self.docs[id.index()];
        let fi = d.origin.file as usize;
        let source = &self.files[fi];
        let name = source.name();
        let parsed = if source.jsonl {
            let mut line = vec![0u8; d.len as usize];
            let read = match &self.backing[fi] {
                Backing::Open(f) => f.read_exact_at(&mut line, d.offset),
                Backing::Path(p) => {
                    File::open(p).and_then(|f| f.read_exact_at(&mut line, d.offset))
                }
                Backing::Unreadable => Err(io::Error::other("cannot be read again")),
            };
            read.map_err(|e| Error::io(&source.path, e))?;
            parse_record(
                d.origin.file,
                &name,
                d.origin.line as usize,
                &line,
                &self.opts,
            )
        } else {
            read_text(d.origin.file, &source.path, source.gz, &self.opts)
        };
        let text = parsed.into_iter().find_map(|p| match p {
            Parsed::Doc(doc, _) => Some(doc.text),
            Parsed::Problem(_) => None,
        });
        match text {
            Some(t) if t.len() == d.text_len && xxh3_64(t.as_bytes()) == d.text_hash => Ok(t),
            _ => Err(Error::bad_input(
                if source.jsonl {
                    format!("{name}:{}", d.origin.line)
                } else {
                    name
                },
                "the input changed while reprint was reading it; run again",
            )),
        }
    }
}

impl TextSource for LeanCorpus {
    fn doc_count(&self) -> usize {
        self.docs.len()
    }

    /// The text, read again; on failure an empty text, and the failure is
    /// kept for `check`.
    fn text(&self, id: DocId) -> Cow<'_, str> {
        match self.reread(id) {
            Ok(t) => Cow::Owned(t),
            Err(e) => {
                self.fail(e);
                Cow::Borrowed("")
            }
        }
    }

    fn text_len(&self, id: DocId) -> usize {
        self.docs[id.index()].text_len
    }

    fn date(&self, id: DocId) -> Option<&str> {
        self.docs[id.index()].date.as_deref()
    }

    fn source(&self, id: DocId) -> Option<&str> {
        self.docs[id.index()].source.as_deref()
    }

    fn user_id(&self, id: DocId) -> &str {
        &self.docs[id.index()].id
    }

    fn origin(&self, id: DocId) -> Origin {
        self.docs[id.index()].origin
    }

    fn text_bytes(&self) -> u64 {
        self.bytes
    }
}

impl LeanCorpus {
    /// The files read, in order; `Origin::file` indexes this.
    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }

    /// The bytes of file `file` again, decompressed, from the start (what
    /// `dedup` streams back out).
    pub(crate) fn reopen(&self, file: usize) -> io::Result<Box<dyn BufRead + '_>> {
        Ok(match &self.backing[file] {
            Backing::Open(f) => Box::new(BufReader::with_capacity(
                1 << 20,
                AtReader { file: f, pos: 0 },
            )),
            Backing::Path(p) => Box::new(BufReader::with_capacity(1 << 20, File::open(p)?)),
            Backing::Unreadable => return Err(io::Error::other("cannot be read again")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::read_inputs;
    use std::io::Write;

    fn put(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
        let p = dir.join(name);
        let mut f = File::create(&p).expect("create test file");
        f.write_all(bytes).expect("write test file");
        p
    }
    /// The lean corpus has the documents, ids, diagnostics and texts of
    /// `read_inputs`, through malformed lines, blank lines, CRLF, duplicate
    /// ids, gzip, and lines longer than a chunk.
    #[test]
    fn same_documents_and_texts_as_the_in_memory_corpus() {
        let dir = tempfile::tempdir().expect("tempdir");
        let long = "word ".repeat(crate::corpus::jsonl::JSONL_CHUNK / 4);
        let mut feed = Vec::new();
        feed.extend_from_slice(b"{\"id\":\"a\",\"text\":\"one\",\"date\":\"2024-01-02\"}\r\n");
        feed.extend_from_slice(b"not json\n\n   \n");
        feed.extend_from_slice(b"{\"text\":\"no id here\"}\n");
        feed.extend_from_slice(b"{\"id\":\"a\",\"text\":\"dup \\u00e9\"}\n");
        feed.extend_from_slice(b"{\"id\":\"e\",\"text\":\"   \"}\n");
        feed.extend_from_slice(format!("{{\"id\":\"long\",\"text\":\"{long}\"}}\n").as_bytes());
        feed.extend_from_slice(b"{\"id\":\"caf\xe9\",\"text\":\"lossy\"}\n");
        feed.extend_from_slice(b"{\"id\":\"last\",\"text\":\"no newline\"}");
        let plain = put(dir.path(), "f.jsonl", &feed);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&feed).expect("gzip");
        let zipped = put(dir.path(), "g.jsonl.gz", &gz.finish().expect("gzip"));
        let text = put(dir.path(), "t.txt", b"a text file");
        let inputs = vec![plain, zipped, text];
        let opts = ReadOptions::default();
        let full = read_inputs(&inputs, &opts).expect("read");
        let lean = LeanCorpus::read(&inputs, &opts).expect("read lean");
        assert_eq!(lean.doc_count(), full.doc_count());
        assert_eq!(lean.text_bytes(), full.text_bytes());
        assert_eq!(lean.diagnostics, full.diagnostics);
        for i in 0..full.doc_count() as u32 {
            let d = DocId(i);
            assert_eq!(lean.user_id(d), full.user_id(d));
            assert_eq!(lean.origin(d), full.origin(d));
            assert_eq!(lean.date(d), full.date(d));
            assert_eq!(lean.text_len(d), full.text_len(d));
            assert_eq!(lean.text(d), full.text(d));
        }
        lean.check().expect("no read failure");
        for f in 0..2 {
            // Plain or gzipped, the feed's bytes come back.
            let mut a = Vec::new();
            lean.reopen(f)
                .expect("reopen")
                .read_to_end(&mut a)
                .expect("read");
            assert_eq!(a, feed);
        }
    }

    #[test]
    fn a_changed_input_is_an_error_not_a_wrong_text() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = put(
            dir.path(),
            "f.jsonl",
            b"{\"id\":\"a\",\"text\":\"one two\"}\n",
        );
        let lean =
            LeanCorpus::read(std::slice::from_ref(&p), &ReadOptions::default()).expect("read");
        // Same length, other text: caught by the text hash.
        put(
            dir.path(),
            "f.jsonl",
            b"{\"id\":\"a\",\"text\":\"one 2wo\"}\n",
        );
        assert_eq!(lean.text(DocId(0)), "");
        assert!(lean.check().is_err());
    }
}
