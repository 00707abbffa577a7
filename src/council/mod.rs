//! The council definition: who the council is, who submits, what is counted and when.
//!
//! Contract: [`load`] reads `council.toml` and the municipalities file beside it, rejects unknown
//! keys, checks the meaning (ids, references, dates) and returns a [`Council`] whose lookups can
//! be trusted by every later stage. Any problem is one [`Error::Council`] line naming the key.
//! Nothing about a particular prefecture is known to the code: it is all here.

mod check;
pub mod model;
pub mod municipalities;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};

pub use model::*;
pub use municipalities::Municipality;

use crate::error::{Error, Result};

/// A region a figure is reported for: a municipality, or the whole prefecture.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Region {
    pub code: String,
    pub name: String,
    /// Area id, `None` for the whole-prefecture row.
    pub area: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SubmitterKind {
    Member,
    Municipal,
}

/// A submitter with everything resolved: name, kind, the region(s) it reports for.
#[derive(Debug, Clone, Serialize)]
pub struct Submitter {
    pub id: String,
    pub name: String,
    pub kind: SubmitterKind,
    pub member: Option<String>,
    /// The municipality code (municipal platforms), or the prefecture code (members).
    pub region_code: String,
    pub figures: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Council {
    pub def: Definition,
    /// The folder of `council.toml`; relative paths in the definition start here.
    pub dir: PathBuf,
    pub municipalities: Vec<Municipality>,
    pub submitters: Vec<Submitter>,
    /// SHA-256 over the definition and municipalities files, as read.
    pub hash: String,
    /// Lookups by id and code, so that a large council costs no scans.
    submitter_at: HashMap<String, usize>,
    municipality_at: HashMap<String, usize>,
}

/// Reads and checks the council definition.
pub fn load(path: &Path) -> Result<Council> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let def = parse_toml(path, &text)?;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let tsv_path = dir.join(&def.council.municipalities_file);
    let tsv = std::fs::read_to_string(&tsv_path).map_err(|e| Error::io(&tsv_path, e))?;
    let municipalities = municipalities::parse(&tsv)
        .map_err(|msg| Error::Council(format!("{}: {msg}", tsv_path.display())))?;
    check::check(&def, &municipalities)
        .map_err(|msg| Error::Council(format!("{}: {msg}", path.display())))?;
    let submitters = resolve_submitters(&def, &municipalities);
    let mut hasher = Sha256::new();
    hasher.update(text.as_bytes());
    hasher.update(tsv.as_bytes());
    let hash = hex::encode(hasher.finalize());
    let submitter_at = submitters
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.clone(), i))
        .collect();
    let municipality_at = municipalities
        .iter()
        .enumerate()
        .map(|(i, m)| (m.code.clone(), i))
        .collect();
    Ok(Council {
        def,
        dir,
        municipalities,
        submitters,
        hash,
        submitter_at,
        municipality_at,
    })
}

