//! Reading a corpus: text files, folders, JSONL feeds (optionally gzipped) and
//! stdin, into documents with ids and metadata. Bad input becomes a
//! diagnostic naming the file and line; the rest of the run goes on.
//! `TextSource` is what the scan pipeline asks of a corpus; `Corpus` holds
//! every text in memory, `lean::LeanCorpus` re-reads them from the input.

use crate::error::{Error, Result};
use crate::extract::{article_text, looks_like_html, HtmlMode};
use rayon::prelude::*;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

/// A document's position in the corpus (input order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct DocId(pub u32);

impl DocId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Where a document came from: the index of its file in `Corpus::files`
/// and its line (1-based; 0 for a whole-file document).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin {
    pub file: u32,
    pub line: u32,
}

/// One document: its id as the user knows it, metadata and text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Document {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(skip)]
    pub text: String,
    #[serde(skip)]
    pub origin: Origin,
}

/// A problem with one piece of input; the run goes on without it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// `FILE` or `FILE:LINE`.
    pub location: String,
    pub message: String,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// How records are read.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    pub id_field: String,
    pub text_field: String,
    /// When texts are reduced from HTML pages to their article text.
    pub html: HtmlMode,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            id_field: "id".into(),
            text_field: "text".into(),
            html: HtmlMode::Auto,
        }
    }
}

/// Documents in input order, and what went wrong reading them.
#[derive(Debug, Default)]
pub struct Corpus {
    pub docs: Vec<Document>,
    pub diagnostics: Vec<Diagnostic>,
    /// Bytes of document text read.
    pub bytes: u64,
    /// The files read, in order (`-` for stdin); `Origin::file` indexes this.
    pub files: Vec<SourceFile>,
}

/// One input file and how it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    pub path: PathBuf,
    /// One record per line (JSONL) rather than one document per file.
    pub jsonl: bool,
    pub gz: bool,
}

impl SourceFile {
    pub fn name(&self) -> String {
        display_name(&self.path)
    }
}

impl Corpus {
    pub fn get(&self, id: DocId) -> &Document {
        &self.docs[id.index()]
    }

    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// The document with the user id `id`.
    pub fn find(&self, id: &str) -> Option<DocId> {
        self.docs
            .iter()
            .position(|d| d.id == id)
            .map(|i| DocId(i as u32))
    }
}

/// What the scan pipeline (`scan`, and `dedup` on top of it) needs of a
/// corpus: documents by `DocId`, their texts on demand and the small fields
/// clusters and keepers are chosen by. `Corpus` lends its texts from memory;
/// `lean::LeanCorpus` reads them again from the input.
pub trait TextSource: Sync {
    /// Number of documents.
    fn doc_count(&self) -> usize;
    /// The text of a document.
    fn text(&self, id: DocId) -> Cow<'_, str>;
    /// Length in bytes of the text of a document.
    fn text_len(&self, id: DocId) -> usize;
    /// The `date` field of a document.
    fn date(&self, id: DocId) -> Option<&str>;
    /// The `source` field of a document (who published it), if kept.
    fn source(&self, _id: DocId) -> Option<&str> {
        None
    }
    /// The id of a document as the user knows it.
    fn user_id(&self, id: DocId) -> &str;
    fn origin(&self, id: DocId) -> Origin;
    /// Bytes of document text read.
    fn text_bytes(&self) -> u64;
}

impl TextSource for Corpus {
    fn doc_count(&self) -> usize {
        self.docs.len()
    }

    fn text(&self, id: DocId) -> Cow<'_, str> {
        Cow::Borrowed(&self.get(id).text)
    }

    fn text_len(&self, id: DocId) -> usize {
        self.get(id).text.len()
    }

    fn date(&self, id: DocId) -> Option<&str> {
        self.get(id).date.as_deref()
    }

    fn source(&self, id: DocId) -> Option<&str> {
        self.get(id).source.as_deref()
    }

    fn user_id(&self, id: DocId) -> &str {
        &self.get(id).id
    }

    fn origin(&self, id: DocId) -> Origin {
        self.get(id).origin
    }

    fn text_bytes(&self) -> u64 {
        self.bytes
    }
}

