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

/// Run scan and the chain on `inputs` with `options`, signing in `shards`
/// processes, and check both give the same pairs and clusters.
fn chain_equals_scan(spark: &Path, inputs: &[PathBuf], options: &[&str], shards: usize) {
    let scan: Value = serde_json::from_slice(&run(
        reprint()
            .arg("scan")
            .args(inputs)
            .args(["--format", "json", "--quiet", "--no-word-candidates"])
            .args(options),
        "reprint scan",
    ))
    .unwrap();
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
    assert_eq!(
        summary["candidates"].as_u64(),
        scan["stats"]["candidates"].as_u64(),
        "candidate pairs: {summary}"
    );
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
        "chain == scan: {} documents, {} pairs, {} clusters, {} masked slots, {} skipped buckets, {} shard(s)",
        scan["documents"],
        records.len(),
        got.len(),
        scan["stats"]["mask"]["masked_slots"],
        scan["stats"]["skipped_buckets"],
        shards
    );
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
    for table in ["bands", "docs"] {
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
}