/// Parses the TOML text; a syntax error or unknown key becomes one line with line and column.
pub fn parse_toml(path: &Path, text: &str) -> Result<Definition> {
    toml::from_str(text).map_err(|e| {
        let place = e
            .span()
            .map(|span| {
                let before = &text[..span.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                format!(":{line}:{col}")
            })
            .unwrap_or_default();
        let msg = e.message().replace('\n', " ");
        Error::Council(format!("{}{place}: {msg}", path.display()))
    })
}

fn resolve_submitters(def: &Definition, municipalities: &[Municipality]) -> Vec<Submitter> {
    let pref = municipalities::prefecture_code(&def.council.prefecture_code).unwrap_or_default();
    def.submitters
        .iter()
        .map(|s| {
            if let Some(code) = &s.municipality {
                let m = municipalities
                    .iter()
                    .find(|m| &m.code == code)
                    .expect("checked");
                Submitter {
                    id: s.id.clone(),
                    name: format!("{}{}PF", m.name, def.council.municipalities_word),
                    kind: SubmitterKind::Municipal,
                    member: None,
                    region_code: m.code.clone(),
                    figures: s
                        .figures
                        .clone()
                        .unwrap_or_else(|| def.submitter_defaults.municipal_figures.clone()),
                }
            } else {
                let member_id = s.member.as_deref().expect("checked");
                let member = def
                    .members
                    .iter()
                    .find(|m| m.id == member_id)
                    .expect("checked");
                Submitter {
                    id: s.id.clone(),
                    name: member.name.clone(),
                    kind: SubmitterKind::Member,
                    member: Some(member.id.clone()),
                    region_code: pref.clone(),
                    figures: s.figures.clone().unwrap_or_default(),
                }
            }
        })
        .collect()
}

impl Council {
    pub fn fiscal_year(&self) -> i32 {
        self.def.council.fiscal_year
    }

    pub fn period(&self, id: &str) -> Option<&Period> {
        self.def.periods.iter().find(|p| p.id == id)
    }

    /// The period named on the command line, or the first one.
    pub fn period_or_default(&self, id: Option<&str>) -> Result<&Period> {
        match id {
            None => Ok(&self.def.periods[0]),
            Some(id) => self.period(id).ok_or_else(|| {
                let known: Vec<&str> = self.def.periods.iter().map(|p| p.id.as_str()).collect();
                Error::Usage(format!(
                    "期間 \"{id}\" は定義されていません（定義済み: {}）",
                    known.join(", ")
                ))
            }),
        }
    }

    /// The meeting of that number, or a usage error naming it.
    pub fn meeting(&self, number: u32) -> Result<&Meeting> {
        self.def
            .meetings
            .iter()
            .find(|m| m.number == number)
            .ok_or_else(|| {
                Error::Usage(format!(
                    "第{number}回の会議は協議会定義（meetings）にありません"
                ))
            })
    }

    /// The position of a submitter in the definition's order.
    pub fn submitter_position(&self, id: &str) -> Option<usize> {
        self.submitter_at.get(id).copied()
    }

    pub fn submitter(&self, id: &str) -> Option<&Submitter> {
        self.submitter_at.get(id).map(|&i| &self.submitters[i])
    }

    pub fn member(&self, id: &str) -> Option<&Member> {
        self.def.members.iter().find(|m| m.id == id)
    }

    pub fn category(&self, id: &str) -> Option<&Category> {
        self.def.categories.iter().find(|c| c.id == id)
    }

    pub fn figure(&self, id: &str) -> Option<&Figure> {
        self.def.figures.iter().find(|f| f.id == id)
    }

    pub fn kpi(&self, id: &str) -> Option<&Kpi> {
        self.def.kpis.iter().find(|k| k.id == id)
    }

    pub fn area_of(&self, area_name: &str) -> Option<&Area> {
        self.def.areas.iter().find(|a| a.name == area_name)
    }

    /// Every region in report order: the municipalities as listed, then the whole prefecture.
    pub fn regions(&self) -> Vec<Region> {
        let mut out: Vec<Region> = self
            .municipalities
            .iter()
            .map(|m| self.region_of(m))
            .collect();
        out.push(self.whole_region());
        out
    }

    /// The row for figures not split by municipality (都内全域), coded with the prefecture's code.
    pub fn whole_region(&self) -> Region {
        Region {
            code: municipalities::prefecture_code(&self.def.council.prefecture_code)
                .unwrap_or_default(),
            name: self.def.council.whole_region_label.clone(),
            area: None,
        }
    }

    pub fn region(&self, code: &str) -> Option<Region> {
        if let Some(&i) = self.municipality_at.get(code) {
            return Some(self.region_of(&self.municipalities[i]));
        }
        let whole = self.whole_region();
        (whole.code == code).then_some(whole)
    }

    fn region_of(&self, m: &Municipality) -> Region {
        Region {
            code: m.code.clone(),
            name: m.name.clone(),
            area: self.area_of(&m.area).map(|a| a.id.clone()),
        }
    }

    /// Resolves a path written in the definition (relative to the definition's folder).
    pub fn path(&self, relative: &str) -> PathBuf {
        self.dir.join(relative)
    }

    /// Where returned workbooks of this fiscal year are looked for by default.
    pub fn submissions_dir(&self) -> PathBuf {
        self.dir
            .join("submissions")
            .join(self.fiscal_year().to_string())
    }
}
