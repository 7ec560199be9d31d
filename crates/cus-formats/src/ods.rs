//! ODS format (see `docs/FORMAT.md`). Being written: this module is replaced by its
//! implementation in the same change set.

use cus_core::catalogue::Catalogue;
use cus_core::diagnostic::{Diagnostic, Location};

use crate::{ExportInput, Imported};

pub fn export(_input: &ExportInput) -> Vec<u8> {
    Vec::new()
}

pub fn import(_bytes: &[u8], file_name: &str, _cats: &[Catalogue]) -> Result<Imported, Vec<Diagnostic>> {
    Err(vec![Diagnostic::error(
        "E-IMPORT-UNSUPPORTED",
        "Format pas encore pris en charge.",
        Location { file: Some(file_name.to_string()), ..Default::default() },
    )])
}
