//! End-to-end tests of `reprint index` and `reprint query`: an archive built
//! in two adds answers as `scan` does, a SIGKILL mid-add keeps every committed
//! batch, two adds at once store each id once, bad files exit 2 untouched,
//! parameters and duplicates are checked, and `index compact` changes no
//! answer.

mod common;

use common::{reprint, samples};
use serde_json::Value;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};
use synth::{make_variant, ExtraPool, PseudoNews, Rng};

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("reprint runs")
}

fn ok(out: &Output) -> &Output {
    assert!(
        out.status.success(),
        "exit {:?}, stderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&ok(out).stdout).expect("valid JSON on stdout")
}

/// A generated record: id, date and text.
struct Rec {
    id: String,
    date: String,
    text: String,
}

/// `n` pseudo-news documents, `share` of them syndicated variants of an
/// earlier one, dated one a day from 2001-01-01.
fn generate(n: usize, share: f64, paragraphs: (usize, usize), seed: u64) -> Vec<Rec> {
    let mut rng = Rng::new(seed);
    let mut news = PseudoNews::new(seed ^ 0x5EED);
    news.paragraphs = paragraphs;
    let mut extra = ExtraPool::new(
        (0..50)
            .flat_map(|i| news.article(format!("extra{i}"), i).paragraphs)
            .collect(),
        None,
    );
    let mut bases = Vec::new();
    (0..n)
        .map(|i| {
            let id = format!("doc{i}");
            let text = if !bases.is_empty() && rng.chance(share) {
                let k = rng.below(bases.len());
                make_variant(&bases[k], &mut extra, &mut rng).text
            } else {
                let a = news.article(id.clone(), i);
                let t = a.text();
                bases.push(a);
                t
            };
            Rec {
                id,
                date: format!("2001-{:02}-{:02}", 1 + (i / 28) % 12, 1 + i % 28),
                text,
            }
        })
        .collect()
}

fn write_jsonl(path: &Path, recs: &[&Rec]) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for r in recs {
        let v = serde_json::json!({"id": r.id, "date": r.date, "text": r.text});
        writeln!(f, "{v}").unwrap();
    }
    f.flush().unwrap();
}

/// Unordered pairs with their relation and Jaccard.
fn pairs(report: &Value) -> BTreeSet<(String, String, String, String)> {
    report["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let (a, b) = (p["a"].as_str().unwrap(), p["b"].as_str().unwrap());
            let (x, y) = if a < b { (a, b) } else { (b, a) };
            (
                x.to_string(),
                y.to_string(),
                p["relation"].as_str().unwrap().to_string(),
                format!("{:.4}", p["jaccard"].as_f64().unwrap()),
            )
        })
        .collect()
}

fn count(db: &Path) -> u64 {
    let out = run(reprint().args(["index", "stats", "--json"]).arg(db));
    json(&out)["documents"].as_u64().unwrap()
}

#[test]
fn two_adds_then_query_give_the_cross_pairs_of_scan() {
    let dir = common::tempdir();
    let recs = generate(400, 0.4, (4, 3), 11);
    let all: Vec<&Rec> = recs.iter().collect();
    let archived: Vec<&Rec> = recs.iter().step_by(2).collect();
    let queried: Vec<&Rec> = recs.iter().skip(1).step_by(2).collect();
    let (whole, day1, day2, today) = (
        dir.path().join("all.jsonl"),
        dir.path().join("day1.jsonl"),
        dir.path().join("day2.jsonl"),
        dir.path().join("today.jsonl"),
    );
    write_jsonl(&whole, &all);
    write_jsonl(&day1, &archived[..100]);
    write_jsonl(&day2, &archived[100..]);
    write_jsonl(&today, &queried);
    let db = dir.path().join("archive.db");
    for feed in [&day1, &day2] {
        ok(&run(reprint()
            .args([
                "index",
                "add",
                "-q",
                "--mask-share",
                "1",
                "--batch-size",
                "48",
            ])
            .arg(&db)
            .arg(feed)));
    }
    // Batches of 48, 48, 4 per add; every four small runs are merged into
    // one, so three are left (for `index compact` below).
    assert_eq!(count(&db), 200);
    let got = json(&run(reprint()
        .args(["query", "-q", "--format", "json"])
        .arg(&db)
        .arg(&today)));
    assert_eq!(got["archive_documents"], 200);
    assert_eq!(got["estimated"], false);
    let scan = json(&run(reprint()
        .args(["scan", "-q", "--format", "json", "--mask-share", "1"])
        .arg(&whole)));
    let in_archive: BTreeSet<&str> = archived.iter().map(|r| r.id.as_str()).collect();
    let cross: BTreeSet<_> = pairs(&scan)
        .into_iter()
        .filter(|(a, b, _, _)| in_archive.contains(a.as_str()) != in_archive.contains(b.as_str()))
        .collect();
    assert!(
        cross.len() > 30,
        "too few cross pairs to compare: {}",
        cross.len()
    );
    assert!(cross.iter().any(|p| p.2 == "rewrite"));
    assert_eq!(pairs(&got), cross);
    // Every query pair has the query document as `a`.
    for p in got["pairs"].as_array().unwrap() {
        assert!(!in_archive.contains(p["a"].as_str().unwrap()));
    }

    // `index compact` merges the bucket index into one run; the same answers.
    let stats = |db: &Path| json(&run(reprint().args(["index", "stats", "--json"]).arg(db)));
    let runs = stats(&db)["runs"].as_u64().unwrap();
    assert!(runs > 1, "{runs} runs");
    let compacted = json(&run(reprint()
        .args(["index", "compact", "--json"])
        .arg(&db)));
    assert_eq!(compacted["runs_before"], runs);
    assert_eq!(compacted["runs_after"], 1);
    assert_eq!(compacted["stale_documents"], 0);
    assert_eq!(stats(&db)["runs"], 1);
    let again = json(&run(reprint()
        .args(["query", "-q", "--format", "json"])
        .arg(&db)
        .arg(&today)));
    assert_eq!(pairs(&again), cross);
}

