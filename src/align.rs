//! Shared passages of two texts: maximal in-order runs of normalized words
//! found in both (greedy string tiling over hashed word tokens, seeded by
//! indexed word pairs), merged across small gaps, with byte spans in both.

use crate::normalize::for_each_token_span;
use rustc_hash::FxHashMap;
use serde::ser::SerializeTuple;
use serde::{Serialize, Serializer};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use xxhash_rust::xxh3::xxh3_64;

/// Words a seed is made of: tiles are at least this long.
pub(crate) const SEED_WORDS: usize = 2;

/// A byte range `[start, end)` of one original text; serialized `[s, e]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct ByteSpan {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset just past the last byte.
    pub end: usize,
}

impl Serialize for ByteSpan {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut t = s.serialize_tuple(2)?;
        t.serialize_element(&self.start)?;
        t.serialize_element(&self.end)?;
        t.end()
    }
}

/// One passage both texts share: its spans in A and B and the words matched
/// in it (tolerated changed words inside are in the spans, not the count).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Passage {
    /// The passage in A.
    pub a: ByteSpan,
    /// The passage in B.
    pub b: ByteSpan,
    /// Words matched in it.
    pub words: usize,
}

/// How passages are found and kept (defaults: docs/design/alignment.md).
#[derive(Debug, Clone)]
pub struct AlignConfig {
    /// Words a passage must match to count.
    pub min_run: usize,
    /// Changed, inserted or dropped words a passage may jump over.
    pub max_gap: usize,
    /// Occurrences of one seed looked at in B: bounds repeated text.
    pub max_seed_hits: usize,
    /// Work allowed per token of the pair (comparisons and seed hits).
    pub work_per_token: u64,
    /// A token is frequent in a pair when it makes at least this share of
    /// both texts' tokens (and `FREQUENT_MIN` of them); a passage must match
    /// a token that is not. 0 turns the rule off.
    pub frequent_share: f64,
}

/// Occurrences in a pair below which no token counts as frequent.
pub(crate) const FREQUENT_MIN: usize = 4;

impl Default for AlignConfig {
    fn default() -> Self {
        AlignConfig {
            min_run: 2,
            max_gap: 1,
            max_seed_hits: 64,
            work_per_token: 64,
            frequent_share: 0.01,
        }
    }
}

/// A text's folded word tokens (hashed) and the byte span each came from
/// (`normalize::for_each_token_span`: scripts written without spaces give
/// a token per character).
#[derive(Debug, Clone, Default)]
pub struct Tokens {
    /// Hash of each token, in text order.
    pub hashes: Vec<u64>,
    /// Byte span of each token in the text.
    pub spans: Vec<ByteSpan>,
    /// Whether each token is boilerplate (`Fingerprinter::boilerplate_words`);
    /// empty: none is.
    pub boilerplate: Vec<bool>,
}

impl Tokens {
    /// The tokens of `text`.
    pub fn of(text: &str) -> Tokens {
        let mut t = Tokens {
            hashes: Vec::with_capacity(text.len() / 6),
            spans: Vec::with_capacity(text.len() / 6),
            boilerplate: Vec::new(),
        };
        for_each_token_span(text, |w, start, end| {
            t.hashes.push(token_hash(w.as_bytes()));
            t.spans.push(ByteSpan { start, end });
        });
        t
    }

    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.hashes.len()
    }

    /// Whether there are no tokens.
    pub fn is_empty(&self) -> bool {
        self.hashes.is_empty()
    }
}

/// The hash a token is compared by (the fingerprinting pass hashes the
/// normalized stream's words the same way: `Fingerprinter::with_unmasked_words`).
#[inline]
pub(crate) fn token_hash(word: &[u8]) -> u64 {
    xxh3_64(word)
}

/// How much two token sequences share, without where: what every output's
/// `aligned_*`, `passage_count` and `longest_passage` are read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Coverage {
    /// Words (tokens) of A.
    pub words_a: usize,
    /// Words (tokens) of B.
    pub words_b: usize,
    /// Words matched inside passages (the same count on both sides).
    pub matched: usize,
    /// Passages kept.
    pub passages: usize,
    /// Words of the longest passage.
    pub longest: usize,
    /// Boilerplate words among them.
    pub boilerplate: Boilerplate,
}

