//! Which paragraphs of A and B pair up: in order by dynamic programming on
//! content-word similarity, the rest greedily as moved; and the paragraphs
//! one version split in two, joined back before aligning again.

use super::model::DiffOptions;
use super::paragraphs::{Paragraph, Role};
use super::tokens::Unit;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

/// Which paragraphs pair up: in order (`aligned`, increasing in both) and
/// out of order (`moved`).
#[derive(Debug, Default)]
pub(super) struct Alignment {
    pub(super) aligned: Vec<(usize, usize)>,
    pub(super) moved: Vec<(usize, usize)>,
}

/// Content words of a paragraph (loose keys, stopwords dropped).
fn content(us: &[Unit]) -> HashSet<&str> {
    us.iter()
        .filter(|u| u.content)
        .map(|u| u.loose.as_str())
        .collect()
}

/// Pair paragraphs: similarity is the Dice coefficient of content-word sets
/// (identical paragraphs score 1 even when they have none). The in-order
/// pairing maximizes the summed similarity (dynamic programming, like an
/// LCS); paragraphs left over pair greedily, best first, as moved.
pub(super) fn align(a: &[Vec<Unit>], b: &[Vec<Unit>], opts: &DiffOptions) -> Alignment {
    let (n, m) = (a.len(), b.len());
    let ca: Vec<HashSet<&str>> = a.iter().map(|u| content(u)).collect();
    let cb: Vec<HashSet<&str>> = b.iter().map(|u| content(u)).collect();
    // Sparse similarity through an inverted index of B's content words.
    let mut postings: HashMap<&str, Vec<u32>> = HashMap::default();
    for (j, words) in cb.iter().enumerate() {
        for w in words {
            postings.entry(w).or_default().push(j as u32);
        }
    }
    let loose = |us: &[Unit]| -> Vec<String> { us.iter().map(|u| u.loose.clone()).collect() };
    let mut exact: HashMap<Vec<String>, Vec<usize>> = HashMap::default();
    for (j, us) in b.iter().enumerate() {
        exact.entry(loose(us)).or_default().push(j);
    }
    // Identical twins (the k-th copy in A with the k-th in B) pair only with
    // each other, in order or as moved: a paragraph that B has word for word
    // is never shown as a rewording of another one.
    let mut a_twin: Vec<Option<usize>> = vec![None; n];
    let mut b_twin: Vec<Option<usize>> = vec![None; m];
    let mut taken: HashMap<Vec<String>, usize> = HashMap::default();
    let a_keys: Vec<Vec<String>> = a.iter().map(|us| loose(us)).collect();
    for (i, key) in a_keys.iter().enumerate() {
        if let Some(js) = exact.get(key) {
            let k = taken.entry(key.clone()).or_default();
            if let Some(&j) = js.get(*k) {
                a_twin[i] = Some(j);
                b_twin[j] = Some(i);
                *k += 1;
            }
        }
    }
    let mut sim: Vec<HashMap<u32, f64>> = vec![HashMap::default(); n];
    let mut shared: HashMap<u32, u32> = HashMap::default();
    for i in 0..n {
        shared.clear();
        for w in &ca[i] {
            if let Some(js) = postings.get(w) {
                for &j in js {
                    *shared.entry(j).or_default() += 1;
                }
            }
        }
        for (&j, &s) in &shared {
            let dice = 2.0 * s as f64 / (ca[i].len() + cb[j as usize].len()) as f64;
            sim[i].insert(j, dice);
        }
        if let Some(js) = exact.get(&a_keys[i]) {
            for &j in js {
                sim[i].insert(j as u32, 1.0);
            }
        }
    }
    // Cubed, so one identical pair outweighs two crossed half-similar ones
    // (swapped paragraphs of a short story share much of their vocabulary).
    let score = |v: f64| (v * v * v) as f32;
    // Each row's pairs similar enough to pair in order, by column: the DP
    // walks them with a cursor instead of looking every cell up.
    let pairable: Vec<Vec<(usize, f32)>> = sim
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let mut cells: Vec<(usize, f32)> = row
                .iter()
                .filter(|&(&j, &v)| {
                    v >= opts.align_threshold
                        && match a_twin[i] {
                            Some(t) => t == j as usize,
                            None => b_twin[j as usize].is_none(),
                        }
                })
                .map(|(&j, &v)| (j as usize, score(v)))
                .collect();
            cells.sort_unstable_by_key(|c| c.0);
            cells
        })
        .collect();
    let gain = |i: usize, j: usize| -> Option<f32> {
        let row = &pairable[i];
        row.binary_search_by_key(&j, |c| c.0).ok().map(|k| row[k].1)
    };

    // dp[i][j]: best summed similarity pairing a[..i] with b[..j] in order.
    let width = m + 1;
    let mut dp = vec![0f32; (n + 1) * width];
    for i in 1..=n {
        let mut cells = pairable[i - 1].iter().peekable();
        for j in 1..=m {
            let mut best = dp[(i - 1) * width + j].max(dp[i * width + j - 1]);
            if let Some(&(_, g)) = cells.next_if(|c| c.0 == j - 1) {
                best = best.max(dp[(i - 1) * width + j - 1] + g);
            }
            dp[i * width + j] = best;
        }
    }
    let mut aligned = Vec::new();
    let (mut i, mut j) = (n, m);
    while i > 0 && j > 0 {
        let here = dp[i * width + j];
        let diagonal = gain(i - 1, j - 1).map(|g| dp[(i - 1) * width + j - 1] + g);
        if diagonal == Some(here) {
            aligned.push((i - 1, j - 1));
            i -= 1;
            j -= 1;
        } else if here == dp[(i - 1) * width + j] {
            i -= 1;
        } else {
            j -= 1;
        }
    }
    aligned.reverse();

    let mut a_used = vec![false; n];
    let mut b_used = vec![false; m];
    for &(i, j) in &aligned {
        a_used[i] = true;
        b_used[j] = true;
    }
    let mut rest: Vec<(f64, usize, usize)> = Vec::new();
    for (i, row) in sim.iter().enumerate() {
        if a_used[i] {
            continue;
        }
        for (&j, &v) in row {
            let twin_ok = match a_twin[i] {
                Some(t) => t == j as usize,
                None => b_twin[j as usize].is_none(),
            };
            if twin_ok && !b_used[j as usize] && v >= opts.move_threshold {
                rest.push((v, i, j as usize));
            }
        }
    }
    rest.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    let mut moved = Vec::new();
    for (_, i, j) in rest {
        if !a_used[i] && !b_used[j] {
            a_used[i] = true;
            b_used[j] = true;
            moved.push((i, j));
        }
    }
    Alignment { aligned, moved }
}

