//! `reprint diff`: arguments, loading the two documents (files or records
//! of a corpus) and writing the view the user asked for.

use super::render::{inline, json, side_by_side, TextStyle};
use super::{diff, DiffOptions, Side};
use crate::cli::InputArgs;
use crate::corpus::{read_inputs, Corpus};
use crate::error::{Error, Result};
use clap::{Args, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// Side by side (or one column with --inline), for people.
    Text,
    /// One JSON object: summary and changes with byte spans.
    Json,
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

/// Load one file as one document; anything else is bad input.
fn load_file(path: &str, args: &DiffArgs) -> Result<Side> {
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
    if let Some(d) = corpus.diagnostics.first() {
        if corpus.docs.is_empty() || args.strict || d.message.contains("binary") {
            return Err(Error::bad_input(d.location.clone(), d.message.clone()));
        }
    }
    match corpus.docs.len() {
        1 => {
            if !args.quiet {
                crate::cli::warn_all(corpus.diagnostics.iter().map(|d| d.to_string()));
            }
            let doc = corpus
                .docs
                .into_iter()
                .next()
                .ok_or_else(|| Error::bad_input(path, "no document"))?;
            Ok(Side {
                id: doc.id,
                text: doc.text,
            })
        }
        0 => Err(Error::bad_input(path, "holds no document")),
        n => Err(Error::bad_input(
            path,
            format!("holds {n} documents; pick two with --corpus {path} ID_A ID_B"),
        )),
    }
}

fn from_corpus(corpus: &Corpus, id: &str, path: &Path) -> Result<Side> {
    let doc = corpus.find(id).map(|d| corpus.get(d)).ok_or_else(|| {
        Error::bad_input(
            path.display().to_string(),
            format!("no document with id {id:?}"),
        )
    })?;
    Ok(Side {
        id: doc.id.clone(),
        text: doc.text.clone(),
    })
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
    let d = diff(a, b, &DiffOptions::default());
    if let Some(path) = &args.html {
        let page = super::html::page(&d, args.hide_cosmetic);
        if path.as_os_str() == "-" {
            let mut out = std::io::stdout().lock();
            out.write_all(page.as_bytes()).map_err(Error::Output)?;
            return out.flush().map_err(Error::Output);
        }
        std::fs::write(path, page).map_err(|e| Error::io(path, e))?;
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
