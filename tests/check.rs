//! `kyogikai check`: the shipped sample passes, edited submissions give the expected codes at
//! the expected cells, the feedback workbook marks exactly those cells, and the ledger
//! accounts for every file.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::*;
use kyogikai::council::{self, Council};
use kyogikai::submission::{Row, Submission, Value};

/// A scratch council with the shipped sample submissions of all periods.
fn scratch_with_sample() -> tempfile::TempDir {
    let dir = scratch_council();
    copy_dir(
        &repo().join("inputs/submissions"),
        &dir.path().join("inputs/submissions"),
    );
    dir
}

fn check_json(dir: &Path, args: &[&str]) -> (i32, serde_json::Value) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let out = run(dir, &all);
    let json = serde_json::from_str(&stdout(&out))
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&out), stderr(&out)));
    (out.status.code().unwrap(), json)
}

/// (code, sheet!cell) of every finding about `file`.
fn found(json: &serde_json::Value, file: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["file"] == file)
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                format!(
                    "{}!{}",
                    f["sheet"].as_str().unwrap(),
                    f["cell"].as_str().unwrap()
                ),
            )
        })
        .collect();
    out.sort();
    out
}

fn count(json: &serde_json::Value, state: &str) -> u64 {
    json["counts"][state].as_u64().unwrap()
}

#[test]
fn the_shipped_sample_is_accepted_in_full() {
    let dir = scratch_with_sample();
    let (code, json) = check_json(dir.path(), &["--as-of", "2027-05-31"]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["files"], 225);
    assert_eq!(count(&json, "accepted"), 225);
    assert_eq!(count(&json, "missing"), 0);
    assert_eq!(json["errors"], 0);
    assert_eq!(json["warnings"], 0);
    let out = dir.path().join("outputs/check/2027-05-31");
    assert!(out.join("検証結果.xlsx").is_file());
    assert!(out.join("提出状況一覧.xlsx").is_file());
    let receipt =
        std::fs::read_to_string(out.join("mail/PF131016_千代田区区市町村PF_h1.txt")).unwrap();
    assert!(
        receipt.contains("上半期の報告を受け付けました"),
        "{receipt}"
    );
}

#[test]
fn a_deleted_file_makes_its_submitter_missing_after_the_deadline_only() {
    let dir = scratch_with_sample();
    let gone = dir
        .path()
        .join("inputs/submissions/2026/h2/PF133825_御蔵島村区市町村PF.xlsx");
    std::fs::remove_file(&gone).unwrap();
    // Before the h2 deadline (2027-04-30) the platform is awaited, which is not an error.
    let (code, json) = check_json(dir.path(), &["--as-of", "2027-04-15"]);
    assert_eq!(code, 0);
    assert_eq!(count(&json, "awaiting"), 1);
    // After it, it is missing and the run says so with exit status 1.
    let (code, json) = check_json(dir.path(), &["--as-of", "2027-05-31"]);
    assert_eq!(code, 1);
    assert_eq!(count(&json, "missing"), 1);
    let missing: Vec<&serde_json::Value> = json["ledger"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["state"] == "missing")
        .collect();
    assert_eq!(missing[0]["submitter"], "PF133825");
    assert_eq!(missing[0]["period"], "h2");
    let reminder = dir
        .path()
        .join("outputs/check/2027-05-31/mail/PF133825_御蔵島村区市町村PF_h2.txt");
    assert!(
        std::fs::read_to_string(reminder)
            .unwrap()
            .contains("まだ報告を受け取っておりません")
    );
    // The text output names the submitter and the code.
    let out = run(dir.path(), &["check", "--as-of", "2027-05-31"]);
    assert!(
        stdout(&out).contains(
            "■ 未提出（下半期、期限 令和9年4月30日）: 1 件 [E0301]\n  PF133825 御蔵島村区市町村PF"
        ),
        "{}",
        stdout(&out)
    );
}

fn load(dir: &Path) -> Council {
    council::load(&dir.join("inputs/council.toml")).unwrap()
}

