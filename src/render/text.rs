//! The box diagram as text, by the rules of `spec/diagram-layout.md`, plus one extension
//! the spec allows: a `wait` is a divider, two rows with `⋯ 11m later ⋯` centred on the
//! canvas (widened for it when it is wider) and a blank lifeline row.
//!
//! Rendering is two steps so that output of any length streams in constant memory per
//! row: [`Layout`] fixes every column from the whole diagram first (lifelines depend on
//! every label), then rows are drawn one at a time on one reused [`Row`] and written out
//! in large chunks.

use std::io::{self, Write};

use super::row::Row;
use super::width;
use super::{Diagram, Entry, TextStyle};

/// Output is handed to the writer in chunks of about this size: large enough to keep
/// write calls rare, small enough to stay in cache.
pub(crate) const CHUNK: usize = 64 * 1024;

/// The drawing characters of one style.
struct Glyphs {
    horizontal: &'static str,
    vertical: &'static str,
    top_left: &'static str,
    top_right: &'static str,
    bottom_left: &'static str,
    bottom_right: &'static str,
    right_head: &'static str,
    left_head: &'static str,
    /// Drawn on both sides of a divider's text.
    ellipsis: &'static str,
}

const UNICODE: Glyphs = Glyphs {
    horizontal: "─",
    vertical: "│",
    top_left: "┌",
    top_right: "┐",
    bottom_left: "└",
    bottom_right: "┘",
    right_head: "▶",
    left_head: "◀",
    ellipsis: "⋯",
};

const ASCII: Glyphs = Glyphs {
    horizontal: "-",
    vertical: "|",
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    right_head: ">",
    left_head: "<",
    ellipsis: "...",
};

/// An arrow with its label measured, endpoints known to be valid participants.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Measured<'a> {
    pub(crate) from: usize,
    pub(crate) to: usize,
    pub(crate) label: &'a str,
    pub(crate) width: usize,
}

impl Measured<'_> {
    /// The participant indices at its two ends, left one first.
    pub(crate) fn ends(&self) -> (usize, usize) {
        (self.from.min(self.to), self.from.max(self.to))
    }
}

/// What is drawn between the box rows, measured, in flow order.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Step<'a> {
    Arrow(Measured<'a>),
    /// A time divider: its text and the text's width.
    Divider {
        text: &'a str,
        width: usize,
    },
}

/// Every column of the diagram in one style, fixed before the first row is drawn. The
/// other renderers (`svg.rs`) draw on the default style's columns, so they read it too.
pub(crate) struct Layout<'a> {
    glyphs: &'static Glyphs,
    names: Vec<&'a str>,
    box_widths: Vec<usize>,
    pub(crate) lifelines: Vec<usize>,
    pub(crate) steps: Vec<Step<'a>>,
    /// Canvas width: every row is padded to it.
    pub(crate) width: usize,
}

