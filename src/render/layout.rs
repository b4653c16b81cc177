//! Where everything goes: the columns of every lifeline, box, note, frame and mark, and
//! the row of every entry, fixed from the whole diagram before anything is drawn
//! (lifelines depend on every label). The text diagram streams its rows from it, and the
//! SVG picture (and through it the teaching page) draws on the same grid, so the two can
//! never disagree about where a thing is.
//!
//! Columns follow `docs/diagram-layout.md`; rows are the text diagram's rows, top to
//! bottom: the title, the group brackets, the boxes, each entry's rows, the boxes again,
//! the brackets again, the legend.

use super::glyphs::Glyphs;
use super::width;
use super::{Diagram, Entry, Group, Mark, TextStyle};
use crate::Severity;
use crate::syntax::NotePlacement;

/// An arrow with its label measured, endpoints known to be valid participants.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Measured<'a> {
    pub(crate) from: usize,
    pub(crate) to: usize,
    pub(crate) label: &'a str,
    /// Width of what is drawn as the label: the number prefix (if any) and the label.
    pub(crate) width: usize,
    /// Whether the label is drawn as its own bytes (`width::measure`), known once for
    /// every row it is drawn on.
    pub(crate) verbatim: bool,
    /// `Some(n)` when the diagram numbers its arrows (`n` is the message's line): drawn as
    /// `n. ` before the label
    /// (`n.` alone before an empty one).
    pub(crate) number: Option<usize>,
    /// The arrow's place among the diagram's arrows, from 0 (what marks refer to).
    pub(crate) index: usize,
}

impl Measured<'_> {
    /// The participant indices at its two ends, left one first.
    pub(crate) fn ends(&self) -> (usize, usize) {
        (self.from.min(self.to), self.from.max(self.to))
    }

    /// Width of the number prefix, 0 without one.
    pub(crate) fn prefix_width(&self) -> usize {
        match self.number {
            None => 0,
            Some(n) => digits(n) + 1 + usize::from(!self.label.is_empty()),
        }
    }

    /// The label as drawn: `3. label`.
    pub(crate) fn drawn_label(&self) -> String {
        match self.number {
            None => self.label.to_string(),
            Some(n) if self.label.is_empty() => format!("{n}."),
            Some(n) => format!("{n}. {}", self.label),
        }
    }
}

/// How many decimal digits `n` has.
pub(crate) fn digits(n: usize) -> usize {
    n.checked_ilog10().map_or(1, |log| log as usize + 1)
}

/// A note with its text measured.
#[derive(Clone, Copy, Debug)]
pub(crate) struct MeasuredNote<'a> {
    pub(crate) placement: NotePlacement,
    pub(crate) first: usize,
    pub(crate) last: usize,
    pub(crate) text: &'a str,
    /// How many lines the text has.
    pub(crate) lines: usize,
    /// The widest line's width.
    pub(crate) width: usize,
}

impl<'a> MeasuredNote<'a> {
    /// The note's lines.
    pub(crate) fn lines(&self) -> impl Iterator<Item = &'a str> {
        self.text.split('\n')
    }

    /// The box's width: the widest line, a space and a border on each side.
    pub(crate) fn box_width(&self) -> usize {
        self.width + 4
    }

    /// The minimum widths of the gaps beside the note's lifeline that keep its box clear
    /// of the neighbouring lifelines: `(gap index, width)`.
    fn floors(&self) -> [Option<(usize, usize)>; 2] {
        let bw = self.box_width();
        let i = self.first;
        match self.placement {
            NotePlacement::RightOf => [Some((i, bw + 2)), None],
            NotePlacement::LeftOf => [i.checked_sub(1).map(|g| (g, bw + 2)), None],
            NotePlacement::Over if self.first == self.last => {
                let half = bw / 2;
                [
                    i.checked_sub(1).map(|g| (g, half + 1)),
                    Some((i, bw - half)),
                ]
            }
            NotePlacement::Over => [None, None],
        }
    }

    /// How far left of its lifeline the box reaches (for the left margin).
    fn reach_left(&self) -> usize {
        match self.placement {
            NotePlacement::LeftOf => self.box_width() + 1,
            NotePlacement::Over if self.first == self.last => self.box_width() / 2,
            NotePlacement::Over => 2,
            NotePlacement::RightOf => 0,
        }
    }
}

