//! End-to-end test of the candidate pair budget: documents sharing one
//! paragraph, with masking off and `--max-bucket` raised, must not make
//! every pair of every bucket at once; what the budget cut is said.

use serde_json::Value;
use std::process::Command;

/// `n` JSONL records that are one shared paragraph and a unique last line.
fn shared_paragraph_feed(n: usize) -> String {
    let words = [
        "council",
        "budget",
        "vote",
        "harbour",
        "ferry",
        "schedule",
        "winter",
        "storm",
        "road",
        "closure",
        "minister",
        "said",
        "residents",
        "warned",
        "repairs",
        "weeks",
    ];
    let paragraph: Vec<&str> = (0..240)
        .map(|i| words[(i * 7 + i / 5) % words.len()])
        .collect();
    let paragraph = paragraph.join(" ");
    (0..n)
        .map(|i| {
            let text = format!("{paragraph}. Reported by desk {i} at {}.", i * 37 % 1009);
            format!(
                "{}\n",
                serde_json::json!({"id": format!("d{i}"), "text": text})
            )
        })
        .collect()
}

#[test]
fn buckets_past_the_pair_budget_are_chained_and_said() {
    let dir = tempfile::tempdir().unwrap();
    let feed = dir.path().join("feed.jsonl");
    // 400 near-copies share a bucket in most of the 85 bands: about 5M
    // pairs before the bands are merged, over a budget of 100,000 (the
    // default, 2^22 pairs or 4 per document, is passed by 1,500 of them).
    std::fs::write(&feed, shared_paragraph_feed(400)).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_reprint"))
        .env("REPRINT_PAIR_BUDGET", "100000")
        .args([
            "scan",
            "--format",
            "json",
            "--mask-share",
            "1",
            "--max-bucket",
            "100000",
        ])
        .arg(&feed)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "stderr: {stderr}");
    assert!(
        stderr.contains("candidate pair budget"),
        "the cut is said on stderr: {stderr}"
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let budget = &report["stats"]["pair_budget"];
    assert!(budget["chained_buckets"].as_u64().unwrap() > 0, "{budget}");
    assert!(budget["pairs_cut"].as_u64().unwrap() > 0, "{budget}");
    // Chains keep the copies connected: they end up in one cluster.
    let largest = report["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["size"].as_u64().unwrap())
        .max()
        .unwrap_or(0);
    assert!(largest >= 360, "largest cluster {largest}");
    assert_eq!(budget["budget"], 100_000);
}
