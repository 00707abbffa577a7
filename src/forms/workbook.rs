//! Builds one standard workbook from the form specification.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, DataValidationRule, DocProperties, ExcelDateTime,
    Formula, Note, ProtectionOptions, Workbook, Worksheet, XlsxError,
};

use super::Identity;
use super::guide;
use super::styles::Styles;
use crate::council::{Council, Period, Submitter};
use crate::dates::{fiscal_year_range, nendo_with_seireki, wareki, wareki_with_seireki};
use crate::error::{Error, Result};
use crate::spec::*;
use crate::submission::{Submission, Value};

/// A problem to show on a cell of a feedback workbook: the cell turns red and carries a note.
#[derive(Debug, Clone)]
pub struct CellMark {
    pub sheet: String,
    pub row: u32,
    pub col: u16,
    pub message: String,
}

/// What turns a form into a feedback workbook: marked cells, and the list of findings shown
/// on a first sheet (シート, セル, 区分, 内容, 入力値, 対処).
#[derive(Debug, Clone, Default)]
pub struct Feedback {
    pub marks: Vec<CellMark>,
    pub rows: Vec<[String; 6]>,
}

const A4: u8 = 9;
const COUNT_MAX: i32 = 99_999_999;

struct Ctx<'a> {
    council: &'a Council,
    submitter: &'a Submitter,
    period: &'a Period,
    styles: Styles,
    codes: BTreeMap<&'static str, Vec<Code>>,
    marks: &'a [CellMark],
}

const NO_MARKS: &[CellMark] = &[];

/// The workbook for one submitter and period as xlsx bytes. `filled` writes a member's entries
/// into the input cells (samples, feedback); `marks` highlights cells with a note.
pub fn workbook(
    council: &Council,
    submitter: &Submitter,
    period: &Period,
    issued: NaiveDate,
    filled: Option<&Submission>,
    feedback: Option<&Feedback>,
) -> Result<Vec<u8>> {
    let codes = CodeList::ALL
        .iter()
        .map(|l| (l.defined_name(), codes(council, *l)))
        .collect();
    let marks = feedback.map_or(NO_MARKS, |f| f.marks.as_slice());
    let ctx = Ctx {
        council,
        submitter,
        period,
        styles: Styles::new(),
        codes,
        marks,
    };
    let identity = Identity::new(council, submitter, period, issued);
    let empty = Submission::default();
    let filled = filled.unwrap_or(&empty);
    build(&ctx, &identity, filled, feedback)
        .map_err(Error::xlsx(format!("{} {}", submitter.id, period.id)))
}

fn build(
    ctx: &Ctx,
    identity: &Identity,
    filled: &Submission,
    feedback: Option<&Feedback>,
) -> Result<Vec<u8>, XlsxError> {
    let spec = form_spec();
    let mut wb = Workbook::new();
    wb.set_properties(&properties(ctx, identity));
    if let Some(feedback) = feedback {
        feedback_sheet(ctx, feedback, wb.add_worksheet())?;
    }
    guide_sheet(ctx, wb.add_worksheet(), feedback.is_none())?;
    basic_sheet(ctx, &spec, filled, wb.add_worksheet())?;
    for table in spec.tables_for(ctx.submitter.kind) {
        table_sheet(ctx, table, filled, wb.add_worksheet())?;
    }
    figures_sheet(ctx, filled, wb.add_worksheet())?;
    meta_sheet(identity, wb.add_worksheet())?;
    lists_sheet(ctx, wb.add_worksheet())?;
    for (i, list) in CodeList::ALL.iter().enumerate() {
        let n = ctx.codes[list.defined_name()].len().max(1) as u32;
        let range = format!(
            "='{SHEET_LISTS}'!${col}$2:${col}${}",
            n + 1,
            col = column_letters(i as u16)
        );
        wb.define_name(list.defined_name(), &range)?;
    }
    wb.save_to_buffer()
}

