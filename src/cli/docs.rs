//! `authflow docs`: redraw the diagrams of flow blocks in Markdown files, or with `--check`
//! report the stale ones as `file:line: ...` so editors and CI logs can jump to them.

use std::io::Write;
use std::path::{Path, PathBuf};

use authflow::docs::{DocsUpdate, Staleness, update_markdown};

use super::{Outcome, display_name, read_input, stderr_color, write_stdout};

/// Every file is processed even after a failure; the worst outcome decides the exit code.
pub fn run(files: &[PathBuf], check: bool) -> Outcome {
    files
        .iter()
        .map(|path| update_file(path, check))
        .max()
        .unwrap_or(Outcome::Success)
}

fn update_file(path: &Path, check: bool) -> Outcome {
    let name = display_name(path);
    let bytes = match read_input(path) {
        Ok(bytes) => bytes,
        Err(outcome) => return outcome,
    };
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let offset = error.utf8_error().valid_up_to();
            eprintln!("error: `{name}` is not UTF-8 (invalid byte at offset {offset})");
            return Outcome::InputError;
        }
    };
    let update = match update_markdown(&name, &text) {
        Ok(update) => update,
        Err(error) => {
            eprint!("{}", error.render(stderr_color()));
            return Outcome::InputError;
        }
    };
    let stdin = path == Path::new("-");
    let pages = pages(path, &name, &update, check, stdin);
    let diagrams = diagrams(path, &name, &text, &update, check, stdin);
    pages.max(diagrams)
}

/// Writes the teaching pages the flow blocks ask for, or with `check` reports the stale
/// ones. Paths are relative to the Markdown file (to the working directory for stdin).
fn pages(path: &Path, name: &str, update: &DocsUpdate, check: bool, stdin: bool) -> Outcome {
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
        if check {
            println!("{name}:{}: page {} is {what}", page.line, page.path);
            outcome = outcome.max(Outcome::CheckFailed);
            continue;
        }
        let written = target
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&target, &page.html));
        match written {
            // Standard output holds the Markdown when it came from standard input.
            Ok(()) if stdin => eprintln!("{name}:{}: page {} written", page.line, page.path),
            Ok(()) => println!("{name}:{}: page {} written", page.line, page.path),
            Err(error) => {
                eprintln!("error: cannot write `{}`: {error}", target.display());
                outcome = Outcome::InputError;
            }
        }
    }
    outcome
}

fn diagrams(
    path: &Path,
    name: &str,
    text: &str,
    update: &DocsUpdate,
    check: bool,
    stdin: bool,
) -> Outcome {
    if stdin && !check {
        report(name, update, "updated", "inserted", &mut std::io::stderr());
        return write_stdout(&update.text);
    }
    if check {
        report(
            name,
            update,
            "is stale",
            "is missing",
            &mut std::io::stdout(),
        );
        return if update.stale.is_empty() {
            Outcome::Success
        } else {
            Outcome::CheckFailed
        };
    }
    if update.text == text {
        return Outcome::Success;
    }
    if let Err(error) = std::fs::write(path, &update.text) {
        eprintln!("error: cannot write `{name}`: {error}");
        return Outcome::InputError;
    }
    report(name, update, "updated", "inserted", &mut std::io::stdout());
    Outcome::Success
}

/// One `file:line: diagram ...` line per stale diagram.
fn report(name: &str, update: &DocsUpdate, outdated: &str, missing: &str, out: &mut dyn Write) {
    for stale in &update.stale {
        let what = match stale.kind {
            Staleness::Outdated => outdated,
            Staleness::Missing => missing,
        };
        let _ = writeln!(out, "{name}:{}: diagram {what}", stale.line);
    }
}
