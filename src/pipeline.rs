//! `kyogikai build`: check → aggregate → render → archive, as one straight list of stages,
//! each timed. Submissions with errors do not stop the build: the documents are built from
//! what was accepted, and the ledger in the archive says what was left out and why.

use std::collections::BTreeMap;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use serde_json::json;

use crate::aggregate::{self, Edition};
use crate::archive::{self, Item, Stored};
use crate::check::{self, Outcome};
use crate::commands::Run;
use crate::council::Council;
use crate::dates::{nendo, wareki, wareki_with_seireki};
use crate::error::{Error, Result};
use crate::ledger::State;
use crate::render;
use crate::templates::Templates;

pub struct Options {
    pub meeting: Option<u32>,
    pub editions: Vec<Edition>,
    pub label: Option<String>,
    pub period: Option<String>,
    pub previous: Option<std::path::PathBuf>,
    pub progress: bool,
}

pub struct Built {
    pub council: Council,
    pub outcome: Outcome,
    pub stored: Stored,
    pub timings: Vec<(String, f64)>,
    pub documents: usize,
}

#[derive(Serialize)]
struct ManifestFile {
    path: String,
    sha256: String,
    size: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    state: Option<String>,
}

fn stage(bar: &ProgressBar, what: &str) -> Instant {
    bar.set_message(what.to_string());
    bar.inc(1);
    Instant::now()
}

pub fn build(run: &Run, options: &Options) -> Result<Built> {
    let bar = if options.progress {
        ProgressBar::new(6)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{pos}/{len}] {msg}").expect("valid template"),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    let mut timings = Vec::new();
    let templates = Templates::new(&run.templates);

    let t = stage(&bar, "協議会定義を読み込み中");
    let council = run.council()?;
    let meeting = options.meeting.map(|n| council.meeting(n)).transpose()?;
    timings.push(("協議会定義".to_string(), t.elapsed().as_secs_f64()));

    let t = stage(&bar, "提出ファイルを読み込み・検証中");
    let check_options = check::Options {
        reader_exe: run.exe.clone(),
        ..Default::default()
    };
    let mut outcome = check::check(&council, run.as_of, &check_options)?;
    timings.push(("読込・検証".to_string(), t.elapsed().as_secs_f64()));
    let check_files = check::outputs(&council, &outcome, &templates)?;
    // The typed copies of the inputs served only the feedback workbooks.
    for c in &mut outcome.checked {
        c.typed = Default::default();
    }

    let t = stage(&bar, "集計中");
    let previous = options
        .previous
        .as_deref()
        .map(aggregate::load_previous)
        .transpose()?;
    let period = options.period.clone().or_else(|| {
        meeting
            .filter(|m| {
                council
                    .period(&m.period)
                    .is_some_and(|p| p.kind == crate::council::PeriodKind::Progress)
            })
            .map(|m| m.period.clone())
    });
    let agg = aggregate::aggregate(&council, &outcome, period.as_deref(), previous.as_ref())?;
    // From here on only the ledger and the findings are used: the rows go.
    for c in &mut outcome.checked {
        c.submission.tables.clear();
        c.submission.figures.clear();
    }
    timings.push(("集計".to_string(), t.elapsed().as_secs_f64()));

    let t = stage(&bar, "資料を作成中（PDF・Excel）");
    let mut render_timings = render::Timings::default();
    let (rendered, audits) = render::render(
        &council,
        &agg,
        &options.editions,
        meeting,
        &run.templates,
        &mut render_timings,
    )?;
    timings.extend(
        render_timings
            .entries
            .iter()
            .map(|(k, v)| (format!("作成 {k}"), *v)),
    );
    timings.push(("作成（計）".to_string(), t.elapsed().as_secs_f64()));

    let t = stage(&bar, "アーカイブを作成中");
    let label = options.label.clone().unwrap_or_else(|| match meeting {
        Some(m) => format!("{}第{}回協議会", nendo(council.fiscal_year()), m.number),
        None => format!("{}{}", nendo(council.fiscal_year()), agg.report_period.name),
    });
    let mut payload = archive::Payload::new();
    let documents = rendered.len();
    for o in rendered {
        payload.insert(o.path, Item::bytes(o.bytes));
    }
    for (name, bytes) in check_files {
        payload.insert(format!("check/{name}"), Item::bytes(bytes));
    }
    payload.insert(
        "aggregate.json".into(),
        Item::bytes(agg.to_json().into_bytes()),
    );
    if !audits.is_empty() {
        payload.insert(
            "internal/秘匿検査.json".into(),
            Item::bytes(
                serde_json::to_string_pretty(&audits)
                    .expect("plain")
                    .into_bytes(),
            ),
        );
    }
    for (name, text) in mail_texts(&council, meeting, &templates)? {
        payload.insert(format!("mail/{name}"), Item::bytes(text.into_bytes()));
    }
    let mut states = BTreeMap::new();
    for (path, item, state) in input_files(&council, &outcome)? {
        states.insert(path.clone(), state);
        payload.insert(path, item);
    }
    let manifest = manifest(
        run,
        &council,
        &outcome,
        &states,
        &payload,
        &label,
        &options.editions,
    );
    payload.insert("manifest.json".into(), Item::bytes(manifest.into_bytes()));
    let index = index_html(&council, run, &label, &payload, &templates)?;
    payload.insert("index.html".into(), Item::bytes(index.into_bytes()));
    let info = bag_info(&council, run, &label, meeting, &options.editions);
    let root = run.out.join("archive");
    let stored = archive::store(
        &root,
        &archive::folder_name(run.as_of, &label),
        &payload,
        &info,
    )?;
    timings.push(("アーカイブ".to_string(), t.elapsed().as_secs_f64()));
    bar.finish_and_clear();
    Ok(Built {
        council,
        outcome,
        stored,
        timings,
        documents,
    })
}