/// Boilerplate words (`Tokens::boilerplate`) of each text, and of those
/// matched in passages (a word at a template's edge may be boilerplate on
/// one side only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Boilerplate {
    /// Boilerplate words of A.
    pub words_a: usize,
    /// Boilerplate words of B.
    pub words_b: usize,
    /// Boilerplate words of A matched in passages.
    pub matched_a: usize,
    /// Boilerplate words of B matched in passages.
    pub matched_b: usize,
}

impl Coverage {
    /// Share of A's words inside shared passages.
    pub fn aligned_a(&self) -> f64 {
        share(self.matched, self.words_a)
    }

    /// Share of B's words inside shared passages.
    pub fn aligned_b(&self) -> f64 {
        share(self.matched, self.words_b)
    }

    /// Words of A matched in passages that are not boilerplate.
    pub fn fresh_matched_a(&self) -> usize {
        self.matched - self.boilerplate.matched_a
    }

    /// Words of B matched in passages that are not boilerplate.
    pub fn fresh_matched_b(&self) -> usize {
        self.matched - self.boilerplate.matched_b
    }

    /// `aligned_a` counting only words that are not boilerplate: the share
    /// of A's own words (names, figures, its story) inside passages. 0 when
    /// every word is boilerplate.
    pub fn fresh_a(&self) -> f64 {
        share(
            self.fresh_matched_a(),
            self.words_a - self.boilerplate.words_a,
        )
    }

    /// `fresh_a` of B.
    pub fn fresh_b(&self) -> f64 {
        share(
            self.fresh_matched_b(),
            self.words_b - self.boilerplate.words_b,
        )
    }
}

/// How many of `flags` are set.
fn count_true(flags: &[bool]) -> usize {
    flags.iter().filter(|&&f| f).count()
}

/// The coverage of token hash sequences `x` and `y` (`Tokens::hashes`, or
/// the stream's word hashes) whose boilerplate words are `bx` and `by`
/// (empty: none): `align_tokens` without the byte spans.
pub(crate) fn coverage(
    x: &[u64],
    y: &[u64],
    bx: &[bool],
    by: &[bool],
    config: &AlignConfig,
) -> Coverage {
    let mut work = 0;
    let found = stretches(x, y, bx, by, config, &mut work);
    Coverage::of(&found, x.len(), y.len(), bx, by)
}

/// `coverage(x, x, bx, bx, config)`, without a search: a text's longest
/// maximal run against itself is all of it, found at its first seed's
/// first hit; greedy tiling takes it first and leaves no token free.
pub(crate) fn self_coverage(x: &[u64], bx: &[bool], config: &AlignConfig) -> Coverage {
    let found = if x.len() < SEED_WORDS {
        Vec::new()
    } else {
        passages(&[(0, 0, x.len())], x, x, bx, bx, config)
    };
    Coverage::of(&found, x.len(), x.len(), bx, bx)
}

impl Coverage {
    /// The coverage of passages `found` between texts of `words_a` and
    /// `words_b` words whose boilerplate words are `bx` and `by`.
    fn of(found: &[Stretch], words_a: usize, words_b: usize, bx: &[bool], by: &[bool]) -> Self {
        Coverage {
            words_a,
            words_b,
            matched: found.iter().map(|s| s.words).sum(),
            passages: found.len(),
            longest: found.iter().map(|s| s.words).max().unwrap_or(0),
            boilerplate: boilerplate_of(found, bx, by),
        }
    }
}

fn boilerplate_of(found: &[Stretch], bx: &[bool], by: &[bool]) -> Boilerplate {
    Boilerplate {
        words_a: count_true(bx),
        words_b: count_true(by),
        matched_a: found.iter().map(|s| s.boiler_a).sum(),
        matched_b: found.iter().map(|s| s.boiler_b).sum(),
    }
}

/// The passages two texts share and how much of each they cover.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Alignment {
    /// In A's order.
    pub passages: Vec<Passage>,
    /// Words of A.
    pub words_a: usize,
    /// Words of B.
    pub words_b: usize,
    /// Words matched inside passages (the same count on both sides).
    pub matched: usize,
    /// Comparisons and seed hits spent: bounded by the config's budget.
    pub work: u64,
    /// Boilerplate words of each text, and matched in passages.
    pub boilerplate: Boilerplate,
}

impl Alignment {
    /// Share of A's words inside shared passages.
    pub fn aligned_a(&self) -> f64 {
        share(self.matched, self.words_a)
    }

