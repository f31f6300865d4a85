//! The files of the scaled-out chain (`sign` -> Spark -> `verify` -> Spark):
//! sharded Parquet band and document tables, the manifest that ties a run to
//! its parameters and corpus, and candidate pairs read back for `verify`.

use crate::boilerplate::Mask;
use crate::corpus::{Corpus, DocId};
use crate::error::{Error, Result};
use crate::lsh::{Banding, Candidates, Pair};
use crate::minhash::Signature;
use crate::progress::Progress;
use crate::scan::{common_words, fingerprint_docs_with_words, ScanCandidates, ScanConfig};
use crate::wordsig::{
    CommonWords, MIN_WORD_JACCARD, WORD_NUM_PERM, WORD_PAIRS_PER_DOC, WORD_PAIR_FLOOR,
};
use arrow_array::builder::{BinaryBuilder, Int32Builder, Int64Builder, ListBuilder, StringBuilder};
use arrow_array::{Array, ArrayRef, BooleanArray, Int64Array, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Version of the sign/pairs layout; bumped when a column changes meaning.
/// 2: the word signature (sigs/word_bands, docs.words, candidates.word,
/// the manifest's `words`).
pub(crate) const LAYOUT_VERSION: u64 = 2;
/// The manifest `sign` writes beside its tables.
pub(crate) const MANIFEST: &str = "manifest.json";
/// Documents fingerprinted and written per Parquet row group.
const CHUNK_DOCS: usize = 32_768;

/// One slice of a sharded run: documents whose input position `p` has
/// `p % count == index`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This shard's number, from 0.
    pub index: usize,
    /// Number of shards.
    pub count: usize,
}

impl Shard {
    /// The whole corpus as one shard.
    pub const ALL: Shard = Shard { index: 0, count: 1 };

    /// Parse `I/N` (0 <= I < N).
    pub fn parse(s: &str) -> std::result::Result<Shard, String> {
        let (i, n) = s
            .split_once('/')
            .ok_or_else(|| format!("{s:?} is not I/N (e.g. 3/16)"))?;
        let index: usize = i.trim().parse().map_err(|e| format!("{i:?}: {e}"))?;
        let count: usize = n.trim().parse().map_err(|e| format!("{n:?}: {e}"))?;
        if count == 0 || index >= count {
            return Err(format!(
                "shard {index}/{count}: need 0 <= I < N (shards are numbered from 0)"
            ));
        }
        Ok(Shard { index, count })
    }

    /// File name of this shard's part of a table.
    pub(crate) fn part_name(&self) -> String {
        format!("part-{:05}-of-{:05}.parquet", self.index, self.count)
    }

    /// The documents of `corpus` in this shard, in input order.
    pub fn docs(&self, corpus: &Corpus) -> Vec<DocId> {
        (self.index..corpus.len())
            .step_by(self.count)
            .map(|i| DocId(i as u32))
            .collect()
    }
}

/// A digest of the corpus as the chain sees it: document count and ids in
/// input order. `verify` refuses pairs made from another corpus.
pub fn corpus_digest(corpus: &Corpus) -> String {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for d in &corpus.docs {
        h.update(d.id.as_bytes());
        h.update(b"\n");
    }
    format!("{:032x}", h.digest128())
}

/// The manifest of a sign run: layout, parameters, corpus and mask digests,
/// and the word signature's settings (null with `--no-word-candidates`).
/// Every shard writes the same one; `candidates.py` copies it to pairs/.
pub fn manifest(corpus: &Corpus, config: &ScanConfig, mask: &Mask, shards: usize) -> Value {
    manifest_with(
        corpus,
        config,
        mask,
        common_words(corpus, config).as_ref(),
        shards,
    )
}

/// `manifest` with the corpus's common words already found.
fn manifest_with(
    corpus: &Corpus,
    config: &ScanConfig,
    mask: &Mask,
    common: Option<&CommonWords>,
    shards: usize,
) -> Value {
    let words = match (&config.words, common) {
        (Some(w), Some(common)) => json!({
            "num_perm": w.minhasher.num_perm,
            "seed": w.minhasher.seed,
            "bands": w.banding.bands,
            "rows": w.banding.rows,
            // What candidates.py needs to choose word pairs as scan does.
            "min_jaccard": MIN_WORD_JACCARD,
            "pair_floor": WORD_PAIR_FLOOR,
            "pairs_per_doc": WORD_PAIRS_PER_DOC,
            "common_words": common.len(),
            "common_digest": format!("{:032x}", common.digest()),
        }),
        _ => Value::Null,
    };
    json!({
        "layout": LAYOUT_VERSION,
        "documents": corpus.len(),
        "shards": shards,
        "corpus_digest": corpus_digest(corpus),
        "mask_digest": format!("{:032x}", xxhash_rust::xxh3::xxh3_128(&mask.to_bytes())),
        "mask": mask.stats(),
        "parameters": config.parameters(),
        "words": words,
    })
}

