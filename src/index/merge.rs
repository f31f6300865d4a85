//! Merging the bucket runs: runs of one size tier merged `FANOUT` at a time,
//! band by band across the transactions of later batches (a merge in
//! progress is recorded), removed documents' entries dropped on the way;
//! `compact` merges everything into one run.

use super::integrity::open_chunk;
use super::runs::{band_ids, list, Chunk, Entry, Run, RunWriter};
use rusqlite::{params, Connection, OptionalExtension};

/// Entries a batch's transaction may rewrite for merges, per entry it
/// writes itself (see `compact`): with batches of 5,000, the merge into a
/// run of 320k documents spans about 8 batches.
pub(super) const MERGE_PACE: usize = 8;
/// Runs of one size tier merged at a time.
pub(super) const FANOUT: usize = 4;
/// Runs of fewer documents than this are all in the lowest tier.
const BASE_DOCS: u64 = 4096;

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

/// Documents of `first..=last` that were removed (their entries are stale).
fn dead_in(conn: &Connection, first: i64, last: i64) -> rusqlite::Result<Vec<i64>> {
    let mut st = conn.prepare_cached("SELECT doc FROM dead WHERE doc BETWEEN ?1 AND ?2")?;
    let rows = st.query_map([first, last], |r| r.get(0))?;
    rows.collect()
}

/// Number of removed documents of `first..=last` (whose entries runs of
/// that range may still hold).
fn dead_count(conn: &Connection, first: i64, last: i64) -> rusqlite::Result<i64> {
    conn.prepare_cached("SELECT count(*) FROM dead WHERE doc BETWEEN ?1 AND ?2")?
        .query_row([first, last], |r| r.get(0))
}

/// Rewrite consecutive `runs` as one, leaving out removed documents, now:
/// `start` and then `advance` with no budget (no merge may be in progress:
/// callers `settle` before they list the runs). `on_band` is called after
/// each band written.
pub(super) fn merge(
    conn: &Connection,
    runs: &[Run],
    bands: u32,
    on_band: impl FnMut(),
) -> rusqlite::Result<()> {
    start(conn, runs, bands)?;
    advance(conn, bands, &mut { usize::MAX }, on_band)?;
    Ok(())
}

/// A merge in progress: `target` is written band by band from `sources`,
/// the runs that lie inside its document range; bands below `band` are
/// done. `dead` is the number of removed documents in that range when it
/// began.
struct Pending {
    target: Run,
    sources: Vec<Run>,
    band: u32,
    dead: i64,
}

/// The merge in progress, kept in `meta` (merge_run, merge_band,
/// merge_dead), if any.
fn pending(conn: &Connection) -> rusqlite::Result<Option<Pending>> {
    let mut get = conn.prepare_cached("SELECT CAST(value AS INTEGER) FROM meta WHERE key = ?1")?;
    let mut get = |key: &str| get.query_row([key], |r| r.get::<_, i64>(0)).optional();
    let Some(slot) = get("merge_run")? else {
        return Ok(None);
    };
    let (band, dead) = (
        get("merge_band")?.unwrap_or(0),
        get("merge_dead")?.unwrap_or(0),
    );
    let (target, others): (Vec<Run>, Vec<Run>) =
        list(conn)?.into_iter().partition(|r| r.run == slot);
    match target.into_iter().next() {
        Some(target) => Ok(Some(Pending {
            sources: others
                .into_iter()
                .filter(|r| r.first_doc >= target.first_doc && r.last_doc <= target.last_doc)
                .collect(),
            target,
            band: band as u32,
            dead,
        })),
        // Its run is gone: nothing left to do.
        None => {
            set_pending(conn, None)?;
            Ok(None)
        }
    }
}

/// Record (or, with `None`, clear) the merge in progress.
fn set_pending(conn: &Connection, state: Option<(i64, u32, i64)>) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM meta WHERE key IN ('merge_run', 'merge_band', 'merge_dead')")?
        .execute([])?;
    if let Some((run, band, dead)) = state {
        conn.prepare_cached(
            "INSERT INTO meta(key, value) VALUES ('merge_run', ?1), ('merge_band', ?2), ('merge_dead', ?3)",
        )?
        .execute(params![run, band, dead])?;
    }
    Ok(())
}