/// A participant box's frame, its columns fixed.
#[derive(Clone, Copy, Debug)]
pub(crate) struct GroupFrame<'a> {
    pub(crate) title: &'a str,
    pub(crate) title_width: usize,
    /// The bracket's first and last columns.
    pub(crate) left: usize,
    pub(crate) right: usize,
}

impl GroupFrame<'_> {
    /// Where the title starts: centred between the corners, a space on each side.
    pub(crate) fn title_start(&self) -> usize {
        let inner = self.right - self.left - 1;
        self.left + 1 + inner.saturating_sub(self.title_width) / 2
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
    Note(MeasuredNote<'a>),
    /// A fragment's frame opens (`else: false`) or an `alt` starts its next branch,
    /// `depth` frames deep (0: outermost), with its header text and that text's width.
    Header {
        text: &'a str,
        width: usize,
        depth: usize,
        is_else: bool,
    },
    /// The frame `depth` deep closes.
    Close {
        depth: usize,
    },
}

impl Step<'_> {
    /// Rows the step takes, the blank row after it included.
    pub(crate) fn rows(&self) -> usize {
        match self {
            Step::Arrow(arrow) if arrow.from == arrow.to => 4,
            Step::Arrow(_) => 3,
            Step::Divider { .. } => 2,
            Step::Note(note) => note.lines + 3,
            Step::Header { .. } => 1,
            Step::Close { .. } => 2,
        }
    }
}

/// What the layout needs from all the steps together, gathered in one walk over them:
/// a long flow is mostly steps, and walking them once instead of once per question keeps
/// the layout's cost near that of measuring them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Summary {
    /// The deepest nesting of frames (0 without any).
    depth: usize,
    /// Rows the steps take.
    rows: usize,
    /// Whether there is a note.
    notes: bool,
    /// The widest self-message label on each participant, if it has one.
    loops: Vec<Option<usize>>,
    /// The widest divider text, if there is a divider.
    divider: Option<usize>,
    /// The canvas width the widest header needs: its text, a space each side, two dashes
    /// and its corners, inside the frames around it.
    header: usize,
}

impl Summary {
    fn new(steps: &[Step], participants: usize) -> Summary {
        let mut summary = Summary {
            loops: vec![None; participants],
            ..Summary::default()
        };
        for step in steps {
            summary.rows += step.rows();
            match *step {
                Step::Arrow(ref arrow) if arrow.from == arrow.to => {
                    let widest = &mut summary.loops[arrow.from];
                    *widest = Some(widest.map_or(arrow.width, |w| w.max(arrow.width)));
                }
                Step::Divider { width, .. } => {
                    summary.divider = Some(summary.divider.map_or(width, |w| w.max(width)));
                }
                Step::Note(_) => summary.notes = true,
                Step::Header { width, depth, .. } => {
                    summary.depth = summary.depth.max(depth + 1);
                    summary.header = summary.header.max(width + 6 + 4 * depth);
                }
                Step::Arrow(_) | Step::Close { .. } => {}
            }
        }
        summary
    }

    /// The notes among `steps`, without walking them when there is none.
    fn notes<'s, 'a>(&self, steps: &'s [Step<'a>]) -> impl Iterator<Item = &'s MeasuredNote<'a>> {
        let steps = if self.notes { steps } else { &[] };
        steps.iter().filter_map(|step| match step {
            Step::Note(note) => Some(note),
            _ => None,
        })
    }
}

/// Every column of the diagram in one style, fixed before the first row is drawn. The
/// SVG picture draws on the default style's columns.
pub(crate) struct Layout<'a> {
    pub(crate) glyphs: &'static Glyphs,
    names: Vec<&'a str>,
    box_widths: Vec<usize>,
    pub(crate) lifelines: Vec<usize>,
    pub(crate) steps: Vec<Step<'a>>,
    /// Canvas width: every row is padded to it.
    pub(crate) width: usize,
    /// The participant boxes' frames, left to right.
    pub(crate) groups: Vec<GroupFrame<'a>>,
    /// The findings drawn on arrows, by arrow index, and where their column starts.
    pub(crate) marks: Vec<&'a Mark<'a>>,
    pub(crate) mark_column: usize,
    /// The title line, when the diagram has a title.
    pub(crate) title: Option<(&'a str, usize)>,
    /// The legend's lines: each finding once.
    pub(crate) legend: Vec<String>,
    /// Where the parts around the steps go, top to bottom.
    pub(crate) rows: Rows,
}

