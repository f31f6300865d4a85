//! The diff's data model: the kinds of editorial change, a change and the
//! two documents compared, the rows and segments of the side-by-side view,
//! and the options that tune the diff (the `Diff` itself: `diff/mod.rs`).

use super::tokens::Span;
use serde::Serialize;
use std::time::Duration;

/// The kind of an editorial change (docs/diff.md, "Change kinds").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    /// A place name or local detail changed.
    Localization,
    /// Quotes, dashes, case or spacing changed.
    Typography,
    /// Words run together or split apart.
    Glued,
    /// A number written another way.
    NumberFormat,
    /// A photo caption added or removed.
    Caption,
    /// Boilerplate (bylines, notices) added or removed.
    Boilerplate,
    /// The headline changed.
    Headline,
    /// A paragraph only in B.
    ParagraphAdded,
    /// A paragraph only in A.
    ParagraphRemoved,
    /// A paragraph moved.
    ParagraphMoved,
    /// Words cut from a paragraph.
    Trimmed,
    /// Words replaced by others.
    Reworded,
}

impl ChangeKind {
    /// Every kind, in report order.
    pub const ALL: [ChangeKind; 12] = [
        ChangeKind::Localization,
        ChangeKind::Typography,
        ChangeKind::Glued,
        ChangeKind::NumberFormat,
        ChangeKind::Caption,
        ChangeKind::Boilerplate,
        ChangeKind::Headline,
        ChangeKind::ParagraphAdded,
        ChangeKind::ParagraphRemoved,
        ChangeKind::ParagraphMoved,
        ChangeKind::Trimmed,
        ChangeKind::Reworded,
    ];

    /// The name used in JSON, CSS classes and the legend.
    pub fn name(self) -> &'static str {
        match self {
            ChangeKind::Localization => "localization",
            ChangeKind::Typography => "typography",
            ChangeKind::Glued => "glued",
            ChangeKind::NumberFormat => "number-format",
            ChangeKind::Caption => "caption",
            ChangeKind::Boilerplate => "boilerplate",
            ChangeKind::Headline => "headline",
            ChangeKind::ParagraphAdded => "paragraph-added",
            ChangeKind::ParagraphRemoved => "paragraph-removed",
            ChangeKind::ParagraphMoved => "paragraph-moved",
            ChangeKind::Trimmed => "trimmed",
            ChangeKind::Reworded => "reworded",
        }
    }

    /// Noise a reader may hide (`--hide-cosmetic`): the words are the same.
    pub(crate) fn is_cosmetic(self) -> bool {
        matches!(
            self,
            ChangeKind::Typography | ChangeKind::Localization | ChangeKind::Glued
        )
    }

    /// What the kind means, for legends and help.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            ChangeKind::Localization => "UK/US spelling variant",
            ChangeKind::Typography => "quotes, dashes, spaces, case or punctuation only",
            ChangeKind::Glued => "words run together by a scraper",
            ChangeKind::NumberFormat => "a number written another way",
            ChangeKind::Caption => "photo caption or credit line",
            ChangeKind::Boilerplate => "site furniture, byline or masthead",
            ChangeKind::Headline => "headline changed",
            ChangeKind::ParagraphAdded => "paragraph only in B",
            ChangeKind::ParagraphRemoved => "paragraph only in A",
            ChangeKind::ParagraphMoved => "paragraph moved",
            ChangeKind::Trimmed => "the ending of A cut",
            ChangeKind::Reworded => "words changed",
        }
    }
}

/// One change: its kind and where it is in each text (an empty span marks
/// the place in a text that has nothing of it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change {
    /// What kind of change it is.
    pub kind: ChangeKind,
    /// Where it is in A.
    pub a_span: Span,
    /// Where it is in B.
    pub b_span: Span,
}

/// One of the two documents compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Side {
    /// The document's id.
    pub id: String,
    /// The document's text.
    pub text: String,
}

impl Side {
    /// The text of `span`.
    pub fn slice(&self, span: Span) -> &str {
        &self.text[span.start..span.end]
    }
}

/// A stretch of one paragraph, unchanged or part of `change`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    /// The stretch of the paragraph.
    pub span: Span,
    /// The change it is part of, if any.
    pub change: Option<usize>,
}

/// How a row's paragraphs relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// The same paragraph in both, in order.
    Aligned,
    /// The same paragraph, out of order (shown where B has it).
    Moved,
    /// Where A had a paragraph that moved (a placeholder: `a` is set, no
    /// segments; the `Moved` row with the same `a` shows it).
    MovedAway,
    /// Only in A.
    Removed,
    /// Only in B.
    Added,
}

/// One line of the side-by-side view: a paragraph of A, of B, or both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// How the paragraphs relate.
    pub kind: RowKind,
    /// A's paragraph, if any.
    pub a: Option<usize>,
    /// B's paragraph, if any.
    pub b: Option<usize>,
    /// The paragraph-level change (added, removed, moved, caption, ...).
    pub change: Option<usize>,
    /// A's paragraph in segments.
    pub a_segments: Vec<Segment>,
    /// B's paragraph in segments.
    pub b_segments: Vec<Segment>,
}

/// Tuning of the diff.
#[derive(Debug, Clone)]
pub struct DiffOptions {
    /// Paragraphs in order pair when their content-word Dice is at least this.
    pub align_threshold: f64,
    /// Out-of-order paragraphs pair (as moved) at least this similar.
    pub move_threshold: f64,
    /// Time allowed to the word-level diff of all paragraph pairs; past it,
    /// the remaining pairs are matched by whole sentences rather than hang
    /// (`Summary::complete` is then false).
    pub deadline: Duration,
    /// Whether A is known to be the origin (B the copy); if not, the
    /// summary words one-sided changes neutrally ("in B only").
    pub origin_known: bool,
}

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions {
            align_threshold: 0.3,
            move_threshold: 0.45,
            deadline: Duration::from_secs(2),
            origin_known: true,
        }
    }
}