    /// Share of B's words inside shared passages.
    pub fn aligned_b(&self) -> f64 {
        share(self.matched, self.words_b)
    }

    /// Words of the longest passage.
    pub fn longest_passage(&self) -> usize {
        self.passages.iter().map(|p| p.words).max().unwrap_or(0)
    }

    /// The same figures without the spans.
    pub fn coverage(&self) -> Coverage {
        Coverage {
            words_a: self.words_a,
            words_b: self.words_b,
            matched: self.matched,
            passages: self.passages.len(),
            longest: self.longest_passage(),
            boilerplate: self.boilerplate,
        }
    }
}

fn share(n: usize, d: usize) -> f64 {
    if d == 0 {
        0.0
    } else {
        n as f64 / d as f64
    }
}

/// The shared passages of texts `a` and `b`.
pub fn align(a: &str, b: &str, config: &AlignConfig) -> Alignment {
    align_tokens(&Tokens::of(a), &Tokens::of(b), config)
}

/// A maximal exact run: `len` tokens from A's `i` and B's `j`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Run {
    len: usize,
    i: Reverse<usize>,
    j: Reverse<usize>,
}

/// `align` on tokenized texts (tokenize a document once for many pairs).
pub(crate) fn align_tokens(a: &Tokens, b: &Tokens, config: &AlignConfig) -> Alignment {
    debug_assert!(a.boilerplate.is_empty() || a.boilerplate.len() == a.len());
    debug_assert!(b.boilerplate.is_empty() || b.boilerplate.len() == b.len());
    let mut out = Alignment {
        words_a: a.len(),
        words_b: b.len(),
        ..Alignment::default()
    };
    let found = stretches(
        &a.hashes,
        &b.hashes,
        &a.boilerplate,
        &b.boilerplate,
        config,
        &mut out.work,
    );
    out.boilerplate = boilerplate_of(&found, &a.boilerplate, &b.boilerplate);
    out.passages = found
        .into_iter()
        .map(|s| Passage {
            a: ByteSpan {
                start: a.spans[s.a.start].start,
                end: a.spans[s.a.end - 1].end,
            },
            b: ByteSpan {
                start: b.spans[s.b.start].start,
                end: b.spans[s.b.end - 1].end,
            },
            words: s.words,
        })
        .collect();
    out.matched = out.passages.iter().map(|p| p.words).sum();
    out
}

/// A passage as token positions: `[start, end)` in A and in B, and the
/// words matched in it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stretch {
    a: std::ops::Range<usize>,
    b: std::ops::Range<usize>,
    words: usize,
    /// Boilerplate words matched in it, of A and of B.
    boiler_a: usize,
    boiler_b: usize,
}

/// The passages of token hash sequences `x` and `y` (boilerplate words
/// `bx` and `by`, empty: none), in A's order.
fn stretches(
    x: &[u64],
    y: &[u64],
    bx: &[bool],
    by: &[bool],
    config: &AlignConfig,
    work: &mut u64,
) -> Vec<Stretch> {
    if x.len() < SEED_WORDS || y.len() < SEED_WORDS {
        return Vec::new();
    }
    let budget = config.work_per_token * (x.len() + y.len()) as u64 + 4096;
    RUN_SCRATCH.with_borrow_mut(|sc| {
        let runs = maximal_runs(sc, x, y, config.max_seed_hits, budget, work);
        let tiles = tile(sc, runs, x.len(), y.len(), work);
        passages(&tiles, x, y, bx, by, config)
    })
}