/// What `sign` wrote.
#[derive(Debug, Clone, Default)]
pub struct SignStats {
    /// Documents signed.
    pub documents: usize,
    /// Band rows written.
    pub band_rows: usize,
    /// Word band rows written (none with `--no-word-candidates`).
    pub word_band_rows: usize,
    /// Files written.
    pub files: Vec<PathBuf>,
}

fn bands_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("doc", DataType::Int64, false),
        Field::new("band", DataType::Int32, false),
        Field::new("key", DataType::Int64, false),
    ]))
}

fn docs_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("doc", DataType::Int64, false),
        Field::new("id", DataType::Utf8, false),
        Field::new("shingles", DataType::Int64, false),
        Field::new("text_hash", DataType::Binary, false),
        Field::new("signature", DataType::Binary, false),
        Field::new("bytes", DataType::Int64, false),
        Field::new("title", DataType::Utf8, true),
        Field::new("source", DataType::Utf8, true),
        Field::new("date", DataType::Utf8, true),
        Field::new("file", DataType::Utf8, false),
        Field::new("line", DataType::Int64, false),
        Field::new("words", words_type(), true),
    ]))
}

/// The word signature column: `WORD_NUM_PERM` values, each u32's bits as
/// a signed int (Spark has no unsigned types; equality is what counts).
fn words_type() -> DataType {
    DataType::List(Arc::new(Field::new_list_field(DataType::Int32, true)))
}

/// Band rows (doc, band, key) of `sigs` (documents `ids`, in order): one
/// per band of each present signature.
fn band_batch(
    ids: &[DocId],
    sigs: &[Option<&Signature>],
    banding: Banding,
    path: &Path,
) -> Result<(RecordBatch, usize)> {
    let rows = sigs.iter().flatten().count() * banding.bands;
    let (mut b_doc, mut b_band, mut b_key) = (
        Int64Builder::with_capacity(rows),
        Int32Builder::with_capacity(rows),
        Int64Builder::with_capacity(rows),
    );
    for (&id, sig) in ids.iter().zip(sigs) {
        let Some(sig) = sig else { continue };
        for band in 0..banding.bands {
            b_doc.append_value(id.0 as i64);
            b_band.append_value(band as i32);
            // Spark has no unsigned longs: the key's bits as an i64.
            b_key.append_value(banding.band_key(sig, band) as i64);
        }
    }
    let cols: Vec<ArrayRef> = vec![
        Arc::new(b_doc.finish()),
        Arc::new(b_band.finish()),
        Arc::new(b_key.finish()),
    ];
    let batch = RecordBatch::try_new(bands_schema(), cols).map_err(|e| parquet_error(path, e))?;
    Ok((batch, rows))
}

fn parquet_error(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::io(path, std::io::Error::other(e.to_string()))
}

/// A Parquet file written under a hidden temporary name and renamed into
/// place on `finish`, so readers never see half a file.
struct PartWriter {
    tmp: PathBuf,
    path: PathBuf,
    writer: ArrowWriter<std::fs::File>,
}

impl PartWriter {
    fn create(dir: &Path, name: &str, schema: SchemaRef) -> Result<PartWriter> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let path = dir.join(name);
        let tmp = dir.join(format!(".{name}.tmp"));
        let file = std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(1 << 20))
            .build();
        let writer =
            ArrowWriter::try_new(file, schema, Some(props)).map_err(|e| parquet_error(&tmp, e))?;
        Ok(PartWriter { tmp, path, writer })
    }

    fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        self.writer
            .write(batch)
            .map_err(|e| parquet_error(&self.tmp, e))
    }

    fn finish(self) -> Result<PathBuf> {
        self.writer
            .close()
            .map_err(|e| parquet_error(&self.tmp, e))?;
        std::fs::rename(&self.tmp, &self.path).map_err(|e| Error::io(&self.path, e))?;
        Ok(self.path)
    }
}

/// Write `value` as JSON to `path` atomically (temporary file, rename).
fn write_json(path: &Path, value: &Value) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let mut text = serde_json::to_string_pretty(value).map_err(|e| parquet_error(path, e))?;
    text.push('\n');
    std::fs::write(&tmp, text).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}

