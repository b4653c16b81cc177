//! `authflow check`: parse, execute and judge each flow, then report in the chosen format.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::PathBuf;

use authflow::check::{Verdict, validate_expectation, verdict};
use authflow::model::execute;
use authflow::syntax::{Diagnostic, SourceFile, render_diagnostics};
use serde::Serialize;

use super::{Outcome, expand_flow_paths, load_flow, stderr_color, write_stdout};
use crate::{Color, Format};

/// One checked file.
struct Checked {
    file: SourceFile,
    verdict: Verdict,
}

pub fn run(
    paths: &[PathBuf],
    format: Format,
    deny_warnings: bool,
    color: Color,
    quiet: bool,
) -> Outcome {
    let files = match expand_flow_paths(paths) {
        Ok(files) => files,
        Err(outcome) => return outcome,
    };
    let mut worst = Outcome::Success;
    let mut checked = Vec::new();
    for path in &files {
        match check_file(path, deny_warnings) {
            Ok(result) => {
                if !result.verdict.passed {
                    worst = worst.max(Outcome::CheckFailed);
                }
                checked.push(result);
            }
            Err(outcome) => worst = worst.max(outcome),
        }
    }
    let color = match color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal(),
    };
    let report = match format {
        Format::Human => human(&checked, color, quiet),
        Format::Json => json(&checked, deny_warnings),
        Format::Junit => junit(&checked),
    };
    worst.max(write_stdout(&report))
}

fn check_file(path: &std::path::Path, deny_warnings: bool) -> Result<Checked, Outcome> {
    let (file, flow) = load_flow(path)?;
    let mut problems: Vec<Diagnostic> = validate_expectation(&flow);
    let run = match execute(&flow, &file) {
        Ok(run) => Some(run),
        Err(diagnostics) => {
            problems.extend(diagnostics);
            None
        }
    };
    match run {
        Some(run) if problems.is_empty() => {
            let verdict = verdict(&flow, &run, deny_warnings);
            Ok(Checked { file, verdict })
        }
        _ => {
            eprint!("{}", render_diagnostics(&problems, &file, stderr_color()));
            Err(Outcome::InputError)
        }
    }
}

fn human(checked: &[Checked], color: bool, quiet: bool) -> String {
    let mut out = String::new();
    let mut failed = 0;
    for Checked { file, verdict } in checked {
        if quiet && verdict.passed {
            continue;
        }
        let diagnostics: Vec<Diagnostic> = verdict
            .violations
            .iter()
            .map(|v| v.to_diagnostic())
            .collect();
        out.push_str(&render_diagnostics(&diagnostics, file, color));
        let counts = format!(
            "{} error(s), {} warning(s)",
            verdict.errors(),
            verdict.warnings()
        );
        let status = match (&verdict.expected, verdict.passed) {
            (None, true) => format!("conformant ({counts})"),
            (None, false) => format!("NOT conformant ({counts})"),
            (Some(expected), true) if expected.is_empty() => {
                format!("ok: nothing fired, as expected ({counts})")
            }
            (Some(expected), true) => {
                format!("ok: fired exactly as expected: {}", expected.join(", "))
            }
            (Some(_), false) => {
                let mut text = String::from("FAILED expectation:");
                if !verdict.missing.is_empty() {
                    let _ = write!(
                        text,
                        " expected but not fired: {};",
                        verdict.missing.join(", ")
                    );
                }
                if !verdict.unexpected.is_empty() {
                    let _ = write!(
                        text,
                        " fired but not expected: {};",
                        verdict.unexpected.join(", ")
                    );
                }
                text.pop();
                text
            }
        };
        if !verdict.passed {
            failed += 1;
        }
        let _ = writeln!(out, "{}: {status}", file.name);
    }
    if checked.len() > 1 {
        let _ = writeln!(
            out,
            "\nchecked {} flows: {} passed, {failed} failed",
            checked.len(),
            checked.len() - failed
        );
    }
    out
}

#[derive(Serialize)]
struct JsonFile<'a> {
    file: &'a str,
    conformant: bool,
    passed: bool,
    expected: Option<&'a [String]>,
    violations: Vec<JsonViolation<'a>>,
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

fn json(checked: &[Checked], deny_warnings: bool) -> String {
    let files: Vec<JsonFile> = checked
        .iter()
        .map(|Checked { file, verdict }| JsonFile {
            file: &file.name,
            conformant: if deny_warnings {
                verdict.violations.is_empty()
            } else {
                verdict.errors() == 0
            },
            passed: verdict.passed,
            expected: verdict.expected.as_deref(),
            violations: verdict
                .violations
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
                .collect(),
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&files).unwrap_or_else(|_| "[]".to_string());
    text.push('\n');
    text
}

fn junit(checked: &[Checked]) -> String {
    let failures = checked.iter().filter(|c| !c.verdict.passed).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"authflow\" tests=\"{}\" failures=\"{failures}\">",
        checked.len()
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"authflow check\" tests=\"{}\" failures=\"{failures}\">",
        checked.len()
    );
    for Checked { file, verdict } in checked {
        let name = xml_escape(&file.name);
        if verdict.passed {
            let _ = writeln!(
                out,
                "    <testcase classname=\"authflow.check\" name=\"{name}\"/>"
            );
            continue;
        }
        let _ = writeln!(
            out,
            "    <testcase classname=\"authflow.check\" name=\"{name}\">"
        );
        let summary = if verdict.expected.is_some() {
            format!(
                "expected but not fired: [{}]; fired but not expected: [{}]",
                verdict.missing.join(", "),
                verdict.unexpected.join(", ")
            )
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
        let _ = writeln!(
            out,
            "      <failure message=\"{}\">{}</failure>",
            xml_escape(&summary),
            xml_escape(&body)
        );
        let _ = writeln!(out, "    </testcase>");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

fn xml_escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            _ => escaped.push(c),
        }
    }
    escaped
}
