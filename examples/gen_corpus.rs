//! Writes a news corpus with planted syndicated variants (and its ground
//! truth), streaming, at any scale; the generator is `synth`.
//!
//! ```text
//! cargo run --release --example gen_corpus -- --docs 100000 --out corpus.jsonl \
//!     [--truth truth.jsonl] [--seed N] [--variant-share 0.3] \
//!     [--source reuters|samples|reuters-raw] [--data DIR] \
//!     [--reword-swap 0.3] [--reword-drop 0.08] [--script latin|cyrillic|arabic|devanagari|han]
//! ```
//!
//! `--script` writes every title and text in Cyrillic, Urdu or Hindi letters,
//! letter by letter, or each word as two Han characters with no spaces
//! (`synth::script`): the same corpus and truth, for measuring speed and
//! accuracy beyond Latin text.
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
//!
//! `--shape wire` writes short wire copy instead, at any scale (what
//! benches/wire/gen.py writes, but past Reuters' 17k stories): bases of
//! 0.5-1.5 KB (`title\n\nbody`; real Reuters stories one each, near
//! duplicates dropped, long ones cut at a paragraph, then filler articles
//! of that length written from their word frequencies; samples/ when the
//! data folder is absent), each with `--copies` (3) near copies that drop
//! `--copy-drop` (3%) of its words at random. Base `wN` and copies
//! `wN-cK` are shuffled within blocks of 2,500 families (10,000
//! documents), so a copy is mostly not next to its base; `--variant-share`
//! and `--reword-*` do not apply. Truth: base-copy pairs are `near`,
//! copy-copy pairs `sibling`, in no particular order.