fn properties(ctx: &Ctx, identity: &Identity) -> DocProperties {
    let c = &ctx.council.def.council;
    let issued = identity.issued;
    let created = ExcelDateTime::from_ymd(
        issued.year() as u16,
        issued.month() as u8,
        issued.day() as u8,
    )
    .expect("valid date");
    let mut props = DocProperties::new()
        .set_title(format!(
            "{} 標準様式（{}・{}）",
            c.name, ctx.submitter.name, ctx.period.name
        ))
        .set_subject(format!(
            "{} {}",
            nendo_with_seireki(c.fiscal_year),
            ctx.period.name
        ))
        .set_author(format!("{}事務局", c.short_name))
        .set_company(c.prefecture.clone())
        .set_keywords("kyogikai")
        .set_creation_datetime(&created);
    for (key, value) in identity.pairs() {
        props = props.set_custom_property(format!("kyogikai.{key}"), value.as_str());
    }
    props
}

fn print_setup(ws: &mut Worksheet, ctx: &Ctx, landscape: bool) {
    ws.set_paper_size(A4);
    if landscape {
        ws.set_landscape();
    }
    ws.set_print_fit_to_pages(1, 0);
    let name = ctx.submitter.name.replace('&', "&&");
    ws.set_header(format!("&L{name}&R&A"));
    ws.set_footer("&C&P / &N");
}

fn protect(ws: &mut Worksheet) {
    let options = ProtectionOptions {
        format_columns: true,
        format_rows: true,
        ..ProtectionOptions::default()
    };
    ws.protect_with_options(&options);
}

fn feedback_sheet(ctx: &Ctx, feedback: &Feedback, ws: &mut Worksheet) -> Result<(), XlsxError> {
    let s = &ctx.styles;
    ws.set_name(SHEET_FEEDBACK)?;
    ws.write_string_with_format(
        TITLE_ROW,
        0,
        "指摘一覧（このシートは修正しなくてかまいません）",
        &s.title,
    )?;
    let note = "赤色のセルに問題があります。セルのメモ（コメント）に内容があります。直して、このファイルのまま送り返してください。";
    ws.write_string_with_format(NOTE_ROW, 0, note, &s.note)?;
    let headers = ["シート", "セル", "区分", "内容", "入力値", "対処"];
    let widths = [16.0, 8.0, 8.0, 60.0, 20.0, 50.0];
    for (col, (h, w)) in headers.iter().zip(widths).enumerate() {
        ws.write_string_with_format(HEADER_ROW, col as u16, *h, &s.header)?;
        ws.set_column_width(col as u16, w)?;
    }
    for (r, row) in feedback.rows.iter().enumerate() {
        for (col, text) in row.iter().enumerate() {
            ws.write_string_with_format(FIRST_DATA_ROW + r as u32, col as u16, text, &s.prefilled)?;
        }
    }
    ws.set_freeze_panes(FIRST_DATA_ROW, 0)?;
    ws.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    print_setup(ws, ctx, true);
    ws.set_active(true);
    Ok(())
}

fn guide_sheet(ctx: &Ctx, ws: &mut Worksheet, active: bool) -> Result<(), XlsxError> {
    ws.set_name(SHEET_GUIDE)?;
    ws.set_column_width(0, 110)?;
    for (row, line) in guide::lines(ctx.council, ctx.submitter, ctx.period)
        .iter()
        .enumerate()
    {
        let style = if row == 0 {
            &ctx.styles.title
        } else {
            &ctx.styles.text
        };
        ws.write_string_with_format(row as u32, 0, line, style)?;
    }
    print_setup(ws, ctx, false);
    protect(ws);
    ws.set_active(active);
    Ok(())
}

fn basic_sheet(
    ctx: &Ctx,
    spec: &FormSpec,
    filled: &Submission,
    ws: &mut Worksheet,
) -> Result<(), XlsxError> {
    let s = &ctx.styles;
    ws.set_name(SHEET_BASIC)?;
    ws.set_column_width(0, 18)?;
    ws.set_column_width(1, 44)?;
    ws.set_column_width(2, 44)?;
    ws.write_string_with_format(TITLE_ROW, 0, "基本情報", &s.title)?;
    ws.write_string_with_format(
        NOTE_ROW,
        0,
        "黄色の欄を記入してください。灰色の欄は事務局で記入済みです。",
        &s.note,
    )?;
    for (col, h) in ["項目", "内容", "説明"].iter().enumerate() {
        ws.write_string_with_format(HEADER_ROW, col as u16, *h, &s.header)?;
    }
    for (i, f) in spec.fields.iter().enumerate() {
        let row = FIRST_DATA_ROW + i as u32;
        ws.write_string_with_format(row, 0, f.label, &s.prefilled)?;
        ws.write_string_with_format(row, 2, f.prompt, &s.prefilled)?;
        match f.prefill {
            Some(p) => {
                ws.write_string_with_format(
                    row,
                    1,
                    prefill_text(ctx.council, ctx.submitter, ctx.period, p),
                    &s.prefilled,
                )?;
            }
            None => {
                write_input(ctx, ws, SHEET_BASIC, row, 1, f.ty, filled.fields.get(f.key))?;
                ws.add_data_validation(row, 1, row, 1, &validation(ctx, f.ty, f.label, f.prompt)?)?;
            }
        }
        ws.set_row_height(row, 20)?;
    }
    notes(ctx, ws, SHEET_BASIC)?;
    print_setup(ws, ctx, false);
    protect(ws);
    Ok(())
}

