//! The open archive and what it hands back: `Index` (the connection and the
//! parameters every operation reads) and `StoredDoc`, one stored document.
//! Its operations are `impl Index` blocks in the modules of each concept.

use super::ids;
use super::params::IndexParams;
use super::words::ArchiveWords;
use crate::boilerplate::Mask;
use crate::fingerprint::Fingerprinter;
use crate::lsh::Banding;
use crate::minhash::Signature;
use rusqlite::Connection;
use std::path::PathBuf;

/// One stored document, as `query` reads it back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDoc {
    /// The document's id.
    pub id: String,
    /// Its title, if stored.
    pub title: Option<String>,
    /// Its source, if stored.
    pub source: Option<String>,
    /// Its date, if stored.
    pub date: Option<String>,
    /// Hash of the normalized text.
    pub text_hash: u128,
    /// Distinct unmasked shingles (stored for documents without text).
    pub shingles: Option<usize>,
    /// The MinHash signature.
    pub signature: Signature,
    /// The text, when the archive stores texts.
    pub text: Option<String>,
}

/// An open index.
pub struct Index {
    pub(super) conn: Connection,
    pub(super) path: PathBuf,
    /// Opened with `immutable=1` (a read-only folder without `-shm`).
    pub(super) immutable: bool,
    /// The archive's parameters.
    pub params: IndexParams,
    /// The fingerprinter the parameters give.
    pub fingerprinter: Fingerprinter,
    /// The LSH banding the parameters give.
    pub banding: Banding,
    /// The boilerplate mask stored with the archive.
    pub mask: Mask,
    /// The runs' id filters, as of the last batch written.
    pub(super) filters: std::cell::RefCell<ids::Filters>,
    /// The word signature the archive keeps (None: it keeps none).
    pub(super) words: Option<ArchiveWords>,
}
