//! The archive's file layout: its format versions, application id and page
//! size, the SQL schema, the connection a writer opens and the upgrade of
//! an older format.

use super::errors::db_error;
use crate::error::Result;
use rusqlite::{Connection, OpenFlags};
use std::path::Path;

/// Version of the file layout; a file with another one is refused (earlier
/// formats: CHANGELOG.md; format 5 seals each chunk and document row with a
/// checksum: see `integrity`; format 6 may keep word signatures: the
/// `words` table, word bands in the runs, `word_bands`, `word_rows` and
/// `common_words` in `meta`: see `words`).
pub const FORMAT_VERSION: i32 = 6;
/// The oldest format this reprint reads (format 4: as 5, without checksums;
/// formats 4 and 5 keep no word signatures); a write upgrades it to
/// `FORMAT_VERSION` (its older rows stay unsealed, and it stays without word
/// signatures: they cannot be added to an existing run layout).
pub const MIN_FORMAT_VERSION: i32 = 4;
/// `PRAGMA application_id` of a reprint index ("RPRI").
pub const APPLICATION_ID: i32 = 0x5250_5249;
/// The page size of a new archive: SQLite's cost per page dominated the
/// add's writer at 4 KB; queries pay a little CPU for it. Archives made with
/// other sizes keep theirs (docs/design/archive.md, "Page size").
pub const PAGE_SIZE: u32 = 32 * 1024;

pub(super) const SCHEMA: &str = "
CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;
CREATE TABLE docs(
    doc INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    title TEXT,
    source TEXT,
    date TEXT,
    day INTEGER,
    text_hash BLOB NOT NULL,
    shingles INTEGER,
    signature BLOB NOT NULL,
    text TEXT
);
CREATE INDEX docs_day ON docs(day) WHERE day IS NOT NULL;
CREATE TABLE runs(
    run INTEGER PRIMARY KEY,
    first_doc INTEGER NOT NULL,
    last_doc INTEGER NOT NULL,
    docs INTEGER NOT NULL,
    entries INTEGER NOT NULL
);
CREATE TABLE chunks(id INTEGER PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE dead(doc INTEGER PRIMARY KEY);
CREATE TABLE words(doc INTEGER PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE filters(
    serial INTEGER PRIMARY KEY AUTOINCREMENT,
    run INTEGER NOT NULL UNIQUE,
    data BLOB NOT NULL
);
";

/// Before the first write to a format-4 or 5 archive: mark it format 6,
/// whose rows written from now on carry checksums (its older ones do not).
/// It gets the (empty) `words` table; with no `word_bands` in `meta` it
/// keeps no word signatures, as before.
pub(super) fn upgrade(conn: &Connection, path: &Path, version: i32) -> Result<()> {
    if version >= FORMAT_VERSION {
        return Ok(());
    }
    conn.execute_batch(&format!(
        "BEGIN IMMEDIATE; CREATE TABLE IF NOT EXISTS words(doc INTEGER PRIMARY KEY, data BLOB NOT NULL); PRAGMA user_version = {FORMAT_VERSION}; UPDATE meta SET value = {FORMAT_VERSION} WHERE key = 'format_version'; COMMIT;"
    ))
    .map_err(|e| db_error(path, e))
}

/// A connection that writes to the existing archive at `path`, in WAL mode.
pub(super) fn open_writer(path: &Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| db_error(path, e))?;
    let configure = || -> rusqlite::Result<()> {
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // In WAL mode NORMAL loses no committed transaction on a process
        // crash (only, at worst, the last ones on power loss), never corrupts.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "cache_size", -262_144)?;
        Ok(())
    };
    configure().map_err(|e| db_error(path, e))?;
    Ok(conn)
}
