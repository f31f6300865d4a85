//! End-to-end tests of `reprint scan`: the bundled samples, every output
//! format, stdin, bad input, --strict, exit codes and determinism.

mod common;

use common::{reprint, samples};
use serde_json::Value;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn sample_txts() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(samples())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    v.sort();
    v
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("reprint runs")
}

fn json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON on stdout")
}

fn pair_ids(report: &Value) -> Vec<(String, String, String)> {
    report["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["a"].as_str().unwrap().to_string(),
                p["b"].as_str().unwrap().to_string(),
                p["relation"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn the_five_sample_articles_give_exactly_the_syndicated_pair() {
    let out = run(reprint()
        .arg("scan")
        .args(sample_txts())
        .args(["--format", "json"]));
    let report = json(&out);
    assert_eq!(report["documents"], 5);
    let pairs = pair_ids(&report);
    assert_eq!(pairs.len(), 1, "{pairs:?}");
    let (a, b, relation) = &pairs[0];
    assert!(a.ends_with("repost-russia-hi-tech-arms.txt"), "{a}");
    assert!(b.ends_with("telegraph-russia-hi-tech-arms.txt"), "{b}");
    assert_eq!(relation, "rewrite");
    let p = &report["pairs"][0];
    // The repost holds well over half of the Telegraph piece.
    assert!(p["containment_b_in_a"].as_f64().unwrap() > 0.5);
    assert!(p["jaccard"].as_f64().unwrap() > 0.2);
    let clusters = report["clusters"].as_array().unwrap();
    assert_eq!(clusters.len(), 1);
    assert_eq!(clusters[0]["members"].as_array().unwrap().len(), 2);
    // Every documented top-level field is there.
    for field in [
        "documents",
        "parameters",
        "stats",
        "pairs",
        "clusters",
        "warnings",
    ] {
        assert!(report.get(field).is_some(), "missing {field}");
    }
    for field in [
        "k",
        "num_perm",
        "threshold",
        "bands",
        "rows",
        "near_duplicate",
        "contained",
        "rewrite",
    ] {
        assert!(
            report["parameters"].get(field).is_some(),
            "missing parameters.{field}"
        );
    }
}

#[test]
fn feed_jsonl_gives_the_same_pair_with_record_ids() {
    let out = run(reprint()
        .arg("scan")
        .arg(samples().join("feed.jsonl"))
        .args(["--format", "json"]));
    let pairs = pair_ids(&json(&out));
    assert_eq!(
        pairs,
        vec![(
            "telegraph-russia-hi-tech-arms".to_string(),
            "repost-russia-hi-tech-arms".to_string(),
            "rewrite".to_string()
        )]
    );
}

#[test]
fn the_samples_folder_also_finds_the_jsonl_twins_as_exact_copies() {
    let report = json(&run(reprint()
        .args(["scan", "--format", "json"])
        .arg(samples())));
    assert_eq!(report["documents"], 10);
    let pairs = pair_ids(&report);
    assert_eq!(
        pairs.iter().filter(|p| p.2 == "exact").count(),
        5,
        "{pairs:?}"
    );
    // Each of the two copies of the Telegraph piece pairs with each of the
    // two copies of the repost.
    assert_eq!(
        pairs.iter().filter(|p| p.2 == "rewrite").count(),
        4,
        "{pairs:?}"
    );
    // One cluster for the syndicated story (4 copies), one per other article.
    let sizes: Vec<u64> = report["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["size"].as_u64().unwrap())
        .collect();
    assert_eq!(sizes.iter().sum::<u64>(), 10);
    assert!(sizes.contains(&4));
}

fn scan_stdin(input: &[u8], args: &[&str]) -> Output {
    let mut child = reprint()
        .args(["scan", "-"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn stdin_csv_and_jsonl_formats() {
    let feed = std::fs::read(samples().join("feed.jsonl")).unwrap();
    let csv = scan_stdin(&feed, &["--format", "csv"]);
    assert!(csv.status.success());
    let text = String::from_utf8(csv.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "a,b,relation,jaccard,containment_a_in_b,containment_b_in_a,shingles_a,shingles_b,shared,aligned_a,aligned_b,passage_count,longest_passage,origin,cluster");
    assert_eq!(lines.len(), 2);
    assert!(
        lines[1].starts_with("telegraph-russia-hi-tech-arms,repost-russia-hi-tech-arms,rewrite,")
    );

    let jsonl = scan_stdin(&feed, &["--format", "jsonl"]);
    let text = String::from_utf8(jsonl.stdout).unwrap();
    let rows: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["relation"], "rewrite");
    assert_eq!(rows[0]["cluster"], 0);
}

#[test]
fn gzipped_stdin_is_read() {
    let feed = std::fs::read(samples().join("feed.jsonl")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&feed).unwrap();
    let out = scan_stdin(&gz.finish().unwrap(), &["--format", "json"]);
    assert_eq!(pair_ids(&json(&out)).len(), 1);
}

#[test]
fn bad_records_warn_with_file_and_line_and_the_run_goes_on() {
    let dir = common::tempdir();
    let feed = std::fs::read_to_string(samples().join("feed.jsonl")).unwrap();
    let mut lines: Vec<&str> = feed.lines().collect();
    lines.insert(1, "{\"id\": \"broken\", \"text\": ");
    lines.insert(3, "{\"id\": \"numeric\", \"text\": 42}");
    lines.push("{\"id\": \"telegraph-russia-hi-tech-arms\", \"text\": \"a duplicate id\"}");
    let path = dir.path().join("bad.jsonl");
    std::fs::write(&path, lines.join("\n")).unwrap();

    let out = run(reprint().arg("scan").arg(&path).args(["--format", "json"]));
    let report = json(&out);
    // The duplicate id is renamed FILE:LINE and kept: it is a sixth document.
    assert_eq!(report["documents"], 6);
    assert_eq!(pair_ids(&report).len(), 1);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let name = path.display().to_string();
    assert!(
        stderr.contains(&format!("{name}:2: malformed JSON")),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{name}:4: field \"text\" is not a string")),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{name}:8: duplicate id")),
        "{stderr}"
    );
    assert_eq!(report["warnings"].as_array().unwrap().len(), 3);

    // --quiet silences warnings; --strict fails before any output.
    let quiet = run(reprint()
        .arg("scan")
        .arg(&path)
        .args(["--format", "json", "--quiet"]));
    assert!(quiet.stderr.is_empty());
    let strict = run(reprint()
        .arg("scan")
        .arg(&path)
        .args(["--format", "json", "--strict"]));
    assert_eq!(strict.status.code(), Some(2));
    assert!(strict.stdout.is_empty());
    assert!(String::from_utf8_lossy(&strict.stderr).contains("--strict"));
}

#[test]
fn missing_input_and_bad_options_exit_2() {
    let out = run(reprint().args(["scan", "/no/such/feed.jsonl"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/no/such/feed.jsonl"));
    let out = run(reprint()
        .arg("scan")
        .arg(samples())
        .args(["--threshold", "1.5"]));
    assert_eq!(out.status.code(), Some(2));
    let out = run(reprint()
        .arg("scan")
        .arg(samples())
        .args(["--format", "xml"]));
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn output_is_byte_identical_across_runs_and_thread_counts() {
    let dir = common::tempdir();
    // A corpus big enough for rayon to split: samples plus shuffled variants.
    let feed = std::fs::read_to_string(samples().join("feed.jsonl")).unwrap();
    let mut out = String::new();
    for round in 0..40 {
        for (i, line) in feed.lines().enumerate() {
            let mut v: Value = serde_json::from_str(line).unwrap();
            let text = v["text"].as_str().unwrap().to_string();
            let paras: Vec<&str> = text.split("\n\n").collect();
            let keep: Vec<&str> = paras.iter().copied().skip(round % 3).collect();
            v["id"] = Value::String(format!("r{round}-{i}"));
            v["text"] = Value::String(format!("Round {round}\n\n{}", keep.join("\n\n")));
            out.push_str(&v.to_string());
            out.push('\n');
        }
    }
    let path = dir.path().join("many.jsonl");
    std::fs::write(&path, out).unwrap();
    let once = run(reprint()
        .arg("scan")
        .arg(&path)
        .args(["--format", "json"])
        .env("RAYON_NUM_THREADS", "1"));
    let again = run(reprint()
        .arg("scan")
        .arg(&path)
        .args(["--format", "json"])
        .env("RAYON_NUM_THREADS", "2"));
    let third = run(reprint().arg("scan").arg(&path).args(["--format", "json"]));
    assert!(once.status.success());
    assert!(!json(&once)["pairs"].as_array().unwrap().is_empty());
    assert_eq!(once.stdout, again.stdout);
    assert_eq!(once.stdout, third.stdout);
}

#[test]
fn table_output_names_the_pair_and_cluster() {
    let out = run(reprint().arg("scan").arg(samples().join("feed.jsonl")));
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("5 documents scanned: 1 pair in 1 cluster"),
        "{text}"
    );
    assert!(text.contains("rewrite"));
    assert!(text.contains("telegraph-russia-hi-tech-arms"));
    // Nothing but warnings goes to stderr in a pipe.
    assert!(out.stderr.is_empty());
}

#[test]
fn explain_prints_the_banding_on_stderr() {
    let out = run(reprint()
        .arg("scan")
        .arg(samples().join("feed.jsonl"))
        .args(["--explain", "--format", "json"]));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let report = json(&out);
    let (b, r) = (
        report["parameters"]["bands"].as_u64().unwrap(),
        report["parameters"]["rows"].as_u64().unwrap(),
    );
    assert!(
        stderr.contains(&format!("{b} bands x {r} rows")),
        "{stderr}"
    );
}

#[test]
fn non_latin_copies_are_found_and_distinct_stories_are_not() {
    // A Russian and an Urdu story, each with a lightly edited copy.
    let ru = "Министерство обороны России сообщило в понедельник, что войска отразили атаку беспилотников на приграничные районы. \
              По словам губернатора, пострадавших нет, повреждены несколько жилых домов и линия электропередачи. \
              Местные власти объявили о временном закрытии школ и призвали жителей оставаться дома до отмены угрозы.";
    let ru_copy = format!(
        "Главное за день\n\n{}",
        ru.replace("понедельник", "воскресенье")
    );
    let ur = "وزیر اعظم نے پیر کے روز اسلام آباد میں ایک اجلاس کی صدارت کی جس میں ملک کی معاشی صورتحال پر غور کیا گیا۔ \
              اجلاس میں بتایا گیا کہ برآمدات میں اضافہ ہوا ہے جبکہ مہنگائی کی شرح میں کمی آئی ہے۔ \
              وزیر خزانہ نے کہا کہ حکومت آئندہ بجٹ میں عوام کو ریلیف دینے کے لیے اقدامات کرے گی۔";
    // The copy spells yeh/kaf the Arabic way and drops some spaces, as scrapers do.
    let ur_copy = ur
        .replace('ی', "ي")
        .replace('ک', "ك")
        .replace("اجلاس کی", "اجلاسکی");
    let other_ur = "لاہور میں شدید بارش کے باعث کئی علاقوں میں پانی جمع ہو گیا اور ٹریفک کا نظام درہم برہم ہو گیا۔ \
                    محکمہ موسمیات نے آئندہ دو دن تک مزید بارشوں کی پیش گوئی کی ہے اور شہریوں کو احتیاط کی ہدایت کی ہے۔";
    let docs = [
        ("ru", ru.to_string()),
        ("ru-copy", ru_copy),
        ("ur", ur.to_string()),
        ("ur-copy", ur_copy),
        ("ur-other", other_ur.to_string()),
    ];
    let feed: String = docs
        .iter()
        .map(|(id, text)| serde_json::json!({"id": id, "text": text}).to_string() + "\n")
        .collect();
    let out = scan_stdin(feed.as_bytes(), &["--format", "json"]);
    let mut pairs: Vec<(String, String)> = pair_ids(&json(&out))
        .into_iter()
        .map(|(a, b, _)| (a, b))
        .collect();
    pairs.sort();
    assert_eq!(
        pairs,
        vec![
            ("ru".to_string(), "ru-copy".to_string()),
            ("ur".to_string(), "ur-copy".to_string())
        ]
    );
}

#[test]
fn html_pages_are_reduced_to_their_article_text() {
    let telegraph =
        std::fs::read_to_string(samples().join("telegraph-russia-hi-tech-arms.txt")).unwrap();
    let repost = std::fs::read_to_string(samples().join("repost-russia-hi-tech-arms.txt")).unwrap();
    let paras: String = telegraph
        .split("\n\n")
        .map(|p| format!("<p>{}</p>", p.replace('&', "&amp;").replace('<', "&lt;")))
        .collect();
    let menu: String = (0..60)
        .map(|i| {
            format!("<li><a href=\"/section/{i}\">Section number {i} of the site menu</a></li>")
        })
        .collect();
    let page = format!(
        "<!DOCTYPE html><html><head><title>Telegraph</title><script>window.ads = {{slots: 12}};</script></head>\
         <body><nav><ul>{menu}</ul></nav><article>{paras}</article><footer>Copyright Telegraph Media Group</footer></body></html>"
    );
    let feed = format!(
        "{}\n{}\n",
        serde_json::json!({"id": "page", "text": page}),
        serde_json::json!({"id": "repost", "text": repost})
    );
    let out = scan_stdin(feed.as_bytes(), &["--format", "json"]);
    let report = json(&out);
    let pairs = pair_ids(&report);
    assert_eq!(pairs.len(), 1, "{pairs:?}");
    let p = &report["pairs"][0];
    // The menu is gone: the page's shingles are about the article's own count.
    let page_shingles = p["shingles_a"].as_u64().unwrap();
    assert!(
        page_shingles < 3000,
        "menu or script counted: {page_shingles} shingles"
    );
    assert!(p["containment_a_in_b"].as_f64().unwrap() > 0.45, "{p}");
}
