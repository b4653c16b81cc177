//! Fragments (`alt`/`else`, `opt`, `loop` … `end`) as a tree, and the paths through it.
//!
//! The syntax tree stays flat (one [`Statement`] per line) so that everything that walks
//! messages in file order keeps working unchanged; this module is where the nesting is
//! read. [`validate`] reports stray or missing `end`/`else` (the parser calls it, so a
//! flow that parses is well nested), [`tree`] builds the nesting, and [`paths`] lists the
//! ways through it that the checker replays one by one:
//!
//! - `alt`: one path per branch (`alt` and every `else`);
//! - `opt`: the body taken, and skipped;
//! - `loop`: the body once, or `loop N` times in a row (each repetition choosing its own
//!   way through fragments nested in the body).
//!
//! Paths multiply: two `opt`s in a row make four. Past [`MAX_PATHS`] enumeration stops
//! with an error at the fragment that crossed the cap, rather than replaying thousands of
//! traces nobody can read.

use super::Flow;
use super::ast::{FragmentKind, FragmentStart, Label, Line, Statement};
use crate::diagnostic::Diagnostic;
use crate::span::Span;

/// The most paths a flow may have through its fragments.
pub const MAX_PATHS: usize = 256;

/// One element of a sequence: a line of the flow, or a fragment.
#[derive(Clone, Debug, PartialEq)]
pub enum Block<'f> {
    /// A line that is not a fragment statement, by index into [`Flow::lines`].
    Line(usize),
    /// A fragment with its branches.
    Fragment(Fragment<'f>),
}

/// An `alt`, `opt` or `loop` and what it holds.
#[derive(Clone, Debug, PartialEq)]
pub struct Fragment<'f> {
    /// Its first line.
    pub start: &'f FragmentStart,
    /// The branches: one for `opt` and `loop`, one per `alt`/`else` for `alt`.
    pub branches: Vec<Branch<'f>>,
    /// Span of its `end`.
    pub end: Span,
}

/// One branch of a fragment.
#[derive(Clone, Debug, PartialEq)]
pub struct Branch<'f> {
    /// The branch's label (`alt "x"`'s for the first, `else "y"`'s for the others).
    pub label: Option<&'f Label>,
    /// Span of the statement that opens it (`alt` or `else`).
    pub span: Span,
    /// Whether an `else` opens it.
    pub is_else: bool,
    /// What it holds, in order.
    pub body: Vec<Block<'f>>,
}

/// A way through the flow's fragments.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FlowPath {
    /// The lines taken, by index into [`Flow::lines`], in order; a loop's lines repeat.
    pub lines: Vec<usize>,
    /// The choices made on the way, in order: empty for a flow without `alt` or `opt`.
    pub choices: Vec<Choice>,
}

/// One choice on a path: which branch of an `alt` was taken, or whether an `opt` was.
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    /// How the choice reads: `else "invalid code"`, `alt "valid code"`, `opt "refresh"`
    /// or `no opt "refresh"`.
    pub text: String,
    /// The statement the choice is about (`alt`, `else` or `opt`).
    pub span: Span,
}

/// Checks that fragments nest: every `else` is directly inside an `alt`, every `end`
/// closes an open fragment, and every fragment is closed.
pub fn validate(flow: &Flow) -> Vec<Diagnostic> {
    match tree(flow) {
        Ok(_) => Vec::new(),
        Err(diagnostics) => diagnostics,
    }
}

