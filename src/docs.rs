//! Diagrams in Markdown, kept in step with the flows they draw (`authflow docs`).
//!
//! A docs writer keeps the flow source next to its diagram and lets the tool draw the
//! diagram, so that the two never disagree. Two layouts are recognised; both need the
//! blocks to be siblings (same blockquote or list item) with nothing but blank lines
//! between them, so that an unrelated `txt` block is never taken for a diagram:
//!
//! 1. a fenced block whose info string's first word is `authflow` is the source; a fenced
//!    `txt` block (first word `txt`) right after it is its diagram. Without one, a new `txt`
//!    block is inserted after the source, separated by a blank line.
//! 2. the seed's layout: a fenced `txt` block (the diagram), a paragraph that is exactly
//!    `src`, then a fenced block with any info string (the source). This layout is matched
//!    first; blocks it claims play no part in layout 1. A `txt` block right after an
//!    `authflow` block is never taken for it: it is that block's diagram, perhaps inserted by
//!    an earlier run, so that `docs` run twice changes nothing the second time.
//!
//! A flow block whose info string says `html=PATH` (```` ```authflow html=docs/x.html ````)
//! also has a teaching page (`crate::teach`), which `docs` writes to PATH, relative to the
//! Markdown file, and `docs --check` compares, so a page linked from the docs stays fresh.
//!
//! Only the lines between the fences of a stale diagram are rewritten; every other byte of
//! the file is kept, line endings included (LF, CRLF, or a lone CR, which CommonMark also
//! reads as a line ending). A diagram that differs from the drawing only by
//! trailing whitespace is fresh, because editors strip it and the diagram reads the same.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag};

use crate::check::CheckOptions;
use crate::model::execute;
use crate::render::{Diagram, TextStyle, render_text_to_string};
use crate::syntax::{Flow, parse};
use crate::teach::{Lesson, render_html, teaching_path};
use crate::{Diagnostic, SourceFile, Span, render_diagnostics};

/// The outcome of bringing a Markdown file's diagrams up to date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocsUpdate {
    /// The Markdown with every stale diagram redrawn; the input itself when all are fresh.
    pub text: String,
    /// How many flow blocks were found.
    pub flows: usize,
    /// The diagrams that were out of date or missing, in file order.
    pub stale: Vec<StaleDiagram>,
    /// The teaching pages flow blocks ask for (```` ```authflow html=PATH ````), as they
    /// should now be.
    pub pages: Vec<TeachingPage>,
}

/// The teaching page of a flow block, to be written to (or compared with) its path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TeachingPage {
    /// The path the info string gives, relative to the Markdown file.
    pub path: String,
    /// 1-based line of the flow block's opening fence.
    pub line: usize,
    /// The page (see [`crate::teach::render_html`]).
    pub html: String,
}

/// A diagram [`update_markdown`] redrew or added.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StaleDiagram {
    /// 1-based line in the input: the diagram's opening fence, or for a missing diagram the
    /// source block's opening fence (where the writer has to look).
    pub line: usize,
    /// Whether it was out of date or missing.
    pub kind: Staleness,
}

/// Why a diagram had to be drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Staleness {
    /// The diagram does not show the flow as it now is.
    Outdated,
    /// An `authflow` block has no diagram after it.
    Missing,
}

/// Flow blocks that do not parse. The diagnostics point into the Markdown file itself, so
/// that an editor jumps to the offending line of the document.
#[derive(Clone, Debug)]
pub struct DocsError {
    /// The Markdown file, which the diagnostics point into.
    pub file: SourceFile,
    /// One per flow block that does not parse, and per block whose fence is never closed.
    pub diagnostics: Vec<Diagnostic>,
}

impl DocsError {
    /// The diagnostics in rustc's style, in colour if `color`.
    pub fn render(&self, color: bool) -> String {
        render_diagnostics(&self.diagnostics, &self.file, color)
    }
}

