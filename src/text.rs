//! Small text helpers shared by the reader and the writers.

/// Folds 全角 ASCII (Ｕ+FF01–FF5E) and the ideographic space to their ASCII forms. Kana and
/// kanji are left alone; this is for digits, letters and punctuation that people type in 全角 mode.
pub fn normalize_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

/// Groups an integer by three digits: 12345 → "12,345".
pub fn group_digits(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A file-name-safe form of a Japanese name: path separators and characters that Windows
/// forbids are replaced, so a member's name can be part of a file name on every system.
pub fn file_name_safe(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            ' ' | '\u{3000}' => '_',
            c => c,
        })
        .collect()
}

/// How many lines `s` takes in a wrapping cell `width` characters wide (Excel's column
/// width, in widths of the digit 0), counting a 全角 character as 1.6 (as the report font
/// sets them in LibreOffice). A rough measure, for row heights that spreadsheet programs do
/// not work out by themselves.
pub fn wrapped_lines(s: &str, width: f64) -> usize {
    let per_line = width.max(1.0);
    s.split('\n')
        .map(|line| {
            let w: f64 = line
                .chars()
                .map(|c| {
                    let narrow = (c as u32) < 0x1100 || ('\u{FF61}'..='\u{FF9F}').contains(&c);
                    if narrow { 1.0 } else { 1.6 }
                })
                .sum();
            ((w / per_line).ceil() as usize).max(1)
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths() {
        assert_eq!(normalize_width("１２３，４５６　人"), "123,456 人");
        assert_eq!(normalize_width("Ｒ８．４．１"), "R8.4.1");
    }

    #[test]
    fn lines_of_wrapped_text() {
        assert_eq!(wrapped_lines("K01", 10.0), 1);
        assert_eq!(wrapped_lines("", 10.0), 1);
        // 28 全角 characters are 44.8 units: two lines of a 26-wide column, one of a 48-wide.
        let long = "③社会参加に向けた支援を必要とする方（ひきこもり等）ああ";
        assert_eq!(wrapped_lines(long, 26.0), 2);
        assert_eq!(wrapped_lines(long, 48.0), 1);
        assert_eq!(wrapped_lines("一行目\n二行目", 40.0), 2);
    }

    #[test]
    fn grouping() {
        assert_eq!(group_digits(0), "0");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(1000), "1,000");
        assert_eq!(group_digits(-1234567), "-1,234,567");
    }

    #[test]
    fn safe_names() {
        assert_eq!(
            file_name_safe("独立行政法人 高齢/障害"),
            "独立行政法人_高齢_障害"
        );
    }
}
