//! A small key-value store used as an extraction fixture.

use std::collections::HashMap;
use std::fmt;
use std::io::{self, Read, Write as IoWrite};
use std::sync::{Arc, Mutex};
use crate::codec::{self, Codec};
use super::*;
use serde::{de::DeserializeOwned, Serialize};
pub use self::error::Error as StoreError;
extern crate log;

/// Maximum number of entries kept in memory.
pub const MAX_ENTRIES: usize = limit(1024);

const fn limit(n: usize) -> usize {
    n * 2
}

static mut COUNTER: u64 = 0;

/// Result of store operations.
pub type Result<T> = std::result::Result<T, StoreError>;

pub mod error {
    /// Errors returned by the store.
    #[derive(Debug)]
    pub enum Error {
        /// The key was not found.
        NotFound(String),
        /// An I/O failure of the backing file.
        #[allow(dead_code)]
        Io(std::io::Error),
        Corrupt { offset: u64, reason: String },
    }
}

/// An in-memory store backed by a codec.
#[derive(Debug, Clone)]
pub struct Store<C: Codec> {
    /// The entries, keyed by name.
    pub entries: HashMap<String, Vec<u8>>,
    codec: C,
    pub(crate) shared: Arc<Mutex<Stats>>,
}

#[derive(Default)]
struct Stats {
    hits: u64,
}

impl<C: Codec + Default> Store<C> {
    /// Creates an empty store.
    pub fn new() -> Self {
        Store { entries: HashMap::new(), codec: C::default(), shared: Arc::new(Mutex::new(Stats::default())) }
    }

    /// Stores a value under key.
    pub fn put<V: Serialize>(&mut self, key: &str, value: &V) -> Result<()> {
        let bytes = self.codec.encode(value)?;
        self.entries.insert(key.to_string(), bytes);
        self.bump();
        Ok(())
    }

    pub fn get<V: DeserializeOwned>(&self, key: &str) -> Result<V> {
        let raw = self
            .entries
            .get(key)
            .ok_or_else(|| StoreError::NotFound(key.to_owned()))?;
        let decode = |b: &[u8]| codec::decode::<V>(b);
        decode(raw).map_err(|e| self.wrap(e))
    }

    fn bump(&self) {
        let mut stats = self.shared.lock().unwrap();
        stats.hits += 1;
        unsafe { COUNTER += 1 };
    }

    fn wrap(&self, err: io::Error) -> StoreError {
        log::warn!("decode failed: {}", describe(&err));
        StoreError::Io(err)
    }

    /// Writes every entry to w.
    pub fn dump(&self, w: &mut dyn IoWrite) -> io::Result<usize> {
        let total: usize = self.entries.values().map(|v| v.len()).sum();
        writeln!(w, "{} entries, {} bytes", self.entries.len(), total)?;
        Ok(total)
    }
}

impl<C: Codec> fmt::Display for Store<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Store({})", self.entries.len())
    }
}

impl<C: Codec> Read for Store<C> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        Ok(buf.len().min(MAX_ENTRIES))
    }
}

fn describe(err: &io::Error) -> String {
    format!("{:?}", err.kind())
}
