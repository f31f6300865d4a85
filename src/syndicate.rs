//! A generator of syndicated copy with known ground truth, for accuracy
//! tests and benchmarks: variants of base articles made the way aggregators
//! make them (UK/US spelling, glued words, captions, new headlines, trimmed
//! or padded endings, swapped paragraphs, site boilerplate, exact copies).

use std::collections::HashMap;
use std::path::Path;

/// A small deterministic PRNG (SplitMix64): the same seed, the same corpus.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A base article: paragraphs of text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    pub id: String,
    pub paragraphs: Vec<String>,
}

impl Article {
    pub fn text(&self) -> String {
        self.paragraphs.join("\n\n")
    }
}

/// What was done to a base article to make a variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Edit {
    Exact,
    Localized,
    Glued,
    Caption,
    Headline,
    Trimmed,
    Added,
    Reordered,
    Boilerplate,
}

impl Edit {
    pub fn as_str(self) -> &'static str {
        match self {
            Edit::Exact => "exact",
            Edit::Localized => "localized",
            Edit::Glued => "glued",
            Edit::Caption => "caption",
            Edit::Headline => "headline",
            Edit::Trimmed => "trimmed",
            Edit::Added => "added",
            Edit::Reordered => "reordered",
            Edit::Boilerplate => "boilerplate",
        }
    }
}

/// A generated document and the base it derives from (its own id for a base).
#[derive(Debug, Clone)]
pub struct SynthDoc {
    pub id: String,
    pub base: String,
    pub edits: Vec<Edit>,
    pub text: String,
}

const US_TO_UK: &[(&str, &str)] = &[
    ("defense", "defence"),
    ("center", "centre"),
    ("centers", "centres"),
    ("program", "programme"),
    ("programs", "programmes"),
    ("labor", "labour"),
    ("favor", "favour"),
    ("color", "colour"),
    ("gray", "grey"),
    ("percent", "per cent"),
];

/// Rewrite American spellings as British ones (-ize -> -ise, a word list).
pub fn localize(text: &str) -> String {
    let words: HashMap<&str, &str> = US_TO_UK.iter().copied().collect();
    let mut out = String::with_capacity(text.len() + 16);
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.is_empty() {
            return;
        }
        let lower = word.to_lowercase();
        let replaced = if let Some(uk) = words.get(lower.as_str()) {
            Some(uk.to_string())
        } else {
            ["ization", "izations", "ized", "izes", "izing", "ize"]
                .iter()
                .find(|s| lower.len() > s.len() + 3 && lower.ends_with(*s))
                .map(|s| {
                    format!(
                        "{}{}",
                        &word[..word.len() - s.len()],
                        s.replacen('z', "s", 1)
                    )
                })
        };
        match replaced {
            // Keep a capital first letter.
            Some(r) if word.starts_with(char::is_uppercase) => {
                let mut c = r.chars();
                if let Some(f) = c.next() {
                    out.extend(f.to_uppercase());
                    out.push_str(c.as_str());
                }
            }
            Some(r) => out.push_str(&r),
            None => out.push_str(word),
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphabetic() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// Remove the space between `n` random pairs of words, as scrapers do.
pub fn glue(text: &str, n: usize, rng: &mut Rng) -> String {
    let mut words: Vec<String> = text.split(' ').map(String::from).collect();
    for _ in 0..n {
        if words.len() < 3 {
            break;
        }
        let i = rng.below(words.len() - 1);
        let next = words.remove(i + 1);
        words[i].push_str(&next);
    }
    words.join(" ")
}

const BOILERPLATE: &[&str] = &[
    "Source link",
    "Powered by BeaconSites",
    "Newspapers in English",
    "Oops! Something went wrong. Please try again later.",
    "Share this article: Facebook Twitter WhatsApp Email",
];

const PHOTOGRAPHERS: &[&str] = &[
    "Andy Davey",
    "Ekaterina Shtukina/Sputnik/Kremlin Pool Photo via AP",
    "Getty Images",
    "Reuters/Evgenia Novozhenina",
];

/// Make one variant of `base` with two to four random edits. `extra` gives
/// paragraphs from unrelated stories for the `Added` edit.
pub fn variant(base: &Article, id: String, extra: &[String], rng: &mut Rng) -> SynthDoc {
    if rng.chance(0.1) {
        // A reprint: same words, different case and spacing.
        let text = base
            .paragraphs
            .iter()
            .map(|p| p.replace(". ", ".  "))
            .collect::<Vec<_>>()
            .join("\n\n\n")
            .to_uppercase();
        return SynthDoc {
            id,
            base: base.id.clone(),
            edits: vec![Edit::Exact],
            text,
        };
    }
    let all = [
        Edit::Localized,
        Edit::Glued,
        Edit::Caption,
        Edit::Headline,
        Edit::Trimmed,
        Edit::Added,
        Edit::Reordered,
        Edit::Boilerplate,
    ];
    let mut edits: Vec<Edit> = Vec::new();
    let want = 2 + rng.below(3);
    while edits.len() < want {
        let e = *rng.pick(&all);
        if !edits.contains(&e) {
            edits.push(e);
        }
    }
    edits.sort();
    let mut paras = base.paragraphs.clone();
    for e in &edits {
        match e {
            Edit::Localized => paras = paras.iter().map(|p| localize(p)).collect(),
            Edit::Glued => {
                paras = paras
                    .iter()
                    .map(|p| glue(p, 1 + rng.below(2), rng))
                    .collect()
            }
            Edit::Caption => {
                let words: Vec<&str> = paras
                    .iter()
                    .flat_map(|p| p.split_whitespace())
                    .filter(|w| w.starts_with(char::is_uppercase))
                    .take(8)
                    .collect();
                let caption = format!("{} – {}", words.join(" "), rng.pick(PHOTOGRAPHERS));
                let at = rng.below(paras.len() + 1);
                paras.insert(at, caption);
            }
            Edit::Headline => {
                let words: Vec<&str> = paras[0].split_whitespace().take(12).collect();
                let mut pick: Vec<&str> = (0..6).map(|_| *rng.pick(&words)).collect();
                pick.dedup();
                paras.insert(0, format!("Breaking: {}", pick.join(" ")));
            }
            Edit::Trimmed if paras.len() > 3 => {
                let keep = (paras.len() * (55 + rng.below(30)) / 100).max(2);
                paras.truncate(keep);
            }
            Edit::Added if !extra.is_empty() => {
                for _ in 0..1 + rng.below(2) {
                    paras.push(rng.pick(extra).clone());
                }
            }
            Edit::Reordered if paras.len() > 2 => {
                let i = rng.below(paras.len() - 1);
                paras.swap(i, i + 1);
            }
            Edit::Boilerplate => {
                for _ in 0..1 + rng.below(3) {
                    paras.push(rng.pick(BOILERPLATE).to_string());
                }
            }
            _ => {}
        }
    }
    SynthDoc {
        id,
        base: base.id.clone(),
        edits,
        text: paras.join("\n\n"),
    }
}

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

/// Writes distinct pseudo-word articles in ten topics, one at a time:
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
    pub fn article(&mut self, id: String, i: usize) -> Article {
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
        Article { id, paragraphs }
    }
}

/// `count` distinct base articles from [`PseudoNews`], ids `g0`, `g1`, ...
pub fn pseudo_articles(count: usize, rng: &mut Rng) -> Vec<Article> {
    let mut news = PseudoNews::new(rng.next_u64());
    (0..count)
        .map(|i| news.article(format!("g{i}"), i))
        .collect()
}

/// A Reuters-21578 story: its NEWID, topics and body paragraphs.
#[derive(Debug, Clone)]
pub struct ReutersStory {
    pub id: String,
    pub topics: Vec<String>,
    pub paragraphs: Vec<String>,
}

fn between<'a>(s: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let a = s.find(open)? + open.len();
    let b = s[a..].find(close)? + a;
    Some(&s[a..b])
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#3;", "")
        .replace("&amp;", "&")
}

