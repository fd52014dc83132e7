//! Turning `report run`'s arguments into a plan before anything is built:
//! which bench crates (from `cargo metadata`), which cells, and which of
//! those cannot run here (toolchain or target not installed, target that
//! cannot run on this host, unknown target-cpu). Every problem is found and
//! reported at once, each with what *is* installed.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::cell::{self, CellSpec, ToolchainChoice};
use super::tools::{self, ToolError, Tools};

/// A workspace package with benchmark targets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchCrate {
    pub name: String,
    /// Its `[[bench]]` target names, passed as `--bench NAME` so that the
    /// library's libtest harness never sees criterion's flags.
    pub benches: Vec<String>,
}

/// What `cargo metadata --no-deps` says about the workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workspace {
    pub root: PathBuf,
    pub target_dir: PathBuf,
    pub bench_crates: Vec<BenchCrate>,
    /// Bench crates with an instruction-count harness
    /// (`[[bench]] name = "instructions"`, see `super::instructions`).
    pub instruction_crates: Vec<String>,
}

/// The package `report run` is part of; it has benchmarks of its own
/// (ingest/render speed) that are not part of the suite.
pub const SELF_PACKAGE: &str = "report";

impl Workspace {
    /// Parses `cargo metadata --no-deps --format-version 1`.
    pub fn from_metadata(json: &str) -> Result<Self, PlanError> {
        #[derive(Deserialize)]
        struct Metadata {
            packages: Vec<Package>,
            workspace_root: PathBuf,
            target_directory: PathBuf,
            #[serde(default)]
            workspace_members: Vec<String>,
        }
        #[derive(Deserialize)]
        struct Package {
            name: String,
            id: String,
            targets: Vec<Target>,
        }
        #[derive(Deserialize)]
        struct Target {
            name: String,
            kind: Vec<String>,
        }
        let meta: Metadata = serde_json::from_str(json)
            .map_err(|e| PlanError::Metadata(format!("unexpected `cargo metadata` output: {e}")))?;
        let mut instruction_crates = Vec::new();
        let mut bench_crates: Vec<BenchCrate> = meta
            .packages
            .into_iter()
            .filter(|p| p.name != SELF_PACKAGE)
            .filter(|p| meta.workspace_members.is_empty() || meta.workspace_members.contains(&p.id))
            .filter_map(|p| {
                let mut benches: Vec<String> = p
                    .targets
                    .into_iter()
                    .filter(|t| t.kind.iter().any(|k| k == "bench"))
                    .map(|t| t.name)
                    .collect();
                // The gungraun harness takes no criterion flags: it runs
                // only in `report run --instructions`.
                if let Some(i) = benches
                    .iter()
                    .position(|b| b == super::instructions::BENCH_TARGET)
                {
                    benches.remove(i);
                    instruction_crates.push(p.name.clone());
                }
                (!benches.is_empty()).then_some(BenchCrate {
                    name: p.name,
                    benches,
                })
            })
            .collect();
        bench_crates.sort_by(|a, b| a.name.cmp(&b.name));
        instruction_crates.sort();
        Ok(Self {
            root: meta.workspace_root,
            target_dir: meta.target_directory,
            bench_crates,
            instruction_crates,
        })
    }

    /// The crates `-p` names (in the given order), or all of them.
    pub fn select(&self, packages: &[String]) -> Result<Vec<BenchCrate>, PlanError> {
        if self.bench_crates.is_empty() {
            return Err(PlanError::NoBenchCrates {
                root: self.root.clone(),
            });
        }
        if packages.is_empty() {
            return Ok(self.bench_crates.clone());
        }
        let unknown: Vec<String> = packages
            .iter()
            .filter(|p| !self.bench_crates.iter().any(|c| &c.name == *p))
            .cloned()
            .collect();
        if !unknown.is_empty() {
            return Err(PlanError::UnknownPackages {
                names: unknown,
                valid: self.bench_crates.iter().map(|c| c.name.clone()).collect(),
            });
        }
        let mut selected: Vec<BenchCrate> = Vec::new();
        for p in packages {
            if !selected.iter().any(|c| &c.name == p) {
                selected.extend(self.bench_crates.iter().find(|c| &c.name == p).cloned());
            }
        }
        Ok(selected)
    }

