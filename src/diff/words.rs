//! Word-level changes inside one pair of paragraphs: a Myers diff of the
//! units' loose keys (whole sentences past the deadline), then glued,
//! cosmetic and reworded changes in reading order with the units they own.

use super::classify::{cosmetic_kind, hunk_kind};
use super::model::{Change, ChangeKind};
use super::tokens::{self, Span, Unit};
use similar::{capture_diff_slices_deadline, Algorithm, DiffTag};
use std::time::{Duration, Instant};

/// A change found inside a paragraph pair.
#[derive(Debug, Clone, Copy)]
pub(super) struct WordChange {
    pub(super) change: Change,
}

/// Word-level changes of one paragraph pair, and which change owns each
/// unit (indices into `changes`).
pub(super) struct WordChanges {
    /// False when the deadline passed and words were matched by sentence.
    pub(super) complete: bool,
    pub(super) changes: Vec<WordChange>,
    pub(super) a_owner: Vec<Option<usize>>,
    pub(super) b_owner: Vec<Option<usize>>,
    pub(super) a_kept: usize,
    pub(super) b_from_a: usize,
}

/// The two paragraphs' texts and spans, for `word_changes`.
pub(super) struct PairText<'t> {
    pub(super) a: &'t str,
    pub(super) b: &'t str,
    pub(super) pa: Span,
    pub(super) pb: Span,
}

pub(super) fn word_changes(
    t: &PairText,
    ua: &[Unit],
    ub: &[Unit],
    headline: bool,
    deadline: Instant,
) -> WordChanges {
    let (a_text, b_text, pa, pb) = (t.a, t.b, t.pa, t.pb);
    let ka: Vec<&str> = ua.iter().map(|u| u.loose.as_str()).collect();
    let kb: Vec<&str> = ub.iter().map(|u| u.loose.as_str()).collect();
    let mut a_partner: Vec<Option<usize>> = vec![None; ua.len()];
    let mut b_partner: Vec<Option<usize>> = vec![None; ub.len()];
    let mut complete = Instant::now() < deadline;
    if complete {
        let ops = capture_diff_slices_deadline(Algorithm::Myers, &ka, &kb, Some(deadline));
        // Past the deadline `similar` gives up and returns a coarse diff.
        complete = Instant::now() < deadline;
        if complete {
            for op in &ops {
                let (tag, ra, rb) = op.as_tag_tuple();
                if tag == DiffTag::Equal {
                    for (i, j) in ra.zip(rb) {
                        a_partner[i] = Some(j);
                        b_partner[j] = Some(i);
                    }
                }
            }
        }
    }
    if !complete {
        chunk_partners(ua, ub, &mut a_partner, &mut b_partner);
    }
    let mut out = WordChanges {
        complete,
        changes: Vec::new(),
        a_owner: vec![None; ua.len()],
        b_owner: vec![None; ub.len()],
        a_kept: a_partner
            .iter()
            .zip(ua)
            .filter(|(p, u)| p.is_some() && u.word)
            .count(),
        b_from_a: b_partner
            .iter()
            .zip(ub)
            .filter(|(p, u)| p.is_some() && u.word)
            .count(),
    };

    // Glued tokens: either side, when at least one half pairs with the other
    // text. The change covers the whole token and what it replaced.
    glued_changes(ua, ub, &a_partner, &b_partner, &mut out, false);
    glued_changes(ub, ua, &b_partner, &a_partner, &mut out, true);

    // Cosmetic changes between paired units, adjacent ones of a kind merged.
    for (i, p) in a_partner.iter().enumerate() {
        let Some(j) = *p else { continue };
        if out.a_owner[i].is_some() || out.b_owner[j].is_some() {
            continue;
        }
        let (u, v) = (&ua[i], &ub[j]);
        if a_text[u.span.start..u.span.end] == b_text[v.span.start..v.span.end] {
            continue;
        }
        let kind = cosmetic_kind(u, v);
        let prev = i.checked_sub(1).and_then(|k| out.a_owner[k]).filter(|&c| {
            out.changes[c].change.kind == kind && j > 0 && out.b_owner[j - 1] == Some(c)
        });
        match prev {
            Some(c) => {
                out.changes[c].change.a_span.end = u.span.end;
                out.changes[c].change.b_span.end = v.span.end;
                out.a_owner[i] = Some(c);
                out.b_owner[j] = Some(c);
            }
            None => {
                out.changes.push(WordChange {
                    change: Change {
                        kind,
                        a_span: u.span,
                        b_span: v.span,
                    },
                });
                out.a_owner[i] = Some(out.changes.len() - 1);
                out.b_owner[j] = Some(out.changes.len() - 1);
            }
        }
    }

    run_together(ua, ub, &a_partner, &mut out);

    // Hunks of units without partners, between paired ones.
    let mut i = 0;
    let mut j = 0;
    while i < ua.len() || j < ub.len() {
        if i < ua.len() && j < ub.len() && a_partner[i] == Some(j) {
            i += 1;
            j += 1;
            continue;
        }
        let (si, sj) = (i, j);
        while i < ua.len() && a_partner[i].is_none() {
            i += 1;
        }
        while j < ub.len() && b_partner[j].is_none() {
            j += 1;
        }
        if si == i && sj == j {
            // Partners out of step cannot happen with a diff's ops; guard.
            i += 1;
            j += 1;
            continue;
        }
        let ai: Vec<usize> = (si..i).filter(|&k| out.a_owner[k].is_none()).collect();
        let bj: Vec<usize> = (sj..j).filter(|&k| out.b_owner[k].is_none()).collect();
        if ai.is_empty() && bj.is_empty() {
            continue;
        }
        let a_refs: Vec<&Unit> = ai.iter().map(|&k| &ua[k]).collect();
        let b_refs: Vec<&Unit> = bj.iter().map(|&k| &ub[k]).collect();
        let kind = hunk_kind(&a_refs, &b_refs, headline);
        let span_of =
            |us: &[&Unit], all: &[Unit], at: usize, para: Span| match (us.first(), us.last()) {
                (Some(f), Some(l)) => Span::new(f.span.start, l.span.end),
                _ => Span::empty_at(
                    at.checked_sub(1)
                        .and_then(|k| all.get(k))
                        .map_or(para.start, |u| u.span.end),
                ),
            };
        let a_span = span_of(&a_refs, ua, si, pa);
        let b_span = span_of(&b_refs, ub, sj, pb);
        out.changes.push(WordChange {
            change: Change {
                kind,
                a_span,
                b_span,
            },
        });
        let c = out.changes.len() - 1;
        for k in ai {
            out.a_owner[k] = Some(c);
        }
        for k in bj {
            out.b_owner[k] = Some(c);
        }
    }
    sort_changes(&mut out);
    out
}

