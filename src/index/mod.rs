//! The persistent archive behind `reprint index` and `reprint query`: one
//! SQLite file (WAL) holding each document's metadata, text, MinHash
//! signature and LSH band keys, grown in committed batches, read while it grows.

pub mod cli;
mod header;
pub mod query;

use crate::boilerplate::{Mask, MaskConfig};
use crate::corpus::{Corpus, Document};
use crate::error::{Error, Result};
use crate::fingerprint::{Fingerprint, Fingerprinter};
use crate::lsh::{Banding, DEFAULT_THRESHOLD};
use crate::minhash::{Signature, DEFAULT_NUM_PERM};
use crate::normalize::NORMALIZATION_VERSION;
use crate::progress::Progress;
use crate::shingle::DEFAULT_K;
use rayon::prelude::*;
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Version of the file layout; a file with a higher one is refused.
pub const FORMAT_VERSION: i32 = 1;
/// `PRAGMA application_id` of a reprint index ("RPRI").
pub const APPLICATION_ID: i32 = 0x5250_5249;
/// Documents per committed transaction of `index add`.
pub const DEFAULT_BATCH: usize = 5000;

const SCHEMA: &str = "
CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;
CREATE TABLE docs(
    doc INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
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
CREATE INDEX docs_text_hash ON docs(text_hash);
CREATE TABLE bands(
    band INTEGER NOT NULL,
    key INTEGER NOT NULL,
    doc INTEGER NOT NULL,
    PRIMARY KEY(band, key, doc)
) WITHOUT ROWID;
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
        if self.mask_share >= 1.0 {
            MaskConfig::off()
        } else {
            MaskConfig {
                share: self.mask_share,
                min_docs: self.mask_min_docs.max(2),
                ..MaskConfig::default()
            }
        }
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
    pub params: IndexParams,
    pub fingerprinter: Fingerprinter,
    pub banding: Banding,
    pub mask: Mask,
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
    use rusqlite::ErrorCode::{DatabaseCorrupt, NotADatabase};
    match e.sqlite_error_code() {
        Some(DatabaseCorrupt) | Some(NotADatabase) => Error::Index {
            path: path.to_path_buf(),
            message: format!("the index is damaged ({e}); rebuild it from its feeds"),
        },
        _ => Error::Database {
            path: path.to_path_buf(),
            message: e.to_string(),
        },
    }
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
    pub fn open(path: &Path, req: &ParamRequest, write: bool) -> Result<Index> {
        header::check(path)?;
        let ro = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| db_error(path, e))?;
        ro.busy_timeout(std::time::Duration::from_secs(30))
            .map_err(|e| db_error(path, e))?;
        let (params, mask) = read_meta(&ro, path)?;
        if let Some(m) = params.mismatch(req) {
            return Err(bad_index(path, m));
        }
        let conn = if write {
            drop(ro);
            let rw = Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
            .map_err(|e| db_error(path, e))?;
            configure(&rw, path)?;
            rw
        } else {
            ro
        };
        Ok(Index {
            conn,
            path: path.to_path_buf(),
            fingerprinter: params.fingerprinter(),
            banding: params.banding(),
            params,
            mask,
        })
    }

    /// Create a new index at `path` (which must not exist) with `params`
    /// and a boilerplate mask built from `texts`. The file is built under a
    /// temporary name and linked into place whole.
    pub fn create(path: &Path, params: IndexParams, texts: &[&str]) -> Result<Index> {
        let fp = params.fingerprinter();
        let mask = Mask::build(texts, &fp.shingler, &params.mask_config());
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
        let conn = Connection::open(path).map_err(|e| db_error(path, e))?;
        configure(&conn, path)?;
        Ok(Index {
            conn,
            path: path.to_path_buf(),
            fingerprinter: fp,
            banding: params.banding(),
            params,
            mask,
        })
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
                let f = fp.fingerprint_masked(&d.text, scratch, mask);
                let distinct = count_distinct.then(|| {
                    scratch.sort_unstable();
                    scratch.dedup();
                    scratch.len()
                });
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

    /// Add a corpus, `options.batch_size` documents per transaction. Each
    /// committed batch survives a crash; cost is proportional to the corpus,
    /// not the index (every lookup goes through an index).
    pub fn add(
        &mut self,
        corpus: &Corpus,
        options: AddOptions,
        progress: Progress,
    ) -> Result<AddStats> {
        let batch = options.batch_size.max(1);
        let bar = progress.bar(corpus.len() as u64, "indexing");
        let mut stats = AddStats::default();
        let chunks: Vec<&[Document]> = corpus.docs.chunks(batch).collect();
        // Fingerprint the next batch while this one is written.
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Prepared>>(1);
        let this = &*self;
        let (fp, mask, banding) = (&self.fingerprinter, &self.mask, self.banding);
        let result = std::thread::scope(|s| -> Result<()> {
            let chunks_ref = &chunks;
            s.spawn(move || {
                for c in chunks_ref {
                    let p = Index::prepare(fp, mask, banding, !options.store_text, c);
                    if tx.send(p).is_err() {
                        break;
                    }
                }
            });
            for (docs, prepared) in chunks.iter().zip(rx.iter()) {
                this.write_batch(docs, &prepared, options, &mut stats)?;
                stats.batches += 1;
                bar.inc(docs.len() as u64);
            }
            Ok(())
        });
        bar.finish_and_clear();
        result?;
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
            let tx = self.conn.unchecked_transaction()?;
            let (mut added, mut replaced, mut skipped) = (0, 0, Vec::new());
            let mut band_rows: Vec<(i64, i64, i64)> =
                Vec::with_capacity(prepared.len() * self.banding.bands);
            {
                let mut find =
                    tx.prepare_cached("SELECT doc, signature FROM docs WHERE id = ?1")?;
                let mut insert = tx.prepare_cached(
                    "INSERT INTO docs(id, title, source, date, day, text_hash, shingles, signature, text)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                )?;
                for (d, p) in docs.iter().zip(prepared) {
                    let old: Option<(i64, Vec<u8>)> = find
                        .query_row([&d.id], |r| Ok((r.get(0)?, r.get(1)?)))
                        .optional()?;
                    if let Some((doc, sig)) = old {
                        if !options.replace {
                            skipped.push(d.id.clone());
                            continue;
                        }
                        self.delete_doc(&tx, doc, &signature_from(&sig))?;
                        replaced += 1;
                    }
                    insert.execute(params![
                        d.id,
                        d.title,
                        d.source,
                        d.date,
                        d.date.as_deref().and_then(day_number),
                        p.fp.text_hash.to_le_bytes().as_slice(),
                        p.distinct.map(|n| n as i64),
                        signature_bytes(&p.fp.signature),
                        if options.store_text {
                            Some(d.text.as_str())
                        } else {
                            None
                        },
                    ])?;
                    let doc = tx.last_insert_rowid();
                    band_rows.extend(
                        p.keys
                            .iter()
                            .enumerate()
                            .map(|(b, &k)| (b as i64, k as i64, doc)),
                    );
                    added += 1;
                }
                band_rows.sort_unstable();
                // Many rows per statement: per-statement overhead dominates.
                const ROWS: usize = 64;
                let sql = |n: usize| {
                    let values = vec!["(?, ?, ?)"; n].join(", ");
                    format!("INSERT OR IGNORE INTO bands(band, key, doc) VALUES {values}")
                };
                let mut full = tx.prepare_cached(&sql(ROWS))?;
                for chunk in band_rows.chunks(ROWS) {
                    let flat = chunk.iter().flat_map(|(b, k, d)| [b, k, d]);
                    if chunk.len() == ROWS {
                        full.execute(rusqlite::params_from_iter(flat))?;
                    } else {
                        tx.prepare(&sql(chunk.len()))?
                            .execute(rusqlite::params_from_iter(flat))?;
                    }
                }
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

    /// Delete one document and its band rows (keys recomputed from its
    /// signature, so no table is scanned).
    fn delete_doc(&self, conn: &Connection, doc: i64, sig: &Signature) -> rusqlite::Result<()> {
        let mut del =
            conn.prepare_cached("DELETE FROM bands WHERE band = ?1 AND key = ?2 AND doc = ?3")?;
        if sig.len() >= self.banding.bands * self.banding.rows {
            for b in 0..self.banding.bands {
                del.execute(params![b as i64, self.banding.band_key(sig, b) as i64, doc])?;
            }
        }
        conn.prepare_cached("DELETE FROM docs WHERE doc = ?1")?
            .execute([doc])?;
        Ok(())
    }

    /// Remove documents by id or by date, in committed batches.
    pub fn remove(&mut self, removal: &Removal, batch_size: usize) -> Result<RemoveStats> {
        let mut stats = RemoveStats::default();
        let victims: Vec<(i64, Vec<u8>)> = match removal {
            Removal::Ids(ids) => {
                let mut st = self
                    .conn
                    .prepare("SELECT doc, signature FROM docs WHERE id = ?1")
                    .map_err(|e| self.err(e))?;
                let mut v = Vec::new();
                for id in ids {
                    match st
                        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
                        .optional()
                        .map_err(|e| db_error(&self.path, e))?
                    {
                        Some(row) => v.push(row),
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
                    .prepare("SELECT doc, signature FROM docs WHERE day < ?1")
                    .map_err(|e| self.err(e))?;
                let rows = st
                    .query_map([day], |r| Ok((r.get(0)?, r.get(1)?)))
                    .map_err(|e| self.err(e))?;
                rows.collect::<rusqlite::Result<Vec<_>>>()
                    .map_err(|e| self.err(e))?
            }
        };
        for chunk in victims.chunks(batch_size.max(1)) {
            let run = || -> rusqlite::Result<()> {
                let tx = self.conn.unchecked_transaction()?;
                for (doc, sig) in chunk {
                    self.delete_doc(&tx, *doc, &signature_from(sig))?;
                }
                tx.commit()
            };
            run().map_err(|e| self.err(e))?;
            stats.removed += chunk.len();
        }
        Ok(stats)
    }

    /// Number of stored documents.
    pub fn len(&self) -> Result<usize> {
        self.conn
            .query_row("SELECT count(*) FROM docs", [], |r| r.get::<_, i64>(0))
            .map(|n| n as usize)
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
            })
        };
        q().map_err(|e| self.err(e))
    }

    /// `PRAGMA integrity_check`: `Ok(())` or the problems found.
    pub fn integrity_check(&self) -> Result<std::result::Result<(), String>> {
        let mut st = self
            .conn
            .prepare("PRAGMA integrity_check")
            .map_err(|e| self.err(e))?;
        let rows: Vec<String> = st
            .query_map([], |r| r.get(0))
            .map_err(|e| self.err(e))?
            .collect::<rusqlite::Result<_>>()
            .map_err(|e| self.err(e))?;
        Ok(if rows == ["ok"] {
            Ok(())
        } else {
            Err(rows.join("; "))
        })
    }

    /// Documents sharing band `band` key `key`, at most `limit` of them.
    fn bucket(&self, band: usize, key: u64, limit: usize) -> rusqlite::Result<Vec<i64>> {
        let mut st = self
            .conn
            .prepare_cached("SELECT doc FROM bands WHERE band = ?1 AND key = ?2 LIMIT ?3")?;
        let rows = st.query_map(params![band as i64, key as i64, limit as i64], |r| r.get(0))?;
        rows.collect()
    }

    /// Documents whose normalized text hashes to `hash` (exact copies).
    fn same_text(&self, hash: u128, limit: usize) -> rusqlite::Result<Vec<i64>> {
        let mut st = self
            .conn
            .prepare_cached("SELECT doc FROM docs WHERE text_hash = ?1 LIMIT ?2")?;
        let rows = st.query_map(params![hash.to_le_bytes().as_slice(), limit as i64], |r| {
            r.get(0)
        })?;
        rows.collect()
    }

    /// One stored document.
    fn stored(&self, doc: i64, with_text: bool) -> rusqlite::Result<StoredDoc> {
        let sql = if with_text {
            "SELECT id, title, source, date, text_hash, shingles, signature, text FROM docs WHERE doc = ?1"
        } else {
            "SELECT id, title, source, date, text_hash, shingles, signature, NULL FROM docs WHERE doc = ?1"
        };
        let mut st = self.conn.prepare_cached(sql)?;
        st.query_row([doc], |r| {
            let hash: Vec<u8> = r.get(4)?;
            let mut h = [0u8; 16];
            if hash.len() == 16 {
                h.copy_from_slice(&hash);
            }
            let sig: Vec<u8> = r.get(6)?;
            Ok(StoredDoc {
                id: r.get(0)?,
                title: r.get(1)?,
                source: r.get(2)?,
                date: r.get(3)?,
                text_hash: u128::from_le_bytes(h),
                shingles: r.get::<_, Option<i64>>(5)?.map(|n| n as usize),
                signature: signature_from(&sig),
                text: r.get(7)?,
            })
        })
    }
}

/// Pragmas for a connection that writes.
fn configure(conn: &Connection, path: &Path) -> Result<()> {
    let run = || -> rusqlite::Result<()> {
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // In WAL mode NORMAL loses no committed transaction on a process
        // crash (only, at worst, the last ones on power loss), never corrupts.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "cache_size", -262_144)?;
        Ok(())
    };
    run().map_err(|e| db_error(path, e))
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