    /// `target/report-run`: the parent of every cell's `CARGO_TARGET_DIR`.
    pub fn cells_dir(&self) -> PathBuf {
        self.target_dir.join("report-run")
    }
}

/// Why a cell cannot run here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    NoRustup {
        toolchain: String,
    },
    ToolchainMissing {
        toolchain: String,
        installed: Vec<String>,
    },
    TargetMissing {
        toolchain: String,
        target: String,
        installed: Vec<String>,
    },
    TargetCannotRun {
        target: String,
        host: String,
    },
    CpuUnknown {
        toolchain: String,
        target: String,
        cpu: String,
        known: Vec<String>,
    },
    /// A query that should have worked failed (its message is kept).
    Query(String),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |v: &[String]| {
            if v.is_empty() {
                "none".to_owned()
            } else {
                v.join(", ")
            }
        };
        match self {
            Self::NoRustup { toolchain } => write!(
                f,
                "toolchain '{toolchain}': rustup was not found, so only the current toolchain \
                 can be used (leave out --toolchain, or install rustup)"
            ),
            Self::ToolchainMissing {
                toolchain,
                installed,
            } => write!(
                f,
                "toolchain '{toolchain}' is not installed (installed: {}); \
                 `rustup toolchain install {toolchain}` adds it",
                list(installed)
            ),
            Self::TargetMissing {
                toolchain,
                target,
                installed,
            } => write!(
                f,
                "target '{target}' is not installed for toolchain '{toolchain}' (installed: {}); \
                 `rustup target add --toolchain {toolchain} {target}` adds it",
                list(installed)
            ),
            Self::TargetCannotRun { target, host } => write!(
                f,
                "target '{target}' cannot run on this {host} machine \
                 (set {} to an emulator to run it anyway)",
                tools::runner_env_var(target)
            ),
            Self::CpuUnknown {
                toolchain,
                target,
                cpu,
                known,
            } => write!(
                f,
                "target-cpu '{cpu}' is not known to toolchain '{toolchain}' for {target} \
                 (known: generic, {})",
                list(known)
            ),
            Self::Query(message) => f.write_str(message),
        }
    }
}

/// Errors that stop `report run` before anything is built.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("{0}")]
    Metadata(String),
    #[error("{0}")]
    Tool(#[from] ToolError),
    #[error("no benchmark crates (packages with [[bench]] targets) in the workspace at {root}")]
    NoBenchCrates { root: PathBuf },
    #[error(
        "unknown bench crate{} {} (expected one of: {})",
        if names.len() > 1 { "s" } else { "" },
        names.iter().map(|n| format!("'{n}'")).collect::<Vec<_>>().join(", "),
        valid.join(", ")
    )]
    UnknownPackages {
        names: Vec<String>,
        valid: Vec<String>,
    },
    #[error("{}", unavailable_message(problems, *runnable, *total, *keep_going))]
    Unavailable {
        problems: Vec<Problem>,
        runnable: usize,
        total: usize,
        keep_going: bool,
    },
}

fn unavailable_message(
    problems: &[Problem],
    runnable: usize,
    total: usize,
    keep_going: bool,
) -> String {
    let mut s = format!(
        "{} of {total} cell{} cannot run here; nothing was built:",
        total - runnable,
        if total == 1 { "" } else { "s" }
    );
    for p in problems {
        s.push_str("\n  - ");
        s.push_str(&p.to_string());
    }
    if runnable == 0 {
        s.push_str("\nno cell is left to run");
    } else if !keep_going {
        s.push_str(&format!(
            "\nuse --keep-going to skip {} and run the other {runnable}",
            if total - runnable == 1 { "it" } else { "them" }
        ));
    }
    s
}

/// What the user asked for (the matrix part of `RunArgs`).
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub toolchains: Vec<String>,
    pub target_cpus: Vec<String>,
    pub targets: Vec<String>,
    pub packages: Vec<String>,
    pub keep_going: bool,
}