/// Units per chunk at most, when a sentence runs on without an end mark.
const CHUNK_UNITS: usize = 60;

/// Ranges of units that make sentences (ending at `.`, `!` or `?`, or
/// after [`CHUNK_UNITS`] units).
fn chunks(us: &[Unit]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (k, u) in us.iter().enumerate() {
        let end_mark = !u.word && matches!(u.typo.as_str(), "." | "!" | "?");
        if end_mark || k + 1 - start >= CHUNK_UNITS {
            out.push(start..k + 1);
            start = k + 1;
        }
    }
    if start < us.len() {
        out.push(start..us.len());
    }
    out
}

/// The fallback past the deadline: whole sentences matched (a diff of
/// sentence keys, linear in practice), their units paired one to one.
fn chunk_partners(
    ua: &[Unit],
    ub: &[Unit],
    a_partner: &mut [Option<usize>],
    b_partner: &mut [Option<usize>],
) {
    let (ca, cb) = (chunks(ua), chunks(ub));
    let key = |us: &[Unit], r: &std::ops::Range<usize>| -> String {
        us[r.clone()]
            .iter()
            .map(|u| u.loose.as_str())
            .collect::<Vec<_>>()
            .join("\u{1}")
    };
    let ka: Vec<String> = ca.iter().map(|r| key(ua, r)).collect();
    let kb: Vec<String> = cb.iter().map(|r| key(ub, r)).collect();
    let limit = Instant::now() + Duration::from_secs(1);
    for op in capture_diff_slices_deadline(Algorithm::Myers, &ka, &kb, Some(limit)) {
        let (tag, ra, rb) = op.as_tag_tuple();
        if tag != DiffTag::Equal {
            continue;
        }
        for (x, y) in ra.zip(rb) {
            for (i, j) in ca[x].clone().zip(cb[y].clone()) {
                a_partner[i] = Some(j);
                b_partner[j] = Some(i);
            }
        }
    }
}

/// Paired neighbours with a space between them on one side and none on the
/// other, a word after punctuation or a word ("Corp.,Norio"): glued.
fn run_together(ua: &[Unit], ub: &[Unit], a_partner: &[Option<usize>], out: &mut WordChanges) {
    for i in 0..ua.len().saturating_sub(1) {
        let (Some(j), Some(j2)) = (a_partner[i], a_partner[i + 1]) else {
            continue;
        };
        if j2 != j + 1 || !ua[i + 1].word || ua[i].in_url || ua[i + 1].in_url {
            continue;
        }
        let sentence_mark = |u: &Unit| u.word || u.typo.ends_with(['.', ',', ';', ':', '!', '?']);
        if !sentence_mark(&ua[i]) {
            continue;
        }
        let gap_a = ua[i + 1].span.start > ua[i].span.end;
        let gap_b = ub[j + 1].span.start > ub[j].span.end;
        let owned = out.a_owner[i].is_some()
            || out.a_owner[i + 1].is_some()
            || out.b_owner[j].is_some()
            || out.b_owner[j + 1].is_some();
        if gap_a == gap_b || owned {
            continue;
        }
        out.changes.push(WordChange {
            change: Change {
                kind: ChangeKind::Glued,
                a_span: Span::new(ua[i].span.start, ua[i + 1].span.end),
                b_span: Span::new(ub[j].span.start, ub[j + 1].span.end),
            },
        });
        let c = out.changes.len() - 1;
        out.a_owner[i] = Some(c);
        out.a_owner[i + 1] = Some(c);
        out.b_owner[j] = Some(c);
        out.b_owner[j + 1] = Some(c);
    }
}

