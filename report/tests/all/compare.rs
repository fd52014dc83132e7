//! `report compare`: worktrees of a tiny git repository made and removed,
//! the whole command against fake cargo/rustc/rustup and a fake bench binary
//! (order of the processes, environment, run files, clean-up), and one
//! ignored end-to-end comparison on the real fixture crate.

#![cfg(unix)]

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use report::compare::worktree::{self, Scratch, Worktree};

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// A repository with two commits of `file.txt` ("one", then "two").
fn repo(dir: &Path) {
    git(dir, &["init", "--quiet"]);
    fs::write(dir.join("file.txt"), "one").unwrap();
    git(dir, &["add", "."]);
    git(dir, &["commit", "--quiet", "-m", "one"]);
    fs::write(dir.join("file.txt"), "two").unwrap();
    git(dir, &["commit", "--quiet", "-am", "two"]);
}

#[test]
fn a_worktree_holds_the_revision_and_is_removed_on_drop() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().canonicalize().unwrap();
    repo(&dir);
    assert_eq!(worktree::toplevel(&dir).unwrap(), dir);
    let first = worktree::resolve(&dir, "HEAD~1").unwrap();
    assert_eq!(first.len(), 40);
    let err = worktree::resolve(&dir, "no-such-branch").unwrap_err();
    assert!(
        err.to_string()
            .contains("'no-such-branch' is not a git revision of the repository at"),
        "{err}"
    );

    let scratch = Scratch::new().unwrap();
    let scratch_path = scratch.path.clone();
    let path = scratch.path.join("base");
    {
        let w = Worktree::add(&dir, &first, &path).unwrap();
        assert_eq!(fs::read_to_string(w.path.join("file.txt")).unwrap(), "one");
        assert!(git(&dir, &["worktree", "list"]).contains("base"));
        // The working tree itself is untouched.
        assert_eq!(fs::read_to_string(dir.join("file.txt")).unwrap(), "two");
    }
    assert!(!path.exists(), "the worktree folder is removed");
    assert!(!git(&dir, &["worktree", "list"]).contains("base"));
    drop(scratch);
    assert!(!scratch_path.exists(), "the scratch folder is removed");
}

// ------------------------------------------------ the command, with fakes

const CARGO: &str = r#"#!/bin/sh
# Fake cargo: `metadata` of the folder it runs in; `bench --no-run` names
# the fake bench binary in cargo's JSON messages.
if [ "${1#+}" != "$1" ]; then shift; fi
echo "$PWD $*" >> "$FAKE_DIR/cargo.log"
case "$1" in
  metadata)
    printf '{"packages":[{"name":"fixture","id":"fixture-id","targets":[{"name":"fixture","kind":["bench"]}]}],"workspace_members":["fixture-id"],"workspace_root":"%s","target_directory":"%s/target","version":1}\n' "$PWD" "$PWD"
    exit 0 ;;
  bench) ;;
  *) echo "fake cargo: unexpected $*" >&2; exit 99 ;;
esac
case " $* " in *" --no-run "*)
  printf '{"reason":"compiler-artifact","manifest_path":"%s/Cargo.toml","target":{"name":"fixture","kind":["bench"]},"executable":"%s/bench.sh"}\n' "$PWD" "$FAKE_DIR"
  exit 0 ;;
esac
echo "fake cargo: only --no-run is expected" >&2; exit 98
"#;

/// The fake bench binary: lists two ids; "measures" by copying the real
/// criterion fixture tree into CRITERION_HOME (fresh modification times),
/// after `FAKE_SLEEP` seconds.
const BENCH: &str = r#"#!/bin/sh
echo "$PWD;$CRITERION_HOME;${#REPORT_COMPARE_PAD};$*;${BENCH_SELECT:-}" >> "$FAKE_DIR/bench.log"
case " $* " in *" --list "*)
  printf 'fixture/sampling/linear/256: benchmark\nfixture/throughput/bytes/64: benchmark\n'
  exit 0 ;;
esac
sleep "${FAKE_SLEEP:-0}"
mkdir -p "$CRITERION_HOME"
cp -R "$FIXTURE/." "$CRITERION_HOME/"
exit 0
"#;

const RUSTUP: &str = r#"#!/bin/sh
case "$*" in
  "toolchain list") echo 'stable-x86_64-unknown-linux-gnu (active, default)' ;;
  "show active-toolchain") echo 'stable-x86_64-unknown-linux-gnu (default)' ;;
  *) echo "fake rustup: unexpected $*" >&2; exit 1 ;;
esac
"#;

const RUSTC: &str = r#"#!/bin/sh
if [ "${1#+}" != "$1" ]; then shift; fi
case "$*" in
  "-vV") printf 'rustc 1.95.0 (fake 2026-01-01)\nbinary: rustc\ncommit-hash: fake\nhost: x86_64-unknown-linux-gnu\nrelease: 1.95.0\nLLVM version: 20.1.0\n' ;;
  *) echo "fake rustc: unexpected $*" >&2; exit 1 ;;
esac
"#;

struct Fake {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    ws: PathBuf,
    path: String,
}

