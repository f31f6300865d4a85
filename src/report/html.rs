//! `reprint scan --report DIR`: an HTML report of a scan. `DIR/index.html`
//! lists the clusters (representative first, then each member with its
//! relation and reused share) and links every member to its own page: the
//! member diffed against its representative, the origin as A when the
//! origin rule knows it, else "direction unknown". Self-contained pages.

use super::diff_html::{self as html, escape};
use super::round4;
use crate::corpus::{Corpus, DocId};
use crate::diff::{diff, DiffOptions, Side};
use crate::direction::{origin, OriginSources, Provenance, Side as Origin};
use crate::error::{Error, Result};
use crate::scan::{Match, ScanResult};
use crate::verify::Scores;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// Characters of an id kept in a page's file name.
const NAME_CHARS: usize = 60;

/// What [`write()`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The index page written.
    pub index: PathBuf,
    /// Member pages written.
    pub pages: usize,
}

/// Create `dir` (and its parents) if missing; fail, naming it, when it
/// cannot be created or is not a folder. Called before the scan so a bad
/// path fails fast.
pub fn prepare(dir: &Path) -> Result<()> {
    let fail = |kind, message: String| {
        Error::Output(std::io::Error::new(
            kind,
            format!("{}: {message}", dir.display()),
        ))
    };
    if dir.exists() && !dir.is_dir() {
        return Err(fail(
            std::io::ErrorKind::AlreadyExists,
            "exists and is not a folder (--report needs a folder)".into(),
        ));
    }
    std::fs::create_dir_all(dir).map_err(|e| fail(e.kind(), e.to_string()))
}

/// A file-name-safe form of `id`: ASCII letters, digits, `-` and `_` kept,
/// every other run of characters one `-`, at most `NAME_CHARS` long. It
/// never holds a path separator or a dot, so it cannot leave the folder;
/// callers prefix an index number to keep names unique.
pub(crate) fn safe_name(id: &str) -> String {
    let mut out = String::new();
    for c in id.chars() {
        if out.len() >= NAME_CHARS {
            break;
        }
        if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed = out.trim_matches('-');
    if trimmed.is_empty() {
        "doc".to_string()
    } else {
        trimmed.to_string()
    }
}

/// How a member relates to its cluster's representative: the scan's match
/// of the two when there is one, else the member's best match (highest
/// Jaccard) with another member it was clustered through.
#[derive(Debug, Clone, Copy)]
struct Link {
    relation: &'static str,
    jaccard: f64,
    /// The member this link is to, when not the representative.
    via: Option<DocId>,
}

fn link(m: &Match, member: DocId) -> Link {
    let s: &Scores = &m.scores;
    let other = if m.pair.b == member {
        m.pair.a
    } else {
        m.pair.b
    };
    Link {
        relation: m.relation.as_str(),
        jaccard: s.jaccard,
        via: Some(other),
    }
}

/// One member page to write.
struct Page {
    cluster: usize,
    representative: DocId,
    member: DocId,
    file: String,
    link: Option<Link>,
}

/// What one member page shows, for the index.
struct PageSummary {
    description: String,
    reused: f64,
    /// Which of the two documents is the origin, when known.
    origin: Option<DocId>,
}

fn provenance(corpus: &Corpus, id: DocId) -> Provenance<'_> {
    let d = corpus.get(id);
    Provenance {
        date: d.date.as_deref(),
        source: d.source.as_deref(),
    }
}

