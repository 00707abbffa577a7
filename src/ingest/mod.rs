//! Ingest: turns submitted files into raw workbooks, safely.
//!
//! Contract: [`ingest`] takes file paths and returns one [`Ingested`] per path, in order,
//! whatever the files hold: a raw workbook, or the reason it could not be read. The parent
//! hashes and sniffs each file (cheap, bounded); parsing happens in isolated child processes
//! (`isolate.rs`) under memory and time limits. Nothing here gives the cells a meaning.

mod isolate;
pub mod raw;
mod read;
pub mod sniff;
mod xlsx_rows;

use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};

pub use isolate::{CHILD_COMMAND, ChildSettings, child_main};
pub use raw::{Format, RawSheet, RawValue, RawWorkbook, ReadFailure};
pub use sniff::Limits;

/// A submitted file as received: where it is, how big, its hash and timestamp.
#[derive(Debug, Clone, Serialize)]
pub struct SubmittedFile {
    pub path: PathBuf,
    /// The file name, as shown to people.
    pub name: String,
    pub size: u64,
    pub sha256: String,
    /// Modification time, seconds since the epoch (used only to order two submissions).
    pub modified: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct Ingested {
    pub file: SubmittedFile,
    pub result: Result<RawWorkbook, ReadFailure>,
}

/// How parsing is isolated.
#[derive(Debug, Clone)]
pub enum Isolation {
    /// In this process: for tests of the reader itself, never for submitted files.
    InProcess,
    Child(ChildSettings),
}

/// Reads, hashes, sniffs and parses every path, and hands each file with its result to
/// `then` as soon as it is parsed (in parallel, on the reading workers), so that no more
/// than a few parsed workbooks are held at once. Returns each file with what `then` made
/// of it, in the order of `paths`.
pub fn ingest<T: Send>(
    paths: &[PathBuf],
    limits: &Limits,
    isolation: &Isolation,
    workers: usize,
    then: &(dyn Fn(&Ingested) -> T + Sync),
) -> Result<Vec<(SubmittedFile, T)>, String> {
    use rayon::prelude::*;
    let prechecked: Vec<Ingested> = paths.par_iter().map(|p| precheck(p, limits)).collect();
    let todo: Vec<usize> = prechecked
        .iter()
        .enumerate()
        .filter(|(_, i)| i.result.is_ok())
        .map(|(n, _)| n)
        .collect();
    let todo_paths: Vec<PathBuf> = todo
        .iter()
        .map(|&n| prechecked[n].file.path.clone())
        .collect();
    let finish = |k: usize, result: Result<RawWorkbook, ReadFailure>| {
        let item = Ingested {
            file: prechecked[todo[k]].file.clone(),
            result,
        };
        then(&item)
    };
    let parsed: Vec<T> = match isolation {
        Isolation::InProcess => todo_paths
            .par_iter()
            .enumerate()
            .map(|(k, p)| finish(k, parse_file(p, limits)))
            .collect(),
        Isolation::Child(settings) => {
            isolate::parse_isolated(&todo_paths, settings, workers, &finish)?
        }
    };
    let mut results: Vec<Option<T>> = prechecked.iter().map(|_| None).collect();
    for (&n, value) in todo.iter().zip(parsed) {
        results[n] = Some(value);
    }
    // Files that failed before parsing get their result here.
    let out = prechecked
        .into_iter()
        .zip(results)
        .map(|(item, value)| {
            let value = value.unwrap_or_else(|| then(&item));
            (item.file, value)
        })
        .collect();
    Ok(out)
}

/// Hashes and sniffs one file; on success the result holds an empty placeholder workbook
/// that parsing replaces.
fn precheck(path: &Path, limits: &Limits) -> Ingested {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut file = SubmittedFile {
        path: path.to_path_buf(),
        name,
        size: 0,
        sha256: String::new(),
        modified: None,
    };
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            return Ingested {
                file,
                result: Err(ReadFailure::new("E0101", e.to_string())),
            };
        }
    };
    file.size = meta.len();
    file.modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_secs() as i64);
    if !meta.is_file() {
        return Ingested {
            file,
            result: Err(ReadFailure::new("E0101", "通常のファイルではありません")),
        };
    }
    if meta.len() > limits.max_file_bytes {
        file.sha256 = hash_streaming(path).unwrap_or_default();
        let max = limits.max_file_bytes / 1024 / 1024;
        let detail = format!(
            "{:.1} MiB、上限 {max} MiB",
            meta.len() as f64 / 1024.0 / 1024.0
        );
        return Ingested {
            file,
            result: Err(ReadFailure::new("E0106", detail)),
        };
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            return Ingested {
                file,
                result: Err(ReadFailure::new("E0101", e.to_string())),
            };
        }
    };
    file.sha256 = hex::encode(Sha256::digest(&bytes));
    let result = sniff::sniff(&bytes, limits).map(|format| RawWorkbook {
        format,
        sheets: Vec::new(),
        properties: Default::default(),
    });
    Ingested { file, result }
}

fn hash_streaming(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}

/// Sniffs and parses one file in this process (the child's work).
pub fn parse_file(path: &Path, limits: &Limits) -> Result<RawWorkbook, ReadFailure> {
    let bytes = std::fs::read(path).map_err(|e| ReadFailure::new("E0101", e.to_string()))?;
    let format = sniff::sniff(&bytes, limits)?;
    read::read_workbook(&bytes, format)
}
