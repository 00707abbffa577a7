//! The PDF documents: their text as a reader extracts it, byte-identical reruns, valid and
//! fully embedded PDFs, and member text that prints literally however much it looks like
//! typst markup.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;
use kyogikai::aggregate::{self, Edition};
use kyogikai::submission::{Row, Value};
use kyogikai::{check, council, render as kyogikai_render};

const AS_OF_RENDER: &str = "2027-05-31";

fn scratch_with_sample() -> tempfile::TempDir {
    let dir = scratch_council();
    copy_dir(
        &repo().join("inputs/submissions"),
        &dir.path().join("inputs/submissions"),
    );
    dir
}

fn render(dir: &Path, out: &str, meeting: &str) {
    let o = run(
        dir,
        &[
            "render",
            "--as-of",
            AS_OF_RENDER,
            "--meeting",
            meeting,
            "--out",
            out,
        ],
    );
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
}

/// The text of a PDF as pdftotext extracts it, without white space (table cells wrap).
fn pdf_text(path: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg(path)
        .arg("-")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        path.display()
    );
    String::from_utf8_lossy(&out.stdout)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

#[cfg_attr(
    not(has_pdftotext),
    ignore = "needs pdftotext (poppler-utils), installed by .ci/run"
)]
#[test]
fn the_documents_carry_headings_members_kpis_and_figures() {
    let dir = scratch_with_sample();
    render(dir.path(), "outputs", "2");
    let internal = dir.path().join("outputs/render/internal");
    let plan = pdf_text(&internal.join("事業実施計画.pdf"));
    for needle in [
        "事業実施計画",
        "趣旨",
        "計画期間",
        "現状と課題",
        "推進体制",
        "正社員就職者数",
        "構成員限り",
    ] {
        assert!(plan.contains(needle), "plan lacks {needle}");
    }
    let progress = pdf_text(&internal.join("KPI進捗状況報告.pdf"));
    let agg: serde_json::Value =
        serde_json::from_slice(&std::fs::read(internal.join("aggregate.json")).unwrap()).unwrap();
    for k in agg["kpis"].as_array().unwrap() {
        let name = k["name"].as_str().unwrap();
        assert!(progress.contains(name), "progress lacks KPI {name}");
        let to_date = kyogikai::text::group_digits(k["to_date"].as_i64().unwrap());
        assert!(
            progress.contains(&to_date),
            "progress lacks {name}'s figure {to_date}"
        );
    }
    for needle in ["千代田区", "島しょ地域計", "東京都計"] {
        assert!(progress.contains(needle), "progress lacks {needle}");
    }
    let packet = pdf_text(&internal.join("会議資料.pdf"));
    for needle in [
        "次第",
        "構成員名簿",
        "敬称略",
        "座長",
        "東京労働局",
        "日本労働組合総連合会東京都連合会",
        "資料１",
        "参考資料１",
        "東京中高年世代活躍応援プロジェクト協議会設置要領",
    ] {
        assert!(packet.contains(needle), "packet lacks {needle}");
    }
    // The public edition: marked x where hidden, no members-only mark.
    let public = pdf_text(&dir.path().join("outputs/render/public/KPI進捗状況報告.pdf"));
    assert!(!public.contains("構成員限り"));
    assert!(public.contains("秘匿"), "the public edition explains x");
}

#[test]
fn two_renders_give_identical_bytes() {
    let dir = scratch_with_sample();
    render(dir.path(), "a", "2");
    render(dir.path(), "b", "2");
    for edition in ["internal", "public"] {
        for name in [
            "事業実施計画.pdf",
            "KPI進捗状況報告.pdf",
            "会議資料.pdf",
            "KPI進捗状況.xlsx",
            "事業実施計画.xlsx",
            "提出状況一覧.xlsx",
        ] {
            let a = std::fs::read(dir.path().join(format!("a/render/{edition}/{name}"))).unwrap();
            let b = std::fs::read(dir.path().join(format!("b/render/{edition}/{name}"))).unwrap();
            assert!(a == b, "{edition}/{name} differs between runs");
        }
    }
}

