//! The flow language parser.
//!
//! The language is line oriented, so the parser works line by line: each line is parsed
//! with nom combinators, and a line that fails yields one diagnostic and parsing resumes
//! on the next line. Every error therefore has a precise position, and one run reports
//! every broken line instead of only the first.

use std::collections::HashMap;

use nom::bytes::complete::{tag, take_while, take_while1};
use nom::character::complete::char;
use nom::combinator::opt;
use nom::error::{ErrorKind, ParseError};
use nom::{IResult, Parser};

use super::ast::*;
use super::front_matter::FrontMatter;
use crate::diagnostic::Diagnostic;
use crate::model::world::parse_duration;
use crate::sanitize::is_bidi_control;
use crate::span::{SourceFile, Span};

/// Reads a flow file from raw bytes: invalid UTF-8 is reported (with its byte offset)
/// instead of being replaced, because a silently altered label would be drawn wrong.
/// Bytes handed over as a `Vec` become the file's text without a copy.
pub fn parse_bytes(
    name: &str,
    bytes: impl Into<Vec<u8>>,
) -> (SourceFile, Result<Flow, Vec<Diagnostic>>) {
    match String::from_utf8(bytes.into()) {
        Ok(text) => {
            let file = SourceFile::new(name, text);
            let flow = parse(&file);
            (file, flow)
        }
        Err(error) => {
            let bytes = error.as_bytes();
            let error = error.utf8_error();
            let offset = error.valid_up_to();
            let file = SourceFile::new(name, String::from_utf8_lossy(bytes));
            let bad = error.error_len().unwrap_or(bytes.len() - offset);
            let span = Span::new(offset, offset + '\u{FFFD}'.len_utf8());
            let diagnostic =
                Diagnostic::error(format!("invalid UTF-8 at byte offset {offset}"), span)
                    .with_label(format!("{bad} byte(s) that are not UTF-8"))
                    .with_note("note: flow files must be UTF-8 encoded");
            (file, Err(vec![diagnostic]))
        }
    }
}

/// Parses a whole flow file, reporting every malformed line.
pub fn parse(file: &SourceFile) -> Result<Flow, Vec<Diagnostic>> {
    let text = file.text.as_str();
    let mut diagnostics = Vec::new();
    let mut flow = Flow::default();
    let mut offset = text
        .strip_prefix('\u{FEFF}')
        .map_or(0, |_| '\u{FEFF}'.len_utf8());

    match front_matter(text, offset) {
        Ok(Some((block, body_start))) => {
            flow.front_matter = Some(block);
            offset = body_start;
        }
        Ok(None) => {}
        Err(diagnostic) => return Err(vec![*diagnostic]),
    }

    // One entry per line at most: reserving it up front spares the long flows' copies of
    // the whole vector as it grows.
    flow.lines.reserve(file.line_count());
    let mut declared: HashMap<Text, Span> = HashMap::new();
    // Whether the flow has fragments, or notes and boxes that name participants: only
    // then is it walked again to check them (most flows, and long ones, have neither).
    let (mut fragments, mut references) = (false, false);
    while offset < text.len() {
        let end =
            memchr::memchr(b'\n', &text.as_bytes()[offset..]).map_or(text.len(), |i| offset + i);
        let raw = &text[offset..end];
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        match parse_line(line, offset) {
            Ok(parsed) => {
                if let Line::Statement {
                    statement: Statement::Participant(p),
                    ..
                } = &parsed
                {
                    if let Some(first) = declared.get(&p.name.text) {
                        diagnostics.push(
                            Diagnostic::error(
                                format!("participant `{}` is declared twice", p.name.text),
                                p.name.span,
                            )
                            .with_label("declared again here")
                            .with_related(*first, "first declared here"),
                        );
                    } else {
                        declared.insert(p.name.text.clone(), p.name.span);
                    }
                }
                if let Line::Statement { statement, .. } = &parsed {
                    match statement {
                        Statement::FragmentStart(_) | Statement::Else(_) | Statement::End(_) => {
                            fragments = true;
                        }
                        Statement::Note(_) | Statement::Box(_) => references = true,
                        _ => {}
                    }
                }
                let repeated_blank =
                    matches!(parsed, Line::Blank) && matches!(flow.lines.last(), Some(Line::Blank));
                if !repeated_blank {
                    flow.lines.push(parsed);
                }
            }
            Err(diagnostic) => diagnostics.push(*diagnostic),
        }
        offset = end + 1;
    }
    if diagnostics.is_empty() && fragments {
        diagnostics.extend(super::fragments::validate(&flow));
    }
    if diagnostics.is_empty() && references {
        diagnostics.extend(check_references(&flow));
    }
    if diagnostics.is_empty() {
        Ok(flow)
    } else {
        Err(diagnostics)
    }
}