impl<'a> Layout<'a> {
    /// Arrows naming a participant that does not exist are left out: there is no column
    /// to draw them at, and a renderer must not fail on a hand-built [`Diagram`].
    ///
    /// Only dividers depend on the style (ASCII ellipses are wider), and only when one is
    /// wider than the canvas.
    pub(crate) fn new(diagram: &'a Diagram<'a>, style: TextStyle) -> Layout<'a> {
        let glyphs = if style.ascii { &ASCII } else { &UNICODE };
        let names = diagram.participants.clone();
        let box_widths: Vec<usize> = names.iter().map(|name| width::width(name) + 4).collect();
        let steps: Vec<Step<'a>> = diagram
            .entries
            .iter()
            .filter_map(|entry| match entry {
                Entry::Arrow(arrow) => {
                    (arrow.from < names.len() && arrow.to < names.len()).then(|| {
                        Step::Arrow(Measured {
                            from: arrow.from,
                            to: arrow.to,
                            label: arrow.label,
                            width: width::width(arrow.label),
                        })
                    })
                }
                Entry::Divider(divider) => Some(Step::Divider {
                    text: &divider.text,
                    width: width::width(&divider.text),
                }),
            })
            .collect();
        let gaps = gaps(&box_widths, arrows(&steps));
        let lifelines = lifelines(&box_widths, &gaps);
        let margin = divider_margin(glyphs);
        let width = canvas_width(&box_widths, &lifelines, &steps, margin);
        Layout {
            glyphs,
            names,
            box_widths,
            lifelines,
            steps,
            width,
        }
    }

    /// Where the row of a divider whose text is `width` wide starts (its first ellipsis),
    /// centred on the canvas, and where the text itself starts.
    pub(crate) fn divider_columns(&self, width: usize) -> (usize, usize) {
        let margin = divider_margin(self.glyphs);
        let start = self.width.saturating_sub(width + 2 * margin) / 2;
        (start, start + margin)
    }

    /// Each participant's box: its text and its leftmost and rightmost columns.
    pub(crate) fn boxes(&self) -> impl Iterator<Item = (&'a str, usize, usize)> + '_ {
        self.names
            .iter()
            .zip(&self.box_widths)
            .zip(&self.lifelines)
            .map(|((name, width), x)| (*name, x - width / 2, x - width / 2 + width - 1))
    }
}

/// The arrows among the steps.
fn arrows<'s, 'a>(steps: &'s [Step<'a>]) -> impl Iterator<Item = &'s Measured<'a>> + Clone {
    steps.iter().filter_map(|step| match step {
        Step::Arrow(arrow) => Some(arrow),
        Step::Divider { .. } => None,
    })
}

/// Columns a divider's row takes on each side of its text: an ellipsis and a space.
fn divider_margin(glyphs: &Glyphs) -> usize {
    width::width(glyphs.ellipsis) + 1
}

/// The blank columns between each lifeline and the next, by the spec's two rules: each
/// gap first takes the smallest even width its boxes and its own messages need, then
/// every message spanning several gaps, in flow order, widens the rightmost gap it spans
/// if the columns between its ends are too few for its label.
///
/// The second rule depends on the widths grown by earlier messages, so it keeps running
/// sums in a Fenwick tree: O((messages + participants) · log participants) in all, where
/// summing the spanned gaps directly would cost messages × participants.
fn gaps<'s, 'a: 's>(
    box_widths: &[usize],
    arrows: impl Iterator<Item = &'s Measured<'a>> + Clone,
) -> Vec<usize> {
    let mut need: Vec<usize> = box_widths
        .windows(2)
        .map(|pair| (pair[0] - pair[0] / 2) + pair[1] / 2)
        .collect();
    for arrow in arrows.clone() {
        let (lo, hi) = arrow.ends();
        let floor = match hi - lo {
            1 => arrow.width + 4,
            0 => arrow.width + 5,
            _ => continue,
        };
        // A self-message of the last participant has no gap: it widens the canvas instead.
        if let Some(gap) = need.get_mut(lo) {
            *gap = (*gap).max(floor);
        }
    }
    let mut gaps: Vec<usize> = need.into_iter().map(round_up_even).collect();
    let mut sums = Fenwick::new(&gaps);
    for arrow in arrows {
        let (lo, hi) = arrow.ends();
        if hi - lo < 2 {
            continue;
        }
        let between = sums.prefix(hi) - sums.prefix(lo) + (hi - lo - 1);
        let need = arrow.width + 4;
        if between < need {
            let grow = round_up_even(need - between);
            gaps[hi - 1] += grow;
            sums.add(hi - 1, grow);
        }
    }
    gaps
}

fn round_up_even(n: usize) -> usize {
    n + n % 2
}

/// Lifeline columns: the first box starts at column 0, each box is centred on its
/// lifeline, and each next lifeline comes one column after the gap.
fn lifelines(box_widths: &[usize], gaps: &[usize]) -> Vec<usize> {
    let Some(first) = box_widths.first() else {
        return Vec::new();
    };
    let mut column = first / 2;
    let mut lifelines = Vec::with_capacity(box_widths.len());
    lifelines.push(column);
    for gap in gaps {
        column += gap + 1;
        lifelines.push(column);
    }
    lifelines
}

