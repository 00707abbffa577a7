//! Reading one cell as the type the form specification says it holds. What a person would
//! type and what is unambiguous (全角 digits, "1,234", "12人", "令和8年4月1日", "青ケ島村", "○")
//! is accepted and normalised with a warning; anything else is an error. Each function
//! returns the value and the findings' codes with their detail, never a Finding itself:
//! the caller knows the place.

use chrono::{Datelike, NaiveDate};

use crate::dates::parse_date_text;
use crate::findings::quote;
use crate::ingest::RawValue;
use crate::spec::Code;
use crate::submission::Value;
use crate::text::normalize_width;

/// A code and the detail for its message.
pub type Note = (&'static str, String);

/// The outcome of reading a cell: the value if it could be read, and what was noticed.
pub struct Read {
    pub value: Option<Value>,
    pub notes: Vec<Note>,
}

impl Read {
    fn ok(value: Value) -> Self {
        Read {
            value: Some(value),
            notes: Vec::new(),
        }
    }
    fn warn(value: Value, code: &'static str, detail: String) -> Self {
        Read {
            value: Some(value),
            notes: vec![(code, detail)],
        }
    }
    fn error(code: &'static str, detail: String) -> Self {
        Read {
            value: None,
            notes: vec![(code, detail)],
        }
    }
}

/// Units people type after a number; stripped with a warning.
const UNITS: [&str; 12] = [
    "千円", "万円", "円", "人", "名", "件", "回", "か所", "箇所", "団体", "社", "日",
];

/// A whole number ≥ 0.
/// A whole number ≥ 0. `unit` is the unit the cell is in (人, 千円, …), when known: a
/// different unit typed after the number is an error, never a silent rescaling.
pub fn count(raw: &RawValue, unit: Option<&str>) -> Read {
    match raw {
        RawValue::Number(n) => number_value(*n, &raw.display()),
        RawValue::Text(s) => count_text(s, unit),
        other => Read::error("E0202", quote(&other.display())),
    }
}

fn number_value(n: f64, seen: &str) -> Read {
    if !n.is_finite() || n.abs() > 1e12 {
        return Read::error("E0202", quote(seen));
    }
    if n < 0.0 {
        return Read::error("E0204", quote(seen));
    }
    if n.fract() != 0.0 {
        return Read::error("E0203", quote(seen));
    }
    Read::ok(Value::Int(n as i64))
}

fn count_text(original: &str, expected: Option<&str>) -> Read {
    let mut s = normalize_width(original).trim().to_string();
    let mut notes: Vec<Note> = Vec::new();
    let mut unit = None;
    for u in UNITS {
        if let Some(rest) = s.strip_suffix(u) {
            unit = Some(u);
            s = rest.trim_end().to_string();
            break;
        }
    }
    let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let grouped = compact.contains(',');
    let digits = if grouped && valid_grouping(&compact) {
        compact.replace(',', "")
    } else {
        compact.clone()
    };
    let negative = digits.starts_with('-') || digits.starts_with('▲') || digits.starts_with('△');
    let body = digits.trim_start_matches(['-', '▲', '△']);
    if body.is_empty()
        || !body.chars().all(|c| c.is_ascii_digit() || c == '.')
        || body.matches('.').count() > 1
    {
        return Read::error("E0202", quote(original));
    }
    if negative {
        return Read::error("E0204", quote(original));
    }
    if body.contains('.') {
        let as_number: f64 = body.parse().unwrap_or(f64::NAN);
        if as_number.fract() != 0.0 || !as_number.is_finite() {
            return Read::error("E0203", quote(original));
        }
    }
    let Ok(n) = body.split('.').next().unwrap_or("").parse::<i64>() else {
        return Read::error("E0202", quote(original));
    };
    if n > 1_000_000_000_000 {
        return Read::error("E0202", quote(original));
    }
    if let Some(u) = unit
        && !unit_fits(u, expected)
    {
        let wanted = expected.map_or("単位なし".to_string(), |e| format!("単位は{e}"));
        return Read::error("E0202", format!("{}（{wanted}）", quote(original)));
    }
    if let Some(u) = unit {
        notes.push(("W0211", format!("{} → {n}（単位「{u}」）", quote(original))));
    } else {
        notes.push(("W0210", format!("{} → {n}", quote(original))));
    }
    Read {
        value: Some(Value::Int(n)),
        notes,
    }
}

/// Whether a unit typed after a number means the cell's own unit. Money must match exactly
/// (千円 is not 円); counts of people accept 名 for 人.
fn unit_fits(typed: &str, expected: Option<&str>) -> bool {
    let money = ["千円", "万円", "円"];
    match expected {
        Some(e) if e == typed => true,
        Some("人") => typed == "名",
        Some(_) => false,
        None => !money.contains(&typed),
    }
}

/// "1,234,567": commas every three digits from the right.
fn valid_grouping(s: &str) -> bool {
    let s = s.trim_start_matches(['-', '▲', '△']);
    let int = s.split('.').next().unwrap_or("");
    let groups: Vec<&str> = int.split(',').collect();
    !groups[0].is_empty() && groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3)
}

