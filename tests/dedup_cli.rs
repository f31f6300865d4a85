//! End-to-end tests of `reprint dedup` and of boilerplate masking: planted
//! copies removed, kept lines byte-identical, the removed list complete,
//! bad records passed through, shared site boilerplate never pairing stories.

mod common;

use common::reprint;
use serde_json::{json, Value};
use std::io::Write;
use std::path::Path;
use std::process::{Output, Stdio};

/// A deterministic pseudo-random story: distinct seeds give distinct text.
fn story(seed: u64, words: usize) -> String {
    const VOCAB: &[&str] = &[
        "government",
        "minister",
        "announced",
        "budget",
        "council",
        "river",
        "harbour",
        "election",
        "police",
        "investigation",
        "company",
        "shares",
        "profit",
        "quarter",
        "farmers",
        "drought",
        "hospital",
        "doctors",
        "strike",
        "union",
        "talks",
        "agreement",
        "border",
        "troops",
        "weather",
        "storm",
        "flooding",
        "residents",
        "school",
        "teachers",
        "students",
        "court",
        "judge",
        "ruling",
        "appeal",
        "mayor",
        "festival",
        "museum",
        "exhibition",
        "railway",
        "station",
        "delays",
        "airport",
        "passengers",
        "energy",
        "prices",
        "households",
        "bank",
        "interest",
        "rates",
        "inflation",
        "exports",
        "factory",
        "workers",
        "wages",
        "housing",
    ];
    let mut rng = synth::Rng::new(seed);
    let mut out = Vec::with_capacity(words);
    for i in 0..words {
        let x = rng.next_u64();
        out.push(VOCAB[(x % VOCAB.len() as u64) as usize].to_string());
        if i % 12 == 11 {
            out.push(format!("{}.", x % 1000));
        }
    }
    out.join(" ")
}

const SITE_FURNITURE: &str = "Share this article on Facebook, Twitter, WhatsApp and Email. \
    Sign up for our morning newsletter and get the best of the Daily Courier in your inbox. \
    Source link. Powered by BeaconSites. Newspapers in English. Oops! Something went wrong. \
    Please try again later. Advertisement. Continue reading below. Related topics: news, local, \
    politics, business. Comments are closed on this story. Copyright Daily Courier Media Group.";

fn write_feed(dir: &Path, name: &str, records: &[Value]) -> std::path::PathBuf {
    let path = dir.join(name);
    let mut f = std::fs::File::create(&path).unwrap();
    for r in records {
        writeln!(f, "{r}").unwrap();
    }
    path
}

