//! Showing a diff in a terminal or a pipe: two columns fitted to the width,
//! one column with word-level marks (`--inline`), and the JSON record.

use crate::diff::{Change, ChangeKind, Diff, Row, RowKind, Segment};
use serde::Serialize;
use unicode_width::UnicodeWidthStr;

/// How to show a diff as text.
#[derive(Debug, Clone, Copy)]
pub struct TextStyle {
    /// Total width in columns.
    pub width: usize,
    /// ANSI colors; without them, changes are marked `[-...-]` / `{+...+}`
    /// and each cosmetic kind by its own pair (see [`marks`]).
    pub color: bool,
    /// Show typography, localization and glued changes as unchanged text.
    pub hide_cosmetic: bool,
}

const RESET: &str = "\x1b[0m";

/// Which side of the diff a piece of text is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The first document.
    A,
    /// The second document.
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
        (Localization, _) => "\x1b[34;4m",
        (Typography, _) => "\x1b[2;4m",
        (Glued, _) => "\x1b[33;4m",
        (NumberFormat, _) => "\x1b[36;4m",
        (Caption | Boilerplate, _) => "\x1b[2;35m",
        (ParagraphMoved, _) => "\x1b[36m",
        (_, Side::A) => "\x1b[31m",
        (_, Side::B) => "\x1b[32m",
    }
}

/// The plain-text marks of a change: `[-..-]`/`{+..+}` for A's and B's
/// words; a pair per cosmetic kind: `~` localization, `=` typography, `_`
/// glued, `#` number format (`[~defence~]` / `{~defense~}`).
pub fn marks(kind: ChangeKind, side: Side) -> (&'static str, &'static str) {
    use ChangeKind::*;
    match (kind, side) {
        (Localization, Side::A) => ("[~", "~]"),
        (Localization, Side::B) => ("{~", "~}"),
        (Typography, Side::A) => ("[=", "=]"),
        (Typography, Side::B) => ("{=", "=}"),
        (Glued, Side::A) => ("[_", "_]"),
        (Glued, Side::B) => ("{_", "_}"),
        (NumberFormat, Side::A) => ("[#", "#]"),
        (NumberFormat, Side::B) => ("{#", "#}"),
        (_, Side::A) => ("[-", "-]"),
        (_, Side::B) => ("{+", "+}"),
    }
}

