//! Paraphrase-level rewrites for the development set: synonyms for 30-50% of
//! content words, clause and sentence reordering, split and merged sentences,
//! passive and reported-speech rewrites, deletions; and partial derivation.

use super::{ExtraText, Rng};

/// Synonym pairs for news prose: each word maps to the other, either way
/// (the first pair naming a word wins). Mostly the Reuters vocabulary.
const SYNONYMS: &[(&str, &str)] = &[
    ("said", "stated"),
    ("says", "states"),
    ("pct", "percent"),
    ("mln", "million"),
    ("bln", "billion"),
    ("dlrs", "dollars"),
    ("company", "firm"),
    ("companies", "firms"),
    ("rose", "climbed"),
    ("fell", "dropped"),
    ("increase", "rise"),
    ("increased", "boosted"),
    ("expected", "anticipated"),
    ("about", "around"),
    ("also", "additionally"),
    ("however", "nevertheless"),
    ("government", "administration"),
    ("told", "informed"),
    ("major", "big"),
    ("buy", "purchase"),
    ("bought", "purchased"),
    ("shares", "stock"),
    ("officials", "authorities"),
    ("country", "nation"),
    ("help", "assist"),
    ("show", "indicate"),
    ("need", "require"),
    ("net", "earnings"),
    ("profit", "gain"),
    ("profits", "gains"),
    ("loss", "deficit"),
    ("losses", "deficits"),
    ("sales", "revenues"),
    ("revenue", "turnover"),
    ("quarter", "period"),
    ("market", "marketplace"),
    ("markets", "marketplaces"),
    ("price", "cost"),
    ("prices", "costs"),
    ("trade", "commerce"),
    ("trading", "dealing"),
    ("bank", "lender"),
    ("banks", "lenders"),
    ("rate", "level"),
    ("rates", "levels"),
    ("oil", "petroleum"),
    ("production", "output"),
    ("exports", "overseas sales"),
    ("imports", "purchases abroad"),
    ("agreement", "accord"),
    ("agreed", "consented"),
    ("plan", "proposal"),
    ("plans", "intends"),
    ("proposed", "suggested"),
    ("offer", "bid"),
    ("acquire", "take over"),
    ("acquired", "took over"),
    ("acquisition", "takeover"),
    ("merger", "combination"),
    ("total", "overall"),
    ("higher", "greater"),
    ("lower", "smaller"),
    ("new", "fresh"),
    ("first", "initial"),
    ("last", "previous"),
    ("previous", "prior"),
    ("current", "present"),
    ("annual", "yearly"),
    ("decline", "drop"),
    ("declined", "decreased"),
    ("reported", "announced"),
    ("disclosed", "revealed"),
    ("debt", "borrowings"),
    ("growth", "expansion"),
    ("demand", "appetite"),
    ("supply", "availability"),
    ("tonnes", "metric tons"),
    ("week", "seven days"),
    ("chairman", "head"),
    ("president", "chief"),
    ("spokesman", "representative"),
    ("official", "functionary"),
    ("analysts", "experts"),
    ("investors", "backers"),
    ("dividend", "payout"),
    ("board", "directors"),
    ("meeting", "session"),
    ("talks", "negotiations"),
    ("minister", "secretary"),
    ("ministry", "department"),
    ("federal", "national"),
    ("foreign", "overseas"),
    ("domestic", "internal"),
    ("international", "global"),
    ("world", "global"),
    ("large", "sizable"),
    ("small", "modest"),
    ("high", "elevated"),
    ("low", "depressed"),
    ("strong", "robust"),
    ("weak", "soft"),
    ("sharply", "steeply"),
    ("slightly", "marginally"),
    ("recently", "lately"),
    ("earlier", "previously"),
    ("currently", "now"),
    ("because", "since"),
    ("including", "among them"),
    ("although", "though"),
    ("raise", "lift"),
    ("raised", "lifted"),
    ("cuts", "reductions"),
    ("reduce", "trim"),
    ("reduced", "trimmed"),
    ("begin", "start"),
    ("began", "started"),
    ("continue", "carry on"),
    ("continued", "went on"),
    ("make", "produce"),
    ("made", "produced"),
    ("give", "provide"),
    ("gave", "provided"),
    ("get", "obtain"),
    ("held", "kept"),
    ("paid", "remitted"),
    ("sell", "dispose of"),
    ("sold", "disposed of"),
    ("added", "went on to say"),
    ("estimated", "projected"),
    ("estimate", "projection"),
    ("forecast", "prediction"),
    ("figures", "numbers"),
    ("result", "outcome"),
    ("results", "outcomes"),
    ("operations", "activities"),
    ("unit", "division"),
    ("subsidiary", "affiliate"),
    ("group", "concern"),
    ("unchanged", "steady"),
    ("nearly", "almost"),
    ("approximately", "roughly"),
    ("industry", "sector"),
    ("dollar", "greenback"),
    ("credit", "lending"),
    ("loans", "advances"),
    ("funds", "money"),
    ("investment", "spending"),
    ("value", "worth"),
    ("shareholders", "stockholders"),
    ("stake", "holding"),
    ("common", "ordinary"),
    ("completed", "finished"),
    ("statement", "release"),
    ("report", "account"),
    ("policy", "strategy"),
    ("measures", "steps"),
    ("problem", "difficulty"),
    ("problems", "difficulties"),
    ("conditions", "circumstances"),
    ("decision", "ruling"),
    ("decided", "chose"),
    ("allow", "permit"),
    ("allowed", "permitted"),
    ("important", "significant"),
    ("possible", "feasible"),
    ("likely", "probable"),
    ("farmers", "growers"),
    ("crop", "harvest"),
    ("grain", "cereal"),
    ("ship", "vessel"),
    ("strike", "stoppage"),
    ("workers", "employees"),
    ("jobs", "positions"),
    ("period", "span"),
    ("year", "twelve months"),
    ("years", "twelve-month periods"),
    ("month", "four weeks"),
    ("level", "degree"),
    ("securities", "paper"),
    ("issue", "offering"),
    ("expects", "anticipates"),
    ("economic", "financial"),
    ("economy", "economic activity"),
    ("interest", "borrowing costs"),
    ("capital", "equity"),
    ("income", "earnings"),
    ("share", "stock unit"),
    ("senior", "top"),
    ("further", "more"),
    ("under", "below"),
    ("over", "above"),
    ("next", "coming"),
];