/// A date; Excel serial numbers and dates typed as text are read with a warning.
pub fn date(raw: &RawValue) -> Read {
    match raw {
        RawValue::Date(d) if (1900..=9999).contains(&d.year()) => Read::ok(Value::Date(*d)),
        RawValue::Number(n) if (20_000.0..80_000.0).contains(n) && n.fract() == 0.0 => {
            let d = NaiveDate::from_ymd_opt(1899, 12, 30).expect("epoch")
                + chrono::Duration::days(*n as i64);
            Read::warn(
                Value::Date(d),
                "W0212",
                format!("シリアル値 {} → {}", *n as i64, d.format("%Y/%-m/%-d")),
            )
        }
        RawValue::Text(s) => match parse_date_text(s) {
            Some(d) => Read::warn(
                Value::Date(d),
                "W0212",
                format!("{} → {}", quote(s), d.format("%Y/%-m/%-d")),
            ),
            None => Read::error("E0205", quote(s)),
        },
        RawValue::Other(s) => match s
            .get(..10)
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        {
            Some(d) => Read::warn(
                Value::Date(d),
                "W0212",
                format!("{} → {}", quote(s), d.format("%Y/%-m/%-d")),
            ),
            None => Read::error("E0205", quote(s)),
        },
        other => Read::error("E0205", quote(&other.display())),
    }
}

/// Text of at most `max` characters (numbers typed into a text cell are kept as written).
pub fn text(raw: &RawValue, max: usize) -> Read {
    let s = match raw {
        RawValue::Text(s) => s.trim().to_string(),
        other => other.display(),
    };
    if s.is_empty() {
        return Read {
            value: None,
            notes: Vec::new(),
        };
    }
    let n = s.chars().count();
    let mut read = Read::ok(Value::Text(s));
    if n > max {
        read.notes.push(("E0207", format!("{n}字、上限{max}字")));
    }
    read
}

/// Folds the spellings that mean the same name: 全角/半角, spaces, ケ/ヶ/が, ノ/の.
fn fold(s: &str) -> String {
    normalize_width(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            'ケ' | 'ヶ' | 'が' | 'ガ' => 'ヶ',
            'ノ' => 'の',
            '桧' => '檜',
            c => c,
        })
        .collect()
}

/// A value from a code list: its label, its id, or its name without the id; a variant
/// spelling of a name is accepted with a warning.
pub fn code(raw: &RawValue, codes: &[Code]) -> Read {
    let seen = raw.display();
    let s = seen.trim();
    if let Some(c) = codes.iter().find(|c| c.label == s || c.id == s) {
        return Read::ok(Value::Code(c.id.clone()));
    }
    let without_id = |c: &Code| {
        c.label
            .strip_prefix(&format!("{} ", c.id))
            .map(str::to_string)
            .unwrap_or(c.label.clone())
    };
    if let Some(c) = codes.iter().find(|c| without_id(c) == s) {
        return Read::ok(Value::Code(c.id.clone()));
    }
    let folded = fold(s);
    if let Some(c) = codes.iter().find(|c| {
        fold(&c.label) == folded || fold(&without_id(c)) == folded || fold(&c.id) == folded
    }) {
        return Read::warn(
            Value::Code(c.id.clone()),
            "W0213",
            format!("{} → 「{}」", quote(s), c.label),
        );
    }
    Read::error("E0208", quote(s))
}

