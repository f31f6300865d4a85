//! The parameters an archive is built with (shingles, MinHash, LSH bands,
//! boilerplate mask): the defaults, what the user asked for, the check that
//! a request matches what an existing archive stores, and reading them back.

use super::codec::run_bands_for;
use super::errors::{bad_index, db_error};
use super::schema::{FORMAT_VERSION, MIN_FORMAT_VERSION};
use super::{header, runs};
use crate::boilerplate::{Mask, MaskConfig};
use crate::error::{Error, Result};
use crate::fingerprint::Fingerprinter;
use crate::lsh::{Banding, DEFAULT_THRESHOLD};
use crate::minhash::DEFAULT_NUM_PERM;
use crate::normalize::NORMALIZATION_VERSION;
use crate::shingle::DEFAULT_K;
use crate::wordsig::{WordSigner, WORD_NUM_PERM};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use std::path::Path;

/// Parameters the user asked for; `None` means the stored (or default) one.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ParamRequest {
    /// MinHash signature length.
    pub num_perm: Option<usize>,
    /// Shingle size.
    pub shingle_size: Option<usize>,
    /// Hash seed.
    pub seed: Option<u64>,
    /// LSH threshold.
    pub threshold: Option<f64>,
    /// Boilerplate mask share.
    pub mask_share: Option<f64>,
    /// Boilerplate mask minimum documents.
    pub mask_min_docs: Option<usize>,
    /// `Some(false)`: a new archive keeps no word signatures
    /// (`--no-word-candidates`); an existing one that keeps them refuses it.
    pub words: Option<bool>,
}

/// Everything stored in an index that changes fingerprints or band keys.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndexParams {
    /// Archive format version.
    pub format_version: i32,
    /// The shingle kind (`char`).
    pub shingle: String,
    /// Shingle size.
    pub k: usize,
    /// MinHash signature length.
    pub num_perm: usize,
    /// Hash seed.
    pub seed: u64,
    /// Version of the text normalization.
    pub normalization: u32,
    /// LSH threshold.
    pub threshold: f64,
    /// LSH bands.
    pub bands: usize,
    /// Rows per band.
    pub rows: usize,
    /// Boilerplate mask share.
    pub mask_share: f64,
    /// Boilerplate mask minimum documents.
    pub mask_min_docs: usize,
    /// Bands of the word signature filed in the bucket runs (0: the archive
    /// keeps no word signatures, as every archive before format 6).
    pub word_bands: usize,
    /// Rows per word band.
    pub word_rows: usize,
}

impl IndexParams {
    /// The parameters of a new index: the request over the defaults.
    pub fn new(req: &ParamRequest) -> IndexParams {
        let num_perm = req.num_perm.unwrap_or(DEFAULT_NUM_PERM);
        let threshold = req.threshold.unwrap_or(DEFAULT_THRESHOLD);
        let banding = Banding::optimal(threshold, num_perm);
        let fp = Fingerprinter::new(
            req.shingle_size.unwrap_or(DEFAULT_K),
            num_perm,
            req.seed.unwrap_or(0),
        );
        let p = fp.params();
        let words = WordSigner::default();
        IndexParams {
            format_version: FORMAT_VERSION,
            shingle: p.shingle.to_string(),
            k: p.k,
            num_perm: p.num_perm,
            seed: p.seed,
            normalization: p.normalization,
            threshold,
            bands: banding.bands,
            rows: banding.rows,
            mask_share: req.mask_share.unwrap_or(MaskConfig::default().share),
            mask_min_docs: req.mask_min_docs.unwrap_or(MaskConfig::default().min_docs),
            word_bands: if req.words == Some(false) {
                0
            } else {
                words.banding.bands
            },
            word_rows: if req.words == Some(false) {
                0
            } else {
                words.banding.rows
            },
        }
    }

    /// The word signature of these parameters (None: the archive keeps none).
    pub(crate) fn word_signer(&self) -> Option<WordSigner> {
        (self.word_bands > 0).then(|| WordSigner {
            banding: Banding {
                bands: self.word_bands,
                rows: self.word_rows,
            },
            ..WordSigner::default()
        })
    }

    /// The fingerprinter of these parameters.
    pub fn fingerprinter(&self) -> Fingerprinter {
        Fingerprinter::new(self.k, self.num_perm, self.seed)
    }

    /// The LSH banding of these parameters.
    pub fn banding(&self) -> Banding {
        Banding {
            bands: self.bands,
            rows: self.rows,
        }
    }

    /// The boilerplate mask settings of these parameters.
    pub(crate) fn mask_config(&self) -> MaskConfig {
        MaskConfig::from_options(self.mask_share, self.mask_min_docs)
    }

