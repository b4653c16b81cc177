//! `authflow fmt`: rewrite flow files in canonical form, or with `--check` list the files
//! that are not, each with a short diff so the fix is obvious from a CI log.

use std::path::{Path, PathBuf};

use authflow::SourceFile;
use authflow::syntax::format::format_flow;
use authflow::syntax::parse;

use super::{
    Outcome, display_name, expand_paths, load_flow, print_error, unified_diff, walk_outcome,
    write_atomically, write_stdout,
};

/// Diff lines shown per file; a file that is wrong throughout only needs to be shown once.
const MAX_DIFF_LINES: usize = 40;

/// Every file is processed even after a failure, so one run reports everything; the worst
/// outcome decides the exit code (input error over unformatted over success). The report
/// is written once at the end, so a closed pipe (`fmt --check | head -1`) stops nothing
/// half way and is not an error.
pub fn run(paths: &[PathBuf], check: bool) -> Outcome {
    let (files, unreadable) = expand_paths(paths, "flow");
    let mut report = String::new();
    let worst = files
        .iter()
        .map(|path| format_file(path, check, &mut report))
        .fold(walk_outcome(&unreadable), Outcome::max);
    worst.max(write_stdout(&report))
}

fn format_file(path: &Path, check: bool, out: &mut String) -> Outcome {
    let (file, flow) = match load_flow(path) {
        Ok(loaded) => loaded,
        Err(outcome) => return outcome,
    };
    let name = display_name(path);
    let canonical = format_flow(&flow);
    if let Err(outcome) = verify(&name, &canonical) {
        return outcome;
    }
    // A file written with CRLF line endings keeps them: the line ending is the editor's
    // business, not the canonical form's, and flagging every line of it helps nobody.
    let crlf = first_line_ending_is_crlf(&file.text);
    let formatted = if crlf {
        canonical.replace('\n', "\r\n")
    } else {
        canonical
    };
    let stdin = path == Path::new("-");
    if stdin && !check {
        out.push_str(&formatted);
        return Outcome::Success;
    }
    if formatted == file.text {
        return Outcome::Success;
    }
    if check {
        out.push_str(&report(&name, &file.text, &formatted));
        return Outcome::CheckFailed;
    }
    match write_atomically(path, formatted.as_bytes()) {
        Ok(()) => {
            out.push_str(&format!("reformatted {name}\n"));
            Outcome::Success
        }
        Err(error) => {
            print_error(&format!(
                "cannot write `{name}`: {error}; it is left as it was"
            ));
            Outcome::InputError
        }
    }
}

fn first_line_ending_is_crlf(text: &str) -> bool {
    text.find('\n').is_some_and(|i| text[..i].ends_with('\r'))
}

/// A formatter bug must never cost a user their file: the output has to parse and be
/// stable before it replaces anything.
fn verify(name: &str, formatted: &str) -> Result<(), Outcome> {
    let reparsed = parse(&SourceFile::new(name, formatted));
    if reparsed.is_ok_and(|flow| format_flow(&flow) == formatted) {
        return Ok(());
    }
    print_error(&format!(
        "internal error: the canonical form of `{name}` does not read back the same; \
         the file is left untouched (please report this)"
    ));
    Err(Outcome::InputError)
}

/// `would reformat NAME`, what changes that a diff cannot show, then the diff.
fn report(name: &str, original: &str, formatted: &str) -> String {
    let mut notes = Vec::new();
    if original.starts_with('\u{FEFF}') {
        notes.push("byte order mark");
    }
    if original.contains("\r\n") && !formatted.contains("\r\n") {
        notes.push("CRLF line endings");
    }
    if original.contains("\r\n") && original.replace("\r\n", "").contains('\n') {
        notes.push("mixed line endings");
    }
    if !original.is_empty() && !original.ends_with('\n') {
        notes.push("no final newline");
    }
    let mut out = format!("would reformat {name}");
    if !notes.is_empty() {
        out.push_str(&format!(" ({})", notes.join(", ")));
    }
    out.push('\n');
    let normalized = |text: &str| {
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        let mut text = text.replace("\r\n", "\n");
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text
    };
    out.push_str(&unified_diff(
        &normalized(original),
        &normalized(formatted),
        MAX_DIFF_LINES,
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunks_with_context() {
        let old = "a\nb\nc\nd\ne\nf\ng\n";
        let new = "a\nB\nc\nd\ne\nf\nG\nh\n";
        assert_eq!(
            unified_diff(old, new, MAX_DIFF_LINES),
            "@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n@@ -6,2 +6,3 @@\n f\n-g\n+G\n+h\n"
        );
        assert_eq!(unified_diff("x\n", "", 40), "@@ -1 +0,0 @@\n-x\n");
        assert_eq!(unified_diff("a\nb\n", "a\nb\n", 40), "");
    }

    #[test]
    fn crlf_is_recognised_by_the_first_line() {
        assert!(first_line_ending_is_crlf("a\r\nb\n"));
        assert!(!first_line_ending_is_crlf("a\nb\r\n"));
        assert!(!first_line_ending_is_crlf("no newline"));
    }
}
