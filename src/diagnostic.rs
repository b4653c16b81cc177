//! Diagnostics shared by the parser and the checker, rendered like rustc's
//! (`error[id]: ...`, `--> file:line:col`, the source line with a caret, `= note: ...`)
//! by codespan-reporting.

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, termcolor};
use serde::Serialize;

use crate::sanitize::{self, is_bidi_control, is_default_ignorable};
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

    /// The diagnostic for codespan, placed in `view`, every text made safe for a terminal.
    fn to_codespan(&self, view: &TrimmedView) -> cs::Diagnostic<()> {
        let severity = match self.severity {
            Severity::Error => cs::Severity::Error,
            Severity::Warning => cs::Severity::Warning,
            Severity::Note => cs::Severity::Note,
        };
        let safe = |text: &str| sanitize::terminal(text).into_owned();
        let mut labels =
            vec![cs::Label::primary((), view.range(self.span)).with_message(safe(&self.label))];
        labels.extend(self.related.iter().map(|(span, text)| {
            cs::Label::secondary((), view.range(*span)).with_message(safe(text))
        }));
        let mut diagnostic = cs::Diagnostic::new(severity)
            .with_message(safe(&self.message))
            .with_labels(labels)
            .with_notes(self.notes.iter().map(|note| safe(note)).collect());
        if let Some(code) = &self.code {
            diagnostic = diagnostic.with_code(safe(code));
        }
        diagnostic
    }
}

/// At most this many diagnostics are printed per file; the rest are counted. A generated
/// file with a hundred thousand bad keys should cost the reader one screen, not gigabytes.
pub const MAX_DIAGNOSTICS_PER_FILE: usize = 50;

/// A source line longer than this many bytes is shown trimmed around the caret, so that a
/// megabyte line is not printed once per diagnostic.
const LONG_LINE: usize = 200;
/// Bytes of a trimmed line shown before the caret (and about twice that after it).
const TRIM_CONTEXT: usize = 60;

/// Renders diagnostics in rustc's style. Colour only when asked, so that output piped
/// into files, snapshots and CI logs stays plain and deterministic. Every string that may
/// have come from input (messages quote keys and values, the file name is the user's) is
/// made safe for a terminal, and the output is bounded: at most
/// [`MAX_DIAGNOSTICS_PER_FILE`] diagnostics, long lines trimmed around the caret.
pub fn render_diagnostics(diagnostics: &[Diagnostic], file: &SourceFile, color: bool) -> String {
    // A clean file of a million lines should not pay for copying its text.
    if diagnostics.is_empty() {
        return String::new();
    }
    let name = sanitize::terminal_line(&file.name);
    let shown = printable(&file.text);
    let has_long_line = shown.split('\n').any(|line| line.len() > LONG_LINE);
    let config = term::Config {
        chars: term::Chars::ascii(),
        ..term::Config::default()
    };
    let mut buffer = if color {
        termcolor::Buffer::ansi()
    } else {
        termcolor::Buffer::no_color()
    };
    let whole = SimpleFile::new(name.as_ref(), shown.as_str());
    for diagnostic in diagnostics.iter().take(MAX_DIAGNOSTICS_PER_FILE) {
        let emitted = if has_long_line {
            let view = TrimmedView::new(&shown, diagnostic);
            let files = SimpleFile::new(name.as_ref(), view.text.as_str());
            let mut one = if color {
                termcolor::Buffer::ansi()
            } else {
                termcolor::Buffer::no_color()
            };
            term::emit(&mut one, &config, &files, &diagnostic.to_codespan(&view)).map(|()| {
                // codespan counts the column in the trimmed line; the file's is wanted.
                let text = String::from_utf8_lossy(one.as_slice());
                let (line, column) = file.line_col(diagnostic.span.start);
                let fixed = with_location(&text, &name, line, column);
                let _ = std::io::Write::write_all(&mut buffer, fixed.as_bytes());
            })
        } else {
            let identity = TrimmedView::identity();
            term::emit(
                &mut buffer,
                &config,
                &whole,
                &diagnostic.to_codespan(&identity),
            )
        };
        // The only failure is a span outside the file, which would be our bug; fall back to
        // the bare message rather than lose the diagnostic.
        if emitted.is_err() {
            let (line, column) = file.line_col(diagnostic.span.start);
            let fallback = format!(
                "{}: {}\n  --> {name}:{line}:{column}\n\n",
                diagnostic.severity.as_str(),
                sanitize::terminal(&diagnostic.message),
            );
            let _ = std::io::Write::write_all(&mut buffer, fallback.as_bytes());
        }
    }
    if diagnostics.len() > MAX_DIAGNOSTICS_PER_FILE {
        let more = format!(
            "... and {} more diagnostic(s) in {name}\n\n",
            diagnostics.len() - MAX_DIAGNOSTICS_PER_FILE
        );
        let _ = std::io::Write::write_all(&mut buffer, more.as_bytes());
    }
    String::from_utf8_lossy(buffer.as_slice()).into_owned()
}

/// The source as one diagnostic is shown: every line longer than [`LONG_LINE`] cut down to
/// a window around the first place the diagnostic points at in it (or its start), with `…`
/// where text was cut. Line numbers stay those of the file; spans are moved into the view.
struct TrimmedView {
    text: String,
    /// Per line: where it starts in the file, the window of it that is shown (all of a
    /// short line), where that window starts in the view, and whether the line's end was cut.
    lines: Vec<ShownLine>,
}

struct ShownLine {
    start: usize,
    window: std::ops::Range<usize>,
    line_end: usize,
    at: usize,
    cut_after: bool,
}

