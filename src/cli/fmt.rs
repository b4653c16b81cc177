//! `authflow fmt`: rewrite flow files in canonical form, or with `--check` list the files
//! that are not, each with a short diff so the fix is obvious from a CI log.

use std::path::{Path, PathBuf};

use authflow::SourceFile;
use authflow::syntax::format::format_flow;
use authflow::syntax::parse;

use super::{Outcome, display_name, expand_flow_paths, load_flow, write_stdout};

/// Lines of context around each change in `--check` diffs.
const CONTEXT: usize = 1;
/// Diff lines shown per file; a file that is wrong throughout only needs to be shown once.
const MAX_DIFF_LINES: usize = 40;

/// Every file is processed even after a failure, so one run reports everything; the worst
/// outcome decides the exit code (input error over unformatted over success).
pub fn run(paths: &[PathBuf], check: bool) -> Outcome {
    let files = match expand_flow_paths(paths) {
        Ok(files) => files,
        Err(outcome) => return outcome,
    };
    files
        .iter()
        .map(|path| format_file(path, check))
        .max()
        .unwrap_or(Outcome::Success)
}

fn format_file(path: &Path, check: bool) -> Outcome {
    let (file, flow) = match load_flow(path) {
        Ok(loaded) => loaded,
        Err(outcome) => return outcome,
    };
    let name = display_name(path);
    let formatted = format_flow(&flow);
    if let Err(outcome) = verify(&name, &formatted) {
        return outcome;
    }
    let stdin = path == Path::new("-");
    if stdin && !check {
        return write_stdout(&formatted);
    }
    if formatted == file.text {
        return Outcome::Success;
    }
    if check {
        print!("{}", report(&name, &file.text, &formatted));
        return Outcome::CheckFailed;
    }
    match std::fs::write(path, &formatted) {
        Ok(()) => {
            println!("reformatted {name}");
            Outcome::Success
        }
        Err(error) => {
            eprintln!("error: cannot write `{name}`: {error}");
            Outcome::InputError
        }
    }
}

/// A formatter bug must never cost a user their file: the output has to parse and be
/// stable before it replaces anything.
fn verify(name: &str, formatted: &str) -> Result<(), Outcome> {
    let reparsed = parse(&SourceFile::new(name, formatted));
    if reparsed.is_ok_and(|flow| format_flow(&flow) == formatted) {
        return Ok(());
    }
    eprintln!(
        "error: internal error: the canonical form of `{name}` does not read back the same; \
         the file is left untouched (please report this)"
    );
    Err(Outcome::InputError)
}

