//! Boilerplate masking: shingles that recur in many different documents (site
//! furniture, wire templates, share-button text) are left out of fingerprints
//! and verification, so shared boilerplate never makes two stories look alike.

use crate::normalize::{normalize_joined_into, normalize_joined_words_into};
use crate::shingle::{HashSink, Shingler};
use rayon::prelude::*;
use serde::Serialize;

mod words;
pub(crate) use words::boilerplate_words;

/// log2 of the number of document-frequency counters and mask bits.
const BITS: u32 = 24;
/// Top bytes of slots counted by one task of `Mask::build_from` (a 128 KB
/// range of counters each, counted one after the other).
const TOPS_PER_TASK: usize = 16;

/// Sampled texts grouped into one `ChunkSlots`.
const CHUNK: usize = 32;

/// Most sampled texts read and counted together by `Mask::build_from` (a
/// text's number in its round is kept in 16 bits)...
const ROUND: usize = 1 << 15;
/// ...and the text bytes after which a round is closed: about 4 bytes of
/// slot entries per byte held at once. Rounds of a few thousand short
/// stories left each top byte's 128 KB of counters so few counts per round
/// that nearly every count missed the cache.
const ROUND_BYTES: usize = if cfg!(test) { 64 << 10 } else { 16 << 20 };
/// Sampled texts read at once (in parallel) while a round is filled
/// (fewer in tests, so they count over many rounds).
const FETCH: usize = if cfg!(test) { 64 } else { 1024 };
const _: () = assert!(ROUND < 1 << 16 && TOPS_PER_TASK < 1 << 15);

/// How common a shingle must be to be masked.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MaskConfig {
    /// A shingle is boilerplate when it is in at least this share of the
    /// sampled documents...
    pub share: f64,
    /// ...and in at least this many of them (so small corpora and heavily
    /// syndicated stories are never masked away).
    pub min_docs: usize,
    /// Documents sampled (evenly spaced) to count document frequencies.
    pub sample: usize,
}

impl Default for MaskConfig {
    fn default() -> Self {
        MaskConfig {
            share: 0.005,
            min_docs: 50,
            sample: 20_000,
        }
    }
}

impl MaskConfig {
    /// Masking switched off.
    pub fn off() -> MaskConfig {
        MaskConfig {
            share: 1.0,
            min_docs: usize::MAX,
            sample: 0,
        }
    }

    /// The mask of the `--mask-share` and `--mask-min-docs` options: off at a
    /// share of 1 or more; otherwise at least 2 documents (a shingle in one
    /// document is never boilerplate) and the default sample.
    pub fn from_options(share: f64, min_docs: usize) -> MaskConfig {
        if share >= 1.0 {
            MaskConfig::off()
        } else {
            MaskConfig {
                share,
                min_docs: min_docs.max(2),
                ..MaskConfig::default()
            }
        }
    }

    /// The documents (by index, of `n`) that `Mask::build` samples: `sample`
    /// of them evenly spaced, or all of them.
    pub(crate) fn sample_indices(&self, n: usize) -> Vec<usize> {
        let want = self.sample.min(n);
        if want == 0 || self.min_docs > want {
            return Vec::new();
        }
        let step = n as f64 / want as f64;
        (0..want).map(|i| (i as f64 * step) as usize).collect()
    }

    /// Document frequency at which a shingle is masked, for `sampled` docs.
    pub fn min_df(&self, sampled: usize) -> usize {
        ((self.share * sampled as f64).ceil() as usize).max(self.min_docs)
    }
}

/// Per-thread buffers for counting document frequencies, reused across texts.
#[derive(Default)]
struct Scratch {
    joined: String,
    /// The chunk's slot entries in text order (`Entries`).
    entries: Vec<u32>,
}

