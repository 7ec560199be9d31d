//! `cus`: the command line of CUS indicateurs, over the same crates as the web app.

use std::process::ExitCode;

mod cli;
mod files;

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
