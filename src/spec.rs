//! The form specification: the one declarative description of the standard workbook.
//!
//! The writer (`forms`), the reader (`ingest`) and the validator all walk this description, so
//! a column added here is written, read back and checked with no other edit. Code lists are
//! named here and filled from the council definition when a workbook is made.

use crate::council::{Council, PeriodKind, SubmitterKind};

/// Bumped whenever the layout changes; a returned workbook of another version is rejected.
pub const SPEC_VERSION: &str = "2026.1";
/// Identifies a workbook made by this tool.
pub const FORM_ID: &str = "kyogikai-standard-form";

/// Sheet names, as the member sees them.
pub const SHEET_GUIDE: &str = "記入要領";
pub const SHEET_BASIC: &str = "基本情報";
pub const SHEET_FIGURES: &str = "実績";
pub const SHEET_META: &str = "_識別情報";
pub const SHEET_LISTS: &str = "_選択肢";
/// First sheet of a feedback workbook; ignored when the workbook comes back.
pub const SHEET_FEEDBACK: &str = "指摘一覧";

/// Table sheets: title in row 1, a note in row 2, the header in row 3, data from row 4.
pub const TITLE_ROW: u32 = 0;
pub const NOTE_ROW: u32 = 1;
pub const HEADER_ROW: u32 = 2;
pub const FIRST_DATA_ROW: u32 = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeList {
    Categories,
    Regions,
    Kpis,
    Addressees,
    RequestKinds,
    YesNo,
}

impl CodeList {
    pub const ALL: [CodeList; 6] = [
        CodeList::Categories,
        CodeList::Regions,
        CodeList::Kpis,
        CodeList::Addressees,
        CodeList::RequestKinds,
        CodeList::YesNo,
    ];

    /// The defined name the data validations refer to.
    pub fn defined_name(self) -> &'static str {
        match self {
            CodeList::Categories => "list_categories",
            CodeList::Regions => "list_regions",
            CodeList::Kpis => "list_kpis",
            CodeList::Addressees => "list_addressees",
            CodeList::RequestKinds => "list_request_kinds",
            CodeList::YesNo => "list_yes_no",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            CodeList::Categories => "対象区分",
            CodeList::Regions => "地域",
            CodeList::Kpis => "KPI",
            CodeList::Addressees => "宛先",
            CodeList::RequestKinds => "種別",
            CodeList::YesNo => "はい／いいえ",
        }
    }
}

/// The id kept for requests addressed to the secretariat rather than a member.
pub const SECRETARIAT_ID: &str = "secretariat";

/// One entry of a code list: the id kept in data and the label shown in the dropdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code {
    pub id: String,
    pub label: String,
}