/// Put a pair's changes in reading order (by place in B, then in A) and
/// renumber the owners to match.
fn sort_changes(out: &mut WordChanges) {
    let mut order: Vec<usize> = (0..out.changes.len()).collect();
    order.sort_by_key(|&k| {
        let c = &out.changes[k].change;
        (c.b_span.start, c.a_span.start, k)
    });
    let mut new_index = vec![0; order.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new;
    }
    out.changes = order.iter().map(|&k| out.changes[k]).collect();
    for o in out
        .a_owner
        .iter_mut()
        .chain(out.b_owner.iter_mut())
        .flatten()
    {
        *o = new_index[*o];
    }
}

/// Changes for tokens of `x` glued by a scraper whose halves pair with `y`.
fn glued_changes(
    x: &[Unit],
    y: &[Unit],
    x_partner: &[Option<usize>],
    y_partner: &[Option<usize>],
    out: &mut WordChanges,
    x_is_b: bool,
) {
    for k in 0..x.len().saturating_sub(1) {
        if !x[k].glued_to_next {
            continue;
        }
        let (l, r) = (x_partner[k], x_partner[k + 1]);
        let (first, last) = match (l, r) {
            (Some(p), Some(q)) => (p, q),
            (Some(p), None) => {
                // The half with no partner replaced what follows `p` in y,
                // up to y's next paired unit.
                let mut q = p;
                while q + 1 < y.len() && y_partner[q + 1].is_none() && q < p + 3 {
                    q += 1;
                }
                (p, q)
            }
            (None, Some(q)) => {
                let mut p = q;
                while p > 0 && y_partner[p - 1].is_none() && p + 3 > q {
                    p -= 1;
                }
                (p, q)
            }
            (None, None) => continue,
        };
        let x_span = tokens::Span::new(x[k].span.start, x[k + 1].span.end);
        let y_span = tokens::Span::new(y[first].span.start, y[last].span.end);
        let (a_span, b_span) = if x_is_b {
            (y_span, x_span)
        } else {
            (x_span, y_span)
        };
        out.changes.push(WordChange {
            change: Change {
                kind: ChangeKind::Glued,
                a_span,
                b_span,
            },
        });
        let c = out.changes.len() - 1;
        let (x_owner, y_owner) = if x_is_b {
            (&mut out.b_owner, &mut out.a_owner)
        } else {
            (&mut out.a_owner, &mut out.b_owner)
        };
        x_owner[k] = Some(c);
        x_owner[k + 1] = Some(c);
        for o in &mut y_owner[first..=last] {
            *o = Some(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diff::{diff, DiffOptions, Side};
    use std::time::{Duration, Instant};

    /// A pathological pair (no common words, long) ends within the deadline
    /// with a coarse but complete diff.
    #[test]
    fn deadline_bounds_pathological_pairs() {
        let a: String = (0..20_000).map(|i| format!("w{} ", i % 97)).collect();
        let b: String = (0..20_000).map(|i| format!("w{} ", (i * 7) % 89)).collect();
        let opts = DiffOptions {
            deadline: Duration::from_millis(50),
            ..DiffOptions::default()
        };
        let start = Instant::now();
        let d = diff(
            Side {
                id: "a".into(),
                text: a,
            },
            Side {
                id: "b".into(),
                text: b,
            },
            &opts,
        );
        assert!(!d.rows.is_empty());
        // Generous bound: the point is "does not hang", not a timing.
        assert!(start.elapsed() < Duration::from_secs(30));
    }

    #[test]
    fn past_the_deadline_sentences_still_count_and_the_summary_says_so() {
        // One long paragraph, one word in twenty changed.
        let words: Vec<String> = (0..4000).map(|i| format!("w{}", i % 997)).collect();
        let mut a = String::new();
        let mut b = String::new();
        for (k, w) in words.iter().enumerate() {
            a.push_str(w);
            b.push_str(if k % 20 == 7 { "changed" } else { w });
            let end = if k % 10 == 9 { ". " } else { " " };
            a.push_str(end);
            b.push_str(end);
        }
        let side = |t: &str| Side {
            id: "x".into(),
            text: t.into(),
        };
        let opts = DiffOptions {
            deadline: Duration::ZERO,
            ..DiffOptions::default()
        };
        let d = diff(side(&a), side(&b), &opts);
        assert!(!d.summary.complete);
        assert!(
            d.summary.description.contains("coarse"),
            "{}",
            d.summary.description
        );
        // Half the sentences hold a changed word: about half the words count.
        assert!(d.summary.share_a_kept > 0.4, "{}", d.summary.share_a_kept);
        let full = diff(side(&a), side(&b), &DiffOptions::default());
        assert!(full.summary.complete);
        assert!(full.summary.share_a_kept > 0.9);
    }
}
