//! Findings: what is wrong with a submission, down to the cell, in Japanese.
//!
//! Every message a submitter reads comes from [`catalogue`], keyed by a stable code: `E…` is an
//! error (the submission is not used until corrected), `W…` a warning (used, but look at it),
//! `I…` a note. Codes never change meaning; a new rule gets a new code.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "エラー",
            Severity::Warning => "警告",
            Severity::Info => "お知らせ",
        }
    }

    pub fn english(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One entry of the catalogue: the message (with `{}` for the detail) and a hint.
pub struct Entry {
    pub code: &'static str,
    pub message: &'static str,
    pub hint: &'static str,
}

const fn e(code: &'static str, message: &'static str, hint: &'static str) -> Entry {
    Entry {
        code,
        message,
        hint,
    }
}

/// The catalogue of findings. `{}` in a message is replaced by the finding's detail.
pub const CATALOGUE: &[Entry] = &[
    // File level
    e(
        "E0101",
        "ファイルを読み込めません（{}）",
        "ファイルを保存し直して、もう一度送ってください。",
    ),
    e(
        "E0102",
        "ファイルが空です",
        "記入した様式を保存し直して、もう一度送ってください。",
    ),
    e(
        "E0103",
        "表計算ファイルではありません（{}）",
        "事務局が送った Excel の様式に記入して送ってください。",
    ),
    e(
        "E0104",
        "パスワードで保護（暗号化）されています",
        "パスワードを外して保存し直してから送ってください。",
    ),
    e(
        "E0105",
        "ファイルが壊れていて読めません（{}）",
        "Excel で開けるか確かめ、保存し直して送ってください。",
    ),
    e(
        "E0106",
        "ファイルが大きすぎるため読みません（{}）",
        "様式以外のデータや画像を削除して保存し直してください。",
    ),
    e(
        "E0107",
        "読み取りが上限を超えたため中止しました（{}）",
        "ファイルが壊れている可能性があります。様式に記入し直して送ってください。",
    ),
    e(
        "E0108",
        "事務局の標準様式ではありません（{}）",
        "事務局が送った様式に記入して送ってください。",
    ),
    e(
        "E0109",
        "様式の版が違います（{}）",
        "今回送った最新の様式に記入し直してください。",
    ),
    e(
        "E0110",
        "年度が違います（{}）",
        "今年度の様式に記入してください。",
    ),
    e(
        "E0111",
        "報告期間が違います（{}）",
        "今回の報告期間の様式に記入してください。",
    ),
    e(
        "E0112",
        "提出者が協議会の名簿にありません（{}）",
        "事務局に連絡してください。",
    ),
    e(
        "E0113",
        "様式の識別情報が書き換えられています（{}）",
        "事務局が送った様式に記入し直してください。",
    ),
    e(
        "E0114",
        "シート「{}」がありません",
        "シート名を変えたり削除したりせず、送った様式のまま記入してください。",
    ),
    e(
        "E0115",
        "見出しが様式と違います（{}）",
        "行や列を挿入・削除せず、送った様式のまま記入してください。",
    ),
    w(
        "W0116",
        "識別情報が一致しません（{}）",
        "ファイル名や様式を書き換えていないか確かめてください。",
    ),
    w(
        "W0117",
        "マクロ付きのブックです。マクロは実行せずに値だけを読みました",
        "マクロのない .xlsx 形式で保存してください。",
    ),
    e(
        "E0118",
        "様式で記入済みの欄（灰色）が書き換えられています（{}）",
        "灰色の欄は変更せず、送った様式のままにしてください。",
    ),
    // Cell level
    e(
        "E0201",
        "必須の欄が空です",
        "値を記入してください。該当がない数値は 0 と記入します。",
    ),
    e(
        "E0202",
        "数値ではありません（値: {}）",
        "数字だけを記入してください。",
    ),
    e(
        "E0203",
        "整数ではありません（値: {}）",
        "小数を使わず整数で記入してください。",
    ),
    e(
        "E0204",
        "負の数です（値: {}）",
        "0以上の数を記入してください。",
    ),
    e(
        "E0205",
        "日付として読めません（値: {}）",
        "2026/5/15 の形で記入してください。",
    ),
    e(
        "E0206",
        "日付が範囲外です（{}）",
        "期間内の日付か確かめてください。",
    ),
    e(
        "E0207",
        "文字数が上限を超えています（{}）",
        "上限以内に要約してください。",
    ),
    e(
        "E0208",
        "一覧にない値です（値: {}）",
        "セルの一覧（▼）から選んでください。",
    ),
    e(
        "E0209",
        "「はい」か「いいえ」で記入してください（値: {}）",
        "一覧から選んでください。",
    ),
    w(
        "W0210",
        "数値の書き方を読み替えました（{}）",
        "次回から半角数字だけで記入してください。",
    ),
    w(
        "W0211",
        "単位を取り除いて読みました（{}）",
        "数値の欄には単位を入れないでください。",
    ),
    w(
        "W0212",
        "文字で書かれた日付を読み替えました（{}）",
        "2026/5/15 の形で記入してください。",
    ),
    w(
        "W0213",
        "名称の表記を読み替えました（{}）",
        "一覧（▼）から選んでください。",
    ),
    w(
        "W0214",
        "記号を「はい／いいえ」と読み替えました（{}）",
        "一覧から「はい」か「いいえ」を選んでください。",
    ),
    w(
        "W0215",
        "数式が入力されています（{}）",
        "数式ではなく値を記入してください。",
    ),
    e(
        "E0217",
        "記入欄のセルが結合されています（{}）",
        "セルの結合を解除してください。",
    ),
    w(
        "W0218",
        "記入欄の外に値があります。集計には使っていません（値: {}）",
        "補足は「備考」欄に記入してください。",
    ),
    w(
        "W0219",
        "非表示の行に値があります（値: {}）",
        "行を再表示して内容を確かめてください。",
    ),
    w(
        "W0220",
        "同じ内容の行が2回あります（{}）",
        "重複していれば1行を削除してください。",
    ),
    e(
        "E0221",
        "資料に印字できない文字があります（{}）",
        "別の文字に置き換えてください（例: 環境依存文字や絵文字）。",
    ),
    w(
        "W0222",
        "前期から大きく変わっています（{}）",
        "誤りでないか確かめてください。誤りでなければ備考に理由を記入してください。",
    ),
    w(
        "W0223",
        "値が空の欄を 0 とみなしていません",
        "該当がなければ 0 と記入してください。",
    ),
    e(
        "E0224",
        "終了日が開始日より前です（{}）",
        "開始日と終了日を確かめてください。",
    ),
    // Ledger
    e(
        "E0301",
        "提出期限を過ぎていますが、提出がありません（{}）",
        "至急提出してください。",
    ),
    i("I0302", "提出期限前です（{}）", ""),
    w(
        "W0303",
        "同じ提出者・期間の新しいファイルがあるため、このファイルは使いません（{}）",
        "",
    ),
    w(
        "W0304",
        "どちらが新しい提出か決め手がありません（{}）",
        "提出日を記入して送り直してください。",
    ),
    w("W0305", "同じ内容のファイルが既にあります（{}）", ""),
];

const fn w(code: &'static str, message: &'static str, hint: &'static str) -> Entry {
    Entry {
        code,
        message,
        hint,
    }
}

const fn i(code: &'static str, message: &'static str, hint: &'static str) -> Entry {
    Entry {
        code,
        message,
        hint,
    }
}

pub fn entry(code: &str) -> &'static Entry {
    CATALOGUE
        .iter()
        .find(|e| e.code == code)
        .unwrap_or_else(|| panic!("finding code {code} is not in the catalogue"))
}