/// Fingerprint this shard's documents and write `out/bands/PART` (one row
/// per document and band), `out/docs/PART` (one row per document) and, with
/// the word signature, `out/word_bands/PART` (one row per document and word
/// band, from the same normalization pass), plus `out/manifest.json`.
/// Refuses a folder holding another run's manifest.
pub fn sign(
    corpus: &Corpus,
    config: &ScanConfig,
    mask: &Mask,
    shard: Shard,
    out: &Path,
    progress: Progress,
) -> Result<SignStats> {
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    // Every shard finds the same common words: scan's sample of the corpus.
    let common = common_words(corpus, config);
    let manifest = manifest_with(corpus, config, mask, common.as_ref(), shard.count);
    let manifest_path = out.join(MANIFEST);
    if let Ok(text) = std::fs::read_to_string(&manifest_path) {
        let old: Value = serde_json::from_str(&text)
            .map_err(|e| Error::bad_input(manifest_path.display().to_string(), e.to_string()))?;
        if old != manifest {
            return Err(Error::Usage(format!(
                "{} is from another sign run ({}); sign into an empty folder",
                manifest_path.display(),
                manifest_difference(&old, &manifest).unwrap_or_default()
            )));
        }
    }
    let part = shard.part_name();
    let mut bands = PartWriter::create(&out.join("bands"), &part, bands_schema())?;
    let mut docs = PartWriter::create(&out.join("docs"), &part, docs_schema())?;
    let mut word_bands = match (&config.words, &common) {
        (Some(w), Some(_)) => Some((
            w.banding,
            PartWriter::create(&out.join("word_bands"), &part, bands_schema())?,
        )),
        _ => None,
    };
    let mine = shard.docs(corpus);
    let bar = progress.bar(mine.len() as u64, "signing");
    let mut stats = SignStats::default();
    for chunk in mine.chunks(CHUNK_DOCS) {
        let (prints, word_sigs) = fingerprint_docs_with_words(
            corpus,
            config,
            mask,
            common.as_ref(),
            chunk,
            Progress::hidden(),
        );
        // Documents without shingles are never candidates, of either kind.
        let sigs: Vec<Option<&Signature>> = prints
            .iter()
            .map(|p| (p.shingles > 0).then_some(&p.signature))
            .collect();
        let (batch, rows) = band_batch(chunk, &sigs, config.banding, &bands.tmp)?;
        bands.write(&batch)?;
        stats.band_rows += rows;
        if let Some((banding, writer)) = &mut word_bands {
            let sigs: Vec<Option<&Signature>> = prints
                .iter()
                .zip(&word_sigs)
                .map(|(p, w)| w.as_ref().filter(|_| p.shingles > 0))
                .collect();
            let (batch, rows) = band_batch(chunk, &sigs, *banding, &writer.tmp)?;
            writer.write(&batch)?;
            stats.word_band_rows += rows;
        }

        let n = chunk.len();
        let mut d_doc = Int64Builder::with_capacity(n);
        let mut d_id = StringBuilder::new();
        let mut d_shingles = Int64Builder::with_capacity(n);
        let mut d_hash = BinaryBuilder::new();
        let mut d_sig = BinaryBuilder::new();
        let mut d_bytes = Int64Builder::with_capacity(n);
        let (mut d_title, mut d_source, mut d_date) = (
            StringBuilder::new(),
            StringBuilder::new(),
            StringBuilder::new(),
        );
        let (mut d_file, mut d_line) = (StringBuilder::new(), Int64Builder::with_capacity(n));
        let mut d_words = ListBuilder::with_capacity(
            Int32Builder::with_capacity(word_sigs.len() * WORD_NUM_PERM),
            n,
        );
        let mut sig_bytes = Vec::new();
        for (i, (&id, p)) in chunk.iter().zip(&prints).enumerate() {
            let d = corpus.get(id);
            d_doc.append_value(id.0 as i64);
            d_id.append_value(&d.id);
            d_shingles.append_value(p.shingles as i64);
            d_hash.append_value(p.text_hash.to_be_bytes());
            sig_bytes.clear();
            for v in p.signature.0.iter() {
                sig_bytes.extend_from_slice(&v.to_le_bytes());
            }
            d_sig.append_value(&sig_bytes);
            d_bytes.append_value(d.text.len() as i64);
            d_title.append_option(d.title.as_deref());
            d_source.append_option(d.source.as_deref());
            d_date.append_option(d.date.as_deref());
            let file = corpus
                .files
                .get(d.origin.file as usize)
                .map(|f| f.name())
                .unwrap_or_default();
            d_file.append_value(file);
            d_line.append_value(d.origin.line as i64);
            let words = word_sigs.get(i).and_then(Option::as_ref);
            d_words.append_option(words.map(|w| w.0.iter().map(|&v| Some(v as i32))));
        }
        let cols: Vec<ArrayRef> = vec![
            Arc::new(d_doc.finish()),
            Arc::new(d_id.finish()),
            Arc::new(d_shingles.finish()),
            Arc::new(d_hash.finish()),
            Arc::new(d_sig.finish()),
            Arc::new(d_bytes.finish()),
            Arc::new(d_title.finish()),
            Arc::new(d_source.finish()),
            Arc::new(d_date.finish()),
            Arc::new(d_file.finish()),
            Arc::new(d_line.finish()),
            Arc::new(d_words.finish()),
        ];
        let batch =
            RecordBatch::try_new(docs_schema(), cols).map_err(|e| parquet_error(&docs.tmp, e))?;
        docs.write(&batch)?;
        stats.documents += n;
        bar.inc(n as u64);
    }
    bar.finish_and_clear();
    stats.files.push(bands.finish()?);
    stats.files.push(docs.finish()?);
    if let Some((_, writer)) = word_bands {
        stats.files.push(writer.finish()?);
    }
    write_json(&manifest_path, &manifest)?;
    stats.files.push(manifest_path);
    Ok(stats)
}