/// The rows of the parts around the steps (the text diagram's lines, from 0), fixed with
/// the columns so that every renderer puts them in the same place.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Rows {
    /// The title line, followed by a blank line, when there is a title.
    pub(crate) title: Option<usize>,
    /// The group brackets above the boxes, when there is a group.
    pub(crate) brackets_top: Option<usize>,
    /// The first of the three rows of the boxes above the steps.
    pub(crate) boxes_top: usize,
    /// The first step's first row.
    pub(crate) steps: usize,
    /// The first of the three rows of the boxes below the steps.
    pub(crate) boxes_bottom: usize,
    /// The group brackets below the boxes, when there is a group.
    pub(crate) brackets_bottom: Option<usize>,
    /// The blank line before the legend, when there is a legend; its lines follow.
    pub(crate) legend: Option<usize>,
    /// Rows in all; 0 when there is nothing to draw.
    pub(crate) height: usize,
}

impl Rows {
    /// The rows of a diagram whose steps take `steps` rows.
    fn new(title: bool, groups: bool, steps: usize, legend_lines: usize) -> Rows {
        let mut next = 0;
        let mut take = |rows: usize| {
            let row = next;
            next += rows;
            row
        };
        let title = title.then(|| take(2));
        let brackets_top = groups.then(|| take(1));
        let boxes_top = take(3);
        let steps = take(steps);
        let boxes_bottom = take(3);
        let brackets_bottom = groups.then(|| take(1));
        let legend = (legend_lines > 0).then(|| take(1 + legend_lines));
        Rows {
            title,
            brackets_top,
            boxes_top,
            steps,
            boxes_bottom,
            brackets_bottom,
            legend,
            height: next,
        }
    }
}

/// A step in its place.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Placed<'l, 'a> {
    /// The step.
    pub(crate) step: &'l Step<'a>,
    /// Its first row.
    pub(crate) row: usize,
    /// How many frames run their sides along its rows: the frames it is in, without the
    /// one whose border it draws (a header, an `else` or an `end` is `depth` deep).
    pub(crate) open: usize,
    /// For an `end`: the row its frame's header is on, with the header's text and width.
    pub(crate) opened: Option<(usize, &'a str, usize)>,
}

