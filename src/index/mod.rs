//! The persistent archive behind `reprint index` and `reprint query`: one
//! SQLite file (WAL) holding each document's metadata, text, MinHash
//! signature and LSH band keys, grown in committed batches, read while it grows.

mod document;
mod header;
mod ids;
mod integrity;
pub mod query;
mod readonly;
mod runs;

use crate::boilerplate::{Mask, MaskConfig};
use crate::corpus::{Corpus, Document};
use crate::error::{Error, Result};
use crate::fingerprint::{Fingerprint, Fingerprinter};
use crate::lsh::{Banding, DEFAULT_THRESHOLD};
use crate::minhash::{Signature, DEFAULT_NUM_PERM};
use crate::normalize::NORMALIZATION_VERSION;
use crate::progress::Progress;
use crate::shingle::DEFAULT_K;
pub use integrity::CheckReport;
use rayon::prelude::*;
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Version of the file layout; a file with another one is refused (earlier
/// formats: CHANGELOG.md; format 5 seals each chunk and document row with a
/// checksum: see `integrity`).
pub const FORMAT_VERSION: i32 = 5;
/// The oldest format this reprint reads (format 4: as 5, without checksums);
/// a write upgrades it to `FORMAT_VERSION` (its older rows stay unsealed).
pub const MIN_FORMAT_VERSION: i32 = 4;
/// `PRAGMA application_id` of a reprint index ("RPRI").
pub const APPLICATION_ID: i32 = 0x5250_5249;
/// Documents per committed transaction of `index add`.
pub const DEFAULT_BATCH: usize = 5000;
/// The page size of a new archive: SQLite's cost per page dominated the
/// add's writer at 4 KB; queries pay a little CPU for it. Archives made with
/// other sizes keep theirs (docs/design/archive.md, "Page size").
pub const PAGE_SIZE: u32 = 32 * 1024;

const SCHEMA: &str = "
CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;
CREATE TABLE docs(
    doc INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    title TEXT,
    source TEXT,
    date TEXT,
    day INTEGER,
    text_hash BLOB NOT NULL,
    shingles INTEGER,
    signature BLOB NOT NULL,
    text TEXT
);
CREATE INDEX docs_day ON docs(day) WHERE day IS NOT NULL;
CREATE TABLE runs(
    run INTEGER PRIMARY KEY,
    first_doc INTEGER NOT NULL,
    last_doc INTEGER NOT NULL,
    docs INTEGER NOT NULL,
    entries INTEGER NOT NULL
);
CREATE TABLE chunks(id INTEGER PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE dead(doc INTEGER PRIMARY KEY);
CREATE TABLE filters(
    serial INTEGER PRIMARY KEY AUTOINCREMENT,
    run INTEGER NOT NULL UNIQUE,
    data BLOB NOT NULL
);
";

/// Parameters the user asked for; `None` means the stored (or default) one.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ParamRequest {
    pub num_perm: Option<usize>,
    pub shingle_size: Option<usize>,
    pub seed: Option<u64>,
    pub threshold: Option<f64>,
    pub mask_share: Option<f64>,
    pub mask_min_docs: Option<usize>,
}

/// Everything stored in an index that changes fingerprints or band keys.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndexParams {
    pub format_version: i32,
    pub shingle: String,
    pub k: usize,
    pub num_perm: usize,
    pub seed: u64,
    pub normalization: u32,
    pub threshold: f64,
    pub bands: usize,
    pub rows: usize,
    pub mask_share: f64,
    pub mask_min_docs: usize,
}

impl IndexParams {
    /// The parameters of a new index: the request over the defaults.
    pub fn new(req: &ParamRequest) -> IndexParams {
        let num_perm = req.num_perm.unwrap_or(DEFAULT_NUM_PERM);
        let threshold = req.threshold.unwrap_or(DEFAULT_THRESHOLD);
        let banding = Banding::optimal(threshold, num_perm);
        let fp = Fingerprinter::new(
            req.shingle_size.unwrap_or(DEFAULT_K),
            num_perm,
            req.seed.unwrap_or(0),
        );
        let p = fp.params();
        IndexParams {
            format_version: FORMAT_VERSION,
            shingle: p.shingle.to_string(),
            k: p.k,
            num_perm: p.num_perm,
            seed: p.seed,
            normalization: p.normalization,
            threshold,
            bands: banding.bands,
            rows: banding.rows,
            mask_share: req.mask_share.unwrap_or(MaskConfig::default().share),
            mask_min_docs: req.mask_min_docs.unwrap_or(MaskConfig::default().min_docs),
        }
    }

    pub fn fingerprinter(&self) -> Fingerprinter {
        Fingerprinter::new(self.k, self.num_perm, self.seed)
    }

    pub fn banding(&self) -> Banding {
        Banding {
            bands: self.bands,
            rows: self.rows,
        }
    }

    pub fn mask_config(&self) -> MaskConfig {
        MaskConfig::from_options(self.mask_share, self.mask_min_docs)
    }

    /// The first requested parameter that differs from the stored ones.
    fn mismatch(&self, req: &ParamRequest) -> Option<String> {
        let differs = |name: &str, stored: String, asked: Option<String>| {
            asked
                .filter(|a| *a != stored)
                .map(|a| format!("the index was built with {name} {stored}, not {a}; leave the option out to use the index's value, or build a new index"))
        };
        differs(
            "--num-perm",
            self.num_perm.to_string(),
            req.num_perm.map(|v| v.to_string()),
        )
        .or_else(|| {
            differs(
                "--shingle-size",
                self.k.to_string(),
                req.shingle_size.map(|v| v.to_string()),
            )
        })
        .or_else(|| {
            differs(
                "--seed",
                self.seed.to_string(),
                req.seed.map(|v| v.to_string()),
            )
        })
        .or_else(|| {
            differs(
                "--threshold",
                self.threshold.to_string(),
                req.threshold.map(|v| v.to_string()),
            )
        })
        .or_else(|| {
            differs(
                "--mask-share",
                self.mask_share.to_string(),
                req.mask_share.map(|v| v.to_string()),
            )
        })
        .or_else(|| {
            differs(
                "--mask-min-docs",
                self.mask_min_docs.to_string(),
                req.mask_min_docs.map(|v| v.to_string()),
            )
        })
    }

