//! The council definition as it is written in `council.toml`. Every field is plain data; the
//! meaning checks live in `check.rs`, and derived views (lookups by id) on [`Council`].

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// `council.toml`, exactly as written. Unknown keys are rejected at every level.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Definition {
    pub council: CouncilInfo,
    pub secretariat: Secretariat,
    pub chair: Chair,
    #[serde(default)]
    pub texts: Texts,
    #[serde(default)]
    pub disclosure: Disclosure,
    #[serde(default)]
    pub grades: Vec<Grade>,
    pub areas: Vec<Area>,
    pub members: Vec<Member>,
    pub submitter_defaults: SubmitterDefaults,
    pub submitters: Vec<SubmitterDef>,
    pub categories: Vec<Category>,
    pub figures: Vec<Figure>,
    pub kpis: Vec<Kpi>,
    pub periods: Vec<Period>,
    #[serde(default)]
    pub meetings: Vec<Meeting>,
    #[serde(default)]
    pub request_kinds: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CouncilInfo {
    /// Official name, e.g. 東京中高年世代活躍応援プロジェクト協議会.
    pub name: String,
    /// How the guideline refers to it, e.g. 東京協議会.
    pub short_name: String,
    pub prefecture: String,
    /// Two-digit prefecture code (東京都 = 13).
    pub prefecture_code: String,
    /// 年度, by the calendar year it starts in (令和8年度 = 2026).
    pub fiscal_year: i32,
    /// Label of the region row for figures that are not split by municipality (都内全域).
    pub whole_region_label: String,
    /// The word used for the municipalities as a group (区市町村 in Tokyo, 市町村 elsewhere).
    pub municipalities_word: String,
    /// The municipalities file, relative to this file.
    #[serde(default = "default_municipalities_file")]
    pub municipalities_file: String,
    /// The founding guideline as plain text, relative to this file (参考資料 of the packet).
    #[serde(default)]
    pub guideline_file: Option<String>,
}