/// `would reformat NAME`, what changes that a diff cannot show, then the diff.
fn report(name: &str, original: &str, formatted: &str) -> String {
    let mut notes = Vec::new();
    if original.starts_with('\u{FEFF}') {
        notes.push("byte order mark");
    }
    if original.contains("\r\n") {
        notes.push("CRLF line endings");
    }
    if !original.is_empty() && !original.ends_with('\n') {
        notes.push("no final newline");
    }
    let mut out = format!("would reformat {name}");
    if !notes.is_empty() {
        out.push_str(&format!(" ({})", notes.join(", ")));
    }
    out.push('\n');
    let normalized = original
        .strip_prefix('\u{FEFF}')
        .unwrap_or(original)
        .replace("\r\n", "\n");
    let old: Vec<&str> = normalized.lines().collect();
    let new: Vec<&str> = formatted.lines().collect();
    out.push_str(&unified_diff(&old, &new));
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Edit {
    Keep,
    Remove,
    Add,
}

/// Hunks in unified diff style (`@@ -l,n +l,n @@`, then ` `, `-` and `+` lines).
fn unified_diff(old: &[&str], new: &[&str]) -> String {
    let edits = diff_lines(old, new);
    let mut out = String::new();
    let mut shown = 0;
    let mut i = 0;
    while i < edits.len() {
        if edits[i].0 == Edit::Keep {
            i += 1;
            continue;
        }
        let start = i.saturating_sub(CONTEXT);
        // Extend the hunk while the next change is close enough that contexts would touch.
        let mut end = i;
        loop {
            while end < edits.len() && edits[end].0 != Edit::Keep {
                end += 1;
            }
            let keeps = edits[end..]
                .iter()
                .take_while(|(edit, _)| *edit == Edit::Keep)
                .count();
            if end + keeps < edits.len() && keeps <= 2 * CONTEXT {
                end += keeps;
            } else {
                break;
            }
        }
        let stop = (end + CONTEXT).min(edits.len());
        let count = |range: &[(Edit, &str)], skip: Edit| {
            range.iter().filter(|(edit, _)| *edit != skip).count()
        };
        let (old_before, new_before) = (
            count(&edits[..start], Edit::Add),
            count(&edits[..start], Edit::Remove),
        );
        let (old_len, new_len) = (
            count(&edits[start..stop], Edit::Add),
            count(&edits[start..stop], Edit::Remove),
        );
        let line = |before: usize, len: usize| if len == 0 { before } else { before + 1 };
        out.push_str(&format!(
            "@@ -{},{old_len} +{},{new_len} @@\n",
            line(old_before, old_len),
            line(new_before, new_len)
        ));
        for (edit, text) in &edits[start..stop] {
            if shown == MAX_DIFF_LINES {
                let left = edits[start..]
                    .iter()
                    .filter(|(e, _)| *e != Edit::Keep)
                    .count();
                out.push_str(&format!(
                    "... (diff cut short; {left} more changed line(s))\n"
                ));
                return out;
            }
            let sign = match edit {
                Edit::Keep => ' ',
                Edit::Remove => '-',
                Edit::Add => '+',
            };
            out.push(sign);
            out.push_str(text);
            out.push('\n');
            shown += 1;
        }
        i = stop;
    }
    out
}

/// A longest-common-subsequence line diff. Flow files are small, and the common prefix and
/// suffix are cut first; past a size limit the middle is shown as replaced outright.
fn diff_lines<'a>(old: &[&'a str], new: &[&'a str]) -> Vec<(Edit, &'a str)> {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let suffix = old[prefix..]
        .iter()
        .rev()
        .zip(new[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let (a, b) = (
        &old[prefix..old.len() - suffix],
        &new[prefix..new.len() - suffix],
    );
    let mut edits: Vec<(Edit, &str)> = old[..prefix].iter().map(|l| (Edit::Keep, *l)).collect();
    if a.len().saturating_mul(b.len()) > 4_000_000 {
        edits.extend(a.iter().map(|l| (Edit::Remove, *l)));
        edits.extend(b.iter().map(|l| (Edit::Add, *l)));
    } else {
        // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..].
        let width = b.len() + 1;
        let mut lcs = vec![0usize; (a.len() + 1) * width];
        for i in (0..a.len()).rev() {
            for j in (0..b.len()).rev() {
                lcs[i * width + j] = if a[i] == b[j] {
                    lcs[(i + 1) * width + j + 1] + 1
                } else {
                    lcs[(i + 1) * width + j].max(lcs[i * width + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < a.len() || j < b.len() {
            if i < a.len() && j < b.len() && a[i] == b[j] {
                edits.push((Edit::Keep, a[i]));
                (i, j) = (i + 1, j + 1);
            } else if i < a.len()
                && (j == b.len() || lcs[(i + 1) * width + j] >= lcs[i * width + j + 1])
            {
                edits.push((Edit::Remove, a[i]));
                i += 1;
            } else {
                edits.push((Edit::Add, b[j]));
                j += 1;
            }
        }
    }
    edits.extend(old[old.len() - suffix..].iter().map(|l| (Edit::Keep, *l)));
    edits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunks_with_context() {
        let old = ["a", "b", "c", "d", "e", "f", "g"];
        let new = ["a", "B", "c", "d", "e", "f", "G", "h"];
        assert_eq!(
            unified_diff(&old, &new),
            "@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n@@ -6,2 +6,3 @@\n f\n-g\n+G\n+h\n"
        );
        assert_eq!(unified_diff(&["x"], &[]), "@@ -1,1 +0,0 @@\n-x\n");
        assert_eq!(unified_diff(&["a", "b"], &["a", "b"]), "");
    }
}
