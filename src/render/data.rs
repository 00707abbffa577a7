//! The JSON the typst templates read (`edition.json` and `doc.json`). Everything a person
//! reads is formatted here, in Rust: 和暦 dates, digits grouped by three, rates, `x` for suppressed cells. The
//! templates only lay it out. Text from members arrives as JSON strings and is set as text.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::aggregate::{Aggregate, Edition, Level};
use crate::council::{Council, Meeting};
use crate::dates::{nendo, nendo_with_seireki, wareki, wareki_with_seireki};
use crate::text::group_digits;

/// One paper of a meeting packet, or a document on its own.
#[derive(Debug, Clone)]
pub struct Doc {
    pub key: String,
    pub title: String,
}

/// Lists longer than this are cut in the PDFs, with a last line saying how many more there
/// are and that the Excel reports hold them all. A prefecture's council stays far below it;
/// it keeps typesetting bounded when a run covers many councils' worth of submitters.
const PDF_MAX_LIST: usize = 300;
/// Region tables with more municipality rows than this show areas and totals only in the PDFs.
const PDF_MAX_MUNICIPALITIES: usize = 150;

/// How many items of each group a list shows when at most `max` are shown in all, in group
/// order: the first groups in full, then part of one, then none.
fn shares(sizes: &[usize], max: usize) -> Vec<usize> {
    let mut left = max;
    sizes
        .iter()
        .map(|&n| {
            let k = n.min(left);
            left -= k;
            k
        })
        .collect()
}

/// Cuts `items` to [`PDF_MAX_LIST`], adding `more(n)` for the n left out.
fn capped(mut items: Vec<Value>, more: impl Fn(usize) -> Value) -> Vec<Value> {
    if items.len() > PDF_MAX_LIST {
        let rest = items.len() - PDF_MAX_LIST;
        items.truncate(PDF_MAX_LIST);
        items.push(more(rest));
    }
    items
}

fn more_text(n: usize) -> String {
    format!(
        "ほか {} 件（全件は Excel の資料に収録）",
        group_digits(n as i64)
    )
}

fn num(v: Option<i64>) -> String {
    v.map(group_digits).unwrap_or_else(|| "…".into())
}

fn pct(v: Option<f64>) -> String {
    v.map(|r| format!("{r:.1}%")).unwrap_or_else(|| "－".into())
}

fn signed(v: Option<i64>) -> String {
    match v {
        Some(n) if n > 0 => format!("+{}", group_digits(n)),
        Some(n) => group_digits(n),
        None => "－".into(),
    }
}

pub fn council_json(council: &Council) -> Value {
    let c = &council.def.council;
    let secretariat: Vec<String> = council
        .def
        .secretariat
        .members
        .iter()
        .filter_map(|m| council.member(m))
        .map(|m| m.name.clone())
        .collect();
    let chair = council
        .member(&council.def.chair.member)
        .map(|m| m.name.clone())
        .unwrap_or_default();
    let (start, end) = crate::dates::fiscal_year_range(c.fiscal_year);
    json!({
        "name": c.name,
        "short_name": c.short_name,
        "prefecture": c.prefecture,
        "fiscal_year_label": nendo(c.fiscal_year),
        "fiscal_year_full": nendo_with_seireki(c.fiscal_year),
        "fiscal_year_range": format!("{}〜{}", wareki(start), wareki(end)),
        "whole_region_label": c.whole_region_label,
        "municipalities_word": c.municipalities_word,
        "secretariat": secretariat,
        "contact": {
            "department": council.def.secretariat.contact_department,
            "phone": council.def.secretariat.contact_phone,
            "email": council.def.secretariat.contact_email,
        },
        "chair": { "member": chair, "title": council.def.chair.title },
        "texts": {
            "purpose": council.def.texts.purpose,
            "situation": council.def.texts.situation,
            "structure": council.def.texts.structure,
        },
        "members": council.def.members.iter().map(|m| json!({
            "id": m.id,
            "name": m.name,
            "group": m.group.label(),
            "roles": m.roles,
            "secretariat": council.def.secretariat.members.contains(&m.id),
            "chair": council.def.chair.member == m.id,
        })).collect::<Vec<_>>(),
        "areas": council.def.areas.iter().map(|a| a.name.clone()).collect::<Vec<_>>(),
    })
}

fn category_label(c: &Option<crate::aggregate::CategoryRef>) -> String {
    c.as_ref()
        .map(|c| format!("{} {}", c.mark, c.name))
        .unwrap_or_default()
}

