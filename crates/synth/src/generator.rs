//! The streaming generator: bases drawn from the pool, families of variants
//! planted among them with their ground-truth pairs, filler once the real
//! bases run out.

use super::dedupe::{assemble, dedupe, DroppedCopy};
use super::edits::{make_variant_with, Reword, OUTLETS};
use super::filler::{ExtraPool, Filler};
use super::model::{kind_of, BaseArticle, Edit, PairKind, SynthDoc, TruePair};
use super::reuters::{reuters_stories, sample_articles};
use super::rng::Rng;
use std::path::Path;

/// Settings of [`Generator`].
#[derive(Debug, Clone)]
pub struct Config {
    pub seed: u64,
    /// Share of documents that are variants of an earlier base.
    pub variant_share: f64,
    /// Variants copy one of this many most recent bases.
    pub window: usize,
    /// Bases are news length: `min_len..=max_len` bytes (Reuters stories are
    /// glued to reach it; filler is written to it).
    pub min_len: usize,
    pub max_len: usize,
    /// Share of deduplicated stories kept back as the source of `Added`
    /// paragraphs.
    pub reserve_share: f64,
    /// Strength of the `Reworded` edit.
    pub reword: Reword,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            seed: 1,
            variant_share: 0.3,
            window: 1000,
            min_len: 2000,
            max_len: 8000,
            reserve_share: 0.05,
            reword: Reword::default(),
        }
    }
}

/// One generated document with its provenance and the true pairs it closes
/// (with every earlier document of its family).
#[derive(Debug, Clone)]
pub struct Generated {
    pub doc: SynthDoc,
    /// Id of the base document of its family (its own id for a base).
    pub base: String,
    pub topic: String,
    /// Empty for a base; `filler` bases are not real text.
    pub edits: Vec<Edit>,
    pub is_filler: bool,
    pub truth: Vec<TruePair>,
}

struct Family {
    base: BaseArticle,
    /// (document id, edits) of the base (empty edits) and its variants.
    members: Vec<(String, Vec<Edit>)>,
}

/// Streams documents: bases from the pool in order (then filler), and with
/// probability `variant_share` a variant of a recent base instead.
pub struct Generator {
    config: Config,
    rng: Rng,
    bases: std::vec::IntoIter<BaseArticle>,
    extra: ExtraPool,
    filler: Option<Filler>,
    recent: std::collections::VecDeque<Family>,
    next: usize,
    /// Real (non-filler) bases handed out so far.
    pub real_bases: usize,
    pub filler_bases: usize,
}

/// A pool of real text ready for [`Generator::new`]: deduplicated bases (in
/// random order), reserved paragraphs and what dedupe dropped.
#[derive(Debug, Clone)]
pub struct Pool {
    pub bases: Vec<BaseArticle>,
    pub reserve: Vec<String>,
    pub dropped: Vec<DroppedCopy>,
    pub filler: Option<Filler>,
}

impl Pool {
    /// Deduplicate `stories`, keep `reserve_share` of them for added
    /// paragraphs, glue the rest into bases of `min_len..=max_len` bytes
    /// (`assemble`; `glue = false` keeps one story per base), shuffle.
    pub fn build(stories: Vec<BaseArticle>, config: &Config, glue: bool) -> Pool {
        let mut rng = Rng::new(config.seed ^ 0xB45E);
        let filler = Filler::new(&stories);
        let (kept, dropped) = dedupe(stories, 0.1);
        let mut reserve = Vec::new();
        let mut rest = Vec::new();
        for s in kept {
            if rng.chance(config.reserve_share) {
                reserve.extend(s.paragraphs);
            } else {
                rest.push(s);
            }
        }
        let mut bases = if glue {
            assemble(rest, config.min_len, config.max_len, &mut rng)
        } else {
            rest
        };
        rng.shuffle(&mut bases);
        rng.shuffle(&mut reserve);
        Pool {
            bases,
            reserve,
            dropped,
            filler,
        }
    }

    /// The pool from Reuters-21578 in `dir` (None when absent): stories of
    /// at least 300 bytes, glued to news length.
    pub fn reuters(dir: &Path, config: &Config) -> std::io::Result<Option<Pool>> {
        Ok(reuters_stories(dir, 300)?.map(|s| Pool::build(s, config, true)))
    }

    /// The pool from the `.txt` articles in `dir` (each one base).
    pub fn samples(dir: &Path, config: &Config) -> std::io::Result<Pool> {
        let stories = sample_articles(dir, "russia-military")?;
        Ok(Pool::build(
            stories,
            &Config {
                reserve_share: 0.0,
                ..config.clone()
            },
            false,
        ))
    }
}

