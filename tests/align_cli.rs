//! End-to-end tests of the alignment fields: `aligned_a`, `aligned_b`,
//! `passage_count`, `longest_passage`, `origin` in every format, `--passages`
//! spans that hold the same words in both texts, and `--origin-sources`.

mod common;

use common::{reprint, samples};

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn stdout(cmd: &mut Command) -> String {
    let out = cmd.output().expect("reprint runs");
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The two syndicated sample stories as a JSONL feed, with the given dates
/// and sources.
fn feed(dir: &Path, meta: [(Option<&str>, &str); 2]) -> (PathBuf, [String; 2]) {
    let texts = [
        "telegraph-russia-hi-tech-arms.txt",
        "repost-russia-hi-tech-arms.txt",
    ]
    .map(|f| std::fs::read_to_string(samples().join(f)).unwrap());
    let mut lines = String::new();
    for (i, ((date, source), text)) in meta.iter().zip(&texts).enumerate() {
        let id = ["telegraph", "repost"][i];
        let mut rec = serde_json::json!({"id": id, "text": text, "source": source});
        if let Some(d) = date {
            rec["date"] = Value::from(*d);
        }
        lines.push_str(&format!("{rec}\n"));
    }
    let path = dir.join("feed.jsonl");
    std::fs::write(&path, lines).unwrap();
    (path, texts)
}

/// Lowercase alphanumeric words of a slice (a rough normalization: enough
/// to see the same words on both sides).
fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase().replace(['\'', '’'], ""))
        .collect()
}

#[test]
fn seeds_report_the_one_pair_with_its_passages_and_valid_spans() {
    let dir = tempfile::tempdir().unwrap();
    let (path, texts) = feed(
        dir.path(),
        [(None, "The Sunday Telegraph"), (None, "repost")],
    );
    let out = stdout(
        reprint()
            .args(["scan", "--format", "jsonl", "--passages"])
            .arg(&path),
    );
    let pairs: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(pairs.len(), 1, "{out}");
    let p = &pairs[0];
    assert_eq!(p["relation"], "rewrite");
    assert_eq!(p["origin"], Value::Null);
    let (aa, ab) = (
        p["aligned_a"].as_f64().unwrap(),
        p["aligned_b"].as_f64().unwrap(),
    );
    // The repost keeps most of the Telegraph story and adds its own text.
    assert!(aa > 0.6 && ab > 0.3 && aa > ab, "{aa} {ab}");
    let list = p["passages"].as_array().unwrap();
    assert_eq!(list.len() as u64, p["passage_count"].as_u64().unwrap());
    let longest = list
        .iter()
        .map(|x| x["words"].as_u64().unwrap())
        .max()
        .unwrap();
    assert_eq!(longest, p["longest_passage"].as_u64().unwrap());
    assert!(longest >= 20, "{longest}");
    for x in list {
        let span = |k: &str, t: &str| {
            let s = x[k].as_array().unwrap();
            let (s, e) = (
                s[0].as_u64().unwrap() as usize,
                s[1].as_u64().unwrap() as usize,
            );
            words(&t[s..e])
        };
        let (wa, wb) = (span("a", &texts[0]), span("b", &texts[1]));
        let n = x["words"].as_u64().unwrap() as usize;
        // Same first and last word; lengths within the tolerated gaps.
        assert_eq!(wa.first(), wb.first(), "{wa:?} / {wb:?}");
        assert_eq!(wa.last(), wb.last(), "{wa:?} / {wb:?}");
        assert!(
            wa.len() >= n && wa.len() <= 2 * n && wb.len() <= 2 * n,
            "{wa:?} / {wb:?}"
        );
    }
    // Without --passages there is no list, and the figures are the same.
    let plain: Value = serde_json::from_str(
        stdout(reprint().args(["scan", "--format", "jsonl"]).arg(&path)).trim(),
    )
    .unwrap();
    assert!(plain.get("passages").is_none());
    for k in ["aligned_a", "aligned_b", "passage_count", "longest_passage"] {
        assert_eq!(plain[k], p[k], "{k}");
    }
}