#[test]
fn samples_archive_answers_as_scan_with_default_parameters() {
    let dir = common::tempdir();
    let db = dir.path().join("a.db");
    let s = samples();
    ok(&run(reprint()
        .args(["index", "add", "-q"])
        .arg(&db)
        .arg(s.join("telegraph-russia-hi-tech-arms.txt"))
        .arg(s.join("reuters-putin-tells-defense-industry.txt"))));
    let out = json(&run(reprint()
        .args(["query", "--format", "json"])
        .arg(&db)
        .arg(s.join("repost-russia-hi-tech-arms.txt"))
        .arg(s.join("kyiv-russia-drones-in-china.txt"))));
    let scan = json(&run(reprint().args(["scan", "--format", "json"]).args(
        [
            "telegraph-russia-hi-tech-arms.txt",
            "reuters-putin-tells-defense-industry.txt",
            "repost-russia-hi-tech-arms.txt",
            "kyiv-russia-drones-in-china.txt",
        ]
        .map(|f| s.join(f)),
    )));
    let want: BTreeSet<_> = pairs(&scan)
        .into_iter()
        .filter(|p| p.0.contains("repost") || p.1.contains("repost"))
        .collect();
    assert_eq!(want.len(), 1);
    assert_eq!(pairs(&out), want);
    let table = run(reprint()
        .arg("query")
        .arg(&db)
        .arg(s.join("repost-russia-hi-tech-arms.txt")));
    let text = String::from_utf8(ok(&table).stdout.clone()).unwrap();
    assert!(
        text.contains("rewrite") && text.contains("telegraph-russia-hi-tech-arms"),
        "{text}"
    );
}

#[test]
fn sigkill_mid_add_keeps_every_committed_batch() {
    let dir = common::tempdir();
    let recs = generate(30_000, 0.0, (3, 2), 5);
    let feed = dir.path().join("big.jsonl");
    write_jsonl(&feed, &recs.iter().collect::<Vec<_>>());
    let db = dir.path().join("archive.db");
    let batch = 500u64;
    let mut child = reprint()
        .args(["index", "add", "-q", "--batch-size", &batch.to_string()])
        .arg(&db)
        .arg(&feed)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let mut seen = 0;
    while seen == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no batch committed"
        );
        std::thread::sleep(Duration::from_millis(20));
        if db.exists() {
            let out = run(reprint().args(["index", "stats", "--json"]).arg(&db));
            if out.status.success() {
                seen = json(&out)["documents"].as_u64().unwrap();
            }
        }
    }
    // A query during the add reads one committed state.
    let q = json(&run(reprint()
        .args(["query", "-q", "--format", "json"])
        .arg(&db)
        .arg(samples().join("kyiv-russia-drones-in-china.txt"))));
    assert_eq!(q["archive_documents"].as_u64().unwrap() % batch, 0);
    assert!(
        child.try_wait().unwrap().is_none(),
        "add finished before the kill"
    );
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();

    let conn = rusqlite::Connection::open(&db).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    drop(conn);
    let n = count(&db);
    assert!(n >= seen && n < recs.len() as u64, "{n} documents");
    assert_eq!(n % batch, 0, "{n} is not whole batches of {batch}");
    let stats = run(reprint().args(["index", "stats", "--check"]).arg(&db));
    let report = String::from_utf8_lossy(&ok(&stats).stdout).to_string();
    assert!(report.contains("integrity    sqlite ok"), "{report}");
    assert!(!report.contains("damaged"), "{report}");
    // Adding the feed again completes the archive; committed ids are skipped.
    let again = run(reprint()
        .args(["index", "add", "--batch-size", "5000"])
        .arg(&db)
        .arg(&feed));
    let err = String::from_utf8_lossy(&ok(&again).stderr).to_string();
    assert!(err.contains(&format!("{n} skipped")), "{err}");
    assert_eq!(count(&db), recs.len() as u64);
}

