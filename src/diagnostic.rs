//! Diagnostics shared by the parser and the checker, rendered like rustc's
//! (`error[id]: ...`, `--> file:line:col`, the source line with a caret, `= note: ...`)
//! by codespan-reporting.

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, termcolor};
use serde::Serialize;

use crate::span::{SourceFile, Span};

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// For information only: a finding a flow's `expect:` names, shown by `--verbose`.
    Note,
    /// Worth fixing, but fails `check` only with `--deny warnings`.
    Warning,
    /// A broken protocol rule or invalid input: fails `check`.
    Error,
}

impl Severity {
    /// The lowercase name printed before the message (`error`, `warning`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A message about a place in a flow file: a parse error, an input error or an
/// invariant violation.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// How serious it is.
    pub severity: Severity,
    /// Stable identifier (an invariant id), printed in brackets after the severity.
    pub code: Option<String>,
    /// The headline, printed after the severity.
    pub message: String,
    /// Where the caret goes.
    pub span: Span,
    /// Short text beside the caret (what was expected, what went wrong here).
    pub label: String,
    /// Other places involved, e.g. where a value came from.
    pub related: Vec<(Span, String)>,
    /// `= note:` lines under the snippet (references, hints).
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// An error at `span`, without code, label, related places or notes yet.
    pub fn error(message: impl Into<String>, span: Span) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code: None,
            message: message.into(),
            span,
            label: String::new(),
            related: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// Sets the text beside the caret.
    pub fn with_label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = label.into();
        self
    }

    /// Adds a note under the snippet.
    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    /// Adds another place involved, with what it has to do with the diagnostic.
    pub fn with_related(mut self, span: Span, label: impl Into<String>) -> Diagnostic {
        self.related.push((span, label.into()));
        self
    }

    fn to_codespan(&self) -> cs::Diagnostic<()> {
        let severity = match self.severity {
            Severity::Error => cs::Severity::Error,
            Severity::Warning => cs::Severity::Warning,
            Severity::Note => cs::Severity::Note,
        };
        let mut labels = vec![cs::Label::primary((), self.span.range()).with_message(&self.label)];
        labels.extend(
            self.related
                .iter()
                .map(|(span, text)| cs::Label::secondary((), span.range()).with_message(text)),
        );
        let mut diagnostic = cs::Diagnostic::new(severity)
            .with_message(&self.message)
            .with_labels(labels)
            .with_notes(self.notes.clone());
        if let Some(code) = &self.code {
            diagnostic = diagnostic.with_code(code);
        }
        diagnostic
    }
}

/// Renders diagnostics in rustc's style. Colour only when asked, so that output piped
/// into files, snapshots and CI logs stays plain and deterministic.
pub fn render_diagnostics(diagnostics: &[Diagnostic], file: &SourceFile, color: bool) -> String {
    // A clean file of a million lines should not pay for copying its text.
    if diagnostics.is_empty() {
        return String::new();
    }
    let shown = printable(&file.text);
    let files = SimpleFile::new(file.name.as_str(), shown.as_str());
    let config = term::Config {
        chars: term::Chars::ascii(),
        ..term::Config::default()
    };
    let mut buffer = if color {
        termcolor::Buffer::ansi()
    } else {
        termcolor::Buffer::no_color()
    };
    for diagnostic in diagnostics {
        // The only failure is a span outside the file, which would be our bug; fall back to
        // the bare message rather than lose the diagnostic.
        if term::emit(&mut buffer, &config, &files, &diagnostic.to_codespan()).is_err() {
            let (line, column) = file.line_col(diagnostic.span.start);
            let fallback = format!(
                "{}: {}\n  --> {}:{line}:{column}\n\n",
                diagnostic.severity.as_str(),
                diagnostic.message,
                file.name
            );
            let _ = std::io::Write::write_all(&mut buffer, fallback.as_bytes());
        }
    }
    String::from_utf8_lossy(buffer.as_slice()).into_owned()
}

/// The text as it is safe to print: control and bidi characters, which the parser rejects
/// precisely because they corrupt terminals, are replaced by a visible stand-in of the same
/// UTF-8 length so that every span still points at the same bytes.
fn printable(text: &str) -> String {
    let mut chars = text.chars().peekable();
    let mut shown = String::with_capacity(text.len());
    while let Some(c) = chars.next() {
        let line_break = c == '\n' || (c == '\r' && chars.peek() == Some(&'\n'));
        let harmful = c.is_control() || is_bidi_control(c);
        shown.push(match c.len_utf8() {
            _ if line_break || c == '\t' || !harmful => c,
            1 => '?',
            2 => '\u{00BF}',
            _ => '\u{FFFD}',
        });
    }
    shown
}

/// Characters that make text read differently from what it is ("Trojan Source").
pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}
