//! SARIF 2.1.0 (OASIS), the format code scanning reads (GitHub code scanning, GitLab, VS
//! Code's SARIF viewer), built with `serde-sarif`'s typed structures. One run: the
//! invariants are its rules (id, statement, help with the RFC reference, default level),
//! each finding a result with its physical location and related locations (the lines its
//! explanation cites). Findings a file's `expect:` names are results with an in-source
//! suppression, which viewers hide and count apart. Columns count Unicode code points,
//! as the other formats do, and the run says so (`columnKind`).

use std::io::{self, Write};
use std::path::Path;

use authflow::Severity;
use authflow::check::{INVARIANTS, Invariant, Status, Violation};
use serde_sarif::sarif;

use super::{Checked, Entry, Reporter};

/// The SARIF report.
pub struct Sarif;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// A rule for files whose `expect:` is not met by ids that did not fire (ids that fired
/// unexpectedly are their own invariants' results).
const EXPECTATION: &str = "expectation_met";
/// A rule for files that could not be checked.
const INPUT_ERROR: &str = "input_error";
/// The rule of `ambiguous_reading` notes: not an invariant, but every result needs a rule
/// for code scanning to describe it.
const AMBIGUOUS_READING: &str = "ambiguous_reading";

fn level(severity: Severity) -> sarif::ResultLevel {
    match severity {
        Severity::Error => sarif::ResultLevel::Error,
        Severity::Warning => sarif::ResultLevel::Warning,
        Severity::Note => sarif::ResultLevel::Note,
    }
}

/// SARIF wants messages to be sentences.
fn sentence(text: &str) -> String {
    let text = text.trim_end();
    if text.ends_with(['.', '?', '!']) {
        text.to_string()
    } else {
        format!("{text}.")
    }
}

/// `state_match` → `StateMatch`: SARIF's readable rule name.
fn pascal_case(id: &str) -> String {
    id.split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or(String::new(), |first| {
                first.to_uppercase().chain(chars).collect()
            })
        })
        .collect()
}

fn text(text: &str) -> sarif::MultiformatMessageString {
    sarif::MultiformatMessageString::builder()
        .text(sentence(text))
        .build()
}

fn rule(
    id: &str,
    statement: &str,
    full: &str,
    help: String,
    default: Severity,
    tags: Vec<String>,
) -> sarif::ReportingDescriptor {
    sarif::ReportingDescriptor::builder()
        .id(id)
        .name(pascal_case(id))
        .short_description(text(statement))
        .full_description(text(full))
        .help(text(&help))
        .default_configuration(
            sarif::ReportingConfiguration::builder()
                .level(serde_json::Value::from(default.as_str()))
                .build(),
        )
        .properties(sarif::PropertyBag::builder().tags(tags).build())
        .build()
}

fn invariant_rule(invariant: &Invariant) -> sarif::ReportingDescriptor {
    let help = format!(
        "{}. Reference: {}. `authflow invariants --explain {}` prints the rationale and a flow that violates it",
        invariant.statement, invariant.reference, invariant.id
    );
    let mut tags = vec!["oauth2".to_string(), "security".to_string()];
    if invariant.status == Status::Preview {
        tags.push("preview".to_string());
    }
    rule(
        invariant.id,
        invariant.statement,
        invariant.rationale,
        help,
        invariant.severity,
        tags,
    )
}

/// authflow's rules beside the invariants: id, statement, description, help. Each is an
/// error but `ambiguous_reading`, a warning.
const OTHER_RULES: [(&str, &str, &str, &str); 3] = [
    (
        EXPECTATION,
        "every invariant a flow's `expect:` names fires",
        "A flow file that states its expected verdict passes only when exactly the invariants it names fire; one that does not fire means the flow no longer shows what it was written to show",
        "Fix the flow or its `expect:` list",
    ),
    (
        AMBIGUOUS_READING,
        "every message reads as one protocol step",
        "When the evidence (parameters, the actors' state, the label's words) leaves a message with two readings, authflow picks one and says so; the verdict may depend on the choice",
        "Write `as KIND` on the message to say which step it is; `authflow trace` shows how each message was read",
    ),
    (
        INPUT_ERROR,
        "the file can be read, parsed and executed",
        "A file that cannot be read, does not parse, or names unknown participants, roles, parameters or invariants is not checked at all",
        "Fix the input error at the location given",
    ),
];

fn rules() -> Vec<sarif::ReportingDescriptor> {
    let mut rules: Vec<_> = INVARIANTS.iter().map(|i| invariant_rule(i)).collect();
    rules.extend(OTHER_RULES.iter().map(|(id, statement, full, help)| {
        let severity = if *id == AMBIGUOUS_READING {
            Severity::Warning
        } else {
            Severity::Error
        };
        rule(id, statement, full, help.to_string(), severity, Vec::new())
    }));
    rules
}

/// The position of `id` in [`rules`].
fn rule_index(id: &str) -> Option<i64> {
    let ids = INVARIANTS.iter().map(|i| i.id);
    let index = ids
        .chain(OTHER_RULES.iter().map(|r| r.0))
        .position(|r| r == id)?;
    Some(index as i64)
}

/// A file name as a URI: relative to where `check` ran (forward slashes), or `file://` for
/// an absolute path; anything outside RFC 3986's unreserved characters percent-encoded.
fn uri(name: &str) -> String {
    let path = name.replace('\\', "/");
    let absolute = Path::new(name).is_absolute();
    let mut uri = String::with_capacity(path.len());
    if absolute {
        // `/tmp/a.flow` → `file:///tmp/a.flow`; `C:/a.flow` → `file:///C:/a.flow`.
        uri.push_str(if path.starts_with('/') {
            "file://"
        } else {
            "file:///"
        });
    }
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                uri.push(byte as char)
            }
            // A colon in a relative reference would read as a scheme.
            b':' if absolute => uri.push(':'),
            _ => uri.push_str(&format!("%{byte:02X}")),
        }
    }
    uri
}

