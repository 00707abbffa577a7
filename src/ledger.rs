//! The submission ledger: every file given is in exactly one state, and every expected
//! submitter without a file is listed as missing (after the deadline) or awaited (before).
//!
//! Contract: [`build`] never drops a file; `entries` holds one entry per file in input order,
//! then one per expected-but-absent (submitter, period). Counts always add up to the files.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use serde::Serialize;

use crate::council::{Council, Period};
use crate::dates::wareki;
use crate::findings::Finding;
use crate::ingest::SubmittedFile;
use crate::validate::{Checked, Problem};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Accepted,
    AcceptedWithWarnings,
    Rejected,
    Superseded,
    Duplicate,
    UnknownSubmitter,
    Missing,
    Awaiting,
}

impl State {
    pub const ALL: [State; 8] = [
        State::Accepted,
        State::AcceptedWithWarnings,
        State::Rejected,
        State::Superseded,
        State::Duplicate,
        State::UnknownSubmitter,
        State::Missing,
        State::Awaiting,
    ];

    pub fn label(self) -> &'static str {
        match self {
            State::Accepted => "受理",
            State::AcceptedWithWarnings => "受理（警告あり）",
            State::Rejected => "差戻し",
            State::Superseded => "差替え済み（旧版）",
            State::Duplicate => "重複",
            State::UnknownSubmitter => "提出者不明",
            State::Missing => "未提出",
            State::Awaiting => "提出待ち",
        }
    }

    /// Whether the submission's data is used.
    pub fn is_accepted(self) -> bool {
        matches!(self, State::Accepted | State::AcceptedWithWarnings)
    }

    /// Whether the state needs the secretariat to act (exit status 1).
    pub fn needs_action(self) -> bool {
        matches!(
            self,
            State::Rejected | State::UnknownSubmitter | State::Missing
        )
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub state: State,
    pub submitter: Option<String>,
    pub period: Option<String>,
    /// Index into the checked files, for entries that are files.
    pub file_index: Option<usize>,
    pub file: Option<String>,
    pub submitted_on: Option<NaiveDate>,
    pub errors: usize,
    pub warnings: usize,
    /// Short reasons, for the ledger's 備考 column.
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Ledger {
    pub entries: Vec<Entry>,
}

impl Ledger {
    pub fn count(&self, state: State) -> usize {
        self.entries.iter().filter(|e| e.state == state).count()
    }

    pub fn files(&self) -> usize {
        self.entries
            .iter()
            .filter(|e| e.file_index.is_some())
            .count()
    }

    /// The accepted entry of each (submitter, period): the first in the ledger's order.
    pub fn accepted_all(&self) -> HashMap<(&str, &str), &Entry> {
        let mut out = HashMap::new();
        for e in self.entries.iter().filter(|e| e.state.is_accepted()) {
            if let (Some(s), Some(p)) = (e.submitter.as_deref(), e.period.as_deref()) {
                out.entry((s, p)).or_insert(e);
            }
        }
        out
    }
}

/// Decides the state of every file. Ledger findings (superseded, duplicate, ambiguous order,
/// missing, awaited) are added to `checked[i].findings` or returned for absent submitters.
pub fn build(
    council: &Council,
    files: &[SubmittedFile],
    checked: &mut [Checked],
    expected_periods: &[&Period],
    as_of: NaiveDate,
) -> (Ledger, Vec<Finding>) {
    let mut states: Vec<Option<State>> = vec![None; files.len()];
    // Same bytes as an earlier file: a duplicate, whatever is inside.
    let mut first_by_hash: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, f) in files.iter().enumerate() {
        if f.sha256.is_empty() {
            continue;
        }
        match first_by_hash.get(f.sha256.as_str()) {
            Some(&first) => {
                states[i] = Some(State::Duplicate);
                let detail = format!("「{}」と同じ内容", files[first].name);
                let finding = tag(Finding::new("W0305", &f.name, detail), &checked[i]);
                checked[i].findings.push(finding);
            }
            None => {
                first_by_hash.insert(&f.sha256, i);
            }
        }
    }
    // Several files for one submitter and period: the newest counts.
    let mut groups: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    for (i, c) in checked.iter().enumerate() {
        if states[i].is_none()
            && let Ok(id) = &c.identity
        {
            groups
                .entry((id.submitter_id.clone(), id.period.clone()))
                .or_default()
                .push(i);
        }
    }
    for members in groups.values().filter(|m| m.len() > 1) {
        let key = |i: &usize| {
            (
                checked[*i].submitted_on(),
                files[*i].modified,
                files[*i].name.clone(),
            )
        };
        let mut order = members.clone();
        order.sort_by_key(key);
        let newest = *order.last().expect("non-empty");
        let runner_up = order[order.len() - 2];
        let (a, b) = (key(&newest), key(&runner_up));
        if a.0 == b.0 && a.1 == b.1 {
            for i in [newest, runner_up] {
                let detail = format!(
                    "「{}」と「{}」の提出日・更新日時が同じです。「{}」を採用しました",
                    files[runner_up].name, files[newest].name, files[newest].name
                );
                let finding = tag(Finding::new("W0304", &files[i].name, detail), &checked[i]);
                checked[i].findings.push(finding);
            }
        }
        for &i in order.iter().filter(|i| **i != newest) {
            states[i] = Some(State::Superseded);
            let detail = format!("採用: 「{}」", files[newest].name);
            let finding = tag(Finding::new("W0303", &files[i].name, detail), &checked[i]);
            checked[i].findings.push(finding);
        }
    }
    let mut ledger = Ledger::default();
    for (i, c) in checked.iter().enumerate() {
        let state = states[i].unwrap_or(match &c.identity {
            Err(Problem::UnknownSubmitter(_)) => State::UnknownSubmitter,
            Err(Problem::Rejected { .. }) => State::Rejected,
            Ok(_) if c.errors() > 0 => State::Rejected,
            Ok(_) if c.warnings() > 0 => State::AcceptedWithWarnings,
            Ok(_) => State::Accepted,
        });
        let (submitter, period) = match &c.identity {
            Ok(id) => (Some(id.submitter_id.clone()), Some(id.period.clone())),
            Err(Problem::UnknownSubmitter(s)) => (Some(s.clone()), None),
            Err(Problem::Rejected { submitter, period }) => (submitter.clone(), period.clone()),
        };
        let mut reasons: Vec<String> = c
            .findings
            .iter()
            .filter(|f| f.severity == crate::findings::Severity::Error)
            .map(|f| f.message.clone())
            .collect();
        reasons.dedup();
        if matches!(state, State::Superseded | State::Duplicate) {
            reasons = c
                .findings
                .iter()
                .filter(|f| f.code == "W0303" || f.code == "W0305")
                .map(|f| f.message.clone())
                .collect();
        }
        ledger.entries.push(Entry {
            state,
            submitter,
            period,
            file_index: Some(i),
            file: Some(files[i].name.clone()),
            submitted_on: c.submitted_on(),
            errors: c.errors(),
            warnings: c.warnings(),
            reasons,
        });
    }
    let mut absent = Vec::new();
    let present: HashSet<(String, String)> = ledger
        .entries
        .iter()
        .filter_map(|e| Some((e.submitter.clone()?, e.period.clone()?)))
        .collect();
    for period in expected_periods {
        for s in &council.submitters {
            if present.contains(&(s.id.clone(), period.id.clone())) {
                continue;
            }
            let overdue = as_of > period.deadline;
            let (state, code) = if overdue {
                (State::Missing, "E0301")
            } else {
                (State::Awaiting, "I0302")
            };
            let detail = format!("{}、期限 {}", period.name, wareki(period.deadline));
            let mut f = Finding::new(code, "", detail);
            f.submitter = s.id.clone();
            f.period = period.id.clone();
            ledger.entries.push(Entry {
                state,
                submitter: Some(s.id.clone()),
                period: Some(period.id.clone()),
                file_index: None,
                file: None,
                submitted_on: None,
                errors: usize::from(overdue),
                warnings: 0,
                reasons: vec![f.message.clone()],
            });
            absent.push(f);
        }
    }
    (ledger, absent)
}

/// Gives a ledger finding the submitter and period of the file it is about.
fn tag(mut f: Finding, c: &Checked) -> Finding {
    if let Some(other) = c.findings.first() {
        f.submitter = other.submitter.clone();
        f.period = other.period.clone();
    }
    if let Ok(id) = &c.identity {
        f.submitter = id.submitter_id.clone();
        f.period = id.period.clone();
    }
    f
}

/// Re-derives the state of accepted files after later checks added findings (the jump
/// check runs once the ledger knows which file of each submitter counts).
pub fn refresh(ledger: &mut Ledger, checked: &[Checked]) {
    for e in &mut ledger.entries {
        let Some(i) = e.file_index else { continue };
        e.errors = checked[i].errors();
        e.warnings = checked[i].warnings();
        if e.state == State::Accepted && e.warnings > 0 {
            e.state = State::AcceptedWithWarnings;
        }
    }
}
