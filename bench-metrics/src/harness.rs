//! What a criterion harness was started to do, decided from its arguments by
//! criterion's own rules (criterion 0.8, `Criterion::configure_from_args`),
//! so every bench crate's harness decides alike: whether to use full-size
//! inputs, and whether to record metrics.
//!
//! - `--list` lists and measures nothing (it wins over everything);
//! - no `--bench` (as under `cargo test --benches`) or `--test` is test mode:
//!   each benchmark runs once, unmeasured;
//! - `--profile-time N` (or `--profile-time=N`) runs under a profiler, timed
//!   but without criterion's analysis or files;
//! - otherwise criterion measures.

/// How criterion will run this harness.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HarnessMode {
    /// `cargo bench`: measured, analysed, files written.
    Measure,
    /// `cargo test --benches` or `-- --test`: each benchmark once.
    Test,
    /// `-- --list`: names only.
    List,
    /// `-- --profile-time N`: run for a profiler, no files.
    ProfileTime,
}

impl HarnessMode {
    /// The mode for these arguments (the program name included or not).
    pub fn from_args<S: AsRef<str>>(args: impl IntoIterator<Item = S>) -> Self {
        let (mut bench, mut test, mut list, mut profile) = (false, false, false, false);
        for arg in args {
            match arg.as_ref() {
                "--bench" => bench = true,
                "--test" => test = true,
                "--list" => list = true,
                a if a == "--profile-time" || a.starts_with("--profile-time=") => profile = true,
                _ => {}
            }
        }
        if list {
            HarnessMode::List
        } else if test || !bench {
            HarnessMode::Test
        } else if profile {
            HarnessMode::ProfileTime
        } else {
            HarnessMode::Measure
        }
    }

    /// The mode of this process, from `std::env::args`.
    pub fn current() -> Self {
        Self::from_args(std::env::args())
    }

    /// Whether the harness measures for real, so inputs must be full size
    /// (test and list modes may scale them down: nothing is timed).
    pub fn measures(self) -> bool {
        matches!(self, HarnessMode::Measure | HarnessMode::ProfileTime)
    }

    /// Whether metrics are recorded: only by measured runs, as criterion
    /// writes its own files only then; a `--test`, `--list` or profiling run
    /// must not replace a real run's metrics.
    pub fn records_metrics(self) -> bool {
        self == HarnessMode::Measure
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(args: &[&str]) -> HarnessMode {
        HarnessMode::from_args(args.iter().copied())
    }

    #[test]
    fn follows_criterions_rules() {
        assert_eq!(mode(&["prog", "--bench"]), HarnessMode::Measure);
        assert_eq!(mode(&["prog"]), HarnessMode::Test);
        assert_eq!(mode(&["prog", "--bench", "--test"]), HarnessMode::Test);
        assert_eq!(mode(&["prog", "--bench", "--list"]), HarnessMode::List);
        assert_eq!(mode(&["prog", "--list"]), HarnessMode::List);
        assert_eq!(
            mode(&["prog", "--bench", "--profile-time", "5"]),
            HarnessMode::ProfileTime
        );
        assert_eq!(
            mode(&["prog", "--bench", "--profile-time=5"]),
            HarnessMode::ProfileTime
        );
        // Not criterion's flag: a filter that happens to start like it.
        assert_eq!(
            mode(&["prog", "--bench", "--profile-timex"]),
            HarnessMode::Measure
        );
    }

    #[test]
    fn only_measured_runs_record_metrics() {
        assert!(HarnessMode::Measure.records_metrics());
        for m in [
            HarnessMode::Test,
            HarnessMode::List,
            HarnessMode::ProfileTime,
        ] {
            assert!(!m.records_metrics(), "{m:?}");
        }
        assert!(HarnessMode::ProfileTime.measures());
        assert!(!HarnessMode::List.measures() && !HarnessMode::Test.measures());
    }
}
