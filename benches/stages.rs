//! Criterion micro-benchmarks of each `reprint scan` stage: normalization,
//! shingling, signatures (per document and per MB) and verification on news
//! text built from samples/*.txt; the boilerplate mask, LSH bucketing,
//! clustering and a small end-to-end scan on a generated corpus with planted
//! variants; verifying a graph of word-only candidate pairs; writing the
//! JSON report; reading a JSONL feed of short stories. Run with
//! `cargo bench --bench stages`.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use reprint::boilerplate::{Mask, MaskConfig};
use reprint::cluster::{clusters, Edge};
use reprint::corpus::{read_inputs, Corpus, DocId, Document, ReadOptions};
use reprint::fingerprint::Fingerprinter;
use reprint::lsh::{candidates, Banding, Pair, DEFAULT_MAX_BUCKET, DEFAULT_THRESHOLD};
use reprint::minhash::{MinHasher, Signature};
use reprint::normalize::{normalize, normalize_joined_into};
use reprint::scan::{scan, verify_pairs, ScanConfig};
use reprint::shingle::Shingler;
use reprint::verify::{score_pairs, Overlap, Scores};
use std::borrow::Cow;
use std::time::Duration;
use synth::script::Script;
use synth::Rng;

/// Sentences of the bundled articles, the raw material of every document.
fn sample_sentences() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/samples");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("samples/ exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    paths.sort();
    let mut out = Vec::new();
    for p in paths {
        let text = std::fs::read_to_string(p).unwrap();
        for s in text.split_inclusive(['.', '\n']) {
            let s = s.trim();
            if s.split_whitespace().count() >= 4 {
                out.push(s.to_string());
            }
        }
    }
    out
}

/// `n` distinct news-length documents (about 4 KB): random runs of sample
/// sentences with one word in eight replaced from the corpus vocabulary, so
/// documents share phrases the way wire copy does but are not copies.
fn documents(n: usize, seed: u64) -> Vec<String> {
    let sentences = sample_sentences();
    let vocab: Vec<&str> = sentences
        .iter()
        .flat_map(|s| s.split_whitespace())
        .collect();
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|_| {
            let mut doc = String::with_capacity(4400);
            let mut i = rng.below(sentences.len());
            while doc.len() < 4000 {
                for w in sentences[i].split_whitespace() {
                    doc.push_str(if rng.below(8) == 0 {
                        vocab[rng.below(vocab.len())]
                    } else {
                        w
                    });
                    doc.push(' ');
                }
                doc.push('\n');
                i = if rng.below(4) == 0 {
                    rng.below(sentences.len())
                } else {
                    (i + 1) % sentences.len()
                };
            }
            doc
        })
        .collect()
}

/// A syndicated variant of `doc`: a few words edited and a tail cut off.
fn variant(doc: &str, rng: &mut Rng) -> String {
    let words: Vec<&str> = doc.split_whitespace().collect();
    let keep = words.len() * 4 / 5;
    words[..keep]
        .iter()
        .map(|w| if rng.below(30) == 0 { "edited" } else { w })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `n` documents of which about one in ten is a variant of an earlier one,
/// the rest distinct articles from the project's pseudo-news generator (the
/// one gen_corpus uses): corpus-level stages (LSH, scan) need documents that
/// do not all share the few sample sentences.
fn corpus_texts(n: usize) -> Vec<String> {
    let mut news = synth::PseudoNews::new(1);
    let mut rng = Rng::new(7);
    let mut docs: Vec<String> = Vec::with_capacity(n);
    for i in 0..n {
        if i >= 10 && i % 10 == 0 {
            let src = rng.below(i);
            let v = variant(&docs[src], &mut rng);
            docs.push(v);
        } else {
            docs.push(news.article(format!("b{i}"), i).text());
        }
    }
    docs
}

fn corpus_of(texts: &[String]) -> Corpus {
    let docs: Vec<Document> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| Document {
            id: format!("d{i}"),
            title: None,
            source: None,
            date: None,
            text: t.clone(),
            origin: Default::default(),
        })
        .collect();
    let bytes = texts.iter().map(|t| t.len() as u64).sum();
    Corpus {
        docs,
        bytes,
        ..Default::default()
    }
}

/// `docs` with the first " the " of each made " Zürich ".
fn accented(docs: &[String]) -> Vec<String> {
    docs.iter()
        .map(|d| d.replacen(" the ", " Zürich ", 1))
        .collect()
}

