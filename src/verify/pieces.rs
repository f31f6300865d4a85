//! Pieces of verification work: candidate pairs cut into groups that each
//! touch at most `PIECE_DOCS` documents, so a document is normalized and
//! shingled once per piece, not once per pair. A small connected component
//! is one piece; a larger one is ordered breadth first and cut, so most
//! pairs share a piece with their neighbours' pairs.

use crate::union_find::UnionFind;
use std::collections::VecDeque;

/// Documents one piece holds at most (memory: about 10 bytes per character
/// of each document held; 128 documents of 4.5 KB are 6 MB a thread).
/// Word-only pairs, which join documents into large components, are
/// normalized 2-3 times less often than with one first document a piece
/// (benches/results/2026-12-07-verify-pieces.md).
pub(super) const PIECE_DOCS: usize = 128;

/// Pairs one piece of a large component holds at most: progress moves
/// and both cores share the work.
pub(super) const PIECE_PAIRS: usize = 1024;

/// The pieces of `pairs` (dense document numbers `0..docs`), most pairs
/// first: indices into `pairs`, each piece's in increasing order (so pairs
/// with the same first document stay adjacent when `pairs` had them so).
pub(super) fn pieces(pairs: &[(u32, u32)], docs: usize) -> Vec<Vec<usize>> {
    let mut uf = UnionFind::new(docs);
    for &(a, b) in pairs {
        uf.union(a, b);
    }
    let mut size = vec![0usize; docs];
    for d in 0..docs as u32 {
        size[uf.find(d) as usize] += 1;
    }
    // Each small component's pairs (by index, in order), and the rest.
    let mut small: Vec<(u32, usize)> = Vec::new();
    let mut large: Vec<usize> = Vec::new();
    for (i, &(a, _)) in pairs.iter().enumerate() {
        let root = uf.find(a);
        if size[root as usize] <= PIECE_DOCS {
            small.push((root, i));
        } else {
            large.push(i);
        }
    }
    small.sort_unstable();
    let mut out: Vec<Vec<usize>> = small
        .chunk_by(|x, y| x.0 == y.0)
        .map(|group| group.iter().map(|&(_, i)| i).collect())
        .collect();
    out.extend(cut_large(pairs, docs, &large));
    // Largest first: a big piece begun last would keep one core busy alone.
    out.sort_by_key(|piece| std::cmp::Reverse(piece.len()));
    out
}

