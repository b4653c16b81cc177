//! GitHub Actions workflow commands: each problem becomes an annotation on its line in
//! the pull request (`::error file=…,line=…,col=…,title=…::message`). Chosen by default
//! when `GITHUB_ACTIONS=true`, as ruff and actionlint do. Findings a file expects are not
//! annotated: they are what the file is for.
//!
//! Escaping follows GitHub's toolkit (`@actions/core`, `command.ts`): in the message
//! `%`, CR and LF become `%25`, `%0D`, `%0A`; in properties `:` and `,` also become `%3A`
//! and `%2C`, since they separate the properties.

use std::io::{self, Write};

use authflow::Severity;
use authflow::check::Violation;

use super::{Checked, Entry, Reporter, summary};

/// The workflow-command report.
pub struct Github;

/// Escapes a command's message.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value (`file=`, `title=`).
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    }
}

/// One annotation. `line` 0 means the file as a whole (it could not be read).
fn annotation(
    out: &mut dyn Write,
    severity: Severity,
    file: &str,
    place: Option<[usize; 4]>,
    title: &str,
    message: &str,
) -> io::Result<()> {
    write!(
        out,
        "::{} file={}",
        command(severity),
        escape_property(file)
    )?;
    if let Some([line, col, end_line, end_col]) = place {
        write!(out, ",line={line},col={col}")?;
        // GitHub takes endColumn only on a one-line annotation.
        if end_line == line {
            write!(out, ",endLine={end_line},endColumn={end_col}")?;
        } else {
            write!(out, ",endLine={end_line}")?;
        }
    }
    writeln!(
        out,
        ",title={}::{}",
        escape_property(title),
        escape_data(message)
    )
}

fn finding(out: &mut dyn Write, checked: &Checked, violation: &Violation) -> io::Result<()> {
    let region = checked.region(violation.span);
    let mut message = violation.message.clone();
    for (span, what) in &violation.related {
        message.push_str(&format!("\nline {}: {what}", checked.region(*span).line));
    }
    message.push_str(&format!("\n{}", violation.reference));
    annotation(
        out,
        violation.severity,
        &checked.file.name,
        Some([
            region.line,
            region.column,
            region.end_line,
            region.end_column,
        ]),
        &format!("authflow {}", violation.id),
        &message,
    )
}

impl Reporter for Github {
    fn write(&self, entries: &[Entry], out: &mut dyn Write) -> io::Result<()> {
        for entry in entries {
            match entry {
                Entry::Unchecked(unchecked) => {
                    for error in &unchecked.errors {
                        let place = (error.line > 0).then_some([
                            error.line,
                            error.column,
                            error.line,
                            error.column,
                        ]);
                        annotation(
                            out,
                            Severity::Error,
                            &unchecked.name,
                            place,
                            "authflow input error",
                            &error.message,
                        )?;
                    }
                }
                Entry::Checked(checked) => {
                    for violation in checked.problems().chain(&checked.verdict.notes) {
                        finding(out, checked, violation)?;
                    }
                    if !checked.verdict.missing.is_empty() {
                        annotation(
                            out,
                            Severity::Error,
                            &checked.file.name,
                            Some([1, 1, 1, 1]),
                            "authflow expectation",
                            &format!(
                                "the file's `expect:` is not met: {}",
                                checked.verdict.departures()
                            ),
                        )?;
                    }
                }
            }
        }
        writeln!(out, "{}", summary(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_toolkit() {
        assert_eq!(
            escape_data("50% done\r\nnext: a,b"),
            "50%25 done%0D%0Anext: a,b"
        );
        assert_eq!(
            escape_property("dir:a,b/100%.flow\n"),
            "dir%3Aa%2Cb/100%25.flow%0A"
        );
    }
}