fn fake() -> Fake {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().canonicalize().unwrap();
    let bin = dir.join("bin");
    fs::create_dir_all(&bin).unwrap();
    for (p, text) in [
        (bin.join("cargo"), CARGO),
        (bin.join("rustup"), RUSTUP),
        (bin.join("rustc"), RUSTC),
        (dir.join("bench.sh"), BENCH),
    ] {
        fs::write(&p, text).unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o755)).unwrap();
    }
    let ws = dir.join("ws");
    fs::create_dir_all(&ws).unwrap();
    fs::write(ws.join("Cargo.toml"), "[workspace]\n").unwrap();
    fs::write(ws.join(".gitignore"), "target/\nresults/\n").unwrap();
    git(&ws, &["init", "--quiet"]);
    git(&ws, &["add", "."]);
    git(&ws, &["commit", "--quiet", "-m", "base"]);
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Fake {
        _tmp: tmp,
        dir,
        ws,
        path,
    }
}

impl Fake {
    fn compare(&self, args: &[&str]) -> std::process::Output {
        self.compare_with(args, &[])
    }

    fn compare_with(&self, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/criterion-0.8.2");
        Command::new(env!("CARGO_BIN_EXE_report"))
            .arg("compare")
            .args(args)
            .current_dir(&self.ws)
            .env("PATH", &self.path)
            .env("FAKE_DIR", &self.dir)
            .env("FIXTURE", fixture)
            .env("TMPDIR", &self.dir)
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .env_remove("RUSTUP_TOOLCHAIN")
            .envs(env.iter().copied())
            .output()
            .unwrap()
    }

    fn read(&self, name: &str) -> String {
        fs::read_to_string(self.dir.join(name)).unwrap_or_default()
    }
}

#[test]
fn a_revision_against_the_working_tree_in_abba_rounds() {
    let f = fake();
    let out = f.compare(&[
        "HEAD",
        "--quiet",
        "--min-rounds",
        "4",
        "--max-rounds",
        "4",
        "--format",
        "json",
        "--label",
        "t",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "stdout:\n{stdout}\nstderr:\n{stderr}");

    // Each side built once, in its own target folder; the baseline in a
    // worktree under the temporary folder.
    let cargo_log = f.read("cargo.log");
    let builds: Vec<&str> = cargo_log
        .lines()
        .filter(|l| l.contains("--no-run"))
        .collect();
    assert_eq!(builds.len(), 2, "{cargo_log}");
    assert!(builds[0].contains("report-compare-") && builds[0].contains("/base "));
    assert!(builds[1].starts_with(&format!("{} ", f.ws.display())));

    // Listing, then 4 rounds A B, B A, A B, B A: one process per side each.
    let bench_log = f.read("bench.log");
    let lines: Vec<Vec<&str>> = bench_log.lines().map(|l| l.split(';').collect()).collect();
    let measuring: Vec<&Vec<&str>> = lines.iter().filter(|l| !l[3].contains("--list")).collect();
    assert_eq!(lines.len() - measuring.len(), 2, "{bench_log}");
    for l in lines.iter().filter(|l| l[3].contains("--list")) {
        assert_eq!(l[4], "", "{bench_log}");
    }
    let base_home = f.ws.join("target/report-compare/base-worktree");
    let sides: String = measuring
        .iter()
        .map(|l| {
            if Path::new(l[1]).starts_with(&base_home) {
                'A'
            } else {
                'B'
            }
        })
        .collect();
    assert_eq!(sides, "ABBAABBA", "{bench_log}");
    // Both sides' criterion folders are paths of the same length: neither
    // side's processes allocate more for them than the other's.
    let lengths: std::collections::BTreeSet<usize> = measuring.iter().map(|l| l[1].len()).collect();
    assert_eq!(lengths.len(), 1, "{bench_log}");
    for l in &measuring {
        assert!(
            l[3].starts_with(
                "--bench --warm-up-time 0.05 --measurement-time 0.1 --sample-size 10 --nresamples 1000"
            ),
            "{}",
            l[3]
        );
        assert!(
            l[3].ends_with(r"^(?:fixture/sampling/linear/256|fixture/throughput/bytes/64)$"),
            "{}",
            l[3]
        );
        // The harness learns the same ids, for its own setup (listing, above,
        // selects everything).
        assert_eq!(
            l[4],
            r"^(?:fixture/sampling/linear/256|fixture/throughput/bytes/64)$"
        );
    }
    // Padding lengths vary from process to process.
    let pads: std::collections::BTreeSet<&str> = measuring.iter().map(|l| l[2]).collect();
    assert!(pads.len() > 1, "{pads:?}");

    // The same data on both sides: nothing changed, every id paired.
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["method"], "paired-rounds");
    assert_eq!(json["summary"]["regressed"], 0);
    assert_eq!(json["summary"]["unchanged"], 2);
    assert_eq!(json["rounds"]["processes"], 8);
    for e in json["entries"].as_array().unwrap() {
        assert_eq!(e["rounds"], 4);
        assert_eq!(e["change"], 0.0);
    }
    assert!(
        json["baseline"]["source"]
            .as_str()
            .unwrap()
            .starts_with("HEAD = ")
    );
    assert_eq!(json["candidate"]["source"], "working tree");

    // Both run files written, each with the two benchmarks.
    let mut runs: Vec<PathBuf> = fs::read_dir(f.ws.join("results"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    runs.sort();
    assert_eq!(runs.len(), 2, "{runs:?}");
    let mut labels = Vec::new();
    for p in &runs {
        let run = report::store::read_run(p).unwrap();
        assert_eq!(run.benchmarks.len(), 2);
        assert!(run.resources.is_some());
        labels.push(run.label);
    }
    labels.sort();
    assert!(labels[0].starts_with("t baseline "), "{labels:?}");
    assert!(labels[1].starts_with("t candidate stable"), "{labels:?}");

    // The worktree and its temporary folder are gone.
    assert!(!git(&f.ws, &["worktree", "list"]).contains("report-compare-"));
    let left: Vec<_> = fs::read_dir(&f.dir)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("report-compare-")
        })
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_budget_that_runs_out_before_min_rounds_is_said_while_running_and_in_the_report() {
    let f = fake();
    // Each process takes 0.6 s: the first round (A then B) is past the 1 s
    // budget, so both benchmarks stop at 1 of the 4 rounds asked for.
    let slow = [("FAKE_SLEEP", "0.6")];
    let args = ["HEAD", "--quiet", "--min-rounds", "4", "--budget", "1s"];
    let out = f.compare_with(&[&args[..], &["--format", "json"]].concat(), &slow);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "stdout:\n{stdout}\nstderr:\n{stderr}");
    // A warning, even with --quiet.
    assert!(
        stderr.contains(
            "warning: the budget of 1.0s ran out: 2 benchmarks stopped below --min-rounds 4: \
             budget exhausted; their intervals are wider"
        ),
        "{stderr}"
    );
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["rounds"]["stop"], "budget");
    assert_eq!(
        json["rounds"]["below_min_rounds"],
        serde_json::json!(["fixture/sampling/linear/256", "fixture/throughput/bytes/64"])
    );
    for e in json["entries"].as_array().unwrap() {
        assert_eq!(e["rounds"], 1, "{stdout}");
    }

    // The text report says it too.
    let out = f.compare_with(&args, &slow);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(
            "\n2 benchmarks stopped below --min-rounds 4: budget exhausted; \
             their intervals are wider\n"
        ),
        "{stdout}"
    );

    // With a budget that fits, neither the warning nor the field names one.
    let out = f.compare(&["HEAD", "--quiet", "--min-rounds", "4", "--format", "json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("warning"), "{stderr}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["rounds"]["below_min_rounds"], serde_json::json!([]));
}

