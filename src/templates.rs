//! Text templates (minijinja): read from the templates folder when it has the file, so the
//! secretariat can edit them without rebuilding, else the copy compiled into the binary.

use std::path::{Path, PathBuf};

use minijinja::Environment;
use serde::Serialize;

use crate::error::{Error, Result};

const EMBEDDED: &[(&str, &str)] = &[
    (
        "mail/receipt.j2",
        include_str!("../templates/mail/receipt.j2"),
    ),
    (
        "mail/correction.j2",
        include_str!("../templates/mail/correction.j2"),
    ),
    (
        "mail/reminder.j2",
        include_str!("../templates/mail/reminder.j2"),
    ),
    (
        "mail/request.j2",
        include_str!("../templates/mail/request.j2"),
    ),
    (
        "mail/packet.j2",
        include_str!("../templates/mail/packet.j2"),
    ),
    (
        "archive/index.html.j2",
        include_str!("../templates/archive/index.html.j2"),
    ),
];

pub struct Templates {
    dir: PathBuf,
}

impl Templates {
    pub fn new(dir: &Path) -> Self {
        Templates {
            dir: dir.to_path_buf(),
        }
    }

    /// The template's source: the folder's copy, else the built-in one.
    pub fn source(&self, name: &str) -> Result<String> {
        let path = self.dir.join(name);
        if path.is_file() {
            return std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e));
        }
        EMBEDDED
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, s)| s.to_string())
            .ok_or_else(|| Error::Other(format!("テンプレート {name} がありません")))
    }

    /// Renders a text template with `context`; errors name the template and line.
    pub fn render(&self, name: &str, context: &impl Serialize) -> Result<String> {
        let source = self.source(name)?;
        let mut env = Environment::new();
        env.add_template(name, &source)
            .map_err(|e| template_error(name, e))?;
        let template = env
            .get_template(name)
            .map_err(|e| template_error(name, e))?;
        let mut text = template
            .render(minijinja::value::Serde(context))
            .map_err(|e| template_error(name, e))?;
        if !text.ends_with('\n') {
            text.push('\n');
        }
        Ok(text)
    }
}

fn template_error(name: &str, e: minijinja::Error) -> Error {
    let line = e.line().map(|l| format!(":{l}")).unwrap_or_default();
    Error::Other(format!("テンプレート {name}{line}: {e}"))
}
