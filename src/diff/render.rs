//! Showing a diff in a terminal or a pipe: two columns fitted to the width,
//! one column with word-level marks (`--inline`), and the JSON record.

use super::{Change, ChangeKind, Diff, Row, RowKind, Segment};
use serde::Serialize;
use unicode_width::UnicodeWidthStr;

/// How to show a diff as text.
#[derive(Debug, Clone, Copy)]
pub struct TextStyle {
    /// Total width in columns.
    pub width: usize,
    /// ANSI colors; without them, changes are marked `[-...-]` / `{+...+}`
    /// (cosmetic ones `[~...~]` / `{~...~}`).
    pub color: bool,
    /// Show typography, localization and glued changes as unchanged text.
    pub hide_cosmetic: bool,
}

const RESET: &str = "\x1b[0m";

/// Which side of the diff a piece of text is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    A,
    B,
}

/// A styled run of text: `None` is unchanged text.
#[derive(Debug, Clone)]
struct Piece {
    text: String,
    kind: Option<ChangeKind>,
}

fn shown(kind: Option<ChangeKind>, style: &TextStyle) -> Option<ChangeKind> {
    kind.filter(|k| !(style.hide_cosmetic && k.is_cosmetic()))
}

fn ansi(kind: ChangeKind, side: Side) -> &'static str {
    use ChangeKind::*;
    match (kind, side) {
        (Typography | Localization | Glued | NumberFormat, _) => "\x1b[2;4m",
        (Caption | Boilerplate, _) => "\x1b[2;35m",
        (ParagraphMoved, _) => "\x1b[36m",
        (_, Side::A) => "\x1b[31m",
        (_, Side::B) => "\x1b[32m",
    }
}

fn marks(kind: ChangeKind, side: Side) -> (&'static str, &'static str) {
    match (kind.is_cosmetic() || kind == ChangeKind::NumberFormat, side) {
        (true, Side::A) => ("[~", "~]"),
        (true, Side::B) => ("{~", "~}"),
        (false, Side::A) => ("[-", "-]"),
        (false, Side::B) => ("{+", "+}"),
    }
}

/// The pieces of one side of a row.
fn pieces(diff: &Diff, segs: &[Segment], side: Side, style: &TextStyle) -> Vec<Piece> {
    let text = match side {
        Side::A => &diff.a.text,
        Side::B => &diff.b.text,
    };
    segs.iter()
        .map(|s| Piece {
            text: text[s.span.start..s.span.end].to_string(),
            kind: shown(s.change.map(|c| diff.changes[c].kind), style),
        })
        .collect()
}

