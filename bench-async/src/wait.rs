//! Bounded waits. A benchmark that waits on another task must fail loudly,
//! not hang, when that task never answers.

use std::future::Future;
use std::time::Duration;

/// How long any wait on another task may take before the scenario fails.
/// Generous: a loaded 2-core CI machine must never trip it.
pub const LIMIT: Duration = Duration::from_secs(20);

/// Awaits `future` for at most [`LIMIT`]; on timeout panics with `what`, which
/// should say which task missed what (`describe` is only called on failure).
pub async fn within<T>(future: impl Future<Output = T>, describe: impl FnOnce() -> String) -> T {
    match tokio::time::timeout(LIMIT, future).await {
        Ok(value) => value,
        Err(_) => panic!("timed out after {LIMIT:?}: {}", describe()),
    }
}