/// Finds the flow blocks of a Markdown file and redraws their diagrams. `name` is the file
/// name diagnostics show.
pub fn update_markdown(name: &str, text: &str) -> Result<DocsUpdate, DocsError> {
    // CommonMark ends a line at a lone CR too, pulldown-cmark does not: the structure is
    // read from a copy whose lone CRs are LFs. Same length, so every offset holds in both.
    let scanned = lone_crs_as_lfs(text);
    let blocks = blocks(&scanned);
    let pairs = pair_up(&scanned, &blocks);
    let file = SourceFile::new(name, scanned.as_ref());
    let mut diagnostics = Vec::new();
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let mut stale = Vec::new();
    let mut pages = Vec::new();
    for pair in &pairs {
        let Kind::Code(source) = &blocks[pair.source].kind else {
            unreachable!("sources are code blocks")
        };
        let flow_file = SourceFile::new(name, source.text.as_str());
        let flow = match parse(&flow_file) {
            Ok(flow) => flow,
            Err(found) => {
                diagnostics.extend(found.into_iter().map(|d| source.relocate(d)));
                continue;
            }
        };
        if let Some(path) = &source.page {
            let line = file.line_col(blocks[pair.source].range.start).0;
            match teaching_page(&flow, &flow_file, line) {
                Ok(html) => pages.push(TeachingPage {
                    path: path.clone(),
                    line,
                    html,
                }),
                Err(found) => diagnostics.extend(found.into_iter().map(|d| source.relocate(d))),
            }
        }
        let mut diagram = Diagram::from_flow(&flow);
        if flow.autonumber() {
            // Numbered by the lines of the block, as `check` numbers them in a file.
            diagram = diagram.numbered(&flow, &flow_file);
        }
        let drawn = render_text_to_string(
            &diagram,
            TextStyle {
                ascii: false,
                trim: false,
            },
        );
        match pair.diagram {
            Some(index) => {
                let block = &blocks[index];
                let Kind::Code(diagram) = &block.kind else {
                    unreachable!("diagrams are code blocks")
                };
                if same_drawing(&diagram.text, &drawn) {
                    continue;
                }
                let Some(fence) = Fence::of(text, &scanned, &block.range) else {
                    diagnostics.push(unclosed(&scanned, &block.range, "diagram"));
                    continue;
                };
                let content = fence.prefixed(&drawn);
                edits.push((fence.content, content));
                stale.push(StaleDiagram {
                    line: file.line_col(block.range.start).0,
                    kind: Staleness::Outdated,
                });
            }
            None => {
                let range = &blocks[pair.source].range;
                let Some(fence) = Fence::of(text, &scanned, range) else {
                    diagnostics.push(unclosed(&scanned, range, "flow"));
                    continue;
                };
                let at = range.end;
                edits.push((at..at, fence.new_diagram_after(&drawn)));
                stale.push(StaleDiagram {
                    line: file.line_col(range.start).0,
                    kind: Staleness::Missing,
                });
            }
        }
    }
    if !diagnostics.is_empty() {
        return Err(DocsError { file, diagnostics });
    }
    edits.sort_by_key(|(range, _)| range.start);
    stale.sort_by_key(|diagram| diagram.line);
    let mut updated = String::with_capacity(text.len());
    let mut copied = 0;
    for (range, replacement) in edits {
        updated.push_str(&text[copied..range.start]);
        updated.push_str(&replacement);
        copied = range.end;
    }
    updated.push_str(&text[copied..]);
    Ok(DocsUpdate {
        text: updated,
        flows: pairs.len(),
        stale,
        pages,
    })
}

/// The teaching page of a flow block; the page names the block by its line.
fn teaching_page(flow: &Flow, source: &SourceFile, line: usize) -> Result<String, Vec<Diagnostic>> {
    // A flow with fragments is taught along its first path, as `authflow html` does.
    let (flow, _) = teaching_path(flow, 1)?;
    let flow = &flow;
    let run = execute(flow, source)?;
    let named = SourceFile::new(
        format!("{} (line {line})", source.name),
        source.text.as_str(),
    );
    let lesson = Lesson::new(flow, &named, &run, &CheckOptions::default());
    let mut html = Vec::new();
    render_html(&lesson, &Diagram::from_flow(flow), &run, &mut html)
        .expect("writing to memory cannot fail");
    Ok(String::from_utf8_lossy(&html).into_owned())
}