/// Begin merging consecutive `runs` (no merge may be in progress): the new
/// run is created empty and written by `advance`.
fn start(conn: &Connection, runs: &[Run], bands: u32) -> rusqlite::Result<()> {
    let (first, last) = (runs[0].first_doc, runs[runs.len() - 1].last_doc);
    let dead = dead_count(conn, first, last)?;
    let docs = runs.iter().map(|r| r.docs).sum::<i64>() - dead;
    let writer = RunWriter::new(conn, first, last, docs.max(0), bands)?;
    set_pending(conn, Some((writer.run, 0, dead)))?;
    Ok(())
}

/// Write bands of the merge in progress, at least one and then while
/// `budget` (in entries written, spent as they are) lasts; whether the merge
/// is done (also when none was in progress). Each band's entries move in
/// one transaction: written to the new run and deleted from the merged ones,
/// so that between transactions every entry is in exactly one run and a
/// lookup, which reads every run, finds each once. The merged runs go when
/// the last band is written; so do the removed documents they held, unless
/// more were removed meanwhile (then they stay listed, as lingering entries
/// of theirs may be in the bands already written).
fn advance(
    conn: &Connection,
    bands: u32,
    budget: &mut usize,
    mut on_band: impl FnMut(),
) -> rusqlite::Result<bool> {
    let Some(p) = pending(conn)? else {
        return Ok(true);
    };
    let (first, last) = (p.target.first_doc, p.target.last_doc);
    let sources = &p.sources;
    let dead: std::collections::HashSet<u32> = dead_in(conn, first, last)?
        .into_iter()
        .map(|d| d as u32)
        .collect();
    let mut writer = RunWriter::resume(conn, p.target.run, bands)?;
    let mut read =
        conn.prepare_cached("SELECT id, data FROM chunks WHERE id BETWEEN ?1 AND ?2 ORDER BY id")?;
    let mut delete = conn.prepare_cached("DELETE FROM chunks WHERE id BETWEEN ?1 AND ?2")?;
    let (mut entries, mut scratch) = (Vec::new(), Vec::new());
    let mut ends = Vec::with_capacity(sources.len());
    let mut band = p.band;
    while band < bands && (band == p.band || *budget > 0) {
        entries.clear();
        ends.clear();
        for r in sources {
            let (lo, hi) = band_ids(r.run, band);
            let mut rows = read.query([lo, hi])?;
            while let Some(row) = rows.next()? {
                let data = open_chunk(row.get(0)?, row.get_ref(1)?.as_blob()?)?;
                entries.extend(Chunk::new(data).entries().filter(|e| !dead.contains(&e.1)));
            }
            ends.push(entries.len());
        }
        merge_sorted(&mut entries, &mut ends, &mut scratch);
        writer.band(band, &entries)?;
        for r in sources {
            let (lo, hi) = band_ids(r.run, band);
            delete.execute([lo, hi])?;
        }
        *budget = budget.saturating_sub(entries.len().max(1));
        band += 1;
        on_band();
    }
    writer.finish(conn)?;
    if band < bands {
        set_pending(conn, Some((p.target.run, band, p.dead)))?;
        return Ok(false);
    }
    let mut del_run = conn.prepare_cached("DELETE FROM runs WHERE run = ?1")?;
    let mut del_filter = conn.prepare_cached("DELETE FROM filters WHERE run = ?1")?;
    for r in sources {
        del_run.execute([r.run])?;
        del_filter.execute([r.run])?;
    }
    if dead.len() as i64 == p.dead {
        conn.prepare_cached("DELETE FROM dead WHERE doc BETWEEN ?1 AND ?2")?
            .execute([first, last])?;
    }
    set_pending(conn, None)?;
    Ok(true)
}

/// Finish the merge in progress, if any.
pub(super) fn settle(conn: &Connection, bands: u32) -> rusqlite::Result<()> {
    advance(conn, bands, &mut { usize::MAX }, || {})?;
    Ok(())
}

/// Sort `v`, whose segments ending at `ends` are each sorted, by merging
/// neighbouring segments pairwise (`scratch` is the other buffer of each
/// round). As fast as a full sort was slow on these: a merge moves each
/// entry once per round, with no branch on which side it came from.
fn merge_sorted(v: &mut Vec<Entry>, ends: &mut Vec<usize>, scratch: &mut Vec<Entry>) {
    while ends.len() > 1 {
        scratch.clear();
        scratch.reserve(v.len());
        let mut start = 0;
        let mut merged = 0;
        for i in (0..ends.len()).step_by(2) {
            let (mid, end) = (ends[i], *ends.get(i + 1).unwrap_or(&ends[i]));
            merge_two(&v[start..mid], &v[mid..end], scratch);
            ends[merged] = end;
            merged += 1;
            start = end;
        }
        ends.truncate(merged);
        std::mem::swap(v, scratch);
    }
}

