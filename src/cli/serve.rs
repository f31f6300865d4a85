//! `reprint serve` arguments (clap), turned into the library's `ServeConfig`.

use clap::Args;
use reprint::error::Result;
use reprint::serve::{run_serve, ServeConfig, DEFAULT_MAX_BODY};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Args)]
#[command(after_long_help = HELP_ENDPOINTS)]
pub struct ServeArgs {
    /// The archive to serve (made by `reprint index add`).
    pub archive: PathBuf,
    /// Address to listen on; port 0 picks a free port (the bound address is
    /// printed on stderr). A non-loopback address needs --token-file.
    #[arg(long, default_value = "127.0.0.1:7878")]
    pub addr: SocketAddr,
    /// File holding the bearer token that writes (POST /v1/documents) need.
    /// Without it the server is read-only.
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// Largest request body in bytes (413 above it).
    #[arg(long, default_value_t = DEFAULT_MAX_BODY)]
    pub max_body: usize,
    /// Seconds a request may take before it is answered 408.
    #[arg(long, default_value_t = 120)]
    pub timeout: u64,
    /// Read-only archive connections answering queries at once.
    #[arg(long, default_value_t = 4)]
    pub readers: usize,
    /// Documents per committed transaction of POST /v1/documents.
    #[arg(long, default_value_t = reprint::index::DEFAULT_BATCH)]
    pub batch_size: usize,
    /// No request log lines on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

const HELP_ENDPOINTS: &str = "\
Endpoints (details and examples: docs/serve.md):
  GET  /healthz                       document count and archive parameters
  POST /v1/query[?passages=1]         one story as JSON, a JSON array or JSONL;
                                      answers as `reprint query --format json`
  GET  /v1/documents/{id}             a stored record (id percent-encoded)
  GET  /v1/documents/{id}/matches     the archived stories that match it
  POST /v1/documents[?replace=1]      add JSONL or a JSON array (bearer token);
                                      answers added / replaced / skipped / warnings
  GET  /v1/diff?a=ID&b=ID             diff JSON of two archived stories
  GET  /                              web page: paste or upload a story
  GET  /documents/{id}                an archived story and its matches
  GET  /diff/{a}/{b}                  side-by-side diff page
Errors are JSON: {\"error\": \"...\"} (400 bad input, 401/403 writes, 404 unknown id,
413 body too large); per-record problems under \"records\".

Example:
  reprint serve archive.db
  curl -s localhost:7878/v1/query -d '{\"title\": \"...\", \"text\": \"...\"}'
  curl -s -H \"Authorization: Bearer $(cat token.txt)\" \\
       localhost:7878/v1/documents --data-binary @feed.jsonl";

/// Run `reprint serve`.
pub fn run(args: ServeArgs) -> Result<()> {
    run_serve(ServeConfig {
        archive: args.archive,
        addr: args.addr,
        token_file: args.token_file,
        max_body: args.max_body,
        timeout: Duration::from_secs(args.timeout),
        readers: args.readers,
        batch_size: args.batch_size,
        quiet: args.quiet,
    })
}