#[test]
fn dates_make_the_telegraph_story_the_origin_and_its_cluster_representative() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = feed(
        dir.path(),
        [
            (Some("2026-11-22"), "The Sunday Telegraph"),
            (Some("2026-11-23"), "repost"),
        ],
    );
    let report: Value = serde_json::from_str(&stdout(
        reprint().args(["scan", "--format", "json"]).arg(&path),
    ))
    .unwrap();
    let p = &report["pairs"][0];
    assert_eq!(p["a"], "telegraph");
    assert_eq!(p["origin"], "a");
    assert_eq!(report["clusters"][0]["representative"], "telegraph");
    // The table shows both aligned shares and marks the origin.
    let table = stdout(reprint().args(["scan", "--format", "table"]).arg(&path));
    let lines: Vec<&str> = table.lines().collect();
    let head = lines
        .iter()
        .position(|l| l.starts_with("RELATION"))
        .unwrap();
    assert!(lines[head].contains("ALIGN_A ALIGN_B"), "{table}");
    let row: Vec<&str> = lines[head + 1].split_whitespace().collect();
    let share = |k: &str| format!("{:.3}", p[k].as_f64().unwrap());
    assert_eq!(
        row[4..],
        [
            share("aligned_a").as_str(),
            &share("aligned_b"),
            "telegraph",
            "(origin)"
        ],
        "{table}"
    );
    assert!(lines[head + 2].trim() == "repost", "{table}");
}

#[test]
fn a_listed_origin_source_is_the_origin_and_csv_has_the_columns() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = feed(dir.path(), [(None, "repost"), (None, "AP")]);
    let scan = |extra: &[&str]| {
        stdout(
            reprint()
                .args(["scan", "--format", "csv"])
                .args(extra)
                .arg(&path),
        )
    };
    let csv = scan(&["--origin-sources", "Reuters, ap"]);
    let lines: Vec<&str> = csv.lines().collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let row: Vec<&str> = lines[1].split(',').collect();
    let col = |name: &str| row[header.iter().position(|h| *h == name).unwrap()];
    assert_eq!(col("origin"), "b");
    assert!(col("aligned_a").parse::<f64>().unwrap() > 0.6);
    assert!(col("passage_count").parse::<u64>().unwrap() > 1);
    // The story from the listed source (id "repost" here) represents the
    // cluster, though the other holds more of it.
    let json: Value = serde_json::from_str(&stdout(
        reprint()
            .args(["scan", "--format", "json", "--origin-sources", "AP"])
            .arg(&path),
    ))
    .unwrap();
    assert_eq!(json["clusters"][0]["representative"], "repost");
    // Unlisted: no origin.
    let csv = scan(&[]);
    let row: Vec<&str> = csv.lines().nth(1).unwrap().split(',').collect();
    assert_eq!(row[header.iter().position(|h| *h == "origin").unwrap()], "");
}

/// One "reused" figure per pair: `diff`'s `summary.reused` is the scan's
/// aligned share of the same document for the same pair.
#[test]
fn diff_reused_is_the_scans_aligned_share() {
    let scan: Value = serde_json::from_str(&stdout(
        reprint()
            .args(["scan", "--format", "json", "--quiet"])
            .arg(samples()),
    ))
    .unwrap();
    let pair = &scan["pairs"][0];
    let path = |id: &Value| samples().join(format!("{}.txt", id.as_str().unwrap()));
    let id = |v: &Value| {
        let s = v.as_str().unwrap();
        Path::new(s)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned()
    };
    let (a, b) = (id(&pair["a"]), id(&pair["b"]));
    let diff: Value = serde_json::from_str(&stdout(
        reprint()
            .args(["diff", "--format", "json"])
            .arg(path(&Value::from(a)))
            .arg(path(&Value::from(b))),
    ))
    .unwrap();
    let reused = diff["summary"]["reused"].as_f64().unwrap();
    assert!(reused > 0.0);
    assert_eq!(reused, pair["aligned_b"].as_f64().unwrap(), "{pair}");
}

