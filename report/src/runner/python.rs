//! `report run --python <interpreter>[,...]`: the Python suite
//! (`scripts/benchmark_py314.py`) run on each interpreter after the Rust
//! cells, each result ingested as a run whose cell is the interpreter
//! (`crate::python`), so one report holds both languages.
//!
//! Interpreters are checked before anything is built (the interpreter starts
//! and the script exists); a Python cell that fails is reported like a failed
//! Rust cell and writes no run file. The script's stdout and stderr go to
//! `<cells dir>/python-<slug>.log`, its results to `python-<slug>.json`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, bail};

use crate::model::Run;

/// The script, relative to the workspace root.
pub const SCRIPT: &str = "scripts/benchmark_py314.py";

/// Iterations per benchmark: the guide's 20; `--quick` takes the fewest that
/// give a standard deviation.
pub fn iterations(explicit: Option<u32>, quick: bool) -> u32 {
    explicit.unwrap_or(if quick { 3 } else { 20 })
}

/// One interpreter to run the script with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PythonCell {
    /// As given: a command on PATH (`python3.14t`) or a path.
    pub interpreter: String,
}

impl PythonCell {
    /// File-name-safe form of the interpreter (`python3.14t`, `usr_bin_python3`).
    pub fn slug(&self) -> String {
        let slug: String = self
            .interpreter
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        slug.trim_matches(|c| c == '_' || c == '.').to_owned()
    }
}

/// The cells for `--python`, each checked: the interpreter runs and the
/// script is in the workspace. Errors name the interpreter.
pub fn plan(interpreters: &[String], workspace_root: &Path) -> anyhow::Result<Vec<PythonCell>> {
    if interpreters.is_empty() {
        return Ok(Vec::new());
    }
    let script = workspace_root.join(SCRIPT);
    if !script.is_file() {
        bail!(
            "--python: {} not found (run report from the workspace)",
            script.display()
        );
    }
    let mut cells = Vec::new();
    for interpreter in interpreters {
        if interpreter.trim().is_empty() {
            bail!("--python: an empty interpreter name was given");
        }
        let probe = Command::new(interpreter)
            .args(["-c", "import sys; assert sys.version_info >= (3, 9)"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        match probe {
            Ok(status) if status.success() => {}
            Ok(status) => bail!(
                "--python {interpreter}: the interpreter exited with {status} \
                 (Python 3.9 or newer is needed)"
            ),
            Err(e) => bail!("--python {interpreter}: cannot start it: {e}"),
        }
        let cell = PythonCell {
            interpreter: interpreter.clone(),
        };
        if !cells.contains(&cell) {
            cells.push(cell);
        }
    }
    Ok(cells)
}

/// Where one Python cell writes.
#[derive(Debug, Clone)]
pub struct PythonPaths {
    pub output: PathBuf,
    pub log: PathBuf,
}

impl PythonCell {
    pub fn paths(&self, cells_dir: &Path) -> PythonPaths {
        let slug = self.slug();
        PythonPaths {
            output: cells_dir.join(format!("python-{slug}.json")),
            log: cells_dir.join(format!("python-{slug}.log")),
        }
    }

    /// Runs the script and ingests its output; `label` prefixes the
    /// interpreter's cell name when given.
    pub fn run(
        &self,
        workspace_root: &Path,
        cells_dir: &Path,
        iterations: u32,
        label: Option<&str>,
    ) -> anyhow::Result<Run> {
        fs::create_dir_all(cells_dir)
            .with_context(|| format!("creating {}", cells_dir.display()))?;
        let paths = self.paths(cells_dir);
        // A result left by an earlier invocation must not be taken for this one's.
        match fs::remove_file(&paths.output) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(e).with_context(|| format!("removing {}", paths.output.display()));
            }
            _ => {}
        }
        let log = fs::File::create(&paths.log)
            .with_context(|| format!("creating {}", paths.log.display()))?;
        let status = Command::new(&self.interpreter)
            .arg(workspace_root.join(SCRIPT))
            .arg("--iterations")
            .arg(iterations.to_string())
            .arg("--output")
            .arg(&paths.output)
            .current_dir(workspace_root)
            .stdin(Stdio::null())
            .stdout(log.try_clone().context("duplicating the log file")?)
            .stderr(log)
            .status()
            .with_context(|| format!("starting {}", self.interpreter))?;
        if !status.success() {
            bail!(
                "{} {SCRIPT} exited with {status} (log: {})",
                self.interpreter,
                paths.log.display()
            );
        }
        let mut run = crate::python::read(&paths.output, None)?;
        if let Some(prefix) = label {
            run.label = format!("{prefix} {}", run.label);
        }
        Ok(run)
    }
}

/// What every Python cell of one `report run` shares.
#[derive(Debug, Clone, Copy)]
pub struct Invocation<'a> {
    pub workspace_root: &'a Path,
    pub cells_dir: &'a Path,
    pub iterations: u32,
    /// `--label`: prefixes each run's label.
    pub label: Option<&'a str>,
    pub keep_going: bool,
}