pub fn aggregate_json(council: &Council, agg: &Aggregate) -> Value {
    let max_of = |a: i64, b: Option<i64>| a.max(b.unwrap_or(0)).max(1);
    let kpis: Vec<Value> = agg
        .kpis
        .iter()
        .map(|k| {
            json!({
                "id": k.id,
                "name": k.name,
                "unit": k.unit,
                "category": category_label(&k.category),
                "reference_value": k.reference_value,
                "reference_source": k.reference_source,
                "target": group_digits(k.annual_target),
                "sample": k.sample,
                "planned": num(k.planned),
                "actuals": k.actuals.iter().map(|a| json!({
                    "name": a.name,
                    "value": if a.suppressed { "x".to_string() } else { num(a.value) },
                })).collect::<Vec<_>>(),
                "to_date": if k.to_date_suppressed { "x".to_string() } else { num(k.to_date) },
                "rate": pct(k.rate),
                "prorated_target": k.prorated_target.map(group_digits).unwrap_or_else(|| "－".into()),
                "prorated_rate": pct(k.prorated_rate),
                "grade": k.grade.clone().unwrap_or_else(|| "－".into()),
                "change": signed(k.change),
                "previous_year": num(k.previous_year),
                "bar": {
                    "target": k.annual_target,
                    "prorated": k.prorated_target,
                    "actual": k.to_date,
                    "max": max_of(k.annual_target, k.to_date),
                },
                "alt": format!("{}: 年間目標 {}{}、{}時点の実績 {}{}（達成率 {}）", k.name, group_digits(k.annual_target), k.unit, agg.report_period.name,
                    if k.to_date_suppressed { "x".to_string() } else { num(k.to_date) }, k.unit, pct(k.rate)),
            })
        })
        .collect();
    let mut by_category: Vec<Value> = Vec::new();
    for c in &agg.categories {
        let items: Vec<Value> = agg
            .initiatives
            .iter()
            .filter(|i| i.category.as_ref().is_some_and(|x| x.id == c.id))
            .map(|i| {
                json!({
                    "period": i.period,
                    "submitter": i.submitter_name,
                    "municipal": i.municipal,
                    "name": i.name,
                    "summary": i.summary,
                    "region": i.region,
                    "kpi": i.kpi_name.clone().unwrap_or_default(),
                    "budget": i.budget.map(group_digits).unwrap_or_default(),
                    "target": i.target.map(group_digits).unwrap_or_default(),
                    "actual": i.actual.map(group_digits).unwrap_or_default(),
                })
            })
            .collect();
        // Cut per period: the plan and each report list their own period's items.
        let mut by_period: std::collections::BTreeMap<String, Vec<Value>> =
            std::collections::BTreeMap::new();
        for it in items {
            by_period
                .entry(it["period"].as_str().unwrap_or("").to_string())
                .or_default()
                .push(it);
        }
        let items: Vec<Value> = by_period
            .into_iter()
            .flat_map(|(period, list)| {
                capped(list, |n| json!({"period": period, "submitter": more_text(n), "municipal": false, "name": "", "summary": "", "region": "", "kpi": "", "budget": "", "target": "", "actual": ""}))
            })
            .collect();
        by_category.push(
            json!({ "label": format!("{} {}", c.mark, c.name), "mark": c.mark, "items": items }),
        );
    }
    let figures: Vec<Value> = agg
        .figures
        .iter()
        .map(|f| {
            let table = |t: &crate::aggregate::RegionTable| {
                let detail = t.rows.iter().filter(|r| r.level == Level::Municipality).count() <= PDF_MAX_MUNICIPALITIES;
                let label = if detail { t.label.clone() } else { format!("{}（地域計のみ。区市町村別は Excel に収録）", t.label) };
                json!({
                    "period": t.period,
                    "label": label,
                    "rows": t.rows.iter().filter(|r| detail || r.level != Level::Municipality).map(|r| json!({
                        "level": match r.level { Level::Municipality => "municipality", Level::Whole => "whole", Level::Area => "area", Level::Prefecture => "prefecture" },
                        "code": r.code,
                        "name": r.name,
                        "cells": r.cells.iter().map(|c| c.display()).collect::<Vec<_>>(),
                        "total": r.total.display(),
                    })).collect::<Vec<_>>(),
                })
            };
            json!({
                "id": f.id,
                "name": f.name,
                "unit": f.unit,
                "categories": f.categories.iter().map(|c| format!("{} {}", c.mark, c.name)).collect::<Vec<_>>(),
                "marks": f.categories.iter().map(|c| c.mark.clone()).collect::<Vec<_>>(),
                "tables": f.tables.iter().map(table).collect::<Vec<_>>(),
                "plan": f.plan.as_ref().map(table),
            })
        })
        .collect();
    let practices: Vec<Value> = agg
        .practices
        .iter()
        .map(|p| {
            json!({
                "period": p.period, "submitter": p.submitter_name, "category": category_label(&p.category),
                "title": p.title, "summary": p.summary, "partners": p.partners, "outcome": p.outcome,
            })
        })
        .collect();
    let practices = capped(
        practices,
        |n| json!({"period": "", "submitter": more_text(n), "category": "", "title": "", "summary": "", "partners": "", "outcome": ""}),
    );
    // Requests by addressee, at most PDF_MAX_LIST in all; every group keeps its true counts.
    let sizes: Vec<usize> = agg.requests.iter().map(|g| g.requests.len()).collect();
    let mut left_out = 0;
    let mut requests: Vec<Value> = Vec::new();
    let more_request = |n| json!({"period": "", "from": more_text(n), "kind": "", "content": "", "desired_by": "", "reply": ""});
    for (g, shown) in agg.requests.iter().zip(shares(&sizes, PDF_MAX_LIST)) {
        let total = g.requests.len();
        if shown == 0 && total > 0 {
            left_out += total;
            continue;
        }
        let mut items: Vec<Value> = g
            .requests
            .iter()
            .take(shown)
            .map(|r| {
                json!({
                    "period": r.period, "from": r.from_name, "kind": r.kind, "content": r.content,
                    "desired_by": r.desired_by.map(wareki).unwrap_or_default(),
                    "reply": if r.reply { "要" } else { "不要" },
                })
            })
            .collect();
        if shown < total {
            items.push(more_request(total - shown));
        }
        let mut by_period: BTreeMap<&str, usize> = BTreeMap::new();
        for r in &g.requests {
            *by_period.entry(r.period.as_str()).or_default() += 1;
        }
        requests.push(json!({
            "addressee": g.addressee_name,
            "count": total,
            "by_period": by_period,
            "items": items,
        }));
    }
    if left_out > 0 {
        requests.push(json!({
            "addressee": "ほかの依頼先",
            "count": left_out,
            "by_period": {},
            "items": [more_request(left_out)],
        }));
    }
    let status_rows: Vec<Value> = agg
        .status
        .iter()
        .map(|s| {
            json!({
                "period": s.period_name, "submitter": s.submitter_name, "state": s.state,
                "submitted_on": s.submitted_on.map(wareki).unwrap_or_default(),
                "errors": s.errors, "warnings": s.warnings,
            })
        })
        .collect();
    let first_period = agg
        .status
        .first()
        .map(|s| s.period_name.clone())
        .unwrap_or_default();
    let status_rows = capped(
        status_rows,
        |n| json!({"period": first_period, "submitter": more_text(n), "state": "", "submitted_on": "", "errors": 0, "warnings": 0}),
    );
    let legend = (agg.edition == Edition::Public).then(|| {
        format!(
            "x: 秘匿（{}未満の数値と、その数値が他の公表値から計算できないよう併せて秘匿したもの）　…: 報告なし",
            council.def.disclosure.threshold
        )
    });
    json!({
        "edition": agg.edition,
        "edition_label": agg.edition_label,
        "report_period": { "name": agg.report_period.name, "range": format!("{}〜{}", wareki(agg.report_period.start), wareki(agg.report_period.end)) },
        "periods": agg.periods.iter().map(|p| p.name.clone()).collect::<Vec<_>>(),
        "kpis": kpis,
        "initiatives_by_category": by_category,
        "figures": figures,
        "practices": practices,
        "requests": requests,
        "status": { "counts": agg.status_counts.iter().map(|(k, v)| json!({"label": k, "count": v})).collect::<Vec<_>>(), "rows": status_rows },
        "legend": legend,
        "sample_note": agg.kpis.iter().any(|k| k.sample).then_some("KPIの目標値・参考値はサンプル値です。"),
    })
}

