//! The toolchain and target CPU: `rustc -vV` and `-C target-cpu=` in RUSTFLAGS.

use super::process::command_stdout;
use crate::model::Toolchain;

pub(super) fn rustc_verbose_version(rustup_toolchain: Option<&str>) -> Option<String> {
    match rustup_toolchain {
        Some(tc) => command_stdout("rustup", &["run", tc, "rustc", "-vV"]),
        None => command_stdout("rustc", &["-vV"]),
    }
}

/// Parses the output of `rustc -vV`.
pub fn parse_rustc_vv(text: &str) -> Toolchain {
    let mut tc = Toolchain::default();
    for line in text.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if value.is_empty() || value == "unknown" {
            continue;
        }
        let slot = match key.trim() {
            "release" => &mut tc.release,
            "commit-hash" => &mut tc.commit_hash,
            "commit-date" => &mut tc.commit_date,
            "host" => &mut tc.host,
            "LLVM version" => &mut tc.llvm_version,
            _ => continue,
        };
        *slot = Some(value.to_owned());
    }
    tc
}

/// The last `-C target-cpu=` in a RUSTFLAGS string (the one rustc obeys).
pub fn target_cpu_from_rustflags(flags: &str) -> Option<String> {
    let mut found = None;
    let mut tokens = flags.split_whitespace();
    while let Some(token) = tokens.next() {
        let codegen = if token == "-C" || token == "--codegen" {
            tokens.next()
        } else if let Some(rest) = token.strip_prefix("-C") {
            Some(rest)
        } else {
            token.strip_prefix("--codegen=")
        };
        if let Some(cpu) = codegen.and_then(|c| c.strip_prefix("target-cpu=")) {
            found = Some(cpu.to_owned());
        }
    }
    found.filter(|c| !c.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    const RUSTC_VV: &str = "rustc 1.95.0 (59807616e 2026-04-14)\n\
        binary: rustc\n\
        commit-hash: 59807616e1fa2540724bfbac14d7976d7e4a3860\n\
        commit-date: 2026-04-14\n\
        host: x86_64-unknown-linux-gnu\n\
        release: 1.95.0\n\
        LLVM version: 22.1.2\n";

    #[test]
    fn rustc_vv_is_parsed_field_by_field() {
        let tc = parse_rustc_vv(RUSTC_VV);
        assert_eq!(tc.release.as_deref(), Some("1.95.0"));
        assert_eq!(
            tc.commit_hash.as_deref(),
            Some("59807616e1fa2540724bfbac14d7976d7e4a3860")
        );
        assert_eq!(tc.commit_date.as_deref(), Some("2026-04-14"));
        assert_eq!(tc.host.as_deref(), Some("x86_64-unknown-linux-gnu"));
        assert_eq!(tc.llvm_version.as_deref(), Some("22.1.2"));
        assert_eq!(tc.rustup_toolchain, None);
    }

    #[test]
    fn rustc_vv_unknown_fields_stay_none() {
        // A locally built rustc prints `unknown` and may omit LLVM.
        let tc = parse_rustc_vv("rustc 1.97.0-dev\ncommit-hash: unknown\nrelease: 1.97.0-dev\n");
        assert_eq!(tc.release.as_deref(), Some("1.97.0-dev"));
        assert_eq!(tc.commit_hash, None);
        assert_eq!(tc.llvm_version, None);
        assert_eq!(parse_rustc_vv(""), Toolchain::default());
    }

    #[test]
    fn target_cpu_is_the_last_one_in_any_spelling() {
        assert_eq!(
            target_cpu_from_rustflags("-C target-cpu=native").as_deref(),
            Some("native")
        );
        assert_eq!(
            target_cpu_from_rustflags("-Ctarget-cpu=x86-64-v3 -C opt-level=3").as_deref(),
            Some("x86-64-v3")
        );
        assert_eq!(
            target_cpu_from_rustflags("-C target-cpu=a --codegen target-cpu=b").as_deref(),
            Some("b")
        );
        assert_eq!(target_cpu_from_rustflags("-C opt-level=3"), None);
        assert_eq!(target_cpu_from_rustflags("-C"), None);
        assert_eq!(target_cpu_from_rustflags(""), None);
    }
}
