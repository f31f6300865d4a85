//! Helpers shared by every end-to-end test binary: the built `reprint`
//! binary, the repository's paths, temporary folders and the read-only data
//! in `../shared` (whose absence fails the test that asked for it).
#![allow(dead_code)] // each test binary uses its own subset

use std::path::PathBuf;
use std::process::{Command, Output};

/// The repository root (the crate's manifest folder).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The bundled sample articles.
pub fn samples() -> PathBuf {
    root().join("samples")
}

/// A command running the `reprint` binary under test.
pub fn reprint() -> Command {
    Command::new(env!("CARGO_BIN_EXE_reprint"))
}

/// Runs `cmd` and returns its output, failing the test (with its stderr)
/// unless it exited 0.
pub fn succeeded(cmd: &mut Command) -> Output {
    let out = cmd.output().expect("reprint runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A fresh temporary folder, removed when dropped.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary folder")
}

/// Whether the tests run under CI (env `CI` set), where a test whose tool is
/// missing fails instead of skipping.
pub fn under_ci() -> bool {
    std::env::var_os("CI").is_some()
}

/// A path inside the read-only shared data beside the repository
/// (`../shared/REL`). Tests that call this are `#[ignore = "needs ../shared/..."]`
/// and run with `--include-ignored`; a missing folder fails them, never
/// passes them silently.
pub fn shared(rel: &str) -> PathBuf {
    let path = root().join("../shared").join(rel);
    assert!(
        path.exists(),
        "{} is absent: this test needs the shared data beside the repository \
         (run it where ../shared exists, or leave out --include-ignored)",
        path.display()
    );
    path
}

/// The Reuters-21578 development corpus in the shared data.
pub fn reuters_dir() -> PathBuf {
    shared("data/reuters21578")
}

/// The five seed articles in the shared data.
pub fn seeds() -> PathBuf {
    shared("seeds")
}

/// SQL that makes a format-6 archive without word signatures what a
/// reprint before word signatures wrote (format 5); the unit tests use it too.
pub const TO_FORMAT_5: &str = include_str!("../data/format5.sql");

/// `text` with every third word replaced by a made-up one (`x<i>`): a
/// rewrite that keeps most words in order but few 12-character shingles.
pub fn every_third_word_replaced(text: &str) -> String {
    let words: Vec<String> = text
        .split_whitespace()
        .enumerate()
        .map(|(i, w)| {
            if i % 3 == 2 {
                format!("x{i}")
            } else {
                w.to_string()
            }
        })
        .collect();
    words.join(" ")
}
