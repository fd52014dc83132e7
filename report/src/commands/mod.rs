//! One handler per subcommand: validate the arguments into a config, do the
//! file and process I/O, and call the pure library code. Each returns the exit
//! code (for example `diff --fail-on-regression` returns 1 on a regression).

pub mod compare;
pub mod diff;
pub mod export;
pub mod html;
pub mod ingest;
pub mod markdown;
pub mod run;
pub mod summary;

use std::path::Path;

use crate::tables::{self, TableSpec, TablesError};

/// Largest `--tables` file read (the built-in one is a few KiB).
const MAX_TABLES_BYTES: u64 = 16 << 20;

/// The doc-shaped table specs: the built-in ones, or those of a `--tables`
/// file, read here and checked by the pure [`tables::parse_specs`].
pub fn table_specs(path: Option<&Path>) -> Result<Vec<TableSpec>, TablesError> {
    let Some(path) = path else {
        return Ok(tables::builtin_specs());
    };
    // Regular files of sane size only, as every input (`safe_read`).
    let bytes = crate::safe_read::read_regular(
        path,
        MAX_TABLES_BYTES,
        crate::safe_read::Links::Follow,
        "a tables file",
    )
    .map_err(|e| TablesError::Io {
        path: path.to_owned(),
        source: std::io::Error::other(e.to_string()),
    })?;
    let text = String::from_utf8(bytes).map_err(|e| TablesError::Io {
        path: path.to_owned(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
    })?;
    tables::parse_specs(&text, path)
}
