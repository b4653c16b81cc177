//! The JSON report: one document, `{"version": 1, "files": [...]}`. The schema is in the
//! README ("JSON report"); `version` changes whenever a field changes meaning or goes, so
//! scripts can refuse a document they do not understand. Fields are only ever added within
//! a version.

use std::io::{self, Write};

use authflow::check::Violation;
use serde::Serialize;

use super::{Checked, Entry, InputError, Region, Reporter};

/// The JSON report's schema version.
pub const VERSION: u32 = 1;

/// The JSON report.
pub struct Json;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    files: Vec<JsonFile<'a>>,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    file: &'a str,
    /// No error-level finding (after levels): the flow follows the protocol.
    conformant: bool,
    /// The file passes `check`: its expectation is met, or without one it is conformant.
    passed: bool,
    expected: Option<&'a [String]>,
    /// Ids `expect:` names that did not fire.
    missing: &'a [String],
    /// Ids that fired although `expect:` does not name them.
    unexpected: &'a [&'static str],
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
    /// Named in the file's `expect:`: what the file is meant to show.
    expected: bool,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
    reference: &'a str,
    related: Vec<JsonRelated<'a>>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    #[serde(flatten)]
    region: Region,
    message: &'a str,
}

fn violations<'a>(checked: &Checked, list: &'a [Violation]) -> Vec<JsonViolation<'a>> {
    list.iter()
        .map(|v| {
            let region = checked.region(v.span);
            JsonViolation {
                id: v.id,
                severity: v.severity.as_str(),
                expected: checked.verdict.is_expected(v),
                line: region.line,
                column: region.column,
                end_line: region.end_line,
                end_column: region.end_column,
                message: &v.message,
                reference: v.reference,
                related: v
                    .related
                    .iter()
                    .map(|(span, message)| JsonRelated {
                        region: checked.region(*span),
                        message,
                    })
                    .collect(),
            }
        })
        .collect()
}

impl Reporter for Json {
    fn write(&self, entries: &[Entry], out: &mut dyn Write) -> io::Result<()> {
        let files = entries
            .iter()
            .map(|entry| match entry {
                Entry::Unchecked(unchecked) => JsonFile {
                    file: &unchecked.name,
                    conformant: false,
                    passed: false,
                    expected: None,
                    missing: &[],
                    unexpected: &[],
                    violations: Vec::new(),
                    notes: Vec::new(),
                    errors: &unchecked.errors,
                },
                Entry::Checked(checked) => {
                    let verdict = &checked.verdict;
                    JsonFile {
                        file: &checked.file.name,
                        conformant: verdict.errors() == 0,
                        passed: verdict.passed,
                        expected: verdict.expected.as_deref(),
                        missing: &verdict.missing,
                        unexpected: &verdict.unexpected,
                        violations: violations(checked, &verdict.violations),
                        notes: violations(checked, &verdict.notes),
                        errors: &[],
                    }
                }
            })
            .collect();
        let document = Document {
            version: VERSION,
            files,
        };
        serde_json::to_writer_pretty(&mut *out, &document)?;
        writeln!(out)
    }
}
