//! The orders every renderer lists things in: suites in the catalog's order,
//! and benchmark names "naturally", numbers by value and with their unit, so
//! `1us, 10us, 100us, 1ms, 10ms`, `1000, 10000, 100000` and `100k, 1m` read
//! in the order of size rather than as text. Pure.

use std::cmp::Ordering;

use crate::catalog;
use crate::model::BenchmarkId;

/// Rank of a suite (its first id segment) in the catalog's order; suites
/// the catalog does not name after them (callers break ties by name).
pub fn suite_rank(suite: &str) -> usize {
    catalog::get().suite_rank(suite)
}

/// Benchmark ids part by part (group, then function, then value), each
/// naturally: `bytes/64` before `bytes-decimal/64`, as criterion's parts are
/// (the same order as [`natural_cmp`] of the full ids, for ids whose parts
/// hold no `/`).
pub fn id_cmp(a: &BenchmarkId, b: &BenchmarkId) -> Ordering {
    let part = |x: &Option<String>, y: &Option<String>| match (x, y) {
        (Some(x), Some(y)) => natural_cmp(x, y),
        (x, y) => x.cmp(y),
    };
    natural_cmp(&a.group, &b.group)
        .then_with(|| part(&a.function, &b.function))
        .then_with(|| part(&a.value, &b.value))
}

/// Units a number in a benchmark name may carry, with their factor: times
/// (criterion-style `us`; `µs` too) and decimal sizes (`100k`, `1m`).
const UNITS: [(&str, f64); 8] = [
    ("ns", 1.0),
    ("us", 1e3),
    ("µs", 1e3),
    ("ms", 1e6),
    ("s", 1e9),
    ("k", 1e3),
    ("m", 1e6),
    ("g", 1e9),
];

/// Compares strings with runs of digits as numbers (`a/2` < `a/10`), a
/// number followed by a unit as that quantity (`10us` < `1ms`), and `/`
/// before any other character, so ids compare segment by segment. Ties (`a02`
/// and `a2`, `1000us` and `1ms`) fall back to plain order, so distinct names
/// never compare equal.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    natural_only(a, b).then_with(|| a.cmp(b))
}

/// The unit right after a number and its factor, when a unit ends there
/// (end of text or a non-alphanumeric character): `ms/` yes, `msg` no.
fn unit(rest: &str) -> (usize, f64) {
    UNITS
        .iter()
        .find(|(u, _)| {
            rest.strip_prefix(u)
                .is_some_and(|after| !after.starts_with(|c: char| c.is_alphanumeric()))
        })
        .map_or((0, 1.0), |(u, factor)| (u.len(), *factor))
}

fn natural_only(mut a: &str, mut b: &str) -> Ordering {
    let digits = |s: &str| s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    loop {
        let (Some(ca), Some(cb)) = (a.chars().next(), b.chars().next()) else {
            return a.len().cmp(&b.len());
        };
        let (da, db) = (digits(a), digits(b));
        if da > 0 && db > 0 {
            let (na, nb) = (
                a[..da].trim_start_matches('0'),
                b[..db].trim_start_matches('0'),
            );
            let ((ua, fa), (ub, fb)) = (unit(&a[da..]), unit(&b[db..]));
            let order = if fa == 1.0 && fb == 1.0 {
                // Exact for any length of digits.
                na.len().cmp(&nb.len()).then_with(|| na.cmp(nb))
            } else {
                let value = |n: &str, factor: f64| n.parse::<f64>().unwrap_or(0.0) * factor;
                value(na, fa).total_cmp(&value(nb, fb))
            };
            if order != Ordering::Equal {
                return order;
            }
            (a, b) = (&a[da + ua..], &b[db + ub..]);
        } else {
            if ca != cb {
                // `/` ends a segment: `bytes/64` before `bytes-decimal/64`,
                // as comparing the id's parts one by one would have it.
                let segment_end = |c: char| c != '/';
                return segment_end(ca)
                    .cmp(&segment_end(cb))
                    .then_with(|| ca.cmp(&cb));
            }
            (a, b) = (&a[ca.len_utf8()..], &b[cb.len_utf8()..]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(names: &[&'static str]) -> Vec<&'static str> {
        let mut names = names.to_vec();
        names.sort_by(|a, b| natural_cmp(a, b));
        names
    }

    #[test]
    fn numbers_compare_by_value() {
        assert_eq!(
            sorted(&["rayon/10", "rayon/max", "rayon/2", "rayon/1", "rayon/02x"]),
            ["rayon/1", "rayon/2", "rayon/02x", "rayon/10", "rayon/max"]
        );
        assert_eq!(
            sorted(&["v4/100000", "v4/1000", "v4/10000"]),
            ["v4/1000", "v4/10000", "v4/100000"]
        );
        assert_eq!(
            sorted(&["bytes-decimal/64", "bytes/64", "bytes/8"]),
            ["bytes/8", "bytes/64", "bytes-decimal/64"]
        );
        assert_eq!(natural_cmp("a", "a"), Ordering::Equal);
        assert_eq!(natural_cmp("a1", "a"), Ordering::Greater);
    }

    #[test]
    fn numbers_with_units_compare_as_quantities() {
        // The granularity benchmarks, in the text order criterion's folders have.
        assert_eq!(
            sorted(&[
                "rayon/100us",
                "rayon/10ms",
                "rayon/10us",
                "rayon/1ms",
                "rayon/1us"
            ]),
            [
                "rayon/1us",
                "rayon/10us",
                "rayon/100us",
                "rayon/1ms",
                "rayon/10ms"
            ]
        );
        assert_eq!(
            sorted(&["json-1m", "json-100k", "cpu-5us"]),
            ["cpu-5us", "json-100k", "json-1m"]
        );
        // A unit only counts when the word ends there: `1msg` is 1 then text.
        assert_eq!(
            sorted(&["2msg", "1msg", "10msg"]),
            ["1msg", "2msg", "10msg"]
        );
        // Equal quantities in different spellings stay distinct and ordered.
        assert_ne!(natural_cmp("1000us", "1ms"), Ordering::Equal);
    }

    #[test]
    fn suites_follow_the_catalog() {
        assert!(suite_rank("cpu") < suite_rank("async"));
        assert_eq!(suite_rank("other"), suite_rank("another"));
    }
}
