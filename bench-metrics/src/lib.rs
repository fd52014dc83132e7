//! Non-time metrics recorded beside criterion's output.
//!
//! Criterion measures time. Some results people decide on are not times: the
//! compression ratio of a codec, the size of a SQLite file after inserting v4 or
//! v7 keys. A benchmark harness records such values here, once per benchmark,
//! and `report ingest` joins them to criterion's estimates by benchmark id.
//!
//! # Format (schema 1)
//! One JSON file per benchmark in `<criterion dir>/bench-metrics/`:
//!
//! ```json
//! {"schema": 1,
//!  "benchmark": {"group": "compress/json-100k", "function": "zstd", "value": "3"},
//!  "metrics": [{"name": "ratio", "value": 5.2, "unit": "x", "better": "higher"}]}
//! ```
//!
//! The file name is derived from the id but never parsed back: the id inside
//! the file is the truth, as with criterion's own `benchmark.json`. Files are
//! written atomically (temporary file + rename), so a reader never sees half a
//! file. Like criterion's `new/` folder, they describe the latest bench run in
//! that target directory; the kept record is the run file `report` writes.
//!
//! The `<criterion dir>` is found the way criterion finds it: `$CRITERION_HOME`,
//! else `$CARGO_TARGET_DIR/criterion`, else cargo's target directory (asked of
//! `cargo metadata`, as criterion does), else `target/criterion`.

pub mod civil;
pub mod harness;
pub mod select;

pub use harness::HarnessMode;
pub use select::{SELECT_VAR, Selection};

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::{Deserialize, Serialize};

/// Version of the metrics file format; bumped only for incompatible changes.
pub const SCHEMA: u32 = 1;

/// Name of the folder inside the criterion directory that holds metrics files.
pub const DIR_NAME: &str = "bench-metrics";

/// Errors from recording or reading metrics; each names the file involved.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading, writing or renaming a file failed.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A metrics file is not valid JSON of the expected shape.
    #[error("{path}: not a bench-metrics file: {source}")]
    Parse {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    /// A metrics file was written by a newer, incompatible format.
    #[error("{path}: bench-metrics schema {found} is not supported (expected {SCHEMA})")]
    Schema { path: PathBuf, found: u32 },
    /// A metric value cannot be stored (NaN or infinite).
    #[error("metric '{name}' of benchmark '{id}' is not a finite number: {value}")]
    NotFinite {
        id: String,
        name: String,
        value: f64,
    },
}

/// A criterion benchmark id, in the three parts criterion itself uses.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct BenchmarkKey {
    pub group: String,
    pub function: Option<String>,
    pub value: Option<String>,
}

impl BenchmarkKey {
    /// A key for `group/function/value`, the usual shape of our benchmark ids.
    pub fn new(group: &str, function: &str, value: impl ToString) -> Self {
        Self {
            group: group.to_owned(),
            function: Some(function.to_owned()),
            value: Some(value.to_string()),
        }
    }

    /// The id criterion prints: the present parts joined with `/`.
    pub fn full_id(&self) -> String {
        let mut id = self.group.clone();
        for part in [&self.function, &self.value].into_iter().flatten() {
            id.push('/');
            id.push_str(part);
        }
        id
    }
}

/// Which direction of a metric is the good one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Better {
    Higher,
    Lower,
    /// Informational only (for example a byte count that is neither good nor bad).
    Neither,
}

/// One non-time measurement of a benchmark.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metric {
    /// Short machine-friendly name, e.g. `ratio`, `compressed_bytes`, `page_count`.
    pub name: String,
    pub value: f64,
    /// Unit as shown to people: `x`, `bytes`, `pages`, `%`.
    pub unit: String,
    pub better: Better,
}

impl Metric {
    pub fn new(name: &str, value: f64, unit: &str, better: Better) -> Self {
        Self {
            name: name.to_owned(),
            value,
            unit: unit.to_owned(),
            better,
        }
    }
}

/// The content of one metrics file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricsFile {
    pub schema: u32,
    pub benchmark: BenchmarkKey,
    pub metrics: Vec<Metric>,
}

/// Writes metrics files into one criterion directory.
#[derive(Debug, Clone)]
pub struct Recorder {
    dir: PathBuf,
}

impl Recorder {
    /// A recorder for the criterion directory criterion itself would use.
    pub fn from_env() -> Self {
        Self::in_criterion_dir(criterion_dir())
    }

    /// A recorder writing into `<criterion_dir>/bench-metrics/`.
    pub fn in_criterion_dir(criterion_dir: impl Into<PathBuf>) -> Self {
        Self {
            dir: criterion_dir.into().join(DIR_NAME),
        }
    }

