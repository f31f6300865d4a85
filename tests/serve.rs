//! `reprint serve` end to end: the binary on an ephemeral loopback port and
//! a real HTTP client. Its query answers equal `reprint query`'s, an add is
//! found by the next query, errors are JSON with the right status, queries
//! during an add never see part of a batch, SIGTERM finishes the request in
//! flight and exits 0, and SIGKILL mid-add keeps every committed batch.

mod common;

use common::{reprint, samples};

use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};
use synth::PseudoNews;

const TOKEN: &str = "test-token-0123456789";

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(300)))
        .build()
        .into()
}

/// A running `reprint serve`; killed when dropped.
struct Server {
    child: Child,
    base: String,
    log: Arc<Mutex<String>>,
}

impl Server {
    fn start(archive: &Path, extra: &[&str]) -> Server {
        let mut child = reprint()
            .arg("serve")
            .arg(archive)
            .args(["--addr", "127.0.0.1:0"])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("reprint serve starts");
        let stderr = child.stderr.take().expect("stderr piped");
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = mpsc::channel();
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(at) = line.find("listening on http://") {
                    let _ = tx.send(line[at + "listening on ".len()..].trim().to_string());
                }
                let mut l = sink.lock().unwrap();
                l.push_str(&line);
                l.push('\n');
            }
        });
        let base = match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(b) => b,
            Err(_) => {
                let _ = child.kill();
                panic!("serve printed no address; stderr: {}", log.lock().unwrap());
            }
        };
        Server { child, base, log }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn get(&self, path: &str) -> (u16, String) {
        let mut res = agent().get(&self.url(path)).call().expect("GET answered");
        let status = res.status().as_u16();
        (status, res.body_mut().read_to_string().unwrap_or_default())
    }

    fn post(&self, path: &str, body: &[u8], token: Option<&str>) -> (u16, String) {
        let mut req = agent().post(&self.url(path));
        if let Some(t) = token {
            req = req.header("Authorization", &format!("Bearer {t}"));
        }
        let mut res = req.send(body).expect("POST answered");
        let status = res.status().as_u16();
        (status, res.body_mut().read_to_string().unwrap_or_default())
    }

    fn signal(&self, sig: &str) {
        let ok = Command::new("kill")
            .args([sig, &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(ok.success());
    }

    /// Wait for the process to end; its exit code.
    fn wait(&mut self, limit: Duration) -> Option<i32> {
        let started = Instant::now();
        loop {
            if let Some(s) = self.child.try_wait().expect("wait") {
                return s.code();
            }
            assert!(started.elapsed() < limit, "serve did not exit");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// An archive of the five samples, and the token file.
fn archive(dir: &Path) -> (PathBuf, PathBuf) {
    let db = dir.join("archive.db");
    common::succeeded(
        reprint()
            .args(["index", "add"])
            .arg(&db)
            .arg(samples().join("feed.jsonl"))
            .arg("--quiet"),
    );
    let token = dir.join("token.txt");
    std::fs::write(&token, format!("{TOKEN}\n")).unwrap();
    (db, token)
}

fn sample(name: &str) -> String {
    std::fs::read_to_string(samples().join(name)).unwrap()
}

/// `n` generated stories `{prefix}{i}` as JSONL.
fn feed(prefix: &str, n: usize, seed: u64) -> Vec<u8> {
    let mut news = PseudoNews::new(seed);
    let mut out = Vec::new();
    for i in 0..n {
        let id = format!("{prefix}{i}");
        let text = news.article(id.clone(), i).text();
        let v = serde_json::json!({"id": id, "date": "2026-12-06", "text": text});
        writeln!(out, "{v}").unwrap();
    }
    out
}

fn documents(db: &Path) -> u64 {
    let out = common::succeeded(reprint().args(["index", "stats", "--json"]).arg(db));
    json(&String::from_utf8_lossy(&out.stdout))["documents"]
        .as_u64()
        .unwrap()
}

#[test]
fn query_answers_equal_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = archive(dir.path());
    let server = Server::start(&db, &[]);
    let stories = [
        serde_json::json!({"id": "q/repost?1", "title": "repost", "text": sample("repost-russia-hi-tech-arms.txt")}),
        serde_json::json!({"id": "q-kyiv", "text": sample("kyiv-russia-drones-in-china.txt")}),
        serde_json::json!({"id": "q-new", "text": "A story the archive has never seen about a village fete and its prize marrows."}),
    ];
    let jsonl: String = stories.iter().map(|s| format!("{s}\n")).collect();
    let q = dir.path().join("q.jsonl");
    std::fs::write(&q, &jsonl).unwrap();
    let cli = reprint()
        .arg("query")
        .arg(&db)
        .arg(&q)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(cli.status.success());
    let cli = json(&String::from_utf8_lossy(&cli.stdout));
    assert!(
        !cli["pairs"].as_array().unwrap().is_empty(),
        "the repost matches: {cli}"
    );

    let (status, body) = server.post("/v1/query", jsonl.as_bytes(), None);
    assert_eq!(status, 200, "{body}");
    assert_eq!(json(&body), cli, "JSONL query differs from `reprint query`");

    // One story as a JSON object (pretty-printed) answers as its JSONL line.
    let one = dir.path().join("one.jsonl");
    std::fs::write(&one, format!("{}\n", stories[0])).unwrap();
    let cli = reprint()
        .arg("query")
        .arg(&db)
        .arg(&one)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let cli = json(&String::from_utf8_lossy(&cli.stdout));
    let pretty = serde_json::to_vec_pretty(&stories[0]).unwrap();
    let (status, body) = server.post("/v1/query", &pretty, None);
    assert_eq!(status, 200, "{body}");
    let got = json(&body);
    assert_eq!(got, cli);
    // The archived repost itself first (exact), then the Telegraph original.
    assert_eq!(got["pairs"][1]["b"], "telegraph-russia-hi-tech-arms");

    // Health: the count and the parameters `index stats` shows.
    let (status, body) = server.get("/healthz");
    assert_eq!(status, 200);
    let h = json(&body);
    assert_eq!(h["documents"], 5);
    assert_eq!(h["writable"], false);
    let stats = reprint()
        .args(["index", "stats", "--json"])
        .arg(&db)
        .output()
        .unwrap();
    let stats = json(&String::from_utf8_lossy(&stats.stdout));
    assert_eq!(h["parameters"], stats["parameters"]);

    // Who reprinted the Telegraph story: the repost, not itself.
    let (status, body) = server.get("/v1/documents/telegraph-russia-hi-tech-arms/matches");
    assert_eq!(status, 200, "{body}");
    let m = json(&body);
    let bs: Vec<&str> = m["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["b"].as_str().unwrap())
        .collect();
    assert_eq!(bs, vec!["repost-russia-hi-tech-arms"], "{m}");

    // The diff JSON equals `reprint diff --format json` of the two texts.
    let (status, body) =
        server.get("/v1/diff?a=telegraph-russia-hi-tech-arms&b=repost-russia-hi-tech-arms");
    assert_eq!(status, 200, "{body}");
    let d = json(&body);
    let cli = reprint()
        .args(["diff", "--corpus"])
        .arg(samples().join("feed.jsonl"))
        .args([
            "telegraph-russia-hi-tech-arms",
            "repost-russia-hi-tech-arms",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(cli.status.success());
    assert_eq!(d, json(&String::from_utf8_lossy(&cli.stdout)));

    // One log line per request, with method, path, status and time.
    let log = server.log.lock().unwrap().clone();
    let line = log
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(json)
        .find(|l| l["path"] == "/healthz")
        .unwrap_or_else(|| panic!("no log line for /healthz: {log}"));
    assert_eq!(line["method"], "GET");
    assert_eq!(line["status"], 200);
    assert!(line["ms"].as_f64().is_some());
}

#[test]
fn added_stories_are_found_and_ids_may_hold_any_character() {
    let dir = tempfile::tempdir().unwrap();
    let (db, token) = archive(dir.path());
    let server = Server::start(&db, &["--token-file", token.to_str().unwrap(), "--quiet"]);
    let id = "https://example.com/news/a story?x=1&y=%2F#frag";
    let text = "The harbour board voted on Tuesday to close the old ferry pier for repairs after divers found cracked piles beneath the waiting room, a decision that strands the island's morning commuters for at least six weeks while engineers design a temporary landing stage.";
    let rec = serde_json::json!([{"id": id, "title": "Pier closes", "source": "Harbour Gazette", "date": "2026-12-01", "text": text}]);
    let (status, body) = server.post("/v1/documents", rec.to_string().as_bytes(), Some(TOKEN));
    assert_eq!(status, 200, "{body}");
    let added = json(&body);
    assert_eq!(added["added"], 1);
    assert_eq!(added["documents"], 6);
    assert_eq!(added["skipped"], serde_json::json!([]));

    let q = serde_json::json!({"text": text});
    let (status, body) = server.post("/v1/query", q.to_string().as_bytes(), None);
    assert_eq!(status, 200, "{body}");
    let r = json(&body);
    assert_eq!(r["pairs"][0]["b"], id);
    assert_eq!(r["pairs"][0]["relation"], "exact");
    assert_eq!(r["archive_documents"], 6);

    let enc: String = id
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let (status, body) = server.get(&format!("/v1/documents/{enc}"));
    assert_eq!(status, 200, "{body}");
    let d = json(&body);
    assert_eq!(
        (d["id"].as_str(), d["text"].as_str()),
        (Some(id), Some(text))
    );
    assert_eq!(d["source"], "Harbour Gazette");

    // The same id again is skipped, and said so.
    let (status, body) = server.post("/v1/documents", rec.to_string().as_bytes(), Some(TOKEN));
    assert_eq!(status, 200);
    let again = json(&body);
    assert_eq!(
        (again["added"].as_u64(), again["skipped"][0].as_str()),
        (Some(0), Some(id))
    );
    assert_eq!(documents(&db), 6);
}

fn assert_error(status: u16, body: &str, want: u16, says: &str) -> Value {
    assert_eq!(status, want, "{body}");
    let v = json(body);
    let e = v["error"]
        .as_str()
        .unwrap_or_else(|| panic!("no error field: {body}"));
    assert!(e.contains(says), "{want}: {e:?} does not say {says:?}");
    v
}

#[test]
fn errors_are_json_with_their_status() {
    let dir = tempfile::tempdir().unwrap();
    let (db, token) = archive(dir.path());
    let server = Server::start(
        &db,
        &[
            "--token-file",
            token.to_str().unwrap(),
            "--max-body",
            "4096",
            "--quiet",
        ],
    );
    let rec = br#"{"id": "x", "text": "some text"}"#;
    let (s, b) = server.post("/v1/documents", rec, None);
    assert_error(s, &b, 401, "Authorization");
    let (s, b) = server.post("/v1/documents", rec, Some("test-token-0123456788"));
    assert_error(s, &b, 401, "wrong token");
    let (s, b) = server.post("/v1/query", b"{\"text\": \"a\"", None);
    let v = assert_error(s, &b, 400, "malformed JSON");
    assert_eq!(v["records"][0]["record"], 1);
    let (s, b) = server.post(
        "/v1/query",
        b"{\"id\": \"a\", \"text\": \"fine\"}\n{\"id\": \"b\"}\n[1,\n",
        None,
    );
    let v = assert_error(s, &b, 400, "2 records cannot be read");
    let recs: Vec<(u64, String)> = v["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["record"].as_u64().unwrap(),
                r["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(recs.len(), 2, "{v}");
    assert_eq!(recs[0].0, 2);
    assert!(recs[0].1.contains("no \"text\" field"), "{recs:?}");
    assert_eq!(recs[1].0, 3);
    let (s, b) = server.post("/v1/documents", br#"{"text": "no id"}"#, Some(TOKEN));
    assert_error(s, &b, 400, "needs an id");
    let (s, b) = server.post("/v1/query", b"", None);
    assert_error(s, &b, 400, "empty body");
    let (s, b) = server.get("/v1/documents/nope%2Fnot-here");
    assert_error(s, &b, 404, "nope/not-here");
    let (s, b) = server.get("/v1/documents/nope/matches");
    assert_error(s, &b, 404, "nope");
    let (s, b) = server.get("/v1/diff?a=nope&b=telegraph-russia-hi-tech-arms");
    assert_error(s, &b, 404, "nope");
    let (s, b) = server.get("/v1/diff?a=nope");
    assert_error(s, &b, 400, "a=ID&b=ID");
    let (s, b) = server.get("/v1/nothing");
    assert_error(s, &b, 404, "no such endpoint");
    let big = vec![b' '; 5000];
    let (s, b) = server.post("/v1/query", &big, None);
    assert_error(s, &b, 413, "4096-byte limit");
    // The server is still up and nothing was added.
    let (s, b) = server.get("/healthz");
    assert_eq!(s, 200);
    assert_eq!(json(&b)["documents"], 5);

    // A read-only server refuses writes with 403.
    let ro = Server::start(&db, &["--quiet"]);
    let (s, b) = ro.post("/v1/documents", rec, Some(TOKEN));
    assert_error(s, &b, 403, "read-only");
    // A non-loopback address needs a token file.
    let out = reprint()
        .arg("serve")
        .arg(&db)
        .args(["--addr", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--token-file"));
}

#[test]
fn queries_during_an_add_see_whole_batches() {
    let dir = tempfile::tempdir().unwrap();
    let (db, token) = archive(dir.path());
    let batch = 100;
    let server = Arc::new(Server::start(
        &db,
        &[
            "--token-file",
            token.to_str().unwrap(),
            "--batch-size",
            &batch.to_string(),
            "--quiet",
        ],
    ));
    let n = 2000;
    let body = feed("gen", n, 7);
    let writer = {
        let server = server.clone();
        std::thread::spawn(move || server.post("/v1/documents", &body, Some(TOKEN)))
    };
    let q = serde_json::json!({"id": "q", "text": sample("repost-russia-hi-tech-arms.txt")})
        .to_string();
    let mut seen = Vec::new();
    while !writer.is_finished() {
        let (s, b) = server.post("/v1/query", q.as_bytes(), None);
        assert_eq!(s, 200, "{b}");
        let r = json(&b);
        let docs = r["archive_documents"].as_u64().unwrap();
        // 5 samples, then whole batches only.
        assert_eq!(
            (docs - 5) % batch as u64,
            0,
            "a query saw {docs} documents: part of a batch"
        );
        assert_eq!(r["pairs"][1]["b"], "telegraph-russia-hi-tech-arms");
        seen.push(docs);
    }
    let (s, b) = writer.join().unwrap();
    assert_eq!(s, 200, "{b}");
    assert_eq!(json(&b)["added"], n);
    assert!(!seen.is_empty());
    eprintln!("queries during the add saw {seen:?}");
    let (_, b) = server.get("/healthz");
    assert_eq!(json(&b)["documents"], 5 + n);
}

#[test]
fn sigterm_finishes_the_request_in_flight_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let (db, token) = archive(dir.path());
    let mut server = Server::start(
        &db,
        &[
            "--token-file",
            token.to_str().unwrap(),
            "--batch-size",
            "100",
        ],
    );
    let base = server.base.clone();
    let n = 1500;
    let body = feed("late", n, 11);
    let writer = std::thread::spawn(move || {
        let mut res = agent()
            .post(&format!("{base}/v1/documents"))
            .header("Authorization", &format!("Bearer {TOKEN}"))
            .send(&body[..])
            .expect("the add is answered");
        (
            res.status().as_u16(),
            res.body_mut().read_to_string().unwrap_or_default(),
        )
    });
    // Signal once the add is being handled (its body is sent).
    std::thread::sleep(Duration::from_millis(700));
    server.signal("-TERM");
    let (s, b) = writer.join().unwrap();
    assert_eq!(s, 200, "{b}");
    assert_eq!(json(&b)["added"], n);
    assert_eq!(
        server.wait(Duration::from_secs(120)),
        Some(0),
        "{}",
        server.log.lock().unwrap()
    );
    assert_eq!(documents(&db), 5 + n as u64);
    // Stopped listening: a new connection is refused.
    assert!(agent().get(&server.url("/healthz")).call().is_err());
}

#[test]
fn sigkill_during_an_add_keeps_every_committed_batch() {
    let dir = tempfile::tempdir().unwrap();
    let (db, token) = archive(dir.path());
    let batch = 50;
    let mut server = Server::start(
        &db,
        &[
            "--token-file",
            token.to_str().unwrap(),
            "--batch-size",
            &batch.to_string(),
            "--max-body",
            "200000000",
            "--quiet",
        ],
    );
    let base = server.base.clone();
    let body = feed("cut", 6000, 13);
    std::thread::spawn(move || {
        let _ = agent()
            .post(&format!("{base}/v1/documents"))
            .header("Authorization", &format!("Bearer {TOKEN}"))
            .send(&body[..]);
    });
    // Kill once some batches are committed.
    let started = Instant::now();
    while documents(&db) < 5 + 2 * batch as u64 {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "no batch committed"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    server.signal("-KILL");
    server.wait(Duration::from_secs(30));
    let n = documents(&db);
    assert_eq!((n - 5) % batch as u64, 0, "{n} documents: part of a batch");
    assert!(n < 6005, "the add should have been cut short ({n})");
    common::succeeded(
        reprint()
            .args(["index", "stats", "--check", "--json"])
            .arg(&db),
    );
    // The archive serves again, with what was committed.
    let server = Server::start(&db, &["--quiet"]);
    let (_, b) = server.get("/healthz");
    assert_eq!(json(&b)["documents"], n);
}

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// The WebDriver binary, or None (after saying so) when the browser test
/// should skip; under CI (env `CI` set) it fails instead: `.ci/run` installs it.
fn chromedriver() -> Option<&'static Path> {
    let path = Path::new(CHROMEDRIVER);
    if path.is_file() {
        return Some(path);
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "{CHROMEDRIVER} not found and CI is set: the browser test cannot run \
             (.ci/run installs it: apt-get install -y --no-install-recommends chromium chromium-driver)"
        );
    }
    eprintln!("skipping: {CHROMEDRIVER} not found (apt-get install chromium chromium-driver)");
    None
}

/// A running chromedriver on a free loopback port; killed when dropped.
struct Driver(Child, String);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_driver(path: &Path) -> Driver {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let child = Command::new(path)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let url = format!("http://127.0.0.1:{port}");
    let driver = Driver(child, url.clone());
    let started = Instant::now();
    while agent().get(&format!("{url}/status")).call().is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "chromedriver did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    driver
}

#[test]
fn the_web_page_finds_the_telegraph_story_and_shows_the_diff() {
    let Some(path) = chromedriver() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = archive(dir.path());
    let server = Server::start(&db, &["--quiet"]);
    let driver = start_driver(path);
    let profile = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        use fantoccini::{ClientBuilder, Locator};
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run",
                    "--disable-dev-shm-usage", "--window-size=400,900",
                    format!("--user-data-dir={}", profile.path().display()),
                ]
            }),
        );
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&driver.1)
            .await
            .expect("a WebDriver session");
        let result = async {
            client.goto(&server.url("/")).await?;
            let text = sample("repost-russia-hi-tech-arms.txt");
            let area = client.find(Locator::Css("textarea#text")).await?;
            // Typing 5 KB key by key is slow: set the value as pasting does.
            client
                .execute("arguments[0].value = arguments[1];", vec![serde_json::to_value(&area)?, text.into()])
                .await?;
            client.find(Locator::Css("button[type=submit]")).await?.click().await?;
            // The archived repost itself is listed first; the Telegraph second.
            // Waited for: the results page loads after the click returns.
            let first = client
                .wait()
                .for_element(Locator::Css("li.match:nth-child(2)"))
                .await?;
            let listed = first.text().await?;
            assert!(listed.contains("telegraph-russia-hi-tech-arms"), "first match: {listed}");
            assert!(listed.contains("Russia ‘ramping up hi-tech arms’"), "{listed}");
            // One column at 400 px: the match box fits the window.
            let width: f64 = client
                .execute("return document.querySelector('li.match').getBoundingClientRect().right - window.innerWidth + 400;", vec![])
                .await?
                .as_f64()
                .unwrap_or(f64::MAX);
            assert!(width <= 400.0, "the match list is {width}px wide at 400px");
            first.find(Locator::Css("a.diff")).await?.click().await?;
            let url = client.current_url().await?;
            assert!(url.path().starts_with("/diff/telegraph-russia-hi-tech-arms/pasted%3A"), "{url}");
            let marks_a = client.find_all(Locator::Css("td.a .ch")).await?;
            let marks_b = client.find_all(Locator::Css("td.b .ch")).await?;
            assert!(!marks_a.is_empty() && !marks_b.is_empty(), "no change marks");
            // The inline style sheet applies under the CSP: marks are colored.
            let bg = marks_a[0].css_value("background-color").await?;
            assert!(bg != "rgba(0, 0, 0, 0)" && !bg.is_empty(), "marks not styled: {bg}");
            let h1 = client.find(Locator::Css("h1")).await?.text().await?;
            assert_eq!(h1, "What changed from A to B");
            Ok::<_, Box<dyn std::error::Error>>(())
        }
        .await;
        let _ = client.close().await;
        result.expect("the browser walk");
    });
}
