//! `authflow check`: parse, execute and judge each flow under the levels and world of its
//! nearest `authflow.toml` and the command line, then write the reports.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Instant;

use authflow::check::levels::Levels;
use authflow::check::paths::{replay_paths, verdict_over_paths};
use authflow::check::{CheckOptions, validate_expectation_with};
use authflow::config::Config;
use authflow::syntax::parse_bytes;
use authflow::{Diagnostic, SourceFile, Span, render_diagnostics};

use super::report::{self, Checked, Entry, Format, HumanOptions, InputError, Unchecked};
use super::{Outcome, color_for_stdout, display_name, expand_paths, read_bytes, stderr_color};

/// What `check` was asked to do, beyond which paths.
pub struct CheckArgs {
    /// The report on standard output; `None` picks `github` under GitHub Actions, else
    /// `human`.
    pub format: Option<Format>,
    /// Further reports written to files (`--report junit=out/junit.xml`).
    pub reports: Vec<(Format, PathBuf)>,
    /// Levels from `-A`, `-W`, `-D`, in command-line order (later wins).
    pub levels: Levels,
    /// Human report: only files that fail.
    pub quiet: bool,
    /// Human report: expected findings too.
    pub verbose: bool,
    /// Run the preview invariants in every file.
    pub preview: bool,
}

/// The format for standard output when none is given: GitHub's annotations inside GitHub
/// Actions (where the log is read as a pull request's annotations), else the human one.
pub fn default_format() -> Format {
    if std::env::var_os("GITHUB_ACTIONS").is_some_and(|v| v == "true") {
        Format::Github
    } else {
        Format::Human
    }
}

pub fn run(paths: &[PathBuf], args: &CheckArgs) -> Outcome {
    let (files, unreadable) = expand_paths(paths, "flow");
    let files = unique(files);
    let mut configs = Configs::default();
    let mut entries: Vec<Entry> = files
        .iter()
        .map(|path| {
            let started = Instant::now();
            let mut entry = match configs.for_file(path) {
                Ok(config) => check_file(path, &config, args),
                Err(errors) => Entry::Unchecked(Unchecked {
                    name: display_name(path),
                    errors,
                    time: Default::default(),
                }),
            };
            let time = started.elapsed();
            match &mut entry {
                Entry::Checked(c) => c.time = time,
                Entry::Unchecked(u) => u.time = time,
            }
            entry
        })
        .collect();
    // What the walk could not read was not checked either, and every report says so.
    entries.extend(unreadable.into_iter().map(|path| {
        Entry::Unchecked(Unchecked {
            name: path.name,
            errors: vec![InputError {
                line: 0,
                column: 0,
                message: path.message,
            }],
            time: Default::default(),
        })
    }));
    let worst = entries
        .iter()
        .map(|entry| match entry {
            Entry::Checked(c) if c.verdict.passed => Outcome::Success,
            Entry::Checked(_) => Outcome::CheckFailed,
            Entry::Unchecked(_) => Outcome::InputError,
        })
        .max()
        .unwrap_or(Outcome::Success);
    let human = HumanOptions {
        color: color_for_stdout(),
        quiet: args.quiet,
        verbose: args.verbose,
    };
    let mut written = Outcome::Success;
    for (format, path) in &args.reports {
        written = written.max(write_report_file(*format, path, &entries));
    }
    let format = args.format.unwrap_or_else(default_format);
    let mut stdout = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = report::reporter(format, human).write(&entries, &mut stdout);
    let stdout = report::sanitized(format, stdout);
    worst.max(written).max(super::write_stdout_bytes(&stdout))
}

/// Each file once, in the order first given: `check a.flow dir/` where `dir/` holds
/// `a.flow` must not judge (and count) it twice.
fn unique(files: Vec<PathBuf>) -> Vec<PathBuf> {
    let mut seen = std::collections::HashSet::new();
    files
        .into_iter()
        .filter(|path| seen.insert(std::fs::canonicalize(path).unwrap_or_else(|_| path.clone())))
        .collect()
}

