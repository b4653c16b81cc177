//! A flow that parses executes against the models and is judged, without panicking.
#![no_main]

use authflow::check::{CheckOptions, validate_expectation_with, verdict_with};
use authflow::model::execute;
use authflow::syntax::parse_bytes;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (file, Ok(flow)) = parse_bytes("fuzz.flow", data) else {
        return;
    };
    for preview in [false, true] {
        let options = CheckOptions { preview };
        let _ = validate_expectation_with(&flow, &options);
        if let Ok(run) = execute(&flow, &file) {
            let verdict = verdict_with(&flow, &run, false, &options);
            assert!(
                verdict
                    .violations
                    .iter()
                    .all(|v| v.span.end <= file.text.len())
            );
        }
    }
});
