//! The router: endpoints, the body cap and timeout (tower-http), one log
//! line per request, and JSON bodies for every error the stack itself makes.

use super::state::AppState;
use super::{api, html};
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

pub(crate) fn router(state: Arc<AppState>, timeout: Duration) -> Router {
    let max_body = state.max_body;
    let quiet = state.quiet;
    Router::new()
        .route("/healthz", get(api::healthz))
        .route("/v1/query", post(api::query))
        .route("/v1/documents", post(api::add_documents))
        .route("/v1/documents/{id}", get(api::document))
        .route("/v1/documents/{id}/matches", get(api::document_matches))
        .route("/v1/diff", get(api::diff_json))
        .route("/", get(html::index))
        .route("/check", post(html::check))
        .route("/documents/{id}", get(html::story))
        .route("/diff/{a}/{b}", get(html::diff_page))
        .fallback(not_found)
        .with_state(state)
        // Layers run bottom-up on the way in: the log line sees the final
        // status, errors of the limit and timeout layers get JSON bodies.
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .layer(RequestBodyLimitLayer::new(max_body))
        .layer(DefaultBodyLimit::disable())
        .layer(middleware::from_fn(move |req: Request, next: Next| {
            json_errors(req, next, max_body)
        }))
        .layer(middleware::from_fn(move |req: Request, next: Next| {
            log(req, next, quiet)
        }))
}

async fn not_found(req: Request) -> Response {
    super::body::ApiError::new(
        StatusCode::NOT_FOUND,
        format!("no such endpoint: {} {}", req.method(), req.uri().path()),
    )
    .into_response()
}

/// One JSON line per request on stderr: method, path, status, milliseconds.
async fn log(req: Request, next: Next, quiet: bool) -> Response {
    if quiet {
        return next.run(req).await;
    }
    let started = Instant::now();
    let method = req.method().to_string();
    let path = req.uri().path().to_string();
    let res = next.run(req).await;
    let line = serde_json::json!({
        "method": method,
        "path": path,
        "status": res.status().as_u16(),
        "ms": (started.elapsed().as_secs_f64() * 1e4).round() / 10.0,
    });
    eprintln!("{line}");
    res
}

/// Errors made below the handlers (body over the cap, timeout, wrong method,
/// unreadable form) carry text; every error answer of the API is JSON.
async fn json_errors(req: Request, next: Next, max_body: usize) -> Response {
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let typed = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/json") || t.starts_with("text/html"));
    if typed {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let text = axum::body::to_bytes(body, 64 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let error = match status {
        StatusCode::PAYLOAD_TOO_LARGE => {
            format!("request body over the {max_body}-byte limit (--max-body)")
        }
        StatusCode::REQUEST_TIMEOUT => "the request took too long (--timeout)".to_string(),
        _ if text.is_empty() => status.canonical_reason().unwrap_or("error").to_string(),
        _ => text,
    };
    let body = serde_json::to_vec(&serde_json::json!({ "error": error })).unwrap_or_default();
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}
