//! The scaled-out chain end to end on Spark in local mode: `reprint sign`
//! (sharded) -> spark/candidates.py -> `reprint verify` -> spark/clusters.py
//! gives the pairs and clusters of `reprint scan`, on the samples and on
//! generated corpora. Needs the venv of spark/setup.sh: skips without it,
//! fails without it when CI is set.

mod common;

use common::{reprint, root};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use synth::{Config, Generator, Pool};

/// spark-submit of the venv, or None (skip) outside CI.
fn spark_submit() -> Option<PathBuf> {
    let venv = std::env::var_os("REPRINT_SPARK_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join(".venv-spark"));
    let bin = venv.join("bin/spark-submit");
    let java = Command::new("java").arg("-version").output().is_ok();
    if bin.is_file() && java {
        return Some(bin);
    }
    let why = format!(
        "{} is missing{} (run spark/setup.sh)",
        bin.display(),
        if java { "" } else { " or java is not on PATH" }
    );
    if common::under_ci() {
        panic!("CI is set and the Spark chain cannot run: {why}");
    }
    println!("SKIPPED: the Spark chain test needs PySpark: {why}");
    None
}

fn run(cmd: &mut Command, what: &str) -> Vec<u8> {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn submit(spark: &Path, script: &str, args: &[&Path], extra: &[&str]) -> Value {
    // spark-submit finds Spark and runs the job with the venv's python.
    let bin = spark.parent().expect("spark-submit is in a folder");
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut paths = vec![bin.to_path_buf()];
    paths.extend(std::env::split_paths(&path));
    let mut cmd = Command::new(spark);
    cmd.env("PATH", std::env::join_paths(paths).unwrap())
        .env("PYSPARK_PYTHON", bin.join("python"))
        .env("PYSPARK_DRIVER_PYTHON", bin.join("python"));
    cmd.args([
        "--master",
        "local[2]",
        "--conf",
        "spark.sql.shuffle.partitions=4",
        "--conf",
        "spark.ui.enabled=false",
    ])
    .arg(root().join("spark").join(script))
    .args(args)
    .args(extra);
    let stdout = run(&mut cmd, script);
    // The job's summary is its last line of stdout.
    let text = String::from_utf8_lossy(&stdout);
    let last = text
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .unwrap_or("{}");
    serde_json::from_str(last).unwrap_or(Value::Null)
}

/// (a, b) -> (relation, jaccard, c_ab, c_ba, shingles_a, shingles_b, shared)
type Pairs = BTreeMap<(String, String), (String, [f64; 3], [u64; 3])>;

fn pair_map<'a>(records: impl Iterator<Item = &'a Value>) -> Pairs {
    records
        .map(|p| {
            let s = |k: &str| {
                p[k].as_str()
                    .unwrap_or_else(|| panic!("{k} in {p}"))
                    .to_string()
            };
            let f = |k: &str| p[k].as_f64().unwrap_or_else(|| panic!("{k} in {p}"));
            let n = |k: &str| p[k].as_u64().unwrap_or_else(|| panic!("{k} in {p}"));
            (
                (s("a"), s("b")),
                (
                    s("relation"),
                    [
                        f("jaccard"),
                        f("containment_a_in_b"),
                        f("containment_b_in_a"),
                    ],
                    [n("shingles_a"), n("shingles_b"), n("shared")],
                ),
            )
        })
        .collect()
}

/// (members, representative) in the order given.
fn cluster_list<'a>(records: impl Iterator<Item = &'a Value>) -> Vec<(Vec<String>, String)> {
    records
        .map(|c| {
            let members = c["members"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m.as_str().unwrap().to_string())
                .collect();
            (members, c["representative"].as_str().unwrap().to_string())
        })
        .collect()
}

/// `reprint scan INPUTS --format json OPTIONS`.
fn scan_json(inputs: &[PathBuf], options: &[&str]) -> Value {
    serde_json::from_slice(&run(
        reprint()
            .arg("scan")
            .args(inputs)
            .args(["--format", "json", "--quiet"])
            .args(options),
        "reprint scan",
    ))
    .unwrap()
}

