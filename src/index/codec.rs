//! How values are stored in the archive: signatures as little-endian bytes,
//! dates as day numbers, exact-text hashes as bucket keys, and the number of
//! bands the bucket runs file.

use crate::minhash::Signature;

pub(super) fn signature_bytes(sig: &Signature) -> Vec<u8> {
    sig.0.iter().flat_map(|v| v.to_le_bytes()).collect()
}

pub(super) fn signature_from(bytes: &[u8]) -> Signature {
    Signature(
        bytes
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect(),
    )
}

/// Days since 1970-01-01 of a date starting `YYYY-MM-DD`, if it does.
pub fn day_number(date: &str) -> Option<i64> {
    let b = date.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> { date.get(r)?.parse().ok() };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// Today as days since 1970-01-01 (UTC).
pub fn today() -> i64 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    (secs / 86_400) as i64
}

/// Bands filed in the bucket runs of an archive of `lsh_bands` LSH bands
/// and `word_bands` word-signature bands: the LSH bands, then the
/// exact-text hash as one more, then the word bands (`word_band`), then the
/// id hash (always the last: see `ids`).
pub(super) fn run_bands_for(lsh_bands: usize, word_bands: usize) -> usize {
    lsh_bands + 2 + word_bands
}

/// The run band of word band `band` of an archive of `lsh_bands` LSH bands.
pub(super) fn word_band(lsh_bands: usize, band: usize) -> u32 {
    (lsh_bands + 1 + band) as u32
}

/// The bucket key of an exact text hash (filed as one more band).
pub(super) fn text_key(hash: u128) -> i64 {
    hash as u64 as i64
}