/// What a document's text holds, as far as admitting it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Content {
    Words,
    /// Nothing but whitespace: the document is skipped.
    Blank,
    /// No word survives normalization (emoji, punctuation): the document
    /// is kept but can never match, so it is warned about.
    NoWords,
}

impl Content {
    pub(crate) fn of(text: &str) -> Content {
        if text.trim().is_empty() {
            return Content::Blank;
        }
        // Any ASCII letter or digit makes a token; else normalize to see.
        if text.bytes().any(|b| b.is_ascii_alphanumeric()) {
            return Content::Words;
        }
        let mut joined = String::new();
        crate::normalize::normalize_joined_into(text, &mut joined);
        if joined.is_empty() {
            Content::NoWords
        } else {
            Content::Words
        }
    }
}

/// Whether a parsed document joins the corpus: not when its text is blank;
/// a repeated id is renamed to the record's location (and the record is
/// dropped if even that is taken). Diagnostics go to `diags`. `Corpus` and
/// `lean::LeanCorpus` both admit documents here.
pub(crate) fn admit(
    id: &mut String,
    content: Content,
    seen: &mut HashSet<String>,
    location: String,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    match content {
        Content::Blank => {
            diags.push(Diagnostic {
                location,
                message: format!("document {id:?} is empty; skipped"),
            });
            return false;
        }
        Content::NoWords => diags.push(Diagnostic {
            location: location.clone(),
            message: format!(
                "document {id:?} is empty after normalization (no letters or digits); \
                 kept, but it cannot match anything"
            ),
        }),
        Content::Words => {}
    }
    if !seen.insert(id.clone()) {
        diags.push(Diagnostic {
            location: location.clone(),
            message: format!("duplicate id {id:?}; this record is renamed {location:?}"),
        });
        *id = location;
        if !seen.insert(id.clone()) {
            return false;
        }
    }
    true
}

/// What kind of input a path is, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Jsonl,
}

fn kind_of(path: &Path) -> Option<(Kind, bool)> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    let (stem, gz) = match name.strip_suffix(".gz") {
        Some(s) => (s.to_string(), true),
        None => (name, false),
    };
    if stem.ends_with(".jsonl") || stem.ends_with(".ndjson") {
        Some((Kind::Jsonl, gz))
    } else if stem.ends_with(".txt") || stem.ends_with(".md") {
        Some((Kind::Text, gz))
    } else {
        None
    }
}

/// A `.json` (or `.json.gz`) file: one JSON document, not JSONL; not read.
fn is_json(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .map(|n| n.to_ascii_lowercase())
        .is_some_and(|n| n.ends_with(".json") || n.ends_with(".json.gz"))
}

fn skipped_json(path: &Path) -> Diagnostic {
    Diagnostic {
        location: path.display().to_string(),
        message: "a .json file is one JSON document, not JSONL (one record per line); skipped \
                  (convert it, e.g. jq -c '.[]')"
            .into(),
    }
}

/// Every file the inputs name, in order, with its kind and whether it is
/// gzipped; unreadable folders, skipped entries and `.json` files become
/// diagnostics. `-`, and a FIFO or other stream named explicitly
/// (`<(cat f)` is `/dev/fd/N`), is JSONL unless its name says otherwise.
/// Folders are walked in sorted path order, each real folder (device and
/// inode) once, so symlink loops end.
pub fn list_inputs(
    inputs: &[PathBuf],
    diags: &mut Vec<Diagnostic>,
) -> Result<Vec<(PathBuf, Kind, bool)>> {
    let mut files = Vec::new();
    let mut visited = HashSet::new();
    for input in inputs {
        if input.as_os_str() == "-" {
            files.push((input.clone(), Kind::Jsonl, false));
            continue;
        }
        let meta = std::fs::metadata(input).map_err(|e| {
            let e = if e.kind() == std::io::ErrorKind::NotFound {
                std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or folder")
            } else {
                e
            };
            Error::io(input, e)
        })?;
        if meta.is_dir() {
            walk(input, &meta, &mut visited, &mut files, diags);
        } else if is_json(input) {
            diags.push(skipped_json(input));
        } else {
            let stream = (Kind::Jsonl, false);
            let plain = (Kind::Text, false);
            let (kind, gz) = kind_of(input).unwrap_or(if meta.is_file() { plain } else { stream });
            files.push((input.clone(), kind, gz));
        }
    }
    Ok(files)
}

