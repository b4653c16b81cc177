//! The reports `check` writes, one module per format behind one interface, as ripgrep's
//! printer crate has its `Standard`, `JSON` and `Summary` printers: `check` gathers what
//! happened to every file into [`Entry`]s once, and each [`Reporter`] only presents them.
//! Several reports can be written from one run (`--report junit=out.xml`).

pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

use std::io::{self, Write};
use std::time::Duration;

use authflow::check::{Verdict, Violation};
use authflow::sanitize;
use authflow::{SourceFile, Span};
use clap::ValueEnum;

/// The report formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Diagnostics in rustc's style, a status line per file that needs attention, a summary
    Human,
    /// One JSON document (schema in the README, versioned by its `version` field)
    Json,
    /// SARIF 2.1.0, for code scanning (GitHub, GitLab, IDEs)
    Sarif,
    /// GitHub Actions workflow commands: annotations on the pull request's lines
    Github,
    /// JUnit XML, one test case per file
    Junit,
}

/// One file `check` saw.
pub enum Entry {
    /// Read, parsed, executed and judged.
    Checked(Checked),
    /// Could not be checked: unreadable, malformed, or naming unknown things.
    /// Machine-readable reports list it too, so a dashboard never loses a file silently.
    Unchecked(Unchecked),
}

/// A judged file.
pub struct Checked {
    /// Its text, for positions and snippets.
    pub file: SourceFile,
    /// What fired and whether that is what the file expects.
    pub verdict: Verdict,
    /// How long reading and judging it took (JUnit's `time`).
    pub time: Duration,
}

/// A file with input errors.
pub struct Unchecked {
    /// The name diagnostics use for it.
    pub name: String,
    /// Its input errors, in source order.
    pub errors: Vec<InputError>,
    /// How long it took to find them.
    pub time: Duration,
}

/// An input error, placed in the file (line 0 when the file could not be read at all).
#[derive(serde::Serialize)]
pub struct InputError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl Entry {
    /// How long the file took to read and judge.
    pub fn time(&self) -> Duration {
        match self {
            Entry::Checked(c) => c.time,
            Entry::Unchecked(u) => u.time,
        }
    }

    /// Whether the file passed `check`.
    pub fn passed(&self) -> bool {
        matches!(self, Entry::Checked(c) if c.verdict.passed)
    }
}

impl Checked {
    /// Findings that are problems: not named in the file's `expect:`.
    pub fn problems(&self) -> impl Iterator<Item = &Violation> {
        self.verdict
            .violations
            .iter()
            .filter(|v| !self.verdict.is_expected(v))
    }

    /// Findings the file's `expect:` names: shown as expected, not as problems.
    pub fn expected(&self) -> impl Iterator<Item = &Violation> {
        self.verdict
            .violations
            .iter()
            .filter(|v| self.verdict.is_expected(v))
    }

    /// Where `span` starts and ends in the file.
    pub fn region(&self, span: Span) -> Region {
        let (line, column) = self.file.line_col(span.start);
        let (end_line, end_column) = self.file.line_col(span.end);
        Region {
            line,
            column,
            end_line,
            end_column,
        }
    }
}

/// A span as 1-based lines and character columns; the end is exclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Region {
    /// Line of the first character.
    pub line: usize,
    /// Column of the first character.
    pub column: usize,
    /// Line of the end.
    pub end_line: usize,
    /// Column just past the last character.
    pub end_column: usize,
}

/// What every report format does with the entries of one run.
pub trait Reporter {
    /// Writes the whole report.
    fn write(&self, entries: &[Entry], out: &mut dyn Write) -> io::Result<()>;
}

/// How the human report is shown.
#[derive(Clone, Copy, Debug, Default)]
pub struct HumanOptions {
    /// ANSI colours.
    pub color: bool,
    /// Show diagnostics only for files that fail.
    pub quiet: bool,
    /// Show expected findings too, and a status line for every file.
    pub verbose: bool,
}

/// The reporter for `format`. Only the human report has options: the others are for
/// machines, which want everything.
pub fn reporter(format: Format, human: HumanOptions) -> Box<dyn Reporter> {
    match format {
        Format::Human => Box::new(human::Human(human)),
        Format::Json => Box::new(json::Json),
        Format::Sarif => Box::new(sarif::Sarif),
        Format::Github => Box::new(github::Github),
        Format::Junit => Box::new(junit::Junit),
    }
}

/// A finished report with every string that came from input made harmless for its
/// readers: in JSON and SARIF, C1, bidi and invisible characters become `\uXXXX` escapes
/// (the document means the same); in JUnit XML and GitHub commands, whose markup is ASCII,
/// they become visible `\u{..}` text. The human report's diagnostics and names are
/// sanitized where they are made, because its colour codes must pass.
pub fn sanitized(format: Format, report: Vec<u8>) -> Vec<u8> {
    let text = match String::from_utf8(report) {
        Ok(text) => text,
        Err(error) => return error.into_bytes(),
    };
    let clean = match format {
        Format::Human => return text.into_bytes(),
        Format::Json | Format::Sarif => sanitize::json(&text),
        Format::Junit => sanitize::xml(&text),
        Format::Github => sanitize::terminal(&text),
    };
    match clean {
        // Nothing to escape, the usual case: the report is handed back as it was.
        std::borrow::Cow::Borrowed(_) => text.into_bytes(),
        std::borrow::Cow::Owned(clean) => clean.into_bytes(),
    }
}

/// The last line of a run: how many files passed, failed or could not be checked.
pub fn summary(entries: &[Entry]) -> String {
    let passed = entries.iter().filter(|e| e.passed()).count();
    let unchecked = entries
        .iter()
        .filter(|e| matches!(e, Entry::Unchecked(_)))
        .count();
    let failed = entries.len() - passed - unchecked;
    let files = if entries.len() == 1 { "flow" } else { "flows" };
    let mut line = format!(
        "checked {} {files}: {passed} passed, {failed} failed",
        entries.len()
    );
    if unchecked > 0 {
        line.push_str(&format!(", {unchecked} not checked (input errors)"));
    }
    line
}