/// `docs` written in `script`, letter by letter (`synth::script`).
fn in_script(docs: &[String], script: Script) -> Vec<String> {
    docs.iter().map(|d| script.write(d)).collect()
}

fn bytes_of(texts: &[String]) -> u64 {
    texts.iter().map(|t| t.len() as u64).sum()
}

fn bench_normalize(c: &mut Criterion) {
    let docs = documents(64, 3);
    let mut g = c.benchmark_group("normalize");
    // The same documents as generated, with one accented letter each (as in
    // English copy naming Zürich or a café: the stream is then not ASCII),
    // and in Cyrillic, Urdu and Hindi letters (every letter non-ASCII; two,
    // two and three bytes).
    for (name, texts) in [
        ("joined_into/64docs", docs.clone()),
        ("joined_into/64docs_accented", accented(&docs)),
        (
            "joined_into/64docs_cyrillic",
            in_script(&docs, Script::Cyrillic),
        ),
        (
            "joined_into/64docs_arabic",
            in_script(&docs, Script::Arabic),
        ),
        (
            "joined_into/64docs_devanagari",
            in_script(&docs, Script::Devanagari),
        ),
    ] {
        g.throughput(Throughput::Bytes(bytes_of(&texts)));
        g.bench_function(name, |b| {
            let mut out = String::new();
            b.iter(|| {
                for d in &texts {
                    normalize_joined_into(black_box(d), &mut out);
                    black_box(&out);
                }
            })
        });
    }
    g.throughput(Throughput::Bytes(bytes_of(&docs)));
    g.bench_function("tokens/64docs", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(normalize(black_box(d)));
            }
        })
    });
    g.finish();
}

fn bench_shingle(c: &mut Criterion) {
    let docs = documents(64, 4);
    let sh = Shingler::default();
    let mut g = c.benchmark_group("shingle");
    for (name, texts) in [
        ("hashes_into/64docs", docs.clone()),
        ("hashes_into/64docs_accented", accented(&docs)),
        (
            "hashes_into/64docs_arabic",
            in_script(&docs, Script::Arabic),
        ),
    ] {
        let joined: Vec<String> = texts.iter().map(|d| normalize(d).joined()).collect();
        g.throughput(Throughput::Bytes(bytes_of(&texts)));
        g.bench_function(name, |b| {
            let mut out = Vec::new();
            b.iter(|| {
                for j in &joined {
                    out.clear();
                    sh.hashes_into(black_box(j), &mut out);
                    black_box(&out);
                }
            })
        });
    }
    g.finish();
}

fn bench_signature(c: &mut Criterion) {
    let docs = documents(256, 5);
    let sh = Shingler::default();
    let hashes = sh.hashes(&normalize(&docs[0]).joined());
    let mh = MinHasher::default();
    let fp = Fingerprinter::default();
    let mut g = c.benchmark_group("signature");
    g.throughput(Throughput::Elements(1));
    g.bench_function("sign/1doc", |b| {
        b.iter(|| black_box(mh.sign(black_box(&hashes))))
    });
    g.throughput(Throughput::Bytes(docs[0].len() as u64));
    g.bench_function("fingerprint/1doc", |b| {
        b.iter(|| black_box(fp.fingerprint(black_box(&docs[0]))))
    });
    // About 1 MB of text, one thread: the per-MB cost of fingerprinting.
    g.throughput(Throughput::Bytes(bytes_of(&docs)));
    g.bench_function("fingerprint/1MB", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(fp.fingerprint(black_box(d)));
            }
        })
    });
    g.finish();
}

/// The boilerplate mask of a corpus: every one of 4,096 documents sampled
/// (normalized, hashed, de-duplicated by slot) and its document frequencies
/// counted, as `scan` does for up to 20,000 documents before fingerprinting.
fn bench_mask(c: &mut Criterion) {
    let texts = corpus_texts(4096);
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let sh = Shingler::default();
    let config = MaskConfig::default();
    let mut g = c.benchmark_group("mask");
    g.throughput(Throughput::Elements(refs.len() as u64));
    g.bench_function("build/4k_docs", |b| {
        b.iter(|| black_box(Mask::build(black_box(&refs), &sh, &config)))
    });
    // Wire-copy shape: 20,000 stories of about 1 KB, all sampled.
    let short = short_texts(20_000);
    let short: Vec<&str> = short.iter().map(String::as_str).collect();
    g.throughput(Throughput::Elements(short.len() as u64));
    g.bench_function("build/20k_short_docs", |b| {
        b.iter(|| black_box(Mask::build(black_box(&short), &sh, &config)))
    });
    // What the mask costs the fingerprint pass: the same 256 documents
    // (about 1 MB) fingerprinted with the mask of the 4,096 and without it.
    let mask = Mask::build(&refs, &sh, &config);
    assert!(
        !mask.is_empty(),
        "the bench corpus has no boilerplate to mask"
    );
    let fp = Fingerprinter::default();
    let docs = &refs[..256];
    g.throughput(Throughput::Bytes(docs.iter().map(|d| d.len() as u64).sum()));
    for (name, m) in [
        ("fingerprint/1MB_masked", &mask),
        ("fingerprint/1MB_unmasked", &Mask::none()),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| {
                for d in docs {
                    black_box(fp.fingerprint_masked(black_box(d), m));
                }
            })
        });
    }
    g.finish();
}

