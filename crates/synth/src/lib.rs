//! Deterministic generator of news corpora with planted syndicated variants
//! and ground truth, built on real text (Reuters-21578 or `samples/`), for
//! accuracy tests and benchmarks (`examples/gen_corpus.rs`).
//!
//! Ground truth is "derived from the same base article": every variant is a
//! true pair with its base and with every other variant of that base. Variants
//! are built so that all of them stay detectable by text reuse (each keeps at
//! least half of the base's paragraphs and rewording changes at most a few
//! percent of the words), so recall is measured on all of those pairs.
//! Reuters has its own near-duplicate stories (corrections, repeats,
//! templated reports); they are removed from the base pool before any base is
//! built (see [`dedupe`]), so a pair of different bases is a true negative.
//! Bases of one Reuters topic are the same-topic negatives.

mod dedupe;
pub mod devset;
mod edits;
mod filler;
mod generator;
mod model;
pub mod paraphrase;
mod reuters;
mod rng;
pub mod script;

use edits::map_words;
use generator::later;
use reuters::between;

pub use dedupe::{assemble, dedupe, DroppedCopy};
pub use edits::{
    glue, localize, make_variant, make_variant_with, reword, ExtraText, Reword, Variant,
};
pub use filler::{ExtraPool, Filler, PseudoNews};
pub use generator::{Config, Generated, Generator, Pool};
pub use model::{kind_of, BaseArticle, Edit, PairKind, Source, SynthDoc, TruePair};
pub use reuters::{decode_entities, reuters_stories, sample_articles};
pub use rng::Rng;
