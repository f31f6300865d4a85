//! Ids of stored documents without an index on the id text: each id's
//! 64-bit hash (`key`) is filed in the bucket runs as one more band, and
//! each run keeps a Bloom filter of the hashes it holds, so the check an add
//! makes for every new id mostly reads nothing at all (the lookup itself:
//! `document::find`). Why not a `UNIQUE` index: docs/design/archive.md,
//! "Ids through the runs".

use rusqlite::Connection;
use std::collections::HashMap;

/// The bucket key of an id.
pub(super) fn key(id: &str) -> i64 {
    xxhash_rust::xxh3::xxh3_64(id.as_bytes()) as i64
}

/// Filter bits per id: with `PROBES` probes, about 1% false positives.
const BITS_PER_ID: usize = 10;
const PROBES: u64 = 7;

/// A Bloom filter of id keys: `may_hold` is true for every key put in, and
/// for about 1% of the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Bloom {
    words: Vec<u64>,
}

impl Bloom {
    /// A filter for the keys of `entries`.
    pub fn of(entries: &[(i64, u32)]) -> Bloom {
        let words = (entries.len() * BITS_PER_ID).div_ceil(64).max(1);
        let mut bloom = Bloom {
            words: vec![0; words],
        };
        for &(key, _) in entries {
            for bit in bloom.bits(key) {
                bloom.words[bit / 64] |= 1 << (bit % 64);
            }
        }
        bloom
    }

    /// The bits of `key`: double hashing, the second hash odd, so the
    /// probes never repeat one bit when the size is a power of two.
    fn bits(&self, key: i64) -> impl Iterator<Item = usize> {
        let m = self.words.len() as u64 * 64;
        let h1 = key as u64;
        let h2 = (h1.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) | 1;
        (0..PROBES).map(move |i| (h1.wrapping_add(i.wrapping_mul(h2)) % m) as usize)
    }

    pub(crate) fn may_hold(&self, key: i64) -> bool {
        self.bits(key)
            .all(|bit| self.words[bit / 64] & (1 << (bit % 64)) != 0)
    }

    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        self.words.iter().flat_map(|w| w.to_le_bytes()).collect()
    }

    /// `None` for bytes no filter was written as.
    pub(crate) fn from_bytes(bytes: &[u8]) -> Option<Bloom> {
        if bytes.is_empty() || !bytes.len().is_multiple_of(8) {
            return None;
        }
        Some(Bloom {
            words: bytes
                .chunks_exact(8)
                .map(|w| u64::from_le_bytes(w.try_into().unwrap_or_default()))
                .collect(),
        })
    }
}

/// Store the filter of run `run`'s ids (written with its id band, in the
/// same transaction).
pub(super) fn store(conn: &Connection, run: i64, entries: &[(i64, u32)]) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT OR REPLACE INTO filters(run, data) VALUES (?1, ?2)")?
        .execute(rusqlite::params![run, Bloom::of(entries).to_bytes()])?;
    Ok(())
}

/// Every stored filter with its run slot, in slot order (for tests).
#[cfg(test)]
pub(super) fn stored(conn: &Connection) -> Vec<(i64, Bloom)> {
    conn.prepare("SELECT run, data FROM filters ORDER BY run")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get::<_, Vec<u8>>(1)?)))
        .unwrap()
        .map(|row| {
            let (run, data) = row.unwrap();
            (run, Bloom::from_bytes(&data).unwrap())
        })
        .collect()
}

/// The filters of an archive's runs, read once and then only those written
/// since: a filter is never changed, and its serial (AUTOINCREMENT) is
/// never reused, so a cached one is valid while its run slot still lists
/// that serial.
#[derive(Debug, Default)]
pub(super) struct Filters {
    /// Run slot to (serial, filter), as of the last `refresh`.
    by_run: HashMap<i64, (i64, Bloom)>,
}

impl Filters {
    /// Catch up with the filters stored now (call inside the transaction
    /// whose runs are then looked up).
    pub(crate) fn refresh(&mut self, conn: &Connection) -> rusqlite::Result<()> {
        let listed: Vec<(i64, i64)> = conn
            .prepare_cached("SELECT serial, run FROM filters")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut cached = std::mem::take(&mut self.by_run);
        let mut read = conn.prepare_cached("SELECT data FROM filters WHERE serial = ?1")?;
        for (serial, run) in listed {
            let bloom = match cached.remove(&run) {
                Some((s, bloom)) if s == serial => Some(bloom),
                // An unreadable filter is left out: its run is then read.
                _ => Bloom::from_bytes(&read.query_row([serial], |r| r.get::<_, Vec<u8>>(0))?),
            };
            if let Some(bloom) = bloom {
                self.by_run.insert(run, (serial, bloom));
            }
        }
        Ok(())
    }

    /// Whether run slot `run` may hold `key` (true for a run with no
    /// filter: one whose id band a merge has not written yet).
    pub(super) fn may_hold(&self, run: i64, key: i64) -> bool {
        match self.by_run.get(&run) {
            Some((_, bloom)) => bloom.may_hold(key),
            None => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filter_holds_every_key_put_in_and_few_others() {
        let entries: Vec<(i64, u32)> = (0..5000u32)
            .map(|i| (key(&format!("https://example.com/{i}")), i))
            .collect();
        let bloom = Bloom::of(&entries);
        assert!(entries.iter().all(|&(k, _)| bloom.may_hold(k)));
        let false_positives = (0..10_000)
            .filter(|i| bloom.may_hold(key(&format!("https://example.org/{i}"))))
            .count();
        // 10 bits and 7 probes per key: about 0.8% expected.
        assert!(false_positives < 200, "{false_positives} of 10000");
        assert_eq!(Bloom::from_bytes(&bloom.to_bytes()), Some(bloom));
        assert_eq!(Bloom::from_bytes(&[1, 2, 3]), None);
        assert_eq!(Bloom::from_bytes(&[]), None);
    }

    #[test]
    fn an_empty_run_has_a_filter_that_holds_nothing() {
        let bloom = Bloom::of(&[]);
        assert!(!bloom.may_hold(key("x")));
    }
}
