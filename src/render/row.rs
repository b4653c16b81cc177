//! Rows written from templates: most of a row is the blank lifeline row, so the blank row
//! is encoded once per diagram, with where each column starts in its bytes, and a row is
//! written straight into the output as the template's bytes up to the first thing drawn,
//! that thing's bytes, the template's bytes up to the next thing, and so on to the end.
//!
//! A row costs a few `memcpy`s of bytes that are already encoded: no cell array to fill,
//! scan and restore, and no allocation. What can be prepared is prepared once: a glyph
//! repeated across the canvas (an arrow's `─`) is a [`Run`], so any run of it is a slice,
//! and a label whose bytes are what is drawn is copied whole.
//!
//! Things are drawn left to right, which the text renderer does by construction (the
//! layout keeps them apart). Should two overlap anyway, as in a hand-built diagram, the
//! one drawn first keeps the columns it took; a wide character cut by that is drawn as
//! spaces over the columns left to it, as is one that would stick out of the row, since
//! half a character cannot be printed and dropping it would shift every column after it.

use super::width;

/// A row as it is when nothing is drawn on it, encoded once.
pub(crate) struct Template {
    bytes: Vec<u8>,
    /// Where each column starts in `bytes`, plus the end.
    offsets: Vec<usize>,
}

impl Template {
    /// A row `width` columns wide of spaces, with each one-column `glyph` at its column
    /// (columns outside the row are ignored).
    pub(crate) fn new<'g>(
        width: usize,
        glyphs: impl IntoIterator<Item = (usize, &'g str)>,
    ) -> Template {
        let mut cells = vec![" "; width];
        for (column, glyph) in glyphs {
            if let Some(cell) = cells.get_mut(column) {
                *cell = glyph;
            }
        }
        let mut bytes = Vec::with_capacity(cells.iter().map(|cell| cell.len()).sum());
        let mut offsets = Vec::with_capacity(width + 1);
        for cell in cells {
            offsets.push(bytes.len());
            bytes.extend_from_slice(cell.as_bytes());
        }
        offsets.push(bytes.len());
        Template { bytes, offsets }
    }

    /// Columns in the row.
    pub(crate) fn width(&self) -> usize {
        self.offsets.len() - 1
    }
}

/// A one-column glyph repeated across the whole canvas, so that a run of it of any length
/// is a slice of bytes built once.
pub(crate) struct Run {
    bytes: Vec<u8>,
    glyph: usize,
}

impl Run {
    /// `glyph` (one column wide) repeated `width` times.
    pub(crate) fn new(glyph: &str, width: usize) -> Run {
        Run {
            bytes: glyph.repeat(width).into_bytes(),
            glyph: glyph.len(),
        }
    }

    /// The bytes of `count` glyphs (as many as the run has, at most).
    fn take(&self, count: usize) -> &[u8] {
        &self.bytes[..(count * self.glyph).min(self.bytes.len())]
    }
}

/// Text measured once for drawing, however many rows it is drawn on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Text<'t> {
    pub(crate) text: &'t str,
    /// Display width, as drawn.
    pub(crate) width: usize,
    /// Whether the text's own bytes are what is drawn (see [`width::measure`]).
    pub(crate) verbatim: bool,
}

impl<'t> Text<'t> {
    /// Measures `text`.
    pub(crate) fn new(text: &'t str) -> Text<'t> {
        let (width, verbatim) = width::measure(text);
        Text {
            text,
            width,
            verbatim,
        }
    }
}

/// One row being written into `out` from its template, left to right.
pub(crate) struct RowWriter<'r> {
    template: &'r Template,
    out: &'r mut Vec<u8>,
    /// The columns before this one are written.
    column: usize,
}