    fn rows(&self) -> Vec<(&'static str, String)> {
        vec![
            ("shingle", self.shingle.clone()),
            ("k", self.k.to_string()),
            ("num_perm", self.num_perm.to_string()),
            ("seed", self.seed.to_string()),
            ("normalization", self.normalization.to_string()),
            ("threshold", self.threshold.to_string()),
            ("bands", self.bands.to_string()),
            ("rows", self.rows.to_string()),
            ("mask_share", self.mask_share.to_string()),
            ("mask_min_docs", self.mask_min_docs.to_string()),
        ]
    }
}

/// How `add` treats documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddOptions {
    /// Keep each document's text (exact verification at query time).
    pub store_text: bool,
    /// A document whose id is already stored replaces it (else it is skipped).
    pub replace: bool,
    /// Documents per committed transaction.
    pub batch_size: usize,
}

impl Default for AddOptions {
    fn default() -> Self {
        AddOptions {
            store_text: true,
            replace: false,
            batch_size: DEFAULT_BATCH,
        }
    }
}

/// What an `add` did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AddStats {
    pub added: usize,
    pub replaced: usize,
    /// Ids already in the index, skipped (without `--replace`).
    pub skipped: Vec<String>,
    pub batches: usize,
}

/// What `remove` does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Removal {
    /// These document ids.
    Ids(Vec<String>),
    /// Documents dated before this day (days since 1970-01-01).
    Before(i64),
}

/// What a `remove` did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RemoveStats {
    pub removed: usize,
    /// Ids asked for that are not in the index.
    pub missing: Vec<String>,
    /// Documents without a usable date (kept by `--older-than`).
    pub undated: usize,
}

/// What a `compact` did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CompactStats {
    /// Runs of the bucket index before and after (1 after, 0 when empty).
    pub runs_before: usize,
    pub runs_after: usize,
    /// Removed documents whose stale entries the rewrite dropped.
    pub stale_documents: usize,
}

/// A summary of an index.
#[derive(Debug, Clone, Serialize)]
pub struct IndexStats {
    pub path: String,
    pub file_bytes: u64,
    pub documents: usize,
    pub with_text: usize,
    pub undated: usize,
    pub oldest: Option<String>,
    pub newest: Option<String>,
    pub parameters: IndexParams,
    pub mask_masked_slots: usize,
    pub mask_sampled_documents: usize,
    /// Runs of the bucket index: each a query reads once per band.
    pub runs: usize,
}

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
    conn: Connection,
    path: PathBuf,
    /// Opened with `immutable=1` (a read-only folder without `-shm`).
    immutable: bool,
    pub params: IndexParams,
    pub fingerprinter: Fingerprinter,
    pub banding: Banding,
    pub mask: Mask,
    /// The runs' id filters, as of the last batch written.
    filters: std::cell::RefCell<ids::Filters>,
}

/// A document fingerprinted for storage.
struct Prepared {
    fp: Fingerprint,
    distinct: Option<usize>,
    keys: Vec<u64>,
}

/// Map a database error: damage means a bad file (exit 2), the rest is a
/// run-time failure (exit 1).
fn db_error(path: &Path, e: rusqlite::Error) -> Error {
    if integrity::is_damage(&e) {
        damaged(path, e.to_string())
    } else {
        Error::Database {
            path: path.to_path_buf(),
            message: e.to_string(),
        }
    }
}

/// "archive damaged: `what`", and what to do next.
fn damaged(path: &Path, what: impl std::fmt::Display) -> Error {
    bad_index(
        path,
        format!("archive damaged: {what}; nothing was written to it. Rebuild it from its feeds, or try `sqlite3 ARCHIVE .recover` (see docs/archive-recovery.md)"),
    )
}

