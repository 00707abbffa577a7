//! The Excel reports: 事業実施計画.xlsx, KPI進捗状況.xlsx (with charts) and 提出状況一覧.xlsx.
//! Each has a cover sheet (title, fiscal year, as-of date, edition, legend) and then one
//! machine-readable table per sheet; suppressed counts are the text `x`, unreported `…`.

use crate::aggregate::{Aggregate, Count, Edition, Level, RegionTable, Status};
use crate::council::Council;
use crate::dates::{nendo_with_seireki, wareki};
use crate::error::{Error, Result};
use crate::xlsx::{self, Cell, ChartSpec, Table};

fn count(c: &Count) -> Cell {
    match (c.status, c.value) {
        (Status::Suppressed, _) => Cell::Text("x".into()),
        (_, Some(v)) => Cell::Int(v),
        _ => Cell::Text("…".into()),
    }
}

fn opt(v: Option<i64>) -> Cell {
    v.map_or(Cell::Text("…".into()), Cell::Int)
}

fn rate(v: Option<f64>) -> Cell {
    v.map_or(Cell::Empty, |r| Cell::Number((r * 10.0).round() / 10.0))
}

fn cover(council: &Council, agg: &Aggregate, what: &str) -> Vec<(String, String)> {
    let mut out = vec![
        ("協議会".into(), council.def.council.name.clone()),
        ("年度".into(), nendo_with_seireki(council.fiscal_year())),
        ("内容".into(), what.into()),
        (
            "報告期間".into(),
            format!(
                "{}（{}〜{}）",
                agg.report_period.name,
                wareki(agg.report_period.start),
                wareki(agg.report_period.end)
            ),
        ),
        (
            "基準日".into(),
            format!("{}（{}）", wareki(agg.as_of), agg.as_of),
        ),
        ("版".into(), agg.edition_label.clone()),
    ];
    if agg.edition == Edition::Public {
        out.push(("凡例".into(), format!("x: 秘匿（{}未満の数値と、それを他の数値から計算できないよう併せて秘匿した数値）　…: 報告なし", council.def.disclosure.threshold)));
    } else {
        out.push((
            "取扱い".into(),
            "構成員限り（設置要領６ 秘密の保持）。公表には公表用を使ってください。".into(),
        ));
    }
    if agg.kpis.iter().any(|k| k.sample) {
        out.push((
            "注記".into(),
            "KPIの目標値・参考値はサンプル値です。".into(),
        ));
    }
    out
}

fn author(council: &Council) -> String {
    format!("{}事務局", council.def.council.short_name)
}

/// A region × category table as a sheet: one row per municipality, whole row, area
/// subtotal and the prefecture total.
fn region_sheet(name: &str, categories: &[String], unit: &str, table: &RegionTable) -> Table {
    let mut columns: Vec<(String, f64)> = vec![
        ("地域コード".into(), 11.0),
        ("地域名".into(), 14.0),
        ("区分".into(), 10.0),
    ];
    for c in categories {
        columns.push((format!("{c}（{unit}）"), 16.0));
    }
    columns.push((format!("計（{unit}）"), 12.0));
    let mut t = Table {
        name: name.into(),
        columns,
        rows: Vec::new(),
    };
    for r in &table.rows {
        let level = match r.level {
            Level::Municipality => "区市町村",
            Level::Whole => "全域",
            Level::Area => "地域計",
            Level::Prefecture => "合計",
        };
        let mut row: Vec<Cell> = vec![r.code.as_str().into(), r.name.as_str().into(), level.into()];
        row.extend(r.cells.iter().map(count));
        row.push(count(&r.total));
        t.rows.push(row);
    }
    t
}

fn sheet_name(figure: &str, label: &str) -> String {
    let name = format!("{figure}_{label}");
    name.chars().take(31).collect()
}

pub fn workbooks(council: &Council, agg: &Aggregate) -> Result<Vec<(String, Vec<u8>)>> {
    Ok(vec![
        ("事業実施計画.xlsx".into(), plan(council, agg)?),
        ("KPI進捗状況.xlsx".into(), progress(council, agg)?),
        ("提出状況一覧.xlsx".into(), status(council, agg)?),
    ])
}

fn kpi_targets(agg: &Aggregate) -> Table {
    let mut t = Table::new(
        "KPI",
        &[
            ("KPIコード", 9.0),
            ("KPI", 40.0),
            ("対象区分", 30.0),
            ("単位", 6.0),
            ("年間目標", 10.0),
            ("参考値", 36.0),
            ("参考値の出典", 30.0),
            ("計画値の合計", 12.0),
            ("サンプル値", 9.0),
        ],
    );
    for k in &agg.kpis {
        t.rows.push(vec![
            k.id.as_str().into(),
            k.name.as_str().into(),
            crate::aggregate::category_label(&k.category).into(),
            k.unit.as_str().into(),
            Cell::Int(k.annual_target),
            k.reference_value.as_str().into(),
            k.reference_source.as_str().into(),
            opt(k.planned),
            if k.sample { "はい" } else { "いいえ" }.into(),
        ]);
    }
    t
}

