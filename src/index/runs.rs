//! The LSH bucket index of an archive, kept as sorted runs (a small
//! log-structured merge tree inside SQLite): each batch writes one run of
//! (band, key, doc) entries packed into chunks whose rowid is (run, band, top
//! key bits), so a band lookup is one B-tree descent per run; runs of a size
//! tier are merged band by band across batches (`merge`). Design and why:
//! docs/design/archive.md.

use super::integrity::{open_chunk, seal_chunk};
use rusqlite::{params, Connection, OptionalExtension};

/// Entries per chunk (a chunk never splits the entries of one key, so a
/// bucket is always read from one chunk per run). 256 entries (3 KB) fit in
/// one table leaf page without an overflow page (4 KB, the smallest page
/// an archive has: `PAGE_SIZE` is 32 KB, older archives have 4 KB).
pub(super) const CHUNK_ENTRIES: usize = 256;
/// Bands (the exact-text and id hashes included) a chunk rowid can number.
pub(super) const MAX_BANDS: usize = 1 << BAND_BITS;
pub(super) const BAND_BITS: u32 = 13;
pub(super) const KEY_BITS: u32 = 40;
/// Run slots a chunk rowid can number (rowids are positive i64s); slots of
/// rewritten runs are reused, and an archive holds O(log N) runs.
const MAX_SLOTS: i64 = 1 << (63 - BAND_BITS - KEY_BITS);

/// A key's top `KEY_BITS` bits, in the keys' (signed) order.
fn prefix(key: i64) -> i64 {
    (((key as u64) ^ (1 << 63)) >> (64 - KEY_BITS)) as i64
}

/// The rowid of the chunk of run slot `run` and `band` whose last key is
/// `key` (also: the least rowid a chunk that may hold `key` can have).
fn chunk_id(run: i64, band: u32, key: i64) -> i64 {
    (run << (BAND_BITS + KEY_BITS)) | ((band as i64) << KEY_BITS) | prefix(key)
}

/// The rowids of the chunks of `run` and `band`.
pub(super) fn band_ids(run: i64, band: u32) -> (i64, i64) {
    let lo = (run << (BAND_BITS + KEY_BITS)) | ((band as i64) << KEY_BITS);
    (lo, lo | ((1 << KEY_BITS) - 1))
}

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

/// The runs of an index, oldest first (runs cover consecutive document
/// ranges; slot numbers are reused, so they say nothing of age).
pub(super) fn list(conn: &Connection) -> rusqlite::Result<Vec<Run>> {
    let mut st =
        conn.prepare_cached("SELECT run, first_doc, last_doc, docs FROM runs ORDER BY first_doc")?;
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

    pub(super) fn entries(&self) -> impl Iterator<Item = Entry> + '_ {
        (0..self.len()).map(move |i| (self.key(i), self.doc(i)))
    }
}

/// Writes one new run, band after band; with its last band, the run's id
/// band, the filter of that band's keys (see `ids`).
pub(super) struct RunWriter<'c> {
    conn: &'c Connection,
    insert: rusqlite::CachedStatement<'c>,
    pub(super) run: i64,
    entries: i64,
    id_band: u32,
}

impl<'c> RunWriter<'c> {
    /// Start a run of `bands` bands covering documents
    /// `first_doc..=last_doc`, of which `docs` are live.
    pub fn new(
        conn: &'c Connection,
        first_doc: i64,
        last_doc: i64,
        docs: i64,
        bands: u32,
    ) -> rusqlite::Result<RunWriter<'c>> {
        // The smallest free slot.
        let mut run = 1;
        for r in conn
            .prepare_cached("SELECT run FROM runs ORDER BY run")?
            .query_map([], |r| r.get::<_, i64>(0))?
        {
            if r? != run {
                break;
            }
            run += 1;
        }
        if run >= MAX_SLOTS {
            return Err(rusqlite::Error::ToSqlConversionFailure(
                format!("more than {} runs", MAX_SLOTS - 1).into(),
            ));
        }
        conn.prepare_cached(
            "INSERT INTO runs(run, first_doc, last_doc, docs, entries) VALUES (?1, ?2, ?3, ?4, 0)",
        )?
        .execute(params![run, first_doc, last_doc, docs])?;
        RunWriter::at(conn, run, 0, bands)
    }

    /// Go on writing run `run` of `bands` bands, whose bands so far were
    /// written earlier.
    pub fn resume(conn: &'c Connection, run: i64, bands: u32) -> rusqlite::Result<RunWriter<'c>> {
        let entries = conn
            .prepare_cached("SELECT entries FROM runs WHERE run = ?1")?
            .query_row([run], |r| r.get(0))?;
        RunWriter::at(conn, run, entries, bands)
    }

    /// A writer of run `run` of `bands` bands, `entries` of them written.
    fn at(
        conn: &'c Connection,
        run: i64,
        entries: i64,
        bands: u32,
    ) -> rusqlite::Result<RunWriter<'c>> {
        Ok(RunWriter {
            conn,
            run,
            insert: conn.prepare_cached("INSERT INTO chunks(id, data) VALUES (?1, ?2)")?,
            entries,
            id_band: bands.saturating_sub(1),
        })
    }

    /// Write the entries of `band` (sorted; bands in increasing order).
    pub fn band(&mut self, band: u32, entries: &[Entry]) -> rusqlite::Result<()> {
        debug_assert!(entries.windows(2).all(|w| w[0] <= w[1]));
        let mut start = 0;
        while start < entries.len() {
            let mut end = (start + CHUNK_ENTRIES).min(entries.len());
            // Never split the entries of one key prefix (so of one key).
            while end < entries.len() && prefix(entries[end].0) == prefix(entries[end - 1].0) {
                end += 1;
            }
            let id = chunk_id(self.run, band, entries[end - 1].0);
            self.insert
                .execute(params![id, seal_chunk(id, encode(&entries[start..end]))])?;
            start = end;
        }
        self.entries += entries.len() as i64;
        if band == self.id_band {
            super::ids::store(self.conn, self.run, entries)?;
        }
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
        "SELECT id, data FROM chunks WHERE id BETWEEN ?1 AND ?2 ORDER BY id LIMIT 1",
    )?
    .query_row([chunk_id(run, band, key), band_ids(run, band).1], |r| {
        let id = r.get(0)?;
        Ok(open_chunk(id, r.get_ref(1)?.as_blob()?)?.to_vec())
    })
    .optional()
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
    fn chunk_ids_sort_as_run_band_and_key() {
        let keys = [i64::MIN, -5, -1, 0, 1, 1 << 30, i64::MAX];
        let mut ids = Vec::new();
        for run in [1, 2, MAX_SLOTS - 1] {
            for band in [0, 1, MAX_BANDS as u32 - 1] {
                let (lo, hi) = band_ids(run, band);
                assert!(lo > 0 && lo < hi);
                for k in keys {
                    let id = chunk_id(run, band, k);
                    assert!(lo <= id && id <= hi);
                    ids.push(id);
                }
            }
        }
        // Non-decreasing: keys 0 and 1 share their top bits.
        assert!(ids.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(prefix(0), prefix(1));
        assert!(prefix(-1) < prefix(1 << 30));
    }
}