fn bad_index(path: &Path, message: impl Into<String>) -> Error {
    Error::Index {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

fn signature_bytes(sig: &Signature) -> Vec<u8> {
    sig.0.iter().flat_map(|v| v.to_le_bytes()).collect()
}

fn signature_from(bytes: &[u8]) -> Signature {
    Signature(
        bytes
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect(),
    )
}

/// Days since 1970-01-01 of a date starting `YYYY-MM-DD`, if it does.
pub fn day_number(date: &str) -> Option<i64> {
    let b = date.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> { date.get(r)?.parse().ok() };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// Today as days since 1970-01-01 (UTC).
pub fn today() -> i64 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    (secs / 86_400) as i64
}

impl Index {
    /// Open an existing index. The file is validated read-only first, so a
    /// file that is not a usable index is never written to.
    /// One that will be written to must pass SQLite's `quick_check` first
    /// (a read of the whole file): a damaged archive is never written to.
    pub fn open(path: &Path, req: &ParamRequest, write: bool) -> Result<Index> {
        header::check(path)?;
        let (ro, immutable) = if write {
            (readonly::open(path, false)?, false)
        } else {
            readonly::open_reader(path)?
        };
        if !write {
            advise_random(path);
        }
        let (params, mask) = read_meta(&ro, path)?;
        if let Some(m) = params.mismatch(req) {
            return Err(bad_index(path, m));
        }
        let conn = if write {
            if let Err(problems) = integrity::quick_check(&ro).map_err(|e| db_error(path, e))? {
                return Err(damaged(
                    path,
                    format!("SQLite's quick_check found: {problems}"),
                ));
            }
            drop(ro);
            let conn = open_writer(path)?;
            upgrade(&conn, path, params.format_version)?;
            conn
        } else {
            ro
        };
        Ok(Index {
            conn,
            path: path.to_path_buf(),
            immutable: !write && immutable,
            fingerprinter: params.fingerprinter(),
            banding: params.banding(),
            params,
            mask,
            filters: Default::default(),
        })
    }

    /// Create a new index at `path` (which must not exist) with `params`
    /// and a boilerplate mask built from `texts`. The file is built under a
    /// temporary name and linked into place whole.
    pub fn create(path: &Path, params: IndexParams, texts: &[&str]) -> Result<Index> {
        let fp = params.fingerprinter();
        let mask = Mask::build(texts, &fp.shingler, &params.mask_config());
        Index::create_with_mask(path, params, mask)
    }

    /// `create` with the boilerplate mask given.
    fn create_with_mask(path: &Path, params: IndexParams, mask: Mask) -> Result<Index> {
        let fp = params.fingerprinter();
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty());
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "index".into());
        let tmp = dir
            .map(Path::to_path_buf)
            .unwrap_or_default()
            .join(format!(".{name}.{}.tmp", std::process::id()));
        let _ = std::fs::remove_file(&tmp);
        {
            let conn = Connection::open(&tmp).map_err(|e| db_error(&tmp, e))?;
            let init = || -> rusqlite::Result<()> {
                // Before the first table: a database's page size is fixed then.
                conn.pragma_update(None, "page_size", PAGE_SIZE)?;
                conn.execute_batch(&format!(
                    "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {FORMAT_VERSION};"
                ))?;
                conn.execute_batch("BEGIN")?;
                conn.execute_batch(SCHEMA)?;
                let mut st = conn.prepare("INSERT INTO meta(key, value) VALUES (?1, ?2)")?;
                st.execute(params!["format_version", FORMAT_VERSION])?;
                st.execute(params![
                    "created_by",
                    format!("reprint {}", env!("CARGO_PKG_VERSION"))
                ])?;
                for (k, v) in params.rows() {
                    st.execute(params![k, v])?;
                }
                st.execute(params!["mask", mask.to_bytes()])?;
                st.execute(params!["next_doc", 1])?;
                st.execute(params!["documents", 0])?;
                drop(st);
                conn.execute_batch("COMMIT")?;
                conn.pragma_update(None, "journal_mode", "WAL")?;
                Ok(())
            };
            init().map_err(|e| db_error(&tmp, e))?;
        }
        // A hard link never replaces an existing file: two racing creators
        // cannot clobber each other.
        let linked = std::fs::hard_link(&tmp, path);
        let _ = std::fs::remove_file(&tmp);
        linked.map_err(|e| Error::io(path, e))?;
        let conn = open_writer(path)?;
        Ok(Index {
            conn,
            path: path.to_path_buf(),
            immutable: false,
            fingerprinter: fp,
            banding: params.banding(),
            params,
            mask,
            filters: Default::default(),
        })
    }

    /// Bands filed in the bucket runs (`run_bands_for` the LSH bands).
    fn run_bands(&self) -> u32 {
        run_bands_for(self.banding.bands) as u32
    }

    /// The band of the runs that files id hashes.
    fn id_band(&self) -> u32 {
        self.run_bands() - 1
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn err(&self, e: rusqlite::Error) -> Error {
        db_error(&self.path, e)
    }

    /// Fingerprint documents the way every stored document is: through the
    /// shared `Fingerprinter` with the index's mask.
    /// `count_distinct` counts distinct shingles, which only text-less
    /// documents need (for estimates); otherwise `distinct` is `None`.
    fn prepare(
        fp: &Fingerprinter,
        mask: &Mask,
        banding: Banding,
        count_distinct: bool,
        docs: &[Document],
    ) -> Vec<Prepared> {
        docs.par_iter()
            .with_min_len(16)
            .map_init(Vec::new, |scratch, d| {
                let (f, distinct) = if count_distinct {
                    let f = fp.fingerprint_keeping(&d.text, mask, scratch);
                    (f, Some(crate::hashsort::distinct_count(scratch)))
                } else {
                    (fp.fingerprint_masked(&d.text, mask), None)
                };
                let keys = if f.shingles == 0 {
                    Vec::new()
                } else {
                    (0..banding.bands)
                        .map(|b| banding.band_key(&f.signature, b))
                        .collect()
                };
                Prepared {
                    distinct,
                    fp: f,
                    keys,
                }
            })
            .collect()
    }

    /// Fingerprint `corpus` as `add` does, batch by batch, and store
    /// nothing: what fingerprinting alone costs. Returns the documents done.
    pub fn fingerprint_only(&self, corpus: &Corpus, store_text: bool, batch: usize) -> usize {
        corpus
            .docs
            .chunks(batch.max(1))
            .map(|c| {
                Index::prepare(
                    &self.fingerprinter,
                    &self.mask,
                    self.banding,
                    !store_text,
                    c,
                )
                .len()
            })
            .sum()
    }

    /// Add a corpus held in memory (see `add_feed`).
    pub fn add(
        &mut self,
        corpus: &Corpus,
        options: AddOptions,
        progress: Progress,
    ) -> Result<AddStats> {
        self.add_feed(
            |sink| {
                corpus.docs.iter().all(|d| sink(d.clone()));
                Ok(())
            },
            options,
            progress,
        )
    }

    /// Add the documents `feed` hands over, `options.batch_size` per
    /// transaction, fingerprinting the next batch while one is written:
    /// memory is two batches, not the feed. Each committed batch survives a
    /// crash; cost is proportional to the documents added, not the index.
    pub fn add_feed(
        &mut self,
        feed: impl FeedFn,
        options: AddOptions,
        progress: Progress,
    ) -> Result<AddStats> {
        let this = &*self;
        let (fp, banding) = (&self.fingerprinter, self.banding);
        let config = self.params.mask_config();
        self.checkpoint_elsewhere()?;
        let stats = pipeline(
            &self.path,
            Some(&self.mask),
            &config,
            fp,
            banding,
            feed,
            options,
            progress,
            |step, stats| match step {
                // The mask is known: never sent.
                Step::Mask(_) => Ok(()),
                Step::Batch(docs, prepared) => this.write_batch(&docs, &prepared, options, stats),
            },
        );
        self.after_add(stats)
    }

    /// Create a new archive at `path` (which must not exist) and add what
    /// `feed` hands over. Its boilerplate mask is built from the first
    /// `params`' mask sample of documents (all of them, for a smaller feed);
    /// the archive appears once they are read.
    pub fn create_from_feed(
        path: &Path,
        params: IndexParams,
        feed: impl FeedFn,
        options: AddOptions,
        progress: Progress,
    ) -> Result<(Index, AddStats)> {
        let fp = params.fingerprinter();
        let banding = params.banding();
        let config = params.mask_config();
        let mut created: Option<Index> = None;
        let stats = pipeline(
            path,
            None,
            &config,
            &fp,
            banding,
            feed,
            options,
            progress,
            |step, stats| match (step, &created) {
                (Step::Mask(mask), None) => {
                    let index = Index::create_with_mask(path, params.clone(), mask)?;
                    index.checkpoint_elsewhere()?;
                    created = Some(index);
                    Ok(())
                }
                (Step::Batch(docs, prepared), Some(index)) => {
                    index.write_batch(&docs, &prepared, options, stats)
                }
                _ => unreachable!("the mask is sent once, before any batch"),
            },
        );
        let stats = match &created {
            Some(index) => index.after_add(stats)?,
            None => stats?,
        };
        // A pipeline that succeeds has sent the mask (`flush(true)` settles
        // it even for an empty feed), so this error is never seen.
        created
            .map(|index| (index, stats))
            .ok_or_else(|| Error::Usage("internal: the add settled no mask".into()))
    }

    /// Before an add: this connection's commits leave the WAL to
    /// `pipeline`'s checkpointing thread.
    fn checkpoint_elsewhere(&self) -> Result<()> {
        self.conn
            .pragma_update(None, "wal_autocheckpoint", 0)
            .map_err(|e| self.err(e))
    }

    /// End an add whose pipeline returned `added`: checkpoint what is left
    /// and go back to SQLite's own checkpoints at commit; the add's own
    /// error, if any, is the one reported.
    fn after_add(&self, added: Result<AddStats>) -> Result<AddStats> {
        let restore = || -> rusqlite::Result<()> {
            if added.is_ok() {
                // The merges due that the batches' budgets left.
                let tx = rusqlite::Transaction::new_unchecked(
                    &self.conn,
                    rusqlite::TransactionBehavior::Immediate,
                )?;
                runs::compact(&tx, self.run_bands(), usize::MAX)?;
                tx.commit()?;
            }
            self.conn
                .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
            self.conn
                .pragma_update(None, "wal_autocheckpoint", WAL_AUTOCHECKPOINT)
        };
        let restored = restore().map_err(|e| self.err(e));
        let stats = added?;
        restored?;
        Ok(stats)
    }

    fn write_batch(
        &self,
        docs: &[Document],
        prepared: &[Prepared],
        options: AddOptions,
        stats: &mut AddStats,
    ) -> Result<()> {
        let run = || -> rusqlite::Result<(usize, usize, Vec<String>)> {
            // IMMEDIATE: take the write lock before reading, so two adds
            // never both read the same next document number.
            let tx = rusqlite::Transaction::new_unchecked(
                &self.conn,
                rusqlite::TransactionBehavior::Immediate,
            )?;
            let first: i64 = tx.query_row(
                "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'next_doc'",
                [],
                |r| r.get(0),
            )?;
            let mut next = first;
            let (mut added, mut replaced, mut skipped) = (0, 0, Vec::new());
            // Per band (the exact-text hash and the id hash filed as two
            // more): (key, doc).
            let mut entries: Vec<Vec<runs::Entry>> = (0..self.run_bands())
                .map(|_| Vec::with_capacity(prepared.len()))
                .collect();
            let archived = runs::list(&tx)?;
            let mut filters = self.filters.borrow_mut();
            filters.refresh(&tx)?;
            // This batch's documents by id: its runs are not written yet.
            let mut batch_ids: std::collections::HashMap<&str, i64> =
                std::collections::HashMap::with_capacity(docs.len());
            {
                let mut insert = tx.prepare_cached(
                    "INSERT INTO docs(doc, id, title, source, date, day, text_hash, shingles, signature, text)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )?;
                for (d, p) in docs.iter().zip(prepared) {
                    let old = match batch_ids.get(d.id.as_str()) {
                        Some(&doc) => Some(doc),
                        None => ids::find(&tx, &archived, Some(&filters), self.id_band(), &d.id)?,
                    };
                    if let Some(doc) = old {
                        if !options.replace {
                            skipped.push(d.id.clone());
                            continue;
                        }
                        delete_doc(&tx, doc)?;
                        replaced += 1;
                    }
                    let doc = next;
                    next += 1;
                    batch_ids.insert(&d.id, doc);
                    let text = options.store_text.then_some(d.text.as_str());
                    let text_hash = p.fp.text_hash.to_le_bytes();
                    let shingles = p.distinct.map(|n| n as i64);
                    let sealed = integrity::seal_row(
                        &integrity::RowFields {
                            doc,
                            id: &d.id,
                            title: d.title.as_deref(),
                            source: d.source.as_deref(),
                            date: d.date.as_deref(),
                            text_hash: &text_hash,
                            shingles,
                            signature: &signature_bytes(&p.fp.signature),
                        },
                        text,
                    );
                    insert.execute(params![
                        doc,
                        d.id,
                        d.title,
                        d.source,
                        d.date,
                        d.date.as_deref().and_then(day_number),
                        text_hash.as_slice(),
                        shingles,
                        sealed,
                        text,
                    ])?;
                    let doc = u32::try_from(doc).map_err(|_| {
                        rusqlite::Error::ToSqlConversionFailure("more than 2^32 documents".into())
                    })?;
                    for (band, &k) in entries.iter_mut().zip(&p.keys) {
                        band.push((k as i64, doc));
                    }
                    entries[self.banding.bands].push((text_key(p.fp.text_hash), doc));
                    entries[self.id_band() as usize].push((ids::key(&d.id), doc));
                    added += 1;
                }
            }
            if next > first {
                let mut run =
                    runs::RunWriter::new(&tx, first, next - 1, next - first, self.run_bands())?;
                for (band, e) in entries.iter_mut().enumerate() {
                    e.sort_unstable();
                    run.band(band as u32, e)?;
                }
                run.finish(&tx)?;
                tx.prepare_cached("UPDATE meta SET value = ?1 WHERE key = 'next_doc'")?
                    .execute([next])?;
                // Kept in meta: count(*) would read a whole index per query.
                tx.prepare_cached(
                    "UPDATE meta SET value = CAST(value AS INTEGER) + ?1 WHERE key = 'documents'",
                )?
                .execute([next - first - replaced as i64])?;
                let bands = self.run_bands();
                let written = (next - first) as usize * bands as usize;
                runs::compact(&tx, bands, written.saturating_mul(runs::MERGE_PACE))?;
            }
            tx.commit()?;
            Ok((added, replaced, skipped))
        };
        let (added, replaced, skipped) = run().map_err(|e| self.err(e))?;
        stats.added += added - replaced.min(added);
        stats.replaced += replaced;
        stats.skipped.extend(skipped);
        Ok(())
    }

    /// Remove documents by id or by date, in committed batches. Their
    /// bucket entries go when the run holding them is next rewritten (at
    /// once for a run that lost half its documents or more).
    pub fn remove(&mut self, removal: &Removal, batch_size: usize) -> Result<RemoveStats> {
        let mut stats = RemoveStats::default();
        let victims: Vec<i64> = match removal {
            Removal::Ids(wanted) => {
                // One snapshot: a concurrent add's merge may move the id
                // band from run to run.
                let snapshot = self.conn.unchecked_transaction().map_err(|e| self.err(e))?;
                let archived = runs::list(&snapshot).map_err(|e| self.err(e))?;
                let mut v = Vec::new();
                for id in wanted {
                    match ids::find(&snapshot, &archived, None, self.id_band(), id)
                        .map_err(|e| self.err(e))?
                    {
                        Some(doc) => v.push(doc),
                        None => stats.missing.push(id.clone()),
                    }
                }
                v
            }
            Removal::Before(day) => {
                stats.undated = self
                    .conn
                    .query_row("SELECT count(*) FROM docs WHERE day IS NULL", [], |r| {
                        r.get::<_, i64>(0)
                    })
                    .map_err(|e| self.err(e))? as usize;
                let mut st = self
                    .conn
                    .prepare("SELECT doc FROM docs WHERE day < ?1")
                    .map_err(|e| self.err(e))?;
                let rows = st.query_map([day], |r| r.get(0)).map_err(|e| self.err(e))?;
                rows.collect::<rusqlite::Result<Vec<_>>>()
                    .map_err(|e| self.err(e))?
            }
        };
        for chunk in victims.chunks(batch_size.max(1)) {
            let run = || -> rusqlite::Result<()> {
                let tx = rusqlite::Transaction::new_unchecked(
                    &self.conn,
                    rusqlite::TransactionBehavior::Immediate,
                )?;
                let mut gone = 0;
                for &doc in chunk {
                    gone += delete_doc(&tx, doc)?;
                }
                tx.prepare_cached(
                    "UPDATE meta SET value = CAST(value AS INTEGER) - ?1 WHERE key = 'documents'",
                )?
                .execute([gone as i64])?;
                tx.commit()
            };
            run().map_err(|e| self.err(e))?;
            stats.removed += chunk.len();
        }
        if !victims.is_empty() {
            let run = || -> rusqlite::Result<()> {
                let tx = rusqlite::Transaction::new_unchecked(
                    &self.conn,
                    rusqlite::TransactionBehavior::Immediate,
                )?;
                runs::purge(&tx, self.run_bands())?;
                tx.commit()
            };
            run().map_err(|e| self.err(e))?;
        }
        Ok(stats)
    }

    /// Merge the bucket index into one run and drop the entries of removed
    /// documents, in one transaction: queries then read one chunk per band
    /// instead of one per run and band. Costs a rewrite of the whole bucket
    /// index (87 entries of 12 bytes per document); `add` goes on merging its new runs
    /// by size tiers as before. `progress` counts bands written.
    pub fn compact(&mut self, progress: Progress) -> Result<CompactStats> {
        let bands = self.run_bands();
        let bar = progress.bar(bands as u64, "compacting");
        let run = || -> rusqlite::Result<CompactStats> {
            let tx = rusqlite::Transaction::new_unchecked(
                &self.conn,
                rusqlite::TransactionBehavior::Immediate,
            )?;
            let (runs_before, stale_documents) = runs::merge_all(&tx, bands, || bar.inc(1))?;
            let runs_after = runs::list(&tx)?.len();
            tx.commit()?;
            Ok(CompactStats {
                runs_before,
                runs_after,
                stale_documents,
            })
        };
        let stats = run().map_err(|e| self.err(e));
        bar.finish_and_clear();
        stats
    }

    /// Number of stored documents (kept in `meta`).
    pub fn len(&self) -> Result<usize> {
        self.conn
            .query_row(
                "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'documents'",
                [],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n.max(0) as usize)
            .map_err(|e| self.err(e))
    }

    pub fn is_empty(&self) -> Result<bool> {
        Ok(self.len()? == 0)
    }

    /// A summary of the index.
    pub fn stats(&self) -> Result<IndexStats> {
        let q = || -> rusqlite::Result<IndexStats> {
            let count = |sql: &str| {
                self.conn
                    .query_row(sql, [], |r| r.get::<_, i64>(0))
                    .map(|n| n as usize)
            };
            let date_of = |sql: &str| -> rusqlite::Result<Option<String>> {
                self.conn
                    .query_row(sql, [], |r| r.get(0))
                    .optional()
                    .map(Option::flatten)
            };
            Ok(IndexStats {
                path: self.path.display().to_string(),
                file_bytes: std::fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0),
                documents: count("SELECT count(*) FROM docs")?,
                with_text: count("SELECT count(*) FROM docs WHERE text IS NOT NULL")?,
                undated: count("SELECT count(*) FROM docs WHERE day IS NULL")?,
                oldest: date_of(
                    "SELECT date FROM docs WHERE day IS NOT NULL ORDER BY day ASC LIMIT 1",
                )?,
                newest: date_of(
                    "SELECT date FROM docs WHERE day IS NOT NULL ORDER BY day DESC LIMIT 1",
                )?,
                parameters: self.params.clone(),
                mask_masked_slots: self.mask.stats().masked_slots,
                mask_sampled_documents: self.mask.stats().sampled_documents,
                runs: count("SELECT count(*) FROM runs")?,
            })
        };
        q().map_err(|e| self.err(e))
    }

    /// The full check of `index stats --check`: SQLite's `integrity_check`
    /// and every chunk's and document's checksum (reads the whole file).
    pub fn check(&self) -> CheckReport {
        integrity::full_check(&self.conn, self.params.num_perm * 4)
    }

    /// Live documents filed under `key` of `band` in `runs`, at most
    /// `limit` of them. `dead` says whether removed documents may linger.
    fn lookup(
        &self,
        runs: &[runs::Run],
        band: usize,
        key: i64,
        limit: usize,
        dead: bool,
    ) -> rusqlite::Result<Vec<i64>> {
        let mut found = Vec::new();
        let mut is_dead = if dead {
            Some(
                self.conn
                    .prepare_cached("SELECT 1 FROM dead WHERE doc = ?1")?,
            )
        } else {
            None
        };
        for r in runs {
            let Some(data) = runs::chunk(&self.conn, r.run, band as u32, key)? else {
                continue;
            };
            for doc in runs::Chunk::new(&data).find(key) {
                let doc = doc as i64;
                if let Some(st) = is_dead.as_mut() {
                    if st.exists([doc])? {
                        continue;
                    }
                }
                found.push(doc);
                if found.len() >= limit {
                    return Ok(found);
                }
            }
        }
        Ok(found)
    }

    /// Read, on `READERS` connections of their own at once, the pages that
    /// `read` will touch for each item, and throw the results away: the
    /// caller's own reads then find them in the OS page cache. A query reads
    /// a few hundred scattered pages, and an archive larger than the page
    /// cache misses most of them; one at a time that is ~0.1 ms of waiting
    /// each, in parallel the disk serves them together. Only the cache is
    /// shared, so the caller's snapshot decides every answer; a reader that
    /// cannot open the archive just warms nothing.
    fn warm<T: Sync>(&self, items: &[T], read: impl Fn(&Connection, &T) + Sync) {
        /// Concurrent readers (I/O depth): with 32 KB pages more readers gain
        /// little and each costs CPU (docs/design/archive.md, "Warming").
        const READERS: usize = 4;
        /// One item is read by the caller alone: a reader's start (a thread
        /// and a connection) costs about what it would save.
        const MIN_ITEMS: usize = 2;
        if items.len() < MIN_ITEMS {
            return;
        }
        let per = items.len().div_ceil(READERS);
        let (read, path, immutable) = (&read, self.path.as_path(), self.immutable);
        std::thread::scope(|s| {
            for part in items.chunks(per) {
                s.spawn(move || {
                    let Ok(conn) = readonly::open(path, immutable) else {
                        return;
                    };
                    advise_random(path);
                    for item in part {
                        read(&conn, item);
                    }
                });
            }
        });
    }

    /// Warm the chunks that `lookups` read.
    fn warm_buckets(&self, runs: &[runs::Run], lookups: &[query::Lookup]) {
        self.warm(lookups, |conn, l| {
            for r in runs {
                let _ = runs::chunk(conn, r.run, l.band, l.key);
            }
        });
    }

    /// Warm the rows (and text pages) of stored documents `docs`.
    fn warm_docs(&self, docs: &[i64]) {
        self.warm(docs, |conn, &doc| {
            // The values themselves: length() would skip a text's overflow pages.
            let _ = conn
                .prepare_cached("SELECT signature, text FROM docs WHERE doc = ?1")
                .and_then(|mut st| {
                    st.query_row([doc], |r| {
                        r.get_ref(0)?;
                        r.get_ref(1)?;
                        Ok(())
                    })
                });
        });
    }

    /// One stored document (`None` once removed).
    fn stored(&self, doc: i64, with_text: bool) -> rusqlite::Result<Option<StoredDoc>> {
        let sql = if with_text {
            "SELECT id, title, source, date, text_hash, shingles, signature, text FROM docs WHERE doc = ?1"
        } else {
            "SELECT id, title, source, date, text_hash, shingles, signature, NULL FROM docs WHERE doc = ?1"
        };
        let mut st = self.conn.prepare_cached(sql)?;
        st.query_row([doc], |r| {
            let id: String = r.get(0)?;
            let title: Option<String> = r.get(1)?;
            let source: Option<String> = r.get(2)?;
            let date: Option<String> = r.get(3)?;
            let hash = r.get_ref(4)?.as_blob()?;
            let shingles: Option<i64> = r.get(5)?;
            let text: Option<String> = r.get(7)?;
            let sig = integrity::open_row(
                integrity::RowFields {
                    doc,
                    id: &id,
                    title: title.as_deref(),
                    source: source.as_deref(),
                    date: date.as_deref(),
                    text_hash: hash,
                    shingles,
                    signature: &[],
                },
                r.get_ref(6)?.as_blob()?,
                self.params.num_perm * 4,
                with_text.then_some(text.as_deref()),
            )?;
            let h: [u8; 16] = hash.try_into().map_err(|_| {
                integrity::damage(format!(
                    "document {doc} ({id:?}): a text hash of {} bytes",
                    hash.len()
                ))
            })?;
            Ok(StoredDoc {
                text_hash: u128::from_le_bytes(h),
                shingles: shingles.map(|n| n as usize),
                signature: signature_from(sig),
                id,
                title,
                source,
                date,
                text,
            })
        })
        .optional()
    }
}

/// A source of documents for an add: called once with a sink, it hands each
/// document over in order and stops once the sink returns false (the add
/// failed and wants no more). Its error (an unreadable input) ends the add
/// after what was handed over is written.
pub trait FeedFn: FnOnce(&mut dyn FnMut(Document) -> bool) -> Result<()> + Send {}
impl<F: FnOnce(&mut dyn FnMut(Document) -> bool) -> Result<()> + Send> FeedFn for F {}

/// What the fingerprinting thread of an add hands the writing one.
enum Step {
    /// The boilerplate mask of a new archive, settled from its first
    /// documents; sent once, before any batch.
    Mask(Mask),
    /// One transaction's documents and their fingerprints.
    Batch(Vec<Document>, Vec<Prepared>),
}

/// Gathers fed documents into batches, fingerprints each and sends it on.
struct Batcher<'a> {
    tx: std::sync::mpsc::SyncSender<Step>,
    /// `None` until a new archive's mask is settled.
    mask: Option<std::borrow::Cow<'a, Mask>>,
    config: &'a MaskConfig,
    fp: &'a Fingerprinter,
    banding: Banding,
    options: AddOptions,
    pending: Vec<Document>,
}

