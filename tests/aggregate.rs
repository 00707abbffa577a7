//! Aggregation and disclosure control on real council definitions: totals reconcile, a
//! small hand-computed council gives exact numbers, the public edition hides every small
//! count and passes its audit, and the Excel reports read back.

mod common;

use std::collections::BTreeMap;

use calamine::{Data, Reader, Xlsx, open_workbook};
use chrono::NaiveDate;
use common::*;
use kyogikai::aggregate::{self, Aggregate, Level, Status};
use kyogikai::check;
use kyogikai::council::{self, Council};
use kyogikai::sample;
use kyogikai::submission::Value;

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// The shipped Tokyo sample, checked in-process and aggregated.
fn tokyo() -> (Council, Aggregate) {
    let dir = scratch_council();
    copy_dir(
        &repo().join("inputs/submissions"),
        &dir.path().join("inputs/submissions"),
    );
    let council = council::load(&dir.path().join("inputs/council.toml")).unwrap();
    let outcome = check::check(&council, date("2027-05-31"), &check::Options::default()).unwrap();
    let agg = aggregate::aggregate(&council, &outcome, None, None).unwrap();
    (council, agg)
}

#[test]
fn totals_reconcile_for_every_figure_table_and_category() {
    let (_, agg) = tokyo();
    assert_eq!(agg.report_period.id, "h2");
    for f in &agg.figures {
        for t in &f.tables {
            let width = f.categories.len();
            for c in 0..=width {
                let value = |r: &kyogikai::aggregate::TableRow| {
                    let cell = if c < width { &r.cells[c] } else { &r.total };
                    cell.value.unwrap_or(0)
                };
                let base: i64 = t
                    .rows
                    .iter()
                    .filter(|r| matches!(r.level, Level::Municipality | Level::Whole))
                    .map(value)
                    .sum();
                let areas: i64 = t
                    .rows
                    .iter()
                    .filter(|r| matches!(r.level, Level::Area | Level::Whole))
                    .map(value)
                    .sum();
                let total = t
                    .rows
                    .iter()
                    .find(|r| r.level == Level::Prefecture)
                    .map(value)
                    .unwrap();
                assert_eq!(base, total, "{} {} column {c}", f.id, t.label);
                assert_eq!(areas, total, "{} {} column {c}", f.id, t.label);
            }
            // The total column is the sum of the categories, row by row.
            for r in &t.rows {
                let sum: i64 = r.cells.iter().filter_map(|c| c.value).sum();
                assert_eq!(
                    r.total.value.unwrap_or(0),
                    sum,
                    "{} {} {}",
                    f.id,
                    t.label,
                    r.name
                );
            }
        }
        // The year to date is the sum of the periods.
        let (periods, ytd) = f.tables.split_at(f.tables.len() - 1);
        for (i, row) in ytd[0].rows.iter().enumerate() {
            let sum: i64 = periods
                .iter()
                .map(|t| t.rows[i].total.value.unwrap_or(0))
                .sum();
            assert_eq!(
                row.total.value.unwrap_or(0),
                sum,
                "{} ytd {}",
                f.id,
                row.name
            );
        }
    }
}

/// No sensitive figure shows a count between 1 and its threshold.
fn no_small_count_published(public: &Aggregate) {
    for f in public.figures.iter().filter(|f| f.sensitive) {
        for t in &f.tables {
            for r in &t.rows {
                for c in r.cells.iter().chain(std::iter::once(&r.total)) {
                    if let Some(v) = c.value {
                        assert!(
                            v == 0 || v >= f.threshold,
                            "{} {} {}: {v} published",
                            f.id,
                            t.label,
                            r.name
                        );
                    }
                }
            }
        }
    }
}

/// Every hidden cell was audited, every audit passed and no hidden cell is pinned down.
fn every_hidden_cell_is_protected(audits: &[aggregate::FigureAudit]) {
    for a in audits {
        assert!(a.audit.passed, "{}", a.figure);
        assert!(!a.audit.items.is_empty() || a.suppressed.is_empty());
        for item in &a.audit.items {
            assert!(item.max - item.min >= 0.5, "{} is exact", item.name);
        }
    }
}

