//! The box diagram as text, by the rules of `docs/diagram-layout.md`: the seed's rules,
//! and the extensions, each adding rows or columns only where a flow uses it: a `wait` is
//! a divider (`⋯ 11m later ⋯` centred on the canvas), notes are boxes beside or over
//! lifelines, fragments are frames around their rows, `box` groups get a bracket above and
//! below their participants' boxes, `autonumber` prefixes labels, and `--verdict` marks
//! arrows in a column to the right of the drawing with a legend below it.
//!
//! Rendering is two steps so that output of any length streams in constant memory per
//! row: [`Layout`] fixes every column from the whole diagram first (lifelines depend on
//! every label), then rows are drawn one at a time on one reused [`Row`] and written out
//! in large chunks.

use std::io::{self, Write};

use super::CHUNK;
use super::glyphs::Glyphs;
use super::layout::{Layout, Measured, MeasuredNote, Step, digits, note_columns};
use super::row::Row;
use super::width;
use super::{Diagram, TextStyle};

/// The digits, drawn one cell each: a number prefix is drawn from these and never needs
/// a string of its own.
const DIGITS: [&str; 10] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

/// Collects rows into chunks for the writer.
struct Sink<'w, W: Write> {
    buf: Vec<u8>,
    out: &'w mut W,
    trim: bool,
    /// Columns of the sides of the frames open now, drawn on every row.
    sides: Vec<usize>,
    side: &'static str,
    /// Canvas width, which lines written around the canvas are padded to.
    width: usize,
}

impl<W: Write> Sink<'_, W> {
    /// Ends the row drawn on `row`: encodes it into the chunk and blanks it again.
    fn emit(&mut self, row: &mut Row) -> io::Result<()> {
        for &column in &self.sides {
            row.put(column, self.side);
        }
        let start = self.buf.len();
        row.finish(&mut self.buf);
        self.end_line(start)
    }

    /// A line of text outside the canvas (title, legend), drawn as the canvas draws text
    /// (control characters as U+FFFD) and padded to the canvas width.
    fn text_line(&mut self, parts: &[&str]) -> io::Result<()> {
        let start = self.buf.len();
        let mut width = 0;
        for part in parts {
            for (cluster, w) in width::clusters(part) {
                self.buf.extend_from_slice(cluster.as_bytes());
                width += w;
            }
        }
        let pad = self.width.saturating_sub(width);
        self.buf.resize(self.buf.len() + pad, b' ');
        self.end_line(start)
    }

    /// Trims the line that starts at `start` if asked, ends it, and hands over a full
    /// chunk.
    fn end_line(&mut self, start: usize) -> io::Result<()> {
        if self.trim {
            let kept = self.buf[start..]
                .iter()
                .rposition(|&b| b != b' ')
                .map_or(0, |last| last + 1);
            self.buf.truncate(start + kept);
        }
        self.buf.push(b'\n');
        if self.buf.len() >= CHUNK {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    /// Hands over the last chunk and flushes, so that a caller's buffered writer does not
    /// hold the end of the diagram back.
    fn finish(mut self) -> io::Result<()> {
        self.out.write_all(&self.buf)?;
        self.buf.clear();
        self.out.flush()
    }
}

/// Writes the diagram. A diagram without participants draws nothing at all: with no box
/// there is no column to draw, so not even an empty row.
///
/// Rows are streamed: memory holds the layout and one row, however long the flow. Text
/// that a later write cuts through the middle of a wide character is drawn with spaces
/// in place of the half left over, so columns never shift (see `row.rs`).
pub fn render_text(diagram: &Diagram, style: TextStyle, out: &mut impl Write) -> io::Result<()> {
    let layout = Layout::new(diagram, style);
    if layout.width == 0 {
        return Ok(());
    }
    let glyphs = layout.glyphs;
    let mut row = Row::new(layout.width, &layout.lifelines, glyphs.vertical);
    let mut sink = Sink {
        buf: Vec::with_capacity(CHUNK + layout.width * 4),
        out,
        trim: style.trim,
        sides: Vec::new(),
        side: glyphs.vertical,
        width: layout.width,
    };
    if let Some((title, _)) = layout.title {
        sink.text_line(&[title])?;
        sink.text_line(&[])?;
    }
    if !layout.groups.is_empty() {
        draw_group_brackets(&layout, true, &mut row, &mut sink)?;
    }
    draw_boxes(&layout, glyphs, &mut row, &mut sink)?;
    for step in &layout.steps {
        match step {
            Step::Arrow(arrow) => {
                let (lo, hi) = arrow.ends();
                let (lo, hi) = (layout.lifelines[lo], layout.lifelines[hi]);
                if lo == hi {
                    draw_self_message(&layout, lo, arrow, &mut row, &mut sink)?;
                } else {
                    let right = arrow.from < arrow.to;
                    draw_message(&layout, lo, hi, right, arrow, &mut row, &mut sink)?;
                }
            }
            &Step::Divider { text, width } => {
                draw_divider(&layout, text, width, &mut row, &mut sink)?;
            }
            Step::Note(note) => draw_note(&layout, note, &mut row, &mut sink)?,
            &Step::Header {
                text,
                depth,
                is_else,
                ..
            } => {
                if is_else {
                    sink.sides.pop();
                    sink.sides.pop();
                }
                draw_frame_border(&layout, depth, Some((text, is_else)), &mut row, &mut sink)?;
                let (left, right) = layout.frame_sides(depth);
                sink.sides.extend([left, right]);
                // A header is followed by what the fragment holds, not by a blank row.
                continue;
            }
            &Step::Close { depth } => {
                sink.sides.pop();
                sink.sides.pop();
                draw_frame_border(&layout, depth, None, &mut row, &mut sink)?;
            }
        }
        // Nothing drawn: the blank lifeline row that separates messages.
        sink.emit(&mut row)?;
    }
    draw_boxes(&layout, glyphs, &mut row, &mut sink)?;
    if !layout.groups.is_empty() {
        draw_group_brackets(&layout, false, &mut row, &mut sink)?;
    }
    draw_legend(&layout, &mut sink)?;
    sink.finish()
}

/// Renders into a string (the output is always UTF-8: it is built from whole clusters of
/// `str`s).
pub fn render_text_to_string(diagram: &Diagram, style: TextStyle) -> String {
    let mut out = Vec::new();
    // Writing to a `Vec` cannot fail.
    let _ = render_text(diagram, style, &mut out);
    String::from_utf8(out).unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into())
}

