//! Arguments and glue of `reprint index add|stats|remove` and `reprint query`;
//! the work itself is in `index` and `index::query`.

use super::args::{warn_all, AlignArgs, FormatArg, InputArgs, RelationArgs};
use clap::{Args, Subcommand};
use reprint::corpus::{read_each, Diagnostic, Document, Item};
use reprint::error::{Error, Result};
use reprint::index::query::QueryOptions;
use reprint::index::{
    today, AddOptions, AddStats, FeedFn, Index, IndexParams, ParamRequest, Removal, DEFAULT_BATCH,
};
use reprint::progress::Progress;
use reprint::report::write_query;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct IndexArgs {
    #[command(subcommand)]
    pub command: IndexCommand,
}

#[derive(Debug, Subcommand)]
pub enum IndexCommand {
    /// Create an archive, or grow one, with the documents of some feeds.
    Add(AddArgs),
    /// Describe an archive: documents, dates, parameters.
    Stats(StatsArgs),
    /// Remove documents by id or age.
    Remove(RemoveArgs),
    /// Merge the bucket index into one run, so queries read less.
    Compact(CompactArgs),
}

/// Parameters fixed when an archive is created; given again later, they
/// must match the stored ones.
#[derive(Debug, Args)]
pub struct ParamArgs {
    /// MinHash signature length (default 256).
    #[arg(long, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(16..=4096))]
    pub num_perm: Option<usize>,
    /// Shingle length in characters (default 12).
    #[arg(long, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(3..=64))]
    pub shingle_size: Option<usize>,
    /// Seed for shingle hashing and MinHash (default 0).
    #[arg(long)]
    pub seed: Option<u64>,
    /// LSH threshold on estimated Jaccard (default 0.2).
    #[arg(long)]
    pub threshold: Option<f64>,
    /// Boilerplate mask share, built from the first `add` (default 0.005; 1 = off).
    #[arg(long)]
    pub mask_share: Option<f64>,
    /// ...and minimum documents (default 50).
    #[arg(long)]
    pub mask_min_docs: Option<usize>,
}

impl ParamArgs {
    fn request(&self) -> Result<ParamRequest> {
        for (name, v) in [
            ("--threshold", self.threshold),
            ("--mask-share", self.mask_share),
        ] {
            if let Some(v) = v {
                if !(0.0..=1.0).contains(&v) {
                    return Err(Error::Usage(format!(
                        "{name} must be between 0 and 1, got {v}"
                    )));
                }
            }
        }
        Ok(ParamRequest {
            num_perm: self.num_perm,
            shingle_size: self.shingle_size,
            seed: self.seed,
            threshold: self.threshold,
            mask_share: self.mask_share,
            mask_min_docs: self.mask_min_docs,
            words: None,
        })
    }
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The archive file (created if it does not exist).
    pub archive: PathBuf,
    /// Feeds to add (as for `scan`).
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Do not store texts: smaller archive, but queries report estimated scores.
    #[arg(long)]
    pub no_text: bool,
    /// A document whose id is already archived replaces it (default: skip it).
    #[arg(long)]
    pub replace: bool,
    /// Documents per committed transaction (a crash keeps every committed batch).
    #[arg(long, default_value_t = DEFAULT_BATCH, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub batch_size: usize,
    /// A new archive keeps no word signatures, so `query` finds candidates
    /// by character shingles alone (smaller and faster; paraphrases missed).
    /// Refused for an archive that keeps them.
    #[arg(long)]
    pub no_word_candidates: bool,
    /// Benchmarking: fingerprint the feeds as `add` would, write nothing,
    /// and report the rate (the archive must exist).
    #[arg(long, hide = true)]
    pub fingerprint_only: bool,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub params: ParamArgs,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    pub archive: PathBuf,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Also check the whole file: SQLite's integrity_check and every chunk's
    /// and document's checksum; exit 2 naming what is damaged.
    #[arg(long)]
    pub check: bool,
}

