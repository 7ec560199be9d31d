//! One module per page.

pub mod export;
pub mod fill;
pub mod grid;
pub mod home;
pub mod modes;
pub mod reference;
pub mod stock;