/// Write `dir/index.html` and one page per non-representative member of
/// every cluster of `result`, each pair oriented by the origin rule with
/// `sources`. Existing files of the same names are replaced.
pub fn write(
    dir: &Path,
    corpus: &Corpus,
    result: &ScanResult,
    sources: &OriginSources,
) -> Result<Written> {
    prepare(dir)?;
    let mut by_pair: HashMap<(DocId, DocId), &Match> = HashMap::new();
    let mut by_doc: HashMap<DocId, Vec<&Match>> = HashMap::new();
    for m in &result.matches {
        by_pair.insert((m.pair.a, m.pair.b), m);
        by_doc.entry(m.pair.a).or_default().push(m);
        by_doc.entry(m.pair.b).or_default().push(m);
    }
    let mut pages = Vec::new();
    for (ci, c) in result.clusters.iter().enumerate() {
        let rep = c.representative;
        let in_cluster: HashSet<DocId> = c.members.iter().copied().collect();
        for (mi, &member) in c.members.iter().filter(|&&m| m != rep).enumerate() {
            let key = if rep < member {
                (rep, member)
            } else {
                (member, rep)
            };
            let link = match by_pair.get(&key) {
                Some(m) => Some(Link {
                    via: None,
                    ..link(m, member)
                }),
                None => by_doc.get(&member).and_then(|ms| {
                    ms.iter()
                        .filter(|m| {
                            in_cluster.contains(&m.pair.a) && in_cluster.contains(&m.pair.b)
                        })
                        .max_by(|x, y| x.scores.jaccard.total_cmp(&y.scores.jaccard))
                        .map(|m| link(m, member))
                }),
            };
            pages.push(Page {
                cluster: ci,
                representative: rep,
                member,
                file: format!(
                    "c{:04}-m{:03}-{}.html",
                    ci + 1,
                    mi + 1,
                    safe_name(&corpus.get(member).id)
                ),
                link,
            });
        }
    }

    // The diffs are independent: make and write them in parallel, keeping
    // each page's one-line summary for the index.
    let summaries: Vec<Result<PageSummary>> = pages
        .par_iter()
        .map(|p| {
            let found = origin(
                provenance(corpus, p.representative),
                provenance(corpus, p.member),
                sources,
            );
            let (a_id, b_id) = match found {
                Some(Origin::B) => (p.member, p.representative),
                _ => (p.representative, p.member),
            };
            let (a, b) = (corpus.get(a_id), corpus.get(b_id));
            let opts = DiffOptions {
                origin_known: found.is_some(),
                ..DiffOptions::default()
            };
            let d = diff(
                Side {
                    id: a.id.clone(),
                    text: a.text.clone(),
                },
                Side {
                    id: b.id.clone(),
                    text: b.text.clone(),
                },
                &opts,
            );
            let direction = match found {
                Some(_) => format!(
                    r#"<span class="direction known">A is the origin ({})</span>"#,
                    why(corpus, a_id, b_id)
                ),
                None => r#"<span class="direction unknown">direction unknown: no date or origin source tells which came first</span>"#.to_string(),
            };
            let nav = format!(
                r#"<p class="nav"><a href="index.html">&larr; all clusters</a> &middot; cluster {} &middot; {direction}</p>"#,
                p.cluster + 1
            );
            let path = dir.join(&p.file);
            crate::output::write_output(&path, html::page_with(&d, false, &nav).as_bytes(), &[])?;
            Ok(PageSummary {
                description: d.summary.description.clone(),
                reused: d.summary.reused(),
                origin: found.map(|_| a_id),
            })
        })
        .collect();
    let mut summary_of = Vec::with_capacity(pages.len());
    for s in summaries {
        summary_of.push(s?);
    }

    let index = dir.join("index.html");
    let page = index_page(corpus, result, &pages, &summary_of);
    crate::output::write_output(&index, page.as_bytes(), &[])?;
    Ok(Written {
        index,
        pages: pages.len(),
    })
}

