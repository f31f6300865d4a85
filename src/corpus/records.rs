//! A parsed record (a document and its location, or a problem) and whether
//! it joins the corpus: blank texts are dropped, texts with no words warned
//! about, repeated ids renamed to the record's location.

use super::model::{Diagnostic, Document};
use std::collections::HashSet;

/// What a document's text holds, as far as admitting it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Content {
    Words,
    /// Nothing but whitespace: the document is skipped.
    Blank,
    /// No word survives normalization (emoji, punctuation): the document
    /// is kept but can never match, so it is warned about.
    NoWords,
}

impl Content {
    pub(crate) fn of(text: &str) -> Content {
        if text.trim().is_empty() {
            return Content::Blank;
        }
        if crate::normalize::has_words(text) {
            Content::Words
        } else {
            Content::NoWords
        }
    }
}

/// Whether a parsed document joins the corpus: not when its text is blank;
/// a repeated id is renamed to the record's location (and the record is
/// dropped if even that is taken). Diagnostics go to `diags`. `Corpus` and
/// `LeanCorpus` (`reread`) both admit documents here.
pub(crate) fn admit(
    id: &mut String,
    content: Content,
    seen: &mut HashSet<String>,
    location: String,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    match content {
        Content::Blank => {
            diags.push(Diagnostic {
                location,
                message: format!("document {id:?} is empty; skipped"),
            });
            return false;
        }
        Content::NoWords => diags.push(Diagnostic {
            location: location.clone(),
            message: format!(
                "document {id:?} is empty after normalization (no letters or digits); \
                 kept, but it cannot match anything"
            ),
        }),
        Content::Words => {}
    }
    if !seen.insert(id.clone()) {
        diags.push(Diagnostic {
            location: location.clone(),
            message: format!("duplicate id {id:?}; this record is renamed {location:?}"),
        });
        *id = location;
        if !seen.insert(id.clone()) {
            return false;
        }
    }
    true
}

/// A parsed record: a document and its location, or a problem.
pub(crate) enum Parsed {
    Doc(Document, String),
    Problem(Diagnostic),
}

pub(super) fn problem(location: impl Into<String>, message: impl Into<String>) -> Parsed {
    Parsed::Problem(Diagnostic {
        location: location.into(),
        message: message.into(),
    })
}
