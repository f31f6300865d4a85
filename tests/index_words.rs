//! End-to-end tests of the archive's word signatures: `query` reports a
//! paraphrase of an archived story (few character shingles shared) as a
//! rewrite, as `scan` over the archive and the story does, and not with
//! `--no-word-candidates`; an archive of the previous format (no word
//! signatures) still opens and answers, and says so once on stderr; word
//! signatures are sealed like documents.

mod common;

use common::reprint;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use synth::PseudoNews;

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("reprint runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn json(out: &Output) -> Value {
    assert!(out.status.success(), "{}", stderr(out));
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

fn line(id: &str, date: &str, text: &str) -> String {
    serde_json::json!({"id": id, "date": date, "text": text}).to_string() + "\n"
}

/// `text` reworded: every third word replaced by one of `usual` in turn,
/// so every rarer word but a third stays while hardly a 12-character shingle
/// does.
fn paraphrase(text: &str, usual: &[&str]) -> String {
    text.split_whitespace()
        .enumerate()
        .map(|(n, w)| {
            if n % 3 == 2 {
                usual[n % usual.len()]
            } else {
                w
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The words in most of `texts`: what the archive leaves out of word
/// signatures.
fn usual_words(texts: &[String]) -> Vec<&str> {
    let mut df: std::collections::BTreeMap<&str, usize> = Default::default();
    for t in texts {
        let words: std::collections::BTreeSet<&str> = t.split_whitespace().collect();
        for w in words {
            *df.entry(w).or_default() += 1;
        }
    }
    let usual: Vec<&str> = df
        .into_iter()
        .filter(|&(w, n)| n * 2 >= texts.len() && w.chars().all(char::is_alphabetic))
        .map(|(w, _)| w)
        .collect();
    assert!(usual.len() >= 5, "{usual:?}");
    usual
}

/// A folder with `archive.jsonl` (40 pseudo-news stories, s0..s39),
/// `story.jsonl` (a paraphrase of s7, and s3 again) and their texts.
struct Setup {
    dir: tempfile::TempDir,
    archive: PathBuf,
    story: PathBuf,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let mut news = PseudoNews::new(35);
    let texts: Vec<String> = (0..40)
        .map(|i| news.article(format!("s{i}"), i).text())
        .collect();
    let archive = dir.path().join("archive.jsonl");
    let lines: Vec<String> = (0..40)
        .map(|i| line(&format!("s{i}"), "2026-12-01", &texts[i]))
        .collect();
    std::fs::write(&archive, lines.concat()).unwrap();
    let story = dir.path().join("story.jsonl");
    std::fs::write(
        &story,
        line(
            "rewritten",
            "2026-12-02",
            &paraphrase(&texts[7], &usual_words(&texts)),
        ) + &line("copy", "2026-12-02", &texts[3]),
    )
    .unwrap();
    Setup {
        dir,
        archive,
        story,
    }
}

/// `index add -q` of the archive's stories into `name`, with `args`.
fn add(s: &Setup, name: &str, args: &[&str]) -> PathBuf {
    let db = s.dir.path().join(name);
    let out = run(reprint()
        .args(["index", "add", "-q"])
        .args(args)
        .arg(&db)
        .arg(&s.archive));
    assert!(out.status.success(), "{}", stderr(&out));
    db
}

fn query(db: &Path, story: &Path, args: &[&str]) -> Output {
    run(reprint()
        .args(["query", "--format", "json"])
        .args(args)
        .arg(db)
        .arg(story))
}

/// (story, archived id, relation) of each pair of a report.
fn pairs(v: &Value) -> Vec<(String, String, String)> {
    let mut p: Vec<(String, String, String)> = v["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let s = |k: &str| p[k].as_str().unwrap().to_string();
            (s("a"), s("b"), s("relation"))
        })
        .collect();
    p.sort();
    p
}

fn owned(p: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    p.iter()
        .map(|&(a, b, r)| (a.into(), b.into(), r.into()))
        .collect()
}

#[test]
fn a_paraphrase_is_a_rewrite_through_the_word_signature_as_in_scan() {
    let s = setup();
    let db = add(&s, "a.db", &[]);
    let stats = json(&run(reprint().args(["index", "stats", "--json"]).arg(&db)));
    assert_eq!(stats["parameters"]["format_version"], 6);
    assert_eq!(stats["parameters"]["word_bands"], 32);
    assert!(stats["common_words"].as_u64().unwrap() > 0);

    let out = query(&db, &s.story, &[]);
    assert!(
        !stderr(&out).contains("word signatures"),
        "{}",
        stderr(&out)
    );
    let v = json(&out);
    assert_eq!(
        pairs(&v),
        owned(&[("copy", "s3", "exact"), ("rewritten", "s7", "rewrite")])
    );
    assert!(v["stats"]["word_candidates"].as_u64().unwrap() >= 1);
    let p = v["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["a"] == "rewritten")
        .unwrap();
    // Few shingles shared, but most words in order: the alignment decides.
    assert!(p["jaccard"].as_f64().unwrap() < 0.15, "{p}");
    assert!(p["aligned_a"].as_f64().unwrap() >= 0.4, "{p}");
    assert!(p["passage_count"].as_u64().unwrap() >= 1, "{p}");
    assert_eq!(p["origin"], "b", "{p}");

    // Without the word signature the paraphrase is not even a candidate.
    let v = json(&query(&db, &s.story, &["--no-word-candidates"]));
    assert_eq!(pairs(&v), owned(&[("copy", "s3", "exact")]));
    assert_eq!(v["stats"]["word_candidates"], 0);

    // `scan` over the archive's stories and the query's pairs them alike.
    let v = json(&run(reprint()
        .args(["scan", "--format", "json", "-q"])
        .arg(&s.archive)
        .arg(&s.story)));
    assert_eq!(
        pairs(&v),
        owned(&[("s3", "copy", "exact"), ("s7", "rewritten", "rewrite")])
    );

    // Word signatures are sealed as the rest: checked, and damage is said.
    let check = json(&run(reprint()
        .args(["index", "stats", "--json", "--check"])
        .arg(&db)));
    assert_eq!(check["check"]["word_signatures_checked"], 40);
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("UPDATE words SET data = zeroblob(length(data)) WHERE doc = 8")
        .unwrap();
    drop(conn);
    let out = query(&db, &s.story, &["-q"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("archive damaged"), "{}", stderr(&out));
    let out = run(reprint().args(["index", "stats", "--check"]).arg(&db));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("word signature of document 8"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_archive_of_the_previous_format_is_queried_without_word_candidates() {
    let s = setup();
    // Format 5 as it was: no word bands in the runs, no word parameters.
    let db = add(&s, "old.db", &["--no-word-candidates"]);
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(common::TO_FORMAT_5).unwrap();
    conn.pragma_update(None, "wal_checkpoint", "TRUNCATE")
        .unwrap();
    drop(conn);
    let before = std::fs::read(&db).unwrap();

    let out = query(&db, &s.story, &[]);
    let v = json(&out);
    assert_eq!(pairs(&v), owned(&[("copy", "s3", "exact")]));
    assert_eq!(
        stderr(&out).matches("keeps no word signatures").count(),
        1,
        "{}",
        stderr(&out)
    );
    // Said only when word candidates were wanted; the file is untouched.
    let out = query(&db, &s.story, &["--no-word-candidates"]);
    assert_eq!(pairs(&json(&out)), owned(&[("copy", "s3", "exact")]));
    assert!(!stderr(&out).contains("word signatures"));
    assert_eq!(std::fs::read(&db).unwrap(), before);
    let stats = json(&run(reprint()
        .args(["index", "stats", "--json", "--check"])
        .arg(&db)));
    assert_eq!(stats["parameters"]["format_version"], 5);
    assert_eq!(stats["parameters"]["word_bands"], 0);
    assert_eq!(stats["integrity"], "ok");

    // An add upgrades it to format 6, still without word signatures.
    let more = s.dir.path().join("more.jsonl");
    std::fs::write(
        &more,
        line(
            "late",
            "2026-12-03",
            "the harbour ferry runs a winter timetable",
        ),
    )
    .unwrap();
    let out = run(reprint().args(["index", "add", "-q"]).arg(&db).arg(&more));
    assert!(out.status.success(), "{}", stderr(&out));
    let stats = json(&run(reprint()
        .args(["index", "stats", "--json", "--check"])
        .arg(&db)));
    assert_eq!(stats["parameters"]["format_version"], 6);
    assert_eq!(stats["documents"], 41);
    assert_eq!(stats["integrity"], "ok");
    assert_eq!(
        pairs(&json(&query(&db, &s.story, &["-q"]))),
        owned(&[("copy", "s3", "exact")])
    );

    // An archive that keeps word signatures refuses an add without them.
    let with = add(&s, "new.db", &[]);
    let out = run(reprint()
        .args(["index", "add", "-q", "--no-word-candidates"])
        .arg(&with)
        .arg(&more));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("word signatures"), "{}", stderr(&out));
}
