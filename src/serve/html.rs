//! The web page: server-rendered HTML without scripts. Paste or upload a
//! story and see its matches; an archived story's page lists its matches;
//! each links to the side-by-side diff (the renderer of `diff --html`).

use super::api::{diff_of, matches_of, query_options, text_of};
use super::archive::PASTED;
use super::body::{stories, ApiError};
use super::state::AppState;
use crate::direction::{origin, OriginSources, Provenance, Side};
use crate::index::query::QueryMatch;
use crate::index::StoredDoc;
use crate::report::diff_html::{escape, page_with, CSS as DIFF_CSS};
use axum::extract::{Multipart, Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use sha2::{Digest, Sha256};
use std::fmt::Write;
use std::sync::{Arc, OnceLock};

type Shared = State<Arc<AppState>>;

/// The style sheet of the service's own pages: one column, phone-readable.
const CSS: &str = "
* { box-sizing: border-box; }
body { font: 16px/1.5 system-ui, -apple-system, 'Segoe UI', sans-serif; color: #1d1f23; margin: 0 auto; max-width: 46rem; padding: 1rem; }
h1 { font-size: 1.3rem; margin: .2rem 0 .8rem; } h2 { font-size: 1.1rem; margin: 1.2rem 0 .5rem; }
a { color: #1f5fa8; } .nav { font-size: .85rem; color: #5f6670; }
label { display: block; font-weight: 600; margin: .7rem 0 .2rem; }
input[type=text], textarea { width: 100%; font: inherit; padding: .4rem; border: 1px solid #b8bec6; border-radius: 4px; }
textarea { min-height: 12rem; }
button { font: inherit; margin-top: .8rem; padding: .45rem 1.2rem; border-radius: 4px; border: 1px solid #1f5fa8; background: #1f5fa8; color: #fff; }
ol.matches { padding: 0; list-style: none; }
li.match { border: 1px solid #d0d4da; border-radius: 6px; padding: .6rem .8rem; margin: 0 0 .6rem; overflow-wrap: anywhere; }
.title { font-weight: 600; } .meta, .shares, .id { font-size: .85rem; color: #4a5058; }
.rel { font-weight: 600; text-transform: uppercase; font-size: .75rem; letter-spacing: .04em; padding: 0 .35rem; border-radius: 3px; background: #e6ecf5; color: #1d3f6e; }
.rel.exact, .rel.near-duplicate { background: #ffe0dc; color: #7a1d12; }
.error { border-left: 4px solid #c0392b; background: #fdf0ee; padding: .5rem .8rem; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; border-top: 1px solid #e0e3e8; padding-top: .6rem; }
";

/// `'sha256-...'` of an inline style sheet, for the CSP.
fn style_hash(css: &str) -> String {
    let digest = Sha256::digest(css.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// The CSP of every HTML answer: nothing loads or runs but the two inline
/// style sheets (by hash), and forms post only here.
fn csp() -> &'static HeaderValue {
    static CSP: OnceLock<HeaderValue> = OnceLock::new();
    CSP.get_or_init(|| {
        let v = format!(
            "default-src 'none'; style-src {} {}; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
            style_hash(CSS),
            style_hash(DIFF_CSS)
        );
        HeaderValue::from_str(&v).unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'"))
    })
}

/// An HTML answer with the CSP and no sniffing.
pub(crate) fn html_response(status: StatusCode, body: String) -> Response {
    (
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (header::CONTENT_SECURITY_POLICY, csp().clone()),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            ),
        ],
        body,
    )
        .into_response()
}

/// Percent-encode an id for one path segment or query value: every byte
/// but unreserved ASCII (RFC 3986), so `/`, `?`, `#` and `%` survive.
pub fn pct(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title><style>{CSS}</style></head><body>\n<p class=\"nav\"><a href=\"/\">reprint</a></p>\n{body}</body></html>\n",
        escape(title)
    )
}

fn form(error: Option<&str>, title: &str, text: &str) -> String {
    let mut out = String::from("<h1>Is this story a reprint?</h1>\n");
    if let Some(e) = error {
        let _ = writeln!(out, "<p class=\"error\">{}</p>", escape(e));
    }
    let _ = writeln!(
        out,
        "<form method=\"post\" action=\"/check\" enctype=\"multipart/form-data\">\
<label for=\"title\">Headline (optional)</label><input type=\"text\" id=\"title\" name=\"title\" value=\"{}\">\
<label for=\"text\">Story text</label><textarea id=\"text\" name=\"text\">{}</textarea>\
<label for=\"file\">or upload a file (.txt, .md, .html)</label><input type=\"file\" id=\"file\" name=\"file\">\
<button type=\"submit\">Find matches</button></form>",
        escape(title),
        escape(text)
    );
    out
}

pub async fn index() -> Response {
    html_response(StatusCode::OK, page("reprint", &form(None, "", "")))
}

/// The pasted story's id: its content's hash, so the same paste is one story.
fn pasted_id(title: &str, text: &str) -> String {
    let h = xxhash_rust::xxh3::xxh3_64(format!("{title}\n{text}").as_bytes());
    format!("{PASTED}{h:016x}")
}

/// The form's fields: a file, when one was uploaded, wins over the text.
async fn fields(mut multipart: Multipart) -> Result<(String, String), String> {
    let (mut title, mut text, mut file) = (String::new(), String::new(), String::new());
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| format!("the form could not be read: {e}"))?
    {
        let name = field.name().unwrap_or_default().to_string();
        let bytes = field
            .bytes()
            .await
            .map_err(|e| format!("the form could not be read: {e}"))?;
        let value = String::from_utf8_lossy(&bytes).into_owned();
        match name.as_str() {
            "title" => title = value,
            "text" => text = value,
            "file" => file = value,
            _ => {}
        }
    }
    if !file.trim().is_empty() {
        text = file;
    }
    Ok((title, text))
}

pub async fn check(State(state): Shared, multipart: Multipart) -> Response {
    let (title, text) = match fields(multipart).await {
        Ok(f) => f,
        Err(e) => {
            return html_response(
                StatusCode::BAD_REQUEST,
                page("reprint", &form(Some(&e), "", "")),
            )
        }
    };
    if text.trim().is_empty() {
        let body = form(
            Some("Paste a story's text or upload a file."),
            &title,
            &text,
        );
        return html_response(StatusCode::BAD_REQUEST, page("reprint", &body));
    }
    let id = pasted_id(&title, &text);
    let record = serde_json::json!({"id": id, "title": title, "text": text});
    let bytes = serde_json::to_vec(&record).unwrap_or_default();
    let answer = async {
        let corpus = Arc::new(stories(&bytes, false)?);
        let result = state
            .archive
            .query(corpus.clone(), query_options(None))
            .await?;
        Ok::<_, ApiError>((corpus, result))
    }
    .await;
    let (corpus, result) = match answer {
        Ok(a) => a,
        Err(e) => {
            let body = form(Some(&e.error), &title, &text);
            return html_response(e.status, page("reprint", &body));
        }
    };
    let Some(doc) = corpus.docs.first() else {
        return html_response(
            StatusCode::BAD_REQUEST,
            page("reprint", &form(Some("No story."), &title, &text)),
        );
    };
    state.archive.remember(StoredDoc {
        id: doc.id.clone(),
        title: doc.title.clone().filter(|t| !t.is_empty()),
        source: None,
        date: None,
        text_hash: 0,
        shingles: None,
        signature: crate::minhash::Signature(Box::new([])),
        text: Some(doc.text.clone()),
    });
    let mut body = String::new();
    let n = result.matches.len();
    let _ = writeln!(
        body,
        "<h1>{}</h1>\n<p class=\"meta\">{} in the archive of {} stories.</p>",
        escape(if title.trim().is_empty() {
            "Your story"
        } else {
            title.trim()
        }),
        match n {
            0 => "No matches".to_string(),
            1 => "1 match".to_string(),
            n => format!("{n} matches"),
        },
        result.archive_documents
    );
    // A pasted story has no date: the archived one is shown as A.
    list(
        &mut body,
        &result.matches,
        |m| (m.id.clone(), doc.id.clone()),
        "yours",
    );
    body.push_str(&form(None, &title, &text));
    html_response(StatusCode::OK, page("reprint: matches", &body))
}

/// The list of matches; `pair` gives a match's diff link (A, B).
fn list(
    out: &mut String,
    matches: &[QueryMatch],
    pair: impl Fn(&QueryMatch) -> (String, String),
    yours: &str,
) {
    if matches.is_empty() {
        return;
    }
    out.push_str("<ol class=\"matches\">\n");
    for m in matches {
        let (a, b) = pair(m);
        let s = &m.scores;
        let meta: Vec<String> = [m.source.as_deref(), m.date.as_deref()]
            .into_iter()
            .flatten()
            .map(escape)
            .collect();
        let _ = writeln!(
            out,
            "<li class=\"match\"><a class=\"title\" href=\"/documents/{}\">{}</a>\
<div class=\"id\">{}</div>\
<div class=\"meta\"><span class=\"rel {}\">{}</span> {}</div>\
<div class=\"shares\">{:.0}% of {yours} is in it · {:.0}% of it is in {yours} · Jaccard {:.2}{}</div>\
<a class=\"diff\" href=\"/diff/{}/{}\">See what changed</a></li>",
            pct(&m.id),
            escape(m.title.as_deref().filter(|t| !t.is_empty()).unwrap_or(&m.id)),
            escape(&m.id),
            m.relation.as_str(),
            m.relation.as_str(),
            meta.join(" · "),
            s.containment_a_in_b * 100.0,
            s.containment_b_in_a * 100.0,
            s.jaccard,
            if m.estimated { " (estimated)" } else { "" },
            pct(&a),
            pct(&b)
        );
    }
    out.push_str("</ol>\n");
}

/// An HTML error page for an `ApiError`.
fn error_page(e: ApiError) -> Response {
    let body = format!(
        "<h1>{}</h1><p class=\"error\">{}</p>",
        e.status,
        escape(&e.error)
    );
    html_response(e.status, page("reprint: error", &body))
}

pub async fn story(State(state): Shared, Path(id): Path<String>) -> Response {
    let d = match state.archive.document(id).await {
        Ok(d) if !d.id.starts_with(PASTED) => d,
        Ok(d) => return error_page(ApiError::unknown_id(&d.id)),
        Err(e) => return error_page(e),
    };
    let mut body = String::new();
    let _ = writeln!(
        body,
        "<h1>{}</h1>\n<p class=\"id\">{}</p><p class=\"meta\">{}</p>",
        escape(
            d.title
                .as_deref()
                .filter(|t| !t.is_empty())
                .unwrap_or(&d.id)
        ),
        escape(&d.id),
        [d.source.as_deref(), d.date.as_deref()]
            .into_iter()
            .flatten()
            .map(escape)
            .collect::<Vec<_>>()
            .join(" · ")
    );
    match matches_of(&state.archive, &d, None).await {
        Ok((_, result)) => {
            let _ = writeln!(
                body,
                "<h2>Its reprints and copies in the archive: {}</h2>",
                result.matches.len()
            );
            // The earlier story (or the listed origin source) is A.
            let this = Provenance {
                date: d.date.as_deref(),
                source: d.source.as_deref(),
            };
            list(
                &mut body,
                &result.matches,
                |m| {
                    let other = Provenance {
                        date: m.date.as_deref(),
                        source: m.source.as_deref(),
                    };
                    match origin(this, other, &OriginSources::default()) {
                        Some(Side::B) => (m.id.clone(), d.id.clone()),
                        _ => (d.id.clone(), m.id.clone()),
                    }
                },
                "this story",
            );
        }
        Err(e) => {
            let _ = writeln!(body, "<p class=\"error\">{}</p>", escape(&e.error));
        }
    }
    if let Ok(text) = text_of(&d) {
        let _ = writeln!(
            body,
            "<h2>Text</h2><div class=\"text\">{}</div>",
            escape(text)
        );
    }
    html_response(StatusCode::OK, page(&format!("reprint: {}", d.id), &body))
}

pub(crate) async fn diff_page(
    State(state): Shared,
    Path((a, b)): Path<(String, String)>,
) -> Response {
    match diff_of(&state.archive, a, b).await {
        Ok(d) => {
            let nav = format!(
                "<p class=\"nav\"><a href=\"/\">reprint</a> · <a href=\"/documents/{}\">A</a> · <a href=\"/documents/{}\">B</a></p>\n",
                pct(&d.a.id),
                pct(&d.b.id)
            );
            html_response(StatusCode::OK, page_with(&d, false, &nav))
        }
        Err(e) => error_page(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_encoded_whole() {
        assert_eq!(pct("a/b c?d#e%f"), "a%2Fb%20c%3Fd%23e%25f");
        assert_eq!(pct("é"), "%C3%A9");
        assert_eq!(pct("ok-1._~"), "ok-1._~");
    }

    #[test]
    fn the_csp_allows_the_inline_sheets_only() {
        let v = csp().to_str().unwrap().to_string();
        assert!(v.starts_with("default-src 'none'"));
        assert!(v.contains(&style_hash(CSS)) && v.contains(&style_hash(DIFF_CSS)));
        assert!(!v.contains("unsafe-inline") && !v.contains("script-src"));
        // The pages carry the sheets byte for byte, so the hashes hold.
        assert!(page("t", "").contains(&format!("<style>{CSS}</style>")));
    }
}
