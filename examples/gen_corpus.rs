//! Writes a news corpus with planted syndicated variants (and its ground
//! truth), streaming, at any scale; the generator is `synth`.
//!
//! ```text
//! cargo run --release --example gen_corpus -- --docs 100000 --out corpus.jsonl \
//!     [--truth truth.jsonl] [--seed N] [--variant-share 0.3] \
//!     [--source reuters|samples|reuters-raw] [--data DIR] \
//!     [--reword-swap 0.3] [--reword-drop 0.08]
//! ```
//!
//! `reuters` (the default) builds 2-8 KB bases from deduplicated
//! Reuters-21578 stories of one topic (`--data`, default
//! ../shared/data/reuters21578); when the folder is absent it falls back to
//! `samples`: the `.txt` articles in samples/. Once real bases run out, new
//! filler articles are written from the pool's word frequencies. Every
//! variant copies one of the 1000 most recent bases. `reuters-raw` writes
//! every Reuters story as is (no variants, no truth), for scanning the real
//! collection. Truth lines: `{"a","b","kind"}`, one per pair of documents
//! derived from the same base.

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use synth::{reuters_stories, Config, Generator, Pool, Reword};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SourceArg {
    Reuters,
    Samples,
    ReutersRaw,
}

#[derive(Debug)]
struct Args {
    docs: usize,
    out: PathBuf,
    truth: Option<PathBuf>,
    seed: u64,
    variant_share: f64,
    source: SourceArg,
    data: PathBuf,
    reword: Reword,
}

fn parse() -> Result<Args, String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut args = Args {
        docs: 10_000,
        out: PathBuf::from("corpus.jsonl"),
        truth: None,
        seed: 1,
        variant_share: 0.3,
        source: SourceArg::Reuters,
        data: root.join("../shared/data/reuters21578"),
        reword: Reword::default(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--docs" => args.docs = value()?.parse().map_err(|e| format!("--docs: {e}"))?,
            "--out" => args.out = PathBuf::from(value()?),
            "--truth" => args.truth = Some(PathBuf::from(value()?)),
            "--seed" => args.seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--data" => args.data = PathBuf::from(value()?),
            "--reword-swap" => {
                args.reword.swap = value()?
                    .parse()
                    .map_err(|e| format!("--reword-swap: {e}"))?
            }
            "--reword-drop" => {
                args.reword.drop = value()?
                    .parse()
                    .map_err(|e| format!("--reword-drop: {e}"))?
            }
            "--variant-share" => {
                let v: f64 = value()?
                    .parse()
                    .map_err(|e| format!("--variant-share: {e}"))?;
                if !(0.0..1.0).contains(&v) {
                    return Err("--variant-share must be in [0, 1)".into());
                }
                args.variant_share = v;
            }
            "--source" => {
                args.source = match value()?.as_str() {
                    "reuters" => SourceArg::Reuters,
                    // `pseudo` was the earlier generator's name for the fallback.
                    "samples" | "pseudo" => SourceArg::Samples,
                    "reuters-raw" => SourceArg::ReutersRaw,
                    other => {
                        return Err(format!(
                            "--source: unknown source {other:?} (reuters, samples, reuters-raw)"
                        ))
                    }
                }
            }
            "-h" | "--help" => {
                return Err(
                    "usage: gen_corpus --docs N --out FILE [--truth FILE] [--seed N] \
                     [--variant-share F] [--source reuters|samples|reuters-raw] [--data DIR]"
                        .into(),
                )
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

fn create(path: &PathBuf) -> std::io::Result<BufWriter<std::fs::File>> {
    Ok(BufWriter::with_capacity(
        1 << 20,
        std::fs::File::create(path)?,
    ))
}

fn run(args: &Args) -> std::io::Result<()> {
    let config = Config {
        seed: args.seed,
        variant_share: args.variant_share,
        reword: args.reword,
        ..Config::default()
    };
    let samples = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples");
    if args.source == SourceArg::ReutersRaw {
        let Some(stories) = reuters_stories(&args.data, 1)? else {
            return Err(std::io::Error::other(format!(
                "{} is absent",
                args.data.display()
            )));
        };
        let mut out = create(&args.out)?;
        let n = stories.len().min(args.docs);
        for s in stories.into_iter().take(n) {
            let text = s.text();
            writeln!(
                out,
                "{}",
                serde_json::json!({"id": s.id, "title": s.title, "source": s.topic, "date": s.date, "text": text})
            )?;
        }
        out.flush()?;
        eprintln!(
            "gen_corpus: wrote {n} Reuters stories to {}",
            args.out.display()
        );
        return Ok(());
    }
    let pool = match args.source {
        SourceArg::Reuters => match Pool::reuters(&args.data, &config)? {
            Some(p) => p,
            None => {
                eprintln!(
                    "gen_corpus: {} is absent; using samples/",
                    args.data.display()
                );
                Pool::samples(&samples, &config)?
            }
        },
        _ => Pool::samples(&samples, &config)?,
    };
    eprintln!(
        "gen_corpus: {} real bases ({} near-copy stories dropped), {} reserved paragraphs",
        pool.bases.len(),
        pool.dropped.len(),
        pool.reserve.len()
    );
    let mut gen = Generator::new(pool, config);
    let mut out = create(&args.out)?;
    let mut truth = args.truth.as_ref().map(create).transpose()?;
    let (mut bytes, mut written, mut pairs) = (0usize, 0usize, 0usize);
    for g in gen.by_ref().take(args.docs) {
        bytes += g.doc.text.len();
        serde_json::to_writer(&mut out, &g.doc)?;
        out.write_all(b"\n")?;
        if let Some(t) = truth.as_mut() {
            for p in &g.truth {
                serde_json::to_writer(&mut *t, p)?;
                t.write_all(b"\n")?;
            }
        }
        pairs += g.truth.len();
        written += 1;
    }
    out.flush()?;
    if let Some(t) = truth.as_mut() {
        t.flush()?;
    }
    eprintln!(
        "gen_corpus: wrote {written} documents ({} real bases, {} filler bases), {:.1} MB of text, {pairs} true pairs, to {}",
        gen.real_bases,
        gen.filler_bases,
        bytes as f64 / 1e6,
        args.out.display()
    );
    Ok(())
}
