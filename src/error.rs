//! Errors: the run cannot go on (a file cannot be read or written, the council definition is
//! broken, a template fails). Problems in submitted data are not errors but findings.

use std::path::{Path, PathBuf};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The council definition is unreadable or inconsistent; the text names the key.
    #[error("協議会定義の誤り: {0}")]
    Council(String),
    #[error("ワークブックを書き出せません（{what}）: {source}")]
    Xlsx {
        what: String,
        source: rust_xlsxwriter::XlsxError,
    },
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Other(String),
}

impl Error {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    pub fn xlsx(what: impl Into<String>) -> impl FnOnce(rust_xlsxwriter::XlsxError) -> Self {
        let what = what.into();
        move |source| Error::Xlsx { what, source }
    }
}

/// Writes a file, creating its folder.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    std::fs::write(path, bytes).map_err(|e| Error::io(path, e))
}
