//! Damage detection for an archive: an xxh3 checksum sealed into each run
//! chunk and each document row, verified whenever one is read, and the full
//! check of `index stats --check` (SQLite's integrity_check and every seal).
//! See docs/design/archive-integrity.md.

use rusqlite::{Connection, ErrorCode};
use xxhash_rust::xxh3::{xxh3_64_with_seed, Xxh3};

/// Bytes of a chunk's seal: xxh3-64 of its entries, seeded with its rowid.
const CHUNK_SEAL: usize = 8;
/// Bytes of a document row's seal, after its signature: xxh3-64 of the
/// row's fields, then of its text, both seeded with its document number.
pub(super) const ROW_SEAL: usize = 16;

/// A read that found damage, as SQLite reports its own (SQLITE_CORRUPT), so
/// every caller maps it to "archive damaged" (exit 2) the one way.
pub(super) fn damage(what: impl Into<String>) -> rusqlite::Error {
    rusqlite::Error::SqliteFailure(
        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
        Some(what.into()),
    )
}

/// Whether `e` says the file is damaged: SQLite found it so, or a stored
/// value has a type or form reprint never writes.
pub(super) fn is_damage(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseCorrupt) | Some(ErrorCode::NotADatabase)
    ) || matches!(
        e,
        rusqlite::Error::FromSqlConversionFailure(..)
            | rusqlite::Error::InvalidColumnType(..)
            | rusqlite::Error::IntegralValueOutOfRange(..)
            | rusqlite::Error::Utf8Error(..)
    )
}

/// `entries` (a run chunk's encoding) with its seal appended.
pub(super) fn seal_chunk(id: i64, mut entries: Vec<u8>) -> Vec<u8> {
    let sum = xxh3_64_with_seed(&entries, id as u64);
    entries.extend_from_slice(&sum.to_le_bytes());
    entries
}

/// The entries of chunk `id` stored as `data`, checked: entries are 12
/// bytes, so a sealed chunk is 8 bytes past a multiple of 12 and an
/// unsealed one (written before checksums) a multiple.
pub(super) fn open_chunk(id: i64, data: &[u8]) -> rusqlite::Result<&[u8]> {
    match data.len() % 12 {
        0 => Ok(data),
        CHUNK_SEAL => {
            let (entries, seal) = data.split_at(data.len() - CHUNK_SEAL);
            if seal == xxh3_64_with_seed(entries, id as u64).to_le_bytes() {
                Ok(entries)
            } else {
                Err(damage(format!("bucket chunk {id} fails its checksum")))
            }
        }
        _ => Err(damage(format!(
            "bucket chunk {id} has a length no chunk has ({} bytes)",
            data.len()
        ))),
    }
}

/// The fields of a document row that its seal covers.
pub(super) struct RowFields<'a> {
    pub doc: i64,
    pub id: &'a str,
    pub title: Option<&'a str>,
    pub source: Option<&'a str>,
    pub date: Option<&'a str>,
    pub text_hash: &'a [u8],
    pub shingles: Option<i64>,
    pub signature: &'a [u8],
}

fn field(h: &mut Xxh3, v: Option<&[u8]>) {
    match v {
        Some(b) => {
            h.update(&[1]);
            h.update(&(b.len() as u64).to_le_bytes());
            h.update(b);
        }
        None => h.update(&[0]),
    }
}

fn row_sum(f: &RowFields) -> u64 {
    let mut h = Xxh3::with_seed(f.doc as u64);
    for v in [
        Some(f.id.as_bytes()),
        f.title.map(str::as_bytes),
        f.source.map(str::as_bytes),
        f.date.map(str::as_bytes),
        Some(f.text_hash),
    ] {
        field(&mut h, v);
    }
    field(
        &mut h,
        f.shingles.map(i64::to_le_bytes).as_ref().map(|b| &b[..]),
    );
    field(&mut h, Some(f.signature));
    h.digest()
}

fn text_sum(doc: i64, text: Option<&str>) -> u64 {
    let mut h = Xxh3::with_seed(doc as u64);
    field(&mut h, text.map(str::as_bytes));
    h.digest()
}

/// The signature column of a row: its signature bytes, then the seal.
pub(super) fn seal_row(f: &RowFields, text: Option<&str>) -> Vec<u8> {
    let mut out = Vec::with_capacity(f.signature.len() + ROW_SEAL);
    out.extend_from_slice(f.signature);
    out.extend_from_slice(&row_sum(f).to_le_bytes());
    out.extend_from_slice(&text_sum(f.doc, text).to_le_bytes());
    out
}

