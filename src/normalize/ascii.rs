//! ASCII in the normalized stream a byte at a time, and each token's
//! spelling folded in place where it ends: what the stream's byte and SSE
//! paths (`joined`) both write with.

use super::spelling::{fold_parts, may_fold};

/// What an ASCII byte does in a token: `0` ends it, `1` is dropped (the
/// apostrophe), anything else is the byte to append (lowercased).
pub(super) const ASCII_CLASS: [u8; 256] = {
    // 256 entries (non-ASCII bytes never looked up) so indexing by any byte
    // needs no bounds check in the hot loop.
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase()
        } else if c == b'\'' {
            1
        } else {
            0
        };
        b += 1;
    }
    t
};

/// `ascii_run` a byte at a time: each byte's class is written without a
/// branch (a dropped byte is written past the end and overwritten), and
/// only token ends branch, to fold the token's spelling.
#[inline]
pub(super) fn ascii_run_bytes(
    run: &[u8],
    v: &mut Vec<u8>,
    start: &mut usize,
    words: &mut impl WordEnds,
) {
    // Room for every byte plus the one written past the end; a fold can
    // lengthen a token by one byte, after which room is made again.
    v.reserve(run.len() + 1);
    let mut len = v.len();
    let mut at = v.as_mut_ptr();
    for (k, &b) in run.iter().enumerate() {
        let c = ASCII_CLASS[b as usize];
        debug_assert!(len < v.capacity());
        // SAFETY: `len < capacity` (reserved above, each byte adds at most
        // one), and the byte is only kept (`len` advanced) when it is ASCII.
        unsafe { *at.add(len) = c };
        len += (c > 1) as usize;
        if c == 0 && len > *start {
            // SAFETY: bytes up to `len` were written above.
            unsafe { v.set_len(len) };
            fold_tail(v, *start, words);
            len = v.len();
            *start = len;
            v.reserve(run.len() - k + 1);
            at = v.as_mut_ptr();
        }
    }
    // SAFETY: as above.
    unsafe { v.set_len(len) };
}

/// `ascii_run_bytes` of the one byte `b`: the lone space or mark between
/// two words of a non-Latin text, without setting up a run.
#[inline(always)]
pub(super) fn ascii_byte(b: u8, v: &mut Vec<u8>, start: &mut usize, words: &mut impl WordEnds) {
    match ASCII_CLASS[b as usize] {
        0 => end_token(v, start, words),
        1 => {}
        c => v.push(c),
    }
}

/// End the token `v[start..]`, if any: fold its spelling, tell `words`,
/// and start the next one after it.
#[inline(always)]
pub(super) fn end_token(v: &mut Vec<u8>, start: &mut usize, words: &mut impl WordEnds) {
    if v.len() > *start {
        fold_tail(v, *start, words);
        *start = v.len();
    }
}

/// Where the words of a normalized stream end, told as the stream is
/// written: the word signature reads its words from the fingerprint's pass.
pub(super) trait WordEnds {
    fn end(&mut self, at: usize);
    /// Forget every end told (the stream is written again).
    fn clear(&mut self);
}

/// Ends not wanted.
impl WordEnds for () {
    #[inline(always)]
    fn end(&mut self, _: usize) {}
    fn clear(&mut self) {}
}

/// Each word's end offset in the stream, ascending, none twice.
impl WordEnds for Vec<usize> {
    #[inline(always)]
    fn end(&mut self, at: usize) {
        if at > self.last().copied().unwrap_or(0) {
            self.push(at);
        }
    }
    fn clear(&mut self) {
        Vec::clear(self);
    }
}

/// Fold the spelling of the token `v[start..]` in place; `words` hears where
/// it ends.
#[inline]
pub(super) fn fold_tail(v: &mut Vec<u8>, start: usize, words: &mut impl WordEnds) {
    fold_token(v, start);
    words.end(v.len());
}

#[inline]
fn fold_token(v: &mut Vec<u8>, start: usize) {
    let token = &v[start..];
    let n = token.len();
    if n < 4 || !may_fold(token[n - 3], token[n - 2], token[n - 1]) {
        return;
    }
    // SAFETY: `v[start..]` is whole characters (see `joined_nfkc_into`).
    let token = unsafe { std::str::from_utf8_unchecked(token) };
    let (stem, suffix) = fold_parts(token);
    if suffix.is_empty() {
        return;
    }
    let keep = start + stem.len();
    v.truncate(keep);
    v.extend_from_slice(suffix.as_bytes());
}
