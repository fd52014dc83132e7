//! Choosing what a report shows: `--filter` (benchmark ids matching a
//! regular expression, searched anywhere in the id as criterion and `report
//! run` do, so a plain text still means "ids containing it") and `--label`
//! (runs by label). A choice that matches nothing is an error
//! that suggests the closest names, like the doc's improved error messages
//! ("did you mean ...?"), because an empty report hides the typo.

use std::collections::BTreeSet;

use crate::model::Run;
use crate::tables::natural_cmp;

/// How many names a suggestion lists at most.
const SUGGESTIONS: usize = 3;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SelectError {
    #[error("no benchmark '{filter}'{}", did_you_mean(suggestions))]
    NoBenchmark {
        filter: String,
        suggestions: Vec<String>,
    },
    #[error("'{filter}' is not a valid regular expression: {reason}")]
    BadFilter { filter: String, reason: String },
    #[error("no run labelled '{label}'{}", did_you_mean(suggestions))]
    NoLabel {
        label: String,
        suggestions: Vec<String>,
    },
}

fn did_you_mean(suggestions: &[String]) -> String {
    let quoted: Vec<String> = suggestions.iter().map(|s| format!("'{s}'")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => format!(", did you mean {one}?"),
        [rest @ .., last] => format!(", did you mean {} or {last}?", rest.join(", ")),
    }
}

/// Keeps only the benchmarks whose full id matches the regular expression
/// `filter` (anywhere in the id, as criterion's filter). Errs on a bad
/// expression, and, with the closest ids as suggestions, when no benchmark
/// of any run matches.
pub fn filter_benchmarks(runs: &mut [Run], filter: &str) -> Result<(), SelectError> {
    let regex = regex::Regex::new(filter).map_err(|e| SelectError::BadFilter {
        filter: filter.to_owned(),
        reason: e.to_string(),
    })?;
    let all_ids: BTreeSet<String> = runs
        .iter()
        .flat_map(|run| run.benchmarks.iter().map(|b| b.id.full_id()))
        .collect();
    if !all_ids.iter().any(|id| regex.is_match(id)) {
        return Err(SelectError::NoBenchmark {
            filter: filter.to_owned(),
            suggestions: closest_ids(filter, all_ids.iter().map(String::as_str)),
        });
    }
    for run in runs {
        run.benchmarks.retain(|b| regex.is_match(&b.id.full_id()));
    }
    Ok(())
}

/// The runs with these labels, in the order the labels are given; every label
/// must match a run (with suggestions when one does not).
pub fn select_labels(runs: Vec<Run>, labels: &[String]) -> Result<Vec<Run>, SelectError> {
    if labels.is_empty() {
        return Ok(runs);
    }
    for label in labels {
        if !runs.iter().any(|run| &run.label == label) {
            return Err(SelectError::NoLabel {
                label: label.clone(),
                suggestions: closest_labels(label, runs.iter().map(|r| r.label.as_str())),
            });
        }
    }
    let mut runs: Vec<Option<Run>> = runs.into_iter().map(Some).collect();
    Ok(labels
        .iter()
        .filter_map(|label| {
            runs.iter_mut()
                .find(|r| r.as_ref().is_some_and(|r| &r.label == label))
                .and_then(Option::take)
        })
        .collect())
}

/// The ids closest to what someone typed as a substring filter. Each id is
/// scored by its best-matching run of whole `/` segments (`compress/zstd3` is
/// one edit from the `compress/zstd-3` inside `compress/compress/zstd-3/json-100k`),
/// case-insensitively; ids further than about a third of the typed length
/// are not suggested.
pub fn closest_ids<'a>(typed: &str, ids: impl Iterator<Item = &'a str>) -> Vec<String> {
    let typed_lower = typed.to_lowercase();
    let mut scored: Vec<(usize, &str)> = ids
        .map(|id| {
            let lower = id.to_lowercase();
            let segments: Vec<&str> = lower.split('/').collect();
            let mut best = usize::MAX;
            for start in 0..segments.len() {
                for end in start + 1..=segments.len() {
                    let window = segments[start..end].join("/");
                    best = best.min(strsim::levenshtein(&typed_lower, &window));
                }
            }
            (best, id)
        })
        .collect();
    best_of(&mut scored, typed)
}

/// The labels closest to a mistyped one (whole-label edit distance).
pub fn closest_labels<'a>(typed: &str, labels: impl Iterator<Item = &'a str>) -> Vec<String> {
    let typed_lower = typed.to_lowercase();
    let mut scored: Vec<(usize, &str)> = labels
        .map(|l| (strsim::levenshtein(&typed_lower, &l.to_lowercase()), l))
        .collect();
    best_of(&mut scored, typed)
}

fn best_of(scored: &mut [(usize, &str)], typed: &str) -> Vec<String> {
    let limit = (typed.chars().count() / 3).max(2);
    scored.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| natural_cmp(a.1, b.1)));
    scored
        .iter()
        .filter(|(distance, _)| *distance <= limit)
        .take(SUGGESTIONS)
        .map(|(_, name)| (*name).to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const IDS: [&str; 5] = [
        "compress/compress/zstd-3/json-100k",
        "compress/compress/gzip-6/json-100k",
        "compress/decompress/zstd-3/json-100k",
        "cpu/kernel/rayon/4",
        "uuid/generate/v4/1000",
    ];

    #[test]
    fn suggests_ids_containing_a_near_miss() {
        let found = closest_ids("compress/zstd3", IDS.into_iter());
        assert_eq!(found[0], "compress/compress/zstd-3/json-100k");
        assert!(!found.iter().any(|id| id.starts_with("uuid")));
        let found = closest_ids("RAYON/4", IDS.into_iter());
        assert_eq!(found, ["cpu/kernel/rayon/4"]);
    }

    #[test]
    fn suggests_nothing_for_unrelated_text() {
        assert!(closest_ids("sqlite-vacuum", IDS.into_iter()).is_empty());
    }

    #[test]
    fn error_messages_read_naturally() {
        let err = SelectError::NoBenchmark {
            filter: "compress/zstd3".into(),
            suggestions: vec!["a".into()],
        };
        assert_eq!(
            err.to_string(),
            "no benchmark 'compress/zstd3', did you mean 'a'?"
        );
        let err = SelectError::NoLabel {
            label: "x".into(),
            suggestions: vec!["a".into(), "b".into(), "c".into()],
        };
        assert_eq!(
            err.to_string(),
            "no run labelled 'x', did you mean 'a', 'b' or 'c'?"
        );
        let err = SelectError::NoLabel {
            label: "x".into(),
            suggestions: vec![],
        };
        assert_eq!(err.to_string(), "no run labelled 'x'");
    }

    #[test]
    fn label_suggestions_use_edit_distance() {
        let labels = ["1.95.0 x86_64 native", "1.89.0 x86_64 generic"];
        let found = closest_labels("1.95.0 x86-64 native", labels.into_iter());
        assert_eq!(found, ["1.95.0 x86_64 native"]);
    }
}
