//! Cell formats of the standard workbook. Input cells are pale yellow and unlocked; everything
//! the tool fills in is grey and locked, so a member sees at once where to type.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder};

use crate::spec::ColumnType;

/// BIZ UD fonts ship with Windows 10 and later; LibreOffice substitutes where they are missing.
pub const FONT: &str = "BIZ UDGothic";

pub struct Styles {
    pub title: Format,
    pub note: Format,
    pub text: Format,
    pub header: Format,
    pub prefilled: Format,
    pub input_text: Format,
    pub input_count: Format,
    pub input_date: Format,
    /// A cell with a problem in a feedback workbook.
    pub marked: Format,
    pub marked_date: Format,
}

fn base() -> Format {
    Format::new().set_font_name(FONT).set_font_size(10)
}

impl Styles {
    pub fn new() -> Self {
        let cell = || {
            base()
                .set_border(FormatBorder::Thin)
                .set_align(FormatAlign::VerticalCenter)
        };
        let input = || cell().set_unlocked().set_background_color(0xFFF9DB);
        Styles {
            title: base().set_bold().set_font_size(14),
            note: base().set_font_size(9).set_font_color(0x404040),
            text: base().set_text_wrap().set_align(FormatAlign::Top),
            header: cell()
                .set_bold()
                .set_background_color(0xDDEBF7)
                .set_text_wrap()
                .set_align(FormatAlign::Center),
            prefilled: cell().set_background_color(0xEDEDED).set_text_wrap(),
            // Text format keeps a phone number's leading zero.
            input_text: input().set_text_wrap().set_num_format("@"),
            input_count: input().set_num_format("#,##0"),
            input_date: input().set_num_format("yyyy/m/d"),
            marked: cell()
                .set_unlocked()
                .set_background_color(0xFFC7CE)
                .set_font_color(0x9C0006)
                .set_text_wrap(),
            marked_date: cell()
                .set_unlocked()
                .set_background_color(0xFFC7CE)
                .set_font_color(0x9C0006)
                .set_num_format("yyyy/m/d"),
        }
    }

    pub fn input_for(&self, ty: ColumnType) -> &Format {
        match ty {
            ColumnType::Count => &self.input_count,
            ColumnType::Date => &self.input_date,
            _ => &self.input_text,
        }
    }
}
