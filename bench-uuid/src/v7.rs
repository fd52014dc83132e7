//! Our own UUIDv7 generator: RFC 9562 layout, monotonic per thread, cheap.
//!
//! # Layout (RFC 9562 §5.7, counter by §6.2 Method 1)
//!
//! ```text
//!  48 bits  unix_ts_ms   milliseconds since the Unix epoch
//!   4 bits  ver          0b0111
//!  12 bits  rand_a       counter bits 41..30
//!   2 bits  var          0b10
//!  30 bits  rand_b(hi)   counter bits 29..0
//!  32 bits  rand_b(lo)   fresh random bits for every id
//! ```
//!
//! The 42-bit counter is reseeded with a random 41-bit value whenever the
//! millisecond advances (the top bit starts clear, so at least 2^41 ids fit in
//! one millisecond before it overflows) and incremented by one otherwise. If it
//! does overflow, the timestamp is bumped by one millisecond (RFC 9562 §6.2
//! allows this) and the counter is reseeded. If the clock goes backwards, the
//! last timestamp is kept and the counter incremented, so ids stay ordered.
//! A 12-bit counter alone would not do: at ~5 ns an id one thread makes ~200 000
//! ids per millisecond, overflowing 4096 every 20 µs and pushing the timestamp
//! ahead of the clock by ~50x.
//!
//! # Threads
//!
//! State is thread-local: no lock and no shared cache line, which is what makes
//! it cheap (the `uuid` crate's `now_v7` takes a process-wide mutex). Ids are
//! therefore strictly increasing per thread, not across threads (two threads in
//! the same millisecond interleave). Uniqueness across threads is probabilistic,
//! as RFC 9562 intends for v7: each thread's generator is seeded from the OS
//! generator, the counter restarts at a random 41-bit value each millisecond,
//! and 32 bits are fresh per id. Two threads collide only if, in the same
//! millisecond, their counters meet (≈ 2k / 2^41 for k ids each) *and* the
//! 32 random bits match (2^-32): about 10^-12 per pair of threads per
//! millisecond at 100 000 ids/ms each.
//!
//! # Clock
//!
//! Reading the wall clock costs more than a whole v4 id on the machines we
//! measured (≈ 20–50 ns for `SystemTime::now` vs ≈ 10–25 ns for `new_v4`), so
//! [`new_v7`] does not read it for every id. Each thread reads the real clock
//! every [`REAL_CLOCK_EVERY`] ids, and a background thread publishes the
//! current millisecond every millisecond; an id takes the later of the two. So
//! a busy thread's timestamps lag real time by at most the time it takes to
//! make [`REAL_CLOCK_EVERY`] ids, and a sparse caller's by about one tick
//! (1 ms, more only if the ticker thread is starved of CPU). The timestamp is
//! never ahead of the clock except after a counter overflow. The random bits
//! come from a per-thread wyrand generator seeded by the OS: UUIDs are
//! identifiers, not secrets (RFC 9562 §8).
//!
//! [`V7Generator::next_at`] takes the clock value as an argument, so the
//! ordering rules are tested with any clock, including one that goes backwards.

use std::cell::RefCell;
use std::sync::Once;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use uuid::Uuid;

/// Width of the per-millisecond counter (12 bits of `rand_a` + 30 of `rand_b`).
pub const COUNTER_BITS: u32 = 42;
const COUNTER_MAX: u64 = (1 << COUNTER_BITS) - 1;
/// Reseeds leave the counter's top bit clear: at least 2^41 increments remain.
const RESEED_MASK: u64 = (1 << (COUNTER_BITS - 1)) - 1;
/// Largest timestamp the 48-bit field holds (the year 10889).
pub const MAX_UNIX_MS: u64 = (1 << 48) - 1;
/// A thread reads the real clock once per this many ids.
pub const REAL_CLOCK_EVERY: u32 = 64;

/// A v7 generator with its own state; [`new_v7`] keeps one per thread.
#[derive(Debug, Clone)]
pub struct V7Generator {
    last_ms: u64,
    counter: u64,
    rng: WyRand,
}

impl V7Generator {
    /// A generator whose random bits come from `seed` (tests, reproducible runs).
    pub fn from_seed(seed: u64) -> Self {
        Self {
            last_ms: 0,
            counter: 0,
            rng: WyRand(seed),
        }
    }

    /// A generator seeded from the operating system's generator.
    pub fn from_os_rng() -> Result<Self, getrandom::Error> {
        let mut seed = [0u8; 8];
        getrandom::fill(&mut seed)?;
        Ok(Self::from_seed(u64::from_ne_bytes(seed)))
    }

    /// The next id for a clock reading of `now_ms` milliseconds since the epoch.
    ///
    /// Ids from one generator are strictly increasing whatever `now_ms` does.
    pub fn next_at(&mut self, now_ms: u64) -> Uuid {
        if now_ms > self.last_ms {
            self.last_ms = now_ms.min(MAX_UNIX_MS);
            self.counter = self.rng.next_u64() & RESEED_MASK;
        } else {
            // Same millisecond, or the clock went backwards: keep the last
            // timestamp and count on from where we were.
            self.counter += 1;
            if self.counter > COUNTER_MAX {
                // Saturates only in the year 10889, where ordering cannot be kept.
                self.last_ms = (self.last_ms + 1).min(MAX_UNIX_MS);
                self.counter = self.rng.next_u64() & RESEED_MASK;
            }
        }
        let random = self.rng.next_u64() & 0xFFFF_FFFF;
        Uuid::from_u128(layout(self.last_ms, self.counter, random))
    }

