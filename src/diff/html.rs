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

/// The page's style sheet: colors per change kind, two fixed columns.
pub const CSS: &str = r#"
:root { --del: #ffd7d5; --ins: #d2f5d6; --cos: #eef0f3; --cap: #efe3fb; --mov: #dceffd; --head: #fff1c2; }
* { box-sizing: border-box; }
body { font: 15px/1.5 Georgia, "Times New Roman", serif; color: #1d1f23; margin: 0 auto; max-width: 1400px; padding: 1.2rem; }
h1 { font: 600 1.25rem system-ui, sans-serif; margin: 0 0 .4rem; }
.ids { font: .85rem ui-monospace, monospace; color: #555; }
.summary { border: 1px solid #d0d4da; border-radius: 6px; padding: .6rem .9rem; margin: .8rem 0; background: #fafbfc; }
.summary .line { font-weight: 600; font-size: 1.05rem; }
.summary table { border-collapse: collapse; margin-top: .4rem; font: .85rem system-ui, sans-serif; }
.summary td { padding: 0 .8rem 0 0; }
.legend { font: .8rem system-ui, sans-serif; margin: .5rem 0 1rem; display: flex; flex-wrap: wrap; gap: .3rem .9rem; }
.legend span.ch { padding: 0 .3rem; }
table.diff { width: 100%; border-collapse: collapse; table-layout: fixed; }
table.diff th { font: 600 .85rem system-ui, sans-serif; text-align: left; padding: .3rem .5rem; border-bottom: 2px solid #c8ccd2; position: sticky; top: 0; background: #fff; }
table.diff td { vertical-align: top; padding: .35rem .6rem; border-bottom: 1px solid #eceef1; white-space: pre-wrap; overflow-wrap: anywhere; width: 50%; }
table.diff td.a { border-right: 1px solid #d0d4da; }
td.empty { background: repeating-linear-gradient(135deg, #fafafa, #fafafa 6px, #f1f2f4 6px, #f1f2f4 12px); }
.label { display: block; font: .72rem system-ui, sans-serif; color: #666; text-transform: uppercase; letter-spacing: .04em; }
.ch { border-radius: 3px; }
td.a .ch { background: var(--del); }
td.b .ch { background: var(--ins); }
.ch.k-localization, .ch.k-typography, .ch.k-glued, .ch.k-number-format, td.a .ch.k-localization, td.b .ch.k-localization, td.a .ch.k-typography, td.b .ch.k-typography, td.a .ch.k-glued, td.b .ch.k-glued, td.a .ch.k-number-format, td.b .ch.k-number-format { background: var(--cos); text-decoration: underline dotted #8a8f98; }
td.a .ch.k-caption, td.b .ch.k-caption, .ch.k-caption, td .ch.k-boilerplate, .ch.k-boilerplate { background: var(--cap); color: #5b4470; }
td .ch.k-headline, .ch.k-headline { background: var(--head); }
tr.moved td { box-shadow: inset 3px 0 0 #5aa0d8; }
.ch.k-paragraph-moved { background: var(--mov); }
.legend .ch.k-reworded.a, .legend .ch.k-paragraph-removed, .legend .ch.k-trimmed { background: var(--del); }
.legend .ch.k-reworded.b, .legend .ch.k-paragraph-added { background: var(--ins); }
@media print {
  body { font-size: 10pt; max-width: none; padding: 0; }
  table.diff th { position: static; }
  tr { break-inside: avoid; }
  .ch, td.empty { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
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
        r#"<div class="ids">A: {}<br>B: {}</div><div class="summary"><div class="line">{}</div><div>A's words kept in B: <b>{:.0}%</b> ({} of {}) &nbsp; B's words from A: <b>{:.0}%</b> ({} of {})</div><table><tr>"#,
        escape(&diff.a.id),
        escape(&diff.b.id),
        escape(&s.description),
        s.share_a_kept * 100.0,
        s.a_words_kept,
        s.a_words,
        s.share_b_from_a * 100.0,
        s.b_words_from_a,
        s.b_words
    );
    for k in ChangeKind::ALL.iter().filter(|k| s.counts[k.name()] > 0) {
        let _ = write!(out, "<td>{} <b>{}</b></td>", k.name(), s.counts[k.name()]);
    }
    out.push_str("</tr></table></div>\n<div class=\"legend\">");
    for k in ChangeKind::ALL {
        let side = match k {
            ChangeKind::Reworded => " b",
            _ => "",
        };
        let _ = write!(
            out,
            r#"<span><span class="ch k-{0}{2}">{0}</span> {1}</span>"#,
            k.name(),
            escape(k.describe()),
            side
        );
    }
    out.push_str("</div>\n");
    out
}

/// A whole HTML page for one diff.
pub fn page(diff: &Diff, hide_cosmetic: bool) -> String {
    let mut out = String::with_capacity(diff.a.text.len() * 3 + diff.b.text.len() * 3 + 8192);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>reprint diff: {} vs {}</title><style>{}</style></head><body>\n<h1>What changed from A to B</h1>\n",
        escape(&diff.a.id),
        escape(&diff.b.id),
        CSS
    );
    out.push_str(&summary_html(diff));
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
