//! Byte spans and the line/column arithmetic diagnostics need.

use std::ops::Range;

/// A half-open byte range into a flow file's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    /// Offset of the first byte.
    pub start: usize,
    /// Offset one past the last byte.
    pub end: usize,
}

impl Span {
    /// The span from `start` up to, not including, `end`.
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// The span as a byte range, for slicing the text.
    pub fn range(self) -> Range<usize> {
        self.start..self.end
    }
}

/// A named source text with a line index, so that spans turn into `line:column`.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The name diagnostics show, usually the path.
    pub name: String,
    /// The whole text.
    pub text: String,
    /// Where each line starts, built when a line number is first asked for: drawing a
    /// long flow never needs one.
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

impl SourceFile {
    /// Names `text`.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> SourceFile {
        SourceFile {
            name: name.into(),
            text: text.into(),
            line_starts: std::sync::OnceLock::new(),
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i + 1))
                .collect()
        })
    }

    /// How many lines the text has (a last line without a newline counts).
    pub fn line_count(&self) -> usize {
        match self.line_starts.get() {
            Some(starts) => starts.len(),
            None => memchr::memchr_iter(b'\n', self.text.as_bytes()).count() + 1,
        }
    }

    /// A cursor for [`LineCursor::line`] over this file's lines.
    pub fn line_cursor(&self) -> LineCursor<'_> {
        LineCursor {
            starts: self.line_starts(),
            line: 0,
        }
    }

    /// 1-based line and column (columns count characters, as rustc does).
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let starts = self.line_starts();
        let line = starts.partition_point(|&s| s <= offset) - 1;
        let start = starts[line];
        let end = offset.min(self.text.len());
        let column = self
            .text
            .get(start..end)
            .map_or(end - start, |s| s.chars().count());
        (line + 1, column + 1)
    }
}

/// 1-based lines of offsets that come mostly in order, as a replay walks a flow from top
/// to bottom: stepping on from the last answer costs less than a search of every line.
#[derive(Clone, Debug)]
pub struct LineCursor<'a> {
    starts: &'a [usize],
    line: usize,
}

impl LineCursor<'_> {
    /// The 1-based line `offset` is on, as [`SourceFile::line_col`] gives it.
    pub fn line(&mut self, offset: usize) -> usize {
        if self.starts[self.line] > offset {
            self.line = self.starts.partition_point(|&s| s <= offset) - 1;
        }
        while self.starts.get(self.line + 1).is_some_and(|&s| s <= offset) {
            self.line += 1;
        }
        self.line + 1
    }
}
