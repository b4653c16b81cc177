//! `authflow trace`: the replay as the models saw it, message by message: which protocol
//! step each message was read as and the parameters it carried. For teaching, and for
//! understanding why the checker said what it said. A flow with fragments is shown path
//! by path, as `check` replays it. With `--knowledge`, each message is followed by what
//! every participant knows after it and the stored objects it changed; `--attacker`
//! narrows that to the attacker.

use std::fmt::Write as _;
use std::path::Path;

use authflow::check::paths::replay_paths;
use authflow::model::Run;
use authflow::teach::state::stored_objects;
use authflow::teach::{KnowledgeTable, Known, attackers};
use authflow::{render_diagnostics, sanitize};

use super::{Outcome, load_flow, print_stderr, stderr_color, write_stdout};

pub fn run(path: &Path, knowledge: bool, attacker_only: bool) -> Outcome {
    let (file, flow) = match load_flow(path) {
        Ok(loaded) => loaded,
        Err(outcome) => return outcome,
    };
    let replayed = match replay_paths(&flow, &file) {
        Ok(replayed) => replayed,
        Err(diagnostics) => {
            print_stderr(&render_diagnostics(&diagnostics, &file, stderr_color()));
            return Outcome::InputError;
        }
    };
    if attacker_only && replayed.iter().all(|(_, run)| attackers(run).is_empty()) {
        super::print_error(&format!(
            "no participant of `{}` plays the attacker: declare one with `participant NAME as attacker`",
            sanitize::terminal_line(&file.name)
        ));
        return Outcome::InputError;
    }
    let view = View {
        names: flow.participant_order(),
        knowledge,
        attacker_only,
    };
    let mut out = String::new();
    for (path, run) in &replayed {
        if replayed.len() > 1 {
            let _ = writeln!(out, "path through {}:", path.describe());
        }
        trace(&mut out, &file.text, run, &view);
    }
    write_stdout(&out)
}

/// What to show besides the messages.
struct View<'a> {
    names: Vec<&'a str>,
    knowledge: bool,
    attacker_only: bool,
}

/// The table of one run.
fn trace(out: &mut String, text: &str, run: &Run, view: &View) {
    let attackers = attackers(run);
    let mut table = KnowledgeTable::new(run, &view.names);
    let stored = stored_objects(run);
    let (knowledge, attacker_only) = (view.knowledge, view.attacker_only);
    let _ = writeln!(out, "{:>5}  {:>6}  {:<24} message", "line", "time", "step");
    // Whether each API answer served, as the model read it: the label alone decides
    // that, so the trace says which way it went.
    let api_answers: std::collections::HashMap<usize, bool> = run
        .api_calls
        .iter()
        .filter_map(|call| call.response.as_ref())
        .map(|answer| (answer.step, answer.served))
        .collect();
    for (id, step) in run.steps.iter().enumerate() {
        // Names and labels were vetted by the parser; values may come from the front matter.
        let label = sanitize::terminal_line(&text[step.label_span.start..step.label_span.end]);
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
        if let Some(&served) = api_answers.get(&id) {
            let answer = if served {
                "the API serves the resource"
            } else {
                "the API refuses"
            };
            let _ = writeln!(out, "{:>40}= {answer}", "");
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
        if knowledge {
            table.advance_to(id);
            let shown = |name: &str| !attacker_only || attackers.contains(&name);
            write_knowledge(out, table.rows().filter(|(name, _)| shown(name)));
            for object in &stored {
                for change in object.changes.iter().filter(|c| c.step == id) {
                    let _ = writeln!(
                        out,
                        "{:>40}~ {} · {}: {}",
                        "", object.holder, object.object, change.state
                    );
                }
            }
        }
    }
}

/// One line per participant: what it knows, `+` marking what it learned in this step.
fn write_knowledge<'a>(out: &mut String, rows: impl Iterator<Item = (&'a str, Vec<Known>)>) {
    let _ = writeln!(out, "{:>40}knows (+ learned here):", "");
    for (name, known) in rows {
        let values: Vec<String> = known
            .iter()
            .map(|k| {
                let new = if k.new { "+" } else { "" };
                let at = k
                    .line
                    .map_or("configured".to_string(), |l| format!("line {l}"));
                format!("{new}{} {} ({at})", k.key, k.value)
            })
            .collect();
        let values = if values.is_empty() {
            "nothing secret".to_string()
        } else {
            values.join(", ")
        };
        let _ = writeln!(out, "{:>42}{name:<16} {values}", "");
    }
}

fn clock(seconds: u64) -> String {
    format!("{}:{:02}", seconds / 60, seconds % 60)
}
