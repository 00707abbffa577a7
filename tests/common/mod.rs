//! Helpers shared by the integration tests: the built binary, a scratch copy of the shipped
//! council, and small readers for generated workbooks.
#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const AS_OF: &str = "2026-04-01";

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_kyogikai"))
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the binary in `dir` with the given arguments.
pub fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(bin())
        .current_dir(dir)
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A scratch folder holding a copy of the shipped council definition (without submissions).
pub fn scratch_council() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("inputs");
    std::fs::create_dir_all(&inputs).unwrap();
    for name in ["council.toml", "municipalities.tsv", "設置要領.txt"] {
        std::fs::copy(repo().join("inputs").join(name), inputs.join(name)).unwrap();
    }
    dir
}

/// A scratch folder with a copy of a test case under tests/cases/<case>/ as `inputs/`.
pub fn scratch_case(case: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        &repo().join("tests/cases").join(case),
        &dir.path().join("inputs"),
    );
    dir
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The text of one member of an xlsx (zip) file.
pub fn zip_text(path: &Path, member: &str) -> String {
    let file = std::fs::File::open(path).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut text = String::new();
    zip.by_name(member)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// The workbooks in a folder (the mail text written beside the forms is left out).
pub fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_none_or(|e| e != "txt"))
        .collect();
    out.sort();
    out
}

/// Copies an xlsx (zip) file, passing each member's text through `edit` (members are
/// identified by name; binary members are copied as they are).
pub fn rewrite_zip(src: &Path, dst: &Path, edit: &dyn Fn(&str, String) -> String) {
    use std::io::Write;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(src).unwrap()).unwrap();
    let mut out = zip::ZipWriter::new(std::fs::File::create(dst).unwrap());
    let options: zip::write::SimpleFileOptions = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        let bytes = match String::from_utf8(bytes.clone()) {
            Ok(text) if name.ends_with(".xml") || name.ends_with(".rels") => {
                edit(&name, text).into_bytes()
            }
            _ => bytes,
        };
        out.start_file(name, options).unwrap();
        out.write_all(&bytes).unwrap();
    }
    out.finish().unwrap();
}

/// Cell references that carry a note, per sheet name, in an xlsx file.
pub fn noted_cells(path: &Path) -> std::collections::BTreeMap<String, Vec<String>> {
    let workbook = zip_text(path, "xl/workbook.xml");
    let mut out = std::collections::BTreeMap::new();
    let names: Vec<String> = workbook
        .split("<sheet ")
        .skip(1)
        .map(|s| {
            s.split("name=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let members: Vec<String> = (0..zip.len())
        .map(|i| zip.by_index(i).unwrap().name().unwrap().to_string())
        .collect();
    drop(zip);
    for (i, name) in names.iter().enumerate() {
        let rels = format!("xl/worksheets/_rels/sheet{}.xml.rels", i + 1);
        if !members.contains(&rels) {
            continue;
        }
        let rels = zip_text(path, &rels);
        let Some(target) = rels
            .split("Target=\"../")
            .filter_map(|t| t.split('"').next())
            .find(|t| t.starts_with("comments"))
        else {
            continue;
        };
        let comments = zip_text(path, &format!("xl/{target}"));
        let refs: Vec<String> = comments
            .split("<comment ref=\"")
            .skip(1)
            .map(|s| s.split('"').next().unwrap().to_string())
            .collect();
        out.insert(name.clone(), refs);
    }
    out
}

/// Inserts `insert` into the `<c r="REF" …>` element of a sheet's XML, before its `<v>`
/// (or as its content when it has none).
pub fn with_formula(xml: &str, cell: &str, formula: &str, keep_value: bool) -> String {
    let start = xml
        .find(&format!("<c r=\"{cell}\""))
        .unwrap_or_else(|| panic!("no cell {cell}"));
    let end = start + xml[start..].find("</c>").unwrap();
    let element = &xml[start..end];
    let open_end = element.find('>').unwrap();
    let head = &element[..open_end];
    let value = element
        .split("<v>")
        .nth(1)
        .map(|v| v.split("</v>").next().unwrap().to_string());
    let body = match (keep_value, value) {
        (true, Some(v)) => format!("<f>{formula}</f><v>{v}</v>"),
        _ => format!("<f>{formula}</f>"),
    };
    format!("{}{head}>{body}{}", &xml[..start], &xml[end..])
}

/// Appends a cell element to row `row` (1-based, as in the XML) of a sheet's XML.
pub fn append_to_row(xml: &str, row: u32, cell: &str) -> String {
    let start = xml
        .find(&format!("<row r=\"{row}\""))
        .unwrap_or_else(|| panic!("no row {row}"));
    let end = start + xml[start..].find("</row>").unwrap();
    format!("{}{cell}{}", &xml[..end], &xml[end..])
}
