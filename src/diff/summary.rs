//! The summary at the top of a diff: word counts, the one "reused" figure,
//! change counts per kind and the one line that says what happened, worded
//! from origin to copy when the direction is known and neutrally when not.

use super::model::{Change, ChangeKind, Side};
use super::tokens;
use serde::Serialize;
use std::collections::BTreeMap;

/// Word counts of the two texts and of the words they share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Words {
    /// Words of A.
    pub a: usize,
    /// Words of B.
    pub b: usize,
    /// Words of A found in B (in paired paragraphs, cosmetic changes allowed).
    pub a_kept: usize,
    /// Words of B that come from A.
    pub b_from_a: usize,
}

/// Below this share of shared words on both sides the texts are unrelated.
const UNRELATED_SHARE: f64 = 0.05;

impl Words {
    /// The texts share (almost) nothing: under `UNRELATED_SHARE` of each
    /// side's words, and not both empty.
    pub fn unrelated(&self) -> bool {
        self.a + self.b > 0
            && share(self.a_kept, self.a) < UNRELATED_SHARE
            && share(self.b_from_a, self.b) < UNRELATED_SHARE
    }
}

/// What the summary states besides the counts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Facts {
    /// Share of B's words inside passages shared with A (`align`): the
    /// same figure as the scan's `aligned_b` for this pair.
    pub reused: f64,
    /// False when the deadline passed and some words were matched by
    /// whole sentences only.
    pub complete: bool,
    /// The texts share no text; no change is counted.
    pub unrelated: bool,
    /// A is known to be the origin.
    pub origin_known: bool,
}

/// Counts and shares at the top of a diff.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Words of A.
    pub a_words: usize,
    /// Words of B.
    pub b_words: usize,
    /// Words of A found in B (in paired paragraphs, cosmetic changes allowed).
    pub a_words_kept: usize,
    /// Words of B that come from A.
    pub b_words_from_a: usize,
    /// Share of A's words found in B.
    pub share_a_kept: f64,
    /// Share of B's words that come from A.
    pub share_b_from_a: f64,
    /// Changes per kind; every kind is present.
    pub counts: BTreeMap<&'static str, usize>,
    /// One line that says what happened.
    pub description: String,
    /// False when the word-level diff hit its deadline (see [`Facts`]).
    pub complete: bool,
    /// A is known to be the origin; else the direction is unknown.
    pub origin_known: bool,
    /// See [`Facts::reused`].
    #[serde(skip)]
    reused: f64,
}

fn share(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        1.0
    } else {
        part as f64 / whole as f64
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// "a, b and c".
fn and_list(mut parts: Vec<String>) -> String {
    let last = parts.pop().unwrap_or_default();
    if parts.is_empty() {
        last
    } else {
        format!("{} and {last}", parts.join(", "))
    }
}

impl Summary {
    /// The share of B's words inside passages shared with A: the ONE "how
    /// much is reused" figure for a pair, shown by diff, reports and scan.
    pub fn reused(&self) -> f64 {
        self.reused
    }

    /// The kinds that occur, in `ChangeKind::ALL` order, with their counts.
    pub fn present(&self) -> impl Iterator<Item = (ChangeKind, usize)> + '_ {
        ChangeKind::ALL
            .iter()
            .map(|&k| (k, self.counts[k.name()]))
            .filter(|&(_, n)| n > 0)
    }

    /// "A's words kept in B: 78% (402 of 514)" and the same for B, with
    /// `strong` wrapped around each share (bold in HTML).
    pub fn shares(&self, strong: impl Fn(String) -> String) -> String {
        format!(
            "Reused: {} of B's words lie in passages shared with A; {} of A's words kept in B ({} of {})",
            strong(format!("{:.0}%", self.reused() * 100.0)),
            format_args!("{:.0}%", self.share_a_kept * 100.0),
            self.a_words_kept,
            self.a_words
        )
    }

    /// Counts, shares and the one-line description of `changes`.
    pub fn new(b: &Side, changes: &[Change], words: Words, facts: Facts) -> Summary {
        let mut counts: BTreeMap<&'static str, usize> =
            ChangeKind::ALL.iter().map(|k| (k.name(), 0)).collect();
        for c in changes {
            *counts.entry(c.kind.name()).or_default() += 1;
        }
        let mut description = if facts.unrelated {
            format!(
                "No shared text: A and B are different texts ({} and {} words)",
                words.a, words.b
            )
        } else if changes.is_empty() {
            "B is identical to A".into()
        } else if facts.origin_known {
            from_origin(b, changes)
        } else {
            neutral(b, changes)
        };
        if !facts.complete {
            description.push_str(
                " (coarse: the word-level diff ran out of time; words matched by whole sentences)",
            );
        }
        Summary {
            a_words: words.a,
            b_words: words.b,
            a_words_kept: words.a_kept,
            b_words_from_a: words.b_from_a,
            share_a_kept: share(words.a_kept, words.a),
            share_b_from_a: share(words.b_from_a, words.b),
            counts,
            description,
            complete: facts.complete,
            origin_known: facts.origin_known,
            reused: facts.reused,
        }
    }
}

