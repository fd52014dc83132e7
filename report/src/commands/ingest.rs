//! `report ingest` (being built; see its issue).

use std::process::ExitCode;

use crate::cli::IngestArgs;

pub fn run(_args: &IngestArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("'report ingest' is not implemented yet")
}
