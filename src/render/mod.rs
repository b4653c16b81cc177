//! Drawing a flow: the byte-exact box diagram, and exports of it for documentation (an
//! SVG picture on the same grid, a Mermaid `sequenceDiagram`, PlantUML and D2 sequence
//! diagrams).
//!
//! Renderers work on a [`Diagram`], not on the syntax tree, so that they can be driven and
//! tested without a parser, and so that the tree's names are resolved to columns once.

mod d2;
mod glyphs;
mod layout;
mod mermaid;
mod plantuml;
mod row;
mod svg;
mod text;
mod width;

use rustc_hash::FxHashMap as HashMap;

pub use d2::render_d2;
pub use mermaid::render_mermaid;
pub use plantuml::render_plantuml;
pub use svg::{render_svg, render_svg_steps};
pub use text::{render_text, render_text_to_string};

/// Output is handed to the writer in chunks of about this size: large enough to keep
/// write calls rare, small enough to stay in cache.
const CHUNK: usize = 64 * 1024;

use crate::syntax::{Flow, FragmentKind, NotePlacement, Statement};
use crate::{Severity, SourceFile};

/// What a sequence diagram shows: participants left to right, then messages and time
/// dividers top to bottom.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagram<'a> {
    /// The text drawn in each participant's box.
    pub participants: Vec<&'a str>,
    /// What is drawn between the two rows of boxes, in flow order.
    pub entries: Vec<Entry<'a>>,
    /// Frames around adjacent participants' boxes (`box "title" a b`), left to right.
    pub groups: Vec<Group<'a>>,
    /// The number drawn before each arrow's label, by the arrow's place among the arrows;
    /// empty for none. [`Diagram::numbered`] numbers arrows by their messages' lines,
    /// the numbers `check` and `trace` show, so "step 9" means line 9 everywhere.
    pub numbers: Vec<usize>,
    /// A heading: the SVG's `<title>` and first line, the text diagram's title line.
    pub title: Option<&'a str>,
    /// Findings drawn on their arrows (`render --verdict`), with a legend under the
    /// diagram.
    pub marks: Vec<Mark<'a>>,
}

/// A finding drawn on the arrow where it happens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark<'a> {
    /// The arrow, by its place among the diagram's arrows (from 0).
    pub arrow: usize,
    /// The invariant that fired.
    pub id: &'a str,
    /// Error or warning: drawn differently.
    pub severity: Severity,
    /// The line of the message in the flow, for the legend.
    pub line: usize,
    /// What is wrong, for the legend.
    pub message: &'a str,
}

impl Mark<'_> {
    /// What the exports write for the mark: `✗ id` for an error, `! id` for a warning.
    pub fn text(&self) -> String {
        let sign = match self.severity {
            Severity::Error => "✗",
            _ => "!",
        };
        format!("{sign} {}", self.id)
    }
}

/// Adjacent participants framed together under a title.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group<'a> {
    /// The frame's title.
    pub title: &'a str,
    /// The leftmost member, by index into [`Diagram::participants`].
    pub first: usize,
    /// The rightmost member.
    pub last: usize,
}

/// A note beside or over lifelines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note<'a> {
    /// Where it goes relative to its participants.
    pub placement: NotePlacement,
    /// Its (leftmost) participant, by index into [`Diagram::participants`].
    pub first: usize,
    /// Its rightmost participant: `first` unless the note is over two.
    pub last: usize,
    /// The text; a line break (`\n` in the flow) starts a new line.
    pub text: &'a str,
}

/// The first row of a fragment, or of one of an `alt`'s further branches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FragmentHeader<'a> {
    /// Which fragment it belongs to.
    pub kind: FragmentKind,
    /// `loop N`'s count.
    pub times: Option<u32>,
    /// The condition written after the keyword.
    pub label: Option<&'a str>,
    /// What the text diagram writes on the frame: `alt: valid code`, `loop 2 times:
    /// polling`, `else: invalid code`.
    pub text: String,
}

