//! `kyogikai forms` and `kyogikai sample`: the standard workbooks as members receive them.

mod common;

use calamine::{Data, Reader, SheetVisible, Xlsx, open_workbook};
use common::*;
use kyogikai::council;
use kyogikai::spec::{
    FIRST_DATA_ROW, SHEET_BASIC, SHEET_FIGURES, SHEET_LISTS, SHEET_META, figure_rows,
};
use kyogikai::submission::Value;

fn write_plan_forms(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let out = run(dir, &["forms", "--as-of", AS_OF, "--period", "plan"]);
    assert!(out.status.success(), "{}", stderr(&out));
    files_in(&dir.join("outputs/forms/2026/plan"))
}

#[test]
fn tokyo_gets_75_workbooks_and_a_second_run_is_byte_identical() {
    let dir = scratch_council();
    let first: Vec<(std::path::PathBuf, Vec<u8>)> = write_plan_forms(dir.path())
        .into_iter()
        .map(|p| (p.clone(), std::fs::read(&p).unwrap()))
        .collect();
    assert_eq!(first.len(), 75);
    let members = first
        .iter()
        .filter(|(p, _)| p.file_name().unwrap().to_str().unwrap().starts_with('M'))
        .count();
    assert_eq!(members, 13);
    let second = write_plan_forms(dir.path());
    for (path, bytes) in &first {
        assert!(second.contains(path));
        assert_eq!(
            &std::fs::read(path).unwrap(),
            bytes,
            "{} changed between runs",
            path.display()
        );
    }
}

#[test]
fn a_form_read_back_carries_its_identity() {
    let dir = scratch_council();
    write_plan_forms(dir.path());
    let path = dir
        .path()
        .join("outputs/forms/2026/plan/PF131016_千代田区区市町村PF.xlsx");
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();

    let names = wb.sheet_names();
    assert_eq!(
        names,
        [
            "記入要領",
            "基本情報",
            "取組",
            "好事例",
            "連携・依頼事項",
            "実績",
            SHEET_META,
            SHEET_LISTS
        ]
    );
    let hidden: Vec<&str> = wb
        .sheets_metadata()
        .iter()
        .filter(|s| s.visible != SheetVisible::Visible)
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(hidden, [SHEET_META, SHEET_LISTS]);

    let meta = wb.worksheet_range(SHEET_META).unwrap();
    let pairs: Vec<(String, String)> = meta
        .rows()
        .map(|r| (r[0].to_string(), r[1].to_string()))
        .collect();
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    assert_eq!(get("submitter_id"), "PF131016");
    assert_eq!(get("fiscal_year"), "2026");
    assert_eq!(get("period"), "plan");
    assert_eq!(get("issued"), AS_OF);

    let props = wb.workbook_properties().unwrap();
    assert_eq!(
        props
            .custom_properties
            .get("kyogikai.submitter_id")
            .map(String::as_str),
        Some("PF131016")
    );
    assert_eq!(
        props.custom_properties.get("kyogikai.checksum"),
        Some(&get("checksum"))
    );
    assert!(props.created.unwrap().starts_with(AS_OF));

    let basic = wb.worksheet_range(SHEET_BASIC).unwrap();
    assert_eq!(
        basic.get_value((FIRST_DATA_ROW, 1)),
        Some(&Data::String("PF131016".into()))
    );
    assert_eq!(
        basic.get_value((FIRST_DATA_ROW + 1, 1)),
        Some(&Data::String("千代田区区市町村PF".into()))
    );

    // The figures sheet offers only the rows this platform fills: its own municipality.
    let figures = wb.worksheet_range(SHEET_FIGURES).unwrap();
    let codes: Vec<String> = (FIRST_DATA_ROW..=figures.end().unwrap().0)
        .map(|r| figures.get_value((r, 0)).unwrap().to_string())
        .collect();
    assert!(!codes.is_empty());
    assert!(codes.iter().all(|c| c == "131016"), "{codes:?}");
}

