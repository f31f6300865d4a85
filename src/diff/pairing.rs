//! Which paragraphs of A and B pair up: in order by dynamic programming on
//! content-word similarity, the rest greedily as moved; and the paragraphs
//! one version split in two, joined back before aligning again.

use super::model::DiffOptions;
use super::paragraphs::{Paragraph, Role};
use super::tokens::Unit;
use rustc_hash::FxHashMap as HashMap;

/// Which paragraphs pair up: in order (`aligned`, increasing in both) and
/// out of order (`moved`).
#[derive(Debug, Default)]
pub(super) struct Alignment {
    pub(super) aligned: Vec<(usize, usize)>,
    pub(super) moved: Vec<(usize, usize)>,
    /// Each paragraph's distinct content words, sorted key numbers (see
    /// `Keys`; numbered afresh by each `align`), for `joins`.
    a_content: Vec<Vec<u32>>,
    b_content: Vec<Vec<u32>>,
}

/// Every unit's loose key as a number (equal keys, equal numbers), so that
/// paragraphs hash and compare as lists of integers rather than of strings.
struct Keys {
    a: Vec<Vec<u32>>,
    b: Vec<Vec<u32>>,
    /// How many distinct keys the two texts have.
    count: usize,
}

impl Keys {
    fn new<'u>(a: &'u [Vec<Unit>], b: &'u [Vec<Unit>]) -> Keys {
        let mut ids: HashMap<&'u str, u32> = HashMap::default();
        let mut number = |us: &'u [Unit]| -> Vec<u32> {
            us.iter()
                .map(|u| {
                    let next = ids.len() as u32;
                    *ids.entry(u.loose.as_str()).or_insert(next)
                })
                .collect()
        };
        let a: Vec<Vec<u32>> = a.iter().map(|us| number(us)).collect();
        let b: Vec<Vec<u32>> = b.iter().map(|us| number(us)).collect();
        Keys {
            a,
            b,
            count: ids.len(),
        }
    }
}

/// The distinct content words of a paragraph (loose keys, stopwords
/// dropped), as sorted key numbers (`Keys`).
fn content_keys(us: &[Unit], keys: &[u32]) -> Vec<u32> {
    let mut out: Vec<u32> = us
        .iter()
        .zip(keys)
        .filter(|(u, _)| u.content)
        .map(|(_, &k)| k)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Pair paragraphs: similarity is the Dice coefficient of content-word sets
/// (identical paragraphs score 1 even when they have none). The in-order
/// pairing maximizes the summed similarity (dynamic programming, like an
/// LCS); paragraphs left over pair greedily, best first, as moved.
pub(super) fn align(a: &[Vec<Unit>], b: &[Vec<Unit>], opts: &DiffOptions) -> Alignment {
    let (n, m) = (a.len(), b.len());
    let keys = Keys::new(a, b);
    let ca: Vec<Vec<u32>> = a
        .iter()
        .zip(&keys.a)
        .map(|(us, k)| content_keys(us, k))
        .collect();
    let cb: Vec<Vec<u32>> = b
        .iter()
        .zip(&keys.b)
        .map(|(us, k)| content_keys(us, k))
        .collect();
    // Sparse similarity through an inverted index of B's content words.
    let mut postings: Vec<Vec<u32>> = vec![Vec::new(); keys.count];
    for (j, words) in cb.iter().enumerate() {
        for &w in words {
            postings[w as usize].push(j as u32);
        }
    }
    let mut exact: HashMap<&[u32], Vec<usize>> = HashMap::default();
    for (j, key) in keys.b.iter().enumerate() {
        exact.entry(key.as_slice()).or_default().push(j);
    }
    // Identical twins (the k-th copy in A with the k-th in B) pair only with
    // each other, in order or as moved: a paragraph that B has word for word
    // is never shown as a rewording of another one.
    let mut a_twin: Vec<Option<usize>> = vec![None; n];
    let mut b_twin: Vec<Option<usize>> = vec![None; m];
    let mut taken: HashMap<&[u32], usize> = HashMap::default();
    for (i, key) in keys.a.iter().enumerate() {
        if let Some(js) = exact.get(key.as_slice()) {
            let k = taken.entry(key.as_slice()).or_default();
            if let Some(&j) = js.get(*k) {
                a_twin[i] = Some(j);
                b_twin[j] = Some(i);
                *k += 1;
            }
        }
    }
    // Each row's similar paragraphs of B, (j, Dice), 1 for identical ones.
    // Only pairs similar enough for either threshold are kept: the rest
    // could pair neither in order nor as moved.
    let least = opts.align_threshold.min(opts.move_threshold);
    let mut shared = vec![0u32; m];
    let mut exact_in_row = vec![usize::MAX; m];
    let mut touched: Vec<u32> = Vec::new();
    let mut sim: Vec<Vec<(u32, f64)>> = Vec::with_capacity(n);
    for (i, words) in ca.iter().enumerate() {
        let mut row: Vec<(u32, f64)> = Vec::new();
        touched.clear();
        for &w in words {
            for &j in &postings[w as usize] {
                if shared[j as usize] == 0 {
                    touched.push(j);
                }
                shared[j as usize] += 1;
            }
        }
        for &j in exact.get(keys.a[i].as_slice()).into_iter().flatten() {
            if shared[j] == 0 {
                row.push((j as u32, 1.0));
            } else {
                exact_in_row[j] = i;
            }
        }
        for &j in &touched {
            let s = std::mem::take(&mut shared[j as usize]);
            let v = if exact_in_row[j as usize] == i {
                1.0
            } else {
                2.0 * s as f64 / (words.len() + cb[j as usize].len()) as f64
            };
            if v >= least {
                row.push((j, v));
            }
        }
        sim.push(row);
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
                .filter(|&&(j, v)| {
                    v >= opts.align_threshold
                        && match a_twin[i] {
                            Some(t) => t == j as usize,
                            None => b_twin[j as usize].is_none(),
                        }
                })
                .map(|&(j, v)| (j as usize, score(v)))
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
        for &(j, v) in row {
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
    Alignment {
        aligned,
        moved,
        a_content: ca,
        b_content: cb,
    }
}

/// Paragraphs to join to the one before them: a paragraph that pairs with
/// nothing, next to one that pairs with a paragraph of the other text which
/// also holds most of its content words (the other version split it).
/// Returns, for A and for B, the indices `k` to join with `k - 1`.
pub(super) fn joins(
    al: &Alignment,
    pa: &[Paragraph],
    pb: &[Paragraph],
) -> (Vec<usize>, Vec<usize>) {
    let mut a_partner: Vec<Option<usize>> = vec![None; pa.len()];
    let mut b_partner: Vec<Option<usize>> = vec![None; pb.len()];
    for &(i, j) in al.aligned.iter().chain(&al.moved) {
        a_partner[i] = Some(j);
        b_partner[j] = Some(i);
    }
    let has = |words: &[u32], w: u32| words.binary_search(&w).is_ok();
    let side = |xs: &[Vec<u32>],
                ys: &[Vec<u32>],
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
                        .filter(|&&w| has(&ys[y], w) && !has(&xs[nb], w))
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
        side(&al.a_content, &al.b_content, &a_partner, pa),
        side(&al.b_content, &al.a_content, &b_partner, pb),
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