/// Texts sampled together (`CHUNK` of them), as the mask slots of each
/// (repeats included), grouped by the slot's top byte across all of them:
/// the slots with top byte `t` are `low[starts[t]..starts[t + 1]]`, each as
/// its low 16 bits and, above them, its text's number in the round, in text
/// order. Grouped so, the count of one top byte reads a few long runs
/// instead of a short run of every text; the count takes each text once
/// per slot (`Mask::build_from`), so no text's slots are de-duplicated here.
struct ChunkSlots {
    starts: Box<[u32; 257]>,
    low: Vec<u32>,
}

/// Takes one text's shingle hashes as slot entries (the 24-bit slot, and
/// the text's number in its chunk in the top byte), and counts the
/// entries of each top byte.
struct Entries<'s> {
    entries: &'s mut Vec<u32>,
    starts: &'s mut [u32; 257],
    text: u32,
}

impl HashSink for Entries<'_> {
    #[inline(always)]
    fn add(&mut self, h: u64) {
        let s = Mask::slot(h) as u32;
        self.entries.push(s | self.text);
        self.starts[(s >> 16) as usize + 1] += 1;
    }
}

impl ChunkSlots {
    /// The slots of `texts`, the round's texts `first..first + texts.len()`.
    fn of(texts: &[&str], first: usize, shingler: &Shingler, scratch: &mut Scratch) -> ChunkSlots {
        const _: () = assert!(BITS == 24 && CHUNK <= 256);
        let Scratch { joined, entries } = scratch;
        entries.clear();
        let mut starts = Box::new([0u32; 257]);
        for (i, text) in texts.iter().enumerate() {
            normalize_joined_into(text, joined);
            shingler.for_each_hash(
                joined,
                &mut Entries {
                    entries,
                    starts: &mut starts,
                    text: (i as u32) << BITS,
                },
            );
        }
        for t in 1..257 {
            starts[t] += starts[t - 1];
        }
        let mut at: [u32; 256] = std::array::from_fn(|t| starts[t]);
        let mut low = vec![0u32; entries.len()];
        for &e in entries.iter() {
            let t = ((e >> 16) & 0xFF) as usize;
            let text = (first + (e >> BITS) as usize) as u32;
            low[at[t] as usize] = (e & 0xFFFF) | (text << 16);
            at[t] += 1;
        }
        ChunkSlots { starts, low }
    }
}

/// The set of masked shingle hashes, as a set of slots (a hash's top bits).
/// A rare shingle sharing its slot with a masked one is masked too; with a few
/// thousand masked slots out of 16.7 million that touches about 1 in 10,000.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Mask {
    /// The masked slots, sorted (what `to_bytes` stores); no 2 MB bitset over
    /// all slots, which a one-story query would spend longer zeroing.
    slots: Vec<u32>,
    /// One bit per 64 slots, set when any of them is masked: 32 KB that stay
    /// in cache; most lookups stop here.
    words: Vec<u64>,
    /// The masked slots in an open-addressing table (at most half full,
    /// `u32::MAX` empty): the second level, a few tens of KB, so it stays in
    /// cache too.
    table: Vec<u32>,
    masked: usize,
    sampled: usize,
    min_df: usize,
}

/// What a mask was built from, for `--explain` and reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct MaskStats {
    /// Documents sampled to build the mask.
    pub sampled_documents: usize,
    /// Documents a shingle must be in to be masked.
    pub min_df: usize,
    /// Shingle slots masked.
    pub masked_slots: usize,
}

impl Mask {
    /// A mask that masks nothing.
    pub fn none() -> Mask {
        Mask::default()
    }

    #[inline]
    fn slot(h: u64) -> usize {
        (h >> (64 - BITS)) as usize
    }

    /// Whether shingle hash `h` is boilerplate.
    #[inline(always)]
    pub fn contains(&self, h: u64) -> bool {
        if self.masked == 0 {
            return false;
        }
        let s = Self::slot(h);
        let w = s >> 6;
        self.words[w >> 6] & (1 << (w & 63)) != 0 && self.in_table(s as u32)
    }

