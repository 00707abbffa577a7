//! Hidden rows of xlsx sheets, which calamine does not report. A value typed into a hidden
//! row must not be dropped silently, so the checker needs to know which rows are hidden.
//! Reads `xl/workbook.xml`, its relationships and each sheet's `<row>` tags.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

const MAX_XML: u64 = 64 * 1024 * 1024;

/// Sheet name → hidden row numbers (0-based). Empty when anything cannot be read: the rows
/// are then treated as visible, which only loses a warning, never a value.
pub fn hidden_rows(bytes: &[u8]) -> BTreeMap<String, Vec<u32>> {
    let mut out = BTreeMap::new();
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return out;
    };
    let mut read = |name: &str| -> Option<String> {
        let entry = zip.by_name(name).ok()?;
        let mut text = String::new();
        entry.take(MAX_XML).read_to_string(&mut text).ok()?;
        Some(text)
    };
    let (Some(workbook), Some(rels)) =
        (read("xl/workbook.xml"), read("xl/_rels/workbook.xml.rels"))
    else {
        return out;
    };
    let targets: BTreeMap<String, String> = tags(&rels, "Relationship")
        .into_iter()
        .filter_map(|a| Some((a.get("Id")?.clone(), a.get("Target")?.clone())))
        .collect();
    for sheet in tags(&workbook, "sheet") {
        let (Some(name), Some(id)) = (sheet.get("name"), sheet.get("r:id")) else {
            continue;
        };
        if name == crate::spec::SHEET_LISTS {
            continue; // the form's code lists: not read (see read.rs)
        }
        let Some(target) = targets.get(id) else {
            continue;
        };
        let path = match target.strip_prefix('/') {
            Some(absolute) => absolute.to_string(),
            None => format!("xl/{target}"),
        };
        let Some(xml) = read(&path) else { continue };
        let rows: Vec<u32> = tags(&xml, "row")
            .into_iter()
            .filter(|a| a.get("hidden").is_some_and(|h| h == "1" || h == "true"))
            .filter_map(|a| a.get("r")?.parse::<u32>().ok()?.checked_sub(1))
            .collect();
        if !rows.is_empty() {
            out.insert(name.clone(), rows);
        }
    }
    out
}

/// The attributes of every `<name …>` tag (any namespace prefix) in `xml`.
fn tags(xml: &str, name: &str) -> Vec<BTreeMap<String, String>> {
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find('<') {
        rest = &rest[start + 1..];
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..end];
        let tag_name = tag
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("");
        let local = tag_name.rsplit(':').next().unwrap_or(tag_name);
        if local == name {
            out.push(attributes(&tag[tag_name.len()..]));
        }
        rest = &rest[end.min(rest.len())..];
    }
    out
}

fn attributes(s: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut rest = s;
    while let Some(eq) = rest.find('=') {
        let key = rest[..eq].trim().to_string();
        let after = rest[eq + 1..].trim_start();
        let Some(quote) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            break;
        };
        let Some(close) = after[1..].find(quote) else {
            break;
        };
        out.insert(key, unescape(&after[1..1 + close]));
        rest = &after[close + 2..];
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_tags_and_attributes() {
        let xml = r#"<sheetData><row r="3" spans="1:2"><c r="A3"/></row><x:row r="5" hidden="1"/></sheetData>"#;
        let rows = tags(xml, "row");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].get("hidden").map(String::as_str), Some("1"));
        let sheets = tags(
            r#"<sheet name="連携・依頼事項 &amp; 他" sheetId="1" r:id="rId1"/>"#,
            "sheet",
        );
        assert_eq!(sheets[0]["name"], "連携・依頼事項 & 他");
        assert_eq!(sheets[0]["r:id"], "rId1");
    }
}
