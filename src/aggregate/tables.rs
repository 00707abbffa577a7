//! Region × category tables of one figure, with area subtotals, the prefecture total and a
//! total column, for each progress period and the year to date; and the same tables as a
//! disclosure-control problem over the finest cells (period × region × category).

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::council::{Council, Figure, Region};
use crate::disclosure::{Cell as PubCell, Pieces, Problem};
use crate::spec::FigureKey;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Reported,
    /// No accepted submission gave this number (shown as …).
    NotReported,
    /// Hidden in the public edition (shown as x).
    Suppressed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Count {
    pub value: Option<i64>,
    pub status: Status,
}

impl Count {
    fn of(value: Option<i64>) -> Self {
        match value {
            Some(v) => Count {
                value: Some(v),
                status: Status::Reported,
            },
            None => Count {
                value: None,
                status: Status::NotReported,
            },
        }
    }

    /// As printed: digits grouped by three, `x` for suppressed, `…` for not reported.
    pub fn display(&self) -> String {
        match (self.status, self.value) {
            (Status::Suppressed, _) => "x".into(),
            (_, Some(v)) => crate::text::group_digits(v),
            _ => "…".into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Municipality,
    Whole,
    Area,
    Prefecture,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableRow {
    pub level: Level,
    pub code: String,
    pub name: String,
    pub area: Option<String>,
    pub cells: Vec<Count>,
    pub total: Count,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegionTable {
    /// A period id, or `ytd` for the year to date.
    pub period: String,
    pub label: String,
    pub rows: Vec<TableRow>,
}

/// The row entities of a table in print order: each area's municipalities then its
/// subtotal, then the whole-prefecture row, then the prefecture total.
#[derive(Debug, Clone)]
pub enum Entity {
    Region(usize),
    Area(String),
    Prefecture,
}

pub fn entities(council: &Council, regions: &[Region]) -> Vec<Entity> {
    let mut out = Vec::new();
    for area in &council.def.areas {
        for (i, r) in regions.iter().enumerate() {
            if r.area.as_deref() == Some(area.id.as_str()) {
                out.push(Entity::Region(i));
            }
        }
        out.push(Entity::Area(area.id.clone()));
    }
    for (i, r) in regions.iter().enumerate() {
        if r.area.is_none() {
            out.push(Entity::Region(i));
        }
    }
    out.push(Entity::Prefecture);
    out
}

/// Values of one figure: (period index, region index, category index) → value, for the
/// periods given. Missing keys were not reported.
pub struct Grid<'a> {
    pub council: &'a Council,
    pub figure: &'a Figure,
    pub regions: Vec<Region>,
    pub periods: Vec<(String, String)>,
    pub values: BTreeMap<(usize, usize, usize), i64>,
}

impl<'a> Grid<'a> {
    pub fn new(
        council: &'a Council,
        figure: &'a Figure,
        periods: Vec<(String, String)>,
        data: &[BTreeMap<FigureKey, i64>],
    ) -> Self {
        let regions = council.regions();
        let region_at: HashMap<&str, usize> = regions
            .iter()
            .enumerate()
            .map(|(i, r)| (r.code.as_str(), i))
            .collect();
        let mut values = BTreeMap::new();
        for (p, by_key) in data.iter().enumerate() {
            for (key, v) in by_key {
                if key.figure != figure.id {
                    continue;
                }
                let (Some(r), Some(c)) = (
                    region_at.get(key.region.as_str()).copied(),
                    figure.categories.iter().position(|x| *x == key.category),
                ) else {
                    continue;
                };
                *values.entry((p, r, c)).or_insert(0) += v;
            }
        }
        Grid {
            council,
            figure,
            regions,
            periods,
            values,
        }
    }

    fn regions_of(&self, e: &Entity) -> Vec<usize> {
        match e {
            Entity::Region(i) => vec![*i],
            Entity::Area(a) => (0..self.regions.len())
                .filter(|&i| self.regions[i].area.as_deref() == Some(a.as_str()))
                .collect(),
            Entity::Prefecture => (0..self.regions.len()).collect(),
        }
    }

    /// Sum over periods × regions × categories; `None` when none of them was reported.
    fn sum(&self, periods: &[usize], regions: &[usize], categories: &[usize]) -> Option<i64> {
        let mut total = None;
        for &p in periods {
            for &r in regions {
                for &c in categories {
                    if let Some(v) = self.values.get(&(p, r, c)) {
                        *total.get_or_insert(0) += v;
                    }
                }
            }
        }
        total
    }

    fn entity_row(&self, e: &Entity, periods: &[usize]) -> TableRow {
        let cats: Vec<usize> = (0..self.figure.categories.len()).collect();
        let rs = self.regions_of(e);
        let (level, code, name, area) = match e {
            Entity::Region(i) => {
                let r = &self.regions[*i];
                let level = if r.area.is_none() {
                    Level::Whole
                } else {
                    Level::Municipality
                };
                (level, r.code.clone(), r.name.clone(), r.area.clone())
            }
            Entity::Area(a) => {
                let name = self
                    .council
                    .def
                    .areas
                    .iter()
                    .find(|x| &x.id == a)
                    .map(|x| format!("{}計", x.name))
                    .unwrap_or_default();
                (Level::Area, a.clone(), name, Some(a.clone()))
            }
            Entity::Prefecture => {
                let code = crate::council::municipalities::prefecture_code(
                    &self.council.def.council.prefecture_code,
                )
                .unwrap_or_default();
                (
                    Level::Prefecture,
                    code,
                    format!("{}計", self.council.def.council.prefecture),
                    None,
                )
            }
        };
        TableRow {
            level,
            code,
            name,
            area,
            cells: cats
                .iter()
                .map(|&c| Count::of(self.sum(periods, &rs, &[c])))
                .collect(),
            total: Count::of(self.sum(periods, &rs, &cats)),
        }
    }

    /// One table per period, then the year to date when there is more than one period.
    pub fn tables(&self) -> Vec<RegionTable> {
        let ents = entities(self.council, &self.regions);
        let mut out: Vec<RegionTable> = self
            .periods
            .iter()
            .enumerate()
            .map(|(p, (id, label))| RegionTable {
                period: id.clone(),
                label: label.clone(),
                rows: ents.iter().map(|e| self.entity_row(e, &[p])).collect(),
            })
            .collect();
        if self.periods.len() > 1 {
            let all: Vec<usize> = (0..self.periods.len()).collect();
            out.push(RegionTable {
                period: "ytd".into(),
                label: "年度累計".into(),
                rows: ents.iter().map(|e| self.entity_row(e, &all)).collect(),
            });
        }
        out
    }

    /// The tables as a disclosure problem. Cell order matches [`Self::tables`]: table by
    /// table, row by row, categories then the total column.
    pub fn problem(&self, threshold: i64) -> Problem {
        let ents = entities(self.council, &self.regions);
        let (np, nr, nc) = (
            self.periods.len(),
            self.regions.len(),
            self.figure.categories.len(),
        );
        let var = |p: usize, r: usize, c: usize| (p * nr + r) * nc + c;
        let mut tables: Vec<Vec<usize>> = (0..np).map(|p| vec![p]).collect();
        if np > 1 {
            tables.push((0..np).collect());
        }
        let mut cells: Vec<PubCell> = Vec::new();
        // index[(table, entity, column)] → cell index; column nc is the total column.
        let mut index: BTreeMap<(usize, usize, usize), usize> = BTreeMap::new();
        for (t, ps) in tables.iter().enumerate() {
            for (ei, e) in ents.iter().enumerate() {
                let rs = self.regions_of(e);
                for col in 0..=nc {
                    let cs: Vec<usize> = if col == nc {
                        (0..nc).collect()
                    } else {
                        vec![col]
                    };
                    let mut vars: Vec<usize> = Vec::new();
                    for &p in ps {
                        for &r in &rs {
                            for &c in &cs {
                                vars.push(var(p, r, c));
                            }
                        }
                    }
                    let reported = self.sum(ps, &rs, &cs);
                    let value = reported.unwrap_or(0);
                    let level_bonus = match e {
                        Entity::Prefecture => 1e12,
                        Entity::Area(_) => 1e11,
                        Entity::Region(_) if col == nc => 1e9,
                        Entity::Region(_) => 0.0,
                    };
                    let table_bonus = if ps.len() > 1 { 1e3 } else { 0.0 };
                    let zero_bonus = if value == 0 { 1e8 } else { 0.0 };
                    let name = format!(
                        "{}/{}/{}/{}",
                        self.figure.id,
                        if ps.len() > 1 {
                            "ytd".to_string()
                        } else {
                            self.periods[ps[0]].0.clone()
                        },
                        entity_code(self, e),
                        if col == nc {
                            "計".to_string()
                        } else {
                            self.figure.categories[col].clone()
                        }
                    );
                    index.insert((t, ei, col), cells.len());
                    cells.push(PubCell {
                        name,
                        vars,
                        value,
                        lines: Vec::new(),
                        threshold,
                        sensitive: self.figure.sensitive,
                        cost: level_bonus + table_bonus + zero_bonus + value as f64,
                        fixed: reported.is_none(),
                    });
                }
            }
        }
        // Lines (a published total and the cells it sums): an area over its municipalities,
        // the prefecture over areas and whole rows, the total column over the categories, and
        // the year to date over the periods.
        for t in 0..tables.len() {
            for (ei, e) in ents.iter().enumerate() {
                for col in 0..=nc {
                    let mut lines: Vec<Vec<usize>> = Vec::new();
                    let members: Vec<usize> = match e {
                        Entity::Area(a) => ents
                            .iter()
                            .enumerate()
                            .filter(|(_, f)| matches!(f, Entity::Region(r) if self.regions[*r].area.as_deref() == Some(a.as_str())))
                            .map(|(ej, _)| ej)
                            .collect(),
                        Entity::Prefecture => ents
                            .iter()
                            .enumerate()
                            .filter(|(_, f)| matches!(f, Entity::Area(_)) || matches!(f, Entity::Region(r) if self.regions[*r].area.is_none()))
                            .map(|(ej, _)| ej)
                            .collect(),
                        Entity::Region(_) => Vec::new(),
                    };
                    if !members.is_empty() {
                        lines.push(members.iter().map(|&ej| index[&(t, ej, col)]).collect());
                    }
                    if col == nc && nc > 1 {
                        lines.push((0..nc).map(|c| index[&(t, ei, c)]).collect());
                    }
                    if np > 1 && t == np {
                        lines.push((0..np).map(|p| index[&(p, ei, col)]).collect());
                    }
                    let i = index[&(t, ei, col)];
                    cells[i].lines = lines;
                }
            }
        }
        Problem {
            finest: np * nr * nc,
            cells,
        }
    }
}

impl Grid<'_> {
    /// The pieces of [`Self::problem`] for protection piece by piece: the top table (the
    /// prefecture total, the area subtotals and the whole-prefecture rows) and one block per
    /// area (its subtotal and its municipalities), in every table and column.
    pub fn pieces(&self) -> Pieces {
        let ents = entities(self.council, &self.regions);
        let ntables = if self.periods.len() > 1 {
            self.periods.len() + 1
        } else {
            self.periods.len()
        };
        let width = self.figure.categories.len() + 1;
        let ne = ents.len();
        let cells_of = |ei: usize| -> Vec<usize> {
            (0..ntables)
                .flat_map(|t| (0..width).map(move |c| (t * ne + ei) * width + c))
                .collect()
        };
        let mut pieces = Pieces::default();
        let mut blocks: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (ei, e) in ents.iter().enumerate() {
            match e {
                Entity::Prefecture => pieces.top.extend(cells_of(ei)),
                Entity::Area(a) => {
                    pieces.top.extend(cells_of(ei));
                    blocks.entry(a.as_str()).or_default().extend(cells_of(ei));
                }
                Entity::Region(r) => match self.regions[*r].area.as_deref() {
                    None => pieces.top.extend(cells_of(ei)),
                    Some(a) => blocks.entry(a).or_default().extend(cells_of(ei)),
                },
            }
        }
        pieces.blocks = blocks.into_values().collect();
        pieces
    }
}

fn entity_code(grid: &Grid, e: &Entity) -> String {
    match e {
        Entity::Region(i) => grid.regions[*i].code.clone(),
        Entity::Area(a) => a.clone(),
        Entity::Prefecture => "pref".into(),
    }
}
