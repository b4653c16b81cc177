//! JUnit XML, written by `quick-junit`: one test suite, one test case per file, as CI
//! systems (GitLab, Jenkins, GitHub test reporters) show test results. A file that fails
//! its verdict is a `failure`, a file that could not be checked an `error`. Every case has
//! `time`, and `file` and `line` attributes (the first problem's line) so that viewers can
//! link to it; warnings of passing files go to the case's `system-out`.

use std::fmt::Write as _;
use std::io::{self, Write};

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::{Checked, Entry, Reporter};

/// The JUnit report.
pub struct Junit;

const CLASSNAME: &str = "authflow.check";

fn listing(
    checked: &Checked,
    violations: &mut dyn Iterator<Item = &authflow::check::Violation>,
) -> String {
    let mut text = String::new();
    for v in violations {
        let region = checked.region(v.span);
        let _ = writeln!(
            text,
            "{}:{}:{}: {}[{}]: {} ({})",
            checked.file.name,
            region.line,
            region.column,
            v.severity.as_str(),
            v.id,
            v.message,
            v.reference
        );
    }
    text
}

fn checked_case(checked: &Checked) -> TestCase {
    let verdict = &checked.verdict;
    let first_problem = checked.problems().next().map(|v| v.span);
    let status = if verdict.passed {
        TestCaseStatus::success()
    } else {
        let mut failure = TestCaseStatus::non_success(NonSuccessKind::Failure);
        failure.set_message(verdict.status());
        failure.set_type(if verdict.expected.is_some() {
            "expectation"
        } else {
            "violation"
        });
        failure.set_description(listing(checked, &mut checked.problems()));
        failure
    };
    let mut case = TestCase::new(checked.file.name.as_str(), status);
    case.set_classname(CLASSNAME);
    case.set_time(checked.time);
    case.extra
        .insert("file".into(), checked.file.name.as_str().into());
    let line = first_problem.map_or(1, |span| checked.region(span).line);
    case.extra.insert("line".into(), line.to_string().into());
    if verdict.passed {
        // What passed with it still deserves a look: warnings, and readings to settle.
        let out = listing(checked, &mut checked.problems().chain(&verdict.notes));
        if !out.is_empty() {
            case.set_system_out(out);
        }
    }
    case
}

impl Reporter for Junit {
    fn write(&self, entries: &[Entry], out: &mut dyn Write) -> io::Result<()> {
        let mut suite = TestSuite::new("authflow check");
        for entry in entries {
            let case = match entry {
                Entry::Checked(checked) => checked_case(checked),
                Entry::Unchecked(unchecked) => {
                    let mut error = TestCaseStatus::non_success(NonSuccessKind::Error);
                    error.set_message("input error: the file could not be checked");
                    error.set_type("input");
                    let mut text = String::new();
                    for e in &unchecked.errors {
                        let _ = writeln!(
                            text,
                            "{}:{}:{}: {}",
                            unchecked.name, e.line, e.column, e.message
                        );
                    }
                    error.set_description(text);
                    let mut case = TestCase::new(unchecked.name.as_str(), error);
                    case.set_classname(CLASSNAME);
                    case.set_time(unchecked.time);
                    case.extra
                        .insert("file".into(), unchecked.name.as_str().into());
                    let line = unchecked.errors.first().map_or(1, |e| e.line.max(1));
                    case.extra.insert("line".into(), line.to_string().into());
                    case
                }
            };
            suite.add_test_case(case);
        }
        let time = entries.iter().map(Entry::time).sum();
        suite.set_time(time);
        let mut report = Report::new("authflow");
        report.set_time(time);
        report.add_test_suite(suite);
        report.serialize(out).map_err(io::Error::other)
    }
}
