//! `authflow invariants`: the catalogue the checker enforces, with references, and
//! `--explain ID`: one invariant in full, as `ruff rule` prints one rule.

use std::fmt::Write as _;

use authflow::check::{INVARIANTS, Invariant, Status, invariant};
use authflow::suggest;
use unicode_width::UnicodeWidthStr;

use super::{Outcome, write_stdout};

/// Where `--explain` wraps prose; the example is printed as written.
const WIDTH: usize = 88;

pub fn run(explain: Option<&str>) -> Outcome {
    let Some(id) = explain else {
        return write_stdout(&list());
    };
    match invariant(id) {
        Some(invariant) => write_stdout(&explanation(invariant)),
        None => {
            let ids = INVARIANTS.iter().map(|i| i.id);
            let hint = suggest::hint(id, ids)
                .unwrap_or_else(|| "`authflow invariants` lists them".to_string());
            let id = authflow::sanitize::terminal_line(id);
            super::print_error(&format!("`{id}` is not an invariant id; {hint}"));
            Outcome::InputError
        }
    }
}

fn list() -> String {
    let mut out = String::new();
    for invariant in INVARIANTS {
        let _ = writeln!(
            out,
            "{} ({}, {})",
            invariant.id,
            invariant.severity.as_str(),
            invariant.status.as_str()
        );
        let _ = writeln!(out, "    {}", invariant.statement);
        let _ = writeln!(out, "    {}\n", invariant.reference);
    }
    out
}

fn explanation(invariant: &Invariant) -> String {
    let status = match invariant.status {
        Status::Stable => "stable".to_string(),
        Status::Preview => "preview (runs with `check --preview` or `preview: true`)".to_string(),
    };
    let mut out = String::new();
    let _ = writeln!(out, "id:        {}", invariant.id);
    let _ = writeln!(out, "status:    {status}");
    let _ = writeln!(out, "severity:  {}", invariant.severity.as_str());
    let _ = writeln!(out, "reference: {}", invariant.reference);
    let _ = writeln!(
        out,
        "binds:     {}",
        if invariant.binds_attackers {
            "every participant, attackers and malicious ones too"
        } else {
            "honest participants (attackers' and malicious participants' own messages are not judged)"
        }
    );
    wrap(&mut out, "statement: ", "           ", invariant.statement);
    out.push_str("\nWhy:\n");
    wrap(&mut out, "    ", "    ", invariant.rationale);
    out.push_str("\nExample (a violation):\n");
    for line in invariant.example.trim_matches('\n').lines() {
        let _ = writeln!(out, "    {line}");
    }
    out
}

/// Greedy word wrap to [`WIDTH`] columns: `first` starts the first line, `rest` the others.
/// A word longer than a line gets a line of its own rather than being split.
fn wrap(out: &mut String, first: &str, rest: &str, text: &str) {
    let mut line = first.to_string();
    let mut empty = true;
    for word in text.split_whitespace() {
        if !empty && line.width() + 1 + word.width() > WIDTH {
            out.push_str(&line);
            out.push('\n');
            line = rest.to_string();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(&line);
    out.push('\n');
}