/// The signature bytes of a row whose signature column is `stored` (with
/// `f.signature` unset), checked against its seal; `text`, when read, is
/// checked too. `sig_bytes` is the archive's signature length; a column of
/// exactly that length was written before checksums.
pub(super) fn open_row<'a>(
    f: RowFields<'_>,
    stored: &'a [u8],
    sig_bytes: usize,
    text: Option<Option<&str>>,
) -> rusqlite::Result<&'a [u8]> {
    let doc = f.doc;
    if stored.len() == sig_bytes {
        return Ok(stored);
    }
    if stored.len() != sig_bytes + ROW_SEAL {
        return Err(damage(format!(
            "document {doc} ({:?}): its signature has a length no signature has ({} bytes)",
            f.id,
            stored.len()
        )));
    }
    let (sig, seal) = stored.split_at(sig_bytes);
    let sealed = RowFields {
        signature: sig,
        ..f
    };
    if seal[..8] != row_sum(&sealed).to_le_bytes() {
        return Err(damage(format!(
            "document {doc} ({:?}) fails its checksum",
            f.id
        )));
    }
    if let Some(text) = text {
        if seal[8..] != text_sum(doc, text).to_le_bytes() {
            return Err(damage(format!(
                "the text of document {doc} ({:?}) fails its checksum",
                f.id
            )));
        }
    }
    Ok(sig)
}

/// SQLite's `PRAGMA quick_check` (every page's structure, not the values):
/// `Ok(())` or the problems it found.
pub(super) fn quick_check(conn: &Connection) -> rusqlite::Result<Result<(), String>> {
    pragma_check(conn, "quick_check")
}

/// `PRAGMA integrity_check` or `quick_check`, its rows joined.
pub(super) fn pragma_check(
    conn: &Connection,
    pragma: &str,
) -> rusqlite::Result<Result<(), String>> {
    let mut st = conn.prepare(&format!("PRAGMA {pragma}(20)"))?;
    let rows: Vec<String> = st
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(if rows == ["ok"] {
        Ok(())
    } else {
        Err(rows.join("; "))
    })
}

/// What `index stats --check` found.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct CheckReport {
    /// SQLite's `integrity_check`: "ok" or its first problems.
    pub sqlite: String,
    /// Chunks and documents whose checksums were verified.
    pub chunks_checked: usize,
    /// Documents whose checksums were verified.
    pub documents_checked: usize,
    /// Chunks and documents written before checksums (format 4), unverified.
    pub chunks_unsealed: usize,
    /// Documents written before checksums, unverified.
    pub documents_unsealed: usize,
    /// Word signatures (format 6) whose checksums were verified.
    pub word_signatures_checked: usize,
    /// Each damaged chunk or document (at most `MAX_LISTED`), then a count.
    pub damaged: Vec<String>,
    /// Damaged chunks and documents in all.
    pub damaged_total: usize,
}

impl CheckReport {
    /// Whether nothing is damaged.
    pub fn is_ok(&self) -> bool {
        self.sqlite == "ok" && self.damaged_total == 0
    }

    pub(super) fn found(&mut self, what: String) {
        if self.damaged.len() < MAX_LISTED {
            self.damaged.push(what);
        }
        self.damaged_total += 1;
    }

    /// One line for humans.
    pub fn summary(&self) -> String {
        let mut s = format!(
            "sqlite {}; {} chunks and {} documents verified",
            self.sqlite, self.chunks_checked, self.documents_checked
        );
        if self.word_signatures_checked > 0 {
            s.push_str(&format!(
                ", {} word signatures",
                self.word_signatures_checked
            ));
        }
        if self.chunks_unsealed + self.documents_unsealed > 0 {
            s.push_str(&format!(
                "; checksums absent on {} chunks and {} documents (written before format 5)",
                self.chunks_unsealed, self.documents_unsealed
            ));
        }
        if self.damaged_total > 0 {
            s.push_str(&format!(
                "; {} damaged: {}",
                self.damaged_total,
                self.damaged.join("; ")
            ));
        }
        s
    }
}

/// Damaged items listed by name in a report.
const MAX_LISTED: usize = 20;

/// The full check: `integrity_check`, then every chunk's and every
/// document's seal. Reads the whole file. A table SQLite cannot read at all
/// is reported, not raised.
pub(super) fn full_check(conn: &Connection, sig_bytes: usize) -> CheckReport {
    let sqlite = match pragma_check(conn, "integrity_check") {
        Ok(Ok(())) => "ok".into(),
        Ok(Err(problems)) => problems,
        Err(e) => e.to_string(),
    };
    let mut report = CheckReport {
        sqlite,
        ..Default::default()
    };
    if let Err(e) = check_chunks(conn, &mut report) {
        report.found(format!("the bucket chunks could not all be read ({e})"));
    }
    if let Err(e) = check_docs(conn, sig_bytes, &mut report) {
        report.found(format!("the documents could not all be read ({e})"));
    }
    report
}

