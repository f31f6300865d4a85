//! The accuracy development set: single Reuters-21578 stories, each with at
//! most one variant at a known edit level (light to paraphrase, or partial),
//! and same-event negatives: distinct stories sharing a company or an event.

use super::paraphrase::{paraphrase, partial, Strength};
use super::reuters::for_each_reuters_record;
use super::script::Script;
use super::{
    between, decode_entities, make_variant_with, reuters_stories, reword, BaseArticle, Config,
    Edit, ExtraPool, Pool, Reword, Rng, SynthDoc,
};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// How a variant was made from its base, mildest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    /// Today's syndication edits ([`make_variant_with`], default rewording).
    Light,
    /// Syndication edits on a base reworded with swap 0.6, drop 0.15.
    Heavy,
    /// Every table word swapped, 30% of sentences dropped, sentences
    /// reordered, then syndication edits.
    Harsh,
    /// [`paraphrase`]: 30-50% of content words, restructured sentences.
    Paraphrase,
    /// [`partial`]: part of the story, lightly paraphrased, in new text.
    Partial,
}

impl Level {
    pub const ALL: [Level; 5] = [
        Level::Light,
        Level::Heavy,
        Level::Harsh,
        Level::Paraphrase,
        Level::Partial,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Light => "light",
            Level::Heavy => "heavy",
            Level::Harsh => "harsh",
            Level::Paraphrase => "paraphrase",
            Level::Partial => "partial",
        }
    }
}

/// Reuters' labels of one story, for finding same-event stories.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tags {
    pub topics: Vec<String>,
    pub places: Vec<String>,
    pub orgs: Vec<String>,
    /// Ticker symbols in the headline (`<GM>` in `GENERAL MOTORS <GM> ...`).
    pub tickers: Vec<String>,
}