/// Run scan and the chain on `inputs` with `options`, signing in `shards`
/// processes, and check both give the same pairs and clusters (the chain's
/// pairs are returned).
fn chain_equals_scan(spark: &Path, inputs: &[PathBuf], options: &[&str], shards: usize) -> Pairs {
    let scan = scan_json(inputs, options);
    let work = common::tempdir();
    let (sigs, pairs) = (work.path().join("sigs"), work.path().join("pairs"));
    let (verified, clusters) = (
        work.path().join("verified.jsonl"),
        work.path().join("clusters"),
    );
    // The shards run at once, as on a cluster.
    let children: Vec<_> = (0..shards)
        .map(|i| {
            reprint()
                .arg("sign")
                .args(inputs)
                .arg("--out")
                .arg(&sigs)
                .args(["--shard", &format!("{i}/{shards}"), "--quiet"])
                .args(options)
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success(), "reprint sign failed");
    }
    let summary = submit(spark, "candidates.py", &[&sigs, &pairs], &[]);
    for key in ["candidates", "word_candidates", "word_candidates_cut"] {
        assert_eq!(
            summary[key].as_u64(),
            scan["stats"][key].as_u64(),
            "{key}: {summary} vs {}",
            scan["stats"]
        );
    }
    assert_eq!(
        summary["exact_copies"].as_u64(),
        scan["stats"]["exact_copies"].as_u64()
    );
    assert_eq!(
        summary["skipped_buckets"].as_u64(),
        scan["stats"]["skipped_buckets"].as_u64()
    );
    let out = run(
        reprint()
            .arg("verify")
            .arg(&pairs)
            .arg("--corpus")
            .args(inputs)
            .args(["--format", "jsonl", "--quiet"])
            .args(options),
        "reprint verify",
    );
    std::fs::write(&verified, &out).unwrap();
    let records: Vec<Value> = out
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect();
    let want = pair_map(scan["pairs"].as_array().unwrap().iter());
    let got = pair_map(records.iter());
    assert_eq!(got.len(), want.len(), "number of pairs");
    for (key, (rel, scores, counts)) in &want {
        let (grel, gscores, gcounts) = got
            .get(key)
            .unwrap_or_else(|| panic!("scan's pair {key:?} missing from the chain"));
        assert_eq!(grel, rel, "{key:?}");
        assert_eq!(gcounts, counts, "{key:?}");
        for (g, w) in gscores.iter().zip(scores) {
            assert!((g - w).abs() < 1e-9, "{key:?}: {gscores:?} vs {scores:?}");
        }
    }

    submit(
        spark,
        "clusters.py",
        &[&verified, &clusters],
        &["--sigs", sigs.to_str().unwrap()],
    );
    let mut lines = Vec::new();
    let mut parts: Vec<PathBuf> = std::fs::read_dir(&clusters)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("part-")
        })
        .collect();
    parts.sort();
    for p in parts {
        for l in std::fs::read_to_string(p).unwrap().lines() {
            lines.push(serde_json::from_str::<Value>(l).unwrap());
        }
    }
    lines.sort_by_key(|c| c["id"].as_u64());
    let want = cluster_list(scan["clusters"].as_array().unwrap().iter());
    let got = cluster_list(lines.iter());
    assert_eq!(
        got, want,
        "clusters (members in input order, representative)"
    );
    println!(
        "chain == scan: {} documents, {} pairs, {} clusters, {} word candidates, {} masked slots, {} skipped buckets, {} shard(s), options {options:?}",
        scan["documents"],
        records.len(),
        got.len(),
        scan["stats"]["word_candidates"],
        scan["stats"]["mask"]["masked_slots"],
        scan["stats"]["skipped_buckets"],
        shards
    );
    pair_map(records.iter())
}

fn write_generated(dir: &Path, n: usize, seed: u64) -> PathBuf {
    let config = Config {
        seed,
        ..Config::default()
    };
    let pool = Pool::samples(&root().join("samples"), &config).unwrap();
    let path = dir.join(format!("generated-{n}-{seed}.jsonl"));
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    for g in Generator::new(pool, config).take(n) {
        serde_json::to_writer(&mut f, &g.doc).unwrap();
        f.write_all(b"\n").unwrap();
    }
    f.flush().unwrap();
    path
}

