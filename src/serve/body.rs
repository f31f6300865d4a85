//! Request bodies into stories, and errors into JSON answers. A body is one
//! JSON object, a JSON array of them, or JSONL; each record is read by the
//! same rules as a JSONL feed (`corpus::parse_record`), and named
//! `body:N` (N the line of JSONL, or the element of an array, from 1).

use crate::corpus::{parse_record, Corpus, Diagnostic, Document, Parsed, ReadOptions};
use crate::error::Error;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// The location prefix of a body's records.
pub const BODY: &str = "body";

/// A problem with one record of a body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct RecordError {
    /// 1-based line (JSONL) or element (JSON array).
    pub record: usize,
    pub location: String,
    pub message: String,
}

/// An error answer: its status and the JSON `{"error": ..., "records": [...]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct ApiError {
    #[serde(skip)]
    pub status: StatusCode,
    pub error: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub records: Vec<RecordError>,
}

impl ApiError {
    pub fn new(status: StatusCode, error: impl Into<String>) -> ApiError {
        ApiError {
            status,
            error: error.into(),
            records: Vec::new(),
        }
    }

    pub(crate) fn bad_request(error: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, error)
    }

    pub(crate) fn unknown_id(id: &str) -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            format!("no document with id {id:?} in the archive"),
        )
    }

    pub(crate) fn forbidden() -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "this server is read-only: start it with --token-file to accept writes",
        )
    }

    pub(crate) fn unavailable(error: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, error)
    }

    pub fn internal(error: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, error)
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> ApiError {
        let status = match e {
            Error::BadInput { .. } | Error::Usage(_) | Error::Strict { .. } => {
                StatusCode::BAD_REQUEST
            }
            // The archive itself failed (damaged, locked, disk full).
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        ApiError::new(status, e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(&self)).into_response()
    }
}

/// The records of a body, each as `parse_record` reads a JSONL line.
fn records(bytes: &[u8]) -> Result<Vec<(usize, Vec<u8>)>, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            "empty body: send a JSON object with a \"text\" field, a JSON array of them, or JSONL",
        ));
    }
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(serde_json::Value::Array(items)) => {
            if items.is_empty() {
                return Err(ApiError::bad_request("empty JSON array: no story to read"));
            }
            Ok(items
                .iter()
                .enumerate()
                .map(|(i, v)| (i + 1, serde_json::to_vec(v).unwrap_or_default()))
                .collect())
        }
        Ok(_) => Ok(vec![(1, bytes.to_vec())]),
        // Not one JSON value: JSONL (whose bad lines say what is wrong).
        Err(_) => Ok(crate::corpus::jsonl_lines_at(bytes)
            .map(|(n, _, line)| (n, line.to_vec()))
            .collect()),
    }
}

/// The stories of a body. Any record that cannot be read (malformed JSON,
/// no text, text not a string) makes it a 400 naming each such record; lesser
/// problems (text decoded lossily...) come back as the corpus' diagnostics.
/// With `need_id`, a record without an id is an error too.
pub fn stories(bytes: &[u8], need_id: bool) -> Result<Corpus, ApiError> {
    let opts = ReadOptions::default();
    let mut corpus = Corpus::default();
    let mut errors = Vec::new();
    for (n, record) in records(bytes)? {
        let location = format!("{BODY}:{n}");
        let mut doc: Option<Document> = None;
        let mut problems: Vec<Diagnostic> = Vec::new();
        for p in parse_record(0, BODY, n, &record, &opts) {
            match p {
                Parsed::Doc(d, _) => doc = Some(d),
                Parsed::Problem(d) => problems.push(d),
            }
        }
        match doc {
            Some(d) if need_id && d.id == location => errors.push(RecordError {
                record: n,
                location,
                message: format!("no {:?} field: a stored story needs an id", opts.id_field),
            }),
            Some(d) => {
                corpus.bytes += d.text.len() as u64;
                corpus.docs.push(d);
                corpus.diagnostics.extend(problems);
            }
            None => errors.extend(problems.into_iter().map(|p| RecordError {
                record: n,
                location: p.location,
                message: p.message.trim_end_matches("; skipped").to_string(),
            })),
        }
    }
    if !errors.is_empty() {
        let n = errors.len();
        return Err(ApiError {
            status: StatusCode::BAD_REQUEST,
            error: format!(
                "{n} record{} cannot be read; nothing was done (first: {}: {})",
                if n == 1 { "" } else { "s" },
                errors[0].location,
                errors[0].message
            ),
            records: errors,
        });
    }
    Ok(corpus)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_object_an_array_or_jsonl() {
        let one = stories(br#"{"id": "x", "text": "a story"}"#, true).unwrap();
        assert_eq!(one.docs.len(), 1);
        assert_eq!(one.docs[0].id, "x");
        let arr = stories(
            br#"[{"id": "x", "text": "a"}, {"id": "y", "text": "b"}]"#,
            true,
        )
        .unwrap();
        assert_eq!(arr.docs.len(), 2);
        let pretty = stories(b"{\n  \"text\": \"a story\"\n}\n", false).unwrap();
        assert_eq!(pretty.docs[0].id, "body:1");
        let jsonl = stories(
            b"{\"id\": \"x\", \"text\": \"a\"}\n\n{\"id\": \"y\", \"text\": \"b\"}\n",
            true,
        )
        .unwrap();
        assert_eq!(jsonl.docs.len(), 2);
    }

    #[test]
    fn bad_records_are_named_each() {
        let e = stories(
            b"{\"id\": \"x\", \"text\": \"a\"}\n{\"id\": \"y\"}\n{oops\n",
            true,
        )
        .unwrap_err();
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
        let at: Vec<usize> = e.records.iter().map(|r| r.record).collect();
        assert_eq!(at, vec![2, 3]);
        assert!(e.records[0].message.contains("no \"text\" field"), "{e:?}");
        assert!(e.records[1].message.contains("malformed JSON"), "{e:?}");
        let e = stories(br#"{"text": "no id"}"#, true).unwrap_err();
        assert!(e.records[0].message.contains("needs an id"), "{e:?}");
        assert!(stories(b"  \n", false).is_err());
        assert!(stories(b"[]", false).is_err());
        let e = stories(br#"{"text": 5}"#, false).unwrap_err();
        assert!(e.records[0].message.contains("not a string"), "{e:?}");
    }
}