/// Word-wrap pieces into lines of at most `width` columns. Newlines inside
/// a paragraph become spaces; a change's words are colored one by one (so a
/// wrapped line never carries an open color) or marked at its two ends.
fn wrap(pieces: &[Piece], width: usize, style: &TextStyle, side: Side) -> Vec<String> {
    let width = width.max(10);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    let mut space_pending = false;
    for p in pieces {
        let words: Vec<&str> = p.text.split_whitespace().collect();
        if p.text.starts_with(char::is_whitespace) {
            space_pending = true;
        }
        for (n, w) in words.iter().enumerate() {
            let mut word = String::new();
            match (p.kind, style.color) {
                (Some(k), true) => {
                    word.push_str(ansi(k, side));
                    word.push_str(w);
                    word.push_str(RESET);
                }
                (Some(k), false) => {
                    let (open, close) = marks(k, side);
                    if n == 0 {
                        word.push_str(open);
                    }
                    word.push_str(w);
                    if n + 1 == words.len() {
                        word.push_str(close);
                    }
                }
                (None, _) => word.push_str(w),
            }
            let wlen = visible_width(&word);
            let space = used > 0 && (n > 0 || space_pending);
            if used > 0 && used + usize::from(space) + wlen > width {
                lines.push(std::mem::take(&mut line));
                used = 0;
            } else if space {
                line.push(' ');
                used += 1;
            }
            line.push_str(&word);
            used += wlen;
            space_pending = false;
        }
        if p.text.ends_with(char::is_whitespace) {
            space_pending = true;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Visible width of a line with ANSI codes.
fn visible_width(s: &str) -> usize {
    let mut w = 0;
    let mut in_escape = false;
    let mut buf = [0u8; 4];
    for c in s.chars() {
        if in_escape {
            in_escape = c != 'm';
        } else if c == '\x1b' {
            in_escape = true;
        } else {
            w += c.encode_utf8(&mut buf).width();
        }
    }
    w
}

fn pad(s: &str, width: usize) -> String {
    let w = visible_width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

/// The summary block printed above both text views.
pub fn summary_text(diff: &Diff, color: bool, width: usize) -> String {
    let s = &diff.summary;
    let bold = |t: &str| {
        if color {
            format!("\x1b[1m{t}{RESET}")
        } else {
            t.to_string()
        }
    };
    let mut out = String::new();
    out.push_str(&format!("A: {}\nB: {}\n", diff.a.id, diff.b.id));
    for line in fill(&s.description, width) {
        out.push_str(&bold(&line));
        out.push('\n');
    }
    let mut lines = vec![format!("{}\n", s.shares(|x| x))];
    let counts: Vec<String> = s
        .present()
        .map(|(k, n)| format!("{} {n}", k.name()))
        .collect();
    if !counts.is_empty() {
        lines.push(format!("changes: {}", counts.join(", ")));
    }
    for l in lines {
        for part in fill(&l, width) {
            out.push_str(&part);
            out.push('\n');
        }
    }
    out
}

/// Plain word wrap of one line of text at `width` columns.
fn fill(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let last = lines.last_mut().map_or(0, |l| l.width());
        if last > 0 && last + 1 + word.width() > width {
            lines.push(String::new());
        }
        if let Some(l) = lines.last_mut() {
            if !l.is_empty() {
                l.push(' ');
            }
            l.push_str(word);
        }
    }
    lines
}

fn row_label(diff: &Diff, row: &Row) -> Option<String> {
    let kind = row.change.map(|c| diff.changes[c].kind)?;
    Some(match (kind, row.kind) {
        (ChangeKind::ParagraphMoved, _) => {
            format!("moved from paragraph {}", row.a.map_or(0, |a| a + 1))
        }
        (k, RowKind::Removed) if k != ChangeKind::ParagraphRemoved => {
            format!("{} (A only)", k.name())
        }
        (k, RowKind::Added) if k != ChangeKind::ParagraphAdded => format!("{} (B only)", k.name()),
        (k, _) => k.name().to_string(),
    })
}

/// Two columns, A on the left and B on the right, a row per paragraph pair.
pub fn side_by_side(diff: &Diff, style: &TextStyle) -> String {
    let mut out = summary_text(diff, style.color, style.width);
    let col = (style.width.saturating_sub(3)) / 2;
    let rule = "─".repeat(col);
    out.push_str(&format!("{}┬{}\n", rule, "─".repeat(col + 2)));
    for row in &diff.rows {
        let mut left = wrap(
            &pieces(diff, &row.a_segments, Side::A, style),
            col,
            style,
            Side::A,
        );
        let mut right = wrap(
            &pieces(diff, &row.b_segments, Side::B, style),
            col,
            style,
            Side::B,
        );
        if let Some(label) = row_label(diff, row) {
            let label = if style.color {
                format!("\x1b[2m· {label} ·{RESET}")
            } else {
                format!("· {label} ·")
            };
            match row.kind {
                RowKind::Removed => right = vec![label],
                RowKind::Added => left = vec![label],
                _ => right.insert(0, label),
            }
        }
        if row.a.is_none() {
            left.truncate(1);
        }
        let n = left.len().max(right.len());
        for k in 0..n {
            let l = left.get(k).map_or("", String::as_str);
            let r = right.get(k).map_or("", String::as_str);
            out.push_str(&pad(l, col));
            out.push_str(" │ ");
            out.push_str(r);
            out.push('\n');
        }
        out.push_str(&pad("", col));
        out.push_str(" │\n");
    }
    out
}

/// One column: B's text in B's order with A's words marked where they were
/// removed or replaced (like `git diff --word-diff`).
pub fn inline(diff: &Diff, style: &TextStyle) -> String {
    let mut out = summary_text(diff, style.color, style.width);
    out.push('\n');
    for row in &diff.rows {
        let label = row_label(diff, row);
        if let Some(label) = &label {
            if style.color {
                out.push_str(&format!("\x1b[2m· {label} ·{RESET}\n"));
            } else {
                out.push_str(&format!("· {label} ·\n"));
            }
        }
        let mut ids: Vec<usize> = row
            .a_segments
            .iter()
            .chain(&row.b_segments)
            .filter_map(|s| s.change)
            .filter(|&c| Some(c) != row.change)
            .collect();
        ids.sort_by_key(|&c| (diff.changes[c].b_span.start, diff.changes[c].a_span.start));
        ids.dedup();
        let mark = |text: &str, kind: ChangeKind, side: Side| -> String {
            if text.is_empty() {
                return String::new();
            }
            if style.color {
                format!("{}{}{RESET}", ansi(kind, side), text)
            } else {
                let (o, c) = marks(kind, side);
                format!("{o}{text}{c}")
            }
        };
        match (row.a, row.b) {
            (Some(i), None) => {
                let p = diff.a.slice(diff.a_paragraphs[i].span);
                let kind = row
                    .change
                    .map_or(ChangeKind::ParagraphRemoved, |c| diff.changes[c].kind);
                out.push_str(&mark(p, kind, Side::A));
            }
            (None, Some(j)) => {
                let p = diff.b.slice(diff.b_paragraphs[j].span);
                let kind = row
                    .change
                    .map_or(ChangeKind::ParagraphAdded, |c| diff.changes[c].kind);
                out.push_str(&mark(p, kind, Side::B));
            }
            (Some(i), Some(j))
                if row
                    .change
                    .is_some_and(|c| diff.changes[c].kind == ChangeKind::Headline) =>
            {
                out.push_str(&mark(
                    diff.a.slice(diff.a_paragraphs[i].span),
                    ChangeKind::Headline,
                    Side::A,
                ));
                out.push(' ');
                out.push_str(&mark(
                    diff.b.slice(diff.b_paragraphs[j].span),
                    ChangeKind::Headline,
                    Side::B,
                ));
            }
            (Some(_), Some(j)) => {
                let para = diff.b_paragraphs[j].span;
                let mut pos = para.start;
                for c in ids {
                    let ch: &Change = &diff.changes[c];
                    if ch.b_span.start < pos || ch.b_span.end > para.end {
                        continue;
                    }
                    out.push_str(&diff.b.text[pos..ch.b_span.start]);
                    if style.hide_cosmetic && ch.kind.is_cosmetic() {
                        out.push_str(diff.b.slice(ch.b_span));
                    } else {
                        if ch.b_span.is_empty()
                            && out.ends_with(|c: char| !c.is_whitespace())
                            && diff.a.slice(ch.a_span).starts_with(char::is_alphanumeric)
                        {
                            out.push(' ');
                        }
                        out.push_str(&mark(diff.a.slice(ch.a_span), ch.kind, Side::A));
                        out.push_str(&mark(diff.b.slice(ch.b_span), ch.kind, Side::B));
                    }
                    pos = ch.b_span.end;
                }
                out.push_str(&diff.b.text[pos..para.end]);
            }
            (None, None) => {}
        }
        out.push_str("\n\n");
    }
    out
}

#[derive(Serialize)]
struct JsonChange<'a> {
    kind: &'static str,
    a_text: &'a str,
    b_text: &'a str,
    a_span: [usize; 2],
    b_span: [usize; 2],
}

#[derive(Serialize)]
struct JsonSummary<'a> {
    description: &'a str,
    a_words: usize,
    b_words: usize,
    a_words_kept: usize,
    b_words_from_a: usize,
    share_a_kept: f64,
    share_b_from_a: f64,
    counts: &'a std::collections::BTreeMap<&'static str, usize>,
}

#[derive(Serialize)]
struct JsonDiff<'a> {
    a: &'a str,
    b: &'a str,
    summary: JsonSummary<'a>,
    changes: Vec<JsonChange<'a>>,
}

/// The JSON record of a diff (docs/formats.md, "Diff (JSON)"); fields in this order.
pub fn json(diff: &Diff, hide_cosmetic: bool) -> serde_json::Result<String> {
    let s = &diff.summary;
    let record = JsonDiff {
        a: &diff.a.id,
        b: &diff.b.id,
        summary: JsonSummary {
            description: &s.description,
            a_words: s.a_words,
            b_words: s.b_words,
            a_words_kept: s.a_words_kept,
            b_words_from_a: s.b_words_from_a,
            share_a_kept: crate::report::round4(s.share_a_kept),
            share_b_from_a: crate::report::round4(s.share_b_from_a),
            counts: &s.counts,
        },
        changes: diff
            .changes
            .iter()
            .filter(|c| !(hide_cosmetic && c.kind.is_cosmetic()))
            .map(|c| JsonChange {
                kind: c.kind.name(),
                a_text: diff.a.slice(c.a_span),
                b_text: diff.b.slice(c.b_span),
                a_span: [c.a_span.start, c.a_span.end],
                b_span: [c.b_span.start, c.b_span.end],
            })
            .collect(),
    };
    serde_json::to_string_pretty(&record)
}
