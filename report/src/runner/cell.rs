//! Cells: one toolchain x target-cpu x target triple combination, the unit
//! `report run` builds, measures and writes one run file for.
//!
//! A cell owns a directory `target/report-run/<slug>/` used as its
//! `CARGO_TARGET_DIR`, so two cells never share build artefacts or criterion
//! data. The slug and the label are derived only from the cell's three
//! coordinates, so the same cell maps to the same directory in every
//! invocation (criterion's change report then compares like with like).

use std::fmt;

/// The toolchain of a cell as the user chose it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolchainChoice {
    /// Passed to cargo as `+NAME`; `None` = the current toolchain (no `+`).
    pub plus: Option<String>,
    /// Name recorded in the run and shown: the rustup name without the host
    /// suffix (`stable`, `1.89.0`), or `current` when rustup is absent.
    pub name: String,
}

impl ToolchainChoice {
    /// The current toolchain, named after `rustup show active-toolchain`
    /// (`None` when rustup is absent).
    pub fn current(active: Option<&str>, host: &str) -> Self {
        Self {
            plus: None,
            name: active.map_or_else(|| "current".to_owned(), |a| short_toolchain_name(a, host)),
        }
    }

    /// A toolchain named with `--toolchain`.
    pub fn named(name: &str, host: &str) -> Self {
        Self {
            plus: Some(name.to_owned()),
            name: short_toolchain_name(name, host),
        }
    }

    /// The rustup name to ask rustup about (`rustup target list --toolchain`).
    pub fn rustup_name(&self) -> &str {
        self.plus.as_deref().unwrap_or(&self.name)
    }
}

/// `stable-x86_64-unknown-linux-gnu` -> `stable` on that host; other names
/// (custom linked toolchains, other hosts) are kept as they are.
pub fn short_toolchain_name(name: &str, host: &str) -> String {
    name.strip_suffix(host)
        .and_then(|n| n.strip_suffix('-'))
        .filter(|n| !n.is_empty())
        .unwrap_or(name)
        .to_owned()
}

/// One toolchain x target-cpu x target triple combination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellSpec {
    pub toolchain: ToolchainChoice,
    /// `--target TRIPLE`; `None` = the host (no `--target`, so build scripts
    /// and the benchmarks are built exactly as a plain `cargo bench` would).
    pub target: Option<String>,
    /// Triple the benchmarks are compiled for (the host when `target` is `None`).
    pub triple: String,
    /// `-C target-cpu`; `None` = generic (no flag: rustc's default for the target).
    pub target_cpu: Option<String>,
}

impl CellSpec {
    /// `generic` when no `-C target-cpu` is given.
    pub fn cpu_name(&self) -> &str {
        self.target_cpu.as_deref().unwrap_or("generic")
    }

    /// File-system-safe name of the cell's directory under `target/report-run/`:
    /// `<toolchain>-<triple>-<cpu>`, e.g. `stable-x86_64-unknown-linux-gnu-native`.
    pub fn slug(&self) -> String {
        let raw = format!(
            "{}-{}-{}",
            self.toolchain.name,
            self.triple,
            self.cpu_name()
        );
        let mut out = String::with_capacity(raw.len());
        for c in raw.chars() {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_' {
                out.push(c);
            } else if !out.ends_with('_') {
                out.push('_');
            }
        }
        out.trim_start_matches('.').to_owned()
    }

    /// Run label: the optional `--label` prefix, then the cell
    /// (`nightly x86_64-unknown-linux-gnu native`).
    pub fn label(&self, prefix: Option<&str>) -> String {
        match prefix.map(str::trim).filter(|p| !p.is_empty()) {
            Some(p) => format!("{p} {self}"),
            None => self.to_string(),
        }
    }
}

impl fmt::Display for CellSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {}",
            self.toolchain.name,
            self.triple,
            self.cpu_name()
        )
    }
}

/// Expands the matrix in the order toolchain x target-cpu x target, dropping
/// repeated cells (a target equal to the host is the host cell; `generic`
/// means no target-cpu flag). Empty lists mean the defaults: the current
/// toolchain must be given by the caller; no target = host; no cpu = generic.
pub fn expand(
    toolchains: &[ToolchainChoice],
    target_cpus: &[String],
    targets: &[String],
    host: &str,
) -> Vec<CellSpec> {
    let cpus: Vec<Option<String>> = if target_cpus.is_empty() {
        vec![None]
    } else {
        target_cpus
            .iter()
            .map(|c| Some(c.trim().to_owned()).filter(|c| c != "generic" && !c.is_empty()))
            .collect()
    };
    let triples: Vec<Option<String>> = if targets.is_empty() {
        vec![None]
    } else {
        targets
            .iter()
            .map(|t| Some(t.trim().to_owned()).filter(|t| t != host && !t.is_empty()))
            .collect()
    };
    let mut cells: Vec<CellSpec> = Vec::new();
    for toolchain in toolchains {
        for cpu in &cpus {
            for target in &triples {
                let cell = CellSpec {
                    toolchain: toolchain.clone(),
                    triple: target.clone().unwrap_or_else(|| host.to_owned()),
                    target: target.clone(),
                    target_cpu: cpu.clone(),
                };
                // Two spellings of one toolchain (`stable` and the current
                // one when it is stable) are still two cells: `+stable`
                // may differ from the directory override in effect.
                if !cells.contains(&cell) {
                    cells.push(cell);
                }
            }
        }
    }
    cells
}

