//! The canonical text of a flow, behind `authflow fmt`.
//!
//! One canonical form means diffs between flow files show changes of meaning only, never of
//! spacing. The rules:
//!
//! - one statement per line, single spaces between tokens:
//!   `from -> to: "label" as step via query { key: value, key2: "v" }`,
//!   `participant name "display" as role { key: value }`, `wait 11m` (the duration as
//!   written), `note over a, b: "text"` (`\n` for a line break), `alt "label"`,
//!   `loop 3 "label"`, `else "label"`, `end`, `autonumber`, `box "title" a b`;
//! - no indentation but inside fragments: a line inside `alt`/`opt`/`loop` is indented
//!   by two spaces per fragment it is in, `else` and `end` stand at their `alt`'s depth,
//!   so the nesting reads at a glance (blank lines stay empty);
//! - names are bare whenever the parser reads them back as the same name, quoted otherwise;
//!   labels and quoted values are re-escaped (`\"`, `\\`); bare values stay bare, quoted
//!   ones quoted, `none` stays `none`; an empty `{ }` is dropped, as it means nothing;
//! - comments are the author's prose: `#` and the text after it as written (`#foo` stays
//!   `#foo`), only trailing whitespace dropped; a trailing comment is set off by two spaces
//!   (`stmt  # c`) so it does not read as part of the statement;
//! - front matter is kept verbatim between `---` lines (YAML block scalars keep trailing
//!   spaces, so only line endings change);
//! - LF line endings, no byte order mark, at most one blank line in a row, none at the start
//!   of the file or at its end, and exactly one final newline (an empty flow is empty).

use std::fmt::Write;

use super::ast::*;

/// The canonical text of `flow`, by the rules in the module docs: what `authflow fmt` writes.
pub fn format_flow(flow: &Flow) -> String {
    let mut out = String::new();
    if let Some(front_matter) = &flow.front_matter {
        out.push_str("---\n");
        // YAML breaks lines at CR, LF and CRLF alike; writing every break as LF keeps what
        // the YAML says and makes the output its own canonical form. `str::lines` would
        // take one CR off a run of them, so each run would shrink by one, forever.
        let yaml = front_matter.yaml.replace("\r\n", "\n").replace('\r', "\n");
        for line in yaml.lines() {
            out.push_str(line);
            out.push('\n');
        }
        out.push_str("---\n");
    }
    // A blank line is only written once something follows it, which drops trailing blank
    // lines; it is never written before the first line of the file. After front matter it
    // is kept: separating the YAML from the statements is the author's choice.
    let mut started = flow.front_matter.is_some();
    let mut blank_pending = false;
    let mut depth: usize = 0;
    for line in &flow.lines {
        match line {
            Line::Blank => blank_pending = started,
            Line::Comment(comment) => {
                flush_blank(&mut out, &mut blank_pending);
                indent(&mut out, depth);
                write_comment(&mut out, comment);
            }
            Line::Statement { statement, comment } => {
                flush_blank(&mut out, &mut blank_pending);
                let own_depth = match statement {
                    Statement::Else(_) => depth.saturating_sub(1),
                    Statement::End(_) => {
                        depth = depth.saturating_sub(1);
                        depth
                    }
                    _ => depth,
                };
                indent(&mut out, own_depth);
                if let Statement::FragmentStart(_) = statement {
                    depth += 1;
                }
                write_statement(&mut out, statement);
                if let Some(comment) = comment {
                    out.push_str("  ");
                    write_comment(&mut out, comment);
                }
            }
        }
        if !matches!(line, Line::Blank) {
            out.push('\n');
            started = true;
        }
    }
    out
}

/// ` { key: value, ... }`, or nothing for an empty list.
fn write_params(out: &mut String, params: &[Param]) {
    if params.is_empty() {
        return;
    }
    out.push_str(" { ");
    for (i, param) in params.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&param.key.text);
        out.push_str(": ");
        match &param.value {
            ParamValue::Quoted(label) => write_quoted(out, &label.text),
            ParamValue::Bare(word) => out.push_str(&word.text),
            ParamValue::Absent(_) => out.push_str("none"),
        }
    }
    out.push_str(" }");
}

fn indent(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str("  ");
    }
}

fn flush_blank(out: &mut String, blank_pending: &mut bool) {
    if std::mem::take(blank_pending) {
        out.push('\n');
    }
}

fn write_comment(out: &mut String, comment: &Comment) {
    out.push('#');
    out.push_str(comment.text.trim_end());
}

