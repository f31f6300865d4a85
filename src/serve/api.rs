//! The JSON API under `/v1` and `/healthz`: each answer is what the CLI
//! prints for the same question (`reprint query --format json`, `diff
//! --format json`), built by the same library calls.

use super::archive::Archive;
use super::auth::{authorize, Denied};
use super::body::{stories, ApiError};
use super::state::AppState;
use crate::corpus::{Corpus, Document};
use crate::diff::{diff, DiffOptions, Side};
use crate::index::query::{QueryOptions, QueryResult};
use crate::index::{AddOptions, StoredDoc};
use crate::report::diff_text as render;
use crate::report::{write_query, Format};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

type Shared = State<Arc<AppState>>;

/// A JSON body already serialized (the CLI's writers make the text).
fn json_text(text: Vec<u8>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        text,
    )
        .into_response()
}

fn json<T: Serialize>(value: &T) -> Response {
    axum::Json(value).into_response()
}

/// `1`, `true` or `yes` (any case) is true; absent or anything else false.
fn flag(value: &Option<String>) -> bool {
    value
        .as_deref()
        .is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "1" | "true" | "yes"))
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct QueryParams {
    pub passages: Option<String>,
    pub limit: Option<usize>,
}

/// How a query is answered: the CLI's defaults and `limit`.
pub(crate) fn query_options(limit: Option<usize>) -> QueryOptions {
    QueryOptions {
        limit,
        ..QueryOptions::default()
    }
}

/// The query report, as `reprint query --format json` writes it.
pub(crate) fn query_json(
    archive: &Archive,
    corpus: &Corpus,
    result: &QueryResult,
    passages: bool,
) -> Result<Vec<u8>, ApiError> {
    let mut out = Vec::new();
    let name = archive.path().display().to_string();
    write_query(&mut out, Format::Json, &name, corpus, result, passages)
        .map_err(|e| ApiError::internal(format!("writing the answer: {e}")))?;
    Ok(out)
}

/// A `passages` flag from the query string or the first story's JSON.
fn wants_passages(params: &QueryParams, body: &[u8]) -> bool {
    if flag(&params.passages) {
        return true;
    }
    #[derive(Deserialize)]
    struct Flag {
        passages: Option<bool>,
    }
    serde_json::from_slice::<Flag>(body)
        .ok()
        .and_then(|f| f.passages)
        .unwrap_or(false)
}

pub async fn healthz(State(state): Shared) -> Result<Response, ApiError> {
    #[derive(Serialize)]
    struct Health {
        status: &'static str,
        archive: String,
        documents: usize,
        writable: bool,
        version: &'static str,
        parameters: crate::index::IndexParams,
    }
    let (documents, parameters) = state
        .archive
        .read(|i| Ok((i.len()?, i.params.clone())))
        .await?;
    Ok(json(&Health {
        status: "ok",
        archive: state.archive.path().display().to_string(),
        documents,
        writable: state.archive.writable(),
        version: env!("CARGO_PKG_VERSION"),
        parameters,
    }))
}

pub async fn query(
    State(state): Shared,
    Query(params): Query<QueryParams>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let passages = wants_passages(&params, &body);
    let corpus = Arc::new(stories(&body, false)?);
    let result = state
        .archive
        .query(corpus.clone(), query_options(params.limit))
        .await?;
    Ok(json_text(query_json(
        &state.archive,
        &corpus,
        &result,
        passages,
    )?))
}

#[derive(Serialize)]
struct StoredRecord<'a> {
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<&'a str>,
    /// Null when the archive keeps no text (added with --no-text).
    text: Option<&'a str>,
}

pub async fn document(State(state): Shared, Path(id): Path<String>) -> Result<Response, ApiError> {
    let d = archived(&state.archive, id).await?;
    Ok(json(&StoredRecord {
        id: &d.id,
        title: d.title.as_deref(),
        source: d.source.as_deref(),
        date: d.date.as_deref(),
        text: d.text.as_deref(),
    }))
}

/// An archived document (never a pasted one).
async fn archived(archive: &Arc<Archive>, id: String) -> Result<StoredDoc, ApiError> {
    if id.starts_with(super::archive::PASTED) {
        return Err(ApiError::unknown_id(&id));
    }
    archive.document(id).await
}

/// The text of a document, or 409 when the archive keeps none.
pub(crate) fn text_of(d: &StoredDoc) -> Result<&str, ApiError> {
    d.text.as_deref().ok_or_else(|| {
        ApiError::new(
            StatusCode::CONFLICT,
            format!(
                "the archive holds no text for {:?} (added with --no-text): it cannot be compared here",
                d.id
            ),
        )
    })
}

