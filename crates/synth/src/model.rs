//! The generator's data model: base articles and where they come from, the
//! generated documents, the edits that make a variant and the ground-truth
//! pairs with the relation each is expected to have.

use std::fmt;

/// A base article: real text in paragraphs, with its topic (the Reuters
/// TOPICS tag, or a label for samples; empty when unknown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseArticle {
    pub id: String,
    pub title: String,
    /// ISO 8601 (`1987-02-26T15:01:01Z`).
    pub date: String,
    pub topic: String,
    pub paragraphs: Vec<String>,
}

impl BaseArticle {
    pub fn text(&self) -> String {
        self.paragraphs.join("\n\n")
    }

    pub fn len(&self) -> usize {
        self.paragraphs.iter().map(|p| p.len() + 2).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.paragraphs.is_empty()
    }
}

/// Where base text comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Reuters,
    Samples,
}

/// A generated document, as written to JSONL.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SynthDoc {
    pub id: String,
    pub title: String,
    pub source: String,
    pub date: String,
    pub text: String,
}

/// The relation a true pair is expected to have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PairKind {
    /// An exact copy (only case, spacing and line breaks differ).
    Exact,
    /// Cosmetic edits only: spelling, glued words, captions, headline,
    /// boilerplate, reordered paragraphs.
    Near,
    /// Trimmed or padded: one is mostly inside the other.
    Contained,
    /// Reworded (synonyms, dropped sentences), possibly with other edits.
    Rewrite,
    /// Two variants of one base.
    Sibling,
}

impl PairKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PairKind::Exact => "exact",
            PairKind::Near => "near",
            PairKind::Contained => "contained",
            PairKind::Rewrite => "rewrite",
            PairKind::Sibling => "sibling",
        }
    }
}

impl fmt::Display for PairKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A ground-truth pair of document ids (`a` was written first).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TruePair {
    pub a: String,
    pub b: String,
    pub kind: PairKind,
}

/// One edit an aggregator makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Edit {
    Exact,
    UsToUk,
    UkToUs,
    Glued,
    Caption,
    Headline,
    Trimmed,
    Added,
    Reordered,
    Boilerplate,
    Reworded,
}

impl Edit {
    pub const ALL: [Edit; 11] = [
        Edit::Exact,
        Edit::UsToUk,
        Edit::UkToUs,
        Edit::Glued,
        Edit::Caption,
        Edit::Headline,
        Edit::Trimmed,
        Edit::Added,
        Edit::Reordered,
        Edit::Boilerplate,
        Edit::Reworded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Edit::Exact => "exact",
            Edit::UsToUk => "us-to-uk",
            Edit::UkToUs => "uk-to-us",
            Edit::Glued => "glued",
            Edit::Caption => "caption",
            Edit::Headline => "headline",
            Edit::Trimmed => "trimmed",
            Edit::Added => "added",
            Edit::Reordered => "reordered",
            Edit::Boilerplate => "boilerplate",
            Edit::Reworded => "reworded",
        }
    }
}

/// The pair kind a variant with these edits is expected to have with its base.
pub fn kind_of(edits: &[Edit]) -> PairKind {
    if edits.contains(&Edit::Exact) {
        PairKind::Exact
    } else if edits.contains(&Edit::Reworded) {
        PairKind::Rewrite
    } else if edits.contains(&Edit::Trimmed) || edits.contains(&Edit::Added) {
        PairKind::Contained
    } else {
        PairKind::Near
    }
}

/// A base article of `n` paragraphs, for the tests.
#[cfg(test)]
pub(super) fn article(id: &str, topic: &str, n: usize) -> BaseArticle {
    BaseArticle {
        id: id.into(),
        title: format!("Title {id}"),
        date: "1987-03-01T10:00:00Z".into(),
        topic: topic.into(),
        paragraphs: (0..n)
            .map(|i| {
                format!(
                    "Paragraph {i} of {id} says the Defense ministry will organize talks \
                     at the Center on Friday, officials said. Prices rose 3 pct to 12 dlrs."
                )
            })
            .collect(),
    }
}
