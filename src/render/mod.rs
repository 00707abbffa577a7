//! Render: the documents of both editions, as PDF (embedded typst) and Excel.
//!
//! Contract: [`render`] takes the council and the aggregate (internal; the public edition is
//! derived and audited here) and returns the files to write as (relative path, bytes); it
//! writes nothing itself. Same inputs and date, same bytes.

pub mod data;
mod engine;
mod excel;

use std::path::Path;
use std::time::Instant;

use serde_json::json;

use crate::aggregate::{Aggregate, Edition, FigureAudit};
use crate::council::{Council, Meeting};
use crate::error::{Error, Result};

pub use engine::{EditionData, Engine};

/// One output file, relative to the render folder.
pub struct Output {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// How long each document took, for `--timings`.
#[derive(Debug, Default, Clone)]
pub struct Timings {
    pub entries: Vec<(String, f64)>,
}

/// The papers of a meeting packet, numbered as the definition orders them.
pub fn papers(meeting: &Meeting) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let (mut n, mut r) = (0, 0);
    for key in &meeting.papers {
        let title = match key.as_str() {
            "plan" => "事業実施計画",
            "progress" => "KPI進捗状況報告",
            "initiatives" => "構成員の取組状況",
            "practices" => "区市町村PFの好事例",
            "requests" => "区市町村PFからの連携・依頼事項",
            "status" => "様式の提出状況",
            "guideline" => "設置要領",
            _ => continue,
        };
        let number = if key == "guideline" {
            r += 1;
            format!("参考資料{}", to_fullwidth(r))
        } else {
            n += 1;
            format!("資料{}", to_fullwidth(n))
        };
        out.push((key.clone(), number, title.to_string()));
    }
    out
}

fn to_fullwidth(n: usize) -> String {
    n.to_string()
        .chars()
        .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap_or(c))
        .collect()
}

/// Renders every document of the editions asked for. `meeting` adds the packet.
pub fn render(
    council: &Council,
    internal: &Aggregate,
    editions: &[Edition],
    meeting: Option<&Meeting>,
    templates: &Path,
    timings: &mut Timings,
) -> Result<(Vec<Output>, Vec<FigureAudit>)> {
    render_with_large_above(
        council,
        internal,
        editions,
        meeting,
        templates,
        timings,
        LARGE_EDITION_DATA,
    )
}

/// [`render`], treating a run as large when an edition's data exceeds `large_above` bytes
/// (tests use it to take both ways of scheduling the documents).
#[doc(hidden)]
pub fn render_with_large_above(
    council: &Council,
    internal: &Aggregate,
    editions: &[Edition],
    meeting: Option<&Meeting>,
    templates: &Path,
    timings: &mut Timings,
    large_above: usize,
) -> Result<(Vec<Output>, Vec<FigureAudit>)> {
    let engine = Engine::new(templates)?;
    let guideline = match &council.def.council.guideline_file {
        Some(f) => {
            std::fs::read_to_string(council.path(f)).map_err(|e| Error::io(&council.path(f), e))?
        }
        None => String::new(),
    };
    // The editions' aggregates first (the public one protected and audited), then every
    // document of every edition in one batch, the longest first, so that all cores stay
    // busy to the end.
    let mut audits = Vec::new();
    let mut aggregates: Vec<(Edition, Aggregate)> = Vec::new();
    for &edition in editions {
        let started = Instant::now();
        let agg = match edition {
            Edition::Internal => internal.clone(),
            Edition::Public => {
                let (public, a) = internal.public(council)?;
                audits = a;
                public
            }
        };
        timings.entries.push((
            format!("{} 秘匿処理", edition.label()),
            started.elapsed().as_secs_f64(),
        ));
        aggregates.push((edition, agg));
    }
    let fy = council.fiscal_year();
    let mut jobs: Vec<Job> = Vec::new();
    let mut shared: Vec<EditionData> = Vec::new();
    for (e, (_, agg)) in aggregates.iter().enumerate() {
        jobs.extend(jobs_of(council, agg, meeting, e));
        shared.push(EditionData::new(&data::edition(
            council, agg, meeting, &guideline,
        )));
    }
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by_key(|&j| (std::cmp::Reverse(jobs[j].weight), j));
    // Small runs compile one document per core and share typst's cache (the papers reuse
    // the packet's layout): fastest. Large runs (thousands of workbooks, documents of
    // hundreds of pages) compile one document at a time (typst still uses every core inside
    // it) and empty typst's cache after each, so that only one long document's layout is
    // ever in memory.
    let large = shared.iter().any(|d| d.size() > large_above);
    let threads = if large { 1 } else { workers() };
    let compile = |j: usize| {
        let job = &jobs[j];
        let (edition, agg) = &aggregates[job.edition];
        let started = Instant::now();
        let doc = data::document(&job.doc, job.papers.as_ref());
        let ident = format!(
            "kyogikai/{}/{fy}/{}/{}",
            council.def.council.prefecture_code,
            job.doc.key,
            edition.dir_name()
        );
        let r = engine
            .pdf(job.template, &shared[job.edition], &doc, agg.as_of, &ident)
            .map(|bytes| (bytes, started.elapsed().as_secs_f64()));
        if large {
            typst::comemo::evict(0);
            release_free_memory();
        }
        r
    };
    let mut pdfs: Vec<Option<(Vec<u8>, f64)>> = (0..jobs.len()).map(|_| None).collect();
    for (j, result) in on_workers(&order, threads, &compile) {
        pdfs[j] = Some(result?);
    }
    let mut outputs = Vec::new();
    for (e, (edition, agg)) in aggregates.iter().enumerate() {
        let dir = edition.dir_name();
        for (job, pdf) in jobs
            .iter()
            .zip(&mut pdfs)
            .filter(|(job, _)| job.edition == e)
        {
            let (bytes, secs) = pdf.take().expect("compiled once");
            timings
                .entries
                .push((format!("{} {}", edition.label(), job.name), secs));
            outputs.push(Output {
                path: format!("{dir}/{}", job.name),
                bytes,
            });
        }
        let started = Instant::now();
        for (name, bytes) in excel::workbooks(council, agg)? {
            outputs.push(Output {
                path: format!("{dir}/{name}"),
                bytes,
            });
        }
        timings.entries.push((
            format!("{} Excel", edition.label()),
            started.elapsed().as_secs_f64(),
        ));
        outputs.push(Output {
            path: format!("{dir}/aggregate.json"),
            bytes: agg.to_json().into_bytes(),
        });
    }
    Ok((outputs, audits))
}

