//! Options and helpers every subcommand shares: reading inputs (and warning
//! about what was read past), the relation thresholds, alignment and the
//! `--format` of scan and query.

use clap::Args;
use reprint::article::HtmlMode;
use reprint::corpus::LeanCorpus;
use reprint::corpus::{read_inputs, Corpus, Diagnostic, ReadOptions};
use reprint::derivation::AlignStage;
use reprint::direction::OriginSources;
use reprint::error::{Error, Result};
use reprint::progress::Progress;
use reprint::report::Format;
use reprint::verify::Thresholds;
use std::io::Write;
use std::path::PathBuf;

/// Options shared by every command that reads a corpus.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// JSONL field holding the document id.
    #[arg(long, default_value = "id")]
    pub id_field: String,
    /// JSONL field holding the document text.
    #[arg(long, default_value = "text")]
    pub text_field: String,
    /// Treat every text as an HTML page and fingerprint its article text
    /// (texts that look like HTML pages are treated so anyway).
    #[arg(long)]
    pub html: bool,
    /// Fail (exit 2, no output) on any input problem instead of warning.
    #[arg(long)]
    pub strict: bool,
    /// No progress bars and no warnings on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

impl InputArgs {
    pub fn read_options(&self) -> ReadOptions {
        ReadOptions {
            id_field: self.id_field.clone(),
            text_field: self.text_field.clone(),
            html: if self.html {
                HtmlMode::Always
            } else {
                HtmlMode::Auto
            },
        }
    }

    /// Read the inputs, then report or refuse input problems.
    pub fn read(&self, inputs: &[PathBuf]) -> Result<Corpus> {
        let progress = Progress::new(self.quiet);
        let spinner = progress.spinner("reading");
        let corpus = read_inputs(inputs, &self.read_options())?;
        spinner.finish_and_clear();
        self.report(&corpus.diagnostics)?;
        Ok(corpus)
    }

    /// Read the inputs keeping no texts (`dedup`), then report or refuse
    /// input problems as `read` does.
    pub fn read_lean(&self, inputs: &[PathBuf]) -> Result<LeanCorpus> {
        let progress = Progress::new(self.quiet);
        let spinner = progress.spinner("reading");
        let corpus = LeanCorpus::read(inputs, &self.read_options())?;
        spinner.finish_and_clear();
        self.report(&corpus.diagnostics)?;
        Ok(corpus)
    }

    /// Refuse input problems under `--strict`, else warn about them.
    fn report(&self, diagnostics: &[Diagnostic]) -> Result<()> {
        if self.strict && !diagnostics.is_empty() {
            return Err(Error::Strict {
                count: diagnostics.len(),
                first: diagnostics[0].to_string(),
            });
        }
        if !self.quiet {
            warn_all(diagnostics.iter().map(|d| d.to_string()));
        }
        Ok(())
    }
}

/// Print warnings on stderr, at most 20 and then a count of the rest.
pub(crate) fn warn_all(messages: impl Iterator<Item = String>) {
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    let mut n = 0;
    for m in messages {
        if n < 20 {
            let _ = writeln!(err, "reprint: warning: {m}");
        }
        n += 1;
    }
    if n > 20 {
        let _ = writeln!(err, "reprint: warning: ... and {} more warnings", n - 20);
    }
}

/// Options that label a verified pair (scan, dedup and query share them).
#[derive(Debug, Args)]
pub struct RelationArgs {
    /// Jaccard at or above which a pair is a near-duplicate.
    #[arg(long, default_value_t = Thresholds::default().near_duplicate)]
    pub near_duplicate: f64,
    /// Containment at or above which one document is contained in the other.
    #[arg(long, default_value_t = Thresholds::default().contained)]
    pub contained: f64,
    /// Containment (either way) at or above which a pair is a rewrite.
    #[arg(long, default_value_t = Thresholds::default().rewrite)]
    pub rewrite: f64,
    /// Shingles a pair must share to be `contained` or a `rewrite`.
    #[arg(long, default_value_t = Thresholds::default().min_shared)]
    pub min_shared: usize,
    /// Share of the derived copy (of the longer one when neither is known
    /// to be the origin) inside shared passages at or above which a pair is
    /// a rewrite.
    #[arg(long, default_value_t = Thresholds::default().aligned)]
    pub aligned: f64,
}

impl RelationArgs {
    /// The thresholds, each checked to be a share between 0 and 1.
    pub fn thresholds(&self) -> Result<Thresholds> {
        for (name, v) in [
            ("--near-duplicate", self.near_duplicate),
            ("--contained", self.contained),
            ("--rewrite", self.rewrite),
            ("--aligned", self.aligned),
        ] {
            check_share(name, v)?;
        }
        Ok(Thresholds {
            near_duplicate: self.near_duplicate,
            contained: self.contained,
            rewrite: self.rewrite,
            min_shared: self.min_shared,
            aligned: self.aligned,
        })
    }
}

/// Options of the alignment stage (scan, dedup, query, sign/verify).
#[derive(Debug, Args)]
pub struct AlignArgs {
    /// Sources that originate copy (agencies), comma-separated: of a pair
    /// with no earlier date, the one from a listed source is the origin.
    #[arg(long, value_name = "AP,Reuters,...", default_value = "")]
    pub origin_sources: String,
}

impl AlignArgs {
    pub fn stage(&self) -> AlignStage {
        AlignStage::new(OriginSources::parse(&self.origin_sources))
    }
}

/// `v` must be a share: between 0 and 1.
pub(crate) fn check_share(name: &str, v: f64) -> Result<()> {
    if (0.0..=1.0).contains(&v) {
        Ok(())
    } else {
        Err(Error::Usage(format!(
            "{name} must be between 0 and 1, got {v}"
        )))
    }
}

/// `--format` of scan and query: the library's `report::Format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    Table,
    Json,
    Jsonl,
    Csv,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Table => Format::Table,
            FormatArg::Json => Format::Json,
            FormatArg::Jsonl => Format::Jsonl,
            FormatArg::Csv => Format::Csv,
        }
    }
}