impl<'r> RowWriter<'r> {
    /// Starts a row at the end of `out`.
    pub(crate) fn new(template: &'r Template, out: &'r mut Vec<u8>) -> RowWriter<'r> {
        RowWriter {
            template,
            out,
            column: 0,
        }
    }

    /// Copies the template up to `column` (at most the end of the row).
    fn copy_to(&mut self, column: usize) {
        let column = column.min(self.template.width());
        if column > self.column {
            let offsets = &self.template.offsets;
            self.out
                .extend_from_slice(&self.template.bytes[offsets[self.column]..offsets[column]]);
            self.column = column;
        }
    }

    /// Where the next thing drawn from `column`, `width` columns wide, may start, or `None`
    /// when none of it is left to draw.
    fn clip(&self, column: usize, width: usize) -> Option<(usize, usize)> {
        let start = column.max(self.column);
        let end = column.saturating_add(width).min(self.template.width());
        (start < end).then_some((start, end))
    }

    /// Draws a one-column glyph.
    pub(crate) fn glyph(&mut self, column: usize, glyph: &str) {
        if self.clip(column, 1) == Some((column, column + 1)) {
            self.copy_to(column);
            self.out.extend_from_slice(glyph.as_bytes());
            self.column = column + 1;
        }
    }

    /// Draws `count` glyphs of `run` from `column`.
    pub(crate) fn run(&mut self, column: usize, run: &Run, count: usize) {
        if let Some((start, end)) = self.clip(column, count) {
            self.copy_to(start);
            self.out.extend_from_slice(run.take(end - start));
            self.column = end;
        }
    }

    /// Draws `run` from where the row is written up to `column`, not included.
    pub(crate) fn run_to(&mut self, column: usize, run: &Run) {
        self.run(self.column, run, column.saturating_sub(self.column));
    }

    /// Draws printable ASCII, one column a byte.
    pub(crate) fn ascii(&mut self, column: usize, bytes: &[u8]) {
        if self.clip(column, bytes.len()) == Some((column, column + bytes.len())) {
            self.copy_to(column);
            self.out.extend_from_slice(bytes);
            self.column += bytes.len();
        } else {
            for (i, byte) in bytes.iter().enumerate() {
                self.glyph(column + i, std::str::from_utf8(&[*byte]).unwrap_or(" "));
            }
        }
    }

    /// Draws `text` from `column`.
    pub(crate) fn text(&mut self, column: usize, text: Text) {
        let fits = self.clip(column, text.width) == Some((column, column + text.width));
        if text.verbatim && fits {
            self.copy_to(column);
            self.out.extend_from_slice(text.text.as_bytes());
            self.column = column + text.width;
            return;
        }
        let mut column = column;
        for (cluster, width) in width::clusters(text.text) {
            match self.clip(column, width) {
                Some((start, end)) if (start, end) == (column, column + width) => {
                    self.copy_to(column);
                    self.out.extend_from_slice(cluster.as_bytes());
                    self.column = end;
                }
                // Part of the cluster is taken or off the row: spaces over the rest.
                Some((start, end)) => {
                    self.copy_to(start);
                    self.out.resize(self.out.len() + (end - start), b' ');
                    self.column = end;
                }
                None => {}
            }
            column = column.saturating_add(width);
        }
    }

    /// Copies the rest of the template: the row is written (without a line break).
    pub(crate) fn finish(mut self) {
        self.copy_to(self.template.width());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lifelines(width: usize, columns: &[usize]) -> Template {
        Template::new(width, columns.iter().map(|&column| (column, "│")))
    }

    fn drawn(template: &Template, draw: impl FnOnce(&mut RowWriter)) -> String {
        let mut out = Vec::new();
        let mut row = RowWriter::new(template, &mut out);
        draw(&mut row);
        row.finish();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn untouched_row_is_the_template() {
        let template = lifelines(6, &[1, 4, 9]);
        assert_eq!(drawn(&template, |_| {}), " │  │ ");
    }

    #[test]
    fn text_and_runs_replace_the_columns_they_cover() {
        let template = lifelines(8, &[1, 6]);
        let dash = Run::new("─", 8);
        assert_eq!(
            drawn(&template, |row| {
                row.text(1, Text::new("ab"));
                row.run(4, &dash, 3);
                row.glyph(7, "▶");
            }),
            " ab ───▶"
        );
        assert_eq!(drawn(&template, |row| row.run_to(3, &dash)), "───   │ ");
    }

    #[test]
    fn wide_and_rewritten_text_keeps_the_columns() {
        let template = lifelines(6, &[1, 4]);
        assert_eq!(
            drawn(&template, |row| row.text(2, Text::new("漢"))),
            " │漢│ "
        );
        // A control character is drawn as U+FFFD, a lone combining mark not at all.
        assert_eq!(
            drawn(&template, |row| row.text(2, Text::new("\t\u{301}"))),
            " │\u{FFFD} │ "
        );
    }

    #[test]
    fn what_is_drawn_first_keeps_its_columns() {
        let template = lifelines(6, &[]);
        assert_eq!(
            drawn(&template, |row| {
                row.text(1, Text::new("ab"));
                row.glyph(2, "x");
                row.text(2, Text::new("漢字"));
            }),
            " ab 字"
        );
        // The half of a wide character left after an overlap becomes a space.
        assert_eq!(
            drawn(&template, |row| {
                row.glyph(0, "x");
                row.text(0, Text::new("漢a"));
            }),
            "x a   "
        );
    }

    #[test]
    fn text_past_the_right_edge_becomes_spaces() {
        let template = lifelines(4, &[]);
        assert_eq!(
            drawn(&template, |row| row.text(2, Text::new("a漢b"))),
            "  a "
        );
        assert_eq!(
            drawn(&template, |row| row.text(9, Text::new("far"))),
            "    "
        );
        assert_eq!(drawn(&template, |row| row.ascii(3, b"12")), "   1");
    }

    #[test]
    fn empty_row_draws_nothing() {
        let template = lifelines(0, &[3]);
        assert_eq!(drawn(&template, |row| row.text(0, Text::new("x"))), "");
    }
}
