//! `authflow render`: the box diagram of one flow, or an export of it (SVG, Mermaid),
//! streamed to stdout or a file; with `--verdict`, the checker's findings drawn on it.

use std::io::{BufWriter, Write};
use std::path::Path;

use authflow::check::CheckOptions;
use authflow::check::levels::Levels;
use authflow::check::paths::verdict_paths;
use authflow::render::{
    Diagram, Mark, TextStyle, render_d2, render_mermaid, render_plantuml, render_svg, render_text,
};
use authflow::render_diagnostics;
use authflow::syntax::Flow;
use clap::ValueEnum;

use super::{Outcome, load_flow, stderr_color, write_output};

/// What `render` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RenderFormat {
    /// The box diagram as text
    Text,
    /// A standalone SVG picture of the box diagram
    Svg,
    /// A Mermaid `sequenceDiagram`
    Mermaid,
    /// A PlantUML sequence diagram
    Plantuml,
    /// A D2 sequence diagram
    D2,
    /// The teaching page: the diagram to step through, with what every party knows
    Html,
}

impl RenderFormat {
    /// The format a file name asks for by its extension (`diagram.svg`), if it does.
    pub fn from_extension(path: &Path) -> Option<RenderFormat> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "svg" => Some(RenderFormat::Svg),
            "mmd" | "mermaid" => Some(RenderFormat::Mermaid),
            "txt" | "text" => Some(RenderFormat::Text),
            "puml" | "plantuml" => Some(RenderFormat::Plantuml),
            "d2" => Some(RenderFormat::D2),
            "html" | "htm" => Some(RenderFormat::Html),
            _ => None,
        }
    }
}

/// What `render` draws, and how.
pub struct RenderOptions {
    /// Text, SVG or Mermaid.
    pub format: RenderFormat,
    /// The text diagram's style.
    pub style: TextStyle,
    /// Number the messages (`--number`), whether or not the flow says `autonumber`.
    pub number: bool,
    /// Show the front matter's title.
    pub title: bool,
    /// Check the flow and draw its findings (`--verdict`).
    pub verdict: bool,
}

pub fn run(file: &Path, options: &RenderOptions, output: Option<&Path>) -> Outcome {
    if options.format == RenderFormat::Html {
        // The page also shows the replay and the verdict, so it takes the whole pipeline.
        return super::html::run(file, output, false, 1);
    }
    let (source, flow) = match load_flow(file) {
        Ok(loaded) => loaded,
        Err(outcome) => return outcome,
    };
    let verdict = if options.verdict {
        match verdict_paths(&flow, &source, &Levels::default(), &CheckOptions::default()) {
            Ok(verdict) => Some(verdict),
            Err(diagnostics) => {
                super::print_stderr(&render_diagnostics(&diagnostics, &source, stderr_color()));
                return Outcome::InputError;
            }
        }
    } else {
        None
    };
    let mut diagram = Diagram::from_flow(&flow);
    if options.number || flow.autonumber() {
        diagram = diagram.numbered(&flow, &source);
    }
    if options.title {
        diagram = diagram.titled(&flow);
    }
    if let Some(verdict) = &verdict {
        // A violation's span is its message's: that message's place is the arrow's.
        let arrows: Vec<usize> = flow.messages().map(|m| m.span.start).collect();
        diagram.marks = verdict
            .violations
            .iter()
            .filter_map(|v| {
                let arrow = arrows.binary_search(&v.span.start).ok()?;
                Some(Mark {
                    arrow,
                    id: v.id,
                    severity: v.severity,
                    line: source.line_col(v.span.start).0,
                    message: &v.message,
                })
            })
            .collect();
    }
    let (format, style) = (options.format, options.style);
    let outcome = write_output(output, |out| {
        write_diagram(&diagram, &flow, format, style, out)
    });
    // The process ends when the command returns and the system takes its memory back at
    // once; freeing a long flow's hundreds of thousands of small allocations one by one
    // first would only delay the exit (about 5% of rendering 10,000 messages).
    std::mem::forget(diagram);
    std::mem::forget(flow);
    outcome
}

fn write_diagram(
    diagram: &Diagram,
    flow: &Flow,
    format: RenderFormat,
    style: TextStyle,
    out: impl Write,
) -> std::io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 16, out);
    match format {
        RenderFormat::Text => render_text(diagram, style, &mut out),
        RenderFormat::Svg => render_svg(diagram, &mut out),
        // Only Mermaid needs the names as written; the other formats skip the extra pass.
        RenderFormat::Mermaid => render_mermaid(diagram, &flow.participant_order(), &mut out),
        RenderFormat::Plantuml => render_plantuml(diagram, &mut out),
        RenderFormat::D2 => render_d2(diagram, &mut out),
        // `run` hands the page to `cli::html`, which has the replay it needs.
        RenderFormat::Html => Err(std::io::Error::other("the page is written by `html`")),
    }?;
    out.flush()
}
