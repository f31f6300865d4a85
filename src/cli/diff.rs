//! `reprint diff`: arguments, loading the two documents (files or records
//! of a corpus) and writing the view the user asked for.

use super::args::{warn_all, InputArgs};
use clap::{Args, ValueEnum};
use reprint::corpus::{read_inputs, Corpus};
use reprint::diff::{diff, DiffOptions, Side};
use reprint::direction::{OriginSources, Provenance, Side as Origin};
use reprint::error::{Error, Result};
use reprint::output::write_output;
use reprint::report::diff_text::{inline, json, side_by_side, TextStyle};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// Side by side (or one column with --inline), for people.
    Text,
    /// One JSON object: summary and changes with byte spans.
    Json,
}

/// Which document is the origin (shown as A).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OriginArg {
    /// The first document given.
    A,
    /// The second document given (the two are swapped so it shows as A).
    B,
    /// The earlier date, else a source in --origin-sources, else unknown.
    Auto,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// Version A: a file (.txt, .md, .html), or an id with --corpus.
    pub a: String,
    /// Version B: a file, or an id with --corpus.
    pub b: String,
    /// Read A and B as ids of records in this corpus (JSONL, folder...).
    #[arg(long, value_name = "PATH")]
    pub corpus: Option<PathBuf>,
    /// One column, word-level marks, instead of side by side.
    #[arg(long)]
    pub inline: bool,
    /// Write a self-contained HTML report to this file (`-` for stdout).
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// No colors (also when NO_COLOR is set or stdout is not a terminal).
    #[arg(long)]
    pub no_color: bool,
    /// Do not mark typography, localization and glued-word changes.
    #[arg(long)]
    pub hide_cosmetic: bool,
    /// Width of the side-by-side view (default: the terminal's, or COLUMNS,
    /// or 120).
    #[arg(long)]
    pub width: Option<usize>,
    /// JSONL field holding the document id (with --corpus).
    #[arg(long, default_value = "id")]
    pub id_field: String,
    /// JSONL field holding the document text (with --corpus).
    #[arg(long, default_value = "text")]
    pub text_field: String,
    /// Which document is the origin; `auto` applies the origin rule to the
    /// records' `date`/`source` (with --corpus) or --date-a/--source-a...
    #[arg(long, value_enum, default_value_t = OriginArg::A)]
    pub origin: OriginArg,
    /// Comma-separated sources that originate copy (with --origin auto).
    #[arg(long, value_name = "LIST", default_value = "")]
    pub origin_sources: String,
    /// Date of A (ISO 8601), for --origin auto.
    #[arg(long, value_name = "DATE")]
    pub date_a: Option<String>,
    /// Date of B (ISO 8601), for --origin auto.
    #[arg(long, value_name = "DATE")]
    pub date_b: Option<String>,
    /// Source of A, for --origin auto.
    #[arg(long, value_name = "NAME")]
    pub source_a: Option<String>,
    /// Source of B, for --origin auto.
    #[arg(long, value_name = "NAME")]
    pub source_b: Option<String>,
    /// Fail (exit 2) on any input problem instead of warning.
    #[arg(long)]
    pub strict: bool,
    /// No warnings or messages on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

impl DiffArgs {
    /// Input options as `scan` has them; `--html` here names the report,
    /// so HTML pages are detected, never forced.
    fn input(&self) -> InputArgs {
        InputArgs {
            id_field: self.id_field.clone(),
            text_field: self.text_field.clone(),
            html: false,
            strict: self.strict,
            quiet: self.quiet,
        }
    }
}

/// A document to compare and what the origin rule reads of it.
struct Loaded {
    side: Side,
    date: Option<String>,
    source: Option<String>,
}

/// Load one file as one document; anything else is bad input.
fn load_file(path: &str, args: &DiffArgs) -> Result<Loaded> {
    let p = Path::new(path);
    if !p.exists() {
        return Err(Error::bad_input(path, "no such file"));
    }
    if p.is_dir() {
        return Err(Error::bad_input(
            path,
            "is a folder; give a file, or --corpus FOLDER ID_A ID_B",
        ));
    }
    let corpus = read_inputs(&[p.to_path_buf()], &args.input().read_options())?;
    if corpus.docs.is_empty() && p.metadata().is_ok_and(|m| m.len() == 0) {
        return Err(Error::bad_input(
            path,
            "is empty (0 bytes): nothing to compare",
        ));
    }
    if corpus.docs.is_empty()
        && corpus
            .diagnostics
            .first()
            .is_some_and(|d| d.message.contains("is empty"))
    {
        return Err(Error::bad_input(
            path,
            "holds no text (only spaces or markup): nothing to compare",
        ));
    }
    if let Some(d) = corpus.diagnostics.first() {
        if corpus.docs.is_empty() || args.strict || d.message.contains("binary") {
            return Err(Error::bad_input(d.location.clone(), d.message.clone()));
        }
    }
    match corpus.docs.len() {
        1 => {
            if !args.quiet {
                warn_all(corpus.diagnostics.iter().map(|d| d.to_string()));
            }
            let doc = corpus
                .docs
                .into_iter()
                .next()
                .ok_or_else(|| Error::bad_input(path, "no document"))?;
            Ok(Loaded {
                side: Side {
                    id: doc.id,
                    text: doc.text,
                },
                date: doc.date,
                source: doc.source,
            })
        }
        0 => Err(Error::bad_input(path, "holds no document")),
        n => Err(Error::bad_input(
            path,
            format!("holds {n} documents; pick two with --corpus {path} ID_A ID_B"),
        )),
    }
}