fn location(
    name: &str,
    region: sarif::Region,
    message: Option<&str>,
    id: Option<i64>,
) -> sarif::Location {
    let artifact = sarif::ArtifactLocation::builder().uri(uri(name)).build();
    let physical = sarif::PhysicalLocation::builder()
        .artifact_location(artifact)
        .region(region)
        .build();
    let mut location = sarif::Location::builder()
        .physical_location(physical)
        .build();
    location.message = message.map(|m| sarif::Message::builder().text(sentence(m)).build());
    location.id = id;
    location
}

fn region(checked: &Checked, span: authflow::Span) -> sarif::Region {
    let r = checked.region(span);
    sarif::Region::builder()
        .start_line(r.line as i64)
        .start_column(r.column as i64)
        .end_line(r.end_line as i64)
        .end_column(r.end_column as i64)
        .build()
}

fn finding(checked: &Checked, violation: &Violation) -> sarif::Result {
    let related: Vec<sarif::Location> = violation
        .related
        .iter()
        .enumerate()
        .map(|(i, (span, what))| {
            location(
                &checked.file.name,
                region(checked, *span),
                Some(what),
                Some(i as i64),
            )
        })
        .collect();
    let mut result = sarif::Result::builder()
        .rule_id(violation.id)
        .level(level(violation.severity))
        .message(
            sarif::Message::builder()
                .text(sentence(&format!(
                    "{} ({})",
                    violation.message, violation.reference
                )))
                .build(),
        )
        .locations(vec![location(
            &checked.file.name,
            region(checked, violation.span),
            None,
            None,
        )])
        .build();
    result.rule_index = rule_index(violation.id);
    if !related.is_empty() {
        result.related_locations = Some(related);
    }
    if checked.verdict.is_expected(violation) {
        result.suppressions = Some(vec![
            sarif::Suppression::builder()
                .kind(serde_json::Value::from("inSource"))
                .justification("named in the flow's `expect:`: the flow is written to show it")
                .build(),
        ]);
    }
    result
}

/// A result about a file as a whole or one place in it. A file that could not be read has
/// no line (0); its result points at the start, since SARIF viewers need a region.
fn file_result(rule: &str, name: &str, line: usize, column: usize, message: &str) -> sarif::Result {
    let region = sarif::Region::builder()
        .start_line(line.max(1) as i64)
        .start_column(column.max(1) as i64)
        .build();
    let mut result = sarif::Result::builder()
        .rule_id(rule)
        .level(sarif::ResultLevel::Error)
        .message(sarif::Message::builder().text(sentence(message)).build())
        .locations(vec![location(name, region, None, None)])
        .build();
    result.rule_index = rule_index(rule);
    result
}

fn results(entries: &[Entry]) -> Vec<sarif::Result> {
    let mut results = Vec::new();
    for entry in entries {
        match entry {
            Entry::Checked(checked) => {
                results.extend(
                    checked
                        .verdict
                        .violations
                        .iter()
                        .chain(&checked.verdict.notes)
                        .map(|v| finding(checked, v)),
                );
                if !checked.verdict.missing.is_empty() {
                    results.push(file_result(
                        EXPECTATION,
                        &checked.file.name,
                        1,
                        1,
                        &format!(
                            "the flow's `expect:` is not met: {}",
                            checked.verdict.departures()
                        ),
                    ));
                }
            }
            Entry::Unchecked(unchecked) => {
                for error in &unchecked.errors {
                    results.push(file_result(
                        INPUT_ERROR,
                        &unchecked.name,
                        error.line,
                        error.column,
                        &error.message,
                    ));
                }
            }
        }
    }
    results
}

impl Reporter for Sarif {
    fn write(&self, entries: &[Entry], out: &mut dyn Write) -> io::Result<()> {
        let driver = sarif::ToolComponent::builder()
            .name("authflow")
            .full_name(concat!("authflow ", env!("CARGO_PKG_VERSION")))
            .version(env!("CARGO_PKG_VERSION"))
            .semantic_version(env!("CARGO_PKG_VERSION"))
            .rules(rules())
            .build();
        let run = sarif::Run::builder()
            .tool(sarif::Tool::builder().driver(driver).build())
            .column_kind(serde_json::Value::from("unicodeCodePoints"))
            .results(results(entries))
            .build();
        let log = sarif::Sarif::builder()
            .schema(SCHEMA)
            .version(serde_json::Value::from("2.1.0"))
            .runs(vec![run])
            .build();
        serde_json::to_writer_pretty(&mut *out, &log)?;
        writeln!(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_become_uri_references() {
        assert_eq!(uri("flows/a b.flow"), "flows/a%20b.flow");
        assert_eq!(uri("c:d.flow"), "c%3Ad.flow");
        assert_eq!(uri("/tmp/x:y/é.flow"), "file:///tmp/x:y/%C3%A9.flow");
    }

    #[test]
    fn rule_names_are_pascal_case_and_messages_sentences() {
        assert_eq!(pascal_case("token_valid_at_rs"), "TokenValidAtRs");
        assert_eq!(sentence("carries no state"), "carries no state.");
        assert_eq!(sentence("is it?"), "is it?");
    }
}
