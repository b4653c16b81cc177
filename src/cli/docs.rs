//! `authflow docs`: redraw the diagrams of flow blocks in Markdown files, or with `--check`
//! report the stale ones as `file:line: ...` so editors and CI logs can jump to them,
//! followed by the diff that `docs` would apply.

use std::path::{Path, PathBuf};

use authflow::docs::{DocsUpdate, Staleness, update_markdown};

use super::{
    Outcome, display_name, expand_paths, print_error, print_stderr, read_input, stderr_color,
    unified_diff, walk_outcome, write_atomically, write_stdout,
};

/// Diff lines shown per file under `--check`.
const MAX_DIFF_LINES: usize = 80;

/// Every file is processed even after a failure; the worst outcome decides the exit code.
/// Directories are searched for `*.md`. The report goes to standard output once, at the
/// end (to standard error when the Markdown itself goes to standard output).
pub fn run(paths: &[PathBuf], check: bool) -> Outcome {
    let (files, unreadable) = expand_paths(paths, "md");
    let mut report = String::new();
    let mut document = None;
    let mut worst = walk_outcome(&unreadable);
    for path in &files {
        worst = worst.max(update_file(path, check, &mut report, &mut document));
    }
    match document {
        Some(text) => {
            print_stderr(&report);
            worst.max(write_stdout(&text))
        }
        None => worst.max(write_stdout(&report)),
    }
}

fn update_file(
    path: &Path,
    check: bool,
    report: &mut String,
    document: &mut Option<String>,
) -> Outcome {
    let name = display_name(path);
    let bytes = match read_input(path) {
        Ok(bytes) => bytes,
        Err(outcome) => return outcome,
    };
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let offset = error.utf8_error().valid_up_to();
            print_error(&format!(
                "`{name}` is not UTF-8 (invalid byte at offset {offset})"
            ));
            return Outcome::InputError;
        }
    };
    let update = match update_markdown(&name, &text) {
        Ok(update) => update,
        Err(error) => {
            print_stderr(&error.render(stderr_color()));
            return Outcome::InputError;
        }
    };
    let stdin = path == Path::new("-");
    if stdin && !check {
        list_stale(&name, &update, "updated", "inserted", report);
        document
            .get_or_insert_with(String::new)
            .push_str(&update.text);
        return Outcome::Success;
    }
    if check {
        list_stale(&name, &update, "is stale", "is missing", report);
        if update.stale.is_empty() {
            return Outcome::Success;
        }
        report.push_str(&format!("--- {name}\n+++ {name} (diagrams redrawn)\n"));
        report.push_str(&unified_diff(&text, &update.text, MAX_DIFF_LINES));
        return Outcome::CheckFailed;
    }
    if update.text == text {
        return Outcome::Success;
    }
    if let Err(error) = write_atomically(path, update.text.as_bytes()) {
        print_error(&format!(
            "cannot write `{name}`: {error}; it is left as it was"
        ));
        return Outcome::InputError;
    }
    list_stale(&name, &update, "updated", "inserted", report);
    Outcome::Success
}

/// One `file:line: diagram ...` line per stale diagram.
fn list_stale(name: &str, update: &DocsUpdate, outdated: &str, missing: &str, out: &mut String) {
    for stale in &update.stale {
        let what = match stale.kind {
            Staleness::Outdated => outdated,
            Staleness::Missing => missing,
        };
        out.push_str(&format!("{name}:{}: diagram {what}\n", stale.line));
    }
}
