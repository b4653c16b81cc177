//! The diagram as a Mermaid `sequenceDiagram`, for documentation sites that draw Mermaid
//! (GitHub among them).
//!
//! What Mermaid's sequence lexer (`sequenceDiagram.jison`) does with text decides how it
//! is written:
//! - A participant id is lexed up to `-`, `+`, `>`, `:`, `,`, `;` or a newline, and words
//!   such as `end`, `note`, `loop` or `box` are keywords wherever they stand (the lexer is
//!   case-insensitive). So an id is used as is only when it is an ASCII identifier and not
//!   a keyword; any other participant gets a made-up id (`p1`, `p2`, … by column) and its
//!   text as an alias: `participant p1 as auth-server`.
//! - Message and alias text runs to the first `#`, `;` or newline; `%%` starts a comment;
//!   `<br>` and other tags are HTML; a leading `wrap:` is an option; `$$` starts KaTeX. So
//!   these characters are written as Mermaid's entity codes, `#59;` for `;`, which Mermaid
//!   replaces before parsing and shows as the character.
//! - Text is trimmed, and a message needs some text after its colon (`A->>B:` alone is a
//!   syntax error, and a lone trailing space is what editors strip): an empty label is
//!   written as `#32;`, a space no editor removes.

use std::collections::HashSet;
use std::io::{self, BufWriter, Write};

use super::{Diagram, Entry};
use crate::syntax::NotePlacement;

/// Words Mermaid's sequence lexer reads as keywords before it reads a participant.
const KEYWORDS: &[&str] = &[
    "accDescr",
    "accTitle",
    "activate",
    "actor",
    "alt",
    "and",
    "as",
    "autonumber",
    "box",
    "break",
    "create",
    "critical",
    "deactivate",
    "destroy",
    "details",
    "else",
    "end",
    "left",
    "link",
    "links",
    "loop",
    "note",
    "off",
    "opt",
    "option",
    "over",
    "par",
    "par_over",
    "participant",
    "properties",
    "rect",
    "right",
    "sequenceDiagram",
    "title",
];

/// Writes the diagram as a Mermaid `sequenceDiagram`: its `title` if it has one, one `participant` line per column, left to right (those of a group inside
/// `box transparent TITLE` … `end`: `transparent` is the box's colour, so that a title
/// starting with a colour name stays a title), then in flow order one `A->>B: label` line
/// per message (its number written before the label, as the text diagram draws it:
/// Mermaid's own `autonumber` only counts 1, 2, 3, not lines; followed by a `Note right of B: ✗ id` per mark on it), one
/// `Note over FIRST,LAST: text` line per divider, across every participant, `Note`s,
/// and `alt`/`else`/`opt`/`loop`/`end` as they are.
///
/// `names[i]` is the name participant `i` goes by in the flow (`Flow::participant_order`),
/// used as its Mermaid id where Mermaid allows; a participant without one (`names` is
/// shorter) goes by its displayed text. The displayed text, `Diagram::participants`, is
/// what Mermaid shows. Arrows naming a participant that does not exist are left out, as
/// in the text diagram.
pub fn render_mermaid(diagram: &Diagram, names: &[&str], out: &mut impl Write) -> io::Result<()> {
    let mut out = BufWriter::new(out);
    let shown = &diagram.participants;
    let names: Vec<&str> = (0..shown.len())
        .map(|i| names.get(i).copied().unwrap_or(shown[i]))
        .collect();
    let ids = ids(&names);
    writeln!(out, "sequenceDiagram")?;
    if let Some(title) = diagram.title {
        writeln!(out, "    title {}", Escaped(title))?;
    }
    for (i, ((id, name), text)) in ids.iter().zip(&names).zip(shown).enumerate() {
        let group = diagram.groups.iter().find(|g| g.first <= i && i <= g.last);
        if let Some(group) = group.filter(|g| g.first == i) {
            writeln!(out, "    box transparent {}", Escaped(group.title))?;
        }
        if id == name && name == text {
            writeln!(out, "    participant {id}")?;
        } else {
            writeln!(out, "    participant {id} as {}", Escaped(text))?;
        }
        if group.is_some_and(|g| g.last == i) {
            writeln!(out, "    end")?;
        }
    }
    // What a divider's note spans. Without participants there is nothing to note over.
    let across = match ids.as_slice() {
        [] => None,
        [only] => Some(only.clone()),
        [first, .., last] => Some(format!("{first},{last}")),
    };
    for (index, entry) in diagram.entries_by_arrow() {
        match entry {
            Entry::Arrow(arrow) => {
                let (Some(from), Some(to)) = (ids.get(arrow.from), ids.get(arrow.to)) else {
                    continue;
                };
                let label = diagram.arrow_label(index, arrow.label);
                writeln!(out, "    {from}->>{to}: {}", Escaped(&label))?;
                for mark in diagram.marks.iter().filter(|m| m.arrow == index) {
                    writeln!(out, "    Note right of {to}: {}", Escaped(&mark.text()))?;
                }
            }
            Entry::Divider(divider) => {
                if let Some(across) = &across {
                    writeln!(out, "    Note over {across}: {}", Escaped(&divider.text))?;
                }
            }
            Entry::Note(note) => {
                let (Some(first), Some(last)) = (ids.get(note.first), ids.get(note.last)) else {
                    continue;
                };
                let at = match note.placement {
                    NotePlacement::Over if first != last => format!("over {first},{last}"),
                    placement => format!("{} {first}", placement.keyword()),
                };
                // `<br>` is Mermaid's line break in a note.
                let lines: Vec<String> = note.lines().map(|l| Escaped(l).to_string()).collect();
                writeln!(out, "    Note {at}: {}", lines.join("<br>"))?;
            }
            Entry::Open(header) => {
                let condition = header.condition();
                writeln!(out, "    {} {}", header.kind.keyword(), Escaped(&condition))?;
            }
            Entry::Else(header) => {
                writeln!(
                    out,
                    "    else {}",
                    Escaped(header.label.unwrap_or_default())
                )?;
            }
            Entry::Close => writeln!(out, "    end")?,
        }
    }
    out.flush()
}

