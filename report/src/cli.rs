//! Command-line interface: clap derive only. Each subcommand's arguments are
//! validated by its handler in `commands/` before any work starts.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Benchmark results with their build context: ingest criterion output, render
/// tables and HTML reports, run the suite across toolchains, diff releases.
#[derive(Debug, Parser)]
#[command(name = "report", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read a criterion output tree and write one run file (with build context).
    Ingest(IngestArgs),
    /// Print a run as the terminal summary table.
    Summary(SummaryArgs),
    /// Render the performance-expectation tables and per-group tables as markdown.
    Markdown(MarkdownArgs),
    /// Render a self-contained HTML report with charts.
    Html(HtmlArgs),
    /// Run the benchmark suite for each toolchain x target cell, then write the report.
    Run(RunArgs),
    /// Compare baseline runs with candidate runs and classify each change.
    Diff(DiffArgs),
    /// Measure two builds side by side in interleaved A B B A rounds (git revisions, or two cells).
    Compare(CompareArgs),
    /// Export runs for existing dashboards (Bencher BMF, github-action-benchmark).
    Export(ExportArgs),
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Criterion output directory (usually target/criterion), or the
    /// `--output` file of scripts/benchmark_py314.py (a Python run).
    pub criterion_dir: PathBuf,
    /// Read this named baseline (`--save-baseline NAME`) instead of the latest run (`new`).
    #[arg(long)]
    pub baseline: Option<String>,
    /// Label for the run (default: toolchain, target and target-cpu).
    #[arg(long)]
    pub label: Option<String>,
    /// Output file (default: results/<label>-<time>.json). `-` writes to stdout.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Replace an existing run file (only a run file: anything else is refused).
    #[arg(long)]
    pub force: bool,
    /// gungraun's output directory (usually target/gungraun): adds its
    /// instruction counts to the benchmarks with the same ids.
    #[arg(long, value_name = "DIR")]
    pub instructions: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SummaryArgs {
    /// A run file written by `report ingest` or `report run`.
    pub run: PathBuf,
    /// Only benchmarks whose id matches this regular expression (as in
    /// `report run` and criterion; a plain text matches ids containing it).
    #[arg(long)]
    pub filter: Option<String>,
}

