//! Scheduling the measurements of `report compare`: A B B A rounds per
//! batch of benchmarks, one process per side per round, never two at once,
//! within a time budget, and more rounds only for benchmarks that are still
//! undecided and that the rounds left could decide. Pure control flow: the
//! processes are behind [`Measurer`], the statistics behind the `pending`
//! callback, so both can be faked in tests.
//!
//! Order: passes over all batches, one round of every active batch per pass.
//! Consecutive rounds of one batch are therefore minutes apart rather than
//! back to back, so a slow stretch of the machine touches one round of many
//! benchmarks instead of many rounds of one. Within a batch the side that
//! goes first alternates (baseline, candidate; candidate, baseline; ...), so
//! neither side always runs on a cache or a CPU frequency the other left.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use crate::diff::Side;

/// Benchmarks measured by one process per side and round: all of them come
/// from the same bench target (`unit`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// Index of the bench target (binary) the ids belong to.
    pub unit: usize,
    pub ids: Vec<String>,
}

/// Splits each unit's ids into batches of at most `size` ids, in order.
pub fn batches(units: &[Vec<String>], size: usize) -> Vec<Batch> {
    let size = size.max(1);
    units
        .iter()
        .enumerate()
        .flat_map(|(unit, ids)| {
            ids.chunks(size).map(move |c| Batch {
                unit,
                ids: c.to_vec(),
            })
        })
        .collect()
}

/// What one process gave: its times, or why there are none.
pub type Measurement = Result<Times, MeasureError>;

/// Why a measurement could not be had.
#[derive(Debug, thiserror::Error)]
pub enum MeasureError {
    #[error("interrupted")]
    Interrupted,
    #[error("{0}")]
    Failed(String),
}

/// The typical time (ns per iteration) of each id a process produced.
pub type Times = BTreeMap<String, f64>;

/// Runs one side's process for one batch and waits for it to end.
pub trait Measurer {
    /// Measures `ids` (all from `batch.unit`) on `side`.
    fn measure(&mut self, side: Side, unit: usize, ids: &[String]) -> Measurement;
    /// Time spent measuring so far.
    fn elapsed(&self) -> Duration;
}

/// How many rounds, within what time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// Rounds every benchmark gets before any is judged.
    pub min_rounds: usize,
    /// Rounds no benchmark goes beyond.
    pub max_rounds: usize,
    /// Measuring stops before a round that would not fit in this.
    pub budget: Duration,
}

/// Why measuring ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// Every benchmark is decided.
    Decided,
    /// The next round would not have fit in the budget.
    Budget,
    /// The undecided benchmarks reached the round limit.
    MaxRounds,
    /// No undecided benchmark could be decided in the rounds left.
    Undecidable,
}

/// What the statistics say of the series so far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pending {
    /// The benchmarks not decided yet.
    pub undecided: BTreeSet<String>,
    /// Those of them that the rounds left could still decide: only these
    /// get more rounds.
    pub worth_measuring: BTreeSet<String>,
}

/// One benchmark's paired times, one `(baseline_ns, candidate_ns)` per round.
pub type Series = BTreeMap<String, Vec<(f64, f64)>>;

#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub series: Series,
    pub stop: Stop,
    /// Processes started, both sides together.
    pub processes: usize,
}

impl Outcome {
    /// The benchmarks the budget stopped before they had `min_rounds`
    /// rounds: their intervals are wider than the schedule meant them to be.
    pub fn below_min_rounds(&self, min_rounds: usize) -> Vec<String> {
        if self.stop != Stop::Budget {
            return Vec::new();
        }
        self.series
            .iter()
            .filter(|(_, rounds)| rounds.len() < min_rounds)
            .map(|(id, _)| id.clone())
            .collect()
    }
}