/// The text written into a prefilled 基本情報 cell.
pub fn prefill_text(
    council: &Council,
    submitter: &Submitter,
    period: &Period,
    p: Prefill,
) -> String {
    match p {
        Prefill::SubmitterId => submitter.id.clone(),
        Prefill::SubmitterName => submitter.name.clone(),
        Prefill::FiscalYear => nendo_with_seireki(council.fiscal_year()),
        Prefill::Period => format!(
            "{}（{}〜{}）",
            period.name,
            wareki(period.start),
            wareki(period.end)
        ),
        Prefill::Deadline => wareki_with_seireki(period.deadline),
    }
}

fn table_sheet(
    ctx: &Ctx,
    table: &TableSheet,
    filled: &Submission,
    ws: &mut Worksheet,
) -> Result<(), XlsxError> {
    let s = &ctx.styles;
    ws.set_name(table.name)?;
    ws.write_string_with_format(TITLE_ROW, 0, table.title, &s.title)?;
    ws.write_string_with_format(NOTE_ROW, 0, table.note, &s.note)?;
    ws.set_column_width(0, 5)?;
    ws.write_string_with_format(HEADER_ROW, 0, "No.", &s.header)?;
    let rows = table.rows(ctx.council);
    let last = FIRST_DATA_ROW + rows - 1;
    let entries = filled.tables.get(table.key);
    for r in 0..rows {
        ws.write_number_with_format(FIRST_DATA_ROW + r, 0, (r + 1) as f64, &s.prefilled)?;
        ws.set_row_height(FIRST_DATA_ROW + r, 30)?;
    }
    for (i, column) in table.columns.iter().enumerate() {
        let col = TABLE_FIRST_COL + i as u16;
        let required = column.need.is_required(ctx.period.kind);
        let header = if required {
            format!("{}（必須）", column.header)
        } else {
            column.header.to_string()
        };
        ws.write_string_with_format(HEADER_ROW, col, &header, &s.header)?;
        ws.set_column_width(col, column.width)?;
        for r in 0..rows {
            let value = entries
                .and_then(|rows| rows.get(r as usize))
                .and_then(|row| row.get(column.key));
            write_input(
                ctx,
                ws,
                table.name,
                FIRST_DATA_ROW + r,
                col,
                column.ty,
                value,
            )?;
        }
        ws.add_data_validation(
            FIRST_DATA_ROW,
            col,
            last,
            col,
            &validation(ctx, column.ty, column.header, column.prompt)?,
        )?;
    }
    ws.set_row_height(HEADER_ROW, 30)?;
    notes(ctx, ws, table.name)?;
    ws.set_freeze_panes(FIRST_DATA_ROW, TABLE_FIRST_COL + 1)?;
    ws.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    print_setup(ws, ctx, true);
    protect(ws);
    Ok(())
}

