//! KPI progress: actuals per period and to date from the figure tables, rates against the
//! annual target and (where the definition asks) the target pro-rated to the period's end,
//! a grade from the definition's thresholds, and changes from the previous period and year.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::tables::{Level, Status};
use super::{Aggregate, CategoryRef, FigureReport, category_ref};
use crate::council::{Council, Period};
use crate::dates::fiscal_year_range;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PeriodValue {
    pub period: String,
    pub name: String,
    /// `None` when nothing was reported, or when hidden in the public edition.
    pub value: Option<i64>,
    pub suppressed: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KpiProgress {
    pub id: String,
    pub name: String,
    pub unit: String,
    pub category: Option<CategoryRef>,
    pub figure: String,
    pub reference_value: String,
    pub reference_source: String,
    pub annual_target: i64,
    pub sample: bool,
    pub prorate: bool,
    /// Sum of the plan submissions' targets for the figure (for comparison).
    pub planned: Option<i64>,
    pub actuals: Vec<PeriodValue>,
    pub to_date: Option<i64>,
    pub to_date_suppressed: bool,
    /// Percent of the annual target reached to date.
    pub rate: Option<f64>,
    pub prorated_target: Option<i64>,
    pub prorated_rate: Option<f64>,
    pub grade: Option<String>,
    /// Actual of the report period minus that of the period before it.
    pub change: Option<i64>,
    pub previous_year: Option<i64>,
}

/// The prefecture-level value of a figure table for the KPI's category (or all categories
/// for cross-cutting KPIs): (value, suppressed).
fn prefecture_value(
    figure: &FigureReport,
    table: usize,
    category: Option<&str>,
) -> (Option<i64>, bool) {
    let Some(row) = figure
        .tables
        .get(table)
        .and_then(|t| t.rows.iter().find(|r| r.level == Level::Prefecture))
    else {
        return (None, false);
    };
    let cell = match category.and_then(|c| figure.categories.iter().position(|x| x.id == c)) {
        Some(i) => &row.cells[i],
        None => &row.total,
    };
    (cell.value, cell.status == Status::Suppressed)
}

pub fn progress(
    council: &Council,
    figures: &[FigureReport],
    periods: &[&Period],
    report: &Period,
    previous: Option<&Aggregate>,
) -> Vec<KpiProgress> {
    let (fy_start, fy_end) = fiscal_year_range(council.fiscal_year());
    let grades = grades(council);
    council
        .def
        .kpis
        .iter()
        .map(|k| {
            let figure = figures.iter().find(|f| f.id == k.figure).expect("checked");
            let cross = council
                .category(&k.category)
                .is_some_and(|c| c.cross_cutting);
            let category = if cross {
                None
            } else {
                Some(k.category.as_str())
            };
            let actuals: Vec<PeriodValue> = periods
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let (value, suppressed) = prefecture_value(figure, i, category);
                    PeriodValue {
                        period: p.id.clone(),
                        name: p.name.clone(),
                        value,
                        suppressed,
                    }
                })
                .collect();
            let ytd_index = if periods.len() > 1 { periods.len() } else { 0 };
            let (to_date, _) = prefecture_value(figure, ytd_index, category);
            let planned = figure.plan.as_ref().and_then(|t| {
                let row = t.rows.iter().find(|r| r.level == Level::Prefecture)?;
                match category.and_then(|c| figure.categories.iter().position(|x| x.id == c)) {
                    Some(i) => row.cells[i].value,
                    None => row.total.value,
                }
            });
            let rate = to_date
                .filter(|_| k.annual_target > 0)
                .map(|v| v as f64 * 100.0 / k.annual_target as f64);
            let prorated_target = k
                .prorate
                .then(|| prorate(k.annual_target, fy_start, fy_end, report.end));
            let prorated_rate = prorated_target
                .zip(to_date)
                .filter(|(t, _)| *t > 0)
                .map(|(t, v)| v as f64 * 100.0 / t as f64);
            let graded = if k.prorate { prorated_rate } else { rate };
            let grade = graded.map(|r| grade_of(&grades, r));
            let n = actuals.len();
            let change = (n >= 2)
                .then(|| {
                    actuals[n - 1]
                        .value
                        .zip(actuals[n - 2].value)
                        .map(|(a, b)| a - b)
                })
                .flatten();
            let previous_year = previous
                .and_then(|p| p.kpis.iter().find(|x| x.id == k.id))
                .and_then(|x| x.to_date);
            KpiProgress {
                id: k.id.clone(),
                name: k.name.clone(),
                unit: k.unit.clone(),
                category: category_ref(council, &k.category),
                figure: k.figure.clone(),
                reference_value: k.reference_value.clone(),
                reference_source: k.reference_source.clone(),
                annual_target: k.annual_target,
                sample: k.sample,
                prorate: k.prorate,
                planned,
                actuals,
                to_date,
                to_date_suppressed: false,
                rate,
                prorated_target,
                prorated_rate,
                grade,
                change,
                previous_year,
            }
        })
        .collect()
}