/// A Mermaid id for each participant: its name where that is a safe id not taken by an
/// earlier column, else `p` and its column number (1-based), with `_` appended until no
/// name or earlier id has it. Names keep priority over made-up ids, so that `p2` in a
/// flow stays `p2` even when column 2 needs a made-up id.
fn ids(names: &[&str]) -> Vec<String> {
    let mut taken = HashSet::new();
    let own: Vec<bool> = names
        .iter()
        .map(|name| is_safe_id(name) && taken.insert(name.to_string()))
        .collect();
    names
        .iter()
        .zip(own)
        .enumerate()
        .map(|(i, (name, own))| {
            if own {
                return name.to_string();
            }
            let mut id = format!("p{}", i + 1);
            while !taken.insert(id.clone()) {
                id.push('_');
            }
            id
        })
        .collect()
}

/// An ASCII identifier that is not a keyword, in any case.
fn is_safe_id(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !KEYWORDS
            .iter()
            .any(|keyword| keyword.eq_ignore_ascii_case(name))
}

/// Message or alias text as Mermaid reads it back: trimmed (Mermaid trims), characters
/// the lexer treats specially as `#code;` entities, and nothing as `#32;`.
struct Escaped<'a>(&'a str);

impl std::fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = self.0.trim_matches(' ');
        if text.is_empty() {
            return f.write_str("#32;");
        }
        let mut rest = text;
        while let Some(at) = rest.find(needs_entity) {
            f.write_str(&rest[..at])?;
            let c = rest[at..].chars().next().unwrap_or_default();
            write!(f, "#{};", u32::from(c))?;
            rest = &rest[at + c.len_utf8()..];
        }
        f.write_str(rest)
    }
}

fn needs_entity(c: char) -> bool {
    matches!(c, '#' | ';' | '%' | ':' | '<' | '>' | '&' | '$')
        || c.is_control()
        || crate::sanitize::is_bidi_control(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_ids_are_ascii_identifiers_that_are_not_keywords() {
        assert!(is_safe_id("auth_server_be"));
        assert!(is_safe_id("_x1"));
        assert!(is_safe_id("endpoint"));
        for name in [
            "",
            "1st",
            "auth-server",
            "a.b",
            "a b",
            "браузер",
            "End",
            "NOTE",
        ] {
            assert!(!is_safe_id(name), "{name:?}");
        }
    }

    #[test]
    fn made_up_ids_avoid_every_name() {
        assert_eq!(
            ids(&["a-b", "p1", "end", "p3", "p3"]),
            ["p1_", "p1", "p3_", "p3", "p5"]
        );
    }

    #[test]
    fn special_characters_become_entities() {
        let escaped = |text| Escaped(text).to_string();
        assert_eq!(escaped("a;b#c"), "a#59;b#35;c");
        assert_eq!(escaped("a\u{202E}b\u{1b}"), "a#8238;b#27;");
        assert_eq!(escaped("<br>&\"'"), "#60;br#62;#38;\"'");
        assert_eq!(escaped("$$x$$"), "#36;#36;x#36;#36;");
        assert_eq!(escaped("wrap: 100%"), "wrap#58; 100#37;");
        assert_eq!(escaped("  enter "), "enter");
        assert_eq!(escaped(" "), "#32;");
        assert_eq!(escaped("a\nb"), "a#10;b");
        assert_eq!(escaped("вход 認可"), "вход 認可");
    }
}
