//! Command-line interface: argument definitions (clap) and the glue that runs
//! each subcommand on the library and maps errors to exit codes.

mod args;
mod diff;
mod index;
mod serve;

use args::{check_share, warn_all, AlignArgs, FormatArg, InputArgs, RelationArgs};
use clap::{Args, Parser, Subcommand};
use reprint::boilerplate::MaskConfig;
use reprint::corpus::Corpus;
use reprint::dedup::{self, Keep};
use reprint::error::{Error, Result};
use reprint::fingerprint::Fingerprinter;
use reprint::lsh::{Banding, DEFAULT_MAX_BUCKET, DEFAULT_THRESHOLD};
use reprint::minhash::DEFAULT_NUM_PERM;
use reprint::output::OutputFile;
use reprint::progress::Progress;
use reprint::report::{write_pairs, write_scan};
use reprint::scan::{
    build_mask, exact_matches, report_matches, scan, verify_candidates, ScanConfig,
};
use reprint::shingle::DEFAULT_K;
use reprint::spark::{self, Shard};
use reprint::verify::Relation;
use reprint::wordsig::WordSigner;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "reprint",
    version,
    about = "Find syndicated and duplicated news copy, and show what editors changed."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Find copies, reprints and syndicated rewrites in a corpus.
    Scan(ScanArgs),
    /// Show what editors changed between two versions of a story.
    Diff(diff::DiffArgs),
    /// Remove duplicates from a feed: one document per cluster, input order kept.
    Dedup(DedupArgs),
    /// Build, grow and inspect a persistent archive (SQLite) for `query`.
    Index(index::IndexArgs),
    /// Find the archived documents each story copies, best first.
    Query(index::QueryArgs),
    /// Serve an archive over HTTP: a JSON API and a web page for the newsroom.
    Serve(serve::ServeArgs),
    /// Fingerprint a corpus (or one shard of it) into Parquet band and
    /// document tables for the Spark chain (spark/candidates.py).
    Sign(SignArgs),
    /// Verify the candidate pairs of spark/candidates.py against the corpus;
    /// prints scan's pair records.
    Verify(VerifyArgs),
}

/// Options that shape fingerprints and matching.
#[derive(Debug, Args)]
pub struct MatchArgs {
    /// MinHash signature length.
    #[arg(long, default_value_t = DEFAULT_NUM_PERM, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(16..=4096))]
    pub num_perm: usize,
    /// Shingle length in characters (of the space-free normalized text).
    #[arg(long, default_value_t = DEFAULT_K, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(3..=64))]
    pub shingle_size: usize,
    /// Seed for shingle hashing and MinHash.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// LSH threshold on estimated Jaccard: bands and rows are derived from it.
    #[arg(long, default_value_t = DEFAULT_THRESHOLD)]
    pub threshold: f64,
    /// Skip LSH buckets holding more documents than this.
    #[arg(long, default_value_t = DEFAULT_MAX_BUCKET)]
    pub max_bucket: usize,
    #[command(flatten)]
    pub relation: RelationArgs,
    /// Mask shingles found in at least this share of documents (boilerplate);
    /// 1 turns masking off.
    #[arg(long, default_value_t = MaskConfig::default().share)]
    pub mask_share: f64,
    /// ...and in at least this many documents.
    #[arg(long, default_value_t = MaskConfig::default().min_docs)]
    pub mask_min_docs: usize,
    #[command(flatten)]
    pub align: AlignArgs,
    /// Choose candidates by character shingles alone, without the coarser
    /// word signature that lets paraphrased rewrites reach verification
    /// (faster on large corpora of few rewrites: docs/design/accuracy.md).
    #[arg(long)]
    pub no_word_candidates: bool,
    /// The word signature is on by default; kept so older command lines run.
    #[arg(long, hide = true, conflicts_with = "no_word_candidates")]
    pub word_candidates: bool,
}