/// The archived stories matching an archived one (itself left out): the
/// query report of its text.
pub(crate) async fn matches_of(
    archive: &Arc<Archive>,
    d: &StoredDoc,
    limit: Option<usize>,
) -> Result<(Arc<Corpus>, QueryResult), ApiError> {
    let corpus = Arc::new(Corpus {
        docs: vec![Document {
            id: d.id.clone(),
            title: d.title.clone(),
            source: d.source.clone(),
            date: d.date.clone(),
            text: text_of(d)?.to_string(),
            origin: Default::default(),
        }],
        ..Corpus::default()
    });
    // One more than asked: the story itself is among its best matches.
    let options = query_options(limit.map(|l| l + 1));
    let mut result = archive.query(corpus.clone(), options).await?;
    result.matches.retain(|m| m.id != d.id);
    if let Some(l) = limit {
        result.matches.truncate(l);
    }
    Ok((corpus, result))
}

pub(crate) async fn document_matches(
    State(state): Shared,
    Path(id): Path<String>,
    Query(params): Query<QueryParams>,
) -> Result<Response, ApiError> {
    let d = archived(&state.archive, id).await?;
    let (corpus, result) = matches_of(&state.archive, &d, params.limit).await?;
    let passages = flag(&params.passages);
    Ok(json_text(query_json(
        &state.archive,
        &corpus,
        &result,
        passages,
    )?))
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct AddParams {
    pub replace: Option<String>,
}

pub(crate) async fn add_documents(
    State(state): Shared,
    Query(params): Query<AddParams>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    match authorize(state.token.as_ref(), &headers) {
        Ok(()) => {}
        Err(Denied::ReadOnly) => return Err(ApiError::forbidden()),
        Err(denied) => {
            let mut r = ApiError::new(
                StatusCode::UNAUTHORIZED,
                match denied {
                    Denied::Missing => "writes need an \"Authorization: Bearer TOKEN\" header",
                    _ => "wrong token",
                },
            )
            .into_response();
            r.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            return Ok(r);
        }
    }
    let corpus = stories(&body, true)?;
    let warnings: Vec<Warning> = corpus
        .diagnostics
        .iter()
        .map(|d| Warning {
            location: d.location.clone(),
            message: d.message.clone(),
        })
        .collect();
    let options = AddOptions {
        replace: flag(&params.replace),
        batch_size: state.batch_size,
        ..AddOptions::default()
    };
    let (stats, documents) = state.archive.add(corpus, options).await?;
    #[derive(Serialize)]
    struct Added {
        added: usize,
        replaced: usize,
        skipped: Vec<String>,
        batches: usize,
        documents: usize,
        warnings: Vec<Warning>,
    }
    Ok(json(&Added {
        added: stats.added,
        replaced: stats.replaced,
        skipped: stats.skipped,
        batches: stats.batches,
        documents,
        warnings,
    }))
}

#[derive(Serialize)]
struct Warning {
    location: String,
    message: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct DiffParams {
    pub a: Option<String>,
    pub b: Option<String>,
}

/// The diff of two stories by id (archived, or pasted into the page),
/// computed on a blocking thread.
pub(crate) async fn diff_of(
    archive: &Arc<Archive>,
    a: String,
    b: String,
) -> Result<crate::diff::Diff, ApiError> {
    let (da, db) = (archive.document(a).await?, archive.document(b).await?);
    let sa = Side {
        id: da.id.clone(),
        text: text_of(&da)?.to_string(),
    };
    let sb = Side {
        id: db.id.clone(),
        text: text_of(&db)?.to_string(),
    };
    tokio::task::spawn_blocking(move || diff(sa, sb, &DiffOptions::default()))
        .await
        .map_err(|e| ApiError::internal(format!("the diff failed: {e}")))
}

pub(crate) async fn diff_json(
    State(state): Shared,
    Query(params): Query<DiffParams>,
) -> Result<Response, ApiError> {
    let (Some(a), Some(b)) = (params.a, params.b) else {
        return Err(ApiError::bad_request(
            "give both stories: /v1/diff?a=ID&b=ID (ids percent-encoded)",
        ));
    };
    let d = diff_of(&state.archive, a, b).await?;
    let text = render::json(&d, false)
        .map_err(|e| ApiError::internal(format!("writing the answer: {e}")))?;
    Ok(json_text(text.into_bytes()))
}
