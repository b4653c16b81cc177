//! The diagram as a standalone SVG picture, on the text diagram's grid.
//!
//! The columns come from the shared [`Layout`] and the rows are the text
//! diagram's rows, so every box, lifeline, arrow and label sits where its characters would:
//! a cell is [`CELL_WIDTH`] by [`ROW_HEIGHT`], the advance and line height of a 14 px
//! monospace font. Lines run through the middle of their cells, as box-drawing characters
//! do. Labels are centred on the cells the text diagram gives them, so a font slightly
//! wider or narrower than the grid (CJK glyphs often are) stays centred.
//!
//! The picture is written element by element, top to bottom, like the text rows: memory
//! holds the layout and the output buffer, however long the flow. Output is deterministic
//! (no ids, no dates) and every coordinate is a whole number of tenths of a pixel.

use std::fmt;
use std::io::{self, BufWriter, Write};

use super::CHUNK;
use super::layout::{Layout, Measured, MeasuredNote, Step, note_columns, note_line_start};
use super::width;
use super::{Diagram, TextStyle};
use crate::Severity;

/// Width of one column, in tenths of a pixel.
const CELL_WIDTH: usize = 84;
/// Height of one row, in tenths of a pixel.
const ROW_HEIGHT: usize = 160;
/// Text baseline below the top of its row, in tenths of a pixel.
const BASELINE: usize = 120;
/// Arrow head length and half its height, in tenths of a pixel.
const HEAD_LENGTH: usize = 80;
const HEAD_HALF: usize = 40;
/// Dash and gap lengths of a divider's line, in pixels: a cell and half a cell.
const DASHES: &str = "8.4 4.2";

const STYLE: &str = "\
rect{fill:#fff;stroke:#000}\
line,path{fill:none;stroke:#000}\
path.head{fill:#000;stroke:none}\
rect.under{stroke:none}\
text{font-family:monospace;font-size:14px;fill:#000}\
text.mid{text-anchor:middle}";

/// The rules only the extensions use, written only when the picture has one, so a plain
/// flow's picture stays as it was.
const EXTENSION_STYLE: &str = "\
rect.frame{fill:none}\
line.else{stroke-dasharray:4.2 4.2}\
text.error{fill:#c00}\
text.warning{fill:#a60}\
text.heading{font-weight:bold}";

/// A length in tenths of a pixel, printed in pixels.
#[derive(Clone, Copy)]
struct Px(usize);

impl fmt::Display for Px {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 % 10 {
            0 => write!(f, "{}", self.0 / 10),
            tenths => write!(f, "{}.{tenths}", self.0 / 10),
        }
    }
}

/// Left edge of a column.
fn left(column: usize) -> usize {
    column * CELL_WIDTH
}

/// Middle of a column: where a vertical line drawn in it runs.
fn centre(column: usize) -> usize {
    left(column) + CELL_WIDTH / 2
}

fn top(row: usize) -> usize {
    row * ROW_HEIGHT
}

/// Middle of a row: where a horizontal line drawn in it runs.
fn middle(row: usize) -> usize {
    top(row) + ROW_HEIGHT / 2
}

/// Writes the diagram as an SVG document. A diagram without participants is an empty
/// picture, 0 by 0. Arrows naming a participant that does not exist are left out.
pub fn render_svg(diagram: &Diagram, out: &mut impl Write) -> io::Result<()> {
    write_svg(diagram, false, out)
}

/// [`render_svg`], with each message drawn in its own `<g class="msg" id="msg-N"
/// data-step="N">` group, N counting messages from 1 in flow order: a page that steps
/// through the flow highlights the current message by its number.
pub fn render_svg_steps(diagram: &Diagram, out: &mut impl Write) -> io::Result<()> {
    write_svg(diagram, true, out)
}