/// The entries of a code list for this council, in dropdown order.
pub fn codes(council: &Council, list: CodeList) -> Vec<Code> {
    let code = |id: &str, label: String| Code {
        id: id.to_string(),
        label,
    };
    match list {
        CodeList::Categories => council
            .def
            .categories
            .iter()
            .map(|c| code(&c.id, format!("{} {}", c.id, c.name)))
            .collect(),
        CodeList::Regions => council
            .regions()
            .iter()
            .map(|r| code(&r.code, r.name.clone()))
            .collect(),
        CodeList::Kpis => council
            .def
            .kpis
            .iter()
            .map(|k| code(&k.id, format!("{} {}", k.id, k.name)))
            .collect(),
        CodeList::Addressees => {
            let mut out: Vec<Code> = council
                .def
                .members
                .iter()
                .map(|m| code(&m.id, m.name.clone()))
                .collect();
            out.push(code(
                SECRETARIAT_ID,
                format!("{}事務局", council.def.council.short_name),
            ));
            out
        }
        CodeList::RequestKinds => council
            .def
            .request_kinds
            .iter()
            .map(|k| code(k, k.clone()))
            .collect(),
        CodeList::YesNo => vec![code("yes", "はい".into()), code("no", "いいえ".into())],
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ColumnType {
    Code(CodeList),
    /// A whole number ≥ 0 (people, cases, thousand yen).
    Count,
    Date,
    Text {
        max: usize,
    },
    YesNo,
}

/// When a cell must be filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Required,
    Optional,
    /// Required in the plan period only (targets).
    InPlan,
    /// Required in progress periods only (actuals).
    InProgress,
}

impl Need {
    pub fn is_required(self, kind: PeriodKind) -> bool {
        match self {
            Need::Required => true,
            Need::Optional => false,
            Need::InPlan => kind == PeriodKind::Plan,
            Need::InProgress => kind == PeriodKind::Progress,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Column {
    pub key: &'static str,
    pub header: &'static str,
    pub ty: ColumnType,
    pub need: Need,
    /// Column width in Excel character units.
    pub width: f64,
    /// The input prompt shown when the cell is selected.
    pub prompt: &'static str,
    /// The unit of a number column (a different unit typed after a number is an error).
    pub unit: Option<&'static str>,
}

impl Column {
    const fn in_unit(mut self, unit: &'static str) -> Self {
        self.unit = Some(unit);
        self
    }
}

const fn col(
    key: &'static str,
    header: &'static str,
    ty: ColumnType,
    need: Need,
    width: f64,
    prompt: &'static str,
) -> Column {
    Column {
        key,
        header,
        ty,
        need,
        width,
        prompt,
        unit: None,
    }
}

/// Something written into 基本情報 by the tool rather than the member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prefill {
    SubmitterId,
    SubmitterName,
    FiscalYear,
    Period,
    Deadline,
}

/// A row of the key/value sheet 基本情報.
#[derive(Debug, Clone)]
pub struct Field {
    pub key: &'static str,
    pub label: &'static str,
    pub ty: ColumnType,
    pub need: Need,
    pub prefill: Option<Prefill>,
    pub prompt: &'static str,
}

const fn field(
    key: &'static str,
    label: &'static str,
    ty: ColumnType,
    need: Need,
    prefill: Option<Prefill>,
    prompt: &'static str,
) -> Field {
    Field {
        key,
        label,
        ty,
        need,
        prefill,
        prompt,
    }
}

/// Who gets a sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    All,
    Municipal,
}

/// A free-row input table (取組, 好事例, 連携・依頼事項).
#[derive(Debug, Clone)]
pub struct TableSheet {
    pub key: &'static str,
    pub name: &'static str,
    pub title: &'static str,
    pub note: &'static str,
    pub audience: Audience,
    pub columns: Vec<Column>,
}

impl TableSheet {
    pub fn rows(&self, council: &Council) -> u32 {
        let d = &council.def.submitter_defaults;
        match self.key {
            "initiatives" => d.initiative_rows,
            "practices" => d.practice_rows,
            _ => d.request_rows,
        }
    }
}

/// Prefilled (locked) columns of the figures sheet, then its input columns.
pub const FIGURE_KEY_HEADERS: [&str; 7] = [
    "地域コード",
    "地域名",
    "区分コード",
    "区分名",
    "項目コード",
    "項目",
    "単位",
];
pub const FIGURE_KEY_WIDTHS: [f64; 7] = [11.0, 12.0, 10.0, 50.0, 10.0, 30.0, 6.0];

pub fn figure_columns(kind: PeriodKind) -> Vec<Column> {
    let (header, prompt) = match kind {
        PeriodKind::Plan => (
            "目標値（年間）",
            "この年度の目標（見込み）を0以上の整数で入力してください。",
        ),
        PeriodKind::Progress => (
            "実績値（期間内）",
            "この期間の実績を0以上の整数で入力してください。実績がなければ0と入力します。",
        ),
    };
    vec![
        col(
            "value",
            header,
            ColumnType::Count,
            Need::Required,
            16.0,
            prompt,
        ),
        col(
            "note",
            "備考",
            ColumnType::Text { max: 200 },
            Need::Optional,
            30.0,
            "補足があれば200字以内で入力してください。",
        ),
    ]
}

/// The whole specification, in sheet order.
#[derive(Debug, Clone)]
pub struct FormSpec {
    pub fields: Vec<Field>,
    pub tables: Vec<TableSheet>,
}

impl FormSpec {
    pub fn table(&self, key: &str) -> Option<&TableSheet> {
        self.tables.iter().find(|t| t.key == key)
    }

    /// The table sheets a submitter's workbook contains.
    pub fn tables_for(&self, kind: SubmitterKind) -> impl Iterator<Item = &TableSheet> {
        self.tables
            .iter()
            .filter(move |t| t.audience == Audience::All || kind == SubmitterKind::Municipal)
    }
}

pub fn form_spec() -> FormSpec {
    use ColumnType::*;
    use Need::*;
    FormSpec {
        fields: vec![
            field(
                "submitter_id",
                "提出者ID",
                Text { max: 20 },
                Required,
                Some(Prefill::SubmitterId),
                "",
            ),
            field(
                "submitter_name",
                "提出者名",
                Text { max: 100 },
                Required,
                Some(Prefill::SubmitterName),
                "",
            ),
            field(
                "fiscal_year",
                "年度",
                Text { max: 40 },
                Required,
                Some(Prefill::FiscalYear),
                "",
            ),
            field(
                "period",
                "報告期間",
                Text { max: 60 },
                Required,
                Some(Prefill::Period),
                "",
            ),
            field(
                "deadline",
                "提出期限",
                Text { max: 60 },
                Required,
                Some(Prefill::Deadline),
                "",
            ),
            field(
                "department",
                "担当部署",
                Text { max: 60 },
                Required,
                None,
                "担当部署名を入力してください。",
            ),
            field(
                "contact_person",
                "担当者",
                Text { max: 40 },
                Required,
                None,
                "担当者の氏名を入力してください。",
            ),
            field(
                "phone",
                "電話番号",
                Text { max: 30 },
                Required,
                None,
                "日中に連絡のつく電話番号を入力してください。",
            ),
            field(
                "email",
                "メールアドレス",
                Text { max: 100 },
                Optional,
                None,
                "メールアドレスを入力してください。",
            ),
            field(
                "submitted_on",
                "提出日",
                Date,
                Required,
                None,
                "提出する日を 2026/5/15 の形で入力してください。",
            ),
            field(
                "remarks",
                "備考",
                Text { max: 400 },
                Optional,
                None,
                "事務局への連絡事項があれば入力してください。",
            ),
        ],
        tables: vec![
            TableSheet {
                key: "initiatives",
                name: "取組",
                title: "取組（事業・施策）",
                note: "1行に1つの取組を入力してください。行の挿入・削除、セルの結合はしないでください。",
                audience: Audience::All,
                columns: vec![
                    col(
                        "name",
                        "取組名",
                        Text { max: 60 },
                        Required,
                        28.0,
                        "取組の名称を60字以内で入力してください。",
                    ),
                    col(
                        "summary",
                        "概要",
                        Text { max: 400 },
                        Required,
                        50.0,
                        "取組の内容を400字以内で入力してください。",
                    ),
                    col(
                        "category",
                        "対象区分",
                        Code(CodeList::Categories),
                        Required,
                        26.0,
                        "一覧から選んでください。",
                    ),
                    col(
                        "region",
                        "実施地域",
                        Code(CodeList::Regions),
                        Required,
                        14.0,
                        "一覧から選んでください。全域で行う場合は全域の行を選びます。",
                    ),
                    col(
                        "kpi",
                        "関連KPI",
                        Code(CodeList::Kpis),
                        Optional,
                        30.0,
                        "この取組が寄与するKPIを一覧から選んでください。",
                    ),
                    col(
                        "budget",
                        "予算額（千円）",
                        Count,
                        Optional,
                        14.0,
                        "千円単位の整数で入力してください（単位は入力しません）。",
                    )
                    .in_unit("千円"),
                    col(
                        "target",
                        "目標値",
                        Count,
                        InPlan,
                        10.0,
                        "関連KPIの単位で、年間の目標を整数で入力してください。",
                    ),
                    col(
                        "actual",
                        "実績値",
                        Count,
                        InProgress,
                        10.0,
                        "関連KPIの単位で、この期間の実績を整数で入力してください。",
                    ),
                    col(
                        "start",
                        "開始日",
                        Date,
                        Optional,
                        12.0,
                        "2026/4/1 の形で入力してください。",
                    ),
                    col(
                        "end",
                        "終了日",
                        Date,
                        Optional,
                        12.0,
                        "2027/3/31 の形で入力してください。",
                    ),
                ],
            },
            TableSheet {
                key: "practices",
                name: "好事例",
                title: "好事例（協議会で共有する取組）",
                note: "他の地域の参考になる取組を1行に1件入力してください。",
                audience: Audience::Municipal,
                columns: vec![
                    col(
                        "title",
                        "事例名",
                        Text { max: 60 },
                        Required,
                        28.0,
                        "事例の名称を60字以内で入力してください。",
                    ),
                    col(
                        "category",
                        "対象区分",
                        Code(CodeList::Categories),
                        Required,
                        26.0,
                        "一覧から選んでください。",
                    ),
                    col(
                        "summary",
                        "概要",
                        Text { max: 400 },
                        Required,
                        50.0,
                        "内容を400字以内で入力してください。",
                    ),
                    col(
                        "partners",
                        "連携先",
                        Text { max: 100 },
                        Optional,
                        24.0,
                        "連携した機関・団体を入力してください。",
                    ),
                    col(
                        "outcome",
                        "成果",
                        Text { max: 200 },
                        Optional,
                        36.0,
                        "成果を200字以内で入力してください。",
                    ),
                    col(
                        "publishable",
                        "公表可否",
                        YesNo,
                        Required,
                        10.0,
                        "公表用資料に載せてよい場合は「はい」を選んでください。",
                    ),
                ],
            },
            TableSheet {
                key: "requests",
                name: "連携・依頼事項",
                title: "連携・依頼事項（協議会を通じた依頼）",
                note: "経済団体・他の区市町村・事務局への依頼を1行に1件入力してください。",
                audience: Audience::Municipal,
                columns: vec![
                    col(
                        "addressee",
                        "宛先",
                        Code(CodeList::Addressees),
                        Required,
                        30.0,
                        "依頼先の構成員または事務局を一覧から選んでください。",
                    ),
                    col(
                        "kind",
                        "種別",
                        Code(CodeList::RequestKinds),
                        Required,
                        24.0,
                        "一覧から選んでください。",
                    ),
                    col(
                        "content",
                        "内容",
                        Text { max: 400 },
                        Required,
                        50.0,
                        "依頼の内容を400字以内で入力してください。",
                    ),
                    col(
                        "desired_by",
                        "希望時期",
                        Date,
                        Optional,
                        12.0,
                        "2026/9/30 の形で入力してください。",
                    ),
                    col(
                        "reply",
                        "回答の要否",
                        YesNo,
                        Required,
                        10.0,
                        "回答が必要なら「はい」を選んでください。",
                    ),
                ],
            },
        ],
    }
}

/// A cell address in A1 form: (row 0, col 0) → "A1".
pub fn a1(row: u32, col: u16) -> String {
    let mut letters = String::new();
    let mut n = col as u32 + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.insert(0, (b'A' + rem as u8) as char);
        n = (n - 1) / 26;
    }
    format!("{letters}{}", row + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a1_names() {
        assert_eq!(a1(0, 0), "A1");
        assert_eq!(a1(11, 3), "D12");
        assert_eq!(a1(0, 25), "Z1");
        assert_eq!(a1(0, 26), "AA1");
        assert_eq!(a1(0, 701), "ZZ1");
        assert_eq!(a1(0, 702), "AAA1");
    }

    #[test]
    fn keys_are_unique() {
        let spec = form_spec();
        let mut keys: Vec<&str> = spec.fields.iter().map(|f| f.key).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), spec.fields.len());
        for t in &spec.tables {
            let mut keys: Vec<&str> = t.columns.iter().map(|c| c.key).collect();
            keys.sort();
            keys.dedup();
            assert_eq!(keys.len(), t.columns.len(), "{}", t.key);
        }
    }
}

/// Column of the first spec column in table sheets: column A holds the prefilled row number.
pub const TABLE_FIRST_COL: u16 = 1;

/// One prefilled row of the figures sheet: which number, for which region and category.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct FigureKey {
    pub region: String,
    pub category: String,
    pub figure: String,
}

/// The rows of a submitter's figures sheet, in sheet order: by figure, then category.
pub fn figure_rows(council: &Council, submitter: &crate::council::Submitter) -> Vec<FigureKey> {
    let mut out = Vec::new();
    for figure_id in &submitter.figures {
        let Some(figure) = council.figure(figure_id) else {
            continue;
        };
        for category in &figure.categories {
            out.push(FigureKey {
                region: submitter.region_code.clone(),
                category: category.clone(),
                figure: figure.id.clone(),
            });
        }
    }
    out
}