impl MatchArgs {
    pub fn config(&self) -> Result<ScanConfig> {
        let thresholds = self.relation.thresholds()?;
        check_share("--threshold", self.threshold)?;
        check_share("--mask-share", self.mask_share)?;
        if self.max_bucket < 2 {
            return Err(Error::Usage("--max-bucket must be at least 2".into()));
        }
        let fingerprinter = Fingerprinter::new(self.shingle_size, self.num_perm, self.seed);
        Ok(ScanConfig {
            fingerprinter,
            threshold: self.threshold,
            banding: Banding::optimal(self.threshold, self.num_perm),
            max_bucket: self.max_bucket,
            thresholds,
            mask: MaskConfig::from_options(self.mask_share, self.mask_min_docs),
            align: self.align.stage(),
            words: (!self.no_word_candidates).then(WordSigner::default),
        })
    }
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files and folders to scan (.txt/.md one document each, .jsonl/.ndjson
    /// one per line, .gz too); `-` reads JSONL from stdin.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Output format (table on a terminal by default).
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    pub format: FormatArg,
    /// Print the LSH parameters and what was skipped, on stderr.
    #[arg(long)]
    pub explain: bool,
    /// Also write an HTML report into this folder: index.html of the
    /// clusters, and one page per member diffed against its representative.
    #[arg(long, value_name = "DIR")]
    pub report: Option<PathBuf>,
    /// Add each pair's shared passages (byte spans in both texts) to JSON
    /// and JSONL pairs, as `passages`.
    #[arg(long)]
    pub passages: bool,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub matching: MatchArgs,
}

/// `--keep` of dedup: the library's `dedup::Keep`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum KeepArg {
    /// Earliest `date`, then the longest text, then the first in input order.
    Earliest,
    /// The longest text, then the first in input order.
    Longest,
    /// The first in input order.
    First,
}

impl From<KeepArg> for Keep {
    fn from(k: KeepArg) -> Keep {
        match k {
            KeepArg::Earliest => Keep::Earliest,
            KeepArg::Longest => Keep::Longest,
            KeepArg::First => Keep::First,
        }
    }
}

/// Run the binary: parse, dispatch, map errors to exit codes.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Error::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("reprint: error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Scan(args) => run_scan(args),
        Command::Diff(args) => diff::run_diff(args),
        Command::Dedup(args) => run_dedup(args),
        Command::Index(args) => index::run_index(args),
        Command::Query(args) => index::run_query(args),
        Command::Serve(args) => serve::run(args),
        Command::Sign(args) => run_sign(args),
        Command::Verify(args) => run_verify(args),
    }
}

#[derive(Debug, Args)]
pub struct SignArgs {
    /// The whole corpus, exactly as scan would be given it (every shard
    /// reads it all: input positions and the boilerplate mask are corpus-wide).
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Folder for bands/, docs/ and manifest.json.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Sign only documents at input positions p with p % N == I (I from 0).
    #[arg(long, value_name = "I/N", default_value = "0/1", value_parser = Shard::parse)]
    pub shard: Shard,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub matching: MatchArgs,
}

/// Output formats of `verify`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PairFormat {
    Jsonl,
    Csv,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Output folder of spark/candidates.py (candidates/ and manifest/).
    pub pairs: PathBuf,
    /// The corpus given to sign, in the same order.
    #[arg(long, required = true, num_args = 1..)]
    pub corpus: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = PairFormat::Jsonl)]
    pub format: PairFormat,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub matching: MatchArgs,
}

