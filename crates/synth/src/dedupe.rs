//! Deduplicating the base pool: Reuters' own near-copies (corrections,
//! repeats, templated reports) dropped before any base is built, and short
//! stories of one topic assembled into bases of a useful length.

use super::model::BaseArticle;
use super::rng::Rng;
use std::collections::HashMap;
use xxhash_rust::xxh3::xxh3_64;

fn words_lower(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Hashes of the word 5-grams of `text` (lowercased, punctuation dropped).
fn word_grams(text: &str) -> Vec<u64> {
    let w: Vec<u64> = words_lower(text)
        .iter()
        .map(|w| xxh3_64(w.as_bytes()))
        .collect();
    let mut g: Vec<u64> = w
        .windows(5)
        .map(|win| {
            win.iter().fold(0u64, |h, &x| {
                (h.rotate_left(23) ^ x).wrapping_mul(0x9E37_79B9_7F4A_7C15)
            })
        })
        .collect();
    g.sort_unstable();
    g.dedup();
    g
}

/// What [`dedupe`] removed.
#[derive(Debug, Clone, PartialEq)]
pub struct DroppedCopy {
    pub id: String,
    /// The earlier kept article it copies.
    pub copy_of: String,
    /// Share of its word 5-grams found in that article.
    pub overlap: f64,
}

/// Drop every article that shares at least `max_overlap` of its word
/// 5-grams (or of the other's, whichever is smaller: containment either way)
/// with an earlier kept article, or at least 25 word 5-grams (about two
/// sentences). This is independent of reprint's own fingerprints (words, not
/// characters) and stricter than its defaults, so kept bases are genuinely
/// different text. Returns the kept articles and what was dropped.
pub fn dedupe(
    articles: Vec<BaseArticle>,
    max_overlap: f64,
) -> (Vec<BaseArticle>, Vec<DroppedCopy>) {
    let mut index: HashMap<u64, u32> = HashMap::new();
    let mut sizes: Vec<usize> = Vec::new();
    let mut kept_ids: Vec<String> = Vec::new();
    let mut kept = Vec::new();
    let mut dropped = Vec::new();
    let mut counts: HashMap<u32, usize> = HashMap::new();
    for a in articles {
        let grams = word_grams(&a.text());
        counts.clear();
        for g in &grams {
            if let Some(&k) = index.get(g) {
                *counts.entry(k).or_default() += 1;
            }
        }
        let worst = counts
            .iter()
            .map(|(&k, &n)| {
                let smaller = grams.len().min(sizes[k as usize]).max(1);
                (k, n, n as f64 / smaller as f64)
            })
            .max_by(|x, y| x.2.total_cmp(&y.2).then(y.0.cmp(&x.0)));
        if let Some((k, n, share)) = worst {
            if share >= max_overlap || n >= 25 {
                dropped.push(DroppedCopy {
                    id: a.id,
                    copy_of: kept_ids[k as usize].clone(),
                    overlap: share,
                });
                continue;
            }
        }
        let k = sizes.len() as u32;
        for g in grams.iter() {
            index.entry(*g).or_insert(k);
        }
        sizes.push(grams.len());
        kept_ids.push(a.id.clone());
        kept.push(a);
    }
    (kept, dropped)
}

/// Glue consecutive stories of one topic into news-length bases: each base
/// is at least `min_len` bytes (a random target in `min_len..=max_len`);
/// stories are used once, in order; a topic's leftover shorter than
/// `min_len` is dropped. The id is that of the first story, `+N` when more.
pub fn assemble(
    stories: Vec<BaseArticle>,
    min_len: usize,
    max_len: usize,
    rng: &mut Rng,
) -> Vec<BaseArticle> {
    let mut open: HashMap<String, (BaseArticle, usize, usize)> = HashMap::new();
    let mut out = Vec::new();
    for s in stories {
        let slen = s.len();
        match open.get_mut(&s.topic) {
            Some((cur, n, target)) => {
                cur.paragraphs.extend(s.paragraphs);
                *n += 1;
                if cur.len() >= *target {
                    if let Some((mut done, n, _)) = open.remove(&s.topic) {
                        done.id = format!("{}+{}", done.id, n - 1);
                        out.push(done);
                    }
                }
            }
            None => {
                let target = rng.range(min_len, max_len);
                if slen >= target {
                    // Long stories are cut to news length at a paragraph.
                    let mut s = s;
                    let mut size = 0;
                    let keep = s
                        .paragraphs
                        .iter()
                        .take_while(|p| {
                            size += p.len() + 2;
                            size <= max_len
                        })
                        .count();
                    s.paragraphs.truncate(keep.max(1));
                    out.push(s);
                } else {
                    open.insert(s.topic.clone(), (s, 1, target));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::article;

    #[test]
    fn dedupe_drops_near_copies_only() {
        let a = article("a", "crude", 5);
        let mut copy = a.clone();
        copy.id = "copy".into();
        copy.paragraphs.truncate(3);
        let other = BaseArticle {
            id: "other".into(),
            paragraphs: vec!["Completely different words about wheat harvests in Kansas \
                              and the weather this spring season."
                .into()],
            ..a.clone()
        };
        let (kept, dropped) = dedupe(vec![a, copy, other], 0.1);
        let ids: Vec<&str> = kept.iter().map(|k| k.id.as_str()).collect();
        assert_eq!(ids, ["a", "other"]);
        assert_eq!(dropped[0].copy_of, "a");
    }

    #[test]
    fn assemble_glues_one_topic_to_length() {
        let stories: Vec<BaseArticle> = (0..10)
            .map(|i| article(&format!("s{i}"), if i % 2 == 0 { "x" } else { "y" }, 2))
            .collect();
        let one = stories[0].len();
        let bases = assemble(stories, one * 2, one * 2, &mut Rng::new(1));
        assert_eq!(bases.len(), 4, "two per topic, leftovers dropped");
        assert!(bases.iter().all(|b| b.len() >= one * 2));
        assert!(bases[0].id.contains('+'));
    }
}