/// The rightmost column any box or self-message draws, plus 2 (one trailing blank
/// column); 0 when there is no box to draw. A self-message reaches the end of its label,
/// `x + 3 + label width`: with an empty label that is the space after its `│`, which
/// the spec draws too. A divider's row (its text with `margin` columns on each side)
/// keeps one blank column on both sides of it: it is centred on the canvas.
fn canvas_width(box_widths: &[usize], lifelines: &[usize], steps: &[Step], margin: usize) -> usize {
    let boxes = box_widths
        .iter()
        .zip(lifelines)
        .map(|(width, x)| x - width / 2 + width - 1);
    let loops = arrows(steps)
        .filter(|arrow| arrow.from == arrow.to)
        .map(|arrow| lifelines[arrow.from] + 3 + arrow.width);
    let Some(rightmost) = boxes.chain(loops).max() else {
        return 0;
    };
    let dividers = steps.iter().filter_map(|step| match step {
        Step::Divider { width, .. } => Some(width + 2 * margin + 2),
        Step::Arrow(_) => None,
    });
    dividers.fold(rightmost + 2, usize::max)
}

/// Collects rows into chunks for the writer.
struct Sink<'w, W: Write> {
    buf: Vec<u8>,
    out: &'w mut W,
    trim: bool,
}

impl<W: Write> Sink<'_, W> {
    /// Ends the row drawn on `row`: encodes it into the chunk and blanks it again.
    fn emit(&mut self, row: &mut Row) -> io::Result<()> {
        let start = self.buf.len();
        row.finish(&mut self.buf);
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
    };
    draw_boxes(&layout, glyphs, &mut row, &mut sink)?;
    for step in &layout.steps {
        match step {
            Step::Arrow(arrow) => {
                let (lo, hi) = arrow.ends();
                let (lo, hi) = (layout.lifelines[lo], layout.lifelines[hi]);
                if lo == hi {
                    draw_self_message(lo, arrow.label, glyphs, &mut row, &mut sink)?;
                } else {
                    let right = arrow.from < arrow.to;
                    draw_message(lo, hi, right, arrow, glyphs, &mut row, &mut sink)?;
                }
            }
            &Step::Divider { text, width } => {
                draw_divider(&layout, text, width, &mut row, &mut sink)?;
            }
        }
        // Nothing drawn: the blank lifeline row that separates messages.
        sink.emit(&mut row)?;
    }
    draw_boxes(&layout, glyphs, &mut row, &mut sink)?;
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
/// (over any lifeline it crosses), then the arrow.
fn draw_message<'t, W: Write>(
    lo: usize,
    hi: usize,
    right: bool,
    arrow: &Measured<'t>,
    glyphs: &Glyphs,
    row: &mut Row<'t>,
    sink: &mut Sink<W>,
) -> io::Result<()> {
    let between = hi - lo - 1;
    row.put_text(
        lo + 1 + between.saturating_sub(arrow.width) / 2,
        arrow.label,
    );
    sink.emit(row)?;
    row.put_run(lo + 1, glyphs.horizontal, between);
    if right {
        row.put(hi - 1, glyphs.right_head);
    } else {
        row.put(lo + 1, glyphs.left_head);
    }
    sink.emit(row)
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

/// A self-message on lifeline `x`: `─┐`, `│ label`, `◀┘`.
fn draw_self_message<'t, W: Write>(
    x: usize,
    label: &'t str,
    glyphs: &Glyphs,
    row: &mut Row<'t>,
    sink: &mut Sink<W>,
) -> io::Result<()> {
    row.put(x + 1, glyphs.horizontal);
    row.put(x + 2, glyphs.top_right);
    sink.emit(row)?;
    row.put(x + 2, glyphs.vertical);
    row.put(x + 3, " ");
    row.put_text(x + 4, label);
    sink.emit(row)?;
    row.put(x + 1, glyphs.left_head);
    row.put(x + 2, glyphs.bottom_right);
    sink.emit(row)
}

