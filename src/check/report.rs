//! What a check run leaves behind under `<out>/check/<as-of>/`: the validation results and
//! the submission ledger as workbooks, a feedback workbook per submitter with problems, and
//! a mail text per submitter.

use std::path::{Path, PathBuf};

use chrono::Duration;
use serde::Serialize;

use super::Outcome;
use crate::council::{Council, Period, SubmitterKind};
use crate::dates::{nendo_with_seireki, wareki};
use crate::error::{Error, Result, write_file};
use crate::findings::{CATALOGUE, Finding, Severity};
use crate::forms::{self, CellMark, Feedback};
use crate::ledger::{Entry, State};
use crate::templates::Templates;
use crate::text::file_name_safe;
use crate::xlsx::{self, Table};

pub const RESULTS_FILE: &str = "検証結果.xlsx";
pub const LEDGER_FILE: &str = "提出状況一覧.xlsx";

/// Writes every output of a check run into `dir` (emptied first: it is generated).
pub fn write_outputs(
    council: &Council,
    outcome: &Outcome,
    dir: &Path,
    templates: &Templates,
) -> Result<Vec<PathBuf>> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let mut written = Vec::new();
    for (name, bytes) in outputs(council, outcome, templates)? {
        let path = dir.join(name);
        write_file(&path, &bytes)?;
        written.push(path);
    }
    Ok(written)
}

/// Every output of a check run as (relative path, bytes), for writing or archiving.
pub fn outputs(
    council: &Council,
    outcome: &Outcome,
    templates: &Templates,
) -> Result<Vec<(String, Vec<u8>)>> {
    let mut out = vec![
        (
            RESULTS_FILE.to_string(),
            results_workbook(council, outcome)?,
        ),
        (LEDGER_FILE.to_string(), ledger_workbook(council, outcome)?),
    ];
    for entry in &outcome.ledger.entries {
        out.extend(feedback_and_mail(council, outcome, entry, templates)?);
    }
    Ok(out)
}

fn cover(council: &Council, outcome: &Outcome, what: &str) -> Vec<(String, String)> {
    vec![
        ("協議会".into(), council.def.council.name.clone()),
        ("年度".into(), nendo_with_seireki(council.fiscal_year())),
        ("内容".into(), what.into()),
        (
            "基準日".into(),
            format!("{}（{}）", wareki(outcome.as_of), outcome.as_of),
        ),
        (
            "取扱い".into(),
            "構成員限り（担当者の連絡先を含みます）".into(),
        ),
    ]
}

fn author(council: &Council) -> String {
    format!("{}事務局", council.def.council.short_name)
}

fn results_workbook(council: &Council, outcome: &Outcome) -> Result<Vec<u8>> {
    let mut list = Table::new(
        "指摘一覧",
        &[
            ("提出者ID", 11.0),
            ("提出者名", 24.0),
            ("ファイル", 34.0),
            ("シート", 12.0),
            ("セル", 7.0),
            ("コード", 8.0),
            ("重要度", 8.0),
            ("入力値", 18.0),
            ("内容", 50.0),
            ("対処", 40.0),
        ],
    );
    for f in outcome.findings() {
        let name = council
            .submitter(&f.submitter)
            .map(|s| s.name.clone())
            .unwrap_or_default();
        list.rows.push(vec![
            f.submitter.as_str().into(),
            name.into(),
            f.file.as_str().into(),
            f.sheet.as_str().into(),
            f.cell.as_str().into(),
            f.code.into(),
            f.severity.label().into(),
            f.value.as_str().into(),
            f.message.as_str().into(),
            f.hint.as_str().into(),
        ]);
    }
    let mut by_code = Table::new(
        "コード別件数",
        &[
            ("コード", 8.0),
            ("重要度", 8.0),
            ("内容", 60.0),
            ("件数", 8.0),
        ],
    );
    for e in CATALOGUE {
        let n = outcome.findings().filter(|f| f.code == e.code).count();
        if n > 0 {
            let severity = crate::findings::severity_of(e.code).label();
            by_code.rows.push(vec![
                e.code.into(),
                severity.into(),
                e.message.replace("（{}）", "").replace("{}", "…").into(),
                n.into(),
            ]);
        }
    }
    xlsx::workbook(
        "検証結果",
        &cover(council, outcome, "提出された様式の検証結果"),
        &[list, by_code],
        outcome.as_of,
        &author(council),
    )
    .map_err(Error::xlsx(RESULTS_FILE))
}

