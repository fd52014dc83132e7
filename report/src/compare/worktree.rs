//! Checking out a git revision for one side of `report compare`: a detached
//! `git worktree` in a temporary folder that the tool removes again, when the
//! comparison ends, fails, or is interrupted with Ctrl-C (the guard's `Drop`
//! runs on every way out of the command but a second Ctrl-C or SIGKILL; a
//! worktree left behind then is listed by `git worktree list` and removed by
//! `git worktree prune` once its folder is gone).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

/// Errors of the git steps, each with the command and what git said.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("`git {args}` in {dir}: {message}")]
    Failed {
        args: String,
        dir: PathBuf,
        message: String,
    },
    #[error("'{rev}' is not a git revision of the repository at {repo} ({message})")]
    UnknownRevision {
        rev: String,
        repo: PathBuf,
        message: String,
    },
    #[error("creating the temporary folder {path}: {source}")]
    TempDir {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Runs git in `dir`, returning its trimmed stdout.
pub fn git(dir: &Path, args: &[&str]) -> Result<String, GitError> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| GitError::Failed {
            args: args.join(" "),
            dir: dir.to_owned(),
            message: format!("cannot start git: {e}"),
        })?;
    if !out.status.success() {
        return Err(GitError::Failed {
            args: args.join(" "),
            dir: dir.to_owned(),
            message: String::from_utf8_lossy(&out.stderr).trim().to_owned(),
        });
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// The top folder of the repository holding `dir`.
pub fn toplevel(dir: &Path) -> Result<PathBuf, GitError> {
    git(dir, &["rev-parse", "--show-toplevel"]).map(PathBuf::from)
}

/// The full commit id `rev` names.
pub fn resolve(repo: &Path, rev: &str) -> Result<String, GitError> {
    let spec = format!("{rev}^{{commit}}");
    git(repo, &["rev-parse", "--verify", "--quiet", &spec]).map_err(|e| GitError::UnknownRevision {
        rev: rev.to_owned(),
        repo: repo.to_owned(),
        message: match e {
            GitError::Failed { message, .. } if !message.is_empty() => message,
            _ => "git rev-parse found no such commit".to_owned(),
        },
    })
}

/// A temporary folder for the worktrees of one comparison, removed on drop.
#[derive(Debug)]
pub struct Scratch {
    pub path: PathBuf,
}

impl Scratch {
    /// `<temp>/report-compare-<pid>-<nanos>`.
    pub fn new() -> Result<Self, GitError> {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path =
            std::env::temp_dir().join(format!("report-compare-{}-{nanos:09}", std::process::id()));
        fs::create_dir(&path).map_err(|source| GitError::TempDir {
            path: path.clone(),
            source,
        })?;
        Ok(Self { path })
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

/// A detached worktree of `commit`, removed (with `git worktree remove
/// --force`, then `prune`) when dropped.
#[derive(Debug)]
pub struct Worktree {
    repo: PathBuf,
    pub path: PathBuf,
    pub commit: String,
}

impl Worktree {
    /// Checks out `commit` of `repo` at `path` (which must not exist).
    pub fn add(repo: &Path, commit: &str, path: &Path) -> Result<Self, GitError> {
        let p = path.to_string_lossy().into_owned();
        git(
            repo,
            &["worktree", "add", "--detach", "--quiet", &p, commit],
        )?;
        Ok(Self {
            repo: repo.to_owned(),
            path: path.to_owned(),
            commit: commit.to_owned(),
        })
    }
}

impl Drop for Worktree {
    fn drop(&mut self) {
        let p = self.path.to_string_lossy().into_owned();
        if git(&self.repo, &["worktree", "remove", "--force", &p]).is_err() {
            let _ = fs::remove_dir_all(&self.path);
        }
        let _ = git(&self.repo, &["worktree", "prune"]);
    }
}
