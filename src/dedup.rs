//! Batch dedup of feeds: from a scan's verified pairs, keep one document per
//! cluster of duplicates and stream the input back out in order, kept
//! records byte for byte, with a record of what was removed and why. Works
//! on any `TextSource`; the CLI gives it a `corpus::LeanCorpus`, so texts are
//! read again from the input rather than held.

use crate::corpus::LeanCorpus;
use crate::corpus::{record_line, DocId, Origin, TextSource, BOM};
use crate::jsonline::{self, Member};
use crate::report::{round4, write_line};
use crate::scan::{Match, ScanResult};
use crate::union_find::UnionFind;
use crate::verify::Relation;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{self, BufRead, Write};

/// Which document of a cluster is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Earliest `date`, then the longest text, then the first in input order.
    Earliest,
    /// The longest text, then the first in input order.
    Longest,
    /// The first in input order.
    First,
}

/// What happens to one document.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Decision {
    /// The dedup cluster the document belongs to, if any.
    pub cluster: Option<usize>,
    /// The kept document this one duplicates (None for kept documents).
    pub duplicate_of: Option<DocId>,
    /// The verified pair that shows it: between this document and the kept
    /// one when there is such a pair, else its closest match in the cluster.
    pub evidence: Option<Match>,
}

impl Decision {
    /// Whether the document is removed as a duplicate.
    pub fn removed(&self) -> bool {
        self.duplicate_of.is_some()
    }
}

/// Decide, for every document, whether it is kept. Only pairs whose relation
/// is in `drop` join documents into dedup clusters.
pub fn decide<S: TextSource + ?Sized>(
    corpus: &S,
    result: &ScanResult,
    drop: &[Relation],
    keep: Keep,
) -> Vec<Decision> {
    let n = corpus.doc_count();
    let dropping: Vec<&Match> = result
        .matches
        .iter()
        .filter(|m| drop.contains(&m.relation))
        .collect();
    let mut uf = UnionFind::new(n);
    for m in &dropping {
        uf.union(m.pair.a.0, m.pair.b.0);
    }
    let mut members: std::collections::BTreeMap<u32, Vec<DocId>> = Default::default();
    let mut in_pair = vec![false; n];
    for m in &dropping {
        in_pair[m.pair.a.index()] = true;
        in_pair[m.pair.b.index()] = true;
    }
    for (i, _) in in_pair.iter().enumerate().filter(|(_, &p)| p) {
        members
            .entry(uf.find(i as u32))
            .or_default()
            .push(DocId(i as u32));
    }
    let mut by_doc: HashMap<DocId, Vec<&Match>> = HashMap::new();
    for m in &dropping {
        by_doc.entry(m.pair.a).or_default().push(m);
        by_doc.entry(m.pair.b).or_default().push(m);
    }
    let mut decisions = vec![
        Decision {
            cluster: None,
            duplicate_of: None,
            evidence: None,
        };
        n
    ];
    let mut groups: Vec<Vec<DocId>> = members.into_values().collect();
    groups.sort_by_key(|g| g[0]);
    for (c, group) in groups.iter().enumerate() {
        let kept = keeper(corpus, group, keep);
        for &d in group {
            decisions[d.index()].cluster = Some(c);
            if d == kept {
                continue;
            }
            let pairs = by_doc.get(&d).map(Vec::as_slice).unwrap_or(&[]);
            let direct = pairs.iter().find(|m| m.pair.a == kept || m.pair.b == kept);
            let best = pairs.iter().max_by(|x, y| {
                x.scores
                    .jaccard
                    .total_cmp(&y.scores.jaccard)
                    .then(y.pair.cmp(&x.pair))
            });
            decisions[d.index()].duplicate_of = Some(kept);
            decisions[d.index()].evidence = direct.or(best).map(|m| **m);
        }
    }
    decisions
}

fn keeper<S: TextSource + ?Sized>(corpus: &S, group: &[DocId], keep: Keep) -> DocId {
    let len = |d: DocId| corpus.text_len(d);
    let pick = match keep {
        Keep::First => group.iter().min().copied(),
        Keep::Longest => group
            .iter()
            .copied()
            .min_by(|&x, &y| len(y).cmp(&len(x)).then(x.cmp(&y))),
        Keep::Earliest => group.iter().copied().min_by(|&x, &y| {
            let (dx, dy) = (corpus.date(x), corpus.date(y));
            // Dated documents before undated ones, earlier dates first.
            let by_date = match (dx, dy) {
                (Some(a), Some(b)) => a.cmp(b),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            };
            by_date.then(len(y).cmp(&len(x))).then(x.cmp(&y))
        }),
    };
    pick.unwrap_or(group[0])
}