#[test]
fn bad_files_exit_2_and_are_left_untouched() {
    let dir = common::tempdir();
    let good = dir.path().join("good.db");
    let recs = generate(300, 0.2, (3, 2), 3);
    let feed = dir.path().join("feed.jsonl");
    write_jsonl(&feed, &recs.iter().collect::<Vec<_>>());
    ok(&run(reprint()
        .args(["index", "add", "-q"])
        .arg(&good)
        .arg(&feed)));
    let bytes = std::fs::read(&good).unwrap();
    assert!(bytes.len() > 16 * 4096);

    let mut newer = bytes.clone();
    newer[60..64].copy_from_slice(&99u32.to_be_bytes());
    // Format 1 kept one row per band and document, format 2 a chunk table
    // with a rowid and a separate index, format 3 a UNIQUE index on ids.
    let mut older = bytes.clone();
    older[60..64].copy_from_slice(&1u32.to_be_bytes());
    let mut format2 = bytes.clone();
    format2[60..64].copy_from_slice(&2u32.to_be_bytes());
    let mut format3 = bytes.clone();
    format3[60..64].copy_from_slice(&3u32.to_be_bytes());
    let mut damaged = bytes.clone();
    for b in &mut damaged[4096..] {
        *b = 0xA5;
    }
    let plain_sqlite = dir.path().join("other.db");
    rusqlite::Connection::open(&plain_sqlite)
        .unwrap()
        .execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);")
        .unwrap();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "notes.txt",
            b"just some notes\n".repeat(50),
            "not a reprint index",
        ),
        ("empty.db", Vec::new(), "not a reprint index"),
        ("newer.db", newer, "newer reprint"),
        ("older.db", older, "older reprint"),
        ("format2.db", format2, "older reprint"),
        ("format3.db", format3, "older reprint"),
        (
            "truncated.db",
            bytes[..bytes.len() / 2].to_vec(),
            "truncated",
        ),
        ("damaged.db", damaged, "damaged"),
        (
            "other.db",
            std::fs::read(&plain_sqlite).unwrap(),
            "not a reprint index",
        ),
    ];
    for (name, content, says) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, &content).unwrap();
        for args in [
            vec!["index", "add", "-q", "PATH", feed.to_str().unwrap()],
            vec!["query", "-q", "PATH", feed.to_str().unwrap()],
            vec!["index", "stats", "PATH"],
            vec!["index", "remove", "PATH", "--id", "doc1"],
        ] {
            let args: Vec<&str> = args
                .iter()
                .map(|a| {
                    if *a == "PATH" {
                        path.to_str().unwrap()
                    } else {
                        a
                    }
                })
                .collect();
            let out = run(reprint().args(&args));
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{name} {args:?}: {err}");
            assert!(err.contains(says), "{name} {args:?}: {err}");
            assert_eq!(std::fs::read(&path).unwrap(), content, "{name} was changed");
        }
    }
}

