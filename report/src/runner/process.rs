//! Running one cargo command of a cell: its output streams line by line to
//! the cell's log file and to a callback (progress), the last lines are kept
//! for error messages, and the resources it used are measured.
//!
//! Resources come from `wait4(2)` on the cargo process, which reports cargo
//! plus every descendant it waited for (the bench binary): CPU time is their
//! sum, peak memory the largest resident set among them. `getrusage
//! (RUSAGE_CHILDREN)` would mix in earlier children (the build's rustc
//! processes dominate its maximum), so it is not used. On other platforms
//! only wall time is known.

#![allow(unsafe_code)] // wait4/kill: the only unsafe code in the crate, unix only.

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::interrupt;
use super::progress::Stream;

/// Lines of output kept for the error message of a failed command.
pub const TAIL_LINES: usize = 30;

/// A command with the environment it adds to ours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    pub program: String,
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    pub cwd: PathBuf,
}

impl Invocation {
    /// The command as a person would type it in `cwd` (shell-quoted), with
    /// the environment it adds, so that it can be re-run by hand.
    pub fn shell_line(&self) -> String {
        let mut s = String::new();
        for (k, v) in &self.env {
            let _ = write!(s, "{k}={} ", shell_quote(v));
        }
        s.push_str(&shell_quote(&self.program));
        for a in &self.args {
            s.push(' ');
            s.push_str(&shell_quote(a));
        }
        s
    }
}

/// Quotes a word for a POSIX shell when it needs it.
pub fn shell_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=+:,@%".contains(c));
    if plain {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// Resources a command used.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Usage {
    pub wall: Duration,
    /// User + system time of the command and its waited-for descendants.
    pub cpu: Option<Duration>,
    /// Largest resident set among them, bytes.
    pub peak_memory_bytes: Option<u64>,
}

impl Usage {
    /// Nothing used yet: a start for [`Usage::add`] (CPU and memory stay
    /// unknown if any added command's are).
    pub fn zero() -> Self {
        Self {
            wall: Duration::ZERO,
            cpu: Some(Duration::ZERO),
            peak_memory_bytes: Some(0),
        }
    }

    /// Adds a later command's usage: times add up, the peak is the maximum.
    pub fn add(&mut self, other: &Usage) {
        self.wall += other.wall;
        self.cpu = match (self.cpu, other.cpu) {
            (Some(a), Some(b)) => Some(a + b),
            _ => None,
        };
        self.peak_memory_bytes = match (self.peak_memory_bytes, other.peak_memory_bytes) {
            (Some(a), Some(b)) => Some(a.max(b)),
            _ => None,
        };
    }
}

/// How a command ended.
#[derive(Debug, Clone)]
pub struct Finished {
    pub success: bool,
    /// `exit status: 101`, `signal: 2 (SIGINT)`.
    pub status: String,
    pub usage: Usage,
    /// The last [`TAIL_LINES`] lines of its output (both streams, in arrival order).
    pub tail: Vec<String>,
}

/// Runs `inv`, writing every line to `log` and handing it to `on_line`.
/// The child gets no stdin and runs in its own process group (unix), which
/// the Ctrl-C handler signals as a whole.
pub fn run_streaming(
    inv: &Invocation,
    log: &mut dyn Write,
    on_line: &mut dyn FnMut(Stream, &str),
) -> io::Result<Finished> {
    writeln!(log, "$ {}", inv.shell_line())?;
    let mut cmd = Command::new(&inv.program);
    cmd.args(&inv.args)
        .current_dir(&inv.cwd)
        .envs(inv.env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    let started = Instant::now();
    let mut child = cmd
        .spawn()
        .map_err(|e| io::Error::new(e.kind(), format!("cannot start `{}`: {e}", inv.program)))?;
    let _group = interrupt::ChildGroup::track(child.id());

    let (tx, rx) = mpsc::channel::<(Stream, String)>();
    let readers = [
        child
            .stdout
            .take()
            .map(|s| spawn_reader(s, Stream::Stdout, tx.clone())),
        child
            .stderr
            .take()
            .map(|s| spawn_reader(s, Stream::Stderr, tx.clone())),
    ];
    drop(tx);
    let mut tail: VecDeque<String> = VecDeque::with_capacity(TAIL_LINES + 1);
    let mut log_error = None;
    for (stream, line) in rx {
        if log_error.is_none() {
            log_error = writeln!(log, "{line}").err();
        }
        on_line(stream, &line);
        if tail.len() == TAIL_LINES {
            tail.pop_front();
        }
        tail.push_back(line);
    }
    for r in readers.into_iter().flatten() {
        let _ = r.join();
    }
    let (success, status, cpu, peak) = wait(&mut child)?;
    let wall = started.elapsed();
    writeln!(log, "# {status} after {:.3} s", wall.as_secs_f64())?;
    log.flush()?;
    if let Some(e) = log_error {
        return Err(e);
    }
    Ok(Finished {
        success,
        status,
        usage: Usage {
            wall,
            cpu,
            peak_memory_bytes: peak,
        },
        tail: tail.into(),
    })
}

fn spawn_reader(
    source: impl Read + Send + 'static,
    stream: Stream,
    tx: mpsc::Sender<(Stream, String)>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut reader = BufReader::new(source);
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match reader.read_until(b'\n', &mut buf) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    let text = String::from_utf8_lossy(&buf);
                    // Terminal-style rewrites (`\r`) become separate lines.
                    for part in text.trim_end_matches(['\n', '\r']).split('\r') {
                        if tx.send((stream, part.to_owned())).is_err() {
                            return;
                        }
                    }
                }
            }
        }
    })
}