/// The annual target scaled to the share of the fiscal year that has passed at `end`.
fn prorate(target: i64, start: NaiveDate, fy_end: NaiveDate, end: NaiveDate) -> i64 {
    let total = (fy_end - start).num_days() + 1;
    let passed = ((end.min(fy_end) - start).num_days() + 1).max(0);
    ((target as f64) * passed as f64 / total as f64).round() as i64
}

fn grades(council: &Council) -> Vec<(String, f64)> {
    if council.def.grades.is_empty() {
        return vec![
            ("A".into(), 100.0),
            ("B+".into(), 80.0),
            ("B".into(), 50.0),
            ("C".into(), 0.0),
        ];
    }
    council
        .def
        .grades
        .iter()
        .map(|g| (g.label.clone(), g.min_rate))
        .collect()
}

fn grade_of(grades: &[(String, f64)], rate: f64) -> String {
    grades
        .iter()
        .find(|(_, min)| rate + 1e-9 >= *min)
        .or(grades.last())
        .map(|(l, _)| l.clone())
        .unwrap_or_default()
}

/// In the public edition, a KPI value whose table cell is hidden is hidden too, and so are
/// the rates computed from it.
pub fn hide_suppressed(agg: &mut Aggregate) {
    let figures = agg.figures.clone();
    let n = agg.periods.len();
    for k in &mut agg.kpis {
        let Some(figure) = figures.iter().find(|f| f.id == k.figure) else {
            continue;
        };
        let category = k
            .category
            .as_ref()
            .filter(|c| figure.categories.iter().any(|x| x.id == c.id))
            .map(|c| c.id.clone());
        for (i, a) in k.actuals.iter_mut().enumerate() {
            let (_, hidden) = prefecture_value(figure, i, category.as_deref());
            if hidden {
                a.value = None;
                a.suppressed = true;
            }
        }
        let ytd = if n > 1 { n } else { 0 };
        let (_, hidden) = prefecture_value(figure, ytd, category.as_deref());
        if hidden {
            k.to_date = None;
            k.to_date_suppressed = true;
            k.rate = None;
            k.prorated_rate = None;
            k.grade = None;
            k.change = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prorating_and_grades() {
        let (s, e) = fiscal_year_range(2026);
        let half = NaiveDate::from_ymd_opt(2026, 9, 30).unwrap();
        assert_eq!(prorate(365, s, e, half), 183);
        assert_eq!(prorate(100, s, e, e), 100);
        let g = vec![
            ("A".to_string(), 100.0),
            ("B+".into(), 80.0),
            ("B".into(), 50.0),
            ("C".into(), 0.0),
        ];
        assert_eq!(grade_of(&g, 100.0), "A");
        assert_eq!(grade_of(&g, 99.9), "B+");
        assert_eq!(grade_of(&g, 50.0), "B");
        assert_eq!(grade_of(&g, 12.0), "C");
    }
}
