//! Instruction-count harness for bench-uuid (gungraun, under valgrind's
//! callgrind): the single-threaded workloads of `benches/uuid.rs`, same
//! `src/` functions, same inputs.
//!
//! Id convention (read by `report`, see `report/src/gungraun.rs`): every
//! benchmark's only argument is the **criterion id** of the benchmark it
//! counts, as a string literal, and the setup function builds the inputs from
//! that id. gungraun writes the argument text into its summary (`details`,
//! e.g. `generate_setup("uuid/generate/v4/1000")`), so one benchmark carries
//! both figures. The gungraun names (`generate`, `v4`) are only labels.
//!
//! Setup is not counted: buffers, input ids and each generator's lazy state
//! (thread-local RNG, v7 context) are made and warmed there with one call, so
//! the count is one steady-state iteration, as criterion times it.
//!
//! `uuid/btreemap-insert` counts one `build_index` of fresh keys at both
//! sizes; the map's drop is outside the count, as criterion's
//! `iter_with_large_drop` leaves it out of the time.
//!
//! `uuid/sqlite-insert` counts one durable 1000-row batch of int and v7 keys
//! into the table of 10 000 rows only. Not v4: its keys come from the OS
//! generator inside `EventStore`, and where they land decides the page
//! splits, so its count moved by 1.4 % between two runs (A/A), beyond the
//! diff's 0.5 % threshold. Only 10 000 rows: the pre-fill runs under
//! valgrind too (uncounted, but at its speed), and filling 100 000 or
//! 1 000 000 rows would take minutes per benchmark. What is counted is
//! SQLite's CPU work (B-tree, WAL frames); the
//! `fsync` of each commit is a syscall, which valgrind does not count, so
//! the count leaves out what dominates the wall time on slow disks.
//!
//! Run: `report run -p bench-uuid --instructions`, or by hand with
//! `gungraun-runner` on `PATH`: `cargo bench -p bench-uuid --bench instructions`.

// gungraun's macros expand to paths the workspace's `unused_qualifications`
// lint flags; the code they generate is not ours to change.
#![allow(unused_qualifications)]

use std::hint::black_box;

// The benchmark functions are named after the questions (`generate`, `text`),
// so the modules of the same names are imported under other names.
use bench_uuid::sqlite::{EventStore, KeyKind};
use bench_uuid::{btree, generate as gen_ids, payload, text as text_forms, v7};
use gungraun::{
    Callgrind, LibraryBenchmarkConfig, library_benchmark, library_benchmark_group, main,
};
use uuid::Uuid;

/// Ids per call, as in the criterion harness.
const BATCH: usize = 1000;

/// A batch generator: one id per slot.
type Fill = fn(&mut [Uuid]);

/// The `/`-separated parts of a criterion id.
fn parts(id: &str) -> Vec<&str> {
    id.split('/').collect()
}

/// The generator named by `uuid/generate/<variant>/1000`, warmed once.
fn generate_setup(id: &str) -> (Fill, Vec<Uuid>) {
    let variant = parts(id)[2];
    let fill: Fill = match variant {
        "v4" => gen_ids::fill_v4,
        "now_v7" => gen_ids::fill_now_v7,
        "new_v7-nocontext" => gen_ids::fill_new_v7_nocontext,
        "v7-ours" => gen_ids::fill_v7_ours,
        "v7-ours-exact-clock" => gen_ids::fill_v7_ours_exact_clock,
        "v4-os-rng" => |out: &mut [Uuid]| {
            gen_ids::fill_v4_os_rng(out).expect("OS random generator");
        },
        other => panic!("{id}: unknown generator '{other}'"),
    };
    let mut ids = vec![Uuid::nil(); BATCH];
    fill(&mut ids);
    (fill, ids)
}

