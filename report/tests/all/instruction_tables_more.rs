//! The doc tables of a run WITH instruction counts: the committed sample run
//! in `results/` (a real `report run`) plus the counts of the real gungraun
//! fixture (`tests/fixtures/regenerate-gungraun.sh`). Single-threaded rows
//! show their count, multi-threaded rows say they are not counted; runs
//! without counts keep their tables as they were (the existing snapshots).

use crate::util::*;

use report::gungraun;
use report::model::Run;
use report::render::markdown;
use report::tables::{self, Table};

fn counted_run() -> Run {
    let mut run = sample_run();
    let fixture = fixture_path("gungraun-0.20.0");
    gungraun::add_to_run(&mut run, &fixture, None).unwrap();
    run
}

fn table<'a>(tables: &'a [Table], title_start: &str) -> &'a Table {
    tables
        .iter()
        .find(|t| t.title.starts_with(title_start))
        .unwrap_or_else(|| panic!("no table '{title_start}…'"))
}

/// The cell of `column` in the row labelled `label`.
fn cell<'a>(table: &'a Table, label: &str, column: &str) -> &'a str {
    let col = table
        .columns
        .iter()
        .position(|c| c == column)
        .unwrap_or_else(|| panic!("no column '{column}' in {:?}", table.columns));
    let row = table
        .rows
        .iter()
        .find(|r| r[0] == label)
        .unwrap_or_else(|| panic!("no row '{label}'"));
    &row[col]
}

#[test]
fn single_threaded_rows_show_their_count_and_threaded_rows_say_not_counted() {
    let run = counted_run();
    let column = format!("{}: instructions", run.label);
    let v4 = run
        .benchmarks
        .iter()
        .find(|b| b.id.full_id() == "uuid/generate/v4/1000")
        .unwrap();
    let expected = report::format::count(gungraun::instructions(v4).unwrap());
    let tables = tables::doc_tables(std::slice::from_ref(&run), &tables::builtin_specs());

    let uuid = table(&tables, "UUID");
    let label = &uuid
        .rows
        .iter()
        .find(|r| r.iter().any(|c| c == &expected))
        .expect("the v4 row holds the fixture's count")[0];
    assert_eq!(cell(uuid, label, &column), expected);
    assert!(!uuid.notes.iter().any(|n| n.contains("not counted")));

    // The scaling table: the rayon rows run on several threads.
    let scaling = table(&tables, "Parallel scaling");
    let rayon = scaling
        .rows
        .iter()
        .find(|r| r[0].to_lowercase().contains("rayon"))
        .expect("a rayon row");
    assert_eq!(cell(scaling, &rayon[0], &column), "not counted");
    assert!(
        scaling
            .notes
            .iter()
            .any(|n| n.contains("valgrind serialises threads"))
    );
}

#[test]
fn runs_without_counts_get_no_instruction_column() {
    let run = sample_run();
    let tables = tables::doc_tables(&[run], &tables::builtin_specs());
    for t in &tables {
        assert!(
            !t.columns.iter().any(|c| c.contains("instructions")),
            "{}: {:?}",
            t.title,
            t.columns
        );
    }
}

#[test]
fn markdown_doc_tables_with_instruction_counts() {
    let text = markdown::render(&[counted_run()], &tables::builtin_specs()).unwrap();
    in_snapshots(|| {
        insta::assert_snapshot!(
            "instruction_tables_more__markdown_doc_tables_with_instructions",
            text
        )
    });
}
