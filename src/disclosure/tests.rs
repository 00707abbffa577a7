//! Disclosure control: the Handbook's 2×2 example, patterns that leak, the 1+1 problem,
//! random tables, and agreement with brute-force enumeration on tiny tables.

use super::*;

/// A two-way table `rows × cols` of finest cells with row totals, column totals and a
/// grand total, each total's line being its cells.
fn two_way(values: &[&[i64]], threshold: i64) -> Problem {
    let (r, c) = (values.len(), values[0].len());
    let mut cells = Vec::new();
    let cell = |name: String, vars: Vec<usize>, value: i64, children: Vec<usize>, cost: f64| Cell {
        name,
        vars,
        value,
        lines: if children.is_empty() {
            vec![]
        } else {
            vec![children]
        },
        threshold,
        sensitive: true,
        cost,
        fixed: false,
    };
    for i in 0..r {
        for j in 0..c {
            cells.push(cell(
                format!("({i},{j})"),
                vec![i * c + j],
                values[i][j],
                vec![],
                values[i][j] as f64,
            ));
        }
    }
    for i in 0..r {
        let vars: Vec<usize> = (0..c).map(|j| i * c + j).collect();
        let value = values[i].iter().sum();
        cells.push(cell(format!("row{i}"), vars.clone(), value, vars, 1e6));
    }
    for j in 0..c {
        let vars: Vec<usize> = (0..r).map(|i| i * c + j).collect();
        let value = (0..r).map(|i| values[i][j]).sum();
        cells.push(cell(format!("col{j}"), vars.clone(), value, vars, 1e6));
    }
    let all: Vec<usize> = (0..r * c).collect();
    let total = values.iter().flat_map(|row| row.iter()).sum();
    let children: Vec<usize> = (r * c..r * c + r).collect();
    cells.push(cell("total".into(), all, total, children, 1e7));
    Problem {
        finest: r * c,
        cells,
    }
}

fn hide(problem: &Problem, names: &[&str]) -> Suppression {
    let suppressed: Vec<bool> = problem
        .cells
        .iter()
        .map(|c| names.contains(&c.name.as_str()))
        .collect();
    let primary = problem.cells.iter().map(Cell::is_primary).collect();
    Suppression {
        suppressed,
        primary,
    }
}

#[test]
fn handbook_two_by_two_interval_is_three_to_six() {
    let p = two_way(&[&[4, 2], &[5, 1]], 3);
    let s = hide(&p, &["(0,0)", "(0,1)", "(1,0)", "(1,1)"]);
    let a = audit(&p, &s);
    let first = a.items.iter().find(|i| i.name == "(0,0)").unwrap();
    assert_eq!((first.min, first.max), (3.0, 6.0));
}

#[test]
fn suppressing_along_rows_only_is_caught() {
    // The small cell and its complement share a row but not a column: the column total
    // gives the small cell away.
    let p = two_way(&[&[1, 7, 9], &[8, 6, 5], &[7, 9, 8]], 3);
    let s = hide(&p, &["(0,0)", "(0,1)"]);
    let a = audit(&p, &s);
    assert!(!a.passed);
    let small = a.items.iter().find(|i| i.name == "(0,0)").unwrap();
    assert!(
        !small.ok && small.min == 1.0 && small.max == 1.0,
        "{small:?}"
    );
}

#[test]
fn one_plus_one_does_not_protect() {
    // Two small cells alone in a row protect each other from the row total, but each
    // respondent knows its own count: the sum of the two is what must stay uncertain.
    let p = two_way(&[&[1, 1, 10], &[6, 7, 8], &[9, 5, 7]], 3);
    let s = hide(&p, &["(0,0)", "(0,1)", "(1,0)", "(1,1)"]);
    let a = audit(&p, &s);
    let sum = a.items.iter().find(|i| i.name.starts_with("計(")).unwrap();
    assert!(!sum.ok, "{sum:?}");
    // What protect() chooses passes.
    let (chosen, audit) = protect(&p);
    assert!(
        audit.passed,
        "{:?}",
        audit.items.iter().filter(|i| !i.ok).collect::<Vec<_>>()
    );
    assert!(chosen.count() > chosen.primaries());
}

#[test]
fn protected_tables_pass_the_audit() {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(42);
    for round in 0..30 {
        let (r, c) = (rng.random_range(2..6), rng.random_range(2..6));
        let values: Vec<Vec<i64>> = (0..r)
            .map(|_| {
                (0..c)
                    .map(|_| {
                        if rng.random_bool(0.4) {
                            rng.random_range(0..3)
                        } else {
                            rng.random_range(3..30)
                        }
                    })
                    .collect()
            })
            .collect();
        let refs: Vec<&[i64]> = values.iter().map(Vec::as_slice).collect();
        let p = two_way(&refs, 3);
        let (s, a) = protect(&p);
        assert!(
            a.passed,
            "round {round}: {values:?} {:?}",
            a.items.iter().filter(|i| !i.ok).collect::<Vec<_>>()
        );
        for (i, cell) in p.cells.iter().enumerate() {
            if cell.is_primary() {
                assert!(
                    s.suppressed[i],
                    "round {round}: primary {} published",
                    cell.name
                );
            }
        }
    }
}

/// Every non-negative integer table consistent with the published cells, by enumeration.
fn brute_force(p: &Problem, s: &Suppression, limit: i64) -> Vec<Vec<i64>> {
    let mut known = vec![None; p.finest];
    for (i, c) in p.cells.iter().enumerate() {
        if c.vars.len() == 1 && !s.suppressed[i] {
            known[c.vars[0]] = Some(c.value);
        }
    }
    let free: Vec<usize> = (0..p.finest).filter(|v| known[*v].is_none()).collect();
    let mut out = Vec::new();
    let mut current = vec![0i64; free.len()];
    loop {
        let mut x: Vec<i64> = known.iter().map(|k| k.unwrap_or(0)).collect();
        for (k, v) in free.iter().enumerate() {
            x[*v] = current[k];
        }
        let consistent =
            p.cells.iter().enumerate().all(|(i, c)| {
                s.suppressed[i] || c.vars.iter().map(|v| x[*v]).sum::<i64>() == c.value
            });
        if consistent {
            out.push(x);
        }
        let mut k = 0;
        loop {
            if k == current.len() {
                return out;
            }
            current[k] += 1;
            if current[k] <= limit {
                break;
            }
            current[k] = 0;
            k += 1;
        }
    }
}

#[test]
fn intervals_agree_with_enumeration_on_tiny_tables() {
    let tables: [&[&[i64]]; 3] = [
        &[&[1, 4], &[3, 2]],
        &[&[2, 0, 5], &[4, 1, 3]],
        &[&[0, 2], &[6, 1], &[3, 3]],
    ];
    for t in tables {
        let p = two_way(t, 3);
        let (s, a) = protect(&p);
        let solutions = brute_force(&p, &s, 12);
        assert!(!solutions.is_empty());
        for item in &a.items {
            let sums: Vec<i64> = solutions
                .iter()
                .map(|x| {
                    item.cells
                        .iter()
                        .flat_map(|&c| p.cells[c].vars.iter())
                        .map(|v| x[*v])
                        .sum()
                })
                .collect();
            let (lo, hi) = (
                *sums.iter().min().unwrap() as f64,
                *sums.iter().max().unwrap() as f64,
            );
            assert_eq!((item.min, item.max), (lo, hi), "{t:?} {}", item.name);
        }
    }
}
