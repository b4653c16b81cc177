//! The syntax tree of a flow file. Every node keeps the byte span it came from so that
//! diagnostics (parse errors and invariant violations alike) can point at the source.

use super::front_matter::FrontMatter;
use crate::span::Span;

/// The text of a name, label or word: kept inline when it is short, as nearly every name
/// and most labels are, so a long flow costs no allocation per line.
pub type Text = compact_str::CompactString;

/// A parsed flow file: optional front matter, then one entry per source line that carries
/// something (blank runs and comments are kept so that `fmt` can reproduce them).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Flow {
    /// The YAML block between leading `---` lines, if the file starts with one.
    pub front_matter: Option<FrontMatterBlock>,
    /// The file's lines after the front matter, in order.
    pub lines: Vec<Line>,
}

/// The YAML block between the leading `---` lines, kept verbatim for `fmt`.
#[derive(Clone, Debug, PartialEq)]
pub struct FrontMatterBlock {
    /// The YAML text between the fences, without them.
    pub yaml: String,
    /// Span of the YAML text inside the file.
    pub span: Span,
    /// The YAML read into settings.
    pub value: FrontMatter,
}

// Statements dominate a flow and each is stored once; boxing them would cost an allocation
// per line for no gain.
/// One line of a flow file (or a run of blank lines).
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum Line {
    /// One or more empty lines (fmt collapses a run into one).
    Blank,
    /// A whole-line comment, text after `#` kept exactly.
    Comment(Comment),
    /// A statement, possibly followed by a trailing comment.
    Statement {
        /// The statement itself.
        statement: Statement,
        /// A `#` comment after it on the same line.
        comment: Option<Box<Comment>>,
    },
}

/// A `#` comment.
#[derive(Clone, Debug, PartialEq)]
pub struct Comment {
    /// Text after the `#`, exactly as written.
    pub text: String,
    /// Span of the comment, from the `#` to the end of the line.
    pub span: Span,
}

/// What a line of a flow file says.
#[derive(Clone, Debug, PartialEq)]
pub enum Statement {
    /// `participant NAME ...`: declares a participant.
    Participant(Participant),
    /// `FROM -> TO: "label" ...`: a message between participants.
    Message(Message),
    /// `wait 11m`: time passes.
    Wait(Wait),
    /// `note over A: "text"`: a remark drawn beside or over lifelines; not a message.
    Note(Note),
    /// `alt "label"`, `opt "label"`, `loop [N] "label"`: opens a fragment, closed by `end`.
    FragmentStart(FragmentStart),
    /// `else ["label"]`: starts the next branch of the enclosing `alt`.
    Else(Else),
    /// `end`: closes the innermost open fragment.
    End(End),
    /// `autonumber`: every message label is drawn with its number.
    Autonumber(Autonumber),
    /// `box "title" A B ...`: groups adjacent participants under a titled frame.
    Box(ParticipantBox),
}

impl Statement {
    /// Span of the whole statement.
    pub fn span(&self) -> Span {
        match self {
            Statement::Participant(p) => p.span,
            Statement::Message(m) => m.span,
            Statement::Wait(w) => w.span,
            Statement::Note(n) => n.span,
            Statement::FragmentStart(f) => f.span,
            Statement::Else(e) => e.span,
            Statement::End(e) => e.span,
            Statement::Autonumber(a) => a.span,
            Statement::Box(b) => b.span,
        }
    }
}

/// `participant NAME ["display name"] [as ROLE] [{ key: value, ... }]`
#[derive(Clone, Debug, PartialEq)]
pub struct Participant {
    /// The name messages use for the participant.
    pub name: Name,
    /// Text drawn in the box instead of the name.
    pub display: Option<Label>,
    /// Role binding for the checker (`as client`, `as attacker`, ...).
    pub role: Option<Word>,
    /// What the participant is bound to: `{ client_id: app-2 }` for a client,
    /// `{ issuer: "https://as2.example" }` for an authorization server.
    pub params: Vec<Param>,
    /// Span of the whole declaration.
    pub span: Span,
}

/// A participant name: a bare word or a double-quoted string.
#[derive(Clone, Debug, PartialEq)]
pub struct Name {
    /// The name, unquoted and unescaped.
    pub text: Text,
    /// Whether it was written in double quotes.
    pub quoted: bool,
    /// Span of the name as written, quotes included.
    pub span: Span,
}

/// `FROM -> TO: "label" [as STEP] [via LOCATION] [{ key: value, ... }]` (the three in any order)
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    /// The sender.
    pub from: Name,
    /// The receiver.
    pub to: Name,
    /// The text on the arrow, which the model reads the protocol step from.
    pub label: Label,
    /// Explicit protocol step kind, for labels the classifier cannot read. Boxed, as
    /// `via` and the comment of a line are: a long flow is mostly messages without them,
    /// and every message's size is paid once per line of the flow.
    pub step: Option<Box<Word>>,
    /// Where the message's values travel (`query`, `fragment`, `header`, `body`), when
    /// the author says; otherwise the step decides.
    pub via: Option<Box<Word>>,
    /// Overrides of the parameters the sender's model fills in: a value replaces the
    /// default, `none` leaves the parameter out.
    pub params: thin_vec::ThinVec<Param>,
    /// Span of the whole message statement.
    pub span: Span,
}

impl Message {
    /// Whether the message goes from a participant to itself.
    pub fn is_self(&self) -> bool {
        self.from.text == self.to.text
    }
}

/// A double-quoted string, unescaped, kept exactly (trailing spaces included).
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    /// The text, unescaped.
    pub text: Text,
    /// Span of the string, quotes included.
    pub span: Span,
}

