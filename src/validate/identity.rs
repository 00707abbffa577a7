//! Who sent a workbook, and for what: read from the hidden sheet first, then the custom
//! document properties, then the file name. Disagreements are reported; a workbook of
//! another form, version, fiscal year, period or submitter is refused with what was expected.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::council::Council;
use crate::dates::nendo;
use crate::findings::Finding;
use crate::forms::Identity;
use crate::ingest::{RawWorkbook, SubmittedFile};
use crate::spec::{FORM_ID, SHEET_META, SPEC_VERSION};

/// Why no usable identity came out.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// The workbook names a submitter the council does not have.
    UnknownSubmitter(String),
    /// Not a standard form, or one of another version, year or period. Carries the
    /// submitter and period the workbook claims, when the council knows them, so the ledger
    /// counts the submitter as having sent something (a correction, not a reminder).
    Rejected {
        submitter: Option<String>,
        period: Option<String>,
    },
}

const KEYS: [&str; 7] = [
    "form_id",
    "spec_version",
    "submitter_id",
    "fiscal_year",
    "period",
    "issued",
    "checksum",
];

pub fn resolve(
    file: &SubmittedFile,
    raw: &RawWorkbook,
    council: &Council,
    expected_period: Option<&str>,
    findings: &mut Vec<Finding>,
) -> Result<Identity, Problem> {
    let name = &file.name;
    let from_sheet: BTreeMap<String, String> = raw
        .sheet(SHEET_META)
        .map(|s| {
            s.cells
                .iter()
                .filter(|c| c.col == 0)
                .filter_map(|k| Some((k.value.display(), s.get(k.row, 1)?.display())))
                .collect()
        })
        .unwrap_or_default();
    let from_props: BTreeMap<String, String> = raw
        .properties
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("kyogikai.")?.to_string(), v.clone())))
        .collect();
    let primary = if from_sheet.contains_key("submitter_id") {
        &from_sheet
    } else {
        &from_props
    };
    let claimed = |key: &str| primary.get(key).cloned();
    let rejected = || Problem::Rejected {
        submitter: claimed("submitter_id").filter(|s| council.submitter(s).is_some()),
        period: claimed("period").filter(|p| council.period(p).is_some()),
    };
    if !primary.contains_key("submitter_id") {
        let hint = if raw.sheet(SHEET_META).is_some() {
            "識別情報が空です"
        } else {
            "識別情報（隠しシート・文書プロパティ）がありません"
        };
        findings.push(Finding::new("E0108", name, hint));
        return Err(rejected());
    }
    for key in KEYS {
        if let (Some(a), Some(b)) = (from_sheet.get(key), from_props.get(key))
            && a != b
        {
            findings.push(Finding::new(
                "W0116",
                name,
                format!("{key}: 隠しシートは「{a}」、文書プロパティは「{b}」"),
            ));
        }
    }
    let get = |k: &str| primary.get(k).cloned().unwrap_or_default();
    let submitter_id = get("submitter_id");
    if let Some(prefix) = name.split('_').next()
        && prefix != submitter_id
        && council.submitter(prefix).is_some()
    {
        findings.push(Finding::new(
            "W0116",
            name,
            format!("ファイル名は「{prefix}」、様式は「{submitter_id}」"),
        ));
    }
    if get("form_id") != FORM_ID {
        findings.push(Finding::new(
            "E0108",
            name,
            format!("form_id が「{}」です", get("form_id")),
        ));
        return Err(rejected());
    }
    if get("spec_version") != SPEC_VERSION {
        let detail = format!(
            "この様式は {} 版、現在の様式は {SPEC_VERSION} 版",
            get("spec_version")
        );
        findings.push(Finding::new("E0109", name, detail));
        return Err(rejected());
    }
    let fy = get("fiscal_year");
    if fy != council.fiscal_year().to_string() {
        let shown = fy.parse::<i32>().map(nendo).unwrap_or(fy);
        let detail = format!("この様式は{shown}、今回は{}", nendo(council.fiscal_year()));
        findings.push(Finding::new("E0110", name, detail));
        return Err(rejected());
    }
    let period_id = get("period");
    let Some(period) = council.period(&period_id) else {
        findings.push(Finding::new(
            "E0111",
            name,
            format!("期間「{period_id}」は今年度の報告期間にありません"),
        ));
        return Err(rejected());
    };
    if let Some(expected) = expected_period.and_then(|p| council.period(p))
        && expected.id != period.id
    {
        let detail = format!("この様式は「{}」、今回は「{}」", period.name, expected.name);
        findings.push(Finding::new("E0111", name, detail));
        return Err(rejected());
    }
    if council.submitter(&submitter_id).is_none() {
        findings.push(Finding::new("E0112", name, format!("ID「{submitter_id}」")));
        return Err(Problem::UnknownSubmitter(submitter_id));
    }
    let Ok(issued) = NaiveDate::parse_from_str(&get("issued"), "%Y-%m-%d") else {
        findings.push(Finding::new(
            "E0113",
            name,
            format!("発行日「{}」", get("issued")),
        ));
        return Err(rejected());
    };
    let identity = Identity {
        form_id: FORM_ID.into(),
        spec_version: SPEC_VERSION.into(),
        submitter_id,
        fiscal_year: council.fiscal_year(),
        period: period.id.clone(),
        issued,
        checksum: get("checksum"),
    };
    if identity.checksum != identity.expected_checksum() {
        findings.push(Finding::new("E0113", name, "検査値が一致しません"));
        return Err(rejected());
    }
    Ok(identity)
}
