//! typst, embedded. A [`World`] that serves exactly three kinds of file: the templates
//! (from the templates folder when it has them, else the copies compiled into this binary),
//! one JSON data file, and the bundled fonts. Nothing else on the machine is reachable, so
//! a member's text can only ever arrive as a value, never as markup or code.
//!
//! Fonts are parsed once per run ([`Engine::new`]); typst's memoization (comemo) is process
//! wide, so documents compiled in one run share their cache. Warnings are errors, and every
//! diagnostic is printed with file, line and column.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_kit::diagnostics::{DiagnosticFormat, DiagnosticWorld};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::error::{Error, Result};
use crate::fonts::FONTS;

/// Templates compiled into the binary, used when the templates folder lacks them.
pub const EMBEDDED: &[(&str, &str)] = &[
    ("lib.typ", include_str!("../../templates/typst/lib.typ")),
    ("plan.typ", include_str!("../../templates/typst/plan.typ")),
    (
        "progress.typ",
        include_str!("../../templates/typst/progress.typ"),
    ),
    (
        "packet.typ",
        include_str!("../../templates/typst/packet.typ"),
    ),
];

/// What every document of a run shares: the standard library and the parsed fonts.
pub struct Engine {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    templates: PathBuf,
}

impl Engine {
    pub fn new(templates: &Path) -> Self {
        let fonts: Vec<Font> = FONTS
            .iter()
            .flat_map(|(_, bytes)| Font::iter(Bytes::new(bytes.to_vec())))
            .collect();
        Engine {
            library: LazyHash::new(Library::default()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
            templates: templates.join("typst"),
        }
    }

    /// A template's source: the folder's copy, else the built-in one.
    fn template(&self, name: &str) -> Option<String> {
        let path = self.templates.join(name);
        if let Ok(text) = std::fs::read_to_string(&path) {
            return Some(text);
        }
        EMBEDDED
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, s)| s.to_string())
    }

    /// Compiles `main` (a template name) with `data` served as `/data.json`, and exports
    /// PDF/A-2b + PDF/UA-1 with metadata fixed by `date` and `ident`, so identical inputs
    /// give identical bytes.
    pub fn pdf(
        &self,
        main: &str,
        data: &serde_json::Value,
        date: NaiveDate,
        ident: &str,
    ) -> Result<Vec<u8>> {
        let world = DocWorld::new(self, main, data, date)?;
        let warned = typst::compile::<PagedDocument>(&world);
        if !warned.warnings.is_empty() {
            return Err(Error::Other(diagnostics(&world, &warned.warnings)));
        }
        let document = warned
            .output
            .map_err(|errors| Error::Other(diagnostics(&world, &errors)))?;
        let datetime =
            Datetime::from_ymd_hms(date.year(), date.month() as u8, date.day() as u8, 0, 0, 0)
                .ok_or_else(|| Error::Other(format!("日付 {date} を資料の日付にできません")))?;
        let standards = PdfStandards::new(&[PdfStandard::A_2b, PdfStandard::Ua_1])
            .map_err(|e| Error::Other(format!("PDF 規格の設定: {}", e.message())))?;
        let options = PdfOptions {
            ident: typst::foundations::Smart::Custom(ident.to_string()),
            creator: typst::foundations::Smart::Custom(Some("kyogikai".into())),
            timestamp: Some(Timestamp::new_utc(datetime)),
            standards,
            ..PdfOptions::default()
        };
        typst_pdf::pdf(&document, &options)
            .map_err(|errors| Error::Other(diagnostics(&world, &errors)))
    }
}

fn file_id(path: &str) -> FileId {
    RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(path).expect("valid path"),
    )
    .intern()
}

struct DocWorld<'a> {
    engine: &'a Engine,
    main: FileId,
    sources: BTreeMap<String, Source>,
    data: Bytes,
    data_id: FileId,
    today: NaiveDate,
}

impl<'a> DocWorld<'a> {
    fn new(
        engine: &'a Engine,
        main: &str,
        data: &serde_json::Value,
        today: NaiveDate,
    ) -> Result<Self> {
        let mut sources = BTreeMap::new();
        for (name, _) in EMBEDDED {
            let text = engine
                .template(name)
                .ok_or_else(|| Error::Other(format!("テンプレート {name} がありません")))?;
            let id = file_id(&format!("/{name}"));
            sources.insert(name.to_string(), Source::new(id, text));
        }
        if !sources.contains_key(main) {
            return Err(Error::Other(format!("テンプレート {main} がありません")));
        }
        let json = serde_json::to_vec(data).expect("plain data");
        Ok(DocWorld {
            engine,
            main: file_id(&format!("/{main}")),
            sources,
            data: Bytes::new(json),
            data_id: file_id("/data.json"),
            today,
        })
    }

    fn lookup(&self, id: FileId) -> Option<&Source> {
        let path = id.vpath().get_without_slash();
        self.sources.get(path).filter(|s| s.id() == id)
    }
}

impl World for DocWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.engine.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.engine.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.lookup(id)
            .cloned()
            .ok_or_else(|| FileError::NotFound(id.vpath().get_with_slash().into()))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            return Ok(self.data.clone());
        }
        match self.lookup(id) {
            Some(source) => Ok(Bytes::from_string(source.clone())),
            None => Err(FileError::AccessDenied),
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.engine.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Datetime::from_ymd(
            self.today.year(),
            self.today.month() as u8,
            self.today.day() as u8,
        )
    }
}

impl DiagnosticWorld for DocWorld<'_> {
    fn name(&self, id: FileId) -> String {
        format!("templates/typst{}", id.vpath().get_with_slash())
    }
}

/// Diagnostics as text: `file:line:col: error: message`, with hints.
fn diagnostics(world: &DocWorld, list: &[SourceDiagnostic]) -> String {
    let mut out = typst_kit::diagnostics::termcolor::NoColor::new(Vec::new());
    let _ = typst_kit::diagnostics::emit(&mut out, world, list.iter(), DiagnosticFormat::Short);
    let text = String::from_utf8_lossy(&out.into_inner())
        .trim_end()
        .to_string();
    format!("資料のテンプレートでエラーが出ました:\n{text}")
}