fn initiatives_table(name: &str, agg: &Aggregate, period: Option<&str>) -> Table {
    let mut t = Table::new(
        name,
        &[
            ("期間", 8.0),
            ("提出者", 26.0),
            ("区分", 8.0),
            ("対象区分", 28.0),
            ("取組名", 28.0),
            ("概要", 50.0),
            ("実施地域", 12.0),
            ("関連KPI", 30.0),
            ("予算額（千円）", 12.0),
            ("目標値", 9.0),
            ("実績値", 9.0),
        ],
    );
    for i in agg
        .initiatives
        .iter()
        .filter(|i| period.is_none_or(|p| i.period == p))
    {
        t.rows.push(vec![
            i.period.as_str().into(),
            i.submitter_name.as_str().into(),
            if i.municipal {
                "区市町村PF"
            } else {
                "構成員"
            }
            .into(),
            crate::aggregate::category_label(&i.category).into(),
            i.name.as_str().into(),
            i.summary.as_str().into(),
            i.region.as_str().into(),
            i.kpi_name.clone().unwrap_or_default().into(),
            i.budget.map_or(Cell::Empty, Cell::Int),
            i.target.map_or(Cell::Empty, Cell::Int),
            i.actual.map_or(Cell::Empty, Cell::Int),
        ]);
    }
    t
}

fn plan(council: &Council, agg: &Aggregate) -> Result<Vec<u8>> {
    let plan_period = council
        .def
        .periods
        .iter()
        .find(|p| p.kind == crate::council::PeriodKind::Plan)
        .map(|p| p.id.as_str());
    let mut tables = vec![
        kpi_targets(agg),
        initiatives_table("取組", agg, plan_period),
    ];
    for f in &agg.figures {
        if let Some(t) = &f.plan {
            let cats: Vec<String> = f
                .categories
                .iter()
                .map(|c| format!("{} {}", c.mark, c.name))
                .collect();
            tables.push(region_sheet(&sheet_name(&f.id, "目標"), &cats, &f.unit, t));
        }
    }
    let mut practices = Table::new(
        "好事例",
        &[
            ("期間", 8.0),
            ("区市町村PF", 24.0),
            ("対象区分", 28.0),
            ("事例名", 28.0),
            ("概要", 50.0),
            ("連携先", 24.0),
            ("成果", 36.0),
        ],
    );
    for p in &agg.practices {
        practices.rows.push(vec![
            p.period.as_str().into(),
            p.submitter_name.as_str().into(),
            crate::aggregate::category_label(&p.category).into(),
            p.title.as_str().into(),
            p.summary.as_str().into(),
            p.partners.as_str().into(),
            p.outcome.as_str().into(),
        ]);
    }
    tables.push(practices);
    let title = format!(
        "{} 事業実施計画",
        crate::dates::nendo(council.fiscal_year())
    );
    xlsx::workbook(
        &title,
        &cover(council, agg, "事業実施計画（KPI・取組・目標値）"),
        &tables,
        agg.as_of,
        &author(council),
    )
    .map_err(Error::xlsx("事業実施計画.xlsx"))
}