/// Function words: never counted as content words.
const STOPWORDS: &[&str] = &[
    "the", "a", "an", "of", "to", "in", "on", "for", "and", "or", "but", "by", "with", "at",
    "from", "as", "is", "was", "were", "be", "been", "are", "it", "its", "that", "this", "these",
    "those", "which", "who", "he", "she", "they", "we", "i", "his", "her", "their", "our", "not",
    "no", "has", "have", "had", "will", "would", "could", "should", "may", "might", "can", "do",
    "does", "did", "than", "then", "so", "if", "there", "all", "any", "into", "up", "out", "vs",
    "one", "two", "after", "before", "some", "other", "more", "most", "such", "only", "also",
];

fn is_stopword(lower: &str) -> bool {
    STOPWORDS.contains(&lower)
}

fn synonym(lower: &str) -> Option<&'static str> {
    SYNONYMS
        .iter()
        .find_map(|&(a, b)| (a == lower).then_some(b))
        .or_else(|| {
            SYNONYMS
                .iter()
                .find_map(|&(a, b)| (b == lower).then_some(a))
        })
}

/// `word`'s case carried over to `rep` (all caps, or a capital first letter).
fn with_case_of(word: &str, rep: &str) -> String {
    if word.len() > 1 && word.chars().all(|c| !c.is_lowercase()) {
        rep.to_uppercase()
    } else if word.starts_with(char::is_uppercase) {
        capitalized(rep)
    } else {
        rep.to_string()
    }
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// `s` with its first letter lowercased when its first word is a function
/// word or a synonym-table word (not a name), for moving it mid-sentence.
fn decapitalized(s: &str) -> String {
    let first = s.split(|c: char| !c.is_alphabetic()).next().unwrap_or("");
    let lower = first.to_lowercase();
    let common = is_stopword(&lower) || synonym(&lower).is_some();
    if !common || first.len() > 1 && first.chars().all(|c| c.is_uppercase()) {
        return s.to_string();
    }
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Content words of `text` replaced by synonyms: about `target` of them
/// (as far as the table reaches). Returns the text and the share replaced.
pub fn synonymize(text: &str, target: f64, rng: &mut Rng) -> (String, f64) {
    let (mut content, mut known) = (0usize, 0usize);
    for w in text.split(|c: char| !c.is_alphabetic()) {
        let lower = w.to_lowercase();
        if w.len() >= 3 && !is_stopword(&lower) {
            content += 1;
            known += synonym(&lower).is_some() as usize;
        }
    }
    let p = (target * content as f64 / known.max(1) as f64).min(1.0);
    let mut swapped = 0usize;
    let out = super::map_words(text, |w| {
        let lower = w.to_lowercase();
        let rep = synonym(&lower).filter(|_| w.len() >= 3 && !is_stopword(&lower))?;
        rng.chance(p).then(|| {
            swapped += 1;
            with_case_of(w, rep)
        })
    });
    (out, swapped as f64 / content.max(1) as f64)
}

/// Abbreviations whose period does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "inc", "corp", "co", "ltd", "jan", "feb", "mar", "apr", "aug", "sept",
    "sep", "oct", "nov", "dec", "st", "no", "vs", "u.s", "u.k", "gov", "sen", "rep", "jr",
];

/// Split a paragraph into sentences (each keeps its final punctuation).
pub fn sentences(paragraph: &str) -> Vec<String> {
    let mut out = Vec::new();
    let bytes = paragraph.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let ends = matches!(b, b'.' | b'?' | b'!')
            && bytes.get(i + 1) == Some(&b' ')
            && bytes.get(i + 2).is_some_and(|c| c.is_ascii_uppercase());
        if !ends {
            continue;
        }
        let word = paragraph[start..i]
            .rsplit(' ')
            .next()
            .unwrap_or("")
            .to_lowercase();
        if ABBREVIATIONS.contains(&word.as_str()) || word.len() == 1 {
            continue;
        }
        out.push(paragraph[start..=i].trim().to_string());
        start = i + 1;
    }
    let rest = paragraph[start..].trim();
    if !rest.is_empty() {
        out.push(rest.to_string());
    }
    out
}

