//! `index add`: documents fed in, fingerprinted in batches on one thread
//! while the previous batch is written on the other, each batch one
//! committed transaction (ids, rows, band keys, bucket runs).

use super::checkpoint::{checkpointer, Wake, DRAIN_EVERY, WAL_AUTOCHECKPOINT};
use super::codec::{day_number, signature_bytes, text_key};
use super::handle::Index;
use super::params::IndexParams;
use super::remove::delete_doc;
use super::words::Words;
use super::{document, ids, integrity, merge, runs};
use crate::boilerplate::{Mask, MaskConfig};
use crate::corpus::{Corpus, Document};
use crate::error::{Error, Result};
use crate::fingerprint::{Fingerprint, Fingerprinter};
use crate::lsh::Banding;
use crate::minhash::Signature;
use crate::progress::Progress;
use crate::wordsig::{CommonWords, WordSigner};
use rayon::prelude::*;
use rusqlite::params;
use serde::Serialize;
use std::path::Path;

/// Documents per committed transaction of `index add`.
pub const DEFAULT_BATCH: usize = 5000;

/// How `add` treats documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddOptions {
    /// Keep each document's text (exact verification at query time).
    pub store_text: bool,
    /// A document whose id is already stored replaces it (else it is skipped).
    pub replace: bool,
    /// Documents per committed transaction.
    pub batch_size: usize,
}

impl Default for AddOptions {
    fn default() -> Self {
        AddOptions {
            store_text: true,
            replace: false,
            batch_size: DEFAULT_BATCH,
        }
    }
}

/// What an `add` did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AddStats {
    /// Documents added.
    pub added: usize,
    /// Documents replaced (`--replace`).
    pub replaced: usize,
    /// Ids already in the index, skipped (without `--replace`).
    pub skipped: Vec<String>,
    /// Batches committed.
    pub batches: usize,
}

/// A document fingerprinted for storage.
pub(super) struct Prepared {
    fp: Fingerprint,
    distinct: Option<usize>,
    keys: Vec<u64>,
    /// The word signature (when the archive keeps them and it has one).
    words: Option<Signature>,
    /// Its band keys (empty without).
    word_keys: Vec<u64>,
}

impl Index {
    /// Fingerprint documents the way every stored document is: through the
    /// shared `Fingerprinter` with the index's mask.
    /// `count_distinct` counts distinct shingles, which only text-less
    /// documents need (for estimates); otherwise `distinct` is `None`.
    /// With `words`, word signatures come from the same normalization pass
    /// as `scan`'s (`Fingerprinter::fingerprint_with_words`; a second pass
    /// for text-less documents).
    fn prepare(
        fp: &Fingerprinter,
        mask: &Mask,
        banding: Banding,
        words: Words,
        count_distinct: bool,
        docs: &[Document],
    ) -> Vec<Prepared> {
        docs.par_iter()
            .with_min_len(16)
            .map_init(Vec::new, |scratch, d| {
                let (f, distinct, sig) = match words {
                    _ if count_distinct => {
                        let f = fp.fingerprint_keeping(&d.text, mask, scratch);
                        let sig = words.and_then(|(w, common)| w.signature(&d.text, common));
                        (f, Some(crate::overlap::distinct_count(scratch)), sig)
                    }
                    Some((w, common)) => {
                        let (f, sig) = fp.fingerprint_with_words(&d.text, mask, w, common);
                        (f, None, sig)
                    }
                    None => (fp.fingerprint_masked(&d.text, mask), None, None),
                };
                // As in `scan`, a document without shingles is no candidate.
                let sig = sig.filter(|_| f.shingles > 0);
                let word_keys = match (words, &sig) {
                    (Some((w, _)), Some(sig)) => super::words::band_keys(w, sig),
                    _ => Vec::new(),
                };
                let keys = if f.shingles == 0 {
                    Vec::new()
                } else {
                    (0..banding.bands)
                        .map(|b| banding.band_key(&f.signature, b))
                        .collect()
                };
                Prepared {
                    distinct,
                    fp: f,
                    keys,
                    words: sig,
                    word_keys,
                }
            })
            .collect()
    }