    #[inline]
    fn in_table(&self, s: u32) -> bool {
        let m = self.table.len() - 1;
        // Slots are hash bits: their low bits spread well.
        let mut i = s as usize & m;
        loop {
            let v = self.table[i];
            if v == s {
                return true;
            }
            if v == u32::MAX {
                return false;
            }
            i = (i + 1) & m;
        }
    }

    /// A mask over `slots` (sorted, distinct) with its word summary.
    fn from_slots(slots: Vec<u32>, sampled: usize, min_df: usize) -> Mask {
        debug_assert!(slots.windows(2).all(|w| w[0] < w[1]));
        let mut words = vec![0u64; (1usize << BITS) / 64 / 64];
        for &s in &slots {
            let w = s as usize >> 6;
            words[w >> 6] |= 1 << (w & 63);
        }
        let masked = slots.len();
        let mut table = vec![u32::MAX; (2 * masked).next_power_of_two().max(16)];
        let m = table.len() - 1;
        for &s in &slots {
            let mut i = s as usize & m;
            while table[i] != u32::MAX {
                i = (i + 1) & m;
            }
            table[i] = s;
        }
        Mask {
            slots,
            words,
            table,
            masked,
            sampled,
            min_df,
        }
    }

    /// Whether the mask masks nothing.
    pub fn is_empty(&self) -> bool {
        self.masked == 0
    }

    /// What the mask was built from.
    pub fn stats(&self) -> MaskStats {
        MaskStats {
            sampled_documents: self.sampled,
            min_df: self.min_df,
            masked_slots: self.masked,
        }
    }