/// Append the merge of sorted `a` and `b` to `out` (`a`'s entry first on a tie).
fn merge_two(a: &[Entry], b: &[Entry], out: &mut Vec<Entry>) {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        let take_b = y < x;
        out.push(if take_b { y } else { x });
        i += usize::from(!take_b);
        j += usize::from(take_b);
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
}

/// The runs a merge is due for, if any: the newest of
/// - FANOUT consecutive runs of one size tier (the first FANOUT of a group);
/// - a run followed by a newer one of a higher tier (the two), so the small
///   run an add's last, part batch leaves never keeps the same-tier runs on
///   either side of it apart (docs/design/archive.md).
///
/// With neither due, tiers never rise from oldest to newest and no tier has
/// FANOUT runs, so an archive holds at most FANOUT - 1 runs per tier.
fn due(runs: &[Run]) -> Option<std::ops::Range<usize>> {
    let (mut from, mut due) = (0, None);
    while let Some(first) = runs.get(from) {
        let n = runs[from..]
            .iter()
            .take_while(|r| r.tier() == first.tier())
            .count();
        if n >= FANOUT {
            due = Some(from..from + FANOUT);
        }
        from += n;
        if runs
            .get(from)
            .is_some_and(|next| next.tier() > first.tier())
        {
            due = Some(from - 1..from + 1);
        }
    }
    due
}

/// Merge runs while a merge is due (`due`), one merge at a time, writing
/// bands while `budget` (entries) lasts: a merge can span the transactions
/// of several batches instead of holding up one (and the fingerprinting
/// threads with it). Runs added meanwhile wait: the newest merge due (the
/// smallest runs, the cheapest merge) goes first, so tiers keep their
/// sizes. `usize::MAX` does every merge due.
pub(super) fn compact(conn: &Connection, bands: u32, mut budget: usize) -> rusqlite::Result<()> {
    loop {
        if !advance(conn, bands, &mut budget, || {})? || budget == 0 {
            return Ok(());
        }
        let runs = list(conn)?;
        let Some(group) = due(&runs) else {
            return Ok(());
        };
        start(conn, &runs[group], bands)?;
    }
}

/// Merge every run into one, leaving out removed documents (`index
/// compact`): a lookup then reads one chunk per band instead of one per run
/// and band. Returns the number of runs there were and of removed documents
/// whose entries were dropped; `on_band` is called after each band written.
pub(super) fn merge_all(
    conn: &Connection,
    bands: u32,
    on_band: impl FnMut(),
) -> rusqlite::Result<(usize, usize)> {
    settle(conn, bands)?;
    let runs = list(conn)?;
    let dead: i64 = conn.query_row("SELECT count(*) FROM dead", [], |r| r.get(0))?;
    if runs.len() > 1 || (dead > 0 && !runs.is_empty()) {
        merge(conn, &runs, bands, on_band)?;
    }
    Ok((runs.len(), dead as usize))
}

