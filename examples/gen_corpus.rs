//! Writes a news corpus with planted syndicated variants, for benchmarks and
//! tests at any scale: `cargo run --release --example gen_corpus -- --docs
//! 100000 --out corpus.jsonl [--truth truth.jsonl] [--seed N]
//! [--variant-share 0.3] [--source pseudo|reuters]`.
//!
//! `pseudo` (the default) writes distinct pseudo-word articles of 2 to 8 KB
//! in ten topics and streams, so a million documents need no memory. `reuters`
//! uses each Reuters-21578 story (from ../shared/data/reuters21578) once as a
//! base, then carries on with pseudo articles when the stories run out.
//! Variants copy a recent base with two to four edits (see
//! reprint::syndicate::variant); the truth file lists every pair of
//! documents that derive from one base.

use reprint::syndicate::{reuters, variant, Article, PseudoNews, Rng};
use std::collections::VecDeque;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

struct Args {
    docs: usize,
    out: PathBuf,
    truth: Option<PathBuf>,
    seed: u64,
    variant_share: f64,
    reuters: bool,
}

fn parse() -> Result<Args, String> {
    let mut args = Args {
        docs: 10_000,
        out: PathBuf::from("corpus.jsonl"),
        truth: None,
        seed: 1,
        variant_share: 0.3,
        reuters: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--docs" => args.docs = value()?.parse().map_err(|e| format!("--docs: {e}"))?,
            "--out" => args.out = PathBuf::from(value()?),
            "--truth" => args.truth = Some(PathBuf::from(value()?)),
            "--seed" => args.seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--variant-share" => {
                args.variant_share = value()?
                    .parse()
                    .map_err(|e| format!("--variant-share: {e}"))?
            }
            "--source" => {
                args.reuters = match value()?.as_str() {
                    "reuters" => true,
                    "pseudo" | "samples" => false,
                    other => {
                        return Err(format!(
                            "--source: unknown source {other:?} (pseudo, reuters)"
                        ))
                    }
                }
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(args)
}

fn main() {
    let args = match parse() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("gen_corpus: {e}");
            std::process::exit(2);
        }
    };
    if let Err(e) = run(&args) {
        eprintln!("gen_corpus: {e}");
        std::process::exit(1);
    }
}

fn run(args: &Args) -> std::io::Result<()> {
    let mut rng = Rng::new(args.seed);
    let mut news = PseudoNews::new(args.seed ^ 0x5EED);
    news.paragraphs = (8, 9);
    // Reuters stories as bases: glue consecutive stories of one topic to
    // news length, each story used once.
    let mut stories: VecDeque<Article> = VecDeque::new();
    if args.reuters {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/reuters21578");
        match reuters(&dir) {
            Some(all) => {
                let mut cur = Article {
                    id: String::new(),
                    paragraphs: vec![],
                };
                for s in all {
                    cur.paragraphs.extend(s.paragraphs);
                    if cur.id.is_empty() {
                        cur.id = s.id;
                    }
                    if cur.paragraphs.iter().map(String::len).sum::<usize>() >= 2000 {
                        stories.push_back(std::mem::replace(
                            &mut cur,
                            Article {
                                id: String::new(),
                                paragraphs: vec![],
                            },
                        ));
                    }
                }
            }
            None => eprintln!(
                "gen_corpus: {} is absent; writing pseudo articles",
                dir.display()
            ),
        }
    }
    let extra: Vec<String> = (0..200)
        .flat_map(|i| news.article(format!("extra{i}"), i).paragraphs)
        .collect();
    let mut out = BufWriter::new(std::fs::File::create(&args.out)?);
    let mut truth = args
        .truth
        .as_ref()
        .map(std::fs::File::create)
        .transpose()?
        .map(BufWriter::new);
    // Recent bases and the ids derived from each, for variants and truth.
    let mut recent: VecDeque<(Article, Vec<String>)> = VecDeque::new();
    let mut bytes = 0usize;
    for i in 0..args.docs {
        let id = format!("doc{i}");
        let text = if !recent.is_empty() && rng.chance(args.variant_share) {
            let k = rng.below(recent.len());
            let (base, family) = &mut recent[k];
            let v = variant(base, id.clone(), &extra, &mut rng);
            if let Some(t) = truth.as_mut() {
                for other in family.iter() {
                    writeln!(
                        t,
                        "{}",
                        serde_json::json!({"a": other, "b": id, "kind": v.edits.iter().map(|e| e.as_str()).collect::<Vec<_>>().join("+")})
                    )?;
                }
            }
            family.push(id.clone());
            v.text
        } else {
            let base = match stories.pop_front() {
                Some(s) => s,
                None => news.article(id.clone(), i),
            };
            let text = base.text();
            recent.push_back((base, vec![id.clone()]));
            if recent.len() > 1000 {
                recent.pop_front();
            }
            text
        };
        bytes += text.len();
        writeln!(
            out,
            "{}",
            serde_json::json!({"id": id, "title": format!("Story {i}"), "source": "gen_corpus", "date": format!("2026-11-{:02}", 1 + i % 28), "text": text})
        )?;
    }
    out.flush()?;
    if let Some(t) = truth.as_mut() {
        t.flush()?;
    }
    eprintln!(
        "gen_corpus: wrote {} documents, {:.1} MB of text, to {}",
        args.docs,
        bytes as f64 / 1e6,
        args.out.display()
    );
    Ok(())
}
