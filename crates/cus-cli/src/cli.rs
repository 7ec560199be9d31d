//! The command line as a pure function of the arguments (tested without a process): the
//! dispatch to the commands of `cmd`.

use crate::cmd;
use crate::help::HELP;
use crate::output::Output;

pub fn run(args: &[String]) -> Output {
    let Some(first) = args.first() else {
        return Output::ok(HELP.to_string());
    };
    match first.as_str() {
        "-h" | "--help" | "aide" => Output::ok(HELP.to_string()),
        "-V" | "--version" => Output::ok(format!("cus {}\n", cus_core::VERSION)),
        "catalogue" => cmd::catalogue::run(&args[1..]),
        "territoires" => cmd::territoires::run(&args[1..]),
        "check" | "verifier" | "vérifier" => cmd::check::run(&args[1..]),
        "convert" | "convertir" => cmd::convert::run(&args[1..]),
        "consolider" | "consolidate" => cmd::consolider::run(&args[1..]),
        other => Output::usage(&format!("commande inconnue « {other} »")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_args(a: &[&str]) -> Output {
        run(&a.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn version_and_help_are_french() {
        let v = run_args(&["--version"]);
        assert_eq!(v.stdout, format!("cus {}\n", cus_core::VERSION));
        assert_eq!(v.code, 0);
        let h = run_args(&["--help"]);
        assert!(h.stdout.contains("Utilisation :"));
        assert!(h.stdout.contains("Commandes :"));
        assert_eq!(run_args(&[]).stdout, h.stdout);
    }

    #[test]
    fn unknown_command_is_a_usage_error() {
        let o = run_args(&["frobnicate"]);
        assert_eq!(o.code, 64);
        assert!(o.stderr.contains("commande inconnue « frobnicate »"));
        let o = run_args(&["catalogue", "--format", "xml"]);
        assert_eq!(o.code, 64);
        assert!(o.stderr.contains("format « xml » inconnu"));
    }
}
