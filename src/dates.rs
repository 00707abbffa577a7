//! Japanese calendar conventions: 和暦 (era years), 年度 (fiscal years from April to March),
//! and parsing of the date spellings people type into forms.
//!
//! Everything a person reads shows the era year; machine-readable tables show 西暦 beside it
//! (総務省 rule 1-11). Only 令和 and 平成 are needed for the dates this tool meets; earlier dates
//! fall back to 西暦 alone rather than guessing.

use chrono::{Datelike, NaiveDate};

/// An era with the first day it was in force.
struct Era {
    name: &'static str,
    letter: char,
    start: (i32, u32, u32),
}

const ERAS: [Era; 2] = [
    Era {
        name: "令和",
        letter: 'R',
        start: (2019, 5, 1),
    },
    Era {
        name: "平成",
        letter: 'H',
        start: (1989, 1, 8),
    },
];

fn era_of(date: NaiveDate) -> Option<(&'static Era, i32)> {
    ERAS.iter().find_map(|era| {
        let (y, m, d) = era.start;
        let start = NaiveDate::from_ymd_opt(y, m, d)?;
        (date >= start).then(|| (era, date.year() - y + 1))
    })
}

fn year_label(n: i32) -> String {
    if n == 1 {
        "元".to_string()
    } else {
        n.to_string()
    }
}

/// 「令和8年4月1日」.
pub fn wareki(date: NaiveDate) -> String {
    match era_of(date) {
        Some((era, n)) => {
            format!(
                "{}{}年{}月{}日",
                era.name,
                year_label(n),
                date.month(),
                date.day()
            )
        }
        None => format!("{}年{}月{}日", date.year(), date.month(), date.day()),
    }
}

/// 「令和8年4月1日（2026年4月1日）」: era date with the Gregorian date beside it.
pub fn wareki_with_seireki(date: NaiveDate) -> String {
    format!(
        "{}（{}年{}月{}日）",
        wareki(date),
        date.year(),
        date.month(),
        date.day()
    )
}

/// The era name of a fiscal year, e.g. 2026 → 「令和8年度」, 2019 → 「令和元年度」.
/// A fiscal year is named by the era of its first day (April 1); 2019's April was still 平成,
/// but by convention 2019年度 is called 令和元年度, so the era is taken at the year's end instead.
pub fn nendo(fiscal_year: i32) -> String {
    let last_day = NaiveDate::from_ymd_opt(fiscal_year + 1, 3, 31).expect("valid date");
    match era_of(last_day) {
        Some((era, _)) => {
            let (y, _, _) = era.start;
            format!("{}{}年度", era.name, year_label(fiscal_year - y + 1))
        }
        None => format!("{fiscal_year}年度"),
    }
}

/// 「令和8年度（2026年度）」.
pub fn nendo_with_seireki(fiscal_year: i32) -> String {
    format!("{}（{}年度）", nendo(fiscal_year), fiscal_year)
}

/// The fiscal year a date belongs to (April to March).
pub fn fiscal_year_of(date: NaiveDate) -> i32 {
    if date.month() >= 4 {
        date.year()
    } else {
        date.year() - 1
    }
}

/// First and last day of a fiscal year.
pub fn fiscal_year_range(fiscal_year: i32) -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(fiscal_year, 4, 1).expect("valid date"),
        NaiveDate::from_ymd_opt(fiscal_year + 1, 3, 31).expect("valid date"),
    )
}

