//! The open archive and what it hands back: `Index` (the connection and the
//! parameters every operation reads) and `StoredDoc`, one stored document.
//! Its operations are `impl Index` blocks in the modules of each concept.

use super::ids;
use super::params::IndexParams;
use crate::boilerplate::Mask;
use crate::fingerprint::Fingerprinter;
use crate::lsh::Banding;
use crate::minhash::Signature;
use rusqlite::Connection;
use std::path::PathBuf;

/// One stored document, as `query` reads it back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDoc {
    pub id: String,
    pub title: Option<String>,
    pub source: Option<String>,
    pub date: Option<String>,
    pub text_hash: u128,
    /// Distinct unmasked shingles (stored for documents without text).
    pub shingles: Option<usize>,
    pub signature: Signature,
    pub text: Option<String>,
}

/// An open index.
pub struct Index {
    pub(super) conn: Connection,
    pub(super) path: PathBuf,
    /// Opened with `immutable=1` (a read-only folder without `-shm`).
    pub(super) immutable: bool,
    pub params: IndexParams,
    pub fingerprinter: Fingerprinter,
    pub banding: Banding,
    pub mask: Mask,
    /// The runs' id filters, as of the last batch written.
    pub(super) filters: std::cell::RefCell<ids::Filters>,
}
