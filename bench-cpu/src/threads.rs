//! Thread counts the scaling benchmarks run at, and the rayon pools for them.
//!
//! Every parallel benchmark gets its own `rayon::ThreadPool` with an explicit
//! thread count, built before timing starts. An explicit count means neither
//! `RAYON_NUM_THREADS` nor the global pool can change what a benchmark id such
//! as `cpu/kernel/rayon/4` measures.

use std::fmt;
use std::num::NonZeroUsize;

/// A thread count as it appears in benchmark ids: a fixed number, or `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreadCount {
    /// Exactly this many threads, whatever the machine has (more than the
    /// machine's cores is oversubscription, and is measured on purpose).
    Fixed(NonZeroUsize),
    /// As many threads as [`available`] reports for this machine.
    Max,
}

impl ThreadCount {
    /// The counts of the doc's "Parallel scaling" table plus `max`:
    /// 1, 2, 4, 8 and `max`.
    pub const SCALING: [ThreadCount; 5] = [
        ThreadCount::Fixed(NonZeroUsize::new(1).unwrap()),
        ThreadCount::Fixed(NonZeroUsize::new(2).unwrap()),
        ThreadCount::Fixed(NonZeroUsize::new(4).unwrap()),
        ThreadCount::Fixed(NonZeroUsize::new(8).unwrap()),
        ThreadCount::Max,
    ];

    /// The number of threads this count stands for on this machine.
    pub fn get(self) -> NonZeroUsize {
        match self {
            ThreadCount::Fixed(n) => n,
            ThreadCount::Max => available(),
        }
    }
}

/// The id parameter: the number itself, or `max`.
impl fmt::Display for ThreadCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ThreadCount::Fixed(n) => write!(f, "{n}"),
            ThreadCount::Max => f.write_str("max"),
        }
    }
}

/// `std::thread::available_parallelism()`, or 1 where the platform cannot say.
pub fn available() -> NonZeroUsize {
    std::thread::available_parallelism().unwrap_or(NonZeroUsize::MIN)
}

/// A dedicated rayon pool of exactly `threads` worker threads.
///
/// Build it once, outside the timed closure, and run work in it with
/// [`rayon::ThreadPool::install`].
pub fn pool(threads: NonZeroUsize) -> Result<rayon::ThreadPool, rayon::ThreadPoolBuildError> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.get())
        .thread_name(|i| format!("bench-cpu-{i}"))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_match_benchmark_ids() {
        let labels: Vec<String> = ThreadCount::SCALING.iter().map(|c| c.to_string()).collect();
        assert_eq!(labels, ["1", "2", "4", "8", "max"]);
    }

    #[test]
    fn max_is_available_parallelism() {
        assert_eq!(ThreadCount::Max.get(), available());
        assert_eq!(ThreadCount::SCALING[3].get().get(), 8);
    }

    #[test]
    fn pool_has_exactly_the_requested_threads() {
        // 8 threads also on a machine with fewer cores: oversubscription works.
        for n in [1, 3, 8] {
            let pool = pool(NonZeroUsize::new(n).unwrap()).unwrap();
            assert_eq!(pool.current_num_threads(), n);
        }
    }
}