    /// The folder the metrics files go to.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Records `metrics` for `key`, replacing what an earlier bench run recorded
    /// for the same benchmark. Returns the file written.
    pub fn record(&self, key: &BenchmarkKey, metrics: &[Metric]) -> Result<PathBuf, Error> {
        if let Some(bad) = metrics.iter().find(|m| !m.value.is_finite()) {
            return Err(Error::NotFinite {
                id: key.full_id(),
                name: bad.name.clone(),
                value: bad.value,
            });
        }
        let file = MetricsFile {
            schema: SCHEMA,
            benchmark: key.clone(),
            metrics: metrics.to_vec(),
        };
        let bytes = serde_json::to_vec_pretty(&file).expect("metrics serialize to JSON");
        let path = self.dir.join(file_name(key));
        write_atomic(&path, &bytes)?;
        Ok(path)
    }
}

/// Reads every metrics file under `<criterion_dir>/bench-metrics/`.
///
/// A missing folder means no metrics were recorded and yields an empty list.
/// Each file gives its own result, so one bad file does not hide the others.
pub fn read_all(criterion_dir: &Path) -> Result<Vec<Result<MetricsFile, Error>>, Error> {
    let dir = criterion_dir.join(DIR_NAME);
    let entries = match fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(Error::Io { path: dir, source }),
    };
    let mut paths = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| Error::Io {
            path: dir.clone(),
            source,
        })?;
        let path = entry.path();
        // Only plain `.json` files: temporary files of a writer in progress
        // and anything a person put there are not ours to read.
        let is_file = entry.file_type().map(|t| t.is_file()).unwrap_or(false);
        if is_file && path.extension().is_some_and(|e| e == "json") {
            paths.push(path);
        }
    }
    paths.sort();
    Ok(paths.iter().map(|p| read_file(p)).collect())
}

/// Reads one metrics file.
pub fn read_file(path: &Path) -> Result<MetricsFile, Error> {
    let bytes = fs::read(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    #[derive(Deserialize)]
    struct Version {
        schema: u32,
    }
    let parse = |source| Error::Parse {
        path: path.to_owned(),
        source,
    };
    let version: Version = serde_json::from_slice(&bytes).map_err(parse)?;
    if version.schema != SCHEMA {
        return Err(Error::Schema {
            path: path.to_owned(),
            found: version.schema,
        });
    }
    serde_json::from_slice(&bytes).map_err(parse)
}

/// The criterion output directory, resolved the way criterion 0.5–0.8 does.
pub fn criterion_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    cargo_target_dir()
        .map(|t| t.join("criterion"))
        .unwrap_or_else(|| PathBuf::from("target/criterion"))
}

fn cargo_target_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return Some(PathBuf::from(dir));
    }
    #[derive(Deserialize)]
    struct Metadata {
        target_directory: PathBuf,
    }
    let cargo = std::env::var_os("CARGO")?;
    let output = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .output()
        .ok()?;
    let metadata: Metadata = serde_json::from_slice(&output.stdout).ok()?;
    Some(metadata.target_directory)
}