fn run_sign(args: SignArgs) -> Result<()> {
    let started = std::time::Instant::now();
    let config = args.matching.config()?;
    let corpus = args.input.read(&args.inputs)?;
    let progress = Progress::new(args.input.quiet);
    let mask = build_mask(&corpus, &config);
    let stats = spark::sign(&corpus, &config, &mask, args.shard, &args.out, progress)?;
    if !args.input.quiet {
        eprintln!(
            "reprint: sign: shard {}/{}: {} of {} documents, {} band rows and {} word band rows into {} in {:.2}s",
            args.shard.index,
            args.shard.count,
            stats.documents,
            corpus.len(),
            stats.band_rows,
            stats.word_band_rows,
            args.out.display(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

fn run_verify(args: VerifyArgs) -> Result<()> {
    let started = std::time::Instant::now();
    let config = args.matching.config()?;
    let corpus = args.input.read(&args.corpus)?;
    let pairs = spark::read_pairs(&args.pairs, corpus.len())?;
    let mask = build_mask(&corpus, &config);
    let shards = pairs.manifest["shards"].as_u64().unwrap_or(1) as usize;
    let expected = spark::manifest(&corpus, &config, &mask, shards);
    spark::check_manifest(&args.pairs, &pairs.manifest, &expected)?;
    let progress = Progress::new(args.input.quiet);
    let matches = verify_candidates(&corpus, &config, &mask, &pairs.candidates, progress);
    let exact = exact_matches(&corpus, &config, &mask, &pairs.exact);
    let matches = report_matches(&corpus, matches, &exact, &config);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    write_pairs(&mut out, args.format == PairFormat::Csv, &corpus, &matches)
        .map_err(Error::Output)?;
    out.flush().map_err(Error::Output)?;
    if !args.input.quiet {
        eprintln!(
            "reprint: verify: {} candidate pairs ({} of the word signature alone) and {} exact-copy pairs -> {} pairs reported in {:.2}s",
            pairs.candidates.len(),
            pairs.candidates.words.len(),
            pairs.exact.len(),
            matches.len(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

fn run_scan(args: ScanArgs) -> Result<()> {
    let config = args.matching.config()?;
    if let Some(dir) = &args.report {
        reprint::report::html::prepare(dir)?;
    }
    let corpus = args.input.read(&args.inputs)?;
    let progress = Progress::new(args.input.quiet);
    let result = scan(&corpus, &config, progress);
    if !args.input.quiet {
        warn_all(reprint::scan::budget_message(&result.stats).into_iter());
    }
    if args.explain {
        explain(&config, &corpus, &result);
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    write_scan(
        &mut out,
        args.format.into(),
        &corpus,
        &result,
        args.passages,
    )
    .map_err(Error::Output)?;
    out.flush().map_err(Error::Output)?;
    if let Some(dir) = &args.report {
        // Lead's follow-up: pass scan's `--origin-sources` (w35a adds the flag).
        let sources = reprint::direction::OriginSources::default();
        let w = reprint::report::html::write(dir, &corpus, &result, &sources)?;
        if !args.input.quiet {
            eprintln!("reprint: wrote {} and {} pages", w.index.display(), w.pages);
        }
    }
    Ok(())
}

fn explain(config: &ScanConfig, corpus: &Corpus, result: &reprint::scan::ScanResult) {
    let b = config.banding;
    let mut lines = vec![format!(
        "LSH: threshold {} with {} permutations -> {} bands x {} rows",
        config.threshold, config.fingerprinter.minhasher.num_perm, b.bands, b.rows
    )];
    let probs: Vec<String> = [0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.8]
        .iter()
        .map(|&s| format!("J={s}: {:.3}", b.probability(s)))
        .collect();
    lines.push(format!("P(candidate) {}", probs.join(", ")));
    lines.push(format!(
        "{} candidate pairs verified, {} reported, {} exact copies; {} buckets over --max-bucket {} skipped (largest {})",
        result.stats.candidates,
        result.matches.len(),
        result.stats.exact_copies,
        result.stats.skipped_buckets,
        config.max_bucket,
        result.stats.largest_skipped_bucket
    ));
    let m = result.mask.stats();
    if result.mask.is_empty() {
        lines.push(format!(
            "boilerplate: nothing masked ({} documents sampled; a shingle is masked in >= max({}, {} x sampled) documents)",
            m.sampled_documents, config.mask.min_docs, config.mask.share
        ));
    } else {
        lines.push(format!(
            "boilerplate: {} shingle slots masked (in >= {} of {} sampled documents); most common masked passages:",
            m.masked_slots, m.min_df, m.sampled_documents
        ));
        let mut counts: std::collections::HashMap<String, usize> = Default::default();
        for d in corpus.docs.iter().take(2000) {
            for p in result
                .mask
                .masked_passages(&d.text, &config.fingerprinter.shingler)
            {
                *counts.entry(p).or_default() += 1;
            }
        }
        let mut top: Vec<(String, usize)> = counts.into_iter().collect();
        top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        for (p, n) in top.into_iter().take(10) {
            let mut shown: String = p.chars().take(160).collect();
            if shown.len() < p.len() {
                shown.push_str("...");
            }
            lines.push(format!("  {n:>5} x \"{shown}\""));
        }
    }
    for l in lines {
        eprintln!("reprint: explain: {l}");
    }
}

#[derive(Debug, Args)]
pub struct DedupArgs {
    /// Feeds to clean (JSONL, .gz, folders; `-` for stdin).
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Where the clean feed goes (default: stdout).
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Write one JSON line per removed document here.
    #[arg(long)]
    pub removed: Option<PathBuf>,
    /// Keep every record and add `cluster`, `duplicate_of`, `relation`.
    #[arg(long)]
    pub annotate: bool,
    /// Which document of a cluster is kept.
    #[arg(long, value_enum, default_value_t = KeepArg::Earliest)]
    pub keep: KeepArg,
    /// Relations that count as duplicates to drop (comma-separated).
    #[arg(long, value_delimiter = ',', default_value = "exact,near-duplicate,contained", value_parser = parse_relation)]
    pub drop: Vec<Relation>,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub matching: MatchArgs,
}

fn parse_relation(s: &str) -> std::result::Result<Relation, String> {
    Relation::parse(s).ok_or_else(|| {
        format!("unknown relation {s:?} (exact, near-duplicate, contained, rewrite)")
    })
}

fn run_dedup(args: DedupArgs) -> Result<()> {
    let started = std::time::Instant::now();
    let mut config = args.matching.config()?;
    // Word candidates only find rewrites: not worth their cost otherwise.
    if !args.drop.contains(&Relation::Rewrite) {
        config.words = None;
    }
    let outputs: Vec<(&str, &std::path::Path)> =
        [("-o", &args.output), ("--removed", &args.removed)]
            .into_iter()
            .filter_map(|(option, path)| path.as_deref().map(|p| (option, p)))
            .collect();
    let listed = reprint::corpus::list_inputs(&args.inputs, &mut Vec::new())?;
    let files: Vec<PathBuf> = listed.into_iter().map(|f| f.0).collect();
    reprint::output::check_distinct(&files, &outputs)?;
    // Texts are read again from the input when needed, not held.
    let corpus = args.input.read_lean(&args.inputs)?;
    let result = scan(&corpus, &config, Progress::new(args.input.quiet));
    if !args.input.quiet {
        warn_all(reprint::scan::budget_message(&result.stats).into_iter());
    }
    corpus.check()?;
    let decisions = dedup::decide(&corpus, &result, &args.drop, args.keep.into());
    let mut removed_file = args
        .removed
        .as_deref()
        .map(OutputFile::create)
        .transpose()?;
    let mut out_file = args.output.as_deref().map(OutputFile::create).transpose()?;
    let stats = {
        let stdout = std::io::stdout();
        let mut out: Box<dyn Write + '_> = match out_file.as_mut() {
            Some(f) => Box::new(f),
            None => Box::new(std::io::BufWriter::new(stdout.lock())),
        };
        let removed: Option<&mut dyn Write> = removed_file.as_mut().map(|w| w as &mut dyn Write);
        let stats = dedup::write(&corpus, &decisions, args.annotate, &mut out, removed)
            .map_err(Error::Output)?;
        corpus.check()?;
        out.flush().map_err(Error::Output)?;
        stats
    };
    for file in [out_file, removed_file].into_iter().flatten() {
        file.commit()?;
    }
    if !args.input.quiet {
        let by: Vec<String> = stats
            .removed_by_relation
            .iter()
            .map(|(r, n)| format!("{r} {n}"))
            .collect();
        let not_dropped = result
            .matches
            .iter()
            .filter(|m| !args.drop.contains(&m.relation))
            .count();
        eprintln!(
            "reprint: dedup: {} records read, {} kept, {} removed ({}), {} malformed passed through, {} other pairs reported not dropped, {:.2}s",
            stats.records,
            stats.kept,
            stats.removed,
            if by.is_empty() { "none".to_string() } else { by.join(", ") },
            stats.malformed,
            not_dropped,
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}
