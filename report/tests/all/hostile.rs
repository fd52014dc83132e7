//! Hostile and careless inputs (issue 19): each test reproduces a way the
//! `report` binary lost data, hung or passed data to the terminal raw, and
//! checks that it no longer does. The binary runs with a time limit, so a
//! hang fails the test instead of the test suite.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use report::model::Run;
use report::store;
use report::synth::synthetic_runs;

/// The first synthetic run of `n` benchmarks, labelled `label`.
fn run(label: &str, n: usize) -> Run {
    let mut run = synthetic_runs(1, n).remove(0);
    run.label = label.to_owned();
    run
}

/// Writes `run` as pretty JSON, the way `report ingest` does (unchecked,
/// so a test can write values `store::write_run` would not).
fn write_json(dir: &Path, name: &str, value: &impl serde::Serialize) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_vec_pretty(value).unwrap()).unwrap();
    path
}

/// Runs `report` with `args`; fails the test when it runs past `limit`.
fn report_within(limit: Duration, args: &[&std::ffi::OsStr]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_report"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the report binary runs");
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        stdout.read_to_end(&mut v).map(|_| v)
    });
    let err_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        stderr.read_to_end(&mut v).map(|_| v)
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("report {args:?} still running after {limit:?}: it hangs");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: out_reader.join().unwrap().unwrap(),
        stderr: err_reader.join().unwrap().unwrap(),
    }
}

fn report(args: &[&std::ffi::OsStr]) -> Output {
    report_within(Duration::from_secs(60), args)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

// ------------------------------------------------ 1, 6: run files are kept

#[test]
fn run_files_this_build_cannot_read_are_never_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_json(dir.path(), "input.json", &run("input", 5));
    let mut newer = serde_json::to_value(run("newer", 5)).unwrap();
    newer["schema"] = 999.into();
    let newer = write_json(dir.path(), "newer.json", &newer);
    let typo = dir.path().join("typo.json");
    let mut text = serde_json::to_string_pretty(&run("typo", 5)).unwrap();
    text.insert_str(text.len() - 2, ",,"); // not JSON any more
    std::fs::write(&typo, &text).unwrap();
    let input = input.as_os_str();
    for target in [&newer, &typo] {
        let before = std::fs::read(target).unwrap();
        let t = target.as_os_str();
        let commands: [&[&std::ffi::OsStr]; 6] = [
            &["markdown".as_ref(), input, "-o".as_ref(), t],
            &[
                "markdown".as_ref(),
                input,
                "-o".as_ref(),
                t,
                "--force".as_ref(),
            ],
            &[
                "export".as_ref(),
                input,
                "--format".as_ref(),
                "bmf".as_ref(),
                "-o".as_ref(),
                t,
            ],
            &[
                "diff".as_ref(),
                "--baseline".as_ref(),
                input,
                "--candidate".as_ref(),
                input,
                "-o".as_ref(),
                t,
            ],
            &["html".as_ref(), input, "-o".as_ref(), t],
            // Issue item 6: --force replaces reports, never a run file.
            &["html".as_ref(), input, "-o".as_ref(), t, "--force".as_ref()],
        ];
        for args in commands {
            let out = report(args);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
            let msg = stderr(&out);
            assert!(
                msg.contains(&*target.to_string_lossy()) && msg.contains("is a run file"),
                "{args:?}: {msg}"
            );
            assert_eq!(std::fs::read(target).unwrap(), before, "{args:?}");
        }
    }
}

#[test]
fn outputs_replace_only_what_the_same_command_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_json(dir.path(), "input.json", &run("input", 5));
    let input = input.as_os_str();
    let cases: [(&str, Vec<&std::ffi::OsStr>); 4] = [
        ("out.md", vec!["markdown".as_ref(), input]),
        ("out.html", vec!["html".as_ref(), input]),
        (
            "out.txt",
            vec![
                "diff".as_ref(),
                "--baseline".as_ref(),
                input,
                "--candidate".as_ref(),
                input,
            ],
        ),
        (
            "out.json",
            vec![
                "export".as_ref(),
                input,
                "--format".as_ref(),
                "github-action-benchmark".as_ref(),
            ],
        ),
    ];
    for (name, command) in cases {
        let target = dir.path().join(name);
        std::fs::write(&target, "someone's notes\n").unwrap();
        let mut args = command.clone();
        args.extend(["-o".as_ref(), target.as_os_str()]);
        let out = report(&args);
        assert_eq!(out.status.code(), Some(2), "{name}: {}", stderr(&out));
        assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
        assert_eq!(
            std::fs::read_to_string(&target).unwrap(),
            "someone's notes\n"
        );
        // With --force it is replaced, and after that the command
        // recognises its own output and replaces it again.
        args.push("--force".as_ref());
        assert!(report(&args).status.success(), "{name}");
        args.pop();
        let again = report(&args);
        assert!(again.status.success(), "{name}: {}", stderr(&again));
        assert_ne!(
            std::fs::read_to_string(&target).unwrap(),
            "someone's notes\n"
        );
    }
    assert_eq!(
        names(dir.path()),
        ["input.json", "out.html", "out.json", "out.md", "out.txt"]
    );
}

