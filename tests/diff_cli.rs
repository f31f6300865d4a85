//! End-to-end tests of `reprint diff`: the seed pair's editorial changes,
//! byte spans, the text views in a pipe, --corpus, and bad input.

mod common;

use common::root;
use serde_json::Value;
use std::path::Path;
use std::process::Output;

const TELEGRAPH: &str = "samples/telegraph-russia-hi-tech-arms.txt";
const REPOST: &str = "samples/repost-russia-hi-tech-arms.txt";

fn reprint(args: &[&str]) -> Output {
    common::reprint()
        .current_dir(root())
        .env_remove("NO_COLOR")
        .args(args)
        .output()
        .unwrap()
}

fn json_diff(args: &[&str]) -> Value {
    let mut all = vec!["diff"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let out = reprint(&all);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The (a_text, b_text) of every change of a kind.
fn of_kind(d: &Value, kind: &str) -> Vec<(String, String)> {
    d["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] == kind)
        .map(|c| {
            (
                c["a_text"].as_str().unwrap().to_string(),
                c["b_text"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn seed_pair_shows_the_editorial_changes() {
    let d = json_diff(&[TELEGRAPH, REPOST]);
    assert_eq!(d["a"], TELEGRAPH);
    assert_eq!(d["b"], REPOST);
    let loc = of_kind(&d, "localization");
    for (uk, us) in [
        ("defence", "defense"),
        ("mobilised", "mobilized"),
        ("criticise", "criticize"),
        ("centres", "centers"),
        ("cosying", "Cozying"),
    ] {
        assert!(
            loc.contains(&(uk.to_string(), us.to_string())),
            "{uk}/{us} not in {loc:?}"
        );
    }
    // Every localization is a real UK/US pair, none invented.
    for (a, b) in &loc {
        assert!(reprint::normalize::is_spelling_variant(a, b), "{a} / {b}");
    }
    let glued: Vec<String> = of_kind(&d, "glued").into_iter().map(|c| c.1).collect();
    for g in ["Beijingwith", "ammunitionand", "microchipsthe"] {
        assert!(glued.iter().any(|t| t == g), "{g} not in {glued:?}");
    }
    let captions = of_kind(&d, "caption");
    assert_eq!(captions.len(), 4, "{captions:?}");
    assert!(captions.iter().any(|c| c.1.ends_with("– Andy Davey")));
    assert!(captions
        .iter()
        .any(|c| c.1.ends_with("Kremlin Pool Photo via AP")));
    let furniture: Vec<String> = of_kind(&d, "boilerplate")
        .into_iter()
        .map(|(a, b)| a + &b)
        .collect();
    for line in [
        "Source link",
        "Powered by BeaconSites",
        "Newspapers in English",
        "Newspapers from United Kingdom",
    ] {
        assert!(furniture.iter().any(|f| f == line), "{line}: {furniture:?}");
    }
    let headline = of_kind(&d, "headline");
    assert_eq!(headline.len(), 1);
    assert!(headline[0]
        .0
        .starts_with("Russia ‘ramping up hi-tech arms’"));
    assert!(headline[0]
        .1
        .starts_with("Russian factories working overtime"));
    let numbers = of_kind(&d, "number-format");
    assert!(
        numbers.contains(&("10-fold".into(), "tenfold".into())),
        "{numbers:?}"
    );
    assert!(
        numbers.contains(&("tenth".into(), "10th".into())),
        "{numbers:?}"
    );
    // Summary: counts agree with the changes, shares are in range.
    let s = &d["summary"];
    let total: u64 = s["counts"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(total as usize, d["changes"].as_array().unwrap().len());
    let kept = s["share_a_kept"].as_f64().unwrap();
    let from_a = s["share_b_from_a"].as_f64().unwrap();
    assert!(kept > 0.6 && kept < 0.95, "{kept}");
    assert!(from_a > 0.3 && from_a < kept, "{from_a}");
    let line = s["description"].as_str().unwrap();
    assert!(
        line.starts_with("B is A localized to US spelling, with a new headline, 4 captions"),
        "{line}"
    );
}

#[test]
fn spans_are_byte_offsets_into_the_original_texts() {
    let d = json_diff(&[TELEGRAPH, REPOST]);
    let a = std::fs::read_to_string(root().join(TELEGRAPH)).unwrap();
    let b = std::fs::read_to_string(root().join(REPOST)).unwrap();
    let changes = d["changes"].as_array().unwrap();
    assert!(changes.len() > 50);
    for c in changes {
        let span = |k: &str| {
            let s = c[k].as_array().unwrap();
            (
                s[0].as_u64().unwrap() as usize,
                s[1].as_u64().unwrap() as usize,
            )
        };
        let (a0, a1) = span("a_span");
        let (b0, b1) = span("b_span");
        assert_eq!(&a[a0..a1], c["a_text"].as_str().unwrap());
        assert_eq!(&b[b0..b1], c["b_text"].as_str().unwrap());
    }
}

#[test]
fn identical_texts_have_no_changes_and_case_only_is_typography() {
    let dir = common::tempdir();
    let a = dir.path().join("a.txt");
    let b = dir.path().join("b.txt");
    std::fs::write(&a, "Title of it all\n\nThe defence budget rose 10 pct.\n").unwrap();
    std::fs::write(&b, "Title of it all\n\nThe defence budget rose 10 pct.\n").unwrap();
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    let d = json_diff(&[a, b]);
    assert_eq!(d["changes"].as_array().unwrap().len(), 0);
    assert_eq!(d["summary"]["description"], "B is identical to A");
    std::fs::write(b, "Title of it all\n\nTHE DEFENCE BUDGET ROSE 10 PCT.\n").unwrap();
    let d = json_diff(&[a, b]);
    let kinds: Vec<&str> = d["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert!(
        !kinds.is_empty() && kinds.iter().all(|k| *k == "typography"),
        "{kinds:?}"
    );
}

#[test]
fn side_by_side_and_inline_in_a_pipe_are_plain_text() {
    let out = reprint(&["diff", TELEGRAPH, REPOST, "--width", "100"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\x1b'), "colors in a pipe");
    assert!(text.contains("{~defense~}") && text.contains("[~defence~]"));
    assert!(text.contains("{+Source link+}"));
    for line in text.lines() {
        assert!(
            unicode_width::UnicodeWidthStr::width(line) <= 100,
            "line wider than 100: {line}"
        );
    }
    // Both columns: the left holds A's words, the right B's.
    let row = text.lines().find(|l| l.contains("[~defence~]")).unwrap();
    let (left, right) = row.split_once(" │ ").unwrap();
    assert!(
        left.contains("[~defence~]") && right.contains("{~defense~}"),
        "{row}"
    );

    let out = reprint(&["diff", TELEGRAPH, REPOST, "--inline", "--hide-cosmetic"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("expanding defense production"),
        "cosmetic shown as plain"
    );
    assert!(!text.contains("[~defence~]") && !text.contains("{~Beijingwith~}"));
    assert!(text.contains("Beijingwith"));
    assert!(text.contains("{+Source link+}"));
    assert!(
        text.contains("on Russia [-yesterday-]."),
        "a deletion keeps its space"
    );
}

#[test]
fn colors_only_when_forced_and_never_with_no_color() {
    // A pipe never gets colors, whatever the flags.
    let out = common::reprint()
        .current_dir(root())
        .env("NO_COLOR", "1")
        .args(["diff", TELEGRAPH, REPOST])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains('\x1b'));
}

#[test]
fn corpus_records_by_id() {
    let d = json_diff(&[
        "--corpus",
        "samples/feed.jsonl",
        "telegraph-russia-hi-tech-arms",
        "repost-russia-hi-tech-arms",
    ]);
    assert_eq!(d["a"], "telegraph-russia-hi-tech-arms");
    assert!(of_kind(&d, "glued").iter().any(|c| c.1 == "Beijingwith"));
}

#[test]
fn html_report_is_one_self_contained_file() {
    let dir = common::tempdir();
    let path = dir.path().join("r.html");
    let out = reprint(&["diff", TELEGRAPH, REPOST, "--html", path.to_str().unwrap()]);
    assert!(out.status.success());
    assert!(out.stdout.is_empty(), "the report goes to the file");
    let html = std::fs::read_to_string(&path).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<style>"));
    assert!(!html.contains("<script"));
    assert!(!html.contains("src=\"http") && !html.contains("href=\"http"));
    assert!(html.contains("class=\"ch k-localization\""));
    assert!(html.contains("Beijingwith"));
}

fn assert_bad_input(args: &[&str], needle: &str) {
    let out = reprint(args);
    assert_eq!(out.status.code(), Some(2), "{args:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(needle), "{needle:?} not in {err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn bad_input_exits_2_naming_the_problem() {
    assert_bad_input(
        &["diff", "no/such.txt", REPOST],
        "no/such.txt: no such file",
    );
    let dir = common::tempdir();
    let bin = dir.path().join("x.bin.txt");
    std::fs::write(&bin, b"\x00\x01\x02binary\x00").unwrap();
    let bin = bin.to_str().unwrap();
    assert_bad_input(&["diff", bin, REPOST], "binary");
    assert_bad_input(
        &[
            "diff",
            "--corpus",
            "samples/feed.jsonl",
            "nope",
            "repost-russia-hi-tech-arms",
        ],
        "no document with id \"nope\"",
    );
    assert_bad_input(&["diff", "samples/feed.jsonl", REPOST], "--corpus");
    assert!(Path::new(&root().join(REPOST)).exists());
}

/// Paragraphs of the Telegraph story, for rearranged copies.
fn telegraph_paragraphs() -> Vec<String> {
    std::fs::read_to_string(root().join(TELEGRAPH))
        .unwrap()
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn reversed_paragraphs_are_moves_only() {
    let dir = tempfile::tempdir().unwrap();
    let mut paras = telegraph_paragraphs();
    paras.reverse();
    let rev = dir.path().join("reversed.txt");
    std::fs::write(&rev, paras.join("\n\n")).unwrap();
    let d = json_diff(&[TELEGRAPH, rev.to_str().unwrap()]);
    let counts = d["summary"]["counts"].as_object().unwrap();
    for (kind, n) in counts {
        if kind != "paragraph-moved" {
            assert_eq!(n, 0, "{kind}: {counts:?}");
        }
    }
    assert!(
        counts["paragraph-moved"].as_u64().unwrap() >= 10,
        "{counts:?}"
    );
    assert_eq!(d["summary"]["complete"], true);
}

#[test]
fn unrelated_texts_share_no_text() {
    let d = json_diff(&[TELEGRAPH, "samples/kyiv-russia-drones-in-china.txt"]);
    let s = &d["summary"];
    assert!(
        s["description"]
            .as_str()
            .unwrap()
            .starts_with("No shared text"),
        "{s}"
    );
    assert!(
        s["counts"].as_object().unwrap().values().all(|n| n == 0),
        "{s}"
    );
    assert!(d["changes"].as_array().unwrap().is_empty());
}

#[test]
fn origin_orders_the_pair_or_says_unknown() {
    // --origin b: the second file is the origin, shown as A.
    let d = json_diff(&[REPOST, TELEGRAPH, "--origin", "b"]);
    assert_eq!(d["a"], TELEGRAPH);
    assert_eq!(d["summary"]["direction"], "a-is-origin");
    // auto: the earlier date wins.
    let d = json_diff(&[
        REPOST,
        TELEGRAPH,
        "--origin",
        "auto",
        "--date-a",
        "2026-11-23",
        "--date-b",
        "2026-11-22",
    ]);
    assert_eq!(d["a"], TELEGRAPH);
    // auto: a listed origin source.
    let d = json_diff(&[
        REPOST,
        TELEGRAPH,
        "--origin",
        "auto",
        "--source-b",
        "Telegraph",
        "--origin-sources",
        "AP,telegraph",
    ]);
    assert_eq!(d["a"], TELEGRAPH);
    // auto without evidence: unknown, worded neutrally.
    let d = json_diff(&[REPOST, TELEGRAPH, "--origin", "auto"]);
    assert_eq!(d["a"], REPOST);
    assert_eq!(d["summary"]["direction"], "unknown");
    let line = d["summary"]["description"].as_str().unwrap();
    assert!(line.starts_with("Direction unknown"), "{line}");
    assert!(
        line.contains("in A only") || line.contains("in B only"),
        "{line}"
    );
    assert!(!line.contains("B is A"), "{line}");
}

#[test]
fn write_failures_exit_1_and_empty_files_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-folder/report.html");
    let out = reprint(&[
        "diff",
        TELEGRAPH,
        REPOST,
        "--html",
        missing.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("report.html"));
    // scan --report into a path under a file.
    let file = dir.path().join("file");
    std::fs::write(&file, "x").unwrap();
    let out = reprint(&[
        "scan",
        "--quiet",
        "--report",
        file.join("r").to_str().unwrap(),
        "samples/feed.jsonl",
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Never over an input.
    let copy = dir.path().join("a.txt");
    std::fs::copy(root().join(TELEGRAPH), &copy).unwrap();
    let out = reprint(&[
        "diff",
        copy.to_str().unwrap(),
        REPOST,
        "--html",
        copy.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        std::fs::read(&copy).unwrap(),
        std::fs::read(root().join(TELEGRAPH)).unwrap()
    );
    // An empty file: a clear message, not "skipped".
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "").unwrap();
    let out = reprint(&["diff", empty.to_str().unwrap(), REPOST]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("empty.txt: is empty") && !err.contains("skipped"),
        "{err}"
    );
}