    /// The mask as bytes, to store with an index: sampled documents, min_df
    /// and the masked slot numbers, little-endian u32s.
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(8 + 4 * self.masked);
        out.extend_from_slice(&(self.sampled as u32).to_le_bytes());
        out.extend_from_slice(&(self.min_df as u32).to_le_bytes());
        for &slot in &self.slots {
            out.extend_from_slice(&slot.to_le_bytes());
        }
        out
    }

    /// The mask `to_bytes` wrote, or `None` if the bytes are not one.
    pub(crate) fn from_bytes(bytes: &[u8]) -> Option<Mask> {
        if bytes.len() < 8 || !bytes.len().is_multiple_of(4) {
            return None;
        }
        let words: Vec<u32> = bytes
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        let (sampled, min_df) = (words[0] as usize, words[1] as usize);
        let slots = &words[2..];
        if slots.is_empty() {
            return Some(Mask {
                sampled,
                min_df,
                ..Mask::none()
            });
        }
        if slots.iter().any(|&s| s as usize >= 1 << BITS) {
            return None;
        }
        let mut slots = slots.to_vec();
        slots.sort_unstable();
        slots.dedup();
        Some(Mask::from_slots(slots, sampled, min_df))
    }

    /// Count document frequencies over an even sample of `texts` and mask
    /// the shingles at or above `config.min_df`. Copies of one text in the
    /// sample count once.
    pub fn build(texts: &[&str], shingler: &Shingler, config: &MaskConfig) -> Mask {
        let picked = config.sample_indices(texts.len());
        Mask::build_from(
            picked.len(),
            &|i| Some(std::borrow::Cow::Borrowed(texts[picked[i]])),
            shingler,
            config,
        )
    }

    /// `build` over `count` sampled texts given one by one by `text` (which
    /// may read them from disk; `None` skips one), a round of up to `ROUND`
    /// texts or about `ROUND_BYTES` of text at a time.
    /// Document frequencies are counted without atomics: the slots of each
    /// `CHUNK` of texts are grouped by their top byte (`ChunkSlots`), and
    /// each run of `TOPS_PER_TASK` of the 256 slot ranges (128 KB of
    /// counters each) is counted by one thread over the whole round, one
    /// range at a time, so its counters stay in cache. A text counts once
    /// per slot: each counter has a stamp of the last text it counted
    /// (texts come in order), so a repeat adds nothing, without a branch.
    pub(crate) fn build_from<'a>(
        count: usize,
        text: &(dyn Fn(usize) -> Option<std::borrow::Cow<'a, str>> + Sync),
        shingler: &Shingler,
        config: &MaskConfig,
    ) -> Mask {
        if count == 0 || config.min_docs > count {
            return Mask::none();
        }
        let mut counters = vec![0u16; 1usize << BITS];
        // Write every page before counting: a page read first maps the shared
        // zero page, and its first write then faults again and flushes every
        // TLB. `black_box` keeps the compiler from dropping the zeros.
        counters
            .par_chunks_mut(TOPS_PER_TASK << 16)
            .for_each(|chunk| std::hint::black_box(chunk).fill(0));
        let mut seen_texts = std::collections::HashSet::new();
        let mut unique = 0;
        let mut next = 0;
        while next < count {
            // Texts fetched `FETCH` at a time until the round is full.
            // Copies of one text count once (first copy in sample order).
            let mut fetched: Vec<Vec<std::borrow::Cow<str>>> = Vec::new();
            let (mut bytes, mut texts) = (0, 0);
            while next < count && bytes < ROUND_BYTES && texts + FETCH <= ROUND {
                let end = (next + FETCH).min(count);
                let batch: Vec<Option<std::borrow::Cow<str>>> =
                    (next..end).into_par_iter().map(text).collect();
                next = end;
                let batch: Vec<std::borrow::Cow<str>> = batch
                    .into_iter()
                    .flatten()
                    .filter(|t| seen_texts.insert(xxhash_rust::xxh3::xxh3_64(t.as_bytes())))
                    .collect();
                bytes += batch.iter().map(|t| t.len()).sum::<usize>();
                texts += batch.len();
                fetched.push(batch);
            }
            let keep: Vec<&str> = fetched.iter().flatten().map(|t| t.as_ref()).collect();
            unique += keep.len();
            let chunks: Vec<ChunkSlots> = keep
                .par_chunks(CHUNK)
                .enumerate()
                .map_init(Scratch::default, |scratch, (c, texts)| {
                    ChunkSlots::of(texts, c * CHUNK, shingler, scratch)
                })
                .collect();
            counters
                .par_chunks_mut(TOPS_PER_TASK << 16)
                .enumerate()
                .for_each(|(task, counters)| {
                    let first = task * TOPS_PER_TASK;
                    // The last text each counter of the range counted, as
                    // 1 + its number in the round + 2^16 * the range's
                    // place in the task: unique within the task's round.
                    let mut stamps = vec![0u32; 1 << 16];
                    for t in 0..TOPS_PER_TASK {
                        // One top byte's 128 KB of counters at a time.
                        let counts = &mut counters[t << 16..(t + 1) << 16];
                        let base = ((t << 16) + 1) as u32;
                        for c in &chunks {
                            let (from, to) = (c.starts[first + t], c.starts[first + t + 1]);
                            for &e in &c.low[from as usize..to as usize] {
                                let lo = (e & 0xFFFF) as usize;
                                let stamp = base + (e >> 16);
                                let fresh = stamps[lo] != stamp;
                                stamps[lo] = stamp;
                                counts[lo] = counts[lo].saturating_add(fresh as u16);
                            }
                        }
                    }
                });
        }
        let min_df = config.min_df(unique).min(u16::MAX as usize) as u16;
        let slots: Vec<u32> = (0..counters.len() as u32)
            .filter(|&s| counters[s as usize] >= min_df)
            .collect();
        Mask::from_slots(slots, unique, min_df as usize)
    }

    /// The masked passages of `text`, as normalized words, for `--explain`:
    /// runs of three or more boilerplate words (`boilerplate_words`).
    pub fn masked_passages(&self, text: &str, shingler: &Shingler) -> Vec<String> {
        if self.is_empty() {
            return Vec::new();
        }
        let (mut joined, mut ends) = (String::new(), Vec::new());
        normalize_joined_words_into(text, &mut joined, &mut ends);
        let mut masked_at = Vec::new();
        shingler.for_each_hash(
            &joined,
            &mut Marking {
                hashes: &mut Vec::new(),
                masked_at: &mut masked_at,
                mask: self,
            },
        );
        let mut boiler = Vec::new();
        boilerplate_words(&joined, &ends, &masked_at, shingler.k, &mut boiler);
        let mut out = Vec::new();
        let mut run: Vec<&str> = Vec::new();
        let mut at = 0;
        for (&end, &b) in ends.iter().zip(&boiler) {
            if b {
                run.push(&joined[at..end]);
            } else {
                if run.len() >= 3 {
                    out.push(run.join(" "));
                }
                run.clear();
            }
            at = end;
        }
        if run.len() >= 3 {
            out.push(run.join(" "));
        }
        out
    }
}