impl TrimmedView {
    fn identity() -> TrimmedView {
        TrimmedView {
            text: String::new(),
            lines: Vec::new(),
        }
    }

    fn new(shown: &str, diagnostic: &Diagnostic) -> TrimmedView {
        let mut points: Vec<usize> = std::iter::once(diagnostic.span.start)
            .chain(diagnostic.related.iter().map(|(span, _)| span.start))
            .collect();
        points.sort_unstable();
        let mut view = TrimmedView {
            text: String::with_capacity(shown.len().min(1 << 16)),
            lines: Vec::new(),
        };
        let mut start = 0;
        for line in shown.split_inclusive('\n') {
            let body = line.trim_end_matches(['\n', '\r']);
            let line_end = start + body.len();
            let (from, to) = if body.len() <= LONG_LINE {
                (start, line_end)
            } else {
                let first = points.partition_point(|&p| p < start);
                let anchor = points
                    .get(first)
                    .copied()
                    .filter(|&p| p <= line_end)
                    .unwrap_or(start);
                let from = anchor.saturating_sub(TRIM_CONTEXT).max(start);
                let to = (anchor + 2 * TRIM_CONTEXT).min(line_end);
                (
                    boundary_at_or_before(shown, from),
                    boundary_at_or_before(shown, to),
                )
            };
            if from > start {
                view.text.push('…');
            }
            view.lines.push(ShownLine {
                start,
                window: from..to,
                line_end,
                at: view.text.len(),
                cut_after: to < line_end,
            });
            view.text.push_str(&shown[from..to]);
            if to < line_end {
                view.text.push('…');
            }
            view.text.push_str(&line[body.len()..]);
            start += line.len();
        }
        view
    }

    /// Where a file offset is shown; an offset in cut-away text sticks to the window's edge.
    fn map(&self, offset: usize) -> usize {
        if self.lines.is_empty() {
            return offset;
        }
        let index = self.lines.partition_point(|line| line.start <= offset);
        let Some(line) = index.checked_sub(1).and_then(|i| self.lines.get(i)) else {
            return offset;
        };
        let shown = line.window.end - line.window.start;
        if offset <= line.line_end {
            let clamped = offset.clamp(line.window.start, line.window.end);
            return line.at + (clamped - line.window.start);
        }
        // In the line break.
        let ellipsis = if line.cut_after { '…'.len_utf8() } else { 0 };
        line.at + shown + ellipsis + (offset - line.line_end)
    }

    fn range(&self, span: crate::span::Span) -> std::ops::Range<usize> {
        let start = self.map(span.start);
        start..self.map(span.end).max(start)
    }
}

/// `rendered` with its `--> NAME:LINE:COLUMN` header set to `line` and `column`.
fn with_location(rendered: &str, name: &str, line: usize, column: usize) -> String {
    let Some(arrow) = rendered.find("-->") else {
        return rendered.to_string();
    };
    let Some(start) = rendered[arrow..]
        .find(&format!("{name}:"))
        .map(|i| arrow + i)
    else {
        return rendered.to_string();
    };
    let end = rendered[start..]
        .find(['\r', '\n'])
        .map_or(rendered.len(), |i| start + i);
    format!(
        "{}{name}:{line}:{column}{}",
        &rendered[..start],
        &rendered[end..]
    )
}

fn boundary_at_or_before(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}
/// The text as it is safe to print: control, bidi and invisible characters, which the parser rejects
/// precisely because they corrupt terminals, are replaced by a visible stand-in of the same
/// UTF-8 length so that every span still points at the same bytes.
fn printable(text: &str) -> String {
    let mut chars = text.chars().peekable();
    let mut shown = String::with_capacity(text.len());
    while let Some(c) = chars.next() {
        let line_break = c == '\n' || (c == '\r' && chars.peek() == Some(&'\n'));
        let harmful = c.is_control() || is_bidi_control(c) || is_default_ignorable(c);
        shown.push(match c.len_utf8() {
            _ if line_break || c == '\t' || !harmful => c,
            1 => '?',
            2 => '\u{00BF}',
            _ => '\u{FFFD}',
        });
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The caret of a trimmed line sits under the same text as in the file, and a related
    /// place on a later, short line keeps its own line, CRLF endings included.
    #[test]
    fn trimmed_lines_keep_carets_on_their_text() {
        let long = format!("{}TARGET{}", "a".repeat(500), "b".repeat(500));
        let text = format!("{long}\r\nshort ORIGIN here\r\n");
        let file = SourceFile::new("t.flow", text.as_str());
        let at = text.find("TARGET").unwrap();
        let origin = text.find("ORIGIN").unwrap();
        let diagnostic = Diagnostic::error("m", Span::new(at, at + 6))
            .with_label("here")
            .with_related(Span::new(origin, origin + 6), "from here");
        let report = render_diagnostics(&[diagnostic], &file, false);
        let lines: Vec<&str> = report.lines().collect();
        // Columns are characters (`…` is one), as the terminal shows them.
        let under = |source: usize| {
            let caret = lines[source + 1].chars().position(|c| c == '^' || c == '-');
            let caret = caret.unwrap();
            lines[source]
                .chars()
                .skip(caret)
                .take(6)
                .collect::<String>()
        };
        let first = lines
            .iter()
            .position(|l| l.starts_with("1 | …"))
            .expect(&report);
        assert!(lines[first].ends_with('…'), "{report}");
        assert!(lines[first].len() < 200, "{report}");
        assert_eq!(under(first), "TARGET", "{report}");
        let second = lines
            .iter()
            .position(|l| l.starts_with("2 | "))
            .expect(&report);
        assert_eq!(under(second), "ORIGIN", "{report}");
        assert!(report.contains("--> t.flow:1:501"), "{report}");
    }
}
