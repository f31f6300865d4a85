//! Deterministic generator of news corpora with planted syndicated variants
//! and ground truth, built on real text (Reuters-21578 or `samples/`), for
//! accuracy tests and benchmarks (`examples/gen_corpus.rs`).
//!
//! Ground truth is "derived from the same base article": every variant is a
//! true pair with its base and with every other variant of that base. Variants
//! are built so that all of them stay detectable by text reuse (each keeps at
//! least half of the base's paragraphs and rewording changes at most a few
//! percent of the words), so recall is measured on all of those pairs.
//! Reuters has its own near-duplicate stories (corrections, repeats,
//! templated reports); they are removed from the base pool before any base is
//! built (see [`dedupe`]), so a pair of different bases is a true negative.
//! Bases of one Reuters topic are the same-topic negatives.

pub mod devset;
pub mod paraphrase;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use xxhash_rust::xxh3::xxh3_64;

/// SplitMix64: a tiny deterministic PRNG, so no dependency and the same
/// seed gives the same corpus on every platform.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5EED_5EED_5EED_5EED)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when n is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi.saturating_sub(lo) + 1)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// A random element (`items` must not be empty).
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// A base article: real text in paragraphs, with its topic (the Reuters
/// TOPICS tag, or a label for samples; empty when unknown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseArticle {
    pub id: String,
    pub title: String,
    /// ISO 8601 (`1987-02-26T15:01:01Z`).
    pub date: String,
    pub topic: String,
    pub paragraphs: Vec<String>,
}

impl BaseArticle {
    pub fn text(&self) -> String {
        self.paragraphs.join("\n\n")
    }

    pub fn len(&self) -> usize {
        self.paragraphs.iter().map(|p| p.len() + 2).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.paragraphs.is_empty()
    }
}

/// Where base text comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Reuters,
    Samples,
}

/// A generated document, as written to JSONL.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SynthDoc {
    pub id: String,
    pub title: String,
    pub source: String,
    pub date: String,
    pub text: String,
}

/// The relation a true pair is expected to have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PairKind {
    /// An exact copy (only case, spacing and line breaks differ).
    Exact,
    /// Cosmetic edits only: spelling, glued words, captions, headline,
    /// boilerplate, reordered paragraphs.
    Near,
    /// Trimmed or padded: one is mostly inside the other.
    Contained,
    /// Reworded (synonyms, dropped sentences), possibly with other edits.
    Rewrite,
    /// Two variants of one base.
    Sibling,
}

impl PairKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PairKind::Exact => "exact",
            PairKind::Near => "near",
            PairKind::Contained => "contained",
            PairKind::Rewrite => "rewrite",
            PairKind::Sibling => "sibling",
        }
    }
}

impl fmt::Display for PairKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A ground-truth pair of document ids (`a` was written first).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TruePair {
    pub a: String,
    pub b: String,
    pub kind: PairKind,
}

/// One edit an aggregator makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Edit {
    Exact,
    UsToUk,
    UkToUs,
    Glued,
    Caption,
    Headline,
    Trimmed,
    Added,
    Reordered,
    Boilerplate,
    Reworded,
}

impl Edit {
    pub const ALL: [Edit; 11] = [
        Edit::Exact,
        Edit::UsToUk,
        Edit::UkToUs,
        Edit::Glued,
        Edit::Caption,
        Edit::Headline,
        Edit::Trimmed,
        Edit::Added,
        Edit::Reordered,
        Edit::Boilerplate,
        Edit::Reworded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Edit::Exact => "exact",
            Edit::UsToUk => "us-to-uk",
            Edit::UkToUs => "uk-to-us",
            Edit::Glued => "glued",
            Edit::Caption => "caption",
            Edit::Headline => "headline",
            Edit::Trimmed => "trimmed",
            Edit::Added => "added",
            Edit::Reordered => "reordered",
            Edit::Boilerplate => "boilerplate",
            Edit::Reworded => "reworded",
        }
    }
}