/// The three box rows: `┌──┐`, `│ name │`, `└──┘`.
fn draw_boxes<'t, W: Write>(
    layout: &Layout<'t>,
    glyphs: &Glyphs,
    row: &mut Row<'t>,
    sink: &mut Sink<W>,
) -> io::Result<()> {
    for (_, left, right) in layout.boxes() {
        row.put(left, glyphs.top_left);
        row.put_run(left + 1, glyphs.horizontal, right - left - 1);
        row.put(right, glyphs.top_right);
    }
    sink.emit(row)?;
    for (name, left, right) in layout.boxes() {
        row.put(left, glyphs.vertical);
        row.put_run(left + 1, " ", right - left - 1);
        row.put_text(left + 2, name);
        row.put(right, glyphs.vertical);
    }
    sink.emit(row)?;
    for (_, left, right) in layout.boxes() {
        row.put(left, glyphs.bottom_left);
        row.put_run(left + 1, glyphs.horizontal, right - left - 1);
        row.put(right, glyphs.bottom_right);
    }
    sink.emit(row)
}

/// A message between lifelines `lo < hi`: the label centred in the columns between them
/// (over any lifeline it crosses), then the arrow, with the arrow's marks beside it.
fn draw_message<'t, W: Write>(
    layout: &Layout<'t>,
    lo: usize,
    hi: usize,
    right: bool,
    arrow: &Measured<'t>,
    row: &mut Row<'t>,
    sink: &mut Sink<W>,
) -> io::Result<()> {
    let glyphs = layout.glyphs;
    let between = hi - lo - 1;
    draw_label(lo + 1 + between.saturating_sub(arrow.width) / 2, arrow, row);
    sink.emit(row)?;
    row.put_run(lo + 1, glyphs.horizontal, between);
    if right {
        row.put(hi - 1, glyphs.right_head);
    } else {
        row.put(lo + 1, glyphs.left_head);
    }
    draw_marks(layout, arrow.index, row);
    sink.emit(row)
}

/// An arrow's label from `column`, after its number if the diagram numbers arrows.
fn draw_label<'t>(column: usize, arrow: &Measured<'t>, row: &mut Row<'t>) {
    let mut column = column;
    if let Some(number) = arrow.number {
        let digits = digits(number);
        let mut rest = number;
        for place in (0..digits).rev() {
            row.put(column + place, DIGITS[rest % 10]);
            rest /= 10;
        }
        row.put(column + digits, ".");
        column += digits + 1;
        if !arrow.label.is_empty() {
            row.put(column, " ");
            column += 1;
        }
    }
    row.put_text(column, arrow.label);
}

/// The marks of arrow `index` in the marks column: `✗ id` for an error, `! id` for a
/// warning.
fn draw_marks<'t>(layout: &Layout<'t>, index: usize, row: &mut Row<'t>) {
    let mut column = layout.mark_column;
    for mark in layout.marks_on(index) {
        row.put(column, layout.mark_glyph(mark.severity));
        row.put(column + 1, " ");
        row.put_text(column + 2, mark.id);
        column += 3 + width::width(mark.id);
    }
}

/// A divider: `⋯ text ⋯` centred on the canvas, over any lifeline it crosses.
fn draw_divider<'t, W: Write>(
    layout: &Layout<'t>,
    text: &'t str,
    width: usize,
    row: &mut Row<'t>,
    sink: &mut Sink<W>,
) -> io::Result<()> {
    let ellipsis = layout.glyphs.ellipsis;
    let (start, text_start) = layout.divider_columns(width);
    row.put_text(start, ellipsis);
    row.put(text_start - 1, " ");
    row.put_text(text_start, text);
    row.put(text_start + width, " ");
    row.put_text(text_start + width + 1, ellipsis);
    sink.emit(row)
}

