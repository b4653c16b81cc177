//! `docs` on any Markdown: running it on its own output changes nothing and finds nothing
//! stale, and a document without flow blocks is left byte for byte.
#![no_main]

use authflow::docs::update_markdown;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(once) = update_markdown("fuzz.md", text) else {
        return;
    };
    if once.flows == 0 {
        assert_eq!(once.text, text, "a document without flows was changed");
    }
    let twice = match update_markdown("fuzz.md", &once.text) {
        Ok(twice) => twice,
        Err(error) => panic!(
            "docs rejects its own output:\n{}\n{:?}",
            error.render(false),
            once.text
        ),
    };
    assert!(
        twice.stale.is_empty(),
        "stale after an update: {:?}\n{:?}",
        twice.stale,
        once.text
    );
    assert_eq!(twice.text, once.text, "docs is not idempotent");
});