use std::borrow::Cow;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use synth::script::Script;
use synth::{reuters_stories, Config, Generator, Pool, Reword, SynthDoc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SourceArg {
    Reuters,
    Samples,
    ReutersRaw,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    News,
    Wire,
}

#[derive(Debug)]
struct Args {
    shape: Shape,
    copies: usize,
    copy_drop: f64,
    docs: usize,
    out: PathBuf,
    truth: Option<PathBuf>,
    seed: u64,
    variant_share: f64,
    source: SourceArg,
    data: PathBuf,
    reword: Reword,
    script: Script,
}

fn parse() -> Result<Args, String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut args = Args {
        shape: Shape::News,
        copies: 3,
        copy_drop: 0.03,
        docs: 10_000,
        out: PathBuf::from("corpus.jsonl"),
        truth: None,
        seed: 1,
        variant_share: 0.3,
        source: SourceArg::Reuters,
        data: root.join("../shared/data/reuters21578"),
        reword: Reword::default(),
        script: Script::Latin,
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
            "--shape" => {
                args.shape = match value()?.as_str() {
                    "news" => Shape::News,
                    "wire" => Shape::Wire,
                    other => return Err(format!("--shape: unknown shape {other:?} (news, wire)")),
                }
            }
            "--script" => {
                let v = value()?;
                args.script = Script::from_name(&v).ok_or_else(|| {
                    format!("--script: unknown script {v:?} (latin, cyrillic, arabic, devanagari, han)")
                })?;
            }
            "--copies" => args.copies = value()?.parse().map_err(|e| format!("--copies: {e}"))?,
            "--copy-drop" => {
                let v: f64 = value()?.parse().map_err(|e| format!("--copy-drop: {e}"))?;
                if !(0.0..1.0).contains(&v) {
                    return Err("--copy-drop must be in [0, 1)".into());
                }
                args.copy_drop = v;
            }
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
                     [--variant-share F] [--source reuters|samples|reuters-raw] [--data DIR] \
                     [--shape news|wire] [--copies N] [--copy-drop F] [--script latin|cyrillic|arabic|devanagari|han]"
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

/// `doc` with its title and text written in `script`.
fn in_script(doc: &SynthDoc, script: Script) -> Cow<'_, SynthDoc> {
    if script == Script::Latin {
        return Cow::Borrowed(doc);
    }
    Cow::Owned(SynthDoc {
        title: script.write(&doc.title),
        text: script.write(&doc.text),
        ..doc.clone()
    })
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
    if args.shape == Shape::Wire {
        return wire::run(args, &config, &samples);
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
        let doc = in_script(&g.doc, args.script);
        bytes += doc.text.len();
        serde_json::to_writer(&mut out, &doc)?;
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

/// `--shape wire`: short stories, each with a few near copies.
mod wire {
    use super::{create, in_script, Args, SourceArg};
    use serde_json::json;
    use std::io::Write;
    use std::path::Path;
    use synth::{reuters_stories, sample_articles, BaseArticle, Config, Pool, Rng, SynthDoc};

    /// Bases are `MIN_LEN..=MAX_LEN` bytes of body.
    const MIN_LEN: usize = 500;
    const MAX_LEN: usize = 1500;
    /// Families shuffled together.
    const BLOCK: usize = 2500;

    /// `text` with a share `drop` of its words (runs of non-space; at least
    /// one) removed, each with the spaces after it (or before it, at a line
    /// end), as benches/wire/gen.py's `near_copy`.
    pub fn near_copy(text: &str, drop: f64, rng: &mut Rng) -> String {
        // (start, end) of each word, and of the whitespace run after it.
        let mut words: Vec<(usize, usize, usize)> = Vec::new();
        let mut i = 0;
        let b = text.as_bytes();
        while i < b.len() {
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            let start = i;
            while i < b.len() && !b[i].is_ascii_whitespace() {
                i += 1;
            }
            let end = i;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if end > start {
                words.push((start, end, i));
            }
        }
        if words.is_empty() {
            return text.to_string();
        }
        let k = ((words.len() as f64 * drop).round() as usize).clamp(1, words.len());
        let mut gone = vec![false; words.len()];
        let mut n = 0;
        while n < k {
            let j = rng.below(words.len());
            if !gone[j] {
                gone[j] = true;
                n += 1;
            }
        }
        let mut out = String::with_capacity(text.len());
        out.push_str(&text[..words[0].0]);
        for (j, &(start, end, next)) in words.iter().enumerate() {
            let blank = |s: &str| s.bytes().all(|c| c == b' ' || c == b'\t');
            if !gone[j] {
                out.push_str(&text[start..next]);
            } else if !blank(&text[end..next]) {
                // A line break follows: keep it, drop the spaces before the word.
                while out.ends_with([' ', '\t']) {
                    out.pop();
                }
                out.push_str(&text[end..next]);
            }
        }
        out
    }

    /// `a` cut at a paragraph to at most `max` bytes (None when under `min`).
    fn clip(mut a: BaseArticle, min: usize, max: usize) -> Option<BaseArticle> {
        let mut size = 0;
        let keep = a
            .paragraphs
            .iter()
            .take_while(|p| {
                size += p.len() + 2;
                size <= max
            })
            .count();
        a.paragraphs.truncate(keep);
        (a.len() >= min).then_some(a)
    }

    pub fn run(args: &Args, config: &Config, samples: &Path) -> std::io::Result<()> {
        let stories = match args.source {
            SourceArg::Samples => None,
            _ => reuters_stories(&args.data, 1)?,
        };
        let stories = match stories {
            Some(s) => s,
            None => {
                if args.source != SourceArg::Samples {
                    eprintln!(
                        "gen_corpus: {} is absent; using samples/",
                        args.data.display()
                    );
                }
                sample_articles(samples, "samples")?
            }
        };
        let config = Config {
            reserve_share: 0.0,
            ..config.clone()
        };
        // Near-duplicate stories dropped (so different bases are negatives),
        // filler learned from every story, shuffled.
        let pool = Pool::build(stories, &config, false);
        let mut real = pool
            .bases
            .into_iter()
            .filter_map(|a| clip(a, MIN_LEN, MAX_LEN));
        let filler = pool.filler;
        let mut rng = Rng::new(args.seed ^ 0x3173);
        let mut out = create(&args.out)?;
        let mut truth = args.truth.as_ref().map(create).transpose()?;
        let (mut written, mut bytes, mut reals, mut fillers, mut pairs) = (0, 0, 0, 0, 0);
        let mut family = 0usize;
        let mut block: Vec<SynthDoc> = Vec::new();
        while written < args.docs {
            block.clear();
            for _ in 0..BLOCK {
                let id = format!("w{family}");
                let base = match real.next() {
                    Some(b) => {
                        reals += 1;
                        b
                    }
                    None => {
                        let Some(f) = filler.as_ref() else {
                            break;
                        };
                        fillers += 1;
                        // Paragraphs are added until `len` is reached: ~200
                        // bytes over it, so filler averages ~1.1 KB.
                        let len = rng.range(MIN_LEN, MAX_LEN - 300);
                        let day = family % 28 + 1;
                        let date = format!("2026-11-{day:02}T{:02}:00:00Z", family % 24);
                        f.article(id.clone(), date, len, &mut rng)
                    }
                };
                family += 1;
                let text = format!("{}\n\n{}", base.title, base.text());
                let mut ids = vec![id.clone()];
                for c in 1..=args.copies {
                    let copy = near_copy(&text, args.copy_drop, &mut rng);
                    let cid = format!("{id}-c{c}");
                    ids.push(cid.clone());
                    block.push(SynthDoc {
                        id: cid,
                        title: base.title.clone(),
                        source: format!("outlet{c}"),
                        date: base.date.clone(),
                        text: copy,
                    });
                }
                block.push(SynthDoc {
                    id,
                    title: base.title,
                    source: "wire".into(),
                    date: base.date,
                    text,
                });
                if let Some(t) = truth.as_mut() {
                    for (i, a) in ids.iter().enumerate() {
                        for b in &ids[i + 1..] {
                            let kind = if i == 0 { "near" } else { "sibling" };
                            writeln!(t, "{}", json!({"a": a, "b": b, "kind": kind}))?;
                            pairs += 1;
                        }
                    }
                }
            }
            if block.is_empty() {
                break;
            }
            rng.shuffle(&mut block);
            for d in block.iter().take(args.docs - written) {
                let d = in_script(d, args.script);
                bytes += d.text.len();
                serde_json::to_writer(&mut out, &d)?;
                out.write_all(b"\n")?;
                written += 1;
            }
        }
        out.flush()?;
        if let Some(t) = truth.as_mut() {
            t.flush()?;
        }
        eprintln!(
            "gen_corpus: wrote {written} wire documents ({reals} real bases, {fillers} filler bases, {} copies each), {:.1} MB of text, {pairs} true pairs, to {}",
            args.copies,
            bytes as f64 / 1e6,
            args.out.display()
        );
        Ok(())
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn near_copy_drops_a_share_of_words_and_keeps_lines() {
            let text =
                "Title here\n\none two three four five six seven eight nine ten\n\nlast line";
            let mut rng = Rng::new(7);
            let c = near_copy(text, 0.2, &mut rng);
            let n = |s: &str| s.split_whitespace().count();
            assert_eq!(n(&c), n(text) - 3, "{c:?}");
            assert!(!c.contains("  "), "{c:?}");
            assert_eq!(c.matches("\n\n").count(), 2, "{c:?}");
            assert!(c.split_whitespace().all(|w| text.contains(w)));
            // At least one word goes.
            assert_eq!(n(&near_copy("a b c", 0.01, &mut rng)), 2);
        }

        #[test]
        fn clip_cuts_at_a_paragraph() {
            let a = BaseArticle {
                id: "x".into(),
                title: String::new(),
                date: String::new(),
                topic: String::new(),
                paragraphs: vec!["a".repeat(400), "b".repeat(400), "c".repeat(400)],
            };
            assert_eq!(clip(a.clone(), 500, 900).unwrap().paragraphs.len(), 2);
            assert!(clip(a, 500, 450).is_none());
        }
    }
}
