//! Interference: how much CPU other processes took while a benchmark ran,
//! and the marks reports put on a result that should not be trusted as it
//! stands. Pure: `runner::interference` reads `/proc` and hands the text in.
//!
//! - **Sampling arithmetic.** Linux's `/proc/stat` counts, per CPU state,
//!   the clock ticks all CPUs spent in it; `/proc/<pid>/stat` counts a
//!   process's own ticks (all its threads, plus the children it reaped). Two
//!   readings around a benchmark give the busy ticks of the machine and of
//!   our own process tree (`report`, cargo, the bench binary); the rest is
//!   what other processes took. Dividing by the elapsed ticks per CPU gives
//!   cores: 1.0 = one core busy the whole time. Both files count in the
//!   same unit (USER_HZ), so no clock rate is needed.
//! - **Disturbed.** A benchmark is disturbed when others (plus the
//!   hypervisor's steal) took more of the CPUs it uses than `fraction` x the
//!   threads it runs (see [`is_disturbed`]; the rule is in
//!   `docs/glossary.md`).
//! - **Noisy.** Criterion's own signal: a wide spread of the samples or many
//!   outliers ([`is_noisy`]).

use crate::model::{Benchmark, Interference};
use crate::stats::percentiles::quantile_sorted;

/// Default share of a core, per thread the benchmark runs, that others may
/// take before it counts as disturbed.
pub const DEFAULT_FRACTION: f64 = 0.1;

/// Noisy when the median absolute deviation is more than this share of the median.
pub const NOISY_SPREAD: f64 = 0.05;
/// Noisy when more than this share of the samples are outliers (Tukey's
/// fences at 1.5 x the interquartile range, criterion's "mild" and "severe").
pub const NOISY_OUTLIERS: f64 = 0.2;

/// The aggregate `cpu` line of `/proc/stat`, in ticks over all CPUs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CpuTimes {
    /// user + nice + system + irq + softirq (guest time is inside user).
    pub busy: u64,
    /// Time the hypervisor ran something else while a vCPU wanted to run.
    pub steal: u64,
    /// Every state: busy + idle + iowait + steal.
    pub total: u64,
    /// The `cpuN` lines: CPUs the kernel counts in `total`.
    pub cpus: u32,
}

/// Parses `/proc/stat`; `None` when its `cpu` line is missing or malformed.
pub fn parse_proc_stat(text: &str) -> Option<CpuTimes> {
    let mut aggregate = None;
    let mut cpus = 0u32;
    for line in text.lines() {
        let mut fields = line.split_whitespace();
        match fields.next() {
            Some("cpu") => {
                let v: Vec<u64> = fields.map(|f| f.parse().ok()).collect::<Option<_>>()?;
                // user nice system idle iowait irq softirq steal [guest guest_nice]
                if v.len() < 8 {
                    return None;
                }
                aggregate = Some((v[0] + v[1] + v[2] + v[5] + v[6], v[7], v[..8].iter().sum()));
            }
            Some(name) if name.starts_with("cpu") => cpus += 1,
            _ => {}
        }
    }
    let (busy, steal, total) = aggregate?;
    (cpus > 0).then_some(CpuTimes {
        busy,
        steal,
        total,
        cpus,
    })
}

/// What `/proc/<pid>/stat` says about one process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcStat {
    pub pid: u32,
    pub ppid: u32,
    pub command: String,
    /// utime + stime (all threads) + cutime + cstime (reaped children).
    pub ticks: u64,
    /// utime + stime only: what the process itself is using now.
    pub own_ticks: u64,
}

/// Parses one `/proc/<pid>/stat` line. The command is in parentheses and
/// may itself contain spaces and parentheses, so fields are counted from
/// the last `)`.
pub fn parse_pid_stat(text: &str) -> Option<ProcStat> {
    let open = text.find('(')?;
    let close = text.rfind(')')?;
    let pid = text[..open].trim().parse().ok()?;
    let command = text.get(open + 1..close)?.to_owned();
    // After ")": state(3) ppid(4) ... utime(14) stime(15) cutime(16) cstime(17).
    let rest: Vec<&str> = text[close + 1..].split_whitespace().collect();
    let field = |n: usize| rest.get(n - 3).and_then(|f| f.parse::<i64>().ok());
    let ppid = u32::try_from(field(4)?).ok()?;
    let tick = |n| field(n).map(|t| u64::try_from(t).unwrap_or(0));
    let own_ticks = tick(14)? + tick(15)?;
    Some(ProcStat {
        pid,
        ppid,
        command,
        ticks: own_ticks + tick(16)? + tick(17)?,
        own_ticks,
    })
}

