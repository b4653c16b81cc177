//! A flow that parses renders in every format; the SVG is well-formed XML.
#![no_main]

use authflow::render::{Diagram, TextStyle, render_mermaid, render_svg, render_text};
use authflow::syntax::parse_bytes;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (_, Ok(flow)) = parse_bytes("fuzz.flow", data) else {
        return;
    };
    let diagram = Diagram::from_flow(&flow);
    for ascii in [false, true] {
        for trim in [false, true] {
            render_text(&diagram, TextStyle { ascii, trim }, &mut std::io::sink()).unwrap();
        }
    }
    let mut svg = Vec::new();
    render_svg(&diagram, &mut svg).unwrap();
    let svg = String::from_utf8(svg).expect("SVG is UTF-8");
    if let Err(error) = roxmltree::Document::parse(&svg) {
        panic!("ill-formed SVG: {error}\n{svg}");
    }
    render_mermaid(&diagram, &flow.participant_order(), &mut std::io::sink()).unwrap();
});