/// `n` stories of about 1 KB (wire copy's length): `corpus_texts` cut at
/// the first line end after 1,000 bytes.
fn short_texts(n: usize) -> Vec<String> {
    corpus_texts(n)
        .into_iter()
        .map(|t| match t.get(1000..).and_then(|rest| rest.find('\n')) {
            Some(i) => t[..1000 + i].to_string(),
            None => t,
        })
        .collect()
}

/// Reading a JSONL feed: 20,000 records of about 1 KB (id, text with
/// escaped line ends and quotes, a title), parsed into documents.
fn bench_read(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("feed.jsonl");
    let mut feed = String::new();
    for (i, t) in short_texts(20_000).iter().enumerate() {
        let record = serde_json::json!({"id": format!("w{i}"), "title": "Story", "text": t});
        feed.push_str(&record.to_string());
        feed.push('\n');
    }
    std::fs::write(&path, &feed).expect("write feed");
    let mut g = c.benchmark_group("read");
    g.throughput(Throughput::Bytes(feed.len() as u64));
    g.bench_function("jsonl/20k_short_docs", |b| {
        b.iter(|| {
            black_box(read_inputs(
                std::slice::from_ref(&path),
                &ReadOptions::default(),
            ))
        })
    });
    g.finish();
}

fn bench_lsh(c: &mut Criterion) {
    let texts = corpus_texts(10_000);
    let fp = Fingerprinter::default();
    let sigs: Vec<Signature> = texts.iter().map(|t| fp.fingerprint(t).signature).collect();
    let docs: Vec<(DocId, &Signature)> = sigs
        .iter()
        .enumerate()
        .map(|(i, s)| (DocId(i as u32), s))
        .collect();
    let banding = Banding::optimal(DEFAULT_THRESHOLD, fp.minhasher.num_perm);
    let mut g = c.benchmark_group("lsh");
    g.throughput(Throughput::Elements(docs.len() as u64));
    g.bench_function("candidates/10k_docs", |b| {
        b.iter(|| black_box(candidates(black_box(&docs), banding, DEFAULT_MAX_BUCKET)))
    });
    // Every band key of every signature: the hashing `candidates` starts with.
    g.throughput(Throughput::Elements((docs.len() * banding.bands) as u64));
    g.bench_function("band_keys/10k_docs", |b| {
        b.iter(|| {
            let mut x = 0u64;
            for s in &sigs {
                for band in 0..banding.bands {
                    x ^= banding.band_key(black_box(s), band);
                }
            }
            black_box(x)
        })
    });
    g.finish();
}

fn bench_verify(c: &mut Criterion) {
    let docs = documents(2, 6);
    let mut rng = Rng::new(9);
    let copy = variant(&docs[0], &mut rng);
    let hashes = |t: &str| Shingler::default().hashes(&normalize(t).joined());
    let (a, b2, other) = (hashes(&docs[0]), hashes(&copy), hashes(&docs[1]));
    let fp = Fingerprinter::default();
    let none = Mask::none();
    let mut g = c.benchmark_group("verify");
    g.throughput(Throughput::Elements(1));
    // B's hashes against A's table (built once): the per-pair work past
    // shingling.
    let mut overlap = Overlap::default();
    overlap.set_a(&a);
    g.bench_function("scores/variant_pair", |b| {
        b.iter(|| black_box(overlap.scores(black_box(&b2))))
    });
    g.bench_function("scores/unrelated_pair", |b| {
        b.iter(|| black_box(overlap.scores(black_box(&other))))
    });
    // A whole pair from its two texts, as `scan` verifies one.
    let pair = [(0usize, 1usize)];
    let texts = [docs[0].as_str(), copy.as_str()];
    g.bench_function("score_pairs/variant_pair", |b| {
        b.iter(|| {
            black_box(score_pairs(
                &fp,
                &none,
                black_box(&pair),
                &|i| Cow::Borrowed(texts[i]),
                &|i| Some(Cow::Borrowed(texts[i])),
            ))
        })
    });
    g.throughput(Throughput::Bytes(docs[0].len() as u64));
    g.bench_function("distinct_shingles/1doc", |b| {
        b.iter(|| black_box(fp.distinct_shingles_masked(black_box(&docs[0]), &none)))
    });
    g.bench_function("set_a/1doc", |b| b.iter(|| overlap.set_a(black_box(&a))));
    g.finish();
}

