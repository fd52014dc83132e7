//! Running the commands that report build facts (`rustc`, `git`, `sysctl`,
//! `sw_vers`, `uname`): stdout when they succeed, nothing otherwise.

use std::process::{Command, Stdio};

/// Runs a command and returns its stdout when it succeeded.
pub(super) fn command_stdout(program: &str, args: &[&str]) -> Option<String> {
    let output = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    String::from_utf8(output.stdout).ok()
}