/// `text` with every CR that is not part of a CRLF replaced by LF.
fn lone_crs_as_lfs(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    let lone = |i: usize| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n');
    if !(0..bytes.len()).any(lone) {
        return std::borrow::Cow::Borrowed(text);
    }
    let replaced: String = text
        .char_indices()
        .map(|(i, c)| if c == '\r' && lone(i) { '\n' } else { c })
        .collect();
    std::borrow::Cow::Owned(replaced)
}

/// Whether a diagram shows the drawing, ignoring what editors do to whitespace at line ends.
fn same_drawing(diagram: &str, drawn: &str) -> bool {
    diagram
        .lines()
        .map(str::trim_end)
        .eq(drawn.lines().map(str::trim_end))
}

fn unclosed(text: &str, range: &Range<usize>, what: &str) -> Diagnostic {
    let line_end = text[range.start..]
        .find(['\r', '\n'])
        .map_or(text.len(), |i| range.start + i);
    Diagnostic::error(
        format!("this {what} block is never closed"),
        Span::new(range.start, line_end),
    )
    .with_label("no closing fence")
    .with_note(
        "note: without a closing fence the block runs to the end of the document (or of its \
         quote or list item), so there is no place to put the diagram",
    )
}

// ---------------------------------------------------------------------------------------
// The document as a list of blocks.

/// A block-level element, in document order.
#[derive(Debug)]
struct Block {
    /// The innermost enclosing container (blockquote, list, list item, ...); 0 is the
    /// document. Blocks are siblings when they share it.
    parent: usize,
    /// Bytes of the block as pulldown-cmark reports them: from the opening fence to the end
    /// of the closing one for code blocks.
    range: Range<usize>,
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    Code(CodeBlock),
    /// A paragraph, its text when it holds nothing but plain text.
    Paragraph(Option<String>),
    Other,
}

#[derive(Debug, Default)]
struct CodeBlock {
    /// The first word of the info string.
    language: String,
    /// Where the flow's teaching page goes, when the info string says `html=PATH`.
    page: Option<String>,
    /// The contents, without container prefixes or indentation, with LF line endings.
    text: String,
    /// Where each piece of `text` lies in the Markdown file.
    pieces: Vec<Piece>,
    /// Where the contents start in the file (used when there are none).
    start: usize,
}

/// `len` bytes of a code block's text starting at `text`, copied from `source` in the file.
#[derive(Debug)]
struct Piece {
    text: usize,
    source: usize,
    len: usize,
    /// How many bytes the piece covers in the file; differs from `len` only where
    /// pulldown-cmark had to synthesize text (tabs in containers), then offsets inside the
    /// piece are approximate.
    source_len: usize,
}

impl CodeBlock {
    /// Moves a diagnostic from the block's text into the Markdown file.
    fn relocate(&self, mut diagnostic: Diagnostic) -> Diagnostic {
        diagnostic.span = self.map(diagnostic.span);
        for (span, _) in &mut diagnostic.related {
            *span = self.map(*span);
        }
        diagnostic
    }

    fn map(&self, span: Span) -> Span {
        let start = self.map_offset(span.start, false);
        let end = self.map_offset(span.end, true).max(start);
        Span::new(start, end)
    }

    /// An end offset on the boundary of two pieces belongs to the first, so that a span
    /// never stretches over the `> ` or indentation between them.
    fn map_offset(&self, offset: usize, is_end: bool) -> usize {
        for piece in &self.pieces {
            let inside = if is_end {
                offset > piece.text && offset <= piece.text + piece.len
            } else {
                offset >= piece.text && offset < piece.text + piece.len
            };
            if inside {
                return piece.source + (offset - piece.text).min(piece.source_len);
            }
        }
        self.pieces
            .last()
            .map_or(self.start, |piece| piece.source + piece.source_len)
    }
}

