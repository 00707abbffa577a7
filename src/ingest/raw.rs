//! A workbook as read, before any meaning is given to it: sheets with their cells at absolute
//! positions, formulas, merged areas and hidden rows. This is what crosses from the isolated
//! reader process to the checker, as JSON.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Xlsx,
    Xlsm,
    Xlsb,
    Xls,
    Ods,
}

impl Format {
    pub fn label(self) -> &'static str {
        match self {
            Format::Xlsx => "Excel ブック (.xlsx)",
            Format::Xlsm => "Excel マクロ有効ブック (.xlsm)",
            Format::Xlsb => "Excel バイナリブック (.xlsb)",
            Format::Xls => "Excel 97-2003 ブック (.xls)",
            Format::Ods => "OpenDocument スプレッドシート (.ods)",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", content = "v")]
pub enum RawValue {
    Text(String),
    Number(f64),
    Bool(bool),
    Date(NaiveDate),
    /// A date-time or duration that is not a plain date, kept as text.
    Other(String),
    Error(String),
}

impl RawValue {
    /// The value as a person would read it in a message.
    pub fn display(&self) -> String {
        match self {
            RawValue::Text(s) | RawValue::Other(s) => s.clone(),
            RawValue::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            RawValue::Number(n) => n.to_string(),
            RawValue::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            RawValue::Date(d) => d.format("%Y/%-m/%-d").to_string(),
            RawValue::Error(e) => e.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RawCell {
    pub row: u32,
    pub col: u16,
    pub value: RawValue,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RawSheet {
    pub name: String,
    pub visible: bool,
    /// Non-empty cells at absolute positions, in row then column order.
    pub cells: Vec<RawCell>,
    /// Cells holding a formula, with the formula text, in row then column order.
    pub formulas: Vec<(u32, u16, String)>,
    /// Merged areas as (first row, first col, last row, last col).
    pub merged: Vec<(u32, u16, u32, u16)>,
    pub hidden_rows: Vec<u32>,
}

impl RawSheet {
    pub fn get(&self, row: u32, col: u16) -> Option<&RawValue> {
        self.cells
            .binary_search_by(|c| (c.row, c.col).cmp(&(row, col)))
            .ok()
            .map(|i| &self.cells[i].value)
    }

    pub fn formula(&self, row: u32, col: u16) -> Option<&str> {
        self.formulas
            .binary_search_by(|(r, c, _)| (*r, *c).cmp(&(row, col)))
            .ok()
            .map(|i| self.formulas[i].2.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RawWorkbook {
    pub format: Format,
    pub sheets: Vec<RawSheet>,
    /// Custom document properties as text.
    pub properties: BTreeMap<String, String>,
}

impl RawWorkbook {
    pub fn sheet(&self, name: &str) -> Option<&RawSheet> {
        self.sheets.iter().find(|s| s.name == name)
    }
}

/// Why a file could not be read into a [`RawWorkbook`]; mapped to a finding code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReadFailure {
    pub code: String,
    pub detail: String,
}

impl ReadFailure {
    pub fn new(code: &str, detail: impl Into<String>) -> Self {
        ReadFailure {
            code: code.to_string(),
            detail: detail.into(),
        }
    }
}