#[test]
fn public_edition_hides_every_small_count_and_passes_its_audit() {
    let (council, agg) = tokyo();
    let (public, audits) = agg.public(&council).unwrap();
    assert!(public.disclosure.iter().all(|d| d.passed));
    assert!(
        public.disclosure.iter().any(|d| d.primary > 0),
        "the sample has small counts to protect"
    );
    no_small_count_published(&public);
    every_hidden_cell_is_protected(&audits);
    // The public JSON carries no hidden value.
    let json = public.to_json();
    let hidden: Vec<_> = public
        .figures
        .iter()
        .flat_map(|f| f.tables.iter())
        .flat_map(|t| t.rows.iter())
        .flat_map(|r| r.cells.iter())
        .filter(|c| c.status == Status::Suppressed)
        .collect();
    assert!(!hidden.is_empty());
    assert!(hidden.iter().all(|c| c.value.is_none()));
    assert!(json.contains("\"suppressed\""));
}

/// A council of three Tokyo-sized copies (nine areas), protected piece by piece as large
/// councils are: every small count is hidden, the audit of the whole table passes, and no
/// hidden cell can be pinned down.
#[test]
fn protection_piece_by_piece_passes_the_audit_of_the_whole_table() {
    let dir = scratch_council();
    let tokyo = council::load(&dir.path().join("inputs/council.toml")).unwrap();
    let dest = dir.path().join("x3");
    let path = sample::write_scaled_council(&tokyo, 3, &dest).unwrap();
    let council = council::load(&path).unwrap();
    assert_eq!(council.def.areas.len(), 9);
    let periods: Vec<_> = council
        .def
        .periods
        .iter()
        .filter(|p| p.id != "h2")
        .collect();
    sample::write_submissions(&council, &periods, 11, &dest.join("submissions")).unwrap();
    let outcome = check::check(&council, date("2026-12-01"), &check::Options::default()).unwrap();
    let agg = aggregate::aggregate(&council, &outcome, None, None).unwrap();
    let (public, audits) = agg.public_with_pieces_above(&council, 0).unwrap();
    assert!(public.disclosure.iter().any(|d| d.primary > 0));
    no_small_count_published(&public);
    every_hidden_cell_is_protected(&audits);
}