#[test]
fn two_adds_at_once_of_one_feed_store_each_id_once() {
    let dir = common::tempdir();
    let recs = generate(600, 0.0, (3, 2), 21);
    let refs: Vec<&Rec> = recs.iter().collect();
    let (start, forward, backward) = (
        dir.path().join("start.jsonl"),
        dir.path().join("forward.jsonl"),
        dir.path().join("backward.jsonl"),
    );
    write_jsonl(&start, &refs[..50]);
    write_jsonl(&forward, &refs);
    let reversed: Vec<&Rec> = refs.iter().rev().copied().collect();
    write_jsonl(&backward, &reversed);
    let db = dir.path().join("a.db");
    ok(&run(reprint()
        .args(["index", "add", "-q"])
        .arg(&db)
        .arg(&start)));
    // Each process checks ids against runs the other commits between its
    // own batches (its cached id filters must catch up), from opposite ends.
    let adds: Vec<_> = [&forward, &backward]
        .into_iter()
        .map(|feed| {
            reprint()
                .args(["index", "add", "-q", "--batch-size", "20"])
                .arg(&db)
                .arg(feed)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for add in adds {
        let out = add.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(count(&db), 600);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let (rows, ids): (i64, i64) = conn
        .query_row("SELECT count(*), count(DISTINCT id) FROM docs", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((rows, ids), (600, 600));
    ok(&run(reprint().args(["index", "stats", "--check"]).arg(&db)));
}

#[test]
fn parameters_duplicates_and_removal() {
    let dir = common::tempdir();
    let recs = generate(60, 0.0, (3, 2), 8);
    let feed = dir.path().join("feed.jsonl");
    write_jsonl(&feed, &recs.iter().collect::<Vec<_>>());
    let db = dir.path().join("a.db");
    ok(&run(reprint()
        .args(["index", "add", "-q", "--num-perm", "128", "--no-text"])
        .arg(&db)
        .arg(&feed)));
    // Other parameters: refused, exit 2; the stored ones are used by default.
    let out = run(reprint()
        .args(["query", "--num-perm", "256"])
        .arg(&db)
        .arg(&feed));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--num-perm 128"));
    let out = run(reprint()
        .args(["index", "add", "--seed", "3"])
        .arg(&db)
        .arg(&feed));
    assert_eq!(out.status.code(), Some(2));
    let stats = json(&run(reprint().args(["index", "stats", "--json"]).arg(&db)));
    assert_eq!(stats["parameters"]["num_perm"], 128);
    assert_eq!(stats["with_text"], 0);
    // Without text, scores are estimates and say so.
    let q = json(&run(reprint()
        .args(["query", "--format", "json"])
        .arg(&db)
        .arg(&feed)));
    assert_eq!(q["estimated"], false, "exact copies are known exactly");
    let mut edited = recs[7].text.clone();
    edited.push_str(" And a closing line from the local desk about the weather.");
    let story = dir.path().join("story.txt");
    std::fs::write(&story, &edited).unwrap();
    let q = json(&run(reprint()
        .args(["query", "--format", "json"])
        .arg(&db)
        .arg(&story)));
    assert_eq!(q["estimated"], true);
    assert_eq!(q["pairs"][0]["b"], "doc7");
    assert_eq!(q["pairs"][0]["estimated"], true);

    // Duplicate ids: skipped with a warning, or replaced.
    let out = run(reprint().args(["index", "add"]).arg(&db).arg(&feed));
    assert!(String::from_utf8_lossy(&ok(&out).stderr).contains("doc0: already in the archive"));
    assert_eq!(count(&db), 60);
    let out = run(reprint()
        .args(["index", "add", "--replace"])
        .arg(&db)
        .arg(&feed));
    assert!(String::from_utf8_lossy(&ok(&out).stderr).contains("60 replaced"));
    assert_eq!(count(&db), 60);

    // Removal by id, then by age (all these 2001 dates are old).
    let out = run(reprint()
        .args(["index", "remove", "--json", "--id", "doc1", "--id", "nope"])
        .arg(&db));
    let r = json(&out);
    assert_eq!(
        (r["removed"].as_u64(), r["documents"].as_u64()),
        (Some(1), Some(59))
    );
    assert_eq!(r["missing"][0], "nope");
    let r = json(&run(reprint()
        .args(["index", "remove", "--json", "--older-than", "30d"])
        .arg(&db)));
    assert_eq!(r["documents"], 0);
    let q = json(&run(reprint()
        .args(["query", "--format", "json"])
        .arg(&db)
        .arg(&feed)));
    assert_eq!(q["pairs"].as_array().unwrap().len(), 0);
}

#[test]
fn bad_records_are_warned_about_and_skipped_unless_strict() {
    let dir = common::tempdir();
    let recs = generate(30, 0.0, (3, 2), 12);
    let feed = dir.path().join("feed.jsonl");
    write_jsonl(&feed, &recs.iter().collect::<Vec<_>>());
    // A broken record in the middle of the feed (line 16).
    let text = std::fs::read_to_string(&feed).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(15, "{\"id\": \"broken\", \"text\": ");
    std::fs::write(&feed, lines.join("\n")).unwrap();

    // --strict: exit 2 naming the line, and no archive is created.
    let db = dir.path().join("strict.db");
    let out = run(reprint()
        .args(["index", "add", "--strict", "--batch-size", "4"])
        .arg(&db)
        .arg(&feed));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("feed.jsonl:16"), "{err}");
    assert!(!db.exists());

    // Streamed: a warning naming the line, every other record added.
    let db = dir.path().join("a.db");
    let out = run(reprint()
        .args(["index", "add", "--batch-size", "4"])
        .arg(&db)
        .arg(&feed));
    let err = String::from_utf8_lossy(&ok(&out).stderr).to_string();
    assert!(
        err.contains("warning") && err.contains("feed.jsonl:16"),
        "{err}"
    );
    assert!(
        err.contains("30 added") && err.contains("8 batches"),
        "{err}"
    );
    assert_eq!(count(&db), 30);

    // A missing feed: exit 2 naming it, and no archive is created.
    let db = dir.path().join("none.db");
    let out = run(reprint()
        .args(["index", "add"])
        .arg(&db)
        .arg(dir.path().join("nope.jsonl")));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope.jsonl"));
    assert!(!db.exists());
}
