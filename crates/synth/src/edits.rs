//! The edits that make a variant of a base: UK/US respelling, glued words,
//! rewording, dropped and added paragraphs, captions and boilerplate, each
//! recorded so the ground truth says what was done.

use super::model::{BaseArticle, Edit};
use super::rng::Rng;

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
pub(super) fn map_words(text: &str, mut f: impl FnMut(&str) -> Option<String>) -> String {
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

pub(super) const OUTLETS: &[&str] = &[
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::article;
    use crate::ExtraPool;

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
}
