//! Writes the synthetic result sets used by the report's own benchmarks, so
//! they can be inspected or fed to the `report` binary:
//!
//! ```text
//! cargo run -p report --example synth -- tree <DIR> [N=500]        # criterion tree of N benchmarks
//! cargo run -p report --example synth -- runs <DIR> [M=100] [N=300] # M run files of N benchmarks
//! cargo run -p report --example synth -- history <DIR> [M=100] [N=300] # M runs of one cell over M commits
//! ```
//!
//! Output is deterministic. Existing run files are not overwritten.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |i: usize, default: usize| -> Result<usize, String> {
        args.get(i)
            .map(|s| s.parse().map_err(|_| format!("'{s}' is not a count")))
            .unwrap_or(Ok(default))
    };
    let result = match (args.first().map(String::as_str), args.get(1)) {
        (Some("tree"), Some(dir)) => number(2, 500).and_then(|n| {
            report::synth::write_criterion_tree(&PathBuf::from(dir), n)
                .map_err(|e| format!("{dir}: {e}"))
                .map(|()| println!("wrote {n} benchmarks under {dir}"))
        }),
        (Some("runs"), Some(dir)) => number(2, 100).and_then(|m| {
            let n = number(3, 300)?;
            for run in report::synth::synthetic_runs(m, n) {
                let path = report::store::default_run_path(&PathBuf::from(dir), &run);
                report::store::write_run(&path, &run, false).map_err(|e| e.to_string())?;
            }
            println!("wrote {m} runs of {n} benchmarks under {dir}");
            Ok(())
        }),
        (Some("history"), Some(dir)) => number(2, 100).and_then(|m| {
            let n = number(3, 300)?;
            for run in report::synth::synthetic_history(m, n) {
                let path = report::store::default_run_path(&PathBuf::from(dir), &run);
                report::store::write_run(&path, &run, false).map_err(|e| e.to_string())?;
            }
            println!("wrote {m} runs of one cell, {n} benchmarks each, under {dir}");
            Ok(())
        }),
        _ => Err(
            "usage: synth tree <DIR> [N] | synth runs <DIR> [M] [N] | synth history <DIR> [M] [N]"
                .to_owned(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
