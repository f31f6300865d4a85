//! End-to-end tests of archive damage and read-only archives: a damaged
//! archive never answers with exit 0 wrongly and is never written to;
//! `index stats --check` names what is damaged; an archive written before
//! checksums is still read; an archive in a read-only folder is queried.

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

/// A folder with `feed.jsonl` (`n` pseudo-news stories), `query.jsonl` (the
/// first `q` of them again, as exact copies) and `a.db` built from the feed.
struct Setup {
    dir: tempfile::TempDir,
    db: PathBuf,
    feed: PathBuf,
    query: PathBuf,
}

fn setup(n: usize, q: usize) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let mut news = PseudoNews::new(34);
    let lines: Vec<String> = (0..n)
        .map(|i| {
            let text = news.article(format!("s{i}"), i).text();
            serde_json::json!({"id": format!("s{i}"), "text": text}).to_string() + "\n"
        })
        .collect();
    let (feed, query, db) = (
        dir.path().join("feed.jsonl"),
        dir.path().join("query.jsonl"),
        dir.path().join("a.db"),
    );
    std::fs::write(&feed, lines.concat()).unwrap();
    std::fs::write(&query, lines[..q].concat()).unwrap();
    let out = run(reprint().args(["index", "add", "-q"]).arg(&db).arg(&feed));
    assert!(out.status.success(), "{}", stderr(&out));
    Setup {
        dir,
        db,
        feed,
        query,
    }
}

/// `query --format json` of `s.query` against `db`.
fn query(s: &Setup, db: &Path) -> Output {
    run(reprint()
        .args(["query", "-q", "--format", "json"])
        .arg(db)
        .arg(&s.query))
}

/// (query id, match id) of a query's JSON report.
fn matched(out: &Output) -> Vec<(String, String)> {
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    let mut m: Vec<(String, String)> = v["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["a"].as_str().unwrap().to_string(),
                m["b"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    m.sort();
    m
}

fn exec(db: &Path, sql: &str) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.execute_batch(sql).unwrap();
    conn.pragma_update(None, "wal_checkpoint", "TRUNCATE").ok();
}

fn copy(s: &Setup, name: &str) -> PathBuf {
    let to = s.dir.path().join(name);
    std::fs::copy(&s.db, &to).unwrap();
    to
}

/// Exit 2 with "archive damaged" on stderr.
fn assert_damaged(out: &Output, what: &str) {
    assert_eq!(out.status.code(), Some(2), "{what}: {}", stderr(out));
    assert!(
        stderr(out).contains("archive damaged"),
        "{what}: {}",
        stderr(out)
    );
}

#[test]
fn damaged_values_are_reported_not_answered() {
    let s = setup(60, 5);
    let good = query(&s, &s.db);
    assert!(good.status.success(), "{}", stderr(&good));
    let want = matched(&good);
    assert!(want.len() >= 5, "{want:?}");
    // Bytes changed inside values SQLite keeps no check of: a bucket chunk
    // (the exact-text band's, so exact matches go missing), a signature,
    // and an id turned into a blob ("Conversion error"). (A damaged text is
    // covered by integrity's unit test.)
    let cases = [
        (
            "chunk",
            "UPDATE chunks SET data = zeroblob(length(data)) WHERE id = (SELECT max(id) FROM chunks WHERE (id >> 40) & 8191 = (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'bands'))",
            "bucket chunk",
        ),
        ("id", "UPDATE docs SET id = x'ff00' WHERE doc = 3", "document 3"),
    ];
    for (name, sql, says) in cases {
        let db = copy(&s, &format!("{name}.db"));
        exec(&db, sql);
        let before = std::fs::read(&db).unwrap();
        assert_damaged(&query(&s, &db), name);
        let check = run(reprint().args(["index", "stats", "--check"]).arg(&db));
        assert_damaged(&check, name);
        let said = String::from_utf8_lossy(&check.stdout).into_owned() + &stderr(&check);
        assert!(said.contains(says), "{name}: {said}");
        // Writes that read the damage stop before writing anything.
        for args in [vec!["index", "compact", "-q"], vec!["index", "add", "-q"]] {
            let mut cmd = reprint();
            cmd.args(&args).arg(&db);
            if args[1] == "add" {
                cmd.arg(&s.feed).arg("--replace");
            }
            let out = run(&mut cmd);
            if out.status.success() {
                // A write that never read the damaged value: the damage
                // must still be found by the next read.
                assert_damaged(&query(&s, &db), name);
            } else {
                assert_damaged(&out, name);
                assert_eq!(
                    std::fs::read(&db).unwrap(),
                    before,
                    "{name}: {args:?} wrote"
                );
            }
        }
    }
}

#[test]
fn random_bytes_in_the_middle_never_give_a_wrong_answer() {
    let s = setup(300, 20);
    let want = matched(&query(&s, &s.db));
    let bytes = std::fs::read(&s.db).unwrap();
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for trial in 0..8 {
        let mut damaged = bytes.clone();
        // 4 KB of random bytes somewhere past the first page.
        let at = 32 * 1024 + (next() as usize) % (bytes.len() - 36 * 1024);
        for b in &mut damaged[at..at + 4096] {
            *b = next() as u8;
        }
        let db = s.dir.path().join(format!("random{trial}.db"));
        std::fs::write(&db, &damaged).unwrap();
        let out = query(&s, &db);
        match out.status.code() {
            Some(0) => assert_eq!(matched(&out), want, "trial {trial} at {at}: a wrong answer"),
            Some(2) => assert!(stderr(&out).contains("damaged"), "{}", stderr(&out)),
            c => panic!("trial {trial} at {at}: exit {c:?}: {}", stderr(&out)),
        }
        let add = run(reprint()
            .args(["index", "add", "-q", "--replace"])
            .arg(&db)
            .arg(&s.query));
        if add.status.success() {
            let again = query(&s, &db);
            if again.status.success() {
                assert_eq!(matched(&again), want, "trial {trial} at {at}: after an add");
            }
        } else {
            assert_eq!(add.status.code(), Some(2), "{}", stderr(&add));
            assert_eq!(
                std::fs::read(&db).unwrap(),
                damaged,
                "trial {trial}: add wrote"
            );
        }
    }
}

#[test]
fn an_archive_written_before_checksums_is_read_and_said_unsealed() {
    let s = setup(40, 3);
    let want = matched(&query(&s, &s.db));
    let db = copy(&s, "format4.db");
    // Format 4: no seals after chunks (8 bytes) and signatures (16 bytes).
    exec(
        &db,
        "UPDATE chunks SET data = substr(data, 1, length(data) - 8);
         UPDATE docs SET signature = substr(signature, 1, length(signature) - 16);
         UPDATE meta SET value = 4 WHERE key = 'format_version';
         PRAGMA user_version = 4;",
    );
    let out = query(&s, &db);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(matched(&out), want);
    let check = run(reprint()
        .args(["index", "stats", "--check", "--json"])
        .arg(&db));
    assert!(check.status.success(), "{}", stderr(&check));
    let v: Value = serde_json::from_slice(&check.stdout).unwrap();
    assert_eq!(v["check"]["documents_unsealed"], 40);
    assert_eq!(v["check"]["documents_checked"], 0);
    // A write upgrades it; what it writes is sealed.
    let more = s.dir.path().join("more.jsonl");
    std::fs::write(
        &more,
        "{\"id\": \"new\", \"text\": \"a new story about the harbour ferry schedule in winter\"}\n",
    )
    .unwrap();
    let add = run(reprint().args(["index", "add", "-q"]).arg(&db).arg(&more));
    assert!(add.status.success(), "{}", stderr(&add));
    let v: Value = serde_json::from_slice(
        &run(reprint()
            .args(["index", "stats", "--check", "--json"])
            .arg(&db))
        .stdout,
    )
    .unwrap();
    assert_eq!(v["parameters"]["format_version"], 6);
    assert_eq!(v["check"]["documents_checked"], 1);
    assert_eq!(v["check"]["documents_unsealed"], 40);
    assert_eq!(matched(&query(&s, &db)), want);
}

/// `cmd` run as an unprivileged user: as root (which ignores permissions)
/// through `setpriv` as nobody; `None` when that is not possible.
fn unprivileged(bin: &str) -> Option<Command> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return Some(Command::new(bin));
    }
    let probe = Command::new("setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            bin,
            "--version",
        ])
        .output();
    match probe {
        Ok(o) if o.status.success() => {
            let mut c = Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups", bin]);
            Some(c)
        }
        _ => None,
    }
}

