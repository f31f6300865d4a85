//! Counting, without ordering anything, a document's distinct hashes and
//! the hashes two documents share (verification): linear-probing tables
//! reused across documents.

thread_local! {
    /// Per-thread table of `distinct_count`, reused across calls.
    static DISTINCT: std::cell::RefCell<DistinctTable> = std::cell::RefCell::new(DistinctTable::default());
}

/// log2 of the slots of a table for `n` hashes: 2 to 4 slots per hash.
fn table_bits(n: usize) -> u32 {
    (usize::BITS - n.leading_zeros() + 1).clamp(8, 40)
}

/// The distinct values of `hashes` (repeats allowed), in no set order:
/// a document counted as B against many A's once (`OverlapTable::count_distinct_b`).
pub(crate) fn distinct_values(hashes: &[u64]) -> Vec<u64> {
    DISTINCT.with_borrow_mut(|table| {
        table.fill(hashes);
        let mut out: Vec<u64> = Vec::with_capacity(table.len);
        out.extend(
            table
                .slots
                .iter()
                .copied()
                .filter(|&h| h != DistinctTable::EMPTY),
        );
        if table.zero {
            out.push(DistinctTable::EMPTY);
        }
        out
    })
}

/// How many distinct values `hashes` holds (repeats allowed): what a
/// document's distinct shingle count needs, without the order
/// a sort would pay for (a per-thread `DistinctTable`).
pub(crate) fn distinct_count(hashes: &[u64]) -> usize {
    DISTINCT.with_borrow_mut(|table| table.fill(hashes))
}

/// The distinct values of a slice of 64-bit hashes in a plain
/// linear-probing table of 2 to 4 slots per value, each placed by a
/// multiplicative mix of itself (so keys alike in their top or low bits
/// spread too); reused across documents, so it allocates only to grow.
/// Zero marks an empty slot and is kept aside.
#[derive(Debug, Default)]
pub(crate) struct DistinctTable {
    slots: Vec<u64>,
    shift: u32,
    len: usize,
    zero: bool,
}

impl DistinctTable {
    const EMPTY: u64 = 0;

    /// Hold the distinct values of `hashes` (and nothing else); returns how
    /// many there are.
    pub(crate) fn fill(&mut self, hashes: &[u64]) -> usize {
        self.fill_with_room(hashes, hashes.len())
    }

    /// `fill`, with room for `room` values (at least `hashes.len()`).
    fn fill_with_room(&mut self, hashes: &[u64], room: usize) -> usize {
        self.clear_for(room);
        for &h in hashes {
            self.insert(h);
        }
        self.len
    }

    /// Empty, with room for `n` values: at least twice as many slots, so a
    /// probe always ends at an empty slot.
    pub(crate) fn clear_for(&mut self, n: usize) {
        let bits = table_bits(n);
        self.shift = 64 - bits;
        self.slots.clear();
        self.slots.resize(1 << bits, Self::EMPTY);
        self.len = 0;
        self.zero = false;
    }

    fn home(&self, h: u64) -> usize {
        (h.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize
    }

    /// Add `h`; true when it was not there yet. At most the `n` of
    /// `clear_for` values may be added.
    pub(crate) fn insert(&mut self, h: u64) -> bool {
        if h == Self::EMPTY {
            let new = !self.zero;
            self.zero = true;
            self.len += new as usize;
            return new;
        }
        // Its own probe, empty slot first: filling a table mostly meets one.
        let wrap = self.slots.len() - 1;
        let mut i = self.home(h);
        loop {
            let cur = self.slots[i];
            if cur == Self::EMPTY {
                self.slots[i] = h;
                self.len += 1;
                return true;
            }
            if cur == h {
                return false;
            }
            i = (i + 1) & wrap;
        }
    }

    /// The slot holding `h` (not `EMPTY`) and true, or the empty slot where
    /// it would go and false: the probe `count_b` and `count_distinct_b` share.
    #[inline(always)]
    fn slot(&self, h: u64) -> (usize, bool) {
        let wrap = self.slots.len() - 1;
        let mut i = self.home(h);
        loop {
            let cur = self.slots[i];
            if cur == h {
                return (i, true);
            }
            if cur == Self::EMPTY {
                return (i, false);
            }
            i = (i + 1) & wrap;
        }
    }
}

/// One document's (A's) distinct hashes in a linear-probing table, against
/// which other documents (B) are counted one at a time. A B's hashes that A
/// lacks are added to A's table for its count and taken out after it, and a
/// byte per slot (16 to 32 KB for a news-length A) marks what this B has
/// seen: a B costs one probe per hash, no table of its own and nothing to
/// clear.
#[derive(Debug, Default)]
pub(crate) struct OverlapTable {
    /// A's values; while a B is counted, also B's values that A lacks.
    table: DistinctTable,
    /// Per slot, the round (B) that last saw its value.
    seen: Vec<u8>,
    round: u8,
    /// The round that last saw the value 0 (kept aside by `DistinctTable`).
    zero_seen: u8,
    /// Slots a B's values were added to, emptied when it is counted.
    added: Vec<usize>,
}

impl OverlapTable {
    /// Make `hashes` (repeats allowed) A.
    pub(crate) fn fill_a(&mut self, hashes: &[u64]) {
        // Room for A and a B as long (a longer B grows the table).
        self.table.fill_with_room(hashes, 2 * hashes.len());
        self.reset_seen();
    }

