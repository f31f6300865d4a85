//! reprint: find syndicated and duplicated news copy, and show what editors
//! changed between versions. The binary is a thin layer over this library.

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
pub mod jsonline;
pub mod lsh;
pub mod minhash;
pub mod normalize;
pub mod output;
pub mod overlap;
pub mod progress;
pub mod radix;
pub mod report;
pub mod scan;
pub mod serve;
pub mod shingle;
pub mod spark;
pub mod union_find;
pub mod verify;
pub mod wordsig;

pub use corpus::{Corpus, DocId, Document};
pub use error::{Error, Result};
pub use lsh::Pair;
pub use minhash::Signature;