/// A rewrite that changes every third word keeps its words and their order
/// but few 12-character shingles: the word signature makes it a candidate
/// and the alignment a `rewrite`; character shingles alone never see it.
#[test]
fn a_paraphrase_with_few_shared_shingles_is_found_by_the_word_signature() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(samples().join("reuters-putin-tells-defense-industry.txt"))
        .unwrap();
    let path = dir.path().join("pair.jsonl");
    let recs = [
        serde_json::json!({"id": "wire", "text": text, "date": "2026-01-01"}),
        serde_json::json!({"id": "paper", "text": common::every_third_word_replaced(&text), "date": "2026-01-02"}),
    ];
    std::fs::write(&path, format!("{}\n{}\n", recs[0], recs[1])).unwrap();
    let scan = |extra: &[&str]| -> Value {
        serde_json::from_str(&stdout(
            reprint()
                .arg("scan")
                .arg(&path)
                .args(["--format", "json", "--quiet"])
                .args(extra),
        ))
        .unwrap()
    };
    let found = scan(&[]);
    assert_eq!(found["stats"]["word_candidates"], 1, "{}", found["stats"]);
    let pairs = found["pairs"].as_array().unwrap();
    assert_eq!(pairs.len(), 1, "{found}");
    let p = &pairs[0];
    assert_eq!(
        (&p["a"], &p["b"], &p["origin"]),
        (&"wire".into(), &"paper".into(), &"a".into())
    );
    assert_eq!(p["relation"], "rewrite");
    assert!(p["containment_b_in_a"].as_f64().unwrap() < 0.2, "{p}");
    assert!(p["aligned_b"].as_f64().unwrap() >= 0.4, "{p}");
    let chars_alone = scan(&["--no-word-candidates"]);
    assert_eq!(
        chars_alone["stats"]["candidates"], 0,
        "{}",
        chars_alone["stats"]
    );
    assert_eq!(chars_alone["pairs"].as_array().unwrap().len(), 0);
}

/// `query --passages` against an archive gives the scan's alignment of the
/// same pair (A is the query story), with spans into the query text (`a`)
/// and the archived text (`b`).
#[test]
fn query_passages_are_the_scans_alignment_seen_from_the_query() {
    let dir = tempfile::tempdir().unwrap();
    let (feed_path, texts) = feed(
        dir.path(),
        [(None, "The Sunday Telegraph"), (None, "repost")],
    );
    let telegraph = dir.path().join("telegraph.txt");
    let repost = dir.path().join("repost.txt");
    std::fs::write(&telegraph, &texts[0]).unwrap();
    std::fs::write(&repost, &texts[1]).unwrap();
    let db = dir.path().join("archive.db");
    stdout(
        reprint()
            .args(["index", "add", "-q"])
            .arg(&db)
            .arg(&telegraph),
    );
    let out: Value = serde_json::from_str(&stdout(
        reprint()
            .args(["query", "-q", "--format", "json", "--passages"])
            .arg(&db)
            .arg(&repost),
    ))
    .unwrap();
    let pairs = out["pairs"].as_array().unwrap();
    assert_eq!(pairs.len(), 1, "{out}");
    let q = &pairs[0];
    let scan: Value = serde_json::from_str(
        stdout(
            reprint()
                .args(["scan", "--format", "jsonl"])
                .arg(&feed_path),
        )
        .trim(),
    )
    .unwrap();
    // The scan's A is the Telegraph story, the query's A the repost.
    assert_eq!(q["aligned_a"], scan["aligned_b"], "{q}\n{scan}");
    assert_eq!(q["aligned_b"], scan["aligned_a"], "{q}\n{scan}");
    for k in ["passage_count", "longest_passage"] {
        assert_eq!(q[k], scan[k], "{k}");
    }
    let list = q["passages"].as_array().unwrap();
    assert_eq!(list.len() as u64, q["passage_count"].as_u64().unwrap());
    for x in list {
        let span = |k: &str, t: &str| {
            let s = x[k].as_array().unwrap();
            words(&t[s[0].as_u64().unwrap() as usize..s[1].as_u64().unwrap() as usize])
        };
        let (wq, wt) = (span("a", &texts[1]), span("b", &texts[0]));
        assert_eq!(wq.first(), wt.first(), "{wq:?} / {wt:?}");
        assert_eq!(wq.last(), wt.last(), "{wq:?} / {wt:?}");
    }
}