/// A bare identifier-like word (roles, step kinds, parameter keys and bare values).
#[derive(Clone, Debug, PartialEq)]
pub struct Word {
    /// The word.
    pub text: Text,
    /// Where it was written.
    pub span: Span,
}

/// `key: value` inside the braces after a message.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// The parameter's name.
    pub key: Word,
    /// Its value, or `none`.
    pub value: ParamValue,
    /// Span of the whole `key: value` pair.
    pub span: Span,
}

/// The value of a `key: value` parameter.
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

    /// Span of the value as written.
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
    /// The duration, in seconds.
    pub seconds: u64,
    /// The duration as written (`11m`, `1h30m`), kept for `fmt`.
    pub written: String,
    /// Span of the whole statement.
    pub span: Span,
}

/// `note over A: "text"`, `note over A, B: "text"`, `note left of A: "text"`, `note right
/// of A: "text"`. A `\n` in the text breaks the line.
#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    /// Where the note sits relative to its participants.
    pub placement: NotePlacement,
    /// The participants it is attached to: one, or two for `over A, B`.
    pub participants: Vec<Name>,
    /// The note's text, line breaks included.
    pub text: Label,
    /// Span of the whole statement.
    pub span: Span,
}

/// Where a note is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotePlacement {
    /// Centred over the lifeline (or spanning the two lifelines).
    Over,
    /// Left of the lifeline.
    LeftOf,
    /// Right of the lifeline.
    RightOf,
}

impl NotePlacement {
    /// The words that introduce it: `over`, `left of`, `right of`.
    pub fn keyword(self) -> &'static str {
        match self {
            NotePlacement::Over => "over",
            NotePlacement::LeftOf => "left of",
            NotePlacement::RightOf => "right of",
        }
    }
}

/// `alt "label"`, `opt "label"` or `loop [N] "label"`: the first line of a fragment.
#[derive(Clone, Debug, PartialEq)]
pub struct FragmentStart {
    /// Which fragment.
    pub kind: FragmentKind,
    /// `loop 3`: how many times the body runs (once when not written).
    pub times: Option<u32>,
    /// The condition or description drawn in the fragment's header.
    pub label: Option<Label>,
    /// Span of the whole statement.
    pub span: Span,
}

/// The kinds of fragment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FragmentKind {
    /// Alternatives: exactly one branch (`alt`, then each `else`) happens.
    Alt,
    /// An optional part: it happens or it does not.
    Opt,
    /// A repeated part: its body happens once, or `loop N` times.
    Loop,
}

impl FragmentKind {
    /// The keyword that opens it.
    pub fn keyword(self) -> &'static str {
        match self {
            FragmentKind::Alt => "alt",
            FragmentKind::Opt => "opt",
            FragmentKind::Loop => "loop",
        }
    }
}

/// `else ["label"]`: the next branch of an `alt`.
#[derive(Clone, Debug, PartialEq)]
pub struct Else {
    /// The branch's condition, drawn on the divider.
    pub label: Option<Label>,
    /// Span of the whole statement.
    pub span: Span,
}

/// `end`: closes the innermost open fragment.
#[derive(Clone, Debug, PartialEq)]
pub struct End {
    /// Span of the keyword.
    pub span: Span,
}

/// `autonumber`: number every message in the drawings, by its place in the file.
#[derive(Clone, Debug, PartialEq)]
pub struct Autonumber {
    /// Span of the keyword.
    pub span: Span,
}

/// `box "title" A B ...`: the participants, drawn side by side in this order, are framed
/// together under the title. The box also declares them, fixing their order like
/// `participant` lines do.
#[derive(Clone, Debug, PartialEq)]
pub struct ParticipantBox {
    /// The group's title.
    pub title: Label,
    /// Its participants, left to right.
    pub members: Vec<Name>,
    /// Span of the whole statement.
    pub span: Span,
}

impl Flow {
    /// The statements in order, without blank lines and comments.
    pub fn statements(&self) -> impl Iterator<Item = &Statement> {
        self.lines.iter().filter_map(|line| match line {
            Line::Statement { statement, .. } => Some(statement),
            _ => None,
        })
    }

    /// The messages in order.
    pub fn messages(&self) -> impl Iterator<Item = &Message> {
        self.statements().filter_map(|s| match s {
            Statement::Message(m) => Some(m),
            _ => None,
        })
    }

    /// The participant declarations in order.
    pub fn participants(&self) -> impl Iterator<Item = &Participant> {
        self.statements().filter_map(|s| match s {
            Statement::Participant(p) => Some(p),
            _ => None,
        })
    }

    /// Whether the flow says `autonumber`.
    pub fn autonumber(&self) -> bool {
        self.statements()
            .any(|s| matches!(s, Statement::Autonumber(_)))
    }

    /// The participant boxes in order.
    pub fn boxes(&self) -> impl Iterator<Item = &ParticipantBox> {
        self.statements().filter_map(|s| match s {
            Statement::Box(b) => Some(b),
            _ => None,
        })
    }

    /// Participants in drawing order: declared ones first in declaration order (a `box`
    /// declares its members), then the others in order of first appearance (sender
    /// before receiver).
    pub fn participant_order(&self) -> Vec<&str> {
        let mut seen = rustc_hash::FxHashSet::default();
        let declared = self
            .statements()
            .flat_map(|s| match s {
                Statement::Participant(p) => std::slice::from_ref(&p.name),
                Statement::Box(b) => b.members.as_slice(),
                _ => &[],
            })
            .map(|name| name.text.as_str());
        let used = self
            .messages()
            .flat_map(|m| [m.from.text.as_str(), m.to.text.as_str()]);
        declared
            .chain(used)
            .filter(|name| seen.insert(*name))
            .collect()
    }
}