    /// The timestamp of the last id made (after any overflow bump).
    pub fn last_ms(&self) -> u64 {
        self.last_ms
    }

    /// The generator positioned at `last_ms` with `counter`, to test overflow.
    #[doc(hidden)]
    pub fn with_state(seed: u64, last_ms: u64, counter: u64) -> Self {
        Self {
            last_ms,
            counter: counter & COUNTER_MAX,
            rng: WyRand(seed),
        }
    }
}

/// Packs the fields into the RFC 9562 bit layout.
fn layout(unix_ms: u64, counter: u64, random32: u64) -> u128 {
    let ts = u128::from(unix_ms & MAX_UNIX_MS) << 80;
    let ver = 0x7u128 << 76;
    let rand_a = u128::from(counter >> 30) << 64;
    let var = 0b10u128 << 62;
    let rand_b_hi = u128::from(counter & ((1 << 30) - 1)) << 32;
    ts | ver | rand_a | var | rand_b_hi | u128::from(random32)
}

/// The Unix-millisecond timestamp of a v7 id (the top 48 bits).
pub fn unix_ms(id: Uuid) -> u64 {
    (id.as_u128() >> 80) as u64
}

/// The counter a v7 id from this module carries.
pub fn counter(id: Uuid) -> u64 {
    let v = id.as_u128();
    let rand_a = ((v >> 64) & 0xFFF) as u64;
    let rand_b_hi = ((v >> 32) & ((1 << 30) - 1)) as u64;
    (rand_a << 30) | rand_b_hi
}

/// wyrand (Wang Yi): one multiply per 64 bits, passes PractRand; not for secrets.
#[derive(Debug, Clone)]
struct WyRand(u64);

impl WyRand {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0xa076_1d64_78bd_642f);
        let t = u128::from(self.0) * u128::from(self.0 ^ 0xe703_7ed1_a0b4_28db);
        ((t >> 64) as u64) ^ (t as u64)
    }
}

/// Milliseconds since the Unix epoch from the system clock (0 before 1970).
pub fn system_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// The millisecond the ticker thread last published (0 before it runs).
static COARSE_MS: AtomicU64 = AtomicU64::new(0);
/// False if the ticker thread could not be started: then read the clock per id.
static TICKER_RUNNING: AtomicBool = AtomicBool::new(false);
static TICKER: Once = Once::new();

fn start_ticker() {
    TICKER.call_once(|| {
        COARSE_MS.fetch_max(system_ms(), Ordering::Relaxed);
        let spawned = std::thread::Builder::new()
            .name("v7-coarse-clock".into())
            .spawn(|| {
                loop {
                    COARSE_MS.fetch_max(system_ms(), Ordering::Relaxed);
                    std::thread::sleep(Duration::from_millis(1));
                }
            });
        TICKER_RUNNING.store(spawned.is_ok(), Ordering::Relaxed);
    });
}

/// Per-thread state of [`new_v7`]: the generator and the cached clock.
#[derive(Debug)]
struct Local {
    generator: V7Generator,
    ids_until_clock_read: u32,
    real_ms: u64,
}

impl Local {
    fn new() -> Self {
        start_ticker();
        let generator = V7Generator::from_os_rng()
            .unwrap_or_else(|e| panic!("cannot seed the v7 generator from the OS: {e}"));
        Self {
            generator,
            ids_until_clock_read: 0,
            real_ms: 0,
        }
    }

    fn now_ms(&mut self) -> u64 {
        if self.ids_until_clock_read == 0 || !TICKER_RUNNING.load(Ordering::Relaxed) {
            self.real_ms = system_ms();
            self.ids_until_clock_read = REAL_CLOCK_EVERY;
        }
        self.ids_until_clock_read -= 1;
        self.real_ms.max(COARSE_MS.load(Ordering::Relaxed))
    }
}

thread_local! {
    static LOCAL: RefCell<Option<Local>> = const { RefCell::new(None) };
}

/// A new v7 id from this thread's generator (see the module doc for the rules).
pub fn new_v7() -> Uuid {
    LOCAL.with(|cell| {
        let mut slot = cell.borrow_mut();
        let local = slot.get_or_insert_with(Local::new);
        let now = local.now_ms();
        local.generator.next_at(now)
    })
}

