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
    // A closed pipe (`cus consolider … --format csv | head`) is not an error of ours: what
    // could not be written is dropped silently instead of panicking.
    use std::io::Write as _;
    if !out.stdout.is_empty() {
        let _ = std::io::stdout().lock().write_all(out.stdout.as_bytes());
    }
    if !out.stderr.is_empty() {
        let _ = std::io::stderr().lock().write_all(out.stderr.as_bytes());
    }
    ExitCode::from(out.code)
}