impl<'a> Layout<'a> {
    /// Arrows naming a participant that does not exist are left out: there is no column
    /// to draw them at, and a renderer must not fail on a hand-built [`Diagram`].
    ///
    /// Only dividers depend on the style (ASCII ellipses are wider), and only when one is
    /// wider than the canvas.
    pub(crate) fn new(diagram: &'a Diagram<'a>, style: TextStyle) -> Layout<'a> {
        let glyphs = Glyphs::of(style.ascii);
        let names = diagram.participants.clone();
        let box_widths: Vec<usize> = names.iter().map(|name| width::width(name) + 4).collect();
        let steps = measure(diagram, names.len());
        let summary = Summary::new(&steps, names.len());
        let depth = summary.depth;
        let mut gaps = gaps(&box_widths, &steps);
        let groups: Vec<&Group> = diagram
            .groups
            .iter()
            .filter(|g| g.first <= g.last && g.last < names.len())
            .collect();
        widen_for_groups(&box_widths, &mut gaps, &groups);
        let mut lifelines = lifelines(&box_widths, &gaps);
        // Notes reaching left of the first box, then the frames, shift everything right.
        let margin = summary
            .notes(&steps)
            .filter_map(|note| note.reach_left().checked_sub(lifelines[note.first]))
            .max()
            .unwrap_or(0);
        let shift = margin + 2 * depth;
        for x in &mut lifelines {
            *x += shift;
        }
        let groups: Vec<GroupFrame<'a>> = groups
            .iter()
            .map(|group| group_frame(group, &box_widths, &lifelines))
            .collect();
        let notes_right = summary
            .notes(&steps)
            .map(|note| note_columns(note, &lifelines).1);
        let extra: Vec<usize> = notes_right.chain(groups.iter().map(|g| g.right)).collect();
        let divider_margin = divider_margin(glyphs);
        let content = canvas_width(&box_widths, &lifelines, &summary, divider_margin, &extra);
        let mut marks: Vec<&'a Mark<'a>> = diagram.marks.iter().collect();
        marks.sort_by_key(|mark| mark.arrow);
        // Marks go in a column of their own, right of everything else drawn.
        let mark_column = content;
        let marks_width = marked_arrows(&marks)
            .map(|on| mark_width(on))
            .max()
            .map_or(0, |width| width + 1);
        let title = diagram.title.map(|title| (title, width::width(title)));
        // A divider keeps a blank column clear of the innermost frame on each side.
        let divider = summary
            .divider
            .map(|width| width + 2 * divider_margin + 2 + 4 * depth);
        let width = if content == 0 {
            0
        } else {
            [summary.header]
                .into_iter()
                .chain(divider)
                .chain(title.map(|(_, width)| width + 1))
                .fold(content + marks_width + 2 * depth, usize::max)
        };
        let legend = legend(&marks, glyphs);
        let rows = if width == 0 {
            Rows::default()
        } else {
            Rows::new(
                title.is_some(),
                !groups.is_empty(),
                summary.rows,
                legend.len(),
            )
        };
        Layout {
            glyphs,
            names,
            box_widths,
            lifelines,
            steps,
            width,
            groups,
            marks,
            mark_column,
            title,
            legend,
            rows,
        }
    }

    /// The steps in order, each with its first row and the frames around it.
    pub(crate) fn placed(&self) -> impl Iterator<Item = Placed<'_, 'a>> {
        // The headers of the frames open so far, innermost last.
        let mut headers: Vec<(usize, &'a str, usize)> = Vec::new();
        let mut open = 0;
        let mut row = self.rows.steps;
        self.steps.iter().map(move |step| {
            let mut placed = Placed {
                step,
                row,
                open,
                opened: None,
            };
            match *step {
                Step::Header {
                    text,
                    width,
                    depth,
                    is_else,
                } => {
                    if !is_else {
                        headers.push((row, text, width));
                    }
                    placed.open = depth;
                    open = depth + 1;
                }
                Step::Close { depth } => {
                    placed.opened = headers.pop();
                    placed.open = depth;
                    open = depth;
                }
                _ => {}
            }
            row += step.rows();
            placed
        })
    }

    /// The marks on arrow `index`.
    pub(crate) fn marks_on(&self, index: usize) -> &[&'a Mark<'a>] {
        let start = self.marks.partition_point(|m| m.arrow < index);
        let end = self.marks.partition_point(|m| m.arrow <= index);
        &self.marks[start..end]
    }

    /// The mark of an error or of a warning.
    pub(crate) fn mark_glyph(&self, severity: Severity) -> &'static str {
        self.glyphs.mark(severity)
    }

    /// A frame's side columns, `depth` frames deep.
    pub(crate) fn frame_sides(&self, depth: usize) -> (usize, usize) {
        (2 * depth, self.width - 2 - 2 * depth)
    }

    /// Where an arrow's label (its number included) starts: centred between the two
    /// lifelines, or for a self-message four columns right of its lifeline, after `│ `.
    pub(crate) fn label_start(&self, arrow: &Measured) -> usize {
        let (lo, hi) = arrow.ends();
        let (lo, hi) = (self.lifelines[lo], self.lifelines[hi]);
        if lo == hi {
            lo + 4
        } else {
            lo + 1 + (hi - lo - 1).saturating_sub(arrow.width) / 2
        }
    }

    /// The marks of arrow `index`, each with the column it starts at: `✗ id` after `✗ id`
    /// with a space between, from the marks column.
    pub(crate) fn placed_marks(&self, index: usize) -> impl Iterator<Item = (usize, &'a Mark<'a>)> {
        self.marks_on(index)
            .iter()
            .scan(self.mark_column, |column, &mark| {
                let start = *column;
                *column += 3 + width::width(mark.id);
                Some((start, mark))
            })
    }

    /// Where a frame's header (or `else`) text starts, `depth` frames deep: after the
    /// corner, a dash and a space.
    pub(crate) fn header_start(&self, depth: usize) -> usize {
        self.frame_sides(depth).0 + 3
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

/// The legend: each finding once, `✗ error[id] line N: what is wrong`.
fn legend(marks: &[&Mark], glyphs: &Glyphs) -> Vec<String> {
    let mut listed: Vec<(&str, &str)> = Vec::new();
    let mut lines = Vec::new();
    for mark in marks {
        if listed.contains(&(mark.id, mark.message)) {
            continue;
        }
        listed.push((mark.id, mark.message));
        lines.push(format!(
            "{} {}[{}] line {}: {}",
            glyphs.mark(mark.severity),
            mark.severity.as_str(),
            mark.id,
            mark.line,
            mark.message
        ));
    }
    lines
}

/// The diagram's entries measured, in order. Arrows naming a participant that does not
/// exist are left out (they keep their number: numbers are places in the flow); so are
/// notes naming one, and an `else` or `end` without an open fragment.
fn measure<'a>(diagram: &'a Diagram<'a>, participants: usize) -> Vec<Step<'a>> {
    let mut steps = Vec::with_capacity(diagram.entries.len());
    let mut arrows = 0;
    let mut open = 0;
    for entry in &diagram.entries {
        match entry {
            Entry::Arrow(arrow) => {
                let index = arrows;
                arrows += 1;
                if arrow.from >= participants || arrow.to >= participants {
                    continue;
                }
                let (width, verbatim) = width::measure(arrow.label);
                let mut measured = Measured {
                    from: arrow.from,
                    to: arrow.to,
                    label: arrow.label,
                    width,
                    verbatim,
                    number: diagram.numbers.get(index).copied(),
                    index,
                };
                measured.width += measured.prefix_width();
                steps.push(Step::Arrow(measured));
            }
            Entry::Divider(divider) => steps.push(Step::Divider {
                text: &divider.text,
                width: width::width(&divider.text),
            }),
            Entry::Note(note) => {
                if note.last >= participants || note.first > note.last {
                    continue;
                }
                let (lines, width) = note
                    .text
                    .split('\n')
                    .fold((0, 0), |(n, w), line| (n + 1, w.max(width::width(line))));
                steps.push(Step::Note(MeasuredNote {
                    placement: note.placement,
                    first: note.first,
                    last: note.last,
                    text: note.text,
                    lines,
                    width,
                }));
            }
            Entry::Open(header) => {
                steps.push(Step::Header {
                    text: &header.text,
                    width: width::width(&header.text),
                    depth: open,
                    is_else: false,
                });
                open += 1;
            }
            Entry::Else(header) if open > 0 => steps.push(Step::Header {
                text: &header.text,
                width: width::width(&header.text),
                depth: open - 1,
                is_else: true,
            }),
            Entry::Close if open > 0 => {
                open -= 1;
                steps.push(Step::Close { depth: open });
            }
            Entry::Else(_) | Entry::Close => {}
        }
    }
    // Frames left open are closed at the end, so every frame is drawn whole.
    while open > 0 {
        open -= 1;
        steps.push(Step::Close { depth: open });
    }
    steps
}

/// Columns a divider's row takes on each side of its text: an ellipsis and a space.
fn divider_margin(glyphs: &Glyphs) -> usize {
    width::width(glyphs.ellipsis) + 1
}

/// The blank columns between each lifeline and the next, by the spec's two rules: each
/// gap first takes the smallest even width its boxes, its own messages and the notes
/// beside its lifelines need, then every message spanning several gaps and every note
/// over two participants, in flow order, widens the rightmost gap it spans if the
/// columns between its ends are too few for its text.
///
/// The second rule depends on the widths grown by earlier steps, so it keeps running
/// sums in a Fenwick tree: O((messages + participants) · log participants) in all, where
/// summing the spanned gaps directly would cost messages × participants.
fn gaps(box_widths: &[usize], steps: &[Step]) -> Vec<usize> {
    let mut need: Vec<usize> = box_widths
        .windows(2)
        .map(|pair| (pair[0] - pair[0] / 2) + pair[1] / 2)
        .collect();
    for step in steps {
        let floors = match step {
            Step::Arrow(arrow) => {
                let (lo, hi) = arrow.ends();
                match hi - lo {
                    1 => [Some((lo, arrow.width + 4)), None],
                    0 => [Some((lo, arrow.width + 5)), None],
                    _ => continue,
                }
            }
            Step::Note(note) => note.floors(),
            _ => continue,
        };
        // A self-message of the last participant has no gap: it widens the canvas instead.
        for (gap, floor) in floors.into_iter().flatten() {
            if let Some(gap) = need.get_mut(gap) {
                *gap = (*gap).max(floor);
            }
        }
    }
    let mut gaps: Vec<usize> = need.into_iter().map(round_up_even).collect();
    let mut sums = Fenwick::new(&gaps);
    for step in steps {
        let (lo, hi, need) = match step {
            Step::Arrow(arrow) => {
                let (lo, hi) = arrow.ends();
                if hi - lo < 2 {
                    continue;
                }
                (lo, hi, arrow.width + 4)
            }
            // The box reaches two columns past both lifelines and needs its text and a
            // space and a border on each side: the columns between, minus 2.
            Step::Note(note) if note.first < note.last => {
                (note.first, note.last, note.width.saturating_sub(2))
            }
            _ => continue,
        };
        let between = sums.prefix(hi) - sums.prefix(lo) + (hi - lo - 1);
        if between < need {
            let grow = round_up_even(need - between);
            gaps[hi - 1] += grow;
            sums.add(hi - 1, grow);
        }
    }
    gaps
}

/// A group's bracket must not run into the next group's: where it would, the gap after
/// the group's last participant grows, to even, by the shortfall.
fn widen_for_groups(box_widths: &[usize], gaps: &mut [usize], groups: &[&Group]) {
    for pair in groups.windows(2) {
        let lifelines = lifelines(box_widths, gaps);
        let this = group_frame(pair[0], box_widths, &lifelines);
        let next = group_frame(pair[1], box_widths, &lifelines);
        if next.left < this.right + 2 && pair[0].last < pair[1].first {
            gaps[pair[0].last] += round_up_even(this.right + 2 - next.left);
        }
    }
}

/// A group's bracket: from its first participant's box to its last one's, or further
/// right when the title needs it (the title, a space and a line each side, and the
/// corners: `┌─ title ─┐`).
fn group_frame<'a>(group: &Group<'a>, box_widths: &[usize], lifelines: &[usize]) -> GroupFrame<'a> {
    let left = lifelines[group.first] - box_widths[group.first] / 2;
    let last = lifelines[group.last] - box_widths[group.last] / 2 + box_widths[group.last] - 1;
    let title_width = width::width(group.title);
    GroupFrame {
        title: group.title,
        title_width,
        left,
        right: last.max(left + title_width + 5),
    }
}

