//! Drawing a flow: the byte-exact box diagram, and exports of it for documentation (an
//! SVG picture on the same grid, a Mermaid `sequenceDiagram`).
//!
//! Renderers work on a [`Diagram`], not on the syntax tree, so that they can be driven and
//! tested without a parser, and so that the tree's names are resolved to columns once.

mod mermaid;
mod row;
mod svg;
mod text;
mod width;

use std::collections::HashMap;

pub use mermaid::render_mermaid;
pub use svg::render_svg;
pub use text::{render_text, render_text_to_string};

use crate::syntax::{Flow, Statement};

/// What a sequence diagram shows: participants left to right, then messages and time
/// dividers top to bottom.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagram<'a> {
    /// The text drawn in each participant's box.
    pub participants: Vec<&'a str>,
    /// What is drawn between the two rows of boxes, in flow order.
    pub entries: Vec<Entry<'a>>,
}

/// One thing drawn across the lifelines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry<'a> {
    /// A message from one lifeline to another (or to itself).
    Arrow(Arrow<'a>),
    /// Time passing (`wait`).
    Divider(Divider),
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
    /// display text if any, and its messages and waits in order.
    ///
    /// When a participant is declared more than once, the first declaration that gives a
    /// display text wins, as the first declaration is where readers look.
    pub fn from_flow(flow: &'a Flow) -> Diagram<'a> {
        // One pass assigns columns in `Flow::participant_order`'s order (declared
        // participants first, then first appearance, sender before receiver) and resolves
        // each message's ends with the same lookup.
        let mut names: Vec<&'a str> = Vec::new();
        let mut index: HashMap<&'a str, usize> = HashMap::new();
        let mut column = |name: &'a str| {
            *index.entry(name).or_insert_with(|| {
                names.push(name);
                names.len() - 1
            })
        };
        let mut display: HashMap<&str, &str> = HashMap::new();
        for participant in flow.participants() {
            column(participant.name.text.as_str());
            if let Some(label) = &participant.display {
                display
                    .entry(participant.name.text.as_str())
                    .or_insert(label.text.as_str());
            }
        }
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
                _ => None,
            })
            .collect();
        let participants = names
            .iter()
            .map(|name| display.get(name).copied().unwrap_or(name))
            .collect();
        Diagram {
            participants,
            entries,
        }
    }
}
