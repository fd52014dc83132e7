//! The questions `report run` asks rustup, rustc and cargo before building
//! anything, behind one small trait so validation can be tested with canned
//! outputs instead of the machine's real toolchains.

use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Why a tool's answer could not be had.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ToolError {
    /// The program is not on PATH (e.g. no rustup on this machine).
    #[error("`{program}` was not found on PATH")]
    NotFound { program: String },
    /// It ran and failed.
    #[error("`{command}` failed ({status}): {stderr}")]
    Failed {
        command: String,
        status: String,
        stderr: String,
    },
    /// It could not be started for another reason.
    #[error("`{command}` could not be started: {reason}")]
    Spawn { command: String, reason: String },
}

/// Runs a query command and returns what it printed on stdout.
pub trait Tools {
    fn output(&self, program: &str, args: &[&str]) -> Result<String, ToolError>;

    /// The targets whose std a sysroot without rustup has: the folders of
    /// `<sysroot>/lib/rustlib` that hold a `lib/` folder. Unreadable = none.
    fn sysroot_targets(&self, sysroot: &Path) -> Vec<String> {
        let rustlib = sysroot.join("lib").join("rustlib");
        std::fs::read_dir(&rustlib)
            .map(|rd| {
                rd.filter_map(Result::ok)
                    .filter(|e| e.path().join("lib").is_dir())
                    .filter_map(|e| e.file_name().into_string().ok())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// The real programs on PATH, run in `cwd` (so toolchain override files and
/// the workspace are the ones the user is in).
#[derive(Debug, Clone)]
pub struct SystemTools {
    pub cwd: PathBuf,
}

impl Tools for SystemTools {
    fn output(&self, program: &str, args: &[&str]) -> Result<String, ToolError> {
        let command = std::iter::once(program)
            .chain(args.iter().copied())
            .collect::<Vec<_>>()
            .join(" ");
        let out = Command::new(program)
            .args(args)
            .current_dir(&self.cwd)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| match e.kind() {
                io::ErrorKind::NotFound => ToolError::NotFound {
                    program: program.to_owned(),
                },
                _ => ToolError::Spawn {
                    command: command.clone(),
                    reason: e.to_string(),
                },
            })?;
        if !out.status.success() {
            return Err(ToolError::Failed {
                command,
                status: out.status.to_string(),
                stderr: String::from_utf8_lossy(&out.stderr).trim().to_owned(),
            });
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

/// `rustup toolchain list`: one name per line, followed by markers such as
/// `(default)` or `(active, default)`.
pub fn parse_toolchain_list(out: &str) -> Vec<String> {
    out.lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|n| *n != "no" && !n.starts_with('('))
        .map(str::to_owned)
        .collect()
}

/// `rustup show active-toolchain`: `stable-x86_64-unknown-linux-gnu (default)`.
pub fn parse_active_toolchain(out: &str) -> Option<String> {
    out.lines()
        .next()
        .and_then(|l| l.split_whitespace().next())
        .map(str::to_owned)
}

/// `rustc -vV`: the `host:` line.
pub fn parse_host(out: &str) -> Option<String> {
    out.lines()
        .find_map(|l| l.strip_prefix("host:"))
        .map(|h| h.trim().to_owned())
}

/// `rustc --print target-cpus`: a heading, then one CPU per line
/// (`    native   - Select the CPU of the current host (currently znver3).`).
pub fn parse_target_cpus(out: &str) -> Vec<String> {
    out.lines()
        .filter(|l| l.starts_with(char::is_whitespace))
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

/// `rustup target list --installed`: one triple per line.
pub fn parse_target_list(out: &str) -> Vec<String> {
    out.lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

/// Whether code built for `target` runs on `host` without an emulator: the
/// same triple apart from the C library or vendor, or 32-bit x86 on x86_64
/// (same OS). Anything else needs `CARGO_TARGET_<TRIPLE>_RUNNER`.
pub fn runs_natively(target: &str, host: &str) -> bool {
    fn split(t: &str) -> (&str, &str) {
        let mut parts = t.split('-');
        let arch = parts.next().unwrap_or("");
        // The OS is the third part of arch-vendor-os[-env] (or the second
        // for two-part triples such as `wasm32-wasip1`).
        let rest: Vec<&str> = parts.collect();
        let os = match rest.len() {
            0 => "",
            1 => rest[0],
            _ => rest[1],
        };
        (arch, os)
    }
    let (t_arch, t_os) = split(target);
    let (h_arch, h_os) = split(host);
    if t_os != h_os {
        return false;
    }
    t_arch == h_arch || (h_arch == "x86_64" && matches!(t_arch, "i686" | "i586"))
}

/// The environment variable cargo reads for a target's runner.
pub fn runner_env_var(target: &str) -> String {
    format!(
        "CARGO_TARGET_{}_RUNNER",
        target.to_ascii_uppercase().replace(['-', '.'], "_")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rustup_and_rustc_outputs() {
        let list = "stable-x86_64-unknown-linux-gnu (active, default)\n\
                    nightly-x86_64-unknown-linux-gnu\n1.89.0-x86_64-unknown-linux-gnu\n";
        assert_eq!(
            parse_toolchain_list(list),
            [
                "stable-x86_64-unknown-linux-gnu",
                "nightly-x86_64-unknown-linux-gnu",
                "1.89.0-x86_64-unknown-linux-gnu"
            ]
        );
        assert!(parse_toolchain_list("no installed toolchains\n").is_empty());
        assert_eq!(
            parse_active_toolchain("stable-x86_64-unknown-linux-gnu (default)\n").as_deref(),
            Some("stable-x86_64-unknown-linux-gnu")
        );
        let vv = "rustc 1.95.0 (abc 2026-01-01)\nbinary: rustc\nhost: x86_64-unknown-linux-gnu\n";
        assert_eq!(parse_host(vv).as_deref(), Some("x86_64-unknown-linux-gnu"));
        let cpus = "Available CPUs for this target:\n    native    - Select the CPU of the current host (currently znver3).\n    alderlake\n    x86-64-v3\n\n";
        assert_eq!(
            parse_target_cpus(cpus),
            ["native", "alderlake", "x86-64-v3"]
        );
    }

    #[test]
    fn which_targets_run_here() {
        let host = "x86_64-unknown-linux-gnu";
        assert!(runs_natively("x86_64-unknown-linux-musl", host));
        assert!(runs_natively("i686-unknown-linux-gnu", host));
        assert!(!runs_natively("aarch64-unknown-linux-gnu", host));
        assert!(!runs_natively("x86_64-pc-windows-msvc", host));
        assert!(!runs_natively("wasm32-wasip1", host));
        assert!(runs_natively(
            "aarch64-apple-darwin",
            "aarch64-apple-darwin"
        ));
        assert_eq!(
            runner_env_var("aarch64-unknown-linux-gnu"),
            "CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER"
        );
    }
}
