//! The box diagram as text, by the rules of `docs/diagram-layout.md`: the seed's rules,
//! and the extensions, each adding rows or columns only where a flow uses it: a `wait` is
//! a divider (`⋯ 11m later ⋯` centred on the canvas), notes are boxes beside or over
//! lifelines, fragments are frames around their rows, `box` groups get a bracket above and
//! below their participants' boxes, `autonumber` prefixes labels, and `--verdict` marks
//! arrows in a column to the right of the drawing with a legend below it.
//!
//! Rendering is two steps so that output of any length streams in memory proportional to
//! the canvas width: [`Layout`] fixes every column and row from the whole diagram first
//! (lifelines depend on every label), then rows are written one after the other from a
//! template of the blank lifeline row (see `row.rs`) into one buffer, handed to the
//! writer in large chunks. Everything on a row is drawn left to right, as the row writer
//! requires.

use std::io::{self, Write};

use super::CHUNK;
use super::glyphs::Glyphs;
use super::layout::{Layout, Measured, MeasuredNote, Step, digits, note_columns, note_line_start};
use super::row::{RowWriter, Run, Template, Text};
use super::width;
use super::{Diagram, TextStyle};

/// Collects rows into chunks for the writer.
struct Sink<'w, W: Write> {
    buf: Vec<u8>,
    out: &'w mut W,
    trim: bool,
    /// Canvas width, which lines written around the canvas are padded to.
    width: usize,
}