/// The pair kind a variant with these edits is expected to have with its base.
pub fn kind_of(edits: &[Edit]) -> PairKind {
    if edits.contains(&Edit::Exact) {
        PairKind::Exact
    } else if edits.contains(&Edit::Reworded) {
        PairKind::Rewrite
    } else if edits.contains(&Edit::Trimmed) || edits.contains(&Edit::Added) {
        PairKind::Contained
    } else {
        PairKind::Near
    }
}

// ---------------------------------------------------------------------------
// Reading base text

fn between<'a>(s: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let a = s.find(open)? + open.len();
    let b = s[a..].find(close)? + a;
    Some(&s[a..b])
}

/// Decode the SGML entities Reuters-21578 uses (`&lt;`, `&amp;`, `&#3;`...);
/// control characters from numeric entities are dropped.
pub fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let end = tail.find(';').filter(|&e| e <= 8);
        let decoded = end.and_then(|e| {
            let name = &tail[1..e];
            let c = match name {
                "lt" => Some('<'),
                "gt" => Some('>'),
                "amp" => Some('&'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => name
                    .strip_prefix('#')
                    .and_then(|n| n.parse::<u32>().ok())
                    .and_then(char::from_u32)
                    .map(|c| if c.is_control() { '\0' } else { c }),
            }?;
            Some((c, e + 1))
        });
        match decoded {
            Some((c, used)) => {
                if c != '\0' {
                    out.push(c);
                }
                rest = &tail[used..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];

/// `26-FEB-1987 15:01:01.79` -> `1987-02-26T15:01:01Z` (None if malformed).
fn reuters_date(s: &str) -> Option<String> {
    let s = s.trim();
    let (day, rest) = s.split_once('-')?;
    let (mon, rest) = rest.split_once('-')?;
    let (year, time) = rest.split_once(' ')?;
    let m = MONTHS.iter().position(|x| x.eq_ignore_ascii_case(mon))? + 1;
    let time = time.trim().get(..8)?;
    Some(format!(
        "{}-{m:02}-{:02}T{time}Z",
        year,
        day.trim().parse::<u32>().ok()?
    ))
}

/// One Reuters-21578 SGML record with a body, as a base article (one story).
fn parse_reuters_record(chunk: &str) -> Option<BaseArticle> {
    let body = between(chunk, "<BODY>", "</BODY>")?;
    let id = between(chunk, "NEWID=\"", "\"")?;
    let topic = between(chunk, "<TOPICS>", "</TOPICS>")
        .and_then(|t| between(t, "<D>", "</D>"))
        .unwrap_or("")
        .to_string();
    let title = between(chunk, "<TITLE>", "</TITLE>")
        .map(|t| decode_entities(t).trim().to_string())
        .unwrap_or_default();
    let date = between(chunk, "<DATE>", "</DATE>")
        .and_then(reuters_date)
        .unwrap_or_default();
    let body = decode_entities(body);
    let body = body.trim_end();
    // Bodies end with "Reuter" (any case), sometimes glued to the last line.
    let body = match body.len().checked_sub(6) {
        Some(cut) if body.is_char_boundary(cut) && body[cut..].eq_ignore_ascii_case("reuter") => {
            body[..cut].trim_end()
        }
        _ => body,
    };
    // Paragraphs start with an indented line.
    let paragraphs: Vec<String> = body
        .split("\n    ")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect();
    Some(BaseArticle {
        id: format!("reut-{id}"),
        title,
        date,
        topic,
        paragraphs,
    })
}

/// Every Reuters-21578 story with a body of at least `min_len` bytes, in
/// file order (NEWID order). `Ok(None)` when `dir` does not exist.
pub fn reuters_stories(dir: &Path, min_len: usize) -> std::io::Result<Option<Vec<BaseArticle>>> {
    if !dir.is_dir() {
        return Ok(None);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "sgm"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let raw = std::fs::read(&f)?;
        let text = String::from_utf8_lossy(&raw);
        out.extend(
            text.split("<REUTERS ")
                .skip(1)
                .filter_map(parse_reuters_record)
                .filter(|a| a.len() >= min_len),
        );
    }
    Ok(Some(out))
}

/// The `.txt` articles in `dir` (first non-empty line is the title, blank-line
/// or line separated paragraphs follow), all labelled with `topic`.
pub fn sample_articles(dir: &Path, topic: &str) -> std::io::Result<Vec<BaseArticle>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let raw = std::fs::read(f)?;
        let text = String::from_utf8_lossy(&raw);
        let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
        let title = lines.next().unwrap_or("").to_string();
        let paragraphs: Vec<String> = lines.map(String::from).collect();
        let stem = f
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        out.push(BaseArticle {
            id: stem,
            title,
            date: format!("2023-01-{:02}T08:00:00Z", 10 + i),
            topic: topic.to_string(),
            paragraphs,
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// Deduplicating the base pool

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

// ---------------------------------------------------------------------------
// Edits

/// (US, UK) spellings.
const SPELLINGS: &[(&str, &str)] = &[
    ("defense", "defence"),
    ("offense", "offence"),
    ("center", "centre"),
    ("centers", "centres"),
    ("program", "programme"),
    ("programs", "programmes"),
    ("labor", "labour"),
    ("favor", "favour"),
    ("favorable", "favourable"),
    ("color", "colour"),
    ("honor", "honour"),
    ("harbor", "harbour"),
    ("neighbor", "neighbour"),
    ("behavior", "behaviour"),
    ("gray", "grey"),
    ("traveled", "travelled"),
    ("canceled", "cancelled"),
    ("fueled", "fuelled"),
    ("license", "licence"),
    ("catalog", "catalogue"),
    ("analyze", "analyse"),
    ("paralyze", "paralyse"),
    ("percent", "per cent"),
];

/// Words ending in -ise that are not British -ize words.
const ISE_WORDS: &[&str] = &[
    "rise",
    "rises",
    "wise",
    "otherwise",
    "likewise",
    "precise",
    "concise",
    "exercise",
    "exercised",
    "exercises",
    "advertise",
    "advertised",
    "advertising",
    "compromise",
    "compromised",
    "enterprise",
    "enterprises",
    "surprise",
    "surprised",
    "surprising",
    "promise",
    "promised",
    "premise",
    "premises",
    "franchise",
    "merchandise",
    "expertise",
    "supervise",
    "supervised",
    "televised",
    "revise",
    "revised",
    "devise",
    "devised",
    "disguise",
    "noise",
    "poise",
    "raise",
    "raised",
    "raises",
    "praise",
    "cruise",
    "arise",
    "arisen",
    "demise",
    "despise",
    "chemise",
    "treatise",
    "improvise",
    "comprise",
    "comprised",
    "comprises",
    "incise",
    "excise",
];

/// Change `word` to the other spelling convention, keeping a capital.
fn respell(word: &str, to_uk: bool) -> Option<String> {
    let lower = word.to_lowercase();
    let table = SPELLINGS
        .iter()
        .find(|(us, uk)| lower == if to_uk { *us } else { *uk })
        .map(|(us, uk)| {
            if to_uk {
                uk.to_string()
            } else {
                us.to_string()
            }
        });
    let out = table.or_else(|| {
        let (from, to) = if to_uk { ('z', 's') } else { ('s', 'z') };
        ["ization", "izations", "ized", "izes", "izing", "ize"]
            .iter()
            .map(|s| {
                let f = s.replacen('z', &from.to_string(), 1);
                let t = s.replacen('z', &to.to_string(), 1);
                (f, t)
            })
            .find(|(f, _)| lower.len() > f.len() + 3 && lower.ends_with(f.as_str()))
            .filter(|_| {
                to_uk
                    || !ISE_WORDS
                        .iter()
                        .any(|w| lower.starts_with(&w[..w.len() - 1]))
            })
            .map(|(f, t)| format!("{}{}", &lower[..lower.len() - f.len()], t))
    })?;
    if word.chars().all(|c| !c.is_lowercase()) && word.len() > 1 {
        Some(out.to_uppercase())
    } else if word.starts_with(char::is_uppercase) {
        let mut c = out.chars();
        c.next()
            .map(|f| f.to_uppercase().chain(c).collect::<String>())
    } else {
        Some(out)
    }
}

/// Rewrite spellings to British (`to_uk`) or American conventions.
pub fn localize(text: &str, to_uk: bool) -> String {
    map_words(text, |w| respell(w, to_uk))
}

/// Apply `f` to every alphabetic word of `text`; `None` keeps the word.
fn map_words(text: &str, mut f: impl FnMut(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if c.is_alphabetic() {
            start.get_or_insert(i);
        } else {
            if let Some(s) = start.take() {
                let w = &text[s..i];
                out.push_str(&f(w).unwrap_or_else(|| w.to_string()));
            }
            out.push(c);
        }
    }
    if let Some(s) = start {
        let w = &text[s..];
        out.push_str(&f(w).unwrap_or_else(|| w.to_string()));
    }
    out
}

/// Remove the space between `n` random pairs of adjacent words in the
/// paragraphs, as scrapers do ("ammunitionand").
pub fn glue(paragraphs: &mut [String], n: usize, rng: &mut Rng) {
    for _ in 0..n {
        let i = rng.below(paragraphs.len());
        let Some(p) = paragraphs.get_mut(i) else {
            return;
        };
        let spaces: Vec<usize> = p.match_indices(' ').map(|(i, _)| i).collect();
        if spaces.is_empty() {
            continue;
        }
        let at = spaces[rng.below(spaces.len())];
        p.remove(at);
    }
}

/// Synonyms an editor swaps in, both Reuters' wire abbreviations and
/// ordinary words.
const SYNONYMS: &[(&str, &str)] = &[
    ("said", "stated"),
    ("pct", "percent"),
    ("mln", "million"),
    ("bln", "billion"),
    ("dlrs", "dollars"),
    ("company", "firm"),
    ("rose", "climbed"),
    ("fell", "dropped"),
    ("increase", "rise"),
    ("expected", "forecast"),
    ("about", "around"),
    ("also", "additionally"),
    ("however", "but"),
    ("government", "administration"),
    ("told", "informed"),
    ("major", "big"),
    ("buy", "purchase"),
    ("shares", "stock"),
    ("week", "seven days"),
    ("officials", "authorities"),
    ("country", "nation"),
    ("help", "assist"),
    ("show", "indicate"),
    ("need", "require"),
];

/// Light rewording: each known word is swapped for a synonym with
/// probability `swap`, and each sentence after the first of a paragraph is
/// dropped with probability `drop`.
pub fn reword(paragraphs: &mut [String], swap: f64, drop: f64, rng: &mut Rng) {
    for p in paragraphs.iter_mut() {
        let sentences: Vec<&str> = p.split_inclusive(". ").collect();
        let kept: String = sentences
            .iter()
            .enumerate()
            .filter(|(i, _)| *i == 0 || !rng.chance(drop))
            .map(|(_, s)| *s)
            .collect();
        *p = map_words(&kept, |w| {
            let lower = w.to_lowercase();
            SYNONYMS
                .iter()
                .find(|(a, _)| *a == lower)
                .filter(|_| rng.chance(swap))
                .map(|(_, b)| b.to_string())
        });
    }
}

const BOILERPLATE: &[&str] = &[
    "Source link",
    "Powered by BeaconSites",
    "Newspapers in English",
    "Oops! Something went wrong. Please try again later.",
    "Share this article: Facebook Twitter WhatsApp Email",
    "Sign up for our daily newsletter",
    "Advertisement",
    "Read more:",
];

const PHOTOGRAPHERS: &[&str] = &[
    "Andy Davey",
    "Ekaterina Shtukina/Sputnik/Kremlin Pool Photo via AP",
    "Getty Images",
    "Reuters/Evgenia Novozhenina",
    "Alastair Grant/AP",
    "Bloomberg via Getty Images",
    "Mark Lennihan/AP Photo",
];

const OUTLETS: &[&str] = &[
    "Daily Courier",
    "Metro Herald",
    "Business Wire Digest",
    "The Morning Ledger",
    "Newsfeed Aggregator",
    "Regional Gazette",
    "MarketScreener",
    "Yahoo News",
];

/// Capitalized words of the article (names and places), for captions and
/// headlines.
fn proper_words(paragraphs: &[String]) -> Vec<&str> {
    paragraphs
        .iter()
        .flat_map(|p| p.split_whitespace().skip(1))
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.len() > 2 && w.starts_with(char::is_uppercase))
        .collect()
}

/// A variant of a base article: its text, its title and what was done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    pub title: String,
    pub text: String,
    pub edits: Vec<Edit>,
}

/// Supplies paragraphs for the `Added` edit: text unrelated to any base
/// (never shared by two documents, so it plants no pair of its own).
pub trait ExtraText {
    fn paragraph(&mut self, rng: &mut Rng) -> String;
}

/// Make one variant of `base`: with probability 0.1 an exact copy (case and
/// spacing changed), otherwise two to five random edits. Every variant keeps
/// at least half of the base's paragraphs.
pub fn make_variant(base: &BaseArticle, extra: &mut dyn ExtraText, rng: &mut Rng) -> Variant {
    make_variant_with(base, extra, rng, Reword::default())
}

/// How hard the `Reworded` edit is: each known word swapped for a synonym
/// with probability `swap`, each non-first sentence dropped with `drop`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reword {
    pub swap: f64,
    pub drop: f64,
}

impl Default for Reword {
    fn default() -> Reword {
        Reword {
            swap: 0.3,
            drop: 0.08,
        }
    }
}

/// [`make_variant`] with a chosen rewording strength (for stress corpora).
pub fn make_variant_with(
    base: &BaseArticle,
    extra: &mut dyn ExtraText,
    rng: &mut Rng,
    strength: Reword,
) -> Variant {
    if rng.chance(0.1) {
        let text = base
            .paragraphs
            .iter()
            .map(|p| p.replace(". ", ".  "))
            .collect::<Vec<_>>()
            .join("\n\n\n");
        let text = if rng.chance(0.5) {
            text.to_uppercase()
        } else {
            text
        };
        return Variant {
            title: base.title.clone(),
            text,
            edits: vec![Edit::Exact],
        };
    }
    const CHOICES: [Edit; 9] = [
        Edit::UsToUk,
        Edit::Glued,
        Edit::Caption,
        Edit::Headline,
        Edit::Trimmed,
        Edit::Added,
        Edit::Reordered,
        Edit::Boilerplate,
        Edit::Reworded,
    ];
    let want = rng.range(2, 5);
    let mut edits: Vec<Edit> = Vec::new();
    while edits.len() < want {
        let mut e = *rng.pick(&CHOICES);
        // One localization direction per variant.
        let localized = edits.contains(&Edit::UsToUk) || edits.contains(&Edit::UkToUs);
        if e == Edit::UsToUk && rng.chance(0.5) {
            e = Edit::UkToUs;
        }
        let is_localization = e == Edit::UsToUk || e == Edit::UkToUs;
        if !edits.contains(&e) && (!is_localization || !localized) {
            edits.push(e);
        }
    }
    edits.sort();
    let mut paras = base.paragraphs.clone();
    let mut title = base.title.clone();
    // Content edits first, then layout (captions, boilerplate) on top.
    for e in &edits {
        match e {
            Edit::Reworded => reword(&mut paras, strength.swap, strength.drop, rng),
            Edit::Trimmed if paras.len() >= 2 => {
                let drop = (paras.len() * rng.range(20, 50) / 100).max(1);
                let keep = (paras.len() - drop).max(paras.len().div_ceil(2));
                paras.truncate(keep);
            }
            Edit::Added => {
                let n = rng.range(1, 3);
                for _ in 0..n {
                    let p = extra.paragraph(rng);
                    if rng.chance(0.5) {
                        paras.push(p);
                    } else {
                        let at = rng.below(paras.len() + 1);
                        paras.insert(at, p);
                    }
                }
            }
            Edit::Reordered if paras.len() > 2 => {
                for _ in 0..rng.range(1, 3) {
                    let i = rng.below(paras.len() - 1);
                    paras.swap(i, i + 1);
                }
            }
            Edit::UsToUk => paras = paras.iter().map(|p| localize(p, true)).collect(),
            Edit::UkToUs => paras = paras.iter().map(|p| localize(p, false)).collect(),
            Edit::Glued => {
                let n = rng.range(2, 6);
                glue(&mut paras, n, rng);
            }
            _ => {}
        }
    }
    for e in &edits {
        match e {
            Edit::Headline => {
                let words = proper_words(&paras);
                let mut pick: Vec<&str> = (0..rng.range(4, 8))
                    .filter_map(|_| words.get(rng.below(words.len())).copied())
                    .collect();
                pick.dedup();
                let verbs = ["warns", "says", "plans", "faces", "sees", "eyes"];
                if pick.len() > 1 {
                    pick.insert(1, *rng.pick(&verbs[..]));
                }
                title = pick.join(" ");
                paras.insert(0, title.clone());
            }
            Edit::Caption => {
                for _ in 0..rng.range(1, 2) {
                    let words = proper_words(&paras);
                    let name: Vec<&str> = (0..rng.range(3, 7))
                        .filter_map(|_| words.get(rng.below(words.len())).copied())
                        .collect();
                    let caption = format!(
                        "{} {} – {}",
                        name.join(" "),
                        base.topic.replace('-', " "),
                        rng.pick(PHOTOGRAPHERS)
                    );
                    let at = rng.below(paras.len() + 1);
                    paras.insert(at, caption);
                }
            }
            Edit::Boilerplate => {
                for _ in 0..rng.range(1, 3) {
                    let line = rng.pick(BOILERPLATE).to_string();
                    if rng.chance(0.3) {
                        paras.insert(0, line);
                    } else {
                        paras.push(line);
                    }
                }
            }
            _ => {}
        }
    }
    Variant {
        title,
        text: paras.join("\n\n"),
        edits,
    }
}

// ---------------------------------------------------------------------------
// Filler: new text when real bases run out

/// Writes new article text from the word frequencies of real text: each word
/// is drawn from the whole pool (70%) or from one topic's words (30%), so
/// same-topic filler shares vocabulary but no passages.
#[derive(Debug, Clone)]
pub struct Filler {
    /// Distinct words, and the running text as indexes into them (so a
    /// uniform draw from `tokens` is a draw by word frequency).
    vocab: Vec<String>,
    tokens: Vec<u32>,
    topics: Vec<(String, Vec<u32>)>,
}

impl Filler {
    /// Learn word frequencies from `articles` (None when they have no words).
    pub fn new(articles: &[BaseArticle]) -> Option<Filler> {
        let mut tokens = Vec::new();
        let mut vocab: Vec<String> = Vec::new();
        let mut ids: HashMap<&str, u32> = HashMap::new();
        let mut by_topic: HashMap<&str, Vec<u32>> = HashMap::new();
        for a in articles {
            for p in &a.paragraphs {
                for w in p.split_whitespace() {
                    let w = w.trim_matches(|c: char| !c.is_alphanumeric());
                    if w.is_empty() {
                        continue;
                    }
                    let id = *ids.entry(w).or_insert_with(|| {
                        vocab.push(w.to_string());
                        (vocab.len() - 1) as u32
                    });
                    tokens.push(id);
                    if !a.topic.is_empty() && w.len() > 3 {
                        by_topic.entry(&a.topic).or_default().push(id);
                    }
                }
            }
        }
        if tokens.is_empty() {
            return None;
        }
        let mut topics: Vec<(String, Vec<u32>)> = by_topic
            .into_iter()
            .filter(|(_, w)| w.len() >= 50)
            .map(|(t, w)| (t.to_string(), w))
            .collect();
        topics.sort_by(|a, b| a.0.cmp(&b.0));
        Some(Filler {
            vocab,
            tokens,
            topics,
        })
    }

    fn sentence(&self, topic: Option<&[u32]>, rng: &mut Rng) -> String {
        let n = rng.range(10, 28);
        let mut s = String::with_capacity(n * 7);
        for i in 0..n {
            let id = match topic {
                Some(t) if rng.chance(0.3) => *rng.pick(t),
                _ => *rng.pick(&self.tokens),
            };
            let w = &self.vocab[id as usize];
            if i > 0 {
                s.push(' ');
                s.push_str(w);
            } else {
                let mut c = w.chars();
                if let Some(f) = c.next() {
                    s.extend(f.to_uppercase());
                    s.push_str(c.as_str());
                }
            }
        }
        s.push('.');
        s
    }

    fn paragraph_of(&self, topic: Option<&[u32]>, rng: &mut Rng) -> String {
        (0..rng.range(1, 3))
            .map(|_| self.sentence(topic, rng))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// A new article of about `len` bytes on a random topic.
    pub fn article(&self, id: String, date: String, len: usize, rng: &mut Rng) -> BaseArticle {
        let (topic, words) = if self.topics.is_empty() {
            (String::new(), None)
        } else {
            let (t, w) = rng.pick(&self.topics);
            (t.clone(), Some(w.as_slice()))
        };
        let mut paragraphs = Vec::new();
        let mut size = 0;
        while size < len {
            let p = self.paragraph_of(words, rng);
            size += p.len() + 2;
            paragraphs.push(p);
        }
        let title = self.sentence(words, rng);
        let title = title
            .trim_end_matches('.')
            .split(' ')
            .take(8)
            .collect::<Vec<_>>()
            .join(" ");
        BaseArticle {
            id,
            title,
            date,
            topic: format!("filler-{topic}"),
            paragraphs,
        }
    }
}

/// Extra paragraphs: whole paragraphs of reserved real stories (each used
/// once), then filler text.
#[derive(Debug, Clone)]
pub struct ExtraPool {
    reserve: Vec<String>,
    filler: Option<Filler>,
}

impl ExtraPool {
    pub fn new(reserve: Vec<String>, filler: Option<Filler>) -> ExtraPool {
        ExtraPool { reserve, filler }
    }
}

impl ExtraText for ExtraPool {
    fn paragraph(&mut self, rng: &mut Rng) -> String {
        if let Some(p) = self.reserve.pop() {
            return p;
        }
        match &self.filler {
            Some(f) => f.paragraph_of(None, rng),
            None => format!(
                "Editor's note: this story was updated at {:02}:{:02} with additional reporting.",
                rng.below(24),
                rng.below(60)
            ),
        }
    }
}

// ---------------------------------------------------------------------------
// Pseudo-word articles

/// Words with American spellings, mixed into generated articles so the
/// `Localized` edit has something to change.
const US_WORDS: &[&str] = &[
    "defense",
    "center",
    "program",
    "labor",
    "organize",
    "recognized",
    "favor",
    "analyze",
    "color",
    "percent",
];

fn pseudo_word(rng: &mut Rng) -> String {
    const ONSETS: &[&str] = &[
        "b", "br", "c", "d", "f", "g", "k", "l", "m", "n", "p", "pr", "r", "s", "st", "t", "tr",
        "v", "z",
    ];
    const VOWELS: &[&str] = &["a", "e", "i", "o", "u", "ai", "ou", "ea"];
    (0..2 + rng.below(3))
        .map(|_| format!("{}{}", rng.pick(ONSETS), rng.pick(VOWELS)))
        .collect()
}

/// Writes distinct pseudo-word articles in ten topics (for corpora far
/// larger than the real text at hand: index and stage benchmarks), one at a time:
/// articles of one topic share 40% of their vocabulary (the same-topic
/// confusers), but no passage is shared on purpose.
#[derive(Debug, Clone)]
pub struct PseudoNews {
    global: Vec<String>,
    topics: Vec<Vec<String>>,
    rng: Rng,
    /// Paragraphs per article: at least `min`, fewer than `min + spread`.
    pub paragraphs: (usize, usize),
}

impl PseudoNews {
    pub fn new(seed: u64) -> PseudoNews {
        let mut rng = Rng::new(seed);
        let global = (0..4000).map(|_| pseudo_word(&mut rng)).collect();
        let topics = (0..10)
            .map(|_| (0..80).map(|_| pseudo_word(&mut rng)).collect())
            .collect();
        PseudoNews {
            global,
            topics,
            rng,
            paragraphs: (5, 5),
        }
    }

    /// The next article, of topic `i mod 10`.
    pub fn article(&mut self, id: String, i: usize) -> BaseArticle {
        let rng = &mut self.rng;
        let topic = &self.topics[i % self.topics.len()];
        let paragraphs = (0..self.paragraphs.0 + rng.below(self.paragraphs.1))
            .map(|_| {
                let sentences: Vec<String> = (0..2 + rng.below(3))
                    .map(|_| {
                        let words: Vec<String> = (0..8 + rng.below(14))
                            .map(|_| match rng.below(20) {
                                0 => rng.pick(US_WORDS).to_string(),
                                1..=8 => rng.pick(topic).clone(),
                                _ => rng.pick(&self.global).clone(),
                            })
                            .collect();
                        let mut sentence = words.join(" ");
                        if let Some(first) = sentence.get(..1) {
                            sentence = format!("{}{}", first.to_uppercase(), &sentence[1..]);
                        }
                        sentence + "."
                    })
                    .collect();
                sentences.join(" ")
            })
            .collect();
        BaseArticle {
            id,
            title: String::new(),
            date: String::new(),
            topic: format!("pseudo-{}", i % self.topics.len()),
            paragraphs,
        }
    }
}

// ---------------------------------------------------------------------------
// The streaming generator

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
fn later(date: &str, minutes: usize) -> String {
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

    fn article(id: &str, topic: &str, n: usize) -> BaseArticle {
        BaseArticle {
            id: id.into(),
            title: format!("Title {id}"),
            date: "1987-03-01T10:00:00Z".into(),
            topic: topic.into(),
            paragraphs: (0..n)
                .map(|i| {
                    format!(
                        "Paragraph {i} of {id} says the Defense ministry will organize talks \
                         at the Center on Friday, officials said. Prices rose 3 pct to 12 dlrs."
                    )
                })
                .collect(),
        }
    }

    #[test]
    fn localize_both_ways() {
        let us = "The Defense program will organize a center for labor.";
        let uk = localize(us, true);
        assert_eq!(
            uk,
            "The Defence programme will organise a centre for labour."
        );
        assert_eq!(localize(&uk, false), us);
        // -ise words that are not -ize words stay.
        assert_eq!(
            localize("Prices rise; a surprise", false),
            "Prices rise; a surprise"
        );
    }

    #[test]
    fn entities_and_dates_decode() {
        assert_eq!(decode_entities("a &lt;b&gt; &amp; c&#3;"), "a <b> & c");
        assert_eq!(decode_entities("AT&T"), "AT&T");
        assert_eq!(
            reuters_date("26-FEB-1987 15:01:01.79").as_deref(),
            Some("1987-02-26T15:01:01Z")
        );
        let rec = "NEWID=\"7\">\n<DATE> 2-MAR-1987 09:00:00.00</DATE><TOPICS><D>crude</D><D>gas</D></TOPICS>\
                   <TITLE>OIL &amp; GAS</TITLE><BODY>First para\nwraps.\n    Second &lt;X&gt;. REUTER\n&#3;</BODY>";
        let a = parse_reuters_record(rec).unwrap();
        assert_eq!(a.id, "reut-7");
        assert_eq!(a.topic, "crude");
        assert_eq!(a.title, "OIL & GAS");
        assert_eq!(a.date, "1987-03-02T09:00:00Z");
        assert_eq!(a.paragraphs, vec!["First para wraps.", "Second <X>."]);
    }

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

    #[test]
    fn variants_are_deterministic_and_keep_half_the_base() {
        let base = article("b", "crude", 8);
        let mut extra = ExtraPool::new(vec![], None);
        for seed in 0..50 {
            let v1 = make_variant(&base, &mut extra, &mut Rng::new(seed));
            let v2 = make_variant(&base, &mut extra, &mut Rng::new(seed));
            assert_eq!(v1, v2);
            assert!(!v1.edits.is_empty());
            let kept = base
                .paragraphs
                .iter()
                .filter(|p| v1.text.to_lowercase().contains(&p[..12].to_lowercase()))
                .count();
            assert!(
                kept >= 4,
                "seed {seed}: {kept} paragraphs kept, {:?}",
                v1.edits
            );
        }
    }

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
