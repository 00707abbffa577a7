//! `kyogikai check`: reads every returned workbook, checks it, keeps the ledger, and writes
//! what the secretariat sends back (feedback workbooks, mail texts) and keeps (validation
//! results, submission status).
//!
//! Contract: [`check`] reads only; [`write_outputs`] writes under `<out>/check/<as-of>/`.
//! Every file given appears in the ledger exactly once. Data problems are findings; only
//! operational failures (cannot write, broken template) are errors.

mod jumps;
mod report;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::NaiveDate;

use crate::council::{Council, Period};
use crate::error::{Error, Result};
use crate::findings::Finding;
use crate::ingest::{self, ChildSettings, Isolation, Limits, SubmittedFile};
use crate::ledger::{self, Ledger, State};
use crate::spec::form_spec;
use crate::validate::{self, Checked, Context};

pub use report::{LEDGER_FILE, RESULTS_FILE, outputs, sorted_entries, write_outputs};

/// How a check run reads files.
#[derive(Debug, Clone)]
pub struct Options {
    /// Only this period (with the default folder: only its subfolder).
    pub period: Option<String>,
    /// Files or folders given on the command line; empty means the default folder.
    pub paths: Vec<PathBuf>,
    /// The binary to run the isolated reader with; `None` parses in this process.
    pub reader_exe: Option<PathBuf>,
    pub read_timeout: Duration,
    pub reader_memory: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            period: None,
            paths: Vec::new(),
            reader_exe: None,
            read_timeout: Duration::from_secs(30),
            reader_memory: 1024 * 1024 * 1024,
        }
    }
}

/// Everything a check found, for the console, the outputs and the later stages.
pub struct Outcome {
    pub files: Vec<SubmittedFile>,
    pub checked: Vec<Checked>,
    pub ledger: Ledger,
    /// Findings about submitters without a file (missing, awaited).
    pub absent: Vec<Finding>,
    pub as_of: NaiveDate,
    /// System files skipped while walking folders (Excel lock files and the like).
    pub ignored: Vec<PathBuf>,
}

impl Outcome {
    /// Every finding, files first (in input order), then absent submitters.
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.checked
            .iter()
            .flat_map(|c| c.findings.iter())
            .chain(self.absent.iter())
    }

    /// Exit status 1 when a submission has errors or is missing.
    pub fn needs_action(&self) -> bool {
        self.ledger.entries.iter().any(|e| e.state.needs_action())
    }
}

pub fn check(council: &Council, as_of: NaiveDate, options: &Options) -> Result<Outcome> {
    let (paths, ignored) = collect(council, options)?;
    let limits = Limits::default();
    let isolation = match &options.reader_exe {
        Some(exe) => Isolation::Child(ChildSettings {
            exe: exe.clone(),
            timeout: options.read_timeout,
            memory_bytes: options.reader_memory,
        }),
        None => Isolation::InProcess,
    };
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let spec = form_spec();
    let expected = if options.paths.is_empty() {
        None
    } else {
        options.period.as_deref()
    };
    let ctx = Context::new(council, &spec, expected);
    // Each workbook is validated as soon as it is parsed and then dropped.
    let validated = ingest::ingest(
        &paths,
        &limits,
        &isolation,
        workers,
        &|item| match &item.result {
            Ok(raw) => validate::validate(&item.file, raw, &ctx),
            Err(failure) => failed(&item.file, failure),
        },
    )
    .map_err(Error::Other)?;
    let (files, mut checked): (Vec<SubmittedFile>, Vec<Checked>) = validated.into_iter().unzip();
    let periods = expected_periods(council, options, &checked)?;
    let (mut ledger, absent) = ledger::build(council, &files, &mut checked, &periods, as_of);
    jumps::check(council, &files, &mut checked, &ledger);
    ledger::refresh(&mut ledger, &checked);
    Ok(Outcome {
        files,
        checked,
        ledger,
        absent,
        as_of,
        ignored,
    })
}

/// A file that could not be read: one file-level finding.
fn failed(file: &SubmittedFile, failure: &ingest::ReadFailure) -> Checked {
    let code = crate::findings::CATALOGUE
        .iter()
        .find(|e| e.code == failure.code)
        .map_or("E0105", |e| e.code);
    Checked {
        identity: Err(validate::Problem::Rejected {
            submitter: None,
            period: None,
        }),
        submission: Default::default(),
        typed: Default::default(),
        findings: vec![Finding::new(code, &file.name, failure.detail.clone())],
    }
}

/// The files to read: those given (folders walked), or the fiscal year's submissions folder.
fn collect(council: &Council, options: &Options) -> Result<(Vec<PathBuf>, Vec<PathBuf>)> {
    let mut out = Vec::new();
    let mut ignored = Vec::new();
    if options.paths.is_empty() {
        let mut dir = council.submissions_dir();
        if let Some(p) = &options.period {
            dir = dir.join(p);
        }
        if dir.is_dir() {
            walk(&dir, &mut out, &mut ignored)?;
        }
    } else {
        for p in &options.paths {
            if p.is_dir() {
                walk(p, &mut out, &mut ignored)?;
            } else {
                out.push(p.clone());
            }
        }
    }
    out.sort();
    out.dedup();
    ignored.sort();
    Ok((out, ignored))
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>, ignored: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let path = entry.path();
        let kind = entry.file_type().map_err(|e| Error::io(&path, e))?;
        if kind.is_dir() {
            walk(&path, out, ignored)?;
        } else if is_system_file(&entry.file_name().to_string_lossy()) {
            ignored.push(path);
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// Files that Office and the operating system leave in folders: Excel's lock file while a
/// workbook is open (`~$…`), hidden files, thumbnail caches. Skipped when walking a folder
/// (and listed), never when named on the command line.
fn is_system_file(name: &str) -> bool {
    name.starts_with("~$")
        || name.starts_with('.')
        || name.eq_ignore_ascii_case("Thumbs.db")
        || name.eq_ignore_ascii_case("desktop.ini")
}

/// Periods whose submitters are expected: the one asked for; with paths given, those the
/// files declare; otherwise every period of the council.
fn expected_periods<'c>(
    council: &'c Council,
    options: &Options,
    checked: &[Checked],
) -> Result<Vec<&'c Period>> {
    if let Some(id) = &options.period {
        return Ok(vec![council.period_or_default(Some(id))?]);
    }
    if options.paths.is_empty() {
        return Ok(council.def.periods.iter().collect());
    }
    Ok(council
        .def
        .periods
        .iter()
        .filter(|p| {
            checked
                .iter()
                .any(|c| c.identity.as_ref().is_ok_and(|id| id.period == p.id))
        })
        .collect())
}

/// A one-line count of the ledger, for the console.
pub fn summary_line(ledger: &Ledger) -> String {
    let parts: Vec<String> = State::ALL
        .iter()
        .map(|s| format!("{} {}", s.label(), ledger.count(*s)))
        .collect();
    format!("ファイル {} 件: {}", ledger.files(), parts.join("、"))
}