/// Rewrite runs of which half or more of the documents were removed.
pub(super) fn purge(conn: &Connection, bands: u32) -> rusqlite::Result<()> {
    settle(conn, bands)?;
    for r in list(conn)? {
        let dead = dead_count(conn, r.first_doc, r.last_doc)?;
        if dead > 0 && dead * 2 >= r.docs {
            merge(conn, &[r], bands, || {})?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::runs::*;

    #[test]
    fn merging_sorted_segments_sorts_them() {
        // Segment counts odd and even, empty segments, equal keys across
        // segments (told apart by document, as in runs).
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = |m: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % m
        };
        let (mut scratch, mut doc) = (Vec::new(), 0u32);
        for segments in [1, 2, 3, 4, 5, 7, 12] {
            let mut v: Vec<Entry> = Vec::new();
            let mut ends = Vec::new();
            for _ in 0..segments {
                let n = next(40) as usize;
                let mut seg: Vec<Entry> = (0..n)
                    .map(|_| {
                        doc += 1;
                        (next(25) as i64 - 12, doc)
                    })
                    .collect();
                seg.sort();
                v.extend(seg);
                ends.push(v.len());
            }
            let mut want = v.clone();
            want.sort();
            merge_sorted(&mut v, &mut ends, &mut scratch);
            assert_eq!(v, want, "{segments} segments");
            assert_eq!(ends, vec![want.len()]);
        }
    }

    /// Every (band, key) filed in `conn`'s runs, with its documents as a
    /// lookup reads them (every run, in order), less those listed dead.
    fn buckets(conn: &Connection, bands: u32) -> Vec<(u32, i64, Vec<u32>)> {
        let dead: Vec<i64> = dead_in(conn, 0, i64::MAX).unwrap();
        let runs = list(conn).unwrap();
        let mut keys: Vec<(u32, i64)> = Vec::new();
        let mut st = conn.prepare("SELECT id, data FROM chunks").unwrap();
        let mut rows = st.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            let id: i64 = row.get(0).unwrap();
            let band = ((id >> KEY_BITS) & ((1 << BAND_BITS) - 1)) as u32;
            let data = row.get_ref(1).unwrap().as_blob().unwrap();
            keys.extend(Chunk::new(data).entries().map(|(k, _)| (band, k)));
        }
        keys.sort();
        keys.dedup();
        keys.into_iter()
            .map(|(band, key)| {
                assert!(band < bands);
                let mut docs = Vec::new();
                for r in &runs {
                    if let Some(data) = chunk(conn, r.run, band, key).unwrap() {
                        docs.extend(Chunk::new(&data).find(key));
                    }
                }
                docs.retain(|d| !dead.contains(&(*d as i64)));
                (band, key, docs)
            })
            .collect()
    }

    #[test]
    fn a_merge_spread_over_transactions_files_every_entry_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("runs.db");
        let open = || Connection::open(&path).unwrap();
        let conn = open();
        conn.execute_batch(super::super::SCHEMA).unwrap();
        // Four runs of 300 documents, 3 bands; keys shared within and
        // across runs, some buckets over a chunk's CHUNK_ENTRIES.
        let bands = 3;
        for r in 0..4i64 {
            let (first, last) = (r * 300 + 1, r * 300 + 300);
            let mut w = RunWriter::new(&conn, first, last, 300, bands).unwrap();
            for band in 0..bands {
                let mut e: Vec<Entry> = (first..=last)
                    .map(|d| ((d * 7 + band as i64) % 97 - 48, d as u32))
                    .collect();
                e.sort();
                w.band(band, &e).unwrap();
            }
            w.finish(&conn).unwrap();
        }
        conn.execute("INSERT INTO dead(doc) VALUES (5)", [])
            .unwrap();
        let mut want = buckets(&conn, bands);
        assert!(want.iter().all(|(_, _, docs)| !docs.contains(&5)));

        // A budget of one entry: one band per transaction, a connection
        // closed and opened again between them (as between two adds).
        let mut conn = conn;
        let mut steps = 0;
        loop {
            let tx = conn.transaction().unwrap();
            compact(&tx, bands, 1).unwrap();
            tx.commit().unwrap();
            steps += 1;
            assert_eq!(buckets(&conn, bands), want, "after {steps} steps");
            if steps == 1 {
                // A document removed while the merge is under way, after
                // its entries of band 0 were moved.
                conn.execute("INSERT INTO dead(doc) VALUES (700)", [])
                    .unwrap();
                for (_, _, docs) in &mut want {
                    docs.retain(|&d| d != 700);
                }
                assert_eq!(buckets(&conn, bands), want);
            }
            if pending(&conn).unwrap().is_none() {
                break;
            }
            drop(conn);
            conn = open();
        }
        assert_eq!(steps, bands as usize);
        let runs = list(&conn).unwrap();
        assert_eq!(runs.len(), 1);
        assert_eq!(
            (runs[0].first_doc, runs[0].last_doc, runs[0].docs),
            (1, 1200, 1199)
        );
        let stored: i64 = conn
            .query_row("SELECT entries FROM runs", [], |r| r.get(0))
            .unwrap();
        // Document 5 left out of every band, 700 of the two moved after
        // it was removed.
        assert_eq!(stored, 3 * 1200 - 3 - 2);
        // One filter left, the merged run's, of its last band's keys.
        let filters = super::super::ids::stored(&conn);
        assert_eq!(filters.len(), 1);
        assert_eq!(filters[0].0, runs[0].run);
        for (band, key, _) in &want {
            assert!(*band != bands - 1 || filters[0].1.may_hold(*key), "{key}");
        }
        // Document 700 was removed after its first band was moved, whose
        // entries of it are still filed: both removed documents stay
        // listed, so lookups still leave 700 out.
        assert_eq!(dead_in(&conn, 0, i64::MAX).unwrap(), vec![5, 700]);
        assert_eq!(buckets(&conn, bands), want);
        // The next merge of that range drops them for good.
        let tx = conn.transaction().unwrap();
        merge(&tx, &runs, bands, || {}).unwrap();
        tx.commit().unwrap();
        assert!(dead_in(&conn, 0, i64::MAX).unwrap().is_empty());
        assert_eq!(buckets(&conn, bands), want);
    }

    /// Write a one-band run of `docs` documents from `*first` on, with one
    /// entry, and move `*first` past it.
    fn write_run(conn: &Connection, first: &mut i64, docs: i64) {
        let mut w = RunWriter::new(conn, *first, *first + docs - 1, docs, 1).unwrap();
        w.band(0, &[(*first, *first as u32)]).unwrap();
        w.finish(conn).unwrap();
        *first += docs;
    }

    #[test]
    fn runs_merge_fanout_at_a_time_smallest_first() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(super::super::SCHEMA).unwrap();
        // Three runs of 20k documents, then eight of 5k (as after a long
        // merge during which batches went on): one entry per run is enough.
        let mut first = 1;
        for docs in [20_000, 20_000, 20_000].into_iter().chain([5_000; 8]) {
            write_run(&conn, &mut first, docs);
        }
        compact(&conn, 1, usize::MAX).unwrap();
        let sizes: Vec<i64> = list(&conn).unwrap().iter().map(|r| r.docs).collect();
        // 5k x4 -> 20k twice, then the oldest four of the five 20k runs.
        assert_eq!(sizes, vec![80_000, 20_000]);
        assert!(pending(&conn).unwrap().is_none());
        assert_eq!(buckets(&conn, 1).len(), 11);
    }

    #[test]
    fn adds_ending_in_part_batches_keep_runs_few() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(super::super::SCHEMA).unwrap();
        // Twenty adds of 12,000 documents in batches of 5,000: each leaves
        // a run of 2,000 (tier 0) between runs of 5,000 (tier 1), which used
        // to keep every tier-1 run from merging (60 runs in the end).
        let mut first = 1;
        for _ in 0..20 {
            for docs in [5_000, 5_000, 2_000] {
                write_run(&conn, &mut first, docs);
                compact(&conn, 1, usize::MAX).unwrap();
            }
        }
        let runs = list(&conn).unwrap();
        let tiers: Vec<u32> = runs.iter().map(|r| r.tier()).collect();
        assert!(tiers.windows(2).all(|w| w[0] >= w[1]), "{tiers:?}");
        for t in &tiers {
            let n = tiers.iter().filter(|u| *u == t).count();
            assert!(n < FANOUT, "{n} runs of tier {t}: {tiers:?}");
        }
        assert!(runs.len() <= 6, "{} runs: {tiers:?}", runs.len());
        assert_eq!(runs.iter().map(|r| r.docs).sum::<i64>(), 240_000);
        assert_eq!(buckets(&conn, 1).len(), 60);
        assert!(due(&runs).is_none());
    }

    #[test]
    fn a_small_run_before_a_larger_one_is_due_with_it() {
        let runs = |sizes: &[i64]| -> Vec<Run> {
            let mut first = 1;
            sizes
                .iter()
                .map(|&docs| {
                    let r = Run {
                        run: first,
                        first_doc: first,
                        last_doc: first + docs - 1,
                        docs,
                    };
                    first += docs;
                    r
                })
                .collect()
        };
        assert_eq!(due(&runs(&[5_000, 5_000, 2_000, 5_000])), Some(2..4));
        assert_eq!(due(&runs(&[20_000, 5_000, 5_000, 2_000])), None);
        // The newest due goes first: the four of 5k, not the part run before.
        assert_eq!(due(&runs(&[2_000, 5_000, 5_000, 5_000, 5_000])), Some(1..5));
        assert_eq!(due(&runs(&[2_000, 20_000, 5_000])), Some(0..2));
        assert_eq!(due(&runs(&[])), None);
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
