//! Walks the sheets of an identified workbook as the form specification lays them out:
//! headers where they belong, prefilled cells unchanged, each input cell read as its type,
//! and nothing typed outside the input area, in hidden rows or in merged cells left unsaid.

use std::collections::BTreeSet;

use super::Context;
use super::cells::{self, Read};
use crate::council::{Period, Submitter};
use crate::dates::fiscal_year_range;
use crate::findings::{Finding, quote};
use crate::fonts;
use crate::forms::prefill_text;
use crate::ingest::{RawSheet, RawValue, RawWorkbook, SubmittedFile};
use crate::spec::*;
use crate::submission::{Row, Submission, Value};

pub struct Walk<'a> {
    ctx: &'a Context<'a>,
    file: &'a SubmittedFile,
    raw: &'a RawWorkbook,
    submitter: &'a Submitter,
    period: &'a Period,
    submission: Submission,
    typed: Submission,
    findings: Vec<Finding>,
}

/// The rectangle a sheet may hold values in: (last row, last column), from A1.
type Area = (u32, u16);

impl<'a> Walk<'a> {
    pub fn new(
        ctx: &'a Context<'a>,
        file: &'a SubmittedFile,
        raw: &'a RawWorkbook,
        submitter: &'a Submitter,
        period: &'a Period,
    ) -> Self {
        Walk {
            ctx,
            file,
            raw,
            submitter,
            period,
            submission: Submission::default(),
            typed: Submission::default(),
            findings: Vec::new(),
        }
    }

    pub fn finish(self) -> (Submission, Submission, Vec<Finding>) {
        (self.submission, self.typed, self.findings)
    }

    pub fn run(&mut self) {
        let spec = self.ctx.spec;
        let mut expected: Vec<&str> = vec![SHEET_GUIDE, SHEET_BASIC];
        if let Some(sheet) = self.sheet(SHEET_BASIC) {
            self.basic(sheet);
        }
        for table in spec.tables_for(self.submitter.kind) {
            expected.push(table.name);
            if let Some(sheet) = self.sheet(table.name) {
                self.table(sheet, table);
            }
        }
        expected.extend([SHEET_FIGURES, SHEET_META, SHEET_LISTS, SHEET_FEEDBACK]);
        if let Some(sheet) = self.sheet(SHEET_FIGURES) {
            self.figures(sheet);
        }
        for sheet in &self.raw.sheets {
            if !expected.contains(&sheet.name.as_str())
                && let Some(first) = sheet.cells.first()
            {
                let detail = format!("追加されたシートの値 {}", quote(&first.value.display()));
                self.push(Finding::new("W0218", &self.file.name, detail).at_cell(
                    &sheet.name,
                    first.row,
                    first.col,
                ));
            }
        }
    }

