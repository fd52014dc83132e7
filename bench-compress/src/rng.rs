//! Seeded pseudo-random numbers whose output never changes.
//!
//! The payload generators must give the same bytes on every machine and with
//! every version of this crate's dependencies, so they cannot use `rand`'s
//! `StdRng` (its algorithm is allowed to change between releases). SplitMix64
//! is tiny, fast, passes BigCrush, and is fully specified by a few lines.

/// The SplitMix64 generator (Steele, Lea and Flood, 2014).
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A value in `0..n` (Lemire's multiply-shift; the bias is below 2^-40
    /// for the small ranges used here). `n` must not be 0.
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// A value in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// A float in `[0, 1)` with 53 random bits.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// An approximately normal value with mean 0 and standard deviation 1:
    /// the sum of four uniform 16-bit values from one draw (Irwin–Hall), which
    /// is what camera noise needs and costs one draw per sample.
    pub fn normalish(&mut self) -> f64 {
        let x = self.next_u64();
        let sum: u64 = (0..4).map(|i| (x >> (16 * i)) & 0xFFFF).sum();
        // Each uniform on [0, 65535] has mean 32767.5 and variance ~65536^2/12.
        (sum as f64 - 4.0 * 32767.5) / (65536.0 * (4.0f64 / 12.0).sqrt())
    }

    /// Fills `buf` with random bytes, eight at a time.
    pub fn fill(&mut self, buf: &mut [u8]) {
        let mut chunks = buf.chunks_exact_mut(8);
        for chunk in &mut chunks {
            chunk.copy_from_slice(&self.next_u64().to_le_bytes());
        }
        let rest = chunks.into_remainder();
        let last = self.next_u64().to_le_bytes();
        rest.copy_from_slice(&last[..rest.len()]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference outputs for seed 0, computed independently with a Python
    /// transcription of the published algorithm.
    #[test]
    fn matches_the_reference_algorithm() {
        let mut rng = SplitMix64::new(0);
        assert_eq!(rng.next_u64(), 0xe220_a839_7b1d_cdaf);
        assert_eq!(rng.next_u64(), 0x6e78_9e6a_a1b9_65f4);
        assert_eq!(rng.next_u64(), 0x06c4_5d18_8009_454f);
    }

    #[test]
    fn helpers_stay_in_range() {
        let mut rng = SplitMix64::new(7);
        for _ in 0..10_000 {
            assert!(rng.below(3) < 3);
            let r = rng.range(5, 9);
            assert!((5..=9).contains(&r));
            let u = rng.unit();
            assert!((0.0..1.0).contains(&u));
            assert!(rng.normalish().abs() < 3.5);
        }
    }

    #[test]
    fn normalish_has_unit_spread() {
        let mut rng = SplitMix64::new(11);
        let n = 20_000;
        let xs: Vec<f64> = (0..n).map(|_| rng.normalish()).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.05, "mean {mean}");
        assert!((var - 1.0).abs() < 0.05, "variance {var}");
    }

    #[test]
    fn fill_handles_lengths_that_are_not_multiples_of_eight() {
        let mut a = SplitMix64::new(3);
        let mut buf = [0u8; 13];
        a.fill(&mut buf);
        let mut b = SplitMix64::new(3);
        let first = b.next_u64().to_le_bytes();
        let second = b.next_u64().to_le_bytes();
        assert_eq!(&buf[..8], &first);
        assert_eq!(&buf[8..], &second[..5]);
    }
}