fn figures_sheet(ctx: &Ctx, filled: &Submission, ws: &mut Worksheet) -> Result<(), XlsxError> {
    let s = &ctx.styles;
    let council = ctx.council;
    ws.set_name(SHEET_FIGURES)?;
    let title = match ctx.period.kind {
        crate::council::PeriodKind::Plan => "数値目標（地域別・区分別）",
        crate::council::PeriodKind::Progress => "実績（地域別・区分別）",
    };
    ws.write_string_with_format(TITLE_ROW, 0, title, &s.title)?;
    ws.write_string_with_format(NOTE_ROW, 0, "黄色の欄に整数で記入してください。該当がなければ 0 を記入します。単位は「単位」列のとおりです。", &s.note)?;
    let columns = figure_columns(ctx.period.kind);
    for (col, (h, w)) in FIGURE_KEY_HEADERS.iter().zip(FIGURE_KEY_WIDTHS).enumerate() {
        ws.write_string_with_format(HEADER_ROW, col as u16, *h, &s.header)?;
        ws.set_column_width(col as u16, w)?;
    }
    let first_input = FIGURE_KEY_HEADERS.len() as u16;
    for (i, c) in columns.iter().enumerate() {
        ws.write_string_with_format(HEADER_ROW, first_input + i as u16, c.header, &s.header)?;
        ws.set_column_width(first_input + i as u16, c.width)?;
    }
    let rows = figure_rows(council, ctx.submitter);
    let region = council.region(&ctx.submitter.region_code);
    for (r, key) in rows.iter().enumerate() {
        let row = FIRST_DATA_ROW + r as u32;
        let category = council.category(&key.category).expect("checked");
        let figure = council.figure(&key.figure).expect("checked");
        let cells = [
            key.region.clone(),
            region.as_ref().map(|r| r.name.clone()).unwrap_or_default(),
            key.category.clone(),
            category.name.clone(),
            key.figure.clone(),
            figure.name.clone(),
            figure.unit.clone(),
        ];
        for (col, text) in cells.iter().enumerate() {
            ws.write_string_with_format(row, col as u16, text, &s.prefilled)?;
        }
        ws.set_row_height(row, 18)?;
        let entry = filled.figures.get(key);
        for (i, c) in columns.iter().enumerate() {
            let value = entry.and_then(|e| e.get(c.key));
            write_input(
                ctx,
                ws,
                SHEET_FIGURES,
                row,
                first_input + i as u16,
                c.ty,
                value,
            )?;
        }
    }
    if !rows.is_empty() {
        let last = FIRST_DATA_ROW + rows.len() as u32 - 1;
        for (i, c) in columns.iter().enumerate() {
            let col = first_input + i as u16;
            ws.add_data_validation(
                FIRST_DATA_ROW,
                col,
                last,
                col,
                &validation(ctx, c.ty, c.header, c.prompt)?,
            )?;
        }
    }
    notes(ctx, ws, SHEET_FIGURES)?;
    ws.set_freeze_panes(FIRST_DATA_ROW, 2)?;
    ws.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    print_setup(ws, ctx, true);
    protect(ws);
    Ok(())
}

fn meta_sheet(identity: &Identity, ws: &mut Worksheet) -> Result<(), XlsxError> {
    ws.set_name(SHEET_META)?;
    for (row, (key, value)) in identity.pairs().iter().enumerate() {
        ws.write_string(row as u32, 0, *key)?;
        ws.write_string(row as u32, 1, value)?;
    }
    ws.set_column_width(0, 16)?;
    ws.set_column_width(1, 24)?;
    ws.protect();
    ws.set_hidden(true);
    Ok(())
}

fn lists_sheet(ctx: &Ctx, ws: &mut Worksheet) -> Result<(), XlsxError> {
    ws.set_name(SHEET_LISTS)?;
    for (col, list) in CodeList::ALL.iter().enumerate() {
        let col = col as u16;
        ws.write_string(0, col, list.title())?;
        for (row, code) in ctx.codes[list.defined_name()].iter().enumerate() {
            ws.write_string(row as u32 + 1, col, &code.label)?;
        }
        ws.set_column_width(col, 30)?;
    }
    ws.protect();
    ws.set_hidden(true);
    Ok(())
}