    /// The sheet, or an E0114 finding when it is missing.
    fn sheet(&mut self, name: &str) -> Option<&'a RawSheet> {
        let found = self.raw.sheet(name);
        if found.is_none() {
            self.push(Finding::new("E0114", &self.file.name, name));
        }
        found
    }

    fn push(&mut self, f: Finding) {
        self.findings.push(f);
    }

    fn at(
        &self,
        code: &'static str,
        sheet: &RawSheet,
        row: u32,
        col: u16,
        detail: String,
    ) -> Finding {
        let value = sheet.get(row, col).map(|v| v.display()).unwrap_or_default();
        Finding::new(code, &self.file.name, detail)
            .at_cell(&sheet.name, row, col)
            .with_value(value)
    }

    fn basic(&mut self, sheet: &RawSheet) {
        let fields = &self.ctx.spec.fields;
        let last_row = FIRST_DATA_ROW + fields.len() as u32 - 1;
        self.common(sheet, (last_row, 2), &[(FIRST_DATA_ROW, last_row, 1, 1)]);
        for (i, field) in fields.iter().enumerate() {
            let row = FIRST_DATA_ROW + i as u32;
            let label = sheet.get(row, 0).map(|v| v.display()).unwrap_or_default();
            if label != field.label {
                let detail = format!("{} は「{}」のはずが「{label}」", a1(row, 0), field.label);
                self.push(self.at("E0115", sheet, row, 0, detail));
                return;
            }
            if let Some(p) = field.prefill {
                let expected = prefill_text(self.ctx.council, self.submitter, self.period, p);
                let seen = sheet.get(row, 1).map(|v| v.display()).unwrap_or_default();
                if seen != expected {
                    let detail = format!("{}: 「{seen}」（様式では「{expected}」）", field.label);
                    self.push(self.at("E0118", sheet, row, 1, detail));
                }
                continue;
            }
            let required = field.need.is_required(self.period.kind);
            let (value, typed) = self.cell(sheet, row, 1, field.ty, required);
            if let Some(value) = value {
                self.check_date_range(sheet, row, 1, field.key, &value);
                self.submission.fields.insert(field.key.into(), value);
            }
            if let Some(typed) = typed {
                self.typed.fields.insert(field.key.into(), typed);
            }
        }
    }

    fn table(&mut self, sheet: &RawSheet, table: &TableSheet) {
        let rows = table.rows(self.ctx.council);
        let last_row = FIRST_DATA_ROW + rows - 1;
        let last_col = TABLE_FIRST_COL + table.columns.len() as u16 - 1;
        let mut headers = vec!["No.".to_string()];
        headers.extend(table.columns.iter().map(|c| c.header.to_string()));
        if !self.header(sheet, &headers) {
            return;
        }
        self.common(
            sheet,
            (last_row, last_col),
            &[(FIRST_DATA_ROW, last_row, TABLE_FIRST_COL, last_col)],
        );
        let mut entered: Vec<(u32, Row, Row)> = Vec::new();
        for r in 0..rows {
            let row = FIRST_DATA_ROW + r;
            let used = (TABLE_FIRST_COL..=last_col).any(|c| sheet.get(row, c).is_some());
            if !used {
                continue;
            }
            let (mut values, mut typed) = (Row::new(), Row::new());
            for (i, column) in table.columns.iter().enumerate() {
                let col = TABLE_FIRST_COL + i as u16;
                let required = column.need.is_required(self.period.kind);
                let (value, raw) = self.cell(sheet, row, col, column.ty, required);
                if let Some(value) = value {
                    self.check_date_range(sheet, row, col, column.key, &value);
                    values.insert(column.key.into(), value);
                }
                if let Some(raw) = raw {
                    typed.insert(column.key.into(), raw);
                }
            }
            self.check_start_end(sheet, row, &values);
            if let Some((first, _, _)) = entered.iter().find(|(_, v, _)| *v == values) {
                let detail = format!("{}行目と同じ内容", first + 1);
                self.push(self.at("W0220", sheet, row, TABLE_FIRST_COL, detail));
            }
            entered.push((row, values, typed));
        }
        let (values, typed): (Vec<Row>, Vec<Row>) =
            entered.into_iter().map(|(_, v, t)| (v, t)).unzip();
        self.submission.tables.insert(table.key.into(), values);
        self.typed.tables.insert(table.key.into(), typed);
    }

    fn figures(&mut self, sheet: &RawSheet) {
        let columns = figure_columns(self.period.kind);
        let mut headers: Vec<String> = FIGURE_KEY_HEADERS.iter().map(|h| h.to_string()).collect();
        headers.extend(columns.iter().map(|c| c.header.to_string()));
        if !self.header(sheet, &headers) {
            return;
        }
        let keys = figure_rows(self.ctx.council, self.submitter);
        let first_input = FIGURE_KEY_HEADERS.len() as u16;
        let last_col = first_input + columns.len() as u16 - 1;
        let last_row = FIRST_DATA_ROW + keys.len().max(1) as u32 - 1;
        self.common(
            sheet,
            (last_row, last_col),
            &[(FIRST_DATA_ROW, last_row, first_input, last_col)],
        );
        for (i, key) in keys.iter().enumerate() {
            let row = FIRST_DATA_ROW + i as u32;
            let mut intact = true;
            for (col, expected) in [(0u16, &key.region), (2, &key.category), (4, &key.figure)] {
                let seen = sheet.get(row, col).map(|v| v.display()).unwrap_or_default();
                if &seen != expected {
                    let detail = format!(
                        "{}: 「{seen}」（様式では「{expected}」）",
                        FIGURE_KEY_HEADERS[col as usize]
                    );
                    self.push(self.at("E0118", sheet, row, col, detail));
                    intact = false;
                }
            }
            if !intact {
                continue;
            }
            let (mut values, mut typed) = (Row::new(), Row::new());
            for (j, column) in columns.iter().enumerate() {
                let col = first_input + j as u16;
                let (value, raw) = self.cell(
                    sheet,
                    row,
                    col,
                    column.ty,
                    column.need.is_required(self.period.kind),
                );
                if let Some(value) = value {
                    values.insert(column.key.into(), value);
                }
                if let Some(raw) = raw {
                    typed.insert(column.key.into(), raw);
                }
            }
            self.submission.figures.insert(key.clone(), values);
            self.typed.figures.insert(key.clone(), typed);
        }
    }

    /// Checks the header row; a header found on another row is reported as moved.
    fn header(&mut self, sheet: &RawSheet, expected: &[String]) -> bool {
        let strip = |s: &str| s.trim().trim_end_matches("（必須）").to_string();
        let row_matches = |row: u32| {
            expected.iter().enumerate().all(|(c, h)| {
                sheet
                    .get(row, c as u16)
                    .map(|v| strip(&v.display()))
                    .as_deref()
                    == Some(h.as_str())
            })
        };
        if row_matches(HEADER_ROW) {
            return true;
        }
        if let Some(row) = (0..HEADER_ROW + 30).find(|r| *r != HEADER_ROW && row_matches(*r)) {
            let detail = format!(
                "見出しが{}行目ではなく{}行目にあります（行の挿入・削除）",
                HEADER_ROW + 1,
                row + 1
            );
            self.push(Finding::new("E0115", &self.file.name, detail).at_cell(&sheet.name, row, 0));
            return false;
        }
        for (c, h) in expected.iter().enumerate() {
            let seen = sheet
                .get(HEADER_ROW, c as u16)
                .map(|v| strip(&v.display()))
                .unwrap_or_default();
            if &seen != h {
                let detail = format!(
                    "{} は「{h}」のはずが「{seen}」（列の挿入・削除）",
                    a1(HEADER_ROW, c as u16)
                );
                self.push(self.at("E0115", sheet, HEADER_ROW, c as u16, detail));
                return false;
            }
        }
        false
    }

    /// Reports values outside `area`, in hidden rows, and merged cells over `inputs`
    /// (first row, last row, first col, last col).
    fn common(&mut self, sheet: &RawSheet, area: Area, inputs: &[(u32, u32, u16, u16)]) {
        for cell in &sheet.cells {
            if cell.row > area.0 || cell.col > area.1 {
                let f = self.at(
                    "W0218",
                    sheet,
                    cell.row,
                    cell.col,
                    quote(&cell.value.display()),
                );
                self.push(f);
            }
        }
        let hidden: BTreeSet<u32> = sheet.hidden_rows.iter().copied().collect();
        for row in hidden {
            let in_row: Vec<&crate::ingest::raw::RawCell> =
                sheet.cells.iter().filter(|c| c.row == row).collect();
            let first_input = inputs.first().map_or(0, |i| i.2);
            let Some(first) = in_row
                .iter()
                .find(|c| c.col >= first_input)
                .or(in_row.first())
            else {
                continue;
            };
            let values: Vec<String> = in_row.iter().map(|c| c.value.display()).collect();
            let detail = format!("{}行目: {}", row + 1, quote(&values.join(" / ")));
            let f = self.at("W0219", sheet, row, first.col, detail);
            self.push(f);
        }
        for &(r0, c0, r1, c1) in &sheet.merged {
            let overlaps = inputs
                .iter()
                .any(|&(fr, lr, fc, lc)| r0 <= lr && r1 >= fr && c0 <= lc && c1 >= fc);
            if overlaps {
                let detail = format!("{}:{}", a1(r0, c0), a1(r1, c1));
                self.push(Finding::new("E0217", &self.file.name, detail).at_cell(
                    &sheet.name,
                    r0,
                    c0,
                ));
            }
        }
    }

    /// Reads one input cell: (normalised value if usable, value as typed if any).
    fn cell(
        &mut self,
        sheet: &RawSheet,
        row: u32,
        col: u16,
        ty: ColumnType,
        required: bool,
    ) -> (Option<Value>, Option<Value>) {
        let raw = sheet.get(row, col);
        if let Some(formula) = sheet.formula(row, col) {
            let formula = format!("={}", formula.trim_start_matches('='));
            match raw {
                Some(v) => {
                    let detail = format!("{formula}、値 {}", v.display());
                    self.push(self.at("W0215", sheet, row, col, detail));
                }
                None => {
                    self.push(self.at("E0216", sheet, row, col, formula));
                    return (None, None);
                }
            }
        }
        let Some(raw) = raw else {
            if required {
                self.push(self.at("E0201", sheet, row, col, String::new()));
            }
            return (None, None);
        };
        let read: Read = match ty {
            ColumnType::Count => cells::count(raw),
            ColumnType::Date => cells::date(raw),
            ColumnType::Text { max } => cells::text(raw, max),
            ColumnType::Code(list) => cells::code(raw, self.ctx.codes(list)),
            ColumnType::YesNo => cells::yes_no(raw),
        };
        for (code, detail) in &read.notes {
            self.push(self.at(code, sheet, row, col, detail.clone()));
        }
        if let RawValue::Text(text) = raw {
            let missing = fonts::missing_chars(text);
            if !missing.is_empty() {
                let chars: Vec<String> = missing.iter().map(|c| fonts::describe(*c)).collect();
                self.push(self.at("E0221", sheet, row, col, chars.join("、")));
            }
        }
        let usable = !read.notes.iter().any(|(c, _)| c.starts_with('E'));
        (read.value.filter(|_| usable), Some(typed(raw)))
    }

    /// Dates a member enters must fall in a sensible window around the fiscal year.
    fn check_date_range(&mut self, sheet: &RawSheet, row: u32, col: u16, key: &str, value: &Value) {
        let Value::Date(d) = value else { return };
        let (first, last) = fiscal_year_range(self.ctx.council.fiscal_year());
        let (from, to, what) = match key {
            "submitted_on" => (
                self.period.start,
                last + chrono::Duration::days(366),
                "報告期間の始まりから翌年度末まで",
            ),
            "desired_by" => (
                first,
                last + chrono::Duration::days(366),
                "年度の始まりから翌年度末まで",
            ),
            _ => (first, last, "年度内"),
        };
        if *d < from || *d > to {
            let detail = format!(
                "{} は{what}（{}〜{}）の外です",
                d.format("%Y/%-m/%-d"),
                from.format("%Y/%-m/%-d"),
                to.format("%Y/%-m/%-d")
            );
            self.push(self.at("E0206", sheet, row, col, detail));
        }
    }

    fn check_start_end(&mut self, sheet: &RawSheet, row: u32, values: &Row) {
        if let (Some(Value::Date(s)), Some(Value::Date(e))) =
            (values.get("start"), values.get("end"))
            && e < s
        {
            let table = self.ctx.spec.table("initiatives").expect("spec");
            let col = TABLE_FIRST_COL
                + table
                    .columns
                    .iter()
                    .position(|c| c.key == "end")
                    .unwrap_or(0) as u16;
            let detail = format!(
                "終了日 {} が開始日 {} より前です",
                e.format("%Y/%-m/%-d"),
                s.format("%Y/%-m/%-d")
            );
            self.push(self.at("E0206", sheet, row, col, detail));
        }
    }
}

/// The value as the member typed it, for the feedback workbook.
fn typed(raw: &RawValue) -> Value {
    match raw {
        RawValue::Number(n) => Value::Number(*n),
        RawValue::Date(d) => Value::Date(*d),
        other => Value::Text(other.display()),
    }
}
