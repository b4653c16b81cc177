//! The commands behind `main.rs`. They share how inputs are read and how failures map to
//! exit codes: 0 success, 1 a check failed, 2 usage or input error.

pub mod alloc;
pub mod check;
pub mod completions;
pub mod docs;
pub mod fmt;
pub mod html;
pub mod invariants;
pub mod mdbook;
pub mod render;
pub mod replay;
pub mod report;
pub mod trace;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use authflow::syntax::{Flow, parse_bytes};
use authflow::{SourceFile, render_diagnostics, sanitize};

/// How a command ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    Success,
    CheckFailed,
    InputError,
}

impl Outcome {
    pub fn exit_code(self) -> ExitCode {
        ExitCode::from(match self {
            Outcome::Success => 0,
            Outcome::CheckFailed => 1,
            Outcome::InputError => 2,
        })
    }
}

/// The name reports use for a path (`-` reads standard input). A file name is input too:
/// one with an escape sequence or a line break in it is shown escaped.
pub fn display_name(path: &Path) -> String {
    if path == Path::new("-") {
        "<stdin>".to_string()
    } else {
        sanitize::terminal_line(&path.display().to_string()).into_owned()
    }
}

/// Writes to standard error. A closed or full standard error must not turn a report into
/// a panic (`eprintln!` would), and there is nowhere left to report that it failed.
pub fn print_stderr(text: &str) {
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// `error: MESSAGE` on standard error.
pub fn print_error(message: &str) {
    print_stderr(&format!("error: {message}\n"));
}

/// Reads a file (or standard input for `-`) as bytes; the error says which file.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, String> {
    let result = if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes).map(|_| bytes)
    } else {
        std::fs::read(path)
    };
    result.map_err(|error| format!("cannot read `{}`: {error}", display_name(path)))
}

/// Reads a file (or standard input for `-`) as bytes; the error is already printed.
pub fn read_input(path: &Path) -> Result<Vec<u8>, Outcome> {
    read_bytes(path).map_err(|error| {
        print_error(&error);
        Outcome::InputError
    })
}

/// Reads and parses a flow; on failure the diagnostics are printed to standard error.
pub fn load_flow(path: &Path) -> Result<(SourceFile, Flow), Outcome> {
    let bytes = read_input(path)?;
    let (file, flow) = parse_bytes(&display_name(path), bytes);
    match flow {
        Ok(flow) => Ok((file, flow)),
        Err(diagnostics) => {
            print_stderr(&render_diagnostics(&diagnostics, &file, stderr_color()));
            Err(Outcome::InputError)
        }
    }
}

/// `--color`, for every command: whether diagnostics and reports carry ANSI colours.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Color {
    /// When the stream is a terminal, unless `NO_COLOR` is set (or `CLICOLOR_FORCE` is)
    Auto,
    /// Always, even into a pipe or file
    Always,
    /// Never
    Never,
}

impl Color {
    /// Makes this the choice for the whole process. anstream then decides per stream:
    /// `auto` honours `NO_COLOR`, `CLICOLOR_FORCE`, `CLICOLOR` and whether it is a terminal.
    pub fn apply(self) {
        anstream::ColorChoice::write_global(match self {
            Color::Auto => anstream::ColorChoice::Auto,
            Color::Always => anstream::ColorChoice::Always,
            Color::Never => anstream::ColorChoice::Never,
        });
    }

    /// The same choice for clap, which prints help and usage errors itself, before
    /// [`Color::apply`] can run.
    pub fn for_clap(self) -> clap::ColorChoice {
        match self {
            Color::Auto => clap::ColorChoice::Auto,
            Color::Always => clap::ColorChoice::Always,
            Color::Never => clap::ColorChoice::Never,
        }
    }
}

/// Whether diagnostics on standard error are coloured (see [`Color::apply`]).
pub fn stderr_color() -> bool {
    anstream::AutoStream::choice(&std::io::stderr()) != anstream::ColorChoice::Never
}

/// Whether reports on standard output are coloured (see [`Color::apply`]).
pub fn color_for_stdout() -> bool {
    anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never
}

/// A path given or found that could not be read, already reported on standard error.
/// Machine-readable reports list it too, so a dashboard never loses a path silently.
pub struct Unreadable {
    /// The path as reports show it.
    pub name: String,
    /// What went wrong, naming the path.
    pub message: String,
}

impl Unreadable {
    fn report(path: &Path, message: String, found: &mut Vec<Unreadable>) {
        print_error(&message);
        found.push(Unreadable {
            name: display_name(path),
            message,
        });
    }
}

/// The outcome of a walk: an input error when any path could not be read.
pub fn walk_outcome(unreadable: &[Unreadable]) -> Outcome {
    if unreadable.is_empty() {
        Outcome::Success
    } else {
        Outcome::InputError
    }
}

/// The files a command works on: files named explicitly (whatever their extension), and
/// under each directory the files ending in `.EXTENSION`, sorted so output is
/// deterministic. A path that cannot be read (a directory without permission, a dangling
/// or looping symbolic link) is reported as an input error of its own and the walk goes
/// on, so one bad path never hides the rest.
pub fn expand_paths(paths: &[PathBuf], extension: &str) -> (Vec<PathBuf>, Vec<Unreadable>) {
    let mut files = Vec::new();
    let mut unreadable = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found = Vec::new();
            let before = unreadable.len();
            walk(path, extension, &mut found, &mut unreadable);
            // An empty directory would make `check dir/` pass vacuously in CI.
            if found.is_empty() && unreadable.len() == before {
                let message = format!("no `*.{extension}` files under `{}`", display_name(path));
                Unreadable::report(path, message, &mut unreadable);
            }
            found.sort();
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    (files, unreadable)
}

