//! The audit: for every hidden cell, and for the sum of the hidden small counts of any line,
//! the smallest and largest value it can take over all non-negative tables consistent with
//! everything published. Solved as linear programs (good_lp with the pure-Rust microlp
//! solver), with integer variables where the connected part of the table is small; a solver
//! error counts as a failure, never as a pass.

use std::collections::BTreeMap;

use good_lp::{
    Expression, Solution, SolverModel, Variable, constraint, microlp, variable, variables,
};
use rayon::prelude::*;
use serde::Serialize;

use super::{Problem, Suppression, gauss};

/// Components with at most this many unknowns are solved with integer variables.
const INTEGER_LIMIT: usize = 40;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AuditItem {
    pub name: String,
    /// The published cells whose (sum of) values is audited.
    pub cells: Vec<usize>,
    pub value: i64,
    pub min: f64,
    pub max: f64,
    pub threshold: i64,
    pub integer: bool,
    pub ok: bool,
    /// Why it failed, in Japanese, when it did.
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Audit {
    pub passed: bool,
    pub items: Vec<AuditItem>,
    pub solves: usize,
    pub solver: String,
}

pub fn audit(problem: &Problem, s: &Suppression) -> Audit {
    // Finest cells published on their own are known; the others are unknowns.
    let mut known: BTreeMap<usize, i64> = BTreeMap::new();
    for (i, c) in problem.cells.iter().enumerate() {
        if c.vars.len() == 1 && !s.suppressed[i] {
            known.insert(c.vars[0], c.value);
        }
    }
    let unknown: Vec<usize> = (0..problem.finest)
        .filter(|v| !known.contains_key(v))
        .collect();
    let index: BTreeMap<usize, usize> = unknown.iter().enumerate().map(|(i, v)| (*v, i)).collect();
    // Equations over unknowns: Σ unknowns = value − Σ knowns, for every published cell.
    // A published total equals the sum of its members along any of its lines, so the
    // published members can be taken out of its equation (the system stays equivalent: each
    // total loses only equations of cells below it). Each total keeps the form with the
    // fewest unknowns, so the prefecture total ties together only the hidden areas, not
    // every area's hidden cells, and a total whose members are all published drops out.
    let unknowns_of = |cells: &mut dyn Iterator<Item = usize>, rest: &mut f64| {
        let mut vars = Vec::new();
        for c in cells {
            for v in &problem.cells[c].vars {
                match known.get(v) {
                    Some(k) => *rest -= *k as f64,
                    None => vars.push(index[v]),
                }
            }
        }
        vars
    };
    let mut equations: Vec<(Vec<usize>, f64)> = Vec::new();
    let mut uf = UnionFind::new(unknown.len());
    for (i, c) in problem.cells.iter().enumerate() {
        if s.suppressed[i] {
            continue;
        }
        let mut rest = c.value as f64;
        let mut vars = unknowns_of(&mut std::iter::once(i), &mut rest);
        for line in &c.lines {
            let mut line_rest = c.value as f64;
            for &m in line {
                if !s.suppressed[m] {
                    line_rest -= problem.cells[m].value as f64;
                }
            }
            let line_vars = unknowns_of(
                &mut line.iter().copied().filter(|&m| s.suppressed[m]),
                &mut line_rest,
            );
            if line_vars.len() < vars.len() {
                (vars, rest) = (line_vars, line_rest);
            }
        }
        if !vars.is_empty() {
            for w in vars.windows(2) {
                uf.union(w[0], w[1]);
            }
            equations.push((vars, rest));
        }
    }
    let component: Vec<usize> = (0..unknown.len()).map(|u| uf.find(u)).collect();
    // Unknowns and equations of each connected part, listed once.
    let mut part_members: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (u, &root) in component.iter().enumerate() {
        part_members.entry(root).or_default().push(u);
    }
    let mut part_equations: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (e, (vs, _)) in equations.iter().enumerate() {
        part_equations.entry(component[vs[0]]).or_default().push(e);
    }
    let mut audited: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, c) in problem.cells.iter().enumerate() {
        if s.suppressed[i] {
            audited.push((c.name.clone(), vec![i]));
        }
    }
    for (cells, _) in gauss::protected_rows(problem, &s.suppressed) {
        if cells.len() >= 2 {
            let names: Vec<&str> = cells
                .iter()
                .map(|&c| problem.cells[c].name.as_str())
                .collect();
            audited.push((format!("計({})", names.join(" + ")), cells));
        }
    }
    // Items are independent linear programs: solved in parallel, reported in order.
    let results: Vec<(AuditItem, usize)> = audited
        .into_par_iter()
        .map(|(name, cells)| {
            let vars: Vec<usize> = cells
                .iter()
                .flat_map(|&c| problem.cells[c].vars.iter().copied())
                .collect();
            let value: i64 = cells.iter().map(|&c| problem.cells[c].value).sum();
            let threshold = cells
                .iter()
                .map(|&c| problem.cells[c].threshold)
                .max()
                .unwrap_or(1);
            let sensitive = cells.iter().any(|&c| problem.cells[c].sensitive);
            // Known parts are constants; unknown parts are the objective.
            let constant: f64 = vars
                .iter()
                .filter_map(|v| known.get(v))
                .map(|k| *k as f64)
                .sum();
            let objective: Vec<usize> = vars.iter().filter_map(|v| index.get(v).copied()).collect();
            let mut roots: Vec<usize> = objective.iter().map(|&u| component[u]).collect();
            roots.sort_unstable();
            roots.dedup();
            let members: Vec<usize> = roots
                .iter()
                .flat_map(|r| part_members[r].iter().copied())
                .collect();
            let local: Vec<&(Vec<usize>, f64)> = roots
                .iter()
                .flat_map(|r| part_equations.get(r).into_iter().flatten())
                .map(|&e| &equations[e])
                .collect();
            let integer = members.len() <= INTEGER_LIMIT;
            let (bounds, solves) = if objective.is_empty() {
                (Some((0.0, 0.0)), 0)
            } else {
                (bounds(&members, &local, &objective, integer), 2)
            };
            let (min, max, reason) = match bounds {
                Some((lo, hi)) => {
                    let (min, max) = (lo + constant, hi + constant);
                    let reason = if max - min < 0.5 {
                        format!("値が {} と特定できます", fmt(min))
                    } else if sensitive && value > 0 && max < threshold as f64 - 1e-6 {
                        format!(
                            "{}〜{} の範囲に絞られ、{} 未満と分かります",
                            fmt(min),
                            fmt(max),
                            threshold
                        )
                    } else {
                        String::new()
                    };
                    (min, max, reason)
                }
                None => (f64::NAN, f64::NAN, "線形計画の計算に失敗しました".into()),
            };
            let item = AuditItem {
                name,
                cells,
                value,
                min,
                max,
                threshold,
                integer,
                ok: reason.is_empty(),
                reason,
            };
            (item, solves)
        })
        .collect();
    let solves = results.iter().map(|(_, n)| n).sum();
    let items: Vec<AuditItem> = results.into_iter().map(|(i, _)| i).collect();
    let passed = items.iter().all(|i| i.ok);
    Audit {
        passed,
        items,
        solves,
        solver: "good_lp 1.15 + microlp 0.6".into(),
    }
}