/// Notes must name participants the flow has, each participant is in one box at most, and
/// a box's members must end up side by side (a `participant` line before the box can put
/// one of them elsewhere).
fn check_references(flow: &Flow) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let order = flow.participant_order();
    let mut boxed: HashMap<&str, Span> = HashMap::new();
    for group in flow.boxes() {
        for member in &group.members {
            if let Some(first) = boxed.insert(&member.text, member.span) {
                diagnostics.push(
                    Diagnostic::error(
                        format!("`{}` is already in a box", member.text),
                        member.span,
                    )
                    .with_label("boxed again here")
                    .with_related(first, "first boxed here"),
                );
            }
        }
        let columns: Vec<usize> = group
            .members
            .iter()
            .filter_map(|m| order.iter().position(|n| *n == m.text))
            .collect();
        if let Some(pair) = columns.windows(2).find(|pair| pair[1] != pair[0] + 1) {
            let (first, second) = (order[pair[0]], order[pair[1]]);
            let why = if pair[1] > pair[0] {
                format!(
                    "`{}` is drawn between `{first}` and `{second}`",
                    order[pair[0] + 1]
                )
            } else {
                format!("`{second}` is drawn before `{first}`")
            };
            diagnostics.push(
                Diagnostic::error(
                    format!(
                        "the participants of box \"{}\" are not side by side: {why}",
                        group.title.text
                    ),
                    group.span,
                )
                .with_label("this box")
                .with_note(
                    "note: a box declares its participants in its order; move the `participant` lines of its members after it, or next to each other",
                ),
            );
        }
    }
    for statement in flow.statements() {
        let Statement::Note(note) = statement else {
            continue;
        };
        for name in &note.participants {
            if !order.contains(&name.text.as_str()) {
                let message = format!("the note names `{}`, who is not in the flow", name.text);
                let message = match crate::suggest::hint(&name.text, order.iter().copied()) {
                    Some(hint) => format!("{message}; {hint}"),
                    None => message,
                };
                diagnostics
                    .push(Diagnostic::error(message, name.span).with_label("unknown participant"));
            }
        }
    }
    diagnostics
}

/// Splits off a leading `---` ... `---` block. Returns the block and where the body starts.
fn front_matter(
    text: &str,
    start: usize,
) -> Result<Option<(FrontMatterBlock, usize)>, Box<Diagnostic>> {
    let first_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    if text[start..first_end].trim_end() != "---" {
        return Ok(None);
    }
    let yaml_start = (first_end + 1).min(text.len());
    let mut line_start = yaml_start;
    while line_start < text.len() {
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i);
        if text[line_start..line_end].trim_end() == "---" {
            let yaml = &text[yaml_start..line_start];
            let span = Span::new(yaml_start, line_start);
            let value = parse_yaml(yaml, yaml_start)?;
            let block = FrontMatterBlock {
                yaml: yaml.to_string(),
                span,
                value,
            };
            return Ok(Some((block, (line_end + 1).min(text.len()))));
        }
        line_start = line_end + 1;
    }
    Err(Box::new(
        Diagnostic::error("unclosed front matter", Span::new(start, first_end))
            .with_label("this `---` opens a YAML block that no `---` line closes"),
    ))
}

fn parse_yaml(yaml: &str, base: usize) -> Result<FrontMatter, Box<Diagnostic>> {
    FrontMatter::from_yaml(yaml).map_err(|error| {
        let at = error.offset.min(yaml.len());
        let len = yaml[at..].chars().next().map_or(0, char::len_utf8);
        Box::new(
            Diagnostic::error(
                format!("invalid front matter: {}", error.message),
                Span::new(base + at, base + at + len),
            )
            .with_label("here"),
        )
    })
}

// ---------------------------------------------------------------------------------------
// One line.

/// A parse failure: where, and what the parser expected there.
#[derive(Debug)]
struct SyntaxError<'a> {
    at: &'a str,
    message: String,
    label: String,
    /// Bytes the caret should cover (0: one character).
    len: usize,
}

impl<'a> SyntaxError<'a> {
    fn new(at: &'a str, message: impl Into<String>, label: impl Into<String>) -> SyntaxError<'a> {
        SyntaxError {
            at,
            message: message.into(),
            label: label.into(),
            len: 0,
        }
    }
}

impl<'a> ParseError<&'a str> for SyntaxError<'a> {
    fn from_error_kind(input: &'a str, _kind: ErrorKind) -> Self {
        SyntaxError::new(input, "syntax error", "")
    }

    fn append(_input: &'a str, _kind: ErrorKind, other: Self) -> Self {
        other
    }
}

type PResult<'a, T> = IResult<&'a str, T, SyntaxError<'a>>;

fn fail<'a, T>(
    at: &'a str,
    message: impl Into<String>,
    label: impl Into<String>,
) -> PResult<'a, T> {
    Err(nom::Err::Failure(SyntaxError::new(at, message, label)))
}

/// Turns a recoverable error of `parser` into a hard failure that says what was expected.
fn expect<'a, O>(
    expected: &'static str,
    mut parser: impl Parser<&'a str, Output = O, Error = SyntaxError<'a>>,
) -> impl FnMut(&'a str) -> PResult<'a, O> {
    move |input: &'a str| match parser.parse(input) {
        Err(nom::Err::Error(_)) => {
            let found = describe_next(input);
            fail(
                input,
                format!("expected {expected}, found {found}"),
                format!("expected {expected}"),
            )
        }
        other => other,
    }
}

fn describe_next(input: &str) -> String {
    match input.chars().next() {
        None => "end of line".to_string(),
        Some('"') => "a quoted string".to_string(),
        Some(c) if c.is_alphanumeric() => {
            let word: String = input.chars().take_while(|c| is_name_char(*c)).collect();
            format!("`{word}`")
        }
        Some(c) => format!("`{c}`"),
    }
}

