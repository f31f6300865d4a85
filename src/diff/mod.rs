//! What editors changed between two versions of a story: paragraphs aligned
//! by similarity (so moved and lightly edited ones pair up), then word-level
//! changes inside each pair, every change tagged with one `ChangeKind`.

pub mod html;
pub mod paragraphs;
pub mod render;
pub mod report;
pub mod summary;
pub mod tokens;

use paragraphs::{Paragraph, Role};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use serde::Serialize;
use similar::{capture_diff_slices_deadline, Algorithm, DiffTag};
use std::time::{Duration, Instant};
use tokens::{tokens, units, vocabulary, Unit};

pub use summary::Summary;
pub use tokens::Span;

/// The kind of an editorial change (docs/diff.md, "Change kinds").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    Localization,
    Typography,
    Glued,
    NumberFormat,
    Caption,
    Boilerplate,
    Headline,
    ParagraphAdded,
    ParagraphRemoved,
    ParagraphMoved,
    Trimmed,
    Reworded,
}

impl ChangeKind {
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
    pub fn is_cosmetic(self) -> bool {
        matches!(
            self,
            ChangeKind::Typography | ChangeKind::Localization | ChangeKind::Glued
        )
    }

    /// What the kind means, for legends and help.
    pub fn describe(self) -> &'static str {
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
    pub kind: ChangeKind,
    pub a_span: Span,
    pub b_span: Span,
}

/// One of the two documents compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Side {
    pub id: String,
    pub text: String,
}

impl Side {
    pub fn slice(&self, span: Span) -> &str {
        &self.text[span.start..span.end]
    }
}

/// A stretch of one paragraph, unchanged or part of `change`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    pub span: Span,
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
    pub kind: RowKind,
    pub a: Option<usize>,
    pub b: Option<usize>,
    /// The paragraph-level change (added, removed, moved, caption, ...).
    pub change: Option<usize>,
    pub a_segments: Vec<Segment>,
    pub b_segments: Vec<Segment>,
}

/// The diff of two documents.
#[derive(Debug, Clone)]
pub struct Diff {
    pub a: Side,
    pub b: Side,
    pub a_paragraphs: Vec<Paragraph>,
    pub b_paragraphs: Vec<Paragraph>,
    pub rows: Vec<Row>,
    pub changes: Vec<Change>,
    pub summary: Summary,
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

/// Compare two documents.
pub fn diff(a: Side, b: Side, opts: &DiffOptions) -> Diff {
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
        let (ja, jb) = joins(&alignment, &a_units, &b_units, &a_paragraphs, &b_paragraphs);
        if ja.is_empty() && jb.is_empty() {
            break;
        }
        join_paragraphs(&mut a_paragraphs, &mut a_units, &ja);
        join_paragraphs(&mut b_paragraphs, &mut b_units, &jb);
        alignment = align(&a_units, &b_units, opts);
    }