/// Runs every cell in turn (after the Rust cells), writing each run with
/// `write` as it finishes. A failure goes to `failures` and, without
/// `--keep-going`, stops the rest; Ctrl-C stops before the next cell.
pub fn run_all(
    cells: &[PythonCell],
    invocation: &Invocation<'_>,
    write: &dyn Fn(&Run) -> anyhow::Result<PathBuf>,
    failures: &mut Vec<String>,
) -> Vec<(PathBuf, Run)> {
    let mut written = Vec::new();
    for cell in cells {
        if super::interrupt::interrupted() {
            break;
        }
        eprintln!(
            "python cell {}: {SCRIPT} --iterations {}",
            cell.interpreter, invocation.iterations
        );
        let result = cell
            .run(
                invocation.workspace_root,
                invocation.cells_dir,
                invocation.iterations,
                invocation.label,
            )
            .and_then(|run| Ok((write(&run)?, run)));
        match result {
            Ok((path, run)) => {
                eprintln!(
                    "  wrote {} ({} benchmarks, cell {})",
                    path.display(),
                    run.benchmarks.len(),
                    run.cell()
                );
                println!(
                    "  {}: {} benchmarks -> {}",
                    run.cell(),
                    run.benchmarks.len(),
                    path.display()
                );
                written.push((path, run));
            }
            Err(e) => {
                let msg = format!("python cell {}: {e:#}", cell.interpreter);
                eprintln!("{msg}");
                failures.push(msg);
                if !invocation.keep_going {
                    break;
                }
            }
        }
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_file_name_safe() {
        let cell = |s: &str| PythonCell {
            interpreter: s.into(),
        };
        assert_eq!(cell("python3.14t").slug(), "python3.14t");
        assert_eq!(cell("/usr/bin/python3").slug(), "usr_bin_python3");
    }

    #[test]
    fn plan_rejects_interpreters_that_do_not_start() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let err = plan(&["no-such-python-here".into()], root).unwrap_err();
        assert!(
            err.to_string()
                .contains("--python no-such-python-here: cannot start it"),
            "{err}"
        );
        assert!(plan(&[], Path::new("/nonexistent")).unwrap().is_empty());
        let err = plan(&["python3".into()], Path::new("/nonexistent")).unwrap_err();
        assert!(
            err.to_string().contains("benchmark_py314.py not found"),
            "{err}"
        );
    }

    /// A stand-in interpreter: a shell script that writes the real fixture
    /// output to the `--output` path the runner passes (or fails).
    #[cfg(unix)]
    fn fake_python(dir: &Path, body: &str) -> String {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.join("fake-python");
        fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
        path.to_str().unwrap().to_owned()
    }

    #[cfg(unix)]
    #[test]
    fn a_cell_runs_the_script_and_ingests_its_output() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let fixture = root.join("report/tests/fixtures/python/cpython-3.11.7.json");
        let dir = tempfile::tempdir().unwrap();
        // Arguments: SCRIPT --iterations N --output FILE.
        let copy = format!(
            "[ \"$2 $3 $4\" = \"--iterations 4 --output\" ] || exit 3\ncp '{}' \"$5\"",
            fixture.display()
        );
        let cell = PythonCell {
            interpreter: fake_python(dir.path(), &copy),
        };
        let cells = dir.path().join("cells");
        let run = cell.run(root, &cells, 4, Some("ci")).unwrap();
        assert_eq!(run.label, "ci CPython 3.11.7 (GIL)");
        assert_eq!(run.cell().to_string(), "CPython 3.11.7 (GIL)");
        assert!(cell.paths(&cells).output.is_file());

        let failing = PythonCell {
            interpreter: fake_python(dir.path(), "echo broken >&2; exit 2"),
        };
        let err = format!("{:#}", failing.run(root, &cells, 4, None).unwrap_err());
        assert!(err.contains("exited with") && err.contains(".log"), "{err}");
        let log = fs::read_to_string(failing.paths(&cells).log).unwrap();
        assert_eq!(log.trim(), "broken");
    }

    #[cfg(unix)]
    #[test]
    fn run_all_stops_at_a_failure_unless_keep_going() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let fixture = root.join("report/tests/fixtures/python/cpython-3.11.7.json");
        let dir = tempfile::tempdir().unwrap();
        let (bad_dir, good_dir) = (dir.path().join("bad"), dir.path().join("good"));
        fs::create_dir_all(&bad_dir).unwrap();
        fs::create_dir_all(&good_dir).unwrap();
        let cells = [
            PythonCell {
                interpreter: fake_python(&bad_dir, "exit 1"),
            },
            PythonCell {
                interpreter: fake_python(&good_dir, &format!("cp '{}' \"$5\"", fixture.display())),
            },
        ];
        let out = dir.path().join("cells");
        for keep_going in [false, true] {
            let invocation = Invocation {
                workspace_root: root,
                cells_dir: &out,
                iterations: 2,
                label: None,
                keep_going,
            };
            let written_to = dir.path().join(format!("run-{keep_going}.json"));
            let write = |run: &Run| {
                fs::write(&written_to, &run.label)?;
                Ok(written_to.clone())
            };
            let mut failures = Vec::new();
            let written = run_all(&cells, &invocation, &write, &mut failures);
            assert_eq!(failures.len(), 1, "{failures:?}");
            assert!(failures[0].contains("bad/fake-python"), "{failures:?}");
            assert_eq!(written.len(), usize::from(keep_going));
        }
    }

    #[test]
    fn iterations_default_to_the_guide_and_shrink_for_quick() {
        assert_eq!(iterations(None, false), 20);
        assert_eq!(iterations(None, true), 3);
        assert_eq!(iterations(Some(7), true), 7);
    }
}