    /// A's distinct count.
    pub(crate) fn len_a(&self) -> usize {
        self.table.len
    }

    /// B's distinct count and how many of those A holds.
    pub(crate) fn count_b(&mut self, hashes: &[u64]) -> (usize, usize) {
        let need = self.table.len + hashes.len();
        if 2 * need > self.table.slots.len() {
            self.grow(need);
        }
        self.round = self.round.wrapping_add(1);
        if self.round == 0 {
            self.reset_seen();
            self.round = 1;
        }
        let round = self.round;
        let t = &mut self.table;
        let (mut distinct, mut shared) = (0, 0);
        for &h in hashes {
            if h == DistinctTable::EMPTY {
                if self.zero_seen != round {
                    self.zero_seen = round;
                    distinct += 1;
                    shared += t.zero as usize;
                }
                continue;
            }
            let (i, found) = t.slot(h);
            if found {
                // A's value seen for the first time in this round, or
                // a repeat (of A's value or of one this B added).
                if self.seen[i] != round {
                    self.seen[i] = round;
                    distinct += 1;
                    shared += 1;
                }
            } else {
                // Not in A: held until B is counted. B's values only
                // take slots A left empty, so emptying them again
                // leaves exactly A's table.
                t.slots[i] = h;
                self.seen[i] = round;
                self.added.push(i);
                distinct += 1;
            }
        }
        for &i in &self.added {
            t.slots[i] = DistinctTable::EMPTY;
        }
        self.added.clear();
        (distinct, shared)
    }

    /// `count_b` of hashes without repeats (`distinct_values`): only probes,
    /// nothing written, for a B counted against several A's.
    pub(crate) fn count_distinct_b(&self, distinct: &[u64]) -> (usize, usize) {
        let t = &self.table;
        let mut shared = 0;
        for &h in distinct {
            shared += if h == DistinctTable::EMPTY {
                t.zero as usize
            } else {
                t.slot(h).1 as usize
            };
        }
        (distinct.len(), shared)
    }

    /// Rebuild A's table with room for `n` values.
    fn grow(&mut self, n: usize) {
        let mut values: Vec<u64> = std::mem::take(&mut self.table.slots)
            .into_iter()
            .filter(|&h| h != DistinctTable::EMPTY)
            .collect();
        if self.table.zero {
            values.push(DistinctTable::EMPTY);
        }
        self.table.fill_with_room(&values, n);
        self.reset_seen();
    }

    fn reset_seen(&mut self) {
        self.seen.clear();
        self.seen.resize(self.table.slots.len(), 0);
        self.round = 0;
        self.zero_seen = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::radix::tests::random;

    /// `distinct_count` against sort and dedup.
    #[test]
    fn distinct_values_equal_sort_and_dedup() {
        for n in [0usize, 1, 255, 256, 257, 3000, 20_000, 300_000] {
            let mut v = random(n);
            // Repeats of other values too, and the tables' empty marker.
            let extra: Vec<u64> = v.iter().step_by(5).copied().collect();
            v.extend(extra);
            if n > 2 {
                v[1] = 0;
                v[2] = u64::MAX;
            }
            // Plain keys; keys alike in their top bits (all zero or all one)
            // or in their low 44 bits.
            for keys in [
                v.clone(),
                v.iter().map(|h| h >> 40).collect::<Vec<u64>>(),
                v.iter().map(|h| h | (u64::MAX << 20)).collect(),
                v.iter().map(|h| h << 44).collect(),
            ] {
                let mut want = keys.clone();
                want.sort_unstable();
                want.dedup();
                assert_eq!(distinct_count(&keys), want.len(), "{n}");
                let mut got = distinct_values(&keys);
                got.sort_unstable();
                assert_eq!(got, want, "{n}");
            }
        }
    }
}