/// A new v7 id that reads the system clock for this id (the cost of exactness).
pub fn new_v7_exact_clock() -> Uuid {
    LOCAL.with(|cell| {
        let mut slot = cell.borrow_mut();
        let local = slot.get_or_insert_with(Local::new);
        local.generator.next_at(system_ms())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use uuid::{Variant, Version};

    fn assert_rfc_bits(id: Uuid) {
        assert_eq!(id.get_version(), Some(Version::SortRand), "{id}");
        assert_eq!(id.get_variant(), Variant::RFC4122, "{id}");
    }

    #[test]
    fn layout_puts_each_field_where_rfc_9562_says() {
        let id = Uuid::from_u128(layout(
            0x0123_4567_89ab,
            (0xABC << 30) | 0x1234_5678,
            0xdead_beef,
        ));
        assert_eq!(id.to_string(), "01234567-89ab-7abc-9234-5678deadbeef");
        assert_rfc_bits(id);
        assert_eq!(unix_ms(id), 0x0123_4567_89ab);
        assert_eq!(counter(id), (0xABC << 30) | 0x1234_5678);
        // The uuid crate reads the same millisecond back.
        let (secs, nanos) = id.get_timestamp().unwrap().to_unix();
        assert_eq!(secs * 1000 + u64::from(nanos) / 1_000_000, 0x0123_4567_89ab);
    }

    #[test]
    fn same_millisecond_increments_the_counter() {
        let mut g = V7Generator::from_seed(7);
        let a = g.next_at(1_000);
        let b = g.next_at(1_000);
        assert!(a < b);
        assert_eq!(counter(b), counter(a) + 1);
        assert!(counter(a) <= RESEED_MASK, "reseed keeps the top bit clear");
        assert_eq!(unix_ms(b), 1_000);
    }

    #[test]
    fn clock_going_backwards_keeps_the_timestamp_and_order() {
        let mut g = V7Generator::from_seed(7);
        let a = g.next_at(5_000);
        let b = g.next_at(4_000);
        assert!(a < b);
        assert_eq!(unix_ms(b), 5_000);
        let c = g.next_at(5_001);
        assert!(b < c);
        assert_eq!(unix_ms(c), 5_001);
    }

    #[test]
    fn counter_overflow_bumps_the_timestamp_by_one_millisecond() {
        let mut g = V7Generator::with_state(1, 9_000, COUNTER_MAX - 1);
        let a = g.next_at(9_000);
        assert_eq!((unix_ms(a), counter(a)), (9_000, COUNTER_MAX));
        let b = g.next_at(9_000);
        assert!(a < b);
        assert_eq!(unix_ms(b), 9_001);
        assert!(counter(b) <= RESEED_MASK);
        // While the clock lags the bumped timestamp, ids stay at 9001 and ordered.
        let c = g.next_at(9_000);
        assert!(b < c);
        assert_eq!(unix_ms(c), 9_001);
    }

    #[test]
    fn thread_local_ids_are_v7_and_near_the_clock() {
        for _ in 0..10_000 {
            let before = system_ms();
            let id = new_v7();
            let after = system_ms();
            assert_rfc_bits(id);
            let ms = unix_ms(id);
            assert!(ms <= after, "id {ms} ahead of clock {after}");
            assert!(ms + 5 >= before, "id {ms} more than 5 ms behind {before}");
        }
        let exact = new_v7_exact_clock();
        assert!(unix_ms(exact).abs_diff(system_ms()) <= 5);
    }

    #[test]
    fn a_sparse_caller_still_gets_the_current_millisecond() {
        // Fewer than REAL_CLOCK_EVERY ids, 30 ms apart: only the ticker can
        // keep them current (without it each would lag >= 30 ms). The bound
        // leaves room for the ticker being woken late on a loaded machine.
        new_v7();
        for _ in 0..6 {
            std::thread::sleep(Duration::from_millis(30));
            let id = new_v7();
            let lag = system_ms().saturating_sub(unix_ms(id));
            assert!(lag <= 15, "sparse id lags the clock by {lag} ms");
        }
    }

    proptest! {
        #[test]
        fn ids_increase_whatever_the_clock_does(
            seed in any::<u64>(),
            start in 0u64..MAX_UNIX_MS / 2,
            steps in prop::collection::vec(-50i64..50, 1..400),
        ) {
            let mut g = V7Generator::from_seed(seed);
            let mut clock = start;
            let mut max_clock = 0;
            let mut prev: Option<Uuid> = None;
            for step in steps {
                clock = clock.saturating_add_signed(step);
                max_clock = max_clock.max(clock);
                let id = g.next_at(clock);
                prop_assert_eq!(id.get_version(), Some(Version::SortRand));
                prop_assert_eq!(id.get_variant(), Variant::RFC4122);
                // Never behind the latest clock seen; never ahead without overflow.
                prop_assert_eq!(unix_ms(id), max_clock);
                if let Some(p) = prev {
                    prop_assert!(p < id, "{} !< {}", p, id);
                }
                prev = Some(id);
            }
        }

        #[test]
        fn ordering_holds_across_counter_overflow(
            seed in any::<u64>(),
            below_max in 0u64..8,
            extra in 1usize..20,
        ) {
            let mut g = V7Generator::with_state(seed, 77, COUNTER_MAX - below_max);
            let mut prev = Uuid::nil();
            for _ in 0..(below_max as usize + extra) {
                let id = g.next_at(77);
                prop_assert!(prev < id);
                prev = id;
            }
            prop_assert_eq!(unix_ms(prev), 78);
        }
    }
}
