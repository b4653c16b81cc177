//! `authflow docs`: redraw the diagrams of flow blocks in Markdown files, or with `--check`
//! report the stale ones as `file:line: ...` so editors and CI logs can jump to them,
//! followed by the diff that `docs` would apply.

use std::path::{Path, PathBuf};

use authflow::docs::{DocsUpdate, Staleness, update_markdown};
use authflow::sanitize;

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
    let markdown = Markdown {
        path,
        name: &name,
        text: &text,
        stdin: path == Path::new("-"),
        check,
    };
    let pages = pages(&markdown, &update, report);
    pages.max(diagrams(&markdown, &update, report, document))
}

/// The Markdown file being updated, and how.
struct Markdown<'a> {
    path: &'a Path,
    name: &'a str,
    text: &'a str,
    /// It came from standard input (and goes to standard output).
    stdin: bool,
    /// `--check`: change nothing, report.
    check: bool,
}

/// Writes the teaching pages the flow blocks ask for (atomically, like the Markdown), or
/// with `check` reports the stale ones. Paths are relative to the Markdown file (to the
/// working directory for stdin).
fn pages(markdown: &Markdown, update: &DocsUpdate, report: &mut String) -> Outcome {
    let Markdown {
        path,
        name,
        stdin,
        check,
        ..
    } = *markdown;
    let base = if stdin {
        Path::new(".")
    } else {
        path.parent().unwrap_or(Path::new("."))
    };
    let mut outcome = Outcome::Success;
    for page in &update.pages {
        let target = base.join(&page.path);
        let current = std::fs::read(&target).ok();
        if current.as_deref() == Some(page.html.as_bytes()) {
            continue;
        }
        let what = if current.is_some() {
            "stale"
        } else {
            "missing"
        };
        let shown = sanitize::terminal_line(&page.path);
        if check {
            report.push_str(&format!("{name}:{}: page {shown} is {what}\n", page.line));
            outcome = outcome.max(Outcome::CheckFailed);
            continue;
        }
        let written = target
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| write_atomically(&target, page.html.as_bytes()));
        match written {
            Ok(()) => report.push_str(&format!("{name}:{}: page {shown} written\n", page.line)),
            Err(error) => {
                print_error(&format!(
                    "cannot write `{}`: {error}",
                    display_name(&target)
                ));
                outcome = Outcome::InputError;
            }
        }
    }
    outcome
}

/// Redraws the diagrams of one Markdown file, or with `check` reports the stale ones.
fn diagrams(
    markdown: &Markdown,
    update: &DocsUpdate,
    report: &mut String,
    document: &mut Option<String>,
) -> Outcome {
    let Markdown {
        path,
        name,
        text,
        stdin,
        check,
    } = *markdown;
    if stdin && !check {
        list_stale(name, update, "updated", "inserted", report);
        document
            .get_or_insert_with(String::new)
            .push_str(&update.text);
        return Outcome::Success;
    }
    if check {
        list_stale(name, update, "is stale", "is missing", report);
        if update.stale.is_empty() {
            return Outcome::Success;
        }
        report.push_str(&format!("--- {name}\n+++ {name} (diagrams redrawn)\n"));
        report.push_str(&unified_diff(text, &update.text, MAX_DIFF_LINES));
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
    list_stale(name, update, "updated", "inserted", report);
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