// ------------------------------------------- 2: temp files are unguessable

#[cfg(unix)]
#[test]
fn planted_links_at_the_old_temporary_names_are_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("root-only");
    std::fs::write(&victim, "precious").unwrap();
    // The old writers used `.{name}.tmp-{pid}` and followed a link there.
    for name in ["run.json", "report.md"] {
        let planted = dir
            .path()
            .join(format!(".{name}.tmp-{}", std::process::id()));
        std::os::unix::fs::symlink(&victim, planted).unwrap();
    }
    store::write_run(&dir.path().join("run.json"), &run("r", 2), false).unwrap();
    store::write_file_atomically(&dir.path().join("report.md"), b"# report\n").unwrap();
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert_eq!(
        store::read_run(&dir.path().join("run.json")).unwrap().label,
        "r"
    );
    let left: Vec<String> = names(dir.path())
        .into_iter()
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

// ------------------------------------------- 3: no input makes html loop

#[test]
fn huge_finite_values_do_not_hang_the_html_report() {
    let dir = tempfile::tempdir().unwrap();
    let mut big = run("big", 30);
    big.benchmarks[0].typical.upper = 1.61e308;
    big.benchmarks[1].typical.point = 1.6e308;
    big.benchmarks[1].typical.upper = 1.7e308;
    if let Some(m) = big.benchmarks.iter_mut().find(|b| !b.metrics.is_empty()) {
        m.metrics[0].value = 1.7e308;
    }
    let input = write_json(dir.path(), "big.json", &big);
    let out_file = dir.path().join("out.html");
    let out = report_within(
        Duration::from_secs(60),
        &[
            "html".as_ref(),
            input.as_os_str(),
            "-o".as_ref(),
            out_file.as_os_str(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        std::fs::read_to_string(&out_file)
            .unwrap()
            .contains("</html>")
    );
}

// --------------------------------------------- 4: nothing reaches a tty raw

const HOSTILE: &str =
    "\u{1b}]0;owned\u{7}\u{1b}[2J\u{1b}[32mpassed\u{1b}[0m\r\u{202e}gpj.exe\u{9b}";

fn has_raw_controls(bytes: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(bytes);
    text.chars()
        .find(|&c| report::sanitize::is_dangerous(c, true))
        .map(|c| format!("{c:?} in {}", &text[..text.len().min(3000)]))
}

#[test]
fn escape_sequences_and_bidi_overrides_never_reach_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = run(&format!("label{HOSTILE}"), 6);
    a.benchmarks[0].id.group = format!("grp{HOSTILE}");
    a.benchmarks[1].id.function = Some(format!("fn{HOSTILE}"));
    let mut b = a.clone();
    b.label = format!("other{HOSTILE}");
    let a_path = write_json(dir.path(), "a.json", &a);
    let b_path = write_json(dir.path(), "b.json", &b);
    let (a_path, b_path) = (a_path.as_os_str(), b_path.as_os_str());
    let commands: [&[&std::ffi::OsStr]; 7] = [
        &["summary".as_ref(), a_path],
        &["markdown".as_ref(), a_path, b_path],
        &[
            "diff".as_ref(),
            "--baseline".as_ref(),
            a_path,
            "--candidate".as_ref(),
            b_path,
        ],
        &[
            "diff".as_ref(),
            "--baseline".as_ref(),
            a_path,
            "--candidate".as_ref(),
            b_path,
            "--format".as_ref(),
            "json".as_ref(),
        ],
        &["html".as_ref(), a_path, b_path, "-o".as_ref(), "-".as_ref()],
        &[
            "export".as_ref(),
            a_path,
            "--format".as_ref(),
            "bmf".as_ref(),
        ],
        // An error message quoting the label: two runs with the same one.
        &["markdown".as_ref(), a_path, a_path],
    ];
    for args in commands {
        let out = report(args);
        for (what, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            if let Some(found) = has_raw_controls(bytes) {
                panic!("{args:?} {what}: {found}");
            }
        }
    }
    // JSON stays lossless: the escapes decode to the original label.
    let out = report(&[
        "export".as_ref(),
        a_path,
        "--format".as_ref(),
        "bmf".as_ref(),
    ]);
    let bmf: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(bmf.as_object().unwrap().keys().any(|k| k.contains(HOSTILE)));
}

#[test]
fn error_messages_shorten_huge_names() {
    let dir = tempfile::tempdir().unwrap();
    let a = run(&"x".repeat(100_000), 2);
    let path = write_json(dir.path(), "a.json", &a);
    let out = report(&["markdown".as_ref(), path.as_os_str(), path.as_os_str()]);
    assert_eq!(out.status.code(), Some(2));
    let msg = stderr(&out);
    assert!(
        msg.contains("duplicate run label"),
        "{}",
        &msg[..msg.len().min(500)]
    );
    assert!(msg.len() < 2_000, "{} bytes of error", msg.len());
}

// --------------------------------------- 7: no partial file after Ctrl-C

#[cfg(unix)]
#[test]
fn ctrl_c_during_a_write_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_json(dir.path(), "input.json", &run("big", 6000));
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let target = out_dir.join("big.bmf");
    let mut interrupted = false;
    for _attempt in 0..10 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_report"))
            .args([
                "export".as_ref(),
                input.as_os_str(),
                "--format".as_ref(),
                "bmf".as_ref(),
                "-o".as_ref(),
                target.as_os_str(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let pid = child.id();
        // Interrupt as soon as the temporary file exists.
        let mut signalled = false;
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if names(&out_dir).iter().any(|n| n.contains(".tmp")) {
                let kill = Command::new("kill")
                    .args(["-INT", &pid.to_string()])
                    .status()
                    .unwrap();
                assert!(kill.success());
                signalled = true;
                break child.wait().unwrap();
            }
            std::thread::sleep(Duration::from_micros(200));
        };
        let left: Vec<String> = names(&out_dir)
            .into_iter()
            .filter(|n| n.contains(".tmp"))
            .collect();
        assert!(left.is_empty(), "after {status:?}: {left:?}");
        if signalled && status.code() == Some(130) {
            interrupted = true;
            break;
        }
        // The write won the race: then the output is complete.
        assert_eq!(status.code(), Some(0), "{status:?}");
        let bmf: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&target).unwrap()).unwrap();
        assert_eq!(bmf.as_object().unwrap().len(), 6000);
    }
    assert!(interrupted, "no attempt was interrupted during its write");
}

