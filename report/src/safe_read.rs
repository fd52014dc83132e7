//! Reading an input file without trusting what the path points at: only a
//! regular file is read (a FIFO would block forever, `/dev/zero` would fill
//! memory), and only up to a limit that the error names together with the
//! file. Criterion's files (`criterion.rs`) and run files (`store.rs`) both
//! read through [`read_regular`].

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Whether a symbolic link at the path itself may be followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Links {
    /// Follow it (a `latest.json` link to a run file is fine).
    Follow,
    /// Refuse it (ingest must not read outside the criterion directory).
    Refuse,
}

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: is a symbolic link; not followed")]
    Link { path: PathBuf },
    #[error("{path}: is not a regular file (a FIFO, device or folder); not read")]
    NotRegular { path: PathBuf },
    #[error("{path}: {size} bytes is larger than {what} can be (limit {limit} bytes)")]
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
        what: &'static str,
    },
}

/// Reads `path` when it is a regular file of at most `limit` bytes. `what`
/// names the kind of file in the size error ("a run file").
pub fn read_regular(
    path: &Path,
    limit: u64,
    links: Links,
    what: &'static str,
) -> Result<Vec<u8>, ReadError> {
    let io = |source| ReadError::Io {
        path: path.to_owned(),
        source,
    };
    let meta = fs::symlink_metadata(path).map_err(io)?;
    if meta.file_type().is_symlink() && links == Links::Refuse {
        return Err(ReadError::Link {
            path: path.to_owned(),
        });
    }
    let meta = if meta.file_type().is_symlink() {
        fs::metadata(path).map_err(io)?
    } else {
        meta
    };
    if !meta.is_file() {
        return Err(ReadError::NotRegular {
            path: path.to_owned(),
        });
    }
    let file = open_nonblocking(path).map_err(io)?;
    // The path may have been swapped since the check: look at what was opened.
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular {
            path: path.to_owned(),
        });
    }
    let too_large = |size| ReadError::TooLarge {
        path: path.to_owned(),
        size,
        limit,
        what,
    };
    if meta.len() > limit {
        return Err(too_large(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Opens for reading without blocking on a FIFO that was swapped in after the
/// type check (`O_NONBLOCK` has no effect on regular files).
fn open_nonblocking(path: &Path) -> std::io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_within_the_limit_only() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.json");
        fs::write(&file, b"12345").unwrap();
        assert_eq!(
            read_regular(&file, 5, Links::Follow, "x").unwrap(),
            b"12345"
        );
        let err = read_regular(&file, 4, Links::Follow, "a test file").unwrap_err();
        assert!(
            err.to_string().contains("a.json") && err.to_string().contains("limit 4"),
            "{err}"
        );
        let err = read_regular(dir.path(), 5, Links::Follow, "x").unwrap_err();
        assert!(matches!(err, ReadError::NotRegular { .. }), "{err}");
        #[cfg(unix)]
        {
            let link = dir.path().join("link.json");
            std::os::unix::fs::symlink(&file, &link).unwrap();
            assert!(read_regular(&link, 5, Links::Follow, "x").is_ok());
            let err = read_regular(&link, 5, Links::Refuse, "x").unwrap_err();
            assert!(matches!(err, ReadError::Link { .. }), "{err}");
            let dev = read_regular(Path::new("/dev/zero"), 5, Links::Follow, "x").unwrap_err();
            assert!(matches!(dev, ReadError::NotRegular { .. }), "{dev}");
        }
    }
}