/// The pairs `large` (indices into `pairs`) cut into pieces: documents
/// numbered in breadth-first order from the best-connected ones, pairs
/// taken by their later document, a new piece begun when the next pair
/// would bring the piece over `PIECE_DOCS` documents or `PIECE_PAIRS` pairs.
fn cut_large(pairs: &[(u32, u32)], docs: usize, large: &[usize]) -> Vec<Vec<usize>> {
    if large.is_empty() {
        return Vec::new();
    }
    // Neighbours of each document, by its pairs in `large` (CSR).
    let mut degree = vec![0u32; docs + 1];
    for &i in large {
        let (a, b) = pairs[i];
        degree[a as usize] += 1;
        degree[b as usize] += 1;
    }
    let mut start: Vec<usize> = Vec::with_capacity(docs + 1);
    let mut at = 0usize;
    for &d in &degree {
        start.push(at);
        at += d as usize;
    }
    let mut fill = start.clone();
    let mut next = vec![0u32; at];
    for &i in large {
        let (a, b) = pairs[i];
        next[fill[a as usize]] = b;
        fill[a as usize] += 1;
        next[fill[b as usize]] = a;
        fill[b as usize] += 1;
    }
    let by_degree = |d: &u32| (std::cmp::Reverse(degree[*d as usize]), *d);
    for d in 0..docs {
        next[start[d]..start[d + 1]].sort_unstable_by_key(by_degree);
    }
    // Breadth-first order, each search from the best-connected document left.
    let mut roots: Vec<u32> = (0..docs as u32)
        .filter(|&d| degree[d as usize] > 0)
        .collect();
    roots.sort_unstable_by_key(by_degree);
    const UNSEEN: u32 = u32::MAX;
    let mut order = vec![UNSEEN; docs];
    let mut seen = 0u32;
    let mut queue = VecDeque::new();
    for root in roots {
        if order[root as usize] != UNSEEN {
            continue;
        }
        order[root as usize] = seen;
        seen += 1;
        queue.push_back(root);
        while let Some(d) = queue.pop_front() {
            for &n in &next[start[d as usize]..start[d as usize + 1]] {
                if order[n as usize] == UNSEEN {
                    order[n as usize] = seen;
                    seen += 1;
                    queue.push_back(n);
                }
            }
        }
    }
    let mut sorted = large.to_vec();
    sorted.sort_unstable_by_key(|&i| {
        let (a, b) = (order[pairs[i].0 as usize], order[pairs[i].1 as usize]);
        (a.max(b), a.min(b))
    });
    // Cut in that order; `member[d]` is the number of the piece holding d, plus 1.
    let mut member = vec![0u32; docs];
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut piece: Vec<usize> = Vec::new();
    let mut held = 0usize;
    for i in sorted {
        let (a, b) = pairs[i];
        let tag = out.len() as u32 + 1;
        let new = (member[a as usize] != tag) as usize + (member[b as usize] != tag) as usize;
        if held + new > PIECE_DOCS || piece.len() == PIECE_PAIRS {
            piece.sort_unstable();
            out.push(std::mem::take(&mut piece));
            held = 0;
        }
        let tag = out.len() as u32 + 1;
        for d in [a, b] {
            if member[d as usize] != tag {
                member[d as usize] = tag;
                held += 1;
            }
        }
        piece.push(i);
    }
    piece.sort_unstable();
    out.push(piece);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every pair is in exactly one piece, no piece holds more than
    /// `PIECE_DOCS` documents or a large component's more than
    /// `PIECE_PAIRS` pairs, and each piece's pairs are in input order.
    fn check(pairs: &[(u32, u32)], docs: usize) -> Vec<Vec<usize>> {
        let got = pieces(pairs, docs);
        let mut all: Vec<usize> = got.iter().flatten().copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..pairs.len()).collect::<Vec<_>>());
        for piece in &got {
            let held = held(pairs, piece);
            assert!(held <= PIECE_DOCS, "{held} documents");
            assert!(piece.windows(2).all(|w| w[0] < w[1]));
        }
        got
    }

    /// Documents a piece holds (normalizes once each).
    fn held(pairs: &[(u32, u32)], piece: &[usize]) -> usize {
        let mut held: Vec<u32> = piece
            .iter()
            .flat_map(|&i| [pairs[i].0, pairs[i].1])
            .collect();
        held.sort_unstable();
        held.dedup();
        held.len()
    }

    /// Documents normalized, summed over pieces.
    fn passes(pairs: &[(u32, u32)], pieces: &[Vec<usize>]) -> usize {
        pieces.iter().map(|piece| held(pairs, piece)).sum()
    }

    #[test]
    fn small_components_are_one_piece_each() {
        let pairs = [(0, 1), (0, 2), (3, 4), (1, 2), (5, 6)];
        let got = check(&pairs, 7);
        assert_eq!(got, vec![vec![0, 1, 3], vec![2], vec![4]]);
        let pairs = [(0, 1), (2, 3), (2, 4), (3, 4)];
        assert_eq!(check(&pairs, 5), vec![vec![1, 2, 3], vec![0]]);
    }

    /// Twenty cliques of 30 documents, each joined to the next by one pair
    /// and every document to one hub: a component of 601 documents. Its
    /// documents are normalized about once each, where one piece per first
    /// document normalizes most of them once per pair.
    #[test]
    fn a_large_component_is_cut_where_it_is_thin() {
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        let hub = 600u32;
        for c in 0..20u32 {
            let first = c * 30;
            for a in first..first + 30 {
                pairs.extend((a + 1..first + 30).map(|b| (a, b)));
                pairs.push((a, hub));
            }
            if c > 0 {
                pairs.push((first - 1, first));
            }
        }
        pairs.sort_unstable();
        let got = check(&pairs, 601);
        assert!(got.len() > 1);
        for piece in &got {
            assert!(piece.len() <= PIECE_PAIRS);
        }
        let n = passes(&pairs, &got);
        assert!(n <= 601 * 3 / 2, "{n} passes for 601 documents");
        // One piece per first document (32 pairs at most) as before.
        let chunks: usize = pairs
            .chunk_by(|x, y| x.0 == y.0)
            .map(|g| g.chunks(32).map(|c| c.len() + 1).sum::<usize>())
            .sum();
        assert!(chunks > 5 * n, "{chunks} against {n}");
    }

    #[test]
    fn no_pairs_no_pieces() {
        assert!(pieces(&[], 0).is_empty());
        assert!(pieces(&[], 5).is_empty());
    }
}
