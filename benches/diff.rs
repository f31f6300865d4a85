//! Criterion benchmarks of `reprint diff` (paragraph alignment, word-level
//! diff and classification, no rendering): the seed pair from samples/
//! (two news-length articles, about 5 KB each) and a long pair of about
//! 200 KB, built deterministically from many distinct articles and their
//! syndicated variants (`synth`), so that the two sides differ the
//! way copies do. Targets (issue 3): median under 5 ms and under 250 ms.
//! Run with `cargo bench --bench diff`.

use criterion::{black_box, criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use reprint::diff::{diff, DiffOptions, Side};
use std::path::Path;
use std::time::{Duration, Instant};
use synth::{make_variant_with, sample_articles, ExtraPool, Filler, Reword, Rng};

/// Size of each side of the long pair.
const LONG_BYTES: usize = 200_000;

fn samples() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/samples"))
}

fn read(name: &str) -> String {
    std::fs::read_to_string(samples().join(name)).expect("sample article")
}

fn seed_pair() -> (Side, Side) {
    (
        Side {
            id: "telegraph".into(),
            text: read("telegraph-russia-hi-tech-arms.txt"),
        },
        Side {
            id: "repost".into(),
            text: read("repost-russia-hi-tech-arms.txt"),
        },
    )
}

/// About `LONG_BYTES` of stories on each side: the sample articles and then
/// generated ones (the samples' word frequencies, no shared passages), each
/// followed on side B by its syndicated variant (two to five edits among
/// US/UK spelling, glued words, captions, headline, trimmed or padded
/// ending, swapped paragraphs, boilerplate, rewording; sometimes an exact
/// copy). The same every run.
fn long_pair() -> (Side, Side) {
    let mut bases = sample_articles(samples(), "samples").expect("samples/*.txt");
    let filler = Filler::new(&bases).expect("sample text has words");
    let mut extra = ExtraPool::new(Vec::new(), Some(filler.clone()));
    let mut rng = Rng::new(0x5EED_D1FF);
    let mut a = String::new();
    let mut b = String::new();
    let mut i = 0;
    while a.len() < LONG_BYTES {
        if i >= bases.len() {
            let len = 3_000 + rng.below(4_000);
            bases.push(filler.article(
                format!("g{i}"),
                "2023-02-01T08:00:00Z".into(),
                len,
                &mut rng,
            ));
        }
        let base = &bases[i];
        let variant = make_variant_with(base, &mut extra, &mut rng, Reword::default());
        for (side, title, text) in [
            (&mut a, &base.title, base.text()),
            (&mut b, &variant.title, variant.text),
        ] {
            if !side.is_empty() {
                side.push_str("\n\n");
            }
            side.push_str(title);
            side.push_str("\n\n");
            side.push_str(&text);
        }
        i += 1;
    }
    (
        Side {
            id: "long-a".into(),
            text: a,
        },
        Side {
            id: "long-b".into(),
            text: b,
        },
    )
}

fn bench_pair(c: &mut Criterion, name: &str, pair: (Side, Side), samples: usize) {
    let opts = DiffOptions::default();
    // One run up front: what is measured, and whether the word-level
    // deadline cut in (then the numbers would not be the full diff's).
    let started = Instant::now();
    let d = diff(pair.0.clone(), pair.1.clone(), &opts);
    let took = started.elapsed();
    eprintln!(
        "{name}: A {} bytes, B {} bytes, {} rows, {} changes, {:.1} ms once; {}",
        pair.0.text.len(),
        pair.1.text.len(),
        d.rows.len(),
        d.changes.len(),
        took.as_secs_f64() * 1e3,
        d.summary.description
    );
    if took >= opts.deadline {
        eprintln!(
            "{name}: warning: the diff ran past its deadline ({:?})",
            opts.deadline
        );
    }
    let mut group = c.benchmark_group("diff");
    group.throughput(Throughput::Bytes(
        (pair.0.text.len() + pair.1.text.len()) as u64,
    ));
    group.sample_size(samples);
    group.bench_function(name, |bench| {
        bench.iter_batched(
            || pair.clone(),
            |(a, b)| black_box(diff(a, b, &opts)),
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

fn benches(c: &mut Criterion) {
    bench_pair(c, "seed-pair-5KB", seed_pair(), 100);
    bench_pair(c, "long-pair-200KB", long_pair(), 20);
}

criterion_group! {
    name = diff_benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(8));
    targets = benches
}
criterion_main!(diff_benches);
