//! Filled-in sample submissions (`kyogikai sample`), as members would return them.
//!
//! Contract: for a seed, the same council and period always give the same workbooks. Figures
//! are plausible in size (a 特別区 reports tens, a 村 a handful, a member body hundreds), so the
//! aggregation and the disclosure control meet realistic small counts. Every value is
//! synthetic; names and phone numbers are placeholders.
//!
//! `--scale N` (N > 1) writes a self-contained synthetic council of N copies of every
//! municipality and member, with their submissions, for benchmarks. Each copy has areas of
//! its own, as N prefectures would.

use std::path::{Path, PathBuf};

use chrono::{Duration, NaiveDate};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sha2::{Digest, Sha256};

use crate::council::{
    self, Area, Council, Definition, Period, PeriodKind, Submitter, SubmitterDef, SubmitterKind,
};
use crate::error::{Error, Result, write_file};
use crate::forms;
use crate::spec::{SECRETARIAT_ID, figure_rows};
use crate::submission::{Row, Submission, Value};

/// A generator seeded per submitter and period, so adding a submitter changes no other file.
fn rng_for(seed: u64, submitter: &str, period: &str) -> ChaCha8Rng {
    let digest = Sha256::digest(format!("{seed}|{submitter}|{period}").as_bytes());
    let mut bytes = [0u8; 32];
    bytes.copy_from_slice(&digest);
    ChaCha8Rng::from_seed(bytes)
}

/// Typical size of a submitter's figures per half year, from what kind of body it is.
fn scale_of(council: &Council, submitter: &Submitter) -> f64 {
    if submitter.kind == SubmitterKind::Member {
        return 300.0;
    }
    let kind = council
        .municipalities
        .iter()
        .find(|m| m.code == submitter.region_code)
        .map(|m| m.kind.as_str());
    match kind {
        Some("特別区") => 30.0,
        Some("市") => 12.0,
        Some("町") => 3.0,
        Some("村") => 1.0,
        _ => 8.0,
    }
}

/// How a unit scales a figure: events are few, cases are many.
fn unit_factor(unit: &str) -> f64 {
    match unit {
        "回" => 0.02,
        "件" => 3.0,
        _ => 1.0,
    }
}

/// The submission a member would plausibly return.
pub fn submission(
    council: &Council,
    submitter: &Submitter,
    period: &Period,
    seed: u64,
) -> Submission {
    let mut rng = rng_for(seed, &submitter.id, &period.id);
    let mut out = Submission::default();
    fill_basic(&mut out, submitter, period, &mut rng);
    let scale = scale_of(council, submitter);
    // The level of each figure belongs to the submitter, not the period, so consecutive
    // periods look like the same body's work; the period adds only modest noise.
    let mut levels = rng_for(seed, &submitter.id, "levels");
    for key in figure_rows(council, submitter) {
        let figure = council.figure(&key.figure).expect("checked");
        let level = scale * unit_factor(&figure.unit) * levels.random_range(0.4..1.6);
        let value = match period.kind {
            PeriodKind::Plan => level * 2.1,
            PeriodKind::Progress => level * rng.random_range(0.8..1.2),
        };
        let mut row = Row::new();
        row.insert("value".into(), Value::Int(value.round().max(0.0) as i64));
        out.figures.insert(key, row);
    }
    out.tables.insert(
        "initiatives".into(),
        initiatives(council, submitter, period, &mut rng),
    );
    if submitter.kind == SubmitterKind::Municipal {
        out.tables
            .insert("practices".into(), practices(council, &mut rng));
        out.tables
            .insert("requests".into(), requests(council, period, &mut rng));
    }
    out
}

const PEOPLE: [&str; 8] = [
    "山田 太郎",
    "佐藤 花子",
    "鈴木 一郎",
    "高橋 美咲",
    "田中 健",
    "伊藤 由美",
    "渡辺 誠",
    "中村 陽子",
];

