//! The readable tables people see on a terminal: scan's pairs and clusters,
//! and query's matches per story.

use super::records::{PairRecord, QueryRecord};
use crate::corpus::{Corpus, DocId};
use crate::direction::Side;
use crate::index::query::QueryResult;
use crate::scan::ScanResult;
use std::collections::HashMap;
use std::io::{self, Write};

/// `n` and `word`, the word plural unless `n` is 1.
fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Scan's table: a summary, every pair on two lines, then the clusters.
pub(crate) fn write_scan(
    out: &mut dyn Write,
    corpus: &Corpus,
    result: &ScanResult,
    pairs: &[PairRecord],
) -> io::Result<()> {
    let p = &result.parameters;
    writeln!(
        out,
        "{} scanned: {} in {}",
        plural(corpus.len(), "document"),
        plural(pairs.len(), "pair"),
        plural(result.clusters.len(), "cluster"),
    )?;
    writeln!(
        out,
        "(char {}-shingles, {} permutations, LSH threshold {} = {} bands x {} rows)",
        p.fingerprint.k, p.fingerprint.num_perm, p.threshold, p.bands, p.rows
    )?;
    if pairs.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(
        out,
        "{:<15} {:>7} {:>7} {:>7} {:>7} {:>7}  A / B",
        "RELATION", "JACCARD", "A_IN_B", "B_IN_A", "ALIGN_A", "ALIGN_B"
    )?;
    let origin_mark = |pr: &PairRecord, side: Side| {
        if pr.origin == Some(side) {
            "  (origin)"
        } else {
            ""
        }
    };
    for pr in pairs {
        writeln!(
            out,
            "{:<15} {:>7.3} {:>7.3} {:>7.3} {:>7.3} {:>7.3}  {}{}",
            pr.relation,
            pr.jaccard,
            pr.containment_a_in_b,
            pr.containment_b_in_a,
            pr.aligned_a,
            pr.aligned_b,
            pr.a,
            origin_mark(pr, Side::A)
        )?;
        writeln!(
            out,
            "{:<15} {:>7} {:>7} {:>7} {:>7} {:>7}  {}{}",
            "",
            "",
            "",
            "",
            "",
            "",
            pr.b,
            origin_mark(pr, Side::B)
        )?;
    }
    writeln!(out)?;
    for (i, c) in result.clusters.iter().enumerate() {
        writeln!(out, "cluster {} ({} documents)", i, c.members.len())?;
        for m in &c.members {
            let mark = if *m == c.representative { "*" } else { " " };
            writeln!(out, "  {mark} {}", corpus.get(*m).id)?;
        }
    }
    writeln!(out, "(* representative)")
}

/// Query's table: each story in input order with its matches, best first.
pub(crate) fn write_query(
    out: &mut dyn Write,
    archive: &str,
    corpus: &Corpus,
    result: &QueryResult,
    recs: &[QueryRecord],
) -> io::Result<()> {
    let mut by_query: HashMap<DocId, Vec<&QueryRecord>> = HashMap::new();
    for (m, r) in result.matches.iter().zip(recs) {
        by_query.entry(m.query).or_default().push(r);
    }
    for (i, d) in corpus.docs.iter().enumerate() {
        let found = by_query
            .get(&DocId(i as u32))
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let n = found.len();
        writeln!(
            out,
            "{}: {} in {} ({} documents)",
            d.id,
            if n == 1 {
                "1 match".to_string()
            } else {
                format!("{n} matches")
            },
            archive,
            result.archive_documents
        )?;
        if n == 0 {
            continue;
        }
        writeln!(
            out,
            "  {:<15} {:>7} {:>7} {:>7}  ARCHIVED DOCUMENT",
            "RELATION", "JACCARD", "A_IN_B", "B_IN_A"
        )?;
        for r in found {
            let meta: Vec<&str> = [r.source_b, r.date_b].into_iter().flatten().collect();
            writeln!(
                out,
                "  {:<15} {:>6.3}{} {:>7.3} {:>7.3}  {}{}",
                r.pair.relation,
                r.pair.jaccard,
                if r.estimated { "~" } else { " " },
                r.pair.containment_a_in_b,
                r.pair.containment_b_in_a,
                r.pair.b,
                if meta.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", meta.join(", "))
                }
            )?;
        }
    }
    if recs.iter().any(|r| r.estimated) {
        writeln!(
            out,
            "(~ scores estimated from MinHash signatures: the archive holds no text for those documents)"
        )?;
    }
    Ok(())
}