/// Positions inside one line, converted to file spans.
struct LineCtx<'a> {
    line: &'a str,
    offset: usize,
}

impl<'a> LineCtx<'a> {
    fn pos(&self, rest: &str) -> usize {
        self.offset + self.line.len() - rest.len()
    }

    fn span(&self, before: &str, after: &str) -> Span {
        Span::new(self.pos(before), self.pos(after))
    }
}

fn parse_line(line: &str, offset: usize) -> Result<Line, Box<Diagnostic>> {
    let ctx = LineCtx { line, offset };
    if is_printable_ascii(line) {
        if let Some(message) = plain_message(line, offset) {
            return Ok(message);
        }
    } else if let Some(diagnostic) = forbidden_character(line, offset) {
        return Err(Box::new(diagnostic));
    }
    match line_item(&ctx, line) {
        Ok((_, item)) => Ok(item),
        Err(nom::Err::Error(e) | nom::Err::Failure(e)) => {
            let start = ctx.pos(e.at);
            let len = if e.len > 0 {
                e.len
            } else {
                e.at.chars().next().map_or(0, char::len_utf8)
            };
            Err(Box::new(
                Diagnostic::error(e.message, Span::new(start, start + len)).with_label(e.label),
            ))
        }
        Err(nom::Err::Incomplete(_)) => unreachable!("complete parsers never ask for more input"),
    }
}

/// Whether `line` is printable ASCII (tabs allowed): almost every line is, and then it
/// cannot hold a forbidden character.
fn is_printable_ascii(line: &str) -> bool {
    line.bytes()
        .all(|b| (b' '..0x7f).contains(&b) || b == b'\t')
}

/// The line that makes up nearly all of a long flow, `FROM -> TO: "label"` with bare
/// names, a label without escapes, and at most a comment after it, read in one pass
/// over the bytes: going through the combinators costs several times as much, and a
/// long flow is this line a hundred thousand times. `None` for anything else (a quoted
/// name, an escape, `as`, `via`, `{`, a mistake), which the full parser reads; for the
/// lines taken here both give the same tree (a property test holds them to it).
/// `line` must be printable ASCII.
fn plain_message(line: &str, offset: usize) -> Option<Line> {
    let ctx = LineCtx { line, offset };
    // `space0` cannot fail; the name is `bare_name`'s, whose byte path is all an ASCII
    // line takes.
    let blanks = |input| space0(input).map_or(input, |(rest, _)| rest);
    let name = |input| {
        let (rest, text) = bare_name(input).ok()?;
        let name = Name {
            text: Text::from(text),
            quoted: false,
            span: ctx.span(input, rest),
        };
        Some((rest, name))
    };
    let start = blanks(line);
    let (rest, from) = name(start)?;
    let (rest, to) = name(blanks(blanks(rest).strip_prefix("->")?))?;
    let open = blanks(blanks(rest).strip_prefix(':')?);
    let text = open.strip_prefix('"')?;
    let close = memchr::memchr3(b'"', b'\\', b'\t', text.as_bytes())?;
    let after = text[close..].strip_prefix('"')?;
    let rest = blanks(after);
    let comment = match rest.as_bytes().first() {
        None => None,
        Some(b'#') => Some(Box::new(comment(&ctx, rest))),
        Some(_) => return None,
    };
    let message = Message {
        from,
        to,
        label: Label {
            text: Text::from(&text[..close]),
            span: ctx.span(open, after),
        },
        step: None,
        via: None,
        params: thin_vec::ThinVec::new(),
        span: ctx.span(start, after),
    };
    Some(Line::Statement {
        statement: Statement::Message(message),
        comment,
    })
}

/// Control characters corrupt terminals and bidi overrides make text read differently from
/// what it is ("Trojan Source"); neither has a place anywhere in a flow file.
fn forbidden_character(line: &str, offset: usize) -> Option<Diagnostic> {
    let (index, c) = line
        .char_indices()
        .find(|&(_, c)| (c.is_control() && c != '\t') || is_bidi_control(c))?;
    let what = if is_bidi_control(c) {
        "bidirectional control character"
    } else {
        "control character"
    };
    let start = offset + index;
    Some(
        Diagnostic::error(
            format!("{what} U+{:04X} is not allowed", c as u32),
            Span::new(start, start + c.len_utf8()),
        )
        .with_label(format!("{what} here"))
        .with_note(
            "note: it would corrupt the terminal or hide text; remove it or write the text plainly",
        ),
    )
}

fn is_name_char(c: char) -> bool {
    if c.is_ascii() {
        ASCII_NAME_BYTES[c as usize]
    } else {
        c.is_alphanumeric()
    }
}

fn line_item<'a>(ctx: &LineCtx<'a>, line: &'a str) -> PResult<'a, Line> {
    let (rest, _) = space0(line)?;
    if rest.is_empty() {
        return Ok((rest, Line::Blank));
    }
    if rest.starts_with('#') {
        let comment = comment(ctx, rest);
        return Ok(("", Line::Comment(comment)));
    }
    let (rest, statement) = statement(ctx, rest)?;
    let (rest, _) = space0(rest)?;
    let comment = if rest.starts_with('#') {
        Some(comment(ctx, rest))
    } else if rest.is_empty() {
        None
    } else {
        let found = describe_next(rest);
        return fail(
            rest,
            format!("unexpected {found} after the statement"),
            "expected a `#` comment or the end of the line",
        );
    };
    Ok((
        "",
        Line::Statement {
            statement,
            comment: comment.map(Box::new),
        },
    ))
}

