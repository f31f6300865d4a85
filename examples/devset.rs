//! Write the accuracy development set (`synth::devset`) for tuning
//! outside the test harness: `corpus.jsonl` (one record per story, with
//! source and date) and `labels.jsonl` (each true pair with its level, and
//! each same-event negative pair).
//!
//!   cargo run --release --example devset -- REUTERS_DIR OUT_DIR [SEED] [BASES] [SCRIPT]
//!
//! SCRIPT (latin, cyrillic, arabic, devanagari or han) writes every title and text in that
//! script, letter by letter (`synth::script`).

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use synth::devset::{DevConfig, DevSet};
use synth::script::Script;

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let usage =
        "usage: devset REUTERS_DIR OUT_DIR [SEED] [BASES] [latin|cyrillic|arabic|devanagari|han]";
    let dir = PathBuf::from(args.get(1).expect(usage));
    let out = PathBuf::from(args.get(2).expect(usage));
    let mut config = DevConfig::default();
    if let Some(s) = args.get(3) {
        config.seed = s.parse().expect(usage);
    }
    if let Some(b) = args.get(4) {
        config.bases = b.parse().expect(usage);
    }
    let script = args
        .get(5)
        .map_or(Some(Script::Latin), |s| Script::from_name(s))
        .expect(usage);
    let set = DevSet::reuters(&dir, config)?
        .unwrap_or_else(|| panic!("{} is absent", dir.display()))
        .in_script(script);
    std::fs::create_dir_all(&out)?;
    let mut corpus = std::io::BufWriter::new(std::fs::File::create(out.join("corpus.jsonl"))?);
    for d in &set.docs {
        serde_json::to_writer(&mut corpus, &d.doc)?;
        corpus.write_all(b"\n")?;
    }
    corpus.flush()?;
    let mut labels = std::io::BufWriter::new(std::fs::File::create(out.join("labels.jsonl"))?);
    let mut members: HashMap<usize, Vec<&str>> = HashMap::new();
    let mut base: HashMap<usize, &str> = HashMap::new();
    for d in &set.docs {
        members.entry(d.family).or_default().push(&d.doc.id);
        if d.level.is_none() {
            base.insert(d.family, &d.doc.id);
        }
    }
    for d in set.docs.iter().filter(|d| d.level.is_some()) {
        let line = serde_json::json!({"a": base[&d.family], "b": d.doc.id,
            "label": d.level.unwrap().as_str()});
        writeln!(labels, "{line}")?;
    }
    for (x, y) in &set.same_event {
        for a in &members[x] {
            for b in &members[y] {
                writeln!(
                    labels,
                    "{}",
                    serde_json::json!({"a": a, "b": b, "label": "negative"})
                )?;
            }
        }
    }
    labels.flush()
}
