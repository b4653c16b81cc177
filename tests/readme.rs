//! The README's language example is a real flow that meets its own expectation, so
//! readers who copy it get what the text promises.

use authflow::check::verdict;
use authflow::model::execute;
use authflow::syntax::parse;
use authflow::{SourceFile, render_diagnostics};

#[test]
fn the_language_example_checks_as_it_says() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let start = readme
        .find("```text\n---\n# optional YAML front matter")
        .expect("the language example is in README.md")
        + "```text\n".len();
    let end = start + readme[start..].find("```\n").unwrap();
    let file = SourceFile::new("README example", &readme[start..end]);
    let flow = parse(&file).unwrap_or_else(|d| panic!("{}", render_diagnostics(&d, &file, false)));
    let run = execute(&flow, &file)
        .unwrap_or_else(|d| panic!("{}", render_diagnostics(&d, &file, false)));
    let verdict = verdict(&flow, &run, false);
    assert!(
        verdict.passed,
        "missing {:?}, unexpected {:?}",
        verdict.missing, verdict.unexpected
    );
    assert_eq!(
        verdict.expected.as_deref(),
        Some(&["state_match".to_string()][..])
    );
}

#[test]
fn the_extensions_example_parses_and_draws() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let start = readme
        .find("```text\nautonumber")
        .expect("the extensions example is in README.md")
        + "```text\n".len();
    let end = start + readme[start..].find("```\n").unwrap();
    let file = SourceFile::new("README extensions", &readme[start..end]);
    let flow = parse(&file).unwrap_or_else(|d| panic!("{}", render_diagnostics(&d, &file, false)));
    let paths = authflow::syntax::fragments::paths(&flow).unwrap();
    // alt (2) × opt (2) × loop (1).
    assert_eq!(paths.len(), 4);
    let diagram = authflow::render::Diagram::from_flow(&flow).numbered(&flow, &file);
    let drawn = authflow::render::render_text_to_string(&diagram, Default::default());
    for shown in [
        "─ Client ─",
        "the user clicks",
        "alt: the user approves",
        "else: the user denies",
        "loop 3 times: polling",
        "14. GET /status",
    ] {
        assert!(drawn.contains(shown), "{shown} in\n{drawn}");
    }
}
