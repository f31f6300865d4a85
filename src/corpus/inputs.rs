//! The files the inputs name: each path's kind (text or JSONL, gzipped or
//! not) by its name, folders walked in sorted order with each real folder
//! entered once, and `.json` files, FIFOs and devices skipped with a warning.

use super::model::Diagnostic;
use crate::error::{Error, Result};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// What kind of input a path is, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// One document per file (`.txt`, `.md`).
    Text,
    /// One JSON record per line (`.jsonl`, `.ndjson`).
    Jsonl,
}

fn kind_of(path: &Path) -> Option<(Kind, bool)> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    let (stem, gz) = match name.strip_suffix(".gz") {
        Some(s) => (s.to_string(), true),
        None => (name, false),
    };
    if stem.ends_with(".jsonl") || stem.ends_with(".ndjson") {
        Some((Kind::Jsonl, gz))
    } else if stem.ends_with(".txt") || stem.ends_with(".md") {
        Some((Kind::Text, gz))
    } else {
        None
    }
}

/// A `.json` (or `.json.gz`) file: one JSON document, not JSONL; not read.
fn is_json(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .map(|n| n.to_ascii_lowercase())
        .is_some_and(|n| n.ends_with(".json") || n.ends_with(".json.gz"))
}

fn skipped_json(path: &Path) -> Diagnostic {
    Diagnostic {
        location: path.display().to_string(),
        message: "a .json file is one JSON document, not JSONL (one record per line); skipped \
                  (convert it, e.g. jq -c '.[]')"
            .into(),
    }
}

/// Every file the inputs name, in order, with its kind and whether it is
/// gzipped; unreadable folders, skipped entries and `.json` files become
/// diagnostics. `-`, and a FIFO or other stream named explicitly
/// (`<(cat f)` is `/dev/fd/N`), is JSONL unless its name says otherwise.
/// Folders are walked in sorted path order, each real folder (device and
/// inode) once, so symlink loops end.
pub fn list_inputs(
    inputs: &[PathBuf],
    diags: &mut Vec<Diagnostic>,
) -> Result<Vec<(PathBuf, Kind, bool)>> {
    let mut files = Vec::new();
    let mut visited = HashSet::new();
    for input in inputs {
        if input.as_os_str() == "-" {
            files.push((input.clone(), Kind::Jsonl, false));
            continue;
        }
        let meta = std::fs::metadata(input).map_err(|e| {
            let e = if e.kind() == std::io::ErrorKind::NotFound {
                std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or folder")
            } else {
                e
            };
            Error::io(input, e)
        })?;
        if meta.is_dir() {
            walk(input, &meta, &mut visited, &mut files, diags);
        } else if is_json(input) {
            diags.push(skipped_json(input));
        } else {
            let stream = (Kind::Jsonl, false);
            let plain = (Kind::Text, false);
            let (kind, gz) = kind_of(input).unwrap_or(if meta.is_file() { plain } else { stream });
            files.push((input.clone(), kind, gz));
        }
    }
    Ok(files)
}

/// Add the inputs under folder `dir` (whose metadata is `meta`) to `files`,
/// in sorted path order. Symlinks are followed, but a real folder already in
/// `visited` is not entered again; FIFOs, sockets and devices are skipped
/// with a warning, as they could block or never end.
fn walk(
    dir: &Path,
    meta: &std::fs::Metadata,
    visited: &mut HashSet<(u64, u64)>,
    files: &mut Vec<(PathBuf, Kind, bool)>,
    diags: &mut Vec<Diagnostic>,
) {
    use std::os::unix::fs::MetadataExt;
    if !visited.insert((meta.dev(), meta.ino())) {
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            diags.push(Diagnostic {
                location: dir.display().to_string(),
                message: format!("cannot read folder: {e}"),
            });
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        let kind = kind_of(&p);
        let meta = match std::fs::metadata(&p) {
            Ok(m) => m,
            Err(e) => {
                // A broken symlink: worth a word only if it names an input.
                if kind.is_some() {
                    diags.push(Diagnostic {
                        location: p.display().to_string(),
                        message: format!("cannot read: {e}"),
                    });
                }
                continue;
            }
        };
        if meta.is_dir() {
            walk(&p, &meta, visited, files, diags);
        } else if !meta.is_file() {
            diags.push(Diagnostic {
                location: p.display().to_string(),
                message: "not a regular file (a FIFO, socket or device); skipped".into(),
            });
        } else if let Some((kind, gz)) = kind {
            files.push((p, kind, gz));
        } else if is_json(&p) {
            diags.push(skipped_json(&p));
        }
    }
}
