//! Library versions from the workspace Cargo.lock.

use std::collections::{BTreeMap, BTreeSet};

/// Libraries whose versions are recorded, as named in Cargo.lock.
pub const LIBRARIES: &[&str] = &[
    "zstd",
    "zstd-sys",
    "flate2",
    "zlib-rs",
    "lz4_flex",
    "uuid",
    "tokio",
    "rayon",
    "rusqlite",
    "libsqlite3-sys",
    "criterion",
    "serde_json",
];

/// Versions of [`LIBRARIES`] from Cargo.lock text. Several versions of one
/// package are joined with `, `. Adds `libzstd` (the C library bundled by
/// `zstd-sys`, from its `+zstd.X` build metadata) and `flate2-backend`.
pub fn library_versions(cargo_lock: &str) -> BTreeMap<String, String> {
    #[derive(serde::Deserialize)]
    struct Lock {
        #[serde(default)]
        package: Vec<Package>,
    }
    #[derive(serde::Deserialize)]
    struct Package {
        name: String,
        version: String,
        #[serde(default)]
        dependencies: Vec<String>,
    }
    let Ok(lock) = toml::from_str::<Lock>(cargo_lock) else {
        return BTreeMap::new();
    };
    let mut versions: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut flate2_deps: BTreeSet<String> = BTreeSet::new();
    let mut all: BTreeMap<String, String> = BTreeMap::new();
    for p in &lock.package {
        all.entry(p.name.clone())
            .or_insert_with(|| p.version.clone());
        if LIBRARIES.contains(&p.name.as_str()) {
            versions
                .entry(p.name.clone())
                .or_default()
                .insert(p.version.clone());
        }
        if p.name == "flate2" {
            // Lock entries name a dependency `name` or `name version`.
            flate2_deps.extend(
                p.dependencies
                    .iter()
                    .filter_map(|d| d.split_whitespace().next().map(str::to_owned)),
            );
        }
    }
    let mut out: BTreeMap<String, String> = versions
        .into_iter()
        .map(|(k, v)| (k, v.into_iter().collect::<Vec<_>>().join(", ")))
        .collect();
    if let Some(sys) = out.get("zstd-sys") {
        let libzstd: Vec<&str> = sys
            .split(", ")
            .filter_map(|v| v.split_once("+zstd.").map(|(_, lib)| lib))
            .collect();
        if !libzstd.is_empty() {
            out.insert("libzstd".into(), libzstd.join(", "));
        }
    }
    // flate2 picks its backend by feature; the lock shows which one is linked.
    for backend in [
        "zlib-rs",
        "libz-ng-sys",
        "libz-sys",
        "cloudflare-zlib-sys",
        "miniz_oxide",
    ] {
        if flate2_deps.contains(backend) {
            let version = all
                .get(backend)
                .map(|v| format!(" {v}"))
                .unwrap_or_default();
            out.insert("flate2-backend".into(), format!("{backend}{version}"));
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"
version = 4

[[package]]
name = "flate2"
version = "1.1.5"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = [
 "crc32fast",
 "zlib-rs",
]

[[package]]
name = "rand"
version = "0.8.5"

[[package]]
name = "rand"
version = "0.9.2"

[[package]]
name = "tokio"
version = "1.48.0"

[[package]]
name = "zlib-rs"
version = "0.5.2"

[[package]]
name = "zstd-sys"
version = "2.0.16+zstd.1.5.7"
"#;

    #[test]
    fn lock_versions_with_libzstd_and_flate2_backend() {
        let v = library_versions(LOCK);
        assert_eq!(v.get("tokio").map(String::as_str), Some("1.48.0"));
        assert_eq!(
            v.get("zstd-sys").map(String::as_str),
            Some("2.0.16+zstd.1.5.7")
        );
        assert_eq!(v.get("libzstd").map(String::as_str), Some("1.5.7"));
        assert_eq!(v.get("flate2").map(String::as_str), Some("1.1.5"));
        assert_eq!(
            v.get("flate2-backend").map(String::as_str),
            Some("zlib-rs 0.5.2")
        );
        // not a recorded library, and absent ones are not invented
        assert!(!v.contains_key("rand"));
        assert!(!v.contains_key("uuid"));
        assert!(library_versions("not toml [").is_empty());
    }

    #[test]
    fn lock_lists_every_version_of_a_duplicated_library() {
        let lock = "[[package]]\nname = \"rayon\"\nversion = \"1.10.0\"\n\n\
                    [[package]]\nname = \"rayon\"\nversion = \"1.11.0\"\n";
        assert_eq!(
            library_versions(lock).get("rayon").map(String::as_str),
            Some("1.10.0, 1.11.0")
        );
    }
}
