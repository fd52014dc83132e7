//! `report run` (being built; see its issue).

use std::process::ExitCode;

use crate::cli::RunArgs;

pub fn run(_args: &RunArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("'report run' is not implemented yet")
}