    /// Fingerprint `corpus` as `add` does, batch by batch, and store
    /// nothing: what fingerprinting alone costs. Returns the documents done.
    pub fn fingerprint_only(&self, corpus: &Corpus, store_text: bool, batch: usize) -> usize {
        corpus
            .docs
            .chunks(batch.max(1))
            .map(|c| {
                Index::prepare(
                    &self.fingerprinter,
                    &self.mask,
                    self.banding,
                    self.words(),
                    !store_text,
                    c,
                )
                .len()
            })
            .sum()
    }

    /// Add a corpus held in memory (see `add_feed`).
    pub fn add(
        &mut self,
        corpus: &Corpus,
        options: AddOptions,
        progress: Progress,
    ) -> Result<AddStats> {
        self.add_feed(
            |sink| {
                corpus.docs.iter().all(|d| sink(d.clone()));
                Ok(())
            },
            options,
            progress,
        )
    }

    /// Add the documents `feed` hands over, `options.batch_size` per
    /// transaction, fingerprinting the next batch while one is written:
    /// memory is two batches, not the feed. Each committed batch survives a
    /// crash; cost is proportional to the documents added, not the index.
    pub fn add_feed(
        &mut self,
        feed: impl FeedFn,
        options: AddOptions,
        progress: Progress,
    ) -> Result<AddStats> {
        let this = &*self;
        let (fp, banding) = (&self.fingerprinter, self.banding);
        let config = self.params.mask_config();
        self.checkpoint_elsewhere()?;
        let stats = pipeline(
            &self.path,
            Known::Archive(&self.mask, self.words()),
            &config,
            fp,
            banding,
            feed,
            options,
            progress,
            |step, stats| match step {
                // The mask is known: never sent.
                Step::Mask(..) => Ok(()),
                Step::Batch(docs, prepared) => this.write_batch(&docs, &prepared, options, stats),
            },
        );
        self.after_add(stats)
    }

    /// Create a new archive at `path` (which must not exist) and add what
    /// `feed` hands over. Its boilerplate mask is built from the first
    /// `params`' mask sample of documents (all of them, for a smaller feed);
    /// the archive appears once they are read.
    pub fn create_from_feed(
        path: &Path,
        params: IndexParams,
        feed: impl FeedFn,
        options: AddOptions,
        progress: Progress,
    ) -> Result<(Index, AddStats)> {
        let fp = params.fingerprinter();
        let banding = params.banding();
        let config = params.mask_config();
        let signer = params.word_signer();
        let mut created: Option<Index> = None;
        let stats = pipeline(
            path,
            Known::Nothing(signer.as_ref()),
            &config,
            &fp,
            banding,
            feed,
            options,
            progress,
            |step, stats| match (step, &created) {
                (Step::Mask(mask, common), None) => {
                    let index = Index::create_with_mask(path, params.clone(), mask, common)?;
                    index.checkpoint_elsewhere()?;
                    created = Some(index);
                    Ok(())
                }
                (Step::Batch(docs, prepared), Some(index)) => {
                    index.write_batch(&docs, &prepared, options, stats)
                }
                _ => unreachable!("the mask is sent once, before any batch"),
            },
        );
        let stats = match &created {
            Some(index) => index.after_add(stats)?,
            None => stats?,
        };
        // A pipeline that succeeds has sent the mask (`flush(true)` settles
        // it even for an empty feed), so this error is never seen.
        created
            .map(|index| (index, stats))
            .ok_or_else(|| Error::Usage("internal: the add settled no mask".into()))
    }

    /// Before an add: this connection's commits leave the WAL to
    /// `pipeline`'s checkpointing thread.
    fn checkpoint_elsewhere(&self) -> Result<()> {
        self.conn
            .pragma_update(None, "wal_autocheckpoint", 0)
            .map_err(|e| self.err(e))
    }