    /// The first requested parameter that differs from the stored ones.
    pub(super) fn mismatch(&self, req: &ParamRequest) -> Option<String> {
        let differs = |name: &str, stored: String, asked: Option<String>| {
            asked
                .filter(|a| *a != stored)
                .map(|a| format!("the index was built with {name} {stored}, not {a}; leave the option out to use the index's value, or build a new index"))
        };
        differs(
            "--num-perm",
            self.num_perm.to_string(),
            req.num_perm.map(|v| v.to_string()),
        )
        .or_else(|| {
            differs(
                "--shingle-size",
                self.k.to_string(),
                req.shingle_size.map(|v| v.to_string()),
            )
        })
        .or_else(|| {
            differs(
                "--seed",
                self.seed.to_string(),
                req.seed.map(|v| v.to_string()),
            )
        })
        .or_else(|| {
            differs(
                "--threshold",
                self.threshold.to_string(),
                req.threshold.map(|v| v.to_string()),
            )
        })
        .or_else(|| {
            differs(
                "--mask-share",
                self.mask_share.to_string(),
                req.mask_share.map(|v| v.to_string()),
            )
        })
        .or_else(|| {
            differs(
                "--mask-min-docs",
                self.mask_min_docs.to_string(),
                req.mask_min_docs.map(|v| v.to_string()),
            )
        })
        .or_else(|| {
            (req.words == Some(false) && self.word_bands > 0).then(|| {
                "the index keeps word signatures, so every document added to it is signed; leave --no-word-candidates out (query takes it), or build a new index".to_string()
            })
        })
    }

    pub(super) fn rows(&self) -> Vec<(&'static str, String)> {
        vec![
            ("shingle", self.shingle.clone()),
            ("k", self.k.to_string()),
            ("num_perm", self.num_perm.to_string()),
            ("seed", self.seed.to_string()),
            ("normalization", self.normalization.to_string()),
            ("threshold", self.threshold.to_string()),
            ("bands", self.bands.to_string()),
            ("rows", self.rows.to_string()),
            ("mask_share", self.mask_share.to_string()),
            ("mask_min_docs", self.mask_min_docs.to_string()),
            ("word_bands", self.word_bands.to_string()),
            ("word_rows", self.word_rows.to_string()),
        ]
    }
}

/// Read and check the stored parameters and mask.
pub(super) fn read_meta(conn: &Connection, path: &Path) -> Result<(IndexParams, Mask)> {
    let get = |key: &str| -> Result<Option<rusqlite::types::Value>> {
        conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(|e| match e.sqlite_error_code() {
                None => bad_index(path, format!("not a reprint index ({e})")),
                Some(_) => db_error(path, e),
            })
            .map_err(|e| match e {
                Error::Database { message, .. } if message.contains("no such table") => {
                    bad_index(path, "not a reprint index (no meta table)")
                }
                e => e,
            })
    };
    let text = |key: &str| -> Result<String> {
        match get(key)? {
            Some(rusqlite::types::Value::Text(s)) => Ok(s),
            Some(rusqlite::types::Value::Integer(i)) => Ok(i.to_string()),
            _ => Err(bad_index(
                path,
                format!("not a usable reprint index: parameter {key} missing"),
            )),
        }
    };
    let num = |key: &str| -> Result<u64> {
        text(key)?.parse().map_err(|_| {
            bad_index(
                path,
                format!("not a usable reprint index: parameter {key} is not a number"),
            )
        })
    };
    let version = num("format_version")? as i32;
    if version > FORMAT_VERSION {
        return Err(bad_index(
            path,
            format!("index format {version} was written by a newer reprint; this one reads format {FORMAT_VERSION}"),
        ));
    }
    if version < MIN_FORMAT_VERSION {
        return Err(bad_index(path, header::older_format(version)));
    }
    let float = |key: &str| -> Result<f64> {
        text(key)?.parse().map_err(|_| {
            bad_index(
                path,
                format!("not a usable reprint index: parameter {key} is not a number"),
            )
        })
    };
    let params = IndexParams {
        format_version: version,
        shingle: text("shingle")?,
        k: num("k")? as usize,
        num_perm: num("num_perm")? as usize,
        seed: num("seed")?,
        normalization: num("normalization")? as u32,
        threshold: float("threshold")?,
        bands: num("bands")? as usize,
        rows: num("rows")? as usize,
        mask_share: float("mask_share")?,
        mask_min_docs: num("mask_min_docs")? as usize,
        // Absent before format 6: no word signatures.
        word_bands: match get("word_bands")? {
            Some(_) => num("word_bands")? as usize,
            None => 0,
        },
        word_rows: match get("word_rows")? {
            Some(_) => num("word_rows")? as usize,
            None => 0,
        },
    };
    let current = params.fingerprinter().params();
    if params.shingle != current.shingle || params.normalization != NORMALIZATION_VERSION {
        return Err(bad_index(
            path,
            format!(
                "the index was built with {} shingles and normalization version {}; this reprint makes {} shingles with normalization version {}: rebuild the index",
                params.shingle, params.normalization, current.shingle, NORMALIZATION_VERSION
            ),
        ));
    }
    if params.bands == 0
        || run_bands_for(params.bands, params.word_bands) > runs::MAX_BANDS
        || (params.word_bands > 0
            && (params.word_rows == 0 || params.word_bands * params.word_rows > WORD_NUM_PERM))
        || params.rows == 0
        || params.bands * params.rows > params.num_perm
        || params.k == 0
    {
        return Err(bad_index(
            path,
            "not a usable reprint index: inconsistent parameters",
        ));
    }
    let mask = match get("mask")? {
        Some(rusqlite::types::Value::Blob(b)) => Mask::from_bytes(&b),
        _ => None,
    }
    .ok_or_else(|| {
        bad_index(
            path,
            "not a usable reprint index: boilerplate mask missing or damaged",
        )
    })?;
    Ok((params, mask))
}
