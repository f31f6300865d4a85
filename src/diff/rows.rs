//! The row builder: walks the paragraph alignment in reading order and
//! makes the side-by-side rows and the changes (added, removed, moved,
//! trimmed, headline, caption...), with each paired row's word changes.

use super::model::{Change, ChangeKind, Row, RowKind, Segment, Side};
use super::pairing::Alignment;
use super::paragraphs::{Paragraph, Role};
use super::tokens::{Span, Unit};
use super::words::{word_changes, PairText};
use std::time::Instant;

/// Walks the alignment and builds rows and changes in reading order.
pub(super) struct Builder<'a> {
    pub(super) a: &'a Side,
    pub(super) b: &'a Side,
    pub(super) a_paragraphs: &'a [Paragraph],
    pub(super) b_paragraphs: &'a [Paragraph],
    pub(super) a_units: &'a [Vec<Unit>],
    pub(super) b_units: &'a [Vec<Unit>],
    pub(super) rows: Vec<Row>,
    pub(super) changes: Vec<Change>,
    pub(super) a_kept: usize,
    pub(super) b_from_a: usize,
    pub(super) deadline: Instant,
    pub(super) complete: bool,
}

impl Builder<'_> {
    fn push_change(&mut self, kind: ChangeKind, a_span: Span, b_span: Span) -> usize {
        self.changes.push(Change {
            kind,
            a_span,
            b_span,
        });
        self.changes.len() - 1
    }

    pub(super) fn build(&mut self, al: &Alignment) {
        let (n, m) = (self.a_paragraphs.len(), self.b_paragraphs.len());
        let mut a_partner: Vec<Option<usize>> = vec![None; n];
        let mut b_partner: Vec<Option<usize>> = vec![None; m];
        let mut b_moved = vec![false; m];
        for &(i, j) in &al.aligned {
            a_partner[i] = Some(j);
            b_partner[j] = Some(i);
        }
        for &(i, j) in &al.moved {
            a_partner[i] = Some(j);
            b_partner[j] = Some(i);
            b_moved[j] = true;
        }
        // Headlines that pair with nothing pair with each other.
        let head = |ps: &[Paragraph], partner: &[Option<usize>]| {
            ps.iter()
                .position(|p| p.role == Role::Headline)
                .filter(|&i| partner[i].is_none())
        };
        let (a_head, b_head) = (
            head(self.a_paragraphs, &a_partner),
            head(self.b_paragraphs, &b_partner),
        );
        let headline_pair = match (a_head, b_head) {
            (Some(i), Some(j)) => Some((i, j)),
            _ => None,
        };
        // The ending is trimmed when A's last story paragraphs pair with
        // nothing and B adds no story paragraphs after its last pair.
        let is_story = |p: &Paragraph| matches!(p.role, Role::Body | Role::Headline);
        let last_a = a_partner.iter().rposition(Option::is_some);
        let last_b = b_partner.iter().rposition(Option::is_some);
        let b_tail_story = (last_b.map_or(0, |j| j + 1)..m)
            .any(|j| is_story(&self.b_paragraphs[j]) && Some(j) != headline_pair.map(|(_, j)| j));
        let trim_from = match last_a {
            Some(i) if !b_tail_story => {
                ((i + 1)..n).find(|&k| is_story(&self.a_paragraphs[k]) && a_partner[k].is_none())
            }
            _ => None,
        };
        let trimmed = trim_from.map(|from| {
            let end = (from..n)
                .rev()
                .find(|&k| is_story(&self.a_paragraphs[k]))
                .unwrap_or(from);
            let span = Span::new(
                self.a_paragraphs[from].span.start,
                self.a_paragraphs[end].span.end,
            );
            (from, end, span)
        });

        let mut trimmed_change: Option<usize> = None;
        let mut ia = 0;
        let mut jb = 0;
        let mut stops: Vec<(usize, usize)> = al.aligned.clone();
        stops.push((n, m));
        for (pa, pb) in stops {
            for (i, partner) in a_partner.iter().enumerate().take(pa.min(n)).skip(ia) {
                if let Some(j) = partner.filter(|&j| b_moved[j]) {
                    self.rows.push(Row {
                        kind: RowKind::MovedAway,
                        a: Some(i),
                        b: Some(j),
                        change: None,
                        a_segments: Vec::new(),
                        b_segments: Vec::new(),
                    });
                    continue;
                }
                if partner.is_some() || headline_pair.is_some_and(|(h, _)| h == i) {
                    continue;
                }
                let in_trim = trimmed.filter(|&(from, end, _)| (from..=end).contains(&i));
                if let (Some((_, _, span)), true) = (in_trim, is_story(&self.a_paragraphs[i])) {
                    let c = *trimmed_change.get_or_insert_with(|| {
                        self.changes.push(Change {
                            kind: ChangeKind::Trimmed,
                            a_span: span,
                            b_span: Span::empty_at(self.b.text.trim_end().len()),
                        });
                        self.changes.len() - 1
                    });
                    self.one_sided_row(Some(i), None, c);
                } else {
                    let kind = match self.a_paragraphs[i].role {
                        Role::Headline if a_head == Some(i) => ChangeKind::Headline,
                        Role::Caption => ChangeKind::Caption,
                        Role::Boilerplate => ChangeKind::Boilerplate,
                        _ => ChangeKind::ParagraphRemoved,
                    };
                    let at = self.b_anchor(jb);
                    let c = self.push_change(kind, self.a_paragraphs[i].span, at);
                    self.one_sided_row(Some(i), None, c);
                }
            }
            for j in jb..pb.min(m) {
                if let Some((hi, hj)) = headline_pair.filter(|&(_, hj)| hj == j) {
                    self.paired_row(hi, hj, RowKind::Aligned, true);
                    continue;
                }
                if b_moved[j] {
                    let i = b_partner[j].unwrap_or_default();
                    self.paired_row(i, j, RowKind::Moved, false);
                    continue;
                }
                let kind = match self.b_paragraphs[j].role {
                    Role::Headline if b_head == Some(j) => ChangeKind::Headline,
                    Role::Caption => ChangeKind::Caption,
                    Role::Boilerplate => ChangeKind::Boilerplate,
                    _ => ChangeKind::ParagraphAdded,
                };
                let at = self.a_anchor(ia.min(pa));
                let c = self.push_change(kind, at, self.b_paragraphs[j].span);
                self.one_sided_row(None, Some(j), c);
            }
            if pa < n && pb < m {
                let headline = self.a_paragraphs[pa].role == Role::Headline
                    || self.b_paragraphs[pb].role == Role::Headline;
                self.paired_row(pa, pb, RowKind::Aligned, headline);
            }
            ia = pa + 1;
            jb = pb + 1;
        }
    }

    /// Where in B something of A that B lacks would have been: the start of
    /// B's paragraph `j` (or the end of B).
    fn b_anchor(&self, j: usize) -> Span {
        let pos = self
            .b_paragraphs
            .get(j)
            .map_or(self.b.text.trim_end().len(), |p| p.span.start);
        Span::empty_at(pos)
    }

    fn a_anchor(&self, i: usize) -> Span {
        let pos = self
            .a_paragraphs
            .get(i)
            .map_or(self.a.text.trim_end().len(), |p| p.span.start);
        Span::empty_at(pos)
    }

    fn one_sided_row(&mut self, a: Option<usize>, b: Option<usize>, change: usize) {
        let whole = |ps: &[Paragraph], i: Option<usize>| -> Vec<Segment> {
            i.map(|i| {
                vec![Segment {
                    span: ps[i].span,
                    change: Some(change),
                }]
            })
            .unwrap_or_default()
        };
        self.rows.push(Row {
            kind: if a.is_some() {
                RowKind::Removed
            } else {
                RowKind::Added
            },
            a,
            b,
            change: Some(change),
            a_segments: whole(self.a_paragraphs, a),
            b_segments: whole(self.b_paragraphs, b),
        });
    }

    /// A row of two paired paragraphs with their word-level changes.
    fn paired_row(&mut self, i: usize, j: usize, kind: RowKind, headline: bool) {
        let row_change = (kind == RowKind::Moved).then(|| {
            self.push_change(
                ChangeKind::ParagraphMoved,
                self.a_paragraphs[i].span,
                self.b_paragraphs[j].span,
            )
        });
        let ua = &self.a_units[i];
        let ub = &self.b_units[j];
        let pair = PairText {
            a: &self.a.text,
            b: &self.b.text,
            pa: self.a_paragraphs[i].span,
            pb: self.b_paragraphs[j].span,
        };
        let words = word_changes(&pair, ua, ub, headline, self.deadline);
        self.a_kept += words.a_kept;
        self.b_from_a += words.b_from_a;
        self.complete &= words.complete;
        if headline
            && words
                .changes
                .iter()
                .any(|c| c.change.kind == ChangeKind::Headline)
        {
            // A changed headline is one change, shown whole.
            let (sa, sb) = (self.a_paragraphs[i].span, self.b_paragraphs[j].span);
            let c = self.push_change(ChangeKind::Headline, sa, sb);
            let whole = |span| {
                vec![Segment {
                    span,
                    change: Some(c),
                }]
            };
            self.rows.push(Row {
                kind,
                a: Some(i),
                b: Some(j),
                change: Some(c),
                a_segments: whole(sa),
                b_segments: whole(sb),
            });
            return;
        }
        let base = self.changes.len();
        self.changes.extend(words.changes.iter().map(|c| c.change));
        let seg =
            |us: &[Unit], owner: &[Option<usize>], span: Span| segments(us, owner, span, base);
        let a_segments = seg(ua, &words.a_owner, self.a_paragraphs[i].span);
        let b_segments = seg(ub, &words.b_owner, self.b_paragraphs[j].span);
        self.rows.push(Row {
            kind,
            a: Some(i),
            b: Some(j),
            change: row_change,
            a_segments,
            b_segments,
        });
    }
}

