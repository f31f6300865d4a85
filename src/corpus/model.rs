//! What a corpus is: documents with their ids, metadata and origin,
//! diagnostics, the read options, the input files read, and `TextSource`,
//! what the scan pipeline asks of any corpus.

use crate::article::HtmlMode;
use serde::Serialize;
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// A document's position in the corpus (input order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct DocId(pub u32);

impl DocId {
    /// The position as a `usize`, for indexing.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Where a document came from: the index of its file in `Corpus::files`
/// and its line (1-based; 0 for a whole-file document).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin {
    /// Index of the file in `Corpus::files`.
    pub file: u32,
    /// Line in the file (1-based; 0 for a whole-file document).
    pub line: u32,
}

/// One document: its id as the user knows it, metadata and text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Document {
    /// The document's id (given, or made from file and line).
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Its title, if the record has one.
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Its source (publisher or agency), if given.
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Its date as given (ISO `YYYY-MM-DD...` is compared).
    pub date: Option<String>,
    #[serde(skip)]
    /// The document text.
    pub text: String,
    #[serde(skip)]
    /// Where it was read from.
    pub origin: Origin,
}

/// A problem with one piece of input; the run goes on without it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// `FILE` or `FILE:LINE`.
    pub location: String,
    /// What is wrong.
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
    /// The JSON field holding the id.
    pub id_field: String,
    /// The JSON field holding the text.
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
    /// The documents, in input order.
    pub docs: Vec<Document>,
    /// Problems found while reading.
    pub diagnostics: Vec<Diagnostic>,
    /// Bytes of document text read.
    pub bytes: u64,
    /// The files read, in order (`-` for stdin); `Origin::file` indexes this.
    pub files: Vec<SourceFile>,
}

/// One input file and how it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// The file's path (`-` for stdin).
    pub path: PathBuf,
    /// One record per line (JSONL) rather than one document per file.
    pub jsonl: bool,
    /// Gzip-compressed.
    pub gz: bool,
}

impl SourceFile {
    /// The file's name as reports show it.
    pub fn name(&self) -> String {
        display_name(&self.path)
    }
}

impl Corpus {
    /// The document `id`.
    pub fn get(&self, id: DocId) -> &Document {
        &self.docs[id.index()]
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// Whether there are no documents.
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
/// `LeanCorpus` (`reread`) reads them again from the input.
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
    /// Where a document was read from.
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

/// How an input is named in messages (`-` is `<stdin>`).
pub(crate) fn display_name(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    }
}