fn write_svg(diagram: &Diagram, grouped: bool, out: &mut impl Write) -> io::Result<()> {
    // The grid of the default text diagram.
    let layout = Layout::new(diagram, TextStyle::default());
    let mut out = BufWriter::with_capacity(CHUNK, out);
    let rows = layout.rows;
    let columns = layout
        .legend
        .iter()
        .map(|line| width::width(line))
        .fold(layout.width, usize::max);
    let (w, h) = (Px(left(columns)), Px(top(rows.height)));
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" xml:space="preserve">"#
    )?;
    if rows.height > 0 {
        if let Some((title, _)) = layout.title {
            writeln!(out, "<title>{}</title>", Xml(title))?;
        }
        let extended = layout.title.is_some()
            || !layout.groups.is_empty()
            || !layout.marks.is_empty()
            || layout
                .steps
                .iter()
                .any(|step| matches!(step, Step::Header { .. }));
        let extension = if extended { EXTENSION_STYLE } else { "" };
        writeln!(out, "<style>{STYLE}{extension}</style>")?;
        writeln!(out, r#"<rect class="under" width="{w}" height="{h}"/>"#)?;
        if let (Some((title, _)), Some(row)) = (layout.title, rows.title) {
            writeln!(
                out,
                r#"<text class="heading" x="0" y="{}">{}</text>"#,
                Px(top(row) + BASELINE),
                Xml(title)
            )?;
        }
        if let (Some(row), Some(bottom)) = (rows.brackets_top, rows.brackets_bottom) {
            draw_groups(&layout, row, bottom, &mut out)?;
        }
        draw_boxes(&layout, rows.boxes_top, &mut out)?;
        for &x in &layout.lifelines {
            let (x, y1, y2) = (
                Px(centre(x)),
                Px(middle(rows.boxes_top + 2)),
                Px(middle(rows.boxes_bottom)),
            );
            writeln!(out, r#"<line x1="{x}" y1="{y1}" x2="{x}" y2="{y2}"/>"#)?;
        }
        let mut messages = 0;
        for placed in layout.placed() {
            let (step, row) = (placed.step, placed.row);
            if grouped && matches!(step, Step::Arrow(_)) {
                messages += 1;
                writeln!(
                    out,
                    r#"<g class="msg" id="msg-{messages}" data-step="{messages}">"#
                )?;
            }
            match step {
                Step::Arrow(arrow) if arrow.from == arrow.to => {
                    draw_self_message(&layout, row, arrow, &mut out)?;
                    draw_marks(&layout, arrow.index, row + 2, &mut out)?;
                }
                Step::Arrow(arrow) => {
                    draw_message(&layout, row, arrow, &mut out)?;
                    draw_marks(&layout, arrow.index, row + 1, &mut out)?;
                }
                &Step::Divider { text, width } => {
                    draw_divider(&layout, row, text, width, &mut out)?;
                }
                Step::Note(note) => draw_note(&layout, row, note, &mut out)?,
                &Step::Header {
                    text,
                    width,
                    depth,
                    is_else: true,
                } => {
                    let (first, last) = layout.frame_sides(depth);
                    let y = Px(middle(row));
                    writeln!(
                        out,
                        r#"<line class="else" x1="{}" y1="{y}" x2="{}" y2="{y}"/>"#,
                        Px(centre(first)),
                        Px(centre(last))
                    )?;
                    frame_header(layout.header_start(depth), row, text, width, &mut out)?;
                }
                // A frame is drawn when it closes, and its header over it.
                Step::Header { .. } => {}
                &Step::Close { depth } => {
                    let (start, text, width) = placed.opened.unwrap_or((row, "", 0));
                    let (first, last) = layout.frame_sides(depth);
                    writeln!(
                        out,
                        r#"<rect class="frame" x="{}" y="{}" width="{}" height="{}"/>"#,
                        Px(centre(first)),
                        Px(middle(start)),
                        Px(centre(last) - centre(first)),
                        Px(middle(row) - middle(start))
                    )?;
                    frame_header(layout.header_start(depth), start, text, width, &mut out)?;
                }
            }
            if grouped && matches!(step, Step::Arrow(_)) {
                writeln!(out, "</g>")?;
            }
        }
        draw_boxes(&layout, rows.boxes_bottom, &mut out)?;
        if let Some(blank) = rows.legend {
            for (i, line) in layout.legend.iter().enumerate() {
                let y = Px(top(blank + 1 + i) + BASELINE);
                writeln!(out, r#"<text x="0" y="{y}">{}</text>"#, Xml(line))?;
            }
        }
    }
    writeln!(out, "</svg>")?;
    out.flush()
}

/// A frame's header or `else` text in row `row`, from column `start` where the text
/// diagram writes it, over a blank patch one cell wider each side.
fn frame_header(
    start: usize,
    row: usize,
    text: &str,
    width: usize,
    out: &mut impl Write,
) -> io::Result<()> {
    blank(start - 1, start + 1 + width, row, out)?;
    let (x, y) = (Px(left(start)), Px(top(row) + BASELINE));
    writeln!(out, r#"<text x="{x}" y="{y}">{}</text>"#, Xml(text))
}

/// The marks of arrow `index` in row `row`, each `✗ id` where the text diagram writes it,
/// red for an error and amber for a warning.
fn draw_marks(layout: &Layout, index: usize, row: usize, out: &mut impl Write) -> io::Result<()> {
    for (column, mark) in layout.placed_marks(index) {
        let class = match mark.severity {
            Severity::Error => "error",
            _ => "warning",
        };
        let (x, y) = (Px(left(column)), Px(top(row) + BASELINE));
        writeln!(
            out,
            r#"<text class="{class}" x="{x}" y="{y}">{} {}</text>"#,
            layout.mark_glyph(mark.severity),
            Xml(mark.id)
        )?;
    }
    Ok(())
}

/// A note's box from row `row`, its lines centred inside as in the text diagram.
fn draw_note(
    layout: &Layout,
    row: usize,
    note: &MeasuredNote,
    out: &mut impl Write,
) -> io::Result<()> {
    let (first, last) = note_columns(note, &layout.lifelines);
    writeln!(
        out,
        r#"<rect x="{}" y="{}" width="{}" height="{}"/>"#,
        Px(centre(first)),
        Px(middle(row)),
        Px(centre(last) - centre(first)),
        Px((note.lines + 1) * ROW_HEIGHT)
    )?;
    for (i, line) in note.lines().enumerate() {
        let width = width::width(line);
        if width > 0 {
            let start = note_line_start(note, &layout.lifelines, width);
            centred_text(start, start + width, row + 1 + i, line, out)?;
        }
    }
    Ok(())
}

/// The frames of participant boxes: from the bracket row above the boxes (`row`) to the
/// one below (`bottom`), the title centred on the top edge over a blank patch.
fn draw_groups(layout: &Layout, row: usize, bottom: usize, out: &mut impl Write) -> io::Result<()> {
    for group in &layout.groups {
        writeln!(
            out,
            r#"<rect class="frame" x="{}" y="{}" width="{}" height="{}"/>"#,
            Px(centre(group.left)),
            Px(middle(row)),
            Px(centre(group.right) - centre(group.left)),
            Px(middle(bottom) - middle(row))
        )?;
        let start = group.title_start();
        blank(start - 1, start + group.title_width + 1, row, out)?;
        centred_text(start, start + group.title_width, row, group.title, out)?;
    }
    Ok(())
}

/// The boxes whose top border is in row `row`, with their text.
fn draw_boxes(layout: &Layout, row: usize, out: &mut impl Write) -> io::Result<()> {
    for (name, first, last) in layout.boxes() {
        let (x, y) = (Px(centre(first)), Px(middle(row)));
        let (width, height) = (Px(centre(last) - centre(first)), Px(2 * ROW_HEIGHT));
        writeln!(
            out,
            r#"<rect x="{x}" y="{y}" width="{width}" height="{height}"/>"#
        )?;
        centred_text(first, last + 1, row + 1, name, out)?;
    }
    Ok(())
}

/// A message between two lifelines: the label centred between them in row `row`, over a
/// blank patch where it crosses a lifeline, and the arrow in the row below, its head on
/// the receiver's lifeline.
fn draw_message(
    layout: &Layout,
    row: usize,
    arrow: &Measured,
    out: &mut impl Write,
) -> io::Result<()> {
    if arrow.width > 0 {
        let start = layout.label_start(arrow);
        let end = start + arrow.width;
        let crossed = layout.lifelines.partition_point(|&x| x < start);
        if layout.lifelines.get(crossed).is_some_and(|&x| x < end) {
            blank(start, end, row, out)?;
        }
        centred_text(start, end, row, &arrow.drawn_label(), out)?;
    }
    let (from, to) = (
        centre(layout.lifelines[arrow.from]),
        centre(layout.lifelines[arrow.to]),
    );
    let base = if from < to {
        to - HEAD_LENGTH
    } else {
        to + HEAD_LENGTH
    };
    let y = middle(row + 1);
    writeln!(
        out,
        r#"<line x1="{}" y1="{}" x2="{}" y2="{}"/>"#,
        Px(from),
        Px(y),
        Px(base),
        Px(y)
    )?;
    head(to, base, y, out)
}

/// A self-message from row `row`: a loop out to two columns right of the lifeline and
/// back in two rows lower, the head on the lifeline, and the label after the loop in the
/// middle row.
fn draw_self_message(
    layout: &Layout,
    row: usize,
    arrow: &Measured,
    out: &mut impl Write,
) -> io::Result<()> {
    let x = layout.lifelines[arrow.from];
    let (tip, base, turn) = (centre(x), centre(x) + HEAD_LENGTH, centre(x + 2));
    let (y1, y2) = (middle(row), middle(row + 2));
    writeln!(
        out,
        r#"<path d="M{},{}H{}V{}H{}"/>"#,
        Px(tip),
        Px(y1),
        Px(turn),
        Px(y2),
        Px(base)
    )?;
    head(tip, base, y2, out)?;
    if arrow.width > 0 {
        let (x, y) = (
            Px(left(layout.label_start(arrow))),
            Px(top(row + 1) + BASELINE),
        );
        writeln!(
            out,
            r#"<text x="{x}" y="{y}">{}</text>"#,
            Xml(&arrow.drawn_label())
        )?;
    }
    Ok(())
}

/// A divider in row `row`: a dashed line across the whole canvas, from the middle of its
/// first column to the middle of its last, and the text centred on the cells the text
/// diagram gives it, over a blank patch one cell wider on each side. The text is centred
/// on the canvas, so the line's two halves are as long (to half a cell); each is drawn
/// from its outer end in to the patch, so that both ends start with a whole dash.
fn draw_divider(
    layout: &Layout,
    row: usize,
    text: &str,
    width: usize,
    out: &mut impl Write,
) -> io::Result<()> {
    let (_, text_start) = layout.divider_columns(width);
    let end = text_start + width;
    let (outer_left, outer_right) = (centre(0), centre(layout.width - 1));
    let y = middle(row);
    if width == 0 {
        return dashes(outer_left, outer_right, y, out);
    }
    dashes(outer_left, left(text_start - 1), y, out)?;
    dashes(outer_right, left(end + 1), y, out)?;
    blank(text_start - 1, end + 1, row, out)?;
    centred_text(text_start, end, row, text, out)
}

/// A blank patch over columns `start..end` of row `row`, hiding the lines under it.
fn blank(start: usize, end: usize, row: usize, out: &mut impl Write) -> io::Result<()> {
    let (x, y) = (Px(left(start)), Px(top(row)));
    let (width, height) = (Px(left(end - start)), Px(ROW_HEIGHT));
    writeln!(
        out,
        r#"<rect class="under" x="{x}" y="{y}" width="{width}" height="{height}"/>"#
    )
}

/// `text` centred on columns `start..end` of row `row`.
fn centred_text(
    start: usize,
    end: usize,
    row: usize,
    text: &str,
    out: &mut impl Write,
) -> io::Result<()> {
    let (x, y) = (Px((left(start) + left(end)) / 2), Px(top(row) + BASELINE));
    writeln!(
        out,
        r#"<text class="mid" x="{x}" y="{y}">{}</text>"#,
        Xml(text)
    )
}

/// A dashed line on height `y`, its dashes counted from `from`.
fn dashes(from: usize, to: usize, y: usize, out: &mut impl Write) -> io::Result<()> {
    let (x1, x2, y) = (Px(from), Px(to), Px(y));
    writeln!(
        out,
        r#"<line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke-dasharray="{DASHES}"/>"#
    )
}

/// A filled arrow head with its point at `tip` and its base at `base`, on height `y`.
fn head(tip: usize, base: usize, y: usize, out: &mut impl Write) -> io::Result<()> {
    writeln!(
        out,
        r#"<path class="head" d="M{},{}L{},{}V{}Z"/>"#,
        Px(tip),
        Px(y),
        Px(base),
        Px(y - HEAD_HALF),
        Px(y + HEAD_HALF)
    )
}

/// Text as XML character data: markup characters escaped, and drawn as the text diagram
/// draws it, cluster by cluster, so control characters (which XML forbids) are U+FFFD.
struct Xml<'a>(&'a str);

impl fmt::Display for Xml<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (cluster, _) in width::clusters(self.0) {
            for c in cluster.chars() {
                match c {
                    '&' => f.write_str("&amp;")?,
                    '<' => f.write_str("&lt;")?,
                    '>' => f.write_str("&gt;")?,
                    '"' => f.write_str("&quot;")?,
                    '\'' => f.write_str("&apos;")?,
                    // Not characters in XML 1.0, or (bidi controls) not what they seem.
                    '\u{FFFE}' | '\u{FFFF}' => f.write_str("\u{FFFD}")?,
                    c if c.is_control() || crate::sanitize::is_bidi_control(c) => {
                        f.write_str("\u{FFFD}")?
                    }
                    c => write!(f, "{c}")?,
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_print_as_pixels() {
        assert_eq!(Px(0).to_string(), "0");
        assert_eq!(Px(84).to_string(), "8.4");
        assert_eq!(Px(160).to_string(), "16");
        assert_eq!(Px(1234).to_string(), "123.4");
    }

    #[test]
    fn text_is_escaped_and_has_no_control_characters() {
        assert_eq!(
            Xml("<a & 'b'> \"c\"").to_string(),
            "&lt;a &amp; &apos;b&apos;&gt; &quot;c&quot;"
        );
        assert_eq!(Xml("a\tb\u{FFFF}").to_string(), "a\u{FFFD}b\u{FFFD}");
        assert_eq!(Xml("вход 認可").to_string(), "вход 認可");
    }

    #[test]
    fn no_participants_is_an_empty_picture() {
        let mut out = Vec::new();
        render_svg(&Diagram::default(), &mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(out.ends_with("viewBox=\"0 0 0 0\" xml:space=\"preserve\">\n</svg>\n"));
    }
}