#[derive(Debug, Args)]
pub struct MarkdownArgs {
    /// Run files (or folders of run files) to put side by side, one column each.
    #[arg(required = true)]
    pub runs: Vec<PathBuf>,
    /// Output file; `-` or absent writes to stdout.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Only benchmarks whose id matches this regular expression (as in
    /// `report run` and criterion; a plain text matches ids containing it).
    #[arg(long)]
    pub filter: Option<String>,
    /// Only runs with these labels (comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub label: Vec<String>,
    /// Table definitions to use instead of the built-in ones (TOML).
    #[arg(long)]
    pub tables: Option<PathBuf>,
    /// Replace an existing output file that `report` did not write (never a run file).
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct HtmlArgs {
    /// Run files (or folders of run files).
    #[arg(required = true)]
    pub runs: Vec<PathBuf>,
    /// Output file (default: report.html); `-` writes to stdout.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Label of the run the heat map is normalised to (default: the first).
    #[arg(long)]
    pub reference: Option<String>,
    /// Only benchmarks whose id matches this regular expression (as in
    /// `report run` and criterion; a plain text matches ids containing it).
    #[arg(long)]
    pub filter: Option<String>,
    /// Table definitions to use instead of the built-in ones (TOML).
    #[arg(long)]
    pub tables: Option<PathBuf>,
    /// Replace an existing output file that `report` did not write (never a run file).
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Toolchains to run (rustup names, comma-separated; default: the current one).
    #[arg(long, value_delimiter = ',')]
    pub toolchain: Vec<String>,
    /// `-C target-cpu` values (comma-separated; `generic` = rustc's default).
    #[arg(long = "target-cpu", value_delimiter = ',')]
    pub target_cpu: Vec<String>,
    /// Target triples (comma-separated; default: the host).
    #[arg(long, value_delimiter = ',')]
    pub target: Vec<String>,
    /// Bench crates to run (default: all).
    #[arg(short = 'p', long = "package")]
    pub packages: Vec<String>,
    /// Only benchmarks matching this regular expression (criterion's filter).
    #[arg(long)]
    pub filter: Option<String>,
    /// Shortest settings that still give numbers (criterion --quick).
    #[arg(long, conflicts_with_all = ["full", "sample_size", "measurement_time"])]
    pub quick: bool,
    /// Criterion's default settings (100 samples, 3 s warm-up, 5 s measurement).
    #[arg(long, conflicts_with_all = ["sample_size", "measurement_time"])]
    pub full: bool,
    /// Samples per benchmark.
    #[arg(long)]
    pub sample_size: Option<usize>,
    /// Measurement time per benchmark, seconds.
    #[arg(long)]
    pub measurement_time: Option<f64>,
    /// Label prefix for the runs of this invocation.
    #[arg(long)]
    pub label: Option<String>,
    /// Folder for run files and the report (default: results).
    #[arg(long, default_value = "results")]
    pub results: PathBuf,
    /// Skip cells that cannot run (missing toolchain or target) or fail, and run the rest.
    #[arg(long)]
    pub keep_going: bool,
    /// Plain progress lines only.
    #[arg(short, long)]
    pub quiet: bool,
    /// Also run scripts/benchmark_py314.py with these Python interpreters
    /// (comma-separated, e.g. python3.13,python3.14t), one run each.
    #[arg(long, value_delimiter = ',')]
    pub python: Vec<String>,
    /// Iterations per Python benchmark (default 20; 3 with --quick).
    #[arg(long, requires = "python", value_parser = clap::value_parser!(u32).range(2..))]
    pub python_iterations: Option<u32>,
    /// Before the first cell, wait up to this many seconds for other
    /// processes to stop using the CPUs (the machine check warns either way).
    #[arg(long, value_name = "SECS")]
    pub wait_idle: Option<f64>,
    /// Do not measure disturbed benchmarks again at the end of their cell.
    #[arg(long)]
    pub no_retry: bool,
    /// Also count instructions (gungraun under valgrind) for the crates with
    /// an instruction harness, into the same run files.
    #[arg(long)]
    pub instructions: bool,
    /// With --instructions, also run callgrind's cache simulation (L1, LL
    /// and RAM hits, estimated cycles). Off by default: it makes valgrind
    /// markedly slower, and the diff gates on instructions alone.
    #[arg(long, requires = "instructions")]
    pub cache_sim: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Text,
    Markdown,
    Json,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// Baseline run file(s) or folder(s).
    #[arg(long, required = true, num_args = 1..)]
    pub baseline: Vec<PathBuf>,
    /// Candidate run file(s) or folder(s).
    #[arg(long, required = true, num_args = 1..)]
    pub candidate: Vec<PathBuf>,
    /// Smallest change, in percent, that can count as a regression or improvement.
    #[arg(long, default_value_t = 5.0, allow_negative_numbers = true)]
    pub threshold: f64,
    /// A change must also exceed this many times the run-to-run noise of the
    /// two runs (robust spread of all their changes); 0 turns the floor off.
    #[arg(long, default_value_t = 4.0)]
    pub noise_z: f64,
    /// Instruction channel: smallest change of an instruction count, in
    /// percent, that counts (counts are deterministic: no sample test).
    #[arg(long, default_value_t = crate::diff::instructions::DEFAULT_THRESHOLD_PCT)]
    pub instructions_threshold: f64,
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// Exit with status 1 when a significant regression beyond the threshold
    /// is found, on either channel (wall time, or instruction counts beyond
    /// --instructions-threshold).
    #[arg(long)]
    pub fail_on_regression: bool,
    /// With --fail-on-regression, accept a diff that compared no benchmark
    /// (by default that fails: the gate would pass without checking anything).
    #[arg(long)]
    pub allow_empty: bool,
    /// Output file; `-` or absent writes to stdout.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Replace an existing output file that `report` did not write (never a run file).
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Baseline: a git revision (or a folder holding a checkout). With two
    /// --toolchain or --target-cpu values: the source of both sides (default:
    /// the working tree).
    pub base: Option<String>,
    /// Candidate: a git revision or a folder (default: the working tree).
    pub candidate: Option<String>,
    /// One toolchain for both sides, or two (baseline,candidate) to compare toolchains.
    #[arg(long, value_delimiter = ',')]
    pub toolchain: Vec<String>,
    /// One `-C target-cpu` for both sides, or two (baseline,candidate).
    #[arg(long = "target-cpu", value_delimiter = ',')]
    pub target_cpu: Vec<String>,
    /// Bench crates to compare (default: all).
    #[arg(short = 'p', long = "package")]
    pub packages: Vec<String>,
    /// Only benchmarks matching this regular expression (criterion's filter).
    #[arg(long)]
    pub filter: Option<String>,
    /// Smallest change, in percent, that can count as a regression or improvement.
    #[arg(long, default_value_t = 2.0)]
    pub threshold: f64,
    /// Measuring time at most (`90s`, `10m`, `1h30m`); builds are not counted.
    #[arg(long, default_value = "10m")]
    pub budget: String,
    /// Rounds every benchmark gets before any is judged.
    #[arg(long, default_value_t = 6)]
    pub min_rounds: usize,
    /// Rounds no benchmark goes beyond.
    #[arg(long, default_value_t = 30)]
    pub max_rounds: usize,
    /// Benchmarks measured by one process per side and round.
    #[arg(long, default_value_t = 4)]
    pub batch_size: usize,
    /// Criterion warm-up per benchmark and round, seconds.
    #[arg(long, default_value_t = 0.05)]
    pub warm_up_time: f64,
    /// Criterion measurement per benchmark and round, seconds (short: the
    /// spread that matters is between processes, which more rounds narrow
    /// and longer rounds do not; see docs/diff-method.md).
    #[arg(long, default_value_t = 0.1)]
    pub measurement_time: f64,
    /// Criterion samples per benchmark and round (its minimum, 10, by
    /// default): the statistic is over rounds, and with criterion's 100 a
    /// benchmark of a few milliseconds ran seconds per round whatever the
    /// measurement time.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(10..))]
    pub sample_size: u64,
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// Exit with status 1 when a significant regression beyond the threshold is found.
    #[arg(long)]
    pub fail_on_regression: bool,
    /// Output file; `-` or absent writes to stdout.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Label prefix for the two run files.
    #[arg(long)]
    pub label: Option<String>,
    /// Folder for the run files of both sides (default: results).
    #[arg(long, default_value = "results")]
    pub results: PathBuf,
    /// No progress lines.
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// Bencher Metric Format JSON.
    Bmf,
    /// github-action-benchmark `customSmallerIsBetter` JSON.
    GithubActionBenchmark,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Run file(s) or folder(s).
    #[arg(required = true)]
    pub runs: Vec<PathBuf>,
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// Output file; `-` or absent writes to stdout.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Replace an existing output file that `report` did not write (never a run file).
    #[arg(long)]
    pub force: bool,
}
