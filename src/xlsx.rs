//! Plain report workbooks (validation results, ledger, later the Excel reports): a cover sheet
//! with title and dates, then one machine-readable table per sheet (総務省 rules: one header
//! row, one datum per cell, no merged cells, numbers as numbers, units in the header).

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use crate::forms::styles::FONT;

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    Number(f64),
    Date(NaiveDate),
    Empty,
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_string())
    }
}
impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}
impl From<i64> for Cell {
    fn from(n: i64) -> Self {
        Cell::Int(n)
    }
}
impl From<usize> for Cell {
    fn from(n: usize) -> Self {
        Cell::Int(n as i64)
    }
}
impl From<Option<NaiveDate>> for Cell {
    fn from(d: Option<NaiveDate>) -> Self {
        d.map_or(Cell::Empty, Cell::Date)
    }
}

/// One data sheet: a header row and rows of cells.
pub struct Table {
    pub name: String,
    pub columns: Vec<(String, f64)>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn new(name: &str, columns: &[(&str, f64)]) -> Self {
        Table {
            name: name.into(),
            columns: columns.iter().map(|(h, w)| (h.to_string(), *w)).collect(),
            rows: Vec::new(),
        }
    }
}

/// Height in points of one line of the 10-point text of report sheets.
const LINE_HEIGHT: f64 = 13.5;

fn base() -> Format {
    Format::new().set_font_name(FONT).set_font_size(10)
}

/// The date for Excel, or `None` for a year Excel cannot hold (before 1900, after 9999).
pub fn excel_date(d: NaiveDate) -> Option<ExcelDateTime> {
    if !(1900..=9999).contains(&d.year()) {
        return None;
    }
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8).ok()
}

/// A column chart drawn from cells of the tables: categories and one or more series, each a
/// (sheet, first row, column, last row) range.
pub struct ChartSpec {
    pub title: String,
    pub alt: String,
    pub categories: (String, u32, u16, u32),
    pub series: Vec<(String, (String, u32, u16, u32))>,
}

/// A workbook of a cover sheet (title lines) and data tables, as bytes.
pub fn workbook(
    title: &str,
    cover: &[(String, String)],
    tables: &[Table],
    as_of: NaiveDate,
    author: &str,
) -> Result<Vec<u8>, XlsxError> {
    workbook_with_charts(title, cover, tables, &[], as_of, author)
}

/// Like [`workbook`], with a グラフ sheet of charts after the tables.
pub fn workbook_with_charts(
    title: &str,
    cover: &[(String, String)],
    tables: &[Table],
    charts: &[ChartSpec],
    as_of: NaiveDate,
    author: &str,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let props = DocProperties::new()
        .set_title(title)
        .set_author(author)
        .set_creation_datetime(
            &excel_date(as_of)
                .unwrap_or_else(|| ExcelDateTime::from_ymd(2000, 1, 1).expect("valid")),
        );
    wb.set_properties(&props);
    cover_sheet(wb.add_worksheet(), title, cover)?;
    for t in tables {
        table_sheet(wb.add_worksheet(), t)?;
    }
    if !charts.is_empty() {
        let ws = wb.add_worksheet();
        ws.set_name("グラフ")?;
        for (i, spec) in charts.iter().enumerate() {
            let mut chart = rust_xlsxwriter::Chart::new_column();
            chart.title().set_name(&spec.title);
            chart.set_alt_text(&spec.alt);
            chart.set_width(560).set_height(300);
            for (name, (sheet, r0, c, r1)) in &spec.series {
                let (cs, cr0, cc, cr1) = &spec.categories;
                chart
                    .add_series()
                    .set_name(name.as_str())
                    .set_categories((cs.as_str(), *cr0, *cc, *cr1, *cc))
                    .set_values((sheet.as_str(), *r0, *c, *r1, *c));
            }
            let (row, col) = ((i / 2) as u32 * 16, (i % 2) as u16 * 9);
            ws.insert_chart(row, col, &chart)?;
        }
        ws.set_paper_size(9);
        ws.set_landscape();
        ws.set_print_fit_to_pages(1, 0);
    }
    wb.save_to_buffer()
}

fn cover_sheet(
    ws: &mut Worksheet,
    title: &str,
    cover: &[(String, String)],
) -> Result<(), XlsxError> {
    ws.set_name("表紙")?;
    ws.set_column_width(0, 20)?;
    ws.set_column_width(1, 80)?;
    ws.write_string_with_format(0, 0, title, &base().set_bold().set_font_size(16))?;
    let label = base().set_bold();
    let text = base().set_text_wrap();
    for (i, (k, v)) in cover.iter().enumerate() {
        ws.write_string_with_format(2 + i as u32, 0, k, &label)?;
        ws.write_string_with_format(2 + i as u32, 1, v, &text)?;
    }
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}

fn table_sheet(ws: &mut Worksheet, t: &Table) -> Result<(), XlsxError> {
    ws.set_name(&t.name)?;
    let header = base()
        .set_bold()
        .set_background_color(0xDDEBF7)
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Center);
    let text = base()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let int = base()
        .set_border(FormatBorder::Thin)
        .set_num_format("#,##0")
        .set_align(FormatAlign::Top);
    let num = base()
        .set_border(FormatBorder::Thin)
        .set_num_format("#,##0.0")
        .set_align(FormatAlign::Top);
    let date = base()
        .set_border(FormatBorder::Thin)
        .set_num_format("yyyy/m/d")
        .set_align(FormatAlign::Top);
    let empty = base().set_border(FormatBorder::Thin);
    for (c, (h, w)) in t.columns.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &header)?;
        ws.set_column_width(c as u16, *w)?;
    }
    for (r, row) in t.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(s) => ws.write_string_with_format(r, c, s, &text)?,
                Cell::Int(n) => ws.write_number_with_format(r, c, *n as f64, &int)?,
                Cell::Number(n) => ws.write_number_with_format(r, c, *n, &num)?,
                Cell::Date(d) => match excel_date(*d) {
                    Some(x) => ws.write_datetime_with_format(r, c, &x, &date)?,
                    None => ws.write_string_with_format(r, c, d.to_string(), &text)?,
                },
                Cell::Empty => ws.write_blank(r, c, &empty)?,
            };
        }
        // Wrapped text gets the height it needs: neither Excel nor LibreOffice fits rows of a
        // generated file, and an unfitted row overprints the next one.
        let lines = row
            .iter()
            .zip(&t.columns)
            .filter_map(|(cell, (_, w))| match cell {
                Cell::Text(s) => Some(crate::text::wrapped_lines(s, *w)),
                _ => None,
            })
            .max()
            .unwrap_or(1);
        if lines > 1 {
            ws.set_row_height(r, (LINE_HEIGHT * lines as f64 + 2.0).min(409.0))?;
        }
    }
    let last_col = t.columns.len().max(1) as u16 - 1;
    ws.set_row_height(0, 32)?;
    ws.autofilter(0, 0, t.rows.len() as u32, last_col)?;
    ws.set_freeze_panes(1, 0)?;
    ws.set_repeat_rows(0, 0)?;
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_footer("&C&P / &N");
    Ok(())
}
