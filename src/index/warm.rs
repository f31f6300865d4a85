//! Page warming for queries: the pages a query will read are fetched in
//! parallel on connections of their own, so that the query's own reads find
//! them in the OS page cache; and random-access advice to the kernel.

use super::handle::Index;
use super::{query, readonly, runs};
use rusqlite::Connection;
use std::path::Path;

impl Index {
    /// Read, on `READERS` connections of their own at once, the pages that
    /// `read` will touch for each item, and throw the results away: the
    /// caller's own reads then find them in the OS page cache. A query reads
    /// a few hundred scattered pages, and an archive larger than the page
    /// cache misses most of them; one at a time that is ~0.1 ms of waiting
    /// each, in parallel the disk serves them together. Only the cache is
    /// shared, so the caller's snapshot decides every answer; a reader that
    /// cannot open the archive just warms nothing.
    pub(super) fn warm<T: Sync>(&self, items: &[T], read: impl Fn(&Connection, &T) + Sync) {
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
    pub(super) fn warm_buckets(&self, runs: &[runs::Run], lookups: &[query::Lookup]) {
        self.warm(lookups, |conn, l| {
            for r in runs {
                let _ = runs::chunk(conn, r.run, l.band, l.key);
            }
        });
    }

    /// Warm the rows (and text pages) of stored documents `docs`.
    pub(super) fn warm_docs(&self, docs: &[i64]) {
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
}

/// Tell the kernel that this process reads the archive at random, so a page
/// SQLite asks for is read alone: a query reads a few hundred scattered
/// pages, and the default readahead would turn each one missing from the
/// page cache into a larger read.
/// SQLite's descriptor is found in /proc/self/fd; where that fails, nothing
/// is advised and reads stay correct.
#[cfg(target_os = "linux")]
pub(super) fn advise_random(path: &Path) {
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
pub(super) fn advise_random(_: &Path) {}
