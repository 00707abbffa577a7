//! The municipalities file: one row per municipality with its 6-digit 全国地方公共団体コード.
//! Columns are found by header name, so the file may carry more columns than are read.

use std::path::Path;

use serde::Serialize;

use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Municipality {
    pub code: String,
    pub name: String,
    pub kana: String,
    /// 特別区 / 市 / 町 / 村.
    pub kind: String,
    /// Area name as in the council's `areas` (区部 / 多摩地域 / 島しょ地域).
    pub area: String,
}

const REQUIRED: [&str; 4] = ["lg_code", "name", "type", "area"];

/// Reads the TSV. Errors name the file, line and column.
pub fn read(path: &Path) -> Result<Vec<Municipality>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    parse(&text).map_err(|msg| Error::Council(format!("{}: {msg}", path.display())))
}

pub fn parse(text: &str) -> std::result::Result<Vec<Municipality>, String> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let (_, header) = lines.next().ok_or("空のファイルです")?;
    let header: Vec<&str> = header
        .trim_start_matches('\u{feff}')
        .split('\t')
        .map(str::trim)
        .collect();
    let col = |name: &str| header.iter().position(|h| *h == name);
    let mut idx = [0usize; 4];
    for (slot, name) in idx.iter_mut().zip(REQUIRED) {
        *slot = col(name).ok_or(format!("1行目: 列 \"{name}\" がありません"))?;
    }
    let kana = col("name_kana");
    let mut out = Vec::new();
    for (n, line) in lines {
        let cells: Vec<&str> = line.split('\t').map(str::trim).collect();
        let get = |i: usize| cells.get(i).copied().unwrap_or("");
        let code = get(idx[0]).to_string();
        if !is_valid_code(&code) {
            return Err(format!(
                "{}行目: lg_code \"{code}\" は6桁の地方公共団体コード（検査数字つき）ではありません",
                n + 1
            ));
        }
        let m = Municipality {
            code,
            name: get(idx[1]).to_string(),
            kana: kana.map(get).unwrap_or("").to_string(),
            kind: get(idx[2]).to_string(),
            area: get(idx[3]).to_string(),
        };
        if m.name.is_empty() || m.area.is_empty() {
            return Err(format!("{}行目: name と area は必須です", n + 1));
        }
        out.push(m);
    }
    Ok(out)
}

/// The check digit of a 5-digit local government code (weights 6-5-4-3-2, modulus 11).
pub fn check_digit(code5: &str) -> Option<char> {
    if code5.len() != 5 || !code5.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = code5
        .bytes()
        .zip([6, 5, 4, 3, 2])
        .map(|(b, w)| (b - b'0') as u32 * w)
        .sum();
    char::from_digit((11 - sum % 11) % 10, 10)
}

pub fn is_valid_code(code: &str) -> bool {
    code.len() == 6 && check_digit(&code[..5]) == code.chars().nth(5)
}

/// The code of the prefecture itself (東京都 = 130001), used for the whole-prefecture region.
pub fn prefecture_code(two_digits: &str) -> Option<String> {
    let five = format!("{two_digits}000");
    check_digit(&five).map(|c| format!("{five}{c}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digits_of_tokyo() {
        let text = include_str!("../../inputs/municipalities.tsv");
        let all = parse(text).unwrap();
        assert_eq!(all.len(), 62);
        assert!(all.iter().all(|m| is_valid_code(&m.code)));
        assert_eq!(prefecture_code("13").as_deref(), Some("130001"));
        assert!(!is_valid_code("131017"));
    }

    #[test]
    fn missing_column_is_named() {
        let err = parse("lg_code\tname\n131016\t千代田区\n").unwrap_err();
        assert!(err.contains("type"), "{err}");
    }
}
