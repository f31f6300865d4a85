//! What every handler of `reprint serve` shares: the open archive, the
//! access token and the request limits.

use super::archive::Archive;
use super::auth;
use std::sync::Arc;

/// What the handlers share.
pub(crate) struct AppState {
    pub archive: Arc<Archive>,
    pub token: Option<auth::Token>,
    pub max_body: usize,
    pub batch_size: usize,
    pub quiet: bool,
}
