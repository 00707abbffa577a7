//! Recognises a file by its content, not its name, and refuses what would be dangerous to
//! parse: zip archives whose central directory promises too much, and OLE files that are
//! encrypted Office packages. Everything here reads only the first bytes and the zip
//! directory; nothing is decompressed except the tiny ODS `mimetype` entry.

use std::io::{Cursor, Read};

use super::raw::{Format, ReadFailure};

/// Limits checked before any parser sees the file.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_file_bytes: u64,
    pub max_zip_entries: usize,
    pub max_unpacked_bytes: u64,
    /// Largest ratio of unpacked to packed size accepted for one large entry.
    pub max_ratio: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 20 * 1024 * 1024,
            max_zip_entries: 2_000,
            max_unpacked_bytes: 256 * 1024 * 1024,
            max_ratio: 1_000,
        }
    }
}

const OLE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// What the bytes are, or why they must not be parsed.
pub fn sniff(bytes: &[u8], limits: &Limits) -> Result<Format, ReadFailure> {
    if bytes.is_empty() {
        return Err(ReadFailure::new("E0102", ""));
    }
    if bytes.len() as u64 > limits.max_file_bytes {
        let mib = bytes.len() as f64 / 1024.0 / 1024.0;
        let max = limits.max_file_bytes / 1024 / 1024;
        return Err(ReadFailure::new(
            "E0106",
            format!("{mib:.1} MiB、上限 {max} MiB"),
        ));
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return sniff_zip(bytes, limits);
    }
    if bytes.starts_with(&OLE) {
        return sniff_ole(bytes);
    }
    Err(ReadFailure::new("E0103", describe_other(bytes)))
}

fn sniff_zip(bytes: &[u8], limits: &Limits) -> Result<Format, ReadFailure> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| ReadFailure::new("E0105", format!("ZIP として読めません: {e}")))?;
    if zip.len() > limits.max_zip_entries {
        return Err(ReadFailure::new(
            "E0106",
            format!("ZIP の中身が {} 個あります", zip.len()),
        ));
    }
    let mut total: u64 = 0;
    let mut names = Vec::with_capacity(zip.len());
    for i in 0..zip.len() {
        let entry = zip
            .by_index_raw(i)
            .map_err(|e| ReadFailure::new("E0105", format!("ZIP の目録が壊れています: {e}")))?;
        let size = entry.size();
        let packed = entry.compressed_size().max(1);
        if size > 10 * 1024 * 1024 && size / packed > limits.max_ratio {
            return Err(ReadFailure::new(
                "E0106",
                format!("圧縮率が異常です（{} 倍）", size / packed),
            ));
        }
        total = total.saturating_add(size);
        names.push(entry.name().map(|n| n.to_string()).unwrap_or_default());
    }
    if total > limits.max_unpacked_bytes {
        return Err(ReadFailure::new(
            "E0106",
            format!("展開すると {} MiB になります", total / 1024 / 1024),
        ));
    }
    let has = |n: &str| names.iter().any(|x| x == n);
    if has("xl/workbook.xml") {
        let macro_enabled = has("xl/vbaProject.bin");
        return Ok(if macro_enabled {
            Format::Xlsm
        } else {
            Format::Xlsx
        });
    }
    if has("xl/workbook.bin") {
        return Ok(Format::Xlsb);
    }
    if has("mimetype") {
        let mut mime = String::new();
        if let Ok(entry) = zip.by_name("mimetype") {
            let _ = entry.take(200).read_to_string(&mut mime);
        }
        if mime.trim() == "application/vnd.oasis.opendocument.spreadsheet" {
            return Ok(Format::Ods);
        }
        return Err(ReadFailure::new(
            "E0103",
            format!("OpenDocument の別の種類です: {}", mime.trim()),
        ));
    }
    if has("word/document.xml") {
        return Err(ReadFailure::new("E0103", "Word 文書です"));
    }
    if has("ppt/presentation.xml") {
        return Err(ReadFailure::new("E0103", "PowerPoint 文書です"));
    }
    Err(ReadFailure::new("E0103", "ZIP 圧縮ファイルです"))
}

/// An OLE compound file: Excel 97-2003, or an encrypted OOXML package (which Office writes as
/// OLE with an `EncryptedPackage` stream), or another Office document.
fn sniff_ole(bytes: &[u8]) -> Result<Format, ReadFailure> {
    let utf16 = |s: &str| {
        s.encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect::<Vec<u8>>()
    };
    let contains = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    if contains(&utf16("EncryptedPackage")) {
        return Err(ReadFailure::new("E0104", ""));
    }
    if contains(&utf16("Workbook")) || contains(&utf16("Book")) {
        return Ok(Format::Xls);
    }
    if contains(&utf16("WordDocument")) {
        return Err(ReadFailure::new("E0103", "Word 97-2003 文書です"));
    }
    Err(ReadFailure::new(
        "E0103",
        "Office の複合ファイルですが、ブックではありません",
    ))
}

fn describe_other(bytes: &[u8]) -> String {
    let head = &bytes[..bytes.len().min(1024)];
    if head.starts_with(b"%PDF") {
        return "PDF ファイルです".into();
    }
    if head.starts_with(b"\x89PNG") || head.starts_with(b"\xFF\xD8\xFF") {
        return "画像ファイルです".into();
    }
    if head.starts_with(b"Rar!") || head.starts_with(b"7z\xBC\xAF") || head.starts_with(b"\x1F\x8B")
    {
        return "圧縮ファイルです".into();
    }
    let text = std::str::from_utf8(head).is_ok() || head.iter().all(|b| *b >= 0x09);
    if text {
        let lower = String::from_utf8_lossy(head).to_lowercase();
        if lower.contains("<html") || lower.contains("<table") {
            return "HTML ファイルです（Excel で「名前を付けて保存」から .xlsx を選んでください）"
                .into();
        }
        if head.contains(&b',') || head.contains(&b'\t') {
            return "CSV などのテキストファイルです".into();
        }
        return "テキストファイルです".into();
    }
    "形式が分かりません".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_non_spreadsheets() {
        let limits = Limits::default();
        assert_eq!(sniff(b"", &limits).unwrap_err().code, "E0102");
        assert!(
            sniff(b"%PDF-1.7", &limits)
                .unwrap_err()
                .detail
                .contains("PDF")
        );
        assert!(
            sniff("提出者,件数\n".as_bytes(), &limits)
                .unwrap_err()
                .detail
                .contains("CSV")
        );
        assert_eq!(
            sniff(b"PK\x03\x04garbage", &limits).unwrap_err().code,
            "E0105"
        );
    }

    #[test]
    fn encrypted_office_file_is_named() {
        let mut bytes = OLE.to_vec();
        bytes.extend(std::iter::repeat_n(0u8, 100));
        bytes.extend(
            "EncryptedPackage"
                .encode_utf16()
                .flat_map(|u| u.to_le_bytes()),
        );
        assert_eq!(sniff(&bytes, &Limits::default()).unwrap_err().code, "E0104");
    }

    #[test]
    fn too_big_is_refused_before_parsing() {
        let limits = Limits {
            max_file_bytes: 10,
            ..Limits::default()
        };
        assert_eq!(
            sniff(b"PK\x03\x04 more than ten bytes", &limits)
                .unwrap_err()
                .code,
            "E0106"
        );
    }
}
