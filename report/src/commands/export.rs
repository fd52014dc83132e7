//! `report export` (being built; see its issue).

use std::process::ExitCode;

use crate::cli::ExportArgs;

pub fn run(_args: &ExportArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("'report export' is not implemented yet")
}
