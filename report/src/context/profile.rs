//! The Cargo build profile: `[profile.<name>]` of the workspace root
//! Cargo.toml with `inherits` and cargo's defaults, then `CARGO_PROFILE_*`
//! environment overrides.

use crate::model::Profile;

/// The settings of profile `name` from a workspace root Cargo.toml, following
/// `inherits` and cargo's built-in defaults (`bench` inherits `release`,
/// `test` inherits `dev`). `None` when the text is not TOML or the profile is
/// neither built in nor defined.
pub fn resolve_profile(cargo_toml: &str, name: &str) -> Option<Profile> {
    let table: toml::Table = toml::from_str(cargo_toml).ok()?;
    let profiles = table.get("profile").and_then(|p| p.as_table());
    // Chain from `name` back to a root profile, guarding against cycles.
    let mut chain: Vec<String> = Vec::new();
    let mut current = name.to_owned();
    loop {
        if chain.contains(&current) || chain.len() > 16 {
            return None;
        }
        chain.push(current.clone());
        let inherits = profiles
            .and_then(|p| p.get(&current))
            .and_then(|p| p.get("inherits"))
            .and_then(|i| i.as_str())
            .map(str::to_owned)
            .or_else(|| match current.as_str() {
                "bench" => Some("release".to_owned()),
                "test" => Some("dev".to_owned()),
                _ => None,
            });
        match inherits {
            Some(parent) => current = parent,
            None => break,
        }
    }
    let root = chain.last()?;
    let mut profile = match root.as_str() {
        // cargo's documented defaults for the two root built-in profiles
        "release" => Profile {
            name: None,
            opt_level: Some("3".into()),
            lto: Some("false".into()),
            codegen_units: Some(16),
            debug: Some("false".into()),
            panic: Some("unwind".into()),
        },
        "dev" => Profile {
            name: None,
            opt_level: Some("0".into()),
            lto: Some("false".into()),
            codegen_units: Some(256),
            debug: Some("true".into()),
            panic: Some("unwind".into()),
        },
        other if profiles.and_then(|p| p.get(other)).is_none() => return None,
        _ => Profile::default(),
    };
    for link in chain.iter().rev() {
        let Some(settings) = profiles
            .and_then(|p| p.get(link))
            .and_then(|s| s.as_table())
        else {
            continue;
        };
        if let Some(v) = settings.get("opt-level") {
            profile.opt_level = toml_scalar(v);
        }
        if let Some(v) = settings.get("lto") {
            profile.lto = toml_scalar(v);
        }
        if let Some(v) = settings.get("debug") {
            profile.debug = toml_scalar(v);
        }
        if let Some(v) = settings.get("panic") {
            profile.panic = toml_scalar(v);
        }
        if let Some(v) = settings.get("codegen-units") {
            profile.codegen_units = v.as_integer().and_then(|i| u32::try_from(i).ok());
        }
    }
    profile.name = Some(name.to_owned());
    Some(profile)
}

fn toml_scalar(v: &toml::Value) -> Option<String> {
    match v {
        toml::Value::String(s) => Some(s.clone()),
        toml::Value::Integer(i) => Some(i.to_string()),
        toml::Value::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Applies cargo's `CARGO_PROFILE_<NAME>_<KEY>` environment overrides.
pub fn apply_profile_env(profile: &mut Profile, name: &str, env: impl Fn(&str) -> Option<String>) {
    let prefix = format!(
        "CARGO_PROFILE_{}_",
        name.to_ascii_uppercase().replace('-', "_")
    );
    let get = |key: &str| env(&format!("{prefix}{key}")).filter(|v| !v.is_empty());
    if let Some(v) = get("OPT_LEVEL") {
        profile.opt_level = Some(v);
    }
    if let Some(v) = get("LTO") {
        profile.lto = Some(v);
    }
    if let Some(v) = get("DEBUG") {
        profile.debug = Some(v);
    }
    if let Some(v) = get("PANIC") {
        profile.panic = Some(v);
    }
    if let Some(v) = get("CODEGEN_UNITS") {
        profile.codegen_units = v.parse().ok();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORKSPACE: &str = r#"
[workspace]
members = ["a"]

[profile.release]
opt-level = 3
codegen-units = 1
lto = "thin"
debug = "line-tables-only"

[profile.bench]
inherits = "release"

[profile.fast-bench]
inherits = "bench"
lto = false
panic = "abort"
"#;

    #[test]
    fn bench_profile_inherits_release_settings() {
        let p = resolve_profile(WORKSPACE, "bench").unwrap();
        assert_eq!(p.name.as_deref(), Some("bench"));
        assert_eq!(p.opt_level.as_deref(), Some("3"));
        assert_eq!(p.codegen_units, Some(1));
        assert_eq!(p.lto.as_deref(), Some("thin"));
        assert_eq!(p.debug.as_deref(), Some("line-tables-only"));
        assert_eq!(p.panic.as_deref(), Some("unwind"));
    }

    #[test]
    fn custom_profiles_chain_and_override() {
        let p = resolve_profile(WORKSPACE, "fast-bench").unwrap();
        assert_eq!(p.lto.as_deref(), Some("false"));
        assert_eq!(p.panic.as_deref(), Some("abort"));
        assert_eq!(p.codegen_units, Some(1));
        // no [profile] at all: cargo's defaults for bench (= release)
        let p = resolve_profile("[workspace]\n", "bench").unwrap();
        assert_eq!(p.codegen_units, Some(16));
        assert_eq!(p.opt_level.as_deref(), Some("3"));
        assert_eq!(resolve_profile("[workspace]\n", "nope"), None);
        let cycle = "[profile.a]\ninherits = \"b\"\n[profile.b]\ninherits = \"a\"\n";
        assert_eq!(resolve_profile(cycle, "a"), None);
    }

    #[test]
    fn profile_env_overrides_apply() {
        let mut p = resolve_profile(WORKSPACE, "bench").unwrap();
        apply_profile_env(&mut p, "bench", |k| {
            (k == "CARGO_PROFILE_BENCH_LTO").then(|| "fat".to_owned())
        });
        assert_eq!(p.lto.as_deref(), Some("fat"));
        assert_eq!(p.codegen_units, Some(1));
    }
}