#[cfg(unix)]
fn wait(
    child: &mut std::process::Child,
) -> io::Result<(bool, String, Option<Duration>, Option<u64>)> {
    use std::os::unix::process::ExitStatusExt;
    let pid = libc::pid_t::try_from(child.id())
        .map_err(|_| io::Error::other("child pid does not fit pid_t"))?;
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is plain old data, so all-zero bytes are a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: both pointers are to live, writable locals of the right
        // types; `pid` is our own child, not yet reaped (std never waited).
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if r == pid {
            break;
        }
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
    let exit = std::process::ExitStatus::from_raw(status);
    let tv = |t: libc::timeval| {
        Duration::from_secs(u64::try_from(t.tv_sec).unwrap_or(0))
            + Duration::from_micros(u64::try_from(t.tv_usec).unwrap_or(0))
    };
    let cpu = tv(usage.ru_utime) + tv(usage.ru_stime);
    // Linux and the BSDs report kilobytes; macOS reports bytes.
    let unit: u64 = if cfg!(target_os = "macos") { 1 } else { 1024 };
    let peak = u64::try_from(usage.ru_maxrss).ok().map(|kb| kb * unit);
    Ok((exit.success(), exit.to_string(), Some(cpu), peak))
}

#[cfg(not(unix))]
fn wait(
    child: &mut std::process::Child,
) -> io::Result<(bool, String, Option<Duration>, Option<u64>)> {
    let exit = child.wait()?;
    Ok((exit.success(), exit.to_string(), None, None))
}

/// Sends SIGINT (or SIGKILL when `kill`) to process group `group`.
#[cfg(unix)]
pub fn signal_group(group: i32, kill: bool) {
    let sig = if kill { libc::SIGKILL } else { libc::SIGINT };
    // SAFETY: kill(2) has no memory-safety preconditions; a stale group id
    // fails with ESRCH, which is harmless here.
    unsafe {
        libc::kill(-group, sig);
    }
}

/// Without process groups the console delivers Ctrl-C to every process.
#[cfg(not(unix))]
pub fn signal_group(_group: i32, _kill: bool) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_lines_quote_what_needs_it() {
        let inv = Invocation {
            program: "cargo".into(),
            args: vec!["bench".into(), "--".into(), "a b".into(), "it's".into()],
            env: vec![("RUSTFLAGS".into(), "-C target-cpu=native".into())],
            cwd: PathBuf::from("."),
        };
        assert_eq!(
            inv.shell_line(),
            r"RUSTFLAGS='-C target-cpu=native' cargo bench -- 'a b' 'it'\''s'"
        );
    }

    #[test]
    fn usage_adds_times_and_keeps_the_peak() {
        let mut a = Usage {
            wall: Duration::from_secs(2),
            cpu: Some(Duration::from_secs(3)),
            peak_memory_bytes: Some(100),
        };
        a.add(&Usage {
            wall: Duration::from_secs(1),
            cpu: Some(Duration::from_secs(1)),
            peak_memory_bytes: Some(50),
        });
        assert_eq!(a.wall, Duration::from_secs(3));
        assert_eq!(a.cpu, Some(Duration::from_secs(4)));
        assert_eq!(a.peak_memory_bytes, Some(100));
    }

    #[cfg(unix)]
    #[test]
    fn streams_lines_and_measures_the_child() {
        let inv = Invocation {
            program: "sh".into(),
            args: vec![
                "-c".into(),
                // Burn a little CPU so cpu time is visibly non-zero.
                "echo out1; echo err1 >&2; i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; printf 'a\\rb\\n'; exit 3".into(),
            ],
            env: vec![],
            cwd: PathBuf::from("."),
        };
        let mut log = Vec::new();
        let mut seen = Vec::new();
        let done = run_streaming(&inv, &mut log, &mut |s, l| seen.push((s, l.to_owned()))).unwrap();
        assert!(!done.success);
        assert!(done.status.contains('3'), "{}", done.status);
        assert!(seen.contains(&(Stream::Stdout, "out1".to_owned())));
        assert!(seen.contains(&(Stream::Stderr, "err1".to_owned())));
        assert!(seen.contains(&(Stream::Stdout, "a".to_owned())));
        assert!(seen.contains(&(Stream::Stdout, "b".to_owned())));
        assert_eq!(done.tail.len(), 4);
        assert!(done.usage.cpu.unwrap() > Duration::ZERO);
        assert!(done.usage.peak_memory_bytes.unwrap() > 0);
        let log = String::from_utf8(log).unwrap();
        assert!(log.starts_with("$ sh -c "), "{log}");
        assert!(log.contains("out1\n") && log.contains("err1\n"));
    }
}