impl Note<'_> {
    /// The note's lines.
    pub fn lines(&self) -> impl Iterator<Item = &str> {
        self.text.split('\n')
    }
}

impl<'a> FragmentHeader<'a> {
    /// What the exports write after the keyword: `3 times, label`, `label` or nothing.
    pub fn condition(&self) -> String {
        match (self.times, self.label) {
            (Some(times), Some(label)) => format!("{times} times, {label}"),
            (Some(times), None) => format!("{times} times"),
            (None, label) => label.unwrap_or_default().to_string(),
        }
    }

    /// A header; `is_else` for an `else` branch of an `alt`.
    pub fn new(
        kind: FragmentKind,
        times: Option<u32>,
        label: Option<&'a str>,
        is_else: bool,
    ) -> FragmentHeader<'a> {
        let mut text = if is_else {
            "else".to_string()
        } else {
            kind.keyword().to_string()
        };
        if let Some(times) = times {
            text.push_str(&format!(" {times} times"));
        }
        if let Some(label) = label {
            text.push_str(": ");
            text.push_str(label);
        }
        FragmentHeader {
            kind,
            times,
            label,
            text,
        }
    }
}

/// One thing drawn across the lifelines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry<'a> {
    /// A message from one lifeline to another (or to itself).
    Arrow(Arrow<'a>),
    /// Time passing (`wait`).
    Divider(Divider),
    /// A note.
    Note(Note<'a>),
    /// An `alt`, `opt` or `loop` opens: its frame starts here.
    Open(FragmentHeader<'a>),
    /// The next branch of the innermost open `alt`.
    Else(FragmentHeader<'a>),
    /// The innermost open fragment closes.
    Close,
}

/// A message, by index into [`Diagram::participants`]; `from == to` is a self-message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arrow<'a> {
    /// The sender's column.
    pub from: usize,
    /// The receiver's column.
    pub to: usize,
    /// The message's label, drawn on the arrow.
    pub label: &'a str,
}

/// A line across every lifeline saying that time passes (`wait 11m` is `11m later`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Divider {
    /// The text drawn on the line (`11m later`).
    pub text: String,
}

/// How the text diagram is drawn. The default is the spec's exact output.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TextStyle {
    /// Draw boxes, lines and arrow heads with `+ - | > <`, for terminals and files that
    /// cannot show box drawing characters. Labels are drawn as they are.
    pub ascii: bool,
    /// Drop trailing spaces, which editors and linters tend to strip anyway.
    pub trim: bool,
}

