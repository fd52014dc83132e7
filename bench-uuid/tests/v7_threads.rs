//! Our v7 generator under concurrency: 8 threads x 1M ids, all checked.

use std::time::{SystemTime, UNIX_EPOCH};

use bench_uuid::v7;
use uuid::{Uuid, Variant, Version};

const THREADS: usize = 8;
const PER_THREAD: usize = 1_000_000;
/// One id in this many is compared with a fresh `SystemTime::now()`.
const CLOCK_CHECK_EVERY: usize = 1024;

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

/// What one thread made, and how far behind the clock its sampled ids were.
struct ThreadRun {
    ids: Vec<u128>,
    lags_ms: Vec<u64>,
}

fn run_thread() -> ThreadRun {
    let mut ids = Vec::with_capacity(PER_THREAD);
    let mut lags_ms = Vec::with_capacity(PER_THREAD / CLOCK_CHECK_EVERY + 1);
    for i in 0..PER_THREAD {
        let id = v7::new_v7();
        if i % CLOCK_CHECK_EVERY == 0 {
            let now = now_ms();
            let ms = v7::unix_ms(id);
            assert!(ms <= now, "id at {ms} ms is ahead of the clock ({now} ms)");
            lags_ms.push(now - ms);
        }
        ids.push(id.as_u128());
    }
    ThreadRun { ids, lags_ms }
}

#[test]
fn eight_threads_of_a_million_ids_are_unique_ordered_well_formed_and_current() {
    let runs: Vec<ThreadRun> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS).map(|_| s.spawn(run_thread)).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });

    let mut lags = Vec::new();
    let mut all = Vec::with_capacity(THREADS * PER_THREAD);
    for (t, run) in runs.iter().enumerate() {
        assert_eq!(run.ids.len(), PER_THREAD);
        if let Some(i) = run.ids.windows(2).position(|w| w[0] >= w[1]) {
            panic!("thread {t}: id {} is not above id {i}", i + 1);
        }
        for &raw in &run.ids {
            let id = Uuid::from_u128(raw);
            assert_eq!(id.get_version(), Some(Version::SortRand), "{id}");
            assert_eq!(id.get_variant(), Variant::RFC4122, "{id}");
        }
        lags.extend_from_slice(&run.lags_ms);
        all.extend_from_slice(&run.ids);
    }

    all.sort_unstable();
    if let Some(w) = all.windows(2).find(|w| w[0] == w[1]) {
        panic!("duplicate id across threads: {}", Uuid::from_u128(w[0]));
    }
    assert_eq!(all.len(), THREADS * PER_THREAD);

    // Timestamps: an id is stale only if its thread was descheduled between
    // its last real clock read (at most REAL_CLOCK_EVERY ids earlier) and the
    // id; with 8 threads on a few shared cores that happens, rarely. So the
    // bulk must be within 2 ms and nothing beyond a generous scheduling bound.
    lags.sort_unstable();
    let p99 = lags[lags.len() * 99 / 100];
    let max = *lags.last().unwrap();
    assert!(p99 <= 2, "99th percentile lag {p99} ms (max {max} ms)");
    assert!(max <= 250, "an id lagged the clock by {max} ms");
}