/// Is B's spelling mostly American (`Some(true)`), British, or unchanged?
fn spelling(b: &Side, changes: &[Change]) -> Option<bool> {
    let (mut to_us, mut to_uk) = (0, 0);
    for c in changes
        .iter()
        .filter(|c| c.kind == ChangeKind::Localization)
    {
        let bw = tokens::typo_key(b.slice(c.b_span));
        if bw != "per cent" && crate::normalize::fold_spelling(bw.clone()) == bw {
            to_us += 1;
        } else {
            to_uk += 1;
        }
    }
    (to_us + to_uk > 0).then_some(to_us >= to_uk)
}

/// Count of `kind` with text only in A, and only in B.
fn one_sided(changes: &[Change], kind: ChangeKind) -> (usize, usize) {
    let of = changes.iter().filter(|c| c.kind == kind);
    let a_only = of.clone().filter(|c| c.b_span.is_empty()).count();
    let b_only = of.filter(|c| c.a_span.is_empty()).count();
    (a_only, b_only)
}

fn count(changes: &[Change], kind: ChangeKind) -> usize {
    changes.iter().filter(|c| c.kind == kind).count()
}

/// Kinds counted the same way in both wordings.
const TWO_SIDED: [(ChangeKind, &str, &str); 5] = [
    (
        ChangeKind::ParagraphMoved,
        "moved paragraph",
        "moved paragraphs",
    ),
    (ChangeKind::Reworded, "rewording", "rewordings"),
    (ChangeKind::Glued, "glued word", "glued words"),
    (
        ChangeKind::NumberFormat,
        "number restyled",
        "numbers restyled",
    ),
    (
        ChangeKind::Typography,
        "typographic change",
        "typographic changes",
    ),
];

/// "B is A localized to US spelling, with a new headline, 4 captions
/// added, ..., ending trimmed": A is the origin.
fn from_origin(b: &Side, changes: &[Change]) -> String {
    let mut parts: Vec<String> = Vec::new();
    if count(changes, ChangeKind::Headline) > 0 {
        parts.push("a new headline".into());
    }
    let mut sided = |kind, one: &str, many: &str| {
        let (removed, added) = one_sided(changes, kind);
        if added > 0 {
            parts.push(format!("{} added", plural(added, one, many)));
        }
        if removed > 0 {
            parts.push(format!("{} removed", plural(removed, one, many)));
        }
    };
    sided(ChangeKind::Caption, "caption", "captions");
    let (n_removed, n_added) = (
        count(changes, ChangeKind::ParagraphRemoved),
        count(changes, ChangeKind::ParagraphAdded),
    );
    if n_added > 0 {
        parts.push(plural(n_added, "added paragraph", "added paragraphs"));
    }
    if n_removed > 0 {
        parts.push(plural(n_removed, "removed paragraph", "removed paragraphs"));
    }
    for (kind, one, many) in TWO_SIDED {
        let k = count(changes, kind);
        if k > 0 {
            parts.push(plural(k, one, many));
        }
    }
    let (bp_removed, bp_added) = one_sided(changes, ChangeKind::Boilerplate);
    if bp_added + bp_removed > 0 {
        parts.push(plural(
            bp_added + bp_removed,
            "boilerplate line",
            "boilerplate lines",
        ));
    }
    let mut line = String::from("B is A");
    let localized = spelling(b, changes);
    if let Some(us) = localized {
        line.push_str(if us {
            " localized to US spelling"
        } else {
            " localized to UK spelling"
        });
    }
    if !parts.is_empty() {
        line.push_str(if localized.is_some() {
            ", with "
        } else {
            " with "
        });
        line.push_str(&and_list(parts));
    }
    if count(changes, ChangeKind::Trimmed) > 0 {
        line.push_str(", ending trimmed");
    }
    line
}

