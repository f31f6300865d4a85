//! The word signatures an archive keeps (format 6 on), so that `query`
//! finds paraphrases as `scan` does: each document's word signature
//! (`wordsig`, from the same normalization pass as its fingerprint) in the
//! `words` table, its word band keys as more bands of the bucket runs, and
//! the archive's common words, fixed when it is created, in `meta`.

use super::errors::bad_index;
use super::integrity::{damage, CheckReport};
use super::params::IndexParams;
use crate::error::Result;
use crate::minhash::Signature;
use crate::wordsig::{CommonWords, WordSigner, WORD_NUM_PERM};
use rusqlite::{Connection, OptionalExtension};
use std::path::Path;
use xxhash_rust::xxh3::xxh3_64_with_seed;

/// Word-only candidates a story verifies at most, those of highest
/// estimated word Jaccard first. `scan` verifies 0.1 word-only pairs per
/// document on average (`wordsig::word_pair_budget`); a story asked of an
/// archive has, beside its character candidates, a handful of real
/// paraphrases at most, while an archive dense in one topic can offer
/// hundreds of loosely related stories each costing a text read and an
/// alignment. 16 keeps a query's cost bounded whatever the archive's
/// topics (docs/index.md, "Querying").
pub const WORD_CANDIDATES_PER_STORY: usize = 16;

/// Bytes of a word signature row's seal: xxh3-64 of its values, seeded
/// with its document number.
const WORD_SEAL: usize = 8;

/// The word signature of an archive: its settings and common words.
#[derive(Debug, Clone)]
pub(super) struct ArchiveWords {
    /// The signature and its banding.
    pub signer: WordSigner,
    /// The words left out of every signature.
    pub common: CommonWords,
}

/// The archive's word signature, from its parameters and `meta` (None for
/// an archive that keeps none).
pub(super) fn read(
    conn: &Connection,
    path: &Path,
    params: &IndexParams,
) -> Result<Option<ArchiveWords>> {
    let Some(signer) = params.word_signer() else {
        return Ok(None);
    };
    let blob: Option<Vec<u8>> = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'common_words'",
            [],
            |r| r.get(0),
        )
        .optional()
        .ok()
        .flatten();
    let common = blob
        .as_deref()
        .and_then(CommonWords::from_bytes)
        .ok_or_else(|| {
            bad_index(
                path,
                "not a usable reprint index: common words of the word signature missing or damaged",
            )
        })?;
    Ok(Some(ArchiveWords { signer, common }))
}

/// A word signature row: its values (little-endian), then the seal.
fn sealed(doc: i64, sig: &Signature) -> Vec<u8> {
    let mut out: Vec<u8> = sig.0.iter().flat_map(|v| v.to_le_bytes()).collect();
    let sum = xxh3_64_with_seed(&out, doc as u64);
    out.extend_from_slice(&sum.to_le_bytes());
    out
}

/// The signature of row `doc` stored as `data`, checked.
fn opened(doc: i64, data: &[u8]) -> rusqlite::Result<Signature> {
    let want = WORD_NUM_PERM * 4;
    if data.len() != want + WORD_SEAL {
        return Err(damage(format!(
            "the word signature of document {doc} has {} bytes",
            data.len()
        )));
    }
    let (values, seal) = data.split_at(want);
    if seal != xxh3_64_with_seed(values, doc as u64).to_le_bytes() {
        return Err(damage(format!(
            "the word signature of document {doc} fails its checksum"
        )));
    }
    Ok(Signature(
        values
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes(c.try_into().unwrap()))
            .collect(),
    ))
}

/// Store document `doc`'s word signature.
pub(super) fn store(conn: &Connection, doc: i64, sig: &Signature) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT OR REPLACE INTO words(doc, data) VALUES (?1, ?2)")?
        .execute(rusqlite::params![doc, sealed(doc, sig)])?;
    Ok(())
}

/// The word signature of an add and the archive's common words.
pub(super) type Words<'a> = Option<(&'a WordSigner, &'a CommonWords)>;

/// The common words of an archive, from its first `n` documents (`text(i)`)
/// as `scan` finds a corpus's (`CommonWords::of_corpus`: an evenly spaced
/// sample); fixed afterwards, so every stored signature stays comparable.
pub(super) fn common_words_of<'a>(
    n: usize,
    text: &(dyn Fn(usize) -> &'a str + Sync),
) -> CommonWords {
    CommonWords::of_corpus(n, &|i| Some(std::borrow::Cow::Borrowed(text(i))))
}

/// The stored word signature of `doc` (None: it has none, or was removed).
pub(super) fn stored(conn: &Connection, doc: i64) -> rusqlite::Result<Option<Signature>> {
    conn.prepare_cached("SELECT data FROM words WHERE doc = ?1")?
        .query_row([doc], |r| opened(doc, r.get_ref(0)?.as_blob()?))
        .optional()
}

/// The word band keys of a signature.
pub(super) fn band_keys(signer: &WordSigner, sig: &Signature) -> Vec<u64> {
    (0..signer.banding.bands)
        .map(|b| signer.banding.band_key(sig, b))
        .collect()
}

/// Every word signature row's seal, into `report` (`index stats --check`,
/// for an archive that keeps word signatures).
pub(super) fn check(conn: &Connection, report: &mut CheckReport) {
    if let Err(e) = check_rows(conn, report) {
        report.found(format!("the word signatures could not all be read ({e})"));
    }
}

fn check_rows(conn: &Connection, report: &mut CheckReport) -> rusqlite::Result<()> {
    let mut st = conn.prepare("SELECT doc, data FROM words")?;
    let mut rows = st.query([])?;
    while let Some(row) = rows.next()? {
        let doc: i64 = row.get(0)?;
        let data = row.get_ref(1)?.as_blob().map_err(rusqlite::Error::from);
        match data.and_then(|d| opened(doc, d)) {
            Ok(_) => report.word_signatures_checked += 1,
            Err(e) => report.found(e.to_string()),
        }
    }
    Ok(())
}