/// Paragraphs to join to the one before them: a paragraph that pairs with
/// nothing, next to one that pairs with a paragraph of the other text which
/// also holds most of its content words (the other version split it).
/// Returns, for A and for B, the indices `k` to join with `k - 1`.
pub(super) fn joins(
    al: &Alignment,
    a: &[Vec<Unit>],
    b: &[Vec<Unit>],
    pa: &[Paragraph],
    pb: &[Paragraph],
) -> (Vec<usize>, Vec<usize>) {
    let mut a_partner: Vec<Option<usize>> = vec![None; a.len()];
    let mut b_partner: Vec<Option<usize>> = vec![None; b.len()];
    for &(i, j) in al.aligned.iter().chain(&al.moved) {
        a_partner[i] = Some(j);
        b_partner[j] = Some(i);
    }
    let ca: Vec<HashSet<&str>> = a.iter().map(|u| content(u)).collect();
    let cb: Vec<HashSet<&str>> = b.iter().map(|u| content(u)).collect();
    let side = |xs: &[HashSet<&str>],
                ys: &[HashSet<&str>],
                partner: &[Option<usize>],
                paras: &[Paragraph]|
     -> Vec<usize> {
        let mut out = Vec::new();
        for k in 0..xs.len() {
            if partner[k].is_some() || paras[k].role != Role::Body || xs[k].is_empty() {
                continue;
            }
            // Content words of k found in the neighbour's partner and not
            // already in the neighbour itself.
            let gain = |nb: usize| -> usize {
                partner[nb].map_or(0, |y| {
                    xs[k]
                        .iter()
                        .filter(|w| ys[y].contains(*w) && !xs[nb].contains(*w))
                        .count()
                })
            };
            let before = k.checked_sub(1).map_or(0, gain);
            let after = if k + 1 < xs.len() { gain(k + 1) } else { 0 };
            let best = before.max(after);
            // Most of a long paragraph, or all of a short one ("Reuter").
            let n = xs[k].len();
            if (best >= 3 && best * 5 >= n * 2) || (n < 3 && best == n) {
                out.push(if before >= after { k } else { k + 1 });
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    };
    (
        side(&ca, &cb, &a_partner, pa),
        side(&cb, &ca, &b_partner, pb),
    )
}

/// Join each paragraph `k` in `at` to the one before it.
pub(super) fn join_paragraphs(
    paras: &mut Vec<Paragraph>,
    units: &mut Vec<Vec<Unit>>,
    at: &[usize],
) {
    for &k in at.iter().rev() {
        if k == 0 || k >= paras.len() {
            continue;
        }
        let p = paras.remove(k);
        let u = units.remove(k);
        let prev = &mut paras[k - 1];
        prev.span = prev.span.join(p.span);
        if prev.role != Role::Body && prev.role != Role::Headline {
            prev.role = p.role;
        }
        units[k - 1].extend(u);
    }
}

#[cfg(test)]
mod tests {
    use crate::diff::test_support::*;
    use crate::diff::ChangeKind;

    #[test]
    fn reworded_and_split_paragraphs() {
        let p: Vec<&str> = BODY.split("\n\n").collect();
        let b = [
            p[0],
            "The minister informed reporters that progress had been slow but steady.",
            p[2],
            p[3],
        ]
        .join("\n\n");
        let c = changes(BODY, &b);
        assert_eq!(c.len(), 1);
        assert_eq!(
            (c[0].0, c[0].1.as_str(), c[0].2.as_str()),
            (ChangeKind::Reworded, "told", "informed")
        );
        // A paragraph split in two by B pairs whole, not as removed + added.
        let joined = format!("{} {}", p[1], p[2]);
        let a = [p[0], &joined, p[3]].join("\n\n");
        let k = kinds(&a, BODY);
        assert!(
            k.iter()
                .all(|k| *k == ChangeKind::Typography || *k == ChangeKind::Reworded),
            "{k:?}"
        );
    }
}