/// The 1-, 5- and 15-minute load averages of `/proc/loadavg`.
pub fn parse_loadavg(text: &str) -> Option<[f64; 3]> {
    let v: Vec<f64> = text
        .split_whitespace()
        .take(3)
        .map(|f| f.parse().ok())
        .collect::<Option<_>>()?;
    Some([*v.first()?, *v.get(1)?, *v.get(2)?])
}

/// Ticks of `root` and all its descendants among `procs`.
pub fn tree_ticks(procs: &[ProcStat], root: u32) -> u64 {
    let mut members = vec![root];
    let mut i = 0;
    // Parents appear before children in no guaranteed order: grow the set
    // until it stops changing (trees here are a few processes deep).
    while i < members.len() {
        let parent = members[i];
        members.extend(
            procs
                .iter()
                .filter(|p| p.ppid == parent && p.pid != parent)
                .map(|p| p.pid),
        );
        i += 1;
    }
    procs
        .iter()
        .filter(|p| members.contains(&p.pid))
        .map(|p| p.ticks)
        .sum()
}

/// One reading of the machine at a benchmark's start or end.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Snapshot {
    pub cpu: CpuTimes,
    /// Ticks of our process tree (report, cargo, the bench process).
    pub own: u64,
    /// 1-minute load average, when readable.
    pub load: Option<f64>,
}

/// CPU used between two snapshots, in cores.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    pub others_cores: f64,
    pub steal_cores: f64,
    /// Elapsed time, in ticks per CPU.
    pub ticks: u64,
    pub cpus: u32,
}

/// What others and the hypervisor took between `start` and `end`; `None`
/// when no time passed (or the counters went backwards: another boot).
pub fn window(start: &Snapshot, end: &Snapshot) -> Option<Window> {
    let d = |a: u64, b: u64| b.checked_sub(a);
    let total = d(start.cpu.total, end.cpu.total)?;
    let busy = d(start.cpu.busy, end.cpu.busy)?;
    let steal = d(start.cpu.steal, end.cpu.steal)?;
    // A process of our tree that exited unreaped takes its ticks with it,
    // so `own` can shrink: count that as no own time rather than negative.
    let own = end.own.saturating_sub(start.own);
    let cpus = end.cpu.cpus.max(1);
    let per_cpu = total as f64 / f64::from(cpus);
    (per_cpu > 0.0).then(|| Window {
        others_cores: busy.saturating_sub(own) as f64 / per_cpu,
        steal_cores: steal as f64 / per_cpu,
        ticks: (per_cpu.round()) as u64,
        cpus,
    })
}

/// The disturbed rule. A benchmark running `threads` threads on a machine
/// of `cpus` CPUs uses `min(threads, cpus)` of them and leaves the rest
/// free; what others (and steal) took beyond the free CPUs came out of its
/// own. It is disturbed when that exceeds `fraction` x the CPUs it uses:
/// with the default 0.1, a single-threaded benchmark on one CPU tolerates a
/// tenth of a core, one using every core of a 4-core machine 0.4 cores
/// (any core kept busy disturbs it), and a single-threaded one on 4 CPUs
/// only counts what others took beyond the 3 it leaves free.
pub fn is_disturbed(others_and_steal: f64, threads: u32, cpus: u32, fraction: f64) -> bool {
    let used = threads.clamp(1, cpus.max(1));
    let free = f64::from(cpus.saturating_sub(used));
    others_and_steal - free > fraction * f64::from(used)
}

impl Interference {
    /// CPU others and the hypervisor took, in cores: what the rule judges.
    pub fn taken_cores(&self) -> f64 {
        self.others_cores + self.steal_cores.unwrap_or(0.0)
    }
}