/// A file name for `key`: readable, portable, and distinct for distinct keys
/// (a hash of the exact id guards against two ids sanitizing to one name).
fn file_name(key: &BenchmarkKey) -> String {
    let readable: String = key
        .full_id()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .take(120)
        .collect();
    let exact = serde_json::to_string(key).expect("key serializes");
    format!("{readable}-{:016x}.json", fnv1a(exact.as_bytes()))
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a
/// rename, so readers see the old file or the new one, never a torn one.
///
/// The temporary file is created exclusively under an unpredictable name
/// (`tempfile`), so another user who can write to the folder cannot plant a
/// symbolic link for it, and it is removed when anything fails. This crate
/// keeps its own small writer because bench crates do not depend on
/// `report`, whose `output` module is the writer of everything else.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| Error::Io { path, source }
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    fs::create_dir_all(dir).map_err(io(dir))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".to_owned());
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        // What a plain create gives (0666 less the umask): the file is the output.
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir).map_err(io(dir))?;
    let tmp_path = tmp.path().to_owned();
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(io(&tmp_path))?;
    // On failure `e.file` is dropped here, which removes the temporary file.
    tmp.persist(path).map_err(|e| io(path)(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metric() -> Metric {
        Metric::new("ratio", 5.25, "x", Better::Higher)
    }

    #[test]
    fn record_then_read_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let rec = Recorder::in_criterion_dir(dir.path());
        let key = BenchmarkKey::new("compress/json-100k", "zstd", 3);
        let path = rec.record(&key, &[metric()]).unwrap();
        assert!(path.starts_with(dir.path().join(DIR_NAME)));
        let all = read_all(dir.path()).unwrap();
        assert_eq!(all.len(), 1);
        let file = all.into_iter().next().unwrap().unwrap();
        assert_eq!(file.benchmark, key);
        assert_eq!(file.metrics, vec![metric()]);
    }

    #[test]
    fn recording_again_replaces_the_earlier_values() {
        let dir = tempfile::tempdir().unwrap();
        let rec = Recorder::in_criterion_dir(dir.path());
        let key = BenchmarkKey::new("g", "f", "1");
        rec.record(&key, &[metric()]).unwrap();
        let newer = Metric::new("ratio", 7.0, "x", Better::Higher);
        rec.record(&key, std::slice::from_ref(&newer)).unwrap();
        let all: Vec<_> = read_all(dir.path())
            .unwrap()
            .into_iter()
            .map(Result::unwrap)
            .collect();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].metrics, vec![newer]);
    }

    #[test]
    fn ids_that_sanitize_alike_get_distinct_files() {
        let a = BenchmarkKey::new("g", "a/b", "1");
        let b = BenchmarkKey::new("g", "a_b", "1");
        assert_ne!(file_name(&a), file_name(&b));
        let odd = BenchmarkKey::new("<script>", "\"|é", "x".repeat(300));
        let name = file_name(&odd);
        assert!(name.len() < 160, "{name}");
        assert!(
            name.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._".contains(c))
        );
    }

    #[test]
    fn non_finite_values_are_refused_with_the_benchmark_named() {
        let dir = tempfile::tempdir().unwrap();
        let rec = Recorder::in_criterion_dir(dir.path());
        let key = BenchmarkKey::new("g", "f", "1");
        let err = rec
            .record(&key, &[Metric::new("ratio", f64::NAN, "x", Better::Higher)])
            .unwrap_err();
        assert!(err.to_string().contains("g/f/1"), "{err}");
        assert!(read_all(dir.path()).unwrap().is_empty());
    }

    #[test]
    fn writes_leave_no_temporary_file_and_do_not_follow_planted_links() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        fs::write(&victim, b"keep").unwrap();
        // What an attacker could plant for the old predictable names.
        #[cfg(unix)]
        std::os::unix::fs::symlink(
            &victim,
            dir.path()
                .join(format!(".m.json.tmp-{}", std::process::id())),
        )
        .unwrap();
        let path = dir.path().join("m.json");
        write_atomic(&path, b"{}").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"{}");
        assert_eq!(fs::read(&victim).unwrap(), b"keep");
        let left: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
        // A failed rename (onto a folder) removes the temporary file too.
        let folder = dir.path().join("folder");
        fs::create_dir(&folder).unwrap();
        fs::write(folder.join("inside"), b"x").unwrap();
        assert!(write_atomic(&folder, b"{}").is_err());
        let left = fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .ends_with(".tmp")
            })
            .count();
        assert_eq!(left, 0);
    }

    #[test]
    fn missing_folder_reads_as_no_metrics() {
        let dir = tempfile::tempdir().unwrap();
        assert!(read_all(dir.path()).unwrap().is_empty());
    }

    #[test]
    fn bad_files_are_reported_by_path_and_do_not_hide_good_ones() {
        let dir = tempfile::tempdir().unwrap();
        let rec = Recorder::in_criterion_dir(dir.path());
        rec.record(&BenchmarkKey::new("g", "f", "1"), &[metric()])
            .unwrap();
        fs::write(rec.dir().join("broken.json"), b"{\"schema\": 1, \"bench").unwrap();
        fs::write(rec.dir().join("future.json"), br#"{"schema": 99}"#).unwrap();
        let all = read_all(dir.path()).unwrap();
        assert_eq!(all.len(), 3);
        let errors: Vec<String> = all
            .iter()
            .filter_map(|r| r.as_ref().err())
            .map(ToString::to_string)
            .collect();
        assert_eq!(errors.len(), 2);
        assert!(
            errors.iter().any(|e| e.contains("broken.json")),
            "{errors:?}"
        );
        assert!(errors.iter().any(|e| e.contains("schema 99")), "{errors:?}");
    }

    #[test]
    fn full_id_skips_absent_parts() {
        let key = BenchmarkKey {
            group: "g".into(),
            function: None,
            value: Some("8".into()),
        };
        assert_eq!(key.full_id(), "g/8");
    }
}
