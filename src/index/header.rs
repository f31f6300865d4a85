//! Checks a file's SQLite header bytes before SQLite opens it, so a file that
//! is not a reprint index, is truncated, or is from a newer reprint is refused
//! without being touched.

use super::errors::bad_index;
use super::schema::{APPLICATION_ID, FORMAT_VERSION, MIN_FORMAT_VERSION};

/// The message for an index written in an older, unreadable format.
pub(super) fn older_format(version: i32) -> String {
    format!("index format {version} was written by an older reprint; this one reads formats {MIN_FORMAT_VERSION} to {FORMAT_VERSION}: rebuild the index from its feeds")
}
use crate::error::{Error, Result};
use std::io::Read;
use std::path::Path;

const MAGIC: &[u8; 16] = b"SQLite format 3\0";

fn be32(h: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([h[at], h[at + 1], h[at + 2], h[at + 3]])
}

/// Refuse `path` unless its header is a reprint index of a known format
/// whose file is as long as the header says.
pub(super) fn check(path: &Path) -> Result<()> {
    let mut f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let len = f.metadata().map_err(|e| Error::io(path, e))?.len();
    let mut h = [0u8; 100];
    if len < 100 || f.read_exact(&mut h).is_err() {
        return Err(bad_index(
            path,
            format!("not a reprint index (only {len} bytes)"),
        ));
    }
    if &h[..16] != MAGIC {
        return Err(bad_index(
            path,
            "not a reprint index (not an SQLite database)",
        ));
    }
    if be32(&h, 68) as i32 != APPLICATION_ID {
        return Err(bad_index(
            path,
            "an SQLite database but not a reprint index (application id differs)",
        ));
    }
    let version = be32(&h, 60) as i32;
    if version > FORMAT_VERSION {
        return Err(bad_index(
            path,
            format!("index format {version} was written by a newer reprint; this one reads format {FORMAT_VERSION}"),
        ));
    }
    if version < 1 {
        return Err(bad_index(path, format!("unknown index format {version}")));
    }
    if version < MIN_FORMAT_VERSION {
        return Err(bad_index(path, older_format(version)));
    }
    let page_size = match u16::from_be_bytes([h[16], h[17]]) {
        1 => 65_536u64,
        n => n as u64,
    };
    if page_size < 512 || !page_size.is_power_of_two() {
        return Err(bad_index(
            path,
            "archive damaged: bad page size in its header; rebuild it from its feeds",
        ));
    }
    // A non-empty write-ahead log means a writer is live or was killed: a
    // checkpoint copies page 1 (with the new page count) before the pages
    // that extend the file, so the length checks below would race with it.
    // SQLite itself reads such a file correctly; leave it to SQLite.
    if super::readonly::wal_holds_frames(path) {
        return Ok(());
    }
    // The page count in the header is valid when the change counter matches
    // the version-valid-for number.
    let pages = be32(&h, 28) as u64;
    if be32(&h, 24) == be32(&h, 92) && len < pages * page_size {
        return Err(bad_index(
            path,
            format!(
                "the index is truncated ({len} bytes; its header says {}); rebuild it from its feeds",
                pages * page_size
            ),
        ));
    }
    if !len.is_multiple_of(page_size) {
        return Err(bad_index(
            path,
            format!("the index is truncated or damaged ({len} bytes is not a whole number of {page_size}-byte pages)"),
        ));
    }
    Ok(())
}