fn seed(h: &[u64], i: usize) -> u64 {
    h[i].rotate_left(17) ^ h[i + 1].wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// Per-thread tables of `maximal_runs`, reused across pairs: an alignment
/// runs for nearly every verified pair, and hash maps built per pair were
/// most of its time.
#[derive(Default)]
struct RunScratch {
    /// Open-addressing table of B's seeds: key and first position (NONE: empty).
    keys: Vec<u64>,
    heads: Vec<u32>,
    /// Next position of the same seed in B, per position.
    next: Vec<u32>,
    /// Per diagonal (`j - i + |A|`): where the last run found on it ends.
    reach: Vec<u32>,
    /// Tokens of A and of B already tiled.
    used_a: Vec<bool>,
    used_b: Vec<bool>,
}

thread_local! {
    static RUN_SCRATCH: std::cell::RefCell<RunScratch> = std::cell::RefCell::new(RunScratch::default());
}

const NONE: u32 = u32::MAX;

impl RunScratch {
    /// Slot of `key` in a table of `mask + 1` slots: its own or the empty
    /// one where it would go.
    #[inline]
    fn slot(&self, key: u64, mask: usize) -> usize {
        let mut at = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as usize & mask;
        while self.heads[at] != NONE && self.keys[at] != key {
            at = (at + 1) & mask;
        }
        at
    }
}

/// Maximal exact runs of at least `SEED_WORDS` tokens: B's seeds indexed in
/// a chained table, A's looked up; a hit inside a run already found on its
/// diagonal is skipped. At most `max_hits` occurrences of a seed are tried,
/// and all work stops at `budget`.
fn maximal_runs(
    sc: &mut RunScratch,
    x: &[u64],
    y: &[u64],
    max_hits: usize,
    budget: u64,
    work: &mut u64,
) -> Vec<Run> {
    {
        let nb = y.len() + 1 - SEED_WORDS;
        let size = (2 * nb).next_power_of_two();
        let mask = size - 1;
        sc.keys.clear();
        sc.keys.resize(size, 0);
        sc.heads.clear();
        sc.heads.resize(size, NONE);
        sc.next.clear();
        sc.next.resize(nb, NONE);
        // Inserted last to first, so each chain runs in B's order.
        for j in (0..nb).rev() {
            let key = seed(y, j);
            let at = sc.slot(key, mask);
            sc.keys[at] = key;
            sc.next[j] = sc.heads[at];
            sc.heads[at] = j as u32;
        }
        sc.reach.clear();
        sc.reach.resize(x.len() + y.len(), 0);
        let mut runs = Vec::new();
        'a: for i in 0..x.len() + 1 - SEED_WORDS {
            let at = sc.slot(seed(x, i), mask);
            let mut j = sc.heads[at];
            let mut hits = 0;
            while j != NONE && hits < max_hits {
                hits += 1;
                *work += 1;
                if *work > budget {
                    break 'a;
                }
                let ju = j as usize;
                j = sc.next[ju];
                let diag = ju + x.len() - i;
                if sc.reach[diag] as usize > i {
                    continue;
                }
                let (mut s, mut t) = (i, ju);
                while s > 0 && t > 0 && x[s - 1] == y[t - 1] {
                    s -= 1;
                    t -= 1;
                }
                let mut len = i - s;
                while s + len < x.len() && t + len < y.len() && x[s + len] == y[t + len] {
                    len += 1;
                }
                *work += len as u64;
                if len >= SEED_WORDS {
                    sc.reach[diag] = (s + len) as u32;
                    runs.push(Run {
                        len,
                        i: Reverse(s),
                        j: Reverse(t),
                    });
                }
            }
        }
        runs
    }
}

/// Greedy string tiling: take the longest run whose tokens are free on both
/// sides, mark them, and put back the free pieces of runs that overlap.
/// Runs are taken longest first: from `runs` sorted once, and from a heap
/// of the pieces put back, whichever is larger (the order of one heap of all).
fn tile(
    sc: &mut RunScratch,
    mut runs: Vec<Run>,
    na: usize,
    nb: usize,
    work: &mut u64,
) -> Vec<(usize, usize, usize)> {
    runs.sort_unstable();
    let mut heap: BinaryHeap<Run> = BinaryHeap::new();
    let (used_a, used_b) = (&mut sc.used_a, &mut sc.used_b);
    used_a.clear();
    used_a.resize(na, false);
    used_b.clear();
    used_b.resize(nb, false);
    let mut tiles = Vec::new();
    loop {
        let from_heap = match (heap.peek(), runs.last()) {
            (Some(h), Some(r)) => h > r,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        let Some(r) = (if from_heap { heap.pop() } else { runs.pop() }) else {
            break;
        };
        let (i, j) = (r.i.0, r.j.0);
        *work += r.len as u64;
        let free = |k: usize| !used_a[i + k] && !used_b[j + k];
        if (0..r.len).all(free) {
            for k in 0..r.len {
                used_a[i + k] = true;
                used_b[j + k] = true;
            }
            tiles.push((i, j, r.len));
            continue;
        }
        let mut k = 0;
        while k < r.len {
            if !free(k) {
                k += 1;
                continue;
            }
            let s = k;
            while k < r.len && free(k) {
                k += 1;
            }
            if k - s >= SEED_WORDS {
                heap.push(Run {
                    len: k - s,
                    i: Reverse(i + s),
                    j: Reverse(j + s),
                });
            }
        }
    }
    tiles.sort_unstable();
    tiles
}

/// Tokens looked up one by one before `Frequent` counts them all.
const LAZY_COUNTS: usize = 16;

/// Which tokens are frequent in the pair (function words, in any language):
/// at least `share` of both texts' tokens and `FREQUENT_MIN` occurrences.
/// Counted on demand: a passage needs one token that is not frequent,
/// almost always its first, so most pairs count a few tokens, not all.
struct Frequent<'t> {
    a: &'t [u64],
    b: &'t [u64],
    /// Occurrences that make a token frequent (`usize::MAX`: none is).
    floor: usize,
    /// The tokens looked up one by one so far, and whether each is frequent.
    known: [(u64, bool); LAZY_COUNTS],
    known_len: usize,
    /// Every token's count, once `LAZY_COUNTS` were looked up one by one.
    all: Option<FxHashMap<u64, usize>>,
}

