//! The terminal report: rustc-style diagnostics for what needs attention, a status line
//! per file that has any, and one summary line. Findings a file's `expect:` names are what
//! the file is for, so they stay out of sight unless `--verbose` asks: a fully passing
//! catalogue prints one line.

use std::io::{self, Write};

use authflow::{Diagnostic, Severity, render_diagnostics};

use super::{Checked, Entry, HumanOptions, Reporter, summary};

/// The human report under its options.
pub struct Human(pub HumanOptions);

impl Reporter for Human {
    fn write(&self, entries: &[Entry], out: &mut dyn Write) -> io::Result<()> {
        let HumanOptions {
            color,
            quiet,
            verbose,
        } = self.0;
        let mut hidden = 0;
        let mut wrote = false;
        for entry in entries {
            let checked = match entry {
                Entry::Checked(checked) => checked,
                Entry::Unchecked(unchecked) => {
                    // The diagnostics went to standard error as the file was read.
                    writeln!(
                        out,
                        "{}: NOT CHECKED: {} input error(s), reported above",
                        unchecked.name,
                        unchecked.errors.len()
                    )?;
                    wrote = true;
                    continue;
                }
            };
            let verdict = &checked.verdict;
            // A file that fails its expectation shows everything that fired: its author
            // is looking for what departs, and needs what fired as expected beside it.
            let show_expected = verbose || !verdict.passed;
            if !show_expected {
                hidden += checked.expected().count();
            }
            if quiet && verdict.passed {
                continue;
            }
            let diagnostics = diagnostics(checked, show_expected);
            out.write_all(render_diagnostics(&diagnostics, &checked.file, color).as_bytes())?;
            wrote |= !diagnostics.is_empty();
            // A file that passes with nothing to show needs no line of its own, unless
            // it is the only one (then its line is the answer) or `--verbose` asks.
            if verbose || !verdict.passed || !diagnostics.is_empty() || entries.len() == 1 {
                writeln!(out, "{}: {}", checked.file.name, verdict.status())?;
                wrote = true;
            }
        }
        if entries.len() > 1 {
            let mut line = summary(entries);
            if hidden > 0 {
                line.push_str(&format!(
                    "; {hidden} expected finding(s) not shown (--verbose shows them)"
                ));
            }
            if wrote {
                writeln!(out)?;
            }
            writeln!(out, "{line}")?;
        }
        Ok(())
    }
}

/// What to show of a checked file: its problems and notes, and with `show_expected` its
/// expected findings as notes that say so.
fn diagnostics(checked: &Checked, show_expected: bool) -> Vec<Diagnostic> {
    let mut shown: Vec<(usize, Diagnostic)> = checked
        .problems()
        .chain(&checked.verdict.notes)
        .map(|v| (v.span.start, v.to_diagnostic()))
        .collect();
    if show_expected {
        shown.extend(checked.expected().map(|v| {
            let mut diagnostic = v.to_diagnostic();
            diagnostic.severity = Severity::Note;
            diagnostic.message = format!("expected: {}", diagnostic.message);
            (v.span.start, diagnostic)
        }));
    }
    shown.sort_by_key(|(start, _)| *start);
    shown.into_iter().map(|(_, d)| d).collect()
}