fn comment(ctx: &LineCtx<'_>, at: &str) -> Comment {
    Comment {
        text: at[1..].to_string(),
        span: ctx.span(at, ""),
    }
}

fn statement<'a>(ctx: &LineCtx<'a>, input: &'a str) -> PResult<'a, Statement> {
    // The first word decides what the statement is; it is looked at in place, since a
    // message parses its names in full anyway.
    if input.starts_with('"') {
        return message(ctx, input).map(|(rest, m)| (rest, Statement::Message(m)));
    }
    let (after_name, first) = match bare_name(input) {
        Ok(ok) => ok,
        Err(nom::Err::Error(_)) if input.starts_with("//") => {
            return Err(nom::Err::Failure(SyntaxError {
                len: 2,
                ..SyntaxError::new(
                    input,
                    "`//` does not start a comment in a flow file",
                    "write `#` for a comment",
                )
            }));
        }
        Err(nom::Err::Error(_)) => {
            let found = describe_next(input);
            return fail(
                input,
                format!("expected a statement, found {found}"),
                "expected a message `FROM -> TO: \"label\"`, `participant`, `wait`, `note`, a fragment, `autonumber`, `box` or a `#` comment",
            );
        }
        Err(e) => return Err(e),
    };
    if let Some(Err(invisible)) = invisible_in_name(input, after_name) {
        return Err(invisible);
    }
    let (lookahead, _) = space0(after_name)?;
    foreign_arrow(lookahead)?;
    if lookahead.starts_with("->") {
        return message(ctx, input).map(|(rest, m)| (rest, Statement::Message(m)));
    }
    let first_span = ctx.span(input, after_name);
    match first {
        "participant" if lookahead.len() < after_name.len() => {
            participant(ctx, input, lookahead).map(|(rest, p)| (rest, Statement::Participant(p)))
        }
        "wait" if lookahead.len() < after_name.len() => {
            wait(ctx, input, lookahead).map(|(rest, w)| (rest, Statement::Wait(w)))
        }
        "note" if lookahead.len() < after_name.len() => {
            note(ctx, input, lookahead).map(|(rest, n)| (rest, Statement::Note(n)))
        }
        "box" if lookahead.len() < after_name.len() => {
            participant_box(ctx, input, lookahead).map(|(rest, b)| (rest, Statement::Box(b)))
        }
        "alt" | "opt" | "loop" => fragment_start(ctx, input, first, after_name)
            .map(|(rest, f)| (rest, Statement::FragmentStart(f))),
        "else" => {
            let (rest, label) = optional_label(ctx, after_name, "branch label")?;
            let span = ctx.span(input, rest);
            Ok((rest, Statement::Else(Else { label, span })))
        }
        "end" => Ok((after_name, Statement::End(End { span: first_span }))),
        "autonumber" => Ok((
            after_name,
            Statement::Autonumber(Autonumber { span: first_span }),
        )),
        _ => {
            let found = describe_next(lookahead);
            fail(
                lookahead,
                format!("expected `->` after `{first}`, found {found}"),
                "expected `->` (statements are `FROM -> TO: \"label\"`, `participant NAME`, `wait DURATION`, `note`, `alt`/`opt`/`loop` … `end`, `autonumber` or `box`)",
            )
        }
    }
}

/// The ASCII bytes a name or word may have: letters, digits, `_`, `.` and `-`. Beyond
/// ASCII, [`is_name_char`] takes every alphanumeric character; a byte of one is `false`
/// here.
static ASCII_NAME_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 128 {
        table[b] = (b as u8).is_ascii_alphanumeric() || matches!(b as u8, b'_' | b'.' | b'-');
        b += 1;
    }
    table
};

/// Spaces and tabs, as nom's `space0` takes them, by bytes: it runs several times on every
/// line.
fn space0(input: &str) -> PResult<'_, &str> {
    let blank = input
        .bytes()
        .take_while(|&b| b == b' ' || b == b'\t')
        .count();
    Ok((&input[blank..], &input[..blank]))
}

/// A bare name: letters, digits, `_`, `.`, and `-` when it does not start an arrow.
fn bare_name(input: &str) -> PResult<'_, &str> {
    // Names are nearly always ASCII: walk the bytes, and hand over to the character walk
    // only at the first byte that is not.
    let bytes = input.as_bytes();
    let mut end = 0;
    while let Some(&b) = bytes.get(end) {
        let arrow = b == b'-' && bytes.get(end + 1) == Some(&b'>');
        if !ASCII_NAME_BYTES[usize::from(b)] || arrow {
            break;
        }
        end += 1;
    }
    if bytes.get(end).is_some_and(|b| !b.is_ascii()) {
        let mut chars = input[end..].char_indices().peekable();
        let start = end;
        while let Some((i, c)) = chars.next() {
            let arrow = c == '-' && matches!(chars.peek(), Some((_, '>')));
            if !is_name_char(c) || arrow {
                break;
            }
            end = start + i + c.len_utf8();
        }
    }
    if end == 0 {
        return Err(nom::Err::Error(SyntaxError::from_error_kind(
            input,
            ErrorKind::TakeWhile1,
        )));
    }
    Ok((&input[end..], &input[..end]))
}

