//! The diff as one self-contained HTML page: inline CSS, no scripts or
//! external assets, two columns with changes highlighted by kind, a legend
//! and the summary on top; readable on a laptop and printable.

use crate::diff::{ChangeKind, Diff, Row, RowKind, Segment};
use std::fmt::Write;

/// Escape text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The page's style sheet: a color per change kind (cosmetic kinds also get
/// a dotted underline, so they stay distinct in black-and-white print), two
/// fixed columns, a sticky column header on screen and repeated headers and
/// kept colors in print.
pub const CSS: &str = r#"
:root {
  --del: #ffd6d2; --ins: #ccf2d1; --loc: #dae8ff; --typ: #eceef2; --glu: #ffe2c4; --num: #d3f0ed;
  --cap: #ecdcfa; --boil: #e6e3ec; --head: #fff0b3; --mov: #5a9fd6; --line: #dde0e5; --muted: #5f6670;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { font: 15px/1.55 Georgia, Cambria, "Times New Roman", serif; color: #1d1f23; background: #fff; margin: 0 auto; max-width: 1440px; padding: 1rem 1.2rem 2rem; }
.nav, .note { font: .8rem/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--muted); margin: 0 0 .5rem; }
h1 { font: 600 1.2rem/1.3 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 0 .3rem; }
a { color: #1f5fa8; }
.ids { font: .8rem/1.45 ui-monospace, "DejaVu Sans Mono", monospace; color: var(--muted); overflow-wrap: anywhere; }
.summary { font: .9rem/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; border: 1px solid #d0d4da; border-left: 4px solid #5a6b80; border-radius: 4px; padding: .55rem .9rem; margin: .7rem 0 .6rem; background: #f8f9fb; }
.summary .line { font-weight: 600; font-size: 1rem; margin-bottom: .2rem; }
.summary .counts { display: flex; flex-wrap: wrap; gap: .25rem .35rem; margin: .4rem 0 .1rem; padding: 0; list-style: none; }
.summary .counts li { border: 1px solid var(--line); border-radius: 10px; padding: 0 .5rem; background: #fff; white-space: nowrap; }
.legend { font: .78rem/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: #333; margin: .4rem 0 .9rem; display: flex; flex-wrap: wrap; gap: .25rem 1rem; }
.legend > span { white-space: nowrap; }
.legend .ch { padding: 0 .3rem; }
table.diff { width: 100%; border-collapse: collapse; table-layout: fixed; }
table.diff th { font: 600 .8rem/1.3 system-ui, -apple-system, "Segoe UI", sans-serif; text-align: left; padding: .4rem .6rem; border-bottom: 2px solid #c8ccd2; position: sticky; top: 0; background: #fff; z-index: 1; overflow-wrap: anywhere; }
table.diff td { vertical-align: top; padding: .4rem .65rem; border-bottom: 1px solid #eceef1; white-space: pre-wrap; overflow-wrap: anywhere; width: 50%; }
table.diff td.a { border-right: 1px solid #d0d4da; }
td.empty { background: repeating-linear-gradient(135deg, #fafbfc, #fafbfc 6px, #f2f3f5 6px, #f2f3f5 12px); }
.label { display: block; font: 600 .68rem/1.3 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--muted); text-transform: uppercase; letter-spacing: .05em; margin-bottom: .1rem; }
.ch { border-radius: 3px; padding: 0 1px; -webkit-box-decoration-break: clone; box-decoration-break: clone; }
td.a .ch, .legend .ch.del { background: var(--del); }
td.b .ch, .legend .ch.ins { background: var(--ins); }
.ch.k-localization, td .ch.k-localization { background: var(--loc); text-decoration: underline dotted #3f6fb5; }
.ch.k-typography, td .ch.k-typography { background: var(--typ); text-decoration: underline dotted #80868f; }
.ch.k-glued, td .ch.k-glued { background: var(--glu); text-decoration: underline dotted #b86b12; }
.ch.k-number-format, td .ch.k-number-format { background: var(--num); text-decoration: underline dotted #23857b; }
.ch.k-caption, td .ch.k-caption { background: var(--cap); color: #4f3866; font-style: italic; }
.ch.k-boilerplate, td .ch.k-boilerplate { background: var(--boil); color: #575260; }
.ch.k-headline, td .ch.k-headline { background: var(--head); font-weight: 600; }
.legend .ch.k-paragraph-removed, .legend .ch.k-trimmed, .summary .ch.k-paragraph-removed, .summary .ch.k-trimmed { background: var(--del); }
.legend .ch.k-paragraph-added, .summary .ch.k-paragraph-added { background: var(--ins); }
.legend .ch.k-paragraph-moved, .summary .ch.k-paragraph-moved { background: #fff; box-shadow: inset 3px 0 0 var(--mov); padding-left: .45rem; }
tr.moved td { box-shadow: inset 3px 0 0 var(--mov); }
tr.moved td.b .label { color: #2f6ea3; }
a.chip { text-decoration: none; color: inherit; }
.pn { float: left; font: .7rem/1.6 system-ui, -apple-system, "Segoe UI", sans-serif; color: #8a9099; margin-right: .45rem; user-select: none; }
.step { float: right; font: .72rem/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; margin-left: .5rem; white-space: nowrap; }
.step a { text-decoration: none; padding: 0 .2rem; }
tr.moved-away td.a { color: #2f6ea3; font: .8rem/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; box-shadow: inset 3px 0 0 var(--mov); }
details.same { margin: 0; border-bottom: 1px solid #eceef1; }
details.same > summary { cursor: pointer; font: .78rem/1.6 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--muted); padding: .2rem .6rem; background: #f8f9fb; }
details.legend-box > summary { cursor: pointer; font: .78rem/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--muted); }
.direction { font: .8rem/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--muted); }
@media (max-width: 700px) {
  body { font-size: 14px; padding: .6rem; }
  table.diff td { padding: .3rem .4rem; }
}
@media (max-width: 600px) {
  table.diff, table.diff tbody, table.diff tr, table.diff td { display: block; width: auto; }
  table.diff thead { display: none; }
  table.diff tr { border-bottom: 1px solid #c8ccd2; }
  table.diff td { border: 0; }
  table.diff td.a { border-right: 0; }
  table.diff td.empty { display: none; }
  table.diff td.b:not(.empty) { background: #fbfdfb; }
  .pn { float: none; display: block; }
  .legend { font-size: .72rem; }
}
@media print {
  @page { margin: 1.2cm; }
  body { font-size: 9.5pt; max-width: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
  table.diff th { position: static; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  .summary, .legend { break-inside: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;

/// The changes of a row in the order they are shown: each side's label
/// (on the side that has the text), then its marked words, A before B.
fn row_order(diff: &Diff, row: &Row, hide_cosmetic: bool) -> Vec<usize> {
    let visible = |c: &usize| !(hide_cosmetic && diff.changes[*c].kind.is_cosmetic());
    let mut out = Vec::new();
    for side in [Side::A, Side::B] {
        if label_side(row) == Some(side) {
            out.extend(row.change);
        }
        let segs = match side {
            Side::A => &row.a_segments,
            Side::B => &row.b_segments,
        };
        out.extend(segs.iter().filter_map(|s| s.change).filter(visible));
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    A,
    B,
}

/// The side whose cell carries the row's label: the side with the text.
fn label_side(row: &Row) -> Option<Side> {
    row.change?;
    match row.kind {
        RowKind::Removed => Some(Side::A),
        RowKind::Added | RowKind::Moved => Some(Side::B),
        RowKind::Aligned | RowKind::MovedAway => None,
    }
}

/// The anchor name of change `c`.
fn anchor(c: usize) -> String {
    format!("c{}", c + 1)
}

/// Where each change is first shown, in page order, and the first change of
/// each kind: what chips and next/previous links point at.
pub struct Anchors {
    order: Vec<usize>,
}

impl Anchors {
    /// The anchors of the changes of `diff` shown.
    pub fn new(diff: &Diff, hide_cosmetic: bool) -> Anchors {
        let mut first = vec![false; diff.changes.len()];
        let mut order = Vec::new();
        for row in &diff.rows {
            for c in row_order(diff, row, hide_cosmetic) {
                if !first[c] {
                    first[c] = true;
                    order.push(c);
                }
            }
        }
        Anchors { order }
    }

    /// The anchor of the first shown change of `kind`.
    pub(crate) fn first_of(&self, diff: &Diff, kind: ChangeKind) -> Option<String> {
        self.order
            .iter()
            .find(|&&c| diff.changes[c].kind == kind)
            .map(|&c| anchor(c))
    }
}

/// The summary and legend blocks (also used atop `scan --report` pages);
/// each kind's count links to its first change.
pub(crate) fn summary_html(diff: &Diff, anchors: &Anchors) -> String {
    let s = &diff.summary;
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<div class="ids">A: {}<br>B: {}</div><div class="summary"><div class="line">{}</div><div>{}</div><ul class="counts">"#,
        escape(&diff.a.id),
        escape(&diff.b.id),
        escape(&s.description),
        s.shares(|x| format!("<b>{x}</b>"))
    );
    for (k, n) in s.present() {
        match anchors.first_of(diff, k) {
            Some(to) => {
                let _ = write!(
                    out,
                    r##"<li><a class="chip" href="#{2}"><span class="ch k-{0}">{0}</span> <b>{1}</b></a></li>"##,
                    k.name(),
                    n,
                    to
                );
            }
            None => {
                let _ = write!(
                    out,
                    r#"<li><span class="ch k-{0}">{0}</span> <b>{1}</b></li>"#,
                    k.name(),
                    n
                );
            }
        }
    }
    out.push_str("</ul></div>\n<details class=\"legend-box\"><summary>What the colors mean</summary><div class=\"legend\">");
    for k in ChangeKind::ALL {
        if k == ChangeKind::Reworded {
            let _ = write!(
                out,
                r#"<span><span class="ch k-reworded del">removed</span> <span class="ch k-reworded ins">added</span> {}</span>"#,
                escape(k.describe())
            );
            continue;
        }
        let _ = write!(
            out,
            r#"<span><span class="ch k-{0}">{0}</span> {1}</span>"#,
            k.name(),
            escape(k.describe())
        );
    }
    out.push_str("</div></details>\n");
    out
}

/// A whole HTML page for one diff.
pub fn page(diff: &Diff, hide_cosmetic: bool) -> String {
    page_with(diff, hide_cosmetic, "")
}

/// [`page`] with `nav` (trusted HTML, e.g. a link back to a report's index)
/// above the heading.
pub(crate) fn page_with(diff: &Diff, hide_cosmetic: bool, nav: &str) -> String {
    let mut out = String::with_capacity(diff.a.text.len() * 3 + diff.b.text.len() * 3 + 8192);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>reprint diff: {} vs {}</title><style>{}</style></head><body>\n{}<h1>What changed from A to B</h1>\n",
        escape(&diff.a.id),
        escape(&diff.b.id),
        CSS,
        nav
    );
    let anchors = Anchors::new(diff, hide_cosmetic);
    out.push_str(&summary_html(diff, &anchors));
    if !diff.summary.origin_known {
        out.push_str("<p class=\"direction\">Direction unknown: nothing says which text came first, so one-sided changes are named by the side that has them.</p>\n");
    }
    if hide_cosmetic {
        out.push_str("<p class=\"note\">Typography, localization and glued-word changes are not marked.</p>\n");
    }
    table(diff, hide_cosmetic, &anchors, &mut out);
    out.push_str("</body></html>\n");
    out
}

/// Writes rows, folding runs of unchanged ones into `<details>`.
struct Table<'d> {
    diff: &'d Diff,
    hide_cosmetic: bool,
    anchors: &'d Anchors,
    /// Changes already given their anchor.
    placed: Vec<bool>,
    /// Position in `anchors.order` of the next change to place.
    next: usize,
}

/// Unchanged rows in a run at least this long are folded.
const FOLD_RUN: usize = 2;

impl Table<'_> {
    fn open(&self, out: &mut String, head: bool) {
        out.push_str(r#"<table class="diff">"#);
        if head {
            let _ = write!(
                out,
                r#"<thead><tr><th class="a">A: {}</th><th class="b">B: {}</th></tr></thead>"#,
                escape(&self.diff.a.id),
                escape(&self.diff.b.id)
            );
        }
        out.push_str("<tbody>");
    }

    fn unchanged(&self, row: &Row) -> bool {
        row.kind == RowKind::Aligned && row_order(self.diff, row, self.hide_cosmetic).is_empty()
    }

    fn spans(&mut self, segs: &[Segment], text: &str, out: &mut String) {
        for s in segs {
            let t = escape(&text[s.span.start..s.span.end]);
            let shown = s
                .change
                .filter(|&c| !(self.hide_cosmetic && self.diff.changes[c].kind.is_cosmetic()));
            match shown {
                Some(c) => {
                    let k = self.diff.changes[c].kind;
                    let id = self.id_attr(c);
                    let _ = write!(
                        out,
                        r#"<span{id} class="ch k-{0}" title="{0}">{1}</span>"#,
                        k.name(),
                        t
                    );
                }
                None => out.push_str(&t),
            }
        }
    }

    /// ` id="cN"` the first time change `c` is shown, else nothing.
    fn id_attr(&mut self, c: usize) -> String {
        if self.placed[c] {
            return String::new();
        }
        self.placed[c] = true;
        self.next += 1;
        format!(r#" id="{}""#, anchor(c))
    }

    /// Previous/next links around the changes `row` shows first.
    fn step(&self, row: &Row) -> String {
        let new: Vec<usize> = row_order(self.diff, row, self.hide_cosmetic)
            .into_iter()
            .filter(|&c| !self.placed[c])
            .collect();
        if new.is_empty() {
            return String::new();
        }
        let order = &self.anchors.order;
        let at = self.next;
        let mut out = String::from(r#"<span class="step">"#);
        if let Some(&p) = at.checked_sub(1).and_then(|k| order.get(k)) {
            let _ = write!(
                out,
                r##"<a rel="prev" href="#{}" title="previous change">&uarr;</a>"##,
                anchor(p)
            );
        }
        let mut uniq: Vec<usize> = Vec::new();
        for c in new {
            if !uniq.contains(&c) {
                uniq.push(c);
            }
        }
        let after = at + uniq.len();
        if let Some(&n) = order.get(after) {
            let _ = write!(
                out,
                r##"<a rel="next" href="#{}" title="next change">&darr;</a>"##,
                anchor(n)
            );
        }
        out.push_str("</span>");
        out
    }

    fn row(&mut self, row: &Row, out: &mut String) {
        let d = self.diff;
        let kind = match row.kind {
            RowKind::Aligned => "aligned",
            RowKind::Moved => "moved",
            RowKind::MovedAway => "moved-away",
            RowKind::Removed => "removed",
            RowKind::Added => "added",
        };
        let step = self.step(row);
        let _ = write!(out, r#"<tr class="{kind}">"#);
        if row.kind == RowKind::MovedAway {
            let (i, j) = (row.a.unwrap_or(0), row.b.unwrap_or(0));
            let _ = write!(
                out,
                r##"<td class="a"><span class="pn">A ¶{0}</span><a id="from-a{0}" href="#to-b{1}">paragraph moved: now B ¶{1} &darr;</a></td><td class="b empty"></td></tr>"##,
                i + 1,
                j + 1
            );
            out.push('\n');
            return;
        }
        let label = row.change.map(|c| d.changes[c].kind);
        let mut step = Some(step);
        for (side, para, segs, text) in [
            (Side::A, row.a, &row.a_segments, &d.a.text),
            (Side::B, row.b, &row.b_segments, &d.b.text),
        ] {
            let name = if side == Side::A { "a" } else { "b" };
            let Some(p) = para else {
                let _ = write!(out, r#"<td class="{name} empty"></td>"#);
                continue;
            };
            let _ = write!(out, r#"<td class="{name}">"#);
            if let Some(st) = step.take() {
                out.push_str(&st);
            }
            let _ = write!(
                out,
                r#"<span class="pn">{} ¶{}</span>"#,
                name.to_uppercase(),
                p + 1
            );
            if let (Some(k), Some(c), true) = (label, row.change, label_side(row) == Some(side)) {
                let id = self.id_attr(c);
                if row.kind == RowKind::Moved {
                    let i = row.a.unwrap_or(0);
                    let _ = write!(
                        out,
                        r##"<span{id} class="label"><a id="to-b{1}" href="#from-a{0}">moved from A ¶{0} &uarr;</a></span>"##,
                        i + 1,
                        p + 1
                    );
                } else {
                    let side_only = match side {
                        Side::A => "A only",
                        Side::B => "B only",
                    };
                    let _ = write!(
                        out,
                        r#"<span{id} class="label">{} ({side_only})</span>"#,
                        k.name()
                    );
                }
            }
            self.spans(segs, text, out);
            out.push_str("</td>");
        }
        out.push_str("</tr>\n");
    }
}

/// The two-column table of rows, runs of unchanged rows folded.
pub fn table(diff: &Diff, hide_cosmetic: bool, anchors: &Anchors, out: &mut String) {
    let mut t = Table {
        diff,
        hide_cosmetic,
        anchors,
        placed: vec![false; diff.changes.len()],
        next: 0,
    };
    t.open(out, true);
    let rows = &diff.rows;
    let mut k = 0;
    while k < rows.len() {
        let run = rows[k..].iter().take_while(|r| t.unchanged(r)).count();
        if run >= FOLD_RUN {
            let (from, to) = (
                rows[k].b.unwrap_or(0) + 1,
                rows[k + run - 1].b.unwrap_or(0) + 1,
            );
            out.push_str("</tbody></table>\n");
            let _ = write!(
                out,
                r#"<details class="same"><summary>{run} unchanged paragraphs (B ¶{from}–¶{to})</summary>"#
            );
            t.open(out, false);
            for r in &rows[k..k + run] {
                t.row(r, out);
            }
            out.push_str("</tbody></table></details>\n");
            t.open(out, false);
            k += run;
            continue;
        }
        t.row(&rows[k], out);
        k += 1;
    }
    out.push_str("</tbody></table>\n");
}
