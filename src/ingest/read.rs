//! Parses a workbook with calamine into a [`RawWorkbook`]. This runs inside the isolated
//! reader process: a crafted file that makes calamine abort or run away takes only that
//! process down (see `isolate.rs`).

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, Ods, Reader, SheetVisible, Sheets, Xls, Xlsb, Xlsx, open_workbook_from_rs};
use chrono::NaiveDate;

use super::raw::{Format, RawCell, RawSheet, RawValue, RawWorkbook, ReadFailure};
use super::xlsx_rows;

/// Largest sheet area (rows × columns) accepted after parsing.
const MAX_CELLS: u64 = 4_000_000;

pub fn read_workbook(bytes: &[u8], format: Format) -> Result<RawWorkbook, ReadFailure> {
    let mut book = open(bytes, format)?;
    let metadata: Vec<(String, bool)> = book
        .sheets_metadata()
        .iter()
        .map(|s| (s.name.clone(), s.visible == SheetVisible::Visible))
        .collect();
    let mut sheets = Vec::with_capacity(metadata.len());
    for (name, visible) in metadata {
        // The form's own code lists: written by kyogikai, never read back, and as long as
        // the council's list of municipalities; only the sheet's presence is kept.
        if name == crate::spec::SHEET_LISTS {
            sheets.push(RawSheet {
                name,
                visible,
                ..RawSheet::default()
            });
            continue;
        }
        let range = book
            .worksheet_range(&name)
            .map_err(|e| corrupt(&format!("シート「{name}」: {e}")))?;
        let (h, w) = range.get_size();
        if (h as u64) * (w as u64) > MAX_CELLS {
            return Err(ReadFailure::new(
                "E0106",
                format!("シート「{name}」の範囲が {h} 行 × {w} 列あります"),
            ));
        }
        let mut sheet = RawSheet {
            name: name.clone(),
            visible,
            ..RawSheet::default()
        };
        if let Some((r0, c0)) = range.start() {
            for (r, c, data) in range.used_cells() {
                if let Some(value) = convert(data) {
                    let (row, col) = (r0 + r as u32, c0 + c as u32);
                    if col <= u16::MAX as u32 {
                        sheet.cells.push(RawCell {
                            row,
                            col: col as u16,
                            value,
                        });
                    }
                }
            }
        }
        if let Ok(formulas) = book.worksheet_formula(&name)
            && let Some((r0, c0)) = formulas.start()
        {
            for (r, c, f) in formulas.used_cells() {
                if !f.is_empty() {
                    sheet
                        .formulas
                        .push((r0 + r as u32, (c0 + c as u32) as u16, f.clone()));
                }
            }
        }
        sheet.formulas.sort_by_key(|(r, c, _)| (*r, *c));
        sheet.cells.sort_by_key(|c| (c.row, c.col));
        sheet.merged = merged(&mut book, &name);
        sheets.push(sheet);
    }
    if matches!(format, Format::Xlsx | Format::Xlsm) {
        let hidden = xlsx_rows::hidden_rows(bytes);
        for sheet in &mut sheets {
            if let Some(rows) = hidden.get(&sheet.name) {
                sheet.hidden_rows = rows.clone();
            }
        }
    }
    let properties = book
        .workbook_properties()
        .map(|p| p.custom_properties.into_iter().collect::<BTreeMap<_, _>>())
        .unwrap_or_default();
    Ok(RawWorkbook {
        format,
        sheets,
        properties,
    })
}

fn open(bytes: &[u8], format: Format) -> Result<Sheets<Cursor<&[u8]>>, ReadFailure> {
    let cursor = Cursor::new(bytes);
    let book = match format {
        Format::Xlsx | Format::Xlsm => open_workbook_from_rs::<Xlsx<_>, _>(cursor)
            .map(Sheets::Xlsx)
            .map_err(|e| e.to_string()),
        Format::Xlsb => open_workbook_from_rs::<Xlsb<_>, _>(cursor)
            .map(Sheets::Xlsb)
            .map_err(|e| e.to_string()),
        Format::Xls => open_workbook_from_rs::<Xls<_>, _>(cursor)
            .map(Sheets::Xls)
            .map_err(|e| e.to_string()),
        Format::Ods => open_workbook_from_rs::<Ods<_>, _>(cursor)
            .map(Sheets::Ods)
            .map_err(|e| e.to_string()),
    };
    book.map_err(|e| {
        if e.to_lowercase().contains("password") {
            ReadFailure::new("E0104", "")
        } else {
            corrupt(&e)
        }
    })
}

/// A parser error as a finding: limits the parser enforces itself mean "too large"
/// (E0106), anything else "corrupt" (E0105).
fn corrupt(detail: &str) -> ReadFailure {
    let short: String = detail.chars().take(120).collect();
    if detail.to_lowercase().contains("limit exceeded") {
        return ReadFailure::new("E0106", format!("セルの数が上限を超えます: {short}"));
    }
    ReadFailure::new("E0105", short)
}

fn merged(book: &mut Sheets<Cursor<&[u8]>>, name: &str) -> Vec<(u32, u16, u32, u16)> {
    let dims = match book {
        Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(name).unwrap_or_default(),
        Sheets::Xls(x) => x.merge_cells_by_sheet_name(name).unwrap_or_default(),
        _ => Vec::new(),
    };
    dims.iter()
        .map(|d| {
            (
                d.start.0,
                d.start.1.min(u16::MAX as u32) as u16,
                d.end.0,
                d.end.1.min(u16::MAX as u32) as u16,
            )
        })
        .collect()
}

fn convert(data: &Data) -> Option<RawValue> {
    Some(match data {
        Data::Empty => return None,
        Data::String(s) if s.is_empty() => return None,
        Data::String(s) => RawValue::Text(s.clone()),
        Data::Int(i) => RawValue::Number(*i as f64),
        Data::Float(f) => RawValue::Number(*f),
        Data::Bool(b) => RawValue::Bool(*b),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(t)
                if dt.is_datetime()
                    && t.time() == chrono::NaiveTime::MIN
                    && plausible(t.date()) =>
            {
                RawValue::Date(t.date())
            }
            Some(t) => RawValue::Other(t.to_string()),
            None => RawValue::Number(dt.as_f64()),
        },
        Data::DateTimeIso(s) => {
            match NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d") {
                Ok(d) if (s.len() == 10 || s.ends_with("T00:00:00")) && plausible(d) => {
                    RawValue::Date(d)
                }
                _ => RawValue::Other(s.clone()),
            }
        }
        Data::DurationIso(s) => RawValue::Other(s.clone()),
        Data::Error(e) => RawValue::Error(e.to_string()),
    })
}

/// Dates outside 1900–9999 cannot be written back to a workbook; they stay text.
fn plausible(d: NaiveDate) -> bool {
    (1900..=9999).contains(&chrono::Datelike::year(&d))
}