    let mut builder = Builder {
        a: &a,
        b: &b,
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
    let summary = Summary::new(
        &b,
        &changes,
        words,
        summary::Facts {
            reused: crate::align::align(&a.text, &b.text, &crate::align::AlignConfig::default())
                .aligned_b(),
            complete,
            unrelated,
            origin_known: opts.origin_known,
        },
    );
    Diff {
        a,
        b,
        a_paragraphs,
        b_paragraphs,
        rows,
        changes,
        summary,
    }
}

/// Which paragraphs pair up: in order (`aligned`, increasing in both) and
/// out of order (`moved`).
#[derive(Debug, Default)]
struct Alignment {
    aligned: Vec<(usize, usize)>,
    moved: Vec<(usize, usize)>,
}

/// Content words of a paragraph (loose keys, stopwords dropped).
fn content(us: &[Unit]) -> HashSet<&str> {
    us.iter()
        .filter(|u| u.content)
        .map(|u| u.loose.as_str())
        .collect()
}

/// Pair paragraphs: similarity is the Dice coefficient of content-word sets
/// (identical paragraphs score 1 even when they have none). The in-order
/// pairing maximizes the summed similarity (dynamic programming, like an
/// LCS); paragraphs left over pair greedily, best first, as moved.
fn align(a: &[Vec<Unit>], b: &[Vec<Unit>], opts: &DiffOptions) -> Alignment {
    let (n, m) = (a.len(), b.len());
    let ca: Vec<HashSet<&str>> = a.iter().map(|u| content(u)).collect();
    let cb: Vec<HashSet<&str>> = b.iter().map(|u| content(u)).collect();
    // Sparse similarity through an inverted index of B's content words.
    let mut postings: HashMap<&str, Vec<u32>> = HashMap::default();
    for (j, words) in cb.iter().enumerate() {
        for w in words {
            postings.entry(w).or_default().push(j as u32);
        }
    }
    let loose = |us: &[Unit]| -> Vec<String> { us.iter().map(|u| u.loose.clone()).collect() };
    let mut exact: HashMap<Vec<String>, Vec<usize>> = HashMap::default();
    for (j, us) in b.iter().enumerate() {
        exact.entry(loose(us)).or_default().push(j);
    }
    // Identical twins (the k-th copy in A with the k-th in B) pair only with
    // each other, in order or as moved: a paragraph that B has word for word
    // is never shown as a rewording of another one.
    let mut a_twin: Vec<Option<usize>> = vec![None; n];
    let mut b_twin: Vec<Option<usize>> = vec![None; m];
    let mut taken: HashMap<Vec<String>, usize> = HashMap::default();
    let a_keys: Vec<Vec<String>> = a.iter().map(|us| loose(us)).collect();
    for (i, key) in a_keys.iter().enumerate() {
        if let Some(js) = exact.get(key) {
            let k = taken.entry(key.clone()).or_default();
            if let Some(&j) = js.get(*k) {
                a_twin[i] = Some(j);
                b_twin[j] = Some(i);
                *k += 1;
            }
        }
    }
    let mut sim: Vec<HashMap<u32, f64>> = vec![HashMap::default(); n];
    let mut shared: HashMap<u32, u32> = HashMap::default();
    for i in 0..n {
        shared.clear();
        for w in &ca[i] {
            if let Some(js) = postings.get(w) {
                for &j in js {
                    *shared.entry(j).or_default() += 1;
                }
            }
        }
        for (&j, &s) in &shared {
            let dice = 2.0 * s as f64 / (ca[i].len() + cb[j as usize].len()) as f64;
            sim[i].insert(j, dice);
        }
        if let Some(js) = exact.get(&a_keys[i]) {
            for &j in js {
                sim[i].insert(j as u32, 1.0);
            }
        }
    }
    // Cubed, so one identical pair outweighs two crossed half-similar ones
    // (swapped paragraphs of a short story share much of their vocabulary).
    let score = |v: f64| (v * v * v) as f32;
    // Each row's pairs similar enough to pair in order, by column: the DP
    // walks them with a cursor instead of looking every cell up.
    let pairable: Vec<Vec<(usize, f32)>> = sim
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let mut cells: Vec<(usize, f32)> = row
                .iter()
                .filter(|&(&j, &v)| {
                    v >= opts.align_threshold
                        && match a_twin[i] {
                            Some(t) => t == j as usize,
                            None => b_twin[j as usize].is_none(),
                        }
                })
                .map(|(&j, &v)| (j as usize, score(v)))
                .collect();
            cells.sort_unstable_by_key(|c| c.0);
            cells
        })
        .collect();
    let gain = |i: usize, j: usize| -> Option<f32> {
        let row = &pairable[i];
        row.binary_search_by_key(&j, |c| c.0).ok().map(|k| row[k].1)
    };

    // dp[i][j]: best summed similarity pairing a[..i] with b[..j] in order.
    let width = m + 1;
    let mut dp = vec![0f32; (n + 1) * width];
    for i in 1..=n {
        let mut cells = pairable[i - 1].iter().peekable();
        for j in 1..=m {
            let mut best = dp[(i - 1) * width + j].max(dp[i * width + j - 1]);
            if let Some(&(_, g)) = cells.next_if(|c| c.0 == j - 1) {
                best = best.max(dp[(i - 1) * width + j - 1] + g);
            }
            dp[i * width + j] = best;
        }
    }
    let mut aligned = Vec::new();
    let (mut i, mut j) = (n, m);
    while i > 0 && j > 0 {
        let here = dp[i * width + j];
        let diagonal = gain(i - 1, j - 1).map(|g| dp[(i - 1) * width + j - 1] + g);
        if diagonal == Some(here) {
            aligned.push((i - 1, j - 1));
            i -= 1;
            j -= 1;
        } else if here == dp[(i - 1) * width + j] {
            i -= 1;
        } else {
            j -= 1;
        }
    }
    aligned.reverse();

    let mut a_used = vec![false; n];
    let mut b_used = vec![false; m];
    for &(i, j) in &aligned {
        a_used[i] = true;
        b_used[j] = true;
    }
    let mut rest: Vec<(f64, usize, usize)> = Vec::new();
    for (i, row) in sim.iter().enumerate() {
        if a_used[i] {
            continue;
        }
        for (&j, &v) in row {
            let twin_ok = match a_twin[i] {
                Some(t) => t == j as usize,
                None => b_twin[j as usize].is_none(),
            };
            if twin_ok && !b_used[j as usize] && v >= opts.move_threshold {
                rest.push((v, i, j as usize));
            }
        }
    }
    rest.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    let mut moved = Vec::new();
    for (_, i, j) in rest {
        if !a_used[i] && !b_used[j] {
            a_used[i] = true;
            b_used[j] = true;
            moved.push((i, j));
        }
    }
    Alignment { aligned, moved }
}