/// A made-up word from syllables: text no other document shares by chance.
fn made_up_word(n: u64) -> String {
    const SYL: [&str; 16] = [
        "ka", "lo", "mi", "ne", "ru", "sa", "te", "vo", "bi", "da", "fu", "go", "he", "ji", "pu",
        "zo",
    ];
    let mut x = n.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (n >> 7);
    (0..3)
        .map(|_| {
            let s = SYL[(x & 15) as usize];
            x >>= 4;
            s
        })
        .collect()
}

/// One eurobond notice of the wire template, its names and figures set by `i`.
fn notice(i: u64) -> String {
    let w = |k: u64| made_up_word(1_000_000 + i * 16 + k);
    format!(
        "{} {} is issuing a {} mln dlr eurobond due {} {}, 199{} paying {} pct and priced at \
         10{} pct, lead manager {} {} said. The non-callable bond is available in denominations \
         of 1,000 dlrs and will be listed in Luxembourg. The selling concession is one pct while \
         management and underwriting combined pays 1/2 pct. The payment date is {} {}.",
        w(0),
        w(1),
        50 + i,
        w(2),
        i % 28 + 1,
        i % 10,
        i % 9 + 6,
        i % 7,
        w(3),
        w(4),
        w(5),
        i % 28 + 2,
    )
}

#[test]
fn a_wire_template_shared_by_many_stories_is_not_a_rewrite() {
    // 4,000 stories of made-up words, 60 of them notices of one template:
    // enough for the template to be boilerplate (the mask's 50 documents),
    // too few for its words to be common (2%): they share word bands.
    let dir = tempfile::tempdir().unwrap();
    let filler = |d: u64| -> String {
        (0..80)
            .map(|k| made_up_word(d * 100 + k))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut lines = String::new();
    let mut push = |id: String, text: String| {
        lines.push_str(&format!(
            "{}\n",
            serde_json::json!({"id": id, "text": text})
        ));
    };
    for d in 0..4000u64 {
        if d % 66 == 0 {
            push(format!("notice-{d}"), notice(d));
        } else {
            push(format!("story-{d}"), filler(d));
        }
    }
    // A reprint of one notice, and a paraphrase of one story.
    push(
        "reprint-66".into(),
        notice(66).replace("said.", "reported."),
    );
    push(
        "rewrite-5".into(),
        common::every_third_word_replaced(&filler(5)),
    );
    let path = dir.path().join("feed.jsonl");
    std::fs::write(&path, lines).unwrap();
    let out = stdout(reprint().args(["scan", "--format", "jsonl"]).arg(&path));
    let pairs: Vec<(String, String, String)> = out
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            let s = |k: &str| v[k].as_str().unwrap().to_string();
            let (a, b) = (s("a"), s("b"));
            (a.min(b.clone()), s("a").max(b), s("relation"))
        })
        .collect();
    let between_notices = pairs
        .iter()
        .filter(|(a, b, _)| a.starts_with("notice") && b.starts_with("notice"))
        .count();
    assert_eq!(between_notices, 0, "{out}");
    let has = |a: &str, b: &str| pairs.iter().any(|p| p.0 == a && p.1 == b);
    assert!(has("notice-66", "reprint-66"), "{out}");
    assert!(
        pairs
            .iter()
            .any(|p| p.0 == "rewrite-5" && p.1 == "story-5" && p.2 == "rewrite"),
        "{out}"
    );
    // `query` against an archive of the same feed judges alike: a new
    // notice matches no archived one; a reprint of one matches it alone.
    let db = dir.path().join("archive.db");
    stdout(reprint().args(["index", "add", "-q"]).arg(&db).arg(&path));
    let stories = dir.path().join("stories.jsonl");
    std::fs::write(
        &stories,
        format!(
            "{}\n{}\n",
            serde_json::json!({"id": "new-notice", "text": notice(9999)}),
            serde_json::json!({"id": "reprint-132", "text": notice(132).replace("said.", "reported.")})
        ),
    )
    .unwrap();
    let out = stdout(
        reprint()
            .args(["query", "-q", "--format", "jsonl"])
            .arg(&db)
            .arg(&stories),
    );
    let found: Vec<(String, String)> = out
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (v["a"].to_string(), v["b"].to_string())
        })
        .collect();
    assert_eq!(found.len(), 1, "{out}");
    assert_eq!(
        found[0],
        ("\"reprint-132\"".into(), "\"notice-132\"".into())
    );
}
