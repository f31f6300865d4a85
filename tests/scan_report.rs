//! End-to-end tests of `reprint scan --report DIR`: the index of clusters,
//! one diff page per non-representative member, safe file names, stdout
//! unchanged, and a clear error for a bad folder.

mod common;

use common::root;
use dom_query::Document;
use serde_json::Value;
use std::collections::HashSet;
use std::path::Path;
use std::process::Output;

fn reprint(args: &[&str], extra: &[&Path]) -> Output {
    common::reprint()
        .current_dir(root())
        .args(args)
        .args(extra)
        .output()
        .expect("reprint runs")
}

fn ok(out: &Output) -> &Output {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn attr(sel: &dom_query::Selection, name: &str) -> String {
    sel.attr(name).map(|v| v.to_string()).unwrap_or_default()
}

#[test]
fn report_indexes_clusters_and_links_a_diff_page_per_member() {
    let tmp = common::tempdir();
    // A folder that does not exist yet, two levels down.
    let dir = tmp.path().join("reports/samples");
    let with = reprint(&["scan", "samples/", "--quiet", "--report"], &[&dir]);
    ok(&with);
    let without = reprint(&["scan", "samples/", "--quiet"], &[]);
    ok(&without);
    assert_eq!(
        String::from_utf8_lossy(&with.stdout),
        String::from_utf8_lossy(&without.stdout),
        "--report changed stdout"
    );
    assert!(!with.stdout.is_empty());

    // What the scan found, to check the index against.
    let scan: Value = serde_json::from_slice(
        &ok(&reprint(
            &["scan", "samples/", "--quiet", "--format", "json"],
            &[],
        ))
        .stdout,
    )
    .unwrap();
    let clusters = scan["clusters"].as_array().unwrap();
    assert!(!clusters.is_empty());
    let expected_pages: usize = clusters
        .iter()
        .map(|c| c["size"].as_u64().unwrap() as usize - 1)
        .sum();

    let index_path = dir.join("index.html");
    let index = std::fs::read_to_string(&index_path).expect("index.html written");
    assert!(index.starts_with("<!DOCTYPE html>"));
    assert!(index.contains("<style>"));
    assert!(!index.to_ascii_lowercase().contains("<script"));
    let doc = Document::from(index.as_str());
    assert_eq!(
        doc.select("tr.cluster").length(),
        clusters.len(),
        "one heading row per cluster"
    );
    assert_eq!(doc.select("tr.rep").length(), clusters.len());
    let reps: HashSet<String> = doc
        .select("tr.rep td.id")
        .iter()
        .map(|n| n.text().to_string())
        .collect();
    for c in clusters {
        let rep = c["representative"].as_str().unwrap();
        assert!(
            reps.iter().any(|r| r.starts_with(rep)),
            "representative {rep} not listed: {reps:?}"
        );
    }

    // Every member links to its own page, which exists in the folder.
    let links = doc.select("tr.member td.id a");
    assert_eq!(links.length(), expected_pages);
    let mut files = HashSet::new();
    let mut pair_page = None;
    for a in links.iter() {
        let href = attr(&a, "href");
        assert!(
            !href.contains(['/', '\\']) && !href.starts_with('.') && href.ends_with(".html"),
            "unsafe link {href:?}"
        );
        assert!(files.insert(href.clone()), "two members share {href}");
        let page = dir.join(&href);
        let html = std::fs::read_to_string(&page)
            .unwrap_or_else(|e| panic!("{} linked but unreadable: {e}", page.display()));
        assert!(html.starts_with("<!DOCTYPE html>"), "{href}");
        assert!(html.contains(r#"href="index.html""#), "{href}: no way back");
        assert!(!html.to_ascii_lowercase().contains("<script"));
        let member = a.text().to_string();
        let p = Document::from(html.as_str());
        let heads: Vec<String> = p
            .select("table.diff th")
            .iter()
            .map(|n| n.text().to_string())
            .collect();
        assert_eq!(heads.len(), 2, "{href}");
        assert_eq!(heads[1], format!("B: {member}"), "{href}: B is the member");
        let ids = [heads[0].as_str(), heads[1].as_str()];
        if ids.contains(&"A: repost-russia-hi-tech-arms")
            && ids.contains(&"B: telegraph-russia-hi-tech-arms")
            || ids.contains(&"A: telegraph-russia-hi-tech-arms")
                && ids.contains(&"B: repost-russia-hi-tech-arms")
        {
            pair_page = Some((a.clone(), p));
        }
    }
    // Nothing else was written.
    let on_disk: HashSet<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut expected = files.clone();
    expected.insert("index.html".into());
    assert_eq!(on_disk, expected);

    // The syndicated pair of the feed: its page shows the editorial changes,
    // and its index row the scan's relation and scores.
    let (link, page) = pair_page.expect("a page diffing the telegraph/repost pair of feed.jsonl");
    for kind in ["localization", "glued", "caption", "headline"] {
        assert!(
            page.select(&format!("table.diff td span.ch.k-{kind}"))
                .length()
                > 0,
            "pair page lacks {kind}"
        );
    }
    assert!(page.select(".summary .line").length() == 1);
    let row = link.parent().parent();
    let cells: Vec<String> = row
        .select("td")
        .iter()
        .map(|n| n.text().to_string())
        .collect();
    // Member, relation, the one reused figure, the summary line.
    assert_eq!(cells.len(), 4, "{cells:?}");
    assert!(cells[1].contains("rewrite"), "{cells:?}");
    // The reused figure is the scan's aligned share of the member (B).
    let scan = common::reprint()
        .current_dir(root())
        .args(["scan", "samples/feed.jsonl", "--format", "json", "--quiet"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&scan.stdout).unwrap();
    let pair = &report["pairs"][0];
    let member = "telegraph-russia-hi-tech-arms";
    let side = if pair["a"] == member {
        "aligned_a"
    } else {
        "aligned_b"
    };
    let share = pair[side].as_f64().unwrap();
    // (the scan rounds to 4 decimals, the row to whole percent)
    let shown: f64 = cells[2].trim_end_matches('%').parse().unwrap();
    assert!(
        (shown - share * 100.0).abs() <= 0.51,
        "{cells:?} vs {share}"
    );
    assert!(cells[3].contains("irection unknown"), "{cells:?}");
}

#[test]
fn odd_ids_get_safe_unique_file_names() {
    let tmp = common::tempdir();
    let feed = tmp.path().join("feed.jsonl");
    let text =
        std::fs::read_to_string(root().join("samples/telegraph-russia-hi-tech-arms.txt")).unwrap();
    let mut lines = String::new();
    for id in ["../../escape", "../../escape?", "a/b\\c", "..", "Москва"] {
        lines.push_str(&serde_json::json!({"id": id, "text": text}).to_string());
        lines.push('\n');
    }
    std::fs::write(&feed, lines).unwrap();
    let dir = tmp.path().join("out");
    ok(&reprint(&["scan", "--quiet", "--report"], &[&dir, &feed]));
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    // Five exact copies: one cluster, four member pages, all inside `dir`.
    assert_eq!(names.len(), 5, "{names:?}");
    assert!(!tmp.path().join("escape.html").exists());
    let index = std::fs::read_to_string(dir.join("index.html")).unwrap();
    let doc = Document::from(index.as_str());
    let links = doc.select("tr.member td.id a");
    assert_eq!(links.length(), 4);
    for a in links.iter() {
        let href = attr(&a, "href");
        assert!(
            !href.contains(['/', '\\']) && !href.contains(".."),
            "{href}"
        );
        assert!(dir.join(&href).is_file(), "{href}");
    }
    // Ids are shown escaped, as given.
    assert!(index.contains("a/b\\c") && index.contains("Москва"));
}

#[test]
fn report_into_a_file_fails_naming_it() {
    let tmp = common::tempdir();
    let file = tmp.path().join("not-a-folder");
    std::fs::write(&file, "x").unwrap();
    let out = reprint(&["scan", "samples/", "--quiet", "--report"], &[&file]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&file.display().to_string()), "{err}");
    assert!(
        out.stdout.is_empty(),
        "scan ran before the folder was checked"
    );
}