/// Candidate pairs shaped like the word signature's: groups of 20 documents
/// sharing a passage (every two of a group a pair), each group joined to
/// the next and every document to one hub story, so the whole is one
/// component too large to hold at once.
fn word_pair_graph(groups: u32) -> Vec<Pair> {
    let size = 20;
    let hub = DocId(groups * size);
    let mut pairs = Vec::new();
    for g in 0..groups {
        let first = g * size;
        for a in first..first + size {
            pairs.extend((a + 1..first + size).map(|b| Pair::new(DocId(a), DocId(b))));
            pairs.push(Pair::new(DocId(a), hub));
        }
        if g > 0 {
            pairs.push(Pair::new(DocId(first - 1), DocId(first)));
        }
    }
    pairs.sort_unstable();
    pairs
}

fn bench_verify_pairs(c: &mut Criterion) {
    let groups = 30;
    let corpus = corpus_of(&corpus_texts(groups as usize * 20 + 1));
    let pairs = word_pair_graph(groups);
    let config = ScanConfig::default();
    let mut g = c.benchmark_group("verify");
    g.throughput(Throughput::Elements(pairs.len() as u64));
    g.bench_function("verify_pairs/601_docs_one_component", |b| {
        b.iter(|| {
            black_box(verify_pairs(
                &corpus,
                &config,
                &Mask::none(),
                black_box(&pairs),
                reprint::progress::Progress::hidden(),
            ))
        })
    });
    g.finish();
}

fn bench_report(c: &mut Criterion) {
    let texts = corpus_texts(5_000);
    let corpus = corpus_of(&texts);
    let result = scan(
        &corpus,
        &ScanConfig::default(),
        reprint::progress::Progress::hidden(),
    );
    let mut g = c.benchmark_group("report");
    g.throughput(Throughput::Elements(result.matches.len() as u64));
    for (name, format) in [
        ("json/5k_docs", reprint::report::Format::Json),
        ("jsonl/5k_docs", reprint::report::Format::Jsonl),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| {
                let mut out = Vec::with_capacity(1 << 20);
                reprint::report::write_scan(&mut out, format, &corpus, &result, false).unwrap();
                black_box(out)
            })
        });
    }
    g.finish();
}

fn bench_cluster(c: &mut Criterion) {
    let n = 100_000;
    let corpus = corpus_of(&vec![String::from("x"); n]);
    let mut rng = Rng::new(11);
    let edges: Vec<Edge> = (0..20_000)
        .map(|_| {
            let a = rng.below(n - 1);
            let b = a + 1 + rng.below((n - a - 1).min(50));
            Edge {
                a: DocId(a as u32),
                b: DocId(b as u32),
                scores: Scores::from_counts(3000, 2800, 2500),
                origin: None,
            }
        })
        .collect();
    let mut g = c.benchmark_group("cluster");
    g.throughput(Throughput::Elements(edges.len() as u64));
    g.bench_function("clusters/100k_docs_20k_edges", |b| {
        b.iter(|| black_box(clusters(black_box(&corpus), black_box(&edges))))
    });
    g.finish();
}

fn bench_scan(c: &mut Criterion) {
    let texts = corpus_texts(5_000);
    let corpus = corpus_of(&texts);
    let config = ScanConfig::default();
    let mut g = c.benchmark_group("scan");
    g.throughput(Throughput::Bytes(corpus.bytes));
    g.bench_function("end_to_end/5k_docs", |b| {
        b.iter(|| {
            black_box(scan(
                black_box(&corpus),
                &config,
                reprint::progress::Progress::hidden(),
            ))
        })
    });
    g.finish();
}

criterion_group! {
    name = stages;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = bench_normalize, bench_shingle, bench_signature, bench_mask, bench_lsh,
        bench_verify, bench_verify_pairs, bench_cluster, bench_scan, bench_report, bench_read
}
criterion_main!(stages);
