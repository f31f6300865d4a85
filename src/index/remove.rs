//! `index remove` and `index compact`: documents deleted by id or date in
//! committed batches (their bucket entries marked dead until rewritten),
//! and the bucket runs merged into one with the dead entries dropped.

use super::handle::Index;
use super::{document, merge, runs};
use crate::error::Result;
use crate::progress::Progress;
use rusqlite::Connection;
use serde::Serialize;

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
    /// Documents removed.
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
    /// Runs after the rewrite.
    pub runs_after: usize,
    /// Removed documents whose stale entries the rewrite dropped.
    pub stale_documents: usize,
}

impl Index {
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
                    match document::find(&snapshot, &archived, None, self.id_band(), id)
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
                merge::purge(&tx, self.run_bands())?;
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
            let (runs_before, stale_documents) = merge::merge_all(&tx, bands, || bar.inc(1))?;
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
}

/// Delete one document; its bucket entries are stale until their run is
/// rewritten, so it is listed in `dead` (document numbers are never reused).
/// Returns the number of documents deleted (0 if it was gone already).
pub(super) fn delete_doc(conn: &Connection, doc: i64) -> rusqlite::Result<usize> {
    let n = conn
        .prepare_cached("DELETE FROM docs WHERE doc = ?1")?
        .execute([doc])?;
    conn.prepare_cached("DELETE FROM words WHERE doc = ?1")?
        .execute([doc])?;
    conn.prepare_cached("INSERT OR IGNORE INTO dead(doc) VALUES (?1)")?
        .execute([doc])?;
    Ok(n)
}