/// A `HashSink` keeping the unmasked hashes, and the positions (character
/// offsets in the stream) of the masked shingles. Both start empty: a
/// shingle's position is the count given before it, so the unmasked path
/// does no more than a plain filter.
pub(crate) struct Marking<'m, 'v> {
    pub hashes: &'v mut Vec<u64>,
    pub masked_at: &'v mut Vec<u32>,
    pub mask: &'m Mask,
}

impl HashSink for Marking<'_, '_> {
    #[inline(always)]
    fn add(&mut self, h: u64) {
        if self.mask.contains(h) {
            self.masked_at
                .push((self.hashes.len() + self.masked_at.len()) as u32);
        } else {
            self.hashes.push(h);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::normalize;

    #[test]
    fn options_switch_the_mask_off_or_floor_its_documents() {
        assert_eq!(MaskConfig::from_options(1.0, 50), MaskConfig::off());
        assert_eq!(MaskConfig::from_options(2.5, 50), MaskConfig::off());
        let on = MaskConfig::from_options(0.01, 1);
        assert_eq!((on.share, on.min_docs), (0.01, 2));
        assert_eq!(on.sample, MaskConfig::default().sample);
        assert_eq!(MaskConfig::from_options(0.005, 50), MaskConfig::default());
    }

    fn story(i: usize) -> String {
        format!(
            "Story number {i} tells of event {} in town {} where the council met on day {}. \
             Officials said the budget of {} would fund roads. Source link Powered by BeaconSites \
             Newspapers in English Oops! Something went wrong. Please try again later.",
            i * 7919 % 1000,
            i * 104729 % 977,
            i % 28,
            i * 31
        )
    }

    #[test]
    fn recurring_boilerplate_is_masked_and_story_text_is_not() {
        let texts: Vec<String> = (0..200).map(story).collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let sh = Shingler::default();
        let mask = Mask::build(
            &refs,
            &sh,
            &MaskConfig {
                share: 0.2,
                min_docs: 20,
                sample: 1000,
            },
        );
        assert!(!mask.is_empty());
        let boiler = sh.hashes(&normalize("Powered by BeaconSites Newspapers in English").joined());
        assert!(boiler.iter().all(|&h| mask.contains(h)));
        let own = sh.hashes(&normalize("tells of event 7 in town 104 where").joined());
        assert!(own.iter().filter(|&&h| mask.contains(h)).count() < own.len() / 2);
        let passages = mask.masked_passages(&texts[3], &sh);
        assert!(
            passages
                .iter()
                .any(|p| p.contains("powered by beaconsites")),
            "{passages:?}"
        );
    }

    #[test]
    fn masks_round_trip_through_bytes() {
        let texts: Vec<String> = (0..200).map(story).collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let config = MaskConfig {
            share: 0.2,
            min_docs: 20,
            sample: 1000,
        };
        let mask = Mask::build(&refs, &Shingler::default(), &config);
        assert!(!mask.is_empty());
        assert_eq!(Mask::from_bytes(&mask.to_bytes()), Some(mask));
        assert_eq!(
            Mask::from_bytes(&Mask::none().to_bytes()),
            Some(Mask::none())
        );
        assert_eq!(Mask::from_bytes(b"abc"), None);
    }

    #[test]
    fn small_corpora_and_off_mask_nothing() {
        let texts: Vec<String> = (0..30).map(story).collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let sh = Shingler::default();
        assert!(Mask::build(&refs, &sh, &MaskConfig::default()).is_empty());
        assert!(Mask::build(&refs, &sh, &MaskConfig::off()).is_empty());
        assert!(!Mask::none().contains(12345));
    }

    #[test]
    fn masked_slots_are_those_in_enough_documents() {
        // More texts than a chunk and a round hold, so counts add up across
        // both; each story repeats its own words (counted once per text).
        let texts: Vec<String> = (0..2500)
            .map(|i| format!("{} {}", story(i % 700), story(i % 700 + 1)))
            .collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let sh = Shingler::default();
        let config = MaskConfig {
            share: 0.01,
            min_docs: 2,
            sample: 5000,
        };
        let mask = Mask::build(&refs, &sh, &config);
        // Document frequency of each slot, counted the plain way over the
        // distinct texts.
        let mut df = std::collections::HashMap::<usize, usize>::new();
        let distinct: std::collections::HashSet<&str> = refs.iter().copied().collect();
        for t in &distinct {
            let slots: std::collections::HashSet<usize> = sh
                .hashes(&normalize(t).joined())
                .into_iter()
                .map(Mask::slot)
                .collect();
            for s in slots {
                *df.entry(s).or_default() += 1;
            }
        }
        let min_df = config.min_df(distinct.len());
        let mut want: Vec<u32> = df
            .iter()
            .filter(|&(_, &n)| n >= min_df)
            .map(|(&s, _)| s as u32)
            .collect();
        want.sort_unstable();
        assert_eq!(mask.stats().sampled_documents, distinct.len());
        assert!(!want.is_empty() && want.len() < df.len());
        assert_eq!(mask.slots, want);
    }

    /// Texts at the same place in different chunks, and the same text's
    /// repeats of a phrase: each text counts once per slot, no text is
    /// lost to another's stamp.
    #[test]
    fn each_text_counts_once_per_slot_across_chunks() {
        let phrase = "the harbour pilots struck at dawn over their pay. ";
        let count = |holders: &[usize], repeats: usize| {
            let texts: Vec<String> = (0..4 * CHUNK)
                .map(|i| {
                    let extra = if holders.contains(&i) {
                        phrase.repeat(repeats)
                    } else {
                        String::new()
                    };
                    format!("{}{extra}", story(i))
                })
                .collect();
            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            let config = MaskConfig {
                share: 0.0,
                min_docs: 4,
                sample: 1000,
            };
            let sh = Shingler::default();
            let mask = Mask::build(&refs, &sh, &config);
            let hashes = sh.hashes(&normalize(phrase).joined());
            hashes.iter().filter(|&&h| mask.contains(h)).count() * 2 > hashes.len()
        };
        // Four texts, each first in its chunk: the phrase is in 4 documents.
        assert!(count(&[0, CHUNK, 2 * CHUNK, 3 * CHUNK], 1));
        // Three texts, each saying it ten times: still only 3 documents.
        assert!(!count(&[1, CHUNK + 1, 2 * CHUNK + 1], 10));
    }

    #[test]
    fn copies_count_once() {
        let texts: Vec<String> = (0..100).map(|_| story(1)).collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let mask = Mask::build(
            &refs,
            &Shingler::default(),
            &MaskConfig {
                share: 0.01,
                min_docs: 2,
                sample: 1000,
            },
        );
        assert!(mask.is_empty());
    }
}
