//! The council definition: broken files give one line naming the key, and a second
//! prefecture works by editing the definition alone.

mod common;

use common::*;

/// Replaces `from` with `to` in the scratch council.toml, runs `forms`, and returns stderr.
fn broken(from: &str, to: &str) -> (Option<i32>, String) {
    let dir = scratch_council();
    let path = dir.path().join("inputs/council.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "fixture text {from:?} not found");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    let out = run(dir.path(), &["forms", "--as-of", AS_OF]);
    (out.status.code(), stderr(&out))
}

fn assert_one_line(err: &str, needle: &str) {
    assert_eq!(err.trim_end().lines().count(), 1, "not one line: {err}");
    assert!(err.contains(needle), "{needle:?} not in: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn unknown_key_names_the_key_and_line() {
    let (code, err) = broken(
        "short_name = \"東京協議会\"",
        "short_name = \"東京協議会\"\nshortname = \"x\"",
    );
    assert_eq!(code, Some(2));
    assert_one_line(&err, "shortname");
    assert!(err.contains("council.toml:"), "{err}");
}

#[test]
fn duplicate_id_names_the_key() {
    let (code, err) = broken("id = \"M02\"\nname", "id = \"M01\"\nname");
    assert_eq!(code, Some(2));
    assert_one_line(&err, "members[1].id = \"M01\": 重複しています");
}

#[test]
fn unknown_municipality_code_names_the_key() {
    let (code, err) = broken("municipality = \"131016\"", "municipality = \"131017\"");
    assert_eq!(code, Some(2));
    assert_one_line(&err, "submitters[13].municipality = \"131017\"");
}

#[test]
fn kpi_with_unknown_category_names_the_key() {
    let (code, err) = broken(
        "category = \"1\"\nfigure = \"F04\"",
        "category = \"9\"\nfigure = \"F04\"",
    );
    assert_eq!(code, Some(2));
    assert_one_line(&err, "kpis[0].category = \"9\"");
}

#[test]
fn period_outside_the_fiscal_year_is_named() {
    let (code, err) = broken("end = 2026-09-30", "end = 2027-09-30");
    assert_eq!(code, Some(2));
    assert_one_line(&err, "periods[1] (h1)");
}

#[test]
fn syntax_error_is_one_line() {
    let (code, err) = broken("[chair]", "[chair");
    assert_eq!(code, Some(2));
    assert_one_line(&err, "council.toml:");
}

#[test]
fn missing_council_file_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["forms"]);
    assert_eq!(out.status.code(), Some(2));
    assert_one_line(&stderr(&out), "inputs/council.toml");
}

#[test]
fn a_second_prefecture_needs_only_its_definition() {
    let dir = scratch_case("small_council");
    let out = run(
        dir.path(),
        &["forms", "--as-of", "2027-04-01", "--period", "y"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let files = files_in(&dir.path().join("outputs/forms/2027/y"));
    let names: Vec<String> = files
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            "PF312011_鳥取市市町村PF.xlsx",
            "PF312029_米子市市町村PF.xlsx",
            "PF312037_倉吉市市町村PF.xlsx",
            "R01_鳥取労働局.xlsx",
            "R02_鳥取県商工会議所連合会.xlsx"
        ]
    );
    let guide = zip_text(&files[0], "xl/sharedStrings.xml");
    assert!(guide.contains("鳥取県中高年世代活躍応援プロジェクト協議会"));
    assert!(guide.contains("令和9年度（2027年度）"));
    assert!(guide.contains("県内全域"));
    assert!(
        !guide.contains("東京"),
        "nothing of Tokyo leaks into another prefecture's form"
    );
    let out = run(dir.path(), &["sample", "--seed", "1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        files_in(&dir.path().join("inputs/submissions/2027/plan")).len(),
        5
    );
}

#[test]
fn as_of_must_be_a_date() {
    let dir = scratch_council();
    let out = run(dir.path(), &["forms", "--as-of", "2026/04/01"]);
    assert_eq!(out.status.code(), Some(2));
    assert_one_line(&stderr(&out), "--as-of");
}
