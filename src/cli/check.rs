//! `authflow check`: parse, execute and judge each flow, then report in the chosen format.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use authflow::check::{CheckOptions, Verdict, Violation, validate_expectation_with, verdict_with};
use authflow::model::execute;
use authflow::syntax::parse_bytes;
use authflow::{Diagnostic, SourceFile, render_diagnostics, sanitize};
use serde::Serialize;

use super::{
    Outcome, display_name, expand_paths, print_error, print_stderr, read_bytes, stderr_color,
    write_stdout,
};
use crate::{Color, Format};

/// One checked file.
struct Checked {
    file: SourceFile,
    verdict: Verdict,
}

/// A file that could not be checked: unreadable, malformed, or naming unknown things.
/// Machine-readable reports list it too, so a dashboard never loses a file silently.
struct Unchecked {
    name: String,
    errors: Vec<InputError>,
}

#[derive(Serialize)]
struct InputError {
    line: usize,
    column: usize,
    message: String,
}

enum Entry {
    Checked(Checked),
    Unchecked(Unchecked),
}

impl Entry {
    fn passed(&self) -> bool {
        matches!(self, Entry::Checked(c) if c.verdict.passed)
    }
}

pub fn run(
    paths: &[PathBuf],
    format: Format,
    deny_warnings: bool,
    color: Color,
    quiet: bool,
    preview: bool,
) -> Outcome {
    let options = CheckOptions { preview };
    let (files, unreadable) = expand_paths(paths, "flow");
    let mut entries: Vec<Entry> = files
        .iter()
        .map(|path| check_file(path, deny_warnings, &options))
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
        })
    }));
    let worst = entries
        .iter()
        .map(|entry| match entry {
            Entry::Checked(c) if c.verdict.passed => Outcome::Success,
            Entry::Checked(_) => Outcome::CheckFailed,
            Entry::Unchecked(_) => Outcome::InputError,
        })
        .fold(Outcome::Success, Outcome::max);
    let color = match color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal(),
    };
    let report = match format {
        Format::Human => human(&entries, color, quiet),
        Format::Json => json(&entries, deny_warnings),
        Format::Junit => junit(&entries),
    };
    worst.max(write_stdout(&report))
}

/// Checks one file. Input errors are printed to standard error as diagnostics whatever
/// the format, and kept as data for the machine-readable reports.
fn check_file(path: &Path, deny_warnings: bool, options: &CheckOptions) -> Entry {
    let name = display_name(path);
    let bytes = match read_bytes(path) {
        Ok(bytes) => bytes,
        Err(message) => {
            print_error(&message);
            let errors = vec![InputError {
                line: 0,
                column: 0,
                message,
            }];
            return Entry::Unchecked(Unchecked { name, errors });
        }
    };
    let (file, flow) = parse_bytes(&name, &bytes);
    let problems = match flow {
        Err(diagnostics) => diagnostics,
        Ok(flow) => {
            let mut problems = validate_expectation_with(&flow, options);
            match execute(&flow, &file) {
                Ok(run) if problems.is_empty() => {
                    let verdict = verdict_with(&flow, &run, deny_warnings, options);
                    // The process ends soon after: handing a long flow's millions of small
                    // allocations back one by one costs more than checking it did.
                    std::mem::forget(run);
                    std::mem::forget(flow);
                    return Entry::Checked(Checked { file, verdict });
                }
                Ok(_) => {}
                Err(diagnostics) => problems.extend(diagnostics),
            }
            problems
        }
    };
    print_stderr(&render_diagnostics(&problems, &file, stderr_color()));
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
    Entry::Unchecked(Unchecked { name, errors })
}

fn human(entries: &[Entry], color: bool, quiet: bool) -> String {
    let mut out = String::new();
    for entry in entries {
        let Entry::Checked(Checked { file, verdict }) = entry else {
            if let Entry::Unchecked(unchecked) = entry {
                let _ = writeln!(
                    out,
                    "{}: NOT CHECKED: {} input error(s), reported above",
                    unchecked.name,
                    unchecked.errors.len()
                );
            }
            continue;
        };
        if quiet && verdict.passed && verdict.notes.is_empty() {
            continue;
        }
        let diagnostics: Vec<Diagnostic> = verdict
            .violations
            .iter()
            .chain(&verdict.notes)
            .map(|v| v.to_diagnostic())
            .collect();
        out.push_str(&render_diagnostics(&diagnostics, file, color));
        let _ = writeln!(out, "{}: {}", file.name, status(verdict));
    }
    if entries.len() > 1 {
        let passed = entries.iter().filter(|e| e.passed()).count();
        let _ = writeln!(
            out,
            "\nchecked {} flows: {passed} passed, {} failed",
            entries.len(),
            entries.len() - passed
        );
    }
    out
}

