//! `report diff` (being built; see its issue).

use std::process::ExitCode;

use crate::cli::DiffArgs;

pub fn run(_args: &DiffArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("'report diff' is not implemented yet")
}