fn default_municipalities_file() -> String {
    "municipalities.tsv".into()
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Secretariat {
    /// Member ids of the bodies that run the secretariat.
    pub members: Vec<String>,
    /// The desk that receives the workbooks.
    pub contact_department: String,
    pub contact_phone: String,
    pub contact_email: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Chair {
    /// The member body the chair belongs to.
    pub member: String,
    /// The post that holds the chair (座長), e.g. 東京労働局職業安定部職業安定課長.
    pub title: String,
}

/// Prose of the implementation plan that the secretariat writes (現状と課題 etc.).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Texts {
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub situation: String,
    #[serde(default)]
    pub structure: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Disclosure {
    /// Counts from 1 to threshold − 1 are suppressed in the public edition.
    pub threshold: i64,
}

impl Default for Disclosure {
    fn default() -> Self {
        Disclosure { threshold: 3 }
    }
}

/// A progress grade: reached when the rate is at least `min_rate` percent.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Grade {
    pub label: String,
    pub min_rate: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Area {
    pub id: String,
    /// As written in the municipalities file's `area` column, e.g. 区部.
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum MemberGroup {
    #[serde(rename = "行政側")]
    Government,
    #[serde(rename = "労働・経済団体")]
    LabourAndEconomy,
}

impl MemberGroup {
    pub fn label(self) -> &'static str {
        match self {
            MemberGroup::Government => "行政側",
            MemberGroup::LabourAndEconomy => "労働・経済団体",
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    pub id: String,
    /// Official name as in the guideline's 別紙.
    pub name: String,
    pub group: MemberGroup,
    /// Roles from the guideline §3.
    #[serde(default)]
    pub roles: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SubmitterDefaults {
    /// Figures a municipal platform reports when its entry names none.
    pub municipal_figures: Vec<String>,
    /// Input rows for initiatives in each workbook.
    #[serde(default = "default_initiative_rows")]
    pub initiative_rows: u32,
    #[serde(default = "default_practice_rows")]
    pub practice_rows: u32,
    #[serde(default = "default_practice_rows")]
    pub request_rows: u32,
    /// Days a submitter gets to send a corrected workbook (mail texts).
    #[serde(default = "default_resubmission_days")]
    pub resubmission_days: u32,
}

fn default_resubmission_days() -> u32 {
    7
}

fn default_initiative_rows() -> u32 {
    30
}
fn default_practice_rows() -> u32 {
    10
}

/// One body that receives a workbook: a member, or a municipal platform tied to a municipality.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SubmitterDef {
    pub id: String,
    /// The member this submitter is (members only).
    #[serde(default)]
    pub member: Option<String>,
    /// The municipality code (municipal platforms only).
    #[serde(default)]
    pub municipality: Option<String>,
    /// Figures this submitter reports; members report them for the whole prefecture.
    #[serde(default)]
    pub figures: Option<Vec<String>>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub id: String,
    /// ① ② ③, or 横断.
    pub mark: String,
    pub name: String,
    /// True for 対象横断: work that serves every category.
    #[serde(default)]
    pub cross_cutting: bool,
}

/// A number the workbooks collect, by region and category.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Figure {
    pub id: String,
    pub name: String,
    pub unit: String,
    pub categories: Vec<String>,
    /// Whether it counts people or events small enough to identify someone (suppressed when small).
    #[serde(default = "yes")]
    pub sensitive: bool,
    /// Overrides the council's disclosure threshold for this figure.
    #[serde(default)]
    pub threshold: Option<i64>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Increase,
    Decrease,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Kpi {
    pub id: String,
    pub name: String,
    pub unit: String,
    pub category: String,
    /// The figure whose values, summed over regions (and over the KPI's category unless it is
    /// cross-cutting), give the KPI's actual.
    pub figure: String,
    /// The national reference value (参考値) the target derives from, and where it comes from.
    pub reference_value: String,
    pub reference_source: String,
    pub annual_target: i64,
    pub direction: Direction,
    /// Compare actuals also against the target pro-rated to the period's end.
    #[serde(default)]
    pub prorate: bool,
    /// Marks a target that is a sample value, not one the council decided.
    #[serde(default)]
    pub sample: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PeriodKind {
    Plan,
    Progress,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Period {
    pub id: String,
    pub name: String,
    pub kind: PeriodKind,
    #[serde(with = "toml_date")]
    pub start: NaiveDate,
    #[serde(with = "toml_date")]
    pub end: NaiveDate,
    #[serde(with = "toml_date")]
    pub deadline: NaiveDate,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Meeting {
    pub number: u32,
    #[serde(with = "toml_date")]
    pub date: NaiveDate,
    /// Opening time as written on the 次第, e.g. 14:00〜16:00.
    #[serde(default)]
    pub time: String,
    pub venue: String,
    /// The progress period whose figures the meeting reviews (or the plan).
    pub period: String,
    pub agenda: Vec<String>,
    /// Papers of the packet in order; see `render` for the names.
    pub papers: Vec<String>,
}

/// Dates in the definition: TOML date literals (`2026-04-01`) or strings (`"2026-04-01"`);
/// written back as strings so the same value serialises to JSON as well as TOML.
mod toml_date {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serializer};

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        Literal(toml::value::Datetime),
        Text(String),
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        let text = match Either::deserialize(d)? {
            Either::Literal(dt) if dt.time.is_none() && dt.offset.is_none() => dt.to_string(),
            Either::Literal(dt) => {
                return Err(serde::de::Error::custom(format!(
                    "{dt}: 時刻のない日付で書いてください"
                )));
            }
            Either::Text(s) => s,
        };
        NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|_| {
            serde::de::Error::custom(format!("\"{text}\" は YYYY-MM-DD の日付ではありません"))
        })
    }

    pub fn serialize<S: Serializer>(date: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&date.format("%Y-%m-%d").to_string())
    }
}
