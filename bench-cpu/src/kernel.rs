//! The CPU kernel: a Monte Carlo estimate of π, split into equal chunks.
//!
//! Each point draws 64 random bits from a xorshift64* stream, takes two 32-bit
//! coordinates in `[0, 1)` and counts a hit when the point lies inside the unit
//! quarter circle. Everything lives in registers (no arrays are read), so the
//! kernel is CPU-bound and its parallel speedup is limited only by how work is
//! spread over threads, not by memory bandwidth.
//!
//! The work is `chunks` chunks of `points_per_chunk` points. Chunk `i` has its
//! own stream seeded from `(seed, i)`, so its hit count is a pure function of
//! its index; the checksum is the sum of all chunks' hits, identical for every
//! thread count and strategy. Per-thread partial sums are returned by value
//! (never written to shared counters), so there is no false sharing.

use std::num::NonZeroUsize;
use std::ops::Range;

use rayon::prelude::*;

use crate::rng::{XorShift64Star, splitmix64};

/// How much work one kernel run does, and its seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KernelSpec {
    /// Number of equal chunks; 840 = lcm(1..=8), so 1, 2, 4 and 8 threads (and
    /// 3, 5, 6, 7, 10, 12, 14, ...) get exactly equal static shares.
    pub chunks: usize,
    /// Points per chunk (the unit of work reported as throughput).
    pub points_per_chunk: u64,
    /// Base seed of every chunk's stream.
    pub seed: u64,
}

impl KernelSpec {
    /// The benchmarked size: 840 chunks of 2^16 points, 55 M points. At ~3 ns
    /// per point (one core of a 2.4 GHz EPYC) that is ~175 ms per serial run,
    /// the order of the doc's 245 ms "CPU serial". One chunk is ~0.2 ms, far
    /// above rayon's per-task overhead (~1 µs).
    pub const BENCH: KernelSpec = KernelSpec {
        chunks: 840,
        points_per_chunk: 1 << 16,
        seed: 0x005E_ED0F_C0DE,
    };

    /// Total points over all chunks.
    pub fn points(&self) -> u64 {
        self.chunks as u64 * self.points_per_chunk
    }

    /// π as estimated from a run's checksum (total hits).
    pub fn estimate_pi(&self, hits: u64) -> f64 {
        4.0 * hits as f64 / self.points() as f64
    }
}

// 8 threads need at least 8 chunks each to balance under work stealing.
const _: () = assert!(KernelSpec::BENCH.chunks >= 64);

/// Hits of one chunk: a pure function of `(seed, chunk, points)`.
#[inline]
pub fn chunk_hits(seed: u64, chunk: u64, points: u64) -> u64 {
    const SCALE: f64 = 1.0 / (1u64 << 32) as f64;
    let mut rng = XorShift64Star::new(seed ^ splitmix64(chunk));
    let mut hits = 0u64;
    for _ in 0..points {
        let bits = rng.next_u64();
        let x = (bits >> 32) as f64 * SCALE;
        let y = (bits & 0xFFFF_FFFF) as f64 * SCALE;
        hits += u64::from(x * x + y * y < 1.0);
    }
    hits
}

/// Hits of a range of chunks, run in order on the calling thread.
fn range_hits(spec: &KernelSpec, chunks: Range<usize>) -> u64 {
    chunks.fold(0u64, |sum, chunk| {
        sum.wrapping_add(chunk_hits(spec.seed, chunk as u64, spec.points_per_chunk))
    })
}

/// The whole kernel on the calling thread (the doc's "CPU serial").
pub fn serial(spec: &KernelSpec) -> u64 {
    range_hits(spec, 0..spec.chunks)
}

/// The kernel in `pool`, one rayon task per chunk at most (rayon's work
/// stealing decides which thread runs which chunk).
pub fn rayon(spec: &KernelSpec, pool: &rayon::ThreadPool) -> u64 {
    pool.install(|| {
        (0..spec.chunks)
            .into_par_iter()
            .map(|chunk| chunk_hits(spec.seed, chunk as u64, spec.points_per_chunk))
            .reduce(|| 0, u64::wrapping_add)
    })
}

