//! `kyogikai build` and `verify`: a verifiable BagIt archive, byte-identical rebuilds, new
//! revisions for changed inputs, and no half-written archive whatever moment a build dies.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::*;

const AS_OF_BUILD: &str = "2027-02-10";

fn scratch_with_sample() -> tempfile::TempDir {
    let dir = scratch_council();
    copy_dir(
        &repo().join("inputs/submissions"),
        &dir.path().join("inputs/submissions"),
    );
    dir
}

fn build(dir: &Path, out: &str) -> std::process::Output {
    run(
        dir,
        &[
            "build",
            "--meeting",
            "2",
            "--as-of",
            AS_OF_BUILD,
            "--out",
            out,
        ],
    )
}

fn archives(root: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(root)
        .map(|r| {
            r.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(dir: &Path, base: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, base, out);
            } else {
                out.push((
                    p.strip_prefix(base).unwrap().to_string_lossy().into_owned(),
                    std::fs::read(&p).unwrap(),
                ));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

#[test]
fn the_sample_builds_into_an_archive_that_verifies() {
    let dir = scratch_with_sample();
    let out = build(dir.path(), "outputs");
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let text = stdout(&out);
    let archive = dir
        .path()
        .join("outputs/archive/2027-02-10_令和8年度第2回協議会");
    assert!(text.contains("開くフォルダ: "), "{text}");
    assert!(archive.join("bagit.txt").is_file());
    for f in [
        "internal/会議資料.pdf",
        "public/会議資料.pdf",
        "internal/KPI進捗状況.xlsx",
        "public/事業実施計画.xlsx",
        "check/提出状況一覧.xlsx",
        "mail/会議資料送付.txt",
        "inputs/council.toml",
        "manifest.json",
        "index.html",
        "aggregate.json",
    ] {
        assert!(archive.join("data").join(f).is_file(), "{f} missing");
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(archive.join("data/manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["as_of"], AS_OF_BUILD);
    let inputs = manifest["inputs"].as_array().unwrap();
    assert_eq!(
        inputs.iter().filter(|i| i["state"].is_string()).count(),
        225
    );
    assert!(
        inputs
            .iter()
            .all(|i| i["sha256"].as_str().unwrap().len() == 64)
    );

    let ok = run(dir.path(), &["verify", archive.to_str().unwrap()]);
    assert!(ok.status.success(), "{}", stdout(&ok));
    // One changed byte anywhere is found and named.
    let target = archive.join("data/public/KPI進捗状況報告.pdf");
    let mut bytes = std::fs::read(&target).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 1;
    std::fs::write(&target, bytes).unwrap();
    let bad = run(dir.path(), &["verify", archive.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stdout(&bad).contains("変更されています: data/public/KPI進捗状況報告.pdf"),
        "{}",
        stdout(&bad)
    );
}

#[cfg_attr(
    not(has_bagit),
    ignore = "needs Python's bagit package (pip install bagit), installed by .ci/run"
)]
#[test]
fn an_independent_bagit_validator_accepts_the_archive() {
    let dir = scratch_with_sample();
    let out = run(
        dir.path(),
        &["build", "--as-of", AS_OF_BUILD, "--edition", "internal"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let archive = archives(&dir.path().join("outputs/archive")).pop().unwrap();
    let v = std::process::Command::new("python3")
        .args(["-m", "bagit", "--validate"])
        .arg(&archive)
        .output()
        .unwrap();
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stderr));
}

#[test]
fn two_builds_are_byte_identical_and_a_changed_input_makes_a_revision() {
    let dir = scratch_with_sample();
    assert!(build(dir.path(), "out1").status.success());
    assert!(build(dir.path(), "out2").status.success());
    let a = archives(&dir.path().join("out1/archive"));
    let b = archives(&dir.path().join("out2/archive"));
    assert_eq!(a.len(), 1);
    assert_eq!(tree(&a[0]), tree(&b[0]), "two builds differ");
    // The same build again in the same place reproduces the archive and leaves it alone.
    let again = build(dir.path(), "out1");
    assert!(
        stdout(&again).contains("1バイトも違わない"),
        "{}",
        stdout(&again)
    );
    assert_eq!(archives(&dir.path().join("out1/archive")).len(), 1);
    // One submission changes: a second revision, the first untouched.
    let before = tree(&a[0]);
    let council = kyogikai::council::load(&dir.path().join("inputs/council.toml")).unwrap();
    let s = council.submitter("PF131016").unwrap();
    let period = council.period("h1").unwrap();
    let mut data = kyogikai::sample::submission(&council, s, period, 2026);
    data.fields.insert(
        "remarks".into(),
        kyogikai::submission::Value::Text("数値を確認しました".into()),
    );
    let bytes =
        kyogikai::forms::workbook(&council, s, period, period.start, Some(&data), None).unwrap();
    std::fs::write(
        dir.path()
            .join("inputs/submissions/2026/h1")
            .join(kyogikai::forms::file_name(s)),
        bytes,
    )
    .unwrap();
    let third = build(dir.path(), "out1");
    assert!(stdout(&third).contains("第2版"), "{}", stdout(&third));
    let now = archives(&dir.path().join("out1/archive"));
    assert_eq!(now.len(), 2);
    assert!(now[1].to_string_lossy().ends_with("_r2"));
    assert_eq!(tree(&now[0]), before, "the first archive was changed");
}

#[test]
fn a_build_killed_at_any_moment_leaves_no_half_archive() {
    let dir = scratch_with_sample();
    let root = dir.path().join("outputs/archive");
    // How long a whole build takes here, to spread the kills over it.
    let started = std::time::Instant::now();
    assert!(build(dir.path(), "timing").status.success());
    let full = started.elapsed().as_millis() as u64;
    for i in 0..8u64 {
        let delay = full * (i + 1) / 9;
        let mut child = std::process::Command::new(bin())
            .current_dir(dir.path())
            .args([
                "build",
                "--meeting",
                "2",
                "--as-of",
                AS_OF_BUILD,
                "--label",
                &format!("kill{i}"),
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
        for archive in archives(&root)
            .into_iter()
            .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        {
            let v = kyogikai::archive::verify(&archive).unwrap();
            assert!(
                v.ok(),
                "{} is incomplete after a kill at {delay} ms: {v:?}",
                archive.display()
            );
        }
    }
    // The next build succeeds and clears what the killed ones left behind.
    let out = run(
        dir.path(),
        &["build", "--meeting", "2", "--as-of", AS_OF_BUILD],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!root.join(".lock").exists());
    let leftovers: Vec<PathBuf> = archives(&root)
        .into_iter()
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(".tmp-")
        })
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
