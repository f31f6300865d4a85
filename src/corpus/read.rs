//! Reading every input in order: JSONL a chunk at a time parsed in
//! parallel, text files a group at a time, each document admitted and handed
//! over as it is read; or all of them gathered into one `Corpus`.

use super::inputs::{list_inputs, Kind};
use super::jsonl::{parse_record, read_jsonl};
use super::model::{Corpus, Diagnostic, Document, ReadOptions, SourceFile};
use super::records::{admit, Content, Parsed};
use super::text::read_text;
use crate::error::Result;
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::PathBuf;

/// What `read_each` hands over, in input order.
#[derive(Debug)]
pub enum Item {
    /// An input file is about to be read (`Origin::file` counts these).
    File(SourceFile),
    /// A document that joins the corpus (see `admit`).
    Doc(Document),
    /// A problem with some input; the read goes on without it.
    Problem(Diagnostic),
}

/// Text files read at once, in parallel, by `read_each`.
const TEXT_GROUP: usize = 256;

/// Read every input (`-` is JSONL on stdin) in order, handing each file,
/// document and problem to `each` as it is read: JSONL a chunk at a time,
/// each chunk's lines parsed in parallel, text files a group at a time in
/// parallel, so memory is one chunk or group, never the corpus. `each`
/// returns false to stop the read (no later item is handed over).
pub fn read_each(
    inputs: &[PathBuf],
    opts: &ReadOptions,
    mut each: impl FnMut(Item) -> bool,
) -> Result<()> {
    let mut listed = Vec::new();
    let files = list_inputs(inputs, &mut listed)?;
    let mut going = listed.into_iter().all(|d| each(Item::Problem(d)));
    let mut seen = HashSet::new();
    // Admit parsed records in order; false once `each` said stop.
    let mut admit_all = |records: Vec<Parsed>, each: &mut dyn FnMut(Item) -> bool| -> bool {
        for r in records {
            let item = match r {
                Parsed::Problem(d) => Item::Problem(d),
                Parsed::Doc(mut doc, location) => {
                    let mut diags = Vec::new();
                    let content = Content::of(&doc.text);
                    let admitted = admit(&mut doc.id, content, &mut seen, location, &mut diags);
                    if !diags.into_iter().all(|d| each(Item::Problem(d))) {
                        return false;
                    }
                    if !admitted {
                        continue;
                    }
                    Item::Doc(doc)
                }
            };
            if !each(item) {
                return false;
            }
        }
        true
    };
    let source = |(path, kind, gz): &(PathBuf, Kind, bool)| SourceFile {
        path: path.clone(),
        jsonl: *kind == Kind::Jsonl,
        gz: *gz,
    };
    let mut i = 0;
    while going && i < files.len() {
        if files[i].1 == Kind::Text {
            let group = files[i..]
                .iter()
                .take(TEXT_GROUP)
                .take_while(|f| f.1 == Kind::Text)
                .count();
            let read: Vec<Vec<Parsed>> = files[i..i + group]
                .par_iter()
                .enumerate()
                .map(|(k, (path, _, gz))| read_text((i + k) as u32, path, *gz, opts))
                .collect();
            for (k, records) in read.into_iter().enumerate() {
                going = going && each(Item::File(source(&files[i + k])));
                going = going && admit_all(records, &mut each);
            }
            i += group;
            continue;
        }
        let (path, _, gz) = &files[i];
        going = each(Item::File(source(&files[i])));
        if going {
            let failed = read_jsonl(path, *gz, |lines, name| {
                let records: Vec<Parsed> = lines
                    .par_iter()
                    .with_min_len(16)
                    .flat_map_iter(|&(n, _, line)| parse_record(i as u32, name, n, line, opts))
                    .collect();
                going = admit_all(records, &mut each);
                going
            });
            if let Some(d) = failed {
                going = each(Item::Problem(d));
            }
        }
        i += 1;
    }
    Ok(())
}

