//! `authflow trace`: the replay as the models saw it, message by message: which protocol
//! step each message was read as and the parameters it carried. For teaching, and for
//! understanding why the checker said what it said. A flow with fragments is shown path
//! by path, as `check` replays it.

use std::fmt::Write as _;
use std::path::Path;

use authflow::check::paths::replay_paths;
use authflow::model::Run;
use authflow::render_diagnostics;

use super::{Outcome, load_flow, stderr_color, write_stdout};

pub fn run(path: &Path) -> Outcome {
    let (file, flow) = match load_flow(path) {
        Ok(loaded) => loaded,
        Err(outcome) => return outcome,
    };
    let replayed = match replay_paths(&flow, &file) {
        Ok(replayed) => replayed,
        Err(diagnostics) => {
            eprint!(
                "{}",
                render_diagnostics(&diagnostics, &file, stderr_color())
            );
            return Outcome::InputError;
        }
    };
    let mut out = String::new();
    for (path, run) in &replayed {
        if replayed.len() > 1 {
            let _ = writeln!(out, "path through {}:", path.describe());
        }
        trace(&mut out, &file.text, run);
    }
    write_stdout(&out)
}

/// The table of one run.
fn trace(out: &mut String, text: &str, run: &Run) {
    let _ = writeln!(out, "{:>5}  {:>6}  {:<24} message", "line", "time", "step");
    for step in &run.steps {
        let label = &text[step.label_span.start..step.label_span.end];
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
                "", carried.key, carried.value
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
                "{:>40}! `{}` does not know {key} `{value}`",
                "", step.from
            );
        }
    }
}

fn clock(seconds: u64) -> String {
    format!("{}:{:02}", seconds / 60, seconds % 60)
}
