//! Serde mirrors of the files criterion writes in each benchmark's baseline
//! folder (`benchmark.json`, `estimates.json`, `sample.json`), kept apart from
//! the domain (`model`): criterion documents these files as private and has
//! changed them before, so this module absorbs the differences between
//! versions 0.3 to 0.8 and `ingest` converts to the domain.
//!
//! Version differences handled here:
//! - very old versions wrote PascalCase keys (`Mean`, `MedianAbsDev`,
//!   `GroupId`, ...): accepted through serde aliases;
//! - `slope` is absent or `null` in Flat sampling mode;
//! - `sample.json` before 0.3.4 was a bare `[iters, times]` pair without a
//!   sampling mode; criterion only had linear sampling then;
//! - throughput kinds grew over time (`Bits` in 0.7, `ElementsAndBytes` in 0.8).
//!
//! serde_json writes a NaN or infinite float as `null`, so numbers are read as
//! `Option<f64>`: a `null` estimate is reported as "not a number" by `ingest`
//! instead of as a confusing type error.
//!
//! Every error names the file it came from.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::DeserializeOwned;

/// Largest criterion file read. Real ones are a few KiB (a `sample.json` of
/// 100 samples is under 4 KiB); a bigger file is not criterion's.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// A criterion file that could not be read or understood.
#[derive(Debug, thiserror::Error)]
pub enum CriterionError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not a criterion {what} file: {source}")]
    Parse {
        path: PathBuf,
        what: &'static str,
        #[source]
        source: serde_json::Error,
    },
    #[error("{path}: {size} bytes is larger than any criterion file (limit {MAX_FILE_BYTES})")]
    TooLarge { path: PathBuf, size: u64 },
    /// A link or something other than a regular file (see `safe_read`).
    #[error(transparent)]
    Read(crate::safe_read::ReadError),
}

/// `benchmark.json`: the benchmark's id and throughput.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct BenchmarkFile {
    #[serde(alias = "GroupId")]
    pub group_id: String,
    #[serde(default, alias = "FunctionId")]
    pub function_id: Option<String>,
    #[serde(default, alias = "ValueStr")]
    pub value_str: Option<String>,
    #[serde(default, alias = "Throughput")]
    pub throughput: Option<ThroughputFile>,
    #[serde(default, alias = "FullId")]
    pub full_id: Option<String>,
    #[serde(default, alias = "DirectoryName")]
    pub directory_name: Option<String>,
    #[serde(default, alias = "Title")]
    pub title: Option<String>,
}

/// Criterion's `Throughput`, work done per iteration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum ThroughputFile {
    Bytes(u64),
    BytesDecimal(u64),
    Elements(u64),
    Bits(u64),
    ElementsAndBytes { elements: u64, bytes: u64 },
}

/// `estimates.json`: point estimates with confidence intervals, ns/iteration.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct EstimatesFile {
    #[serde(alias = "Mean")]
    pub mean: EstimateFile,
    #[serde(alias = "Median")]
    pub median: EstimateFile,
    #[serde(alias = "MedianAbsDev")]
    pub median_abs_dev: EstimateFile,
    #[serde(default, alias = "Slope")]
    pub slope: Option<EstimateFile>,
    #[serde(alias = "StdDev")]
    pub std_dev: EstimateFile,
}

/// One estimate of `estimates.json`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct EstimateFile {
    #[serde(alias = "ConfidenceInterval")]
    pub confidence_interval: ConfidenceIntervalFile,
    #[serde(alias = "PointEstimate")]
    pub point_estimate: Option<f64>,
    #[serde(alias = "StandardError")]
    pub standard_error: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ConfidenceIntervalFile {
    #[serde(alias = "ConfidenceLevel")]
    pub confidence_level: Option<f64>,
    #[serde(alias = "LowerBound")]
    pub lower_bound: Option<f64>,
    #[serde(alias = "UpperBound")]
    pub upper_bound: Option<f64>,
}

/// `sample.json`: iteration counts and total times (ns) of each sample.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleFile {
    /// `None` in files older than criterion 0.3.4, which sampled linearly.
    pub sampling_mode: Option<SamplingModeFile>,
    pub iters: Vec<Option<f64>>,
    pub times: Vec<Option<f64>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum SamplingModeFile {
    Linear,
    Flat,
    /// Never written (criterion resolves `Auto` before saving), accepted anyway.
    Auto,
}

impl<'de> Deserialize<'de> for SampleFile {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Saved {
            #[serde(default, alias = "SamplingMode")]
            sampling_mode: Option<SamplingModeFile>,
            #[serde(alias = "Iters")]
            iters: Vec<Option<f64>>,
            #[serde(alias = "Times")]
            times: Vec<Option<f64>>,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Saved(Saved),
            Pair(Vec<Option<f64>>, Vec<Option<f64>>),
        }
        Ok(match Either::deserialize(d)? {
            Either::Saved(s) => SampleFile {
                sampling_mode: s.sampling_mode,
                iters: s.iters,
                times: s.times,
            },
            Either::Pair(iters, times) => SampleFile {
                sampling_mode: None,
                iters,
                times,
            },
        })
    }
}

