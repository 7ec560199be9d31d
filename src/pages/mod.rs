//! One module per page.

pub mod evaluer;
pub mod export;
pub mod fill;
pub mod former;
pub mod grid;
pub mod home;
pub mod modes;
pub mod reference;
pub mod simuler;
pub mod stock;

/// The French plural mark of a count: `""` for 0 or 1, `"s"` above.
pub(crate) fn plural_s(n: usize) -> &'static str {
    if n > 1 {
        "s"
    } else {
        ""
    }
}