/// A cell left out with `--keep-going`, and why.
#[derive(Debug, Clone)]
pub struct Skipped {
    pub cell: CellSpec,
    pub problems: Vec<Problem>,
}

/// The validated work: crates x runnable cells.
#[derive(Debug, Clone)]
pub struct Plan {
    pub workspace: Workspace,
    pub crates: Vec<BenchCrate>,
    pub host: String,
    /// Whether rustup is present (only then is `rustup_toolchain` recorded).
    pub rustup: bool,
    pub cells: Vec<CellSpec>,
    pub skipped: Vec<Skipped>,
}

/// Validates a request against the machine: metadata, crates, toolchains,
/// targets and target-cpus. `has_runner(target)` says whether a runner is
/// configured for a target that cannot run natively.
pub fn plan(
    tools: &dyn Tools,
    req: &Request,
    has_runner: &dyn Fn(&str) -> bool,
) -> Result<Plan, PlanError> {
    let metadata = tools.output("cargo", &["metadata", "--no-deps", "--format-version", "1"])?;
    let workspace = Workspace::from_metadata(&metadata)?;
    let crates = workspace.select(&req.packages)?;

    let host = tools::parse_host(&tools.output("rustc", &["-vV"])?)
        .ok_or_else(|| PlanError::Metadata("`rustc -vV` printed no `host:` line".into()))?;
    let (installed_toolchains, active) = rustup_toolchains(tools)?;
    let rustup = installed_toolchains.is_some();

    let choices = toolchain_choices(
        req,
        installed_toolchains.as_deref(),
        active.as_deref(),
        &host,
    );

    let toolchain_list: Vec<ToolchainChoice> = choices.iter().map(|(c, _)| c.clone()).collect();
    let all_cells = cell::expand(&toolchain_list, &req.target_cpus, &req.targets, &host);

    let mut targets_of: BTreeMap<String, Result<Vec<String>, Problem>> = BTreeMap::new();
    let mut cpus_of: BTreeMap<(String, String), Result<Vec<String>, Problem>> = BTreeMap::new();
    let mut cells = Vec::new();
    let mut skipped = Vec::new();
    for cell in all_cells {
        let mut problems = Vec::new();
        let toolchain_problem = choices
            .iter()
            .find(|(c, _)| c == &cell.toolchain)
            .and_then(|(_, p)| p.clone());
        if let Some(p) = toolchain_problem {
            problems.push(p);
        } else {
            if let Some(target) = &cell.target {
                let installed = targets_of
                    .entry(cell.toolchain.rustup_name().to_owned())
                    .or_insert_with(|| installed_targets(tools, &cell.toolchain, rustup, &host));
                match installed {
                    Err(p) => problems.push(p.clone()),
                    Ok(list) if !list.contains(target) => problems.push(Problem::TargetMissing {
                        toolchain: cell.toolchain.name.clone(),
                        target: target.clone(),
                        installed: list.clone(),
                    }),
                    Ok(_) => {}
                }
                if !tools::runs_natively(target, &host) && !has_runner(target) {
                    problems.push(Problem::TargetCannotRun {
                        target: target.clone(),
                        host: host.clone(),
                    });
                }
            }
            if let (Some(cpu), true) = (&cell.target_cpu, problems.is_empty()) {
                let known = cpus_of
                    .entry((cell.toolchain.rustup_name().to_owned(), cell.triple.clone()))
                    .or_insert_with(|| target_cpus(tools, &cell));
                match known {
                    Err(p) => problems.push(p.clone()),
                    Ok(list) if !list.contains(cpu) => problems.push(Problem::CpuUnknown {
                        toolchain: cell.toolchain.name.clone(),
                        target: cell.triple.clone(),
                        cpu: cpu.clone(),
                        known: list.clone(),
                    }),
                    Ok(_) => {}
                }
            }
        }
        if problems.is_empty() {
            cells.push(cell);
        } else {
            skipped.push(Skipped { cell, problems });
        }
    }

    if !skipped.is_empty() && (!req.keep_going || cells.is_empty()) {
        return Err(unavailable(&skipped, cells.len(), req.keep_going));
    }
    Ok(Plan {
        workspace,
        crates,
        host,
        rustup,
        cells,
        skipped,
    })
}