impl<W: Write> Sink<'_, W> {
    /// Writes a row: `template`, with what `draw` draws on it.
    fn row(&mut self, template: &Template, draw: impl FnOnce(&mut RowWriter)) -> io::Result<()> {
        let start = self.buf.len();
        let mut row = RowWriter::new(template, &mut self.buf);
        draw(&mut row);
        row.finish();
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

/// What rows are drawn with: the layout and its glyphs, and what is prepared once per
/// diagram so that a row is copies of ready bytes.
struct Painter<'l, 'a> {
    layout: &'l Layout<'a>,
    glyphs: &'static Glyphs,
    /// The blank lifeline row with the sides of the `open` outermost frames.
    lifelines: Template,
    open: usize,
    /// A row of spaces: no lifeline shows on the group brackets' rows.
    empty: Template,
    horizontal: Run,
    dashed: Run,
    spaces: Run,
}

impl<'l, 'a> Painter<'l, 'a> {
    fn new(layout: &'l Layout<'a>) -> Painter<'l, 'a> {
        let (glyphs, width) = (layout.glyphs, layout.width);
        let mut painter = Painter {
            layout,
            glyphs,
            lifelines: Template::new(0, []),
            open: usize::MAX,
            empty: Template::new(width, []),
            horizontal: Run::new(glyphs.horizontal, width),
            dashed: Run::new(glyphs.dashed, width),
            spaces: Run::new(" ", width),
        };
        painter.frames(0);
        painter
    }

    /// Makes the blank row show the sides of the `open` outermost frames. Frames open and
    /// close rarely next to the rows between, so the template is rebuilt when they do.
    fn frames(&mut self, open: usize) {
        if open == self.open {
            return;
        }
        let layout = self.layout;
        let vertical = self.glyphs.vertical;
        let sides = (0..open).flat_map(|depth| {
            let (left, right) = layout.frame_sides(depth);
            [(left, vertical), (right, vertical)]
        });
        let lifelines = layout.lifelines.iter().map(|&x| (x, vertical));
        self.lifelines = Template::new(layout.width, lifelines.chain(sides));
        self.open = open;
    }

    /// The blank lifeline row.
    fn blank<W: Write>(&self, sink: &mut Sink<W>) -> io::Result<()> {
        sink.row(&self.lifelines, |_| {})
    }

    /// The three box rows: `┌──┐`, `│ name │`, `└──┘`.
    fn boxes<W: Write>(&self, sink: &mut Sink<W>) -> io::Result<()> {
        let glyphs = self.glyphs;
        sink.row(&self.lifelines, |row| {
            for (_, left, right) in self.layout.boxes() {
                row.glyph(left, glyphs.top_left);
                row.run(left + 1, &self.horizontal, right - left - 1);
                row.glyph(right, glyphs.top_right);
            }
        })?;
        sink.row(&self.lifelines, |row| {
            for (name, left, right) in self.layout.boxes() {
                row.glyph(left, glyphs.vertical);
                row.glyph(left + 1, " ");
                row.text(left + 2, Text::new(name));
                row.run_to(right, &self.spaces);
                row.glyph(right, glyphs.vertical);
            }
        })?;
        sink.row(&self.lifelines, |row| {
            for (_, left, right) in self.layout.boxes() {
                row.glyph(left, glyphs.bottom_left);
                row.run(left + 1, &self.horizontal, right - left - 1);
                row.glyph(right, glyphs.bottom_right);
            }
        })
    }

    /// A message between lifelines `lo < hi`: the label centred in the columns between
    /// them (over any lifeline it crosses), then the arrow, with the arrow's marks beside
    /// it.
    fn message<W: Write>(
        &self,
        (lo, hi): (usize, usize),
        right: bool,
        arrow: &Measured,
        sink: &mut Sink<W>,
    ) -> io::Result<()> {
        let glyphs = self.glyphs;
        let between = hi - lo - 1;
        let start = self.layout.label_start(arrow);
        sink.row(&self.lifelines, |row| self.label(row, start, arrow))?;
        sink.row(&self.lifelines, |row| {
            let shaft = between.saturating_sub(1);
            if right {
                row.run(lo + 1, &self.horizontal, shaft);
                row.glyph(hi - 1, glyphs.right_head);
            } else {
                row.glyph(lo + 1, glyphs.left_head);
                row.run(lo + 2, &self.horizontal, shaft);
            }
            self.marks(row, arrow.index);
        })
    }

    /// A self-message on lifeline `x`: `─┐`, `│ label`, `◀┘`, with the arrow's marks on
    /// the last row.
    fn self_message<W: Write>(
        &self,
        x: usize,
        arrow: &Measured,
        sink: &mut Sink<W>,
    ) -> io::Result<()> {
        let glyphs = self.glyphs;
        sink.row(&self.lifelines, |row| {
            row.glyph(x + 1, glyphs.horizontal);
            row.glyph(x + 2, glyphs.top_right);
        })?;
        sink.row(&self.lifelines, |row| {
            row.glyph(x + 2, glyphs.vertical);
            row.glyph(x + 3, " ");
            self.label(row, self.layout.label_start(arrow), arrow);
        })?;
        sink.row(&self.lifelines, |row| {
            row.glyph(x + 1, glyphs.left_head);
            row.glyph(x + 2, glyphs.bottom_right);
            self.marks(row, arrow.index);
        })
    }

    /// An arrow's label from `column`, after its number if the diagram numbers arrows.
    fn label(&self, row: &mut RowWriter, column: usize, arrow: &Measured) {
        let mut column = column;
        if let Some(number) = arrow.number {
            // `N. `: at most 20 digits, a full stop and a space.
            let mut prefix = [b' '; 22];
            let digits = digits(number);
            let mut rest = number;
            for place in (0..digits).rev() {
                prefix[place] = b'0' + (rest % 10) as u8;
                rest /= 10;
            }
            prefix[digits] = b'.';
            let len = digits + 1 + usize::from(!arrow.label.is_empty());
            row.ascii(column, &prefix[..len]);
            column += len;
        }
        let label = Text {
            text: arrow.label,
            width: arrow.width - arrow.prefix_width(),
            verbatim: arrow.verbatim,
        };
        row.text(column, label);
    }

    /// The marks of arrow `index` in the marks column: `✗ id` for an error, `! id` for a
    /// warning.
    fn marks(&self, row: &mut RowWriter, index: usize) {
        for (column, mark) in self.layout.placed_marks(index) {
            row.glyph(column, self.layout.mark_glyph(mark.severity));
            row.glyph(column + 1, " ");
            row.text(column + 2, Text::new(mark.id));
        }
    }

    /// A divider: `⋯ text ⋯` centred on the canvas, over any lifeline it crosses.
    fn divider<W: Write>(&self, text: &str, width: usize, sink: &mut Sink<W>) -> io::Result<()> {
        let ellipsis = Text::new(self.glyphs.ellipsis);
        let (start, text_start) = self.layout.divider_columns(width);
        sink.row(&self.lifelines, |row| {
            row.text(start, ellipsis);
            row.glyph(text_start - 1, " ");
            row.text(text_start, Text::new(text));
            row.glyph(text_start + width, " ");
            row.text(text_start + width + 1, ellipsis);
        })
    }

    /// A note: its box (`┌─┐`, a `│ line │` row per line, `└─┘`), each line centred.
    fn note<W: Write>(&self, note: &MeasuredNote, sink: &mut Sink<W>) -> io::Result<()> {
        let glyphs = self.glyphs;
        let (left, right) = note_columns(note, &self.layout.lifelines);
        let inner = right - left - 1;
        sink.row(&self.lifelines, |row| {
            row.glyph(left, glyphs.top_left);
            row.run(left + 1, &self.horizontal, inner);
            row.glyph(right, glyphs.top_right);
        })?;
        for line in note.lines() {
            let line = Text::new(line);
            let start = note_line_start(note, &self.layout.lifelines, line.width);
            sink.row(&self.lifelines, |row| {
                row.glyph(left, glyphs.vertical);
                row.run_to(start, &self.spaces);
                row.text(start, line);
                row.run_to(right, &self.spaces);
                row.glyph(right, glyphs.vertical);
            })?;
        }
        sink.row(&self.lifelines, |row| {
            row.glyph(left, glyphs.bottom_left);
            row.run(left + 1, &self.horizontal, inner);
            row.glyph(right, glyphs.bottom_right);
        })
    }

    /// A frame's border row `depth` frames deep: its top with the header (`┌─ alt: x ──┐`),
    /// an `else` divider (`├╌ else: y ╌╌┤`), or its bottom (`└────┘`, `header` `None`).
    /// Where the border crosses a lifeline it shows as `┼`, so lifelines read as unbroken.
    fn frame_border<W: Write>(
        &self,
        depth: usize,
        header: Option<(&str, bool)>,
        sink: &mut Sink<W>,
    ) -> io::Result<()> {
        let glyphs = self.glyphs;
        let (left, right) = self.layout.frame_sides(depth);
        let (start, end, line) = match header {
            Some((_, false)) => (glyphs.top_left, glyphs.top_right, &self.horizontal),
            Some((_, true)) => (glyphs.tee_right, glyphs.tee_left, &self.dashed),
            None => (glyphs.bottom_left, glyphs.bottom_right, &self.horizontal),
        };
        sink.row(&self.lifelines, |row| {
            row.glyph(left, start);
            let mut rest = left + 1;
            if let Some((text, _)) = header {
                let (text, start) = (Text::new(text), self.layout.header_start(depth));
                self.border_line(row, rest, start - 1, line);
                row.glyph(start - 1, " ");
                row.text(start, text);
                row.glyph(start + text.width, " ");
                rest = start + text.width + 1;
            }
            self.border_line(row, rest, right, line);
            row.glyph(right, end);
        })
    }

    /// `line` on the columns `from..to`, with `┼` where it crosses a lifeline.
    fn border_line(&self, row: &mut RowWriter, from: usize, to: usize, line: &Run) {
        let lifelines = &self.layout.lifelines;
        let mut column = from;
        let first = lifelines.partition_point(|&x| x < from);
        for &x in lifelines[first..].iter().take_while(|&&x| x < to) {
            row.run(column, line, x - column);
            row.glyph(x, self.glyphs.cross);
            column = x + 1;
        }
        row.run(column, line, to.saturating_sub(column));
    }

    /// The row of group brackets above the boxes (`top`) or below them: `┌── title ──┐`
    /// and `└───────────┘`, with no lifeline showing.
    fn group_brackets<W: Write>(&self, top: bool, sink: &mut Sink<W>) -> io::Result<()> {
        let glyphs = self.glyphs;
        let (start, end) = if top {
            (glyphs.top_left, glyphs.top_right)
        } else {
            (glyphs.bottom_left, glyphs.bottom_right)
        };
        sink.row(&self.empty, |row| {
            for group in &self.layout.groups {
                row.glyph(group.left, start);
                if top {
                    let at = group.title_start();
                    row.run_to(at - 1, &self.horizontal);
                    row.glyph(at - 1, " ");
                    row.text(at, Text::new(group.title));
                    row.glyph(at + group.title_width, " ");
                }
                row.run_to(group.right, &self.horizontal);
                row.glyph(group.right, end);
            }
        })
    }
}

/// Writes the diagram. A diagram without participants draws nothing at all: with no box
/// there is no column to draw, so not even an empty row.
///
/// Rows are streamed: memory holds the layout and a few rows' worth of bytes, however
/// long the flow. Text cut through the middle of a wide character is drawn with spaces
/// in place of the half left over, so columns never shift (see `row.rs`).
pub fn render_text(diagram: &Diagram, style: TextStyle, out: &mut impl Write) -> io::Result<()> {
    let layout = Layout::new(diagram, style);
    if layout.width == 0 {
        return Ok(());
    }
    let mut painter = Painter::new(&layout);
    let mut sink = Sink {
        buf: Vec::with_capacity(CHUNK + layout.width * 4),
        out,
        trim: style.trim,
        width: layout.width,
    };
    if let Some((title, _)) = layout.title {
        sink.text_line(&[title])?;
        sink.text_line(&[])?;
    }
    if !layout.groups.is_empty() {
        painter.group_brackets(true, &mut sink)?;
    }
    painter.boxes(&mut sink)?;
    for placed in layout.placed() {
        painter.frames(placed.open);
        match *placed.step {
            Step::Arrow(ref arrow) => {
                let (lo, hi) = arrow.ends();
                let (lo, hi) = (layout.lifelines[lo], layout.lifelines[hi]);
                if lo == hi {
                    painter.self_message(lo, arrow, &mut sink)?;
                } else {
                    painter.message((lo, hi), arrow.from < arrow.to, arrow, &mut sink)?;
                }
            }
            Step::Divider { text, width } => painter.divider(text, width, &mut sink)?,
            Step::Note(ref note) => painter.note(note, &mut sink)?,
            Step::Header {
                text,
                depth,
                is_else,
                ..
            } => {
                painter.frame_border(depth, Some((text, is_else)), &mut sink)?;
                // A header is followed by what the fragment holds, not by a blank row.
                continue;
            }
            Step::Close { depth } => painter.frame_border(depth, None, &mut sink)?,
        }
        // Nothing drawn: the blank lifeline row that separates messages.
        painter.blank(&mut sink)?;
    }
    painter.frames(0);
    painter.boxes(&mut sink)?;
    if !layout.groups.is_empty() {
        painter.group_brackets(false, &mut sink)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Severity;
    use crate::render::{Arrow, Divider, Entry, FragmentHeader, Group, Mark, Note};
    use crate::syntax::{FragmentKind, NotePlacement};

    /// A diagram with every kind of part: title, group, note, frames with an `else`, a
    /// divider, a self-message, messages both ways, and a mark.
    fn everything() -> Diagram<'static> {
        let arrow = |from, to, label| Entry::Arrow(Arrow { from, to, label });
        Diagram {
            participants: vec!["client", "認可サーバー", "api"],
            entries: vec![
                arrow(0, 0, "click"),
                Entry::Open(FragmentHeader::new(
                    FragmentKind::Alt,
                    None,
                    Some("ok"),
                    false,
                )),
                arrow(0, 1, "request"),
                Entry::Note(Note {
                    placement: NotePlacement::RightOf,
                    first: 1,
                    last: 1,
                    text: "a note\nof two lines",
                }),
                Entry::Else(FragmentHeader::new(
                    FragmentKind::Alt,
                    None,
                    Some("not ok"),
                    true,
                )),
                arrow(2, 0, "refused"),
                Entry::Close,
                Entry::Divider(Divider {
                    text: "1m later".to_string(),
                }),
                arrow(1, 2, "token"),
            ],
            groups: vec![Group {
                title: "Server",
                first: 1,
                last: 2,
            }],
            title: Some("Everything"),
            marks: vec![Mark {
                arrow: 3,
                id: "state_match",
                severity: Severity::Error,
                line: 9,
                message: "the state differs",
            }],
            ..Diagram::default()
        }
    }

    /// The text diagram draws each part on the row the layout gives it, so the SVG (which
    /// draws at those rows) and the text agree.
    #[test]
    fn every_part_is_on_the_row_the_layout_gives_it() {
        let diagram = everything();
        let layout = Layout::new(&diagram, TextStyle::default());
        let text = render_text_to_string(&diagram, TextStyle::default());
        let lines: Vec<&str> = text.lines().collect();
        let rows = layout.rows;
        assert_eq!(lines.len(), rows.height);
        assert_eq!(lines[rows.title.unwrap()].trim_end(), "Everything");
        assert!(lines[rows.brackets_top.unwrap()].contains("─ Server ─"));
        assert!(lines[rows.boxes_top + 1].contains("│ 認可サーバー │"));
        assert!(lines[rows.boxes_bottom + 1].contains("│ client │"));
        assert!(lines[rows.brackets_bottom.unwrap()].contains("└────"));
        assert!(lines[rows.legend.unwrap() + 1].starts_with("✗ error[state_match] line 9"));
        let mut seen = 0;
        for placed in layout.placed() {
            let line = |offset: usize| lines[placed.row + offset];
            match placed.step {
                Step::Arrow(arrow) if arrow.from == arrow.to => {
                    assert!(line(0).contains("│─┐"), "{}", line(0));
                    assert!(line(1).contains(arrow.label));
                    assert!(line(2).contains("│◀┘"));
                }
                Step::Arrow(arrow) => {
                    assert!(line(0).contains(arrow.label));
                    assert!(line(1).contains("──▶") || line(1).contains("◀──"));
                }
                Step::Note(_) => {
                    assert!(line(1).contains("│    a note    │"), "{}", line(1));
                    assert!(line(2).contains("│ of two lines │"), "{}", line(2));
                }
                Step::Divider { text, .. } => assert!(line(0).contains(&format!("⋯ {text} ⋯"))),
                Step::Header { text, .. } => assert!(line(0).contains(&format!(" {text} "))),
                Step::Close { depth } => {
                    let (left, _) = layout.frame_sides(*depth);
                    let (row, header, _) = placed.opened.unwrap();
                    assert!(lines[row].contains(header));
                    assert_eq!(line(0).chars().nth(left), Some('└'));
                }
            }
            seen += 1;
        }
        assert_eq!(seen, 9);
        // The frame's sides run along the rows inside it, not along the rows after it.
        let inside = layout.placed().find(|p| p.open == 1).unwrap();
        assert!(lines[inside.row].starts_with('│'));
        let after = layout.placed().last().unwrap();
        assert!(lines[after.row].starts_with(' '));
    }

    #[test]
    fn hand_built_overlaps_keep_every_row_the_canvas_width() {
        // Groups that overlap and a note on a missing participant: drawn without a panic,
        // and no row comes out shorter or longer than the canvas.
        let mut diagram = everything();
        diagram.marks.clear();
        diagram.groups.push(Group {
            title: "漢字のグループ",
            first: 0,
            last: 1,
        });
        diagram.entries.push(Entry::Note(Note {
            placement: NotePlacement::Over,
            first: 0,
            last: 9,
            text: "lost",
        }));
        for ascii in [false, true] {
            let style = TextStyle { ascii, trim: false };
            let width = Layout::new(&diagram, style).width;
            let text = render_text_to_string(&diagram, style);
            for line in text.lines() {
                assert_eq!(width::width(line), width, "{line:?}");
            }
        }
    }
}
