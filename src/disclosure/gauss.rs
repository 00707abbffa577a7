//! Complementary suppression by Gaussian elimination (Langsrud; Statistics Norway's
//! GaussSuppression). Published cells are rows of a 0/1 matrix over the finest cells. Cells
//! are taken from the most to the least costly to hide; a cell is published unless adding its
//! row to what is already published would make a protected row (a small count, or the sum of
//! the small counts of one line) a linear combination of published rows.

use std::collections::BTreeMap;

use super::Problem;

const EPS: f64 = 1e-9;

/// A sparse row: column → coefficient, without zeros.
type Row = BTreeMap<usize, f64>;

fn row_of(vars: &[usize]) -> Row {
    let mut r = Row::new();
    for &v in vars {
        *r.entry(v).or_insert(0.0) += 1.0;
    }
    r
}

/// `a -= factor * b`, dropping entries that cancel.
fn sub_scaled(a: &mut Row, factor: f64, b: &Row) {
    for (&k, &v) in b {
        let e = a.entry(k).or_insert(0.0);
        *e -= factor * v;
        if e.abs() < EPS {
            a.remove(&k);
        }
    }
}

/// Whether `a` is a multiple of `b` (both non-empty).
fn parallel(a: &Row, b: &Row) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (Some((ka, va)), Some((kb, vb))) = (a.iter().next(), b.iter().next()) else {
        return false;
    };
    if ka != kb {
        return false;
    }
    let ratio = va / vb;
    a.iter()
        .zip(b.iter())
        .all(|((ka, va), (kb, vb))| ka == kb && (va - ratio * vb).abs() < 1e-7 * (1.0 + va.abs()))
}

/// Rows in insertion order, each reduced against the ones before it, with its pivot.
#[derive(Default)]
struct Basis {
    rows: Vec<(usize, Row)>,
}

impl Basis {
    fn reduce(&self, mut v: Row) -> Row {
        for (pivot, row) in &self.rows {
            if let Some(&c) = v.get(pivot) {
                sub_scaled(&mut v, c / row[pivot], row);
            }
        }
        v
    }
}

fn pivot_of(r: &Row) -> usize {
    // The largest coefficient keeps the arithmetic stable; ties go to the lowest column.
    let mut best = (0usize, 0.0f64);
    for (&k, &v) in r {
        if v.abs() > best.1 + EPS {
            best = (k, v.abs());
        }
    }
    best.0
}

/// The rows that must stay undetermined: each forced-hidden small count, and the sum of
/// the small counts of every line holding two or more.
pub fn protected_rows(problem: &Problem, hidden: &[bool]) -> Vec<(Vec<usize>, Row)> {
    let mut out = Vec::new();
    for (i, c) in problem.cells.iter().enumerate() {
        if c.is_primary() && hidden[i] {
            out.push((vec![i], row_of(&c.vars)));
        }
    }
    for line in problem.cells.iter().flat_map(|c| c.lines.iter()) {
        let small: Vec<usize> = line
            .iter()
            .copied()
            .filter(|&ch| problem.cells[ch].is_primary() && hidden[ch])
            .collect();
        if small.len() >= 2 {
            let vars: Vec<usize> = small
                .iter()
                .flat_map(|&ch| problem.cells[ch].vars.iter().copied())
                .collect();
            out.push((small, row_of(&vars)));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out.dedup_by(|a, b| a.0 == b.0);
    out
}

/// Which cells to hide, given the cells that must be hidden (`forced`).
pub fn suppress(problem: &Problem, forced: &[bool]) -> Vec<bool> {
    let mut hidden = forced.to_vec();
    let mut residuals: Vec<Row> = protected_rows(problem, forced)
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    let mut order: Vec<usize> = (0..problem.cells.len()).filter(|&i| !forced[i]).collect();
    // Cells everyone knows anyway come first and are always published.
    order.sort_by(|&a, &b| {
        let (ca, cb) = (&problem.cells[a], &problem.cells[b]);
        cb.fixed
            .cmp(&ca.fixed)
            .then(cb.cost.total_cmp(&ca.cost))
            .then(a.cmp(&b))
    });
    let mut basis = Basis::default();
    for i in order {
        let r = basis.reduce(row_of(&problem.cells[i].vars));
        if r.is_empty() {
            continue; // already implied by what is published: publishing it adds nothing
        }
        if !problem.cells[i].fixed && residuals.iter().any(|p| !p.is_empty() && parallel(p, &r)) {
            hidden[i] = true;
            continue;
        }
        let pivot = pivot_of(&r);
        for p in &mut residuals {
            if let Some(&c) = p.get(&pivot) {
                sub_scaled(p, c / r[&pivot], &r);
            }
        }
        basis.rows.push((pivot, r));
    }
    hidden
}
