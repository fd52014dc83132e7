//! The machine: CPU (`/proc/cpuinfo` or `sysctl`, features detected by
//! `std`), memory (`/proc/meminfo` or `sysctl hw.memsize`) and OS
//! (`/etc/os-release` or `sw_vers`, kernel release).

use std::collections::{BTreeMap, BTreeSet};

use super::process::command_stdout;
use crate::model::{Cpu, Os};

/// CPU facts from `/proc/cpuinfo` text: (model, physical cores, logical CPUs).
/// Physical cores count distinct (physical id, core id) pairs and are `None`
/// when the file does not list them (as on many ARM kernels).
pub fn parse_cpuinfo(text: &str) -> (Option<String>, Option<u32>, Option<u32>) {
    let mut model = None;
    let mut logical = 0u32;
    let mut cores: BTreeSet<(String, String)> = BTreeSet::new();
    let mut physical_id = String::from("0");
    for line in text.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match key.trim() {
            "processor" => {
                logical += 1;
                physical_id = "0".into();
            }
            "model name" | "Model" | "cpu model" if model.is_none() && !value.is_empty() => {
                model = Some(value.to_owned());
            }
            "physical id" => physical_id = value.to_owned(),
            "core id" => {
                cores.insert((physical_id.clone(), value.to_owned()));
            }
            _ => {}
        }
    }
    let logical = (logical > 0).then_some(logical);
    let physical = u32::try_from(cores.len()).ok().filter(|&n| n > 0);
    (model, physical, logical)
}

/// `MemTotal` of `/proc/meminfo` text, in bytes.
pub fn parse_meminfo(text: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
    let mut parts = line["MemTotal:".len()..].split_whitespace();
    let value: u64 = parts.next()?.parse().ok()?;
    match parts.next() {
        Some("kB") => value.checked_mul(1024),
        None => Some(value),
        Some(_) => None,
    }
}

/// The distribution name and version from `/etc/os-release` text:
/// `PRETTY_NAME`, else `NAME VERSION`.
pub fn parse_os_release(text: &str) -> Option<String> {
    let mut fields: BTreeMap<&str, String> = BTreeMap::new();
    for line in text.lines() {
        let Some((key, value)) = line.trim().split_once('=') else {
            continue;
        };
        let value = value.trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
            .unwrap_or(value);
        fields.insert(key.trim(), value.replace("\\\"", "\""));
    }
    if let Some(pretty) = fields.get("PRETTY_NAME").filter(|p| !p.is_empty()) {
        return Some(pretty.clone());
    }
    let name = fields.get("NAME")?;
    Some(match fields.get("VERSION") {
        Some(v) if !v.is_empty() => format!("{name} {v}"),
        _ => name.clone(),
    })
}

pub(super) fn detect_cpu() -> Cpu {
    let available_parallelism = std::thread::available_parallelism()
        .ok()
        .and_then(|n| u32::try_from(n.get()).ok());
    let (model, physical_cores, logical_cpus) = if cfg!(target_os = "linux") {
        std::fs::read_to_string("/proc/cpuinfo")
            .map(|t| parse_cpuinfo(&t))
            .unwrap_or_default()
    } else if cfg!(target_os = "macos") {
        let sysctl =
            |key: &str| command_stdout("sysctl", &["-n", key]).map(|s| s.trim().to_owned());
        (
            sysctl("machdep.cpu.brand_string").filter(|s| !s.is_empty()),
            sysctl("hw.physicalcpu").and_then(|s| s.parse().ok()),
            sysctl("hw.logicalcpu").and_then(|s| s.parse().ok()),
        )
    } else {
        (None, None, None)
    };
    Cpu {
        model,
        physical_cores,
        logical_cpus,
        available_parallelism,
        features: cpu_features(),
    }
}

/// CPU features of interest that `std` detects at run time on this machine.
pub fn cpu_features() -> Vec<String> {
    #[allow(unused_mut)]
    let mut features: Vec<String> = Vec::new();
    #[cfg(any(target_arch = "x86_64", target_arch = "x86"))]
    {
        macro_rules! detect_x86 {
            ($($f:tt),*) => {$(
                if std::arch::is_x86_feature_detected!($f) {
                    features.push($f.to_owned());
                }
            )*};
        }
        detect_x86!(
            "sse4.2", "avx", "avx2", "fma", "bmi1", "bmi2", "avx512f", "avx512bw", "avx512vl",
            "popcnt", "lzcnt"
        );
    }
    #[cfg(target_arch = "aarch64")]
    {
        macro_rules! detect_arm {
            ($($f:tt),*) => {$(
                if std::arch::is_aarch64_feature_detected!($f) {
                    features.push($f.to_owned());
                }
            )*};
        }
        detect_arm!("neon", "aes", "sha2", "crc");
    }
    features
}

