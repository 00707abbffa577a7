//! Archive: dated, verifiable official records under `<out>/archive/<date>_<label>/`.
//!
//! Contract: [`store`] writes a complete BagIt bag into a temporary folder and renames it
//! into place only when complete, so an interrupted build never leaves a half-written
//! archive under a final name. An existing archive is never changed: the same content is
//! reported as reproduced, different content becomes a new revision (`…_r2`). A lock file
//! keeps two builds from writing at once; stale temporary folders and locks left by a killed
//! build are removed and reported on the next run.

pub mod bag;

use std::collections::BTreeMap;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

pub use bag::{Verification, verify};

const LOCK: &str = ".lock";
const TEMP_PREFIX: &str = ".tmp-";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placed {
    /// A new archive.
    New,
    /// Identical to an archive already there, which is left as it was.
    Reproduced,
    /// Different from the archive of the same date and label: a new revision.
    Revision(u32),
}

#[derive(Debug)]
pub struct Stored {
    pub path: PathBuf,
    pub placed: Placed,
    /// Temporary folders of interrupted builds that were removed.
    pub cleaned: Vec<PathBuf>,
}

/// Holds the archive lock while alive.
struct Lock {
    path: PathBuf,
}

impl Lock {
    fn take(root: &Path) -> Result<Lock> {
        std::fs::create_dir_all(root).map_err(|e| Error::io(root, e))?;
        let path = root.join(LOCK);
        for _ in 0..2 {
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut f) => {
                    let _ = writeln!(f, "{}", std::process::id());
                    return Ok(Lock { path });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let pid: Option<u32> = std::fs::read_to_string(&path)
                        .ok()
                        .and_then(|s| s.trim().parse().ok());
                    if pid.is_some_and(alive) {
                        return Err(Error::Other(format!(
                            "別のビルド（プロセス {}）がアーカイブを書いています。終わってからやり直してください（{}）",
                            pid.unwrap_or(0),
                            path.display()
                        )));
                    }
                    // Left by a build that was killed: take it over.
                    let _ = std::fs::remove_file(&path);
                }
                Err(e) => return Err(Error::io(&path, e)),
            }
        }
        Err(Error::Other(format!(
            "アーカイブのロックを取れません: {}",
            path.display()
        )))
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

fn alive(pid: u32) -> bool {
    // SAFETY: kill with signal 0 only checks that the process exists.
    pid != 0 && unsafe { libc::kill(pid as libc::pid_t, 0) } == 0
}

/// Removes temporary folders whose build is no longer running.
fn clean_stale(root: &Path) -> Vec<PathBuf> {
    let mut cleaned = Vec::new();
    let Ok(entries) = std::fs::read_dir(root) else {
        return cleaned;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(TEMP_PREFIX) else {
            continue;
        };
        let pid: Option<u32> = rest.split('-').next().and_then(|p| p.parse().ok());
        if !pid.is_some_and(alive) && std::fs::remove_dir_all(entry.path()).is_ok() {
            cleaned.push(entry.path());
        }
    }
    cleaned.sort();
    cleaned
}

/// The archive folder name for a date and label (characters unsafe in names replaced).
pub fn folder_name(date: chrono::NaiveDate, label: &str) -> String {
    format!("{date}_{}", crate::text::file_name_safe(label))
}

/// Stores the payload as a bag under `root/<name>` (or a revision of it).
/// One file of an archive's payload: bytes made by this run, or a file on disk (a submitted
/// workbook) copied as it is, with the hash and size it had when it was read.
pub enum Content {
    Bytes(Vec<u8>),
    File(PathBuf),
}

pub struct Item {
    pub content: Content,
    pub sha256: String,
    pub size: u64,
}

impl Item {
    pub fn bytes(bytes: Vec<u8>) -> Item {
        Item {
            sha256: bag::sha256(&bytes),
            size: bytes.len() as u64,
            content: Content::Bytes(bytes),
        }
    }

    /// A file to copy; `sha256` and `size` are those it had when it was read, and the copy
    /// fails if it has changed since.
    pub fn file(path: &Path, sha256: &str, size: u64) -> Item {
        Item {
            content: Content::File(path.to_path_buf()),
            sha256: sha256.to_string(),
            size,
        }
    }
}

/// Payload path (under `data/`) → file.
pub type Payload = BTreeMap<String, Item>;

pub fn store(
    root: &Path,
    name: &str,
    payload: &Payload,
    info: &[(String, String)],
) -> Result<Stored> {
    let _lock = Lock::take(root)?;
    let cleaned = clean_stale(root);
    let temp = root.join(format!("{TEMP_PREFIX}{}-{name}", std::process::id()));
    if temp.exists() {
        std::fs::remove_dir_all(&temp).map_err(|e| Error::io(&temp, e))?;
    }
    bag::write_bag(&temp, payload, info)?;
    // The same content as an existing revision of this date and label: keep that one.
    let mut revision = 1;
    loop {
        let candidate = if revision == 1 {
            root.join(name)
        } else {
            root.join(format!("{name}_r{revision}"))
        };
        if !candidate.exists() {
            std::fs::rename(&temp, &candidate).map_err(|e| Error::io(&candidate, e))?;
            sync_dir(root);
            let placed = if revision == 1 {
                Placed::New
            } else {
                Placed::Revision(revision)
            };
            return Ok(Stored {
                path: candidate,
                placed,
                cleaned,
            });
        }
        if same_tree(&temp, &candidate)? {
            std::fs::remove_dir_all(&temp).map_err(|e| Error::io(&temp, e))?;
            return Ok(Stored {
                path: candidate,
                placed: Placed::Reproduced,
                cleaned,
            });
        }
        revision += 1;
    }
}

fn sync_dir(dir: &Path) {
    if let Ok(f) = std::fs::File::open(dir) {
        let _ = f.sync_all();
    }
}

/// Whether two folders hold the same files with the same bytes.
fn same_tree(a: &Path, b: &Path) -> Result<bool> {
    let list = |dir: &Path| -> Result<Vec<String>> {
        let mut out = Vec::new();
        collect(dir, dir, &mut out)?;
        out.sort();
        Ok(out)
    };
    let (la, lb) = (list(a)?, list(b)?);
    if la != lb {
        return Ok(false);
    }
    for f in la {
        let (x, y) = (a.join(&f), b.join(&f));
        let bx = std::fs::read(&x).map_err(|e| Error::io(&x, e))?;
        let by = std::fs::read(&y).map_err(|e| Error::io(&y, e))?;
        if bx != by {
            return Ok(false);
        }
    }
    Ok(true)
}

fn collect(dir: &Path, base: &Path, out: &mut Vec<String>) -> Result<()> {
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let path = entry.path();
        if path.is_dir() {
            collect(&path, base, out)?;
        } else {
            out.push(
                path.strip_prefix(base)
                    .expect("inside")
                    .to_string_lossy()
                    .into_owned(),
            );
        }
    }
    Ok(())
}