/// Inputs as archived: the council definition and every submitted file, under `inputs/`.
/// Inputs as archived: the council definition and every submitted file, under `inputs/`,
/// each with its ledger state. Submitted files are copied from disk when the archive is
/// written, checked against the hash they were read with.
fn input_files(
    council: &Council,
    outcome: &Outcome,
) -> Result<Vec<(String, Item, Option<String>)>> {
    let mut out = Vec::new();
    let mut add = |rel: String, path: &std::path::Path| -> Result<()> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        out.push((format!("inputs/{rel}"), Item::bytes(bytes), None));
        Ok(())
    };
    let council_file = council.dir.join("council.toml");
    add("council.toml".into(), &council_file)?;
    add(
        council.def.council.municipalities_file.clone(),
        &council.path(&council.def.council.municipalities_file),
    )?;
    if let Some(g) = &council.def.council.guideline_file {
        add(g.clone(), &council.path(g))?;
    }
    for e in &outcome.ledger.entries {
        let Some(i) = e.file_index else { continue };
        let file = &outcome.files[i];
        let rel = file
            .path
            .strip_prefix(&council.dir)
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_else(|_| format!("submitted/{}", file.name));
        // Files too large to read are listed in the manifest but not copied.
        if file.size <= crate::ingest::Limits::default().max_file_bytes {
            out.push((
                format!("inputs/{rel}"),
                Item::file(&file.path, &file.sha256, file.size),
                Some(e.state.label().to_string()),
            ));
        }
    }
    Ok(out)
}

fn manifest(
    run: &Run,
    council: &Council,
    outcome: &Outcome,
    states: &BTreeMap<String, Option<String>>,
    payload: &archive::Payload,
    label: &str,
    editions: &[Edition],
) -> String {
    let file = |path: &str, item: &Item, state: Option<String>| ManifestFile {
        path: path.to_string(),
        sha256: item.sha256.clone(),
        size: item.size as usize,
        state,
    };
    let inputs_list: Vec<ManifestFile> = payload
        .iter()
        .filter_map(|(p, i)| states.get(p).map(|s| file(p, i, s.clone())))
        .collect();
    let outputs: Vec<ManifestFile> = payload
        .iter()
        .filter(|(p, _)| !p.starts_with("inputs/"))
        .map(|(p, i)| file(p, i, None))
        .collect();
    let counts: BTreeMap<&str, usize> = State::ALL
        .iter()
        .map(|s| (s.label(), outcome.ledger.count(*s)))
        .collect();
    let value = json!({
        "tool": "kyogikai",
        "version": env!("CARGO_PKG_VERSION"),
        "council": council.def.council.name,
        "fiscal_year": council.fiscal_year(),
        "label": label,
        "as_of": run.as_of,
        "editions": editions,
        "council_definition_sha256": council.hash,
        "ledger": counts,
        "inputs": inputs_list,
        "outputs": outputs,
    });
    serde_json::to_string_pretty(&value).expect("plain data")
}