fn tag_list(chunk: &str, tag: &str) -> Vec<String> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    between(chunk, &open, &close)
        .map(|t| {
            t.split("<D>")
                .filter_map(|d| d.split("</D>").next())
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

/// The tags of every Reuters-21578 story, by the ids `reuters_stories` gives
/// (`reut-NEWID`). `Ok(None)` when `dir` does not exist.
pub fn reuters_tags(dir: &Path) -> std::io::Result<Option<HashMap<String, Tags>>> {
    let mut out = HashMap::new();
    let found = for_each_reuters_record(dir, |chunk| {
        let Some(id) = between(chunk, "NEWID=\"", "\"") else {
            return;
        };
        let title = between(chunk, "<TITLE>", "</TITLE>")
            .map(decode_entities)
            .unwrap_or_default();
        let tickers = title
            .split('<')
            .skip(1)
            .filter_map(|t| t.split('>').next())
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect();
        out.insert(
            format!("reut-{id}"),
            Tags {
                topics: tag_list(chunk, "TOPICS"),
                places: tag_list(chunk, "PLACES"),
                orgs: tag_list(chunk, "ORGS"),
                tickers,
            },
        );
    })?;
    Ok(found.then_some(out))
}

/// What makes two stories "about the same thing": the same headline ticker
/// (one company), the same organization (OPEC, the Fed...), or the same
/// commodity or event topic in the same place on the same day.
pub fn event_keys(tags: &Tags, date: &str) -> Vec<String> {
    let mut keys: Vec<String> = tags.tickers.iter().map(|t| format!("ticker:{t}")).collect();
    keys.extend(tags.orgs.iter().map(|o| format!("org:{o}")));
    let day = date.get(..10).unwrap_or("");
    if let Some(place) = tags.places.first() {
        for t in tags.topics.iter().filter(|t| *t != "earn" && *t != "acq") {
            keys.push(format!("event:{t}:{place}:{day}"));
        }
    }
    keys
}

/// One document of the development set.
#[derive(Debug, Clone)]
pub struct DevDoc {
    pub doc: SynthDoc,
    /// Index of the base story its family derives from.
    pub family: usize,
    /// None for a base story.
    pub level: Option<Level>,
    /// Share of content words a paraphrase replaced (0 for other levels).
    pub synonym_share: f64,
}

/// The development set: documents, and pairs of base families (`a < b`)
/// whose stories are distinct but about the same company or event.
#[derive(Debug, Clone)]
pub struct DevSet {
    pub docs: Vec<DevDoc>,
    pub same_event: Vec<(usize, usize)>,
}

/// Settings of [`DevSet::reuters`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DevConfig {
    pub seed: u64,
    /// Base stories (at most; Reuters has about 8,000 long enough).
    pub bases: usize,
    /// Share of bases given a variant (levels in turn).
    pub variant_share: f64,
    /// Shortest story used, in bytes.
    pub min_len: usize,
}

impl Default for DevConfig {
    fn default() -> DevConfig {
        DevConfig {
            seed: 35,
            bases: 2500,
            variant_share: 0.6,
            min_len: 600,
        }
    }
}

/// An outlet's variant of `base` at `level`.
fn variant(
    base: &BaseArticle,
    level: Level,
    extra: &mut ExtraPool,
    rng: &mut Rng,
) -> (String, Vec<String>, f64) {
    let mut edited = base.clone();
    match level {
        Level::Light => {}
        Level::Heavy => reword(&mut edited.paragraphs, 0.6, 0.15, rng),
        Level::Harsh => {
            reword(&mut edited.paragraphs, 1.0, 0.3, rng);
            let mut sents: Vec<String> = edited
                .paragraphs
                .iter()
                .flat_map(|p| super::paraphrase::sentences(p))
                .collect();
            for i in 1..sents.len().saturating_sub(1) {
                if rng.chance(0.3) {
                    sents.swap(i, i + 1);
                }
            }
            edited.paragraphs = sents.chunks(2).map(|c| c.join(" ")).collect();
        }
        Level::Paraphrase => {
            let strength = Strength::paraphrase(rng);
            let r = paraphrase(&base.paragraphs, strength, rng);
            return (base.title.clone(), r.paragraphs, r.synonym_share);
        }
        Level::Partial => {
            let r = partial(&base.paragraphs, extra, rng);
            return (String::new(), r.paragraphs, r.synonym_share);
        }
    }
    let v = make_variant_with(&edited, extra, rng, Reword::default());
    // Exact reprints are not what a heavier level tests: keep the edited text.
    let text = if v.edits == [Edit::Exact] && level != Level::Light {
        edited.text()
    } else {
        v.text
    };
    (v.title, vec![text], 0.0)
}

const OUTLETS: &[&str] = &[
    "Daily Courier",
    "Metro Herald",
    "The Morning Ledger",
    "Yahoo News",
];

impl DevSet {
    /// The same set with every title and text written in `script`.
    pub fn in_script(mut self, script: Script) -> DevSet {
        for d in &mut self.docs {
            d.doc.title = script.write(&d.doc.title);
            d.doc.text = script.write(&d.doc.text);
        }
        self
    }

    /// Build the set from Reuters-21578 in `dir` (None when absent): stories
    /// of at least `min_len` bytes, deduplicated (`Pool::build`), those with
    /// a same-event partner first, then the rest; variants dated later.
    pub fn reuters(dir: &Path, config: DevConfig) -> std::io::Result<Option<DevSet>> {
        let Some(tags) = reuters_tags(dir)? else {
            return Ok(None);
        };
        let Some(stories) = reuters_stories(dir, config.min_len)? else {
            return Ok(None);
        };
        let pool = Pool::build(
            stories,
            &Config {
                seed: config.seed,
                ..Config::default()
            },
            false,
        );
        let mut rng = Rng::new(config.seed);
        let keys_of = |b: &BaseArticle| {
            tags.get(&b.id)
                .map(|t| event_keys(t, &b.date))
                .unwrap_or_default()
        };
        let mut key_count: HashMap<String, usize> = HashMap::new();
        for b in &pool.bases {
            for k in keys_of(b) {
                *key_count.entry(k).or_default() += 1;
            }
        }
        // Bases with a same-event partner in the pool come first.
        let (mut bases, rest): (Vec<BaseArticle>, Vec<BaseArticle>) = pool
            .bases
            .into_iter()
            .partition(|b| keys_of(b).iter().any(|k| key_count[k] >= 2));
        bases.extend(rest);
        bases.truncate(config.bases);
        rng.shuffle(&mut bases);

        let mut by_key: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, b) in bases.iter().enumerate() {
            for k in keys_of(b) {
                by_key.entry(k).or_default().push(i);
            }
        }
        let mut same_event: Vec<(usize, usize)> = by_key
            .values()
            .flat_map(|fam| {
                fam.iter().enumerate().flat_map(move |(i, &x)| {
                    fam[i + 1..].iter().map(move |&y| (x.min(y), x.max(y)))
                })
            })
            .collect();
        same_event.sort_unstable();
        same_event.dedup();

        let mut extra = ExtraPool::new(pool.reserve, pool.filler);
        let mut docs = Vec::new();
        let mut n_variants = 0usize;
        for (family, base) in bases.iter().enumerate() {
            docs.push(DevDoc {
                doc: SynthDoc {
                    id: base.id.clone(),
                    title: base.title.clone(),
                    source: "Reuters".into(),
                    date: base.date.clone(),
                    text: base.text(),
                },
                family,
                level: None,
                synonym_share: 0.0,
            });
            if !rng.chance(config.variant_share) {
                continue;
            }
            let level = Level::ALL[n_variants % Level::ALL.len()];
            n_variants += 1;
            let (title, paragraphs, synonym_share) = variant(base, level, &mut extra, &mut rng);
            docs.push(DevDoc {
                doc: SynthDoc {
                    id: format!("{}-{}", base.id, level.as_str()),
                    title,
                    source: rng.pick(OUTLETS).to_string(),
                    date: super::later(&base.date, rng.range(20, 600)),
                    text: paragraphs.join("\n\n"),
                },
                family,
                level: Some(level),
                synonym_share,
            });
        }
        Ok(Some(DevSet { docs, same_event }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_keys_name_tickers_orgs_and_dated_events() {
        let tags = Tags {
            topics: vec!["crude".into(), "earn".into()],
            places: vec!["usa".into(), "uk".into()],
            orgs: vec!["opec".into()],
            tickers: vec!["XON".into()],
        };
        assert_eq!(
            event_keys(&tags, "1987-03-02T10:00:00Z"),
            vec!["ticker:XON", "org:opec", "event:crude:usa:1987-03-02"]
        );
        assert!(event_keys(&Tags::default(), "1987-03-02").is_empty());
    }

    #[test]
    fn tag_lists_parse_reuters_sgml() {
        let chunk = "<TOPICS><D>grain</D><D>wheat</D></TOPICS><PLACES></PLACES>";
        assert_eq!(tag_list(chunk, "TOPICS"), vec!["grain", "wheat"]);
        assert!(tag_list(chunk, "PLACES").is_empty());
        assert!(tag_list(chunk, "ORGS").is_empty());
    }
}
