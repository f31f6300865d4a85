//! The LSH bucket index of an archive, kept as sorted runs (a small
//! log-structured merge tree inside SQLite).
//!
//! Each committed batch of documents writes one run: its (band, key, doc)
//! entries sorted and packed into blobs ("chunks") of about
//! `CHUNK_ENTRIES` entries, one row per chunk keyed by (run, band, first
//! key). Writing a batch is thus a few hundred sequential blob inserts
//! instead of 85 B-tree inserts per document scattered over the whole
//! archive. Runs of similar size that follow each other are merged, FANOUT
//! at a time, so an archive of N documents holds O(log N) runs and a lookup
//! reads one chunk per run and band. Runs always cover consecutive ranges of
//! document numbers; removed documents are listed in `dead` until the run
//! holding their entries is rewritten.

use rusqlite::{params, Connection, OptionalExtension};

/// Entries per chunk (a chunk never splits the entries of one key, so a
/// bucket is always read from one chunk per run).
pub(super) const CHUNK_ENTRIES: usize = 256;
/// Runs of one size tier merged at a time.
pub(super) const FANOUT: usize = 4;
/// Runs of fewer documents than this are all in the lowest tier.
const BASE_DOCS: u64 = 4096;

/// One entry of a band of the bucket index: (key, document number).
pub(super) type Entry = (i64, u32);

/// A stored run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Run {
    pub run: i64,
    pub first_doc: i64,
    pub last_doc: i64,
    /// Live documents when the run was written.
    pub docs: i64,
}

impl Run {
    fn tier(&self) -> u32 {
        let mut t = 0;
        let mut size = BASE_DOCS;
        while self.docs as u64 >= size {
            t += 1;
            size = size.saturating_mul(FANOUT as u64);
        }
        t
    }
}

/// The runs of an index, oldest first.
pub(super) fn list(conn: &Connection) -> rusqlite::Result<Vec<Run>> {
    let mut st =
        conn.prepare_cached("SELECT run, first_doc, last_doc, docs FROM runs ORDER BY run")?;
    let rows = st.query_map([], |r| {
        Ok(Run {
            run: r.get(0)?,
            first_doc: r.get(1)?,
            last_doc: r.get(2)?,
            docs: r.get(3)?,
        })
    })?;
    rows.collect()
}

fn encode(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::with_capacity(entries.len() * 12);
    for (key, _) in entries {
        out.extend_from_slice(&key.to_le_bytes());
    }
    for (_, doc) in entries {
        out.extend_from_slice(&doc.to_le_bytes());
    }
    out
}

/// The (key, doc) pairs of a chunk.
pub(super) struct Chunk<'a> {
    keys: &'a [u8],
    docs: &'a [u8],
}

impl<'a> Chunk<'a> {
    pub fn new(data: &'a [u8]) -> Chunk<'a> {
        let n = data.len() / 12;
        Chunk {
            keys: &data[..n * 8],
            docs: &data[n * 8..n * 12],
        }
    }

    pub fn len(&self) -> usize {
        self.keys.len() / 8
    }

    fn key(&self, i: usize) -> i64 {
        i64::from_le_bytes(self.keys[i * 8..i * 8 + 8].try_into().unwrap())
    }

    fn doc(&self, i: usize) -> u32 {
        u32::from_le_bytes(self.docs[i * 4..i * 4 + 4].try_into().unwrap())
    }

    /// Documents filed under `key` (entries are sorted by key).
    pub fn find(&self, key: i64) -> impl Iterator<Item = u32> + '_ {
        let n = self.len();
        let (mut lo, mut hi) = (0, n);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if self.key(mid) < key {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        (lo..n)
            .take_while(move |&i| self.key(i) == key)
            .map(move |i| self.doc(i))
    }

    fn entries(&self) -> impl Iterator<Item = Entry> + '_ {
        (0..self.len()).map(move |i| (self.key(i), self.doc(i)))
    }
}

/// Writes one new run, band after band.
pub(super) struct RunWriter<'c> {
    insert: rusqlite::CachedStatement<'c>,
    run: i64,
    entries: i64,
}

impl<'c> RunWriter<'c> {
    /// Start a run covering documents `first_doc..=last_doc`, of which
    /// `docs` are live.
    pub fn new(
        conn: &'c Connection,
        first_doc: i64,
        last_doc: i64,
        docs: i64,
    ) -> rusqlite::Result<RunWriter<'c>> {
        conn.prepare_cached(
            "INSERT INTO runs(first_doc, last_doc, docs, entries) VALUES (?1, ?2, ?3, 0)",
        )?
        .execute(params![first_doc, last_doc, docs])?;
        Ok(RunWriter {
            run: conn.last_insert_rowid(),
            insert: conn.prepare_cached(
                "INSERT INTO chunks(run, band, first_key, data) VALUES (?1, ?2, ?3, ?4)",
            )?,
            entries: 0,
        })
    }

    /// Write the entries of `band` (sorted; bands in increasing order).
    pub fn band(&mut self, band: u32, entries: &[Entry]) -> rusqlite::Result<()> {
        debug_assert!(entries.windows(2).all(|w| w[0] <= w[1]));
        let mut start = 0;
        while start < entries.len() {
            let mut end = (start + CHUNK_ENTRIES).min(entries.len());
            // Never split the entries of one key.
            while end < entries.len() && entries[end].0 == entries[end - 1].0 {
                end += 1;
            }
            self.insert.execute(params![
                self.run,
                band,
                entries[start].0,
                encode(&entries[start..end])
            ])?;
            start = end;
        }
        self.entries += entries.len() as i64;
        Ok(())
    }

    /// Record the number of entries written.
    pub fn finish(self, conn: &Connection) -> rusqlite::Result<i64> {
        conn.prepare_cached("UPDATE runs SET entries = ?1 WHERE run = ?2")?
            .execute([self.entries, self.run])?;
        Ok(self.run)
    }
}

