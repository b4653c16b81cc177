//! The commands behind `main.rs`. They share how inputs are read and how failures map to
//! exit codes: 0 success, 1 a check failed, 2 usage or input error.

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
use authflow::{SourceFile, render_diagnostics};

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

/// The name diagnostics use for a path (`-` reads standard input).
pub fn display_name(path: &Path) -> String {
    if path == Path::new("-") {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    }
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
        eprintln!("error: {error}");
        Outcome::InputError
    })
}

/// Reads and parses a flow; on failure the diagnostics are printed to standard error.
pub fn load_flow(path: &Path) -> Result<(SourceFile, Flow), Outcome> {
    let bytes = read_input(path)?;
    let (file, flow) = parse_bytes(&display_name(path), &bytes);
    match flow {
        Ok(flow) => Ok((file, flow)),
        Err(diagnostics) => {
            eprint!(
                "{}",
                render_diagnostics(&diagnostics, &file, stderr_color())
            );
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
}

/// Whether diagnostics on standard error are coloured (see [`Color::apply`]).
pub fn stderr_color() -> bool {
    anstream::AutoStream::choice(&std::io::stderr()) != anstream::ColorChoice::Never
}

/// Whether reports on standard output are coloured (see [`Color::apply`]).
pub fn color_for_stdout() -> bool {
    anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never
}

/// Expands directories into the `*.flow` files under them, sorted so output is
/// deterministic; files named explicitly are kept whatever their extension.
pub fn expand_flow_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Outcome> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found = Vec::new();
            collect_flows(path, &mut found).map_err(|error| {
                eprintln!("error: cannot read directory `{}`: {error}", path.display());
                Outcome::InputError
            })?;
            // An empty directory would make `check dir/` pass vacuously in CI.
            if found.is_empty() {
                eprintln!("error: no `*.flow` files under `{}`", path.display());
                return Err(Outcome::InputError);
            }
            found.sort();
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

/// Symlinked directories are not followed (as ripgrep does by default): a link cycle
/// would otherwise recurse forever.
fn collect_flows(dir: &Path, found: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            collect_flows(&path, found)?;
        } else if path.is_file() && path.extension().is_some_and(|e| e == "flow") {
            found.push(path);
        }
    }
    Ok(())
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
            eprintln!("error: cannot write to standard output: {error}");
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
        Some(path) => std::fs::File::create(path).and_then(|mut f| write(&mut f)),
        None => write(&mut std::io::stdout().lock()),
    };
    match written {
        Ok(()) => Outcome::Success,
        // A closed pipe (`authflow render x | head`) is the reader's choice, not an error.
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Outcome::Success,
        Err(error) => {
            let target = output.map_or("standard output".to_string(), |p| {
                format!("`{}`", p.display())
            });
            eprintln!("error: cannot write to {target}: {error}");
            Outcome::InputError
        }
    }
}