#[library_benchmark]
#[bench::v4_1000(args = ("uuid/generate/v4/1000"), setup = generate_setup)]
#[bench::now_v7_1000(args = ("uuid/generate/now_v7/1000"), setup = generate_setup)]
#[bench::new_v7_nocontext_1000(args = ("uuid/generate/new_v7-nocontext/1000"), setup = generate_setup)]
#[bench::v7_ours_1000(args = ("uuid/generate/v7-ours/1000"), setup = generate_setup)]
#[bench::v7_ours_exact_clock_1000(args = ("uuid/generate/v7-ours-exact-clock/1000"), setup = generate_setup)]
#[bench::v4_os_rng_1000(args = ("uuid/generate/v4-os-rng/1000"), setup = generate_setup)]
fn generate((fill, mut ids): (Fill, Vec<Uuid>)) -> Vec<Uuid> {
    fill(black_box(&mut ids));
    ids
}

/// Inputs of the text benchmarks: v7 ids, their text, and output buffers
/// with the capacity they will need (as in the criterion harness).
struct TextCase {
    /// The workload, chosen in setup so no dispatch on the id is counted.
    op: fn(&mut TextCase),
    ids: Vec<Uuid>,
    formatted: Vec<u8>,
    out: Vec<u8>,
    parsed: Vec<Uuid>,
}

fn text_setup(id: &str) -> TextCase {
    let op: fn(&mut TextCase) = match parts(id)[2] {
        "format" => |c| text_forms::format_hyphenated(black_box(&c.ids), &mut c.out),
        "parse" => |c| {
            text_forms::parse_hyphenated(black_box(&c.formatted), &mut c.parsed)
                .expect("ids we formatted");
        },
        "v7-timestamp" => |c| {
            black_box(text_forms::v7_millis_sum(black_box(&c.ids)).expect("v7 ids"));
        },
        other => panic!("{id}: unknown text benchmark '{other}'"),
    };
    let ids: Vec<Uuid> = (0..BATCH).map(|_| Uuid::now_v7()).collect();
    let mut formatted = Vec::with_capacity(BATCH * text_forms::HYPHENATED_LEN);
    text_forms::format_hyphenated(&ids, &mut formatted);
    TextCase {
        op,
        ids,
        formatted,
        out: Vec::with_capacity(BATCH * text_forms::HYPHENATED_LEN),
        parsed: Vec::with_capacity(BATCH),
    }
}

#[library_benchmark]
#[bench::format_1000(args = ("uuid/text/format/1000"), setup = text_setup)]
#[bench::parse_1000(args = ("uuid/text/parse/1000"), setup = text_setup)]
#[bench::v7_timestamp_1000(args = ("uuid/text/v7-timestamp/1000"), setup = text_setup)]
fn text(mut case: TextCase) -> TextCase {
    (case.op)(&mut case);
    case
}

/// Keys of the variant and count named by `uuid/btreemap-insert/<v>/<n>`:
/// v7 ids in creation order and random v4 ids, as the criterion harness
/// makes them, but from a fixed seed and clock. With OS randomness the count
/// moves by about 1 % from run to run (key comparisons stop at the first
/// differing byte, so their cost depends on the key values); seeded keys
/// make it repeat exactly.
fn btreemap_setup(id: &str) -> Vec<Uuid> {
    let n: usize = parts(id)[3]
        .parse()
        .unwrap_or_else(|e| panic!("{id}: key count: {e}"));
    // 2026-01-01T00:00:00Z; one id per millisecond, so each draws fresh
    // random bits (the counter is reseeded when the millisecond changes).
    let start_ms = 1_767_225_600_000;
    let mut g = v7::V7Generator::from_seed(0x5EED);
    let ordered: Vec<Uuid> = (0..n as u64).map(|i| g.next_at(start_ms + i)).collect();
    match parts(id)[2] {
        "v4" => ordered
            .iter()
            .map(|id| {
                // An odd multiplier spreads the random bits over all 128.
                let bits = id
                    .as_u128()
                    .wrapping_mul(0x9E37_79B9_7F4A_7C15_F39C_C060_5CED_C835);
                uuid::Builder::from_random_bytes(bits.to_le_bytes()).into_uuid()
            })
            .collect(),
        "v7" => ordered,
        other => panic!("{id}: unknown key variant '{other}'"),
    }
}