fn write_report_file(format: Format, path: &Path, entries: &[Entry]) -> Outcome {
    let written = (|| {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let mut report = Vec::new();
        report::reporter(format, HumanOptions::default()).write(entries, &mut report)?;
        super::write_atomically(path, &report::sanitized(format, report))
    })();
    match written {
        Ok(()) => Outcome::Success,
        Err(error) => {
            super::print_error(&format!(
                "cannot write report `{}`: {error}",
                display_name(path)
            ));
            Outcome::InputError
        }
    }
}

/// The configs found so far, by the directory they govern from: a directory of a
/// thousand flows reads its `authflow.toml` once, and reports its errors once.
#[derive(Default)]
struct Configs {
    by_path: HashMap<PathBuf, Result<Rc<Config>, String>>,
}

impl Configs {
    /// The nearest config's settings for `flow`, or the defaults without one. A broken
    /// config is an input error of every file it governs.
    fn for_file(&mut self, flow: &Path) -> Result<Rc<Config>, Vec<InputError>> {
        let Some(path) = Config::find_for(flow) else {
            return Ok(Rc::new(Config::default()));
        };
        let loaded = self
            .by_path
            .entry(path.clone())
            .or_insert_with(|| load_config(&path));
        loaded.clone().map_err(|message| {
            vec![InputError {
                line: 0,
                column: 0,
                message,
            }]
        })
    }
}

/// Reads a config; on failure its diagnostics go to standard error, once.
fn load_config(path: &Path) -> Result<Rc<Config>, String> {
    // Found as an absolute path; shown as the user would type it from here.
    let cwd = std::env::current_dir().unwrap_or_default();
    let name = display_name(path.strip_prefix(&cwd).unwrap_or(path));
    let bytes = read_bytes(path).inspect_err(|message| super::print_error(message))?;
    let file = SourceFile::new(&name, String::from_utf8_lossy(&bytes).into_owned());
    Config::parse(&file).map(Rc::new).map_err(|problems| {
        super::print_stderr(&render_diagnostics(&problems, &file, stderr_color()));
        format!("`{name}` governs this file and is invalid")
    })
}

/// Checks one file. Input errors are printed to standard error as diagnostics whatever
/// the format, and kept as data for the machine-readable reports.
fn check_file(path: &Path, config: &Config, args: &CheckArgs) -> Entry {
    let name = display_name(path);
    let unchecked = |errors| {
        Entry::Unchecked(Unchecked {
            name: name.clone(),
            errors,
            time: Default::default(),
        })
    };
    let bytes = match read_bytes(path) {
        Ok(bytes) => bytes,
        Err(message) => {
            super::print_error(&message);
            return unchecked(vec![InputError {
                line: 0,
                column: 0,
                message,
            }]);
        }
    };
    let options = CheckOptions {
        preview: args.preview || config.preview,
    };
    let levels = args.levels.over(&config.levels);
    let (file, flow) = parse_bytes(&name, bytes);
    let problems = match flow {
        Err(diagnostics) => diagnostics,
        // A file without a single message would pass every invariant vacuously; calling it
        // "conformant" would hide a truncated or mistyped file in CI.
        Ok(ref flow) if flow.messages().next().is_none() => vec![
            Diagnostic::error(
                "the flow has no messages: there is nothing to check",
                Span::default(),
            )
            .with_label("no `a -> b: \"message\"` line in this file"),
        ],
        Ok(mut flow) => {
            config.world.apply(&mut flow);
            let mut problems = validate_expectation_with(&flow, &options);
            match replay_paths(&flow, &file) {
                Ok(replayed) if problems.is_empty() => {
                    let verdict = verdict_over_paths(&flow, &file, &replayed, &levels, &options);
                    // The process ends soon after: handing a long flow's millions of small
                    // allocations back one by one costs more than checking it did.
                    std::mem::forget(replayed);
                    std::mem::forget(flow);
                    return Entry::Checked(Checked {
                        file,
                        verdict,
                        time: Default::default(),
                    });
                }
                Ok(_) => {}
                Err(diagnostics) => problems.extend(diagnostics),
            }
            problems
        }
    };
    super::print_stderr(&render_diagnostics(&problems, &file, stderr_color()));
    let errors = problems
        .iter()
        .map(|d| {
            let (line, column) = file.line_col(d.span.start);
            InputError {
                line,
                column,
                message: d.message.clone(),
            }
        })
        .collect();
    unchecked(errors)
}
