//! Hostile and broken files: none may crash, hang or exhaust the run, each is rejected with a
//! reason, the good files beside them are accepted, and every file is in the ledger.
//! All files are generated here; nothing is downloaded.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};

use common::*;
use rand::{Rng, SeedableRng};

const OLE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Three good h1 workbooks from the sample generator, written into `dir`.
fn good_files(dir: &Path) -> Vec<PathBuf> {
    let out = run(dir, &["sample", "--period", "h1", "--seed", "3"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let folder = dir.join("inputs/submissions/2026/h1");
    let picked: Vec<PathBuf> = [
        "M01_東京労働局.xlsx",
        "PF131016_千代田区区市町村PF.xlsx",
        "PF134023_青ヶ島村区市町村PF.xlsx",
    ]
    .iter()
    .map(|n| folder.join(n))
    .collect();
    for p in &picked {
        assert!(p.is_file(), "{}", p.display());
    }
    picked
}

fn zip_with(path: &Path, entries: &[(&str, &[u8])]) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

/// A zip whose one entry unpacks to 300 MiB of zeros (about 300 KiB packed).
fn zip_bomb(path: &Path) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    zip.start_file("xl/workbook.xml", options).unwrap();
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..300 {
        zip.write_all(&chunk).unwrap();
    }
    zip.finish().unwrap();
}

/// An ODS whose single cell is repeated over a whole sheet.
fn ods_repeat_bomb(path: &Path) {
    let content = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet><table:table table:name="実績">
<table:table-row table:number-rows-repeated="1048576"><table:table-cell table:number-columns-repeated="16384" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>
</table:table></office:spreadsheet></office:body></office:document-content>"#;
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    zip_with(
        path,
        &[
            (
                "mimetype",
                b"application/vnd.oasis.opendocument.spreadsheet",
            ),
            ("content.xml", content.as_bytes()),
            ("META-INF/manifest.xml", manifest.as_bytes()),
        ],
    );
}

#[test]
fn hostile_files_are_rejected_and_good_ones_accepted() {
    let dir = scratch_council();
    let good = good_files(dir.path());
    let bad = dir.path().join("submitted");
    std::fs::create_dir_all(&bad).unwrap();
    for g in &good {
        std::fs::copy(g, bad.join(g.file_name().unwrap())).unwrap();
    }
    // A good workbook under a name that hides what it is: recognised by content.
    let valid = std::fs::read(&good[1]).unwrap();
    let other = dir
        .path()
        .join("inputs/submissions/2026/h1/PF131024_中央区区市町村PF.xlsx");
    std::fs::copy(other, bad.join("PF131024_中央区.XLSX")).unwrap();

    let mut expected: Vec<(&str, &[&str])> = Vec::new();
    std::fs::write(bad.join("empty.xlsx"), b"").unwrap();
    expected.push(("empty.xlsx", &["E0102"]));
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
    let noise: Vec<u8> = (0..5000).map(|_| rng.random()).collect();
    std::fs::write(bad.join("noise.xlsx"), &noise).unwrap();
    expected.push(("noise.xlsx", &["E0103"]));
    std::fs::write(bad.join("report.xlsx"), b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n").unwrap();
    expected.push(("report.xlsx", &["E0103"]));
    std::fs::write(
        bad.join("figures.csv"),
        "地域,人数\n千代田区,12\n".as_bytes(),
    )
    .unwrap();
    expected.push(("figures.csv", &["E0103"]));
    let mut encrypted = OLE.to_vec();
    encrypted.extend(std::iter::repeat_n(0u8, 500));
    encrypted.extend(
        "EncryptedPackage"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes()),
    );
    std::fs::write(bad.join("locked.xlsx"), &encrypted).unwrap();
    expected.push(("locked.xlsx", &["E0104"]));
    std::fs::write(bad.join("truncated.xlsx"), &valid[..valid.len() / 2]).unwrap();
    expected.push(("truncated.xlsx", &["E0105"]));
    zip_bomb(&bad.join("bomb.xlsx"));
    expected.push(("bomb.xlsx", &["E0106"]));
    ods_repeat_bomb(&bad.join("repeat.ods"));
    expected.push(("repeat.ods", &["E0106", "E0107", "E0108"]));
    // A stray cell at the last address of a sheet: the parser would allocate the whole sheet.
    rewrite_zip(&good[1], &bad.join("stray.xlsx"), &|name, xml| {
        if name == "xl/worksheets/sheet6.xml" {
            xml.replacen(
                "</sheetData>",
                "<row r=\"1048576\"><c r=\"XFD1048576\"><v>1</v></c></row></sheetData>",
                1,
            )
        } else {
            xml
        }
    });
    expected.push(("stray.xlsx", &["E0106", "E0107"]));
    // Shared strings that claim two billion entries.
    rewrite_zip(&good[1], &bad.join("strings.xlsx"), &|name, xml| {
        if name == "xl/sharedStrings.xml" {
            let start = xml.find("<sst").unwrap();
            let end = start + xml[start..].find('>').unwrap();
            let ns = "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"";
            format!(
                "{}<sst {ns} count=\"2147483647\" uniqueCount=\"2147483647\"{}",
                &xml[..start],
                &xml[end..]
            )
        } else {
            xml
        }
    });
    expected.push(("strings.xlsx", &["E0105", "E0106", "E0107", "E0108"]));

    let out = run(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--as-of",
            "2026-10-01",
            "--read-timeout",
            "20",
            bad.to_str().unwrap(),
        ],
    );
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&out)).unwrap_or_else(|e| panic!("{e}\n{}", stderr(&out)));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let total = std::fs::read_dir(&bad).unwrap().count();
    assert_eq!(json["files"], total, "every file is in the ledger");
    let ledger = json["ledger"].as_array().unwrap();
    let state = |name: &str| {
        ledger
            .iter()
            .find(|e| e["file"].as_str().is_some_and(|f| f.ends_with(name)))
            .unwrap_or_else(|| panic!("{name} not in ledger"))["state"]
            .as_str()
            .unwrap()
            .to_string()
    };
    for g in &good {
        assert_eq!(state(g.file_name().unwrap().to_str().unwrap()), "accepted");
    }
    assert_eq!(state("PF131024_中央区.XLSX"), "accepted");
    let findings = json["findings"].as_array().unwrap();
    for (name, codes) in expected {
        assert_eq!(state(name), "rejected", "{name}");
        let seen: Vec<&str> = findings
            .iter()
            .filter(|f| f["file"] == name)
            .map(|f| f["code"].as_str().unwrap())
            .collect();
        assert!(
            seen.iter().any(|c| codes.contains(c)),
            "{name}: expected one of {codes:?}, got {seen:?}"
        );
    }
}

