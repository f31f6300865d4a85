//! Accuracy of the real `reprint scan` binary, default settings, on corpora
//! from `synth`: precision and recall of reported pairs against the
//! ground truth, recall per pair kind and per edit, and same-topic negatives.

mod common;

use common::{reprint, reuters_dir, samples};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;
use synth::devset::Level;
use synth::{
    kind_of, make_variant, Config, Edit, ExtraPool, Filler, Generator, PairKind, Pool, Rng,
    SynthDoc,
};

/// Run `reprint scan FILE --format json --quiet` on the documents.
fn scan(docs: &[SynthDoc]) -> Value {
    let dir = common::tempdir();
    let path = dir.path().join("corpus.jsonl");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    for d in docs {
        serde_json::to_writer(&mut f, d).unwrap();
        f.write_all(b"\n").unwrap();
    }
    f.flush().unwrap();
    drop(f);
    let out = reprint()
        .arg("scan")
        .arg(&path)
        .args(["--format", "json", "--quiet"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "scan failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["documents"].as_u64(), Some(docs.len() as u64));
    report
}

type Key = (String, String);

fn key(a: &str, b: &str) -> Key {
    if a < b {
        (a.to_string(), b.to_string())
    } else {
        (b.to_string(), a.to_string())
    }
}

/// A document of a test corpus and where it came from.
struct Doc {
    doc: SynthDoc,
    base: String,
    topic: String,
    edits: Vec<Edit>,
}

/// Truth: every two documents of one base, with the kind of the pair.
fn truth(docs: &[Doc]) -> HashMap<Key, PairKind> {
    let mut families: BTreeMap<&str, Vec<&Doc>> = BTreeMap::new();
    for d in docs {
        families.entry(&d.base).or_default().push(d);
    }
    let mut t = HashMap::new();
    for fam in families.values() {
        for (i, x) in fam.iter().enumerate() {
            for y in &fam[i + 1..] {
                let kind = match (x.edits.is_empty(), y.edits.is_empty()) {
                    (true, false) => kind_of(&y.edits),
                    (false, true) => kind_of(&x.edits),
                    _ => PairKind::Sibling,
                };
                t.insert(key(&x.doc.id, &y.doc.id), kind);
            }
        }
    }
    t
}

fn reported(report: &Value) -> HashSet<Key> {
    report["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| key(p["a"].as_str().unwrap(), p["b"].as_str().unwrap()))
        .collect()
}

struct Score {
    recall: f64,
    precision: f64,
    false_pairs: Vec<Key>,
}

/// Precision and recall, with recall per pair kind and per edit printed.
fn score(label: &str, docs: &[Doc], report: &Value) -> Score {
    let truth = truth(docs);
    let found = reported(report);
    let tp = found.iter().filter(|k| truth.contains_key(*k)).count();
    let mut per_kind: BTreeMap<PairKind, (usize, usize)> = BTreeMap::new();
    for (k, kind) in &truth {
        let e = per_kind.entry(*kind).or_default();
        e.1 += 1;
        e.0 += found.contains(k) as usize;
    }
    // Per edit: base-variant pairs whose variant has that edit.
    let by_id: HashMap<&str, &Doc> = docs.iter().map(|d| (d.doc.id.as_str(), d)).collect();
    let mut per_edit: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for k in truth.keys() {
        let (x, y) = (by_id[k.0.as_str()], by_id[k.1.as_str()]);
        let variant = match (x.edits.is_empty(), y.edits.is_empty()) {
            (true, false) => y,
            (false, true) => x,
            _ => continue,
        };
        for e in &variant.edits {
            let s = per_edit.entry(e.as_str()).or_default();
            s.1 += 1;
            s.0 += found.contains(k) as usize;
        }
    }
    let mut false_pairs: Vec<Key> = found
        .iter()
        .filter(|k| !truth.contains_key(*k))
        .cloned()
        .collect();
    false_pairs.sort();
    let s = Score {
        recall: tp as f64 / truth.len().max(1) as f64,
        precision: tp as f64 / found.len().max(1) as f64,
        false_pairs,
    };
    println!(
        "{label}: {} docs, {} true pairs, {} reported: recall {:.4}, precision {:.4}",
        docs.len(),
        truth.len(),
        found.len(),
        s.recall,
        s.precision
    );
    for (k, (f, n)) in &per_kind {
        println!("  recall {:<10} {f}/{n}", k.as_str());
    }
    for (e, (f, n)) in &per_edit {
        println!("  recall with edit {e:<12} {f}/{n}");
    }
    if !s.false_pairs.is_empty() {
        println!(
            "  false pairs: {:?}",
            &s.false_pairs[..s.false_pairs.len().min(10)]
        );
    }
    let missed: Vec<(&Key, &str)> = truth
        .iter()
        .filter(|(k, _)| !found.contains(*k))
        .map(|(k, kind)| (k, kind.as_str()))
        .take(10)
        .collect();
    if !missed.is_empty() {
        println!("  missed: {missed:?}");
    }
    s
}

/// Reported pairs between different families whose bases share a topic
/// (and are not filler), and how many such base pairs exist.
fn same_topic_flags(docs: &[Doc], report: &Value) -> (usize, usize) {
    let by_id: HashMap<&str, &Doc> = docs.iter().map(|d| (d.doc.id.as_str(), d)).collect();
    let real = |d: &Doc| !d.topic.is_empty() && !d.topic.starts_with("filler-");
    let flagged = reported(report)
        .iter()
        .filter(|(a, b)| {
            let (x, y) = (by_id[a.as_str()], by_id[b.as_str()]);
            x.base != y.base && real(x) && x.topic == y.topic
        })
        .count();
    let mut per_topic: HashMap<&str, usize> = HashMap::new();
    for d in docs.iter().filter(|d| d.edits.is_empty() && real(d)) {
        *per_topic.entry(&d.topic).or_default() += 1;
    }
    let pairs = per_topic.values().map(|n| n * (n - 1) / 2).sum();
    (flagged, pairs)
}

/// Samples corpus: the (deduplicated) sample articles, all on Russia's arms
/// industry, each with six variants, among filler articles written from the
/// samples' words, a third of which get a variant too.
#[test]
fn syndicated_variants_of_the_samples() {
    let config = Config::default();
    let samples = samples();
    let pool = Pool::samples(&samples, &config).unwrap();
    assert_eq!(
        pool.dropped.len(),
        1,
        "the repost is a copy of the Telegraph piece"
    );
    assert!(pool.bases.len() >= 4);
    let filler = Filler::new(&pool.bases).unwrap();
    let mut extra = ExtraPool::new(vec![], Some(filler.clone()));
    let mut rng = Rng::new(2026);
    let mut docs = Vec::new();
    let mut push = |docs: &mut Vec<Doc>, base: &synth::BaseArticle, n: usize, rng: &mut Rng| {
        docs.push(Doc {
            doc: SynthDoc {
                id: base.id.clone(),
                title: base.title.clone(),
                source: "wire".into(),
                date: base.date.clone(),
                text: base.text(),
            },
            base: base.id.clone(),
            topic: base.topic.clone(),
            edits: vec![],
        });
        for v in 0..n {
            let var = make_variant(base, &mut extra, rng);
            docs.push(Doc {
                doc: SynthDoc {
                    id: format!("{}-v{v}", base.id),
                    title: var.title,
                    source: "outlet".into(),
                    date: base.date.clone(),
                    text: var.text,
                },
                base: base.id.clone(),
                topic: base.topic.clone(),
                edits: var.edits,
            });
        }
    };
    for b in &pool.bases {
        push(&mut docs, b, 6, &mut rng);
    }
    for i in 0..150 {
        let len = rng.range(2000, 8000);
        let b = filler.article(
            format!("filler{i}"),
            "2026-01-01T00:00:00Z".into(),
            len,
            &mut rng,
        );
        let n = usize::from(i % 3 == 0);
        push(&mut docs, &b, n, &mut rng);
    }
    let report = scan(&docs.iter().map(|d| d.doc.clone()).collect::<Vec<_>>());
    let s = score("samples", &docs, &report);
    let (flagged, pairs) = same_topic_flags(&docs, &report);
    println!("samples: {flagged} of {pairs} same-topic base pairs flagged");
    assert!(pairs >= 6);
    assert_eq!(flagged, 0, "different articles on one topic were paired");
    assert!(s.recall >= 0.95, "recall {}", s.recall);
    assert!(s.precision >= 0.98, "precision {}", s.precision);
}

fn generated(pool: Pool, config: Config, n: usize) -> Vec<Doc> {
    Generator::new(pool, config)
        .take(n)
        .map(|g| Doc {
            doc: g.doc,
            base: g.base,
            topic: g.topic,
            edits: g.edits,
        })
        .collect()
}

/// Reuters corpus: news-length bases glued from deduplicated stories of one
/// topic, 40% of documents variants of a recent base.
#[test]
#[ignore = "needs ../shared/data/reuters21578"]
fn syndicated_variants_of_real_newswire() {
    let config = Config {
        seed: 7,
        variant_share: 0.4,
        ..Config::default()
    };
    let pool = Pool::reuters(&reuters_dir(), &config)
        .unwrap()
        .expect("Reuters-21578 stories in ../shared/data/reuters21578");
    let docs = generated(pool, config, 3000);
    assert!(
        docs.iter().all(|d| !d.topic.starts_with("filler-")),
        "all bases real"
    );
    let report = scan(&docs.iter().map(|d| d.doc.clone()).collect::<Vec<_>>());
    let s = score("reuters", &docs, &report);
    let (flagged, pairs) = same_topic_flags(&docs, &report);
    println!("reuters: {flagged} of {pairs} same-topic base pairs flagged");
    assert!(pairs > 10_000);
    assert!(flagged <= 2, "{flagged} same-topic pairs flagged");
    assert!(s.recall >= 0.95, "recall {}", s.recall);
    assert!(s.precision >= 0.98, "precision {}", s.precision);
}

/// Every deduplicated Reuters story as its own document: none derives from
/// another, so any pair, above all among stories of one topic ("earn",
/// "acq", "crude": templated, same vocabulary), is a false positive.
#[test]
#[ignore = "needs ../shared/data/reuters21578"]
fn same_topic_reuters_stories_are_not_paired() {
    let config = Config {
        reserve_share: 0.0,
        ..Config::default()
    };
    let stories = synth::reuters_stories(&reuters_dir(), 300)
        .unwrap()
        .expect("Reuters-21578 stories in ../shared/data/reuters21578");
    let pool = Pool::build(stories, &config, false);
    let docs: Vec<Doc> = pool
        .bases
        .into_iter()
        .map(|b| Doc {
            doc: SynthDoc {
                id: b.id.clone(),
                title: b.title.clone(),
                source: "wire".into(),
                date: b.date.clone(),
                text: b.text(),
            },
            base: b.id,
            topic: b.topic,
            edits: vec![],
        })
        .collect();
    let report = scan(&docs.iter().map(|d| d.doc.clone()).collect::<Vec<_>>());
    let all = reported(&report).len();
    let (flagged, pairs) = same_topic_flags(&docs, &report);
    let rate = flagged as f64 / pairs.max(1) as f64;
    println!(
        "reuters stories: {} docs, {all} pairs reported, {flagged} of {pairs} same-topic pairs flagged (rate {rate:.2e})",
        docs.len()
    );
    // Rewrites by alignment alone: containment under `--rewrite` (0.2).
    let by_alignment = report["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| {
            let c = |k: &str| p[k].as_f64().unwrap_or(0.0);
            p["relation"] == "rewrite" && c("containment_a_in_b").max(c("containment_b_in_a")) < 0.2
        })
        .count();
    println!("  of them rewrites by alignment alone: {by_alignment}");
    for p in report["pairs"].as_array().unwrap().iter().take(10) {
        println!("  {p}");
    }
    // Measured 129 of 2,998,461 (4.3e-5) and 572 pairs in all, 311 of them
    // by alignment alone: distinct Reuters stories do share text (templated
    // notices, reissued paragraphs), which the word candidates now reach.
    assert!(pairs > 1_000_000, "{pairs}");
    assert!(rate <= 1e-4, "same-topic false positive rate {rate}");
    assert!(all <= docs.len() / 15, "{all} pairs among distinct stories");
}

/// The development set of `synth::devset`: Reuters stories with
/// one variant each at a known level (light to paraphrase, partial), and
/// same-event negatives. Prints recall, precision and candidate recall per
/// level and the negatives' false-flag rate at default settings; asserts
/// the floors in docs/design/accuracy.md. The same set is then scored
/// written in Cyrillic and in Urdu letters (`synth::script`), against the
/// same floors: nothing but the spelling folds may depend on Latin script.
#[test]
#[ignore = "needs ../shared/data/reuters21578"]
fn development_set_levels_and_same_event_negatives() {
    use synth::devset::{DevConfig, DevSet};
    use synth::script::Script;
    let set = DevSet::reuters(&reuters_dir(), DevConfig::default())
        .unwrap()
        .unwrap_or_else(|| panic!("{} is absent", reuters_dir().display()));
    for script in Script::ALL {
        println!("devset in {} script", script.name());
        development_set(&set.clone().in_script(script), script);
    }
}

/// Score one development set (see above) and assert its floors.
fn development_set(set: &synth::devset::DevSet, script: synth::script::Script) {
    let docs: Vec<SynthDoc> = set.docs.iter().map(|d| d.doc.clone()).collect();
    let report = scan(&docs);
    let found = reported(&report);
    let cands = candidate_pairs(&docs, true);
    let char_cands = candidate_pairs(&docs, false);
    let family: HashMap<&str, usize> = set
        .docs
        .iter()
        .map(|d| (d.doc.id.as_str(), d.family))
        .collect();
    let level: HashMap<&str, Level> = set
        .docs
        .iter()
        .filter_map(|d| Some((d.doc.id.as_str(), d.level?)))
        .collect();
    let base_of: HashMap<usize, &str> = set
        .docs
        .iter()
        .filter(|d| d.level.is_none())
        .map(|d| (d.family, d.doc.id.as_str()))
        .collect();
    // Per level: (true pairs, flagged, candidates, reported touching, true
    // reported touching, character-shingle candidates alone).
    let mut per: BTreeMap<Level, [usize; 6]> = BTreeMap::new();
    for d in set.docs.iter().filter(|d| d.level.is_some()) {
        let k = key(base_of[&d.family], &d.doc.id);
        let e = per.entry(d.level.unwrap()).or_default();
        e[0] += 1;
        e[1] += found.contains(&k) as usize;
        e[2] += cands.contains(&k) as usize;
        e[5] += char_cands.contains(&k) as usize;
    }
    let mut true_reported = 0;
    for (a, b) in &found {
        let t = family[a.as_str()] == family[b.as_str()];
        true_reported += t as usize;
        for id in [a, b] {
            if let Some(l) = level.get(id.as_str()) {
                let e = per.entry(*l).or_default();
                e[3] += 1;
                e[4] += t as usize;
            }
        }
    }
    let shares: Vec<f64> = set
        .docs
        .iter()
        .filter(|d| d.level == Some(Level::Paraphrase))
        .map(|d| d.synonym_share)
        .collect();
    println!(
        "devset: {} docs, {} reported pairs, precision {:.4}; paraphrase synonym share mean {:.3}",
        docs.len(),
        found.len(),
        true_reported as f64 / found.len().max(1) as f64,
        shares.iter().sum::<f64>() / shares.len().max(1) as f64
    );
    let rate = |n: usize, d: usize| n as f64 / d.max(1) as f64;
    let mut recall = BTreeMap::new();
    let mut cand_recall = BTreeMap::new();
    for (l, [n, f, c, r, t, cc]) in &per {
        println!(
            "  {:<10} pairs {n:>4}  flagged {:.4}  candidates {:.4} (characters alone {:.4})  precision {:.4}",
            l.as_str(),
            rate(*f, *n),
            rate(*c, *n),
            rate(*cc, *n),
            rate(*t, *r)
        );
        recall.insert(*l, rate(*f, *n));
        cand_recall.insert(*l, rate(*c, *n));
    }
    // Same-event negatives: every pair of documents of two families whose
    // base stories share a company or event.
    let mut members: HashMap<usize, Vec<&str>> = HashMap::new();
    for d in &set.docs {
        members.entry(d.family).or_default().push(&d.doc.id);
    }
    let (mut neg, mut neg_flagged, mut neg_cands) = (0usize, 0usize, 0usize);
    let docs_n = docs.len() as f64;
    println!(
        "  candidates per document: {:.2} (characters alone {:.2})",
        cands.len() as f64 / docs_n,
        char_cands.len() as f64 / docs_n
    );
    for (x, y) in &set.same_event {
        for a in &members[x] {
            for b in &members[y] {
                let k = key(a, b);
                neg += 1;
                neg_flagged += found.contains(&k) as usize;
                neg_cands += cands.contains(&k) as usize;
            }
        }
    }
    let neg_rate = rate(neg_flagged, neg);
    println!(
        "  same-event negatives: {neg} pairs ({} family pairs), flagged {neg_flagged} (rate {neg_rate:.4}), candidates {neg_cands}",
        set.same_event.len()
    );
    let syndication: [usize; 2] = [Level::Light, Level::Heavy, Level::Harsh]
        .iter()
        .map(|l| per[l])
        .fold([0, 0], |acc, e| [acc[0] + e[0], acc[1] + e[1]]);
    println!(
        "  syndication (light+heavy+harsh) recall {:.4}",
        rate(syndication[1], syndication[0])
    );
    assert!(neg > 1000, "{neg} same-event pairs");
    assert!(per.values().all(|e| e[0] >= 200), "{per:?}");
    // Unspaced text (each Han character a token): a 12-character shingle
    // spans about 6 words, so a lightly paraphrased part of a story keeps
    // too few shingles, and partial derivations are found at 0.43, not 0.76
    // (benches/results/2026-12-07-scripts.md): a known gap, held here.
    let unspaced = script == synth::script::Script::Han;
    let partial = |l: &Level, floor: f64, han: f64| {
        if unspaced && *l == Level::Partial {
            han
        } else {
            floor
        }
    };
    for (l, floor) in FLOORS {
        let floor = &partial(l, *floor, 0.40);
        assert!(
            recall[l] >= *floor,
            "{} recall {} < {floor}",
            l.as_str(),
            recall[l]
        );
    }
    for (l, floor) in CANDIDATE_FLOORS {
        let floor = &partial(l, *floor, 0.70);
        assert!(
            cand_recall[l] >= *floor,
            "{} candidate recall {} < {floor}",
            l.as_str(),
            cand_recall[l]
        );
    }
    assert!(
        rate(true_reported, found.len()) >= PRECISION_FLOOR,
        "precision {}",
        rate(true_reported, found.len())
    );
    assert!(
        neg_rate <= NEGATIVE_CEILING,
        "same-event false flags {neg_rate}"
    );
}

/// Floors of the development set at default settings: measured recall
/// (light 1.0, heavy 0.9967, harsh 0.9967, paraphrase 1.0, partial 0.7575;
/// benches/results/2026-12-06-word-candidates.md) less a margin.
const FLOORS: &[(Level, f64)] = &[
    (Level::Light, 0.99),
    (Level::Heavy, 0.98),
    (Level::Harsh, 0.98),
    (Level::Paraphrase, 0.97),
    (Level::Partial, 0.70),
];
/// Candidate recall at defaults, word signature included (measured 1.0,
/// 1.0, 1.0, 1.0, 0.794).
const CANDIDATE_FLOORS: &[(Level, f64)] = &[
    (Level::Light, 0.99),
    (Level::Heavy, 0.99),
    (Level::Harsh, 0.99),
    (Level::Paraphrase, 0.99),
    (Level::Partial, 0.75),
];
/// Measured 0.9755: the rest are real reuse between Reuters stories that
/// the word candidates let in (templated notices, reissued paragraphs).
const PRECISION_FLOOR: f64 = 0.96;
/// Measured 25 of 111,043 (0.0002).
const NEGATIVE_CEILING: f64 = 0.002;

/// The candidate pairs a default scan verifies (exact copies included), by
/// user id; `words: true` adds the word signature (`--word-candidates`).
fn candidate_pairs(docs: &[SynthDoc], words: bool) -> HashSet<Key> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("corpus.jsonl");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    for d in docs {
        serde_json::to_writer(&mut f, d).unwrap();
        f.write_all(b"\n").unwrap();
    }
    drop(f);
    let corpus =
        reprint::corpus::read_inputs(&[path], &reprint::corpus::ReadOptions::default()).unwrap();
    let config = reprint::scan::ScanConfig {
        words: words.then(reprint::wordsig::WordSigner::default),
        ..Default::default()
    };
    let found =
        reprint::scan::candidate_pairs(&corpus, &config, reprint::progress::Progress::hidden());
    found
        .iter()
        .map(|p| key(&corpus.get(p.a).id, &corpus.get(p.b).id))
        .collect()
}