impl<'a> Diagram<'a> {
    /// The diagram of a flow: its participants in drawing order, showing their declared
    /// display text if any, its messages, waits, notes and fragments in order, its
    /// and its participant boxes; see [`Diagram::numbered`] and [`Diagram::titled`] for
    /// numbers and a heading.
    ///
    /// When a participant is declared more than once, the first declaration that gives a
    /// display text wins, as the first declaration is where readers look.
    pub fn from_flow(flow: &'a Flow) -> Diagram<'a> {
        // One pass assigns columns in `Flow::participant_order`'s order (declared
        // participants first, then first appearance, sender before receiver) and resolves
        // each message's ends with the same lookup.
        let mut names: Vec<&'a str> = Vec::new();
        let mut index: HashMap<&'a str, usize> = HashMap::default();
        let mut column = |name: &'a str| {
            // Every message looks up two names it has nearly always seen already: a
            // plain probe, and the entry only for a name that is new.
            if let Some(&column) = index.get(name) {
                return column;
            }
            names.push(name);
            index.insert(name, names.len() - 1);
            names.len() - 1
        };
        let mut display: HashMap<&str, &str> = HashMap::default();
        let mut groups = Vec::new();
        for statement in flow.statements() {
            match statement {
                Statement::Participant(participant) => {
                    column(participant.name.text.as_str());
                    if let Some(label) = &participant.display {
                        display
                            .entry(participant.name.text.as_str())
                            .or_insert(label.text.as_str());
                    }
                }
                Statement::Box(group) => {
                    let members: Vec<usize> = group
                        .members
                        .iter()
                        .map(|m| column(m.text.as_str()))
                        .collect();
                    let first = members.iter().copied().min().unwrap_or_default();
                    let last = members.iter().copied().max().unwrap_or_default();
                    groups.push(Group {
                        title: &group.title.text,
                        first,
                        last,
                    });
                }
                _ => {}
            }
        }
        let mut open: Vec<FragmentKind> = Vec::new();
        let entries = flow
            .statements()
            .filter_map(|statement| match statement {
                Statement::Message(message) => Some(Entry::Arrow(Arrow {
                    from: column(message.from.text.as_str()),
                    to: column(message.to.text.as_str()),
                    label: &message.label.text,
                })),
                Statement::Wait(wait) => Some(Entry::Divider(Divider {
                    text: format!("{} later", wait.written),
                })),
                Statement::Note(note) => {
                    let ends: Vec<usize> = note
                        .participants
                        .iter()
                        .map(|p| column(p.text.as_str()))
                        .collect();
                    Some(Entry::Note(Note {
                        placement: note.placement,
                        first: ends.iter().copied().min().unwrap_or_default(),
                        last: ends.iter().copied().max().unwrap_or_default(),
                        text: &note.text.text,
                    }))
                }
                Statement::FragmentStart(start) => {
                    open.push(start.kind);
                    Some(Entry::Open(FragmentHeader::new(
                        start.kind,
                        start.times,
                        start.label.as_ref().map(|l| l.text.as_str()),
                        false,
                    )))
                }
                Statement::Else(branch) => Some(Entry::Else(FragmentHeader::new(
                    open.last().copied().unwrap_or(FragmentKind::Alt),
                    None,
                    branch.label.as_ref().map(|l| l.text.as_str()),
                    true,
                ))),
                Statement::End(_) => {
                    open.pop();
                    Some(Entry::Close)
                }
                Statement::Participant(_) | Statement::Autonumber(_) | Statement::Box(_) => None,
            })
            .collect();
        groups.sort_by_key(|g| g.first);
        let participants = names
            .iter()
            .map(|name| display.get(name).copied().unwrap_or(name))
            .collect();
        Diagram {
            participants,
            entries,
            groups,
            numbers: Vec::new(),
            title: None,
            marks: Vec::new(),
        }
    }

    /// The entries in order, each with the number of arrows before it: an arrow's place
    /// among the arrows, which numbers and marks refer to.
    pub fn entries_by_arrow(&self) -> impl Iterator<Item = (usize, &Entry<'a>)> {
        self.entries.iter().scan(0, |arrows, entry| {
            let before = *arrows;
            if let Entry::Arrow(_) = entry {
                *arrows += 1;
            }
            Some((before, entry))
        })
    }

    /// The text arrow `index` (its place among the arrows) is labelled with: `N. label`
    /// when the diagram numbers it (`N.` for an empty label), else `label`.
    pub fn arrow_label<'l>(&self, index: usize, label: &'l str) -> std::borrow::Cow<'l, str> {
        match self.numbers.get(index) {
            Some(number) if label.is_empty() => format!("{number}.").into(),
            Some(number) => format!("{number}. {label}").into(),
            None => label.into(),
        }
    }

    /// The diagram with every arrow numbered by the line of its message in `source`, the
    /// file `flow` was parsed from (what `autonumber` and `render --number` draw).
    pub fn numbered(mut self, flow: &Flow, source: &SourceFile) -> Diagram<'a> {
        self.numbers = flow
            .messages()
            .map(|message| source.line_col(message.span.start).0)
            .collect();
        self
    }

    /// The diagram with the flow's front matter `title` as its heading, if it has one.
    /// Not part of [`Diagram::from_flow`]: the text diagram shows a title only when asked
    /// (`render --title`), so that diagrams in documents stay as they were.
    pub fn titled(mut self, flow: &'a Flow) -> Diagram<'a> {
        self.title = flow
            .front_matter
            .as_ref()
            .and_then(|f| f.value.title.as_deref());
        self
    }
}
