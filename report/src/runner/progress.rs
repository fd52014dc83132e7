//! Progress of a `report run`: reading criterion's output as it streams, and
//! showing cells done / total, the current crate and benchmark, elapsed time
//! and an estimate of what is left, as an indicatif bar on a terminal or as
//! plain lines (CI logs, `--quiet`).
//!
//! Criterion prints `Benchmarking <id>` (plus `: Warming up…`, `: Collecting…`,
//! `: Analyzing`) on stderr when a benchmark starts, and `<id>  time: [lo mid
//! hi]` on stdout when it is done; ids longer than 23 characters go on their
//! own line just before the `time:` line; a `change:` line (there is an
//! earlier result) starts a block whose `time:` line is not a benchmark.
//! Nothing else is relied upon.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Which stream a line came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// What a line of criterion output means for progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BenchEvent {
    /// A benchmark started (or moved to its next phase).
    Started(String),
    /// A benchmark finished; `time` is criterion's point estimate as printed
    /// (`1.2345 ms`).
    Finished { id: String, time: Option<String> },
}

/// Turns criterion's lines into [`BenchEvent`]s. Keep one per bench process.
#[derive(Debug, Default)]
pub struct LineParser {
    previous_stdout: Option<String>,
}

const PHASES: [&str; 5] = [
    ": Warming up",
    ": Collecting",
    ": Analyzing",
    ": Profiling",
    ": Complete",
];

impl LineParser {
    pub fn line(&mut self, stream: Stream, raw: &str) -> Option<BenchEvent> {
        let line = strip_ansi(raw);
        let line = line.trim_end();
        match stream {
            Stream::Stderr => parse_started(line),
            Stream::Stdout => {
                let event = parse_finished(line, self.previous_stdout.as_deref());
                self.previous_stdout = Some(line.to_owned());
                event
            }
        }
    }
}

fn parse_started(line: &str) -> Option<BenchEvent> {
    let rest = line.strip_prefix("Benchmarking ")?;
    let id = PHASES
        .iter()
        .filter_map(|p| rest.find(p))
        .min()
        .map_or(rest, |at| &rest[..at]);
    (!id.is_empty()).then(|| BenchEvent::Started(id.to_owned()))
}

fn parse_finished(line: &str, previous: Option<&str>) -> Option<BenchEvent> {
    let at = line.find("time:")?;
    let bracket = line[at..].find('[')? + at;
    let close = line[bracket..].find(']')? + bracket;
    let head = line[..at].trim();
    let id = if head.is_empty() {
        // A second run in the same directory adds a `change:` block whose
        // `time:` line holds percentages, not a finished benchmark.
        previous
            .map(str::trim)
            .filter(|p| !p.is_empty() && *p != "change:")?
    } else {
        head
    };
    // `[1.2 ms 1.3 ms 1.4 ms]`: the middle value and its unit.
    let parts: Vec<&str> = line[bracket + 1..close].split_whitespace().collect();
    let time = (parts.len() == 6).then(|| format!("{} {}", parts[2], parts[3]));
    Some(BenchEvent::Finished {
        id: id.to_owned(),
        time,
    })
}

/// Counts the benchmarks `--list` printed (`<id>: benchmark`).
pub fn count_listed(stdout: &str) -> usize {
    stdout
        .lines()
        .filter(|l| strip_ansi(l).trim_end().ends_with(": benchmark"))
        .count()
}

/// Removes ANSI colour/erase sequences (`ESC [ ... letter`).
pub fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.peek() == Some(&'[') {
                chars.next();
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}

/// `1h02m`, `4m05s`, `12.3s`.
pub fn human_duration(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 60.0 {
        format!("{s:.1}s")
    } else if s < 3600.0 {
        format!("{}m{:02}s", (s / 60.0) as u64, (s as u64) % 60)
    } else {
        format!("{}h{:02}m", (s / 3600.0) as u64, ((s as u64) / 60) % 60)
    }
}

/// Remaining-time estimate: the mean time per finished benchmark (measuring
/// time only; builds are not benchmarks) times the benchmarks left.
#[derive(Debug, Clone, Default)]
pub struct Estimate {
    pub measured: Duration,
    pub finished: u64,
}

impl Estimate {
    pub fn remaining(&self, left: u64) -> Option<Duration> {
        (self.finished > 0).then(|| self.measured.mul_f64(left as f64 / self.finished as f64))
    }
}