#[test]
fn bad_input_is_refused_before_anything_is_built() {
    let f = fake();
    let out = f.compare(&["no-such-rev", "--quiet"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("'no-such-rev' is not a git revision"),
        "{stderr}"
    );
    assert!(!f.read("cargo.log").contains("bench"));

    let out = f.compare(&["HEAD", "--budget", "soon"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--budget 'soon'"));

    let out = f.compare(&[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("name the baseline"));

    // Criterion refuses fewer than 10 samples; say so before building.
    let out = f.compare(&["HEAD", "--sample-size", "5"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--sample-size") && stderr.contains("10"),
        "{stderr}"
    );
    assert!(!f.read("cargo.log").contains("bench"));
}

// ------------------------------------------------ end to end, for real

/// `report compare HEAD` on the fixture crate: its committed version in a
/// worktree against the working tree, one cheap benchmark, three rounds.
/// Ignored by default: it compiles criterion twice (each side has its own
/// target folder; a few minutes on two cores the first time, reused later
/// from `target/tmp/report-compare-e2e`).
#[test]
#[ignore = "compiles criterion for the fixture crate twice; run with --ignored"]
fn real_compare_on_the_fixture_crate() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixture-crate");
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-compare-e2e");
    let results = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_report"))
        .args([
            "compare",
            "HEAD",
            "--quiet",
            "--filter",
            "^fixture/sampling/linear",
            "--min-rounds",
            "3",
            "--max-rounds",
            "4",
            "--warm-up-time",
            "0.05",
            "--measurement-time",
            "0.1",
            "--format",
            "json",
        ])
        .arg("--results")
        .arg(results.path())
        .current_dir(&crate_dir)
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "stdout:\n{stdout}\nstderr:\n{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let entries = json["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{stdout}");
    assert_eq!(entries[0]["id"], "fixture/sampling/linear/256");
    let rounds = entries[0]["rounds"].as_u64().unwrap();
    assert!((3..=4).contains(&rounds), "{stdout}");
    assert!(entries[0]["baseline_ns"].as_f64().unwrap() > 0.0);
    assert!(
        entries[0]["detectable_change"].as_f64().is_some(),
        "{stdout}"
    );
    let runs = fs::read_dir(results.path()).unwrap().count();
    assert_eq!(runs, 2);
}
