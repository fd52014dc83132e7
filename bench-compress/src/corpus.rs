//! The user's own files as payloads (`BENCH_COMPRESS_CORPUS=/path`).
//!
//! Every regular file directly inside the directory (symbolic links are
//! followed; subdirectories are not entered) becomes a payload named
//! `file-<sanitized file name>`. Anything wrong is an error naming the path:
//! a benchmark run that silently measured fewer files than the user gave it
//! would answer a different question than the one asked.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};

use crate::payload::Payload;

/// The environment variable naming the corpus directory.
pub const ENV: &str = "BENCH_COMPRESS_CORPUS";

/// Longest sanitized file name kept in an id; criterion cuts each id part at
/// 64 bytes, and `file-` takes five of them.
const MAX_NAME: usize = 56;

/// Why the corpus could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    #[error("{ENV} is set but empty; unset it or name a directory of files")]
    EmptyVariable,
    #[error("corpus directory {path}: {source}")]
    ReadDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("corpus directory {path} is not a directory")]
    NotADirectory { path: PathBuf },
    #[error("corpus directory {path} holds no regular files (expected at least one)")]
    NoFiles { path: PathBuf },
    #[error("corpus file {path}: {source}")]
    ReadFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("corpus file {path} is empty; a ratio of an empty file means nothing, remove it")]
    EmptyFile { path: PathBuf },
    #[error("corpus files {first} and {second} both become payload '{name}'; rename one")]
    NameClash {
        first: PathBuf,
        second: PathBuf,
        name: String,
    },
}

/// The corpus named by [`ENV`], or no payloads when the variable is unset.
pub fn from_env() -> Result<Vec<Payload>, CorpusError> {
    match std::env::var_os(ENV) {
        None => Ok(Vec::new()),
        Some(dir) if dir.is_empty() => Err(CorpusError::EmptyVariable),
        Some(dir) => load_dir(Path::new(&dir)),
    }
}

/// Every regular file in `dir` as a payload, sorted by payload name.
pub fn load_dir(dir: &Path) -> Result<Vec<Payload>, CorpusError> {
    let read_dir_err = |source| CorpusError::ReadDir {
        path: dir.to_owned(),
        source,
    };
    let meta = fs::metadata(dir).map_err(read_dir_err)?;
    if !meta.is_dir() {
        return Err(CorpusError::NotADirectory {
            path: dir.to_owned(),
        });
    }
    let mut by_name: BTreeMap<String, PathBuf> = BTreeMap::new();
    for entry in fs::read_dir(dir).map_err(read_dir_err)? {
        let path = entry.map_err(read_dir_err)?.path();
        // `fs::metadata` follows symbolic links: a link to a file is a file.
        let meta = fs::metadata(&path).map_err(|source| CorpusError::ReadFile {
            path: path.clone(),
            source,
        })?;
        if !meta.is_file() {
            continue;
        }
        let name = payload_name(path.file_name().unwrap_or_default());
        if let Some(first) = by_name.get(&name) {
            let (first, second) = if *first < path {
                (first.clone(), path)
            } else {
                (path, first.clone())
            };
            return Err(CorpusError::NameClash {
                first,
                second,
                name,
            });
        }
        by_name.insert(name, path);
    }
    if by_name.is_empty() {
        return Err(CorpusError::NoFiles {
            path: dir.to_owned(),
        });
    }
    by_name
        .into_iter()
        .map(|(name, path)| {
            let data = fs::read(&path).map_err(|source| CorpusError::ReadFile {
                path: path.clone(),
                source,
            })?;
            if data.is_empty() {
                return Err(CorpusError::EmptyFile { path });
            }
            Ok(Payload { name, data })
        })
        .collect()
}

/// `file-` and the file name with everything but `A-Z a-z 0-9 . _ -`
/// replaced by `_`, cut to a length criterion keeps intact.
pub fn payload_name(file_name: &OsStr) -> String {
    let clean: String = file_name
        .to_string_lossy()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .take(MAX_NAME)
        .collect();
    format!("file-{clean}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_safe_characters_and_replace_the_rest() {
        assert_eq!(payload_name(OsStr::new("dump.sql")), "file-dump.sql");
        assert_eq!(
            payload_name(OsStr::new("my frame/é.raw")),
            "file-my_frame__.raw"
        );
        let long = "x".repeat(200);
        assert_eq!(payload_name(OsStr::new(&long)).len(), 5 + MAX_NAME);
    }
}