/// Names are how participants are told apart, so a character that renders as nothing (a
/// zero-width space, a Hangul filler) would make two different names look the same.
fn invisible_in_name<'a>(input: &'a str, rest: &'a str) -> Option<PResult<'a, Name>> {
    let written = &input[..input.len() - rest.len()];
    if written.is_ascii() {
        return None;
    }
    let (at, c) = written
        .char_indices()
        .find(|&(_, c)| crate::sanitize::is_default_ignorable(c))?;
    Some(Err(nom::Err::Failure(SyntaxError {
        len: c.len_utf8(),
        ..SyntaxError::new(
            &input[at..],
            format!(
                "invisible character U+{:04X} in a name: two names could look the same",
                c as u32
            ),
            "renders as nothing",
        )
    })))
}

fn name<'a>(ctx: &LineCtx<'a>, input: &'a str) -> PResult<'a, Name> {
    if input.starts_with('"') {
        let (rest, label) = quoted(ctx, input, "name")?;
        if label.text.trim().is_empty() {
            return fail(input, "a participant name cannot be blank", "blank name");
        }
        if let Some(error) = invisible_in_name(input, rest) {
            return error;
        }
        return Ok((
            rest,
            Name {
                text: label.text,
                quoted: true,
                span: label.span,
            },
        ));
    }
    let (rest, text) = bare_name(input)?;
    if let Some(error) = invisible_in_name(input, rest) {
        return error;
    }
    Ok((
        rest,
        Name {
            text: Text::from(text),
            quoted: false,
            span: ctx.span(input, rest),
        },
    ))
}

/// A double-quoted string with `\"` and `\\` escapes, kept exactly otherwise.
fn quoted<'a>(ctx: &LineCtx<'a>, input: &'a str, what: &str) -> PResult<'a, Label> {
    quoted_text(ctx, input, what, false)
}

/// A double-quoted string; with `line_breaks`, `\n` is an escape too (a note's line
/// break), everywhere else a one-line drawing has no place for it.
fn quoted_text<'a>(
    ctx: &LineCtx<'a>,
    input: &'a str,
    what: &str,
    line_breaks: bool,
) -> PResult<'a, Label> {
    let (mut rest, _) = char('"')(input)?;
    let mut text = Text::default();
    loop {
        // Copy the run of plain characters in one go; only quotes, escapes and tabs need a
        // look of their own.
        let plain = rest.find(['"', '\\', '\t']).unwrap_or(rest.len());
        text.push_str(&rest[..plain]);
        rest = &rest[plain..];
        let mut chars = rest.chars();
        match chars.next() {
            None => {
                return Err(nom::Err::Failure(SyntaxError {
                    len: 1,
                    ..SyntaxError::new(
                        input,
                        format!("unclosed quote in {what}"),
                        "this quote is never closed",
                    )
                }));
            }
            Some('"') => {
                rest = chars.as_str();
                break;
            }
            Some('\\') => match chars.next() {
                Some(c @ ('"' | '\\')) => {
                    text.push(c);
                    rest = chars.as_str();
                }
                Some('n') if line_breaks => {
                    text.push('\n');
                    rest = chars.as_str();
                }
                _ => {
                    return Err(nom::Err::Failure(SyntaxError {
                        len: 1,
                        ..SyntaxError::new(
                            rest,
                            format!("unknown escape in {what}"),
                            if line_breaks {
                                "only `\\\"`, `\\\\` and `\\n` are escapes"
                            } else {
                                "only `\\\"` and `\\\\` are escapes"
                            },
                        )
                    }));
                }
            },
            Some('\t') => {
                return fail(
                    rest,
                    format!("tab inside a {what}"),
                    "tabs have no fixed width in a diagram; use spaces",
                );
            }
            Some(c) => {
                text.push(c);
                rest = chars.as_str();
            }
        }
    }
    Ok((
        rest,
        Label {
            text,
            span: ctx.span(input, rest),
        },
    ))
}

fn word<'a>(ctx: &LineCtx<'a>, input: &'a str) -> PResult<'a, Word> {
    let (rest, text) = take_while1(is_name_char)(input)?;
    Ok((
        rest,
        Word {
            text: Text::from(text),
            span: ctx.span(input, rest),
        },
    ))
}

/// `{ key: value, ... }` after optional spaces, when present.
fn optional_params<'a>(ctx: &LineCtx<'a>, input: &'a str) -> PResult<'a, Vec<Param>> {
    let (after_ws, _) = space0(input)?;
    if after_ws.starts_with('{') {
        params(ctx, after_ws)
    } else {
        Ok((input, Vec::new()))
    }
}

/// Fills `slot` with a clause of a message, which may be written once: a second is an
/// error at `at`.
fn once<'a, T>(
    slot: &mut Option<T>,
    clause: T,
    at: &'a str,
    what: &str,
    label: &'static str,
) -> PResult<'a, ()> {
    if slot.is_some() {
        return fail(at.trim_start(), format!("{what} written twice"), label);
    }
    *slot = Some(clause);
    Ok((at, ()))
}

