//! One module per page.

pub mod home;
pub mod modes;
pub mod reference;