/// Runs rounds until every benchmark is decided, the round limit is reached
/// or the budget would be exceeded. `pending` gets the series so far (after
/// `min_rounds` passes) and how many more passes over the benchmarks still
/// measured would fit in the budget and the round limit; it returns the ids
/// that need more rounds and those of them worth measuring.
pub fn run(
    batches: &[Batch],
    schedule: &Schedule,
    measurer: &mut dyn Measurer,
    pending: &mut dyn FnMut(&Series, usize) -> Pending,
) -> Result<Outcome, MeasureError> {
    let mut series: Series = batches
        .iter()
        .flat_map(|b| b.ids.iter().map(|id| (id.clone(), Vec::new())))
        .collect();
    let mut active: BTreeSet<String> = series.keys().cloned().collect();
    let mut rounds_of_batch = vec![0usize; batches.len()];
    // Measuring time per id of one round (both sides), per batch and overall.
    let mut cost_per_id: Vec<Option<Duration>> = vec![None; batches.len()];
    let (mut measured_ids, mut measured_time) = (0u32, Duration::ZERO);
    let mut processes = 0;
    let max_rounds = schedule.max_rounds.max(schedule.min_rounds).max(1);
    for pass in 0..max_rounds {
        if pass >= schedule.min_rounds {
            let left = passes_left(
                batches,
                &active,
                &cost_per_id,
                schedule.budget.saturating_sub(measurer.elapsed()),
            )
            .min(max_rounds - pass);
            let open = pending(&series, left);
            if open.undecided.is_empty() || open.worth_measuring.is_empty() {
                let stop = if open.undecided.is_empty() {
                    Stop::Decided
                } else {
                    Stop::Undecidable
                };
                return Ok(Outcome {
                    series,
                    stop,
                    processes,
                });
            }
            active = open.worth_measuring;
        }
        for (b, batch) in batches.iter().enumerate() {
            let ids: Vec<String> = batch
                .ids
                .iter()
                .filter(|id| active.contains(*id))
                .cloned()
                .collect();
            if ids.is_empty() {
                continue;
            }
            let per_id =
                cost_per_id[b].or_else(|| (measured_ids > 0).then(|| measured_time / measured_ids));
            let estimate = per_id.unwrap_or(Duration::ZERO) * ids.len() as u32;
            if measurer.elapsed() + estimate > schedule.budget {
                return Ok(Outcome {
                    series,
                    stop: Stop::Budget,
                    processes,
                });
            }
            let order = if rounds_of_batch[b].is_multiple_of(2) {
                [Side::Baseline, Side::Candidate]
            } else {
                [Side::Candidate, Side::Baseline]
            };
            let started = measurer.elapsed();
            let mut times: [Times; 2] = Default::default();
            for side in order {
                let got = measurer.measure(side, batch.unit, &ids)?;
                processes += 1;
                times[usize::from(side == Side::Candidate)] = got;
            }
            rounds_of_batch[b] += 1;
            let took = measurer.elapsed().saturating_sub(started);
            cost_per_id[b] = Some(took / ids.len() as u32);
            measured_ids += ids.len() as u32;
            measured_time += took;
            for id in &ids {
                if let (Some(&base), Some(&cand)) = (times[0].get(id), times[1].get(id)) {
                    series.entry(id.clone()).or_default().push((base, cand));
                }
            }
        }
    }
    let stop = if pending(&series, 0).undecided.is_empty() {
        Stop::Decided
    } else {
        Stop::MaxRounds
    };
    Ok(Outcome {
        series,
        stop,
        processes,
    })
}

