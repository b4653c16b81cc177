//! Strings that came from input, made safe for the place they are written to.
//!
//! A flow file, its front matter and its file name are written by whoever sent the pull
//! request. The parser rejects control and bidi characters in the flow language itself, but
//! front-matter strings (a client id, an unknown key) and file names reach reports as they
//! are. Written raw, an `ESC [` sequence drives the reader's terminal, U+202E makes a line
//! read backwards ("Trojan Source"), a C0 control makes an XML report ill-formed and a C1
//! control passes through JSON encoders untouched. Each output kind therefore has one
//! function here, applied where the string is written, not where it is read: the data stays
//! exact, only its display changes.
//!
//! The diagram exports draw only names and labels, which the parser vets; as a second line
//! of defence the SVG writer draws a control or bidi character as U+FFFD and the Mermaid
//! writer as an entity code (`#8238;`), each in its own escaping.
//!
//! Everything suspicious is shown as a visible Rust-style escape (`\u{1b}`), so a reader
//! sees that something odd was there and what it was, and two names that differ only by an
//! invisible character still look different.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether a character must not reach an output as itself: controls (C0 but tab and line
/// feed, DEL, C1), bidi controls, and the default-ignorable characters that render as
/// nothing (zero-width spaces and joiners, variation selectors, the BOM, ...).
pub fn is_suspicious(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c) || is_default_ignorable(c)
}

/// Characters that make text read differently from what it is ("Trojan Source").
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Unicode's `Default_Ignorable_Code_Point`: code points a renderer shows as nothing, so
/// that `fe` and `f\u{200B}e` look the same. The set comes from ICU4X's compiled Unicode
/// data, so it follows Unicode versions without a hand-kept table.
pub fn is_default_ignorable(c: char) -> bool {
    use icu_properties::CodePointSetData;
    use icu_properties::props::DefaultIgnorableCodePoint;
    // ASCII is never default-ignorable: skip the lookup for the common case.
    !c.is_ascii() && CodePointSetData::new::<DefaultIgnorableCodePoint>().contains(c)
}

/// `s` with every character `harmful` selects written as `\u{XX}`; borrowed when there is
/// nothing to replace, which is almost always.
fn escape_where(s: &str, harmful: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(&harmful) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if harmful(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// For a terminal (diagnostics, `trace`, `check`, `fmt`, `docs`): line breaks and tabs are
/// kept, every other control, bidi and invisible character is escaped.
pub fn terminal(s: &str) -> Cow<'_, str> {
    escape_where(s, is_suspicious)
}

/// For one line of a terminal report (a file name, a value in a table): like
/// [`terminal`], and a line break is escaped too, so that it cannot forge a report line.
pub fn terminal_line(s: &str) -> Cow<'_, str> {
    escape_where(s, |c| c == '\n' || is_suspicious(c))
}

/// For a serialized XML document (a JUnit report, whose writer escapes the markup):
/// every character XML 1.0 forbids (the noncharacters U+FFFE and U+FFFF beside the C0
/// controls) or that is suspicious becomes visible `\u{..}` text. The markup itself is
/// ASCII, so each such character is inside text or an attribute value, and the document
/// stays well-formed whatever the input was.
pub fn xml(serialized: &str) -> Cow<'_, str> {
    escape_where(serialized, |c| {
        is_suspicious(c) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
    })
}

/// For serialized JSON: serde_json escapes C0 controls but writes C1 controls, bidi
/// controls and U+2028/U+2029 as themselves. Outside strings JSON has only ASCII, so each
/// such character here is inside a string and becomes its `\uXXXX` escape: the document
/// means exactly the same, and no terminal or browser showing it is misled.
pub fn json(serialized: &str) -> Cow<'_, str> {
    let harmful = |c: char| is_suspicious(c) || matches!(c, '\u{2028}' | '\u{2029}');
    if !serialized.chars().any(harmful) {
        return Cow::Borrowed(serialized);
    }
    let mut out = String::with_capacity(serialized.len() + 16);
    for c in serialized.chars() {
        if harmful(c) {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{unit:04x}");
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_escapes_controls_bidi_and_invisibles() {
        assert_eq!(terminal("plain\ttext\n"), "plain\ttext\n");
        assert!(matches!(terminal("plain"), Cow::Borrowed(_)));
        assert_eq!(terminal("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(terminal("x\u{202E}y\u{9b}z"), "x\\u{202e}y\\u{9b}z");
        assert_eq!(terminal("f\u{200B}e"), "f\\u{200b}e");
        assert_eq!(terminal_line("a\nb\r"), "a\\u{a}b\\u{d}");
    }

    #[test]
    fn xml_is_well_formed_whatever_the_input() {
        let hostile = "<a name=\"\u{0}\u{1b}\u{85}\u{202E}\u{FFFF}\">\u{FFFE}\t\n</a>";
        let escaped = xml(hostile);
        assert_eq!(
            escaped,
            "<a name=\"\\u{0}\\u{1b}\\u{85}\\u{202e}\\u{ffff}\">\\u{fffe}\t\n</a>"
        );
        assert!(!escaped.chars().any(is_suspicious));
        assert!(matches!(xml("<a>plain</a>"), Cow::Borrowed(_)));
    }

    #[test]
    fn json_escapes_keep_the_meaning() {
        let value = "x\u{85}\u{202E}\u{2028}\u{1b}y\u{E0001}";
        let serialized = serde_json::to_string(value).unwrap();
        let safe = json(&serialized);
        assert!(!safe.chars().any(is_suspicious), "{safe}");
        assert!(!safe.contains('\u{2028}'));
        let back: String = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn default_ignorables_are_suspicious_but_visible_text_is_not() {
        for c in [
            '\u{200B}',
            '\u{200D}',
            '\u{2060}',
            '\u{FE0F}',
            '\u{FEFF}',
            '\u{E0041}',
        ] {
            assert!(is_suspicious(c), "{c:?}");
        }
        for c in ['a', 'é', 'ж', '中', '🙂', ' '] {
            assert!(!is_suspicious(c), "{c:?}");
        }
    }
}