/// The chunk of `run` that holds `key` of `band`, if any could.
pub(super) fn chunk(
    conn: &Connection,
    run: i64,
    band: u32,
    key: i64,
) -> rusqlite::Result<Option<Vec<u8>>> {
    conn.prepare_cached(
        "SELECT data FROM chunks WHERE run = ?1 AND band = ?2 AND first_key <= ?3
         ORDER BY first_key DESC LIMIT 1",
    )?
    .query_row(params![run, band, key], |r| r.get(0))
    .optional()
}

/// Documents of `first..=last` that were removed (their entries are stale).
fn dead_in(conn: &Connection, first: i64, last: i64) -> rusqlite::Result<Vec<i64>> {
    let mut st = conn.prepare_cached("SELECT doc FROM dead WHERE doc BETWEEN ?1 AND ?2")?;
    let rows = st.query_map([first, last], |r| r.get(0))?;
    rows.collect()
}

/// Number of removed documents whose entries `run` still holds.
pub(super) fn dead_count(conn: &Connection, run: &Run) -> rusqlite::Result<i64> {
    conn.prepare_cached("SELECT count(*) FROM dead WHERE doc BETWEEN ?1 AND ?2")?
        .query_row([run.first_doc, run.last_doc], |r| r.get(0))
}

/// Rewrite consecutive `runs` as one, leaving out removed documents.
/// Band by band, so memory stays at one band of the merged runs.
pub(super) fn merge(conn: &Connection, runs: &[Run], bands: u32) -> rusqlite::Result<()> {
    let (first, last) = (runs[0].first_doc, runs[runs.len() - 1].last_doc);
    let dead: std::collections::HashSet<u32> = dead_in(conn, first, last)?
        .into_iter()
        .map(|d| d as u32)
        .collect();
    let docs = runs.iter().map(|r| r.docs).sum::<i64>() - dead.len() as i64;
    let mut writer = RunWriter::new(conn, first, last, docs.max(0))?;
    let mut read = conn.prepare_cached(
        "SELECT data FROM chunks WHERE run = ?1 AND band = ?2 ORDER BY first_key",
    )?;
    let mut entries: Vec<Entry> = Vec::new();
    for band in 0..bands {
        entries.clear();
        for r in runs {
            let mut rows = read.query(params![r.run, band])?;
            while let Some(row) = rows.next()? {
                let data = row.get_ref(0)?.as_blob()?;
                entries.extend(Chunk::new(data).entries().filter(|e| !dead.contains(&e.1)));
            }
        }
        // Each run is sorted; the stable sort merges such runs in linear passes.
        entries.sort();
        writer.band(band, &entries)?;
    }
    writer.finish(conn)?;
    let mut del_chunks = conn.prepare_cached("DELETE FROM chunks WHERE run = ?1")?;
    let mut del_run = conn.prepare_cached("DELETE FROM runs WHERE run = ?1")?;
    for r in runs {
        del_chunks.execute([r.run])?;
        del_run.execute([r.run])?;
    }
    conn.prepare_cached("DELETE FROM dead WHERE doc BETWEEN ?1 AND ?2")?
        .execute([first, last])?;
    Ok(())
}

/// Merge the newest runs while FANOUT or more of them are of no higher size
/// tier than the newest one (runs merged are always consecutive).
pub(super) fn compact(conn: &Connection, bands: u32) -> rusqlite::Result<()> {
    loop {
        let runs = list(conn)?;
        let Some(newest) = runs.last() else {
            return Ok(());
        };
        let tier = newest.tier();
        let from = runs
            .iter()
            .rposition(|r| r.tier() > tier)
            .map_or(0, |i| i + 1);
        if runs.len() - from < FANOUT {
            return Ok(());
        }
        merge(conn, &runs[from..], bands)?;
    }
}

/// Rewrite runs of which half or more of the documents were removed.
pub(super) fn purge(conn: &Connection, bands: u32) -> rusqlite::Result<()> {
    for r in list(conn)? {
        let dead = dead_count(conn, &r)?;
        if dead > 0 && dead * 2 >= r.docs {
            merge(conn, &[r], bands)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_find_every_document_of_a_key() {
        let mut sorted: Vec<Entry> = vec![(5, 1), (7, 2), (7, 3), (9, 4), (-3, 0)];
        sorted.sort();
        let data = encode(&sorted);
        let c = Chunk::new(&data);
        assert_eq!(c.find(7).collect::<Vec<_>>(), vec![2, 3]);
        assert_eq!(c.find(-3).collect::<Vec<_>>(), vec![0]);
        assert_eq!(c.find(6).count(), 0);
        assert_eq!(c.find(10).count(), 0);
    }

    #[test]
    fn tiers_grow_by_fanout() {
        let run = |docs| Run {
            run: 1,
            first_doc: 1,
            last_doc: 1,
            docs,
        };
        assert_eq!(run(10).tier(), 0);
        assert_eq!(run(5000).tier(), 1);
        assert_eq!(run(20_000).tier(), 2);
        assert_eq!(run(80_000).tier(), 3);
    }
}