fn blocks(text: &str) -> Vec<Block> {
    enum Open {
        Container(usize),
        /// A leaf block: its index in `blocks`.
        Leaf(usize),
        /// Inline markup inside a leaf block.
        Inline,
    }
    let mut blocks: Vec<Block> = Vec::new();
    let mut open: Vec<Open> = Vec::new();
    let mut containers = 0;
    for (event, range) in Parser::new_ext(text, Options::empty()).into_offset_iter() {
        let parent = match open.last() {
            None => Some(0),
            Some(Open::Container(id)) => Some(*id),
            Some(Open::Leaf(_) | Open::Inline) => None,
        };
        match (event, parent) {
            (Event::Start(tag), Some(parent)) => {
                let kind = match &tag {
                    Tag::CodeBlock(CodeBlockKind::Fenced(info)) => Kind::Code(CodeBlock {
                        language: info.split_whitespace().next().unwrap_or("").to_string(),
                        page: info
                            .split_whitespace()
                            .find_map(|word| word.strip_prefix("html="))
                            .map(str::to_string),
                        start: text[range.start..]
                            .find('\n')
                            .map_or(range.end, |i| range.start + i + 1),
                        ..CodeBlock::default()
                    }),
                    Tag::Paragraph => Kind::Paragraph(Some(String::new())),
                    _ => Kind::Other,
                };
                let container = matches!(
                    tag,
                    Tag::BlockQuote(_)
                        | Tag::List(_)
                        | Tag::Item
                        | Tag::FootnoteDefinition(_)
                        | Tag::DefinitionList
                        | Tag::DefinitionListTitle
                        | Tag::DefinitionListDefinition
                );
                blocks.push(Block {
                    parent,
                    range,
                    kind,
                });
                if container {
                    containers += 1;
                    open.push(Open::Container(containers));
                } else {
                    open.push(Open::Leaf(blocks.len() - 1));
                }
            }
            (Event::Start(_), None) => {
                // Markup makes a paragraph more than the plain word `src`.
                if let Some(Open::Leaf(index)) = open.last()
                    && let Kind::Paragraph(plain) = &mut blocks[*index].kind
                {
                    *plain = None;
                }
                open.push(Open::Inline);
            }
            (Event::End(_), _) => {
                open.pop();
            }
            // Text straight inside a container (a tight list item) or a rule.
            (_, Some(parent)) => blocks.push(Block {
                parent,
                range,
                kind: Kind::Other,
            }),
            (event, None) => {
                let Some(Open::Leaf(index)) =
                    open.iter().rev().find(|o| !matches!(o, Open::Inline))
                else {
                    continue;
                };
                match (&mut blocks[*index].kind, event) {
                    (Kind::Code(code), Event::Text(piece)) => {
                        let copied = text.get(range.clone()) == Some(&*piece);
                        code.pieces.push(Piece {
                            text: code.text.len(),
                            source: range.start,
                            len: piece.len(),
                            source_len: if copied { piece.len() } else { range.len() },
                        });
                        code.text.push_str(&piece);
                    }
                    (Kind::Paragraph(Some(plain)), Event::Text(piece))
                        if matches!(open.last(), Some(Open::Leaf(_))) =>
                    {
                        plain.push_str(&piece);
                    }
                    (Kind::Paragraph(plain), _) => *plain = None,
                    _ => {}
                }
            }
        }
    }
    blocks
}

/// A flow source block and its diagram block, by index into the blocks.
struct Pair {
    source: usize,
    diagram: Option<usize>,
}

