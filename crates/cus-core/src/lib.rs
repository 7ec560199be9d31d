//! CUS indicateurs — domain logic.
//!
//! Pure Rust, no web dependency: the catalogue of indicators (data embedded from
//! `data/catalogue/`), diagnostics, French number formatting. Compiles and tests natively and for
//! `wasm32-unknown-unknown`.

pub mod autosave;
pub mod bench;
pub mod calc;
pub mod catalogue;
pub mod consolidation;
pub mod convention;
pub mod diagnostic;
pub mod drafts;
pub mod evaluation;
pub mod formation;
pub mod geo;
pub mod numfmt;
pub mod organisme;
pub mod report;
pub mod ruledata;
pub mod rules;
pub mod samples;
pub mod session;
pub mod text;

/// Version of the application and its crates.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