/// Passes over the `active` benchmarks that fit in `remaining`, at each
/// batch's last cost per id; at least one (the budget check before each
/// batch is what stops measuring). An estimate on the safe side: passes
/// get cheaper as benchmarks are decided, and the count is made again
/// after each pass, so a benchmark left out now can come back.
fn passes_left(
    batches: &[Batch],
    active: &BTreeSet<String>,
    cost_per_id: &[Option<Duration>],
    remaining: Duration,
) -> usize {
    let pass: Duration = batches
        .iter()
        .zip(cost_per_id)
        .map(|(batch, cost)| {
            let n = batch.ids.iter().filter(|id| active.contains(*id)).count();
            cost.unwrap_or(Duration::ZERO) * n as u32
        })
        .sum();
    if pass.is_zero() {
        return usize::MAX;
    }
    ((remaining.as_secs_f64() / pass.as_secs_f64()) as usize).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Pending {
        /// Every undecided benchmark is worth measuring.
        fn all(undecided: BTreeSet<String>) -> Self {
            Self {
                worth_measuring: undecided.clone(),
                undecided,
            }
        }
    }

    /// Records every call; each id costs `cost` of fake time; the candidate
    /// is `slower` x the baseline for ids in `regressed`.
    struct Fake {
        now: Duration,
        cost: Duration,
        calls: Vec<(Side, usize, Vec<String>, Duration, Duration)>,
        in_flight: bool,
    }

    impl Measurer for Fake {
        fn measure(&mut self, side: Side, unit: usize, ids: &[String]) -> Measurement {
            assert!(!self.in_flight, "two processes at once");
            self.in_flight = true;
            let start = self.now;
            self.now += self.cost * ids.len() as u32;
            self.calls.push((side, unit, ids.to_vec(), start, self.now));
            self.in_flight = false;
            Ok(ids.iter().map(|id| (id.clone(), 100.0)).collect())
        }
        fn elapsed(&self) -> Duration {
            self.now
        }
    }

    fn fake() -> Fake {
        Fake {
            now: Duration::ZERO,
            cost: Duration::from_millis(500),
            calls: Vec::new(),
            in_flight: false,
        }
    }

    fn ids(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn batches_split_each_unit_in_order() {
        let b = batches(&[ids(&["a", "b", "c"]), ids(&["d"])], 2);
        assert_eq!(
            b,
            [
                Batch {
                    unit: 0,
                    ids: ids(&["a", "b"])
                },
                Batch {
                    unit: 0,
                    ids: ids(&["c"])
                },
                Batch {
                    unit: 1,
                    ids: ids(&["d"])
                },
            ]
        );
    }

    #[test]
    fn rounds_alternate_abba_and_never_overlap() {
        let b = batches(&[ids(&["a", "b"]), ids(&["c"])], 8);
        let mut m = fake();
        let schedule = Schedule {
            min_rounds: 4,
            max_rounds: 4,
            budget: Duration::from_secs(3600),
        };
        let out = run(&b, &schedule, &mut m, &mut |s: &Series, _| {
            Pending::all(s.keys().cloned().collect())
        })
        .unwrap();
        assert_eq!(out.stop, Stop::MaxRounds);
        assert_eq!(out.processes, 16);
        let sides_of = |unit| -> Vec<Side> {
            m.calls
                .iter()
                .filter(|c| c.1 == unit)
                .map(|c| c.0)
                .collect()
        };
        use Side::{Baseline as A, Candidate as B};
        assert_eq!(sides_of(0), [A, B, B, A, A, B, B, A]);
        assert_eq!(sides_of(1), [A, B, B, A, A, B, B, A]);
        // Passes: one round of each batch, then the next round.
        let units: Vec<usize> = m.calls.iter().map(|c| c.1).collect();
        assert_eq!(&units[..4], [0, 0, 1, 1]);
        // Each process starts when the previous one ended.
        for w in m.calls.windows(2) {
            assert!(w[1].3 >= w[0].4);
        }
        assert!(out.series.values().all(|v| v.len() == 4));
    }

    #[test]
    fn only_undecided_benchmarks_get_more_rounds() {
        let b = batches(&[ids(&["a", "b", "c"])], 8);
        let mut m = fake();
        let schedule = Schedule {
            min_rounds: 2,
            max_rounds: 6,
            budget: Duration::from_secs(3600),
        };
        // "b" stays undecided until it has 5 rounds.
        let out = run(&b, &schedule, &mut m, &mut |s: &Series, _| {
            Pending::all(
                s.iter()
                    .filter(|(id, v)| id.as_str() == "b" && v.len() < 5)
                    .map(|(id, _)| id.clone())
                    .collect(),
            )
        })
        .unwrap();
        assert_eq!(out.stop, Stop::Decided);
        assert_eq!(out.series["a"].len(), 2);
        assert_eq!(out.series["b"].len(), 5);
        assert!(m.calls[4..].iter().all(|c| c.2 == ids(&["b"])));
    }

    #[test]
    fn rounds_go_only_to_benchmarks_the_rounds_left_could_decide() {
        let b = batches(&[ids(&["a", "b", "c"])], 8);
        let mut m = fake();
        let schedule = Schedule {
            min_rounds: 2,
            max_rounds: 50,
            budget: Duration::from_secs(20),
        };
        // "a" and "b" stay undecided; only "a" is worth measuring, until it
        // has 5 rounds. A pass of all three costs 3 s (3 ids x 2 sides x
        // 0.5 s), a pass of "a" alone 1 s.
        let mut lefts = Vec::new();
        let out = run(&b, &schedule, &mut m, &mut |s: &Series, left| {
            lefts.push(left);
            let undecided: BTreeSet<String> = ids(&["a", "b"]).into_iter().collect();
            let worth = if s["a"].len() < 5 {
                ids(&["a"]).into_iter().collect()
            } else {
                BTreeSet::new()
            };
            Pending {
                undecided,
                worth_measuring: worth,
            }
        })
        .unwrap();
        assert_eq!(out.stop, Stop::Undecidable);
        assert_eq!(out.series["a"].len(), 5);
        assert_eq!(out.series["b"].len(), 2);
        assert_eq!(out.series["c"].len(), 2);
        // After 6 s: 14 s left for passes of 3 s; then 13, 12, 11 s left for
        // passes of 1 s.
        assert_eq!(lefts, [4, 13, 12, 11]);
        assert_eq!(m.now, Duration::from_secs(9));
    }

    #[test]
    fn the_budget_is_never_exceeded() {
        let b = batches(&[ids(&["a", "b"]), ids(&["c", "d"])], 8);
        for budget_s in [3, 7, 10, 23] {
            let mut m = fake();
            let schedule = Schedule {
                min_rounds: 3,
                max_rounds: 50,
                budget: Duration::from_secs(budget_s),
            };
            let out = run(&b, &schedule, &mut m, &mut |s: &Series, _| {
                Pending::all(s.keys().cloned().collect())
            })
            .unwrap();
            assert_eq!(out.stop, Stop::Budget);
            // One round of a batch: 2 ids x 2 sides x 0.5 s = 2 s.
            assert!(
                m.now <= Duration::from_secs(budget_s),
                "{budget_s}: {:?}",
                m.now
            );
            assert!(m.now + Duration::from_secs(2) > Duration::from_secs(budget_s));
        }
    }

    #[test]
    fn a_budget_that_runs_out_early_names_the_benchmarks_below_min_rounds() {
        // One round of the first batch takes 2 s; the second batch's would
        // end at 4 s, past the 3 s budget: a and b have 1 round, c and d none.
        let b = batches(&[ids(&["a", "b"]), ids(&["c", "d"])], 8);
        let all = &mut |s: &Series, _| Pending::all(s.keys().cloned().collect());
        let mut schedule = Schedule {
            min_rounds: 3,
            max_rounds: 50,
            budget: Duration::from_secs(3),
        };
        let out = run(&b, &schedule, &mut fake(), all).unwrap();
        assert_eq!(out.stop, Stop::Budget);
        assert_eq!(out.series["a"].len(), 1);
        assert_eq!(out.below_min_rounds(3), ids(&["a", "b", "c", "d"]));
        // Past the minimum, a budget stop leaves no benchmark below it.
        schedule.budget = Duration::from_secs(30);
        let out = run(&b, &schedule, &mut fake(), all).unwrap();
        assert_eq!(out.stop, Stop::Budget);
        assert!(out.series.values().all(|v| v.len() >= 3));
        assert!(out.below_min_rounds(3).is_empty());
        // Other stops never name one.
        schedule.max_rounds = 3;
        let out = run(&b, &schedule, &mut fake(), all).unwrap();
        assert_eq!(out.stop, Stop::MaxRounds);
        assert!(out.below_min_rounds(4).is_empty());
    }
}