/// What `read_each` hands over, in input order.
#[derive(Debug)]
pub enum Item {
    /// An input file is about to be read (`Origin::file` counts these).
    File(SourceFile),
    /// A document that joins the corpus (see `admit`).
    Doc(Document),
    /// A problem with some input; the read goes on without it.
    Problem(Diagnostic),
}

/// Text files read at once, in parallel, by `read_each`.
const TEXT_GROUP: usize = 256;

/// Read every input (`-` is JSONL on stdin) in order, handing each file,
/// document and problem to `each` as it is read: JSONL a chunk at a time,
/// each chunk's lines parsed in parallel, text files a group at a time in
/// parallel, so memory is one chunk or group, never the corpus. `each`
/// returns false to stop the read (no later item is handed over).
pub fn read_each(
    inputs: &[PathBuf],
    opts: &ReadOptions,
    mut each: impl FnMut(Item) -> bool,
) -> Result<()> {
    let mut listed = Vec::new();
    let files = list_inputs(inputs, &mut listed)?;
    let mut going = listed.into_iter().all(|d| each(Item::Problem(d)));
    let mut seen = HashSet::new();
    // Admit parsed records in order; false once `each` said stop.
    let mut admit_all = |records: Vec<Parsed>, each: &mut dyn FnMut(Item) -> bool| -> bool {
        for r in records {
            let item = match r {
                Parsed::Problem(d) => Item::Problem(d),
                Parsed::Doc(mut doc, location) => {
                    let mut diags = Vec::new();
                    let content = Content::of(&doc.text);
                    let admitted = admit(&mut doc.id, content, &mut seen, location, &mut diags);
                    if !diags.into_iter().all(|d| each(Item::Problem(d))) {
                        return false;
                    }
                    if !admitted {
                        continue;
                    }
                    Item::Doc(doc)
                }
            };
            if !each(item) {
                return false;
            }
        }
        true
    };
    let source = |(path, kind, gz): &(PathBuf, Kind, bool)| SourceFile {
        path: path.clone(),
        jsonl: *kind == Kind::Jsonl,
        gz: *gz,
    };
    let mut i = 0;
    while going && i < files.len() {
        if files[i].1 == Kind::Text {
            let group = files[i..]
                .iter()
                .take(TEXT_GROUP)
                .take_while(|f| f.1 == Kind::Text)
                .count();
            let read: Vec<Vec<Parsed>> = files[i..i + group]
                .par_iter()
                .enumerate()
                .map(|(k, (path, _, gz))| read_text((i + k) as u32, path, *gz, opts))
                .collect();
            for (k, records) in read.into_iter().enumerate() {
                going = going && each(Item::File(source(&files[i + k])));
                going = going && admit_all(records, &mut each);
            }
            i += group;
            continue;
        }
        let (path, _, gz) = &files[i];
        going = each(Item::File(source(&files[i])));
        if going {
            let failed = read_jsonl(path, *gz, |lines, name| {
                let records: Vec<Parsed> = lines
                    .par_iter()
                    .with_min_len(16)
                    .flat_map_iter(|&(n, _, line)| parse_record(i as u32, name, n, line, opts))
                    .collect();
                going = admit_all(records, &mut each);
                going
            });
            if let Some(d) = failed {
                going = each(Item::Problem(d));
            }
        }
        i += 1;
    }
    Ok(())
}