impl Batcher<'_> {
    /// Send every whole batch pending, or everything pending when `done`;
    /// false once the writer has hung up. A new archive's first batches
    /// wait until its mask sample is read.
    fn flush(&mut self, done: bool) -> bool {
        if self.mask.is_none() {
            if !done && self.pending.len() < self.config.sample {
                return true;
            }
            let texts: Vec<&str> = self.pending.iter().map(|d| d.text.as_str()).collect();
            let mask = Mask::build(&texts, &self.fp.shingler, self.config);
            if self.tx.send(Step::Mask(mask.clone())).is_err() {
                return false;
            }
            self.mask = Some(std::borrow::Cow::Owned(mask));
        }
        let Some(mask) = &self.mask else {
            return true;
        };
        let batch = self.options.batch_size.max(1);
        while self.pending.len() >= batch || (done && !self.pending.is_empty()) {
            let rest = self.pending.split_off(batch.min(self.pending.len()));
            let docs = std::mem::replace(&mut self.pending, rest);
            let count_distinct = !self.options.store_text;
            let prepared = Index::prepare(self.fp, mask, self.banding, count_distinct, &docs);
            if self.tx.send(Step::Batch(docs, prepared)).is_err() {
                return false;
            }
        }
        true
    }
}

/// The two threads of an add: this one feeds and fingerprints, `write`
/// (on the calling thread) stores each step. `known`: the archive's mask,
/// or `None` to settle one from the first documents and send it first.
#[allow(clippy::too_many_arguments)]
fn pipeline(
    path: &Path,
    known: Option<&Mask>,
    config: &MaskConfig,
    fp: &Fingerprinter,
    banding: Banding,
    feed: impl FeedFn,
    options: AddOptions,
    progress: Progress,
    mut write: impl FnMut(Step, &mut AddStats) -> Result<()>,
) -> Result<AddStats> {
    let bar = progress.counter("indexing");
    let mut stats = AddStats::default();
    let (tx, rx) = std::sync::mpsc::sync_channel::<Step>(1);
    let result = std::thread::scope(|s| -> Result<()> {
        // Owned here, so that leaving early (a failed batch) hangs up on
        // the fingerprinting thread, whose next send then fails: the
        // scope's join would otherwise wait on it forever.
        let rx = rx;
        let (wake, woken) = std::sync::mpsc::channel::<Wake>();
        s.spawn(move || checkpointer(path, woken));
        let feeder = s.spawn(move || -> Result<()> {
            let mut batcher = Batcher {
                tx,
                mask: known.map(std::borrow::Cow::Borrowed),
                config,
                fp,
                banding,
                options,
                pending: Vec::new(),
            };
            let mut alive = true;
            let fed = feed(&mut |d| {
                batcher.pending.push(d);
                alive = batcher.flush(false);
                alive
            });
            // What was handed over is written, even when the feed then
            // failed; a feed that failed before handing anything over (a
            // missing input) creates no archive.
            let nothing = batcher.pending.is_empty() && batcher.mask.is_none();
            if alive && !(fed.is_err() && nothing) {
                batcher.flush(true);
            }
            fed
        });
        for step in rx.iter() {
            let docs = match &step {
                Step::Batch(docs, _) => docs.len(),
                Step::Mask(_) => 0,
            };
            write(step, &mut stats)?;
            if docs > 0 {
                stats.batches += 1;
                if stats.batches % DRAIN_EVERY == 0 {
                    let (done, wait) = std::sync::mpsc::sync_channel(1);
                    let _ = wake.send(Wake::Drain(done));
                    let _ = wait.recv();
                } else {
                    let _ = wake.send(Wake::Batch);
                }
                bar.inc(docs as u64);
            }
        }
        feeder
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p))
    });
    bar.finish_and_clear();
    result?;
    Ok(stats)
}

