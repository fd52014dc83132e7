//! `report`: reads criterion output together with the build context that
//! produced it, keeps it as versioned run files, and renders terminal, markdown
//! and HTML reports and diffs. See ARCHITECTURE.md for the code map.
//!
//! Layers: parsing criterion's files and detecting the build context happen at
//! the edges; the domain (`model`) is plain data; statistics and rendering are
//! pure functions over it; `commands` does the I/O.

pub mod catalog;
pub mod cli;
pub mod commands;
pub mod compare;
pub mod context;
pub mod criterion;
pub mod diff;
pub mod export;
pub mod facts;
pub mod format;
pub mod gungraun;
pub mod history;
pub mod html;
pub mod ingest;
pub mod interference;
pub mod model;
pub mod order;
pub mod output;
pub mod python;
pub mod render;
pub mod runner;
pub mod safe_read;
pub mod sanitize;
pub mod stats;
pub mod store;
pub mod synth;
pub mod tables;
pub mod threads;
pub mod time;
pub mod values;