/// The three-municipality council with hand-set figures.
#[test]
fn a_small_council_gives_the_hand_computed_numbers() {
    let dir = scratch_case("small_council");
    let council = council::load(&dir.path().join("inputs/council.toml")).unwrap();
    let period = council.period("y").unwrap();
    // G1 (category 1) and G2 (category 3) per platform; R01 reports G1 for the whole prefecture.
    let values: BTreeMap<&str, [i64; 2]> = [
        ("PF312011", [10, 4]),
        ("PF312029", [7, 1]),
        ("PF312037", [2, 6]),
    ]
    .into();
    let folder = dir.path().join("inputs/submissions/2027/y");
    std::fs::create_dir_all(&folder).unwrap();
    for s in &council.submitters {
        let mut data = kyogikai::sample::submission(&council, s, period, 1);
        for (key, row) in data.figures.iter_mut() {
            let v = match (values.get(s.id.as_str()), key.figure.as_str()) {
                (Some(v), "G1") => v[0],
                (Some(v), "G2") => v[1],
                (None, _) => 30,
                _ => unreachable!(),
            };
            row.insert("value".into(), Value::Int(v));
        }
        let bytes = kyogikai::forms::workbook(&council, s, period, period.start, Some(&data), None)
            .unwrap();
        std::fs::write(folder.join(kyogikai::forms::file_name(s)), bytes).unwrap();
    }
    let outcome = check::check(
        &council,
        date("2028-05-31"),
        &check::Options {
            period: Some("y".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(outcome.ledger.files(), 5);
    let agg = aggregate::aggregate(&council, &outcome, Some("y"), None).unwrap();
    let g1 = agg.figures.iter().find(|f| f.id == "G1").unwrap();
    let table = &g1.tables[0];
    let by_name: BTreeMap<&str, Option<i64>> = table
        .rows
        .iter()
        .map(|r| (r.name.as_str(), r.cells[0].value))
        .collect();
    assert_eq!(by_name["鳥取市"], Some(10));
    assert_eq!(by_name["東部計"], Some(10));
    assert_eq!(by_name["西部計"], Some(7));
    assert_eq!(by_name["中部計"], Some(2));
    assert_eq!(by_name["県内全域"], Some(30));
    assert_eq!(by_name["鳥取県計"], Some(49));
    let kpi = &agg.kpis[0];
    assert_eq!(kpi.to_date, Some(49));
    assert_eq!(kpi.rate.map(|r| (r * 10.0).round() / 10.0), Some(49.0));
    assert_eq!(kpi.grade.as_deref(), Some("C"));
    // G2 has threshold 5: 4 and 1 are small; 6 is not.
    let (public, _) = agg.public(&council).unwrap();
    let g2 = public.figures.iter().find(|f| f.id == "G2").unwrap();
    let shown: BTreeMap<&str, String> = g2.tables[0]
        .rows
        .iter()
        .map(|r| (r.name.as_str(), r.cells[0].display()))
        .collect();
    assert_eq!(shown["鳥取市"], "x");
    assert_eq!(shown["米子市"], "x");
    assert_eq!(shown["鳥取県計"], "11");
    assert_ne!(
        shown["倉吉市"], "6",
        "the third cell must hide too, or 4 + 1 = 11 − 6 gives the pair away"
    );
}

#[test]
fn the_excel_reports_read_back_with_the_aggregated_figures() {
    let dir = scratch_council();
    copy_dir(
        &repo().join("inputs/submissions"),
        &dir.path().join("inputs/submissions"),
    );
    let out = run(dir.path(), &["render", "--as-of", "2027-05-31"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (_, agg) = tokyo();
    for edition in ["internal", "public"] {
        let path = dir
            .path()
            .join(format!("outputs/render/{edition}/KPI進捗状況.xlsx"));
        let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
        let names = wb.sheet_names();
        assert_eq!(names[0], "表紙");
        assert!(names.contains(&"グラフ".to_string()));
        let kpi = wb.worksheet_range("KPI").unwrap();
        let header: Vec<String> = (0..kpi.width())
            .map(|c| kpi.get((0, c)).unwrap().to_string())
            .collect();
        let ytd = header.iter().position(|h| h == "累計実績").unwrap();
        for (i, k) in agg.kpis.iter().enumerate() {
            assert_eq!(kpi.get((i + 1, 0)), Some(&Data::String(k.id.clone())));
            if edition == "internal" {
                assert_eq!(
                    kpi.get((i + 1, ytd)),
                    Some(&Data::Float(k.to_date.unwrap() as f64)),
                    "{}",
                    k.id
                );
            }
        }
        let f01 = wb.worksheet_range("F01_年度累計").unwrap();
        let last = f01.height() - 1;
        assert_eq!(f01.get((last, 2)), Some(&Data::String("合計".into())));
        let total = agg.figures[0]
            .tables
            .last()
            .unwrap()
            .rows
            .last()
            .unwrap()
            .total
            .value
            .unwrap();
        assert_eq!(
            f01.get((last, f01.width() - 1)),
            Some(&Data::Float(total as f64))
        );
    }
    let public = dir.path().join("outputs/render/public/KPI進捗状況.xlsx");
    assert!(
        zip_text(&public, "xl/sharedStrings.xml").contains("<t>x</t>"),
        "suppressed cells are written as x"
    );
}

#[cfg_attr(
    not(has_soffice),
    ignore = "needs LibreOffice (soffice), installed by .ci/run"
)]
#[test]
fn libreoffice_opens_the_excel_reports() {
    let dir = scratch_council();
    copy_dir(
        &repo().join("inputs/submissions"),
        &dir.path().join("inputs/submissions"),
    );
    let out = run(
        dir.path(),
        &["render", "--as-of", "2027-05-31", "--edition", "public"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let folder = dir.path().join("outputs/render/public");
    for name in ["事業実施計画.xlsx", "KPI進捗状況.xlsx", "提出状況一覧.xlsx"] {
        let status = std::process::Command::new("soffice")
            .args([
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
            ])
            .arg(dir.path().join("lo"))
            .arg(folder.join(name))
            .env("HOME", dir.path())
            .output()
            .unwrap();
        assert!(status.status.success());
        let pdf = dir.path().join("lo").join(name.replace(".xlsx", ".pdf"));
        assert!(
            std::fs::metadata(&pdf).map(|m| m.len()).unwrap_or(0) > 1000,
            "{name} not converted"
        );
    }
}