/// Segments covering a paragraph: runs of units owned by the same change
/// (with the spaces between them), and unchanged stretches between.
fn segments(us: &[Unit], owner: &[Option<usize>], para: Span, base: usize) -> Vec<Segment> {
    // Runs of units with one owner (a change's inner spaces are its own).
    let mut runs: Vec<Segment> = Vec::new();
    for (u, own) in us.iter().zip(owner) {
        let change = own.map(|c| c + base);
        match runs.last_mut() {
            Some(last) if last.change == change => last.span.end = u.span.end,
            _ => runs.push(Segment {
                span: u.span,
                change,
            }),
        }
    }
    // Fill the gaps with unchanged text, merged into unchanged neighbours.
    let mut out: Vec<Segment> = Vec::with_capacity(runs.len() * 2 + 1);
    let push = |seg: Segment, out: &mut Vec<Segment>| {
        if seg.span.is_empty() {
            return;
        }
        match out.last_mut() {
            Some(last) if last.change.is_none() && seg.change.is_none() => {
                last.span.end = seg.span.end
            }
            _ => out.push(seg),
        }
    };
    let mut pos = para.start;
    for r in runs {
        push(
            Segment {
                span: Span::new(pos, r.span.start),
                change: None,
            },
            &mut out,
        );
        pos = r.span.end;
        push(r, &mut out);
    }
    push(
        Segment {
            span: Span::new(pos, para.end),
            change: None,
        },
        &mut out,
    );
    out
}

