//! Reading a corpus: text files, folders, JSONL feeds (optionally gzipped) and
//! stdin, into documents with ids and metadata. Bad input becomes a
//! diagnostic naming the file and line; the rest of the run goes on.
//! `TextSource` is what the scan pipeline asks of a corpus; `Corpus` holds
//! every text in memory, `LeanCorpus` (`reread`) re-reads them from the input.

mod fields;
mod inputs;
mod jsonl;
mod model;
mod read;
mod records;
mod reread;
mod stream;
mod text;

pub use inputs::{list_inputs, Kind};
pub use jsonl::jsonl_lines_at;
pub(crate) use jsonl::{parse_record, record_line};
pub use model::{Corpus, Diagnostic, DocId, Document, Origin, ReadOptions, SourceFile, TextSource};
pub use read::{read_each, read_inputs, Item};
pub(crate) use records::Parsed;
pub use reread::LeanCorpus;
pub(crate) use stream::BOM;

/// Helpers for the tests of the corpus's submodules.
#[cfg(test)]
mod test_support {
    use std::io::Write;
    use std::path::{Path, PathBuf};

    pub(super) fn write(dir: &Path, name: &str, content: &[u8]) -> PathBuf {
        let p = dir.join(name);
        std::fs::File::create(&p)
            .unwrap()
            .write_all(content)
            .unwrap();
        p
    }
}
