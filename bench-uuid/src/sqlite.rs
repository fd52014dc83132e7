//! An SQLite event table keyed by v4, v7 or integer ids: pre-fill, timed batch
//! inserts, a retention window that keeps the table size fixed, and the
//! on-disk shape of the primary-key B-tree.
//!
//! # Schema
//! v4 and v7: `events(id BLOB PRIMARY KEY, payload TEXT NOT NULL) WITHOUT ROWID`,
//! so rows live in the primary-key B-tree itself and the key order *is* the
//! storage order (as in InnoDB or SQL Server clustered keys). The reference is
//! a plain rowid table with `id INTEGER PRIMARY KEY`, keys 1, 2, 3…: the
//! append-only best case. Ids are stored as their 16 big-endian bytes, whose
//! `memcmp` order is the v7 time order.
//!
//! # Settings, and why
//! - `page_size` 4096 (SQLite's default) and [`CACHE_KIB`] = 4 MiB of page
//!   cache (1024 pages, set explicitly; SQLite's default is 2 MiB). A
//!   10 000-row table (~2–3 MB) fits in it; 100 000 rows (~20–30 MB) and
//!   1 000 000 rows (~200–300 MB) do not, and the doc's effect needs exactly
//!   that: random keys then touch a page that is not cached for almost every row.
//! - Pre-fill (setup): one transaction, `journal_mode=OFF`,
//!   `synchronous=OFF`, a [`PREFILL_CACHE_KIB`] cache, rows in the order
//!   their keys are made (random order for v4), so the tree has the shape
//!   random inserts give it (leaves ~70 % full), not that of a bulk load.
//! - Timed work: `journal_mode=WAL`, `synchronous=NORMAL` (the usual durable
//!   setting for an application database), automatic checkpoints off, and an
//!   explicit `wal_checkpoint(PASSIVE)` after each batch, so every batch pays
//!   for exactly its own pages: appending them to the WAL and copying them
//!   into the database file, with no checkpoint of another batch landing in it.

use std::collections::VecDeque;
use std::fmt;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, params};
use uuid::Uuid;

use crate::payload;

/// Page-cache size for the timed inserts, in KiB (`PRAGMA cache_size=-4096`).
pub const CACHE_KIB: u32 = 4096;
/// Page-cache size while pre-filling, in KiB: big enough to hold the table.
pub const PREFILL_CACHE_KIB: u32 = 512 * 1024;
/// Database page size in bytes.
pub const PAGE_SIZE: u32 = 4096;

/// Which primary key the table has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyKind {
    /// Random UUIDv4 (`Uuid::new_v4`), BLOB key.
    V4,
    /// Time-ordered UUIDv7 (`Uuid::now_v7`), BLOB key.
    V7,
    /// `INTEGER PRIMARY KEY` counting up from 1 (the rowid).
    Int,
}

impl KeyKind {
    /// Every kind, in the order benchmarks run them.
    pub const ALL: [KeyKind; 3] = [KeyKind::V4, KeyKind::V7, KeyKind::Int];

    /// The variant part of the benchmark id.
    pub fn label(self) -> &'static str {
        match self {
            KeyKind::V4 => "v4",
            KeyKind::V7 => "v7",
            KeyKind::Int => "int",
        }
    }

    fn schema(self) -> &'static str {
        match self {
            KeyKind::V4 | KeyKind::V7 => {
                "CREATE TABLE events(id BLOB PRIMARY KEY, payload TEXT NOT NULL) WITHOUT ROWID"
            }
            KeyKind::Int => "CREATE TABLE events(id INTEGER PRIMARY KEY, payload TEXT NOT NULL)",
        }
    }
}

impl fmt::Display for KeyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Errors of the event store; each names the database file.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: {action}: {source}")]
    Sqlite {
        path: PathBuf,
        action: &'static str,
        #[source]
        source: rusqlite::Error,
    },
    #[error("{path}: reading the file size: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} already exists; give a path that does not, nothing is overwritten")]
    Exists { path: PathBuf },
    #[error("{path}: journal_mode is {found:?}, expected \"wal\"")]
    JournalMode { path: PathBuf, found: String },
    #[error("{keys} keys but {payloads} payloads: a batch needs one payload per key")]
    BatchShape { keys: usize, payloads: usize },
}

/// What one checkpoint reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checkpoint {
    /// Pages (frames) in the WAL: what the batch wrote.
    pub wal_frames: u64,
    /// Pages copied back into the database file.
    pub checkpointed: u64,
}