/// `KEYWORD WORD` (`as client`, `via fragment`), when present.
fn keyword_clause<'a>(
    ctx: &LineCtx<'a>,
    input: &'a str,
    keyword: &'static str,
    what: &'static str,
) -> PResult<'a, Option<Word>> {
    let (after_ws, _) = space0(input)?;
    let Some(rest) = after_ws
        .strip_prefix(keyword)
        .filter(|r| !r.starts_with(is_name_char))
    else {
        return Ok((input, None));
    };
    let (rest, _) = space0(rest)?;
    let (rest, w) = expect(what, |i| word(ctx, i)).parse(rest)?;
    Ok((rest, Some(w)))
}

fn message<'a>(ctx: &LineCtx<'a>, input: &'a str) -> PResult<'a, Message> {
    let (rest, from) = name(ctx, input)?;
    let (rest, _) = space0(rest)?;
    foreign_arrow(rest)?;
    let (rest, _) = expect("`->`", tag("->")).parse(rest)?;
    let (rest, _) = space0(rest)?;
    let (rest, to) = expect("the receiving participant", |i| name(ctx, i)).parse(rest)?;
    let (rest, _) = space0(rest)?;
    let (rest, _) = expect("`:` before the label", char(':')).parse(rest)?;
    let (rest, _) = space0(rest)?;
    let (rest, label) = expect("a quoted label (`\"...\"`, may be empty)", |i| {
        quoted(ctx, i, "label")
    })
    .parse(rest)?;
    // `as`, `via` and the `{ … }` parameters may come in any order (fmt writes them in
    // this one), each at most once.
    let (mut rest, mut step, mut via, mut params) = (rest, None, None, None);
    loop {
        let (after, clause) = keyword_clause(ctx, rest, "as", "a step kind after `as`")?;
        if let Some(clause) = clause {
            once(&mut step, clause, rest, "`as` is", "a second step kind")?;
            rest = after;
            continue;
        }
        let what = "where the values travel after `via`: query, fragment, header or body";
        let (after, clause) = keyword_clause(ctx, rest, "via", what)?;
        if let Some(clause) = clause {
            once(&mut via, clause, rest, "`via` is", "a second location")?;
            rest = after;
            continue;
        }
        let (after, written) = optional_params(ctx, rest)?;
        if after.len() == rest.len() {
            break;
        }
        let label = "write every parameter in one pair of braces";
        once(
            &mut params,
            written,
            rest,
            "the `{ … }` parameters are",
            label,
        )?;
        rest = after;
    }
    let params = params.unwrap_or_default();
    let span = ctx.span(input, rest);
    Ok((
        rest,
        Message {
            from,
            to,
            label,
            step: step.map(Box::new),
            via: via.map(Box::new),
            params: params.into(),
            span,
        },
    ))
}

/// Arrows of Mermaid, PlantUML and D2 that authors bring along. Each is refused by name,
/// with the one arrow flow files have, rather than as a stray `-` or `>`.
const FOREIGN_ARROWS: [&str; 7] = ["-->>", "-->", "->>", "<->", "<--", "<-", "=>"];

/// Fails at an arrow from another diagram language; `Ok` for anything else.
fn foreign_arrow(input: &str) -> Result<(), nom::Err<SyntaxError<'_>>> {
    match FOREIGN_ARROWS
        .iter()
        .find(|arrow| input.starts_with(**arrow))
    {
        Some(arrow) => Err(nom::Err::Failure(SyntaxError {
            len: arrow.len(),
            ..SyntaxError::new(
                input,
                format!("`{arrow}` is not an arrow in a flow file"),
                "write `->`: every message is `FROM -> TO: \"label\"`, sender first",
            )
        })),
        None => Ok(()),
    }
}

/// `{ key: value, ... }`, a trailing comma allowed, each key at most once.
fn params<'a>(ctx: &LineCtx<'a>, input: &'a str) -> PResult<'a, Vec<Param>> {
    let (mut rest, _) = char('{')(input)?;
    let mut params: Vec<Param> = Vec::new();
    // A hash, not a scan of the keys so far: a line of many distinct keys stays linear.
    let mut keys = std::collections::HashSet::new();
    loop {
        (rest, _) = space0(rest)?;
        if let Ok((after, _)) = char::<_, SyntaxError>('}')(rest) {
            return Ok((after, params));
        }
        if rest.is_empty() {
            return Err(nom::Err::Failure(SyntaxError {
                len: 1,
                ..SyntaxError::new(
                    input,
                    "unclosed parameter list",
                    "this `{` is never closed on its line",
                )
            }));
        }
        let start = rest;
        let (after_key, key) = expect("a parameter name", |i| word(ctx, i)).parse(rest)?;
        if !keys.insert(key.text.clone()) {
            return fail(
                start,
                format!("parameter `{}` is given twice", key.text),
                "repeated here",
            );
        }
        let (r, _) = space0(after_key)?;
        let (r, _) = expect("`:` after the parameter name", char(':')).parse(r)?;
        let (r, _) = space0(r)?;
        let (r, value) = expect("a value: a quoted string, a bare word or `none`", |i| {
            param_value(ctx, i)
        })
        .parse(r)?;
        params.push(Param {
            key,
            value,
            span: ctx.span(start, r),
        });
        let (r, _) = space0(r)?;
        let (r, comma) = opt(char(',')).parse(r)?;
        if comma.is_none() && !r.starts_with('}') {
            let found = describe_next(r);
            return fail(
                r,
                format!("expected `,` or `}}` after a parameter, found {found}"),
                "expected `,` or `}`",
            );
        }
        rest = r;
    }
}