pub(super) fn detect_memory() -> Option<u64> {
    if cfg!(target_os = "linux") {
        std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|t| parse_meminfo(&t))
    } else if cfg!(target_os = "macos") {
        command_stdout("sysctl", &["-n", "hw.memsize"]).and_then(|s| s.trim().parse().ok())
    } else {
        None
    }
}

pub(super) fn detect_os() -> Os {
    let name = Some(std::env::consts::OS.to_owned());
    let (version, kernel) = if cfg!(target_os = "linux") {
        (
            std::fs::read_to_string("/etc/os-release")
                .ok()
                .and_then(|t| parse_os_release(&t)),
            std::fs::read_to_string("/proc/sys/kernel/osrelease")
                .ok()
                .or_else(|| command_stdout("uname", &["-r"])),
        )
    } else if cfg!(target_os = "macos") {
        (
            command_stdout("sw_vers", &["-productVersion"]).map(|v| format!("macOS {}", v.trim())),
            command_stdout("uname", &["-r"]),
        )
    } else {
        (None, None)
    };
    Os {
        name,
        version,
        kernel: kernel
            .map(|k| k.trim().to_owned())
            .filter(|k| !k.is_empty()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CPUINFO: &str = "processor\t: 0\nvendor_id\t: GenuineIntel\n\
        model name\t: Intel(R) Xeon(R) CPU @ 2.20GHz\nphysical id\t: 0\ncore id\t\t: 0\n\n\
        processor\t: 1\nmodel name\t: Intel(R) Xeon(R) CPU @ 2.20GHz\nphysical id\t: 0\ncore id\t\t: 0\n\n\
        processor\t: 2\nmodel name\t: Intel(R) Xeon(R) CPU @ 2.20GHz\nphysical id\t: 0\ncore id\t\t: 1\n\n\
        processor\t: 3\nmodel name\t: Intel(R) Xeon(R) CPU @ 2.20GHz\nphysical id\t: 1\ncore id\t\t: 0\n";

    #[test]
    fn cpuinfo_counts_logical_cpus_and_distinct_cores() {
        let (model, physical, logical) = parse_cpuinfo(CPUINFO);
        assert_eq!(model.as_deref(), Some("Intel(R) Xeon(R) CPU @ 2.20GHz"));
        assert_eq!(logical, Some(4));
        // (0,0) twice (hyper-threads), (0,1), (1,0)
        assert_eq!(physical, Some(3));
    }

    #[test]
    fn cpuinfo_without_core_ids_leaves_physical_cores_unknown() {
        let arm = "processor\t: 0\nBogoMIPS\t: 50.00\nCPU implementer\t: 0x41\n\n\
                   processor\t: 1\nBogoMIPS\t: 50.00\n";
        assert_eq!(parse_cpuinfo(arm), (None, None, Some(2)));
        assert_eq!(parse_cpuinfo(""), (None, None, None));
    }

    #[test]
    fn meminfo_total_in_bytes() {
        let text = "MemTotal:       16318480 kB\nMemFree:         1234 kB\n";
        assert_eq!(parse_meminfo(text), Some(16_318_480 * 1024));
        assert_eq!(parse_meminfo("MemFree: 1 kB\n"), None);
        assert_eq!(parse_meminfo("MemTotal: lots\n"), None);
    }

    #[test]
    fn os_release_prefers_pretty_name() {
        let debian = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\n\
                      VERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nID=debian\n";
        assert_eq!(
            parse_os_release(debian).as_deref(),
            Some("Debian GNU/Linux 12 (bookworm)")
        );
        let bare = "NAME=Alpine\nVERSION='3.20'\n";
        assert_eq!(parse_os_release(bare).as_deref(), Some("Alpine 3.20"));
        assert_eq!(parse_os_release("ID=x\n"), None);
    }
}