/// SQLite's default WAL size, in pages, that makes a commit checkpoint.
const WAL_AUTOCHECKPOINT: i64 = 1000;

/// Batches an add writes between waits for the WAL to be copied whole.
/// SQLite starts a WAL over only when a write transaction begins with every
/// frame copied; a writer that never waits appends forever (1 GB of WAL for
/// a 100k add). So the WAL holds at most this many batches.
const DRAIN_EVERY: usize = 4;

/// What the writer of an add tells the checkpointer.
enum Wake {
    /// A batch was committed: copy what is committed.
    Batch,
    /// Copy everything committed, then say so.
    Drain(std::sync::mpsc::SyncSender<()>),
}

/// Copy committed WAL frames into the archive on a connection of its own,
/// so that the writer's next batch goes on meanwhile (done by the commits,
/// the copy and its fsyncs took a third of an add's wall time). PASSIVE:
/// never waits on readers or the writer. Failures are left to the final
/// checkpoint, as SQLite leaves those of its own checkpoints at commit.
fn checkpointer(path: &Path, woken: std::sync::mpsc::Receiver<Wake>) {
    let mut conn: Option<Connection> = None;
    while let Ok(first) = woken.recv() {
        // Wakes that queued during the last checkpoint need only this one.
        let drains: Vec<_> = std::iter::once(first)
            .chain(woken.try_iter())
            .filter_map(|wake| match wake {
                Wake::Batch => None,
                Wake::Drain(done) => Some(done),
            })
            .collect();
        if conn.is_none() {
            conn = open_writer(path).ok();
        }
        if let Some(c) = &conn {
            let _ = c.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
        }
        for done in drains {
            let _ = done.send(());
        }
    }
}

