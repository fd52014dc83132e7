//! Which benchmarks a harness process is going to run, known before
//! criterion's filter applies, so that a harness whose setup costs time per
//! benchmark prepares only what the process measures.
//!
//! `report compare` starts one process per side, round and batch of a few
//! benchmarks, hundreds of times. bench-compress's setup compresses every
//! payload with every codec (to check round trips and choose each
//! benchmark's sampling), 3 s a process even when the filter selects one
//! benchmark: with 74 compress benchmarks in 19 batches, that setup was half
//! of every round. `report compare` therefore passes the batch's anchored
//! filter to criterion and the same regular expression in [`SELECT_VAR`].
//!
//! Unset (plain `cargo bench`, `report run`), everything is selected and
//! criterion's own filter decides as always. Selecting never adds anything
//! criterion would leave out; a harness that ignores it only costs time.

use regex::Regex;

/// The environment variable holding the regular expression.
pub const SELECT_VAR: &str = "BENCH_SELECT";

/// The benchmarks a process will run: all, or the ids a regex matches.
#[derive(Debug, Clone)]
pub struct Selection(Option<Regex>);

impl Selection {
    /// Everything.
    pub fn all() -> Self {
        Self(None)
    }

    /// From [`SELECT_VAR`]; an invalid pattern is an error naming it.
    pub fn from_env() -> Result<Self, String> {
        Self::parse(std::env::var(SELECT_VAR).ok().as_deref())
    }

    /// `None` or an empty pattern selects everything.
    pub fn parse(pattern: Option<&str>) -> Result<Self, String> {
        match pattern.filter(|p| !p.is_empty()) {
            None => Ok(Self::all()),
            Some(p) => Regex::new(p)
                .map(|r| Self(Some(r)))
                .map_err(|e| format!("{SELECT_VAR}='{p}' is not a regular expression: {e}")),
        }
    }

    /// Whether the benchmark with this full id (`group/function/parameter`)
    /// is selected: matched anywhere, as criterion matches its filter.
    pub fn contains(&self, id: &str) -> bool {
        self.0.as_ref().is_none_or(|r| r.is_match(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_or_empty_selects_everything() {
        for s in [
            Selection::all(),
            Selection::parse(None).unwrap(),
            Selection::parse(Some("")).unwrap(),
        ] {
            assert!(s.contains("compress/compress/zstd-3/json-100k"));
        }
    }

    #[test]
    fn an_anchored_list_selects_exactly_its_ids() {
        let s = Selection::parse(Some(
            r"^(?:compress/compress/zstd-3/json-100k|compress/decompress/gzip-6/logs-1m)$",
        ))
        .unwrap();
        assert!(s.contains("compress/compress/zstd-3/json-100k"));
        assert!(s.contains("compress/decompress/gzip-6/logs-1m"));
        assert!(!s.contains("compress/compress/zstd-3/json-1m"));
        assert!(!s.contains("compress/decompress/zstd-3/json-100k"));
    }

    #[test]
    fn a_bad_pattern_names_the_variable_and_the_value() {
        let e = Selection::parse(Some("(unclosed")).unwrap_err();
        assert!(e.contains("BENCH_SELECT='(unclosed'"), "{e}");
    }
}