/// The on-disk shape of the table after the inserts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StoreStats {
    pub rows: u64,
    /// Size of the main database file (the WAL is checkpointed first).
    pub db_bytes: u64,
    pub page_count: u64,
    /// Pages freed by deletes and not yet reused (no auto-vacuum).
    pub freelist_count: u64,
    /// Used bytes / page bytes over the table's leaf pages, from `dbstat`;
    /// `None` if this SQLite has no `dbstat` table.
    pub leaf_fill: Option<f64>,
}

/// An event table in one SQLite file, with the keys it holds, oldest first.
#[derive(Debug)]
pub struct EventStore {
    conn: Connection,
    path: PathBuf,
    kind: KeyKind,
    live: VecDeque<u128>,
    next_int: u64,
}

impl EventStore {
    /// Creates `path` holding `rows` events (setup: fast settings, one
    /// transaction), then reopens it with the settings of the timed work.
    /// Refuses a path that exists.
    pub fn create(path: &Path, kind: KeyKind, rows: u64) -> Result<Self, StoreError> {
        if path.exists() {
            return Err(StoreError::Exists {
                path: path.to_owned(),
            });
        }
        let sql = |action| sql_err(path, action);
        let mut live = VecDeque::with_capacity(rows as usize + 2000);
        let mut next_int = 1;
        {
            let mut conn = Connection::open(path).map_err(sql("open"))?;
            conn.execute_batch(&format!(
                "PRAGMA page_size={PAGE_SIZE}; PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
                 PRAGMA cache_size=-{PREFILL_CACHE_KIB}; {};",
                kind.schema()
            ))
            .map_err(sql("create the table"))?;
            let tx = conn.transaction().map_err(sql("begin pre-fill"))?;
            {
                let mut insert = tx
                    .prepare("INSERT INTO events(id, payload) VALUES (?1, ?2)")
                    .map_err(sql("prepare pre-fill"))?;
                for seq in 0..rows {
                    let key = next_key(kind, &mut next_int);
                    bind_insert(&mut insert, kind, key, &payload::event_json(seq))
                        .map_err(sql("pre-fill"))?;
                    live.push_back(key);
                }
            }
            tx.commit().map_err(sql("commit pre-fill"))?;
            let mode: String = conn
                .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
                .map_err(sql("switch to WAL"))?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(StoreError::JournalMode {
                    path: path.to_owned(),
                    found: mode,
                });
            }
        }
        // A new connection: the timed work starts with a cold, small cache.
        let conn = Connection::open(path).map_err(sql("reopen"))?;
        conn.execute_batch(&format!(
            "PRAGMA synchronous=NORMAL; PRAGMA cache_size=-{CACHE_KIB};
             PRAGMA wal_autocheckpoint=0;"
        ))
        .map_err(sql("set the timed-work pragmas"))?;
        Ok(Self {
            conn,
            path: path.to_owned(),
            kind,
            live,
            next_int,
        })
    }

    pub fn kind(&self) -> KeyKind {
        self.kind
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Rows the store believes the table holds (checked by [`Self::stats`]).
    pub fn len(&self) -> usize {
        self.live.len()
    }

    pub fn is_empty(&self) -> bool {
        self.live.is_empty()
    }

    /// Makes `n` new keys of this store's kind into `out` (cleared first). v7
    /// and integer keys are larger than every key already made.
    pub fn make_keys(&mut self, n: usize, out: &mut Vec<u128>) {
        out.clear();
        out.extend((0..n).map(|_| next_key(self.kind, &mut self.next_int)));
    }

    /// Inserts one row per key in one transaction. Returns the rows inserted.
    pub fn insert_batch(
        &mut self,
        keys: &[u128],
        payloads: &[String],
    ) -> Result<usize, StoreError> {
        if keys.len() != payloads.len() {
            return Err(StoreError::BatchShape {
                keys: keys.len(),
                payloads: payloads.len(),
            });
        }
        let tx = self
            .conn
            .transaction()
            .map_err(sql_err(&self.path, "begin"))?;
        let mut inserted = 0;
        {
            let mut insert = tx
                .prepare_cached("INSERT INTO events(id, payload) VALUES (?1, ?2)")
                .map_err(sql_err(&self.path, "prepare insert"))?;
            for (key, payload) in keys.iter().zip(payloads) {
                inserted += bind_insert(&mut insert, self.kind, *key, payload)
                    .map_err(sql_err(&self.path, "insert"))?;
            }
        }
        tx.commit().map_err(sql_err(&self.path, "commit"))?;
        self.live.extend(keys);
        Ok(inserted)
    }

    /// `PRAGMA wal_checkpoint(PASSIVE)`: copies the WAL into the database file.
    pub fn checkpoint(&self) -> Result<Checkpoint, StoreError> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
                Ok(Checkpoint {
                    wal_frames: r.get::<_, i64>(1)?.max(0) as u64,
                    checkpointed: r.get::<_, i64>(2)?.max(0) as u64,
                })
            })
            .map_err(sql_err(&self.path, "checkpoint"))
    }

    /// The unit the benchmark times: insert a batch, then checkpoint it.
    pub fn insert_durably(
        &mut self,
        keys: &[u128],
        payloads: &[String],
    ) -> Result<(usize, Checkpoint), StoreError> {
        let inserted = self.insert_batch(keys, payloads)?;
        Ok((inserted, self.checkpoint()?))
    }

    /// Deletes the `n` oldest rows (a retention window) and checkpoints, so the
    /// table is back to its size before the last batch. Returns rows deleted.
    pub fn retire_oldest(&mut self, n: usize) -> Result<usize, StoreError> {
        let n = n.min(self.live.len());
        let tx = self
            .conn
            .transaction()
            .map_err(sql_err(&self.path, "begin"))?;
        let mut deleted = 0;
        {
            let mut delete = tx
                .prepare_cached("DELETE FROM events WHERE id = ?1")
                .map_err(sql_err(&self.path, "prepare delete"))?;
            for key in self.live.iter().take(n) {
                deleted += match self.kind {
                    KeyKind::Int => delete.execute(params![*key as i64]),
                    KeyKind::V4 | KeyKind::V7 => delete.execute(params![&key.to_be_bytes()[..]]),
                }
                .map_err(sql_err(&self.path, "delete"))?;
            }
        }
        tx.commit().map_err(sql_err(&self.path, "commit delete"))?;
        self.live.drain(..n);
        self.checkpoint()?;
        Ok(deleted)
    }

    /// Whether the table holds `key`.
    pub fn contains(&self, key: u128) -> Result<bool, StoreError> {
        let sql = "SELECT count(*) FROM events WHERE id = ?1";
        let count: i64 = match self.kind {
            KeyKind::Int => self.conn.query_row(sql, params![key as i64], |r| r.get(0)),
            KeyKind::V4 | KeyKind::V7 => {
                self.conn
                    .query_row(sql, params![&key.to_be_bytes()[..]], |r| r.get(0))
            }
        }
        .map_err(sql_err(&self.path, "look up a key"))?;
        Ok(count == 1)
    }

    /// Checkpoints, then measures the file and the B-tree.
    pub fn stats(&self) -> Result<StoreStats, StoreError> {
        self.checkpoint()?;
        let int = |sql: &str, action| {
            self.conn
                .query_row(sql, [], |r| r.get::<_, i64>(0))
                .map(|v| v.max(0) as u64)
                .map_err(sql_err(&self.path, action))
        };
        let rows = int("SELECT count(*) FROM events", "count rows")?;
        let page_count = int("PRAGMA page_count", "page_count")?;
        let freelist_count = int("PRAGMA freelist_count", "freelist_count")?;
        let db_bytes = std::fs::metadata(&self.path)
            .map_err(|source| StoreError::Io {
                path: self.path.clone(),
                source,
            })?
            .len();
        // A WITHOUT ROWID table's B-tree is listed under its own name.
        let leaf_fill = self
            .conn
            .query_row(
                "SELECT sum(pgsize - unused) * 1.0 / sum(pgsize) FROM dbstat
                 WHERE name = 'events' AND pagetype = 'leaf'",
                [],
                |r| r.get::<_, Option<f64>>(0),
            )
            .ok()
            .flatten();
        Ok(StoreStats {
            rows,
            db_bytes,
            page_count,
            freelist_count,
            leaf_fill,
        })
    }
}

