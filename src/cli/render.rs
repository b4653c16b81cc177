//! `authflow render`: the box diagram of one flow, streamed to stdout or a file.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use authflow::render::{Diagram, TextStyle, render_text};

use super::{Outcome, load_flow};

pub fn run(file: &Path, ascii: bool, trim: bool, output: Option<&Path>) -> Outcome {
    let (_, flow) = match load_flow(file) {
        Ok(loaded) => loaded,
        Err(outcome) => return outcome,
    };
    let diagram = Diagram::from_flow(&flow);
    let style = TextStyle { ascii, trim };
    let written = match output {
        Some(path) => File::create(path).and_then(|f| write_diagram(&diagram, style, f)),
        None => write_diagram(&diagram, style, std::io::stdout().lock()),
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

fn write_diagram(diagram: &Diagram, style: TextStyle, out: impl Write) -> std::io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 16, out);
    render_text(diagram, style, &mut out)?;
    out.flush()
}
