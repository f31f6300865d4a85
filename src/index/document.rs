//! One archived document by its id, read back whole (metadata and text), as
//! `reprint serve` shows it and as the diff of two archived stories needs it.

use super::{ids, runs, Index, StoredDoc};
use crate::error::Result;

impl Index {
    /// The stored document with the user id `id` (`None` when the archive
    /// has none), read in one snapshot.
    pub fn document(&self, id: &str) -> Result<Option<StoredDoc>> {
        let tx = self.conn.unchecked_transaction().map_err(|e| self.err(e))?;
        let found = (|| {
            let archived = runs::list(&tx)?;
            match ids::find(&tx, &archived, None, self.id_band(), id)? {
                Some(doc) => self.stored(doc, true),
                None => Ok(None),
            }
        })()
        .map_err(|e| self.err(e))?;
        tx.finish().map_err(|e| self.err(e))?;
        Ok(found)
    }
}
