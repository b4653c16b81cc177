//! `authflow render`: the box diagram of one flow, or an export of it (SVG, Mermaid),
//! streamed to stdout or a file.

use std::io::{BufWriter, Write};
use std::path::Path;

use authflow::render::{Diagram, TextStyle, render_mermaid, render_svg, render_text};
use clap::ValueEnum;

use super::{Outcome, load_flow, write_output};

/// What `render` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RenderFormat {
    /// The box diagram as text
    Text,
    /// A standalone SVG picture of the box diagram
    Svg,
    /// A Mermaid `sequenceDiagram`
    Mermaid,
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
            _ => None,
        }
    }
}

pub fn run(file: &Path, format: RenderFormat, style: TextStyle, output: Option<&Path>) -> Outcome {
    if format == RenderFormat::Html {
        // The page also shows the replay and the verdict, so it takes the whole pipeline.
        return super::html::run(file, output, false);
    }
    let (_, flow) = match load_flow(file) {
        Ok(loaded) => loaded,
        Err(outcome) => return outcome,
    };
    let diagram = Diagram::from_flow(&flow);
    let names = flow.participant_order();
    write_output(output, |out| {
        write_diagram(&diagram, &names, format, style, out)
    })
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
        // `run` hands the page to `cli::html`, which has the replay it needs.
        RenderFormat::Html => Err(std::io::Error::other("the page is written by `html`")),
    }?;
    out.flush()
}