/// Symlinked directories are not followed (as ripgrep does by default): a link cycle
/// would otherwise recurse forever. A symlink named like a wanted file is kept even when
/// it leads nowhere, so that reading it reports the broken link by name.
fn walk(dir: &Path, extension: &str, found: &mut Vec<PathBuf>, unreadable: &mut Vec<Unreadable>) {
    let cannot_read = |path: &Path, error: std::io::Error, unreadable: &mut Vec<Unreadable>| {
        let message = format!("cannot read `{}`: {error}", display_name(path));
        Unreadable::report(path, message, unreadable);
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) => return cannot_read(dir, error, unreadable),
    };
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                cannot_read(dir, error, unreadable);
                continue;
            }
        };
        let path = entry.path();
        let wanted = path.extension().is_some_and(|e| e == extension);
        match entry.file_type() {
            Ok(kind) if kind.is_dir() => walk(&path, extension, found, unreadable),
            Ok(kind) if kind.is_file() && wanted => found.push(path),
            // A broken link is kept too: reading it reports it by name, in every report.
            Ok(kind) if kind.is_symlink() && wanted => {
                if !std::fs::metadata(&path).is_ok_and(|target| target.is_dir()) {
                    found.push(path);
                }
            }
            Ok(_) => {}
            Err(error) => cannot_read(&path, error, unreadable),
        }
    }
}

/// Replaces a file's contents so that it is never seen half written: the new text goes to
/// a temporary file in the same directory, which is flushed to disk, given the original's
/// permissions and renamed over it. A full disk or a killed process leaves the original
/// as it was. A symbolic link is followed, so the file it points to is the one replaced.
/// A new file is simply created.
pub fn write_atomically(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    replace_atomically(path, |file| file.write_all(contents))
}

/// [`write_atomically`] for a writer that streams: `write` fills the temporary file.
pub fn replace_atomically(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let target = match std::fs::canonicalize(path) {
        Ok(target) => target,
        // Nothing to lose: a new file is created as any other (with the umask's mode,
        // which a temporary file would not get).
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let mut file = std::fs::File::create(path)?;
            write(&mut file)?;
            return file.sync_all();
        }
        Err(error) => return Err(error),
    };
    let permissions = std::fs::metadata(&target)?.permissions();
    let dir = target.parent().unwrap_or(Path::new("."));
    let mut temp = tempfile::Builder::new()
        .prefix(".authflow-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    write(temp.as_file_mut())?;
    temp.as_file().set_permissions(permissions)?;
    temp.as_file().sync_all()?;
    temp.persist(&target).map_err(|error| error.error)?;
    Ok(())
}

/// A unified diff (`@@ -l,n +l,n @@` hunks, one line of context), cut short after
/// `max_lines` lines: a file that is wrong throughout only needs to be shown once.
pub fn unified_diff(old: &str, new: &str, max_lines: usize) -> String {
    let diff = similar::TextDiff::from_lines(old, new);
    let mut out = String::new();
    let mut shown = 0;
    for hunk in diff.unified_diff().context_radius(1).iter_hunks() {
        out.push_str(&format!("{}\n", hunk.header()));
        for change in hunk.iter_changes() {
            if shown == max_lines {
                let left = diff
                    .iter_all_changes()
                    .filter(|c| c.tag() != similar::ChangeTag::Equal)
                    .count();
                out.push_str(&format!(
                    "... (diff cut short; {left} changed line(s) in all)\n"
                ));
                return out;
            }
            let sign = match change.tag() {
                similar::ChangeTag::Equal => ' ',
                similar::ChangeTag::Delete => '-',
                similar::ChangeTag::Insert => '+',
            };
            let line = change.value().trim_end_matches(['\n', '\r']);
            out.push(sign);
            out.push_str(&sanitize::terminal_line(line));
            out.push('\n');
            shown += 1;
        }
    }
    out
}

/// Writes a report to standard output; a reader that closed the pipe early is not an error.
pub fn write_stdout(text: &str) -> Outcome {
    write_stdout_bytes(text.as_bytes())
}

/// [`write_stdout`] for bytes.
pub fn write_stdout_bytes(bytes: &[u8]) -> Outcome {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => Outcome::Success,
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Outcome::Success,
        Err(error) => {
            print_error(&format!("cannot write to standard output: {error}"));
            Outcome::InputError
        }
    }
}

/// Writes a command's output to `output`, or to standard output; a reader that closed the
/// pipe early is not an error, any other failure is reported with its target.
pub fn write_output(
    output: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Outcome {
    let written = match output {
        // An existing file is replaced whole, so a failed write never leaves it half
        // written; a new one is simply created.
        Some(path) if path.is_file() => replace_atomically(path, |file| write(file)),
        Some(path) => std::fs::File::create(path).and_then(|mut f| write(&mut f)),
        None => write(&mut std::io::stdout().lock()),
    };
    match written {
        Ok(()) => Outcome::Success,
        // A closed pipe (`authflow render x | head`) is the reader's choice, not an error.
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Outcome::Success,
        Err(error) => {
            let target = output.map_or("standard output".to_string(), |p| {
                format!("`{}`", display_name(p))
            });
            print_error(&format!("cannot write to {target}: {error}"));
            Outcome::InputError
        }
    }
}