#[cfg(test)]
mod tests {
    use crate::diff::test_support::*;
    use crate::diff::{ChangeKind, RowKind};

    #[test]
    fn captions_boilerplate_and_added_paragraphs() {
        let b = format!(
            "{}\n\nMinister Jane Doe in Geneva – John Smith/Reuters\n\nA new paragraph about something else entirely, with facts.\n\nSource link",
            BODY
        );
        let k = kinds(BODY, &b);
        assert_eq!(
            k,
            [
                ChangeKind::Caption,
                ChangeKind::ParagraphAdded,
                ChangeKind::Boilerplate
            ]
        );
    }

    #[test]
    fn headline_changed_is_one_change() {
        let a = format!("Talks to resume in Geneva next week\n\n{BODY}");
        let b = format!("Geneva trade talks set for restart, officials say\n\n{BODY}");
        let c = changes(&a, &b);
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(c[0].0, ChangeKind::Headline);
        assert_eq!(c[0].1, "Talks to resume in Geneva next week");
    }

    #[test]
    fn moved_removed_and_trimmed_paragraphs() {
        let p: Vec<&str> = BODY.split("\n\n").collect();
        // Swap the middle two: one pair stays in order, the other moved.
        let swapped = [p[0], p[2], p[1], p[3]].join("\n\n");
        assert_eq!(kinds(BODY, &swapped), [ChangeKind::ParagraphMoved]);
        // A middle paragraph dropped.
        let removed = [p[0], p[1], p[3]].join("\n\n");
        assert_eq!(kinds(BODY, &removed), [ChangeKind::ParagraphRemoved]);
        // The ending cut: one `trimmed` change covering both paragraphs.
        let cut = [p[0], p[1]].join("\n\n");
        let c = changes(BODY, &cut);
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(c[0].0, ChangeKind::Trimmed);
        assert_eq!(c[0].1, [p[2], p[3]].join("\n\n"));
    }

    /// Segments of every row cover its paragraphs exactly, in order.
    #[test]
    fn segments_tile_their_paragraphs() {
        let a = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/samples/telegraph-russia-hi-tech-arms.txt"
        ))
        .unwrap();
        let b = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/samples/repost-russia-hi-tech-arms.txt"
        ))
        .unwrap();
        let d = run(&a, &b);
        // Placeholders of moved paragraphs show no text of their own.
        for row in d.rows.iter().filter(|r| r.kind != RowKind::MovedAway) {
            for (segs, para) in [
                (&row.a_segments, row.a.map(|i| d.a_paragraphs[i].span)),
                (&row.b_segments, row.b.map(|j| d.b_paragraphs[j].span)),
            ] {
                let Some(para) = para else {
                    assert!(segs.is_empty());
                    continue;
                };
                assert_eq!(segs.first().map(|s| s.span.start), Some(para.start));
                assert_eq!(segs.last().map(|s| s.span.end), Some(para.end));
                assert!(segs.windows(2).all(|w| w[0].span.end == w[1].span.start));
            }
        }
    }
}
