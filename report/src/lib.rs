//! `report`: reads criterion output together with the build context that
//! produced it, keeps it as versioned run files, and renders terminal, markdown
//! and HTML reports and diffs. See ARCHITECTURE.md for the code map.
//!
//! Layers: parsing criterion's files and detecting the build context happen at
//! the edges; the domain (`model`) is plain data; statistics and rendering are
//! pure functions over it; `commands` does the I/O.

pub mod cli;
pub mod commands;
pub mod model;
