//! Detects the client tools some tests need (LibreOffice, poppler-utils, qpdf). A test whose
//! tool is missing is compiled as `#[ignore]` with the tool's name, so cargo reports it as
//! ignored (skipped) rather than passed. CI installs the tools first (see .ci/run).

use std::path::Path;

const TOOLS: [(&str, &str); 4] = [
    ("soffice", "has_soffice"),
    ("pdftotext", "has_pdftotext"),
    ("qpdf", "has_qpdf"),
    ("pdffonts", "has_pdffonts"),
];

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        if dir.is_dir() {
            println!("cargo:rerun-if-changed={}", dir.display());
        }
    }
    // Python's bagit package, an independent BagIt validator for the archive tests.
    println!("cargo::rustc-check-cfg=cfg(has_bagit)");
    let bagit = std::process::Command::new("python3")
        .args(["-c", "import bagit"])
        .output()
        .is_ok_and(|o| o.status.success());
    if bagit {
        println!("cargo:rustc-cfg=has_bagit");
    }
    for (tool, cfg) in TOOLS {
        println!("cargo::rustc-check-cfg=cfg({cfg})");
        let found = std::env::split_paths(&path).any(|dir| Path::new(&dir).join(tool).is_file());
        if found {
            println!("cargo:rustc-cfg={cfg}");
        }
    }
}
