//! `fmt` is idempotent and keeps the meaning: the canonical form parses, formats to
//! itself, draws the same diagram and gets the same verdict as the original.
#![no_main]

use authflow::SourceFile;
use authflow::check::verdict;
use authflow::model::execute;
use authflow::render::{Diagram, TextStyle, render_text_to_string};
use authflow::syntax::format::format_flow;
use authflow::syntax::{Flow, parse, parse_bytes};
use libfuzzer_sys::fuzz_target;

/// What a flow draws and how it is judged, without positions (fmt moves lines).
fn meaning(flow: &Flow, file: &SourceFile) -> (String, Result<Vec<(String, String)>, usize>) {
    let drawn = render_text_to_string(&Diagram::from_flow(flow), TextStyle::default());
    let judged = match execute(flow, file) {
        Ok(run) => {
            let verdict = verdict(flow, &run, false);
            Ok(verdict
                .violations
                .iter()
                .chain(&verdict.notes)
                .map(|v| (v.id.to_string(), v.severity.as_str().to_string()))
                .collect())
        }
        Err(diagnostics) => Err(diagnostics.len()),
    };
    (drawn, judged)
}

fuzz_target!(|data: &[u8]| {
    let (file, Ok(flow)) = parse_bytes("fuzz.flow", data) else {
        return;
    };
    let formatted = format_flow(&flow);
    let formatted_file = SourceFile::new("formatted.flow", formatted.as_str());
    let reparsed = match parse(&formatted_file) {
        Ok(reparsed) => reparsed,
        Err(diagnostics) => {
            panic!("the canonical form does not parse: {diagnostics:?}\n{formatted}")
        }
    };
    assert_eq!(format_flow(&reparsed), formatted, "fmt is not idempotent");
    assert_eq!(
        meaning(&flow, &file),
        meaning(&reparsed, &formatted_file),
        "fmt changed the meaning:\n{formatted}"
    );
});
