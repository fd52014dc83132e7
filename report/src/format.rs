//! Human-readable numbers: durations scaled to their size (ns, µs, ms, s),
//! rates with SI or IEC prefixes, and ratios. Every renderer (terminal,
//! markdown, HTML, diff) goes through here so one value reads the same
//! everywhere.
//!
//! Durations and rates keep three to four significant digits: enough to tell
//! two runs apart, few enough that a column of them can be scanned. Values that
//! are not finite (a corrupt or missing estimate) read `n/a` rather than
//! `NaN ns`, so a bad cell never looks like a measurement.

use crate::model::Throughput;

/// What a value that is not a finite number renders as.
pub const NOT_A_NUMBER: &str = "n/a";

/// A time in nanoseconds, scaled to ns, µs, ms or s: `245.1 ms`, `2.35 µs`.
///
/// The unit is chosen after rounding, so 999.96 ns reads `1.00 µs`, never
/// `1000.0 ns`. Times of 1000 s and more stay in seconds.
pub fn duration_ns(ns: f64) -> String {
    if !ns.is_finite() {
        return NOT_A_NUMBER.to_owned();
    }
    const UNITS: [(&str, f64); 4] = [("ns", 1.0), ("µs", 1e3), ("ms", 1e6), ("s", 1e9)];
    let sign = if ns < 0.0 { "-" } else { "" };
    let abs = ns.abs();
    for (i, (unit, scale)) in UNITS.iter().enumerate() {
        let text = significant(abs / scale);
        let is_last = i + 1 == UNITS.len();
        if is_last || text_value(&text) < 1000.0 {
            return format!("{sign}{text} {unit}");
        }
    }
    unreachable!("the last unit always returns")
}

/// A rate per second with a prefix scaled to its size.
///
/// `unit` `"B"` uses binary prefixes joined to the unit (`512 MiB/s`), `"bit"`
/// and `"B(SI)"`-style symbols decimal ones joined (`1.20 Gbit/s`, see
/// [`decimal_bytes_rate`]); any other unit is a word and gets a decimal prefix
/// with spaces (`4.27 K ops/s`, `15.2 elem/s`).
pub fn rate(per_second: f64, unit: &str) -> String {
    if !per_second.is_finite() {
        return NOT_A_NUMBER.to_owned();
    }
    match unit {
        "B" => prefixed(per_second, 1024.0, IEC, " ", "B/s"),
        "bit" => prefixed(per_second, 1000.0, SI, " ", "bit/s"),
        _ => {
            let text = prefixed(per_second, 1000.0, SI, " ", "");
            format!("{} {unit}/s", text.trim_end())
        }
    }
}

/// Bytes per second with decimal prefixes (`1.05 GB/s`), for criterion's
/// `BytesDecimal` throughput.
pub fn decimal_bytes_rate(per_second: f64) -> String {
    if !per_second.is_finite() {
        return NOT_A_NUMBER.to_owned();
    }
    prefixed(per_second, 1000.0, SI, " ", "B/s")
}

/// A count per second with a decimal prefix and no unit: `4.27 K`, `426`.
/// The terminal summary's `Ops/sec` column.
pub fn per_second(per_second: f64) -> String {
    if !per_second.is_finite() {
        return NOT_A_NUMBER.to_owned();
    }
    prefixed(per_second, 1000.0, SI, " ", "")
        .trim_end()
        .to_owned()
}

/// A ratio such as a speedup: `3.8x`, `0.95x`, `22.6x`, `130x`.
/// Below 1 two decimals (a 5 % slowdown must not read `1.0x`), up to 100 one.
pub fn ratio(x: f64) -> String {
    if !x.is_finite() {
        return NOT_A_NUMBER.to_owned();
    }
    let abs = x.abs();
    let decimals = if abs < 1.0 {
        2
    } else if abs < 100.0 {
        1
    } else {
        0
    };
    format!("{x:.decimals$}x")
}

/// A count (instructions, cache hits) with four significant digits and a
/// decimal prefix: `950`, `41.23 k`, `1.204 M`, `12.35 G`.
pub fn count(n: f64) -> String {
    if !n.is_finite() {
        return NOT_A_NUMBER.to_owned();
    }
    let abs = n.abs();
    let (scaled, prefix) = if abs >= 1e9 {
        (n / 1e9, " G")
    } else if abs >= 1e6 {
        (n / 1e6, " M")
    } else if abs >= 1e3 {
        (n / 1e3, " k")
    } else {
        return format!("{n:.0}");
    };
    let decimals = if scaled.abs() >= 100.0 {
        1
    } else if scaled.abs() >= 10.0 {
        2
    } else {
        3
    };
    format!("{scaled:.decimals$}{prefix}")
}