/// A self-message on lifeline `x`: `─┐`, `│ label`, `◀┘`, with the arrow's marks on the
/// last row.
fn draw_self_message<'t, W: Write>(
    layout: &Layout<'t>,
    x: usize,
    arrow: &Measured<'t>,
    row: &mut Row<'t>,
    sink: &mut Sink<W>,
) -> io::Result<()> {
    let glyphs = layout.glyphs;
    row.put(x + 1, glyphs.horizontal);
    row.put(x + 2, glyphs.top_right);
    sink.emit(row)?;
    row.put(x + 2, glyphs.vertical);
    row.put(x + 3, " ");
    draw_label(x + 4, arrow, row);
    sink.emit(row)?;
    row.put(x + 1, glyphs.left_head);
    row.put(x + 2, glyphs.bottom_right);
    draw_marks(layout, arrow.index, row);
    sink.emit(row)
}

/// A note: its box (`┌─┐`, a `│ line │` row per line, `└─┘`), each line centred.
fn draw_note<'t, W: Write>(
    layout: &Layout<'t>,
    note: &MeasuredNote<'t>,
    row: &mut Row<'t>,
    sink: &mut Sink<W>,
) -> io::Result<()> {
    let glyphs = layout.glyphs;
    let (left, right) = note_columns(note, &layout.lifelines);
    let inner = right - left - 1;
    row.put(left, glyphs.top_left);
    row.put_run(left + 1, glyphs.horizontal, inner);
    row.put(right, glyphs.top_right);
    sink.emit(row)?;
    for line in note.lines() {
        row.put(left, glyphs.vertical);
        row.put_run(left + 1, " ", inner);
        let width = width::width(line);
        row.put_text(left + 2 + (inner - 2).saturating_sub(width) / 2, line);
        row.put(right, glyphs.vertical);
        sink.emit(row)?;
    }
    row.put(left, glyphs.bottom_left);
    row.put_run(left + 1, glyphs.horizontal, inner);
    row.put(right, glyphs.bottom_right);
    sink.emit(row)
}

/// A frame's border row `depth` frames deep: its top with the header (`┌─ alt: x ──┐`),
/// an `else` divider (`├╌ else: y ╌╌┤`), or its bottom (`└────┘`, `header` `None`).
/// Where the border crosses a lifeline it shows as `┼`, so lifelines read as unbroken.
fn draw_frame_border<'t, W: Write>(
    layout: &Layout<'t>,
    depth: usize,
    header: Option<(&'t str, bool)>,
    row: &mut Row<'t>,
    sink: &mut Sink<W>,
) -> io::Result<()> {
    let glyphs = layout.glyphs;
    let (left, right) = layout.frame_sides(depth);
    let (start, end, line) = match header {
        Some((_, false)) => (glyphs.top_left, glyphs.top_right, glyphs.horizontal),
        Some((_, true)) => (glyphs.tee_right, glyphs.tee_left, glyphs.dashed),
        None => (glyphs.bottom_left, glyphs.bottom_right, glyphs.horizontal),
    };
    row.put(left, start);
    row.put_run(left + 1, line, right - left - 1);
    for &x in layout.lifelines.iter().filter(|&&x| left < x && x < right) {
        row.put(x, glyphs.cross);
    }
    row.put(right, end);
    if let Some((text, _)) = header {
        row.put(left + 2, " ");
        row.put_text(left + 3, text);
        row.put(left + 3 + width::width(text), " ");
    }
    sink.emit(row)
}

/// The row of group brackets above the boxes (`top`) or below them: `┌── title ──┐` and
/// `└───────────┘`, with no lifeline showing.
fn draw_group_brackets<'t, W: Write>(
    layout: &Layout<'t>,
    top: bool,
    row: &mut Row<'t>,
    sink: &mut Sink<W>,
) -> io::Result<()> {
    let glyphs = layout.glyphs;
    for &x in &layout.lifelines {
        row.put(x, " ");
    }
    for group in &layout.groups {
        let (start, end) = if top {
            (glyphs.top_left, glyphs.top_right)
        } else {
            (glyphs.bottom_left, glyphs.bottom_right)
        };
        row.put(group.left, start);
        row.put_run(
            group.left + 1,
            glyphs.horizontal,
            group.right - group.left - 1,
        );
        row.put(group.right, end);
        if top {
            let at = group.title_start();
            row.put(at - 1, " ");
            row.put_text(at, group.title);
            row.put(at + group.title_width, " ");
        }
    }
    sink.emit(row)
}

/// Under the diagram, each finding once: a blank line, then the legend's lines.
fn draw_legend<W: Write>(layout: &Layout, sink: &mut Sink<W>) -> io::Result<()> {
    if layout.legend.is_empty() {
        return Ok(());
    }
    sink.text_line(&[])?;
    for line in &layout.legend {
        sink.text_line(&[line])?;
    }
    Ok(())
}
