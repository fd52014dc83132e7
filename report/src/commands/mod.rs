//! One handler per subcommand: validate the arguments into a config, do the
//! file and process I/O, and call the pure library code. Each returns the exit
//! code (for example `diff --fail-on-regression` returns 1 on a regression).

pub mod compare;
pub mod diff;
pub mod export;
pub mod html;
pub mod ingest;
pub mod markdown;
pub mod run;
pub mod summary;