#[test]
fn spark_chain_gives_scans_pairs_and_clusters() {
    let Some(spark) = spark_submit() else { return };
    // The bundled samples: five articles and a feed.
    chain_equals_scan(&spark, &[root().join("samples")], &[], 1);
    // A generated corpus: copies, rewrites, boilerplate; signed in 3 shards,
    // with a mask small enough to mask its recurring boilerplate.
    let dir = common::tempdir();
    let corpus = write_generated(dir.path(), 3000, 11);
    chain_equals_scan(
        &spark,
        std::slice::from_ref(&corpus),
        &["--mask-min-docs", "20"],
        3,
    );
    // Tight bucket cap: buckets are skipped and exact-copy groups capped.
    chain_equals_scan(&spark, &[corpus], &["--max-bucket", "3"], 2);
}

/// A made-up story whose words no generated document uses.
const STORY: &str = "Fishermen in the northern harbour town of Kelvary returned empty-handed for a third straight week on Thursday, as an unusually warm current pushed the autumn herring shoals far beyond the reach of the village's small trawlers. Harbourmaster Agnes Tollund said forty-two boats had gone out before dawn and every one had come back with less than a tenth of a normal catch. The cooperative that buys the fish has already laid off nine packers at its smokehouse on Quay Street, and the mayor has asked the provincial fisheries ministry for emergency credit so that crews can pay for diesel and nets through the winter. Marine biologists at the coastal research station in Hallin said sea temperatures near the shelf had been two degrees above the seasonal average since August, and that sonar surveys showed the shoals gathering in colder water roughly ninety kilometres offshore. Older skippers recalled a similar autumn in the nineteen-nineties, when several families sold their boats and moved inland to work in the timber mills. Tollund said the town would hold a public meeting at the parish hall on Saturday evening to discuss pooling fuel and sending larger vessels on longer voyages. A spokeswoman for the ministry said officials were reviewing the request and would visit the harbour next week, but warned that any loans would depend on the cooperative presenting a plan for the coming season. Local shopkeepers said takings at the bakery, the chandlery and the two pubs had fallen sharply since the boats began coming home light.";

/// The word signature in the chain: a generated corpus plus a story and a
/// paraphrase of it (every third word changed) that only the word signature
/// makes a candidate. The chain finds what scan finds, with the word
/// signature and without.
#[test]
fn spark_chain_gives_scans_word_candidates() {
    let Some(spark) = spark_submit() else { return };
    let dir = common::tempdir();
    let generated = write_generated(dir.path(), 300, 5);
    let mut lines: Vec<String> = std::fs::read_to_string(&generated)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    let wire = serde_json::json!({"id": "wire", "text": STORY, "date": "2026-01-01"});
    let paper = serde_json::json!({"id": "paper", "text": common::every_third_word_replaced(STORY), "date": "2026-01-02"});
    lines.insert(lines.len() / 2, wire.to_string());
    lines.push(paper.to_string());
    let corpus = dir.path().join("paraphrase.jsonl");
    std::fs::write(&corpus, lines.join("\n") + "\n").unwrap();
    let inputs = std::slice::from_ref(&corpus);
    let key = ("wire".to_string(), "paper".to_string());

    // Character shingles alone miss the pair; the word signature finds it.
    let chars_alone = pair_map(
        scan_json(inputs, &["--no-word-candidates"])["pairs"]
            .as_array()
            .unwrap()
            .iter(),
    );
    assert!(!chars_alone.contains_key(&key), "{chars_alone:?}");
    let both = scan_json(inputs, &[]);
    assert!(both["stats"]["word_candidates"].as_u64().unwrap() > 0);
    let pairs = pair_map(both["pairs"].as_array().unwrap().iter());
    assert_eq!(
        pairs.get(&key).map(|p| p.0.as_str()),
        Some("rewrite"),
        "{pairs:?}"
    );

    let chain = chain_equals_scan(&spark, inputs, &[], 2);
    assert!(chain.contains_key(&key));
    let chain = chain_equals_scan(&spark, inputs, &["--no-word-candidates"], 1);
    assert!(!chain.contains_key(&key));
}

