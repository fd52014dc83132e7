//! Granularity sweep: one fixed amount of kernel work, cut into chunks of
//! different sizes, to show where handing chunks to threads stops paying.
//!
//! The work is the π kernel of [`crate::kernel`]; only the chunk size varies.
//! Chunk sizes are fixed point counts, named by the time one chunk takes on one
//! core of the machine the constants were tuned on (~3.3 ns per point, a
//! 2.4 GHz EPYC): `1us` = 300 points up to `10ms` = 3 M points. The labels are nominal: on
//! another machine the real chunk time is the serial time divided by the number
//! of chunks. The rayon variant makes every chunk its own task
//! (`with_max_len(1)`), as submitting one job per chunk to an executor would,
//! so per-task overhead shows at the small end and load imbalance (few chunks
//! for many threads) at the large end.

use rayon::prelude::*;

use crate::kernel::chunk_hits;

/// Total points of every sweep run: eight of the largest chunks (~80 ms).
pub const TOTAL_POINTS: u64 = 8 * 3_000_000;

/// Seed of the sweep's chunk streams.
pub const SEED: u64 = 0x0060_A10F_5EED;

/// One chunk size of the sweep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkSize {
    /// The id parameter, e.g. `100us`.
    pub label: &'static str,
    /// Points per chunk.
    pub points: u64,
}

/// The sweep's chunk sizes, smallest first; each divides [`TOTAL_POINTS`].
pub const CHUNK_SIZES: [ChunkSize; 5] = [
    ChunkSize {
        label: "1us",
        points: 300,
    },
    ChunkSize {
        label: "10us",
        points: 3_000,
    },
    ChunkSize {
        label: "100us",
        points: 30_000,
    },
    ChunkSize {
        label: "1ms",
        points: 300_000,
    },
    ChunkSize {
        label: "10ms",
        points: 3_000_000,
    },
];

/// A sweep run: `total` points cut into chunks of `chunk` points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sweep {
    /// Total points; a multiple of `chunk`.
    pub total: u64,
    /// Points per chunk (> 0).
    pub chunk: u64,
}

/// The error for a sweep whose chunk does not evenly cut the total.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("chunk of {chunk} points must be > 0 and divide the total of {total} points")]
pub struct UnevenChunks {
    pub total: u64,
    pub chunk: u64,
}

impl Sweep {
    /// A sweep of `total` points in chunks of `chunk` points.
    pub fn new(total: u64, chunk: u64) -> Result<Self, UnevenChunks> {
        if chunk == 0 || !total.is_multiple_of(chunk) {
            return Err(UnevenChunks { total, chunk });
        }
        Ok(Self { total, chunk })
    }

    /// Number of chunks.
    pub fn chunks(&self) -> u64 {
        self.total / self.chunk
    }

    /// All chunks in order on the calling thread.
    pub fn serial(&self) -> u64 {
        (0..self.chunks()).fold(0u64, |sum, c| {
            sum.wrapping_add(chunk_hits(SEED, c, self.chunk))
        })
    }

    /// One rayon task per chunk, in `pool`.
    pub fn rayon(&self, pool: &rayon::ThreadPool) -> u64 {
        pool.install(|| {
            // A usize range: rayon splits only indexed ranges down to one item.
            (0..self.chunks() as usize)
                .into_par_iter()
                .with_max_len(1)
                .map(|c| chunk_hits(SEED, c as u64, self.chunk))
                .reduce(|| 0, u64::wrapping_add)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::threads;
    use std::num::NonZeroUsize;

    #[test]
    fn every_bench_chunk_size_cuts_the_total_evenly() {
        for size in CHUNK_SIZES {
            let sweep = Sweep::new(TOTAL_POINTS, size.points).unwrap();
            assert_eq!(sweep.chunks() * size.points, TOTAL_POINTS, "{}", size.label);
        }
        assert_eq!(Sweep::new(TOTAL_POINTS, 3_000_000).unwrap().chunks(), 8);
        assert_eq!(Sweep::new(TOTAL_POINTS, 300).unwrap().chunks(), 80_000);
    }

    #[test]
    fn uneven_or_empty_chunks_are_rejected() {
        let err = Sweep::new(10, 3).unwrap_err();
        assert_eq!(
            err,
            UnevenChunks {
                total: 10,
                chunk: 3
            }
        );
        assert!(err.to_string().contains("3 points"), "{err}");
        assert!(Sweep::new(10, 0).is_err());
    }

    #[test]
    fn rayon_matches_serial_at_every_chunk_size() {
        // Same shape as the bench (1:10:100:1000:10000), scaled down 100x in
        // points so the unoptimised test build stays fast.
        let pool = threads::pool(NonZeroUsize::new(4).unwrap()).unwrap();
        for size in CHUNK_SIZES {
            let sweep = Sweep::new(TOTAL_POINTS / 100, size.points / 100).unwrap();
            assert_eq!(sweep.rayon(&pool), sweep.serial(), "{}", size.label);
        }
    }

    #[test]
    fn the_total_work_is_the_same_at_every_chunk_size() {
        // Different chunk streams, same number of points: the hit rate is π/4
        // at every size.
        for chunk in [5, 50, 500, 5_000] {
            let sweep = Sweep::new(20_000, chunk).unwrap();
            let rate = sweep.serial() as f64 / sweep.total as f64;
            assert!(
                (rate - std::f64::consts::FRAC_PI_4).abs() < 0.03,
                "{chunk}: {rate}"
            );
        }
    }
}
