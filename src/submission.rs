//! What a workbook holds once filled in: the member's entries, keyed by the form
//! specification's keys. The writer turns it into cells (for samples and feedback workbooks);
//! the reader produces it from a returned workbook.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

pub use crate::spec::FigureKey;

/// A value as entered. `Code` holds a code-list id (written as its label); `Text` is written
/// as it is, which is how a feedback workbook gives a member back exactly what they typed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "lowercase")]
pub enum Value {
    Text(String),
    Int(i64),
    Number(f64),
    Date(NaiveDate),
    Code(String),
    Bool(bool),
}

impl Value {
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(n) => Some(*n),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Text(s) | Value::Code(s) => Some(s),
            _ => None,
        }
    }
}

pub type Row = BTreeMap<String, Value>;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Submission {
    /// 基本情報 inputs by field key.
    pub fields: Row,
    /// Table sheets by key (`initiatives`, `practices`, `requests`), rows in sheet order.
    pub tables: BTreeMap<String, Vec<Row>>,
    /// Figures sheet inputs (`value`, `note`) by prefilled row key.
    pub figures: BTreeMap<FigureKey, Row>,
}