/// Reads a file of at most [`MAX_FILE_BYTES`] that is not a symbolic link (a
/// link could lead outside the criterion directory) and is a regular file.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, CriterionError> {
    use crate::safe_read::{self, Links, ReadError};
    safe_read::read_regular(path, MAX_FILE_BYTES, Links::Refuse, "a criterion file").map_err(|e| {
        match e {
            ReadError::Io { path, source } => CriterionError::Io { path, source },
            ReadError::TooLarge { path, size, .. } => CriterionError::TooLarge { path, size },
            other @ (ReadError::Link { .. } | ReadError::NotRegular { .. }) => {
                CriterionError::Read(other)
            }
        }
    })
}

fn parse<T: DeserializeOwned>(
    path: &Path,
    what: &'static str,
    bytes: &[u8],
) -> Result<T, CriterionError> {
    serde_json::from_slice(bytes).map_err(|source| CriterionError::Parse {
        path: path.to_owned(),
        what,
        source,
    })
}

/// Parses `benchmark.json` bytes; `path` names the file in errors.
pub fn parse_benchmark(path: &Path, bytes: &[u8]) -> Result<BenchmarkFile, CriterionError> {
    parse(path, "benchmark.json", bytes)
}

/// Parses `estimates.json` bytes; `path` names the file in errors.
pub fn parse_estimates(path: &Path, bytes: &[u8]) -> Result<EstimatesFile, CriterionError> {
    parse(path, "estimates.json", bytes)
}

/// Parses `sample.json` bytes; `path` names the file in errors.
pub fn parse_sample(path: &Path, bytes: &[u8]) -> Result<SampleFile, CriterionError> {
    parse(path, "sample.json", bytes)
}

pub fn read_benchmark(path: &Path) -> Result<BenchmarkFile, CriterionError> {
    parse_benchmark(path, &read_bytes(path)?)
}

pub fn read_estimates(path: &Path) -> Result<EstimatesFile, CriterionError> {
    parse_estimates(path, &read_bytes(path)?)
}

pub fn read_sample(path: &Path) -> Result<SampleFile, CriterionError> {
    parse_sample(path, &read_bytes(path)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ESTIMATE: &str = r#"{"confidence_interval":{"confidence_level":0.95,"lower_bound":1.0,"upper_bound":3.0},"point_estimate":2.0,"standard_error":0.5}"#;

    #[test]
    fn pascal_case_estimates_of_old_versions_are_accepted() {
        let e = ESTIMATE;
        let old =
            format!(r#"{{"Mean":{e},"Median":{e},"MedianAbsDev":{e},"Slope":{e},"StdDev":{e}}}"#);
        let parsed = parse_estimates(Path::new("old/estimates.json"), old.as_bytes()).unwrap();
        assert_eq!(parsed.mean.point_estimate, Some(2.0));
        assert!(parsed.slope.is_some());
        let flat = format!(
            r#"{{"mean":{e},"median":{e},"median_abs_dev":{e},"slope":null,"std_dev":{e}}}"#
        );
        let parsed = parse_estimates(Path::new("x"), flat.as_bytes()).unwrap();
        assert_eq!(parsed.slope, None);
    }

    #[test]
    fn nan_written_as_null_parses_as_none() {
        let e = r#"{"confidence_interval":{"confidence_level":0.95,"lower_bound":null,"upper_bound":3.0},"point_estimate":null,"standard_error":0.5}"#;
        let parsed: EstimateFile = serde_json::from_str(e).unwrap();
        assert_eq!(parsed.point_estimate, None);
        assert_eq!(parsed.confidence_interval.lower_bound, None);
    }

    #[test]
    fn old_sample_pair_and_new_sample_struct() {
        let old = parse_sample(Path::new("s"), b"[[1.0,2.0],[10.0,20.0]]").unwrap();
        assert_eq!(old.sampling_mode, None);
        assert_eq!(old.iters, vec![Some(1.0), Some(2.0)]);
        let new = parse_sample(
            Path::new("s"),
            br#"{"sampling_mode":"Flat","iters":[3.0],"times":[30.0]}"#,
        )
        .unwrap();
        assert_eq!(new.sampling_mode, Some(SamplingModeFile::Flat));
        assert_eq!(new.times, vec![Some(30.0)]);
    }

    #[test]
    fn every_throughput_kind() {
        let cases = [
            (r#"{"Bytes":5}"#, ThroughputFile::Bytes(5)),
            (r#"{"BytesDecimal":5}"#, ThroughputFile::BytesDecimal(5)),
            (r#"{"Elements":5}"#, ThroughputFile::Elements(5)),
            (r#"{"Bits":5}"#, ThroughputFile::Bits(5)),
            (
                r#"{"ElementsAndBytes":{"elements":2,"bytes":7}}"#,
                ThroughputFile::ElementsAndBytes {
                    elements: 2,
                    bytes: 7,
                },
            ),
        ];
        for (json, expected) in cases {
            assert_eq!(
                serde_json::from_str::<ThroughputFile>(json).unwrap(),
                expected
            );
        }
    }

    #[test]
    fn parse_errors_name_the_file_and_kind() {
        let err =
            parse_benchmark(Path::new("a/new/benchmark.json"), b"{\"group_id\":").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("a/new/benchmark.json"), "{msg}");
        assert!(msg.contains("not a criterion benchmark.json file"), "{msg}");
    }
}
