//! Integration tests of report, in one binary (one link instead of one per
//! file) with shared helpers in `util`: one module per area — ingest,
//! render, html, diff, run, compare, the hostile-input checks, the Python
//! and gungraun inputs — plus `catalog` (the bench-crate contract) and
//! `tidy` (the invariants about the source text).
//!
//! Fixtures are in `report/tests/fixtures`, insta snapshots in
//! `report/tests/snapshots` (see `util::snapshot_settings`).

mod catalog;
#[cfg(unix)]
mod compare;
mod diff;
mod gungraun;
mod gungraun_compress_more;
mod hostile;
mod html;
mod html_more;
mod ingest;
mod instruction_ids;
mod instruction_tables_more;
mod interference;
mod python;
mod render;
mod run;
mod tidy;
mod util;
