//! `reprint serve`: the archive as an HTTP service (JSON API under `/v1`)
//! and a server-rendered web page, on axum/tokio. Queries read through a
//! pool of read-only connections; writes go through the one writer.

mod api;
mod archive;
mod auth;
mod body;
mod html;
mod routes;
mod state;

use crate::error::{Error, Result};
use archive::Archive;
use state::AppState;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Default cap on a request body.
pub const DEFAULT_MAX_BODY: usize = 10 * 1024 * 1024;

/// How `run_serve` listens and what it allows.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// The archive to serve (made by `reprint index add`).
    pub archive: PathBuf,
    /// Address to listen on; port 0 picks a free port. A non-loopback
    /// address needs `token_file`.
    pub addr: SocketAddr,
    /// File holding the bearer token that writes need; none: read-only.
    pub token_file: Option<PathBuf>,
    /// Largest request body in bytes (413 above it).
    pub max_body: usize,
    /// Time a request may take before it is answered 408.
    pub timeout: Duration,
    /// Read-only archive connections answering queries at once.
    pub readers: usize,
    /// Documents per committed transaction of POST /v1/documents.
    pub batch_size: usize,
    /// No request log lines on stderr.
    pub quiet: bool,
}

/// Serve the archive until SIGINT or SIGTERM.
pub fn run_serve(args: ServeConfig) -> Result<()> {
    if args.readers == 0 {
        return Err(Error::Usage("--readers must be at least 1".into()));
    }
    if args.batch_size == 0 {
        return Err(Error::Usage("--batch-size must be at least 1".into()));
    }
    let token = args
        .token_file
        .as_deref()
        .map(auth::Token::load)
        .transpose()?;
    if token.is_none() && !args.addr.ip().is_loopback() {
        return Err(Error::Usage(format!(
            "--addr {} is not a loopback address: give --token-file so writes need a token",
            args.addr
        )));
    }
    let archive = Arc::new(Archive::open(&args.archive, args.readers, token.is_some())?);
    let state = Arc::new(AppState {
        archive,
        token,
        max_body: args.max_body,
        batch_size: args.batch_size,
        quiet: args.quiet,
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Usage(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(serve(state, args.addr, args.timeout))
}

async fn serve(state: Arc<AppState>, addr: SocketAddr, timeout: Duration) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| Error::io(addr.to_string(), e))?;
    let bound = listener
        .local_addr()
        .map_err(|e| Error::io(addr.to_string(), e))?;
    // Always printed: with port 0 it is how a caller learns the port.
    eprintln!(
        "reprint: serve: {} ({} documents, {}) listening on http://{bound}",
        state.archive.path().display(),
        state.archive.documents().await.unwrap_or(0),
        if state.token.is_some() {
            "writes need the token"
        } else {
            "read-only"
        }
    );
    let app = routes::router(state.clone(), timeout);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| Error::io(bound.to_string(), e))?;
    if !state.quiet {
        eprintln!("reprint: serve: stopped; in-flight requests finished");
    }
    Ok(())
}

/// SIGINT or SIGTERM: stop accepting; axum finishes the requests in flight.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