fn param_value<'a>(ctx: &LineCtx<'a>, input: &'a str) -> PResult<'a, ParamValue> {
    if input.starts_with('"') {
        let (rest, label) = quoted(ctx, input, "parameter value")?;
        return Ok((rest, ParamValue::Quoted(label)));
    }
    let (rest, text) =
        take_while1(|c: char| !c.is_whitespace() && c != ',' && c != '}' && c != '"' && c != '#')(
            input,
        )?;
    let span = ctx.span(input, rest);
    if text == "none" {
        Ok((rest, ParamValue::Absent(span)))
    } else {
        Ok((
            rest,
            ParamValue::Bare(Word {
                text: Text::from(text),
                span,
            }),
        ))
    }
}

fn participant<'a>(
    ctx: &LineCtx<'a>,
    input: &'a str,
    after_keyword: &'a str,
) -> PResult<'a, Participant> {
    let (rest, name) = expect("a participant name", |i| name(ctx, i)).parse(after_keyword)?;
    let (after_ws, _) = space0(rest)?;
    let (rest, display) = if after_ws.starts_with('"') {
        let (r, label) = quoted(ctx, after_ws, "display name")?;
        (r, Some(label))
    } else {
        (rest, None)
    };
    let (rest, role) = keyword_clause(ctx, rest, "as", "a role after `as`")?;
    let (rest, params) = optional_params(ctx, rest)?;
    Ok((
        rest,
        Participant {
            name,
            display,
            role,
            params,
            span: ctx.span(input, rest),
        },
    ))
}

fn wait<'a>(ctx: &LineCtx<'a>, input: &'a str, after_keyword: &'a str) -> PResult<'a, Wait> {
    let (rest, written) = take_while(|c: char| c.is_ascii_alphanumeric())(after_keyword)?;
    let Some(seconds) = parse_duration(written) else {
        return Err(nom::Err::Failure(SyntaxError {
            len: written.len(),
            ..SyntaxError::new(
                after_keyword,
                "expected a duration like `30s`, `11m` or `1h30m`",
                "not a duration",
            )
        }));
    };
    Ok((
        rest,
        Wait {
            seconds,
            written: written.to_string(),
            span: ctx.span(input, rest),
        },
    ))
}

/// Largest `loop N`: a loop is checked by running its body N times, so N stays small.
pub const MAX_LOOP_TIMES: u32 = 100;

/// A quoted label after optional spaces, when one follows.
fn optional_label<'a>(ctx: &LineCtx<'a>, input: &'a str, what: &str) -> PResult<'a, Option<Label>> {
    let (after_ws, _) = space0(input)?;
    if after_ws.starts_with('"') {
        let (rest, label) = quoted(ctx, after_ws, what)?;
        Ok((rest, Some(label)))
    } else {
        Ok((input, None))
    }
}

/// `alt ["label"]`, `opt ["label"]`, `loop [N] ["label"]`.
fn fragment_start<'a>(
    ctx: &LineCtx<'a>,
    input: &'a str,
    keyword: &str,
    after_keyword: &'a str,
) -> PResult<'a, FragmentStart> {
    let kind = match keyword {
        "alt" => FragmentKind::Alt,
        "opt" => FragmentKind::Opt,
        _ => FragmentKind::Loop,
    };
    let mut rest = after_keyword;
    let mut times = None;
    if kind == FragmentKind::Loop {
        let (after_ws, _) = space0(rest)?;
        let (after_digits, digits) = take_while(|c: char| c.is_ascii_digit())(after_ws)?;
        if !digits.is_empty() {
            match digits.parse::<u32>() {
                Ok(n) if (1..=MAX_LOOP_TIMES).contains(&n) => times = Some(n),
                _ => {
                    return Err(nom::Err::Failure(SyntaxError {
                        len: digits.len(),
                        ..SyntaxError::new(
                            after_ws,
                            format!("a loop runs from 1 to {MAX_LOOP_TIMES} times"),
                            "not a number of times from 1 to 100",
                        )
                    }));
                }
            }
            rest = after_digits;
        }
    }
    let (rest, label) = optional_label(ctx, rest, "fragment label")?;
    Ok((
        rest,
        FragmentStart {
            kind,
            times,
            label,
            span: ctx.span(input, rest),
        },
    ))
}

