//! The diagram as a PlantUML sequence diagram, for teams whose documentation is drawn by
//! PlantUML.
//!
//! What PlantUML's sequence parser does with text decides how it is written:
//! - Participants get made-up ids (`P1`, `P2`, … by column) and their text as a quoted
//!   display name (`participant "auth-server" as P2`), so no name can collide with a
//!   keyword or contain a character an id cannot.
//! - Message, note and fragment text runs to the end of the line and is read as Creole
//!   markup (`**bold**`, `//italic//`, `<color>` tags, `~` escapes) with `\n` as a line
//!   break. So every ASCII punctuation character that could start markup is written as
//!   an HTML entity (`&#42;` for `*`), which PlantUML shows as the character.
//! - A wait is a delay, `...11m later...`; a note's line breaks are `\n`.

use std::io::{self, BufWriter, Write};

use super::{Diagram, Entry};
use crate::syntax::NotePlacement;

/// Writes the diagram as a PlantUML sequence diagram (`@startuml` … `@enduml`): its title,
/// one `participant` per column (a group's inside `box "title"` … `end box`), then in
/// flow order its messages (with their numbers when the diagram has them, and a `note
/// right` per mark), delays, notes and fragments. Arrows and notes naming a participant
/// that does not exist are left out.
pub fn render_plantuml(diagram: &Diagram, out: &mut impl Write) -> io::Result<()> {
    let mut out = BufWriter::new(out);
    writeln!(out, "@startuml")?;
    if let Some(title) = diagram.title {
        writeln!(out, "title {}", Text(title))?;
    }
    for (i, text) in diagram.participants.iter().enumerate() {
        let group = diagram.groups.iter().find(|g| g.first <= i && i <= g.last);
        if let Some(group) = group.filter(|g| g.first == i) {
            writeln!(out, "box \"{}\"", Text(group.title))?;
        }
        writeln!(out, "participant \"{}\" as P{}", Text(text), i + 1)?;
        if group.is_some_and(|g| g.last == i) {
            writeln!(out, "end box")?;
        }
    }
    let exists = |i: usize| i < diagram.participants.len();
    for (index, entry) in diagram.entries_by_arrow() {
        match entry {
            Entry::Arrow(arrow) => {
                if !exists(arrow.from) || !exists(arrow.to) {
                    continue;
                }
                write!(out, "P{} -> P{}", arrow.from + 1, arrow.to + 1)?;
                let label = diagram.arrow_label(index, arrow.label);
                if !label.is_empty() {
                    write!(out, " : {}", Text(&label))?;
                }
                writeln!(out)?;
                for mark in diagram.marks.iter().filter(|m| m.arrow == index) {
                    writeln!(out, "note right : {}", Text(&mark.text()))?;
                }
            }
            Entry::Divider(divider) => writeln!(out, "...{}...", Text(&divider.text))?,
            Entry::Note(note) => {
                if !exists(note.last) {
                    continue;
                }
                let at = match note.placement {
                    NotePlacement::Over if note.first != note.last => {
                        format!("over P{}, P{}", note.first + 1, note.last + 1)
                    }
                    placement => format!("{} P{}", placement.keyword(), note.first + 1),
                };
                let lines: Vec<String> = note.lines().map(|l| Text(l).to_string()).collect();
                writeln!(out, "note {at} : {}", lines.join("\\n"))?;
            }
            Entry::Open(header) => {
                let mut condition = String::new();
                if let Some(times) = header.times {
                    condition.push_str(&format!("{times} times"));
                }
                if let Some(label) = header.label {
                    if !condition.is_empty() {
                        condition.push_str(", ");
                    }
                    condition.push_str(label);
                }
                writeln!(out, "{} {}", header.kind.keyword(), Text(&condition))?;
            }
            Entry::Else(header) => {
                writeln!(out, "else {}", Text(header.label.unwrap_or_default()))?;
            }
            Entry::Close => writeln!(out, "end")?,
        }
    }
    writeln!(out, "@enduml")?;
    out.flush()
}

/// Text as PlantUML reads it back: punctuation that could start Creole markup, a quote
/// or a line break as an HTML entity, control characters as U+FFFD.
struct Text<'a>(&'a str);

impl std::fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for c in self.0.chars() {
            match c {
                c if c.is_control() => f.write_str("\u{FFFD}")?,
                c if c.is_ascii_punctuation() && !matches!(c, '.' | ',' | ':' | '(' | ')') => {
                    write!(f, "&#{};", u32::from(c))?
                }
                c => write!(f, "{c}")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_become_entities() {
        let text = |s| Text(s).to_string();
        assert_eq!(
            text("**bold** //it// ~x"),
            "&#42;&#42;bold&#42;&#42; &#47;&#47;it&#47;&#47; &#126;x"
        );
        assert_eq!(
            text("a \\n b \"q\" <c>"),
            "a &#92;n b &#34;q&#34; &#60;c&#62;"
        );
        assert_eq!(text("login, consent: (ok)."), "login, consent: (ok).");
        assert_eq!(text("вход 認可\t"), "вход 認可\u{FFFD}");
    }
}