const INDEX_CSS: &str = r#"
table.clusters { width: 100%; border-collapse: collapse; font: .88rem/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
table.clusters th { text-align: left; font-weight: 600; padding: .35rem .5rem; border-bottom: 2px solid #c8ccd2; position: sticky; top: 0; background: #fff; }
table.clusters td { padding: .3rem .5rem; border-bottom: 1px solid #eceef1; vertical-align: top; overflow-wrap: anywhere; }
table.clusters td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.clusters tr.cluster td { background: #f3f5f8; border-top: 2px solid #c8ccd2; font-weight: 600; }
table.clusters tr.rep td.id::before { content: "\2605  "; color: #b08900; }
table.clusters .meta { color: #5f6670; font-size: .8rem; }
table.clusters .what { color: #33373d; font-size: .82rem; }
.rel { display: inline-block; border-radius: 10px; padding: 0 .45rem; font-size: .78rem; background: #eceef2; white-space: nowrap; }
.rel.exact { background: #dfe3e8; } .rel.near-duplicate { background: #dae8ff; } .rel.contained { background: #ffe2c4; } .rel.rewrite { background: #ecdcfa; }
.origin { font-size: .75rem; color: #1d6b3a; font-weight: 600; }
.direction { font-size: .75rem; color: #5f6670; }
@media (max-width: 600px) {
  table.clusters, table.clusters tbody, table.clusters tr, table.clusters td { display: block; width: auto; }
  table.clusters thead { display: none; }
  table.clusters tr.member, table.clusters tr.rep { border: 1px solid #d0d4da; border-radius: 6px; margin: .4rem 0; padding: .2rem .1rem; }
  table.clusters td { border: 0; padding: .15rem .5rem; }
  table.clusters td.num { text-align: left; }
  table.clusters td[data-label]::before { content: attr(data-label) ": "; color: #5f6670; font-size: .78rem; }
  table.clusters td:empty { display: none; }
}
@media print { table.clusters th { position: static; } tr { break-inside: avoid; } }
"#;

/// Why `a` is the origin: its earlier date, or its listed source.
fn why(corpus: &Corpus, a: DocId, b: DocId) -> String {
    let (da, db) = (&corpus.get(a).date, &corpus.get(b).date);
    match (da, db) {
        (Some(x), Some(y)) if x.trim() < y.trim() && !x.trim().is_empty() => {
            format!("dated {}, before {}", escape(x.trim()), escape(y.trim()))
        }
        _ => format!(
            "its source {} is an origin source",
            escape(corpus.get(a).source.as_deref().unwrap_or("").trim())
        ),
    }
}

fn meta(corpus: &Corpus, id: DocId) -> String {
    let d = corpus.get(id);
    let mut parts = Vec::new();
    for v in [&d.title, &d.source, &d.date].into_iter().flatten() {
        if !v.trim().is_empty() {
            parts.push(escape(v.trim()));
        }
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(r#"<div class="meta">{}</div>"#, parts.join(" &middot; "))
    }
}

fn index_page(
    corpus: &Corpus,
    result: &ScanResult,
    pages: &[Page],
    summaries: &[PageSummary],
) -> String {
    let mut out = String::with_capacity(4096 + pages.len() * 600);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>reprint scan report</title><style>{}{}</style></head><body>\n<h1>Copies found: {} clusters in {} documents</h1>\n",
        html::CSS,
        INDEX_CSS,
        result.clusters.len(),
        corpus.len()
    );
    let _ = write!(
        out,
        r#"<div class="summary"><div>{} pairs reported. Each member links to a page showing what changed from the origin (A) to the copy (B) when a date or an origin source says which came first, and "direction unknown" otherwise. Reused: the share of the copy's words that come from the other document.</div></div>"#,
        result.matches.len()
    );
    if result.clusters.is_empty() {
        out.push_str("<p>No copies were found.</p>\n</body></html>\n");
        return out;
    }
    out.push_str(r#"<table class="clusters"><thead><tr><th>Document</th><th>Relation</th><th class="num">Reused</th><th>What changed</th></tr></thead><tbody>"#);
    let mut next = 0;
    for (ci, c) in result.clusters.iter().enumerate() {
        let _ = write!(
            out,
            r#"<tr class="cluster" id="cluster-{0}"><td colspan="4">Cluster {0} &middot; {1} documents</td></tr>"#,
            ci + 1,
            c.members.len()
        );
        let _ = write!(
            out,
            r#"<tr class="rep"><td class="id">{}{}</td><td><span class="rel">representative</span></td><td class="num"></td><td class="what"></td></tr>"#,
            escape(&corpus.get(c.representative).id),
            meta(corpus, c.representative)
        );
        while next < pages.len() && pages[next].cluster == ci {
            let p = &pages[next];
            let s = &summaries[next];
            let id = escape(&corpus.get(p.member).id);
            let _ = write!(
                out,
                r#"<tr class="member"><td class="id"><a href="{}">{}</a>{}</td>"#,
                escape(&p.file),
                id,
                meta(corpus, p.member)
            );
            match &p.link {
                Some(l) => {
                    let via = l.via.map_or(String::new(), |v| {
                        format!(
                            r#"<div class="meta">clustered through {}</div>"#,
                            escape(&corpus.get(v).id)
                        )
                    });
                    let _ = write!(
                        out,
                        r#"<td data-label="relation"><span class="rel {0}" title="scan Jaccard {1:.3}">{0}</span>{2}</td>"#,
                        l.relation,
                        round4(l.jaccard),
                        via
                    );
                }
                None => out.push_str("<td></td>"),
            }
            let direction = match s.origin {
                Some(o) => format!(
                    r#"<div class="origin">origin: {}</div>"#,
                    escape(&corpus.get(o).id)
                ),
                None => r#"<div class="direction">direction unknown</div>"#.to_string(),
            };
            let _ = write!(
                out,
                r#"<td class="num" data-label="reused">{:.0}%</td><td class="what" data-label="what changed">{}{}</td></tr>"#,
                s.reused * 100.0,
                direction,
                escape(&s.description)
            );
            next += 1;
        }
        out.push('\n');
    }
    out.push_str("</tbody></table>\n</body></html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_names_stay_in_the_folder() {
        assert_eq!(safe_name("telegraph-russia_1"), "telegraph-russia_1");
        assert_eq!(safe_name("../../etc/passwd"), "etc-passwd");
        assert_eq!(safe_name("samples/a b.txt"), "samples-a-b-txt");
        assert_eq!(safe_name(".."), "doc");
        assert_eq!(safe_name(""), "doc");
        assert_eq!(safe_name("Москва"), "doc");
        assert_eq!(safe_name("C:\\x\\y"), "C-x-y");
        let long = "x".repeat(500);
        assert_eq!(safe_name(&long).len(), NAME_CHARS);
        for id in ["../a", "a/../../b", "/abs", "nul\0byte", "a\\b", "..\\.."] {
            let n = safe_name(id);
            assert!(!n.contains(['/', '\\', '.', '\0']), "{id:?} -> {n:?}");
            assert!(!n.is_empty());
        }
    }

    #[test]
    fn prepare_creates_and_refuses_files() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a/b");
        prepare(&nested).unwrap();
        assert!(nested.is_dir());
        let file = dir.path().join("f");
        std::fs::write(&file, "x").unwrap();
        let err = prepare(&file).unwrap_err().to_string();
        assert!(err.contains(&file.display().to_string()), "{err}");
    }
}