/// sign and verify without Spark: bad shards, pairs from another corpus or
/// other parameters, missing folders exit 2 with a message naming the file.
#[test]
fn sign_and_verify_refuse_bad_input() {
    let work = common::tempdir();
    let sigs = work.path().join("sigs");
    let samples = root().join("samples");
    let code = |cmd: &mut Command| {
        let out = cmd.output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    // `reprint sign SAMPLES --out SIGS ARGS`.
    let sign = |args: &[&str]| {
        let mut cmd = reprint();
        cmd.arg("sign")
            .arg(&samples)
            .arg("--out")
            .arg(&sigs)
            .args(args);
        cmd
    };
    let (c, err) = code(&mut sign(&["--shard", "2/2"]));
    assert_eq!(c, Some(2), "{err}");
    assert!(err.contains("0 <= I < N"), "{err}");
    run(&mut sign(&["--quiet"]), "sign");
    for table in ["bands", "docs", "word_bands"] {
        assert!(sigs
            .join(table)
            .join("part-00000-of-00001.parquet")
            .is_file());
    }
    // Signing other parameters into the same folder is refused.
    let (c, err) = code(&mut sign(&["--seed", "9", "--quiet"]));
    assert_eq!(c, Some(2), "{err}");
    assert!(
        err.contains("manifest.json") && err.contains("seed"),
        "{err}"
    );

    // A pairs folder as candidates.py leaves it, with no candidates.
    let pairs = work.path().join("pairs");
    std::fs::create_dir_all(pairs.join("candidates")).unwrap();
    std::fs::create_dir_all(pairs.join("manifest")).unwrap();
    std::fs::copy(
        sigs.join("manifest.json"),
        pairs.join("manifest/part-00000"),
    )
    .unwrap();
    // `reprint verify PAIRS --corpus CORPUS ARGS`.
    let verify = |pairs: &Path, corpus: &Path, args: &[&str]| {
        let mut cmd = reprint();
        cmd.arg("verify")
            .arg(pairs)
            .arg("--corpus")
            .arg(corpus)
            .args(args);
        cmd
    };
    let out = run(&mut verify(&pairs, &samples, &["--quiet"]), "verify");
    assert!(out.is_empty());
    let (c, err) = code(&mut verify(&pairs, &samples, &["--seed", "9"]));
    assert_eq!(c, Some(2), "{err}");
    assert!(err.contains("seed"), "{err}");
    let (c, err) = code(&mut verify(&pairs, &samples.join("feed.jsonl"), &[]));
    assert_eq!(c, Some(2), "{err}");
    assert!(
        err.contains("documents") || err.contains("corpus_digest"),
        "{err}"
    );
    // Not Parquet where Parquet should be.
    std::fs::write(pairs.join("candidates/part-0.parquet"), b"not parquet").unwrap();
    let (c, err) = code(&mut verify(&pairs, &samples, &[]));
    assert_eq!(c, Some(2), "{err}");
    assert!(err.contains("part-0.parquet"), "{err}");
    let (c, err) = code(&mut verify(&work.path().join("nope"), &samples, &[]));
    assert_eq!(c, Some(2), "{err}");
    assert!(err.contains("nope"), "{err}");

    // Pairs of an older layout (1: no word candidates) are refused, naming
    // the manifest and the version found; so is signing over its folder.
    std::fs::remove_file(pairs.join("candidates/part-0.parquet")).unwrap();
    let mut old: Value =
        serde_json::from_str(&std::fs::read_to_string(sigs.join("manifest.json")).unwrap())
            .unwrap();
    old["layout"] = 1.into();
    std::fs::write(pairs.join("manifest/part-00000"), old.to_string()).unwrap();
    let (c, err) = code(&mut verify(&pairs, &samples, &[]));
    assert_eq!(c, Some(2), "{err}");
    assert!(
        err.contains("part-00000") && err.contains("layout version 1"),
        "{err}"
    );
    std::fs::write(sigs.join("manifest.json"), old.to_string()).unwrap();
    let (c, err) = code(&mut sign(&["--quiet"]));
    assert_eq!(c, Some(2), "{err}");
    assert!(
        err.contains("manifest.json") && err.contains("layout: 1 there, 2 here"),
        "{err}"
    );
    // Without the word signature, sign writes no word bands.
    let plain = work.path().join("plain");
    run(
        reprint()
            .arg("sign")
            .arg(&samples)
            .arg("--out")
            .arg(&plain)
            .args(["--no-word-candidates", "--quiet"]),
        "sign --no-word-candidates",
    );
    assert!(plain.join("bands").is_dir() && !plain.join("word_bands").exists());
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(plain.join("manifest.json")).unwrap())
            .unwrap();
    assert!(manifest["words"].is_null(), "{manifest}");
}

