//! The syntax tree of a flow file. Every node keeps the byte span it came from so that
//! diagnostics (parse errors and invariant violations alike) can point at the source.

use super::front_matter::FrontMatter;
use crate::span::Span;

/// A parsed flow file: optional front matter, then one entry per source line that carries
/// something (blank runs and comments are kept so that `fmt` can reproduce them).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Flow {
    pub front_matter: Option<FrontMatterBlock>,
    pub lines: Vec<Line>,
}

/// The YAML block between the leading `---` lines, kept verbatim for `fmt`.
#[derive(Clone, Debug, PartialEq)]
pub struct FrontMatterBlock {
    /// The YAML text between the fences, without them.
    pub yaml: String,
    /// Span of the YAML text inside the file.
    pub span: Span,
    pub value: FrontMatter,
}

// Statements dominate a flow and each is stored once; boxing them would cost an allocation
// per line for no gain.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum Line {
    /// One or more empty lines (fmt collapses a run into one).
    Blank,
    /// A whole-line comment, text after `#` kept exactly.
    Comment(Comment),
    /// A statement, possibly followed by a trailing comment.
    Statement {
        statement: Statement,
        comment: Option<Comment>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Comment {
    /// Text after the `#`, exactly as written.
    pub text: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Statement {
    Participant(Participant),
    Message(Message),
    Wait(Wait),
}

impl Statement {
    pub fn span(&self) -> Span {
        match self {
            Statement::Participant(p) => p.span,
            Statement::Message(m) => m.span,
            Statement::Wait(w) => w.span,
        }
    }
}

/// `participant NAME ["display name"] [as ROLE] [{ key: value, ... }]`
#[derive(Clone, Debug, PartialEq)]
pub struct Participant {
    pub name: Name,
    /// Text drawn in the box instead of the name.
    pub display: Option<Label>,
    /// Role binding for the checker (`as client`, `as attacker`, ...).
    pub role: Option<Word>,
    /// What the participant is bound to: `{ client_id: app-2 }` for a client,
    /// `{ issuer: "https://as2.example" }` for an authorization server.
    pub params: Vec<Param>,
    pub span: Span,
}

/// A participant name: a bare word or a double-quoted string.
#[derive(Clone, Debug, PartialEq)]
pub struct Name {
    pub text: String,
    pub quoted: bool,
    pub span: Span,
}

/// `FROM -> TO: "label" [as STEP] [via LOCATION] [{ key: value, ... }]`
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    pub from: Name,
    pub to: Name,
    pub label: Label,
    /// Explicit protocol step kind, for labels the classifier cannot read.
    pub step: Option<Word>,
    /// Where the message's values travel (`query`, `fragment`, `header`, `body`), when
    /// the author says; otherwise the step decides.
    pub via: Option<Word>,
    pub params: Vec<Param>,
    pub span: Span,
}

impl Message {
    pub fn is_self(&self) -> bool {
        self.from.text == self.to.text
    }
}

/// A double-quoted string, unescaped, kept exactly (trailing spaces included).
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    pub text: String,
    pub span: Span,
}

/// A bare identifier-like word (roles, step kinds, parameter keys and bare values).
#[derive(Clone, Debug, PartialEq)]
pub struct Word {
    pub text: String,
    pub span: Span,
}

/// `key: value` inside the braces after a message.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub key: Word,
    pub value: ParamValue,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ParamValue {
    /// `"text"`
    Quoted(Label),
    /// `text`
    Bare(Word),
    /// `none`: the parameter is left out of the message.
    Absent(Span),
}

impl ParamValue {
    /// The value's text, or `None` for `none`.
    pub fn text(&self) -> Option<&str> {
        match self {
            ParamValue::Quoted(l) => Some(&l.text),
            ParamValue::Bare(w) => Some(&w.text),
            ParamValue::Absent(_) => None,
        }
    }

    pub fn span(&self) -> Span {
        match self {
            ParamValue::Quoted(l) => l.span,
            ParamValue::Bare(w) => w.span,
            ParamValue::Absent(s) => *s,
        }
    }
}

/// `wait 11m`: time passes on every actor's clock.
#[derive(Clone, Debug, PartialEq)]
pub struct Wait {
    pub seconds: u64,
    /// The duration as written (`11m`, `1h30m`), kept for `fmt`.
    pub written: String,
    pub span: Span,
}

impl Flow {
    pub fn statements(&self) -> impl Iterator<Item = &Statement> {
        self.lines.iter().filter_map(|line| match line {
            Line::Statement { statement, .. } => Some(statement),
            _ => None,
        })
    }

    pub fn messages(&self) -> impl Iterator<Item = &Message> {
        self.statements().filter_map(|s| match s {
            Statement::Message(m) => Some(m),
            _ => None,
        })
    }

    pub fn participants(&self) -> impl Iterator<Item = &Participant> {
        self.statements().filter_map(|s| match s {
            Statement::Participant(p) => Some(p),
            _ => None,
        })
    }

    /// Participants in drawing order: declared ones first in declaration order, then the
    /// others in order of first appearance (sender before receiver).
    pub fn participant_order(&self) -> Vec<&str> {
        let mut seen = std::collections::HashSet::new();
        let declared = self.participants().map(|p| p.name.text.as_str());
        let used = self
            .messages()
            .flat_map(|m| [m.from.text.as_str(), m.to.text.as_str()]);
        declared
            .chain(used)
            .filter(|name| seen.insert(*name))
            .collect()
    }
}