    /// End an add whose pipeline returned `added`: checkpoint what is left
    /// and go back to SQLite's own checkpoints at commit; the add's own
    /// error, if any, is the one reported.
    fn after_add(&self, added: Result<AddStats>) -> Result<AddStats> {
        let restore = || -> rusqlite::Result<()> {
            if added.is_ok() {
                // The merges due that the batches' budgets left.
                let tx = rusqlite::Transaction::new_unchecked(
                    &self.conn,
                    rusqlite::TransactionBehavior::Immediate,
                )?;
                merge::compact(&tx, self.run_bands(), usize::MAX)?;
                tx.commit()?;
            }
            self.conn
                .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
            self.conn
                .pragma_update(None, "wal_autocheckpoint", WAL_AUTOCHECKPOINT)
        };
        let restored = restore().map_err(|e| self.err(e));
        let stats = added?;
        restored?;
        Ok(stats)
    }

    fn write_batch(
        &self,
        docs: &[Document],
        prepared: &[Prepared],
        options: AddOptions,
        stats: &mut AddStats,
    ) -> Result<()> {
        let run = || -> rusqlite::Result<(usize, usize, Vec<String>)> {
            // IMMEDIATE: take the write lock before reading, so two adds
            // never both read the same next document number.
            let tx = rusqlite::Transaction::new_unchecked(
                &self.conn,
                rusqlite::TransactionBehavior::Immediate,
            )?;
            let first: i64 = tx.query_row(
                "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'next_doc'",
                [],
                |r| r.get(0),
            )?;
            let mut next = first;
            let (mut added, mut replaced, mut skipped) = (0, 0, Vec::new());
            // Per band (the exact-text hash and the id hash filed as two
            // more): (key, doc).
            let mut entries: Vec<Vec<runs::Entry>> = (0..self.run_bands())
                .map(|_| Vec::with_capacity(prepared.len()))
                .collect();
            let archived = runs::list(&tx)?;
            let mut filters = self.filters.borrow_mut();
            filters.refresh(&tx)?;
            // This batch's documents by id: its runs are not written yet.
            let mut batch_ids: std::collections::HashMap<&str, i64> =
                std::collections::HashMap::with_capacity(docs.len());
            {
                let mut insert = tx.prepare_cached(
                    "INSERT INTO docs(doc, id, title, source, date, day, text_hash, shingles, signature, text)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )?;
                for (d, p) in docs.iter().zip(prepared) {
                    let old = match batch_ids.get(d.id.as_str()) {
                        Some(&doc) => Some(doc),
                        None => {
                            document::find(&tx, &archived, Some(&filters), self.id_band(), &d.id)?
                        }
                    };
                    if let Some(doc) = old {
                        if !options.replace {
                            skipped.push(d.id.clone());
                            continue;
                        }
                        delete_doc(&tx, doc)?;
                        replaced += 1;
                    }
                    let doc = next;
                    next += 1;
                    batch_ids.insert(&d.id, doc);
                    let text = options.store_text.then_some(d.text.as_str());
                    let text_hash = p.fp.text_hash.to_le_bytes();
                    let shingles = p.distinct.map(|n| n as i64);
                    let sealed = integrity::seal_row(
                        &integrity::RowFields {
                            doc,
                            id: &d.id,
                            title: d.title.as_deref(),
                            source: d.source.as_deref(),
                            date: d.date.as_deref(),
                            text_hash: &text_hash,
                            shingles,
                            signature: &signature_bytes(&p.fp.signature),
                        },
                        text,
                    );
                    insert.execute(params![
                        doc,
                        d.id,
                        d.title,
                        d.source,
                        d.date,
                        d.date.as_deref().and_then(day_number),
                        text_hash.as_slice(),
                        shingles,
                        sealed,
                        text,
                    ])?;
                    let doc = u32::try_from(doc).map_err(|_| {
                        rusqlite::Error::ToSqlConversionFailure("more than 2^32 documents".into())
                    })?;
                    for (band, &k) in entries.iter_mut().zip(&p.keys) {
                        band.push((k as i64, doc));
                    }
                    if let Some(sig) = &p.words {
                        super::words::store(&tx, doc as i64, sig)?;
                        for (b, &k) in p.word_keys.iter().enumerate() {
                            entries[self.word_run_band(b) as usize].push((k as i64, doc));
                        }
                    }
                    entries[self.banding.bands].push((text_key(p.fp.text_hash), doc));
                    entries[self.id_band() as usize].push((ids::key(&d.id), doc));
                    added += 1;
                }
            }
            if next > first {
                let mut run =
                    runs::RunWriter::new(&tx, first, next - 1, next - first, self.run_bands())?;
                for (band, e) in entries.iter_mut().enumerate() {
                    e.sort_unstable();
                    run.band(band as u32, e)?;
                }
                run.finish(&tx)?;
                tx.prepare_cached("UPDATE meta SET value = ?1 WHERE key = 'next_doc'")?
                    .execute([next])?;
                // Kept in meta: count(*) would read a whole index per query.
                tx.prepare_cached(
                    "UPDATE meta SET value = CAST(value AS INTEGER) + ?1 WHERE key = 'documents'",
                )?
                .execute([next - first - replaced as i64])?;
                let bands = self.run_bands();
                let written = (next - first) as usize * bands as usize;
                merge::compact(&tx, bands, written.saturating_mul(merge::MERGE_PACE))?;
            }
            tx.commit()?;
            Ok((added, replaced, skipped))
        };
        let (added, replaced, skipped) = run().map_err(|e| self.err(e))?;
        stats.added += added - replaced.min(added);
        stats.replaced += replaced;
        stats.skipped.extend(skipped);
        Ok(())
    }
}

/// A source of documents for an add: called once with a sink, it hands each
/// document over in order and stops once the sink returns false (the add
/// failed and wants no more). Its error (an unreadable input) ends the add
/// after what was handed over is written.
pub trait FeedFn: FnOnce(&mut dyn FnMut(Document) -> bool) -> Result<()> + Send {}
impl<F: FnOnce(&mut dyn FnMut(Document) -> bool) -> Result<()> + Send> FeedFn for F {}

/// What the fingerprinting thread of an add hands the writing one.
pub(super) enum Step {
    /// The boilerplate mask of a new archive, settled from its first
    /// documents, and its common words when it keeps word signatures; sent
    /// once, before any batch.
    Mask(Mask, Option<CommonWords>),
    /// One transaction's documents and their fingerprints.
    Batch(Vec<Document>, Vec<Prepared>),
}

/// What an add knows before its first document.
#[derive(Clone, Copy)]
pub(super) enum Known<'a> {
    /// An existing archive's mask and word signature.
    Archive(&'a Mask, Words<'a>),
    /// Nothing, for a new archive: its mask (and, with this word signature,
    /// its common words) are settled from its first documents.
    Nothing(Option<&'a WordSigner>),
}

/// Gathers fed documents into batches, fingerprints each and sends it on.
struct Batcher<'a> {
    tx: std::sync::mpsc::SyncSender<Step>,
    /// `None` until a new archive's mask is settled.
    mask: Option<std::borrow::Cow<'a, Mask>>,
    /// The word signature, if the archive keeps them.
    signer: Option<&'a WordSigner>,
    /// Its common words (`None` until settled with the mask).
    common: Option<std::borrow::Cow<'a, CommonWords>>,
    config: &'a MaskConfig,
    fp: &'a Fingerprinter,
    banding: Banding,
    options: AddOptions,
    pending: Vec<Document>,
}

