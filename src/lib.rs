//! kyogikai: the secretariat's pipeline for a prefectural 中高年世代活躍応援プロジェクト協議会.
//!
//! The binary only parses arguments; every stage is a function here. The form specification
//! (`spec`) is the single description of the standard workbook that the writer (`forms`), the
//! sample generator and the reader all follow. The council itself is data (`council`).

pub mod commands;
pub mod council;
pub mod dates;
pub mod error;
pub mod forms;
pub mod sample;
pub mod spec;
pub mod submission;
pub mod text;

pub use error::{Error, Result};
