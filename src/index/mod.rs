//! The persistent archive behind `reprint index` and `reprint query`: one
//! SQLite file (WAL) holding each document's metadata, text, MinHash
//! signature and LSH band keys, grown in committed batches, read while it grows.

mod add;
mod checkpoint;
mod codec;
mod document;
mod errors;
mod handle;
mod header;
mod ids;
mod integrity;
mod merge;
mod params;
pub mod query;
mod readonly;
mod remove;
mod runs;
mod schema;
mod warm;
mod words;

use crate::boilerplate::Mask;
use crate::error::{Error, Result};
use crate::wordsig::CommonWords;
use codec::run_bands_for;
use errors::{bad_index, damaged, db_error};
use params::read_meta;
use rusqlite::{params, Connection, OptionalExtension};
use schema::{open_writer, upgrade, SCHEMA};
use serde::Serialize;
use std::path::Path;
use warm::advise_random;

pub use add::{AddOptions, AddStats, FeedFn, DEFAULT_BATCH};
pub use codec::{day_number, today};
pub use handle::{Index, StoredDoc};
pub use integrity::CheckReport;
pub use params::{IndexParams, ParamRequest};
pub use remove::{CompactStats, Removal, RemoveStats};
pub use schema::{APPLICATION_ID, FORMAT_VERSION, MIN_FORMAT_VERSION, PAGE_SIZE};
pub use words::WORD_CANDIDATES_PER_STORY;

/// A summary of an index.
#[derive(Debug, Clone, Serialize)]
pub struct IndexStats {
    /// The archive's path.
    pub path: String,
    /// Size of the archive file.
    pub file_bytes: u64,
    /// Documents stored.
    pub documents: usize,
    /// Documents stored with their text.
    pub with_text: usize,
    /// Documents without a usable date.
    pub undated: usize,
    /// The oldest date stored.
    pub oldest: Option<String>,
    /// The newest date stored.
    pub newest: Option<String>,
    /// The archive's parameters.
    pub parameters: IndexParams,
    /// Shingle slots the boilerplate mask masks.
    pub mask_masked_slots: usize,
    /// Documents the mask was built from.
    pub mask_sampled_documents: usize,
    /// Runs of the bucket index: each a query reads once per band.
    pub runs: usize,
    /// Common words the word signatures leave out (0 without them).
    pub common_words: usize,
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
        let words = words::read(&ro, path, &params)?;
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
            words,
        })
    }

    /// Create a new index at `path` (which must not exist) with `params`
    /// and a boilerplate mask (and, when `params` keep word signatures,
    /// common words) built from `texts`. The file is built under a
    /// temporary name and linked into place whole.
    pub fn create(path: &Path, params: IndexParams, texts: &[&str]) -> Result<Index> {
        let fp = params.fingerprinter();
        let mask = Mask::build(texts, &fp.shingler, &params.mask_config());
        let common = params
            .word_signer()
            .map(|_| words::common_words_of(texts.len(), &|i| texts[i]));
        Index::create_with_mask(path, params, mask, common)
    }

    /// `create` with the boilerplate mask and common words given (`common`
    /// is used only when `params` keep word signatures).
    fn create_with_mask(
        path: &Path,
        params: IndexParams,
        mask: Mask,
        common: Option<CommonWords>,
    ) -> Result<Index> {
        let fp = params.fingerprinter();
        let words = params.word_signer().map(|signer| words::ArchiveWords {
            signer,
            common: common.unwrap_or_default(),
        });
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
                if let Some(w) = &words {
                    st.execute(params!["common_words", w.common.to_bytes()])?;
                }
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
            words,
        })
    }

    /// Bands filed in the bucket runs (`run_bands_for` the LSH and word bands).
    fn run_bands(&self) -> u32 {
        run_bands_for(self.banding.bands, self.params.word_bands) as u32
    }

    /// The band of the runs that files id hashes.
    fn id_band(&self) -> u32 {
        self.run_bands() - 1
    }

    /// The archive's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn err(&self, e: rusqlite::Error) -> Error {
        db_error(&self.path, e)
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

    /// Whether no documents are stored.
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
                common_words: self.words.as_ref().map_or(0, |w| w.common.len()),
            })
        };
        q().map_err(|e| self.err(e))
    }

    /// The full check of `index stats --check`: SQLite's `integrity_check`
    /// and every chunk's, document's and word signature's checksum (reads the
    /// whole file).
    pub fn check(&self) -> CheckReport {
        let mut report = integrity::full_check(&self.conn, self.params.num_perm * 4);
        if self.words.is_some() {
            words::check(&self.conn, &mut report);
        }
        report
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
}

#[cfg(test)]
mod tests;
