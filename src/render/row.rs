//! The row buffer: one canvas row of cells, drawn on and then encoded, reused for every
//! row so that rendering needs memory for one row, never for the whole canvas.
//!
//! Every row starts as the blank lifeline row. Writers put clusters on it; encoding copies
//! the untouched columns on both sides straight from the blank row's bytes and encodes
//! only the columns drawn on, so a row costs little more than a `memcpy` of its bytes.
//!
//! A cluster wider than one column owns its first cell and covers the next ones. When a
//! later write lands on part of a wide cluster, the cluster cannot be drawn any more, and
//! the columns of it left uncovered become spaces: a half character cannot be printed,
//! and dropping it would shift everything to its right.

use super::width;

/// The text drawn starting in a cell, or `None` when the cluster to its left covers it.
type Cell<'t> = Option<&'t str>;

pub(crate) struct Row<'t> {
    cells: Vec<Cell<'t>>,
    blank: Vec<Cell<'t>>,
    /// The blank row encoded.
    blank_bytes: Vec<u8>,
    /// Where each column starts in `blank_bytes`, plus the end.
    offsets: Vec<usize>,
    /// Columns drawn on since the last reset: `dirty_start..dirty_end`.
    dirty_start: usize,
    dirty_end: usize,
}

impl<'t> Row<'t> {
    /// A row `width` columns wide whose blank form has `lifeline` at each lifeline column
    /// (columns outside the row are ignored).
    pub(crate) fn new(width: usize, lifelines: &[usize], lifeline: &'t str) -> Row<'t> {
        let mut blank = vec![Some(" "); width];
        for &column in lifelines {
            if let Some(cell) = blank.get_mut(column) {
                *cell = Some(lifeline);
            }
        }
        let mut blank_bytes = Vec::with_capacity(width + lifelines.len() * lifeline.len());
        let mut offsets = Vec::with_capacity(width + 1);
        for text in blank.iter().flatten() {
            offsets.push(blank_bytes.len());
            blank_bytes.extend_from_slice(text.as_bytes());
        }
        offsets.push(blank_bytes.len());
        Row {
            cells: blank.clone(),
            blank,
            blank_bytes,
            offsets,
            dirty_start: width,
            dirty_end: 0,
        }
    }

    /// Draws a one-column glyph.
    pub(crate) fn put(&mut self, column: usize, glyph: &'t str) {
        self.put_cluster(column, glyph, 1);
    }

    /// Draws a one-column `glyph` on `count` columns from `column`, clipped to the row.
    pub(crate) fn put_run(&mut self, column: usize, glyph: &'t str, count: usize) {
        let end = column.saturating_add(count).min(self.cells.len());
        if column >= end {
            return;
        }
        self.release(column, end);
        self.cells[column..end].fill(Some(glyph));
        self.mark(column, end);
    }

    /// Draws `text` from `column`, cluster by cluster.
    pub(crate) fn put_text(&mut self, column: usize, text: &'t str) {
        let mut column = column;
        for (cluster, width) in width::clusters(text) {
            self.put_cluster(column, cluster, width);
            column = column.saturating_add(width);
        }
    }

    /// Draws one cluster covering `width` columns. A cluster that would stick out of the
    /// row is drawn as spaces over the columns it has inside, for the same reason a
    /// partly overwritten one is.
    fn put_cluster(&mut self, column: usize, cluster: &'t str, width: usize) {
        let len = self.cells.len();
        if column >= len || width == 0 {
            return;
        }
        let end = column.saturating_add(width);
        if end > len {
            self.put_run(column, " ", len - column);
            return;
        }
        self.release(column, end);
        self.cells[column] = Some(cluster);
        self.cells[column + 1..end].fill(None);
        self.mark(column, end);
    }

    /// Turns into spaces what is left of wide clusters that `start..end` cuts into.
    fn release(&mut self, start: usize, end: usize) {
        if self.cells[start].is_none() {
            let owner = self.cells[..start]
                .iter()
                .rposition(Option::is_some)
                .unwrap_or(0);
            self.cells[owner..start].fill(Some(" "));
            self.mark(owner, start);
        }
        let tail = self.cells[end..]
            .iter()
            .take_while(|cell| cell.is_none())
            .count();
        self.cells[end..end + tail].fill(Some(" "));
        self.mark(end, end + tail);
    }

    fn mark(&mut self, start: usize, end: usize) {
        if start < end {
            self.dirty_start = self.dirty_start.min(start);
            self.dirty_end = self.dirty_end.max(end);
        }
    }

    /// Appends the row's bytes to `out` (no newline) and makes it blank again.
    pub(crate) fn finish(&mut self, out: &mut Vec<u8>) {
        let (start, end) = if self.dirty_start < self.dirty_end {
            (self.dirty_start, self.dirty_end)
        } else {
            (self.cells.len(), self.cells.len())
        };
        out.extend_from_slice(&self.blank_bytes[..self.offsets[start]]);
        encode(&self.cells[start..end], out);
        out.extend_from_slice(&self.blank_bytes[self.offsets[end]..]);
        self.cells[start..end].copy_from_slice(&self.blank[start..end]);
        self.dirty_start = self.cells.len();
        self.dirty_end = 0;
    }
}

/// Appends the text of `cells`. Rows are mostly runs of one glyph (arrows, box edges),
/// so a run is copied by doubling what is already written: a handful of `memcpy`s per
/// run instead of one per cell.
fn encode(cells: &[Cell], out: &mut Vec<u8>) {
    let mut rest = cells;
    while let Some((&first, tail)) = rest.split_first() {
        let run = 1 + tail.iter().take_while(|&&cell| same(cell, first)).count();
        if let Some(text) = first {
            let start = out.len();
            let total = text.len() * run;
            out.extend_from_slice(text.as_bytes());
            while out.len() - start < total {
                let done = out.len() - start;
                out.extend_from_within(start..start + done.min(total - done));
            }
        }
        rest = &rest[run..];
    }
}

/// Whether two cells hold the very same text (the same glyph constant or cluster): a
/// cheap test that finds the runs drawn with one glyph.
fn same(a: Cell, b: Cell) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => std::ptr::eq(a, b),
        (None, None) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drawn(row: &mut Row) -> String {
        let mut out = Vec::new();
        row.finish(&mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn untouched_row_is_the_blank_row() {
        let mut row = Row::new(6, &[1, 4], "│");
        assert_eq!(drawn(&mut row), " │  │ ");
    }

    #[test]
    fn text_overwrites_lifelines_and_the_row_resets_after_finishing() {
        let mut row = Row::new(6, &[1, 4], "│");
        row.put_text(1, "abcd");
        assert_eq!(drawn(&mut row), " abcd ");
        assert_eq!(drawn(&mut row), " │  │ ");
    }

    #[test]
    fn wide_cluster_covers_two_columns() {
        let mut row = Row::new(6, &[1, 4], "│");
        row.put_text(2, "漢");
        assert_eq!(drawn(&mut row), " │漢│ ");
    }

    #[test]
    fn overwriting_either_half_of_a_wide_cluster_leaves_a_space() {
        let mut row = Row::new(6, &[], "│");
        row.put_text(1, "漢字");
        row.put(2, "x");
        assert_eq!(drawn(&mut row), "  x字 ");
        row.put_text(1, "漢字");
        row.put(3, "x");
        assert_eq!(drawn(&mut row), " 漢x  ");
        row.put_text(0, "漢字");
        row.put_text(1, "漢");
        assert_eq!(drawn(&mut row), " 漢   ");
    }

    #[test]
    fn cluster_past_the_right_edge_becomes_spaces() {
        let mut row = Row::new(4, &[], "│");
        row.put_text(2, "a漢b");
        assert_eq!(drawn(&mut row), "  a ");
        row.put_text(9, "far");
        assert_eq!(drawn(&mut row), "    ");
    }

    #[test]
    fn empty_row_draws_nothing() {
        let mut row = Row::new(0, &[3], "│");
        row.put_text(0, "x");
        assert_eq!(drawn(&mut row), "");
    }
}