/// はい／いいえ; ○ × and the like with a warning.
pub fn yes_no(raw: &RawValue) -> Read {
    let seen = raw.display();
    let s = normalize_width(seen.trim()).to_lowercase();
    match s.as_str() {
        "はい" => return Read::ok(Value::Code("yes".into())),
        "いいえ" => return Read::ok(Value::Code("no".into())),
        _ => {}
    }
    let yes = [
        "○", "〇", "◯", "可", "有", "要", "yes", "y", "true", "1", "する",
    ];
    let no = [
        "×",
        "✕",
        "✖",
        "否",
        "不可",
        "無",
        "不要",
        "no",
        "n",
        "false",
        "0",
        "しない",
    ];
    if yes.contains(&s.as_str()) || matches!(raw, RawValue::Bool(true)) {
        return Read::warn(
            Value::Code("yes".into()),
            "W0214",
            format!("{} → はい", quote(&seen)),
        );
    }
    if no.contains(&s.as_str()) || matches!(raw, RawValue::Bool(false)) {
        return Read::warn(
            Value::Code("no".into()),
            "W0214",
            format!("{} → いいえ", quote(&seen)),
        );
    }
    Read::error("E0209", quote(&seen))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count_any(raw: &RawValue) -> Read {
        count(raw, None)
    }

    #[test]
    fn units_must_match_the_cell() {
        assert_eq!(count(&t("12人"), Some("人")).value, Some(Value::Int(12)));
        assert_eq!(count(&t("12名"), Some("人")).value, Some(Value::Int(12)));
        assert_eq!(codes_of(&count(&t("500万円"), Some("千円"))), ["E0202"]);
        assert_eq!(codes_of(&count(&t("1,500,000円"), Some("千円"))), ["E0202"]);
        assert_eq!(
            count(&t("500千円"), Some("千円")).value,
            Some(Value::Int(500))
        );
        assert_eq!(codes_of(&count(&t("3件"), Some("人"))), ["E0202"]);
        assert_eq!(codes_of(&count(&t("300円"), None)), ["E0202"]);
    }

    fn t(s: &str) -> RawValue {
        RawValue::Text(s.into())
    }

    fn codes_of(read: &Read) -> Vec<&'static str> {
        read.notes.iter().map(|(c, _)| *c).collect()
    }

    #[test]
    fn counts() {
        assert_eq!(
            count_any(&RawValue::Number(12.0)).value,
            Some(Value::Int(12))
        );
        assert!(count_any(&RawValue::Number(12.0)).notes.is_empty());
        for (s, n, code) in [
            ("１２", 12, "W0210"),
            ("1,234", 1234, "W0210"),
            (" 12 ", 12, "W0210"),
            ("12人", 12, "W0211"),
            ("１，２３４ 件", 1234, "W0211"),
        ] {
            let r = count_any(&t(s));
            assert_eq!(r.value, Some(Value::Int(n)), "{s}");
            assert_eq!(codes_of(&r), [code], "{s}");
        }
        assert_eq!(codes_of(&count_any(&t("N/A"))), ["E0202"]);
        assert_eq!(codes_of(&count_any(&t("12,34"))), ["E0202"]);
        assert_eq!(codes_of(&count_any(&RawValue::Number(1.5))), ["E0203"]);
        assert_eq!(codes_of(&count_any(&t("1.5"))), ["E0203"]);
        assert_eq!(codes_of(&count_any(&RawValue::Number(-3.0))), ["E0204"]);
        assert_eq!(codes_of(&count_any(&t("▲3"))), ["E0204"]);
        assert_eq!(codes_of(&count_any(&RawValue::Bool(true))), ["E0202"]);
    }

    #[test]
    fn dates() {
        let d = NaiveDate::from_ymd_opt(2026, 4, 1).unwrap();
        assert_eq!(date(&RawValue::Date(d)).value, Some(Value::Date(d)));
        for s in ["2026/4/1", "令和8年4月1日", "R8.4.1"] {
            let r = date(&t(s));
            assert_eq!(r.value, Some(Value::Date(d)), "{s}");
            assert_eq!(codes_of(&r), ["W0212"]);
        }
        assert_eq!(date(&RawValue::Number(46113.0)).value, Some(Value::Date(d)));
        assert_eq!(codes_of(&date(&t("来月"))), ["E0205"]);
    }

    #[test]
    fn code_lists() {
        let codes = vec![
            Code {
                id: "134023".into(),
                label: "青ヶ島村".into(),
            },
            Code {
                id: "1".into(),
                label: "1 不安定な就労状態にある方".into(),
            },
        ];
        assert!(code(&t("青ヶ島村"), &codes).notes.is_empty());
        let r = code(&t("青ケ島村"), &codes);
        assert_eq!(r.value, Some(Value::Code("134023".into())));
        assert_eq!(codes_of(&r), ["W0213"]);
        assert_eq!(
            code(&t("不安定な就労状態にある方"), &codes).value,
            Some(Value::Code("1".into()))
        );
        assert_eq!(
            code(&RawValue::Number(1.0), &codes).value,
            Some(Value::Code("1".into()))
        );
        assert_eq!(codes_of(&code(&t("4"), &codes)), ["E0208"]);
    }

    #[test]
    fn yes_and_no() {
        assert!(yes_no(&t("はい")).notes.is_empty());
        assert_eq!(yes_no(&t("○")).value, Some(Value::Code("yes".into())));
        assert_eq!(codes_of(&yes_no(&t("×"))), ["W0214"]);
        assert_eq!(codes_of(&yes_no(&t("たぶん"))), ["E0209"]);
    }

    #[test]
    fn text_length() {
        assert_eq!(codes_of(&text(&t("あいうえお"), 4)), ["E0207"]);
        assert_eq!(
            text(&RawValue::Number(312345678.0), 20).value,
            Some(Value::Text("312345678".into()))
        );
    }
}
