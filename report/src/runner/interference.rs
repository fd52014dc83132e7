//! Reading the machine for `report run`: snapshots of `/proc` around each
//! benchmark (the arithmetic and the rule are in `crate::interference`), the
//! machine check before the first cell, and `--wait-idle`.
//!
//! Linux only. Elsewhere every reading is `None`, so run files carry no
//! interference figures and reports show none: unknown, never guessed.
//!
//! A snapshot reads `/proc/stat`, `/proc/loadavg` and the `stat` file of
//! every process (to find our own tree: report, cargo and the bench
//! process with all their threads), about a millisecond on a small machine.
//! `REPORT_NO_SAMPLING=1` turns sampling off (to measure what it costs);
//! `REPORT_DISTURBED_FRACTION=<x>` replaces the rule's 0.1 (tests use a
//! negative one to make every sampled benchmark disturbed).

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::interference::{
    self as rule, CpuTimes, ProcStat, Snapshot, parse_loadavg, parse_pid_stat, parse_proc_stat,
    tree_ticks,
};
use crate::model::{BusyProcess, Interference, MachineCheck};
use crate::threads::Threads;

/// The environment variable that turns sampling off.
pub const NO_SAMPLING_VAR: &str = "REPORT_NO_SAMPLING";
/// The environment variable that replaces the rule's fraction (debugging, tests).
pub const FRACTION_VAR: &str = "REPORT_DISTURBED_FRACTION";

/// How `report run` watches for interference.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WatchSettings {
    /// Take snapshots at all (off: `REPORT_NO_SAMPLING`, or not Linux).
    pub sample: bool,
    /// Measure disturbed benchmarks again at the end of their cell.
    pub retry: bool,
    /// Share of a core per CPU used that others may take (the rule's `fraction`).
    pub fraction: f64,
    /// The bench processes' `available_parallelism` (what `max` threads means).
    pub available_parallelism: Option<u32>,
}

impl WatchSettings {
    pub fn new(retry: bool) -> Self {
        Self {
            sample: cfg!(target_os = "linux") && std::env::var_os(NO_SAMPLING_VAR).is_none(),
            retry,
            fraction: std::env::var(FRACTION_VAR)
                .ok()
                .and_then(|v| v.trim().parse().ok())
                .filter(|f: &f64| f.is_finite())
                .unwrap_or(rule::DEFAULT_FRACTION),
            available_parallelism: std::thread::available_parallelism()
                .ok()
                .and_then(|n| u32::try_from(n.get()).ok()),
        }
    }

    /// Nothing sampled, nothing retried.
    pub fn off() -> Self {
        Self {
            sample: false,
            retry: false,
            fraction: rule::DEFAULT_FRACTION,
            available_parallelism: None,
        }
    }
}

/// Snapshots of one cell's benchmarks, by full id.
#[derive(Debug, Clone)]
pub struct Watch {
    pub settings: WatchSettings,
    root: u32,
    /// Benchmarks started and not yet finished: criterion's start lines
    /// (stderr) and result lines (stdout) arrive through two pipes, so the
    /// next start may be read before the previous result.
    pending: BTreeMap<String, (Snapshot, Instant)>,
    /// Each finished benchmark's figures (a retry replaces the first).
    pub results: BTreeMap<String, Interference>,
    /// The machine check before the first cell, for the run's context.
    pub machine_check: Option<MachineCheck>,
    /// The latest snapshot: a benchmark's end and the next one's start come
    /// a few milliseconds apart and share it.
    last: Option<(Snapshot, Instant)>,
}

/// Snapshots younger than this are reused rather than read again.
const REUSE: Duration = Duration::from_millis(20);

impl Watch {
    pub fn new(settings: WatchSettings, machine_check: Option<MachineCheck>) -> Self {
        Self {
            settings,
            machine_check,
            root: std::process::id(),
            pending: BTreeMap::new(),
            last: None,
            results: BTreeMap::new(),
        }
    }

