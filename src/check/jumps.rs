//! Figures that jump implausibly from the submitter's previous period: a warning with both
//! figures, so a typo (an extra zero, a cumulative figure where a period figure belongs) is
//! caught before it reaches the council's tables.

use crate::council::{Council, PeriodKind};
use crate::findings::Finding;
use crate::ingest::SubmittedFile;
use crate::ledger::Ledger;
use crate::spec::{FIGURE_KEY_HEADERS, FIRST_DATA_ROW, SHEET_FIGURES, figure_rows};
use crate::validate::Checked;

/// Both figures below this are too small for a ratio to mean anything.
const MIN_SIZE: i64 = 10;
/// A figure more than this many times larger or smaller than before is questioned.
const RATIO: i64 = 3;

pub fn check(council: &Council, files: &[SubmittedFile], checked: &mut [Checked], ledger: &Ledger) {
    let progress: Vec<_> = council
        .def
        .periods
        .iter()
        .filter(|p| p.kind == PeriodKind::Progress)
        .collect();
    let accepted = ledger.accepted_all();
    for s in &council.submitters {
        for pair in progress.windows(2) {
            let (prev, cur) = (pair[0], pair[1]);
            let (Some(a), Some(b)) = (
                accepted.get(&(s.id.as_str(), prev.id.as_str())),
                accepted.get(&(s.id.as_str(), cur.id.as_str())),
            ) else {
                continue;
            };
            let (Some(ai), Some(bi)) = (a.file_index, b.file_index) else {
                continue;
            };
            let mut found = Vec::new();
            for (row, key) in figure_rows(council, s).iter().enumerate() {
                let value = |c: &Checked| {
                    c.submission
                        .figures
                        .get(key)
                        .and_then(|r| r.get("value"))
                        .and_then(|v| v.as_int())
                };
                let (Some(x), Some(y)) = (value(&checked[ai]), value(&checked[bi])) else {
                    continue;
                };
                if x.max(y) < MIN_SIZE {
                    continue;
                }
                if y > x * RATIO || x > y * RATIO {
                    let figure = council.figure(&key.figure).map_or("", |f| f.name.as_str());
                    let category = council
                        .category(&key.category)
                        .map_or("", |c| c.mark.as_str());
                    let detail =
                        format!("{figure}（{category}）{} {x} → {} {y}", prev.name, cur.name);
                    let col = FIGURE_KEY_HEADERS.len() as u16;
                    found.push(
                        Finding::new("W0222", &files[bi].name, detail)
                            .at_cell(SHEET_FIGURES, FIRST_DATA_ROW + row as u32, col)
                            .with_value(y.to_string()),
                    );
                }
            }
            for mut f in found {
                f.submitter = s.id.clone();
                f.period = cur.id.clone();
                f.period = cur.id.clone();
                checked[bi].findings.push(f);
            }
        }
    }
}