/// Every chunk's seal, into `report`.
fn check_chunks(conn: &Connection, report: &mut CheckReport) -> rusqlite::Result<()> {
    let mut st = conn.prepare("SELECT id, data FROM chunks")?;
    let mut rows = st.query([])?;
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        match row.get_ref(1)?.as_blob() {
            Ok(data) if data.len() % 12 == 0 => report.chunks_unsealed += 1,
            Ok(data) => match open_chunk(id, data) {
                Ok(_) => report.chunks_checked += 1,
                Err(e) => report.found(e.to_string()),
            },
            Err(_) => report.found(format!("bucket chunk {id} is not a blob")),
        }
    }
    Ok(())
}

/// Every document row's seal, its text included, into `report`.
fn check_docs(
    conn: &Connection,
    sig_bytes: usize,
    report: &mut CheckReport,
) -> rusqlite::Result<()> {
    let mut st = conn.prepare(
        "SELECT doc, id, title, source, date, text_hash, shingles, signature, text FROM docs",
    )?;
    let mut rows = st.query([])?;
    while let Some(row) = rows.next()? {
        let doc: i64 = row.get(0)?;
        let read = || -> rusqlite::Result<bool> {
            let fields = RowFields {
                doc,
                id: row.get_ref(1)?.as_str()?,
                title: row.get_ref(2)?.as_str_or_null()?,
                source: row.get_ref(3)?.as_str_or_null()?,
                date: row.get_ref(4)?.as_str_or_null()?,
                text_hash: row.get_ref(5)?.as_blob()?,
                shingles: row.get(6)?,
                signature: &[],
            };
            let stored = row.get_ref(7)?.as_blob()?;
            let text = row.get_ref(8)?.as_str_or_null()?;
            open_row(fields, stored, sig_bytes, Some(text))?;
            Ok(stored.len() != sig_bytes)
        };
        match read() {
            Ok(true) => report.documents_checked += 1,
            Ok(false) => report.documents_unsealed += 1,
            Err(e) if e.sqlite_error_code().is_some() => report.found(e.to_string()),
            Err(e) => report.found(format!("document {doc}: a value of the wrong type ({e})")),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields<'a>(sig: &'a [u8]) -> RowFields<'a> {
        RowFields {
            doc: 7,
            id: "a",
            title: None,
            source: Some("wire"),
            date: None,
            text_hash: &[3; 16],
            shingles: None,
            signature: sig,
        }
    }

    #[test]
    fn a_sealed_chunk_opens_and_any_flipped_byte_is_damage() {
        let entries: Vec<u8> = (0..24u8).collect();
        let sealed = seal_chunk(99, entries.clone());
        assert_eq!(open_chunk(99, &sealed).unwrap(), &entries[..]);
        // Unsealed (older) chunks open as they are.
        assert_eq!(open_chunk(99, &entries).unwrap(), &entries[..]);
        for i in 0..sealed.len() {
            let mut bad = sealed.clone();
            bad[i] ^= 0x10;
            assert!(is_damage(&open_chunk(99, &bad).unwrap_err()), "byte {i}");
        }
        // Moved to another rowid, or cut short.
        assert!(open_chunk(98, &sealed).is_err());
        assert!(open_chunk(99, &sealed[..sealed.len() - 1]).is_err());
    }

    #[test]
    fn a_sealed_row_checks_its_fields_and_text() {
        let sig = [1u8, 2, 3, 4, 5, 6, 7, 8];
        let stored = seal_row(&fields(&sig), Some("text"));
        let open =
            |f: RowFields<'_>, text| open_row(f, &stored, sig.len(), text).map(<[u8]>::to_vec);
        assert_eq!(open(fields(&[]), Some(Some("text"))).unwrap(), sig);
        assert_eq!(open(fields(&[]), None).unwrap(), sig);
        assert!(open(fields(&[]), Some(Some("texT"))).is_err());
        assert!(open(fields(&[]), Some(None)).is_err());
        let mut f = fields(&[]);
        f.source = Some("wirf");
        assert!(is_damage(&open(f, None).unwrap_err()));
        let mut f = fields(&[]);
        f.doc = 8;
        assert!(open(f, None).is_err());
        let mut flipped = stored.clone();
        flipped[2] ^= 1;
        assert!(open_row(fields(&[]), &flipped, sig.len(), None).is_err());
        // A row written before checksums: its signature alone.
        assert_eq!(open_row(fields(&[]), &sig, sig.len(), None).unwrap(), sig);
    }
}
