//! What a command printed and its exit code, and the French wording of diagnostic counts.

use cus_core::diagnostic::{Diagnostic, Severity};

/// What a command printed and its exit code.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    pub code: u8,
}

impl Output {
    pub(crate) fn ok(stdout: String) -> Self {
        Output {
            stdout,
            ..Default::default()
        }
    }
    /// Wrong usage: exit code 64 (EX_USAGE), message and a hint on stderr.
    pub(crate) fn usage(msg: &str) -> Self {
        Output {
            stderr: format!("cus : {msg}\nAide : cus --help\n"),
            code: 64,
            ..Default::default()
        }
    }
    /// Unreadable input: exit code 2.
    pub(crate) fn unreadable(diags: &[Diagnostic]) -> Self {
        let mut stderr = String::new();
        for d in diags {
            stderr.push_str(&d.to_line_fr());
            stderr.push('\n');
        }
        Output {
            stderr,
            code: 2,
            ..Default::default()
        }
    }
}

pub(crate) fn count(diags: &[Diagnostic], s: Severity) -> usize {
    diags.iter().filter(|d| d.severity == s).count()
}

pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n > 1 { many } else { one })
}

/// « 1 erreur, 2 avertissements, 0 information ».
pub(crate) fn summary(diags: &[Diagnostic]) -> String {
    format!(
        "{}, {}, {}",
        plural(count(diags, Severity::Error), "erreur", "erreurs"),
        plural(
            count(diags, Severity::Warning),
            "avertissement",
            "avertissements"
        ),
        plural(count(diags, Severity::Info), "information", "informations")
    )
}
