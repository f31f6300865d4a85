//! One archived document by its id: found through the id band of the runs
//! (`find`), read back whole (metadata and text) as a query, `reprint serve`
//! and the diff of two archived stories need it.

use super::codec::signature_from;
use super::handle::{Index, StoredDoc};
use super::ids::{key, Filters};
use super::integrity;
use super::runs::{self, Chunk, Run};
use crate::error::Result;
use rusqlite::{Connection, OptionalExtension};

impl Index {
    /// The stored document with the user id `id` (`None` when the archive
    /// has none), read in one snapshot.
    pub fn document(&self, id: &str) -> Result<Option<StoredDoc>> {
        let tx = self.conn.unchecked_transaction().map_err(|e| self.err(e))?;
        let found = (|| {
            let archived = runs::list(&tx)?;
            match find(&tx, &archived, None, self.id_band(), id)? {
                Some(doc) => self.stored(doc, true),
                None => Ok(None),
            }
        })()
        .map_err(|e| self.err(e))?;
        tx.finish().map_err(|e| self.err(e))?;
        Ok(found)
    }
}

impl Index {
    /// One stored document (`None` once removed).
    pub(super) fn stored(&self, doc: i64, with_text: bool) -> rusqlite::Result<Option<StoredDoc>> {
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

/// The live document stored under `id`, if any: its key is looked up in the
/// id band `band` of each of `runs` (only those whose filter may hold it,
/// with `filters`), and the id stored with each document found compared.
/// Removed documents have no `docs` row, so lingering entries find nothing.
pub(super) fn find(
    conn: &Connection,
    runs: &[Run],
    filters: Option<&Filters>,
    band: u32,
    id: &str,
) -> rusqlite::Result<Option<i64>> {
    let key = key(id);
    for r in runs {
        if filters.is_some_and(|f| !f.may_hold(r.run, key)) {
            continue;
        }
        let Some(data) = runs::chunk(conn, r.run, band, key)? else {
            continue;
        };
        // Prepared only here: most ids of an add reach no chunk at all.
        let mut stored = conn.prepare_cached("SELECT id FROM docs WHERE doc = ?1")?;
        for doc in Chunk::new(&data).find(key) {
            let doc = doc as i64;
            let found: Option<String> = stored.query_row([doc], |r| r.get(0)).optional()?;
            if found.as_deref() == Some(id) {
                return Ok(Some(doc));
            }
        }
    }
    Ok(None)
}