fn fill_basic(out: &mut Submission, submitter: &Submitter, period: &Period, rng: &mut ChaCha8Rng) {
    let department = match submitter.kind {
        SubmitterKind::Member => "企画調整担当".to_string(),
        SubmitterKind::Municipal => "福祉部 生活福祉課".to_string(),
    };
    let f = &mut out.fields;
    f.insert("department".into(), Value::Text(department));
    f.insert(
        "contact_person".into(),
        Value::Text(PEOPLE.choose(rng).expect("non-empty").to_string()),
    );
    f.insert(
        "phone".into(),
        Value::Text(format!("03-0000-{:04}", rng.random_range(0..10000))),
    );
    f.insert(
        "email".into(),
        Value::Text(format!("{}@example.jp", submitter.id.to_lowercase())),
    );
    let submitted = (period.deadline - Duration::days(rng.random_range(1..15))).max(period.start);
    f.insert("submitted_on".into(), Value::Date(submitted));
}

const INITIATIVES: [(&str, &str); 10] = [
    (
        "中高年向け就職支援セミナー",
        "応募書類の作成や面接対策を内容とするセミナーを開催し、個別相談につなげる。",
    ),
    (
        "正社員化に向けた企業説明会",
        "中高年の採用に意欲のある企業を集めた説明会を開催し、正社員就職を支援する。",
    ),
    (
        "職業訓練の受講勧奨",
        "訓練コースの情報を相談窓口で案内し、受講から就職まで一貫して支援する。",
    ),
    (
        "アウトリーチ型相談",
        "支援機関に来所できない方を訪問し、生活と就労の相談に応じる。",
    ),
    (
        "ひきこもり当事者の居場所づくり",
        "当事者や家族が安心して集える場を設け、段階的な社会参加を支える。",
    ),
    (
        "就労体験プログラム",
        "協力事業所での短時間の就労体験を通じて、働くことへの不安を和らげる。",
    ),
    (
        "支援策の周知広報",
        "広報紙・ウェブサイト・SNSで支援策を案内し、相談窓口の認知を高める。",
    ),
    (
        "家族向け相談会",
        "本人の支援に悩む家族を対象に、専門職による相談会を開催する。",
    ),
    (
        "企業向け受入れ研修",
        "中高年や福祉的支援を受けてきた方の受入れに必要な配慮を、企業の担当者に伝える。",
    ),
    (
        "オンライン相談窓口",
        "平日夜間と土曜日にオンラインで相談を受け付ける。",
    ),
];

fn initiatives(
    council: &Council,
    submitter: &Submitter,
    period: &Period,
    rng: &mut ChaCha8Rng,
) -> Vec<Row> {
    let n = rng.random_range(1..=3);
    let picks: Vec<_> = INITIATIVES.choose_multiple(rng, n).collect();
    let kpis: Vec<_> = council
        .def
        .kpis
        .iter()
        .filter(|k| submitter.figures.contains(&k.figure))
        .collect();
    picks
        .into_iter()
        .map(|(name, summary)| {
            let mut row = Row::new();
            row.insert("name".into(), Value::Text(name.to_string()));
            row.insert("summary".into(), Value::Text(summary.to_string()));
            let kpi = kpis.choose(rng);
            let category = match kpi {
                Some(k) => k.category.clone(),
                None => council
                    .def
                    .categories
                    .choose(rng)
                    .expect("non-empty")
                    .id
                    .clone(),
            };
            row.insert("category".into(), Value::Code(category));
            row.insert("region".into(), Value::Code(submitter.region_code.clone()));
            if let Some(k) = kpi {
                row.insert("kpi".into(), Value::Code(k.id.clone()));
            }
            if rng.random_bool(0.7) {
                row.insert("budget".into(), Value::Int(rng.random_range(5..500) * 100));
            }
            let target = rng.random_range(2..60) * 5;
            row.insert("target".into(), Value::Int(target));
            if period.kind == PeriodKind::Progress {
                let actual = (target as f64 * rng.random_range(0.3..0.8)).round() as i64;
                row.insert("actual".into(), Value::Int(actual));
            }
            row.insert("start".into(), Value::Date(period.start));
            row.insert("end".into(), Value::Date(period.end));
            row
        })
        .collect()
}

