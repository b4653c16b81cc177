//! Cutting text into the cells of the canvas.
//!
//! The layout measures text in display columns and the row buffer stores one cluster per
//! cell, so both must agree on how text splits into columns, or every column to the right
//! of a label would drift. They agree by construction: a text's width is defined as the sum
//! of the widths of the clusters it is drawn as.
//!
//! A cluster is a character plus the zero-width characters after it, plus whatever a zero
//! width joiner glues on; neighbouring clusters that `unicode-width` measures as a ligature
//! (an emoji with a skin tone, Arabic lam-alef, ...) are merged. The sum of cluster widths
//! then equals `UnicodeWidthStr::width` of the whole text for all the text we know of.
//!
//! Control characters are drawn as U+FFFD, one per column they occupy: a tab, newline or
//! escape written raw would break the row structure or drive the terminal.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// What a control character is drawn as (one column wide).
const REPLACEMENT: &str = "\u{FFFD}";

const ZERO_WIDTH_JOINER: char = '\u{200D}';

/// Display width of `text` as drawn: the sum of its clusters' widths.
pub(crate) fn width(text: &str) -> usize {
    if is_plain(text) {
        return text.len();
    }
    clusters(text).map(|(_, width)| width).sum()
}

/// Display width of `text` as drawn, and whether it is drawn as its own bytes: no control
/// character replaced and no cluster without columns dropped. Such text can be copied
/// into a row whole instead of cluster by cluster.
pub(crate) fn measure(text: &str) -> (usize, bool) {
    if is_plain(text) {
        return (text.len(), true);
    }
    let (mut width, mut next) = (0, 0);
    let mut verbatim = true;
    for (cluster, columns) in clusters(text) {
        width += columns;
        // A cluster is drawn as itself when it is the text's very next bytes.
        verbatim &= text
            .get(next..)
            .is_some_and(|rest| rest.as_ptr() == cluster.as_ptr());
        next += cluster.len();
    }
    (width, verbatim && next == text.len())
}

/// The clusters `text` is drawn as, each with the number of cells it covers (never 0:
/// text that takes no column, such as a lone combining mark, has nothing to draw).
pub(crate) fn clusters(text: &str) -> Clusters<'_> {
    Clusters {
        text,
        pos: 0,
        plain: is_plain(text),
        ahead: None,
        replacements: 0,
    }
}

/// Printable ASCII is one cluster per byte, one column each: the common case, kept off
/// the per-character table lookups.
fn is_plain(text: &str) -> bool {
    text.bytes().all(|b| (b' '..=b'~').contains(&b))
}

pub(crate) struct Clusters<'t> {
    text: &'t str,
    /// Start of the text not cut yet.
    pos: usize,
    plain: bool,
    /// A cluster already cut, kept back while checking whether it joins the one before.
    ahead: Option<(usize, usize, usize)>,
    /// Columns of a control cluster still to hand out as replacement characters.
    replacements: usize,
}

impl<'t> Clusters<'t> {
    /// Cuts the next raw cluster (before ligature merging): `(start, end, width)`.
    fn cut(&mut self) -> Option<(usize, usize, usize)> {
        let start = self.pos;
        let mut chars = self.text[start..].char_indices();
        let (_, first) = chars.next()?;
        let mut end = start + first.len_utf8();
        let mut joined = first == ZERO_WIDTH_JOINER;
        for (offset, c) in chars {
            if !(joined || c.width() == Some(0)) {
                break;
            }
            end = start + offset + c.len_utf8();
            joined = c == ZERO_WIDTH_JOINER;
        }
        self.pos = end;
        Some((start, end, self.text[start..end].width()))
    }
}

impl<'t> Iterator for Clusters<'t> {
    type Item = (&'t str, usize);

    fn next(&mut self) -> Option<Self::Item> {
        if self.replacements > 0 {
            self.replacements -= 1;
            return Some((REPLACEMENT, 1));
        }
        if self.plain {
            let start = self.pos;
            let end = (start + 1).min(self.text.len());
            self.pos = end;
            return (start < end).then(|| (&self.text[start..end], 1));
        }
        loop {
            let (start, mut end, mut width) = match self.ahead.take() {
                Some(cluster) => cluster,
                None => self.cut()?,
            };
            while let Some((_, next_end, next_width)) = self.cut() {
                let joined = self.text[start..next_end].width();
                if joined == width + next_width {
                    self.ahead = Some((end, next_end, next_width));
                    break;
                }
                (end, width) = (next_end, joined);
            }
            let cluster = &self.text[start..end];
            if width == 0 {
                continue;
            }
            if cluster.chars().any(|c| c.width().is_none()) {
                self.replacements = width - 1;
                return Some((REPLACEMENT, 1));
            }
            return Some((cluster, width));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(text: &str) -> Vec<(&str, usize)> {
        clusters(text).collect()
    }

    #[test]
    fn widths_match_unicode_width_for_real_text() {
        for text in [
            "access token",
            "вход в систему",
            "認可サーバー",
            "🔑 token",
            "👩\u{200D}🔬 scientist",
            "❤\u{FE0F}",
            "👍🏽 ok",
            "🇫🇷",
            "e\u{301}te\u{301}",
            "لا",
            "\u{200B}a",
        ] {
            assert_eq!(width(text), text.width(), "{text:?}");
            let cells: usize = cut(text).iter().map(|(_, w)| w).sum();
            assert_eq!(cells, text.width(), "{text:?}");
        }
    }

    #[test]
    fn clusters_keep_marks_and_ligatures_together() {
        assert_eq!(cut("e\u{301}x"), [("e\u{301}", 1), ("x", 1)]);
        assert_eq!(cut("漢a"), [("漢", 2), ("a", 1)]);
        assert_eq!(cut("👩\u{200D}🔬"), [("👩\u{200D}🔬", 2)]);
        assert_eq!(cut("👍🏽"), [("👍🏽", 2)]);
        assert_eq!(cut("لا"), [("لا", 1)]);
    }

    #[test]
    fn text_without_columns_draws_nothing() {
        assert_eq!(cut("\u{301}"), []);
        assert_eq!(width("\u{301}"), 0);
        assert_eq!(width(""), 0);
    }

    #[test]
    fn text_is_verbatim_when_its_clusters_are_its_bytes() {
        assert_eq!(measure("access token"), (12, true));
        assert_eq!(measure("認可 вход 👩\u{200D}🔬"), (12, true));
        assert_eq!(measure("a\tb"), (3, false));
        assert_eq!(measure("\u{301}a"), (1, false));
        assert_eq!(measure(""), (0, true));
    }

    #[test]
    fn control_characters_become_replacement_characters() {
        assert_eq!(cut("a\tb"), [("a", 1), (REPLACEMENT, 1), ("b", 1)]);
        assert_eq!(cut("\r\n"), [(REPLACEMENT, 1)]);
        assert_eq!(width("\u{1b}[1m"), "\u{1b}[1m".width());
    }
}
