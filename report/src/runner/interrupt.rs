//! Ctrl-C (and SIGTERM/SIGHUP): stop the running child and let the caller
//! finish cleanly, so that finished cells stay written and the interrupted
//! cell is not.
//!
//! Each child runs in its own process group (see `process`), so a terminal's
//! Ctrl-C reaches only `report`; the handler forwards SIGINT to the child's
//! whole group (cargo *and* the bench binary it runs). A second Ctrl-C sends
//! SIGKILL to the group, or exits at once when no child is running.
//!
//! Every other command installs the handler through [`install_exit`] (in
//! `main`): they do not poll [`interrupted`], so the first Ctrl-C exits. Any
//! exit from here first removes the temporary files being written
//! (`output::remove_temp_files_and_exit`), so no hidden partial file stays.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicUsize, Ordering};

static INTERRUPTS: AtomicUsize = AtomicUsize::new(0);
/// Process group of the running child (its pid); 0 when none.
static CHILD_GROUP: AtomicI32 = AtomicI32::new(0);
static INSTALLED: OnceLock<Result<(), String>> = OnceLock::new();
/// Whether the command polls [`interrupted`] and finishes cleanly itself.
static COOPERATIVE: AtomicBool = AtomicBool::new(false);

/// For `report run`, which stops between steps: installs the handler once
/// per process; later calls return the first result.
pub fn install() -> Result<(), String> {
    COOPERATIVE.store(true, Ordering::SeqCst);
    install_exit()
}

/// For every other command: the first Ctrl-C removes temporary files and
/// exits with 130 (unless [`install`] was called too).
pub fn install_exit() -> Result<(), String> {
    INSTALLED
        .get_or_init(|| {
            ctrlc::set_handler(|| {
                let n = INTERRUPTS.fetch_add(1, Ordering::SeqCst) + 1;
                let group = CHILD_GROUP.load(Ordering::SeqCst);
                if group > 0 {
                    super::process::signal_group(group, n > 1);
                } else if n > 1 || !COOPERATIVE.load(Ordering::SeqCst) {
                    crate::output::remove_temp_files_and_exit(130);
                }
            })
            .map_err(|e| format!("cannot install the Ctrl-C handler: {e}"))
        })
        .clone()
}

/// Whether the user asked to stop.
pub fn interrupted() -> bool {
    INTERRUPTS.load(Ordering::SeqCst) > 0
}

/// Marks `pid` (its own process group) as the child to signal until dropped.
#[derive(Debug)]
pub struct ChildGroup(());

impl ChildGroup {
    pub fn track(pid: u32) -> Self {
        let group = i32::try_from(pid).unwrap_or(0);
        CHILD_GROUP.store(group, Ordering::SeqCst);
        // Ctrl-C between spawn and here found no group to forward to.
        if interrupted() && group > 0 {
            super::process::signal_group(group, false);
        }
        Self(())
    }
}

impl Drop for ChildGroup {
    fn drop(&mut self) {
        CHILD_GROUP.store(0, Ordering::SeqCst);
    }
}