/// One line on how a checked file fared against its expectation (or conformance).
fn status(verdict: &Verdict) -> String {
    let counts = format!(
        "{} error(s), {} warning(s)",
        verdict.errors(),
        verdict.warnings()
    );
    match (&verdict.expected, verdict.passed) {
        (None, true) => format!("conformant ({counts})"),
        (None, false) => format!("NOT conformant ({counts})"),
        (Some(expected), true) if expected.is_empty() => {
            format!("ok: nothing fired, as expected ({counts})")
        }
        (Some(expected), true) => {
            format!("ok: fired exactly as expected: {}", expected.join(", "))
        }
        (Some(_), false) => {
            let mut parts = Vec::new();
            if !verdict.missing.is_empty() {
                parts.push(format!(
                    "expected but not fired: {}",
                    verdict.missing.join(", ")
                ));
            }
            if !verdict.unexpected.is_empty() {
                parts.push(format!(
                    "fired but not expected: {}",
                    verdict.unexpected.join(", ")
                ));
            }
            format!("FAILED expectation: {}", parts.join("; "))
        }
    }
}

#[derive(Serialize)]
struct JsonFile<'a> {
    file: &'a str,
    conformant: bool,
    passed: bool,
    expected: Option<&'a [String]>,
    violations: Vec<JsonViolation<'a>>,
    /// Messages the model could read two ways (`ambiguous_reading`); never failing.
    notes: Vec<JsonViolation<'a>>,
    /// Input errors that kept the file from being checked.
    errors: &'a [InputError],
}

#[derive(Serialize)]
struct JsonViolation<'a> {
    id: &'a str,
    severity: &'a str,
    line: usize,
    column: usize,
    message: &'a str,
    reference: &'a str,
}

fn json_violations<'a>(file: &SourceFile, violations: &'a [Violation]) -> Vec<JsonViolation<'a>> {
    violations
        .iter()
        .map(|v| {
            let (line, column) = file.line_col(v.span.start);
            JsonViolation {
                id: v.id,
                severity: v.severity.as_str(),
                line,
                column,
                message: &v.message,
                reference: v.reference,
            }
        })
        .collect()
}

fn json(entries: &[Entry], deny_warnings: bool) -> String {
    let files: Vec<JsonFile> = entries
        .iter()
        .map(|entry| match entry {
            Entry::Unchecked(Unchecked { name, errors }) => JsonFile {
                file: name,
                conformant: false,
                passed: false,
                expected: None,
                violations: Vec::new(),
                notes: Vec::new(),
                errors,
            },
            Entry::Checked(Checked { file, verdict }) => JsonFile {
                file: &file.name,
                conformant: if deny_warnings {
                    verdict.violations.is_empty()
                } else {
                    verdict.errors() == 0
                },
                passed: verdict.passed,
                expected: verdict.expected.as_deref(),
                violations: json_violations(file, &verdict.violations),
                notes: json_violations(file, &verdict.notes),
                errors: &[],
            },
        })
        .collect();
    let text = serde_json::to_string_pretty(&files).unwrap_or_else(|_| "[]".to_string());
    // Messages quote front-matter strings: no C1 or bidi control leaves as itself.
    let mut text = sanitize::json(&text).into_owned();
    text.push('\n');
    text
}

/// One test case per file: a `failure` when the verdict fails, an `error` when the file
/// could not be checked at all.
fn junit(entries: &[Entry]) -> String {
    let failures = entries
        .iter()
        .filter(|e| matches!(e, Entry::Checked(c) if !c.verdict.passed))
        .count();
    let errors = entries
        .iter()
        .filter(|e| matches!(e, Entry::Unchecked(_)))
        .count();
    let counts = format!(
        "tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\"",
        entries.len()
    );
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(out, "<testsuites name=\"authflow\" {counts}>");
    let _ = writeln!(out, "  <testsuite name=\"authflow check\" {counts}>");
    for entry in entries {
        let (name, element, summary, body) = match entry {
            Entry::Checked(c) if c.verdict.passed => {
                let name = xml_escape(&c.file.name);
                let _ = writeln!(
                    out,
                    "    <testcase classname=\"authflow.check\" name=\"{name}\"/>"
                );
                continue;
            }
            Entry::Checked(Checked { file, verdict }) => {
                let summary = if verdict.expected.is_some() {
                    status(verdict)
                } else {
                    format!(
                        "{} error(s), {} warning(s)",
                        verdict.errors(),
                        verdict.warnings()
                    )
                };
                let mut body = String::new();
                for v in &verdict.violations {
                    let (line, column) = file.line_col(v.span.start);
                    let _ = writeln!(
                        body,
                        "{}:{line}:{column}: {}[{}]: {} ({})",
                        file.name,
                        v.severity.as_str(),
                        v.id,
                        v.message,
                        v.reference
                    );
                }
                (&file.name, "failure", summary, body)
            }
            Entry::Unchecked(Unchecked { name, errors }) => {
                let mut body = String::new();
                for e in errors {
                    let _ = writeln!(body, "{name}:{}:{}: {}", e.line, e.column, e.message);
                }
                (name, "error", "input error".to_string(), body)
            }
        };
        let _ = writeln!(
            out,
            "    <testcase classname=\"authflow.check\" name=\"{}\">",
            xml_escape(name)
        );
        let _ = writeln!(
            out,
            "      <{element} message=\"{}\">{}</{element}>",
            xml_escape(&summary),
            xml_escape(&body)
        );
        let _ = writeln!(out, "    </testcase>");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// Escaped for XML, and every control character (which XML 1.0 forbids even as a
/// character reference) written visibly, so the report stays well-formed.
fn xml_escape(text: &str) -> String {
    sanitize::xml(text)
}