/// Criterion's signal of noise: the samples' median absolute deviation
/// relative to their median above [`NOISY_SPREAD`], or more than
/// [`NOISY_OUTLIERS`] of the samples outside Tukey's fences (Q1 − 1.5 IQR,
/// Q3 + 1.5 IQR, as criterion classifies outliers). Needs 5 samples.
pub fn is_noisy(b: &Benchmark) -> bool {
    let mut xs: Vec<f64> = b
        .sampling
        .per_iteration_ns
        .iter()
        .copied()
        .filter(|x| x.is_finite())
        .collect();
    if xs.len() < 5 {
        return false;
    }
    xs.sort_by(f64::total_cmp);
    let q = |sorted: &[f64], p| quantile_sorted(sorted, p).unwrap_or(f64::NAN);
    let median = q(&xs, 0.5);
    let mut deviations: Vec<f64> = xs.iter().map(|x| (x - median).abs()).collect();
    deviations.sort_by(f64::total_cmp);
    let mad = q(&deviations, 0.5);
    if median > 0.0 && mad / median > NOISY_SPREAD {
        return true;
    }
    let (q1, q3) = (q(&xs, 0.25), q(&xs, 0.75));
    let iqr = q3 - q1;
    let outliers = xs
        .iter()
        .filter(|&&x| x < q1 - 1.5 * iqr || x > q3 + 1.5 * iqr)
        .count();
    outliers as f64 / xs.len() as f64 > NOISY_OUTLIERS
}

/// Why a result should be read with care.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mark {
    /// Other processes took the CPUs it needed while it ran.
    Disturbed,
    /// Criterion's samples spread widely or have many outliers.
    Noisy,
}

impl Mark {
    /// The symbol tables put after a value.
    pub fn symbol(self) -> &'static str {
        match self {
            Mark::Disturbed => "!",
            Mark::Noisy => "≈",
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            Mark::Disturbed => "disturbed",
            Mark::Noisy => "noisy",
        }
    }

    /// The legend line reports print under a table that uses the mark.
    pub fn legend(self) -> &'static str {
        match self {
            Mark::Disturbed => {
                "! disturbed: other processes took the CPUs this benchmark uses while it ran (see the run's interference figures)"
            }
            Mark::Noisy => {
                "≈ noisy: criterion's samples spread widely or have many outliers (glossary: noisy)"
            }
        }
    }
}

/// The marks of one benchmark, disturbed first.
pub fn marks(b: &Benchmark) -> Vec<Mark> {
    let mut out = Vec::new();
    if b.interference.as_ref().is_some_and(|i| i.disturbed) {
        out.push(Mark::Disturbed);
    }
    if is_noisy(b) {
        out.push(Mark::Noisy);
    }
    out
}

/// The marks of several benchmarks (a derived value is marked when any of
/// its inputs is), sorted and without repeats.
pub fn marks_of<'a>(benches: impl IntoIterator<Item = &'a Benchmark>) -> Vec<Mark> {
    let mut out: Vec<Mark> = benches.into_iter().flat_map(marks).collect();
    out.sort();
    out.dedup();
    out
}

/// `" !≈"`-style suffix for a value (empty when unmarked).
pub fn suffix(marks: &[Mark]) -> String {
    if marks.is_empty() {
        return String::new();
    }
    let mut s = String::from(" ");
    for m in marks {
        s.push_str(m.symbol());
    }
    s
}

/// A run's interference in one place, for summaries.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunSummary {
    /// Benchmarks with figures (0: not sampled, e.g. not Linux or ingested).
    pub sampled: usize,
    /// Mean and largest CPU others took, in cores, over the sampled benchmarks.
    pub mean_others_cores: f64,
    pub max_others_cores: f64,
    pub mean_steal_cores: f64,
    /// Full ids of the benchmarks still disturbed.
    pub disturbed: Vec<String>,
    /// Measured a second time, and of those, no longer disturbed.
    pub retried: usize,
    pub recovered: usize,
}

impl RunSummary {
    pub fn of(benchmarks: &[Benchmark]) -> Self {
        let mut s = RunSummary::default();
        let (mut others, mut steal) = (0.0, 0.0);
        for b in benchmarks {
            let Some(i) = &b.interference else { continue };
            s.sampled += 1;
            others += i.others_cores;
            steal += i.steal_cores.unwrap_or(0.0);
            s.max_others_cores = s.max_others_cores.max(i.others_cores);
            if i.disturbed {
                s.disturbed.push(b.id.full_id());
            }
            if i.attempts > 1 {
                s.retried += 1;
                s.recovered += usize::from(!i.disturbed);
            }
        }
        if s.sampled > 0 {
            s.mean_others_cores = others / s.sampled as f64;
            s.mean_steal_cores = steal / s.sampled as f64;
        }
        s
    }