/// A restyled word in one column: `[~defence→defense~]` (A's mark pair
/// around old→new), or old and new in their colors with an arrow between.
fn old_new(kind: ChangeKind, old: &str, new: &str, color: bool) -> String {
    if color {
        format!(
            "{}{old}{RESET}→{}{new}{RESET}",
            ansi(kind, Side::A),
            ansi(kind, Side::B)
        )
    } else {
        let (open, close) = marks(kind, Side::A);
        format!("{open}{old}→{new}{close}")
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
/// Opening quotes and brackets stay with the word after them, closing
/// punctuation with the word before; a word wider than a line is broken.
fn wrap(pieces: &[Piece], width: usize, style: &TextStyle, side: Side) -> Vec<String> {
    let mut words: Vec<(String, bool)> = Vec::new();
    let mut space_pending = false;
    for p in pieces {
        let ws: Vec<&str> = p.text.split_whitespace().collect();
        if p.text.starts_with(char::is_whitespace) {
            space_pending = true;
        }
        for (n, word) in decorate(&ws, p.kind, side, style.color)
            .into_iter()
            .enumerate()
        {
            let spaced = n > 0 || space_pending;
            words.push((word, spaced));
            space_pending = false;
        }
        if p.text.ends_with(char::is_whitespace) {
            space_pending = true;
        }
    }
    fill_words(words, width)
}

/// Lines of at most `width` columns from words (with ANSI codes or marks)
/// and whether a space comes before each; words that are only quotes or
/// brackets join their neighbour.
fn fill_words(words: Vec<(String, bool)>, width: usize) -> Vec<String> {
    let width = width.max(10);
    // Glue an opening quote to the next word, closing punctuation to the
    // previous one, so a line never ends with `"` or starts with `,`.
    let mut glued: Vec<(String, bool)> = Vec::new();
    let mut carry: Option<(String, bool)> = None;
    for (w, spaced) in words {
        let bare = strip_ansi(&w);
        if let Some((c, cs)) = carry.take() {
            glued.push((format!("{c}{}{w}", if spaced { " " } else { "" }), cs));
            continue;
        }
        let opener = !bare.is_empty() && bare.chars().all(|c| "\"'“‘«([".contains(c));
        let closer =
            !spaced && !bare.is_empty() && bare.chars().all(|c| "\"'”’»)],.;:!?".contains(c));
        if closer {
            if let Some(last) = glued.last_mut() {
                last.0.push_str(&w);
                continue;
            }
        }
        if opener {
            carry = Some((w, spaced));
            continue;
        }
        glued.push((w, spaced));
    }
    glued.extend(carry);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for (word, spaced) in glued {
        for part in hard_break(&word, width) {
            let wlen = visible_width(&part);
            let space = used > 0 && spaced;
            if used > 0 && used + usize::from(space) + wlen > width {
                lines.push(std::mem::take(&mut line));
                used = 0;
            } else if space {
                line.push(' ');
                used += 1;
            }
            line.push_str(&part);
            used += wlen;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// The characters of `s` outside ANSI codes.
fn visible_chars(s: &str) -> impl Iterator<Item = char> + '_ {
    let mut in_escape = false;
    s.chars().filter(move |&c| {
        if in_escape {
            in_escape = c != 'm';
            false
        } else if c == '\x1b' {
            in_escape = true;
            false
        } else {
            true
        }
    })
}

/// `s` without ANSI codes.
fn strip_ansi(s: &str) -> String {
    visible_chars(s).collect()
}

/// A word cut into parts of at most `width` columns (a long URL); ANSI
/// codes are carried into each part, so every part closes its color.
fn hard_break(word: &str, width: usize) -> Vec<String> {
    if visible_width(word) <= width {
        return vec![word.to_string()];
    }
    let mut parts = Vec::new();
    let mut part = String::new();
    let mut used = 0;
    let mut code = String::new();
    let mut open = String::new();
    let mut in_escape = false;
    let mut buf = [0u8; 4];
    for c in word.chars() {
        if in_escape {
            code.push(c);
            if c == 'm' {
                in_escape = false;
                part.push_str(&code);
                open = if code == RESET {
                    String::new()
                } else {
                    code.clone()
                };
            }
            continue;
        }
        if c == '\x1b' {
            in_escape = true;
            code = String::from(c);
            continue;
        }
        let w = c.encode_utf8(&mut buf).width();
        if used + w > width && used > 0 {
            if !open.is_empty() {
                part.push_str(RESET);
            }
            parts.push(std::mem::take(&mut part));
            part.push_str(&open);
            used = 0;
        }
        part.push(c);
        used += w;
    }
    if !part.is_empty() {
        parts.push(part);
    }
    parts
}

/// Visible width of a line with ANSI codes.
fn visible_width(s: &str) -> usize {
    let mut buf = [0u8; 4];
    visible_chars(s)
        .map(|c| c.encode_utf8(&mut buf).width())
        .sum()
}

fn pad(s: &str, width: usize) -> String {
    let w = visible_width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

/// The summary block printed above both text views.
pub(crate) fn summary_text(diff: &Diff, color: bool, width: usize) -> String {
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
    let words = text
        .split_whitespace()
        .map(|w| (w.to_string(), true))
        .collect();
    fill_words(words, width)
}

/// A label line (`· moved from paragraph 3 ·`) wrapped to `width`.
fn label_lines(label: &str, width: usize, color: bool) -> Vec<String> {
    fill(&format!("· {label} ·"), width)
        .into_iter()
        .map(|l| {
            if color {
                format!("\x1b[2m{l}{RESET}")
            } else {
                l
            }
        })
        .collect()
}

/// The label of a row, numbering paragraphs as the HTML view does (A's and
/// B's paragraphs from 1, furniture included).
fn row_label(diff: &Diff, row: &Row) -> Option<String> {
    if row.kind == RowKind::MovedAway {
        return Some(format!(
            "A ¶{} moved: now B ¶{}",
            row.a.map_or(0, |a| a + 1),
            row.b.map_or(0, |b| b + 1)
        ));
    }
    let kind = row.change.map(|c| diff.changes[c].kind)?;
    Some(match (kind, row.kind) {
        (ChangeKind::ParagraphMoved, _) => {
            format!("moved from A ¶{}", row.a.map_or(0, |a| a + 1))
        }
        (k, RowKind::Removed) => format!("{} (A only)", k.name()),
        (k, RowKind::Added) => format!("{} (B only)", k.name()),
        (k, _) => k.name().to_string(),
    })
}

/// Two columns, A on the left and B on the right, a row per paragraph pair;
/// the divider `│` sits in column `col + 1` on every line, under the `┬`.
pub fn side_by_side(diff: &Diff, style: &TextStyle) -> String {
    let mut out = summary_text(diff, style.color, style.width);
    let col = (style.width.saturating_sub(3)) / 2;
    out.push_str(&format!(
        "{}┬{}\n",
        "─".repeat(col + 1),
        "─".repeat(style.width.saturating_sub(col + 2))
    ));
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
            let label = label_lines(&label, col, style.color);
            // On the side that has the text.
            match row.kind {
                RowKind::Removed | RowKind::MovedAway => {
                    left.splice(0..0, label);
                }
                _ => {
                    right.splice(0..0, label);
                }
            }
        }
        if row.b.is_none() || row.kind == RowKind::MovedAway {
            right.retain(|l| !l.is_empty());
        }
        if row.a.is_none() {
            left.retain(|l| !l.is_empty());
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
/// removed or replaced (like `git diff --word-diff`), word-wrapped to the
/// width; a restyled word shows old→new in one mark (`[~defence→defense~]`).
pub fn inline(diff: &Diff, style: &TextStyle) -> String {
    let mut out = summary_text(diff, style.color, style.width);
    out.push('\n');
    let width = style.width.max(20);
    for row in &diff.rows {
        if let Some(label) = row_label(diff, row) {
            for l in label_lines(&label, width, style.color) {
                out.push_str(&l);
                out.push('\n');
            }
        }
        let mut words: Vec<(String, bool)> = Vec::new();
        // Append `text` (plain, or one decorated token) to the word list.
        let push_plain = |words: &mut Vec<(String, bool)>, text: &str, glue_first: bool| {
            let starts_space = text.starts_with(char::is_whitespace);
            for (n, w) in text.split_whitespace().enumerate() {
                let spaced = n > 0 || starts_space || !glue_first;
                match words.last_mut() {
                    Some(last) if !spaced => last.0.push_str(w),
                    _ => words.push((w.to_string(), spaced)),
                }
            }
        };
        let mark = |text: &str, kind: ChangeKind, side: Side| -> String {
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
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
        match (row.kind, row.a, row.b) {
            (RowKind::MovedAway, _, _) => {
                out.push('\n');
                continue;
            }
            (_, Some(i), None) => {
                let kind = row
                    .change
                    .map_or(ChangeKind::ParagraphRemoved, |c| diff.changes[c].kind);
                let p = diff.a.slice(diff.a_paragraphs[i].span);
                words.extend(marked_words(p, kind, Side::A, style));
            }
            (_, None, Some(j)) => {
                let kind = row
                    .change
                    .map_or(ChangeKind::ParagraphAdded, |c| diff.changes[c].kind);
                let p = diff.b.slice(diff.b_paragraphs[j].span);
                words.extend(marked_words(p, kind, Side::B, style));
            }
            (_, Some(i), Some(j))
                if row
                    .change
                    .is_some_and(|c| diff.changes[c].kind == ChangeKind::Headline) =>
            {
                let (pa, pb) = (
                    diff.a.slice(diff.a_paragraphs[i].span),
                    diff.b.slice(diff.b_paragraphs[j].span),
                );
                words.extend(marked_words(pa, ChangeKind::Headline, Side::A, style));
                words.extend(marked_words(pb, ChangeKind::Headline, Side::B, style));
            }
            (_, Some(_), Some(j)) => {
                let mut ids: Vec<usize> = row
                    .a_segments
                    .iter()
                    .chain(&row.b_segments)
                    .filter_map(|s| s.change)
                    .filter(|&c| Some(c) != row.change)
                    .collect();
                ids.sort_by_key(|&c| (diff.changes[c].b_span.start, diff.changes[c].a_span.start));
                ids.dedup();
                let para = diff.b_paragraphs[j].span;
                let mut pos = para.start;
                for c in ids {
                    let ch: &Change = &diff.changes[c];
                    if ch.b_span.start < pos || ch.b_span.end > para.end {
                        continue;
                    }
                    let before = &diff.b.text[pos..ch.b_span.start];
                    push_plain(&mut words, before, pos > para.start);
                    let glue = !before.is_empty() && !before.ends_with(char::is_whitespace);
                    let (old, new) = (diff.a.slice(ch.a_span), diff.b.slice(ch.b_span));
                    let token = if style.hide_cosmetic && ch.kind.is_cosmetic() {
                        new.split_whitespace().collect::<Vec<_>>().join(" ")
                    } else if ch.kind.is_cosmetic() || ch.kind == ChangeKind::NumberFormat {
                        old_new(ch.kind, old, new, style.color)
                    } else {
                        let (o, n) = (mark(old, ch.kind, Side::A), mark(new, ch.kind, Side::B));
                        match (o.is_empty(), n.is_empty()) {
                            (false, false) => format!("{o} {n}"),
                            _ => format!("{o}{n}"),
                        }
                    };
                    // A deletion keeps its own space: "on Russia [-yesterday-]."
                    let spaced = !glue || new.is_empty() && old.starts_with(char::is_alphanumeric);
                    if !token.is_empty() {
                        if spaced || words.is_empty() {
                            words.push((token, true));
                        } else if let Some(last) = words.last_mut() {
                            last.0.push_str(&token);
                        }
                    }
                    pos = ch.b_span.end;
                }
                push_plain(&mut words, &diff.b.text[pos..para.end], pos > para.start);
            }
            _ => {}
        }
        for line in fill_words(words, width) {
            out.push_str(&line);
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

/// A whole one-sided paragraph as marked words (marks at its two ends).
fn marked_words(
    text: &str,
    kind: ChangeKind,
    side: Side,
    style: &TextStyle,
) -> Vec<(String, bool)> {
    let ws: Vec<&str> = text.split_whitespace().collect();
    decorate(&ws, Some(kind), side, style.color)
        .into_iter()
        .map(|w| (w, true))
        .collect()
}

/// The words of one change (or unchanged text, `kind` None): each word
/// colored on its own, or the kind's marks at the run's two ends.
fn decorate(ws: &[&str], kind: Option<ChangeKind>, side: Side, color: bool) -> Vec<String> {
    ws.iter()
        .enumerate()
        .map(|(n, w)| match (kind, color) {
            (Some(k), true) => format!("{}{w}{RESET}", ansi(k, side)),
            (Some(k), false) => {
                let (open, close) = marks(k, side);
                let open = if n == 0 { open } else { "" };
                let close = if n + 1 == ws.len() { close } else { "" };
                format!("{open}{w}{close}")
            }
            (None, _) => w.to_string(),
        })
        .collect()
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
    reused: f64,
    complete: bool,
    direction: &'static str,
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
            share_a_kept: crate::number::round4(s.share_a_kept),
            share_b_from_a: crate::number::round4(s.share_b_from_a),
            reused: crate::number::round4(s.reused()),
            complete: s.complete,
            direction: if s.origin_known {
                "a-is-origin"
            } else {
                "unknown"
            },
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
