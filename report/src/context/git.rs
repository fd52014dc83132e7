//! The commit, dirty state and tag of the workspace, from `git`.

use std::path::Path;

use super::process::command_stdout;
use crate::model::Git;

pub(super) fn detect_git(root: &Path) -> Git {
    let root = root.to_string_lossy();
    let commit = command_stdout("git", &["-C", &root, "rev-parse", "HEAD"])
        .map(|s| s.trim().to_owned())
        .filter(|s| s.len() >= 40 && s.chars().all(|c| c.is_ascii_hexdigit()));
    let dirty = commit.as_ref().and_then(|_| {
        command_stdout(
            "git",
            &["-C", &root, "status", "--porcelain", "--untracked-files=no"],
        )
        .map(|s| !s.trim().is_empty())
    });
    let tag = commit.as_ref().and_then(|_| {
        command_stdout(
            "git",
            &["-C", &root, "describe", "--tags", "--exact-match", "HEAD"],
        )
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
    });
    Git { commit, dirty, tag }
}
