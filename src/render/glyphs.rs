//! The drawing characters of the text diagram, in its two styles. The layout reads them
//! too: an ASCII ellipsis is wider than `⋯`, and marks are drawn with them.

use crate::Severity;

/// The drawing characters of one style.
pub(crate) struct Glyphs {
    pub(crate) horizontal: &'static str,
    pub(crate) vertical: &'static str,
    pub(crate) top_left: &'static str,
    pub(crate) top_right: &'static str,
    pub(crate) bottom_left: &'static str,
    pub(crate) bottom_right: &'static str,
    pub(crate) right_head: &'static str,
    pub(crate) left_head: &'static str,
    /// Drawn on both sides of a divider's text.
    pub(crate) ellipsis: &'static str,
    /// Where a frame's border crosses a lifeline.
    pub(crate) cross: &'static str,
    /// Left and right ends of an `else` divider inside a frame.
    pub(crate) tee_right: &'static str,
    pub(crate) tee_left: &'static str,
    /// The dashes of an `else` divider.
    pub(crate) dashed: &'static str,
    /// Marks of an error and of a warning.
    pub(crate) error: &'static str,
    pub(crate) warning: &'static str,
}

pub(crate) const UNICODE: Glyphs = Glyphs {
    horizontal: "─",
    vertical: "│",
    top_left: "┌",
    top_right: "┐",
    bottom_left: "└",
    bottom_right: "┘",
    right_head: "▶",
    left_head: "◀",
    ellipsis: "⋯",
    cross: "┼",
    tee_right: "├",
    tee_left: "┤",
    dashed: "╌",
    error: "✗",
    warning: "!",
};

pub(crate) const ASCII: Glyphs = Glyphs {
    horizontal: "-",
    vertical: "|",
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    right_head: ">",
    left_head: "<",
    ellipsis: "...",
    cross: "+",
    tee_right: "+",
    tee_left: "+",
    dashed: "-",
    error: "X",
    warning: "!",
};

impl Glyphs {
    /// The glyphs of a style.
    pub(crate) fn of(ascii: bool) -> &'static Glyphs {
        if ascii { &ASCII } else { &UNICODE }
    }

    /// The mark of an error or of a warning.
    pub(crate) fn mark(&self, severity: Severity) -> &'static str {
        match severity {
            Severity::Error => self.error,
            _ => self.warning,
        }
    }
}
