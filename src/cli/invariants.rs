//! `authflow invariants`: the catalogue the checker enforces, with references.

use std::fmt::Write as _;

use authflow::check::INVARIANTS;

use super::{Outcome, write_stdout};

pub fn run() -> Outcome {
    let mut out = String::new();
    for invariant in INVARIANTS {
        let _ = writeln!(out, "{} ({})", invariant.id, invariant.severity.as_str());
        let _ = writeln!(out, "    {}", invariant.statement);
        let _ = writeln!(out, "    {}\n", invariant.reference);
    }
    write_stdout(&out)
}