/// Writes a filled-in workbook for `id` in period h1 with `edit` applied to the sample data.
fn write_edited(
    dir: &Path,
    council: &Council,
    id: &str,
    edit: impl Fn(&mut Submission),
) -> PathBuf {
    let submitter = council.submitter(id).unwrap();
    let period = council.period("h1").unwrap();
    let mut data = kyogikai::sample::submission(council, submitter, period, 5);
    edit(&mut data);
    let bytes =
        kyogikai::forms::workbook(council, submitter, period, period.start, Some(&data), None)
            .unwrap();
    let path = dir
        .join("edited")
        .join(kyogikai::forms::file_name(submitter));
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, bytes).unwrap();
    path
}

fn set_figure(data: &mut Submission, index: usize, value: Option<Value>) {
    let key = data.figures.keys().nth(index).unwrap().clone();
    match value {
        Some(v) => data
            .figures
            .get_mut(&key)
            .unwrap()
            .insert("value".into(), v),
        None => data.figures.get_mut(&key).unwrap().remove("value"),
    };
}

fn text(s: &str) -> Value {
    Value::Text(s.into())
}

#[test]
fn typed_mistakes_give_codes_at_cells_and_the_feedback_marks_them() {
    let dir = scratch_council();
    let council = load(dir.path());
    let path = write_edited(dir.path(), &council, "PF131016", |d| {
        // Figures are keyed by (region, category, figure); sheet order is by figure then category.
        let order = kyogikai::spec::figure_rows(&council, council.submitter("PF131016").unwrap());
        let edits = [
            text("１２"),
            text("12件"),
            text("N/A"),
            Value::Number(1.5),
            Value::Int(-3),
        ];
        for (i, v) in edits.into_iter().enumerate() {
            d.figures
                .get_mut(&order[i])
                .unwrap()
                .insert("value".into(), v);
        }
        d.figures.get_mut(&order[5]).unwrap().remove("value");
        d.fields
            .insert("submitted_on".into(), text("令和8年10月15日"));
        d.fields
            .insert("contact_person".into(), text("髙橋 一郎😀"));
        let mut first = Row::new();
        first.insert("name".into(), text("就労支援"));
        first.insert("summary".into(), text(&"あ".repeat(401)));
        first.insert("category".into(), text("9 その他"));
        first.insert("region".into(), text("青ケ島村"));
        first.insert("actual".into(), Value::Int(3));
        let mut same = Row::new();
        same.insert("name".into(), text("相談会"));
        same.insert("summary".into(), text("毎月開催"));
        same.insert("category".into(), Value::Code("1".into()));
        same.insert("region".into(), Value::Code("131016".into()));
        same.insert("actual".into(), Value::Int(4));
        d.tables
            .insert("initiatives".into(), vec![first, same.clone(), same]);
        let mut practice = Row::new();
        practice.insert("title".into(), text("合同相談日"));
        practice.insert("category".into(), Value::Code("3".into()));
        practice.insert("summary".into(), text("月1回"));
        practice.insert("publishable".into(), text("○"));
        d.tables.insert("practices".into(), vec![practice]);
    });
    let (code, json) = check_json(
        dir.path(),
        &["--as-of", "2026-11-28", path.to_str().unwrap()],
    );
    assert_eq!(code, 1);
    let expected: Vec<(&str, &str)> = vec![
        ("E0201", "実績!H9"),
        ("E0202", "実績!H6"),
        ("E0203", "実績!H7"),
        ("E0204", "実績!H8"),
        ("E0207", "取組!C4"),
        ("E0208", "取組!D4"),
        ("E0221", "基本情報!B10"),
        ("W0210", "実績!H4"),
        ("W0211", "実績!H5"),
        ("W0212", "基本情報!B13"),
        ("W0213", "取組!E4"),
        ("W0214", "好事例!G4"),
        ("W0220", "取組!B6"),
    ];
    let expected: Vec<(String, String)> = expected
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(found(&json, "PF131016_千代田区区市町村PF.xlsx"), expected);
    assert_eq!(count(&json, "rejected"), 1);
    let message = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "E0221")
        .unwrap();
    assert!(
        message["message"].as_str().unwrap().contains("U+1F600"),
        "{message}"
    );

    // The feedback workbook carries a note on exactly those cells.
    let feedback = dir
        .path()
        .join("outputs/check/2026-11-28/feedback/PF131016_千代田区区市町村PF_h1_要修正.xlsx");
    let mut marked: Vec<(String, String)> = Vec::new();
    for (sheet, cells) in noted_cells(&feedback) {
        for cell in cells {
            marked.push((sheet.clone(), cell));
        }
    }
    marked.sort();
    let mut wanted: Vec<(String, String)> = expected
        .iter()
        .map(|(_, at)| {
            let (s, c) = at.split_once('!').unwrap();
            (s.to_string(), c.to_string())
        })
        .collect();
    wanted.sort();
    wanted.dedup();
    assert_eq!(marked, wanted);
    // Its first sheet lists the findings; the member's values are back in their cells.
    let names = zip_text(&feedback, "xl/workbook.xml");
    assert!(names.find("指摘一覧").unwrap() < names.find("記入要領").unwrap());
    assert!(zip_text(&feedback, "xl/sharedStrings.xml").contains("N/A"));
    let mail = std::fs::read_to_string(
        dir.path()
            .join("outputs/check/2026-11-28/mail/PF131016_千代田区区市町村PF_h1.txt"),
    )
    .unwrap();
    assert!(
        mail.contains("修正のお願い") && mail.contains("実績!H6") && mail.contains("_要修正.xlsx"),
        "{mail}"
    );
}