/// Parses a date as people type it into a cell: `2026-04-01`, `2026/4/1`, `2026.4.1`,
/// `2026年4月1日`, `令和8年4月1日`, `令和元年5月1日`, `R8.4.1`, `R8/4/1`, `H31.4.30`,
/// with 全角 digits or spaces anywhere. Returns `None` when the text is not a date or names a
/// day that does not exist, or an era year before the era began.
pub fn parse_date_text(text: &str) -> Option<NaiveDate> {
    let s: String = crate::text::normalize_width(text)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let (era, rest) = split_era(&s);
    let nums = split_numbers(rest)?;
    let [y, m, d] = nums[..] else { return None };
    let year = match era {
        Some(era) => {
            if y == 0 {
                return None;
            }
            era.start.0 + y as i32 - 1
        }
        None if (1900..=2200).contains(&y) => y as i32,
        None => return None,
    };
    let date = NaiveDate::from_ymd_opt(year, m, d)?;
    if let Some(era) = era {
        let (ey, em, ed) = era.start;
        if date < NaiveDate::from_ymd_opt(ey, em, ed)? {
            return None;
        }
    }
    Some(date)
}

fn split_era(s: &str) -> (Option<&'static Era>, &str) {
    for era in &ERAS {
        if let Some(rest) = s.strip_prefix(era.name) {
            return (Some(era), rest);
        }
        let lower = era.letter.to_ascii_lowercase();
        if let Some(rest) = s.strip_prefix(era.letter).or_else(|| s.strip_prefix(lower)) {
            return (Some(era), rest);
        }
    }
    (None, s)
}

/// Splits `8年4月1日`, `8.4.1`, `2026-04-01`, `元年5月1日` into numbers; separators must be
/// used consistently enough that exactly three numbers come out.
fn split_numbers(s: &str) -> Option<Vec<u32>> {
    let s = s.replacen("元", "1", 1);
    let s = s.strip_suffix('日').unwrap_or(&s);
    let mut out = Vec::new();
    let mut current = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            current.push(c);
        } else if matches!(c, '年' | '月' | '/' | '-' | '.') {
            if current.is_empty() {
                return None;
            }
            out.push(current.parse().ok()?);
            current.clear();
        } else {
            return None;
        }
    }
    if current.is_empty() || current.len() > 4 {
        return None;
    }
    out.push(current.parse().ok()?);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn era_dates() {
        assert_eq!(wareki(d(2026, 4, 1)), "令和8年4月1日");
        assert_eq!(wareki(d(2019, 5, 1)), "令和元年5月1日");
        assert_eq!(wareki(d(2019, 4, 30)), "平成31年4月30日");
        assert_eq!(wareki(d(1989, 1, 8)), "平成元年1月8日");
        assert_eq!(wareki(d(1980, 1, 1)), "1980年1月1日");
        assert_eq!(
            wareki_with_seireki(d(2027, 3, 31)),
            "令和9年3月31日（2027年3月31日）"
        );
    }

    #[test]
    fn fiscal_years() {
        assert_eq!(nendo(2026), "令和8年度");
        assert_eq!(nendo(2019), "令和元年度");
        assert_eq!(nendo(2018), "平成30年度");
        assert_eq!(nendo_with_seireki(2025), "令和7年度（2025年度）");
        assert_eq!(fiscal_year_of(d(2027, 3, 31)), 2026);
        assert_eq!(fiscal_year_of(d(2026, 4, 1)), 2026);
        assert_eq!(fiscal_year_range(2026), (d(2026, 4, 1), d(2027, 3, 31)));
    }

    #[test]
    fn typed_dates() {
        for text in [
            "2026-04-01",
            "2026/4/1",
            "2026.4.1",
            "2026年4月1日",
            "令和8年4月1日",
            "R8.4.1",
            "r8/4/1",
            "２０２６／４／１",
            " 令和 8年 4月 1日 ",
        ] {
            assert_eq!(parse_date_text(text), Some(d(2026, 4, 1)), "{text}");
        }
        assert_eq!(parse_date_text("令和元年5月1日"), Some(d(2019, 5, 1)));
        assert_eq!(parse_date_text("H31.4.30"), Some(d(2019, 4, 30)));
    }

    #[test]
    fn not_dates() {
        for text in [
            "",
            "未定",
            "2026/2/30",
            "令和元年4月1日",
            "R0.4.1",
            "12",
            "2026/4",
            "4/1/2026x",
        ] {
            assert_eq!(parse_date_text(text), None, "{text}");
        }
    }
}
