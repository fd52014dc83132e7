//! Batch generation workloads: fill a caller's buffer with ids, one call per id.
//!
//! Each function makes exactly one id per slot through the API under test, so
//! a batch of 1000 measures 1000 calls; the buffer is allocated by the caller
//! outside the timed region and reused.

use uuid::{Builder, NoContext, Timestamp, Uuid};

use crate::v7;

/// `Uuid::new_v4()`: the `uuid` crate with `fast-rng` (a thread-local ChaCha).
pub fn fill_v4(out: &mut [Uuid]) {
    for slot in out {
        *slot = Uuid::new_v4();
    }
}

/// v4 from 16 bytes asked of the OS generator (`getrandom`) for every id.
pub fn fill_v4_os_rng(out: &mut [Uuid]) -> Result<(), getrandom::Error> {
    for slot in out {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes)?;
        *slot = Builder::from_random_bytes(bytes).into_uuid();
    }
    Ok(())
}

/// `Uuid::now_v7()`: the crate's process-wide monotonic context (a mutex).
pub fn fill_now_v7(out: &mut [Uuid]) {
    for slot in out {
        *slot = Uuid::now_v7();
    }
}

/// `Uuid::new_v7(Timestamp::now(NoContext))`: no counter, so ids made in the
/// same millisecond are ordered only by chance.
pub fn fill_new_v7_nocontext(out: &mut [Uuid]) {
    for slot in out {
        *slot = Uuid::new_v7(Timestamp::now(NoContext));
    }
}

/// Our thread-local generator ([`v7::new_v7`]).
pub fn fill_v7_ours(out: &mut [Uuid]) {
    for slot in out {
        *slot = v7::new_v7();
    }
}

/// Our generator reading the system clock for every id ([`v7::new_v7_exact_clock`]).
pub fn fill_v7_ours_exact_clock(out: &mut [Uuid]) {
    for slot in out {
        *slot = v7::new_v7_exact_clock();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use uuid::{Variant, Version};

    fn check(ids: &[Uuid], version: Version, ordered: bool) {
        let distinct: HashSet<_> = ids.iter().collect();
        assert_eq!(distinct.len(), ids.len(), "duplicate ids");
        for id in ids {
            assert_eq!(id.get_version(), Some(version), "{id}");
            assert_eq!(id.get_variant(), Variant::RFC4122, "{id}");
        }
        if ordered {
            assert!(
                ids.windows(2).all(|w| w[0] < w[1]),
                "not strictly increasing"
            );
        }
    }

    #[test]
    fn every_workload_fills_every_slot_with_a_valid_distinct_id() {
        let mut ids = vec![Uuid::nil(); 1000];
        fill_v4(&mut ids);
        check(&ids, Version::Random, false);
        fill_v4_os_rng(&mut ids).unwrap();
        check(&ids, Version::Random, false);
        fill_now_v7(&mut ids);
        check(&ids, Version::SortRand, true);
        fill_new_v7_nocontext(&mut ids);
        check(&ids, Version::SortRand, false);
        fill_v7_ours(&mut ids);
        check(&ids, Version::SortRand, true);
        fill_v7_ours_exact_clock(&mut ids);
        check(&ids, Version::SortRand, true);
    }
}
