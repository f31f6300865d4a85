//! WAL checkpoints during an add: a thread of its own copies committed
//! frames into the archive while the writer goes on, and the add drains the
//! WAL every few batches so that it never grows without bound (the add's
//! side: `Index::checkpoint_elsewhere` and `Index::after_add` in `add`).

use super::schema::open_writer;
use rusqlite::Connection;
use std::path::Path;

/// SQLite's default WAL size, in pages, that makes a commit checkpoint.
pub(super) const WAL_AUTOCHECKPOINT: i64 = 1000;

/// Batches an add writes between waits for the WAL to be copied whole.
/// SQLite starts a WAL over only when a write transaction begins with every
/// frame copied; a writer that never waits appends forever (1 GB of WAL for
/// a 100k add). So the WAL holds at most this many batches.
pub(super) const DRAIN_EVERY: usize = 4;

/// What the writer of an add tells the checkpointer.
pub(super) enum Wake {
    /// A batch was committed: copy what is committed.
    Batch,
    /// Copy everything committed, then say so.
    Drain(std::sync::mpsc::SyncSender<()>),
}

/// Copy committed WAL frames into the archive on a connection of its own,
/// so that the writer's next batch goes on meanwhile (done by the commits,
/// the copy and its fsyncs took a third of an add's wall time). PASSIVE:
/// never waits on readers or the writer. Failures are left to the final
/// checkpoint, as SQLite leaves those of its own checkpoints at commit.
pub(super) fn checkpointer(path: &Path, woken: std::sync::mpsc::Receiver<Wake>) {
    let mut conn: Option<Connection> = None;
    while let Ok(first) = woken.recv() {
        // Wakes that queued during the last checkpoint need only this one.
        let drains: Vec<_> = std::iter::once(first)
            .chain(woken.try_iter())
            .filter_map(|wake| match wake {
                Wake::Batch => None,
                Wake::Drain(done) => Some(done),
            })
            .collect();
        if conn.is_none() {
            conn = open_writer(path).ok();
        }
        if let Some(c) = &conn {
            let _ = c.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
        }
        for done in drains {
            let _ = done.send(());
        }
    }
}
