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

/// The doc-shaped table specs: the built-in ones, or those of a `--tables`
/// file, read here and checked by the pure [`tables::parse_specs`].
pub fn table_specs(path: Option<&Path>) -> Result<Vec<TableSpec>, TablesError> {
    let Some(path) = path else {
        return Ok(tables::builtin_specs());
    };
    let text = std::fs::read_to_string(path).map_err(|source| TablesError::Io {
        path: path.to_owned(),
        source,
    })?;
    tables::parse_specs(&text, path)
}