/// Maps an SQLite error to one naming the file and what was being done.
fn sql_err(
    path: &Path,
    action: &'static str,
) -> impl FnOnce(rusqlite::Error) -> StoreError + use<> {
    let path = path.to_owned();
    move |source| StoreError::Sqlite {
        path,
        action,
        source,
    }
}

fn next_key(kind: KeyKind, next_int: &mut u64) -> u128 {
    match kind {
        KeyKind::V4 => Uuid::new_v4().as_u128(),
        KeyKind::V7 => Uuid::now_v7().as_u128(),
        KeyKind::Int => {
            let key = *next_int;
            *next_int += 1;
            u128::from(key)
        }
    }
}

fn bind_insert(
    insert: &mut rusqlite::Statement<'_>,
    kind: KeyKind,
    key: u128,
    payload: &str,
) -> rusqlite::Result<usize> {
    match kind {
        KeyKind::Int => insert.execute(params![key as i64, payload]),
        KeyKind::V4 | KeyKind::V7 => insert.execute(params![&key.to_be_bytes()[..], payload]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payloads(n: u64) -> Vec<String> {
        (0..n).map(payload::event_json).collect()
    }

    #[test]
    fn a_timed_batch_inserts_every_row_and_retiring_restores_the_size() {
        let dir = tempfile::tempdir().unwrap();
        for kind in KeyKind::ALL {
            let path = dir.path().join(format!("{kind}.db"));
            let mut store = EventStore::create(&path, kind, 3000).unwrap();
            assert_eq!(store.stats().unwrap().rows, 3000);
            let oldest = store.live[0];
            let mut keys = Vec::new();
            store.make_keys(1000, &mut keys);
            let (inserted, ck) = store.insert_durably(&keys, &payloads(1000)).unwrap();
            assert_eq!(inserted, 1000);
            assert!(
                ck.wal_frames > 0 && ck.checkpointed == ck.wal_frames,
                "{ck:?}"
            );
            assert_eq!(store.stats().unwrap().rows, 4000);
            assert!(keys.iter().all(|k| store.contains(*k).unwrap()), "{kind}");
            assert!(store.contains(oldest).unwrap());

            assert_eq!(store.retire_oldest(1000).unwrap(), 1000);
            let stats = store.stats().unwrap();
            assert_eq!((stats.rows, store.len()), (3000, 3000));
            assert!(!store.contains(oldest).unwrap(), "{kind}: oldest row kept");
            assert!(store.contains(keys[0]).unwrap());
            assert_eq!(stats.db_bytes, stats.page_count * u64::from(PAGE_SIZE));
        }
    }

    #[test]
    fn v7_and_int_keys_append_while_v4_keys_scatter() {
        let dir = tempfile::tempdir().unwrap();
        let (mut frames, mut fills, mut pages) = (Vec::new(), Vec::new(), Vec::new());
        for kind in KeyKind::ALL {
            let path = dir.path().join(format!("{kind}.db"));
            let mut store = EventStore::create(&path, kind, 20_000).unwrap();
            let mut keys = Vec::new();
            store.make_keys(1000, &mut keys);
            if kind != KeyKind::V4 {
                assert!(keys.windows(2).all(|w| w[0] < w[1]));
                assert!(keys[0] > *store.live.iter().take(20_000).max().unwrap());
            }
            let (_, ck) = store.insert_durably(&keys, &payloads(1000)).unwrap();
            frames.push(ck.wal_frames);
            let stats = store.stats().unwrap();
            // dbstat is compiled into the bundled SQLite.
            fills.push(stats.leaf_fill.expect("dbstat available"));
            pages.push(stats.page_count);
        }
        // Random inserts split pages that then stay part-empty; appends fill
        // them (rowid tables best: SQLite's quick balance for the right edge).
        // Measured: fill ~0.87 / 0.90 / 0.99, pages ~1040 / 1000 / 850.
        assert!(
            fills[0] < fills[1] && fills[1] < fills[2],
            "leaf fill v4/v7/int: {fills:?}"
        );
        assert!(fills[2] > 0.95, "leaf fill v4/v7/int: {fills:?}");
        assert!(
            pages[0] > pages[1] && pages[1] > pages[2],
            "pages v4/v7/int: {pages:?}"
        );
        // 1000 random keys into ~1000 leaves dirty hundreds of pages; appends ~50.
        assert!(frames[0] > 5 * frames[1], "WAL pages v4/v7/int: {frames:?}");
        assert!(frames[0] > 5 * frames[2], "WAL pages v4/v7/int: {frames:?}");
    }

    #[test]
    fn existing_files_and_bad_batches_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("taken.db");
        std::fs::write(&path, b"keep me").unwrap();
        let err = EventStore::create(&path, KeyKind::V4, 10).unwrap_err();
        assert!(err.to_string().contains("taken.db"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"keep me");

        let mut store = EventStore::create(&dir.path().join("ok.db"), KeyKind::V7, 10).unwrap();
        let err = store.insert_batch(&[1, 2], &payloads(1)).unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::BatchShape {
                    keys: 2,
                    payloads: 1
                }
            ),
            "{err}"
        );
        assert_eq!(store.stats().unwrap().rows, 10);
    }
}