/// 3,000 short documents in 100 families of 30: each a shuffle of 30 of its
/// family's 50 made-up words and 10 words of its own. Pairs of a family share
/// about 30% of their words but few 12-character shingles, so the word
/// signature finds more pairs than its budget (16,384) and the cut decides,
/// with many ties of estimate at the cut.
fn write_word_families(dir: &Path) -> PathBuf {
    // splitmix64: deterministic without a random crate.
    let mut state = 0x5eed_u64;
    let mut next = move || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let word = |next: &mut dyn FnMut() -> u64| -> String {
        (0..3)
            .flat_map(|_| {
                let r = next();
                [
                    b"bcdfghklmnprstvz"[(r % 16) as usize] as char,
                    b"aeiou"[((r >> 8) % 5) as usize] as char,
                ]
            })
            .collect()
    };
    let path = dir.join("word-families.jsonl");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    for family in 0..100 {
        let vocab: Vec<String> = (0..50).map(|_| word(&mut next)).collect();
        for d in 0..30 {
            let mut words = vocab.clone();
            // Fisher-Yates, then the first 30 and 10 of the document's own.
            for i in (1..words.len()).rev() {
                words.swap(i, (next() % (i as u64 + 1)) as usize);
            }
            words.truncate(30);
            words.extend((0..10).map(|_| word(&mut next)));
            for i in (1..words.len()).rev() {
                words.swap(i, (next() % (i as u64 + 1)) as usize);
            }
            let rec = serde_json::json!({"id": format!("f{family}d{d}"), "text": words.join(" ")});
            writeln!(f, "{rec}").unwrap();
        }
    }
    f.flush().unwrap();
    path
}

/// Over the word pair budget the chain keeps the very pairs scan keeps
/// (highest estimate first, ties by pair): the candidate sets, read back
/// with `spark::read_pairs`, equal `scan::candidate_pairs`.
#[test]
fn spark_chain_keeps_scans_word_pair_budget() {
    let Some(spark) = spark_submit() else { return };
    let dir = common::tempdir();
    let corpus_path = write_word_families(dir.path());
    let inputs = std::slice::from_ref(&corpus_path);
    let scan = scan_json(inputs, &[]);
    let cut = scan["stats"]["word_candidates_cut"].as_u64().unwrap();
    assert!(cut > 0, "the budget must bite: {}", scan["stats"]);

    let (sigs, pairs) = (dir.path().join("sigs"), dir.path().join("pairs"));
    for i in 0..2 {
        run(
            reprint()
                .arg("sign")
                .args(inputs)
                .arg("--out")
                .arg(&sigs)
                .args(["--shard", &format!("{i}/2"), "--quiet"]),
            "reprint sign",
        );
    }
    let summary = submit(&spark, "candidates.py", &[&sigs, &pairs], &[]);
    for key in ["candidates", "word_candidates", "word_candidates_cut"] {
        assert_eq!(summary[key], scan["stats"][key], "{key}: {summary}");
    }

    let corpus = reprint::corpus::read_inputs(inputs, &Default::default()).unwrap();
    let want = reprint::scan::candidate_pairs(
        &corpus,
        &reprint::scan::ScanConfig::default(),
        reprint::progress::Progress::hidden(),
    );
    let got = reprint::spark::read_pairs(&pairs, corpus.len()).unwrap();
    assert_eq!(
        got.candidates.words.len() as u64,
        scan["stats"]["word_candidates"].as_u64().unwrap()
    );
    let mut all = got.candidates.all();
    all.extend(&got.exact);
    all.sort_unstable();
    assert_eq!(all.len(), want.len(), "candidate pairs");
    assert!(all == want, "the chain's candidates differ from scan's");
    println!(
        "chain == scan over the word pair budget: {} candidates, {} word pairs kept, {} cut",
        all.len(),
        got.candidates.words.len(),
        cut
    );
}
