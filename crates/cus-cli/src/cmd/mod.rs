//! One module per command; each takes the arguments after the command name.

pub mod catalogue;
pub mod check;
pub mod consolider;
pub mod convert;
pub mod territoires;