/// The chunks thread `index` of `threads` runs under static chunking: one
/// contiguous range each, sizes differing by at most one chunk.
pub fn static_share(chunks: usize, threads: NonZeroUsize, index: usize) -> Range<usize> {
    let threads = threads.get();
    let start = chunks * index / threads;
    let end = chunks * (index + 1) / threads;
    start..end
}

/// The kernel on `threads` scoped threads with static chunking: the calling
/// thread takes the last share and `threads - 1` threads are spawned for the
/// others (spawning is part of this strategy's cost, ~tens of µs per run).
pub fn scoped(spec: &KernelSpec, threads: NonZeroUsize) -> u64 {
    let last = threads.get() - 1;
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..last)
            .map(|index| {
                let share = static_share(spec.chunks, threads, index);
                scope.spawn(move || range_hits(spec, share))
            })
            .collect();
        let own = range_hits(spec, static_share(spec.chunks, threads, last));
        workers.into_iter().fold(own, |sum, worker| {
            // A worker only panics if the kernel itself panicked: re-raise it.
            let hits = worker
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e));
            sum.wrapping_add(hits)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::threads::{self, ThreadCount};
    use proptest::prelude::*;

    /// Small enough for the unoptimised test profile, same shape as the bench.
    const SMALL: KernelSpec = KernelSpec {
        chunks: 96,
        points_per_chunk: 2_000,
        seed: KernelSpec::BENCH.seed,
    };

    #[test]
    fn every_thread_count_gives_the_serial_checksum() {
        let expected = serial(&SMALL);
        for count in ThreadCount::SCALING {
            let pool = threads::pool(count.get()).unwrap();
            assert_eq!(rayon(&SMALL, &pool), expected, "rayon/{count}");
            assert_eq!(scoped(&SMALL, count.get()), expected, "scoped/{count}");
        }
        // Counts that do not divide the chunk count, and more threads than chunks.
        for n in [3, 7, 100, 200] {
            let n = NonZeroUsize::new(n).unwrap();
            assert_eq!(
                rayon(&SMALL, &threads::pool(n).unwrap()),
                expected,
                "rayon/{n}"
            );
            assert_eq!(scoped(&SMALL, n), expected, "scoped/{n}");
        }
    }

    #[test]
    fn checksum_is_the_sum_of_independent_chunks() {
        let by_chunk: u64 = (0..SMALL.chunks as u64)
            .map(|c| chunk_hits(SMALL.seed, c, SMALL.points_per_chunk))
            .sum();
        assert_eq!(serial(&SMALL), by_chunk);
        // Chunks differ from each other: each has its own stream.
        let first: Vec<u64> = (0..8).map(|c| chunk_hits(SMALL.seed, c, 1_000)).collect();
        assert!(first.windows(2).any(|w| w[0] != w[1]), "{first:?}");
    }

    #[test]
    fn checksum_estimates_pi() {
        let hits = serial(&SMALL);
        let points = SMALL.points() as f64;
        // Binomial standard deviation of the hit count, p = π/4.
        let p = std::f64::consts::FRAC_PI_4;
        let sigma = (points * p * (1.0 - p)).sqrt();
        assert!(
            (hits as f64 - points * p).abs() < 5.0 * sigma,
            "hits {hits}"
        );
        assert!((SMALL.estimate_pi(hits) - std::f64::consts::PI).abs() < 0.02);
    }

    #[test]
    fn bench_size_gives_equal_static_shares_up_to_8_threads() {
        let chunks = KernelSpec::BENCH.chunks;
        for t in 1..=8 {
            let threads = NonZeroUsize::new(t).unwrap();
            for index in 0..t {
                let share = static_share(chunks, threads, index);
                assert_eq!(share.len() * t, chunks, "{t} threads, share {index}");
            }
        }
        assert_eq!(KernelSpec::BENCH.points(), 840 << 16);
    }

    proptest! {
        #[test]
        fn static_shares_cover_every_chunk_once(chunks in 0usize..2_000, threads in 1usize..64) {
            let threads = NonZeroUsize::new(threads).unwrap();
            let mut next = 0;
            for index in 0..threads.get() {
                let share = static_share(chunks, threads, index);
                prop_assert_eq!(share.start, next);
                prop_assert!(share.len() <= chunks.div_ceil(threads.get()));
                next = share.end;
            }
            prop_assert_eq!(next, chunks);
        }
    }
}
