//! UUID4 vs UUID7 generation and what time-ordered keys do to a database index.
//!
//! The Rust counterpart of the "UUID7 Support" section of the Python 3.14
//! guide. Workloads live here, unit-tested; `benches/uuid.rs` times them.
//!
//! - [`v7`]: our own RFC 9562 v7 generator (thread-local, counter method).
//! - [`generate`]: batch generation through each API under test.
//! - [`text`]: hyphenated formatting, parsing, v7 timestamp extraction.
//! - [`btree`]: the in-memory index analogue (`BTreeMap` insert).
//! - [`sqlite`]: SQLite tables keyed by v4, v7 or integers.
//! - [`payload`]: the event rows stored in them.

pub mod btree;
pub mod generate;
pub mod payload;
pub mod sqlite;
pub mod text;
pub mod v7;