impl<'t> Frequent<'t> {
    fn new(a: &'t [u64], b: &'t [u64], share: f64) -> Self {
        let total = a.len() + b.len();
        let floor = ((share * total as f64).ceil() as usize).max(FREQUENT_MIN);
        Frequent {
            a,
            b,
            floor: if share <= 0.0 || total < floor {
                usize::MAX
            } else {
                floor
            },
            known: [(0, false); LAZY_COUNTS],
            known_len: 0,
            all: None,
        }
    }

    fn is_frequent(&mut self, h: u64) -> bool {
        if self.floor == usize::MAX {
            return false;
        }
        if let Some(all) = &self.all {
            return all.get(&h).is_some_and(|&n| n >= self.floor);
        }
        if let Some(&(_, f)) = self.known[..self.known_len].iter().find(|k| k.0 == h) {
            return f;
        }
        if self.known_len == LAZY_COUNTS {
            let mut all: FxHashMap<u64, usize> = FxHashMap::default();
            for &t in self.a.iter().chain(self.b) {
                *all.entry(t).or_default() += 1;
            }
            self.all = Some(all);
            return self.is_frequent(h);
        }
        // Two plain counts (not one over a chain): these vectorize.
        let count = |s: &[u64]| s.iter().map(|&t| (t == h) as usize).sum::<usize>();
        let frequent = count(self.a) + count(self.b) >= self.floor;
        self.known[self.known_len] = (h, frequent);
        self.known_len += 1;
        frequent
    }
}

/// Tiles (in A's order) joined into passages where the next tile follows on
/// both sides within `max_gap` tokens; passages too short, or made only of
/// common words, are dropped.
fn passages(
    tiles: &[(usize, usize, usize)],
    a: &[u64],
    b: &[u64],
    ba: &[bool],
    bb: &[bool],
    config: &AlignConfig,
) -> Vec<Stretch> {
    let mut frequent = Frequent::new(a, b, config.frequent_share);
    let mut out = Vec::new();
    let mut k = 0;
    while k < tiles.len() {
        let (i0, j0, _) = tiles[k];
        let mut words = 0;
        let (mut boiler_a, mut boiler_b) = (0, 0);
        let mut rare = false;
        let mut end = k;
        loop {
            let (i, j, len) = tiles[end];
            words += len;
            if !ba.is_empty() {
                boiler_a += count_true(&ba[i..i + len]);
            }
            if !bb.is_empty() {
                boiler_b += count_true(&bb[j..j + len]);
            }
            rare = rare || a[i..i + len].iter().any(|&h| !frequent.is_frequent(h));
            let Some(&(ni, nj, _)) = tiles.get(end + 1) else {
                break;
            };
            let (pi, pj, plen) = tiles[end];
            let (ea, eb) = (pi + plen, pj + plen);
            if ni >= ea && nj >= eb && ni - ea <= config.max_gap && nj - eb <= config.max_gap {
                end += 1;
            } else {
                break;
            }
        }
        let (li, lj, llen) = tiles[end];
        if words >= config.min_run && rare {
            out.push(Stretch {
                a: i0..li + llen,
                b: j0..lj + llen,
                words,
                boiler_a,
                boiler_b,
            });
        }
        k = end + 1;
    }
    out
}

#[cfg(test)]
mod tests;