#[test]
fn an_archive_in_a_read_only_folder_is_queried() {
    use std::os::unix::fs::PermissionsExt;
    let bin = env!("CARGO_BIN_EXE_reprint");
    if unprivileged(bin).is_none() {
        eprintln!("SKIPPED an_archive_in_a_read_only_folder_is_queried: running as root without a working `setpriv` to drop privileges");
        return;
    }
    let s = setup(40, 3);
    let want = matched(&query(&s, &s.db));
    // The archive alone (no -wal, no -shm) in a folder nobody may write.
    let ro = s.dir.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    let db = ro.join("a.db");
    std::fs::copy(&s.db, &db).unwrap();
    let set = |p: &Path, mode| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap()
    };
    set(s.dir.path(), 0o755);
    set(&s.query, 0o644);
    set(&db, 0o444);
    set(&ro, 0o555);
    let out = unprivileged(bin)
        .unwrap()
        .args(["query", "-q", "--format", "json"])
        .arg(&db)
        .arg(&s.query)
        .output()
        .unwrap();
    let stats = unprivileged(bin)
        .unwrap()
        .args(["index", "stats", "--check"])
        .arg(&db)
        .output()
        .unwrap();
    set(&ro, 0o755);
    assert!(out.status.success(), "query: {}", stderr(&out));
    assert_eq!(matched(&out), want);
    assert!(stats.status.success(), "stats: {}", stderr(&stats));
    assert!(!ro.join("a.db-shm").exists());
    // Writing is still refused, with exit 1 (a run-time failure).
    set(&ro, 0o555);
    let add = unprivileged(bin)
        .unwrap()
        .args(["index", "add", "-q"])
        .arg(&db)
        .arg(&s.query)
        .output()
        .unwrap();
    set(&ro, 0o755);
    assert!(!add.status.success());
}
