//! reprint: find syndicated and duplicated news copy, and show what editors
//! changed between versions. The `reprint` binary is a thin layer over this
//! library.
//!
//! The typed API in brief: a [`Corpus`] goes through [`scan::scan`] with a
//! [`scan::ScanConfig`] and gives a [`scan::ScanResult`]; [`diff::diff`]
//! compares two texts; an [`index::Index`] is a persistent archive that
//! stories are added to and queried against.
//!
//! Scanning a small corpus held in memory:
//!
//! ```
//! use reprint::corpus::{Corpus, Document};
//! use reprint::progress::Progress;
//! use reprint::scan::{scan, ScanConfig};
//!
//! let story = "The central bank raised its main interest rate by a quarter point on \
//!     Tuesday, citing stubborn inflation in services and a tight labour market. \
//!     Officials said further increases were possible if prices kept rising.";
//! let doc = |id: &str, text: &str| Document {
//!     id: id.into(),
//!     title: None,
//!     source: None,
//!     date: None,
//!     text: text.into(),
//!     origin: Default::default(),
//! };
//! let corpus = Corpus {
//!     docs: vec![
//!         doc("wire", story),
//!         doc("reprint", &format!("{story} Markets fell after the news.")),
//!         doc("other", "A local team won the regional football cup after extra time."),
//!     ],
//!     ..Corpus::default()
//! };
//! let result = scan(&corpus, &ScanConfig::default(), Progress::hidden());
//! assert_eq!(result.matches.len(), 1);
//! let pair = &result.matches[0].pair;
//! assert_eq!((corpus.get(pair.a).id.as_str(), corpus.get(pair.b).id.as_str()), ("wire", "reprint"));
//! ```
//!
//! Diffing two versions of a story:
//!
//! ```
//! use reprint::diff::{diff, DiffOptions, Side};
//!
//! let a = Side { id: "a".into(), text: "The minister resigned on Monday.".into() };
//! let b = Side { id: "b".into(), text: "The minister resigned on Tuesday.".into() };
//! let d = diff(a, b, &DiffOptions::default());
//! assert!(!d.changes.is_empty());
//! println!("{}", d.summary.description);
//! ```
//!
//! An archive: create it, add stories, query it:
//!
//! ```
//! use reprint::corpus::{Corpus, Document};
//! use reprint::index::query::QueryOptions;
//! use reprint::index::{AddOptions, Index, IndexParams, ParamRequest};
//! use reprint::progress::Progress;
//!
//! let story = "Floods closed the coastal road for a third day as rescue teams reached \
//!     villages cut off by the storm, and the weather office warned of more rain.";
//! let doc = |id: &str, text: &str| Document {
//!     id: id.into(),
//!     title: None,
//!     source: None,
//!     date: None,
//!     text: text.into(),
//!     origin: Default::default(),
//! };
//! let corpus = |docs| Corpus { docs, ..Corpus::default() };
//!
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("archive.db");
//! let mut index = Index::create(&path, IndexParams::new(&ParamRequest::default()), &[])?;
//! index.add(&corpus(vec![doc("wire-1", story)]), AddOptions::default(), Progress::hidden())?;
//! drop(index);
//!
//! let index = Index::open(&path, &ParamRequest::default(), false)?;
//! let asked = corpus(vec![doc("site-9", &format!("{story} Schools stayed shut."))]);
//! let found = index.query(&asked, &QueryOptions::default(), Progress::hidden())?;
//! assert_eq!(found.matches[0].id, "wire-1");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]

pub mod align;
pub mod article;
pub mod boilerplate;
pub mod cluster;
pub mod corpus;
pub mod dedup;
pub mod derivation;
pub mod diff;
pub mod direction;
pub mod error;
pub mod fingerprint;
pub mod index;
pub(crate) mod jsonline;
pub mod lsh;
pub mod minhash;
pub mod normalize;
pub(crate) mod number;
pub mod output;
pub(crate) mod overlap;
pub mod progress;
pub(crate) mod radix;
pub mod report;
pub mod scan;
pub mod serve;
pub mod shingle;
pub mod spark;
pub(crate) mod union_find;
pub mod verify;
pub mod wordsig;

pub use corpus::{Corpus, DocId, Document};
pub use error::{Error, Result};
pub use lsh::Pair;
pub use minhash::Signature;