impl Generator {
    pub fn new(pool: Pool, config: Config) -> Generator {
        let rng = Rng::new(config.seed);
        Generator {
            rng,
            bases: pool.bases.into_iter(),
            extra: ExtraPool::new(pool.reserve, pool.filler.clone()),
            filler: pool.filler,
            recent: std::collections::VecDeque::new(),
            next: 0,
            real_bases: 0,
            filler_bases: 0,
            config,
        }
    }

    fn next_base(&mut self, id: &str) -> Option<(BaseArticle, bool)> {
        if let Some(b) = self.bases.next() {
            self.real_bases += 1;
            return Some((b, false));
        }
        let f = self.filler.as_ref()?;
        let len = self.rng.range(self.config.min_len, self.config.max_len);
        let day = self.next % 28 + 1;
        let date = format!("2026-11-{day:02}T{:02}:00:00Z", self.next % 24);
        self.filler_bases += 1;
        Some((f.article(id.to_string(), date, len, &mut self.rng), true))
    }
}

/// `date` moved later by `minutes` within its day (ISO 8601 with time).
pub(super) fn later(date: &str, minutes: usize) -> String {
    let parse = || -> Option<String> {
        let (day, time) = date.split_once('T')?;
        let h: usize = time.get(0..2)?.parse().ok()?;
        let m: usize = time.get(3..5)?.parse().ok()?;
        let total = (h * 60 + m + minutes).min(23 * 60 + 59);
        Some(format!(
            "{day}T{:02}:{:02}{}",
            total / 60,
            total % 60,
            time.get(5..).unwrap_or("Z")
        ))
    };
    parse().unwrap_or_else(|| date.to_string())
}

impl Iterator for Generator {
    type Item = Generated;

    fn next(&mut self) -> Option<Generated> {
        let id = format!("doc{}", self.next);
        let make_variant_now =
            !self.recent.is_empty() && self.rng.chance(self.config.variant_share);
        let out = if make_variant_now {
            let k = self.rng.below(self.recent.len());
            let fam = &mut self.recent[k];
            let v = make_variant_with(
                &fam.base,
                &mut self.extra,
                &mut self.rng,
                self.config.reword,
            );
            let base_id = fam.members[0].0.clone();
            let truth = fam
                .members
                .iter()
                .map(|(other, other_edits)| TruePair {
                    a: other.clone(),
                    b: id.clone(),
                    kind: if other_edits.is_empty() {
                        kind_of(&v.edits)
                    } else {
                        PairKind::Sibling
                    },
                })
                .collect();
            fam.members.push((id.clone(), v.edits.clone()));
            let date = later(&fam.base.date, self.rng.range(5, 600));
            Generated {
                doc: SynthDoc {
                    id,
                    title: v.title,
                    source: OUTLETS[self.rng.below(OUTLETS.len())].to_string(),
                    date,
                    text: v.text,
                },
                base: base_id,
                topic: fam.base.topic.clone(),
                edits: v.edits,
                is_filler: fam.base.topic.starts_with("filler-"),
                truth,
            }
        } else {
            let (base, is_filler) = self.next_base(&id)?;
            let g = Generated {
                doc: SynthDoc {
                    id: id.clone(),
                    title: base.title.clone(),
                    source: if is_filler { "filler" } else { "wire" }.to_string(),
                    date: base.date.clone(),
                    text: base.text(),
                },
                base: id.clone(),
                topic: base.topic.clone(),
                edits: vec![],
                is_filler,
                truth: vec![],
            };
            self.recent.push_back(Family {
                base,
                members: vec![(id, vec![])],
            });
            if self.recent.len() > self.config.window.max(1) {
                self.recent.pop_front();
            }
            g
        };
        self.next += 1;
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::article;

    #[test]
    fn generator_streams_families_with_truth() {
        let stories: Vec<BaseArticle> = (0..40)
            .map(|i| BaseArticle {
                id: format!("s{i}"),
                paragraphs: (0..6)
                    .map(|j| {
                        format!(
                            "Story {i} paragraph {j} word{} word{} word{}.",
                            i * 7 + j,
                            i * 11 + j,
                            i * 13 + j
                        )
                    })
                    .collect(),
                ..article("x", "t", 0)
            })
            .collect();
        let config = Config {
            variant_share: 0.5,
            reserve_share: 0.0,
            ..Config::default()
        };
        let pool = Pool::build(stories, &config, false);
        let docs: Vec<Generated> = Generator::new(pool, config).take(100).collect();
        assert_eq!(docs.len(), 100);
        let variants = docs.iter().filter(|d| !d.edits.is_empty()).count();
        assert!(variants > 30 && variants < 70, "{variants}");
        for d in &docs {
            // Each variant pairs with every earlier member of its family.
            let family = docs
                .iter()
                .take_while(|o| o.doc.id != d.doc.id)
                .filter(|o| o.base == d.base)
                .count();
            assert_eq!(d.truth.len(), family);
        }
        assert!(docs.iter().any(|d| d.is_filler), "filler after 40 bases");
    }
}