/// A fraction as a percentage: `0.475` -> `47.5%`.
pub fn percent(fraction: f64) -> String {
    if !fraction.is_finite() {
        return NOT_A_NUMBER.to_owned();
    }
    format!("{:.1}%", fraction * 100.0)
}

/// The throughput of one iteration taking `ns_per_iter`, in the unit
/// criterion's `Throughput` kind implies: `512 MiB/s`, `1.05 GB/s`,
/// `4.27 M elem/s`, `8.00 Gbit/s`; both for `ElementsAndBytes`.
pub fn throughput(throughput: &Throughput, ns_per_iter: f64) -> String {
    if !(ns_per_iter.is_finite() && ns_per_iter > 0.0) {
        return NOT_A_NUMBER.to_owned();
    }
    let per_second = |amount: u64| amount as f64 * 1e9 / ns_per_iter;
    match *throughput {
        Throughput::Bytes(b) => rate(per_second(b), "B"),
        Throughput::BytesDecimal(b) => decimal_bytes_rate(per_second(b)),
        Throughput::Elements(e) => rate(per_second(e), "elem"),
        Throughput::Bits(b) => rate(per_second(b), "bit"),
        Throughput::ElementsAndBytes { elements, bytes } => format!(
            "{}, {}",
            rate(per_second(elements), "elem"),
            rate(per_second(bytes), "B")
        ),
    }
}

/// A byte count with a binary prefix: `512 B`, `1.50 KiB`, `15.6 GiB`. Memory
/// sizes, file sizes and byte metrics all read this way.
pub fn bytes(n: f64) -> String {
    if !n.is_finite() {
        return NOT_A_NUMBER.to_owned();
    }
    if n.abs() < 1024.0 && n.fract() == 0.0 {
        return format!("{n:.0} B");
    }
    prefixed(n, 1024.0, IEC, " ", "B")
}

/// A plain quantity (a non-time metric such as `98.48 %` or `45.16 pages`):
/// whole numbers exactly, others with three to four significant digits, as
/// durations have.
pub fn number(x: f64) -> String {
    if !x.is_finite() {
        return NOT_A_NUMBER.to_owned();
    }
    if x.fract() == 0.0 && x.abs() < 1e15 {
        return format!("{x:.0}");
    }
    let sign = if x < 0.0 { "-" } else { "" };
    format!("{sign}{}", significant(x.abs()))
}

const IEC: &[&str] = &["", "Ki", "Mi", "Gi", "Ti", "Pi"];
const SI: &[&str] = &["", "K", "M", "G", "T", "P"];

/// `value` divided by the largest power of `base` that keeps it under `base`
/// (after rounding), with that prefix: `{number}{gap}{prefix}{suffix}`.
fn prefixed(value: f64, base: f64, prefixes: &[&str], gap: &str, suffix: &str) -> String {
    let sign = if value < 0.0 { "-" } else { "" };
    let mut scaled = value.abs();
    for (i, prefix) in prefixes.iter().enumerate() {
        let text = significant(scaled);
        if i + 1 == prefixes.len() || text_value(&text) < base {
            return format!("{sign}{text}{gap}{prefix}{suffix}");
        }
        scaled /= base;
    }
    unreachable!("the last prefix always returns")
}

/// Three significant digits, or one decimal from 100 up (`2.35`, `24.5`,
/// `245.1`); values under 1 keep three significant digits up to 0.001.
fn significant(x: f64) -> String {
    let decimals_for = |x: f64| {
        if x >= 100.0 {
            1
        } else if x >= 1.0 || x == 0.0 {
            2
        } else if x >= 0.1 {
            3
        } else {
            4
        }
    };
    let decimals = decimals_for(x);
    let text = format!("{x:.decimals$}");
    // 99.996 rounds to "100.00" and 0.99996 to "1.000": re-render with the
    // precision of the rounded value's size.
    let rounded = text_value(&text);
    let fewer = decimals_for(rounded);
    if fewer < decimals {
        return format!("{rounded:.fewer$}");
    }
    text
}