fn json_out(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn shared_site_boilerplate_does_not_pair_different_stories() {
    let dir = common::tempdir();
    // 80 different short stories from one site, all carrying its furniture.
    let mut records: Vec<Value> = (0..80)
        .map(|i| json!({"id": format!("site-{i}"), "text": format!("{}\n\n{SITE_FURNITURE}", story(i, 90))}))
        .collect();
    // Story 7 again, clean, as another site printed it.
    records.push(json!({"id": "clean-copy-of-7", "text": story(7, 90)}));
    let feed = write_feed(dir.path(), "site.jsonl", &records);

    let scan = |extra: &[&str]| {
        let out = reprint()
            .arg("scan")
            .arg(&feed)
            .args(["--format", "json", "--quiet"])
            .args(extra)
            .output()
            .unwrap();
        json_out(&out)
    };
    // Without masking the furniture alone pairs the site's stories.
    let unmasked = scan(&["--mask-share", "1"]);
    assert!(
        unmasked["pairs"].as_array().unwrap().len() > 100,
        "furniture should pair stories when not masked"
    );

    let masked = scan(&[]);
    let pairs: Vec<(String, String)> = masked["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["a"].as_str().unwrap().to_string(),
                p["b"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        vec![("site-7".to_string(), "clean-copy-of-7".to_string())]
    );
    assert!(masked["stats"]["mask"]["masked_slots"].as_u64().unwrap() > 100);
    // The clean copy is wholly inside the boilerplated one once furniture is masked.
    assert!(masked["pairs"][0]["containment_b_in_a"].as_f64().unwrap() > 0.95);

    // --explain names the masked passages.
    let out = reprint()
        .arg("scan")
        .arg(&feed)
        .args(["--format", "json", "--explain"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("share this article on facebook twitter"),
        "{stderr}"
    );
}

struct Planted {
    feed: std::path::PathBuf,
    lines: Vec<String>,
    expected_removed: Vec<(String, String)>,
    _dir: tempfile::TempDir,
}

/// A feed of distinct stories with planted exact copies, near copies and one
/// malformed line, shuffled deterministically.
fn planted() -> Planted {
    let dir = common::tempdir();
    let mut lines = Vec::new();
    let mut expected_removed = Vec::new();
    for i in 0..60u64 {
        let text = story(1000 + i, 220);
        // Field order and spacing deliberately unusual: output must keep them.
        lines.push(format!(
            r#"{{"source":"wire", "id":"s{i}","date":"2026-11-{:02}","text":{}}}"#,
            1 + i % 20,
            json!(text)
        ));
        if i % 5 == 0 {
            lines.push(format!(
                r#"{{"id":"s{i}-exact","date":"2026-11-25","text":{}}}"#,
                json!(text.to_uppercase())
            ));
            expected_removed.push((format!("s{i}-exact"), format!("s{i}")));
        }
        if i % 7 == 0 {
            let near = format!(
                "{} Additional reporting by staff.",
                text.replacen("government", "administration", 1)
            );
            lines.push(format!(
                r#"{{"id":"s{i}-near","date":"2026-11-26","text":{}}}"#,
                json!(near)
            ));
            expected_removed.push((format!("s{i}-near"), format!("s{i}")));
        }
    }
    lines.insert(10, r#"{"id": "broken", "text": "#.to_string());
    lines.insert(20, r#"{"id": "no-text"}"#.to_string());
    let feed = dir.path().join("feed.jsonl");
    std::fs::write(&feed, lines.join("\n") + "\n").unwrap();
    expected_removed.sort();
    Planted {
        feed,
        lines,
        expected_removed,
        _dir: dir,
    }
}

#[test]
fn dedup_removes_planted_copies_and_keeps_lines_byte_identical() {
    let p = planted();
    let dir = common::tempdir();
    let clean = dir.path().join("clean.jsonl");
    let removed = dir.path().join("removed.jsonl");
    let out = reprint()
        .arg("dedup")
        .arg(&p.feed)
        .arg("-o")
        .arg(&clean)
        .arg("--removed")
        .arg(&removed)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let removed_rows: Vec<Value> = std::fs::read_to_string(&removed)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut got: Vec<(String, String)> = removed_rows
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["duplicate_of"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(got, p.expected_removed);
    for r in &removed_rows {
        let id = r["id"].as_str().unwrap();
        let want = if id.ends_with("-exact") {
            "exact"
        } else {
            "near-duplicate"
        };
        assert_eq!(r["relation"], want, "{r}");
    }

    // Kept lines are the input lines, byte for byte, in input order, with
    // the malformed ones passed through.
    let removed_ids: Vec<&str> = got.iter().map(|(id, _)| id.as_str()).collect();
    let expected: Vec<&str> = p
        .lines
        .iter()
        .map(String::as_str)
        .filter(|l| {
            !removed_ids
                .iter()
                .any(|id| l.contains(&format!("\"id\":\"{id}\"")))
        })
        .collect();
    let clean_text = std::fs::read_to_string(&clean).unwrap();
    let clean_lines: Vec<&str> = clean_text.lines().collect();
    assert_eq!(clean_lines, expected);

    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("{} removed", p.expected_removed.len())),
        "{stderr}"
    );
    assert!(stderr.contains("2 malformed passed through"), "{stderr}");
}

#[test]
fn annotate_keeps_every_record_and_stdin_works() {
    let p = planted();
    let input = std::fs::read(&p.feed).unwrap();
    let mut child = reprint()
        .args(["dedup", "-", "--annotate", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(out.stderr.is_empty());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), p.lines.len());
    for (got, orig) in lines.iter().zip(&p.lines) {
        match serde_json::from_str::<Value>(got) {
            Ok(v) if v.get("text").is_some() => {
                // Every original byte up to the closing brace is unchanged.
                assert!(got.starts_with(orig.trim_end_matches('}')), "{got}");
                let id = v["id"].as_str().unwrap();
                if p.expected_removed.iter().any(|(r, _)| r == id) {
                    assert!(v["duplicate_of"].is_string(), "{got}");
                    assert!(v["relation"].is_string());
                    assert!(v["cluster"].is_u64());
                } else {
                    assert!(v["duplicate_of"].is_null(), "{got}");
                }
            }
            _ => assert_eq!(got, orig, "bad records pass through untouched"),
        }
    }
}

#[test]
fn keep_first_and_drop_option() {
    let p = planted();
    // --keep longest keeps the near copy (it has an extra sentence).
    let out = reprint()
        .arg("dedup")
        .arg(&p.feed)
        .args(["--keep", "longest", "--quiet"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(r#""id":"s0-near""#));
    assert!(!text.contains(r#""id":"s0","#) && !text.contains(r#""id":"s0""#));
    // Dropping only exact copies leaves the near copies in.
    let out = reprint()
        .arg("dedup")
        .arg(&p.feed)
        .args(["--drop", "exact", "--quiet"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(r#""id":"s7-near""#));
    assert!(!text.contains(r#""id":"s0-exact""#));
    // An unknown relation is a usage error.
    let out = reprint()
        .arg("dedup")
        .arg(&p.feed)
        .args(["--drop", "copies"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// `dedup` reads texts again from its input by offset (stdin and gzip via
/// a spool): a gzipped feed and the feed on stdin (plain or gzipped) give
/// the plain file's output byte for byte, and with malformed, blank and
/// CRLF lines in between, each removed record's `line` is where its id is.
#[test]
fn gzip_and_stdin_dedup_like_the_plain_file_and_lines_map_right() {
    let p = planted();
    let dir = common::tempdir();
    let mut lines = p.lines.clone();
    lines.insert(5, String::new());
    lines.insert(15, "   ".to_string());
    lines.insert(25, "{\"id\": \"half".to_string());
    for l in lines.iter_mut().skip(30).step_by(3) {
        l.push('\r');
    }
    let body = lines.join("\n");
    let feed = dir.path().join("feed.jsonl");
    std::fs::write(&feed, &body).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(body.as_bytes()).unwrap();
    let gz = gz.finish().unwrap();
    let zipped = dir.path().join("feed.jsonl.gz");
    std::fs::write(&zipped, &gz).unwrap();

    let run = |input: &Path, stdin: Option<&[u8]>, annotate: bool| -> (Vec<u8>, Vec<Value>) {
        let removed = dir.path().join("removed.jsonl");
        let mut cmd = reprint();
        cmd.arg("dedup")
            .arg(input)
            .arg("--removed")
            .arg(&removed)
            .arg("--quiet")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if annotate {
            cmd.arg("--annotate");
        }
        let mut child = cmd.spawn().unwrap();
        let mut pipe = child.stdin.take().unwrap();
        pipe.write_all(stdin.unwrap_or_default()).unwrap();
        drop(pipe);
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let rows = std::fs::read_to_string(&removed)
            .unwrap()
            .lines()
            .map(|l| {
                let mut v: Value = serde_json::from_str(l).unwrap();
                v.as_object_mut().unwrap().remove("file");
                v
            })
            .collect();
        (out.stdout, rows)
    };
    let dash = Path::new("-");
    for annotate in [false, true] {
        let plain = run(&feed, None, annotate);
        assert!(!plain.1.is_empty());
        assert_eq!(run(&zipped, None, annotate), plain, "gzipped file");
        assert_eq!(run(dash, Some(body.as_bytes()), annotate), plain, "stdin");
        assert_eq!(run(dash, Some(&gz), annotate), plain, "gzipped stdin");
        if annotate {
            continue;
        }
        // Each removed record's line number points at its own line.
        let input: Vec<&str> = body.split('\n').collect();
        for r in &plain.1 {
            let line = input[r["line"].as_u64().unwrap() as usize - 1];
            let id = r["id"].as_str().unwrap();
            assert!(line.contains(&format!("\"id\":\"{id}\"")), "{r} {line}");
        }
        // The clean feed is the input minus the removed lines, in order,
        // CRLF line ends written as LF, blank lines passed through.
        let removed: Vec<usize> = plain
            .1
            .iter()
            .map(|r| r["line"].as_u64().unwrap() as usize)
            .collect();
        let expected: Vec<&str> = input
            .iter()
            .enumerate()
            .filter(|(i, _)| !removed.contains(&(i + 1)))
            .map(|(_, l)| l.trim_end_matches('\r'))
            .collect();
        let clean = String::from_utf8(plain.0).unwrap();
        assert_eq!(clean.lines().collect::<Vec<_>>(), expected);
    }
}