/// Sentence body without its final punctuation, and that punctuation.
fn body(s: &str) -> (&str, &str) {
    match s.char_indices().last() {
        Some((i, '.' | '?' | '!')) => (&s[..i], &s[i..]),
        _ => (s, "."),
    }
}

fn words(s: &str) -> usize {
    s.split_whitespace().count()
}

/// "X, the company said." <-> "The company said X." or "According to ...".
fn reported_speech(s: &str, rng: &mut Rng) -> Option<String> {
    let (b, end) = body(s);
    if let Some(i) = b.rfind(", ") {
        let tail = &b[i + 2..];
        if let Some(subj) = tail
            .strip_suffix(" said")
            .or_else(|| tail.strip_suffix(" says"))
        {
            if (1..=6).contains(&words(subj)) && words(&b[..i]) >= 4 {
                let rest = decapitalized(&b[..i]);
                return Some(if rng.chance(0.5) {
                    format!("{} said that {rest}{end}", capitalized(subj))
                } else {
                    format!("According to {}, {rest}{end}", decapitalized(subj))
                });
            }
        }
    }
    let at = b.find(" said ")?;
    let subj = &b[..at];
    let rest = b[at + 6..]
        .trim_start_matches("that ")
        .trim_start_matches("it ");
    if !(1..=6).contains(&words(subj)) || subj.contains(',') || words(rest) < 4 {
        return None;
    }
    Some(format!(
        "{}, {} said{end}",
        capitalized(rest),
        decapitalized(subj)
    ))
}