// ------------------------------------ 8: only regular files of sane size

#[cfg(unix)]
#[test]
fn fifos_and_devices_are_refused_instead_of_read_forever() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo.json");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    for path in [fifo.as_path(), Path::new("/dev/zero")] {
        let out = report_within(
            Duration::from_secs(20),
            &["summary".as_ref(), path.as_os_str()],
        );
        assert_eq!(out.status.code(), Some(2));
        let msg = stderr(&out);
        assert!(
            msg.contains(&*path.to_string_lossy()) && msg.contains("not a regular file"),
            "{msg}"
        );
    }
}

// ------------------------------------ 9: values are checked when read

#[test]
fn negative_times_in_a_run_file_are_refused_naming_file_and_benchmark() {
    let dir = tempfile::tempdir().unwrap();
    let mut bad = run("bad", 4);
    bad.benchmarks[2].typical.lower = -21.86;
    let id = bad.benchmarks[2].id.full_id();
    let path = write_json(dir.path(), "bad.json", &bad);
    for args in [
        vec![
            "export".as_ref(),
            path.as_os_str(),
            "--format".as_ref(),
            "github-action-benchmark".as_ref(),
        ],
        vec!["summary".as_ref(), path.as_os_str()],
    ] {
        let out = report(&args);
        assert_eq!(out.status.code(), Some(2));
        assert!(out.stdout.is_empty());
        let msg = stderr(&out);
        assert!(
            msg.contains("bad.json") && msg.contains(&id) && msg.contains("negative"),
            "{msg}"
        );
    }
}

// ----------------------------------------- Also: the diff gate

#[test]
fn a_gate_that_compared_nothing_fails_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let a = write_json(dir.path(), "a.json", &run("a", 5));
    let mut other = run("b", 5);
    for b in &mut other.benchmarks {
        b.id.group = format!("renamed/{}", b.id.group);
    }
    let b = write_json(dir.path(), "b.json", &other);
    let gate = |extra: &[&str]| {
        let mut args: Vec<&std::ffi::OsStr> = vec![
            "diff".as_ref(),
            "--baseline".as_ref(),
            a.as_os_str(),
            "--candidate".as_ref(),
            b.as_os_str(),
            "--fail-on-regression".as_ref(),
        ];
        args.extend(extra.iter().map(std::ffi::OsStr::new));
        report(&args)
    };
    let out = gate(&[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no benchmark was compared"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("--allow-empty"), "{}", stderr(&out));
    assert_eq!(gate(&["--allow-empty"]).status.code(), Some(0));
}

#[test]
fn a_negative_threshold_is_read_as_a_value() {
    let dir = tempfile::tempdir().unwrap();
    let a = write_json(dir.path(), "a.json", &run("a", 3));
    let out = report(&[
        "diff".as_ref(),
        "--baseline".as_ref(),
        a.as_os_str(),
        "--candidate".as_ref(),
        a.as_os_str(),
        "--threshold".as_ref(),
        "-5".as_ref(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let msg = stderr(&out);
    assert!(msg.contains("--threshold -5"), "{msg}");
    assert!(!msg.contains("unexpected argument"), "{msg}");
}
