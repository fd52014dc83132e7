//! Workloads for the fixture benchmarks: small, deterministic, and cheap, so
//! that criterion's tree can be regenerated in seconds.

/// A multiply-add chain over `0..n` the optimiser cannot fold away.
pub fn work(n: u64) -> u64 {
    (0..n).fold(0u64, |acc, x| acc.wrapping_mul(31).wrapping_add(x))
}

#[cfg(test)]
mod tests {
    #[test]
    fn work_is_the_documented_chain() {
        assert_eq!(super::work(0), 0);
        assert_eq!(super::work(3), (0 * 31 + 1) * 31 + 2);
    }
}