/// `note over A[, B]: "text"`, `note left of A: "text"`, `note right of A: "text"`.
fn note<'a>(ctx: &LineCtx<'a>, input: &'a str, after_keyword: &'a str) -> PResult<'a, Note> {
    let placements = [
        ("over", NotePlacement::Over),
        ("left of", NotePlacement::LeftOf),
        ("right of", NotePlacement::RightOf),
    ];
    let Some((rest, placement)) = placements.iter().find_map(|(words, placement)| {
        let mut rest = after_keyword;
        for word in words.split(' ') {
            let (r, _) = space0(rest).ok()?;
            rest = r
                .strip_prefix(word)
                .filter(|r| r.starts_with([' ', '\t']))?;
        }
        Some((rest, *placement))
    }) else {
        let found = describe_next(after_keyword);
        return fail(
            after_keyword,
            format!("expected `over`, `left of` or `right of` after `note`, found {found}"),
            "expected where the note goes: `over`, `left of` or `right of`",
        );
    };
    let (rest, _) = space0(rest)?;
    let (mut rest, first) = expect("a participant name", |i| name(ctx, i)).parse(rest)?;
    let mut participants = vec![first];
    let (after_ws, _) = space0(rest)?;
    if let Some(after_comma) = after_ws.strip_prefix(',') {
        let (r, _) = space0(after_comma)?;
        if placement != NotePlacement::Over {
            return fail(
                after_ws,
                format!(
                    "`note {}` takes one participant; only `note over A, B` spans two",
                    placement.keyword()
                ),
                "second participant here",
            );
        }
        let (r, second) = expect("a second participant name", |i| name(ctx, i)).parse(r)?;
        participants.push(second);
        rest = r;
    }
    let (r, _) = space0(rest)?;
    let (r, _) = expect("`:` before the note's text", char(':')).parse(r)?;
    let (r, _) = space0(r)?;
    let (rest, text) = expect("the note's quoted text", |i| {
        quoted_text(ctx, i, "note", true)
    })
    .parse(r)?;
    Ok((
        rest,
        Note {
            placement,
            participants,
            text,
            span: ctx.span(input, rest),
        },
    ))
}

/// `box "title" A B ...`: one or more participant names after the title.
fn participant_box<'a>(
    ctx: &LineCtx<'a>,
    input: &'a str,
    after_keyword: &'a str,
) -> PResult<'a, ParticipantBox> {
    let (mut rest, title) =
        expect("the box's quoted title", |i| quoted(ctx, i, "box title")).parse(after_keyword)?;
    let mut members: Vec<Name> = Vec::new();
    loop {
        let (after_ws, _) = space0(rest)?;
        if after_ws.is_empty() || after_ws.starts_with('#') {
            break;
        }
        let (r, member) = expect("a participant name", |i| name(ctx, i)).parse(after_ws)?;
        if members.iter().any(|m| m.text == member.text) {
            return fail(
                after_ws,
                format!("`{}` is in this box twice", member.text),
                "repeated here",
            );
        }
        members.push(member);
        rest = r;
    }
    if members.is_empty() {
        let found = describe_next(rest.trim_start());
        return fail(
            rest,
            format!("expected the box's participants after its title, found {found}"),
            "expected one or more participant names",
        );
    }
    Ok((
        rest,
        ParticipantBox {
            title,
            members,
            span: ctx.span(input, rest),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What the combinators make of a line (`None`: an error).
    fn full_parse(line: &str, offset: usize) -> Option<Line> {
        line_item(&LineCtx { line, offset }, line)
            .ok()
            .map(|(_, item)| item)
    }

    #[test]
    fn plain_messages_take_the_fast_path() {
        for line in [
            "fe -> be: \"click\"",
            "  a-b->c.d :\"\"  ",
            "fe -> be: \"x\" # why",
            "else -> note: \"keywords are names before an arrow\"",
        ] {
            let fast = plain_message(line, 7);
            assert!(fast.is_some(), "{line}");
            assert_eq!(fast, full_parse(line, 7), "{line}");
        }
        for line in [
            "\"my app\" -> be: \"x\"",
            "fe -> be: \"say \\\"hi\\\"\"",
            "fe -> be: \"x\" as login",
            "fe -> be: \"x\" { code: c }",
            "fe --> be: \"x\"",
            "fe ->> be: \"x\"",
            "fe -> be: \"unclosed",
            "fe -> be: \"x\" extra",
            "participant fe",
        ] {
            assert_eq!(plain_message(line, 0), None, "{line}");
        }
    }

    /// One slot of a message line: mostly what belongs there, sometimes what breaks it.
    fn slot(options: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
        proptest::sample::select(options)
    }

    proptest! {
        /// Wherever the fast path takes a line, the full parser reads it the same way.
        /// Lines are built slot by slot (blanks, sender, arrow, receiver, colon, label,
        /// tail), each slot sometimes holding something that breaks it.
        #[test]
        fn the_fast_path_agrees_with_the_full_parser(
            slots in (
                slot(&["", " ", "\t ", "#"]),
                slot(&["fe", "a-b", "x.y_1", "note", "\"q\"", "-", ""]),
                slot(&["", " ", "\t"]),
                slot(&["->", "-->", "->>", "<-", "-", ">", ""]),
                slot(&["", " ", "  "]),
                slot(&["be", "c-", "else", "\"r s\"", ">", ""]),
                slot(&["", " ", "\t"]),
                slot(&[":", "", "::", " :"]),
                slot(&["", " "]),
                slot(&["\"msg\"", "\"\"", "\"a \\\" b\"", "\"tab\there\"", "\"open", "msg", "\"#\""]),
                slot(&["", " ", " # c", "# c", " as login", " via query", " {code: x}", " x", "\""]),
            ),
            offset in 0usize..100,
        ) {
            let (a, b, c, d, e, f, g, h, i, j, k) = slots;
            let line = [a, b, c, d, e, f, g, h, i, j, k].concat();
            if let Some(fast) = plain_message(&line, offset) {
                prop_assert_eq!(Some(fast), full_parse(&line, offset), "{:?}", line);
            }
        }
    }
}