impl Batcher<'_> {
    /// Send every whole batch pending, or everything pending when `done`;
    /// false once the writer has hung up. A new archive's first batches
    /// wait until its mask sample is read.
    fn flush(&mut self, done: bool) -> bool {
        if self.mask.is_none() {
            if !done && self.pending.len() < self.config.sample {
                return true;
            }
            let texts: Vec<&str> = self.pending.iter().map(|d| d.text.as_str()).collect();
            let mask = Mask::build(&texts, &self.fp.shingler, self.config);
            let common = self
                .signer
                .map(|_| super::words::common_words_of(texts.len(), &|i| texts[i]));
            if self
                .tx
                .send(Step::Mask(mask.clone(), common.clone()))
                .is_err()
            {
                return false;
            }
            self.mask = Some(std::borrow::Cow::Owned(mask));
            self.common = common.map(std::borrow::Cow::Owned);
        }
        let Some(mask) = &self.mask else {
            return true;
        };
        let words = self.signer.zip(self.common.as_deref());
        let batch = self.options.batch_size.max(1);
        while self.pending.len() >= batch || (done && !self.pending.is_empty()) {
            let rest = self.pending.split_off(batch.min(self.pending.len()));
            let docs = std::mem::replace(&mut self.pending, rest);
            let count_distinct = !self.options.store_text;
            let prepared =
                Index::prepare(self.fp, mask, self.banding, words, count_distinct, &docs);
            if self.tx.send(Step::Batch(docs, prepared)).is_err() {
                return false;
            }
        }
        true
    }
}

