//! `authflow render`: the box diagram of one flow, or an export of it (SVG, Mermaid),
//! streamed to stdout or a file; with `--verdict`, the checker's findings drawn on it.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use authflow::check::CheckOptions;
use authflow::check::paths::verdict_paths;
use authflow::render::{
    Diagram, Mark, TextStyle, render_d2, render_mermaid, render_plantuml, render_svg, render_text,
};
use authflow::render_diagnostics;
use clap::ValueEnum;

use super::{Outcome, load_flow, stderr_color};

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
    let (source, flow) = match load_flow(file) {
        Ok(loaded) => loaded,
        Err(outcome) => return outcome,
    };
    let verdict = if options.verdict {
        match verdict_paths(&flow, &source, false, &CheckOptions::default()) {
            Ok(verdict) => Some(verdict),
            Err(diagnostics) => {
                eprint!(
                    "{}",
                    render_diagnostics(&diagnostics, &source, stderr_color())
                );
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
    let names = flow.participant_order();
    let written = match output {
        Some(path) => {
            File::create(path).and_then(|f| write_diagram(&diagram, &names, format, style, f))
        }
        None => write_diagram(&diagram, &names, format, style, std::io::stdout().lock()),
    };
    match written {
        Ok(()) => Outcome::Success,
        // A closed pipe (`authflow render x | head`) is the reader's choice, not an error.
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Outcome::Success,
        Err(error) => {
            let target = output.map_or("standard output".to_string(), |p| {
                format!("`{}`", p.display())
            });
            eprintln!("error: cannot write to {target}: {error}");
            Outcome::InputError
        }
    }
}

fn write_diagram(
    diagram: &Diagram,
    names: &[&str],
    format: RenderFormat,
    style: TextStyle,
    out: impl Write,
) -> std::io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 16, out);
    match format {
        RenderFormat::Text => render_text(diagram, style, &mut out),
        RenderFormat::Svg => render_svg(diagram, &mut out),
        RenderFormat::Mermaid => render_mermaid(diagram, names, &mut out),
        RenderFormat::Plantuml => render_plantuml(diagram, &mut out),
        RenderFormat::D2 => render_d2(diagram, &mut out),
    }?;
    out.flush()
}