/// Random damage to a valid workbook, at the byte level and inside its XML: every mutant
/// ends accepted or with findings, never a crash, hang or lost file.
#[test]
fn mutated_workbooks_never_take_the_run_down() {
    let dir = scratch_council();
    let good = good_files(dir.path());
    let valid = std::fs::read(&good[1]).unwrap();
    let folder = dir.path().join("mutants");
    std::fs::create_dir_all(&folder).unwrap();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(20261128);
    let n = 48;
    for i in 0..n {
        let path = folder.join(format!("mutant{i:02}.xlsx"));
        match i % 3 {
            0 => {
                let mut bytes = valid.clone();
                for _ in 0..rng.random_range(1..20) {
                    let at = rng.random_range(0..bytes.len());
                    bytes[at] = rng.random();
                }
                std::fs::write(&path, bytes).unwrap();
            }
            1 => {
                let cut = rng.random_range(0..valid.len());
                std::fs::write(&path, &valid[..cut]).unwrap();
            }
            _ => {
                let src = folder.join("source.tmp");
                std::fs::write(&src, &valid).unwrap();
                let target = [
                    "xl/worksheets/sheet6.xml",
                    "xl/sharedStrings.xml",
                    "xl/workbook.xml",
                    "xl/worksheets/sheet2.xml",
                    "xl/styles.xml",
                ][rng.random_range(0..5)];
                let (a, b, how) = (
                    rng.random_range(0.0..1.0),
                    rng.random_range(0.0..1.0),
                    rng.random_range(0..3),
                );
                rewrite_zip(&src, &path, &|name, xml| {
                    if name != target {
                        return xml;
                    }
                    let chars: Vec<char> = xml.chars().collect();
                    let (x, y) = (
                        (a * chars.len() as f64) as usize,
                        (b * chars.len() as f64) as usize,
                    );
                    let (lo, hi) = (x.min(y), x.max(y));
                    match how {
                        0 => chars[..lo].iter().chain(&chars[hi..]).collect(),
                        1 => chars[..hi].iter().chain(&chars[lo..]).collect(),
                        _ => chars[..lo]
                            .iter()
                            .chain(['<', '&', '"'].iter())
                            .chain(&chars[lo..])
                            .collect(),
                    }
                });
                std::fs::remove_file(&src).unwrap();
            }
        }
    }
    let out = run(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--as-of",
            "2026-10-01",
            "--read-timeout",
            "20",
            folder.to_str().unwrap(),
        ],
    );
    let code = out.status.code();
    assert!(
        matches!(code, Some(0 | 1)),
        "exit {code:?}: {}",
        stderr(&out)
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["files"], n);
    let findings = json["findings"].as_array().unwrap();
    for e in json["ledger"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["file"].is_string())
    {
        let state = e["state"].as_str().unwrap();
        let name = Path::new(e["file"].as_str().unwrap())
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            [
                "accepted",
                "accepted_with_warnings",
                "rejected",
                "superseded",
                "duplicate",
                "unknown_submitter"
            ]
            .contains(&state)
        );
        if state == "rejected" {
            assert!(
                findings
                    .iter()
                    .any(|f| f["file"] == name.as_str() && f["severity"] == "error"),
                "{name} rejected without a reason"
            );
        }
    }
}