/// The two threads of an add: this one feeds and fingerprints, `write`
/// (on the calling thread) stores each step. `known`: the archive's mask
/// and word signature, or nothing, to settle a mask (and common words) from
/// the first documents and send them first.
#[allow(clippy::too_many_arguments)]
pub(super) fn pipeline(
    path: &Path,
    known: Known,
    config: &MaskConfig,
    fp: &Fingerprinter,
    banding: Banding,
    feed: impl FeedFn,
    options: AddOptions,
    progress: Progress,
    mut write: impl FnMut(Step, &mut AddStats) -> Result<()>,
) -> Result<AddStats> {
    let bar = progress.counter("indexing");
    let mut stats = AddStats::default();
    let (tx, rx) = std::sync::mpsc::sync_channel::<Step>(1);
    let result = std::thread::scope(|s| -> Result<()> {
        // Owned here, so that leaving early (a failed batch) hangs up on
        // the fingerprinting thread, whose next send then fails: the
        // scope's join would otherwise wait on it forever.
        let rx = rx;
        let (wake, woken) = std::sync::mpsc::channel::<Wake>();
        s.spawn(move || checkpointer(path, woken));
        let feeder = s.spawn(move || -> Result<()> {
            let (mask, signer, common) = match known {
                Known::Archive(mask, words) => (
                    Some(std::borrow::Cow::Borrowed(mask)),
                    words.map(|w| w.0),
                    words.map(|w| std::borrow::Cow::Borrowed(w.1)),
                ),
                Known::Nothing(signer) => (None, signer, None),
            };
            let mut batcher = Batcher {
                tx,
                mask,
                signer,
                common,
                config,
                fp,
                banding,
                options,
                pending: Vec::new(),
            };
            let mut alive = true;
            let fed = feed(&mut |d| {
                batcher.pending.push(d);
                alive = batcher.flush(false);
                alive
            });
            // What was handed over is written, even when the feed then
            // failed; a feed that failed before handing anything over (a
            // missing input) creates no archive.
            let nothing = batcher.pending.is_empty() && batcher.mask.is_none();
            if alive && !(fed.is_err() && nothing) {
                batcher.flush(true);
            }
            fed
        });
        for step in rx.iter() {
            let docs = match &step {
                Step::Batch(docs, _) => docs.len(),
                Step::Mask(..) => 0,
            };
            write(step, &mut stats)?;
            if docs > 0 {
                stats.batches += 1;
                if stats.batches % DRAIN_EVERY == 0 {
                    let (done, wait) = std::sync::mpsc::sync_channel(1);
                    let _ = wake.send(Wake::Drain(done));
                    let _ = wait.recv();
                } else {
                    let _ = wake.send(Wake::Batch);
                }
                bar.inc(docs as u64);
            }
        }
        feeder
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p))
    });
    bar.finish_and_clear();
    result?;
    Ok(stats)
}
