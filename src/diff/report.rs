//! `reprint scan --report DIR`: an HTML report of a scan. `DIR/index.html`
//! lists the clusters (representative first, then each member with its
//! relation and scores) and links every member to its own page, the member
//! diffed against its cluster's representative (A = representative,
//! B = member). Every page is self-contained (the diff page's inline CSS, no
//! scripts, no external assets).

use super::html::{self, escape};
use super::{diff, DiffOptions, Side};
use crate::corpus::{Corpus, DocId};
use crate::error::{Error, Result};
use crate::report::round4;
use crate::scan::{Match, ScanResult};
use crate::verify::Scores;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// Characters of an id kept in a page's file name.
const NAME_CHARS: usize = 60;

/// What [`write`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub index: PathBuf,
    pub pages: usize,
}

/// Create `dir` (and its parents) if missing; fail, naming it, when it
/// cannot be created or is not a folder. Called before the scan so a bad
/// path fails fast.
pub fn prepare(dir: &Path) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        return Err(Error::io(
            dir,
            std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                "exists and is not a folder (--report needs a folder)",
            ),
        ));
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))
}

/// A file-name-safe form of `id`: ASCII letters, digits, `-` and `_` kept,
/// every other run of characters one `-`, at most [`NAME_CHARS`] long. It
/// never holds a path separator or a dot, so it cannot leave the folder;
/// callers prefix an index number to keep names unique.
pub fn safe_name(id: &str) -> String {
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
    /// Share of the representative's (or the `via` document's) shingles
    /// found in the member, and the reverse.
    other_in_member: f64,
    member_in_other: f64,
    /// The member this link is to, when not the representative.
    via: Option<DocId>,
}

fn link(m: &Match, member: DocId) -> Link {
    let s: &Scores = &m.scores;
    let (other, other_in_member, member_in_other) = if m.pair.b == member {
        (m.pair.a, s.containment_a_in_b, s.containment_b_in_a)
    } else {
        (m.pair.b, s.containment_b_in_a, s.containment_a_in_b)
    };
    Link {
        relation: m.relation.as_str(),
        jaccard: s.jaccard,
        other_in_member,
        member_in_other,
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

/// Write `dir/index.html` and one page per non-representative member of
/// every cluster of `result`. Existing files of the same names are replaced.
pub fn write(dir: &Path, corpus: &Corpus, result: &ScanResult) -> Result<Written> {
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
    let summaries: Vec<Result<(String, f64, f64)>> = pages
        .par_iter()
        .map(|p| {
            let (a, b) = (corpus.get(p.representative), corpus.get(p.member));
            let d = diff(
                Side {
                    id: a.id.clone(),
                    text: a.text.clone(),
                },
                Side {
                    id: b.id.clone(),
                    text: b.text.clone(),
                },
                &DiffOptions::default(),
            );
            let nav = format!(
                r#"<p class="nav"><a href="index.html">&larr; all clusters</a> &middot; cluster {} &middot; A is the cluster's representative, B a member</p>"#,
                p.cluster + 1
            );
            let path = dir.join(&p.file);
            std::fs::write(&path, html::page_with(&d, false, &nav))
                .map_err(|e| Error::io(&path, e))?;
            let s = &d.summary;
            Ok((s.description.clone(), s.share_a_kept, s.share_b_from_a))
        })
        .collect();
    let mut summary_of = Vec::with_capacity(pages.len());
    for s in summaries {
        summary_of.push(s?);
    }

    let index = dir.join("index.html");
    let page = index_page(corpus, result, &pages, &summary_of);
    std::fs::write(&index, page).map_err(|e| Error::io(&index, e))?;
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
@media print { table.clusters th { position: static; } tr { break-inside: avoid; } }
"#;

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
    summaries: &[(String, f64, f64)],
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
        r#"<div class="summary"><div>{} pairs reported; each member below links to a page showing what changed from its cluster's representative (&#9733;, A) to the member (B). Scores are from the scan: Jaccard similarity of the two texts' shingles, and the share of each text's shingles found in the other.</div></div>"#,
        result.matches.len()
    );
    if result.clusters.is_empty() {
        out.push_str("<p>No copies were found.</p>\n</body></html>\n");
        return out;
    }
    out.push_str(r#"<table class="clusters"><thead><tr><th>Document</th><th>Relation</th><th class="num">Jaccard</th><th class="num">rep. in member</th><th class="num">member in rep.</th><th>What changed (A = representative, B = member)</th></tr></thead><tbody>"#);
    let mut next = 0;
    for (ci, c) in result.clusters.iter().enumerate() {
        let _ = write!(
            out,
            r#"<tr class="cluster" id="cluster-{0}"><td colspan="6">Cluster {0} &middot; {1} documents</td></tr>"#,
            ci + 1,
            c.members.len()
        );
        let _ = write!(
            out,
            r#"<tr class="rep"><td class="id">{}{}</td><td><span class="rel">representative</span></td><td class="num"></td><td class="num"></td><td class="num"></td><td class="what"></td></tr>"#,
            escape(&corpus.get(c.representative).id),
            meta(corpus, c.representative)
        );
        while next < pages.len() && pages[next].cluster == ci {
            let p = &pages[next];
            let (what, kept, from) = &summaries[next];
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
                            r#"<div class="meta">scores with {}</div>"#,
                            escape(&corpus.get(v).id)
                        )
                    });
                    let _ = write!(
                        out,
                        r#"<td><span class="rel {0}">{0}</span>{1}</td><td class="num">{2:.3}</td><td class="num">{3:.3}</td><td class="num">{4:.3}</td>"#,
                        l.relation,
                        via,
                        round4(l.jaccard),
                        round4(l.other_in_member),
                        round4(l.member_in_other)
                    );
                }
                None => out.push_str(
                    r#"<td></td><td class="num"></td><td class="num"></td><td class="num"></td>"#,
                ),
            }
            let _ = write!(
                out,
                r#"<td class="what">{} <span class="meta">({:.0}% of A kept, {:.0}% of B from A)</span></td></tr>"#,
                escape(what),
                kept * 100.0,
                from * 100.0
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
