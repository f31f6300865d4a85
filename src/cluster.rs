//! Clusters: connected components (union-find) over reported pairs, each
//! with a representative: the earliest dated member, else the known origin
//! (a listed origin source), else the member that best contains the others.

use crate::corpus::{DocId, TextSource};
use crate::direction::Side;
pub use crate::union_find::UnionFind;
use crate::verify::Scores;

/// A group of documents that are copies of one another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cluster {
    /// The member that stands for the cluster.
    pub representative: DocId,
    /// Members in input order, the representative among them.
    pub members: Vec<DocId>,
}

/// One edge for clustering: a pair and its scores.
#[derive(Debug, Clone, Copy)]
pub struct Edge {
    /// One document of the pair.
    pub a: DocId,
    /// The other document.
    pub b: DocId,
    /// The pair's exact scores.
    pub scores: Scores,
    /// Which side the other copied, if known (`direction::origin`).
    pub origin: Option<Side>,
}

/// Connected components of `edges` with two or more members, ordered by
/// their first member.
pub fn clusters<S: TextSource + ?Sized>(corpus: &S, edges: &[Edge]) -> Vec<Cluster> {
    let n = corpus.doc_count();
    let mut uf = UnionFind::new(n);
    for e in edges {
        uf.union(e.a.0, e.b.0);
    }
    // How much of the other documents each member holds: the sum, over its
    // pairs, of the share of the other document found in it.
    let mut holds = vec![0.0f64; n];
    let mut in_pair = vec![false; n];
    // Pairs each member is the known origin of.
    let mut originates = vec![0u32; n];
    for e in edges {
        match e.origin {
            Some(Side::A) => originates[e.a.index()] += 1,
            Some(Side::B) => originates[e.b.index()] += 1,
            None => {}
        }
        holds[e.a.index()] += e.scores.containment_b_in_a;
        holds[e.b.index()] += e.scores.containment_a_in_b;
        in_pair[e.a.index()] = true;
        in_pair[e.b.index()] = true;
    }
    let mut groups: std::collections::BTreeMap<u32, Vec<DocId>> = Default::default();
    for (i, _) in in_pair.iter().enumerate().filter(|(_, &paired)| paired) {
        let root = uf.find(i as u32);
        groups.entry(root).or_default().push(DocId(i as u32));
    }
    let mut out: Vec<Cluster> = groups
        .into_values()
        .filter(|m| m.len() > 1)
        .map(|members| Cluster {
            representative: representative(corpus, &members, &holds, &originates),
            members,
        })
        .collect();
    out.sort_by_key(|c| c.members[0]);
    out
}

/// The earliest dated member; else the member that is the known origin of
/// the most pairs (a listed origin source); else the one holding the most.
fn representative<S: TextSource + ?Sized>(
    corpus: &S,
    members: &[DocId],
    holds: &[f64],
    originates: &[u32],
) -> DocId {
    let dated: Vec<(&str, DocId)> = members
        .iter()
        .filter_map(|&m| corpus.date(m).map(|d| (d, m)))
        .collect();
    if let Some(&(_, first)) = dated.iter().min() {
        return first;
    }
    let origin = members
        .iter()
        .max_by_key(|&&m| (originates[m.index()], std::cmp::Reverse(m)));
    if let Some(&o) = origin.filter(|&&m| originates[m.index()] > 0) {
        return o;
    }
    *members
        .iter()
        .max_by(|&&x, &&y| {
            holds[x.index()]
                .total_cmp(&holds[y.index()])
                .then(corpus.text_len(x).cmp(&corpus.text_len(y)))
                .then(y.cmp(&x))
        })
        .expect("a cluster has members")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{Corpus, Document};

    fn doc(id: &str, date: Option<&str>, text: &str) -> Document {
        Document {
            id: id.into(),
            title: None,
            source: None,
            date: date.map(Into::into),
            text: text.into(),
            origin: Default::default(),
        }
    }

    fn edge(a: u32, b: u32, cab: f64, cba: f64) -> Edge {
        Edge {
            a: DocId(a),
            b: DocId(b),
            scores: Scores {
                jaccard: 0.5,
                containment_a_in_b: cab,
                containment_b_in_a: cba,
                shingles_a: 1,
                shingles_b: 1,
                shared: 1,
            },
            origin: None,
        }
    }

    #[test]
    fn components_and_container_representative() {
        let corpus = Corpus {
            docs: vec![
                doc("a", None, "short"),
                doc("b", None, "long text"),
                doc("c", None, "x"),
                doc("d", None, "y"),
                doc("e", None, "z"),
            ],
            ..Default::default()
        };
        // b holds most of a and of c: b represents {a, b, c}; d-e apart.
        let cs = clusters(
            &corpus,
            &[
                edge(0, 1, 0.9, 0.3),
                edge(1, 2, 0.2, 0.95),
                edge(3, 4, 0.5, 0.5),
            ],
        );
        assert_eq!(cs.len(), 2);
        assert_eq!(cs[0].members, vec![DocId(0), DocId(1), DocId(2)]);
        assert_eq!(cs[0].representative, DocId(1));
        assert_eq!(cs[1].members, vec![DocId(3), DocId(4)]);
    }

    #[test]
    fn earliest_date_wins() {
        let corpus = Corpus {
            docs: vec![
                doc("a", Some("2024-03-01"), "x"),
                doc("b", Some("2024-01-01"), "y"),
                doc("c", None, "z"),
            ],
            ..Default::default()
        };
        let cs = clusters(&corpus, &[edge(0, 1, 0.9, 0.9), edge(1, 2, 0.9, 0.9)]);
        assert_eq!(cs[0].representative, DocId(1));
    }

    #[test]
    fn known_origin_represents_an_undated_cluster() {
        let corpus = Corpus {
            docs: vec![
                doc("a", None, "x"),
                doc("b", None, "long y"),
                doc("c", None, "z"),
            ],
            ..Default::default()
        };
        // b holds the most, but a is the listed origin of both its pairs.
        let from_a = |b, side| Edge {
            origin: Some(side),
            ..edge(0, b, 0.9, 0.3)
        };
        let cs = clusters(&corpus, &[from_a(1, Side::A), from_a(2, Side::A)]);
        assert_eq!(cs[0].representative, DocId(0));
        let cs = clusters(&corpus, &[edge(0, 1, 0.9, 0.3), edge(0, 2, 0.9, 0.3)]);
        assert_eq!(cs[0].representative, DocId(1));
    }
}
