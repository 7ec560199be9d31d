//! `cus`: the command line of CUS indicateurs, over the same crates as the web app.
//!
//! Modules depend one way only: `cli` (dispatch) → `cmd::*` (one per command) → `args`
//! (shared options) → `input` (reading files), `output` and `help`.

use std::process::ExitCode;

mod args;
mod cli;
mod cmd;
mod help;
mod input;
mod output;
#[cfg(test)]
mod testkit;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = cli::run(&args);
    if !out.stdout.is_empty() {
        print!("{}", out.stdout);
    }
    if !out.stderr.is_empty() {
        eprint!("{}", out.stderr);
    }
    ExitCode::from(out.code)
}