/// A line of the `--removed` file.
#[derive(Debug, Serialize)]
struct RemovedRecord<'a> {
    id: &'a str,
    duplicate_of: &'a str,
    /// The document the evidence pair is with (the kept one, or a member of
    /// the cluster that links to it).
    matched: &'a str,
    relation: &'static str,
    jaccard: f64,
    /// Share of this document's shingles found in `matched`.
    containment: f64,
    cluster: usize,
    file: String,
    line: u32,
}

/// Counts for the summary on stderr.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DedupStats {
    /// Usable records read.
    pub records: usize,
    /// Records kept.
    pub kept: usize,
    /// Records removed as duplicates.
    pub removed: usize,
    /// Records removed, per relation.
    pub removed_by_relation: Vec<(Relation, usize)>,
    /// Lines that were not usable records, passed through untouched.
    pub malformed: usize,
    /// Blank and whitespace-only lines, passed through untouched.
    pub blank: usize,
}

/// Stream every input back out in order: kept records as they were (or
/// every record, annotated), bad records untouched; removed documents to
/// `removed`.
pub fn write(
    corpus: &LeanCorpus,
    decisions: &[Decision],
    annotate: bool,
    out: &mut dyn Write,
    mut removed: Option<&mut dyn Write>,
) -> io::Result<DedupStats> {
    let at: HashMap<Origin, DocId> = (0..corpus.doc_count() as u32)
        .map(|i| (corpus.origin(DocId(i)), DocId(i)))
        .collect();
    let mut stats = DedupStats::default();
    let mut blank = 0;
    let mut by_rel: HashMap<Relation, usize> = HashMap::new();
    for (fi, file) in corpus.files().iter().enumerate() {
        let mut emit = |origin: Origin,
                        raw: Option<&[u8]>,
                        out: &mut dyn Write,
                        removed: &mut Option<&mut dyn Write>|
         -> io::Result<()> {
            let Some(&doc) = at.get(&origin) else {
                // Not a usable record: pass it through untouched.
                if let Some(raw) = raw {
                    stats.malformed += 1;
                    out.write_all(raw)?;
                    out.write_all(b"\n")?;
                }
                return Ok(());
            };
            stats.records += 1;
            let d = &decisions[doc.index()];
            let line = owned_line(corpus, doc, raw);
            if let (Some(kept), Some(ev)) = (d.duplicate_of, d.evidence) {
                stats.removed += 1;
                *by_rel.entry(ev.relation).or_default() += 1;
                if let Some(w) = removed.as_deref_mut() {
                    let other = if ev.pair.a == doc {
                        ev.pair.b
                    } else {
                        ev.pair.a
                    };
                    let containment = if ev.pair.a == doc {
                        ev.scores.containment_a_in_b
                    } else {
                        ev.scores.containment_b_in_a
                    };
                    let rec = RemovedRecord {
                        id: corpus.user_id(doc),
                        duplicate_of: corpus.user_id(kept),
                        matched: corpus.user_id(other),
                        relation: ev.relation.as_str(),
                        jaccard: round4(ev.scores.jaccard),
                        containment: round4(containment),
                        cluster: d.cluster.unwrap_or(0),
                        file: file.name(),
                        line: origin.line,
                    };
                    write_line(w, &rec)?;
                }
                if !annotate {
                    return Ok(());
                }
            } else {
                stats.kept += 1;
            }
            if annotate {
                out.write_all(&annotated(&line, corpus, d))?;
            } else {
                out.write_all(&line)?;
            }
            out.write_all(b"\n")
        };
        if file.jsonl {
            let mut reader = match corpus.reopen(fi) {
                Ok(r) => r,
                Err(_) => continue, // already reported when the corpus was read
            };
            // Every line, numbered as when the corpus was read; blank ones
            // pass through as they were.
            let mut piece = Vec::new();
            for n in 1u32.. {
                piece.clear();
                if reader.read_until(b'\n', &mut piece)? == 0 {
                    break;
                }
                let mut line = piece.strip_suffix(b"\n").unwrap_or(&piece[..]);
                if n == 1 {
                    line = line.strip_prefix(BOM).unwrap_or(line);
                }
                match record_line(line) {
                    Some(record) => {
                        let origin = Origin {
                            file: fi as u32,
                            line: n,
                        };
                        emit(origin, Some(record), out, &mut removed)?;
                    }
                    None => {
                        blank += 1;
                        out.write_all(line)?;
                        out.write_all(b"\n")?;
                    }
                }
            }
        } else {
            emit(
                Origin {
                    file: fi as u32,
                    line: 0,
                },
                None,
                out,
                &mut removed,
            )?;
        }
    }
    let mut rels: Vec<(Relation, usize)> = by_rel.into_iter().collect();
    rels.sort();
    stats.removed_by_relation = rels;
    stats.blank = blank;
    Ok(stats)
}

