//! `report html` (being built; see its issue).

use std::process::ExitCode;

use crate::cli::HtmlArgs;

pub fn run(_args: &HtmlArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("'report html' is not implemented yet")
}