/// The user's own compiler flags, read once from the environment; a cell's
/// `-C target-cpu` is appended to them, never replacing them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum UserFlags {
    #[default]
    None,
    /// `RUSTFLAGS` (space-separated).
    Rustflags(String),
    /// `CARGO_ENCODED_RUSTFLAGS` (0x1f-separated); cargo ignores `RUSTFLAGS` when set.
    Encoded(String),
}

impl UserFlags {
    pub fn from_env() -> Self {
        match std::env::var("CARGO_ENCODED_RUSTFLAGS") {
            Ok(v) if !v.is_empty() => return Self::Encoded(v),
            _ => {}
        }
        match std::env::var("RUSTFLAGS") {
            Ok(v) if !v.trim().is_empty() => Self::Rustflags(v),
            _ => Self::None,
        }
    }

    /// The environment variable and value a cell's cargo gets, or `None`
    /// when there is nothing to set (generic cell, no user flags).
    pub fn for_cell(&self, cell: &CellSpec) -> Option<(&'static str, String)> {
        let cpu = cell
            .target_cpu
            .as_deref()
            .map(|c| format!("target-cpu={c}"));
        match (self, cpu) {
            (Self::None, None) => None,
            (Self::None, Some(cpu)) => Some(("RUSTFLAGS", format!("-C {cpu}"))),
            (Self::Rustflags(f), None) => Some(("RUSTFLAGS", f.clone())),
            (Self::Rustflags(f), Some(cpu)) => {
                Some(("RUSTFLAGS", format!("{} -C {cpu}", f.trim_end())))
            }
            (Self::Encoded(f), None) => Some(("CARGO_ENCODED_RUSTFLAGS", f.clone())),
            (Self::Encoded(f), Some(cpu)) => {
                Some(("CARGO_ENCODED_RUSTFLAGS", format!("{f}\x1f-C\x1f{cpu}")))
            }
        }
    }

    /// The flags in effect for a cell as one readable string (recorded in the
    /// run's build context); `None` when there are none.
    pub fn effective(&self, cell: &CellSpec) -> Option<String> {
        self.for_cell(cell).map(|(_, v)| v.replace('\x1f', " "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOST: &str = "x86_64-unknown-linux-gnu";

    #[test]
    fn short_names_drop_only_the_host_suffix() {
        assert_eq!(
            short_toolchain_name("stable-x86_64-unknown-linux-gnu", HOST),
            "stable"
        );
        assert_eq!(
            short_toolchain_name("1.89.0-x86_64-unknown-linux-gnu", HOST),
            "1.89.0"
        );
        assert_eq!(short_toolchain_name("nightly", HOST), "nightly");
        assert_eq!(
            short_toolchain_name("stable-aarch64-apple-darwin", HOST),
            "stable-aarch64-apple-darwin"
        );
        assert_eq!(short_toolchain_name(HOST, HOST), HOST);
    }

    #[test]
    fn rustflags_append_target_cpu_to_the_users_flags() {
        let cell = |cpu: Option<&str>| CellSpec {
            toolchain: ToolchainChoice::current(Some("stable"), HOST),
            target: None,
            triple: HOST.into(),
            target_cpu: cpu.map(Into::into),
        };
        assert_eq!(UserFlags::None.for_cell(&cell(None)), None);
        assert_eq!(
            UserFlags::None.for_cell(&cell(Some("native"))),
            Some(("RUSTFLAGS", "-C target-cpu=native".into()))
        );
        let user = UserFlags::Rustflags("-C force-frame-pointers=yes ".into());
        assert_eq!(
            user.for_cell(&cell(Some("x86-64-v3"))),
            Some((
                "RUSTFLAGS",
                "-C force-frame-pointers=yes -C target-cpu=x86-64-v3".into()
            ))
        );
        assert_eq!(
            user.for_cell(&cell(None)),
            Some(("RUSTFLAGS", "-C force-frame-pointers=yes ".into()))
        );
        let encoded = UserFlags::Encoded("-Cdebuginfo=1".into());
        assert_eq!(
            encoded.for_cell(&cell(Some("native"))),
            Some((
                "CARGO_ENCODED_RUSTFLAGS",
                "-Cdebuginfo=1\x1f-C\x1ftarget-cpu=native".into()
            ))
        );
        assert_eq!(
            encoded.effective(&cell(Some("native"))).as_deref(),
            Some("-Cdebuginfo=1 -C target-cpu=native")
        );
    }
}