#[library_benchmark]
#[bench::v4_1000(args = ("uuid/btreemap-insert/v4/1000"), setup = btreemap_setup)]
#[bench::v4_100000(args = ("uuid/btreemap-insert/v4/100000"), setup = btreemap_setup)]
#[bench::v7_1000(args = ("uuid/btreemap-insert/v7/1000"), setup = btreemap_setup)]
#[bench::v7_100000(args = ("uuid/btreemap-insert/v7/100000"), setup = btreemap_setup)]
fn btreemap_insert(keys: Vec<Uuid>) -> std::collections::BTreeMap<Uuid, u32> {
    btree::build_index(black_box(&keys))
}

/// A pre-filled store (in a temporary directory that lives as long as the
/// case), the next batch's keys and the payloads.
struct SqliteCase {
    store: EventStore,
    keys: Vec<u128>,
    payloads: Vec<String>,
    _dir: tempfile::TempDir,
}

/// The store named by `uuid/sqlite-insert/<kind>/<rows>`, after one untimed
/// batch and its retention step, as after criterion's warm-up.
fn sqlite_setup(id: &str) -> SqliteCase {
    let rows: u64 = parts(id)[3]
        .parse()
        .unwrap_or_else(|e| panic!("{id}: row count: {e}"));
    let kind = KeyKind::ALL
        .into_iter()
        .find(|k| k.label() == parts(id)[2])
        .unwrap_or_else(|| panic!("{id}: unknown key kind"));
    let dir = tempfile::tempdir().expect("a temporary directory for the database");
    let path = dir.path().join(format!("events-{kind}-{rows}.db"));
    let mut store = EventStore::create(&path, kind, rows).unwrap_or_else(|e| panic!("{e}"));
    let payloads: Vec<String> = (0..BATCH as u64).map(payload::event_json).collect();
    let mut keys = Vec::with_capacity(BATCH);
    store.make_keys(BATCH, &mut keys);
    store
        .insert_durably(&keys, &payloads)
        .unwrap_or_else(|e| panic!("{e}"));
    store.retire_oldest(BATCH).unwrap_or_else(|e| panic!("{e}"));
    store.make_keys(BATCH, &mut keys);
    SqliteCase {
        store,
        keys,
        payloads,
        _dir: dir,
    }
}

#[library_benchmark]
#[bench::int_10000(args = ("uuid/sqlite-insert/int/10000"), setup = sqlite_setup)]
#[bench::v7_10000(args = ("uuid/sqlite-insert/v7/10000"), setup = sqlite_setup)]
fn sqlite_insert(mut case: SqliteCase) -> SqliteCase {
    let (inserted, _) = case
        .store
        .insert_durably(black_box(&case.keys), &case.payloads)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(inserted, BATCH);
    case
}

library_benchmark_group!(name = uuid_generate, benchmarks = [generate]);
library_benchmark_group!(name = uuid_text, benchmarks = [text]);
library_benchmark_group!(name = uuid_btreemap, benchmarks = [btreemap_insert]);
library_benchmark_group!(name = uuid_sqlite, benchmarks = [sqlite_insert]);

// Instruction counts only, by default: callgrind's cache simulation (L1/LL/RAM
// hits, estimated cycles) costs a large part of the run and is not what the
// diff gates on. `report run --instructions --cache-sim` turns it back on
// through gungraun's GUNGRAUN_CALLGRIND_ARGS, which comes after these
// arguments and so overrides them.
main!(
    config = LibraryBenchmarkConfig::default().tool(Callgrind::with_args(["--cache-sim=no"]));
    library_benchmark_groups = uuid_generate,
    uuid_text,
    uuid_btreemap,
    uuid_sqlite
);
