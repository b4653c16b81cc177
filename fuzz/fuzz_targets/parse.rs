//! Any bytes: parsing never panics, and its diagnostics render (bounded, escaped).
#![no_main]

use authflow::render_diagnostics;
use authflow::syntax::parse_bytes;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (file, flow) = parse_bytes("fuzz.flow", data);
    if let Err(diagnostics) = flow {
        let report = render_diagnostics(&diagnostics, &file, false);
        assert!(!report.contains('\u{1b}'), "an escape reached the report");
    }
});
