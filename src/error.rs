//! The one error type of reprint: every failure carries the file, line or
//! record it is about, and maps to a documented exit code.

use std::path::PathBuf;

/// Every error reprint reports. `exit_code` says how the binary ends.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or folder could not be opened or read.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
    /// Input that is not what it should be (a bad JSON line, a binary file...).
    #[error("{location}: {message}")]
    BadInput {
        /// `FILE` or `FILE:LINE`.
        location: String,
        /// What is wrong.
        message: String,
    },
    /// `--strict` was given and input problems were found.
    #[error("{count} input problem(s) found and --strict was given; first: {first}")]
    Strict {
        /// Problems found.
        count: usize,
        /// The first of them.
        first: String,
    },
    /// Options that do not fit together or are out of range.
    #[error("{0}")]
    Usage(String),
    /// Writing output failed (a closed pipe ends quietly, see `cli`).
    #[error("writing output: {0}")]
    Output(#[source] std::io::Error),
    /// An index file that cannot be used as it is: not an index, damaged,
    /// from a newer reprint, or built with other parameters.
    #[error("{path}: {message}")]
    Index {
        /// The index file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// The index database failed at run time (disk full, locked...).
    #[error("{path}: database error: {message}")]
    Database {
        /// The index file.
        path: PathBuf,
        /// SQLite's message.
        message: String,
    },
}

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// Bad input at `location`.
    pub fn bad_input(location: impl Into<String>, message: impl Into<String>) -> Self {
        Error::BadInput {
            location: location.into(),
            message: message.into(),
        }
    }

    /// Exit code: 2 for bad input or usage, 1 for runtime failures.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Io { .. }
            | Error::BadInput { .. }
            | Error::Strict { .. }
            | Error::Usage(_)
            | Error::Index { .. } => 2,
            Error::Output(_) | Error::Database { .. } => 1,
        }
    }
}

/// A result with reprint's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
