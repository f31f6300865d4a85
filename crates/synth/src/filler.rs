//! New text when real bases run out: filler written from the word
//! frequencies of real text, and pseudo-word articles with American
//! spellings for the localization edit to change.

use super::edits::ExtraText;
use super::model::BaseArticle;
use super::rng::Rng;
use std::collections::HashMap;

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
