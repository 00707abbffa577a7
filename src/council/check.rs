//! Meaning checks of the council definition. Each failure is one line that names the key as a
//! path into the TOML (`kpis[2].category`), the value and what was expected.

use std::collections::BTreeSet;

use super::model::*;
use super::municipalities::Municipality;
use crate::dates::fiscal_year_range;

/// Papers a meeting packet may hold, in the names `meetings[].papers` uses.
pub const PAPERS: [&str; 7] = [
    "plan",
    "progress",
    "initiatives",
    "practices",
    "requests",
    "status",
    "guideline",
];

type Check = std::result::Result<(), String>;

pub fn check(def: &Definition, municipalities: &[Municipality]) -> Check {
    let c = &def.council;
    if c.prefecture_code.len() != 2 || !c.prefecture_code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "council.prefecture_code = \"{}\": 2桁の数字で書いてください",
            c.prefecture_code
        ));
    }
    if !(2000..=2200).contains(&c.fiscal_year) {
        return Err(format!(
            "council.fiscal_year = {}: 西暦の年度（例: 2026）で書いてください",
            c.fiscal_year
        ));
    }
    unique("areas", def.areas.iter().map(|a| a.id.as_str()))?;
    unique("members", def.members.iter().map(|m| m.id.as_str()))?;
    unique("submitters", def.submitters.iter().map(|s| s.id.as_str()))?;
    unique("categories", def.categories.iter().map(|x| x.id.as_str()))?;
    unique("figures", def.figures.iter().map(|x| x.id.as_str()))?;
    unique("kpis", def.kpis.iter().map(|x| x.id.as_str()))?;
    unique("periods", def.periods.iter().map(|x| x.id.as_str()))?;
    let numbers: Vec<String> = def.meetings.iter().map(|m| m.number.to_string()).collect();
    unique_key("meetings", "number", numbers.iter().map(String::as_str))?;
    unique_key(
        "municipalities",
        "lg_code",
        municipalities.iter().map(|m| m.code.as_str()),
    )?;

    let members: BTreeSet<&str> = def.members.iter().map(|m| m.id.as_str()).collect();
    let categories: BTreeSet<&str> = def.categories.iter().map(|x| x.id.as_str()).collect();
    let figures: BTreeSet<&str> = def.figures.iter().map(|x| x.id.as_str()).collect();
    let areas: BTreeSet<&str> = def.areas.iter().map(|a| a.name.as_str()).collect();

    for (i, id) in def.secretariat.members.iter().enumerate() {
        known(
            &members,
            id,
            &format!("secretariat.members[{i}]"),
            "members",
        )?;
    }
    known(&members, &def.chair.member, "chair.member", "members")?;
    for m in municipalities {
        if !areas.contains(m.area.as_str()) {
            return Err(format!(
                "{} {} の area \"{}\" は areas[].name に定義されていません",
                m.code, m.name, m.area
            ));
        }
    }
    for (i, f) in def.submitter_defaults.municipal_figures.iter().enumerate() {
        known(
            &figures,
            f,
            &format!("submitter_defaults.municipal_figures[{i}]"),
            "figures",
        )?;
    }
    check_submitters(def, municipalities, &members, &figures)?;
    for (i, f) in def.figures.iter().enumerate() {
        for (j, cat) in f.categories.iter().enumerate() {
            known(
                &categories,
                cat,
                &format!("figures[{i}].categories[{j}]"),
                "categories",
            )?;
        }
        if f.threshold.is_some_and(|t| t < 1) {
            return Err(format!(
                "figures[{i}].threshold: 1以上の整数で書いてください"
            ));
        }
    }
    for (i, k) in def.kpis.iter().enumerate() {
        known(
            &categories,
            &k.category,
            &format!("kpis[{i}].category"),
            "categories",
        )?;
        known(&figures, &k.figure, &format!("kpis[{i}].figure"), "figures")?;
        let figure = def
            .figures
            .iter()
            .find(|f| f.id == k.figure)
            .expect("known");
        let cross = def
            .categories
            .iter()
            .any(|c| c.id == k.category && c.cross_cutting);
        if !cross && !figure.categories.contains(&k.category) {
            return Err(format!(
                "kpis[{i}].figure = \"{}\": この数値は区分 \"{}\" について集めていません（figures[].categories）",
                k.figure, k.category
            ));
        }
        if k.annual_target < 0 {
            return Err(format!(
                "kpis[{i}].annual_target: 0以上の整数で書いてください"
            ));
        }
    }
    check_periods(def)?;
    check_meetings(def)?;
    if def.disclosure.threshold < 1 {
        return Err("disclosure.threshold: 1以上の整数で書いてください".into());
    }
    for w in def.grades.windows(2) {
        if w[0].min_rate <= w[1].min_rate {
            return Err("grades: min_rate の大きい順に並べてください".into());
        }
    }
    Ok(())
}