/// Prefix sums that stay cheap to query while single values grow.
struct Fenwick {
    /// 1-based: `tree[i]` sums the values `i - lowbit(i) .. i` (0-based, end exclusive).
    tree: Vec<usize>,
}

impl Fenwick {
    fn new(values: &[usize]) -> Fenwick {
        let mut tree = vec![0; values.len() + 1];
        tree[1..].copy_from_slice(values);
        for i in 1..tree.len() {
            let parent = i + (i & i.wrapping_neg());
            if parent < tree.len() {
                tree[parent] += tree[i];
            }
        }
        Fenwick { tree }
    }

    fn add(&mut self, index: usize, amount: usize) {
        let mut i = index + 1;
        while i < self.tree.len() {
            self.tree[i] += amount;
            i += i & i.wrapping_neg();
        }
    }

    /// Sum of the values before `end`.
    fn prefix(&self, end: usize) -> usize {
        let mut sum = 0;
        let mut i = end.min(self.tree.len() - 1);
        while i > 0 {
            sum += self.tree[i];
            i &= i - 1;
        }
        sum
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::{Arrow, Divider};

    fn measured(from: usize, to: usize, label: &str) -> Measured<'_> {
        Measured {
            from,
            to,
            label,
            width: width::width(label),
        }
    }