/// The data file every document of one edition shares (`edition.json`): the council, the
/// report, the meeting and the guideline. It is built and serialised once per edition, so
/// typst parses it once and evaluates `lib.typ` once for all documents of the edition.
pub fn edition(
    council: &Council,
    agg: &Aggregate,
    meeting: Option<&Meeting>,
    guideline: &str,
) -> Value {
    let meeting = meeting.map(|m| {
        json!({
            "number": m.number,
            "title": format!("{}第{}回{}", nendo(council.fiscal_year()), m.number, council.def.council.name),
            "date": wareki_with_seireki(m.date),
            "date_label": wareki(m.date),
            "time": m.time,
            "venue": m.venue,
            "agenda": m.agenda,
        })
    });
    json!({
        "doc": {
            "edition": agg.edition,
            "edition_label": agg.edition_label,
            "date_label": wareki(agg.as_of),
            "date_full": wareki_with_seireki(agg.as_of),
        },
        "council": council_json(council),
        "report": aggregate_json(council, agg),
        "meeting": meeting,
        "guideline": guideline,
    })
}

/// The data file of one document (`doc.json`): its title and key, and for a meeting packet
/// which papers it holds (`only`: the index of the one paper, or null for all).
pub fn document(doc: &Doc, papers: Option<&Value>) -> Value {
    json!({ "key": doc.key, "title": doc.title, "papers": papers })
}

#[cfg(test)]
mod tests {
    use super::shares;

    #[test]
    fn a_long_list_is_cut_across_its_groups() {
        assert_eq!(shares(&[5, 3, 4], 6), vec![5, 1, 0]);
        assert_eq!(shares(&[2, 2], 10), vec![2, 2]);
        assert_eq!(shares(&[0, 7], 3), vec![0, 3]);
        assert_eq!(shares(&[], 3), Vec::<usize>::new());
    }
}