/// Paragraphs to join to the one before them: a paragraph that pairs with
/// nothing, next to one that pairs with a paragraph of the other text which
/// also holds most of its content words (the other version split it).
/// Returns, for A and for B, the indices `k` to join with `k - 1`.
fn joins(
    al: &Alignment,
    a: &[Vec<Unit>],
    b: &[Vec<Unit>],
    pa: &[Paragraph],
    pb: &[Paragraph],
) -> (Vec<usize>, Vec<usize>) {
    let mut a_partner: Vec<Option<usize>> = vec![None; a.len()];
    let mut b_partner: Vec<Option<usize>> = vec![None; b.len()];
    for &(i, j) in al.aligned.iter().chain(&al.moved) {
        a_partner[i] = Some(j);
        b_partner[j] = Some(i);
    }
    let ca: Vec<HashSet<&str>> = a.iter().map(|u| content(u)).collect();
    let cb: Vec<HashSet<&str>> = b.iter().map(|u| content(u)).collect();
    let side = |xs: &[HashSet<&str>],
                ys: &[HashSet<&str>],
                partner: &[Option<usize>],
                paras: &[Paragraph]|
     -> Vec<usize> {
        let mut out = Vec::new();
        for k in 0..xs.len() {
            if partner[k].is_some() || paras[k].role != Role::Body || xs[k].is_empty() {
                continue;
            }
            // Content words of k found in the neighbour's partner and not
            // already in the neighbour itself.
            let gain = |nb: usize| -> usize {
                partner[nb].map_or(0, |y| {
                    xs[k]
                        .iter()
                        .filter(|w| ys[y].contains(*w) && !xs[nb].contains(*w))
                        .count()
                })
            };
            let before = k.checked_sub(1).map_or(0, gain);
            let after = if k + 1 < xs.len() { gain(k + 1) } else { 0 };
            let best = before.max(after);
            // Most of a long paragraph, or all of a short one ("Reuter").
            let n = xs[k].len();
            if (best >= 3 && best * 5 >= n * 2) || (n < 3 && best == n) {
                out.push(if before >= after { k } else { k + 1 });
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    };
    (
        side(&ca, &cb, &a_partner, pa),
        side(&cb, &ca, &b_partner, pb),
    )
}

/// Join each paragraph `k` in `at` to the one before it.
fn join_paragraphs(paras: &mut Vec<Paragraph>, units: &mut Vec<Vec<Unit>>, at: &[usize]) {
    for &k in at.iter().rev() {
        if k == 0 || k >= paras.len() {
            continue;
        }
        let p = paras.remove(k);
        let u = units.remove(k);
        let prev = &mut paras[k - 1];
        prev.span = prev.span.join(p.span);
        if prev.role != Role::Body && prev.role != Role::Headline {
            prev.role = p.role;
        }
        units[k - 1].extend(u);
    }
}

/// Walks the alignment and builds rows and changes in reading order.
struct Builder<'a> {
    a: &'a Side,
    b: &'a Side,
    a_paragraphs: &'a [Paragraph],
    b_paragraphs: &'a [Paragraph],
    a_units: &'a [Vec<Unit>],
    b_units: &'a [Vec<Unit>],
    rows: Vec<Row>,
    changes: Vec<Change>,
    a_kept: usize,
    b_from_a: usize,
    deadline: Instant,
    complete: bool,
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

    fn build(&mut self, al: &Alignment) {
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

/// A change found inside a paragraph pair.
#[derive(Debug, Clone, Copy)]
struct WordChange {
    change: Change,
}

/// Word-level changes of one paragraph pair, and which change owns each
/// unit (indices into `changes`).
struct WordChanges {
    /// False when the deadline passed and words were matched by sentence.
    complete: bool,
    changes: Vec<WordChange>,
    a_owner: Vec<Option<usize>>,
    b_owner: Vec<Option<usize>>,
    a_kept: usize,
    b_from_a: usize,
}

/// Kind of a difference between two units with the same loose key.
fn cosmetic_kind(a: &Unit, b: &Unit) -> ChangeKind {
    let per_cent = |u: &Unit| matches!(u.typo.as_str(), "percent" | "per cent");
    let undotted = |u: &Unit| u.typo.replace('.', "");
    if a.in_url || b.in_url {
        // A web address is not respelled: another address is another link.
        ChangeKind::Reworded
    } else if a.typo == b.typo || undotted(a) == undotted(b) {
        ChangeKind::Typography
    } else if per_cent(a) && per_cent(b) {
        // "per cent" is British style, "percent" American.
        ChangeKind::Localization
    } else if crate::normalize::fold_spelling(a.typo.clone())
        == crate::normalize::fold_spelling(b.typo.clone())
    {
        ChangeKind::Localization
    } else {
        ChangeKind::NumberFormat
    }
}

/// Kind of a hunk of units that differ in loose keys.
fn hunk_kind(a: &[&Unit], b: &[&Unit], headline: bool) -> ChangeKind {
    if a.iter().chain(b).any(|u| u.in_url) {
        return if headline {
            ChangeKind::Headline
        } else {
            ChangeKind::Reworded
        };
    }
    let all_punct = a.iter().chain(b).all(|u| !u.word);
    let spaced = |us: &[&Unit]| -> String { us.iter().map(|u| u.typo.as_str()).collect() };
    if !a.is_empty() && !b.is_empty() && a.len() != b.len() && spaced(a) == spaced(b) {
        // Only spaces differ. Two words run into one token ("said.Last",
        // "bankers'acceptance", "oneof", "sofar") are glued; a real compound
        // ("on to" / "onto") is typography.
        let (fewer, more) = if a.len() < b.len() { (a, b) } else { (b, a) };
        let glued = fewer.iter().any(|u| {
            u.word
                && u.typo.chars().count() >= 6
                && u.typo
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|p| p.len() >= 2)
                    .count()
                    >= 2
        }) || (more.iter().filter(|u| u.word).count() >= 2
            && fewer
                .iter()
                .all(|u| u.word && !COMPOUNDS.contains(&u.typo.as_str())));
        return if glued {
            ChangeKind::Glued
        } else {
            ChangeKind::Typography
        };
    }
    let joined = |us: &[&Unit], f: fn(&Unit) -> String| -> String {
        us.iter().filter(|u| u.word).map(|u| f(u)).collect()
    };
    let typo_a = joined(a, |u| u.typo.clone());
    let typo_b = joined(b, |u| u.typo.clone());
    if all_punct || typo_a == typo_b {
        return ChangeKind::Typography;
    }
    let loose_a = joined(a, |u| u.loose.clone());
    let loose_b = joined(b, |u| u.loose.clone());
    if loose_a == loose_b {
        let spell = |s: String| crate::normalize::fold_spelling(s);
        return if spell(typo_a) == spell(typo_b) {
            ChangeKind::Localization
        } else {
            ChangeKind::NumberFormat
        };
    }
    if headline {
        ChangeKind::Headline
    } else {
        ChangeKind::Reworded
    }
}

/// Words written solid in standard English: "on to" -> "onto" is a
/// typographic choice, not two words glued by a scraper.
const COMPOUNDS: &[&str] = &[
    "another",
    "anybody",
    "anyone",
    "anything",
    "anyway",
    "cannot",
    "everybody",
    "everyone",
    "everything",
    "forever",
    "however",
    "into",
    "maybe",
    "nobody",
    "nonetheless",
    "nothing",
    "online",
    "onto",
    "overall",
    "somebody",
    "someone",
    "something",
    "sometimes",
    "today",
    "together",
    "tonight",
    "weekend",
    "whatever",
    "whenever",
    "wherever",
    "within",
    "without",
];

/// The two paragraphs' texts and spans, for `word_changes`.
struct PairText<'t> {
    a: &'t str,
    b: &'t str,
    pa: Span,
    pb: Span,
}

fn word_changes(
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
    use super::*;

    fn run(a: &str, b: &str) -> Diff {
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
    fn changes(a: &str, b: &str) -> Vec<(ChangeKind, String, String)> {
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

    fn kinds(a: &str, b: &str) -> Vec<ChangeKind> {
        changes(a, b).into_iter().map(|c| c.0).collect()
    }

    const BODY: &str = "Officials said the talks in Geneva would resume next week after a pause.\n\nThe minister told reporters that progress had been slow but steady.\n\nAnalysts expect a deal on tariffs before the end of the year.\n\nMarkets rose sharply on the news, led by shares of exporters.";

    #[test]
    fn localization_is_rule_based() {
        use ChangeKind::*;
        let c = changes(
            "The defence ministry mobilised troops near the centre.",
            "The defense ministry mobilized troops near the center.",
        );
        let want = [
            (Localization, "defence", "defense"),
            (Localization, "mobilised", "mobilized"),
            (Localization, "centre", "center"),
        ];
        assert_eq!(c.len(), 3, "{c:?}");
        for (w, got) in want.iter().zip(&c) {
            assert_eq!((w.0, w.1, w.2), (got.0, got.1.as_str(), got.2.as_str()));
        }
        // Not a spelling variant: a different word.
        assert_eq!(
            kinds("The defence ministry.", "The offence ministry."),
            [Reworded]
        );
    }

    #[test]
    fn typography_is_quotes_dashes_spaces_case() {
        let k = kinds(
            "He said “no” – twice, on to the RECORD.",
            "He said \"no\" - twice, onto the record.",
        );
        assert!(
            !k.is_empty() && k.iter().all(|k| *k == ChangeKind::Typography),
            "{k:?}"
        );
    }

    #[test]
    fn glued_words() {
        let c = changes(
            "Moscow is cosying up to Beijing. Alexander Lukashenko will visit with ammunition and kit.",
            "Moscow is cosying up to Beijingwith Alexander Lukashenko will visit with ammunitionand kit.",
        );
        let glued: Vec<&str> = c
            .iter()
            .filter(|c| c.0 == ChangeKind::Glued)
            .map(|c| c.2.as_str())
            .collect();
        assert_eq!(glued, ["Beijingwith", "ammunitionand"], "{c:?}");
        assert!(c.iter().all(|c| c.0 == ChangeKind::Glued), "{c:?}");
    }

    #[test]
    fn number_formats() {
        let c = changes(
            "Output rose 10-fold, a tenth of it abroad, up 10 pct on the year.",
            "Output rose tenfold, a 10th of it abroad, up 10 percent on the year.",
        );
        let got: Vec<(ChangeKind, &str, &str)> = c
            .iter()
            .map(|c| (c.0, c.1.as_str(), c.2.as_str()))
            .collect();
        use ChangeKind::NumberFormat as N;
        assert_eq!(
            got,
            [
                (N, "10-fold", "tenfold"),
                (N, "tenth", "10th"),
                (N, "pct", "percent")
            ]
        );
    }

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

    #[test]
    fn reworded_and_split_paragraphs() {
        let p: Vec<&str> = BODY.split("\n\n").collect();
        let b = [
            p[0],
            "The minister informed reporters that progress had been slow but steady.",
            p[2],
            p[3],
        ]
        .join("\n\n");
        let c = changes(BODY, &b);
        assert_eq!(c.len(), 1);
        assert_eq!(
            (c[0].0, c[0].1.as_str(), c[0].2.as_str()),
            (ChangeKind::Reworded, "told", "informed")
        );
        // A paragraph split in two by B pairs whole, not as removed + added.
        let joined = format!("{} {}", p[1], p[2]);
        let a = [p[0], &joined, p[3]].join("\n\n");
        let k = kinds(&a, BODY);
        assert!(
            k.iter()
                .all(|k| *k == ChangeKind::Typography || *k == ChangeKind::Reworded),
            "{k:?}"
        );
    }

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