    fn steps<'a>(arrows: &[Measured<'a>]) -> Vec<Step<'a>> {
        arrows.iter().copied().map(Step::Arrow).collect()
    }

    /// The seed flow: fe, auth_server_be, auth_server_fe, be.
    fn seed() -> (Vec<usize>, Vec<Measured<'static>>) {
        let boxes = ["fe", "auth_server_be", "auth_server_fe", "be"]
            .iter()
            .map(|name| name.len() + 4)
            .collect();
        let arrows = [
            (0, 0, "click"),
            (0, 1, "redirect"),
            (1, 2, "redirect"),
            (2, 2, "enter "),
            (2, 1, "login, permission"),
            (1, 1, "verify"),
            (1, 0, "code"),
            (0, 3, ""),
            (3, 1, "request token"),
            (1, 0, "access token"),
            (0, 3, "access token"),
            (3, 0, "response"),
        ]
        .into_iter()
        .map(|(from, to, label)| measured(from, to, label))
        .collect();
        (boxes, arrows)
    }

    #[test]
    fn worked_check_of_the_spec() {
        let (boxes, arrows) = seed();
        let gaps = gaps(&boxes, arrows.iter());
        assert_eq!(gaps, [16, 22, 12]);
        let lifelines = lifelines(&boxes, &gaps);
        assert_eq!(lifelines, [3, 20, 43, 56]);
        assert_eq!(canvas_width(&boxes, &lifelines, &steps(&arrows), 2), 60);
    }

    #[test]
    fn gap_is_the_even_maximum_of_boxes_and_neighbour_labels() {
        // Boxes alone: 6 - 3 + 2 = 5, rounded up to 6.
        assert_eq!(gaps(&[6, 5], [].iter()), [6]);
        // A label between neighbours needs its width + 4, either direction.
        assert_eq!(gaps(&[6, 6], [measured(1, 0, "0123456789")].iter()), [14]);
        // A self-message needs its width + 5, on the gap to its right: 15 -> 16.
        assert_eq!(gaps(&[6, 6], [measured(0, 0, "0123456789")].iter()), [16]);
        // Wide characters count two columns: 3 × 2 + 4 = 10.
        assert_eq!(gaps(&[6, 6], [measured(0, 1, "認可者")].iter()), [10]);
    }

    #[test]
    fn long_label_grows_the_rightmost_spanned_gap_by_the_even_shortfall() {
        // Gaps start at 6, 6, 6; 0 -> 3 has 6 + 6 + 6 + 2 = 20 columns between its ends
        // and needs 25 + 4 = 29: short by 9, so the last gap grows by 10.
        let label = "x".repeat(25);
        let arrows = [measured(0, 3, &label)];
        assert_eq!(gaps(&[6, 6, 6, 6], arrows.iter()), [6, 6, 16]);
        // A later message over the first two gaps only sees the widths so far.
        // (6 + 6 + 1 = 13 columns, short by 16).
        let arrows = [measured(0, 3, &label), measured(2, 0, &label)];
        assert_eq!(gaps(&[6, 6, 6, 6], arrows.iter()), [6, 22, 16]);
        // An earlier growth can make a later one unnecessary (flow order matters).
        let arrows = [measured(0, 2, &label), measured(0, 3, &label)];
        assert_eq!(gaps(&[6, 6, 6, 6], arrows.iter()), [6, 22, 6]);
    }

    #[test]
    fn self_message_on_the_last_participant_widens_the_canvas_only() {
        let boxes = [6, 6];
        let arrows = [measured(1, 1, "a long label")];
        let gaps = gaps(&boxes, arrows.iter());
        assert_eq!(gaps, [6]);
        let lifelines = lifelines(&boxes, &gaps);
        assert_eq!(lifelines, [3, 10]);
        // Label from 10 + 4 to 10 + 3 + 12 = 25, plus 2.
        assert_eq!(canvas_width(&boxes, &lifelines, &steps(&arrows), 2), 27);
        let empty = [measured(1, 1, "")];
        assert_eq!(canvas_width(&boxes, &lifelines, &steps(&empty), 2), 15);
    }

    #[test]
    fn fenwick_sums_match_plain_sums() {
        let mut values: Vec<usize> = (0..37).map(|i| i * 7 % 11).collect();
        let mut tree = Fenwick::new(&values);
        for step in 0..200 {
            let index = step * 13 % values.len();
            values[index] += step % 5;
            tree.add(index, step % 5);
            let end = step * 17 % (values.len() + 1);
            assert_eq!(tree.prefix(end), values[..end].iter().sum::<usize>());
        }
    }

    #[test]
    fn arrows_to_missing_participants_are_left_out() {
        let diagram = Diagram {
            participants: vec!["a"],
            entries: vec![Entry::Arrow(Arrow {
                from: 0,
                to: 7,
                label: "lost",
            })],
        };
        let layout = Layout::new(&diagram, TextStyle::default());
        assert!(layout.steps.is_empty());
        assert_eq!(layout.width, 6);
    }

    #[test]
    fn divider_is_centred_and_widens_the_canvas_only_when_wider() {
        let divider = |text: &str| {
            Entry::Divider(Divider {
                text: text.to_string(),
            })
        };
        let diagram = Diagram {
            participants: vec!["client", "server"],
            entries: vec![divider("1s later")],
        };
        // Boxes end at column 20: the canvas is 22 wide, and `⋯ 1s later ⋯` (12) starts
        // at (22 - 12) / 2.
        let layout = Layout::new(&diagram, TextStyle::default());
        assert_eq!(layout.width, 22);
        assert_eq!(layout.divider_columns(8), (5, 7));
        // `... 1s later ...` (16) starts two columns earlier: the text stays put.
        let ascii = TextStyle {
            ascii: true,
            trim: false,
        };
        assert_eq!(Layout::new(&diagram, ascii).divider_columns(8), (3, 7));
        // Wider than the canvas: one blank column on each side of `⋯ text ⋯`.
        let wide = "w".repeat(30);
        let diagram = Diagram {
            participants: vec!["client", "server"],
            entries: vec![divider(&wide)],
        };
        let layout = Layout::new(&diagram, TextStyle::default());
        assert_eq!(layout.width, 30 + 4 + 2);
        assert_eq!(layout.divider_columns(30), (1, 3));
        assert_eq!(Layout::new(&diagram, ascii).width, 30 + 8 + 2);
        // No box, no canvas, whatever the dividers.
        let diagram = Diagram {
            participants: vec![],
            entries: vec![divider(&wide)],
        };
        assert_eq!(Layout::new(&diagram, TextStyle::default()).width, 0);
    }
}