/// The first top-level or parameter field where two manifests differ.
fn manifest_difference(old: &Value, new: &Value) -> Option<String> {
    for key in [
        "layout",
        "documents",
        "shards",
        "corpus_digest",
        "mask_digest",
        "words",
    ] {
        if old.get(key) != new.get(key) {
            return Some(format!(
                "{key}: {} there, {} here",
                old.get(key).unwrap_or(&Value::Null),
                new.get(key).unwrap_or(&Value::Null)
            ));
        }
    }
    let (po, pn) = (&old["parameters"], &new["parameters"]);
    if let (Some(o), Some(n)) = (po.as_object(), pn.as_object()) {
        for (k, v) in n {
            if o.get(k) != Some(v) {
                return Some(format!(
                    "{k}: {} there, {v} here",
                    o.get(k).unwrap_or(&Value::Null)
                ));
            }
        }
    }
    (old != new).then(|| "contents differ".to_string())
}

/// Candidate pairs read back from `candidates.py`'s output.
#[derive(Debug, Clone, Default)]
pub struct CandidatePairs {
    /// Candidates of the character signature and of the word signature
    /// alone (first copies only), to verify as `scan` does
    /// (`scan::verify_candidates`).
    pub candidates: ScanCandidates,
    /// (first copy, later copy) pairs of exact copies.
    pub exact: Vec<Pair>,
    /// The manifest candidates.py copied from sign's output.
    pub manifest: Value,
}

/// Non-hidden files of a folder written by Spark, sorted (`_SUCCESS`,
/// `.crc` files and the like are skipped).
fn data_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| !n.starts_with('_') && !n.starts_with('.'))
        })
        .collect();
    files.sort();
    Ok(files)
}

fn int64_column<'a>(batch: &'a RecordBatch, name: &str, path: &Path) -> Result<&'a Int64Array> {
    batch
        .column_by_name(name)
        .and_then(|c| c.as_any().downcast_ref::<Int64Array>())
        .ok_or_else(|| {
            Error::bad_input(
                path.display().to_string(),
                format!("no int64 column {name:?}: not a pairs file of candidates.py"),
            )
        })
}

fn bool_column<'a>(batch: &'a RecordBatch, name: &str, path: &Path) -> Result<&'a BooleanArray> {
    batch
        .column_by_name(name)
        .and_then(|c| c.as_any().downcast_ref::<BooleanArray>())
        .ok_or_else(|| {
            Error::bad_input(
                path.display().to_string(),
                format!("no boolean column {name:?}: not a pairs file of candidates.py"),
            )
        })
}

/// Refuse a manifest of another layout version, naming `file`.
fn check_layout(file: &Path, manifest: &Value) -> Result<()> {
    let found = manifest.get("layout").and_then(Value::as_u64);
    if found == Some(LAYOUT_VERSION) {
        return Ok(());
    }
    let found = found.map_or("none".to_string(), |v| v.to_string());
    Err(Error::bad_input(
        file.display().to_string(),
        format!(
            "layout version {found}, but this reprint reads layout {LAYOUT_VERSION}; run this version's sign and spark/candidates.py again"
        ),
    ))
}