/// "Direction unknown: B in US spelling; 4 captions in B only, ...": no
/// side is said to have come from the other.
fn neutral(b: &Side, changes: &[Change]) -> String {
    let mut parts: Vec<String> = Vec::new();
    if count(changes, ChangeKind::Headline) > 0 {
        parts.push("different headlines".into());
    }
    for (kind, one, many) in [
        (ChangeKind::Caption, "caption", "captions"),
        (
            ChangeKind::Boilerplate,
            "boilerplate line",
            "boilerplate lines",
        ),
    ] {
        let (a_only, b_only) = one_sided(changes, kind);
        if b_only > 0 {
            parts.push(format!("{} in B only", plural(b_only, one, many)));
        }
        if a_only > 0 {
            parts.push(format!("{} in A only", plural(a_only, one, many)));
        }
    }
    let (a_only, b_only) = (
        count(changes, ChangeKind::ParagraphRemoved),
        count(changes, ChangeKind::ParagraphAdded),
    );
    if b_only > 0 {
        parts.push(format!(
            "{} in B only",
            plural(b_only, "paragraph", "paragraphs")
        ));
    }
    if a_only > 0 {
        parts.push(format!(
            "{} in A only",
            plural(a_only, "paragraph", "paragraphs")
        ));
    }
    for (kind, one, many) in TWO_SIDED {
        let k = count(changes, kind);
        if k > 0 {
            parts.push(plural(k, one, many));
        }
    }
    if count(changes, ChangeKind::Trimmed) > 0 {
        parts.push("A runs on past B's end".into());
    }
    let mut line = String::from("Direction unknown: A and B differ");
    match spelling(b, changes) {
        Some(true) => line.push_str(" in spelling (B US, A UK)"),
        Some(false) => line.push_str(" in spelling (B UK, A US)"),
        None => {}
    }
    if !parts.is_empty() {
        line.push_str(": ");
        line.push_str(&and_list(parts));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::Span;

    fn side(text: &str) -> Side {
        Side {
            id: "b".into(),
            text: text.into(),
        }
    }

    fn change(kind: ChangeKind, a: (usize, usize), b: (usize, usize)) -> Change {
        Change {
            kind,
            a_span: Span::new(a.0, a.1),
            b_span: Span::new(b.0, b.1),
        }
    }

    const KNOWN: Facts = Facts {
        reused: 0.9,
        complete: true,
        unrelated: false,
        origin_known: true,
    };

    #[test]
    fn captions_are_worded_by_side_and_direction() {
        let b = side("Photo: AP");
        let cs = vec![
            change(ChangeKind::Caption, (0, 0), (0, 9)),
            change(ChangeKind::Caption, (0, 9), (9, 9)),
        ];
        let w = Words {
            a: 10,
            b: 10,
            a_kept: 9,
            b_from_a: 9,
        };
        let known = Summary::new(&b, &cs, w, KNOWN);
        assert_eq!(
            known.description,
            "B is A with 1 caption added and 1 caption removed"
        );
        let unknown = Summary::new(
            &b,
            &cs,
            w,
            Facts {
                origin_known: false,
                ..KNOWN
            },
        );
        assert_eq!(
            unknown.description,
            "Direction unknown: A and B differ: 1 caption in B only and 1 caption in A only"
        );
        assert!((known.reused() - 0.9).abs() < 1e-9);
    }

    #[test]
    fn unrelated_and_coarse_say_so() {
        let w = Words {
            a: 1000,
            b: 900,
            a_kept: 10,
            b_from_a: 10,
        };
        assert!(w.unrelated());
        assert!(!Words { a_kept: 100, ..w }.unrelated());
        let s = Summary::new(
            &side(""),
            &[],
            w,
            Facts {
                unrelated: true,
                complete: false,
                ..KNOWN
            },
        );
        assert!(
            s.description.starts_with("No shared text"),
            "{}",
            s.description
        );
        assert!(s.description.contains("coarse"), "{}", s.description);
        assert!(s.counts.values().all(|&n| n == 0));
        assert!(!s.complete);
    }
}