#[test]
fn a_corrected_feedback_workbook_is_accepted_when_sent_back() {
    let dir = scratch_council();
    let council = load(dir.path());
    let path = write_edited(dir.path(), &council, "PF131024", |d| {
        set_figure(d, 0, Some(text("N/A")))
    });
    let (code, _) = check_json(
        dir.path(),
        &["--as-of", "2026-11-28", path.to_str().unwrap()],
    );
    assert_eq!(code, 1);
    let feedback = dir
        .path()
        .join("outputs/check/2026-11-28/feedback/PF131024_中央区区市町村PF_h1_要修正.xlsx");
    // The member fixes the red cell and returns the feedback workbook as it is.
    let fixed = dir.path().join("fixed.xlsx");
    let strings = zip_text(&feedback, "xl/sharedStrings.xml");
    let index = strings
        .split("<si>")
        .skip(1)
        .position(|s| s.contains(">N/A<"))
        .unwrap();
    rewrite_zip(&feedback, &fixed, &|name, xml| {
        if name == "xl/worksheets/sheet7.xml" {
            xml.replace(&format!("t=\"s\"><v>{index}</v>"), "><v>25</v>")
        } else {
            xml
        }
    });
    // Before the deadline the other submitters are awaited, so the run is clean.
    let (code, json) = check_json(
        dir.path(),
        &["--as-of", "2026-10-01", fixed.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(count(&json, "accepted"), 1);
}

#[test]
fn structural_edits_are_reported_not_dropped() {
    let dir = scratch_council();
    let council = load(dir.path());
    let clean = write_edited(dir.path(), &council, "PF131032", |_| {});
    let edited = dir.path().join("PF131032_港区区市町村PF.xlsx");
    rewrite_zip(&clean, &edited, &|name, xml| match name {
        // 実績 is sheet6 of a platform's workbook.
        "xl/worksheets/sheet6.xml" => {
            let xml = with_formula(&xml, "H4", "6*2", true);
            let xml = with_formula(&xml, "H5", "1+1", false);
            let xml = xml.replacen("<row r=\"6\"", "<row r=\"6\" hidden=\"1\"", 1);
            let xml = append_to_row(
                &xml,
                4,
                "<c r=\"K4\" t=\"inlineStr\"><is><t>メモ</t></is></c>",
            );
            xml.replacen(
                "</sheetData>",
                "</sheetData><mergeCells count=\"1\"><mergeCell ref=\"H7:I7\"/></mergeCells>",
                1,
            )
        }
        "xl/workbook.xml" => xml.replace("name=\"好事例\"", "name=\"好事例 (2)\""),
        _ => xml,
    });
    let (code, json) = check_json(
        dir.path(),
        &["--as-of", "2026-11-28", edited.to_str().unwrap()],
    );
    assert_eq!(code, 1);
    let codes: BTreeMap<String, Vec<String>> = found(&json, "PF131032_港区区市町村PF.xlsx")
        .into_iter()
        .fold(BTreeMap::new(), |mut m, (c, at)| {
            m.entry(c).or_default().push(at);
            m
        });
    assert_eq!(codes["W0215"], ["実績!H4", "実績!H5"]);
    // The formula without a result left a required cell empty.
    assert_eq!(codes["E0201"], ["実績!H5"]);
    assert_eq!(codes["W0219"].len(), 1, "{codes:?}");
    assert!(codes["W0219"][0].starts_with("実績!") && codes["W0219"][0].ends_with('6'));
    assert_eq!(
        codes["W0218"].iter().filter(|a| *a == "実績!K4").count(),
        1,
        "{codes:?}"
    );
    assert_eq!(codes["E0217"], ["実績!H7"]);
    assert_eq!(codes["E0114"], ["!"]);
    assert!(
        codes["W0218"].iter().any(|a| a.starts_with("好事例 (2)!")),
        "the renamed sheet's values are reported"
    );
}

#[test]
fn identity_problems_are_refused_with_what_was_expected() {
    let dir = scratch_council();
    let council = load(dir.path());
    let clean = write_edited(dir.path(), &council, "PF131041", |_| {});
    let cases: [(&str, &dyn Fn(&str, String) -> String, &str); 4] = [
        (
            "version.xlsx",
            &|_, x: String| x.replace(">2026.1<", ">2025.1<"),
            "E0109",
        ),
        (
            "year.xlsx",
            &|_, x: String| x.replace(">2026<", ">2025<"),
            "E0110",
        ),
        (
            "stranger.xlsx",
            &|_, x: String| x.replace(">PF131041<", ">PF999999<"),
            "E0112",
        ),
        (
            "tampered.xlsx",
            &|n, x: String| {
                if n.contains("sharedStrings") || n.contains("custom") {
                    x.replace(">2026-04-01<", ">2026-04-02<")
                } else {
                    x
                }
            },
            "E0113",
        ),
    ];
    let mut paths = Vec::new();
    for (name, edit, _) in &cases {
        let p = dir.path().join(name);
        rewrite_zip(&clean, &p, *edit);
        paths.push(p.to_str().unwrap().to_string());
    }
    let mut args = vec!["--as-of", "2026-11-28", "--period", "h1"];
    args.extend(paths.iter().map(String::as_str));
    let (code, json) = check_json(dir.path(), &args);
    assert_eq!(code, 1);
    for (name, _, expected) in &cases {
        let codes: Vec<String> = found(&json, name).into_iter().map(|(c, _)| c).collect();
        assert!(codes.contains(&expected.to_string()), "{name}: {codes:?}");
    }
    assert_eq!(count(&json, "unknown_submitter"), 1);
    let version = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "E0109")
        .unwrap();
    assert!(
        version["message"]
            .as_str()
            .unwrap()
            .contains("2025.1 版、現在の様式は 2026.1 版")
    );
}

#[test]
fn newer_submissions_supersede_older_and_copies_are_duplicates() {
    let dir = scratch_council();
    let council = load(dir.path());
    let date = |d: &str| Value::Date(chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap());
    let old = write_edited(dir.path(), &council, "PF131059", |d| {
        d.fields.insert("submitted_on".into(), date("2026-10-20"));
    });
    let old_copy = dir.path().join("old_renamed.xlsx");
    std::fs::rename(&old, &old_copy).unwrap();
    let new = write_edited(dir.path(), &council, "PF131059", |d| {
        d.fields.insert("submitted_on".into(), date("2026-10-28"));
    });
    let dup = dir.path().join("zz_copy_of_new.xlsx");
    std::fs::copy(&new, &dup).unwrap();
    let files = [
        old_copy.to_str().unwrap(),
        new.to_str().unwrap(),
        dup.to_str().unwrap(),
    ];
    let mut args = vec!["--as-of", "2026-11-28"];
    args.extend(files);
    let (_, json) = check_json(dir.path(), &args);
    assert_eq!(json["files"], 3);
    assert_eq!(count(&json, "superseded"), 1);
    assert_eq!(count(&json, "duplicate"), 1);
    assert_eq!(count(&json, "accepted"), 1);
    let state_of = |file: &str| {
        json["ledger"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["file"].as_str().is_some_and(|f| f.ends_with(file)))
            .unwrap()["state"]
            .clone()
    };
    assert_eq!(state_of("old_renamed.xlsx"), "superseded");
    assert_eq!(state_of("zz_copy_of_new.xlsx"), "duplicate");
}

#[cfg_attr(
    not(has_soffice),
    ignore = "needs LibreOffice (soffice), installed by .ci/run"
)]
#[test]
fn workbooks_saved_by_libreoffice_are_read_and_accepted() {
    let dir = scratch_council();
    let council = load(dir.path());
    let source = write_edited(dir.path(), &council, "PF133825", |_| {});
    let outdir = dir.path().join("lo");
    for target in ["ods", "xlsx:Calc MS Excel 2007 XML", "xls"] {
        let status = std::process::Command::new("soffice")
            .args([
                "--headless",
                "--norestore",
                "--convert-to",
                target,
                "--outdir",
            ])
            .arg(&outdir)
            .arg(&source)
            .env("HOME", dir.path())
            .output()
            .unwrap();
        assert!(
            status.status.success(),
            "{}",
            String::from_utf8_lossy(&status.stderr)
        );
    }
    let files = files_in(&outdir);
    assert_eq!(files.len(), 3, "{files:?}");
    for file in files {
        let (code, json) = check_json(
            dir.path(),
            &["--as-of", "2026-10-01", file.to_str().unwrap()],
        );
        assert_eq!(code, 0, "{}: {json:#}", file.display());
        assert_eq!(count(&json, "accepted"), 1, "{}", file.display());
    }
}

