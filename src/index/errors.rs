//! The archive's errors: a database failure (exit 1), a file that is not a
//! usable archive, and a damaged one (exit 2, with what to do next).

use super::integrity;
use crate::error::Error;
use std::path::Path;

/// Map a database error: damage means a bad file (exit 2), the rest is a
/// run-time failure (exit 1).
pub(super) fn db_error(path: &Path, e: rusqlite::Error) -> Error {
    if integrity::is_damage(&e) {
        damaged(path, e.to_string())
    } else {
        Error::Database {
            path: path.to_path_buf(),
            message: e.to_string(),
        }
    }
}

/// "archive damaged: `what`", and what to do next.
pub(super) fn damaged(path: &Path, what: impl std::fmt::Display) -> Error {
    bad_index(
        path,
        format!("archive damaged: {what}; nothing was written to it. Rebuild it from its feeds, or try `sqlite3 ARCHIVE .recover` (see docs/archive-recovery.md)"),
    )
}

pub(super) fn bad_index(path: &Path, message: impl Into<String>) -> Error {
    Error::Index {
        path: path.to_path_buf(),
        message: message.into(),
    }
}
