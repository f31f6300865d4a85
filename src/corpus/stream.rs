//! An input's bytes: a file or stdin, gunzipped when its name says so or
//! when it starts with the gzip magic bytes; its display name; and the
//! diagnostic of an input that broke off midway.

use super::model::Diagnostic;
use std::io::Read;
use std::path::Path;

/// The UTF-8 byte order mark, dropped from the start of an input.
pub(crate) const BOM: &[u8] = b"\xef\xbb\xbf";

/// The problem of an input that could be read up to line `lines` and no
/// further (a truncated or damaged gzip stream, a failing disk).
pub(crate) fn broken_at(name: &str, lines: usize, e: &std::io::Error) -> Diagnostic {
    if lines == 0 {
        return Diagnostic {
            location: name.to_string(),
            message: format!("cannot read: {e}"),
        };
    }
    let what = if e.kind() == std::io::ErrorKind::InvalidInput
        || e.kind() == std::io::ErrorKind::InvalidData
        || e.kind() == std::io::ErrorKind::UnexpectedEof
    {
        "damaged or truncated (gzip) data"
    } else {
        "read failed"
    };
    Diagnostic {
        location: format!("{name}:{}", lines + 1),
        message: format!(
            "{what} here ({e}); the {lines} lines before it are kept, the rest of the file is not read"
        ),
    }
}

pub(crate) fn read_bytes(path: &Path, gz: bool) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    open_decompressed(path, gz)?.read_to_end(&mut out)?;
    Ok(out)
}

/// An input's bytes as a stream (`-` is stdin), decompressed when `gz` or
/// when they start with the gzip magic bytes.
pub(crate) fn open_decompressed(path: &Path, gz: bool) -> std::io::Result<Box<dyn Read + Send>> {
    if path.as_os_str() == "-" {
        decompressed(std::io::stdin(), gz)
    } else {
        decompressed(std::fs::File::open(path)?, gz)
    }
}

/// `input`, gunzipped when `gz` or when it starts with the gzip magic bytes.
pub(crate) fn decompressed<'a>(
    mut input: impl Read + Send + 'a,
    gz: bool,
) -> std::io::Result<Box<dyn Read + Send + 'a>> {
    let mut head = Vec::with_capacity(2);
    (&mut input).take(2).read_to_end(&mut head)?;
    let gz = gz || head.starts_with(&[0x1f, 0x8b]);
    let whole = std::io::Cursor::new(head).chain(input);
    Ok(if gz {
        Box::new(flate2::read::MultiGzDecoder::new(whole))
    } else {
        Box::new(whole)
    })
}
