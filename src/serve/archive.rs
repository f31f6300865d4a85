//! The archive behind the server: a pool of read-only `Index` connections
//! (SQLite reads block, so they run on tokio's blocking threads), the one
//! writer, and a small memory of stories pasted into the web page.

use super::body::ApiError;
use crate::corpus::Corpus;
use crate::error::{Error, Result};
use crate::index::query::{QueryOptions, QueryResult};
use crate::index::{AddOptions, AddStats, Index, ParamRequest, StoredDoc};
use crate::progress::Progress;
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// Bytes of pasted text kept for the diff links of the result page.
const PASTE_BYTES: usize = 64 * 1024 * 1024;
/// Prefix of a pasted story's id.
pub(crate) const PASTED: &str = "pasted:";

pub(crate) struct Archive {
    path: PathBuf,
    readers: Mutex<Vec<Index>>,
    permits: tokio::sync::Semaphore,
    writer: Option<Mutex<Index>>,
    pastes: Mutex<Pastes>,
}

/// Recently pasted stories, oldest first, at most `PASTE_BYTES` of text.
#[derive(Default)]
struct Pastes {
    docs: VecDeque<StoredDoc>,
    bytes: usize,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicked request leaves the data as it was: keep serving.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A reader taken from the pool; back in it when dropped (even on panic).
struct Lease<'a> {
    pool: &'a Mutex<Vec<Index>>,
    index: Option<Index>,
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let Some(i) = self.index.take() {
            lock(self.pool).push(i);
        }
    }
}

impl Archive {
    /// Open `readers` read-only connections, and the writer when `writable`.
    pub fn open(path: &Path, readers: usize, writable: bool) -> Result<Archive> {
        let req = ParamRequest::default();
        // The writer first: it validates the file before anything reads it.
        let writer = if writable {
            Some(Mutex::new(Index::open(path, &req, true)?))
        } else {
            None
        };
        let pool = (0..readers)
            .map(|_| Index::open(path, &req, false))
            .collect::<Result<Vec<_>>>()?;
        Ok(Archive {
            path: path.to_path_buf(),
            readers: Mutex::new(pool),
            permits: tokio::sync::Semaphore::new(readers),
            writer,
            pastes: Mutex::new(Pastes::default()),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn writable(&self) -> bool {
        self.writer.is_some()
    }

    /// Run `f` on a pooled reader on a blocking thread.
    pub async fn read<T, F>(self: &Arc<Self>, f: F) -> std::result::Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Index) -> Result<T> + Send + 'static,
    {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| ApiError::unavailable("the server is shutting down"))?;
        let this = self.clone();
        let joined = tokio::task::spawn_blocking(move || {
            let lease = Lease {
                pool: &this.readers,
                index: lock(&this.readers).pop(),
            };
            match &lease.index {
                Some(index) => f(index),
                None => Err(Error::Usage("internal: no free archive reader".into())),
            }
        })
        .await;
        flatten(joined)
    }

    /// Run `f` on the writer on a blocking thread; writes take turns.
    pub async fn write<T, F>(self: &Arc<Self>, f: F) -> std::result::Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Index) -> Result<T> + Send + 'static,
    {
        if self.writer.is_none() {
            return Err(ApiError::forbidden());
        }
        let this = self.clone();
        let joined = tokio::task::spawn_blocking(move || match &this.writer {
            Some(w) => f(&mut lock(w)),
            None => Err(Error::Usage("internal: no writer".into())),
        })
        .await;
        flatten(joined)
    }

    /// Documents in the archive now.
    pub async fn documents(self: &Arc<Self>) -> std::result::Result<usize, ApiError> {
        self.read(|i| i.len()).await
    }

    pub async fn query(
        self: &Arc<Self>,
        corpus: Arc<Corpus>,
        options: QueryOptions,
    ) -> std::result::Result<QueryResult, ApiError> {
        self.read(move |i| i.query(&corpus, &options, Progress::new(true)))
            .await
    }

    pub async fn add(
        self: &Arc<Self>,
        corpus: Corpus,
        options: AddOptions,
    ) -> std::result::Result<(AddStats, usize), ApiError> {
        self.write(move |i| {
            let stats = i.add(&corpus, options, Progress::new(true))?;
            Ok((stats, i.len()?))
        })
        .await
    }

    /// An archived document, or a pasted one (by its `pasted:` id); 404
    /// when neither.
    pub async fn document(
        self: &Arc<Self>,
        id: String,
    ) -> std::result::Result<StoredDoc, ApiError> {
        if id.starts_with(PASTED) {
            if let Some(d) = lock(&self.pastes).docs.iter().find(|d| d.id == id) {
                return Ok(d.clone());
            }
        }
        let key = id.clone();
        self.read(move |i| i.document(&key))
            .await?
            .ok_or_else(|| ApiError::unknown_id(&id))
    }

    /// Keep a pasted story for its diff links; the oldest go first.
    pub(crate) fn remember(&self, doc: StoredDoc) {
        let mut p = lock(&self.pastes);
        if p.docs.iter().any(|d| d.id == doc.id) {
            return;
        }
        p.bytes += doc.text.as_ref().map_or(0, String::len);
        p.docs.push_back(doc);
        while p.bytes > PASTE_BYTES && p.docs.len() > 1 {
            if let Some(old) = p.docs.pop_front() {
                p.bytes -= old.text.as_ref().map_or(0, String::len);
            }
        }
    }
}

fn flatten<T>(
    joined: std::result::Result<Result<T>, tokio::task::JoinError>,
) -> std::result::Result<T, ApiError> {
    match joined {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(ApiError::from(e)),
        Err(e) => Err(ApiError::internal(format!("the request failed: {e}"))),
    }
}