fn progress(council: &Council, agg: &Aggregate) -> Result<Vec<u8>> {
    let mut columns: Vec<(String, f64)> = vec![
        ("KPIコード".into(), 9.0),
        ("KPI".into(), 36.0),
        ("対象区分".into(), 24.0),
        ("単位".into(), 6.0),
        ("年間目標".into(), 10.0),
    ];
    for p in &agg.periods {
        columns.push((format!("{}実績", p.name), 10.0));
    }
    for h in [
        "累計実績",
        "達成率（%）",
        "按分目標",
        "按分達成率（%）",
        "評価",
        "前期差",
        "前年度累計",
    ] {
        columns.push((h.into(), 11.0));
    }
    let mut summary = Table {
        name: "KPI".into(),
        columns,
        rows: Vec::new(),
    };
    for k in &agg.kpis {
        let mut row: Vec<Cell> = vec![
            k.id.as_str().into(),
            k.name.as_str().into(),
            crate::aggregate::category_label(&k.category).into(),
            k.unit.as_str().into(),
            Cell::Int(k.annual_target),
        ];
        for a in &k.actuals {
            row.push(if a.suppressed {
                Cell::Text("x".into())
            } else {
                opt(a.value)
            });
        }
        row.push(if k.to_date_suppressed {
            Cell::Text("x".into())
        } else {
            opt(k.to_date)
        });
        row.push(rate(k.rate));
        row.push(k.prorated_target.map_or(Cell::Empty, Cell::Int));
        row.push(rate(k.prorated_rate));
        row.push(k.grade.clone().unwrap_or_default().into());
        row.push(k.change.map_or(Cell::Empty, Cell::Int));
        row.push(k.previous_year.map_or(Cell::Empty, Cell::Int));
        summary.rows.push(row);
    }
    let n = agg.kpis.len() as u32;
    let to_date_col = 5 + agg.periods.len() as u16;
    let mut charts: Vec<ChartSpec> = agg
        .kpis
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let row = i as u32 + 1;
            ChartSpec {
                title: format!("{} {}（{}）", k.id, k.name, k.unit),
                alt: format!("{}の年間目標と累計実績の棒グラフ", k.name),
                categories: ("KPI".into(), row, 0, row),
                series: vec![
                    ("年間目標".into(), ("KPI".into(), row, 4, row)),
                    ("累計実績".into(), ("KPI".into(), row, to_date_col, row)),
                ],
            }
        })
        .collect();
    // Per area: each KPI's planned value against its actual to date.
    let mut by_area = Table::new(
        "地域別",
        &[
            ("地域", 12.0),
            ("KPIコード", 9.0),
            ("KPI", 36.0),
            ("単位", 6.0),
            ("計画値", 10.0),
            ("累計実績", 10.0),
        ],
    );
    for area in &council.def.areas {
        for k in &agg.kpis {
            let Some(f) = agg.figures.iter().find(|f| f.id == k.figure) else {
                continue;
            };
            let column = k
                .category
                .as_ref()
                .and_then(|c| f.categories.iter().position(|x| x.id == c.id));
            let pick = |t: Option<&RegionTable>| -> Cell {
                let Some(row) = t.and_then(|t| {
                    t.rows
                        .iter()
                        .find(|r| r.level == Level::Area && r.code == area.id)
                }) else {
                    return Cell::Text("…".into());
                };
                count(column.map_or(&row.total, |c| &row.cells[c]))
            };
            by_area.rows.push(vec![
                area.name.as_str().into(),
                k.id.as_str().into(),
                k.name.as_str().into(),
                k.unit.as_str().into(),
                pick(f.plan.as_ref()),
                pick(f.tables.last()),
            ]);
        }
    }
    for (a, area) in council.def.areas.iter().enumerate() {
        let first = a as u32 * n + 1;
        let last = first + n - 1;
        charts.push(ChartSpec {
            title: format!("{}: KPI別の計画値と累計実績", area.name),
            alt: format!("{}のKPIごとの計画値と累計実績の棒グラフ", area.name),
            categories: ("地域別".into(), first, 1, last),
            series: vec![
                ("計画値".into(), ("地域別".into(), first, 4, last)),
                ("累計実績".into(), ("地域別".into(), first, 5, last)),
            ],
        });
    }
    let mut tables = vec![summary];
    for f in &agg.figures {
        let cats: Vec<String> = f
            .categories
            .iter()
            .map(|c| format!("{} {}", c.mark, c.name))
            .collect();
        for t in &f.tables {
            tables.push(region_sheet(
                &sheet_name(&f.id, &t.label),
                &cats,
                &f.unit,
                t,
            ));
        }
    }
    tables.push(initiatives_table(
        "構成員別",
        agg,
        Some(&agg.report_period.id),
    ));
    tables.push(by_area);
    let title = format!(
        "{} KPI進捗状況（{}）",
        crate::dates::nendo(council.fiscal_year()),
        agg.report_period.name
    );
    xlsx::workbook_with_charts(
        &title,
        &cover(council, agg, "KPIの進捗状況と区分別・地域別の実績"),
        &tables,
        &charts,
        agg.as_of,
        &author(council),
    )
    .map_err(Error::xlsx("KPI進捗状況.xlsx"))
}

fn status(council: &Council, agg: &Aggregate) -> Result<Vec<u8>> {
    let mut t = Table::new(
        "提出状況",
        &[
            ("期間", 8.0),
            ("提出者ID", 11.0),
            ("提出者", 28.0),
            ("状態", 16.0),
            ("ファイル", 34.0),
            ("提出日", 11.0),
            ("提出日（和暦）", 16.0),
            ("エラー数", 8.0),
            ("警告数", 8.0),
        ],
    );
    for s in &agg.status {
        t.rows.push(vec![
            s.period_name.as_str().into(),
            s.submitter.as_str().into(),
            s.submitter_name.as_str().into(),
            s.state.as_str().into(),
            s.file.as_str().into(),
            s.submitted_on.into(),
            s.submitted_on.map(wareki).unwrap_or_default().into(),
            s.errors.into(),
            s.warnings.into(),
        ]);
    }
    let mut counts = Table::new("状態別件数", &[("状態", 18.0), ("件数", 8.0)]);
    for (k, v) in &agg.status_counts {
        counts.rows.push(vec![k.as_str().into(), (*v).into()]);
    }
    xlsx::workbook(
        "提出状況一覧",
        &cover(council, agg, "様式の提出状況"),
        &[t, counts],
        agg.as_of,
        &author(council),
    )
    .map_err(Error::xlsx("提出状況一覧.xlsx"))
}