const PASSIVE_VERBS: &[&str] = &[
    "acquired",
    "bought",
    "raised",
    "lowered",
    "cut",
    "approved",
    "reported",
    "sold",
    "signed",
    "completed",
    "rejected",
    "announced",
    "posted",
    "named",
    "set",
    "filed",
    "issued",
    "received",
    "made",
    "won",
    "increased",
    "reduced",
    "suspended",
    "extended",
];

/// "The bank raised its rate." -> "Its rate was raised by the bank."
fn passive(s: &str) -> Option<String> {
    let (b, end) = body(s);
    if b.contains(" said") || b.contains(" says") {
        return None;
    }
    let ws: Vec<&str> = b.split(' ').collect();
    let v = ws
        .iter()
        .position(|w| PASSIVE_VERBS.contains(w))
        .filter(|&v| (1..=7).contains(&v))?;
    let subj = ws[..v].join(" ");
    let obj = ws[v + 1..].join(" ");
    if subj.contains(',') || !(2..=16).contains(&(ws.len() - v - 1)) {
        return None;
    }
    Some(format!(
        "{} was {} by {}{end}",
        capitalized(&obj),
        ws[v],
        decapitalized(&subj)
    ))
}

const CONNECTIVES: &[&str] = &[
    " because ",
    " after ",
    " while ",
    " although ",
    " as ",
    " if ",
];

/// "A because B." -> "Because B, a."; else "A, B." -> "B, a."
fn reorder_clauses(s: &str, rng: &mut Rng) -> Option<String> {
    let (b, end) = body(s);
    for c in CONNECTIVES {
        if let Some(i) = b.find(c) {
            let (x, y) = (&b[..i], &b[i + c.len()..]);
            if words(x) >= 3 && words(y) >= 3 && !y.contains(", ") {
                return Some(format!(
                    "{} {y}, {}{end}",
                    capitalized(c.trim()),
                    decapitalized(x)
                ));
            }
        }
    }
    let commas: Vec<usize> = b.match_indices(", ").map(|(i, _)| i).collect();
    let i = *commas.get(rng.below(commas.len().max(1)))?;
    let (x, y) = (&b[..i], &b[i + 2..]);
    (words(x) >= 4 && words(y) >= 4)
        .then(|| format!("{}, {}{end}", capitalized(y), decapitalized(x)))
}

/// "A, and B." -> "A. B."
fn split_sentence(s: &str) -> Option<Vec<String>> {
    let (b, end) = body(s);
    for sep in ["; ", ", and ", ", but ", " and ", ", which "] {
        if let Some(i) = b.find(sep) {
            let (x, y) = (&b[..i], &b[i + sep.len()..]);
            if words(x) >= 5 && words(y) >= 5 {
                let y = if sep == ", which " {
                    format!("This {y}")
                } else {
                    capitalized(y)
                };
                return Some(vec![format!("{x}."), format!("{y}{end}")]);
            }
        }
    }
    None
}

/// Knobs of [`paraphrase`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Strength {
    /// Share of content words to replace (as far as the table reaches).
    pub synonyms: f64,
    /// Chance that a sentence gets one structural rewrite.
    pub restructure: f64,
    /// Chance that a sentence (not the lead) is deleted.
    pub delete: f64,
    /// Chance that two adjacent short sentences are merged.
    pub merge: f64,
}

impl Strength {
    /// Paraphrase level: 30-50% synonyms, most sentences restructured.
    pub fn paraphrase(rng: &mut Rng) -> Strength {
        Strength {
            synonyms: 0.3 + 0.2 * rng.unit(),
            restructure: 0.6,
            delete: 0.15,
            merge: 0.25,
        }
    }
}

/// A rewritten story and what the rewrite did.
#[derive(Debug, Clone, PartialEq)]
pub struct Rewritten {
    pub paragraphs: Vec<String>,
    /// Share of content words replaced by synonyms.
    pub synonym_share: f64,
}

