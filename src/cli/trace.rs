//! `authflow trace`: the replay as the models saw it, message by message: which protocol
//! step each message was read as and the parameters it carried. For teaching, and for
//! understanding why the checker said what it said.

use std::fmt::Write as _;
use std::path::Path;

use authflow::model::execute;
use authflow::{render_diagnostics, sanitize};

use super::{Outcome, load_flow, print_stderr, stderr_color, write_stdout};

pub fn run(path: &Path) -> Outcome {
    let (file, flow) = match load_flow(path) {
        Ok(loaded) => loaded,
        Err(outcome) => return outcome,
    };
    let run = match execute(&flow, &file) {
        Ok(run) => run,
        Err(diagnostics) => {
            print_stderr(&render_diagnostics(&diagnostics, &file, stderr_color()));
            return Outcome::InputError;
        }
    };
    let mut out = String::new();
    let _ = writeln!(out, "{:>5}  {:>6}  {:<24} message", "line", "time", "step");
    for step in &run.steps {
        // Names and labels were vetted by the parser; values may come from the front matter.
        let label = sanitize::terminal_line(&file.text[step.label_span.start..step.label_span.end]);
        let _ = writeln!(
            out,
            "{:>5}  {:>6}  {:<24} {} -> {}: {label}",
            step.line,
            clock(step.time),
            step.kind.name(),
            step.from,
            step.to
        );
        let _ = writeln!(
            out,
            "{:>40}read as {}: {}",
            "",
            step.kind.prose(),
            step.reading.reason
        );
        if !step.reading.ambiguous_with.is_empty() {
            let others: Vec<&str> = step
                .reading
                .ambiguous_with
                .iter()
                .map(|k| k.name())
                .collect();
            let _ = writeln!(
                out,
                "{:>40}? could also be {}: say `as KIND` to settle it",
                "",
                others.join(" or ")
            );
        }
        for carried in step.params.iter() {
            let overridden = if carried.written_at.is_some() {
                "  (written in the flow)"
            } else {
                ""
            };
            let place = match carried.location {
                authflow::model::vocab::Location::Body => String::new(),
                other => format!("  [{other}]"),
            };
            let _ = writeln!(
                out,
                "{:>40}{} = {}{place}{overridden}",
                "",
                carried.key,
                sanitize::terminal_line(&carried.value)
            );
        }
        for missing in &step.missing {
            let _ = writeln!(
                out,
                "{:>40}! `{}` has no {}: {}",
                "", step.from, missing.key, missing.why
            );
        }
        for (key, value) in &step.unknown_to_sender {
            let _ = writeln!(
                out,
                "{:>40}! `{}` does not know {key} `{}`",
                "",
                step.from,
                sanitize::terminal_line(value)
            );
        }
    }
    write_stdout(&out)
}

fn clock(seconds: u64) -> String {
    format!("{}:{:02}", seconds / 60, seconds % 60)
}