#[derive(Debug, Args)]
pub struct RemoveArgs {
    pub archive: PathBuf,
    /// Remove documents dated more than this long ago (`30d`, `4w`); undated ones are kept.
    #[arg(long, value_parser = parse_age, conflicts_with = "id", required_unless_present = "id")]
    pub older_than: Option<i64>,
    /// Remove the document with this id (repeatable).
    #[arg(long)]
    pub id: Vec<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CompactArgs {
    pub archive: PathBuf,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// No progress bar on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `30d` or `4w` as a number of days.
fn parse_age(s: &str) -> std::result::Result<i64, String> {
    let (n, unit) = s.split_at(s.len().saturating_sub(1));
    let n: i64 = n
        .parse()
        .map_err(|_| format!("{s:?}: expected a number of days like 30d or weeks like 4w"))?;
    match unit {
        "d" => Ok(n),
        "w" => Ok(n * 7),
        _ => Err(format!(
            "{s:?}: expected a number of days like 30d or weeks like 4w"
        )),
    }
}

#[derive(Debug, Args)]
pub struct QueryArgs {
    /// The archive to search.
    pub archive: PathBuf,
    /// Stories to look up (files, folders, JSONL feeds; `-` for stdin).
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    pub format: FormatArg,
    /// At most this many matches per story (1 or more; no limit when not given).
    #[arg(long, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub limit: Option<usize>,
    /// Skip band buckets holding more archived documents than this.
    #[arg(long, default_value_t = reprint::lsh::DEFAULT_MAX_BUCKET)]
    pub max_bucket: usize,
    #[command(flatten)]
    pub relation: RelationArgs,
    #[command(flatten)]
    pub align: AlignArgs,
    /// Add each match's shared passages (byte spans in the story and the
    /// archived text) to JSON and JSONL pairs, as `passages`.
    #[arg(long)]
    pub passages: bool,
    /// Choose candidates by character shingles alone, leaving out the word
    /// signature that lets paraphrased rewrites reach verification.
    #[arg(long)]
    pub no_word_candidates: bool,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub params: ParamArgs,
}

pub fn run_index(args: IndexArgs) -> Result<()> {
    match args.command {
        IndexCommand::Add(a) => run_add(a),
        IndexCommand::Stats(a) => run_stats(a),
        IndexCommand::Remove(a) => run_remove(a),
        IndexCommand::Compact(a) => run_compact(a),
    }
}

fn run_add(args: AddArgs) -> Result<()> {
    let started = std::time::Instant::now();
    let req = ParamRequest {
        words: args.no_word_candidates.then_some(false),
        ..args.params.request()?
    };
    let path = &args.archive;
    // Validate an existing archive before spending time reading feeds.
    let existing = if path.exists() {
        Some(Index::open(path, &req, true)?)
    } else {
        None
    };
    if args.fingerprint_only {
        let corpus = args.input.read(&args.inputs)?;
        let index = existing
            .ok_or_else(|| Error::Usage("--fingerprint-only needs an existing archive".into()))?;
        let started = std::time::Instant::now();
        let n = index.fingerprint_only(&corpus, !args.no_text, args.batch_size);
        let secs = started.elapsed().as_secs_f64();
        eprintln!(
            "reprint: index: {n} documents fingerprinted (nothing written); {secs:.2}s ({:.0} docs/s)",
            n as f64 / secs.max(1e-9)
        );
        return Ok(());
    }
    let options = AddOptions {
        store_text: !args.no_text,
        replace: args.replace,
        batch_size: args.batch_size,
    };
    let progress = Progress::new(args.input.quiet);
    let mut problems: Vec<Diagnostic> = Vec::new();
    let added = if args.input.strict {
        // Every input is checked before anything is written, so the feeds
        // are read whole first (memory: their texts).
        let docs = args.input.read(&args.inputs)?.docs;
        let feed = move |sink: &mut dyn FnMut(Document) -> bool| {
            docs.into_iter().all(sink);
            Ok(())
        };
        add_to(existing, path, &req, feed, options, progress)
    } else {
        // Streamed: a batch at a time, problems reported at the end.
        let (inputs, opts, problems) = (&args.inputs, args.input.read_options(), &mut problems);
        let feed = move |sink: &mut dyn FnMut(Document) -> bool| {
            read_each(inputs, &opts, |item| match item {
                Item::Doc(d) => sink(d),
                Item::Problem(p) => {
                    problems.push(p);
                    true
                }
                Item::File(_) => true,
            })
        };
        add_to(existing, path, &req, feed, options, progress)
    };
    if !args.input.quiet {
        warn_all(problems.iter().map(|d| d.to_string()));
    }
    let (index, stats) = added?;
    if !args.input.quiet {
        warn_all(
            stats
                .skipped
                .iter()
                .map(|id| format!("{id}: already in the archive, skipped (--replace replaces)")),
        );
        let secs = started.elapsed().as_secs_f64();
        let read = stats.added + stats.replaced + stats.skipped.len();
        eprintln!(
            "reprint: index: {} added, {} replaced, {} skipped in {} batches; {} documents in {}; {:.2}s ({:.0} docs/s)",
            stats.added,
            stats.replaced,
            stats.skipped.len(),
            stats.batches,
            index.len()?,
            path.display(),
            secs,
            read as f64 / secs.max(1e-9)
        );
    }
    Ok(())
}

/// Grow `existing`, or create the archive at `path`, from `feed`.
fn add_to(
    existing: Option<Index>,
    path: &Path,
    req: &ParamRequest,
    feed: impl FeedFn,
    options: AddOptions,
    progress: Progress,
) -> Result<(Index, AddStats)> {
    match existing {
        Some(mut index) => {
            let stats = index.add_feed(feed, options, progress)?;
            Ok((index, stats))
        }
        None => Index::create_from_feed(path, IndexParams::new(req), feed, options, progress),
    }
}

fn run_stats(args: StatsArgs) -> Result<()> {
    let index = Index::open(&args.archive, &ParamRequest::default(), false)?;
    let stats = index.stats()?;
    let check = args.check.then(|| index.check());
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.json {
        let mut v = serde_json::to_value(&stats).map_err(|e| Error::Output(e.into()))?;
        if let Some(c) = &check {
            v["integrity"] =
                serde_json::Value::String(if c.is_ok() { "ok".into() } else { c.summary() });
            v["check"] = serde_json::to_value(c).map_err(|e| Error::Output(e.into()))?;
        }
        serde_json::to_writer_pretty(&mut out, &v).map_err(|e| Error::Output(e.into()))?;
        writeln!(out).map_err(Error::Output)?;
    } else {
        let p = &stats.parameters;
        let lines = [
            format!(
                "archive      {} ({} bytes, format {})",
                stats.path, stats.file_bytes, p.format_version
            ),
            format!(
                "documents    {} ({} with text, {} undated)",
                stats.documents, stats.with_text, stats.undated
            ),
            format!(
                "dates        {} .. {}",
                stats.oldest.as_deref().unwrap_or("-"),
                stats.newest.as_deref().unwrap_or("-")
            ),
            format!(
                "fingerprints {} {}-shingles, {} permutations, seed {}, normalization {}",
                p.shingle, p.k, p.num_perm, p.seed, p.normalization
            ),
            format!(
                "lsh          threshold {} = {} bands x {} rows",
                p.threshold, p.bands, p.rows
            ),
            format!(
                "mask         {} slots masked ({} documents sampled; share {}, min {})",
                stats.mask_masked_slots,
                stats.mask_sampled_documents,
                p.mask_share,
                p.mask_min_docs
            ),
            if p.word_bands > 0 {
                format!(
                    "words        {} bands x {} rows, {} common words left out",
                    p.word_bands, p.word_rows, stats.common_words
                )
            } else {
                "words        none (queries find candidates by character shingles alone)".into()
            },
            format!(
                "runs         {} (a query reads each once per band; `index compact` merges them)",
                stats.runs
            ),
        ];
        for l in lines {
            writeln!(out, "{l}").map_err(Error::Output)?;
        }
        if let Some(c) = &check {
            writeln!(out, "integrity    {}", c.summary()).map_err(Error::Output)?;
        }
    }
    match check {
        Some(c) if !c.is_ok() => Err(Error::Index {
            path: args.archive.clone(),
            message: format!("archive damaged: {}; rebuild it from its feeds, or try `sqlite3 ARCHIVE .recover` (see docs/archive-recovery.md)", c.summary()),
        }),
        _ => Ok(()),
    }
}

fn run_remove(args: RemoveArgs) -> Result<()> {
    let mut index = Index::open(&args.archive, &ParamRequest::default(), true)?;
    let removal = match args.older_than {
        Some(days) => Removal::Before(today() - days),
        None => Removal::Ids(args.id.clone()),
    };
    let stats = index.remove(&removal, DEFAULT_BATCH)?;
    let left = index.len()?;
    if args.json {
        let mut v = serde_json::to_value(&stats).map_err(|e| Error::Output(e.into()))?;
        v["documents"] = left.into();
        println!("{v}");
    } else {
        eprintln!(
            "reprint: index: {} removed, {} left{}{}",
            stats.removed,
            left,
            if stats.missing.is_empty() {
                String::new()
            } else {
                format!("; not in the archive: {}", stats.missing.join(", "))
            },
            if matches!(removal, Removal::Before(_)) && stats.undated > 0 {
                format!("; {} undated documents kept", stats.undated)
            } else {
                String::new()
            }
        );
    }
    Ok(())
}

fn run_compact(args: CompactArgs) -> Result<()> {
    let mut index = Index::open(&args.archive, &ParamRequest::default(), true)?;
    let stats = index.compact(Progress::new(args.quiet))?;
    if args.json {
        let v = serde_json::to_value(stats).map_err(|e| Error::Output(e.into()))?;
        println!("{v}");
    } else {
        eprintln!(
            "reprint: index: {} runs merged into {}; entries of {} removed documents dropped",
            stats.runs_before, stats.runs_after, stats.stale_documents
        );
    }
    Ok(())
}

pub fn run_query(args: QueryArgs) -> Result<()> {
    let req = args.params.request()?;
    let thresholds = args.relation.thresholds()?;
    if args.max_bucket < 1 {
        return Err(Error::Usage("--max-bucket must be at least 1".into()));
    }
    let index = Index::open(&args.archive, &req, false)?;
    let corpus = args.input.read(&args.inputs)?;
    let options = QueryOptions {
        thresholds,
        align: args.align.stage(),
        max_bucket: args.max_bucket,
        limit: args.limit,
        words: !args.no_word_candidates,
    };
    if options.words && !index.has_word_signatures() && !args.input.quiet {
        eprintln!(
            "reprint: note: {} keeps no word signatures (made before format 6, or with --no-word-candidates): candidates come from character shingles alone, so heavily paraphrased copies may be missed; rebuild it from its feeds to find them",
            args.archive.display()
        );
    }
    let result = index.query(&corpus, &options, Progress::new(args.input.quiet))?;
    if result.stats.budget_skipped_buckets > 0 && !args.input.quiet {
        warn_all(std::iter::once(format!(
            "{} band buckets skipped: the candidates held for a chunk of stories reached their budget (a lower --max-bucket than {} skips the largest buckets instead)",
            result.stats.budget_skipped_buckets, args.max_bucket
        )));
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let name = args.archive.display().to_string();
    write_query(
        &mut out,
        args.format.into(),
        &name,
        &corpus,
        &result,
        args.passages,
    )
    .map_err(Error::Output)?;
    out.flush().map_err(Error::Output)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_parse_as_days() {
        assert_eq!(parse_age("30d"), Ok(30));
        assert_eq!(parse_age("4w"), Ok(28));
        assert!(parse_age("30").is_err());
        assert!(parse_age("d").is_err());
        assert!(parse_age("").is_err());
        assert_eq!(reprint::index::day_number("1970-01-02"), Some(1));
    }
}