#[test]
fn feedback_marks_stay_on_their_rows_when_rows_are_left_blank() {
    let dir = scratch_council();
    let council = load(dir.path());
    let path = write_edited(dir.path(), &council, "PF131067", |d| {
        let mut good = Row::new();
        good.insert("name".into(), text("相談会"));
        good.insert("summary".into(), text("毎月開催"));
        good.insert("category".into(), Value::Code("1".into()));
        good.insert("region".into(), Value::Code("131067".into()));
        good.insert("actual".into(), Value::Int(4));
        let mut bad = good.clone();
        bad.insert("name".into(), text("講座"));
        bad.insert("actual".into(), text("たくさん"));
        // No.1 filled, No.2 left blank, No.3 with a mistake.
        d.tables
            .insert("initiatives".into(), vec![good, Row::new(), bad]);
    });
    let (_, json) = check_json(
        dir.path(),
        &["--as-of", "2026-10-01", path.to_str().unwrap()],
    );
    assert_eq!(
        found(&json, "PF131067_台東区区市町村PF.xlsx"),
        [("E0202".to_string(), "取組!I6".to_string())]
    );
    let feedback = dir
        .path()
        .join("outputs/check/2026-10-01/feedback/PF131067_台東区区市町村PF_h1_要修正.xlsx");
    assert_eq!(
        noted_cells(&feedback)
            .get("取組")
            .cloned()
            .unwrap_or_default(),
        ["I6"]
    );
    // The member's value is back in row 6, not moved up into the blank row.
    let sheet = zip_text(&feedback, "xl/worksheets/sheet4.xml");
    let strings = zip_text(&feedback, "xl/sharedStrings.xml");
    let index = strings
        .split("<si>")
        .skip(1)
        .position(|s| s.contains(">たくさん<"))
        .unwrap();
    assert!(
        sheet.contains(&format!("<c r=\"I6\""))
            && sheet
                .split("<c r=\"I6\"")
                .nth(1)
                .unwrap()
                .split("</c>")
                .next()
                .unwrap()
                .contains(&format!("<v>{index}</v>"))
    );
}

#[test]
fn office_lock_files_in_the_folder_are_skipped_and_listed() {
    let dir = scratch_with_sample();
    let folder = dir.path().join("inputs/submissions/2026/h1");
    std::fs::write(folder.join("~$PF131016_千代田区区市町村PF.xlsx"), b"lock").unwrap();
    std::fs::write(folder.join(".DS_Store"), b"\0\0\0\x01Bud1").unwrap();
    let (code, json) = check_json(dir.path(), &["--as-of", "2027-05-31"]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["files"], 225);
    let out = run(dir.path(), &["check", "--as-of", "2027-05-31"]);
    assert!(
        stdout(&out).contains("読み込まなかったシステムファイル 2 件"),
        "{}",
        stdout(&out)
    );
}
