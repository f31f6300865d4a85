//! End-to-end tests of hostile but realistic input on the binary: outputs
//! that name an input, folder loops and FIFOs, streams named explicitly,
//! damaged gzip, blank lines, BOMs, and records the annotations or ids of
//! which must come out as they went in.

mod common;

use common::reprint;

use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Run `cmd` (stdin closed), killing it after `secs`: a hang fails the test
/// instead of stalling the suite.
fn run_for(cmd: &mut Command, secs: u64) -> Output {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn reprint");
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > Duration::from_secs(secs) {
            let _ = child.kill();
            let out = child.wait_with_output().expect("output");
            panic!(
                "reprint ran over {secs}s (hung); stderr: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

fn run(cmd: &mut Command) -> Output {
    run_for(cmd, 60)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn ok(out: &Output) -> &Output {
    assert!(out.status.success(), "failed: {}", stderr(out));
    out
}

/// A deterministic story: distinct seeds give distinct words.
fn story(seed: u64, words: usize) -> String {
    let mut rng = synth::Rng::new(seed);
    (0..words)
        .map(|_| {
            let x = rng.next_u64();
            let a = (b'a' + (x % 26) as u8) as char;
            let b = (b'a' + (x / 26 % 26) as u8) as char;
            format!("w{a}{b}{}", x % 97)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `n` distinct records `r0`, `r1`... as JSONL lines.
fn feed_lines(n: usize, seed: u64) -> Vec<String> {
    (0..n)
        .map(|i| json!({"id": format!("r{i}"), "text": story(seed + i as u64, 80)}).to_string())
        .collect()
}

fn put(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write test file");
    p
}

fn joined(lines: &[String]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

/// The `documents` count of `scan --format json`.
fn scanned_documents(out: &Output) -> u64 {
    let v: Value = serde_json::from_slice(&ok(out).stdout).expect("scan JSON");
    v["documents"].as_u64().expect("documents")
}

fn scan_json(inputs: &[&Path]) -> Command {
    let mut c = reprint();
    c.args(["scan", "--format", "json", "--mask-share", "1"]);
    c.args(inputs);
    c
}

fn mkfifo(path: &Path) {
    let made = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(made.success());
}

/// Write `bytes` into the FIFO `path` from a thread of its own.
fn feed_fifo(path: &Path, bytes: Vec<u8>) -> std::thread::JoinHandle<()> {
    let path = path.to_path_buf();
    std::thread::spawn(move || {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .expect("open FIFO");
        let _ = f.write_all(&bytes);
    })
}

#[test]
fn dedup_refuses_to_write_over_its_input_or_one_file_twice() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lines = feed_lines(5, 1);
    let feed = put(dir.path(), "feed.jsonl", joined(&lines).as_bytes());
    let alias = dir.path().join("alias.jsonl");
    std::fs::hard_link(&feed, &alias).expect("hard link");
    let other = dir.path().join("other.jsonl");
    let cases: Vec<Vec<&Path>> = vec![
        vec![Path::new("-o"), &feed],
        vec![Path::new("--removed"), &feed],
        // Another name for the same file.
        vec![Path::new("-o"), &alias],
        vec![Path::new("-o"), &other, Path::new("--removed"), &other],
    ];
    for args in cases {
        let out = run(reprint().args(["dedup", "-q"]).arg(&feed).args(&args));
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("error"), "{args:?}");
        assert_eq!(
            std::fs::read_to_string(&feed).expect("feed"),
            joined(&lines),
            "{args:?}"
        );
        assert!(!other.exists(), "{args:?}");
    }
}

#[test]
fn a_failed_dedup_leaves_the_outputs_that_were_there() {
    let dir = tempfile::tempdir().expect("tempdir");
    let feed = put(
        dir.path(),
        "feed.jsonl",
        joined(&feed_lines(5, 10)).as_bytes(),
    );
    let removed = put(dir.path(), "removed.jsonl", b"an earlier good list\n");
    let out = run(reprint()
        .args(["dedup", "-q", "--removed"])
        .arg(&removed)
        .arg("-o")
        .arg(dir.path().join("no/such/folder/out.jsonl"))
        .arg(&feed));
    assert!(!out.status.success());
    assert_eq!(
        std::fs::read(&removed).expect("removed"),
        b"an earlier good list\n"
    );
    // And a run that works replaces it whole, leaving no temporary file.
    let good = dir.path().join("good.jsonl");
    ok(&run(reprint()
        .args(["dedup", "-q", "--removed"])
        .arg(&removed)
        .arg("-o")
        .arg(&good)
        .arg(&feed)));
    assert_eq!(std::fs::read(&removed).expect("removed"), b"");
    assert_eq!(
        std::fs::read(&good).expect("good"),
        std::fs::read(&feed).expect("feed")
    );
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
}

#[test]
fn folder_symlinks_are_followed_once_and_loops_end() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("feeds");
    let sub = root.join("sub");
    std::fs::create_dir_all(&sub).expect("mkdir");
    put(&root, "a.jsonl", joined(&feed_lines(40, 100)).as_bytes());
    put(&sub, "b.txt", story(999, 60).as_bytes());
    std::os::unix::fs::symlink("..", sub.join("up")).expect("symlink");
    std::os::unix::fs::symlink(".", root.join("here")).expect("symlink");
    std::os::unix::fs::symlink(&sub, root.join("again")).expect("symlink");
    let out = run_for(&mut scan_json(&[&root]), 60);
    assert_eq!(scanned_documents(&out), 41, "{}", stderr(&out));
}

#[test]
fn fifos_in_folders_are_skipped_with_a_warning() {
    let dir = tempfile::tempdir().expect("tempdir");
    put(
        dir.path(),
        "a.jsonl",
        joined(&feed_lines(3, 200)).as_bytes(),
    );
    let fifo = dir.path().join("pipe.jsonl");
    mkfifo(&fifo);
    let out = run_for(&mut scan_json(&[dir.path()]), 30);
    assert_eq!(scanned_documents(&out), 3);
    let err = stderr(&out);
    assert!(
        err.contains("pipe.jsonl") && err.contains("not a regular file"),
        "{err}"
    );
}

#[test]
fn streams_named_explicitly_are_read_by_scan_and_dedup() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lines = feed_lines(6, 300);
    let mut with_copy = lines.clone();
    with_copy.push(json!({"id": "copy", "text": story(300, 80)}).to_string());
    let body = joined(&with_copy);
    let fifo = dir.path().join("live.jsonl");
    mkfifo(&fifo);
    for cmd in ["scan", "dedup"] {
        let writer = feed_fifo(&fifo, body.clone().into_bytes());
        let mut c = reprint();
        c.args([cmd, "--mask-share", "1"]);
        if cmd == "scan" {
            c.args(["--format", "json"]);
        }
        let out = run_for(c.arg(&fifo), 60);
        writer.join().expect("writer");
        let out = ok(&out);
        if cmd == "scan" {
            assert_eq!(scanned_documents(out), 7);
        } else {
            assert_eq!(String::from_utf8_lossy(&out.stdout), joined(&lines));
        }
    }
    // Process substitution: /dev/fd/N, a pipe with no name to go by.
    let feed = put(dir.path(), "f.jsonl", body.as_bytes());
    let out = run(Command::new("bash").arg("-c").arg(format!(
        "{:?} dedup --mask-share 1 <(cat {:?})",
        env!("CARGO_BIN_EXE_reprint"),
        feed
    )));
    assert_eq!(String::from_utf8_lossy(&ok(&out).stdout), joined(&lines));
}

/// `lines` gzipped, cut at `keep` of its length.
fn truncated_gz(lines: &[String], keep: f64) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(joined(lines).as_bytes()).expect("gzip");
    let mut bytes = gz.finish().expect("gzip");
    bytes.truncate((bytes.len() as f64 * keep) as usize);
    bytes
}

#[test]
fn a_truncated_gz_keeps_the_records_before_the_damage() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lines = feed_lines(60, 400);
    let gz = put(dir.path(), "cut.jsonl.gz", &truncated_gz(&lines, 0.6));
    let out = run(&mut scan_json(&[&gz]));
    let docs = scanned_documents(&out) as usize;
    assert!(docs > 20 && docs < 60, "{docs} documents");
    let err = stderr(&out);
    assert!(
        err.contains(&format!("cut.jsonl.gz:{}", docs + 1)) && err.contains("gzip"),
        "{err}"
    );
    let strict = run(scan_json(&[&gz]).arg("--strict"));
    assert_eq!(strict.status.code(), Some(2));
    // dedup: the records before the damage come out, the broken line not.
    let out = run(reprint().args(["dedup", "--mask-share", "1"]).arg(&gz));
    assert_eq!(
        String::from_utf8_lossy(&ok(&out).stdout),
        joined(&lines[..docs]),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains(&format!("cut.jsonl.gz:{}", docs + 1)));
}

#[test]
fn dedup_passes_blank_lines_through_and_reads_a_bom() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lines = feed_lines(3, 500);
    let body = format!(
        "\u{feff}{}\n\n   \n{}\r\n\t\n{}\n{}\n",
        lines[0],
        lines[1],
        lines[2],
        json!({"id": "dup", "text": story(500, 80)})
    );
    let feed = put(dir.path(), "f.jsonl", body.as_bytes());
    let out = run(reprint().args(["dedup", "--mask-share", "1"]).arg(&feed));
    let err = stderr(ok(&out));
    assert!(!err.contains("malformed JSON"), "{err}");
    assert!(err.contains("4 records read"), "{err}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("{}\n\n   \n{}\n\t\n{}\n", lines[0], lines[1], lines[2])
    );
    let scanned = run(&mut scan_json(&[&feed]));
    let v: Value = serde_json::from_slice(&ok(&scanned).stdout).expect("json");
    assert_eq!(v["documents"], 4);
    assert_eq!(v["clusters"][0]["members"], json!(["r0", "dup"]));
}

#[test]
fn annotate_replaces_fields_a_record_already_has() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = story(600, 80);
    let feed = put(
        dir.path(),
        "f.jsonl",
        format!(
            "{}\n{}\n",
            json!({"id": "a", "cluster": 7, "text": text, "relation": "mine"}),
            json!({"id": "b", "text": text, "duplicate_of": "x"})
        )
        .as_bytes(),
    );
    let out = run(reprint()
        .args(["dedup", "-q", "--annotate", "--mask-share", "1"])
        .arg(&feed));
    let text_out = String::from_utf8_lossy(&ok(&out).stdout).into_owned();
    let lines: Vec<&str> = text_out.lines().collect();
    assert_eq!(lines.len(), 2);
    for (line, dup) in lines.iter().zip([Value::Null, json!("a")]) {
        for key in ["\"cluster\"", "\"duplicate_of\"", "\"relation\""] {
            assert_eq!(line.matches(key).count(), 1, "{key} in {line}");
        }
        let v: Value = serde_json::from_str(line).expect("JSON");
        assert_eq!(v["cluster"], 0);
        assert_eq!(v["duplicate_of"], dup);
    }
    assert!(lines[0].starts_with(r#"{"id":"a","#), "{}", lines[0]);
}

#[test]
fn numeric_ids_keep_their_json_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = story(700, 80);
    let feed = put(
        dir.path(),
        "f.jsonl",
        format!(
            "{{\"id\":-0,\"text\":{t}}}\n{{\"id\":1e3,\"text\":{t}}}\n{{\"id\":12,\"text\":{t}}}\n",
            t = Value::String(text)
        )
        .as_bytes(),
    );
    let removed = dir.path().join("removed.jsonl");
    ok(&run(reprint()
        .args(["dedup", "-q", "--keep", "first", "--mask-share", "1", "-o"])
        .arg(dir.path().join("out.jsonl"))
        .arg("--removed")
        .arg(&removed)
        .arg(&feed)));
    let got: Vec<(Value, Value)> = std::fs::read_to_string(&removed)
        .expect("removed")
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("JSON");
            (v["id"].clone(), v["duplicate_of"].clone())
        })
        .collect();
    assert_eq!(
        got,
        vec![(json!("1e3"), json!("-0")), (json!("12"), json!("-0"))]
    );
}