/// The toolchains rustup has installed and its active one; `None` without
/// rustup.
fn rustup_toolchains(
    tools: &dyn Tools,
) -> Result<(Option<Vec<String>>, Option<String>), ToolError> {
    let installed_toolchains = match tools.output("rustup", &["toolchain", "list"]) {
        Ok(out) => Some(tools::parse_toolchain_list(&out)),
        Err(ToolError::NotFound { .. }) => None,
        Err(e) => return Err(e),
    };
    let active = if installed_toolchains.is_some() {
        tools
            .output("rustup", &["show", "active-toolchain"])
            .ok()
            .and_then(|o| tools::parse_active_toolchain(&o))
    } else {
        None
    };
    Ok((installed_toolchains, active))
}

/// The requested toolchains (the current one when none is named), each
/// with the problem that rules it out (if any).
fn toolchain_choices(
    req: &Request,
    installed_toolchains: Option<&[String]>,
    active: Option<&str>,
    host: &str,
) -> Vec<(ToolchainChoice, Option<Problem>)> {
    let mut choices: Vec<(ToolchainChoice, Option<Problem>)> = Vec::new();
    if req.toolchains.is_empty() {
        choices.push((ToolchainChoice::current(active, host), None));
    }
    for name in &req.toolchains {
        let choice = ToolchainChoice::named(name, host);
        let problem = match installed_toolchains {
            None => Some(Problem::NoRustup {
                toolchain: name.clone(),
            }),
            Some(installed) => {
                let full = format!("{name}-{host}");
                (!installed.iter().any(|t| t == name || *t == full)).then(|| {
                    Problem::ToolchainMissing {
                        toolchain: name.clone(),
                        installed: installed.to_vec(),
                    }
                })
            }
        };
        if !choices.iter().any(|(c, _)| c == &choice) {
            choices.push((choice, problem));
        }
    }
    choices
}

/// The error for cells that cannot run: each distinct problem once.
fn unavailable(skipped: &[Skipped], runnable: usize, keep_going: bool) -> PlanError {
    let mut problems: Vec<Problem> = Vec::new();
    for p in skipped.iter().flat_map(|s| &s.problems) {
        if !problems.contains(p) {
            problems.push(p.clone());
        }
    }
    PlanError::Unavailable {
        problems,
        runnable,
        total: runnable + skipped.len(),
        keep_going,
    }
}

/// `+NAME` for rustup proxies, when the cell names a toolchain.
pub fn plus_arg(toolchain: &ToolchainChoice) -> Option<String> {
    toolchain.plus.as_ref().map(|t| format!("+{t}"))
}

fn installed_targets(
    tools: &dyn Tools,
    toolchain: &ToolchainChoice,
    rustup: bool,
    host: &str,
) -> Result<Vec<String>, Problem> {
    if rustup {
        let out = tools
            .output(
                "rustup",
                &[
                    "target",
                    "list",
                    "--installed",
                    "--toolchain",
                    toolchain.rustup_name(),
                ],
            )
            .map_err(|e| Problem::Query(e.to_string()))?;
        return Ok(tools::parse_target_list(&out));
    }
    // Without rustup: a target's std is installed when the sysroot has it.
    let sysroot = tools
        .output("rustc", &["--print", "sysroot"])
        .map_err(|e| Problem::Query(e.to_string()))?;
    let mut found = tools.sysroot_targets(Path::new(sysroot.trim()));
    if !found.iter().any(|t| t == host) {
        found.push(host.to_owned());
    }
    found.sort();
    Ok(found)
}

fn target_cpus(tools: &dyn Tools, cell: &CellSpec) -> Result<Vec<String>, Problem> {
    let plus = plus_arg(&cell.toolchain);
    let mut args: Vec<&str> = plus.iter().map(String::as_str).collect();
    args.extend(["--print", "target-cpus"]);
    if let Some(t) = &cell.target {
        args.extend(["--target", t]);
    }
    let out = tools
        .output("rustc", &args)
        .map_err(|e| Problem::Query(e.to_string()))?;
    Ok(tools::parse_target_cpus(&out))
}
