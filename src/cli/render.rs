//! `authflow render`: the box diagram of one flow, or an export of it (SVG, Mermaid),
//! streamed to stdout or a file.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use authflow::render::{Diagram, TextStyle, render_mermaid, render_svg, render_text};
use clap::ValueEnum;

use super::{Outcome, load_flow};

/// What `render` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RenderFormat {
    /// The box diagram as text
    Text,
    /// A standalone SVG picture of the box diagram
    Svg,
    /// A Mermaid `sequenceDiagram`
    Mermaid,
}

pub fn run(file: &Path, format: RenderFormat, style: TextStyle, output: Option<&Path>) -> Outcome {
    let (_, flow) = match load_flow(file) {
        Ok(loaded) => loaded,
        Err(outcome) => return outcome,
    };
    let diagram = Diagram::from_flow(&flow);
    let names = flow.participant_order();
    let written = match output {
        // An existing file is replaced whole, so a failed render never leaves it half
        // written; a new one is simply created.
        Some(path) if path.is_file() => super::replace_atomically(path, |file| {
            write_diagram(&diagram, &names, format, style, file)
        }),
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
                format!("`{}`", super::display_name(p))
            });
            super::print_error(&format!("cannot write to {target}: {error}"));
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
    }?;
    out.flush()
}
