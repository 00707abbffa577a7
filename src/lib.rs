//! kyogikai: the secretariat's pipeline for a prefectural 中高年世代活躍応援プロジェクト協議会.
//!
//! The binary only parses arguments; every stage is a function here. The form specification
//! (`spec`) is the single description of the standard workbook that the writer (`forms`), the
//! sample generator and the reader all follow. The council itself is data (`council`).

pub mod aggregate;
pub mod archive;
pub mod check;
pub mod commands;
pub mod console;
pub mod council;
pub mod dates;
pub mod disclosure;
pub mod error;
pub mod findings;
pub mod fonts;
pub mod forms;
pub mod ingest;
pub mod ledger;
pub mod pipeline;
pub mod render;
pub mod sample;
pub mod spec;
pub mod submission;
pub mod templates;
pub mod text;
pub mod validate;
pub mod xlsx;

pub use error::{Error, Result};