/// Read every input (`-` is JSONL on stdin) into one corpus (`read_each`).
pub fn read_inputs(inputs: &[PathBuf], opts: &ReadOptions) -> Result<Corpus> {
    let mut corpus = Corpus::default();
    read_each(inputs, opts, |item| {
        match item {
            Item::File(f) => corpus.files.push(f),
            Item::Doc(d) => {
                corpus.bytes += d.text.len() as u64;
                corpus.docs.push(d);
            }
            Item::Problem(d) => corpus.diagnostics.push(d),
        }
        true
    })?;
    Ok(corpus)
}

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
fn read_jsonl(
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

/// The problem of an input that could be read up to line `lines` and no
/// further (a truncated or damaged gzip stream, a failing disk).
pub(crate) fn broken_at(name: &str, lines: usize, e: &std::io::Error) -> Diagnostic {
    if lines == 0 {
        return Diagnostic {
            location: name.to_string(),
            message: format!("cannot read: {e}"),
        };
    }
    let what = if e.kind() == std::io::ErrorKind::InvalidInput
        || e.kind() == std::io::ErrorKind::InvalidData
        || e.kind() == std::io::ErrorKind::UnexpectedEof
    {
        "damaged or truncated (gzip) data"
    } else {
        "read failed"
    };
    Diagnostic {
        location: format!("{name}:{}", lines + 1),
        message: format!(
            "{what} here ({e}); the {lines} lines before it are kept, the rest of the file is not read"
        ),
    }
}

/// Add the inputs under folder `dir` (whose metadata is `meta`) to `files`,
/// in sorted path order. Symlinks are followed, but a real folder already in
/// `visited` is not entered again; FIFOs, sockets and devices are skipped
/// with a warning, as they could block or never end.
fn walk(
    dir: &Path,
    meta: &std::fs::Metadata,
    visited: &mut HashSet<(u64, u64)>,
    files: &mut Vec<(PathBuf, Kind, bool)>,
    diags: &mut Vec<Diagnostic>,
) {
    use std::os::unix::fs::MetadataExt;
    if !visited.insert((meta.dev(), meta.ino())) {
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            diags.push(Diagnostic {
                location: dir.display().to_string(),
                message: format!("cannot read folder: {e}"),
            });
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        let kind = kind_of(&p);
        let meta = match std::fs::metadata(&p) {
            Ok(m) => m,
            Err(e) => {
                // A broken symlink: worth a word only if it names an input.
                if kind.is_some() {
                    diags.push(Diagnostic {
                        location: p.display().to_string(),
                        message: format!("cannot read: {e}"),
                    });
                }
                continue;
            }
        };
        if meta.is_dir() {
            walk(&p, &meta, visited, files, diags);
        } else if !meta.is_file() {
            diags.push(Diagnostic {
                location: p.display().to_string(),
                message: "not a regular file (a FIFO, socket or device); skipped".into(),
            });
        } else if let Some((kind, gz)) = kind {
            files.push((p, kind, gz));
        } else if is_json(&p) {
            diags.push(skipped_json(&p));
        }
    }
}

/// A parsed record: a document and its location, or a problem.
pub(crate) enum Parsed {
    Doc(Document, String),
    Problem(Diagnostic),
}

fn problem(location: impl Into<String>, message: impl Into<String>) -> Parsed {
    Parsed::Problem(Diagnostic {
        location: location.into(),
        message: message.into(),
    })
}

pub(crate) fn read_bytes(path: &Path, gz: bool) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    open_decompressed(path, gz)?.read_to_end(&mut out)?;
    Ok(out)
}

/// An input's bytes as a stream (`-` is stdin), decompressed when `gz` or
/// when they start with the gzip magic bytes.
pub(crate) fn open_decompressed(path: &Path, gz: bool) -> std::io::Result<Box<dyn Read + Send>> {
    if path.as_os_str() == "-" {
        decompressed(std::io::stdin(), gz)
    } else {
        decompressed(std::fs::File::open(path)?, gz)
    }
}

/// `input`, gunzipped when `gz` or when it starts with the gzip magic bytes.
pub(crate) fn decompressed<'a>(
    mut input: impl Read + Send + 'a,
    gz: bool,
) -> std::io::Result<Box<dyn Read + Send + 'a>> {
    let mut head = Vec::with_capacity(2);
    (&mut input).take(2).read_to_end(&mut head)?;
    let gz = gz || head.starts_with(&[0x1f, 0x8b]);
    let whole = std::io::Cursor::new(head).chain(input);
    Ok(if gz {
        Box::new(flate2::read::MultiGzDecoder::new(whole))
    } else {
        Box::new(whole)
    })
}