fn fmt(x: f64) -> String {
    if (x - x.round()).abs() < 1e-6 {
        format!("{}", x.round() as i64)
    } else {
        format!("{x:.2}")
    }
}

/// Minimum and maximum of Σ objective over the component, or `None` if a solve failed.
fn bounds(
    members: &[usize],
    equations: &[&(Vec<usize>, f64)],
    objective: &[usize],
    integer: bool,
) -> Option<(f64, f64)> {
    // Ok(None) is an unbounded objective: nothing published limits it.
    let solve = |maximise: bool| -> Result<Option<f64>, ()> {
        let mut vars = variables!();
        let mut x: BTreeMap<usize, Variable> = BTreeMap::new();
        for &m in members {
            let def = if integer {
                variable().min(0).integer()
            } else {
                variable().min(0)
            };
            x.insert(m, vars.add(def));
        }
        let goal: Expression = objective.iter().map(|u| x[u]).sum();
        let problem = if maximise {
            vars.maximise(goal.clone())
        } else {
            vars.minimise(goal.clone())
        };
        let mut model = problem.using(microlp);
        for (vs, rhs) in equations {
            let lhs: Expression = vs.iter().map(|u| x[u]).sum();
            model = model.with(constraint!(lhs == *rhs));
        }
        match model.solve() {
            Ok(solution) => Ok(Some(solution.eval(&goal))),
            Err(good_lp::ResolutionError::Unbounded) => Ok(None),
            Err(_) => Err(()),
        }
    };
    let lo = solve(false).ok()?.unwrap_or(0.0);
    let hi = solve(true).ok()?.unwrap_or(f64::INFINITY);
    Some((lo, hi))
}

struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n).collect(),
        }
    }
    fn find(&mut self, x: usize) -> usize {
        let mut r = x;
        while self.parent[r] != r {
            r = self.parent[r];
        }
        let mut y = x;
        while self.parent[y] != r {
            let next = self.parent[y];
            self.parent[y] = r;
            y = next;
        }
        r
    }
    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.parent[ra.max(rb)] = ra.min(rb);
        }
    }
}
