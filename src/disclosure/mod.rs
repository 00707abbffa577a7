//! Disclosure control for the public edition: which published counts are hidden (`x`), and
//! the audit that proves nothing hidden can be worked out from what is shown.
//!
//! Every published cell (municipality, area subtotal, prefecture total, total column, each
//! period table and the year-to-date table) is modelled as a sum over the finest cells
//! (period × region × category), so the hierarchy and the linked tables are one linear
//! system. Small counts are suppressed (primary); complements are chosen by Gaussian
//! elimination in cost order (the method of Statistics Norway's GaussSuppression); then
//! [`audit`] computes, by linear programming over non-negative values, the interval each
//! suppressed cell (and each line's sum of suppressed small cells) can take given everything
//! published. A public edition is written only when every interval is wide enough.

mod audit;
mod gauss;
mod pieces;

use serde::Serialize;

pub use audit::{Audit, AuditItem, audit};
pub use pieces::{Pieces, protect_in_pieces};

/// One published cell: the finest cells it sums, its value, and the line it totals.
#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    /// A stable name for reports (e.g. `F01/h1/131016/1`).
    pub name: String,
    /// Indices of the finest cells it sums (a finest cell is published as a cell of one var).
    pub vars: Vec<usize>,
    pub value: i64,
    /// The lines it totals: each a list of published cells whose sum it is (an area over its
    /// municipalities, a total column over its categories, …); empty for finest cells.
    pub lines: Vec<Vec<usize>>,
    /// Counts from 1 to threshold − 1 are sensitive.
    pub threshold: i64,
    /// Whether the figure is sensitive at all (counts of people, not of events).
    pub sensitive: bool,
    /// Lower is suppressed sooner when a complement is needed; totals are expensive.
    pub cost: f64,
    /// Known to everyone whatever is shown (a cell nobody reports is structurally empty):
    /// never hidden, never a complement.
    #[serde(default)]
    pub fixed: bool,
}

impl Cell {
    pub fn is_primary(&self) -> bool {
        self.sensitive && self.value > 0 && self.value < self.threshold
    }
}

/// The published cells of one independent table system (one figure).
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    pub finest: usize,
    pub cells: Vec<Cell>,
}

/// Which cells are hidden, and why.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Suppression {
    pub suppressed: Vec<bool>,
    pub primary: Vec<bool>,
}

impl Suppression {
    pub fn count(&self) -> usize {
        self.suppressed.iter().filter(|s| **s).count()
    }
    pub fn primaries(&self) -> usize {
        self.primary.iter().filter(|s| **s).count()
    }
}

/// Primary suppression, complements by Gaussian elimination, then repair until the audit
/// passes (each round hides the largest published cell in a failing line). Returns the
/// suppression and its audit; the audit may still fail, and then the caller must not publish.
pub fn protect(problem: &Problem) -> (Suppression, Audit) {
    protect_forced(problem, vec![false; problem.cells.len()])
}

/// [`protect`], with some cells hidden from the start (`hidden`, one flag per cell).
pub fn protect_forced(problem: &Problem, hidden: Vec<bool>) -> (Suppression, Audit) {
    let primary: Vec<bool> = problem.cells.iter().map(Cell::is_primary).collect();
    let mut forced: Vec<bool> = primary.iter().zip(&hidden).map(|(p, h)| *p || *h).collect();
    let mut last = None;
    for _ in 0..50 {
        let suppressed = gauss::suppress(problem, &forced);
        let suppression = Suppression {
            suppressed,
            primary: primary.clone(),
        };
        let result = audit(problem, &suppression);
        if result.passed || !repair(problem, &suppression, &result, &mut forced) {
            return (suppression, result);
        }
        last = Some((suppression, result));
    }
    last.expect("at least one round")
}

/// Hides one more cell for each failing item; false when nothing is left to hide.
fn repair(problem: &Problem, s: &Suppression, result: &Audit, forced: &mut [bool]) -> bool {
    let mut changed = false;
    for item in result.items.iter().filter(|i| !i.ok) {
        // The lines that hold any of the failing item's cells, with the cell that totals them.
        let lines: Vec<(usize, &Vec<usize>)> = problem
            .cells
            .iter()
            .enumerate()
            .flat_map(|(i, c)| c.lines.iter().map(move |l| (i, l)))
            .filter(|(_, l)| l.iter().any(|ch| item.cells.contains(ch)))
            .collect();
        let candidate = lines
            .iter()
            .flat_map(|(_, line)| line.iter().copied())
            .filter(|&ch| !s.suppressed[ch] && !forced[ch] && !problem.cells[ch].fixed)
            .max_by_key(|&ch| (problem.cells[ch].value, std::cmp::Reverse(ch)));
        if let Some(ch) = candidate {
            forced[ch] = true;
            changed = true;
        } else if let Some(&(total, _)) = lines
            .iter()
            .find(|(t, _)| !forced[*t] && !problem.cells[*t].fixed)
        {
            forced[total] = true;
            changed = true;
        }
    }
    changed
}

#[cfg(test)]
mod tests;
