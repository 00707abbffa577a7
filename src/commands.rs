//! The subcommands as library functions: each takes the resolved run settings and returns what
//! it did, for `main` to print. No clock is read here: the run date arrives in [`Run::as_of`].

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::check::{self, Outcome};
use crate::council::{self, Council, Period};
use crate::error::{Error, Result};
use crate::templates::Templates;
use crate::{forms, sample};

/// Settings shared by every subcommand.
#[derive(Debug, Clone)]
pub struct Run {
    pub council_path: PathBuf,
    pub as_of: NaiveDate,
    pub out: PathBuf,
    /// Folder of editable templates (mail texts, typst); built-in copies are used otherwise.
    pub templates: PathBuf,
    /// This program, for starting isolated reader processes; `None` reads in-process.
    pub exe: Option<PathBuf>,
}

impl Run {
    pub fn council(&self) -> Result<Council> {
        council::load(&self.council_path)
    }
}

/// The run date: `--as-of`, else `SOURCE_DATE_EPOCH`, else today's local date.
pub fn resolve_as_of(
    flag: Option<&str>,
    source_date_epoch: Option<&str>,
    today: NaiveDate,
) -> Result<NaiveDate> {
    if let Some(text) = flag {
        return NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
            Error::Usage(format!(
                "--as-of \"{text}\" は YYYY-MM-DD の形で書いてください"
            ))
        });
    }
    if let Some(epoch) = source_date_epoch.filter(|s| !s.is_empty()) {
        let secs: i64 = epoch.trim().parse().map_err(|_| {
            Error::Usage(format!(
                "SOURCE_DATE_EPOCH \"{epoch}\" は秒数ではありません"
            ))
        })?;
        return chrono::DateTime::from_timestamp(secs, 0)
            .map(|t| t.date_naive())
            .ok_or_else(|| Error::Usage(format!("SOURCE_DATE_EPOCH \"{epoch}\" は範囲外です")));
    }
    Ok(today)
}

pub fn forms(run: &Run, period: Option<&str>, submitters: &[String]) -> Result<Vec<PathBuf>> {
    let council = run.council()?;
    let period = council.period_or_default(period)?;
    let mut files = forms::write_forms(&council, period, submitters, run.as_of, &run.out)?;
    // The mail text to send with them, beside them.
    let text = crate::pipeline::request_mail(&council, period, &Templates::new(&run.templates))?;
    if let Some(dir) = files
        .first()
        .and_then(|f| f.parent())
        .map(Path::to_path_buf)
    {
        let path = dir.join("依頼文.txt");
        crate::error::write_file(&path, text.as_bytes())?;
        files.push(path);
    }
    Ok(files)
}

/// What `sample` wrote: the council the submissions belong to and the files.
pub struct SampleOutput {
    pub council_path: PathBuf,
    pub files: Vec<PathBuf>,
}

/// Writes sample submissions: for the council itself at scale 1 (into its `submissions/`
/// folder), or for a synthetic council of `scale` copies under `<out>/sample-x<scale>/`.
pub fn sample(run: &Run, period: Option<&str>, scale: u32, seed: u64) -> Result<SampleOutput> {
    if scale == 0 {
        return Err(Error::Usage("--scale は1以上にしてください".into()));
    }
    let base = run.council()?;
    let council_path = if scale == 1 {
        run.council_path.clone()
    } else {
        sample::write_scaled_council(&base, scale, &run.out.join(format!("sample-x{scale}")))?
    };
    let council = council::load(&council_path)?;
    let periods: Vec<&Period> = match period {
        Some(id) => vec![council.period_or_default(Some(id))?],
        None => council.def.periods.iter().collect(),
    };
    let files = sample::write_submissions(&council, &periods, seed, &submissions_root(&council))?;
    Ok(SampleOutput {
        council_path,
        files,
    })
}

fn submissions_root(council: &Council) -> PathBuf {
    council.dir.join("submissions")
}

/// Shortens a path for display, relative to the working folder when possible.
pub fn display_path(path: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    path.strip_prefix(&cwd)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// What `check` did: the outcome and where its outputs are.
pub struct CheckRun {
    pub council: Council,
    pub outcome: Outcome,
    pub dir: PathBuf,
}

/// `kyogikai check`: reads and checks the submissions, writes the outputs.
pub fn check(run: &Run, mut options: check::Options) -> Result<CheckRun> {
    let council = run.council()?;
    if let Some(p) = &options.period {
        council.period_or_default(Some(p))?;
    }
    options.reader_exe = run.exe.clone();
    let outcome = check::check(&council, run.as_of, &options)?;
    let dir = run.out.join("check").join(run.as_of.to_string());
    check::write_outputs(&council, &outcome, &dir, &Templates::new(&run.templates))?;
    Ok(CheckRun {
        council,
        outcome,
        dir,
    })
}

/// `kyogikai aggregate`: checks the submissions (without writing check outputs) and
/// returns the aggregate of the accepted ones, in the edition asked for.
pub fn aggregate(
    run: &Run,
    period: Option<&str>,
    previous: Option<&Path>,
) -> Result<(Council, crate::aggregate::Aggregate, Outcome)> {
    let council = run.council()?;
    let options = check::Options {
        reader_exe: run.exe.clone(),
        ..Default::default()
    };
    let outcome = check::check(&council, run.as_of, &options)?;
    let previous = previous.map(crate::aggregate::load_previous).transpose()?;
    let agg = crate::aggregate::aggregate(&council, &outcome, period, previous.as_ref())?;
    Ok((council, agg, outcome))
}

/// What `render` wrote.
pub struct RenderRun {
    pub dir: PathBuf,
    pub files: Vec<PathBuf>,
    pub timings: crate::render::Timings,
}

/// `kyogikai render`: check → aggregate → PDF and Excel of the editions asked for, written
/// under `<out>/render/<edition>/` (the folder is generated: emptied first).
pub fn render(
    run: &Run,
    period: Option<&str>,
    meeting: Option<u32>,
    editions: &[crate::aggregate::Edition],
    previous: Option<&Path>,
) -> Result<RenderRun> {
    let council = run.council()?;
    let meeting = meeting.map(|n| council.meeting(n)).transpose()?;
    // A meeting reviews its own period unless another is asked for.
    let period = period.map(str::to_string).or_else(|| {
        meeting
            .filter(|m| {
                council
                    .period(&m.period)
                    .is_some_and(|p| p.kind == crate::council::PeriodKind::Progress)
            })
            .map(|m| m.period.clone())
    });
    let (council, agg, _) = aggregate(run, period.as_deref(), previous)?;
    let meeting = meeting
        .map(|m| m.number)
        .map(|n| council.meeting(n))
        .transpose()?;
    let mut timings = crate::render::Timings::default();
    let (outputs, audits) = crate::render::render(
        &council,
        &agg,
        editions,
        meeting,
        &run.templates,
        &mut timings,
    )?;
    let dir = run.out.join("render");
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    }
    let mut files = Vec::new();
    for o in outputs {
        let path = dir.join(&o.path);
        crate::error::write_file(&path, &o.bytes)?;
        files.push(path);
    }
    if !audits.is_empty() {
        // The audit holds the true values of hidden cells: it goes with the internal edition.
        let path = dir.join("internal").join("秘匿検査.json");
        let json = serde_json::to_string_pretty(&audits).expect("plain data");
        crate::error::write_file(&path, json.as_bytes())?;
        files.push(path);
    }
    Ok(RenderRun {
        dir,
        files,
        timings,
    })
}
