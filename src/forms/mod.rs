//! The standard workbooks sent to members (`kyogikai forms`).
//!
//! Contract: [`workbook`] turns (council, submitter, period, issue date, optional filled-in
//! data) into xlsx bytes, driven entirely by the form specification; the same bytes for the
//! same inputs. [`write_forms`] writes one per submitter under
//! `<out>/forms/<fiscal year>/<period>/<submitter id>_<name>.xlsx`.

mod guide;
pub mod styles;
mod workbook;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;
use sha2::{Digest, Sha256};

pub use workbook::{CellMark, Feedback, prefill_text, workbook};

use crate::council::{Council, Period, Submitter};
use crate::error::{Error, Result, write_file};
use crate::spec::{FORM_ID, SPEC_VERSION};
use crate::text::file_name_safe;

/// Who a workbook was made for, kept on the hidden sheet and in the custom properties so the
/// reader knows what came back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Identity {
    pub form_id: String,
    pub spec_version: String,
    pub submitter_id: String,
    pub fiscal_year: i32,
    pub period: String,
    pub issued: NaiveDate,
    pub checksum: String,
}

impl Identity {
    pub fn new(
        council: &Council,
        submitter: &Submitter,
        period: &Period,
        issued: NaiveDate,
    ) -> Self {
        let mut id = Identity {
            form_id: FORM_ID.into(),
            spec_version: SPEC_VERSION.into(),
            submitter_id: submitter.id.clone(),
            fiscal_year: council.fiscal_year(),
            period: period.id.clone(),
            issued,
            checksum: String::new(),
        };
        id.checksum = id.expected_checksum();
        id
    }

    /// A short hash over the other fields: a hand-edited identity no longer matches it.
    pub fn expected_checksum(&self) -> String {
        let text = format!(
            "{}|{}|{}|{}|{}|{}",
            self.form_id,
            self.spec_version,
            self.submitter_id,
            self.fiscal_year,
            self.period,
            self.issued
        );
        hex::encode(&Sha256::digest(text.as_bytes())[..8])
    }

    /// The identity as (key, value) pairs, in the order of the hidden sheet.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("form_id", self.form_id.clone()),
            ("spec_version", self.spec_version.clone()),
            ("submitter_id", self.submitter_id.clone()),
            ("fiscal_year", self.fiscal_year.to_string()),
            ("period", self.period.clone()),
            ("issued", self.issued.to_string()),
            ("checksum", self.checksum.clone()),
        ]
    }
}

/// The file name of a submitter's workbook: `<id>_<name>.xlsx`.
pub fn file_name(submitter: &Submitter) -> String {
    format!("{}_{}.xlsx", submitter.id, file_name_safe(&submitter.name))
}

/// Writes the blank standard workbooks for the given submitters (all when empty).
pub fn write_forms(
    council: &Council,
    period: &Period,
    only: &[String],
    as_of: NaiveDate,
    out: &Path,
) -> Result<Vec<PathBuf>> {
    for id in only {
        if council.submitter(id).is_none() {
            return Err(Error::Usage(format!(
                "提出者 \"{id}\" は協議会定義にありません"
            )));
        }
    }
    let dir = out
        .join("forms")
        .join(council.fiscal_year().to_string())
        .join(&period.id);
    let mut written = Vec::new();
    for submitter in council
        .submitters
        .iter()
        .filter(|s| only.is_empty() || only.contains(&s.id))
    {
        let bytes = workbook(council, submitter, period, as_of, None, None)?;
        let path = dir.join(file_name(submitter));
        write_file(&path, &bytes)?;
        written.push(path);
    }
    Ok(written)
}
