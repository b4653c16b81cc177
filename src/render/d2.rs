//! The diagram as a D2 sequence diagram (`shape: sequence_diagram`), for teams that draw
//! with D2.
//!
//! How D2 reads a sequence diagram decides how it is written:
//! - Actors are the top-level objects, in declaration order; they get made-up keys (`p1`,
//!   `p2`, … by column) and their text as a label, so no name needs escaping as a key.
//! - A fragment is a group: a container of messages, labelled with the text diagram's
//!   header (`alt: valid code`); an `alt`'s `else` branch is a group of its own right after
//!   it. Inside a group, actors are named by their keys as at the top.
//! - A note is an object inside its actor (`p2.n1: "text"`); D2 draws it on the actor's
//!   lifeline, so `left of`, `right of` and `over A, B` all land on the first actor. A wait
//!   and a verdict mark are notes too. D2 has no frame around actors: participant boxes are
//!   left out.
//! - Labels are double-quoted strings: `"` and `\` are escaped, `$` too (it starts a
//!   substitution), and a line break is `\n`.

use std::io::{self, BufWriter, Write};

use super::{Diagram, Entry};

/// Writes the diagram as a D2 sequence diagram: the title as a text shape above it, one
/// actor per column, then in flow order messages (numbered when the diagram numbers them,
/// and followed by a note per mark), notes, waits as notes on the first actor, and
/// fragments as groups. Arrows and notes naming a participant that does not exist are
/// left out.
pub fn render_d2(diagram: &Diagram, out: &mut impl Write) -> io::Result<()> {
    let mut out = BufWriter::new(out);
    if let Some(title) = diagram.title {
        writeln!(
            out,
            "title: {} {{shape: text; near: top-center; style.font-size: 20}}",
            Quoted(title)
        )?;
    }
    writeln!(out, "shape: sequence_diagram")?;
    for (i, text) in diagram.participants.iter().enumerate() {
        writeln!(out, "p{}: {}", i + 1, Quoted(text))?;
    }
    let exists = |i: usize| i < diagram.participants.len();
    let mut depth = 0;
    let mut groups = 0;
    let mut notes = 0;
    let mut note = |out: &mut BufWriter<_>, depth: usize, actor: usize, text: &str| {
        notes += 1;
        let indent = "  ".repeat(depth);
        writeln!(out, "{indent}p{}.n{notes}: {}", actor + 1, Quoted(text))
    };
    for (index, entry) in diagram.entries_by_arrow() {
        let indent = "  ".repeat(depth);
        match entry {
            Entry::Arrow(arrow) => {
                if !exists(arrow.from) || !exists(arrow.to) {
                    continue;
                }
                let label = diagram.arrow_label(index, arrow.label);
                writeln!(
                    out,
                    "{indent}p{} -> p{}: {}",
                    arrow.from + 1,
                    arrow.to + 1,
                    Quoted(&label)
                )?;
                for mark in diagram.marks.iter().filter(|m| m.arrow == index) {
                    note(&mut out, depth, arrow.to, &mark.text())?;
                }
            }
            Entry::Divider(divider) if exists(0) => {
                note(&mut out, depth, 0, &format!("⋯ {} ⋯", divider.text))?;
            }
            Entry::Divider(_) => {}
            Entry::Note(entry) if exists(entry.last) => {
                note(&mut out, depth, entry.first, entry.text)?;
            }
            Entry::Note(_) => {}
            Entry::Open(header) => {
                groups += 1;
                writeln!(out, "{indent}g{groups}: {} {{", Quoted(&header.text))?;
                depth += 1;
            }
            Entry::Else(header) if depth > 0 => {
                groups += 1;
                let outer = "  ".repeat(depth - 1);
                writeln!(out, "{outer}}}")?;
                writeln!(out, "{outer}g{groups}: {} {{", Quoted(&header.text))?;
            }
            Entry::Close if depth > 0 => {
                depth -= 1;
                writeln!(out, "{}}}", "  ".repeat(depth))?;
            }
            Entry::Else(_) | Entry::Close => {}
        }
    }
    while depth > 0 {
        depth -= 1;
        writeln!(out, "{}}}", "  ".repeat(depth))?;
    }
    out.flush()
}

/// A D2 double-quoted string.
struct Quoted<'a>(&'a str);

impl std::fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("\"")?;
        for c in self.0.chars() {
            match c {
                '"' | '\\' | '$' => write!(f, "\\{c}")?,
                '\n' => f.write_str("\\n")?,
                c if c.is_control() => f.write_str("\u{FFFD}")?,
                c => write!(f, "{c}")?,
            }
        }
        f.write_str("\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_strings_escape_what_d2_reads() {
        assert_eq!(
            Quoted("a \"b\" \\ ${x}").to_string(),
            r#""a \"b\" \\ \${x}""#
        );
        assert_eq!(
            Quoted("two\nlines\t").to_string(),
            "\"two\\nlines\u{FFFD}\""
        );
    }
}