const PRACTICES: [(&str, &str, &str, &str); 4] = [
    (
        "商店街と連携した就労体験",
        "商店街の店舗で週1回から働ける体験の場を設け、本人のペースで就労につなげた。",
        "商店会、社会福祉協議会",
        "参加者の半数が継続的な就労に移行した。",
    ),
    (
        "ハローワークとの合同相談日",
        "月1回、福祉の窓口にハローワークの職員を招き、生活と仕事の相談を一度に受けられるようにした。",
        "ハローワーク",
        "相談から就職までの期間が短くなった。",
    ),
    (
        "家族セミナーからの個別支援",
        "家族向けセミナーの参加者に個別相談を案内し、本人への訪問支援につなげた。",
        "精神保健福祉センター",
        "これまで接点のなかった世帯と関係を築けた。",
    ),
    (
        "オンライン居場所",
        "外出が難しい方がオンラインで参加できる交流の場を設けた。",
        "NPO法人",
        "参加をきっかけに対面の活動へ移った方がいる。",
    ),
];

fn practices(council: &Council, rng: &mut ChaCha8Rng) -> Vec<Row> {
    let n = rng.random_range(0..=2);
    PRACTICES
        .choose_multiple(rng, n)
        .map(|(title, summary, partners, outcome)| {
            let mut row = Row::new();
            row.insert("title".into(), Value::Text(title.to_string()));
            let category = council
                .def
                .categories
                .choose(rng)
                .expect("non-empty")
                .id
                .clone();
            row.insert("category".into(), Value::Code(category));
            row.insert("summary".into(), Value::Text(summary.to_string()));
            row.insert("partners".into(), Value::Text(partners.to_string()));
            row.insert("outcome".into(), Value::Text(outcome.to_string()));
            row.insert(
                "publishable".into(),
                Value::Code(if rng.random_bool(0.8) { "yes" } else { "no" }.into()),
            );
            row
        })
        .collect()
}

const REQUESTS: [&str; 4] = [
    "福祉的な支援を受けてきた方を受け入れていただける事業所の紹介をお願いしたい。",
    "短時間勤務から始められる求人の開拓について協力をお願いしたい。",
    "近隣の区市町村と合同で開催する相談会への参加を検討いただきたい。",
    "他の地域の先進的な取組について情報提供をお願いしたい。",
];

fn requests(council: &Council, period: &Period, rng: &mut ChaCha8Rng) -> Vec<Row> {
    let n = rng.random_range(0..=2);
    let mut addressees: Vec<String> = council
        .def
        .members
        .iter()
        .filter(|m| m.group == council::MemberGroup::LabourAndEconomy)
        .map(|m| m.id.clone())
        .collect();
    addressees.push(SECRETARIAT_ID.into());
    (0..n)
        .map(|_| {
            let mut row = Row::new();
            row.insert(
                "addressee".into(),
                Value::Code(addressees.choose(rng).expect("non-empty").clone()),
            );
            if let Some(kind) = council.def.request_kinds.choose(rng) {
                row.insert("kind".into(), Value::Code(kind.clone()));
            }
            row.insert(
                "content".into(),
                Value::Text(REQUESTS.choose(rng).expect("non-empty").to_string()),
            );
            if rng.random_bool(0.5) {
                row.insert("desired_by".into(), Value::Date(period.end));
            }
            row.insert(
                "reply".into(),
                Value::Code(if rng.random_bool(0.6) { "yes" } else { "no" }.into()),
            );
            row
        })
        .collect()
}

/// Writes filled-in submissions for the given periods under `dir/<fiscal year>/<period>/`.
pub fn write_submissions(
    council: &Council,
    periods: &[&Period],
    seed: u64,
    dir: &Path,
) -> Result<Vec<PathBuf>> {
    use rayon::prelude::*;
    let mut written = Vec::new();
    for period in periods {
        let folder = dir.join(council.fiscal_year().to_string()).join(&period.id);
        let issued = issued_for(period);
        // Each workbook depends only on its submitter and the seed: made in parallel.
        let paths: Vec<PathBuf> = council
            .submitters
            .par_iter()
            .map(|submitter| {
                let filled = submission(council, submitter, period, seed);
                let bytes =
                    forms::workbook(council, submitter, period, issued, Some(&filled), None)?;
                let path = folder.join(forms::file_name(submitter));
                write_file(&path, &bytes)?;
                Ok(path)
            })
            .collect::<Result<_>>()?;
        written.extend(paths);
    }
    Ok(written)
}

