//! Output files that never destroy input: each is written to a temporary
//! file in its own folder and renamed into place only when the run succeeds,
//! and a run whose output is one of its inputs (or whose two outputs are one
//! file) is refused, files compared by device and inode rather than by name.

use crate::error::{Error, Result};
use std::fs::{File, Permissions};
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// What makes two paths one file: the device and inode of a file that
/// exists, else the canonical folder and name it would be created as.
#[derive(Debug, Clone, PartialEq, Eq)]
enum FileKey {
    Inode(u64, u64),
    New(PathBuf),
}

fn key_of(path: &Path) -> Option<FileKey> {
    if let Ok(m) = std::fs::metadata(path) {
        return Some(FileKey::Inode(m.dev(), m.ino()));
    }
    let name = path.file_name()?;
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    Some(FileKey::New(parent.canonicalize().ok()?.join(name)))
}

/// Refuse (bad usage, exit 2) outputs that are one of the `inputs` (files
/// already listed from folders) or one another. `outputs` pairs each path
/// with the option that named it.
pub fn check_distinct(inputs: &[PathBuf], outputs: &[(&str, &Path)]) -> Result<()> {
    let input_keys: Vec<(FileKey, &PathBuf)> = inputs
        .iter()
        .filter(|p| p.as_os_str() != "-")
        .filter_map(|p| key_of(p).map(|k| (k, p)))
        .collect();
    let mut seen: Vec<(FileKey, &str)> = Vec::new();
    for &(option, path) in outputs {
        let Some(key) = key_of(path) else { continue };
        if let Some((_, input)) = input_keys.iter().find(|(k, _)| *k == key) {
            return Err(Error::Usage(format!(
                "{option} {} is the input {}; refusing to write over an input",
                path.display(),
                input.display()
            )));
        }
        if let Some((_, other)) = seen.iter().find(|(k, _)| *k == key) {
            return Err(Error::Usage(format!(
                "{option} {} is the same file as {other}; give each output its own file",
                path.display()
            )));
        }
        seen.push((key, option));
    }
    Ok(())
}

/// An output file being written: a temporary file beside its destination
/// until `commit` renames it into place. Dropped uncommitted, the temporary
/// file is deleted and the destination is untouched. An existing output that
/// is not a regular file (`/dev/null`, a FIFO) is written in place.
pub struct OutputFile {
    path: PathBuf,
    inner: Inner,
}

enum Inner {
    Temp(BufWriter<tempfile::NamedTempFile>),
    Direct(BufWriter<File>),
}

impl OutputFile {
    /// Start writing `path` (through a symlink, the file it points to).
    pub fn create(path: &Path) -> Result<OutputFile> {
        let target = match std::fs::metadata(path) {
            Ok(m) if !m.is_file() => {
                let f = File::create(path).map_err(|e| Error::io(path, e))?;
                return Ok(OutputFile {
                    path: path.to_path_buf(),
                    inner: Inner::Direct(BufWriter::new(f)),
                });
            }
            Ok(_) => path.canonicalize().map_err(|e| Error::io(path, e))?,
            Err(_) => path.to_path_buf(),
        };
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        // A new file's mode as `File::create` gives it (0666 less the umask);
        // a replaced file keeps its own.
        let mode = std::fs::metadata(&target)
            .map(|m| m.permissions().mode())
            .unwrap_or(0o666);
        let temp = tempfile::Builder::new()
            .prefix(".reprint-")
            .suffix(".tmp")
            .permissions(Permissions::from_mode(mode))
            .tempfile_in(dir)
            .map_err(|e| Error::io(path, e))?;
        Ok(OutputFile {
            path: target,
            inner: Inner::Temp(BufWriter::with_capacity(1 << 16, temp)),
        })
    }

    /// Flush, sync and rename the file into place.
    pub fn commit(self) -> Result<()> {
        let path = self.path;
        match self.inner {
            Inner::Direct(mut w) => w.flush().map_err(Error::Output),
            Inner::Temp(w) => {
                let temp = w.into_inner().map_err(|e| Error::Output(e.into_error()))?;
                let named = |e: io::Error| {
                    Error::Output(io::Error::new(e.kind(), format!("{}: {e}", path.display())))
                };
                temp.as_file().sync_all().map_err(named)?;
                temp.persist(&path).map_err(|e| named(e.error))?;
                Ok(())
            }
        }
    }
}

impl Write for OutputFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.inner {
            Inner::Temp(w) => w.write(buf),
            Inner::Direct(w) => w.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match &mut self.inner {
            Inner::Temp(w) => w.write_all(buf),
            Inner::Direct(w) => w.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.inner {
            Inner::Temp(w) => w.flush(),
            Inner::Direct(w) => w.flush(),
        }
    }
}

/// Write `bytes` to `path` through a temporary file in the same folder,
/// renamed into place, never over an input; failures are output errors
/// (exit 1) naming the file.
pub fn write_output(path: &Path, bytes: &[u8], inputs: &[&Path]) -> Result<()> {
    for input in inputs {
        if same_file(path, input) {
            return Err(Error::Usage(format!(
                "{}: is an input; refusing to overwrite it",
                path.display()
            )));
        }
    }
    let fail = |e: std::io::Error| {
        Error::Output(std::io::Error::new(
            e.kind(),
            format!("{}: {e}", path.display()),
        ))
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
    tmp.write_all(bytes).map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

/// Whether two paths name one file (device and inode on Unix).
fn same_file(x: &Path, y: &Path) -> bool {
    match (std::fs::metadata(x), std::fs::metadata(y)) {
        #[cfg(unix)]
        (Ok(mx), Ok(my)) => {
            use std::os::unix::fs::MetadataExt;
            mx.dev() == my.dev() && mx.ino() == my.ino()
        }
        #[cfg(not(unix))]
        (Ok(_), Ok(_)) => x.canonicalize().ok() == y.canonicalize().ok(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_that_are_inputs_or_each_other_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let feed = dir.path().join("feed.jsonl");
        std::fs::write(&feed, "x\n").expect("write");
        let link = dir.path().join("link.jsonl");
        std::os::unix::fs::symlink(&feed, &link).expect("symlink");
        let inputs = vec![feed.clone()];
        let new = dir.path().join("new.jsonl");
        let also_new = dir.path().join(".").join("new.jsonl");
        assert!(check_distinct(&inputs, &[("-o", &link)]).is_err());
        assert!(check_distinct(&inputs, &[("-o", &new), ("--removed", &also_new)]).is_err());
        let e = check_distinct(&inputs, &[("--removed", &feed)]).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        let other = dir.path().join("other.jsonl");
        assert!(check_distinct(&inputs, &[("-o", &new), ("--removed", &other)]).is_ok());
    }

    #[test]
    fn an_uncommitted_output_leaves_the_old_file_and_no_temp() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("out.txt");
        std::fs::write(&out, "old").expect("write");
        {
            let mut w = OutputFile::create(&out).expect("create");
            w.write_all(b"half").expect("write");
        }
        assert_eq!(std::fs::read_to_string(&out).expect("read"), "old");
        let mut w = OutputFile::create(&out).expect("create");
        w.write_all(b"new").expect("write");
        w.commit().expect("commit");
        assert_eq!(std::fs::read_to_string(&out).expect("read"), "new");
        assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 1);
    }
}