/// The flow's lines as a tree of fragments, or a diagnostic for every `else` or `end` out
/// of place and every fragment left open.
pub fn tree(flow: &Flow) -> Result<Vec<Block<'_>>, Vec<Diagnostic>> {
    let mut diagnostics = Vec::new();
    // The root sequence, then one entry per open fragment.
    let mut root: Vec<Block> = Vec::new();
    let mut open: Vec<Fragment> = Vec::new();
    for (index, line) in flow.lines.iter().enumerate() {
        let Line::Statement { statement, .. } = line else {
            push(&mut root, &mut open, Block::Line(index));
            continue;
        };
        match statement {
            Statement::FragmentStart(start) => open.push(Fragment {
                start,
                branches: vec![Branch {
                    label: start.label.as_ref(),
                    span: start.span,
                    is_else: false,
                    body: Vec::new(),
                }],
                end: start.span,
            }),
            Statement::Else(branch) => match open.last_mut() {
                Some(fragment) if fragment.start.kind == FragmentKind::Alt => {
                    fragment.branches.push(Branch {
                        label: branch.label.as_ref(),
                        span: branch.span,
                        is_else: true,
                        body: Vec::new(),
                    });
                }
                Some(fragment) => diagnostics.push(
                    Diagnostic::error(
                        format!(
                            "`else` inside `{}`: only an `alt` has branches",
                            fragment.start.kind.keyword()
                        ),
                        branch.span,
                    )
                    .with_label("this `else`")
                    .with_related(
                        fragment.start.span,
                        format!("the `{}` it is in", fragment.start.kind.keyword()),
                    ),
                ),
                None => diagnostics.push(
                    Diagnostic::error("`else` outside any `alt`", branch.span)
                        .with_label("no `alt` is open here"),
                ),
            },
            Statement::End(end) => match open.pop() {
                Some(mut fragment) => {
                    fragment.end = end.span;
                    push(&mut root, &mut open, Block::Fragment(fragment));
                }
                None => diagnostics.push(
                    Diagnostic::error("`end` without a fragment to close", end.span)
                        .with_label("no `alt`, `opt` or `loop` is open here"),
                ),
            },
            _ => push(&mut root, &mut open, Block::Line(index)),
        }
    }
    for fragment in open.iter().rev() {
        let keyword = fragment.start.kind.keyword();
        diagnostics.push(
            Diagnostic::error(format!("unclosed `{keyword}`"), fragment.start.span)
                .with_label(format!("this `{keyword}` has no `end`")),
        );
    }
    if diagnostics.is_empty() {
        Ok(root)
    } else {
        diagnostics.sort_by_key(|d| d.span.start);
        Err(diagnostics)
    }
}

/// Appends to the innermost open fragment's last branch, or to the root.
fn push<'f>(root: &mut Vec<Block<'f>>, open: &mut [Fragment<'f>], block: Block<'f>) {
    match open.last_mut().and_then(|f| f.branches.last_mut()) {
        Some(branch) => branch.body.push(block),
        None => root.push(block),
    }
}

/// Whether the flow has any fragment.
pub fn has_fragments(flow: &Flow) -> bool {
    flow.statements()
        .any(|s| matches!(s, Statement::FragmentStart(_)))
}

/// Every path through the flow's fragments (one, with every line, for a flow without
/// any), or an error at the fragment where the count passes [`MAX_PATHS`].
///
/// The flow must be well nested: [`parse`](super::parse) guarantees it, and a flow built
/// by hand that is not gets the nesting diagnostics.
pub fn paths(flow: &Flow) -> Result<Vec<FlowPath>, Vec<Diagnostic>> {
    let blocks = tree(flow)?;
    sequence(&blocks).map_err(|span| {
        vec![
            Diagnostic::error(
                format!("more than {MAX_PATHS} paths through this flow's fragments"),
                span,
            )
            .with_label(format!("the count passes {MAX_PATHS} here"))
            .with_note(
                "note: every `alt` branch, `opt` with and without, and every repetition of a \
                 `loop` multiply the paths checked; split the flow into several files",
            ),
        ]
    })
}

/// The paths through a sequence of blocks; on overflow, the span of the fragment where
/// the count passed the cap.
fn sequence(blocks: &[Block]) -> Result<Vec<FlowPath>, Span> {
    let mut paths = vec![FlowPath::default()];
    for block in blocks {
        match block {
            Block::Line(index) => {
                for path in &mut paths {
                    path.lines.push(*index);
                }
            }
            Block::Fragment(fragment) => {
                let options = fragment_paths(fragment)?;
                paths = product(&paths, &options).ok_or(fragment.start.span)?;
            }
        }
    }
    Ok(paths)
}

/// The ways through one fragment.
fn fragment_paths(fragment: &Fragment) -> Result<Vec<FlowPath>, Span> {
    let described = |branch: &Branch, prefix: &str| {
        let keyword = if branch.is_else {
            "else"
        } else {
            fragment.start.kind.keyword()
        };
        let label = branch
            .label
            .map_or(String::new(), |label| format!(" \"{}\"", label.text));
        Choice {
            text: format!("{prefix}{keyword}{label}"),
            span: branch.span,
        }
    };
    match fragment.start.kind {
        FragmentKind::Alt => {
            let mut all = Vec::new();
            for branch in &fragment.branches {
                for mut path in sequence(&branch.body)? {
                    path.choices.insert(0, described(branch, ""));
                    all.push(path);
                }
                if all.len() > MAX_PATHS {
                    return Err(fragment.start.span);
                }
            }
            Ok(all)
        }
        FragmentKind::Opt => {
            let body = &fragment.branches[0];
            let mut all = sequence(&body.body)?;
            for path in &mut all {
                path.choices.insert(0, described(body, ""));
            }
            all.push(FlowPath {
                lines: Vec::new(),
                choices: vec![described(body, "no ")],
            });
            if all.len() > MAX_PATHS {
                return Err(fragment.start.span);
            }
            Ok(all)
        }
        FragmentKind::Loop => {
            let once = sequence(&fragment.branches[0].body)?;
            let times = fragment.start.times.unwrap_or(1);
            let mut all = vec![FlowPath::default()];
            for pass in 1..=times {
                // Each repetition chooses on its own: its choices say which pass they are.
                let mut this_pass = once.clone();
                if times > 1 {
                    for choice in this_pass.iter_mut().flat_map(|p| &mut p.choices) {
                        choice.text = format!("{} on pass {pass}", choice.text);
                    }
                }
                all = product(&all, &this_pass).ok_or(fragment.start.span)?;
            }
            Ok(all)
        }
    }
}