pub(crate) fn display_name(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    }
}

/// Read and decode one text file (one document).
pub(crate) fn read_text(file: u32, path: &Path, gz: bool, opts: &ReadOptions) -> Vec<Parsed> {
    let name = display_name(path);
    match read_bytes(path, gz) {
        Ok(bytes) => read_text_file(file, &name, bytes, opts),
        Err(e) => vec![problem(&name, format!("cannot read: {e}"))],
    }
}

/// Decode a whole text file as one document.
pub(crate) fn read_text_file(
    file: u32,
    name: &str,
    bytes: Vec<u8>,
    opts: &ReadOptions,
) -> Vec<Parsed> {
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return vec![problem(
            name,
            "looks like a binary file (NUL bytes); skipped",
        )];
    }
    let mut out = Vec::new();
    let mut bytes = bytes;
    if bytes.starts_with(BOM) {
        bytes.drain(..BOM.len());
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            out.push(problem(
                name,
                format!("invalid UTF-8 at byte {at}; decoded lossily"),
            ));
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        }
    };
    let text = from_html(text, opts, name, &mut out);
    out.push(Parsed::Doc(
        Document {
            id: name.to_string(),
            title: None,
            source: None,
            date: None,
            text,
            origin: Origin { file, line: 0 },
        },
        name.to_string(),
    ));
    out
}