fn write_statement(out: &mut String, statement: &Statement) {
    match statement {
        Statement::Participant(participant) => {
            out.push_str("participant ");
            write_name(out, &participant.name);
            if let Some(display) = &participant.display {
                out.push(' ');
                write_quoted(out, &display.text);
            }
            if let Some(role) = &participant.role {
                out.push_str(" as ");
                out.push_str(&role.text);
            }
            write_params(out, &participant.params);
        }
        Statement::Message(message) => {
            write_name(out, &message.from);
            out.push_str(" -> ");
            write_name(out, &message.to);
            out.push_str(": ");
            write_quoted(out, &message.label.text);
            if let Some(step) = &message.step {
                out.push_str(" as ");
                out.push_str(&step.text);
            }
            if let Some(via) = &message.via {
                out.push_str(" via ");
                out.push_str(&via.text);
            }
            write_params(out, &message.params);
        }
        Statement::Wait(wait) => {
            let _ = write!(out, "wait {}", wait.written);
        }
        Statement::Note(note) => {
            out.push_str("note ");
            out.push_str(note.placement.keyword());
            out.push(' ');
            for (i, name) in note.participants.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_name(out, name);
            }
            out.push_str(": ");
            write_quoted(out, &note.text.text);
        }
        Statement::FragmentStart(start) => {
            out.push_str(start.kind.keyword());
            if let Some(times) = start.times {
                let _ = write!(out, " {times}");
            }
            write_optional_label(out, start.label.as_ref());
        }
        Statement::Else(branch) => {
            out.push_str("else");
            write_optional_label(out, branch.label.as_ref());
        }
        Statement::End(_) => out.push_str("end"),
        Statement::Autonumber(_) => out.push_str("autonumber"),
        Statement::Box(group) => {
            out.push_str("box ");
            write_quoted(out, &group.title.text);
            for member in &group.members {
                out.push(' ');
                write_name(out, member);
            }
        }
    }
}

fn write_optional_label(out: &mut String, label: Option<&Label>) {
    if let Some(label) = label {
        out.push(' ');
        write_quoted(out, &label.text);
    }
}

fn write_name(out: &mut String, name: &Name) {
    if is_bare_name(&name.text) {
        out.push_str(&name.text);
    } else {
        write_quoted(out, &name.text);
    }
}

/// Whether the parser reads `text` unquoted back as this very name. A name cannot contain
/// `>`, so the one place a bare name stops early (a `-` that starts `->`) never arises.
fn is_bare_name(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.' || c == '-')
}

fn write_quoted(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            // Only a note's text holds line breaks, and `\n` is how it wrote them.
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SourceFile;
    use crate::syntax::parse;

    fn fmt(text: &str) -> String {
        let file = SourceFile::new("t.flow", text);
        format_flow(&parse(&file).unwrap_or_else(|d| panic!("{d:?}")))
    }

    #[test]
    fn spacing_and_quoting() {
        assert_eq!(
            fmt("  fe->\"be\" :\"a \\\"b\\\" \\\\\"as callback{state:\"x\",code : none,}  #c  \n"),
            "fe -> be: \"a \\\"b\\\" \\\\\" as callback { state: \"x\", code: none }  #c\n"
        );
        assert_eq!(
            fmt("participant   \"my app\"   \"App\"  as   client\n"),
            "participant \"my app\" \"App\" as client\n"
        );
        assert_eq!(fmt("wait   1h30m\n"), "wait 1h30m\n");
        assert_eq!(fmt("fe -> be: \"\" { }\n"), "fe -> be: \"\"\n");
    }

    #[test]
    fn extensions_are_canonical_and_fragments_indented() {
        let text = "autonumber\nbox   \"Client\"  fe   be\nnote   left of fe :\"a\\nb\"\n\
                    alt\"ok\"\n  # why\nfe -> be: \"x\"\nloop   3\nopt\nbe -> fe: \"y\"\nend\nend\n\
                    else\nnote over fe,be: \"z\"\n   end\n";
        let expected = "autonumber\nbox \"Client\" fe be\nnote left of fe: \"a\\nb\"\n\
                        alt \"ok\"\n  # why\n  fe -> be: \"x\"\n  loop 3\n    opt\n      \
                        be -> fe: \"y\"\n    end\n  end\nelse\n  note over fe, be: \"z\"\nend\n";
        assert_eq!(fmt(text), expected);
        assert_eq!(fmt(expected), expected);
    }

    #[test]
    fn blank_lines() {
        assert_eq!(
            fmt("\n\n#a\n\n\n\nfe -> be: \"\"\n\n\n"),
            "#a\n\nfe -> be: \"\"\n"
        );
        assert_eq!(fmt(""), "");
        assert_eq!(fmt("\n \n"), "");
        assert_eq!(
            fmt("---\r\ntitle: x\r\n---\r\n\r\nfe -> be: \"\""),
            "---\ntitle: x\n---\n\nfe -> be: \"\"\n"
        );
    }
}