fn ledger_workbook(council: &Council, outcome: &Outcome) -> Result<Vec<u8>> {
    let mut table = Table::new(
        "提出状況",
        &[
            ("期間ID", 8.0),
            ("期間", 8.0),
            ("提出者ID", 11.0),
            ("提出者名", 28.0),
            ("種別", 10.0),
            ("地域コード", 10.0),
            ("状態", 16.0),
            ("ファイル", 34.0),
            ("提出日", 11.0),
            ("提出日（和暦）", 16.0),
            ("エラー数", 8.0),
            ("警告数", 8.0),
            ("SHA-256", 20.0),
            ("備考", 50.0),
        ],
    );
    for e in sorted_entries(council, outcome) {
        let period = e.period.as_deref().and_then(|p| council.period(p));
        let submitter = e.submitter.as_deref().and_then(|s| council.submitter(s));
        let kind = submitter.map_or("", |s| match s.kind {
            SubmitterKind::Member => "構成員",
            SubmitterKind::Municipal => "区市町村PF",
        });
        let hash = e
            .file_index
            .map(|i| outcome.files[i].sha256.clone())
            .unwrap_or_default();
        table.rows.push(vec![
            e.period.clone().unwrap_or_default().into(),
            period.map(|p| p.name.clone()).unwrap_or_default().into(),
            e.submitter.clone().unwrap_or_default().into(),
            submitter.map(|s| s.name.clone()).unwrap_or_default().into(),
            kind.into(),
            submitter
                .map(|s| s.region_code.clone())
                .unwrap_or_default()
                .into(),
            e.state.label().into(),
            e.file.clone().unwrap_or_default().into(),
            e.submitted_on.into(),
            e.submitted_on.map(wareki).unwrap_or_default().into(),
            e.errors.into(),
            e.warnings.into(),
            hash.into(),
            e.reasons.join(" ／ ").into(),
        ]);
    }
    let mut counts = Table::new("状態別件数", &[("状態", 18.0), ("件数", 8.0)]);
    for s in State::ALL {
        counts
            .rows
            .push(vec![s.label().into(), outcome.ledger.count(s).into()]);
    }
    xlsx::workbook(
        "提出状況一覧",
        &cover(council, outcome, "様式の提出状況"),
        &[table, counts],
        outcome.as_of,
        &author(council),
    )
    .map_err(Error::xlsx(LEDGER_FILE))
}

/// Ledger entries in report order: period, then submitter as listed, then file name.
pub fn sorted_entries<'a>(council: &Council, outcome: &'a Outcome) -> Vec<&'a Entry> {
    let period_pos = |e: &Entry| {
        e.period
            .as_deref()
            .and_then(|p| council.def.periods.iter().position(|x| x.id == p))
            .unwrap_or(usize::MAX)
    };
    let submitter_pos = |e: &Entry| {
        e.submitter
            .as_deref()
            .and_then(|s| council.submitter_position(s))
            .unwrap_or(usize::MAX)
    };
    let mut entries: Vec<&Entry> = outcome.ledger.entries.iter().collect();
    entries.sort_by_cached_key(|e| (period_pos(e), submitter_pos(e), e.file.clone()));
    entries
}

#[derive(Serialize)]
struct MailFinding {
    place: String,
    message: String,
    hint: String,
}

#[derive(Serialize)]
struct MailPeriod {
    name: String,
    range: String,
    deadline: String,
}

#[derive(Serialize)]
struct MailContext<'a> {
    council: &'a crate::council::CouncilInfo,
    secretariat: MailSecretariat<'a>,
    submitter: &'a crate::council::Submitter,
    contact: String,
    period: MailPeriod,
    as_of: String,
    resubmit_by: String,
    file: String,
    errors: Vec<MailFinding>,
    warnings: Vec<MailFinding>,
    feedback_file: Option<String>,
}

#[derive(Serialize)]
struct MailSecretariat<'a> {
    department: &'a str,
    phone: &'a str,
    email: &'a str,
}

