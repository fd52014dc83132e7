//! Measurement settings: how long criterion measures each benchmark, turned
//! into the arguments after `cargo bench --`.
//!
//! Criterion applies command-line flags on top of each crate's
//! `criterion_group!` config (ours already aim at 3-4 minutes per crate), but
//! cannot override settings a group sets itself; so every mode below changes
//! only what criterion lets the command line change.

use std::fmt;

/// Warm-up of the default (first-run) mode, seconds.
pub const DEFAULT_WARM_UP_S: f64 = 0.15;
/// Measurement time of the default mode, seconds.
pub const DEFAULT_MEASUREMENT_S: f64 = 0.35;
/// Samples of the default mode for groups that do not set their own (the
/// slow ones set flat sampling and 10 samples themselves): 20 keeps the
/// linear plan (210 x one iteration) within the measurement time for
/// iterations up to ~2 ms, with enough samples for a confidence interval.
pub const DEFAULT_SAMPLE_SIZE: usize = 20;
/// Bootstrap resamples of the default mode (criterion: 100,000). Analysis
/// is otherwise a large share of a 0.5 s benchmark on two cores; 5,000
/// still gives stable 95% intervals for a first look.
pub const DEFAULT_NRESAMPLES: usize = 5_000;

/// How long to measure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Settings {
    /// Short enough for a first run of every crate in a few minutes on two
    /// cores (see the constants above and ARCHITECTURE notes in `runner`).
    FirstRun,
    /// Criterion's `--quick`: no warm-up, two samples, stops once the
    /// estimate is within the significance level (5%) or after the crate's
    /// measurement time. Percentiles of such runs are marked unreliable.
    Quick,
    /// Criterion's own defaults, passed explicitly because our crates set
    /// shorter ones in their configs: 3 s warm-up, 5 s measurement, 100 samples.
    Full,
    /// The crates' own configs with only the given values replaced.
    Custom {
        sample_size: Option<usize>,
        measurement_time: Option<f64>,
    },
}

/// Settings that criterion would reject (it asserts rather than erroring).
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SettingsError {
    #[error("--sample-size {0}: criterion needs at least 10 samples")]
    SampleSize(usize),
    #[error("--measurement-time {0}: expected a positive number of seconds")]
    MeasurementTime(f64),
    #[error("--filter '{filter}' is not a valid regular expression: {reason}")]
    Filter { filter: String, reason: String },
}

impl Settings {
    /// Picks the mode from the command-line flags (clap already rejects
    /// `--quick` or `--full` together with the explicit values).
    pub fn from_flags(
        quick: bool,
        full: bool,
        sample_size: Option<usize>,
        measurement_time: Option<f64>,
    ) -> Result<Self, SettingsError> {
        if let Some(n) = sample_size.filter(|&n| n < 10) {
            return Err(SettingsError::SampleSize(n));
        }
        if let Some(t) = measurement_time.filter(|t| !(t.is_finite() && *t > 0.0)) {
            return Err(SettingsError::MeasurementTime(t));
        }
        Ok(if quick {
            Self::Quick
        } else if full {
            Self::Full
        } else if sample_size.is_some() || measurement_time.is_some() {
            Self::Custom {
                sample_size,
                measurement_time,
            }
        } else {
            Self::FirstRun
        })
    }

    /// Criterion flags for this mode.
    pub fn criterion_args(&self) -> Vec<String> {
        let s = |x: &str| x.to_owned();
        match *self {
            Self::FirstRun => vec![
                s("--warm-up-time"),
                DEFAULT_WARM_UP_S.to_string(),
                s("--measurement-time"),
                DEFAULT_MEASUREMENT_S.to_string(),
                s("--sample-size"),
                DEFAULT_SAMPLE_SIZE.to_string(),
                s("--nresamples"),
                DEFAULT_NRESAMPLES.to_string(),
            ],
            Self::Quick => vec![s("--quick")],
            Self::Full => vec![
                s("--warm-up-time"),
                s("3"),
                s("--measurement-time"),
                s("5"),
                s("--sample-size"),
                s("100"),
            ],
            Self::Custom {
                sample_size,
                measurement_time,
            } => {
                let mut args = Vec::new();
                if let Some(n) = sample_size {
                    args.extend([s("--sample-size"), n.to_string()]);
                }
                if let Some(t) = measurement_time {
                    args.extend([s("--measurement-time"), t.to_string()]);
                }
                args
            }
        }
    }
}

impl fmt::Display for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FirstRun => write!(
                f,
                "first-run settings (warm-up {DEFAULT_WARM_UP_S} s, measurement \
                 {DEFAULT_MEASUREMENT_S} s, {DEFAULT_SAMPLE_SIZE} samples, \
                 {DEFAULT_NRESAMPLES} resamples; --full for criterion's defaults)"
            ),
            Self::Quick => f.write_str("criterion --quick"),
            Self::Full => {
                f.write_str("criterion defaults (warm-up 3 s, measurement 5 s, 100 samples)")
            }
            Self::Custom { .. } => write!(
                f,
                "the crates' configs with {}",
                self.criterion_args().join(" ")
            ),
        }
    }
}

/// Criterion's benchmark filter, checked before anything is built (a bad
/// regex would otherwise panic inside every bench process).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter(String);

impl Filter {
    pub fn new(filter: &str) -> Result<Self, SettingsError> {
        regex::Regex::new(filter).map_err(|e| SettingsError::Filter {
            filter: filter.to_owned(),
            reason: e.to_string(),
        })?;
        // A positional argument starting with `-` would be read as a flag;
        // an empty group in front matches exactly the same names.
        Ok(Self(if filter.starts_with('-') {
            format!("(?:){filter}")
        } else {
            filter.to_owned()
        }))
    }

    /// A filter that selects exactly these benchmark ids: `^(?:a|b)$` with
    /// every id escaped (criterion matches its regex against the full id).
    pub fn exactly(ids: &[String]) -> Self {
        let alternatives: Vec<String> = ids.iter().map(|id| regex::escape(id)).collect();
        Self(format!("^(?:{})$", alternatives.join("|")))
    }

    /// The argument criterion gets.
    pub fn as_arg(&self) -> &str {
        &self.0
    }
}

/// Everything after `cargo bench ... --` for measuring.
pub fn bench_args(settings: &Settings, filter: Option<&Filter>) -> Vec<String> {
    let mut args = settings.criterion_args();
    args.extend(filter.map(|f| f.as_arg().to_owned()));
    args
}

/// Everything after `cargo bench ... --` for listing the benchmarks that
/// would run (criterion applies the filter to `--list` too).
pub fn list_args(filter: Option<&Filter>) -> Vec<String> {
    let mut args = vec!["--list".to_owned()];
    args.extend(filter.map(|f| f.as_arg().to_owned()));
    args
}