    /// Criterion started `id` (or one of its phases: only the first counts).
    pub fn started(&mut self, id: &str) {
        if !self.settings.sample || self.pending.contains_key(id) {
            return;
        }
        if let Some(s) = self.snapshot() {
            self.pending.insert(id.to_owned(), (s, Instant::now()));
        }
    }

    fn snapshot(&mut self) -> Option<Snapshot> {
        if let Some((s, _)) = self.last.filter(|(_, at)| at.elapsed() < REUSE) {
            return Some(s);
        }
        let s = snapshot(self.root)?;
        self.last = Some((s, Instant::now()));
        Some(s)
    }

    /// Criterion printed `id`'s result.
    pub fn finished(&mut self, id: &str) {
        let Some((start, at)) = self.pending.remove(id) else {
            return;
        };
        self.last = None; // the end must be read now, not reused
        let Some(end) = self.snapshot() else {
            return;
        };
        let Some(w) = rule::window(&start, &end) else {
            return;
        };
        let threads = Threads::of_id(id).resolve(self.settings.available_parallelism);
        let steal = w.steal_cores;
        let first = self.results.get(id).map(|earlier| earlier.others_cores);
        let interference = Interference {
            seconds: at.elapsed().as_secs_f64(),
            others_cores: w.others_cores,
            steal_cores: Some(steal),
            load_average: start.load,
            cpus: w.cpus,
            threads,
            disturbed: rule::is_disturbed(
                w.others_cores + steal,
                threads.unwrap_or(1),
                w.cpus,
                self.settings.fraction,
            ),
            attempts: if first.is_some() { 2 } else { 1 },
            first_others_cores: first,
        };
        self.results.insert(id.to_owned(), interference);
    }

    /// The disturbed benchmarks among `ids`, for a retry.
    pub fn disturbed<'a>(&self, ids: &'a [String]) -> Vec<&'a String> {
        ids.iter()
            .filter(|id| self.results.get(*id).is_some_and(|i| i.disturbed))
            .collect()
    }
}

fn read(path: impl AsRef<Path>) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

/// Every process's `stat` (processes that exit meanwhile are skipped).
fn processes() -> Vec<ProcStat> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
        })
        .filter_map(|e| read(e.path().join("stat")))
        .filter_map(|t| parse_pid_stat(&t))
        .collect()
}

fn cpu_times() -> Option<CpuTimes> {
    parse_proc_stat(&read("/proc/stat")?)
}

/// The machine now, with `root`'s process tree as "ours"; `None` off Linux
/// or when `/proc` cannot be read.
pub fn snapshot(root: u32) -> Option<Snapshot> {
    if !cfg!(target_os = "linux") {
        return None;
    }
    let cpu = cpu_times()?;
    let procs = processes();
    if procs.is_empty() {
        return None;
    }
    Some(Snapshot {
        cpu,
        own: tree_ticks(&procs, root),
        load: read("/proc/loadavg")
            .and_then(|t| parse_loadavg(&t))
            .map(|l| l[0]),
    })
}

/// Watches the machine for `interval` and says who else used it. With
/// `wait_idle`, repeats until it is not busy or that long has passed.
pub fn check_machine(
    interval: Duration,
    wait_idle: Option<Duration>,
    fraction: f64,
) -> MachineCheck {
    let started = Instant::now();
    let mut check = check_once(interval, fraction);
    if let Some(limit) = wait_idle {
        while check.busy && started.elapsed() + interval <= limit + interval / 2 {
            check = check_once(interval, fraction);
        }
        check.waited_seconds = (started.elapsed().as_secs_f64() - check.seconds).max(0.0);
    }
    check
}