fn place(f: &Finding) -> String {
    match (f.sheet.is_empty(), f.cell.is_empty()) {
        (true, _) => "ファイル全体".into(),
        (false, true) => format!("シート「{}」", f.sheet),
        (false, false) => format!("{}!{}", f.sheet, f.cell),
    }
}

fn feedback_and_mail(
    council: &Council,
    outcome: &Outcome,
    entry: &Entry,
    templates: &Templates,
) -> Result<Vec<(String, Vec<u8>)>> {
    let mut written = Vec::new();
    let (Some(submitter_id), Some(period_id)) = (&entry.submitter, &entry.period) else {
        return Ok(written);
    };
    let (Some(submitter), Some(period)) =
        (council.submitter(submitter_id), council.period(period_id))
    else {
        return Ok(written);
    };
    let template = match entry.state {
        State::Accepted | State::AcceptedWithWarnings => "mail/receipt.j2",
        State::Rejected => "mail/correction.j2",
        State::Missing => "mail/reminder.j2",
        _ => return Ok(written),
    };
    let checked = entry.file_index.map(|i| &outcome.checked[i]);
    let findings: Vec<&Finding> = checked
        .map(|c| {
            c.findings
                .iter()
                .filter(|f| f.severity != Severity::Info)
                .collect()
        })
        .unwrap_or_default();
    let stem = format!(
        "{}_{}_{}",
        submitter.id,
        file_name_safe(&submitter.name),
        period.id
    );
    let mut feedback_file = None;
    let identity = checked.and_then(|c| c.identity.as_ref().ok());
    if let (Some(c), Some(identity)) = (checked, identity)
        && !findings.is_empty()
    {
        let suffix = if entry.state == State::Rejected {
            "要修正"
        } else {
            "要確認"
        };
        let name = format!("{stem}_{suffix}.xlsx");
        let feedback = Feedback {
            marks: findings
                .iter()
                .filter_map(|f| {
                    f.at.map(|(row, col)| CellMark {
                        sheet: f.sheet.clone(),
                        row,
                        col,
                        message: format!("[{}] {}\n{}", f.code, f.message, f.hint),
                    })
                })
                .collect(),
            rows: findings
                .iter()
                .map(|f| {
                    [
                        f.sheet.clone(),
                        f.cell.clone(),
                        f.severity.label().into(),
                        f.message.clone(),
                        f.value.clone(),
                        f.hint.clone(),
                    ]
                })
                .collect(),
        };
        let bytes = forms::workbook(
            council,
            submitter,
            period,
            identity.issued,
            Some(&c.typed),
            Some(&feedback),
        )?;
        written.push((format!("feedback/{name}"), bytes));
        feedback_file = Some(name);
    }
    let contact = checked
        .and_then(|c| c.submission.fields.get("contact_person"))
        .and_then(|v| v.as_str())
        .map_or_else(|| "ご担当者".to_string(), str::to_string);
    let s = &council.def.secretariat;
    let context = MailContext {
        council: &council.def.council,
        secretariat: MailSecretariat {
            department: &s.contact_department,
            phone: &s.contact_phone,
            email: &s.contact_email,
        },
        submitter,
        contact,
        period: mail_period(period),
        as_of: wareki(outcome.as_of),
        resubmit_by: wareki(
            outcome.as_of + Duration::days(council.def.submitter_defaults.resubmission_days as i64),
        ),
        file: entry.file.clone().unwrap_or_default(),
        errors: mail_findings(&findings, Severity::Error),
        warnings: mail_findings(&findings, Severity::Warning),
        feedback_file,
    };
    let text = templates.render(template, &context)?;
    written.push((format!("mail/{stem}.txt"), text.into_bytes()));
    Ok(written)
}

fn mail_findings(findings: &[&Finding], severity: Severity) -> Vec<MailFinding> {
    findings
        .iter()
        .filter(|f| f.severity == severity)
        .map(|f| MailFinding {
            place: place(f),
            message: f.message.clone(),
            hint: f.hint.clone(),
        })
        .collect()
}

fn mail_period(p: &Period) -> MailPeriod {
    MailPeriod {
        name: p.name.clone(),
        range: format!("{}〜{}", wareki(p.start), wareki(p.end)),
        deadline: wareki(p.deadline),
    }
}