/// Paraphrase `paragraphs` at `strength`: sentence rewrites (reported
/// speech, passive, clause order, splits), merges, deletions, synonyms,
/// then sentences regrouped into new paragraphs with some moved.
pub fn paraphrase(paragraphs: &[String], strength: Strength, rng: &mut Rng) -> Rewritten {
    let mut sents: Vec<String> = Vec::new();
    for p in paragraphs {
        for s in sentences(p) {
            if !rng.chance(strength.restructure) {
                sents.push(s);
                continue;
            }
            let rewritten = match rng.below(4) {
                0 => reported_speech(&s, rng).map(|r| vec![r]),
                1 => passive(&s).map(|r| vec![r]),
                2 => reorder_clauses(&s, rng).map(|r| vec![r]),
                _ => split_sentence(&s),
            };
            // Fall back through the other rewrites before keeping it as is.
            let rewritten = rewritten
                .or_else(|| reported_speech(&s, rng).map(|r| vec![r]))
                .or_else(|| passive(&s).map(|r| vec![r]))
                .or_else(|| split_sentence(&s));
            sents.extend(rewritten.unwrap_or_else(|| vec![s]));
        }
    }
    let mut merged: Vec<String> = Vec::with_capacity(sents.len());
    for s in sents {
        match merged.last_mut() {
            Some(prev) if words(prev) <= 18 && words(&s) <= 18 && rng.chance(strength.merge) => {
                let joiner = *rng.pick(&[", while ", "; ", ", and "]);
                let (b, _) = body(prev);
                *prev = format!("{b}{joiner}{}", decapitalized(&s));
            }
            _ => merged.push(s),
        }
    }
    let keep_min = merged.len() * 6 / 10;
    let mut kept: Vec<String> = Vec::with_capacity(merged.len());
    for (i, s) in merged.iter().enumerate() {
        let left = merged.len() - i;
        if i > 0 && kept.len() + left > keep_min.max(1) && rng.chance(strength.delete) {
            continue;
        }
        kept.push(s.clone());
    }
    // Sentence order: swap some adjacent sentences (not the lead).
    for i in 1..kept.len().saturating_sub(1) {
        if rng.chance(0.2) {
            kept.swap(i, i + 1);
        }
    }
    let (mut total_share, mut total_n) = (0.0, 0usize);
    let mut paras = Vec::new();
    let mut i = 0;
    while i < kept.len() {
        let n = rng.range(1, 3).min(kept.len() - i);
        let (text, share) = synonymize(&kept[i..i + n].join(" "), strength.synonyms, rng);
        total_share += share * n as f64;
        total_n += n;
        paras.push(text);
        i += n;
    }
    if paras.len() > 3 {
        let j = rng.range(1, paras.len() - 2);
        paras.swap(j, j + 1);
    }
    Rewritten {
        paragraphs: paras,
        synonym_share: total_share / total_n.max(1) as f64,
    }
}

