//! What editors changed between two versions of a story: paragraphs aligned
//! by similarity (so moved and lightly edited ones pair up), then word-level
//! changes inside each pair, every change tagged with one `ChangeKind`.

mod classify;
mod model;
mod pairing;
pub mod paragraphs;
mod rows;
pub mod summary;
pub mod tokens;
mod words;

use pairing::{align, join_paragraphs, joins};
use paragraphs::Paragraph;
use rows::Builder;
use rustc_hash::FxHashSet as HashSet;
use std::time::Instant;
use tokens::{tokens, units, vocabulary, Unit};

pub use model::{Change, ChangeKind, DiffOptions, Row, RowKind, Segment, Side};
pub use summary::Summary;
pub use tokens::Span;

/// The diff of two documents.
#[derive(Debug, Clone)]
pub struct Diff {
    /// The first document (the origin when known).
    pub a: Side,
    /// The second document.
    pub b: Side,
    /// A's paragraphs.
    pub a_paragraphs: Vec<Paragraph>,
    /// B's paragraphs.
    pub b_paragraphs: Vec<Paragraph>,
    /// The side-by-side rows.
    pub rows: Vec<Row>,
    /// Every change, in B's order.
    pub changes: Vec<Change>,
    /// Counts and shares, and the one-line description.
    pub summary: Summary,
}

/// Compare two documents.
pub fn diff(a: Side, b: Side, opts: &DiffOptions) -> Diff {
    let reused = || crate::align::align(&a.text, &b.text, &crate::align::AlignConfig::default());
    // Long texts: the passage aligner's figure is counted on the other core.
    let (reused, compared) = if a.text.len() + b.text.len() >= PARALLEL_BYTES {
        rayon::join(reused, || compare(&a, &b, opts))
    } else {
        (reused(), compare(&a, &b, opts))
    };
    let summary = Summary::new(
        &b,
        &compared.changes,
        compared.words,
        summary::Facts {
            reused: reused.aligned_b(),
            complete: compared.complete,
            unrelated: compared.unrelated,
            origin_known: opts.origin_known,
        },
    );
    Diff {
        a,
        b,
        a_paragraphs: compared.a_paragraphs,
        b_paragraphs: compared.b_paragraphs,
        rows: compared.rows,
        changes: compared.changes,
        summary,
    }
}

/// Texts of at least this many bytes (both) run the passage aligner beside
/// the diff rather than after it (benches/results/2026-12-06-diff-speed.md).
const PARALLEL_BYTES: usize = 64 * 1024;

/// What the diff's own alignment found, before the summary.
struct Compared {
    a_paragraphs: Vec<Paragraph>,
    b_paragraphs: Vec<Paragraph>,
    rows: Vec<Row>,
    changes: Vec<Change>,
    words: summary::Words,
    complete: bool,
    unrelated: bool,
}

fn compare(a: &Side, b: &Side, opts: &DiffOptions) -> Compared {
    let deadline = Instant::now() + opts.deadline;
    let mut a_paragraphs = paragraphs::paragraphs(&a.text);
    let mut b_paragraphs = paragraphs::paragraphs(&b.text);
    let a_tokens: Vec<Vec<Unit>> = a_paragraphs
        .iter()
        .map(|p| tokens(&a.text, p.span))
        .collect();
    let b_tokens: Vec<Vec<Unit>> = b_paragraphs
        .iter()
        .map(|p| tokens(&b.text, p.span))
        .collect();
    let (va, vb) = (vocabulary(&a_tokens), vocabulary(&b_tokens));
    let vall: HashSet<String> = va.union(&vb).cloned().collect();
    let mut a_units: Vec<Vec<Unit>> = a_tokens
        .into_iter()
        .map(|t| units(&a.text, t, &vall, &vb))
        .collect();
    let mut b_units: Vec<Vec<Unit>> = b_tokens
        .into_iter()
        .map(|t| units(&b.text, t, &vall, &va))
        .collect();
    // A paragraph split in two (or two joined) by the other version: join
    // the halves and align again, until nothing more joins.
    let mut alignment = align(&a_units, &b_units, opts);
    for _ in 0..8 {
        let (ja, jb) = joins(&alignment, &a_paragraphs, &b_paragraphs);
        if ja.is_empty() && jb.is_empty() {
            break;
        }
        join_paragraphs(&mut a_paragraphs, &mut a_units, &ja);
        join_paragraphs(&mut b_paragraphs, &mut b_units, &jb);
        alignment = align(&a_units, &b_units, opts);
    }

    let mut builder = Builder {
        a,
        b,
        a_paragraphs: &a_paragraphs,
        b_paragraphs: &b_paragraphs,
        a_units: &a_units,
        b_units: &b_units,
        rows: Vec::new(),
        changes: Vec::new(),
        a_kept: 0,
        b_from_a: 0,
        deadline,
        complete: true,
    };
    builder.build(&alignment);
    let Builder {
        mut rows,
        mut changes,
        a_kept,
        b_from_a,
        complete,
        ..
    } = builder;
    let count_words = |us: &[Vec<Unit>]| us.iter().flatten().filter(|u| u.word).count();
    let words = summary::Words {
        a: count_words(&a_units),
        b: count_words(&b_units),
        a_kept,
        b_from_a,
    };
    let unrelated = words.unrelated();
    if unrelated {
        // No shared text: no change is claimed, the texts are shown as they are.
        changes.clear();
        for row in &mut rows {
            row.change = None;
            for seg in row.a_segments.iter_mut().chain(&mut row.b_segments) {
                seg.change = None;
            }
        }
    }
    Compared {
        a_paragraphs,
        b_paragraphs,
        rows,
        changes,
        words,
        complete,
        unrelated,
    }
}

/// Helpers for the tests of the diff's submodules.
#[cfg(test)]
mod test_support {
    use super::*;

    pub(super) fn run(a: &str, b: &str) -> Diff {
        diff(
            Side {
                id: "a".into(),
                text: a.into(),
            },
            Side {
                id: "b".into(),
                text: b.into(),
            },
            &DiffOptions::default(),
        )
    }

    /// (kind, a_text, b_text) of every change.
    pub(super) fn changes(a: &str, b: &str) -> Vec<(ChangeKind, String, String)> {
        let d = run(a, b);
        d.changes
            .iter()
            .map(|c| {
                (
                    c.kind,
                    d.a.slice(c.a_span).to_string(),
                    d.b.slice(c.b_span).to_string(),
                )
            })
            .collect()
    }

    pub(super) fn kinds(a: &str, b: &str) -> Vec<ChangeKind> {
        changes(a, b).into_iter().map(|c| c.0).collect()
    }

    pub(super) const BODY: &str = "Officials said the talks in Geneva would resume next week after a pause.\n\nThe minister told reporters that progress had been slow but steady.\n\nAnalysts expect a deal on tariffs before the end of the year.\n\nMarkets rose sharply on the news, led by shares of exporters.";
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;

    #[test]
    fn summary_counts_and_shares() {
        let d = run(BODY, &BODY.replace("talks", "negotiations"));
        assert_eq!(d.summary.counts["reworded"], 1);
        assert_eq!(d.summary.counts.len(), ChangeKind::ALL.len());
        assert_eq!(d.summary.a_words, d.summary.b_words);
        assert_eq!(d.summary.a_words_kept + 1, d.summary.a_words);
        assert_eq!(d.summary.description, "B is A with 1 rewording");
        let d = run(BODY, BODY);
        assert!(d.changes.is_empty());
        assert_eq!(d.summary.share_a_kept, 1.0);
    }
}
