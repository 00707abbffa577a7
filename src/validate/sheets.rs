//! Walks the sheets of an identified workbook as the form specification lays them out:
//! headers where they belong, prefilled cells unchanged, each input cell read as its type,
//! and nothing typed outside the input cells, in hidden rows or in merged cells left unsaid.

use std::collections::BTreeMap;

use chrono::Duration;

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

/// At most this many values outside the input cells are listed one by one per sheet; the
/// rest are counted in one more finding, so a pasted block cannot flood the report.
const MAX_STRAY: usize = 30;

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

/// Input cells of a sheet: (first row, last row, first col, last col), inclusive.
type Inputs = (u32, u32, u16, u16);

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
            if !expected.contains(&sheet.name.as_str()) {
                self.stray(sheet, &|_, _| false);
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
        let prefilled = |row: u32| {
            row.checked_sub(FIRST_DATA_ROW)
                .and_then(|i| fields.get(i as usize))
                .is_some_and(|f| f.prefill.is_some())
        };
        let fixed = |row: u32, col: u16| {
            heading(row, col, 2)
                || (row >= FIRST_DATA_ROW && row <= last_row && (col != 1 || prefilled(row)))
        };
        let inputs: Vec<Inputs> = (0..fields.len() as u32)
            .filter(|i| fields[*i as usize].prefill.is_none())
            .map(|i| (FIRST_DATA_ROW + i, FIRST_DATA_ROW + i, 1, 1))
            .collect();
        self.common(sheet, &fixed, &inputs);
        for (i, field) in fields.iter().enumerate() {
            let row = FIRST_DATA_ROW + i as u32;
            let label = sheet.get(row, 0).map(|v| v.display()).unwrap_or_default();
            if label != field.label {
                let detail = format!(
                    "{} は「{}」のはずが「{label}」（行の挿入・削除）",
                    a1(row, 0),
                    field.label
                );
                self.push(self.at("E0115", sheet, row, 0, detail));
                // Keep what was typed for the feedback workbook, unchecked.
                for (j, f) in fields
                    .iter()
                    .enumerate()
                    .skip(i)
                    .filter(|(_, f)| f.prefill.is_none())
                {
                    if let Some(v) = sheet.get(FIRST_DATA_ROW + j as u32, 1) {
                        self.typed.fields.insert(f.key.into(), typed(v));
                    }
                }
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
            let (value, typed) = self.cell(sheet, row, 1, field.ty, required, None);
            if let Some(value) = value
                && self.date_in_range(sheet, row, 1, field.key, &value)
            {
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
        let fixed = |row: u32, col: u16| {
            heading(row, col, last_col) || (row >= FIRST_DATA_ROW && row <= last_row && col == 0)
        };
        self.common(
            sheet,
            &fixed,
            &[(FIRST_DATA_ROW, last_row, TABLE_FIRST_COL, last_col)],
        );
        let mut entered: Vec<(u32, Row)> = Vec::new();
        // Typed rows keep their place (blank rows stay blank) so feedback marks line up.
        let mut typed_rows: Vec<Row> = Vec::new();
        for r in 0..rows {
            let row = FIRST_DATA_ROW + r;
            let used = (TABLE_FIRST_COL..=last_col)
                .any(|c| sheet.get(row, c).is_some() || sheet.formula(row, c).is_some());
            if !used {
                typed_rows.push(Row::new());
                continue;
            }
            let (mut values, mut typed) = (Row::new(), Row::new());
            for (i, column) in table.columns.iter().enumerate() {
                let col = TABLE_FIRST_COL + i as u16;
                let required = column.need.is_required(self.period.kind);
                let (value, raw) = self.cell(sheet, row, col, column.ty, required, column.unit);
                if let Some(value) = value
                    && self.date_in_range(sheet, row, col, column.key, &value)
                {
                    values.insert(column.key.into(), value);
                }
                if let Some(raw) = raw {
                    typed.insert(column.key.into(), raw);
                }
            }
            self.check_start_end(sheet, row, table, &values);
            if let Some((first, _)) = entered.iter().find(|(_, v)| *v == values) {
                let detail = format!("{}行目と同じ内容", first + 1);
                self.push(self.at("W0220", sheet, row, TABLE_FIRST_COL, detail));
            }
            entered.push((row, values));
            typed_rows.push(typed);
        }
        while typed_rows.last().is_some_and(Row::is_empty) {
            typed_rows.pop();
        }
        self.submission.tables.insert(
            table.key.into(),
            entered.into_iter().map(|(_, v)| v).collect(),
        );
        self.typed.tables.insert(table.key.into(), typed_rows);
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
        let inputs: Vec<Inputs> = if keys.is_empty() {
            Vec::new()
        } else {
            vec![(
                FIRST_DATA_ROW,
                FIRST_DATA_ROW + keys.len() as u32 - 1,
                first_input,
                last_col,
            )]
        };
        let last_row = FIRST_DATA_ROW + keys.len() as u32;
        let fixed = |row: u32, col: u16| {
            heading(row, col, last_col)
                || (row >= FIRST_DATA_ROW && row < last_row && col < first_input)
        };
        self.common(sheet, &fixed, &inputs);
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
            let unit = self
                .ctx
                .council
                .figure(&key.figure)
                .map(|f| f.unit.as_str());
            let (mut values, mut typed) = (Row::new(), Row::new());
            for (j, column) in columns.iter().enumerate() {
                let col = first_input + j as u16;
                if !intact {
                    if let Some(v) = sheet.get(row, col) {
                        typed.insert(column.key.into(), self::typed(v));
                    }
                    continue;
                }
                let required = column.need.is_required(self.period.kind);
                let unit = if column.ty == ColumnType::Count {
                    unit
                } else {
                    None
                };
                let (value, raw) = self.cell(sheet, row, col, column.ty, required, unit);
                if let Some(value) = value {
                    values.insert(column.key.into(), value);
                }
                if let Some(raw) = raw {
                    typed.insert(column.key.into(), raw);
                }
            }
            if intact {
                self.submission.figures.insert(key.clone(), values);
            }
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

    /// Reports values outside the input cells, values in hidden rows, and merged cells
    /// over the input cells.
    fn common(&mut self, sheet: &RawSheet, fixed: &dyn Fn(u32, u16) -> bool, inputs: &[Inputs]) {
        let is_input = |row: u32, col: u16| {
            inputs
                .iter()
                .any(|&(r0, r1, c0, c1)| row >= r0 && row <= r1 && col >= c0 && col <= c1)
        };
        self.stray(sheet, &|r, c| fixed(r, c) || is_input(r, c));
        let mut hidden: BTreeMap<u32, Vec<&crate::ingest::raw::RawCell>> =
            sheet.hidden_rows.iter().map(|r| (*r, Vec::new())).collect();
        for cell in &sheet.cells {
            if let Some(list) = hidden.get_mut(&cell.row) {
                list.push(cell);
            }
        }
        let first_input = inputs.first().map_or(0, |i| i.2);
        for (row, in_row) in hidden {
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

    /// One W0218 per value where `allowed` says no, up to [`MAX_STRAY`], then one for the rest.
    fn stray(&mut self, sheet: &RawSheet, allowed: &dyn Fn(u32, u16) -> bool) {
        let strays: Vec<&crate::ingest::raw::RawCell> = sheet
            .cells
            .iter()
            .filter(|c| !allowed(c.row, c.col))
            .collect();
        for cell in strays.iter().take(MAX_STRAY) {
            let f = self.at(
                "W0218",
                sheet,
                cell.row,
                cell.col,
                quote(&cell.value.display()),
            );
            self.push(f);
        }
        if strays.len() > MAX_STRAY {
            let first = strays[MAX_STRAY];
            let detail = format!("ほかに {} 個の値", strays.len() - MAX_STRAY);
            self.push(self.at("W0218", sheet, first.row, first.col, detail));
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
        unit: Option<&str>,
    ) -> (Option<Value>, Option<Value>) {
        let raw = sheet.get(row, col);
        if let Some(formula) = sheet.formula(row, col) {
            let formula = format!("={}", formula.trim_start_matches('='));
            let detail = match raw {
                Some(v) => format!("{formula}、値 {}", v.display()),
                None => format!("{formula}、計算結果がないため空欄として扱いました"),
            };
            self.push(self.at("W0215", sheet, row, col, detail));
        }
        let blank = match raw {
            None => true,
            Some(RawValue::Text(t)) => t.trim().is_empty(),
            _ => false,
        };
        if blank {
            if required {
                self.push(self.at("E0201", sheet, row, col, String::new()));
            }
            return (None, raw.map(typed));
        }
        let raw = raw.expect("not blank");
        let read: Read = match ty {
            ColumnType::Count => cells::count(raw, unit),
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

    /// Whether a date a member entered falls in a sensible window; E0206 when not. Dates
    /// outside it are not used (they would also mislead which submission is newest).
    fn date_in_range(
        &mut self,
        sheet: &RawSheet,
        row: u32,
        col: u16,
        key: &str,
        value: &Value,
    ) -> bool {
        let Value::Date(d) = value else { return true };
        let (first, last) = fiscal_year_range(self.ctx.council.fiscal_year());
        let year = Duration::days(366);
        let (from, to, what) = match key {
            "submitted_on" => (
                self.period.start,
                last + year,
                "報告期間の始まりから翌年度末まで",
            ),
            "desired_by" => (first, last + year, "年度の始まりから翌年度末まで"),
            // Initiatives may have begun in earlier years or run on; they must touch this year.
            "start" => (first - year * 10, last, "年度末まで"),
            "end" => (first, last + year * 5, "年度の始まり以後"),
            _ => (first, last, "年度内"),
        };
        if *d < from || *d > to {
            let detail = format!("{} は{what}（{}〜{}）の外です", ymd(*d), ymd(from), ymd(to));
            self.push(self.at("E0206", sheet, row, col, detail));
            return false;
        }
        true
    }

    fn check_start_end(&mut self, sheet: &RawSheet, row: u32, table: &TableSheet, values: &Row) {
        if let (Some(Value::Date(s)), Some(Value::Date(e))) =
            (values.get("start"), values.get("end"))
            && e < s
        {
            let col = TABLE_FIRST_COL
                + table
                    .columns
                    .iter()
                    .position(|c| c.key == "end")
                    .unwrap_or(0) as u16;
            let detail = format!("終了日 {} が開始日 {} より前です", ymd(*e), ymd(*s));
            self.push(self.at("E0224", sheet, row, col, detail));
        }
    }
}

/// Title, note and header cells every sheet has (up to `last_col` in the header row).
fn heading(row: u32, col: u16, last_col: u16) -> bool {
    ((row == TITLE_ROW || row == NOTE_ROW) && col == 0) || (row == HEADER_ROW && col <= last_col)
}

fn ymd(d: chrono::NaiveDate) -> String {
    d.format("%Y/%-m/%-d").to_string()
}

/// The value as the member typed it, for the feedback workbook.
fn typed(raw: &RawValue) -> Value {
    match raw {
        RawValue::Number(n) => Value::Number(*n),
        RawValue::Date(d) => Value::Date(*d),
        other => Value::Text(other.display()),
    }
}
