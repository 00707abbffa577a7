//! Large tables, protected piece by piece (the modular approach of τ-ARGUS's HiTaS): first
//! the top table (the prefecture, its areas and the whole-prefecture rows), then each area's
//! own table, whose margins are the area's cells, hidden there if the top table hid them.
//! The pieces are small, so elimination and repair stay cheap however many areas there are;
//! the whole table is then audited at once, so the guarantee is the same as for a table
//! protected in one go.
//!
//! A piece is a [`Problem`] of its own over merged variables: finest cells that every cell of
//! the piece sums together (say all finest cells of one area, in the top table) become one
//! variable, which changes neither what is published nor what can be derived.

use std::collections::BTreeMap;

use rayon::prelude::*;

use super::{Audit, Cell, Problem, Suppression, audit, protect_forced};

/// Which published cells form which piece: `top` first, then each of `blocks`. A cell may
/// sit in the top table and in one block (an area's cells are both).
#[derive(Debug, Clone, Default)]
pub struct Pieces {
    pub top: Vec<usize>,
    pub blocks: Vec<Vec<usize>>,
}

/// Protects the top table, then the blocks in parallel, then audits the whole table. A
/// block may need one of its margins hidden (the area total of a line of small counts, say);
/// the top table is then protected again with that margin hidden, and the blocks after it,
/// until no block hides a margin the top table publishes.
pub fn protect_in_pieces(problem: &Problem, pieces: &Pieces) -> (Suppression, Audit) {
    let n = problem.cells.len();
    let primary: Vec<bool> = problem.cells.iter().map(Cell::is_primary).collect();
    let mut in_top = vec![false; n];
    for &c in &pieces.top {
        in_top[c] = true;
    }
    let mut top_forced = vec![false; n];
    let mut solves = 0;
    let mut hidden;
    loop {
        let (top, forced, top_cells) = piece(problem, &pieces.top, &top_forced);
        let (top_s, top_audit) = protect_forced(&top, forced);
        solves += top_audit.solves;
        hidden = vec![false; n];
        for (local, &global) in top_cells.iter().enumerate() {
            hidden[global] = top_s.suppressed[local];
        }
        if !top_audit.passed {
            let suppression = Suppression {
                suppressed: hidden,
                primary,
            };
            let mut audit = top_audit;
            audit.solves = solves;
            return (suppression, audit);
        }
        let blocks: Vec<(Vec<usize>, Suppression, Audit)> = pieces
            .blocks
            .par_iter()
            .map(|cells| {
                let (p, forced, map) = piece(problem, cells, &hidden);
                let (s, a) = protect_forced(&p, forced);
                (map, s, a)
            })
            .collect();
        let mut more = false;
        for (map, s, a) in &blocks {
            solves += a.solves;
            for (local, &global) in map.iter().enumerate() {
                if s.suppressed[local] && !hidden[global] && in_top[global] {
                    top_forced[global] = true;
                    more = true;
                }
            }
        }
        if !more {
            for (map, s, _) in &blocks {
                for (local, &global) in map.iter().enumerate() {
                    hidden[global] |= s.suppressed[local];
                }
            }
            break;
        }
    }
    let suppression = Suppression {
        suppressed: hidden,
        primary,
    };
    let mut result = audit(problem, &suppression);
    result.solves += solves;
    (suppression, result)
}

/// The sub-problem of `cells` (global indices): its cells, with lines kept only where all
/// members are in the piece, and the cells `hidden` forces. Returns the piece, its forced
/// cells and the global index of each of its cells.
fn piece(problem: &Problem, cells: &[usize], hidden: &[bool]) -> (Problem, Vec<bool>, Vec<usize>) {
    let mut map: Vec<usize> = cells.to_vec();
    map.sort_unstable();
    map.dedup();
    let local: BTreeMap<usize, usize> = map.iter().enumerate().map(|(l, &g)| (g, l)).collect();
    // Each finest cell's signature: the cells of the piece that sum it.
    let mut signature: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (l, &g) in map.iter().enumerate() {
        for &v in &problem.cells[g].vars {
            signature.entry(v).or_default().push(l);
        }
    }
    let mut merged: BTreeMap<Vec<usize>, usize> = BTreeMap::new();
    let mut var_of: BTreeMap<usize, usize> = BTreeMap::new();
    for (v, sig) in signature {
        let next = merged.len();
        let id = *merged.entry(sig).or_insert(next);
        var_of.insert(v, id);
    }
    let out: Vec<Cell> = map
        .iter()
        .map(|&g| {
            let c = &problem.cells[g];
            let mut vars: Vec<usize> = c.vars.iter().map(|v| var_of[v]).collect();
            vars.sort_unstable();
            vars.dedup();
            let lines = c
                .lines
                .iter()
                .filter(|line| line.iter().all(|m| local.contains_key(m)))
                .map(|line| line.iter().map(|m| local[m]).collect())
                .collect();
            Cell {
                name: c.name.clone(),
                vars,
                value: c.value,
                lines,
                threshold: c.threshold,
                sensitive: c.sensitive,
                cost: c.cost,
                fixed: c.fixed,
            }
        })
        .collect();
    let forced = map.iter().map(|&g| hidden[g]).collect();
    (
        Problem {
            finest: merged.len(),
            cells: out,
        },
        forced,
        map,
    )
}