#[test]
fn empty_after_normalization_and_json_in_folders_are_warned_about() {
    let dir = tempfile::tempdir().expect("tempdir");
    put(
        dir.path(),
        "a.jsonl",
        format!(
            "{}\n{}\n{}\n",
            json!({"id": "party", "text": "🎉🎉🎉 !!! ... 🎉"}),
            json!({"id": "party2", "text": "🎉🎉🎉 !!! ... 🎉"}),
            json!({"id": "real", "text": story(800, 50)})
        )
        .as_bytes(),
    );
    put(
        dir.path(),
        "records.json",
        b"[{\"id\":\"j\",\"text\":\"x\"}]",
    );
    let out = run(&mut scan_json(&[dir.path()]));
    let err = stderr(ok(&out));
    assert!(
        err.contains("a.jsonl:1") && err.contains("\"party\" is empty after normalization"),
        "{err}"
    );
    assert!(err.contains("a.jsonl:2"), "{err}");
    assert!(
        err.contains("records.json") && err.contains("skipped"),
        "{err}"
    );
}

#[test]
fn query_limit_zero_is_bad_usage() {
    let dir = tempfile::tempdir().expect("tempdir");
    let feed = put(
        dir.path(),
        "f.jsonl",
        joined(&feed_lines(3, 900)).as_bytes(),
    );
    let db = dir.path().join("a.db");
    ok(&run(reprint()
        .args(["index", "add", "-q"])
        .arg(&db)
        .arg(&feed)));
    let out = run(reprint()
        .args(["query", "-q", "--limit", "0"])
        .arg(&db)
        .arg(&feed));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--limit"));
}