/// Read `dir/candidates/*.parquet` (columns a, b: int64 input positions,
/// a < b; exact, word: boolean) and `dir/manifest/*` (the sign manifest,
/// of this layout version). Every pair is checked against `documents`.
pub fn read_pairs(dir: &Path, documents: usize) -> Result<CandidatePairs> {
    let mut out = CandidatePairs::default();
    let manifest_dir = dir.join("manifest");
    let texts = data_files(&manifest_dir)?;
    let text: String = texts
        .iter()
        .map(|p| std::fs::read_to_string(p).map_err(|e| Error::io(p, e)))
        .collect::<Result<Vec<String>>>()?
        .concat();
    out.manifest = serde_json::from_str(&text).map_err(|e| {
        Error::bad_input(
            manifest_dir.display().to_string(),
            format!("not a sign manifest: {e}"),
        )
    })?;
    check_layout(texts.first().unwrap_or(&manifest_dir), &out.manifest)?;
    let (mut chars, mut words) = (Vec::new(), Vec::new());
    for path in data_files(&dir.join("candidates"))? {
        let file = std::fs::File::open(&path).map_err(|e| Error::io(&path, e))?;
        let reader = ParquetRecordBatchReaderBuilder::try_new(file)
            .and_then(|b| b.with_batch_size(65_536).build())
            .map_err(|e| Error::bad_input(path.display().to_string(), e.to_string()))?;
        for batch in reader {
            let batch =
                batch.map_err(|e| Error::bad_input(path.display().to_string(), e.to_string()))?;
            let a = int64_column(&batch, "a", &path)?;
            let b = int64_column(&batch, "b", &path)?;
            let exact = bool_column(&batch, "exact", &path)?;
            let word = bool_column(&batch, "word", &path)?;
            for i in 0..batch.num_rows() {
                let (x, y) = (a.value(i), b.value(i));
                if a.is_null(i) || b.is_null(i) || !(0 <= x && x < y && (y as usize) < documents) {
                    return Err(Error::bad_input(
                        path.display().to_string(),
                        format!(
                            "pair ({x}, {y}) is not two input positions a < b below {documents}"
                        ),
                    ));
                }
                let pair = Pair::new(DocId(x as u32), DocId(y as u32));
                if exact.value(i) {
                    out.exact.push(pair);
                } else if word.value(i) {
                    words.push(pair);
                } else {
                    chars.push(pair);
                }
            }
        }
    }
    for pairs in [&mut chars, &mut words, &mut out.exact] {
        pairs.sort_unstable();
        pairs.dedup();
    }
    out.candidates = ScanCandidates {
        chars: Candidates {
            pairs: chars,
            ..Candidates::default()
        },
        words,
        cut: 0,
    };
    Ok(out)
}

/// Check that pairs were made from this corpus with these parameters and
/// this mask: `Error::Usage` naming the first difference otherwise.
pub fn check_manifest(pairs_dir: &Path, found: &Value, expected: &Value) -> Result<()> {
    match manifest_difference(found, expected) {
        None => Ok(()),
        Some(diff) => {
            let diff = diff.replace(" there,", " in the pairs,");
            Err(Error::Usage(format!(
                "{} were not made from this corpus with these parameters ({diff}); pass verify the same inputs and options as sign",
                pairs_dir.display()
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_and_partition() {
        assert_eq!(
            Shard::parse("3/16"),
            Ok(Shard {
                index: 3,
                count: 16
            })
        );
        assert!(Shard::parse("16/16").is_err());
        assert!(Shard::parse("0/0").is_err());
        assert!(Shard::parse("3").is_err());
        assert!(Shard::parse("a/2").is_err());
        let corpus = Corpus {
            docs: (0..7)
                .map(|i| crate::Document {
                    id: i.to_string(),
                    title: None,
                    source: None,
                    date: None,
                    text: "x".into(),
                    origin: Default::default(),
                })
                .collect(),
            ..Default::default()
        };
        let mut all: Vec<DocId> = (0..3)
            .flat_map(|i| Shard { index: i, count: 3 }.docs(&corpus))
            .collect();
        all.sort();
        assert_eq!(all, (0..7).map(DocId).collect::<Vec<_>>());
        assert_eq!(
            Shard::parse("1/3").unwrap().part_name(),
            "part-00001-of-00003.parquet"
        );
    }
}