/// A partially derived story: a contiguous 30-60% of the story's sentences,
/// lightly paraphrased, with new text from elsewhere (`extra`, 1 to 2 times
/// as long) before, after or around it.
pub fn partial(paragraphs: &[String], extra: &mut dyn ExtraText, rng: &mut Rng) -> Rewritten {
    let all: Vec<String> = paragraphs.iter().flat_map(|p| sentences(p)).collect();
    let share = 0.3 + 0.3 * rng.unit();
    let n = ((all.len() as f64 * share).round() as usize).clamp(2.min(all.len()), all.len());
    let start = rng.below(all.len() - n + 1);
    let strength = Strength {
        synonyms: 0.1 + 0.15 * rng.unit(),
        restructure: 0.3,
        delete: 0.0,
        merge: 0.1,
    };
    let derived = paraphrase(&[all[start..start + n].join(" ")], strength, rng);
    let derived_len: usize = derived.paragraphs.iter().map(String::len).sum();
    let want = derived_len * rng.range(10, 20) / 10;
    let mut new = Vec::new();
    let mut len = 0;
    while len < want {
        let p = extra.paragraph(rng);
        len += p.len().max(1);
        new.push(p);
    }
    let mut paras = Vec::new();
    match rng.below(3) {
        0 => {
            paras.extend(derived.paragraphs.iter().cloned());
            paras.extend(new);
        }
        1 => {
            paras.extend(new);
            paras.extend(derived.paragraphs.iter().cloned());
        }
        _ => {
            let half = new.len() / 2;
            paras.extend(new[..half].iter().cloned());
            paras.extend(derived.paragraphs.iter().cloned());
            paras.extend(new[half..].iter().cloned());
        }
    }
    Rewritten {
        paragraphs: paras,
        synonym_share: derived.synonym_share,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "The company said its first quarter net profit rose sharply. \
        Chrysler Corp acquired a large stake in the group, officials said. \
        Analysts expected a strong increase in sales, and prices were higher in the market. \
        Mr. Smith said the bank plans to raise its dividend because demand for loans was strong. \
        The board approved the plan after a meeting with shareholders.";

    #[test]
    fn splits_sentences_but_not_abbreviations() {
        let s = sentences(STORY);
        assert_eq!(s.len(), 5, "{s:?}");
        assert!(s[3].starts_with("Mr. Smith said"));
        assert!(s.iter().all(|x| x.ends_with('.')));
    }

    #[test]
    fn synonyms_reach_the_target_share_and_keep_case() {
        let mut rng = Rng::new(3);
        let (out, share) = synonymize(STORY, 0.4, &mut rng);
        assert!((0.25..=0.55).contains(&share), "{share}: {out}");
        assert_ne!(out, STORY);
        let (same, none) = synonymize(STORY, 0.0, &mut rng);
        assert_eq!((same.as_str(), none), (STORY, 0.0));
        assert_eq!(with_case_of("Company", "firm"), "Firm");
        assert_eq!(with_case_of("PCT", "percent"), "PERCENT");
    }

    #[test]
    fn sentence_rewrites() {
        let mut rng = Rng::new(1);
        assert_eq!(
            passive("The board approved the plan after a meeting.").as_deref(),
            Some("The plan after a meeting was approved by the board.")
        );
        let r = reported_speech("Prices will rise next year, the company said.", &mut rng).unwrap();
        assert!(
            r == "The company said that prices will rise next year."
                || r == "According to the company, prices will rise next year.",
            "{r}"
        );
        assert_eq!(
            reported_speech("Mr Smith said that output will fall this year.", &mut rng).as_deref(),
            Some("Output will fall this year, Mr Smith said.")
        );
        assert_eq!(
            reorder_clauses("Loans fell sharply because demand was weak.", &mut rng).as_deref(),
            Some("Because demand was weak, loans fell sharply.")
        );
        assert_eq!(
            split_sentence("Analysts expected a strong increase in sales, and prices were higher in the market.")
                .unwrap(),
            vec![
                "Analysts expected a strong increase in sales.".to_string(),
                "Prices were higher in the market.".to_string()
            ]
        );
    }

    #[test]
    fn paraphrase_is_deterministic_and_harsh() {
        let paras = vec![STORY.to_string(), STORY.replace("Chrysler", "Ford")];
        let a = paraphrase(
            &paras,
            Strength::paraphrase(&mut Rng::new(9)),
            &mut Rng::new(5),
        );
        let b = paraphrase(
            &paras,
            Strength::paraphrase(&mut Rng::new(9)),
            &mut Rng::new(5),
        );
        assert_eq!(a, b);
        let text = a.paragraphs.join(" ");
        assert_ne!(text, paras.join(" "));
        assert!(a.synonym_share >= 0.2, "{}", a.synonym_share);
        // Deletions keep at least 60% of the sentences.
        assert!(sentences(&text).len() >= 5, "{text}");
    }

    struct Fixed;
    impl ExtraText for Fixed {
        fn paragraph(&mut self, _: &mut Rng) -> String {
            "Unrelated weather news filled the rest of the page today.".into()
        }
    }

    #[test]
    fn partial_keeps_part_and_adds_new_text() {
        let paras = vec![STORY.to_string(), STORY.replace("Chrysler", "Ford")];
        let r = partial(&paras, &mut Fixed, &mut Rng::new(4));
        let text = r.paragraphs.join(" ");
        assert!(text.contains("Unrelated weather news"));
        let new = text.matches("Unrelated weather news").count() * 58;
        assert!(new >= text.len() / 3, "{text}");
    }
}
