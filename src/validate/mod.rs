//! Validate: gives a raw workbook its meaning and says, cell by cell, what is wrong.
//!
//! Contract: [`validate`] takes one ingested workbook and returns a [`Checked`]: who sent it
//! (or why that is unknown), the submission with normalised values, the values exactly as
//! typed (for the feedback workbook), and every finding. It never stops at the first
//! problem, and never drops a value: what it cannot use is reported with the value seen.

mod cells;
pub mod identity;
mod sheets;

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::council::Council;
use crate::findings::Finding;
use crate::forms::Identity;
use crate::ingest::{Format, RawWorkbook, SubmittedFile};
use crate::spec::{Code, CodeList, FormSpec, codes};
use crate::submission::{Submission, Value};

pub use identity::Problem;

/// What validation needs besides the workbook.
pub struct Context<'a> {
    pub council: &'a Council,
    pub spec: &'a FormSpec,
    /// When set, a workbook of another period is refused.
    pub expected_period: Option<&'a str>,
    codes: BTreeMap<&'static str, Vec<Code>>,
}

impl<'a> Context<'a> {
    pub fn new(council: &'a Council, spec: &'a FormSpec, expected_period: Option<&'a str>) -> Self {
        let codes = CodeList::ALL
            .iter()
            .map(|l| (l.defined_name(), codes(council, *l)))
            .collect();
        Context {
            council,
            spec,
            expected_period,
            codes,
        }
    }

    pub fn codes(&self, list: CodeList) -> &[Code] {
        &self.codes[list.defined_name()]
    }
}

#[derive(Debug, Clone)]
pub struct Checked {
    pub identity: Result<Identity, Problem>,
    pub submission: Submission,
    /// The input cells as typed, for writing the feedback workbook.
    pub typed: Submission,
    pub findings: Vec<Finding>,
}

impl Checked {
    pub fn submitted_on(&self) -> Option<NaiveDate> {
        match self.submission.fields.get("submitted_on") {
            Some(Value::Date(d)) => Some(*d),
            _ => None,
        }
    }

    pub fn errors(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == crate::findings::Severity::Error)
            .count()
    }

    pub fn warnings(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == crate::findings::Severity::Warning)
            .count()
    }
}

pub fn validate(file: &SubmittedFile, raw: &RawWorkbook, ctx: &Context) -> Checked {
    let mut findings = Vec::new();
    if raw.format == Format::Xlsm {
        findings.push(Finding::new("W0117", &file.name, ""));
    }
    let identity = identity::resolve(file, raw, ctx.council, ctx.expected_period, &mut findings);
    let mut checked = Checked {
        identity,
        submission: Submission::default(),
        typed: Submission::default(),
        findings,
    };
    if let Ok(identity) = checked.identity.clone() {
        let submitter = ctx
            .council
            .submitter(&identity.submitter_id)
            .expect("resolved");
        let period = ctx.council.period(&identity.period).expect("resolved");
        let mut walk = sheets::Walk::new(ctx, file, raw, submitter, period);
        walk.run();
        let (submission, typed, more) = walk.finish();
        checked.submission = submission;
        checked.typed = typed;
        checked.findings.extend(more);
    }
    let (who, period) = match &checked.identity {
        Ok(id) => (id.submitter_id.clone(), id.period.clone()),
        Err(Problem::UnknownSubmitter(id)) => (id.clone(), String::new()),
        Err(Problem::Rejected { submitter, period }) => (
            submitter.clone().unwrap_or_default(),
            period.clone().unwrap_or_default(),
        ),
    };
    for f in &mut checked.findings {
        f.submitter = who.clone();
        f.period = period.clone();
    }
    checked
}
