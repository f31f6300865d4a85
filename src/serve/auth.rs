//! The write token: read once from `--token-file`, compared in constant time
//! with the request's `Authorization: Bearer` header.

use crate::error::{Error, Result};
use axum::http::HeaderMap;
use std::path::Path;
use subtle::ConstantTimeEq;

/// The secret writes need.
pub(crate) struct Token(Vec<u8>);

/// Why a write was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Denied {
    /// The server has no token: it is read-only.
    ReadOnly,
    /// No `Authorization: Bearer` header.
    Missing,
    /// A token that is not the one.
    Wrong,
}

impl Token {
    /// The file's content with surrounding whitespace (a final newline) trimmed.
    pub fn load(path: &Path) -> Result<Token> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let token = bytes.trim_ascii();
        if token.is_empty() {
            return Err(Error::bad_input(
                path.display().to_string(),
                "the token file is empty",
            ));
        }
        Ok(Token(token.to_vec()))
    }

    /// Whether `given` is the token; the time taken does not depend on how
    /// much of it matches.
    pub fn matches(&self, given: &[u8]) -> bool {
        self.0.ct_eq(given).into()
    }
}

/// Check a write request's headers against `token`.
pub(crate) fn authorize(
    token: Option<&Token>,
    headers: &HeaderMap,
) -> std::result::Result<(), Denied> {
    let token = token.ok_or(Denied::ReadOnly)?;
    let given = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.as_bytes().strip_prefix(b"Bearer "))
        .ok_or(Denied::Missing)?;
    if token.matches(given.trim_ascii()) {
        Ok(())
    } else {
        Err(Denied::Wrong)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_tokens_are_checked() {
        let t = Token(b"s3cret".to_vec());
        let mut h = HeaderMap::new();
        assert_eq!(authorize(Some(&t), &h), Err(Denied::Missing));
        assert_eq!(authorize(None, &h), Err(Denied::ReadOnly));
        h.insert("authorization", "Bearer s3cre".parse().unwrap());
        assert_eq!(authorize(Some(&t), &h), Err(Denied::Wrong));
        h.insert("authorization", "Bearer s3cret".parse().unwrap());
        assert_eq!(authorize(Some(&t), &h), Ok(()));
        h.insert("authorization", "Basic s3cret".parse().unwrap());
        assert_eq!(authorize(Some(&t), &h), Err(Denied::Missing));
    }
}