fn pair_up(text: &str, blocks: &[Block]) -> Vec<Pair> {
    let code = |i: usize| match blocks.get(i).map(|b| &b.kind) {
        Some(Kind::Code(code)) => Some(code),
        _ => None,
    };
    // The block after `i`, when it is a sibling with only blank lines (and, inside a
    // blockquote, `>` markers) in between.
    let next = |i: usize| {
        let (this, next) = (&blocks[i], blocks.get(i + 1)?);
        let gap = text.get(this.range.end..next.range.start)?;
        let adjacent =
            next.parent == this.parent && gap.chars().all(|c| c.is_whitespace() || c == '>');
        adjacent.then_some(i + 1)
    };
    // A `txt` block right after an `authflow` block is that block's diagram (possibly
    // inserted by an earlier run), even when a paragraph `src` and a code block follow it:
    // otherwise the next run would read that code block as the diagram's flow.
    let follows_a_source = |i: usize| {
        i > 0 && next(i - 1) == Some(i) && code(i - 1).is_some_and(|c| c.language == "authflow")
    };
    let mut claimed = vec![false; blocks.len()];
    let mut pairs = Vec::new();
    for i in 0..blocks.len() {
        let seed_layout = code(i).is_some_and(|c| c.language == "txt")
            && !claimed[i]
            && !follows_a_source(i)
            && next(i).is_some_and(|p| {
                matches!(&blocks[p].kind, Kind::Paragraph(Some(t)) if t.trim() == "src")
                    && next(p).is_some_and(|s| code(s).is_some())
            });
        if seed_layout {
            let source = i + 2;
            claimed[i] = true;
            claimed[source] = true;
            pairs.push(Pair {
                source,
                diagram: Some(i),
            });
        }
    }
    for i in 0..blocks.len() {
        let source = !claimed[i] && code(i).is_some_and(|c| c.language == "authflow");
        if !source {
            continue;
        }
        let diagram =
            next(i).filter(|&d| !claimed[d] && code(d).is_some_and(|c| c.language == "txt"));
        if let Some(d) = diagram {
            claimed[d] = true;
        }
        pairs.push(Pair { source: i, diagram });
    }
    pairs.sort_by_key(|pair| pair.source);
    pairs
}

// ---------------------------------------------------------------------------------------
// Writing a diagram into a fenced block.

/// What it takes to write lines into a fenced block so that they read back exactly.
struct Fence {
    /// What goes before each line: the container markers in front of the opening fence
    /// (`> `), with list markers turned into the spaces that continue the item, then the
    /// fence's own indentation, which Markdown strips from the contents again.
    prefix: String,
    /// The opening fence's line ending, so that a CRLF file stays CRLF.
    eol: &'static str,
    /// Bytes between the fences: from after the opening line to the closing fence's line.
    content: Range<usize>,
}

impl Fence {
    /// `None` when the block is not closed by a fence. `text` is the file as it is (for its
    /// line endings), `scanned` the same with lone CRs read as LFs (for its lines).
    fn of(original: &str, text: &str, range: &Range<usize>) -> Option<Fence> {
        let line_start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
        let prefix = text[line_start..range.start]
            .chars()
            .map(|c| {
                if c == '>' || c.is_whitespace() {
                    c
                } else {
                    ' '
                }
            })
            .collect();
        let opening = &text[range.clone()];
        let marker = opening.chars().next()?;
        let width = opening.chars().take_while(|&c| c == marker).count();
        let open_end = range.start + opening.find('\n')?;
        let eol = if original.as_bytes()[open_end] == b'\r' {
            "\r"
        } else if text[..open_end].ends_with('\r') {
            "\r\n"
        } else {
            "\n"
        };
        let body = &text[..range.end];
        if body.ends_with('\n') {
            return None;
        }
        let close_start = body.rfind('\n').map_or(0, |i| i + 1);
        let closing = text[close_start..range.end]
            .trim_start_matches(|c: char| c == '>' || c.is_whitespace());
        let closed = close_start > open_end
            && closing.chars().take_while(|&c| c == marker).count() >= width
            && closing.trim_start_matches(marker).trim().is_empty();
        closed.then_some(Fence {
            prefix,
            eol,
            content: open_end + 1..close_start,
        })
    }

    fn prefixed(&self, drawn: &str) -> String {
        drawn
            .lines()
            .map(|line| format!("{}{line}{}", self.prefix, self.eol))
            .collect()
    }

    /// A `txt` block to insert right after this (source) block's closing fence: a blank
    /// line, then the block, leaving the line break that followed the source in place.
    fn new_diagram_after(&self, drawn: &str) -> String {
        let longest_run = drawn.split(|c| c != '`').map(str::len).max().unwrap_or(0);
        let fence = "`".repeat((longest_run + 1).max(3));
        let (prefix, eol) = (&self.prefix, self.eol);
        format!(
            "{eol}{}{eol}{prefix}{fence}txt{eol}{}{prefix}{fence}",
            prefix.trim_end(),
            self.prefixed(drawn)
        )
    }
}
