//! Opening an archive to read it, also where SQLite cannot create the
//! `-shm` file that readers of a WAL database share (a read-only folder):
//! the file is then opened `immutable`, which is safe because no writer can
//! be at work where it could not create its `-wal` and `-shm` either.

use super::errors::db_error;
use crate::error::{Error, Result};
use rusqlite::{Connection, ErrorCode, OpenFlags};
use std::path::Path;

/// A read-only connection to `path`; `immutable`: with SQLite's
/// `immutable=1` (no locks, no `-shm`, the file taken as never changing).
pub(super) fn open(path: &Path, immutable: bool) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = if immutable {
        Connection::open_with_flags(uri(path), flags | OpenFlags::SQLITE_OPEN_URI)
    } else {
        Connection::open_with_flags(path, flags)
    }
    .map_err(|e| db_error(path, e))?;
    conn.busy_timeout(std::time::Duration::from_secs(30))
        .map_err(|e| db_error(path, e))?;
    // Read pages through a memory map: a query reads scattered pages of a
    // large file, and each read() copies one from the page cache.
    conn.pragma_update(None, "mmap_size", MMAP_SIZE)
        .map_err(|e| db_error(path, e))?;
    Ok(conn)
}

/// Bytes of an archive a reader maps (SQLite caps it at its compile-time
/// `SQLITE_MAX_MMAP_SIZE`, raised to 64 GiB in `.cargo/config.toml`).
/// Measured: benches/results/2026-12-07-serve-1m.md.
const MMAP_SIZE: i64 = 1 << 40;

/// A connection for a reader, and whether it is immutable: the plain one
/// unless SQLite cannot start reading (it cannot create `-shm`) and no
/// `-wal` holds transactions the file lacks.
pub(super) fn open_reader(path: &Path) -> Result<(Connection, bool)> {
    let conn = open(path, false)?;
    let Err(e) = conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(())) else {
        return Ok((conn, false));
    };
    if !matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::ReadOnly) | Some(ErrorCode::CannotOpen)
    ) {
        return Err(db_error(path, e));
    }
    if wal_holds_frames(path) {
        return Err(Error::Database {
            path: path.to_path_buf(),
            message: format!("{e}: the archive's folder is read-only and its -wal file holds transactions not yet copied into it, which SQLite cannot read without creating -shm there; run `reprint index stats` on it once where the folder is writable"),
        });
    }
    drop(conn);
    Ok((open(path, true)?, true))
}

/// Whether `path-wal` exists and is not empty.
pub(super) fn wal_holds_frames(path: &Path) -> bool {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    std::fs::metadata(wal).is_ok_and(|m| m.len() > 0)
}

/// `file:` URI of `path` asking for `immutable=1`, every byte outside
/// the unreserved set percent-encoded.
fn uri(path: &Path) -> String {
    let mut out = String::from("file:");
    for &b in path.as_os_str().as_encoded_bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out.push_str("?immutable=1");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_escape_what_a_uri_would_read_otherwise() {
        assert_eq!(
            uri(Path::new("/a b/x?y#%.db")),
            "file:/a%20b/x%3Fy%23%25.db?immutable=1"
        );
    }
}