#[test]
fn the_xml_carries_validations_protection_and_defined_names() {
    let dir = scratch_council();
    write_plan_forms(dir.path());
    let path = dir
        .path()
        .join("outputs/forms/2026/plan/PF131016_千代田区区市町村PF.xlsx");
    let workbook = zip_text(&path, "xl/workbook.xml");
    for name in [
        "list_categories",
        "list_regions",
        "list_kpis",
        "list_addressees",
        "list_request_kinds",
        "list_yes_no",
    ] {
        assert!(
            workbook.contains(&format!("name=\"{name}\"")),
            "defined name {name} missing"
        );
    }
    // 取組 (sheet3): dropdowns from defined names, whole-number and date checks, Japanese prompts.
    let initiatives = zip_text(&path, "xl/worksheets/sheet3.xml");
    assert!(initiatives.contains("<sheetProtection"));
    assert!(initiatives.contains("<formula1>list_categories</formula1>"));
    assert!(initiatives.contains("type=\"whole\""));
    assert!(initiatives.contains("type=\"date\""));
    assert!(initiatives.contains("promptTitle=\"取組名\""));
    assert!(initiatives.contains("errorTitle=\"入力内容を確認してください\""));
    assert!(
        initiatives.contains("locked=\"0\"")
            || zip_text(&path, "xl/styles.xml").contains("locked=\"0\"")
    );
    assert!(initiatives.contains("<pane "), "freeze panes");
    // Print setup: A4 and a repeated header row.
    assert!(initiatives.contains("paperSize=\"9\""));
    assert!(workbook.contains("_xlnm.Print_Titles"));
    // The hidden sheets are hidden and protected.
    assert!(workbook.contains("state=\"hidden\""));
}

#[test]
fn sample_submissions_read_back_give_the_figures_written() {
    let dir = scratch_council();
    let out = run(dir.path(), &["sample", "--period", "h1", "--seed", "7"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let folder = dir.path().join("inputs/submissions/2026/h1");
    assert_eq!(files_in(&folder).len(), 75);

    let council = council::load(&dir.path().join("inputs/council.toml")).unwrap();
    let period = council.period("h1").unwrap();
    for id in ["M01", "PF131016", "PF134023"] {
        let submitter = council.submitter(id).unwrap();
        let expected = kyogikai::sample::submission(&council, submitter, period, 7);
        let path = folder.join(kyogikai::forms::file_name(submitter));
        let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
        let range = wb.worksheet_range(SHEET_FIGURES).unwrap();
        let rows = figure_rows(&council, submitter);
        assert!(!rows.is_empty());
        for (i, key) in rows.iter().enumerate() {
            let row = FIRST_DATA_ROW + i as u32;
            assert_eq!(range.get_value((row, 0)).unwrap().to_string(), key.region);
            assert_eq!(range.get_value((row, 4)).unwrap().to_string(), key.figure);
            let Some(Data::Float(written)) = range.get_value((row, 7)) else {
                panic!("no number")
            };
            let written = *written as i64;
            assert_eq!(
                Some(&Value::Int(written)),
                expected.figures[key].get("value"),
                "{id} {key:?}"
            );
        }
        let initiatives = wb.worksheet_range("取組").unwrap();
        let name = initiatives
            .get_value((FIRST_DATA_ROW, 1))
            .unwrap()
            .to_string();
        assert_eq!(
            Some(&Value::Text(name)),
            expected.tables["initiatives"][0].get("name")
        );
    }
}

#[test]
fn a_scaled_sample_is_a_valid_council_of_its_own() {
    let dir = scratch_council();
    let out = run(dir.path(), &["sample", "--period", "h1", "--scale", "3"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let council = council::load(&dir.path().join("outputs/sample-x3/council.toml")).unwrap();
    assert_eq!(council.submitters.len(), 225);
    assert_eq!(council.municipalities.len(), 186);
    assert_eq!(
        files_in(&dir.path().join("outputs/sample-x3/submissions/2026/h1")).len(),
        225
    );
}

#[cfg_attr(
    not(has_soffice),
    ignore = "needs LibreOffice (soffice), installed by .ci/run"
)]
#[test]
fn libreoffice_opens_a_form() {
    let dir = scratch_council();
    let out = run(
        dir.path(),
        &[
            "forms",
            "--as-of",
            AS_OF,
            "--period",
            "h1",
            "--submitter",
            "PF134023",
            "M08",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let folder = dir.path().join("outputs/forms/2026/h1");
    let files = files_in(&folder);
    assert_eq!(files.len(), 2);
    let pdf_dir = dir.path().join("pdf");
    let status = std::process::Command::new("soffice")
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
        ])
        .arg(&pdf_dir)
        .args(&files)
        .env("HOME", dir.path())
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    for file in files {
        let pdf = pdf_dir.join(file.with_extension("pdf").file_name().unwrap());
        let size = std::fs::metadata(&pdf).map(|m| m.len()).unwrap_or(0);
        assert!(size > 1000, "{} was not converted", file.display());
    }
}