fn from_corpus(corpus: &Corpus, id: &str, path: &Path) -> Result<Loaded> {
    let doc = corpus.find(id).map(|d| corpus.get(d)).ok_or_else(|| {
        Error::bad_input(
            path.display().to_string(),
            format!("no document with id {id:?}"),
        )
    })?;
    Ok(Loaded {
        side: Side {
            id: doc.id.clone(),
            text: doc.text.clone(),
        },
        date: doc.date.clone(),
        source: doc.source.clone(),
    })
}

/// Order the two documents origin first and say whether the origin is
/// known (`direction::origin` on their dates and sources for `auto`).
fn by_origin(a: Loaded, b: Loaded, args: &DiffArgs) -> (Side, Side, bool) {
    let pick = |given: &Option<String>, own: Option<String>| given.clone().or(own);
    let (da, db) = (pick(&args.date_a, a.date), pick(&args.date_b, b.date));
    let (sa, sb) = (
        pick(&args.source_a, a.source),
        pick(&args.source_b, b.source),
    );
    let origin = match args.origin {
        OriginArg::A => Some(Origin::A),
        OriginArg::B => Some(Origin::B),
        OriginArg::Auto => reprint::direction::origin(
            Provenance {
                date: da.as_deref(),
                source: sa.as_deref(),
            },
            Provenance {
                date: db.as_deref(),
                source: sb.as_deref(),
            },
            &OriginSources::parse(&args.origin_sources),
        ),
    };
    match origin {
        Some(Origin::B) => (b.side, a.side, true),
        Some(Origin::A) => (a.side, b.side, true),
        None => (a.side, b.side, false),
    }
}

fn terminal_width() -> usize {
    if let Some((_, w)) = console::Term::stdout().size_checked() {
        return w as usize;
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(120)
}

pub fn run_diff(args: DiffArgs) -> Result<()> {
    let (a, b) = match &args.corpus {
        Some(path) => {
            let corpus = args.input().read(std::slice::from_ref(path))?;
            (
                from_corpus(&corpus, &args.a, path)?,
                from_corpus(&corpus, &args.b, path)?,
            )
        }
        None => (load_file(&args.a, &args)?, load_file(&args.b, &args)?),
    };
    let (a, b, origin_known) = by_origin(a, b, &args);
    let opts = DiffOptions {
        origin_known,
        ..DiffOptions::default()
    };
    let d = diff(a, b, &opts);
    if let Some(path) = &args.html {
        let page = reprint::report::diff_html::page(&d, args.hide_cosmetic);
        if path.as_os_str() == "-" {
            let mut out = std::io::stdout().lock();
            out.write_all(page.as_bytes()).map_err(Error::Output)?;
            return out.flush().map_err(Error::Output);
        }
        let inputs: Vec<&Path> = match &args.corpus {
            Some(c) => vec![c.as_path()],
            None => vec![Path::new(&args.a), Path::new(&args.b)],
        };
        write_output(path, page.as_bytes(), &inputs)?;
        if !args.quiet {
            eprintln!("reprint: wrote {}", path.display());
        }
        if args.format == DiffFormat::Text && !args.inline {
            return Ok(());
        }
    }
    let stdout = std::io::stdout();
    let tty = stdout.is_terminal();
    let no_color_env = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let style = TextStyle {
        width: args
            .width
            .unwrap_or_else(|| {
                if tty {
                    terminal_width()
                } else {
                    std::env::var("COLUMNS")
                        .ok()
                        .and_then(|c| c.parse().ok())
                        .unwrap_or(120)
                }
            })
            .max(40),
        color: tty && !args.no_color && !no_color_env,
        hide_cosmetic: args.hide_cosmetic,
    };
    let text = match args.format {
        DiffFormat::Json => {
            let mut s = json(&d, args.hide_cosmetic).map_err(|e| Error::Output(e.into()))?;
            s.push('\n');
            s
        }
        DiffFormat::Text if args.inline => inline(&d, &style),
        DiffFormat::Text => side_by_side(&d, &style),
    };
    let mut out = stdout.lock();
    out.write_all(text.as_bytes()).map_err(Error::Output)?;
    out.flush().map_err(Error::Output)
}
