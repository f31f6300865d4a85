//! Accuracy of `reprint scan` with default settings on generated syndicated
//! corpora: precision and recall of reported pairs against ground truth,
//! with recall per kind of edit printed so a failure says what broke.

use reprint::syndicate::{pseudo_articles, reuters, variant, Article, Rng, SynthDoc};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

fn scan(docs: &[SynthDoc]) -> Value {
    let mut child = Command::new(env!("CARGO_BIN_EXE_reprint"))
        .args(["scan", "-", "--format", "json", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    {
        let mut stdin = child.stdin.take().unwrap();
        for d in docs {
            writeln!(stdin, "{}", json!({"id": d.id, "text": d.text})).unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).unwrap()
}

type Key = (String, String);

fn key(a: &str, b: &str) -> Key {
    if a < b {
        (a.to_string(), b.to_string())
    } else {
        (b.to_string(), a.to_string())
    }
}

/// Documents with `base` and variants: every two documents of one base are
/// a true pair.
fn truth(docs: &[SynthDoc]) -> HashSet<Key> {
    let mut by_base: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for d in docs {
        by_base.entry(&d.base).or_default().push(&d.id);
    }
    let mut t = HashSet::new();
    for ids in by_base.values() {
        for i in 0..ids.len() {
            for j in i + 1..ids.len() {
                t.insert(key(ids[i], ids[j]));
            }
        }
    }
    t
}

struct Score {
    recall: f64,
    precision: f64,
    found: usize,
    true_pairs: usize,
    false_pairs: Vec<Key>,
}

impl Score {
    fn print(&self, label: &str, docs: usize) {
        println!(
            "{label}: {docs} docs, recall {:.4} precision {:.4} ({} found, {} true)",
            self.recall, self.precision, self.found, self.true_pairs
        );
        println!(
            "  false pairs: {:?}",
            &self.false_pairs[..self.false_pairs.len().min(10)]
        );
    }
}

/// Score reported pairs; pairs touching a base in `unknown` (and its
/// variants) are neither right nor wrong and are left out.
fn score(docs: &[SynthDoc], report: &Value, unknown: &HashSet<String>) -> Score {
    let base_of: HashMap<&str, &str> = docs
        .iter()
        .map(|d| (d.id.as_str(), d.base.as_str()))
        .collect();
    let edits: HashMap<&str, String> = docs
        .iter()
        .map(|d| {
            (
                d.id.as_str(),
                d.edits
                    .iter()
                    .map(|e| e.as_str())
                    .collect::<Vec<_>>()
                    .join("+"),
            )
        })
        .collect();
    let known = |k: &Key| {
        !unknown.contains(base_of[k.0.as_str()]) && !unknown.contains(base_of[k.1.as_str()])
    };
    let truth: HashSet<Key> = truth(docs).into_iter().filter(known).collect();
    let found: HashSet<Key> = report["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| key(p["a"].as_str().unwrap(), p["b"].as_str().unwrap()))
        .filter(known)
        .collect();
    let tp = found.intersection(&truth).count();
    // Recall per edit, over base-variant pairs.
    let mut per_edit: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for k in &truth {
        for id in [&k.0, &k.1] {
            if base_of[id.as_str()] != id.as_str()
                && (k.0 == base_of[id.as_str()] || k.1 == base_of[id.as_str()])
            {
                for e in edits[id.as_str()].split('+') {
                    let s = per_edit.entry(e.to_string()).or_default();
                    s.1 += 1;
                    if found.contains(k) {
                        s.0 += 1;
                    }
                }
            }
        }
    }
    for (e, (f, n)) in &per_edit {
        println!("  recall with edit {e:<12} {f}/{n}");
    }
    let mut false_pairs: Vec<Key> = found.difference(&truth).cloned().collect();
    false_pairs.sort();
    Score {
        recall: tp as f64 / truth.len().max(1) as f64,
        precision: tp as f64 / found.len().max(1) as f64,
        found: found.len(),
        true_pairs: truth.len(),
        false_pairs,
    }
}

/// Bases, then one to three variants of every other base, in a fixed shuffle.
fn corpus(bases: &[Article], extra: &[String], seed: u64) -> Vec<SynthDoc> {
    let mut rng = Rng::new(seed);
    let mut docs = Vec::new();
    for (i, b) in bases.iter().enumerate() {
        docs.push(SynthDoc {
            id: b.id.clone(),
            base: b.id.clone(),
            edits: vec![],
            text: b.text(),
        });
        if i % 2 == 0 {
            for v in 0..1 + rng.below(3) {
                docs.push(variant(b, format!("{}-v{v}", b.id), extra, &mut rng));
            }
        }
    }
    for i in (1..docs.len()).rev() {
        let j = rng.below(i + 1);
        docs.swap(i, j);
    }
    docs
}

#[test]
fn syndicated_variants_of_generated_articles() {
    let mut rng = Rng::new(42);
    let articles = pseudo_articles(460, &mut rng);
    let (bases, extra_articles) = articles.split_at(400);
    let extra: Vec<String> = extra_articles
        .iter()
        .flat_map(|a| a.paragraphs.clone())
        .collect();
    let docs = corpus(bases, &extra, 7);
    // Same-topic bases (every tenth article shares a topic) are the confusers.
    let report = scan(&docs);
    let s = score(&docs, &report, &HashSet::new());
    s.print("generated", docs.len());
    assert!(s.true_pairs > 150, "the corpus should plant many pairs");
    // Bases g_i and g_j with i = j (mod 10) share a topic vocabulary; none of
    // those pairs may be reported (variants included).
    let topic = |id: &str| {
        id.trim_start_matches('g')
            .split('-')
            .next()
            .and_then(|n| n.parse::<usize>().ok())
            .map(|n| n % 10)
    };
    let same_topic_bases = report["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| {
            let (a, b) = (p["a"].as_str().unwrap(), p["b"].as_str().unwrap());
            let (ba, bb) = (a.split('-').next().unwrap(), b.split('-').next().unwrap());
            ba != bb && topic(a) == topic(b)
        })
        .count();
    println!("  same-topic pairs of different bases reported: {same_topic_bases}");
    assert!(
        same_topic_bases <= 2,
        "{same_topic_bases} same-topic pairs reported"
    );
    assert!(s.recall >= 0.95, "recall {}", s.recall);
    assert!(s.precision >= 0.98, "precision {}", s.precision);
}

#[test]
fn syndicated_variants_of_real_newswire() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/reuters21578");
    let Some(stories) = reuters(&dir) else {
        println!(
            "SKIPPED: {} is absent; the Reuters-21578 accuracy test needs it",
            dir.display()
        );
        return;
    };
    let long: Vec<&_> = stories
        .iter()
        .filter(|s| s.paragraphs.iter().map(String::len).sum::<usize>() >= 1200)
        .collect();
    let bases: Vec<Article> = long
        .iter()
        .take(700)
        .map(|s| Article {
            id: s.id.clone(),
            paragraphs: s.paragraphs.clone(),
        })
        .collect();
    let extra: Vec<String> = long
        .iter()
        .skip(700)
        .take(300)
        .flat_map(|s| s.paragraphs.clone())
        .collect();
    // Reuters has natural copies among its own stories: find them on the
    // bases alone and leave their families out of the score.
    let base_docs: Vec<SynthDoc> = bases
        .iter()
        .map(|b| SynthDoc {
            id: b.id.clone(),
            base: b.id.clone(),
            edits: vec![],
            text: b.text(),
        })
        .collect();
    let natural = scan(&base_docs);
    let unknown: HashSet<String> = natural["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| {
            [
                p["a"].as_str().unwrap().to_string(),
                p["b"].as_str().unwrap().to_string(),
            ]
        })
        .collect();
    println!(
        "reuters: {} of {} bases have natural copies among the bases and are left out",
        unknown.len(),
        bases.len()
    );

    // Same-topic base pairs that are not natural copies must not be flagged.
    let topics: HashMap<&str, &Vec<String>> = long
        .iter()
        .take(700)
        .map(|s| (s.id.as_str(), &s.topics))
        .collect();
    let docs = corpus(&bases, &extra, 11);
    let report = scan(&docs);
    let s = score(&docs, &report, &unknown);
    s.print("reuters", docs.len());
    let same_topic_flagged = s
        .false_pairs
        .iter()
        .filter(
            |(a, b)| match (topics.get(a.as_str()), topics.get(b.as_str())) {
                (Some(x), Some(y)) => x.iter().any(|t| y.contains(t)),
                _ => false,
            },
        )
        .count();
    let clean_bases: Vec<&str> = bases
        .iter()
        .map(|b| b.id.as_str())
        .filter(|id| !unknown.contains(*id))
        .collect();
    let mut same_topic_pairs = 0usize;
    for i in 0..clean_bases.len() {
        for j in i + 1..clean_bases.len() {
            let (x, y) = (topics[clean_bases[i]], topics[clean_bases[j]]);
            if x.iter().any(|t| y.contains(t)) {
                same_topic_pairs += 1;
            }
        }
    }
    println!("reuters: {same_topic_flagged} of {same_topic_pairs} same-topic base pairs flagged");
    assert!(same_topic_pairs > 1000);
    assert_eq!(same_topic_flagged, 0);
    assert!(s.recall >= 0.95, "recall {}", s.recall);
    assert!(s.precision >= 0.98, "precision {}", s.precision);
}
