//! `authflow html`: the teaching page of one flow, a self-contained HTML file (see
//! `authflow::teach::html`), written to standard output or a file.

use std::io::{BufWriter, Write};
use std::path::Path;

use authflow::check::CheckOptions;
use authflow::model::execute;
use authflow::render::Diagram;
use authflow::render_diagnostics;
use authflow::teach::{Lesson, render_html, teaching_path};

use super::{Outcome, load_flow, stderr_color, write_output};

pub fn run(path: &Path, output: Option<&Path>, preview: bool, which: usize) -> Outcome {
    let (file, flow) = match load_flow(path) {
        Ok(loaded) => loaded,
        Err(outcome) => return outcome,
    };
    let flow = match teaching_path(&flow, which) {
        Ok((flow, None)) => flow,
        Ok((flow, Some(about))) => {
            super::print_stderr(&format!(
                "note: the page shows {about}; `--path N` shows another\n"
            ));
            flow
        }
        Err(diagnostics) => {
            super::print_stderr(&render_diagnostics(&diagnostics, &file, stderr_color()));
            return Outcome::InputError;
        }
    };
    let run = match execute(&flow, &file) {
        Ok(run) => run,
        Err(diagnostics) => {
            super::print_stderr(&render_diagnostics(&diagnostics, &file, stderr_color()));
            return Outcome::InputError;
        }
    };
    let lesson = Lesson::new(&flow, &file, &run, &CheckOptions { preview });
    let diagram = Diagram::from_flow(&flow);
    write_output(output, |out| {
        let mut out = BufWriter::new(out);
        render_html(&lesson, &diagram, &run, &mut out)?;
        out.flush()
    })
}