fn bag_info(
    council: &Council,
    run: &Run,
    label: &str,
    meeting: Option<&crate::council::Meeting>,
    editions: &[Edition],
) -> Vec<(String, String)> {
    let editions: Vec<&str> = editions.iter().map(|e| e.label()).collect();
    let mut info = vec![
        (
            "Source-Organization".to_string(),
            format!("{} 事務局", council.def.council.name),
        ),
        ("Bagging-Date".to_string(), run.as_of.to_string()),
        (
            "External-Identifier".to_string(),
            archive::folder_name(run.as_of, label),
        ),
        (
            "External-Description".to_string(),
            format!(
                "{} {}（基準日 {}）",
                council.def.council.name,
                label,
                wareki(run.as_of)
            ),
        ),
        ("Council".to_string(), council.def.council.name.clone()),
        (
            "Fiscal-Year".to_string(),
            format!(
                "{}（{}年度）",
                nendo(council.fiscal_year()),
                council.fiscal_year()
            ),
        ),
        ("As-Of".to_string(), run.as_of.to_string()),
        (
            "Tool-Version".to_string(),
            format!("kyogikai {}", env!("CARGO_PKG_VERSION")),
        ),
        ("Editions".to_string(), editions.join(", ")),
    ];
    if let Some(m) = meeting {
        info.push((
            "Meeting".to_string(),
            format!("第{}回 {}", m.number, wareki_with_seireki(m.date)),
        ));
    }
    info
}

fn mail_base(council: &Council) -> serde_json::Value {
    json!({
        "council": council.def.council,
        "secretariat": {
            "department": council.def.secretariat.contact_department,
            "phone": council.def.secretariat.contact_phone,
            "email": council.def.secretariat.contact_email,
        },
    })
}

/// The request that accompanies the standard workbooks of a period.
pub fn request_mail(
    council: &Council,
    p: &crate::council::Period,
    templates: &Templates,
) -> Result<String> {
    let mut ctx = mail_base(council);
    ctx["period"] = json!({
        "name": p.name,
        "range": format!("{}〜{}", wareki(p.start), wareki(p.end)),
        "deadline": wareki(p.deadline),
    });
    templates.render("mail/request.j2", &ctx)
}

/// The mail texts that go with the forms of each period and with the meeting packet.
fn mail_texts(
    council: &Council,
    meeting: Option<&crate::council::Meeting>,
    templates: &Templates,
) -> Result<Vec<(String, String)>> {
    let base = mail_base(council);
    let mut out = Vec::new();
    for p in &council.def.periods {
        out.push((
            format!("様式送付_{}.txt", p.name),
            request_mail(council, p, templates)?,
        ));
    }
    if let Some(m) = meeting {
        let mut ctx = base;
        ctx["meeting"] = json!({
            "title": format!("{}第{}回{}", nendo(council.fiscal_year()), m.number, council.def.council.name),
            "date": wareki_with_seireki(m.date),
            "time": m.time,
            "venue": m.venue,
        });
        ctx["papers"] = json!(
            render::papers(m)
                .iter()
                .map(|(_, n, t)| json!({"number": n, "title": t}))
                .collect::<Vec<_>>()
        );
        out.push((
            "会議資料送付.txt".to_string(),
            templates.render("mail/packet.j2", &ctx)?,
        ));
    }
    Ok(out)
}

fn index_html(
    council: &Council,
    run: &Run,
    label: &str,
    payload: &archive::Payload,
    templates: &Templates,
) -> Result<String> {
    let groups_def: [(&str, &str); 6] = [
        ("internal/", "構成員限り（会議資料・報告書）"),
        ("public/", "公表用（秘匿処理済み）"),
        ("check/", "検証結果・提出状況・返送用ファイル"),
        ("mail/", "メール文"),
        ("inputs/", "入力（協議会定義・提出ファイル）"),
        ("", "集計データ・目録"),
    ];
    let mut groups = Vec::new();
    for (prefix, title) in groups_def {
        let files: Vec<serde_json::Value> = payload
            .iter()
            .filter(|(p, _)| if prefix.is_empty() { !p.contains('/') } else { p.starts_with(prefix) })
            .map(|(p, i)| json!({"name": p, "href": p, "size": crate::text::group_digits(i.size as i64), "sha256": i.sha256}))
            .collect();
        if !files.is_empty() {
            groups.push(json!({"title": title, "files": files}));
        }
    }
    let ctx = json!({
        "title": format!("{} {}", council.def.council.name, label),
        "council": council.def.council.name,
        "as_of": run.as_of,
        "as_of_label": wareki(run.as_of),
        "version": env!("CARGO_PKG_VERSION"),
        "groups": groups,
    });
    templates.render("archive/index.html.j2", &ctx)
}