/// Writes an input cell: unlocked, with the member's value if there is one.
fn write_input(
    ctx: &Ctx,
    ws: &mut Worksheet,
    sheet: &str,
    row: u32,
    col: u16,
    ty: ColumnType,
    value: Option<&Value>,
) -> Result<(), XlsxError> {
    let mark = ctx
        .marks
        .iter()
        .find(|m| m.sheet == sheet && m.row == row && m.col == col);
    let style = match (mark, value) {
        (Some(_), Some(Value::Date(_))) => &ctx.styles.marked_date,
        (Some(_), _) => &ctx.styles.marked,
        (None, _) => ctx.styles.input_for(ty),
    };
    match value {
        None => ws.write_blank(row, col, style)?,
        Some(Value::Text(t)) => ws.write_string_with_format(row, col, t, style)?,
        Some(Value::Int(n)) => ws.write_number_with_format(row, col, *n as f64, style)?,
        Some(Value::Number(n)) => ws.write_number_with_format(row, col, *n, style)?,
        Some(Value::Date(d)) => match crate::xlsx::excel_date(*d) {
            Some(dt) => ws.write_datetime_with_format(row, col, &dt, style)?,
            None => ws.write_string_with_format(row, col, d.to_string(), style)?,
        },
        Some(Value::Bool(b)) => {
            ws.write_string_with_format(row, col, if *b { "はい" } else { "いいえ" }, style)?
        }
        Some(Value::Code(id)) => {
            let label = code_label(ctx, ty, id);
            ws.write_string_with_format(row, col, &label, style)?
        }
    };
    Ok(())
}

/// Puts a note on every marked cell of a sheet (input or not), several findings of one
/// cell in one note. Called once a sheet's cells are written.
fn notes(ctx: &Ctx, ws: &mut Worksheet, sheet: &str) -> Result<(), XlsxError> {
    let mut by_cell: BTreeMap<(u32, u16), Vec<&str>> = BTreeMap::new();
    for m in ctx.marks.iter().filter(|m| m.sheet == sheet) {
        by_cell.entry((m.row, m.col)).or_default().push(&m.message);
    }
    let author = format!("{}事務局", ctx.council.def.council.short_name);
    for ((row, col), messages) in by_cell {
        let note = Note::new(messages.join(
            "

",
        ))
        .set_author(&author)
        .set_width(320)
        .set_height(160);
        ws.insert_note(row, col, &note)?;
    }
    Ok(())
}

fn code_label(ctx: &Ctx, ty: ColumnType, id: &str) -> String {
    let list = match ty {
        ColumnType::Code(list) => list,
        ColumnType::YesNo => CodeList::YesNo,
        _ => return id.to_string(),
    };
    ctx.codes[list.defined_name()]
        .iter()
        .find(|c| c.id == id)
        .map_or_else(|| id.to_string(), |c| c.label.clone())
}

/// The data validation of an input cell, with a Japanese prompt and error alert.
fn validation(
    ctx: &Ctx,
    ty: ColumnType,
    header: &str,
    prompt: &str,
) -> Result<DataValidation, XlsxError> {
    let (first, last) = fiscal_year_range(ctx.council.fiscal_year());
    let date = |d: NaiveDate, years: i32| {
        ExcelDateTime::from_ymd((d.year() + years) as u16, d.month() as u8, d.day() as u8)
    };
    let (dv, error) = match ty {
        ColumnType::Code(list) => (
            DataValidation::new()
                .allow_list_formula(Formula::new(format!("={}", list.defined_name()))),
            "一覧から選んでください。".to_string(),
        ),
        ColumnType::YesNo => (
            DataValidation::new()
                .allow_list_formula(Formula::new(format!("={}", CodeList::YesNo.defined_name()))),
            "「はい」か「いいえ」を選んでください。".to_string(),
        ),
        ColumnType::Count => (
            DataValidation::new().allow_whole_number(DataValidationRule::Between(0, COUNT_MAX)),
            "0以上の整数を入力してください（単位や記号は入力しません）。".to_string(),
        ),
        ColumnType::Date => (
            DataValidation::new().allow_date(DataValidationRule::Between(
                date(first, -1)?,
                date(last, 2)?,
            )),
            format!(
                "{}年度前後の日付を 2026/5/15 の形で入力してください。",
                ctx.council.fiscal_year()
            ),
        ),
        ColumnType::Text { max } => (
            DataValidation::new()
                .allow_text_length(DataValidationRule::LessThanOrEqualTo(max as u32)),
            format!("{max}字以内で入力してください。"),
        ),
    };
    let title: String = header.chars().take(30).collect();
    let mut dv = dv
        .set_input_title(title)?
        .set_error_title("入力内容を確認してください")?
        .set_error_message(error)?;
    if !prompt.is_empty() {
        dv = dv.set_input_message(prompt)?;
    }
    Ok(dv.set_error_style(DataValidationErrorStyle::Stop))
}

fn column_letters(col: u16) -> String {
    let a1 = a1(0, col);
    a1.trim_end_matches('1').to_string()
}