fn check_submitters(
    def: &Definition,
    municipalities: &[Municipality],
    members: &BTreeSet<&str>,
    figures: &BTreeSet<&str>,
) -> Check {
    let mut platforms = BTreeSet::new();
    for (i, s) in def.submitters.iter().enumerate() {
        let key = format!("submitters[{i}]");
        match (&s.member, &s.municipality) {
            (Some(member), None) => known(members, member, &format!("{key}.member"), "members")?,
            (None, Some(code)) => {
                if !municipalities.iter().any(|m| &m.code == code) {
                    return Err(format!(
                        "{key}.municipality = \"{code}\": 市区町村ファイルにないコードです"
                    ));
                }
                if !platforms.insert(code.as_str()) {
                    return Err(format!(
                        "{key}.municipality = \"{code}\": 同じ市区町村の提出者が2つあります"
                    ));
                }
            }
            _ => {
                return Err(format!(
                    "{key} (id = \"{}\"): member か municipality のどちらか一方を書いてください",
                    s.id
                ));
            }
        }
        if s.id.is_empty()
            || !s
                .id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(format!(
                "{key}.id = \"{}\": 英数字・ハイフン・下線で書いてください",
                s.id
            ));
        }
        for (j, f) in s.figures.iter().flatten().enumerate() {
            known(figures, f, &format!("{key}.figures[{j}]"), "figures")?;
        }
    }
    Ok(())
}

fn check_periods(def: &Definition) -> Check {
    if def.periods.is_empty() {
        return Err("periods: 期間が1つもありません".into());
    }
    let (first, last) = fiscal_year_range(def.council.fiscal_year);
    for (i, p) in def.periods.iter().enumerate() {
        if p.start > p.end {
            return Err(format!("periods[{i}] ({}): start が end より後です", p.id));
        }
        if p.start < first || p.end > last {
            return Err(format!(
                "periods[{i}] ({}): {}〜{} は年度 ({first}〜{last}) の外にあります",
                p.id, p.start, p.end
            ));
        }
        if p.deadline < p.start {
            return Err(format!(
                "periods[{i}].deadline = {}: 期間の始まりより前です",
                p.deadline
            ));
        }
    }
    if !def.periods.iter().any(|p| p.kind == PeriodKind::Progress) {
        return Err("periods: kind = \"progress\" の期間が1つもありません".into());
    }
    Ok(())
}

fn check_meetings(def: &Definition) -> Check {
    let (first, last) = fiscal_year_range(def.council.fiscal_year);
    for (i, m) in def.meetings.iter().enumerate() {
        if m.date < first || m.date > last {
            return Err(format!(
                "meetings[{i}].date = {}: 年度 ({first}〜{last}) の外にあります",
                m.date
            ));
        }
        if !def.periods.iter().any(|p| p.id == m.period) {
            return Err(format!(
                "meetings[{i}].period = \"{}\": periods に定義されていません",
                m.period
            ));
        }
        for (j, paper) in m.papers.iter().enumerate() {
            if !PAPERS.contains(&paper.as_str()) {
                return Err(format!(
                    "meetings[{i}].papers[{j}] = \"{paper}\": 使える資料名は {} です",
                    PAPERS.join(", ")
                ));
            }
        }
    }
    Ok(())
}

fn unique<'a>(table: &str, ids: impl Iterator<Item = &'a str>) -> Check {
    unique_key(table, "id", ids)
}

fn unique_key<'a>(table: &str, key: &str, ids: impl Iterator<Item = &'a str>) -> Check {
    let mut seen = BTreeSet::new();
    for (i, id) in ids.enumerate() {
        if id.is_empty() {
            return Err(format!("{table}[{i}].{key}: 空です"));
        }
        if !seen.insert(id) {
            return Err(format!("{table}[{i}].{key} = \"{id}\": 重複しています"));
        }
    }
    Ok(())
}

fn known(set: &BTreeSet<&str>, id: &str, key: &str, table: &str) -> Check {
    if set.contains(id) {
        Ok(())
    } else {
        Err(format!("{key} = \"{id}\": {table} に定義されていません"))
    }
}