    /// One sentence for people: how much CPU others took and what it did.
    pub fn sentence(&self) -> String {
        if self.sampled == 0 {
            return "interference: unknown (not sampled)".to_owned();
        }
        let mut s = format!(
            "interference: other processes took {:.2} cores on average while benchmarks ran (at most {:.2}; steal {:.2}); {} of {} benchmark{} disturbed",
            self.mean_others_cores,
            self.max_others_cores,
            self.mean_steal_cores,
            self.disturbed.len(),
            self.sampled,
            if self.sampled == 1 { "" } else { "s" },
        );
        if self.retried > 0 {
            s.push_str(&format!(
                " after measuring {} again ({} recovered)",
                self.retried, self.recovered
            ));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_counts_only_what_came_out_of_the_cpus_a_benchmark_uses() {
        // 2 CPUs, one core kept busy by another process.
        assert!(
            !is_disturbed(1.0, 1, 2, DEFAULT_FRACTION),
            "serial keeps its own CPU"
        );
        assert!(is_disturbed(1.0, 2, 2, DEFAULT_FRACTION));
        assert!(
            is_disturbed(1.0, 8, 2, DEFAULT_FRACTION),
            "8 threads on 2 CPUs use both"
        );
        // Thresholds: 0.1 core per CPU used.
        assert!(!is_disturbed(0.09, 1, 1, DEFAULT_FRACTION));
        assert!(is_disturbed(0.11, 1, 1, DEFAULT_FRACTION));
        assert!(!is_disturbed(0.39, 4, 4, DEFAULT_FRACTION));
        assert!(is_disturbed(0.41, 4, 4, DEFAULT_FRACTION));
        assert!(!is_disturbed(3.05, 1, 4, DEFAULT_FRACTION));
        assert!(is_disturbed(3.15, 1, 4, DEFAULT_FRACTION));
        // A zero thread count (unknown `max`) is read as one thread.
        assert!(is_disturbed(0.2, 0, 1, DEFAULT_FRACTION));
    }

    #[test]
    fn window_subtracts_our_own_ticks() {
        let snap = |busy, steal, total, own| Snapshot {
            cpu: CpuTimes {
                busy,
                steal,
                total,
                cpus: 2,
            },
            own,
            load: None,
        };
        // 1 s on 2 CPUs at 100 ticks/s: 200 ticks in all. Busy 150, of
        // which ours 100: others 50 ticks = 0.5 core; steal 20 = 0.2 core.
        let w = window(&snap(1000, 10, 5000, 300), &snap(1150, 30, 5200, 400)).unwrap();
        assert!((w.others_cores - 0.5).abs() < 1e-9, "{w:?}");
        assert!((w.steal_cores - 0.2).abs() < 1e-9, "{w:?}");
        assert_eq!(w.ticks, 100);
        assert_eq!(window(&snap(1, 0, 5, 0), &snap(1, 0, 5, 0)), None);
        assert_eq!(window(&snap(9, 0, 9, 0), &snap(1, 0, 5, 0)), None);
    }

    #[test]
    fn pid_stat_with_parentheses_in_the_command() {
        let line = "42 (a (b) c) S 7 42 42 0 -1 0 0 0 0 0 10 5 3 2 20 0 4 0";
        let p = parse_pid_stat(line).unwrap();
        assert_eq!((p.pid, p.ppid, p.command.as_str()), (42, 7, "a (b) c"));
        assert_eq!((p.own_ticks, p.ticks), (15, 20));
        assert_eq!(parse_pid_stat("42 (x) S"), None);
    }

    #[test]
    fn tree_ticks_follow_parent_links() {
        let p = |pid, ppid, ticks| ProcStat {
            pid,
            ppid,
            command: String::new(),
            ticks,
            own_ticks: ticks,
        };
        // 10 -> 11 -> 12 is our tree; 20 is someone else's; the child is
        // listed before its parent.
        let procs = [p(12, 11, 5), p(10, 1, 1), p(11, 10, 2), p(20, 1, 100)];
        assert_eq!(tree_ticks(&procs, 10), 8);
        assert_eq!(tree_ticks(&procs, 99), 0);
    }
}