#[cfg_attr(
    not(all(has_qpdf, has_pdffonts)),
    ignore = "needs qpdf and pdffonts (poppler-utils), installed by .ci/run"
)]
#[test]
fn the_pdfs_are_valid_with_every_font_embedded_and_a_bookmark_per_paper() {
    let dir = scratch_with_sample();
    render(dir.path(), "outputs", "1");
    let root = dir.path().join("outputs/render");
    let mut pdfs = Vec::new();
    for edition in ["internal", "public"] {
        for name in ["事業実施計画.pdf", "KPI進捗状況報告.pdf", "会議資料.pdf"] {
            pdfs.push(root.join(edition).join(name));
        }
    }
    for pdf in &pdfs {
        let check = Command::new("qpdf")
            .arg("--check")
            .arg(pdf)
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "qpdf --check {}: {}",
            pdf.display(),
            String::from_utf8_lossy(&check.stdout)
        );
        let fonts = Command::new("pdffonts").arg(pdf).output().unwrap();
        let text = String::from_utf8_lossy(&fonts.stdout);
        for line in text.lines().skip(2) {
            let cols: Vec<&str> = line.split_whitespace().collect();
            let emb = cols.iter().rev().nth(4).copied().unwrap_or("");
            assert_eq!(emb, "yes", "font not embedded in {}: {line}", pdf.display());
        }
    }
    let outline = Command::new("qpdf")
        .args(["--json", "--json-key=outlines"])
        .arg(root.join("internal/会議資料.pdf"))
        .output()
        .unwrap();
    let json = String::from_utf8_lossy(&outline.stdout);
    for paper in ["資料１", "資料２", "参考資料１"] {
        assert!(json.contains(paper), "no bookmark for {paper}: {json}");
    }
}

/// A member's text that looks like typst code reaches the PDF as the same characters.
#[cfg_attr(
    not(has_pdftotext),
    ignore = "needs pdftotext (poppler-utils), installed by .ci/run"
)]
#[test]
fn member_text_that_looks_like_markup_prints_literally() {
    let dir = scratch_with_sample();
    let council = kyogikai::council::load(&dir.path().join("inputs/council.toml")).unwrap();
    let s = council.submitter("M09").unwrap();
    let period = council.period("h2").unwrap();
    let mut data = kyogikai::sample::submission(&council, s, period, 2026);
    let hostile = [
        "#read(\"/etc/passwd\")",
        "#panic()",
        "$x^2$",
        "*太字*",
        "]) #set text(red)",
    ];
    let mut rows = Vec::new();
    for (i, text) in hostile.iter().enumerate() {
        let mut row: Row = data.tables["initiatives"][0].clone();
        row.insert("name".into(), Value::Text(format!("取組{i} {text}")));
        row.insert("summary".into(), Value::Text(format!("概要 {text} 終わり")));
        rows.push(row);
    }
    data.tables.insert("initiatives".into(), rows);
    let bytes =
        kyogikai::forms::workbook(&council, s, period, period.start, Some(&data), None).unwrap();
    std::fs::write(
        dir.path()
            .join("inputs/submissions/2026/h2")
            .join(kyogikai::forms::file_name(s)),
        bytes,
    )
    .unwrap();
    let out = run(
        dir.path(),
        &[
            "build",
            "--meeting",
            "2",
            "--as-of",
            AS_OF_RENDER,
            "--period",
            "h2",
        ],
    );
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
    let archive = std::fs::read_dir(dir.path().join("outputs/archive"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.is_dir() && !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .unwrap();
    let text = pdf_text(&archive.join("data/internal/KPI進捗状況報告.pdf"))
        + &pdf_text(&archive.join("data/internal/会議資料.pdf"));
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    for h in hostile {
        let needle: String = h.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(compact.contains(&needle), "{h} did not print literally");
    }
    assert!(!text.contains("root:x:0:0"), "a file was read");
}

/// Large runs compile one document at a time and empty typst's cache after each; small runs
/// compile in parallel and share it. Both ways give the same bytes.
#[test]
fn documents_are_the_same_however_they_are_scheduled() {
    let dir = scratch_with_sample();
    let council = council::load(&dir.path().join("inputs/council.toml")).unwrap();
    let as_of = chrono::NaiveDate::parse_from_str(AS_OF_RENDER, "%Y-%m-%d").unwrap();
    let outcome = check::check(&council, as_of, &check::Options::default()).unwrap();
    let agg = aggregate::aggregate(&council, &outcome, None, None).unwrap();
    let meeting = council.meeting(2).unwrap();
    let templates = repo().join("templates");
    let mut each = |large_above| {
        let mut timings = kyogikai_render::Timings::default();
        kyogikai_render::render_with_large_above(
            &council,
            &agg,
            &[Edition::Internal, Edition::Public],
            Some(meeting),
            &templates,
            &mut timings,
            large_above,
        )
        .unwrap()
        .0
    };
    let shared = each(usize::MAX);
    let one_by_one = each(0);
    assert_eq!(shared.len(), one_by_one.len());
    assert!(shared.iter().filter(|o| o.path.ends_with(".pdf")).count() >= 18);
    for (a, b) in shared.iter().zip(&one_by_one) {
        assert_eq!(a.path, b.path);
        assert!(a.bytes == b.bytes, "{} differs", a.path);
    }
}