/// A synthetic council with `scale` copies of every municipality and member, written with its
/// municipalities file and guideline into `dest`; returns the path of its `council.toml`.
pub fn write_scaled_council(council: &Council, scale: u32, dest: &Path) -> Result<PathBuf> {
    let mut def: Definition = council.def.clone();
    let mut tsv = String::from("lg_code\tname\tname_kana\ttype\tarea\n");
    def.submitters.clear();
    let base_members = council.def.members.clone();
    def.members.clear();
    // Each copy is a prefecture of its own: its municipalities form areas of their own, as
    // the councils of the country would, so no area grows with N.
    def.areas.clear();
    for copy in 0..scale {
        let suffix = if copy == 0 {
            String::new()
        } else {
            format!("-{}", copy + 1)
        };
        let area_name = |name: &str| {
            if copy == 0 {
                name.to_string()
            } else {
                format!("{name}{}", copy + 1)
            }
        };
        for a in &council.def.areas {
            def.areas.push(Area {
                id: format!("{}{suffix}", a.id),
                name: area_name(&a.name),
            });
        }
        for m in &base_members {
            let mut m = m.clone();
            m.id = format!("{}{suffix}", m.id);
            if copy > 0 {
                m.name = format!("{}（複製{}）", m.name, copy + 1);
            }
            def.members.push(m);
        }
        for s in council.def.submitters.iter().filter(|s| s.member.is_some()) {
            def.submitters.push(SubmitterDef {
                id: format!("{}{suffix}", s.id),
                member: s.member.as_ref().map(|m| format!("{m}{suffix}")),
                municipality: None,
                figures: s.figures.clone(),
            });
        }
        for (i, m) in council.municipalities.iter().enumerate() {
            let code = if copy == 0 {
                m.code.clone()
            } else {
                synthetic_code(copy, i)?
            };
            let name = if copy == 0 {
                m.name.clone()
            } else {
                format!("{}{}", m.name, copy + 1)
            };
            let area = area_name(&m.area);
            tsv.push_str(&format!("{code}\t{name}\t{}\t{}\t{area}\n", m.kana, m.kind));
            if council
                .def
                .submitters
                .iter()
                .any(|s| s.municipality.as_deref() == Some(m.code.as_str()))
            {
                def.submitters.push(SubmitterDef {
                    id: format!("PF{code}"),
                    member: None,
                    municipality: Some(code),
                    figures: None,
                });
            }
        }
    }
    def.council.municipalities_file = "municipalities.tsv".into();
    if let Some(guideline) = &council.def.council.guideline_file {
        let text = std::fs::read(council.path(guideline))
            .map_err(|e| Error::io(&council.path(guideline), e))?;
        write_file(&dest.join(guideline), &text)?;
    }
    let toml = toml::to_string(&def)
        .map_err(|e| Error::Other(format!("合成した協議会定義を書けません: {e}")))?;
    let path = dest.join("council.toml");
    write_file(
        &path,
        format!(
            "# kyogikai sample --scale {scale} が作った合成の協議会定義（ベンチマーク用）\n{toml}"
        )
        .as_bytes(),
    )?;
    write_file(&dest.join("municipalities.tsv"), tsv.as_bytes())?;
    Ok(path)
}

/// A made-up but valid 6-digit code for copy `copy` of municipality `index`.
fn synthetic_code(copy: u32, index: usize) -> Result<String> {
    let five = 50_000 + copy as usize * 80 + index;
    if five > 99_999 {
        return Err(Error::Usage(
            "--scale が大きすぎます（624以下にしてください）".into(),
        ));
    }
    let five = format!("{five:05}");
    let check = council::municipalities::check_digit(&five).expect("five digits");
    Ok(format!("{five}{check}"))
}

/// The issue date written into sample workbooks: the first day of the period.
pub fn issued_for(period: &Period) -> NaiveDate {
    period.start
}