/// Runs `work` for each of `items` on `threads` plain threads, in the order given. Plain
/// threads rather than rayon's: typst parallelises inside a compilation with rayon, and a
/// rayon worker waiting there would start another whole document, so that every document
/// could be in memory at once. Here at most one document per core is.
fn on_workers<T: Send>(
    items: &[usize],
    threads: usize,
    work: &(dyn Fn(usize) -> T + Sync),
) -> Vec<(usize, T)> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let done = std::sync::Mutex::new(Vec::with_capacity(items.len()));
    std::thread::scope(|scope| {
        for _ in 0..threads.min(items.len()) {
            scope.spawn(|| {
                loop {
                    let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(&item) = items.get(k) else { break };
                    let value = work(item);
                    done.lock().expect("results").push((item, value));
                }
            });
        }
    });
    done.into_inner().expect("results")
}

/// Edition data larger than this (bytes of JSON, a council of several thousand workbooks) marks
/// a large run, compiled one document at a time.
const LARGE_EDITION_DATA: usize = 1 << 20;

fn workers() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// Hands memory freed by typst back to the system (glibc keeps it otherwise), so that the
/// stages after a large edition start from a small footprint.
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns unused heap pages to the kernel.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// One PDF to compile.
struct Job {
    /// Index into the editions being rendered.
    edition: usize,
    name: String,
    template: &'static str,
    doc: data::Doc,
    papers: Option<serde_json::Value>,
    /// Rough relative cost, to start the long documents first.
    weight: u32,
}

/// The PDFs of one edition: the plan, the progress report and, for a meeting, the packet
/// and each of its papers on its own.
fn jobs_of(
    council: &Council,
    agg: &Aggregate,
    meeting: Option<&Meeting>,
    edition: usize,
) -> Vec<Job> {
    let nendo = crate::dates::nendo(council.fiscal_year());
    let mut jobs = vec![
        Job {
            edition,
            name: "事業実施計画.pdf".into(),
            template: "plan.typ",
            doc: data::Doc {
                key: "plan".into(),
                title: format!("{nendo} {} 事業実施計画", council.def.council.short_name),
            },
            papers: None,
            weight: 2,
        },
        Job {
            edition,
            name: "KPI進捗状況報告.pdf".into(),
            template: "progress.typ",
            doc: data::Doc {
                key: "progress".into(),
                title: format!("{nendo} KPI進捗状況報告（{}）", agg.report_period.name),
            },
            papers: None,
            weight: 4,
        },
    ];
    if let Some(m) = meeting {
        let list = papers(m);
        let papers_json: Vec<serde_json::Value> = list
            .iter()
            .map(|(k, n, t)| json!({"key": k, "number": n, "title": t}))
            .collect();
        let title = format!(
            "{nendo}第{}回{} 会議資料",
            m.number, council.def.council.short_name
        );
        jobs.push(Job {
            edition,
            name: "会議資料.pdf".into(),
            template: "packet.typ",
            doc: data::Doc {
                key: format!("packet{}", m.number),
                title,
            },
            papers: Some(json!({"list": papers_json, "only": null})),
            weight: 8,
        });
        for (i, (key, number, paper_title)) in list.iter().enumerate() {
            let weight = match key.as_str() {
                "progress" => 4,
                "plan" => 2,
                _ => 1,
            };
            jobs.push(Job {
                edition,
                name: format!("会議資料/{number}_{paper_title}.pdf"),
                template: "packet.typ",
                doc: data::Doc {
                    key: format!("packet{}-{key}", m.number),
                    title: format!("{number} {paper_title}"),
                },
                papers: Some(json!({"list": papers_json, "only": i})),
                weight,
            });
        }
    }
    jobs
}