/// The article text of `text` when it is an HTML page (or `--html`), else
/// `text` itself; a page that cannot be parsed is kept as it is, with a warning.
fn from_html(text: String, opts: &ReadOptions, location: &str, out: &mut Vec<Parsed>) -> String {
    if opts.html == HtmlMode::Always || looks_like_html(&text) {
        match article_text(&text) {
            Ok(article) => return article,
            Err(e) => out.push(problem(
                location,
                format!("cannot extract article text from HTML ({e}); using the text as it is"),
            )),
        }
    }
    text
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

/// The UTF-8 byte order mark, dropped from the start of an input.
pub(crate) const BOM: &[u8] = b"\xef\xbb\xbf";

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
    let text_line = match std::str::from_utf8(line) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(e) => {
            out.push(problem(
                &loc,
                format!("invalid UTF-8 at byte {}; decoded lossily", e.valid_up_to()),
            ));
            String::from_utf8_lossy(line)
        }
    };
    let value: serde_json::Value = match serde_json::from_str(&text_line) {
        Ok(v) => v,
        Err(e) => {
            out.push(problem(&loc, format!("malformed JSON ({e}); skipped")));
            return out;
        }
    };
    let serde_json::Value::Object(mut map) = value else {
        out.push(problem(&loc, "record is not a JSON object; skipped"));
        return out;
    };
    let text = match map.remove(&opts.text_field) {
        Some(serde_json::Value::String(s)) => s,
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
    // A number keeps the JSON text it was written with (`-0`, `1e3`).
    let number = |k: &str, n: &serde_json::Number| {
        crate::jsonline::raw_value(text_line.as_bytes(), k)
            .and_then(|raw| std::str::from_utf8(raw).ok())
            .map_or_else(|| n.to_string(), str::to_string)
    };
    let id = match map.get(&opts.id_field) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Number(n)) => number(&opts.id_field, n),
        _ => loc.clone(),
    };
    let field = |k: &str| match map.get(k) {
        Some(serde_json::Value::String(s)) => Some(s.clone()),
        Some(serde_json::Value::Number(n)) => Some(number(k, n)),
        _ => None,
    };
    out.push(Parsed::Doc(
        Document {
            id,
            title: field("title"),
            source: field("source"),
            date: field("date"),
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
    use std::io::Write;

    fn write(dir: &Path, name: &str, content: &[u8]) -> PathBuf {
        let p = dir.join(name);
        std::fs::File::create(&p)
            .unwrap()
            .write_all(content)
            .unwrap();
        p
    }

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

    #[test]
    fn custom_fields_gz_folders_and_binary_files() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        write(&sub, "b.txt", "second".as_bytes());
        write(dir.path(), "a.md", "first".as_bytes());
        write(dir.path(), "bin.txt", b"\x00\x01\x02");
        write(dir.path(), "ignored.png", b"png");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"{\"key\":\"k1\",\"body\":\"zipped\"}\n")
            .unwrap();
        write(dir.path(), "c.jsonl.gz", &gz.finish().unwrap());
        let opts = ReadOptions {
            id_field: "key".into(),
            text_field: "body".into(),
            ..Default::default()
        };
        let c = read_inputs(&[dir.path().to_path_buf()], &opts).unwrap();
        let texts: Vec<&str> = c.docs.iter().map(|d| d.text.as_str()).collect();
        assert_eq!(texts, vec!["first", "zipped", "second"]);
        assert_eq!(c.docs[1].id, "k1");
        assert_eq!(c.diagnostics.len(), 1);
        assert!(c.diagnostics[0].message.contains("binary"));
    }

    #[test]
    fn invalid_utf8_is_decoded_lossily_with_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "x.txt", b"caf\xe9 au lait");
        let c = read_inputs(&[p], &ReadOptions::default()).unwrap();
        assert_eq!(c.docs.len(), 1);
        assert!(c.docs[0].text.contains('\u{FFFD}'));
        assert!(c.diagnostics[0].message.contains("invalid UTF-8"));
    }

    #[test]
    fn read_each_hands_over_in_input_order_and_stops_when_told() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("texts");
        std::fs::create_dir(&folder).unwrap();
        // More text files than one parallel group.
        for i in 0..300 {
            write(
                &folder,
                &format!("{i:03}.txt"),
                format!("story {i}").as_bytes(),
            );
        }
        let feed = write(
            dir.path(),
            "feed.jsonl",
            b"{\"id\":\"a\",\"text\":\"one\"}\nnot json\n{\"id\":\"a\",\"text\":\"two\"}\n{\"id\":\"b\",\"text\":\"three\"}\n",
        );
        let inputs = [folder, feed.clone()];
        let mut items = Vec::new();
        read_each(&inputs, &ReadOptions::default(), |item| {
            items.push(item);
            true
        })
        .unwrap();
        let docs: Vec<(String, Origin)> = items
            .iter()
            .filter_map(|i| match i {
                Item::Doc(d) => Some((d.id.clone(), d.origin)),
                _ => None,
            })
            .collect();
        assert_eq!(docs.len(), 303);
        assert!(docs.windows(2).all(|w| w[0].1 < w[1].1), "input order");
        assert!(docs[299].0.ends_with("299.txt"));
        let files = items.iter().filter(|i| matches!(i, Item::File(_))).count();
        assert_eq!(files, 301);
        // The bad line and the repeated id, in place between the documents.
        let around: Vec<String> = items[items.len() - 6..]
            .iter()
            .map(|i| match i {
                Item::File(f) => format!("file {}", f.name()),
                Item::Doc(d) => format!("doc {}", d.id),
                Item::Problem(p) => format!("problem {}", p.location),
            })
            .collect();
        let name = feed.display().to_string();
        assert_eq!(
            around,
            [
                format!("file {name}"),
                "doc a".into(),
                format!("problem {name}:2"),
                format!("problem {name}:3"),
                format!("doc {name}:3"),
                "doc b".into(),
            ]
        );
        // Told to stop at the feed's first document: nothing more comes.
        let mut after = 0;
        let mut stopped = false;
        read_each(&inputs, &ReadOptions::default(), |item| {
            if stopped {
                after += 1;
            }
            stopped = stopped || matches!(&item, Item::Doc(d) if d.id == "a");
            !stopped
        })
        .unwrap();
        assert!(stopped);
        assert_eq!(after, 0);
    }

    #[test]
    fn missing_input_is_an_error() {
        let e = read_inputs(
            &[PathBuf::from("/no/such/file.txt")],
            &ReadOptions::default(),
        )
        .unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("/no/such/file.txt"));
    }
}