/// Read every input (`-` is JSONL on stdin) into one corpus (`read_each`).
pub fn read_inputs(inputs: &[PathBuf], opts: &ReadOptions) -> Result<Corpus> {
    let mut corpus = Corpus::default();
    read_each(inputs, opts, |item| {
        match item {
            Item::File(f) => corpus.files.push(f),
            Item::Doc(d) => {
                corpus.bytes += d.text.len() as u64;
                corpus.docs.push(d);
            }
            Item::Problem(d) => corpus.diagnostics.push(d),
        }
        true
    })?;
    Ok(corpus)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::test_support::write;
    use crate::corpus::Origin;
    use std::io::Write;

    #[test]
    fn custom_fields_gz_folders_and_binary_files() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        write(&sub, "b.txt", "second".as_bytes());
        write(dir.path(), "a.md", "first".as_bytes());
        write(dir.path(), "bin.txt", b"\x00\x01\x02");
        write(dir.path(), "ignored.png", b"png");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"{\"key\":\"k1\",\"body\":\"zipped\"}\n")
            .unwrap();
        write(dir.path(), "c.jsonl.gz", &gz.finish().unwrap());
        let opts = ReadOptions {
            id_field: "key".into(),
            text_field: "body".into(),
            ..Default::default()
        };
        let c = read_inputs(&[dir.path().to_path_buf()], &opts).unwrap();
        let texts: Vec<&str> = c.docs.iter().map(|d| d.text.as_str()).collect();
        assert_eq!(texts, vec!["first", "zipped", "second"]);
        assert_eq!(c.docs[1].id, "k1");
        assert_eq!(c.diagnostics.len(), 1);
        assert!(c.diagnostics[0].message.contains("binary"));
    }

    #[test]
    fn read_each_hands_over_in_input_order_and_stops_when_told() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("texts");
        std::fs::create_dir(&folder).unwrap();
        // More text files than one parallel group.
        for i in 0..300 {
            write(
                &folder,
                &format!("{i:03}.txt"),
                format!("story {i}").as_bytes(),
            );
        }
        let feed = write(
            dir.path(),
            "feed.jsonl",
            b"{\"id\":\"a\",\"text\":\"one\"}\nnot json\n{\"id\":\"a\",\"text\":\"two\"}\n{\"id\":\"b\",\"text\":\"three\"}\n",
        );
        let inputs = [folder, feed.clone()];
        let mut items = Vec::new();
        read_each(&inputs, &ReadOptions::default(), |item| {
            items.push(item);
            true
        })
        .unwrap();
        let docs: Vec<(String, Origin)> = items
            .iter()
            .filter_map(|i| match i {
                Item::Doc(d) => Some((d.id.clone(), d.origin)),
                _ => None,
            })
            .collect();
        assert_eq!(docs.len(), 303);
        assert!(docs.windows(2).all(|w| w[0].1 < w[1].1), "input order");
        assert!(docs[299].0.ends_with("299.txt"));
        let files = items.iter().filter(|i| matches!(i, Item::File(_))).count();
        assert_eq!(files, 301);
        // The bad line and the repeated id, in place between the documents.
        let around: Vec<String> = items[items.len() - 6..]
            .iter()
            .map(|i| match i {
                Item::File(f) => format!("file {}", f.name()),
                Item::Doc(d) => format!("doc {}", d.id),
                Item::Problem(p) => format!("problem {}", p.location),
            })
            .collect();
        let name = feed.display().to_string();
        assert_eq!(
            around,
            [
                format!("file {name}"),
                "doc a".into(),
                format!("problem {name}:2"),
                format!("problem {name}:3"),
                format!("doc {name}:3"),
                "doc b".into(),
            ]
        );
        // Told to stop at the feed's first document: nothing more comes.
        let mut after = 0;
        let mut stopped = false;
        read_each(&inputs, &ReadOptions::default(), |item| {
            if stopped {
                after += 1;
            }
            stopped = stopped || matches!(&item, Item::Doc(d) if d.id == "a");
            !stopped
        })
        .unwrap();
        assert!(stopped);
        assert_eq!(after, 0);
    }

    #[test]
    fn missing_input_is_an_error() {
        let e = read_inputs(
            &[PathBuf::from("/no/such/file.txt")],
            &ReadOptions::default(),
        )
        .unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("/no/such/file.txt"));
    }
}
