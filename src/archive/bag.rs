//! BagIt (RFC 8493): the payload under `data/`, `bagit.txt`, `bag-info.txt`,
//! `manifest-sha256.txt` over the payload and `tagmanifest-sha256.txt` over the tag files.
//! Any BagIt validator (for example Python's `bagit`) can confirm an archive.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result, write_file};

pub const BAGIT_TXT: &str = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";

pub fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Paths in manifests: relative, `/`-separated, with CR, LF and % encoded (RFC 8493 §2.1.3).
pub fn encode_path(path: &str) -> String {
    path.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

pub fn decode_path(path: &str) -> String {
    path.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%25", "%")
}

/// Writes a complete bag into `dir` from payload files (path under `data/`) and bag-info
/// entries. Files on disk are copied in pieces and hashed on the way; one that no longer
/// has the hash it was read with is an error. Returns the payload manifest (path → hash).
pub fn write_bag(
    dir: &Path,
    payload: &super::Payload,
    info: &[(String, String)],
) -> Result<BTreeMap<String, String>> {
    let mut manifest = BTreeMap::new();
    for (path, item) in payload {
        let to = dir.join("data").join(path);
        match &item.content {
            super::Content::Bytes(bytes) => write_file(&to, bytes)?,
            super::Content::File(from) => {
                let copied = copy_hashed(from, &to)?;
                if copied != item.sha256 {
                    return Err(Error::Other(format!(
                        "{}: 読み込んだ後に内容が変わりました。もう一度実行してください",
                        from.display()
                    )));
                }
            }
        }
        manifest.insert(format!("data/{path}"), item.sha256.clone());
    }
    let manifest_text: String = manifest
        .iter()
        .map(|(p, h)| format!("{h}  {}\n", encode_path(p)))
        .collect();
    let size: u64 = payload.values().map(|i| i.size).sum();
    let mut info_text = String::new();
    for (k, v) in info {
        info_text.push_str(&format!("{k}: {}\n", v.replace('\n', " ")));
    }
    info_text.push_str(&format!("Payload-Oxum: {size}.{}\n", payload.len()));
    let tags: BTreeMap<&str, String> = [
        ("bagit.txt", BAGIT_TXT.to_string()),
        ("bag-info.txt", info_text),
        ("manifest-sha256.txt", manifest_text),
    ]
    .into();
    let mut tag_manifest = String::new();
    for (name, text) in &tags {
        write_file(&dir.join(name), text.as_bytes())?;
        tag_manifest.push_str(&format!("{}  {name}\n", sha256(text.as_bytes())));
    }
    write_file(&dir.join("tagmanifest-sha256.txt"), tag_manifest.as_bytes())?;
    Ok(manifest)
}

/// Copies `from` to `to` and returns the SHA-256 of what was copied.
fn copy_hashed(from: &Path, to: &Path) -> Result<String> {
    use sha2::{Digest, Sha256};
    use std::io::{Read, Write};
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    let mut src = std::fs::File::open(from).map_err(|e| Error::io(from, e))?;
    let mut dst = std::fs::File::create(to).map_err(|e| Error::io(to, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = src.read(&mut buf).map_err(|e| Error::io(from, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        dst.write_all(&buf[..n]).map_err(|e| Error::io(to, e))?;
    }
    Ok(hex::encode(hasher.finalize()))
}

/// What `verify` found.
#[derive(Debug, Default, Clone)]
pub struct Verification {
    pub checked: usize,
    pub missing: Vec<String>,
    pub altered: Vec<String>,
    pub unexpected: Vec<String>,
}

impl Verification {
    pub fn ok(&self) -> bool {
        self.missing.is_empty() && self.altered.is_empty() && self.unexpected.is_empty()
    }
}

fn read_manifest(dir: &Path, name: &str) -> Result<BTreeMap<String, String>> {
    let path = dir.join(name);
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    let mut out = BTreeMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let Some((hash, file)) = line.split_once(char::is_whitespace) else {
            return Err(Error::Other(format!(
                "{}: 読めない行があります: {line}",
                path.display()
            )));
        };
        out.insert(decode_path(file.trim_start()), hash.to_lowercase());
    }
    Ok(out)
}

fn walk(dir: &Path, base: &Path, out: &mut Vec<String>) -> Result<()> {
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let path: PathBuf = entry.path();
        if entry.file_type().map_err(|e| Error::io(&path, e))?.is_dir() {
            walk(&path, base, out)?;
        } else {
            let rel = path
                .strip_prefix(base)
                .expect("inside")
                .to_string_lossy()
                .replace('\\', "/");
            out.push(rel);
        }
    }
    Ok(())
}

/// Re-hashes every file of a bag against its manifests.
pub fn verify(dir: &Path) -> Result<Verification> {
    if !dir.join("bagit.txt").is_file() {
        return Err(Error::Usage(format!(
            "{}: BagIt のアーカイブではありません（bagit.txt がありません）",
            dir.display()
        )));
    }
    let mut expected = read_manifest(dir, "manifest-sha256.txt")?;
    expected.extend(read_manifest(dir, "tagmanifest-sha256.txt")?);
    let mut present = Vec::new();
    walk(dir, dir, &mut present)?;
    let mut v = Verification::default();
    for (file, hash) in &expected {
        let path = dir.join(file);
        match std::fs::read(&path) {
            Ok(bytes) => {
                v.checked += 1;
                if &sha256(&bytes) != hash {
                    v.altered.push(file.clone());
                }
            }
            Err(_) => v.missing.push(file.clone()),
        }
    }
    for file in present {
        if !expected.contains_key(&file) && file != "tagmanifest-sha256.txt" {
            v.unexpected.push(file);
        }
    }
    v.unexpected.sort();
    Ok(v)
}
