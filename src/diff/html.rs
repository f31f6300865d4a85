//! The diff as one self-contained HTML page: inline CSS, no scripts or
//! external assets, two columns with changes highlighted by kind, a legend
//! and the summary on top; readable on a laptop and printable.

use super::{ChangeKind, Diff, RowKind, Segment};
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
@media (max-width: 700px) {
  body { font-size: 14px; padding: .6rem; }
  table.diff td { padding: .3rem .4rem; }
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

fn spans(diff: &Diff, segs: &[Segment], text: &str, hide_cosmetic: bool, out: &mut String) {
    for s in segs {
        let t = escape(&text[s.span.start..s.span.end]);
        match s.change.map(|c| diff.changes[c].kind) {
            Some(k) if !(hide_cosmetic && k.is_cosmetic()) => {
                let _ = write!(
                    out,
                    r#"<span class="ch k-{0}" title="{0}">{1}</span>"#,
                    k.name(),
                    t
                );
            }
            _ => out.push_str(&t),
        }
    }
}

/// The summary and legend blocks (also used atop `scan --report` pages).
pub fn summary_html(diff: &Diff) -> String {
    let s = &diff.summary;
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<div class="ids">A: {}<br>B: {}</div><div class="summary"><div class="line">{}</div><div>{}</div><ul class="counts">"#,
        escape(&diff.a.id),
        escape(&diff.b.id),
        escape(&s.description),
        s.shares(|x| format!("<b>{x}</b>"))
            .replace("   ", " &nbsp; ")
    );
    for (k, n) in s.present() {
        let _ = write!(
            out,
            r#"<li><span class="ch k-{0}">{0}</span> <b>{1}</b></li>"#,
            k.name(),
            n
        );
    }
    out.push_str("</ul></div>\n<div class=\"legend\">");
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
    out.push_str("</div>\n");
    out
}

/// A whole HTML page for one diff.
pub fn page(diff: &Diff, hide_cosmetic: bool) -> String {
    page_with(diff, hide_cosmetic, "")
}

/// [`page`] with `nav` (trusted HTML, e.g. a link back to a report's index)
/// above the heading.
pub fn page_with(diff: &Diff, hide_cosmetic: bool, nav: &str) -> String {
    let mut out = String::with_capacity(diff.a.text.len() * 3 + diff.b.text.len() * 3 + 8192);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>reprint diff: {} vs {}</title><style>{}</style></head><body>\n{}<h1>What changed from A to B</h1>\n",
        escape(&diff.a.id),
        escape(&diff.b.id),
        CSS,
        nav
    );
    out.push_str(&summary_html(diff));
    if hide_cosmetic {
        out.push_str("<p class=\"note\">Typography, localization and glued-word changes are not marked.</p>\n");
    }
    table(diff, hide_cosmetic, &mut out);
    out.push_str("</body></html>\n");
    out
}

/// The two-column table of rows.
pub fn table(diff: &Diff, hide_cosmetic: bool, out: &mut String) {
    let _ = write!(
        out,
        r#"<table class="diff"><thead><tr><th class="a">A: {}</th><th class="b">B: {}</th></tr></thead><tbody>"#,
        escape(&diff.a.id),
        escape(&diff.b.id)
    );
    for row in &diff.rows {
        let kind = match row.kind {
            RowKind::Aligned => "aligned",
            RowKind::Moved => "moved",
            RowKind::Removed => "removed",
            RowKind::Added => "added",
        };
        let label = row.change.map(|c| diff.changes[c].kind);
        let _ = write!(out, r#"<tr class="{kind}">"#);
        for (side, para, segs, text) in [
            ("a", row.a, &row.a_segments, &diff.a.text),
            ("b", row.b, &row.b_segments, &diff.b.text),
        ] {
            if para.is_none() {
                let _ = write!(out, r#"<td class="{side} empty">"#);
                if let Some(k) = label {
                    let _ = write!(out, r#"<span class="label">{}</span>"#, k.name());
                }
                out.push_str("</td>");
                continue;
            }
            let _ = write!(out, r#"<td class="{side}">"#);
            if let (Some(k), "b", RowKind::Moved) = (label, side, row.kind) {
                let _ = write!(
                    out,
                    r#"<span class="label">{} from paragraph {}</span>"#,
                    k.name(),
                    row.a.map_or(0, |a| a + 1)
                );
            }
            spans(diff, segs, text, hide_cosmetic, out);
            out.push_str("</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n");
}