/// Read every story with a body from the Reuters-21578 SGML files in `dir`
/// (None when the folder is absent).
pub fn reuters(dir: &Path) -> Option<Vec<ReutersStory>> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "sgm"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let raw = std::fs::read(&f).ok()?;
        let text = String::from_utf8_lossy(&raw);
        for chunk in text.split("<REUTERS ").skip(1) {
            let Some(body) = between(chunk, "<BODY>", "</BODY>") else {
                continue;
            };
            let id = between(chunk, "NEWID=\"", "\"").unwrap_or("?").to_string();
            let topics = between(chunk, "<TOPICS>", "</TOPICS>")
                .map(|t| {
                    t.split("<D>")
                        .filter_map(|d| d.strip_suffix("</D>"))
                        .map(String::from)
                        .collect()
                })
                .unwrap_or_default();
            let body = unescape(body);
            let body = body.trim_end().trim_end_matches("Reuter").trim_end();
            let paragraphs: Vec<String> = body
                .split("\n    ")
                .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|p| !p.is_empty())
                .collect();
            out.push(ReutersStory {
                id: format!("reut-{id}"),
                topics,
                paragraphs,
            });
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn localize_makes_uk_spellings_that_normalization_folds_back() {
        let us = "The Defense program will organize a center for labor.";
        let uk = localize(us);
        assert_eq!(
            uk,
            "The Defence programme will organise a centre for labour."
        );
        assert_eq!(
            crate::normalize::normalize(us),
            crate::normalize::normalize(&uk)
        );
    }

    #[test]
    fn variants_are_deterministic_and_record_their_edits() {
        let base = Article {
            id: "b".into(),
            paragraphs: (0..6)
                .map(|i| {
                    format!(
                        "Paragraph {i} says the Defense minister will organize talks on Friday."
                    )
                })
                .collect(),
        };
        let a = variant(
            &base,
            "v".into(),
            &["Extra paragraph.".into()],
            &mut Rng::new(3),
        );
        let b = variant(
            &base,
            "v".into(),
            &["Extra paragraph.".into()],
            &mut Rng::new(3),
        );
        assert_eq!(a.text, b.text);
        assert!(!a.edits.is_empty());
        assert_ne!(a.text, base.text());
    }

    #[test]
    fn glue_removes_spaces() {
        let g = glue("one two three four five", 2, &mut Rng::new(1));
        assert_eq!(g.split(' ').count(), 3);
        assert_eq!(g.replace(' ', ""), "onetwothreefourfive");
    }
}