/// Where a line `width` wide of a note starts: centred in the box, inside its borders
/// and the spaces next to them.
pub(crate) fn note_line_start(note: &MeasuredNote, lifelines: &[usize], width: usize) -> usize {
    let (left, right) = note_columns(note, lifelines);
    let inner = right - left - 1;
    left + 2 + inner.saturating_sub(2).saturating_sub(width) / 2
}

/// A note box's first and last columns.
pub(crate) fn note_columns(note: &MeasuredNote, lifelines: &[usize]) -> (usize, usize) {
    let bw = note.box_width();
    let x = lifelines[note.first];
    match note.placement {
        NotePlacement::RightOf => (x + 2, x + 1 + bw),
        NotePlacement::LeftOf => (x - 1 - bw, x - 2),
        NotePlacement::Over if note.first == note.last => (x - bw / 2, x - bw / 2 + bw - 1),
        NotePlacement::Over => (x - 2, lifelines[note.last] + 2),
    }
}

/// The arrows that have marks, each with its marks.
fn marked_arrows<'m, 'a>(marks: &'m [&'a Mark<'a>]) -> impl Iterator<Item = &'m [&'a Mark<'a>]> {
    marks.chunk_by(|a, b| a.arrow == b.arrow)
}

/// Width of an arrow's marks: `✗ id` for each, a space between.
fn mark_width(marks: &[&Mark]) -> usize {
    marks.iter().map(|m| 2 + width::width(m.id)).sum::<usize>() + marks.len().saturating_sub(1)
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

/// The rightmost column any box, self-message or `extra` thing (notes, group brackets)
/// draws, plus 2 (one trailing blank column); 0 when there is no box to draw. A
/// self-message reaches the end of its label, `x + 3 + label width`: with an empty label
/// that is the space after its `│`, which the spec draws too. A divider's row (its text
/// with `margin` columns on each side) keeps one blank column on both sides of it: it is
/// centred on the canvas.
fn canvas_width(
    box_widths: &[usize],
    lifelines: &[usize],
    summary: &Summary,
    margin: usize,
    extra: &[usize],
) -> usize {
    let boxes = box_widths
        .iter()
        .zip(lifelines)
        .map(|(width, x)| x - width / 2 + width - 1);
    let loops = summary
        .loops
        .iter()
        .zip(lifelines)
        .filter_map(|(width, x)| width.map(|width| x + 3 + width));
    let Some(rightmost) = boxes.chain(loops).chain(extra.iter().copied()).max() else {
        return 0;
    };
    let dividers = summary.divider.map(|width| width + 2 * margin + 2);
    dividers.into_iter().fold(rightmost + 2, usize::max)
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
    use crate::syntax::FragmentKind;

    fn measured(from: usize, to: usize, label: &str) -> Measured<'_> {
        Measured {
            from,
            to,
            label,
            width: width::width(label),
            verbatim: true,
            number: None,
            index: 0,
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
        let gaps = gaps(&boxes, &steps(&arrows));
        assert_eq!(gaps, [16, 22, 12]);
        let lifelines = lifelines(&boxes, &gaps);
        assert_eq!(lifelines, [3, 20, 43, 56]);
        assert_eq!(
            canvas_width(
                &boxes,
                &lifelines,
                &Summary::new(&steps(&arrows), boxes.len()),
                2,
                &[]
            ),
            60
        );
    }

    #[test]
    fn gap_is_the_even_maximum_of_boxes_and_neighbour_labels() {
        // Boxes alone: 6 - 3 + 2 = 5, rounded up to 6.
        assert_eq!(gaps(&[6, 5], &[]), [6]);
        // A label between neighbours needs its width + 4, either direction.
        assert_eq!(gaps(&[6, 6], &steps(&[measured(1, 0, "0123456789")])), [14]);
        // A self-message needs its width + 5, on the gap to its right: 15 -> 16.
        assert_eq!(gaps(&[6, 6], &steps(&[measured(0, 0, "0123456789")])), [16]);
        // Wide characters count two columns: 3 × 2 + 4 = 10.
        assert_eq!(gaps(&[6, 6], &steps(&[measured(0, 1, "認可者")])), [10]);
    }

    #[test]
    fn long_label_grows_the_rightmost_spanned_gap_by_the_even_shortfall() {
        // Gaps start at 6, 6, 6; 0 -> 3 has 6 + 6 + 6 + 2 = 20 columns between its ends
        // and needs 25 + 4 = 29: short by 9, so the last gap grows by 10.
        let label = "x".repeat(25);
        let arrows = [measured(0, 3, &label)];
        assert_eq!(gaps(&[6, 6, 6, 6], &steps(&arrows)), [6, 6, 16]);
        // A later message over the first two gaps only sees the widths so far.
        // (6 + 6 + 1 = 13 columns, short by 16).
        let arrows = [measured(0, 3, &label), measured(2, 0, &label)];
        assert_eq!(gaps(&[6, 6, 6, 6], &steps(&arrows)), [6, 22, 16]);
        // An earlier growth can make a later one unnecessary (flow order matters).
        let arrows = [measured(0, 2, &label), measured(0, 3, &label)];
        assert_eq!(gaps(&[6, 6, 6, 6], &steps(&arrows)), [6, 22, 6]);
    }

    #[test]
    fn self_message_on_the_last_participant_widens_the_canvas_only() {
        let boxes = [6, 6];
        let arrows = [measured(1, 1, "a long label")];
        let gaps = gaps(&boxes, &steps(&arrows));
        assert_eq!(gaps, [6]);
        let lifelines = lifelines(&boxes, &gaps);
        assert_eq!(lifelines, [3, 10]);
        // Label from 10 + 4 to 10 + 3 + 12 = 25, plus 2.
        assert_eq!(
            canvas_width(
                &boxes,
                &lifelines,
                &Summary::new(&steps(&arrows), boxes.len()),
                2,
                &[]
            ),
            27
        );
        let empty = [measured(1, 1, "")];
        assert_eq!(
            canvas_width(
                &boxes,
                &lifelines,
                &Summary::new(&steps(&empty), boxes.len()),
                2,
                &[]
            ),
            15
        );
    }

    fn note(placement: NotePlacement, first: usize, last: usize, text: &str) -> Step<'_> {
        Step::Note(MeasuredNote {
            placement,
            first,
            last,
            text,
            lines: text.split('\n').count(),
            width: text.split('\n').map(width::width).max().unwrap_or(0),
        })
    }

    #[test]
    fn notes_keep_clear_of_neighbouring_lifelines() {
        // `right of 0`, 10 wide: box 14, gap(0) >= 16.
        let steps = [note(NotePlacement::RightOf, 0, 0, "0123456789")];
        assert_eq!(gaps(&[6, 6], &steps), [16]);
        // `left of 1`: the same floor on gap(0).
        let steps = [note(NotePlacement::LeftOf, 1, 1, "0123456789")];
        assert_eq!(gaps(&[6, 6], &steps), [16]);
        // `over 1`, 11 wide: box 15, half 7: gap(0) >= 8, gap(1) >= 8.
        let steps = [note(NotePlacement::Over, 1, 1, "01234567890")];
        assert_eq!(gaps(&[6, 6, 6], &steps), [8, 8]);
        // `over 0, 2`, 20 wide: 18 columns between lifelines 0 and 2 (6 + 6 + 1 = 13:
        // short by 5, the last gap grows by 6).
        let wide = "x".repeat(20);
        let steps = [note(NotePlacement::Over, 0, 2, &wide)];
        assert_eq!(gaps(&[6, 6, 6], &steps), [6, 12]);
    }

    #[test]
    fn a_note_left_of_the_first_participant_shifts_the_drawing() {
        let diagram = Diagram {
            participants: vec!["a", "b"],
            entries: vec![Entry::Note(crate::render::Note {
                placement: NotePlacement::LeftOf,
                first: 0,
                last: 0,
                text: "0123456789",
            })],
            ..Diagram::default()
        };
        // Box 14 wide ends at x − 2 and starts at x − 15 = 0: x = 15, not 2.
        let layout = Layout::new(&diagram, TextStyle::default());
        assert_eq!(layout.lifelines[0], 15);
        let Step::Note(note) = &layout.steps[0] else {
            panic!("a note")
        };
        assert_eq!(note_columns(note, &layout.lifelines), (0, 13));
    }

    #[test]
    fn frames_take_two_columns_a_level_on_each_side() {
        let header = |text: &'static str| {
            crate::render::FragmentHeader::new(FragmentKind::Opt, None, Some(text), false)
        };
        let diagram = Diagram {
            participants: vec!["a", "b"],
            entries: vec![
                Entry::Open(header("x")),
                Entry::Open(header("y")),
                Entry::Close,
                Entry::Close,
            ],
            ..Diagram::default()
        };
        let bare = Diagram {
            participants: vec!["a", "b"],
            ..Diagram::default()
        };
        let plain = Layout::new(&bare, TextStyle::default());
        let layout = Layout::new(&diagram, TextStyle::default());
        // Two levels: everything moves right by 4 and the canvas grows by 8.
        assert_eq!(layout.lifelines[0], plain.lifelines[0] + 4);
        assert_eq!(layout.width, plain.width + 8);
        assert_eq!(layout.frame_sides(0), (0, layout.width - 2));
        assert_eq!(layout.frame_sides(1), (2, layout.width - 4));
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
            ..Diagram::default()
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
            ..Diagram::default()
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
            ..Diagram::default()
        };
        let layout = Layout::new(&diagram, TextStyle::default());
        assert_eq!(layout.width, 30 + 4 + 2);
        assert_eq!(layout.divider_columns(30), (1, 3));
        assert_eq!(Layout::new(&diagram, ascii).width, 30 + 8 + 2);
        // No box, no canvas, whatever the dividers.
        let diagram = Diagram {
            participants: vec![],
            entries: vec![divider(&wide)],
            ..Diagram::default()
        };
        assert_eq!(Layout::new(&diagram, TextStyle::default()).width, 0);
    }
}