pub fn severity_of(code: &str) -> Severity {
    match code.as_bytes().first() {
        Some(b'E') => Severity::Error,
        Some(b'W') => Severity::Warning,
        _ => Severity::Info,
    }
}

/// A problem found in one file, at one place.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    /// The submitter as identified (may be empty when the file cannot be identified).
    pub submitter: String,
    /// The period id the workbook declares (empty when unknown).
    pub period: String,
    /// The file's name as given.
    pub file: String,
    pub sheet: String,
    /// Absolute A1 address, empty for file-level findings.
    pub cell: String,
    /// The value seen, as text.
    pub value: String,
    pub message: String,
    pub hint: String,
    /// Position for marking the cell (0-based), when the finding is at a cell.
    #[serde(skip)]
    pub at: Option<(u32, u16)>,
}

impl Finding {
    /// A finding from the catalogue; `detail` fills the message's `{}`.
    pub fn new(code: &'static str, file: &str, detail: impl Into<String>) -> Self {
        let entry = entry(code);
        let detail = detail.into();
        Finding {
            code,
            severity: severity_of(code),
            submitter: String::new(),
            period: String::new(),
            file: file.to_string(),
            sheet: String::new(),
            cell: String::new(),
            value: String::new(),
            message: entry.message.replace("{}", &detail),
            hint: entry.hint.to_string(),
            at: None,
        }
    }

    pub fn at_cell(mut self, sheet: &str, row: u32, col: u16) -> Self {
        self.sheet = sheet.to_string();
        self.cell = crate::spec::a1(row, col);
        self.at = Some((row, col));
        self
    }

    pub fn in_sheet(mut self, sheet: &str) -> Self {
        self.sheet = sheet.to_string();
        self
    }

    pub fn with_value(mut self, value: impl Into<String>) -> Self {
        self.value = value.into();
        self
    }

    /// `error[E0202]: 数値ではありません（値: "N/A"）  --> 港区.xlsx › 実績!D12`
    pub fn console_line(&self) -> String {
        if self.file.is_empty() {
            return format!(
                "{}[{}]: {}",
                self.severity.english(),
                self.code,
                self.message
            );
        }
        let place = match (self.sheet.is_empty(), self.cell.is_empty()) {
            (true, _) => self.file.clone(),
            (false, true) => format!("{} › {}", self.file, self.sheet),
            (false, false) => format!("{} › {}!{}", self.file, self.sheet, self.cell),
        };
        format!(
            "{}[{}]: {}  --> {}",
            self.severity.english(),
            self.code,
            self.message,
            place
        )
    }
}

/// Quotes a cell value for a message, shortened so one long cell cannot flood a report.
pub fn quote(value: &str) -> String {
    let short: String = value.chars().take(40).collect();
    if short.chars().count() < value.chars().count() {
        format!("\"{short}…\"")
    } else {
        format!("\"{short}\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_codes_are_unique_and_well_formed() {
        let mut codes: Vec<&str> = CATALOGUE.iter().map(|e| e.code).collect();
        codes.sort();
        let n = codes.len();
        codes.dedup();
        assert_eq!(codes.len(), n, "duplicate code");
        for e in CATALOGUE {
            assert!(
                e.code.len() == 5 && "EWI".contains(&e.code[..1]),
                "{}",
                e.code
            );
            assert!(e.message.matches("{}").count() <= 1, "{}", e.code);
        }
    }

    #[test]
    fn console_line_names_file_sheet_and_cell() {
        let f = Finding::new("E0202", "港区.xlsx", quote("N/A")).at_cell("実績", 11, 3);
        assert_eq!(
            f.console_line(),
            "error[E0202]: 数値ではありません（値: \"N/A\"）  --> 港区.xlsx › 実績!D12"
        );
    }
}