/// Every `first` path followed by every `then` path, unless that makes too many.
fn product(first: &[FlowPath], then: &[FlowPath]) -> Option<Vec<FlowPath>> {
    if first.len().checked_mul(then.len())? > MAX_PATHS {
        return None;
    }
    let mut all = Vec::with_capacity(first.len() * then.len());
    for a in first {
        for b in then {
            let mut path = a.clone();
            path.lines.extend_from_slice(&b.lines);
            path.choices.extend_from_slice(&b.choices);
            all.push(path);
        }
    }
    Some(all)
}

impl FlowPath {
    /// The flow this path walks: the front matter, then its lines in order.
    pub fn flow(&self, flow: &Flow) -> Flow {
        Flow {
            front_matter: flow.front_matter.clone(),
            lines: self.lines.iter().map(|&i| flow.lines[i].clone()).collect(),
        }
    }

    /// The choices, joined: `alt "valid code", no opt "refresh"`.
    pub fn describe(&self) -> String {
        self.choices
            .iter()
            .map(|c| c.text.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SourceFile;
    use crate::syntax::parse;

    fn flow(text: &str) -> Flow {
        parse(&SourceFile::new("t.flow", text)).unwrap_or_else(|d| panic!("{d:?}"))
    }

    fn described(text: &str) -> Vec<(String, usize)> {
        let flow = flow(text);
        paths(&flow)
            .unwrap()
            .iter()
            .map(|p| (p.describe(), p.lines.len()))
            .collect()
    }

    #[test]
    fn alt_opt_and_loop_paths() {
        let text = "a -> b: \"1\"\nalt \"ok\"\na -> b: \"2\"\nelse \"bad\"\na -> b: \"3\"\n\
                    a -> b: \"4\"\nend\nopt\nb -> a: \"5\"\nend\nloop 2\nb -> b: \"6\"\nend\n";
        assert_eq!(
            described(text),
            [
                ("alt \"ok\", opt".to_string(), 5),
                ("alt \"ok\", no opt".to_string(), 4),
                ("else \"bad\", opt".to_string(), 6),
                ("else \"bad\", no opt".to_string(), 5),
            ]
        );
    }

    #[test]
    fn a_loop_repeats_its_body_and_each_repetition_chooses() {
        let text = "loop 2 \"retry\"\nopt \"x\"\na -> b: \"1\"\nend\nend\n";
        let flow = flow(text);
        let paths = paths(&flow).unwrap();
        assert_eq!(paths.len(), 4);
        assert_eq!(paths[0].lines, [2, 2]);
        assert_eq!(
            paths[0].describe(),
            "opt \"x\" on pass 1, opt \"x\" on pass 2"
        );
        assert_eq!(paths[3].lines, Vec::<usize>::new());
    }

    #[test]
    fn too_many_paths_is_an_error_at_the_fragment_that_passes_the_cap() {
        // 2^8 = 256 paths is the cap; the ninth `opt` passes it.
        let text = "opt\na -> b: \"x\"\nend\n".repeat(9);
        let error = paths(&flow(&text)).unwrap_err();
        assert_eq!(error.len(), 1);
        assert_eq!(error[0].span.start, text.len() / 9 * 8);
        let eight = flow(&text[..text.len() / 9 * 8]);
        assert_eq!(paths(&eight).unwrap().len(), MAX_PATHS);
    }

    #[test]
    fn no_fragments_is_one_path_with_every_line() {
        let flow = flow("# c\na -> b: \"x\"\n\nwait 1s\n");
        let paths = paths(&flow).unwrap();
        assert_eq!(paths.len(), 1);
        assert_eq!(paths[0].lines, [0, 1, 2, 3]);
        assert_eq!(paths[0].flow(&flow), flow);
    }
}
