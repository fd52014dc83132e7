//! Writes the generated payloads to files, to inspect them or feed them to
//! other tools (`zstd -b3`, `lz4 -b1`, lzbench) or back to the benchmark
//! through `BENCH_COMPRESS_CORPUS`.
//!
//! ```text
//! cargo run -p bench-compress --example corpus -- DIR [--force]
//! ```
//!
//! Creates DIR if needed. Refuses to overwrite existing files unless
//! `--force` is given; the check happens before anything is written.

use std::path::PathBuf;
use std::process::ExitCode;

use bench_compress::payload::{self, Kind, Size, frame};

const USAGE: &str = "usage: cargo run -p bench-compress --example corpus -- DIR [--force]";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("corpus: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut dir: Option<PathBuf> = None;
    let mut force = false;
    for arg in std::env::args_os().skip(1) {
        match arg.to_str() {
            Some("--force") => force = true,
            Some("-h" | "--help") => {
                println!("{USAGE}");
                return Ok(());
            }
            Some(flag) if flag.starts_with('-') => {
                return Err(format!("unknown option '{flag}'\n{USAGE}"));
            }
            _ if dir.is_some() => return Err(format!("more than one DIR given\n{USAGE}")),
            _ => dir = Some(PathBuf::from(arg)),
        }
    }
    let dir = dir.ok_or_else(|| format!("no DIR given\n{USAGE}"))?;

    let files: Vec<(PathBuf, Kind, Size)> = Kind::ALL
        .iter()
        .flat_map(|&kind| Size::ALL.iter().map(move |&size| (kind, size)))
        .map(|(kind, size)| {
            let file = format!("{}.{}", payload::name(kind, size), kind.extension());
            (dir.join(file), kind, size)
        })
        .collect();
    if !force {
        let existing: Vec<String> = files
            .iter()
            .filter(|(path, ..)| path.exists())
            .map(|(path, ..)| path.display().to_string())
            .collect();
        if !existing.is_empty() {
            return Err(format!(
                "refusing to overwrite existing files (use --force): {}",
                existing.join(", ")
            ));
        }
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for (path, kind, size) in &files {
        let payload = payload::generated(*kind, *size);
        bench_metrics::write_atomic(path, &payload.data).map_err(|e| e.to_string())?;
        println!("{} ({} bytes)", path.display(), payload.data.len());
    }
    println!(
        "frames are raw RGB, {} pixels wide; try: zstd -b3 {}",
        frame::WIDTH,
        files[0].0.display()
    );
    Ok(())
}
