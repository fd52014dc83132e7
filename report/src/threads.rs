//! How many threads a benchmark runs, read from its id: the one place that
//! knows which of our bench crates' ids are multi-threaded (`cpu/kernel/rayon/2`,
//! `max`, `mt-max`); the words themselves are the catalog's ([`Threads`]). Used by the doc tables (`threads = "value"`, efficiency)
//! and by the disturbed rule (`interference`).

use crate::model::BenchmarkId;

pub use crate::catalog::Threads;

impl Threads {
    /// The count given the available parallelism (`None` for `Max` when it is unknown).
    pub fn resolve(self, available_parallelism: Option<u32>) -> Option<u32> {
        match self {
            Threads::Fixed(n) => Some(n),
            Threads::Max => available_parallelism,
        }
    }

    /// [`Threads::of_benchmark`] for an id as criterion prints it
    /// (`suite/question/variant/parameter`).
    pub fn of_id(full: &str) -> Self {
        let mut parts = full.splitn(4, '/').skip(2).map(str::to_owned);
        Self::of_benchmark(&BenchmarkId {
            group: String::new(),
            function: parts.next(),
            value: parts.next(),
        })
    }

    /// The threads a benchmark of our crates runs, by their naming rules:
    /// - `serial` (and every id without one of the marks below): one thread;
    /// - a `rayon*` or `scoped*` variant: its parameter when that is a thread
    ///   count (`cpu/kernel/rayon/2`, `cpu/frames/rayon-per-row/max`), else
    ///   every core (`cpu/granularity/rayon/1ms` uses the `max` pool);
    /// - a tokio multi-thread runtime in the id, `mt-<n>` or `mt-max`: that
    ///   many workers;
    /// - `spawn_blocking`: tokio's blocking pool, every core.
    pub fn of_benchmark(id: &BenchmarkId) -> Self {
        let parts = [id.function.as_deref(), id.value.as_deref()];
        let function = parts[0].unwrap_or("");
        if function.starts_with("rayon") || function.starts_with("scoped") {
            return parts[1].and_then(Threads::parse).unwrap_or(Threads::Max);
        }
        for part in parts.into_iter().flatten() {
            if let Some(t) = part.strip_prefix("mt-").and_then(Threads::parse) {
                return t;
            }
            if part == "spawn_blocking" {
                return Threads::Max;
            }
        }
        Threads::Fixed(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(full: &str) -> BenchmarkId {
        let parts: Vec<&str> = full.split('/').collect();
        BenchmarkId {
            group: parts[..2].join("/"),
            function: parts.get(2).map(|s| (*s).to_owned()),
            value: parts.get(3).map(|s| (*s).to_owned()),
        }
    }

    #[test]
    fn parses_counts_and_max() {
        assert_eq!(Threads::parse("2"), Some(Threads::Fixed(2)));
        assert_eq!(Threads::parse("max"), Some(Threads::Max));
        assert_eq!(Threads::parse("0"), None);
        assert_eq!(Threads::parse("1k"), None);
        assert_eq!(Threads::Max.resolve(Some(4)), Some(4));
        assert_eq!(Threads::Max.resolve(None), None);
    }

    #[test]
    fn reads_the_thread_count_of_our_ids() {
        let cases = [
            ("cpu/kernel/serial/1", Threads::Fixed(1)),
            ("cpu/kernel/rayon/2", Threads::Fixed(2)),
            ("cpu/kernel/scoped/max", Threads::Max),
            ("cpu/frames/rayon-per-row/max", Threads::Max),
            ("cpu/granularity/rayon/1ms", Threads::Max),
            ("cpu/granularity/serial/1ms", Threads::Fixed(1)),
            ("async/spawn/empty/mt-2", Threads::Fixed(2)),
            ("async/spawn/empty/mt-max", Threads::Max),
            ("async/spawn/empty/current_thread", Threads::Fixed(1)),
            (
                "async/cpu-batch/spawn_blocking/current_thread",
                Threads::Max,
            ),
            // A parameter that is a size, not a thread count.
            ("uuid/generate/v4/1000", Threads::Fixed(1)),
            ("compress/compress/zstd-3/json-100k", Threads::Fixed(1)),
        ];
        for (full, want) in cases {
            assert_eq!(Threads::of_benchmark(&id(full)), want, "{full}");
            assert_eq!(Threads::of_id(full), want, "{full}");
        }
    }
}
