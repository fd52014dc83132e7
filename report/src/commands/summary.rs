//! `report summary` (being built; see its issue).

use std::process::ExitCode;

use crate::cli::SummaryArgs;

pub fn run(_args: &SummaryArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("'report summary' is not implemented yet")
}