fn text_value(text: &str) -> f64 {
    text.parse().unwrap_or(f64::INFINITY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_and_plain_numbers_keep_a_readable_precision() {
        assert_eq!(bytes(512.0), "512 B");
        assert_eq!(bytes(1536.0), "1.50 KiB");
        assert_eq!(bytes(300.0 * 1024.0 * 1024.0), "300.0 MiB");
        assert_eq!(bytes(16.0 * (1u64 << 30) as f64), "16.00 GiB");
        assert_eq!(bytes(f64::NAN), NOT_A_NUMBER);
        assert_eq!(number(98.47709693718906), "98.48");
        assert_eq!(number(45.160493827160494), "45.16");
        assert_eq!(number(-0.123456), "-0.123");
        assert_eq!(number(100000.0), "100000");
        assert_eq!(number(f64::INFINITY), NOT_A_NUMBER);
    }

    #[test]
    fn counts_keep_four_significant_digits() {
        assert_eq!(count(950.0), "950");
        assert_eq!(count(41_234.0), "41.23 k");
        assert_eq!(count(1_204_311.0), "1.204 M");
        assert_eq!(count(123_456_789.0), "123.5 M");
        assert_eq!(count(12_350_000_000.0), "12.35 G");
        assert_eq!(count(f64::NAN), NOT_A_NUMBER);
    }

    #[test]
    fn durations_pick_the_unit_by_size() {
        assert_eq!(duration_ns(0.0), "0.00 ns");
        assert_eq!(duration_ns(0.5234), "0.523 ns");
        assert_eq!(duration_ns(12.345), "12.35 ns");
        assert_eq!(duration_ns(999.4), "999.4 ns");
        assert_eq!(duration_ns(2_345.0), "2.35 µs");
        assert_eq!(duration_ns(245_123_000.0), "245.1 ms");
        assert_eq!(duration_ns(1.5e9), "1.50 s");
        assert_eq!(duration_ns(2.5e12), "2500.0 s");
    }

    #[test]
    fn durations_move_up_a_unit_when_rounding_reaches_1000() {
        assert_eq!(duration_ns(999.96), "1.00 µs");
        assert_eq!(duration_ns(999_960.0), "1.00 ms");
        assert_eq!(duration_ns(99.996), "100.0 ns");
        assert_eq!(duration_ns(999_949.0), "999.9 µs");
    }

    #[test]
    fn durations_of_bad_values_are_not_numbers() {
        assert_eq!(duration_ns(f64::NAN), "n/a");
        assert_eq!(duration_ns(f64::INFINITY), "n/a");
        assert_eq!(duration_ns(-2_345.0), "-2.35 µs");
    }

    #[test]
    fn rates_use_iec_for_bytes_and_si_for_words() {
        assert_eq!(rate(512.0 * 1024.0 * 1024.0, "B"), "512.0 MiB/s");
        assert_eq!(rate(1000.0, "B"), "1000.0 B/s");
        assert_eq!(rate(1023.99, "B"), "1.00 KiB/s");
        assert_eq!(rate(4_273.5, "ops"), "4.27 K ops/s");
        assert_eq!(rate(426.4, "ops"), "426.4 ops/s");
        assert_eq!(rate(8e9, "bit"), "8.00 Gbit/s");
        assert_eq!(decimal_bytes_rate(1.05e9), "1.05 GB/s");
        assert_eq!(per_second(4.1), "4.10");
        assert_eq!(per_second(999_999.0), "1.00 M");
        assert_eq!(rate(f64::NAN, "B"), "n/a");
    }

    #[test]
    fn ratios_keep_small_differences_visible() {
        assert_eq!(ratio(3.8), "3.8x");
        assert_eq!(ratio(7.0), "7.0x");
        assert_eq!(ratio(0.95), "0.95x");
        assert_eq!(ratio(22.61), "22.6x");
        assert_eq!(ratio(130.4), "130x");
        assert_eq!(ratio(f64::INFINITY), "n/a");
        assert_eq!(percent(0.4749), "47.5%");
    }

    #[test]
    fn throughput_follows_criterion_kinds() {
        // 100 KiB in 1 ms = 97.66 MiB/s.
        assert_eq!(throughput(&Throughput::Bytes(102_400), 1e6), "97.66 MiB/s");
        assert_eq!(
            throughput(&Throughput::BytesDecimal(100_000), 1e6),
            "100.0 MB/s"
        );
        assert_eq!(
            throughput(&Throughput::Elements(1000), 2.345e6),
            "426.4 K elem/s"
        );
        assert_eq!(throughput(&Throughput::Bits(8), 1.0), "8.00 Gbit/s");
        assert_eq!(
            throughput(
                &Throughput::ElementsAndBytes {
                    elements: 1,
                    bytes: 1024
                },
                1e3
            ),
            "1.00 M elem/s, 976.6 MiB/s"
        );
        assert_eq!(throughput(&Throughput::Bytes(1), 0.0), "n/a");
    }
}
