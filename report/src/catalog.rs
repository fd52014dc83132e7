//! The catalog (`report/catalog.toml`, built in): what the report knows about
//! our benchmarks beyond criterion's files — suite order and titles, the
//! thread-count words, the codec families, and the ids each built-in chart
//! reads. Renderers ask here instead of spelling ids and suite names in code,
//! so renaming a benchmark means editing one data file, and the contract test
//! (`report/tests/all/catalog.rs`) fails when the catalog names an id no bench
//! crate measures. Pure: the file is compiled into the binary.

use std::cmp::Ordering;
use std::fmt;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::model::Run;

/// The catalog's text, for tests and tools that check it against the harnesses.
pub const SOURCE: &str = include_str!("../catalog.toml");

/// The whole catalog file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    #[serde(rename = "suite")]
    pub suites: Vec<Suite>,
    pub threads: ThreadWords,
    pub codecs: Codecs,
    pub charts: Charts,
}

/// A suite: the first segment of a group, one per bench crate.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suite {
    pub name: String,
    pub title: String,
    #[serde(rename = "crate")]
    pub bench_crate: String,
}

/// Words a thread-count id segment may hold besides a number.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThreadWords {
    /// The run's available parallelism.
    pub max: String,
}

/// How function names of the compression suite map to codecs.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Codecs {
    pub suite: String,
    pub families: Vec<String>,
    /// Measured beside the codecs, not codecs (`copy`).
    pub references: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Charts {
    pub scaling: ScalingChart,
    pub compression: CompressionChart,
    pub uuid: UuidChart,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScalingChart {
    pub serial: String,
    /// `{variant}` and `{threads}` are filled in.
    pub parallel: String,
    pub variants: Vec<String>,
    pub threads: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompressionChart {
    pub compress: String,
    pub decompress: String,
    pub payloads: Vec<String>,
    pub ratio_metric: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UuidChart {
    pub generate: String,
    pub sqlite_insert: String,
    pub size_metric: String,
}

/// The built-in catalog, parsed once.
pub fn get() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        toml::from_str(SOURCE).unwrap_or_else(|e| {
            panic!("report/catalog.toml is invalid (a unit test checks it): {e}")
        })
    })
}

/// The group of a `group/*/*` chart pattern (`compress/compress/*/*` ->
/// `compress/compress`).
pub fn pattern_group(pattern: &str) -> &str {
    pattern.strip_suffix("/*/*").unwrap_or(pattern)
}

impl Catalog {
    /// Rank of a suite in the doc's order; suites not in the catalog after all
    /// of them (callers break ties by name).
    pub fn suite_rank(&self, suite: &str) -> usize {
        self.suites
            .iter()
            .position(|s| s.name == suite)
            .unwrap_or(self.suites.len())
    }

    /// The section title of a suite: the catalog's, else its own name.
    pub fn suite_title<'a>(&'a self, suite: &'a str) -> &'a str {
        self.suites
            .iter()
            .find(|s| s.name == suite)
            .map_or(suite, |s| s.title.as_str())
    }

    /// The codec family of a compression-suite function (`zstd-3-dict` ->
    /// `zstd`), or `None` for a reference (`copy`) or an empty name.
    pub fn codec_family<'a>(&self, function: &'a str) -> Option<&'a str> {
        let family = function.split('-').next().unwrap_or(function);
        (!family.is_empty() && !self.codecs.references.iter().any(|r| r == family))
            .then_some(family)
    }

    /// Every id and pattern the built-in charts read, for the contract test.
    pub fn chart_ids(&self) -> Vec<String> {
        let s = &self.charts.scaling;
        let mut ids = vec![s.serial.clone()];
        for variant in &s.variants {
            for threads in &s.threads {
                ids.push(
                    s.parallel
                        .replace("{variant}", variant)
                        .replace("{threads}", threads),
                );
            }
        }
        let c = &self.charts.compression;
        ids.extend([c.compress.clone(), c.decompress.clone()]);
        for payload in &c.payloads {
            ids.push(format!("{}/*/{payload}", pattern_group(&c.compress)));
        }
        let u = &self.charts.uuid;
        ids.extend([u.generate.clone(), u.sqlite_insert.clone()]);
        ids
    }
}

/// A thread count: a fixed number, or the run's available parallelism.
/// Parsed from the words in ids and in `tables.toml` (`"max"`), so the
/// "max = available parallelism" rule lives in [`Threads::for_run`] only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Threads {
    Fixed(u32),
    Max,
}

impl Threads {
    /// `"8"` -> `Fixed(8)`, the catalog's max word -> `Max`; zero and other
    /// words are not thread counts.
    pub fn parse(word: &str) -> Option<Threads> {
        if word == get().threads.max {
            return Some(Threads::Max);
        }
        word.parse().ok().filter(|n| *n > 0).map(Threads::Fixed)
    }

    /// The number of threads in `run`; `None` for `Max` when the run does not
    /// know its available parallelism (never guessed).
    pub fn for_run(self, run: &Run) -> Option<u32> {
        self.resolve(run.context.cpu.available_parallelism)
    }
}

impl fmt::Display for Threads {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Threads::Fixed(n) => write!(f, "{n}"),
            Threads::Max => f.write_str(&get().threads.max),
        }
    }
}

/// Suite order of two suite names: the catalog's rank, then by name.
pub fn suite_cmp(a: &str, b: &str) -> Ordering {
    let catalog = get();
    catalog
        .suite_rank(a)
        .cmp(&catalog.suite_rank(b))
        .then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_catalog_parses_and_orders_the_doc_suites() {
        let c = get();
        let names: Vec<&str> = c.suites.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["cpu", "uuid", "compress", "async"]);
        assert_eq!(c.suite_rank("uuid"), 1);
        assert_eq!(c.suite_rank("synth"), 4);
        assert_eq!(c.suite_title("compress"), "Compression");
        assert_eq!(c.suite_title("synth"), "synth");
        assert_eq!(suite_cmp("async", "cpu"), Ordering::Greater);
        assert_eq!(suite_cmp("aaa", "zzz"), Ordering::Less);
    }

    #[test]
    fn codec_families_drop_levels_and_references() {
        let c = get();
        assert_eq!(c.codec_family("zstd-3-dict"), Some("zstd"));
        assert_eq!(c.codec_family("lz4-block"), Some("lz4"));
        assert_eq!(c.codec_family("copy"), None);
        assert_eq!(c.codec_family(""), None);
    }

    #[test]
    fn thread_words_parse_to_typed_counts() {
        assert_eq!(Threads::parse("8"), Some(Threads::Fixed(8)));
        assert_eq!(Threads::parse("max"), Some(Threads::Max));
        assert_eq!(Threads::parse("0"), None);
        assert_eq!(Threads::parse("mt-2"), None);
        assert_eq!(Threads::Max.to_string(), "max");
        let mut run = crate::synth::synthetic_runs(1, 1).remove(0);
        run.context.cpu.available_parallelism = None;
        assert_eq!(Threads::Max.for_run(&run), None);
        assert_eq!(Threads::Fixed(3).for_run(&run), Some(3));
    }

    #[test]
    fn chart_ids_expand_the_scaling_template() {
        let ids = get().chart_ids();
        assert!(ids.contains(&"cpu/kernel/scoped/max".to_owned()), "{ids:?}");
        assert!(ids.contains(&"compress/compress/*/json-100k".to_owned()));
    }
}