/// Delete one document; its bucket entries are stale until their run is
/// rewritten, so it is listed in `dead` (document numbers are never reused).
/// Returns the number of documents deleted (0 if it was gone already).
fn delete_doc(conn: &Connection, doc: i64) -> rusqlite::Result<usize> {
    let n = conn
        .prepare_cached("DELETE FROM docs WHERE doc = ?1")?
        .execute([doc])?;
    conn.prepare_cached("INSERT OR IGNORE INTO dead(doc) VALUES (?1)")?
        .execute([doc])?;
    Ok(n)
}

/// Bands filed in the bucket runs of an archive of `lsh_bands` LSH bands:
/// those, then the exact-text hash as one more, then the id hash (always
/// the last: see `ids`).
fn run_bands_for(lsh_bands: usize) -> usize {
    lsh_bands + 2
}

/// The bucket key of an exact text hash (filed as one more band).
fn text_key(hash: u128) -> i64 {
    hash as u64 as i64
}

/// Tell the kernel that this process reads the archive at random, so a page
/// SQLite asks for is read alone: a query reads a few hundred scattered
/// pages, and the default readahead would turn each one missing from the
/// page cache into a larger read.
/// SQLite's descriptor is found in /proc/self/fd; where that fails, nothing
/// is advised and reads stay correct.
#[cfg(target_os = "linux")]
fn advise_random(path: &Path) {
    let Ok(target) = std::fs::canonicalize(path) else {
        return;
    };
    let Ok(fds) = std::fs::read_dir("/proc/self/fd") else {
        return;
    };
    for e in fds.flatten() {
        if std::fs::read_link(e.path()).ok().as_deref() != Some(target.as_path()) {
            continue;
        }
        if let Some(fd) = e.file_name().to_str().and_then(|s| s.parse().ok()) {
            // SAFETY: posix_fadvise only reads its integer arguments; on a
            // descriptor closed meanwhile it fails with EBADF, ignored.
            unsafe {
                libc::posix_fadvise(fd, 0, 0, libc::POSIX_FADV_RANDOM);
            }
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn advise_random(_: &Path) {}

/// Before the first write to a format-4 archive: mark it format 5, whose
/// rows written from now on carry checksums (its older ones do not).
fn upgrade(conn: &Connection, path: &Path, version: i32) -> Result<()> {
    if version >= FORMAT_VERSION {
        return Ok(());
    }
    conn.execute_batch(&format!(
        "BEGIN IMMEDIATE; PRAGMA user_version = {FORMAT_VERSION}; UPDATE meta SET value = {FORMAT_VERSION} WHERE key = 'format_version'; COMMIT;"
    ))
    .map_err(|e| db_error(path, e))
}

/// A connection that writes to the existing archive at `path`, in WAL mode.
fn open_writer(path: &Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| db_error(path, e))?;
    let configure = || -> rusqlite::Result<()> {
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // In WAL mode NORMAL loses no committed transaction on a process
        // crash (only, at worst, the last ones on power loss), never corrupts.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "cache_size", -262_144)?;
        Ok(())
    };
    configure().map_err(|e| db_error(path, e))?;
    Ok(conn)
}

/// Read and check the stored parameters and mask.
fn read_meta(conn: &Connection, path: &Path) -> Result<(IndexParams, Mask)> {
    let get = |key: &str| -> Result<Option<rusqlite::types::Value>> {
        conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(|e| match e.sqlite_error_code() {
                None => bad_index(path, format!("not a reprint index ({e})")),
                Some(_) => db_error(path, e),
            })
            .map_err(|e| match e {
                Error::Database { message, .. } if message.contains("no such table") => {
                    bad_index(path, "not a reprint index (no meta table)")
                }
                e => e,
            })
    };
    let text = |key: &str| -> Result<String> {
        match get(key)? {
            Some(rusqlite::types::Value::Text(s)) => Ok(s),
            Some(rusqlite::types::Value::Integer(i)) => Ok(i.to_string()),
            _ => Err(bad_index(
                path,
                format!("not a usable reprint index: parameter {key} missing"),
            )),
        }
    };
    let num = |key: &str| -> Result<u64> {
        text(key)?.parse().map_err(|_| {
            bad_index(
                path,
                format!("not a usable reprint index: parameter {key} is not a number"),
            )
        })
    };
    let version = num("format_version")? as i32;
    if version > FORMAT_VERSION {
        return Err(bad_index(
            path,
            format!("index format {version} was written by a newer reprint; this one reads format {FORMAT_VERSION}"),
        ));
    }
    if version < MIN_FORMAT_VERSION {
        return Err(bad_index(path, header::older_format(version)));
    }
    let float = |key: &str| -> Result<f64> {
        text(key)?.parse().map_err(|_| {
            bad_index(
                path,
                format!("not a usable reprint index: parameter {key} is not a number"),
            )
        })
    };
    let params = IndexParams {
        format_version: version,
        shingle: text("shingle")?,
        k: num("k")? as usize,
        num_perm: num("num_perm")? as usize,
        seed: num("seed")?,
        normalization: num("normalization")? as u32,
        threshold: float("threshold")?,
        bands: num("bands")? as usize,
        rows: num("rows")? as usize,
        mask_share: float("mask_share")?,
        mask_min_docs: num("mask_min_docs")? as usize,
    };
    let current = params.fingerprinter().params();
    if params.shingle != current.shingle || params.normalization != NORMALIZATION_VERSION {
        return Err(bad_index(
            path,
            format!(
                "the index was built with {} shingles and normalization version {}; this reprint makes {} shingles with normalization version {}: rebuild the index",
                params.shingle, params.normalization, current.shingle, NORMALIZATION_VERSION
            ),
        ));
    }
    if params.bands == 0
        || run_bands_for(params.bands) > runs::MAX_BANDS
        || params.rows == 0
        || params.bands * params.rows > params.num_perm
        || params.k == 0
    {
        return Err(bad_index(
            path,
            "not a usable reprint index: inconsistent parameters",
        ));
    }
    let mask = match get("mask")? {
        Some(rusqlite::types::Value::Blob(b)) => Mask::from_bytes(&b),
        _ => None,
    }
    .ok_or_else(|| {
        bad_index(
            path,
            "not a usable reprint index: boilerplate mask missing or damaged",
        )
    })?;
    Ok((params, mask))
}

#[cfg(test)]
mod tests;