fn check_once(interval: Duration, fraction: f64) -> MachineCheck {
    let (governor, frequency_mhz) = (governor(), frequency_mhz());
    let mut check = MachineCheck {
        governor,
        frequency_mhz,
        ..MachineCheck::default()
    };
    if !cfg!(target_os = "linux") {
        return check;
    }
    let root = std::process::id();
    let (before, cpu_before, at) = (processes(), cpu_times(), Instant::now());
    std::thread::sleep(interval);
    let (after, cpu_after) = (processes(), cpu_times());
    check.seconds = at.elapsed().as_secs_f64();
    check.load_average = read("/proc/loadavg").and_then(|t| parse_loadavg(&t));
    let (Some(b), Some(a)) = (cpu_before, cpu_after) else {
        return check;
    };
    let snap = |cpu, procs: &[ProcStat]| Snapshot {
        cpu,
        own: tree_ticks(procs, root),
        load: None,
    };
    let Some(w) = rule::window(&snap(b, &before), &snap(a, &after)) else {
        return check;
    };
    check.others_cores = Some(w.others_cores);
    check.busy = rule::is_disturbed(w.others_cores + w.steal_cores, w.cpus, w.cpus, fraction);
    let earlier: BTreeMap<u32, u64> = before.iter().map(|p| (p.pid, p.own_ticks)).collect();
    let per_cpu = w.ticks.max(1) as f64;
    let mut busiest: Vec<BusyProcess> = after
        .iter()
        .filter(|p| p.pid != root)
        .filter_map(|p| {
            let used = p.own_ticks.checked_sub(*earlier.get(&p.pid)?)?;
            (used > 0).then(|| BusyProcess {
                pid: p.pid,
                command: p.command.clone(),
                cores: used as f64 / per_cpu,
            })
        })
        .collect();
    busiest.sort_by(|x, y| y.cores.total_cmp(&x.cores));
    busiest.truncate(5);
    check.busiest = busiest;
    check
}

fn governor() -> Option<String> {
    read("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor").map(|s| s.trim().to_owned())
}

/// Mean `scaling_cur_freq` over the CPUs, else the mean of `/proc/cpuinfo`'s
/// `cpu MHz` lines (x86 VMs often have no cpufreq).
fn frequency_mhz() -> Option<f64> {
    let mut khz = Vec::new();
    for n in 0.. {
        match read(format!(
            "/sys/devices/system/cpu/cpu{n}/cpufreq/scaling_cur_freq"
        )) {
            Some(t) => khz.extend(t.trim().parse::<f64>().ok()),
            None => break,
        }
    }
    if !khz.is_empty() {
        return Some(khz.iter().sum::<f64>() / khz.len() as f64 / 1000.0);
    }
    let info = read("/proc/cpuinfo")?;
    let mhz: Vec<f64> = info
        .lines()
        .filter(|l| l.starts_with("cpu MHz"))
        .filter_map(|l| l.split(':').nth(1)?.trim().parse().ok())
        .collect();
    (!mhz.is_empty()).then(|| mhz.iter().sum::<f64>() / mhz.len() as f64)
}

/// One line about the check, for the progress log.
pub fn describe(check: &MachineCheck) -> String {
    let mut s = String::from("machine check: ");
    match check.others_cores {
        Some(c) => s.push_str(&format!(
            "other processes used {c:.2} cores over {:.1} s",
            check.seconds
        )),
        None => s.push_str("CPU use of other processes unknown"),
    }
    if let Some(l) = check.load_average {
        s.push_str(&format!(
            ", load average {:.2} {:.2} {:.2}",
            l[0], l[1], l[2]
        ));
    }
    if let Some(g) = &check.governor {
        s.push_str(&format!(", governor {g}"));
    }
    if let Some(f) = check.frequency_mhz {
        s.push_str(&format!(", {f:.0} MHz"));
    }
    if check.waited_seconds > 0.0 {
        s.push_str(&format!(", after waiting {:.0} s", check.waited_seconds));
    }
    let top: Vec<String> = check
        .busiest
        .iter()
        .filter(|p| p.cores >= 0.05)
        .take(3)
        .map(|p| format!("{} (pid {}, {:.2} cores)", p.command, p.pid, p.cores))
        .collect();
    if !top.is_empty() {
        s.push_str(&format!("; busiest: {}", top.join(", ")));
    }
    s
}
