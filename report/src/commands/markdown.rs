//! `report markdown` (being built; see its issue).

use std::process::ExitCode;

use crate::cli::MarkdownArgs;

pub fn run(_args: &MarkdownArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("'report markdown' is not implemented yet")
}
