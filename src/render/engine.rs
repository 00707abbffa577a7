//! typst, embedded. A [`World`] that serves exactly three kinds of file: the templates
//! (from the templates folder when it has them, else the copies compiled into this binary),
//! two JSON data files (`edition.json`, shared by the documents of an edition, and
//! `doc.json`, the document's own), and the bundled fonts. Nothing else on the machine is reachable, so
//! a member's text can only ever arrive as a value, never as markup or code.
//!
//! Fonts and templates are parsed once per run ([`Engine::new`]); typst's memoization
//! (comemo) is process wide, so documents compiled in one run share their cache: `lib.typ`
//! reads only `edition.json`, so it is evaluated once per edition, not once per document. Warnings are errors, and every
//! diagnostic is printed with file, line and column.

use std::collections::BTreeMap;
use std::path::Path;

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

/// What every document of a run shares: the standard library, the parsed fonts and the
/// parsed templates.
pub struct Engine {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    sources: BTreeMap<String, Source>,
}

/// The shared data of one edition, serialised once (see [`Engine::pdf`]).
#[derive(Clone)]
pub struct EditionData(Bytes);

impl EditionData {
    pub fn new(value: &serde_json::Value) -> Self {
        EditionData(Bytes::new(serde_json::to_vec(value).expect("plain data")))
    }

    /// Size of the JSON in bytes.
    pub fn size(&self) -> usize {
        self.0.len()
    }
}

impl Engine {
    /// Loads the fonts and the templates: each template from `templates/typst/` when the
    /// folder has it, else the copy compiled into this binary.
    pub fn new(templates: &Path) -> Result<Self> {
        let fonts: Vec<Font> = FONTS
            .iter()
            .flat_map(|(_, bytes)| Font::iter(Bytes::new(bytes.to_vec())))
            .collect();
        let folder = templates.join("typst");
        let mut sources = BTreeMap::new();
        for (name, builtin) in EMBEDDED {
            let path = folder.join(name);
            let text = match std::fs::read_to_string(&path) {
                Ok(text) => text,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => builtin.to_string(),
                Err(e) => return Err(Error::io(&path, e)),
            };
            let id = file_id(&format!("/{name}"));
            sources.insert(name.to_string(), Source::new(id, text));
        }
        Ok(Engine {
            library: LazyHash::new(Library::default()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
            sources,
        })
    }

    /// Compiles `main` (a template name) with `edition` served as `/edition.json` and `doc`
    /// as `/doc.json`, and exports PDF/A-2b + PDF/UA-1 with metadata fixed by `date` and
    /// `ident`, so identical inputs give identical bytes.
    pub fn pdf(
        &self,
        main: &str,
        edition: &EditionData,
        doc: &serde_json::Value,
        date: NaiveDate,
        ident: &str,
    ) -> Result<Vec<u8>> {
        if !self.sources.contains_key(main) {
            return Err(Error::Other(format!("テンプレート {main} がありません")));
        }
        let world = DocWorld {
            engine: self,
            main: file_id(&format!("/{main}")),
            edition: edition.0.clone(),
            doc: Bytes::new(serde_json::to_vec(doc).expect("plain data")),
            today: date,
        };
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
    edition: Bytes,
    doc: Bytes,
    today: NaiveDate,
}

impl DocWorld<'_> {
    fn lookup(&self, id: FileId) -> Option<&Source> {
        let path = id.vpath().get_without_slash();
        self.engine.sources.get(path).filter(|s| s.id() == id)
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
        if id == file_id("/edition.json") {
            return Ok(self.edition.clone());
        }
        if id == file_id("/doc.json") {
            return Ok(self.doc.clone());
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