/// Where progress goes: an indicatif bar, or plain lines on stderr.
#[derive(Debug)]
pub struct Progress {
    bar: Option<ProgressBar>,
    started: Instant,
    cells_total: usize,
    cell: usize,
    cell_name: String,
    crate_name: String,
    current: String,
    /// Benchmarks expected in all cells (refined as each cell lists its own).
    pub total: u64,
    pub done: u64,
    pub estimate: Estimate,
}

impl Progress {
    /// A bar when stderr is a terminal and `quiet` is off, else plain lines.
    pub fn new(quiet: bool, cells_total: usize) -> Self {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {prefix} [{bar:25}] {pos}/{len} benchmarks {wide_msg}",
                )
                .expect("valid template")
                .progress_chars("=> "),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Self {
            bar,
            started: Instant::now(),
            cells_total,
            cell: 0,
            cell_name: String::new(),
            crate_name: String::new(),
            current: String::new(),
            total: 0,
            done: 0,
            estimate: Estimate::default(),
        }
    }

    /// A line for people, above the bar or on stderr. Lines quote benchmark
    /// ids and cargo's output, so they are neutralised (`sanitize`).
    pub fn println(&self, line: impl AsRef<str>) {
        let line = crate::sanitize::text(line.as_ref());
        match &self.bar {
            Some(bar) => bar.println(line),
            None => eprintln!("[{:>7}] {line}", human_duration(self.started.elapsed())),
        }
    }

    pub fn start_cell(&mut self, index: usize, name: &str) {
        self.cell = index;
        self.cell_name = name.to_owned();
        self.crate_name.clear();
        self.current.clear();
        self.println(format!("cell {}/{}: {name}", index + 1, self.cells_total));
        self.redraw();
    }

    /// A phase with no benchmarks (building, listing).
    pub fn phase(&mut self, what: &str) {
        self.current = what.to_owned();
        if self.bar.is_none() {
            self.println(format!("  {what}"));
        }
        self.redraw();
    }

    /// A detail of the current phase (the crate being compiled): shown on the
    /// bar only, so plain logs keep one line per phase.
    pub fn detail(&mut self, what: &str) {
        if self.bar.is_some() {
            self.current = what.to_owned();
            self.redraw();
        }
    }

    pub fn start_crate(&mut self, name: &str, count: usize) {
        self.crate_name = name.to_owned();
        self.current.clear();
        if self.bar.is_none() {
            self.println(format!("  {name}: {count} benchmarks"));
        }
        self.redraw();
    }

    pub fn set_total(&mut self, total: u64) {
        self.total = total.max(self.done);
        self.redraw();
    }

    pub fn event(&mut self, event: &BenchEvent) {
        match event {
            BenchEvent::Started(id) => {
                if &self.current != id {
                    self.current = id.clone();
                    self.redraw();
                }
            }
            BenchEvent::Finished { id, time } => {
                self.done += 1;
                if self.total < self.done {
                    self.total = self.done;
                }
                if self.bar.is_none() {
                    self.println(format!(
                        "  {} {}/{} {id}: {}{}",
                        self.crate_name,
                        self.done,
                        self.total,
                        time.as_deref().unwrap_or("done"),
                        self.eta_text()
                    ));
                }
                self.redraw();
            }
        }
    }

    fn eta_text(&self) -> String {
        self.estimate
            .remaining(self.total.saturating_sub(self.done))
            .map(|d| format!(" (about {} left)", human_duration(d)))
            .unwrap_or_default()
    }

    fn redraw(&self) {
        if let Some(bar) = &self.bar {
            bar.set_length(self.total);
            bar.set_position(self.done);
            bar.set_prefix(format!(
                "cell {}/{} {}",
                self.cell + 1,
                self.cells_total,
                self.cell_name
            ));
            let mut msg = String::new();
            if !self.crate_name.is_empty() {
                msg.push_str(&self.crate_name);
                msg.push_str(" · ");
            }
            msg.push_str(&self.current);
            msg.push_str(&self.eta_text());
            bar.set_message(crate::sanitize::one_line(&msg).into_owned());
        }
    }

    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Removes the bar before the final summary.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimate_scales_the_mean_time_per_benchmark() {
        let e = Estimate {
            measured: Duration::from_secs(10),
            finished: 5,
        };
        assert_eq!(e.remaining(3), Some(Duration::from_secs(6)));
        assert_eq!(Estimate::default().remaining(3), None);
    }

    #[test]
    fn human_durations() {
        assert_eq!(human_duration(Duration::from_millis(12_340)), "12.3s");
        assert_eq!(human_duration(Duration::from_secs(245)), "4m05s");
        assert_eq!(human_duration(Duration::from_secs(3720)), "1h02m");
    }
}
