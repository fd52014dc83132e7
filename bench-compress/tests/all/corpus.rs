//! The user's corpus: files become payloads, problems name the path.

use std::fs;

use bench_compress::corpus::{CorpusError, load_dir};

#[test]
fn every_regular_file_becomes_a_payload() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("events.json"), b"{\"a\":1}").unwrap();
    fs::write(dir.path().join("my backup.db"), vec![7u8; 3000]).unwrap();
    fs::create_dir(dir.path().join("nested")).unwrap();
    fs::write(dir.path().join("nested").join("ignored.txt"), b"no").unwrap();
    let payloads = load_dir(dir.path()).unwrap();
    let names: Vec<&str> = payloads.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["file-events.json", "file-my_backup.db"]);
    assert_eq!(payloads[0].data, b"{\"a\":1}");
    assert_eq!(payloads[1].data.len(), 3000);
}

#[test]
fn a_missing_directory_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-dir");
    let err = load_dir(&missing).unwrap_err();
    assert!(matches!(err, CorpusError::ReadDir { .. }));
    assert!(err.to_string().contains("no-such-dir"), "{err}");
}

#[test]
fn a_file_instead_of_a_directory_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plain.txt");
    fs::write(&file, b"x").unwrap();
    let err = load_dir(&file).unwrap_err();
    assert!(matches!(err, CorpusError::NotADirectory { .. }));
    assert!(err.to_string().contains("plain.txt"), "{err}");
}

#[test]
fn empty_directories_and_empty_files_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    assert!(matches!(
        load_dir(dir.path()).unwrap_err(),
        CorpusError::NoFiles { .. }
    ));
    fs::write(dir.path().join("zero.bin"), b"").unwrap();
    let err = load_dir(dir.path()).unwrap_err();
    assert!(err.to_string().contains("zero.bin"), "{err}");
}

#[test]
fn names_that_sanitize_alike_are_an_error_naming_both_files() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a b.txt"), b"1").unwrap();
    fs::write(dir.path().join("a_b.txt"), b"2").unwrap();
    let err = load_dir(dir.path()).unwrap_err().to_string();
    assert!(err.contains("a b.txt") && err.contains("a_b.txt"), "{err}");
}

#[cfg(unix)]
#[test]
fn unreadable_files_are_errors_naming_the_file() {
    use std::os::unix::fs::PermissionsExt;

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("secret.bin");
    fs::write(&file, b"data").unwrap();
    fs::set_permissions(&file, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(&file).is_ok() {
        // Running as root: permissions do not stop reading; nothing to test.
        return;
    }
    let err = load_dir(dir.path()).unwrap_err().to_string();
    assert!(err.contains("secret.bin"), "{err}");
}