/// The record as a line: the raw JSONL line, or a new JSON object for a
/// whole-file document.
fn owned_line<S: TextSource + ?Sized>(corpus: &S, doc: DocId, raw: Option<&[u8]>) -> Vec<u8> {
    match raw {
        Some(r) => r.to_vec(),
        None => {
            let text = corpus.text(doc);
            serde_json::json!({"id": corpus.user_id(doc), "text": text.as_ref()})
                .to_string()
                .into_bytes()
        }
    }
}

/// The fields `--annotate` writes.
const ANNOTATIONS: [&str; 3] = ["cluster", "duplicate_of", "relation"];

/// The record without the fields `--annotate` writes, so they are not
/// written twice; the other members' bytes are kept.
fn without_annotations(line: &[u8]) -> Cow<'_, [u8]> {
    let Some(members) = jsonline::members(line) else {
        return Cow::Borrowed(line);
    };
    let ours = |m: &Member| m.key.as_deref().is_some_and(|k| ANNOTATIONS.contains(&k));
    if !members.iter().any(ours) {
        return Cow::Borrowed(line);
    }
    let kept: Vec<&[u8]> = members
        .iter()
        .filter(|m| !ours(m))
        .map(|m| m.bytes)
        .collect();
    let mut out = b"{".to_vec();
    out.extend_from_slice(&kept.join(&b","[..]));
    out.push(b'}');
    Cow::Owned(out)
}

/// The record with `cluster`, `duplicate_of` and `relation` appended (any it
/// had are replaced), every other byte before them unchanged.
fn annotated<S: TextSource + ?Sized>(line: &[u8], corpus: &S, d: &Decision) -> Vec<u8> {
    let line = without_annotations(line);
    let line = line.as_ref();
    let cluster = d.cluster.map_or("null".to_string(), |c| c.to_string());
    let dup = d.duplicate_of.map_or("null".to_string(), |k| {
        serde_json::Value::String(corpus.user_id(k).to_string()).to_string()
    });
    let rel = match (d.duplicate_of, d.evidence) {
        (Some(_), Some(ev)) => format!("\"{}\"", ev.relation),
        _ => "null".to_string(),
    };
    let end = line.iter().rposition(|&b| b == b'}').unwrap_or(line.len());
    let body = &line[..end];
    let empty = body.iter().rev().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    let mut out = body.to_vec();
    if !empty {
        out.push(b',');
    }
    out.extend_from_slice(
        format!("\"cluster\":{cluster},\"duplicate_of\":{dup},\"relation\":{rel}}}").as_bytes(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Corpus;

    #[test]
    fn annotation_appends_fields_and_keeps_every_earlier_byte() {
        let corpus = Corpus::default();
        let d = Decision {
            cluster: None,
            duplicate_of: None,
            evidence: None,
        };
        let line = br#"{"z": 1,  "id":"a", "text":"x"}"#;
        let out = annotated(line, &corpus, &d);
        let s = String::from_utf8(out).unwrap();
        assert!(s.starts_with(r#"{"z": 1,  "id":"a", "text":"x""#));
        assert!(s.ends_with(r#","cluster":null,"duplicate_of":null,"relation":null}"#));
        let v: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(v["z"], 1);
        let empty = annotated(b"{}", &corpus, &d);
        assert!(serde_json::from_slice::<serde_json::Value>(&empty).is_ok());
    }
}
