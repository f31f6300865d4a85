//! Text files: one document per file, named by its path, with a binary file
//! skipped, invalid UTF-8 decoded lossily with a warning, and an HTML page
//! reduced to its article text.

use super::model::{display_name, Document, Origin, ReadOptions};
use super::records::{problem, Parsed};
use super::stream::{read_bytes, BOM};
use crate::article::{article_text, looks_like_html, HtmlMode};
use std::path::Path;

/// Read and decode one text file (one document).
pub(crate) fn read_text(file: u32, path: &Path, gz: bool, opts: &ReadOptions) -> Vec<Parsed> {
    let name = display_name(path);
    match read_bytes(path, gz) {
        Ok(bytes) => read_text_file(file, &name, bytes, opts),
        Err(e) => vec![problem(&name, format!("cannot read: {e}"))],
    }
}

/// Decode a whole text file as one document.
pub(crate) fn read_text_file(
    file: u32,
    name: &str,
    bytes: Vec<u8>,
    opts: &ReadOptions,
) -> Vec<Parsed> {
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return vec![problem(
            name,
            "looks like a binary file (NUL bytes); skipped",
        )];
    }
    let mut out = Vec::new();
    let mut bytes = bytes;
    if bytes.starts_with(BOM) {
        bytes.drain(..BOM.len());
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            out.push(problem(
                name,
                format!("invalid UTF-8 at byte {at}; decoded lossily"),
            ));
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        }
    };
    let text = from_html(text, opts, name, &mut out);
    out.push(Parsed::Doc(
        Document {
            id: name.to_string(),
            title: None,
            source: None,
            date: None,
            text,
            origin: Origin { file, line: 0 },
        },
        name.to_string(),
    ));
    out
}

/// The article text of `text` when it is an HTML page (or `--html`), else
/// `text` itself; a page that cannot be parsed is kept as it is, with a warning.
pub(super) fn from_html(
    text: String,
    opts: &ReadOptions,
    location: &str,
    out: &mut Vec<Parsed>,
) -> String {
    if opts.html == HtmlMode::Always || looks_like_html(&text) {
        match article_text(&text) {
            Ok(article) => return article,
            Err(e) => out.push(problem(
                location,
                format!("cannot extract article text from HTML ({e}); using the text as it is"),
            )),
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use crate::corpus::test_support::write;
    use crate::corpus::{read_inputs, ReadOptions};

    #[test]
    fn invalid_utf8_is_decoded_lossily_with_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "x.txt", b"caf\xe9 au lait");
        let c = read_inputs(&[p], &ReadOptions::default()).unwrap();
        assert_eq!(c.docs.len(), 1);
        assert!(c.docs[0].text.contains('\u{FFFD}'));
        assert!(c.diagnostics[0].message.contains("invalid UTF-8"));
    }
}
