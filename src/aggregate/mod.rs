//! Aggregate: the one data structure every document is rendered from.
//!
//! Contract: [`aggregate`] takes the council and a check outcome and uses accepted
//! submissions only (the ledger says which). It returns the internal (構成員限り) view with
//! every figure; [`Aggregate::public`] derives the public (公表用) view from it after
//! disclosure control, or refuses when the audit fails. Both serialise to JSON for the
//! templates and the archive; nothing here reads the clock.

mod kpi;
pub mod tables;

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::check::Outcome;
use crate::council::{Council, MemberGroup, PeriodKind, SubmitterKind};
use crate::dates::nendo;
use crate::disclosure::{self, Audit};
use crate::error::{Error, Result};
use crate::ledger::State;
use crate::spec::{FigureKey, SECRETARIAT_ID};
use crate::submission::{Row, Value};

pub use kpi::KpiProgress;
pub use tables::{Count, Level, RegionTable, Status, TableRow};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Edition {
    Internal,
    Public,
}

impl Edition {
    pub fn label(self) -> &'static str {
        match self {
            Edition::Internal => "構成員限り",
            Edition::Public => "公表用",
        }
    }
    pub fn dir_name(self) -> &'static str {
        match self {
            Edition::Internal => "internal",
            Edition::Public => "public",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CategoryRef {
    pub id: String,
    pub mark: String,
    pub name: String,
}

impl CategoryRef {
    /// 「① 不安定な就労状態にある方」.
    pub fn label(&self) -> String {
        format!("{} {}", self.mark, self.name)
    }
}

/// The label of an optional category, empty when there is none.
pub fn category_label(c: &Option<CategoryRef>) -> String {
    c.as_ref().map(CategoryRef::label).unwrap_or_default()
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PeriodRef {
    pub id: String,
    pub name: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FigureReport {
    pub id: String,
    pub name: String,
    pub unit: String,
    pub categories: Vec<CategoryRef>,
    pub sensitive: bool,
    pub threshold: i64,
    /// Targets from the plan submissions, when there are any.
    pub plan: Option<RegionTable>,
    /// One table per progress period up to the report period, then the year to date.
    pub tables: Vec<RegionTable>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Initiative {
    pub period: String,
    pub submitter: String,
    pub submitter_name: String,
    pub municipal: bool,
    pub group: Option<String>,
    pub category: Option<CategoryRef>,
    pub name: String,
    pub summary: String,
    pub region: String,
    pub kpi: Option<String>,
    pub kpi_name: Option<String>,
    pub budget: Option<i64>,
    pub target: Option<i64>,
    pub actual: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Practice {
    pub period: String,
    pub submitter: String,
    pub submitter_name: String,
    pub category: Option<CategoryRef>,
    pub title: String,
    pub summary: String,
    pub partners: String,
    pub outcome: String,
    pub publishable: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Request {
    pub period: String,
    pub from: String,
    pub from_name: String,
    pub kind: String,
    pub content: String,
    pub desired_by: Option<NaiveDate>,
    pub reply: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RequestGroup {
    pub addressee: String,
    pub addressee_name: String,
    pub requests: Vec<Request>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StatusRow {
    pub period: String,
    pub period_name: String,
    pub submitter: String,
    pub submitter_name: String,
    pub state: String,
    pub file: String,
    pub submitted_on: Option<NaiveDate>,
    pub errors: usize,
    pub warnings: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DisclosureSummary {
    pub figure: String,
    pub cells: usize,
    pub primary: usize,
    pub secondary: usize,
    pub solves: usize,
    pub passed: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Aggregate {
    pub edition: Edition,
    pub edition_label: String,
    pub council: String,
    pub fiscal_year: i32,
    pub fiscal_year_label: String,
    pub as_of: NaiveDate,
    pub report_period: PeriodRef,
    pub periods: Vec<PeriodRef>,
    pub categories: Vec<CategoryRef>,
    pub kpis: Vec<KpiProgress>,
    pub figures: Vec<FigureReport>,
    pub initiatives: Vec<Initiative>,
    pub practices: Vec<Practice>,
    pub requests: Vec<RequestGroup>,
    pub status: Vec<StatusRow>,
    pub status_counts: BTreeMap<String, usize>,
    /// Disclosure control per figure (public edition; empty in the internal one).
    pub disclosure: Vec<DisclosureSummary>,
}

fn category_ref(council: &Council, id: &str) -> Option<CategoryRef> {
    council.category(id).map(|c| CategoryRef {
        id: c.id.clone(),
        mark: c.mark.clone(),
        name: c.name.clone(),
    })
}

fn period_ref(p: &crate::council::Period) -> PeriodRef {
    PeriodRef {
        id: p.id.clone(),
        name: p.name.clone(),
        start: p.start,
        end: p.end,
    }
}

/// The progress period reported on: the one asked for, else the latest with an accepted
/// submission, else the first.
fn report_period<'c>(
    council: &'c Council,
    outcome: &Outcome,
    asked: Option<&str>,
) -> Result<&'c crate::council::Period> {
    if let Some(id) = asked {
        let p = council.period_or_default(Some(id))?;
        if p.kind != PeriodKind::Progress {
            return Err(Error::Usage(format!(
                "期間 \"{id}\" は実績の期間ではありません"
            )));
        }
        return Ok(p);
    }
    let progress: Vec<_> = council
        .def
        .periods
        .iter()
        .filter(|p| p.kind == PeriodKind::Progress)
        .collect();
    let used = progress.iter().rev().find(|p| {
        outcome
            .ledger
            .entries
            .iter()
            .any(|e| e.state.is_accepted() && e.period.as_deref() == Some(p.id.as_str()))
    });
    Ok(used
        .or(progress.first())
        .expect("a progress period exists (checked)"))
}

/// Accepted figure values of one period: key → value.
fn figures_of(outcome: &Outcome, period: &str) -> BTreeMap<FigureKey, i64> {
    let mut out = BTreeMap::new();
    for e in outcome
        .ledger
        .entries
        .iter()
        .filter(|e| e.state.is_accepted() && e.period.as_deref() == Some(period))
    {
        let Some(i) = e.file_index else { continue };
        for (key, row) in &outcome.checked[i].submission.figures {
            if let Some(v) = row.get("value").and_then(Value::as_int) {
                *out.entry(key.clone()).or_insert(0) += v;
            }
        }
    }
    out
}

pub fn aggregate(
    council: &Council,
    outcome: &Outcome,
    period: Option<&str>,
    previous: Option<&Aggregate>,
) -> Result<Aggregate> {
    let report = report_period(council, outcome, period)?;
    let progress: Vec<&crate::council::Period> = council
        .def
        .periods
        .iter()
        .filter(|p| p.kind == PeriodKind::Progress && p.start <= report.start)
        .collect();
    let data: Vec<BTreeMap<FigureKey, i64>> = progress
        .iter()
        .map(|p| figures_of(outcome, &p.id))
        .collect();
    let plan_period = council
        .def
        .periods
        .iter()
        .find(|p| p.kind == PeriodKind::Plan);
    let plan_data = plan_period.map(|p| figures_of(outcome, &p.id));
    let labels: Vec<(String, String)> = progress
        .iter()
        .map(|p| (p.id.clone(), p.name.clone()))
        .collect();
    let figures: Vec<FigureReport> = council
        .def
        .figures
        .iter()
        .map(|f| {
            let grid = tables::Grid::new(council, f, labels.clone(), &data);
            let plan = plan_data.as_ref().filter(|d| !d.is_empty()).map(|d| {
                let label = plan_period.map(|p| p.name.clone()).unwrap_or_default();
                let mut t = tables::Grid::new(
                    council,
                    f,
                    vec![("plan".into(), format!("{label}（年間目標）"))],
                    std::slice::from_ref(d),
                )
                .tables();
                t.remove(0)
            });
            FigureReport {
                id: f.id.clone(),
                name: f.name.clone(),
                unit: f.unit.clone(),
                categories: f
                    .categories
                    .iter()
                    .filter_map(|c| category_ref(council, c))
                    .collect(),
                sensitive: f.sensitive,
                threshold: f.threshold.unwrap_or(council.def.disclosure.threshold),
                plan,
                tables: grid.tables(),
            }
        })
        .collect();
    let kpis = kpi::progress(council, &figures, &progress, report, previous);
    let mut status_counts = BTreeMap::new();
    for s in State::ALL {
        status_counts.insert(s.label().to_string(), outcome.ledger.count(s));
    }
    Ok(Aggregate {
        edition: Edition::Internal,
        edition_label: Edition::Internal.label().into(),
        council: council.def.council.name.clone(),
        fiscal_year: council.fiscal_year(),
        fiscal_year_label: nendo(council.fiscal_year()),
        as_of: outcome.as_of,
        report_period: period_ref(report),
        periods: progress.iter().map(|p| period_ref(p)).collect(),
        categories: council
            .def
            .categories
            .iter()
            .filter_map(|c| category_ref(council, &c.id))
            .collect(),
        kpis,
        figures,
        initiatives: initiatives(council, outcome),
        practices: practices(council, outcome),
        requests: requests(council, outcome),
        status: status(council, outcome),
        status_counts,
        disclosure: Vec::new(),
    })
}

/// Accepted table rows of one kind, with the submitter and period they came from.
fn accepted_rows<'a>(outcome: &'a Outcome, table: &str) -> Vec<(&'a str, &'a str, &'a Row)> {
    let mut out = Vec::new();
    for e in outcome
        .ledger
        .entries
        .iter()
        .filter(|e| e.state.is_accepted())
    {
        let (Some(i), Some(s), Some(p)) =
            (e.file_index, e.submitter.as_deref(), e.period.as_deref())
        else {
            continue;
        };
        for row in outcome.checked[i]
            .submission
            .tables
            .get(table)
            .into_iter()
            .flatten()
        {
            out.push((s, p, row));
        }
    }
    out
}

fn text(row: &Row, key: &str) -> String {
    row.get(key)
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

fn int(row: &Row, key: &str) -> Option<i64> {
    row.get(key).and_then(Value::as_int)
}

fn initiatives(council: &Council, outcome: &Outcome) -> Vec<Initiative> {
    let mut out: Vec<Initiative> = accepted_rows(outcome, "initiatives")
        .into_iter()
        .map(|(s, p, row)| {
            let submitter = council.submitter(s).expect("accepted submitters are known");
            let group = submitter
                .member
                .as_deref()
                .and_then(|m| council.member(m))
                .map(|m| m.group.label().to_string());
            let kpi = row.get("kpi").and_then(Value::as_str).map(str::to_string);
            let region = row
                .get("region")
                .and_then(Value::as_str)
                .and_then(|r| council.region(r))
                .map(|r| r.name)
                .unwrap_or_default();
            Initiative {
                period: p.into(),
                submitter: s.into(),
                submitter_name: submitter.name.clone(),
                municipal: submitter.kind == SubmitterKind::Municipal,
                group,
                category: row
                    .get("category")
                    .and_then(Value::as_str)
                    .and_then(|c| category_ref(council, c)),
                name: text(row, "name"),
                summary: text(row, "summary"),
                region,
                kpi_name: kpi
                    .as_deref()
                    .and_then(|k| council.kpi(k))
                    .map(|k| k.name.clone()),
                kpi,
                budget: int(row, "budget"),
                target: int(row, "target"),
                actual: int(row, "actual"),
            }
        })
        .collect();
    let order = |i: &Initiative| {
        council
            .submitter_position(&i.submitter)
            .unwrap_or(usize::MAX)
    };
    out.sort_by_cached_key(|i| (i.period.clone(), order(i)));
    out
}

fn practices(council: &Council, outcome: &Outcome) -> Vec<Practice> {
    accepted_rows(outcome, "practices")
        .into_iter()
        .map(|(s, p, row)| Practice {
            period: p.into(),
            submitter: s.into(),
            submitter_name: council
                .submitter(s)
                .map(|x| x.name.clone())
                .unwrap_or_default(),
            category: row
                .get("category")
                .and_then(Value::as_str)
                .and_then(|c| category_ref(council, c)),
            title: text(row, "title"),
            summary: text(row, "summary"),
            partners: text(row, "partners"),
            outcome: text(row, "outcome"),
            publishable: row.get("publishable").and_then(Value::as_str) == Some("yes"),
        })
        .collect()
}

fn requests(council: &Council, outcome: &Outcome) -> Vec<RequestGroup> {
    let mut groups: Vec<RequestGroup> = Vec::new();
    let mut addressees: Vec<(String, String)> = council
        .def
        .members
        .iter()
        .map(|m| (m.id.clone(), m.name.clone()))
        .collect();
    addressees.push((
        SECRETARIAT_ID.into(),
        format!("{}事務局", council.def.council.short_name),
    ));
    for (id, name) in addressees {
        let requests: Vec<Request> = accepted_rows(outcome, "requests")
            .into_iter()
            .filter(|(_, _, row)| row.get("addressee").and_then(Value::as_str) == Some(id.as_str()))
            .map(|(s, p, row)| Request {
                period: p.into(),
                from: s.into(),
                from_name: council
                    .submitter(s)
                    .map(|x| x.name.clone())
                    .unwrap_or_default(),
                kind: text(row, "kind"),
                content: text(row, "content"),
                desired_by: match row.get("desired_by") {
                    Some(Value::Date(d)) => Some(*d),
                    _ => None,
                },
                reply: row.get("reply").and_then(Value::as_str) == Some("yes"),
            })
            .collect();
        if !requests.is_empty() {
            groups.push(RequestGroup {
                addressee: id,
                addressee_name: name,
                requests,
            });
        }
    }
    groups
}

fn status(council: &Council, outcome: &Outcome) -> Vec<StatusRow> {
    crate::check::sorted_entries(council, outcome)
        .into_iter()
        .map(|e| {
            let period = e.period.as_deref().and_then(|p| council.period(p));
            StatusRow {
                period: e.period.clone().unwrap_or_default(),
                period_name: period.map(|p| p.name.clone()).unwrap_or_default(),
                submitter: e.submitter.clone().unwrap_or_default(),
                submitter_name: e
                    .submitter
                    .as_deref()
                    .and_then(|s| council.submitter(s))
                    .map(|s| s.name.clone())
                    .unwrap_or_default(),
                state: e.state.label().into(),
                file: e.file.clone().unwrap_or_default(),
                submitted_on: e.submitted_on,
                errors: e.errors,
                warnings: e.warnings,
            }
        })
        .collect()
}

/// The audit of each figure's public tables, kept for the archive.
#[derive(Debug, Clone, Serialize)]
pub struct FigureAudit {
    pub figure: String,
    pub audit: Audit,
    pub suppressed: Vec<String>,
}

/// Figures with more published cells than this (a council of several hundred
/// municipalities) are protected piece by piece (see [`disclosure::protect_in_pieces`]);
/// smaller ones in one go, which can hide a little less.
const PIECES_ABOVE: usize = 5_000;

impl Aggregate {
    /// The public edition: small counts and their complements replaced by `x`, audited;
    /// practices not cleared for publication left out. Fails, naming the cell, when the
    /// audit does not pass.
    pub fn public(&self, council: &Council) -> Result<(Aggregate, Vec<FigureAudit>)> {
        self.public_with_pieces_above(council, PIECES_ABOVE)
    }

    /// [`Self::public`], protecting figures of more than `limit` published cells piece by
    /// piece (tests use a small limit to take that path with a small council).
    #[doc(hidden)]
    pub fn public_with_pieces_above(
        &self,
        council: &Council,
        limit: usize,
    ) -> Result<(Aggregate, Vec<FigureAudit>)> {
        let mut out = self.clone();
        out.edition = Edition::Public;
        out.edition_label = Edition::Public.label().into();
        out.practices.retain(|p| p.publishable);
        let labels: Vec<(String, String)> = self
            .periods
            .iter()
            .map(|p| (p.id.clone(), p.name.clone()))
            .collect();
        let mut audits = Vec::new();
        // Figures are independent table systems: protect and audit them in parallel.
        let protected: Vec<(disclosure::Problem, disclosure::Suppression, Audit)> = {
            use rayon::prelude::*;
            self.figures
                .par_iter()
                .map(|figure| {
                    let def = council
                        .figure(&figure.id)
                        .expect("figures come from the council");
                    let data = self.finest(figure);
                    let grid = tables::Grid::new(council, def, labels.clone(), &data);
                    let problem = grid.problem(figure.threshold);
                    let (suppression, audit) = if problem.cells.len() > limit {
                        disclosure::protect_in_pieces(&problem, &grid.pieces())
                    } else {
                        disclosure::protect(&problem)
                    };
                    (problem, suppression, audit)
                })
                .collect()
        };
        for (fi, (figure, (problem, suppression, audit))) in
            self.figures.iter().zip(protected).enumerate()
        {
            if !audit.passed {
                let failed = audit.items.iter().find(|i| !i.ok).expect("a failing item");
                return Err(Error::Other(format!(
                    "公表用の秘匿の検査に通りませんでした: {} {}（{}）。公表用は作成しません",
                    figure.name, failed.name, failed.reason
                )));
            }
            // Cells are numbered table by table, row by row, categories then the total.
            let width = figure.categories.len() + 1;
            let mut k = 0;
            for table in &mut out.figures[fi].tables {
                for row in &mut table.rows {
                    for c in 0..width {
                        if suppression.suppressed[k] {
                            let cell = if c < width - 1 {
                                &mut row.cells[c]
                            } else {
                                &mut row.total
                            };
                            *cell = Count {
                                value: None,
                                status: Status::Suppressed,
                            };
                        }
                        k += 1;
                    }
                }
            }
            out.disclosure.push(DisclosureSummary {
                figure: figure.id.clone(),
                cells: problem.cells.len(),
                primary: suppression.primaries(),
                secondary: suppression.count() - suppression.primaries(),
                solves: audit.solves,
                passed: audit.passed,
            });
            let suppressed = problem
                .cells
                .iter()
                .zip(&suppression.suppressed)
                .filter(|(_, s)| **s)
                .map(|(c, _)| c.name.clone())
                .collect();
            audits.push(FigureAudit {
                figure: figure.id.clone(),
                audit,
                suppressed,
            });
        }
        kpi::hide_suppressed(&mut out);
        Ok((out, audits))
    }

    /// The finest values behind a figure's period tables (municipality and whole rows).
    fn finest(&self, figure: &FigureReport) -> Vec<BTreeMap<FigureKey, i64>> {
        let cats = &figure.categories;
        figure
            .tables
            .iter()
            .filter(|t| t.period != "ytd")
            .map(|t| {
                let mut m = BTreeMap::new();
                for row in t
                    .rows
                    .iter()
                    .filter(|r| matches!(r.level, Level::Municipality | Level::Whole))
                {
                    for (c, count) in row.cells.iter().enumerate() {
                        if let Some(v) = count.value {
                            m.insert(
                                FigureKey {
                                    region: row.code.clone(),
                                    category: cats[c].id.clone(),
                                    figure: figure.id.clone(),
                                },
                                v,
                            );
                        }
                    }
                }
                m
            })
            .collect()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("plain data")
    }
}

/// Reads a previous year's aggregate (`aggregate.json`, or an archive folder holding one).
pub fn load_previous(path: &Path) -> Result<Aggregate> {
    let candidates = [
        path.to_path_buf(),
        path.join("aggregate.json"),
        path.join("data").join("aggregate.json"),
    ];
    let file = candidates.iter().find(|p| p.is_file()).ok_or_else(|| {
        Error::Usage(format!(
            "{}: 前年度の集計（aggregate.json）が見つかりません",
            path.display()
        ))
    })?;
    let text = std::fs::read_to_string(file).map_err(|e| Error::io(file, e))?;
    serde_json::from_str(&text)
        .map_err(|e| Error::Usage(format!("{}: 前年度の集計を読めません: {e}", file.display())))
}

/// Which member group an initiative belongs to, for ordering (行政側 first).
pub fn group_order(g: Option<&str>) -> usize {
    match g {
        Some(x) if x == MemberGroup::Government.label() => 0,
        Some(_) => 1,
        None => 2,
    }
}
