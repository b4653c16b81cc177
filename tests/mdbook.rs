//! `authflow mdbook`, the mdBook preprocessor: fed a recorded mdBook 0.5 input, and run by
//! a real `mdbook build` when one is installed (`MDBOOK`, else `mdbook` on PATH).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{authflow, scratch};

const CHAPTER: &str = "# A flow\n\nSome prose.\n\n```authflow\nfe -> auth_server_be: \"redirect\"\nauth_server_be -> fe: \"code\"\n```\n";

/// mdBook's input to a preprocessor as mdBook 0.5.4 sent it for the book [`write_book`]
/// makes (recorded with a preprocessor that copied its standard input; the book root and
/// the command, paths on the recording machine, replaced).
const RECORDED: &str = include_str!("fixtures/mdbook/input-0.5.4.json");

/// A book with the flow chapter, a nested copy of it and a separator.
fn write_book(dir: &Path, command: &str) {
    std::fs::create_dir_all(dir.join("src/nested")).unwrap();
    std::fs::write(
        dir.join("book.toml"),
        format!("[book]\ntitle = \"flows\"\n\n[preprocessor.authflow]\ncommand = \"{command}\"\n"),
    )
    .unwrap();
    std::fs::write(
        dir.join("src/SUMMARY.md"),
        "# Summary\n\n- [A flow](flow.md)\n  - [Nested](nested/flow.md)\n\n---\n\n- [Plain](plain.md)\n",
    )
    .unwrap();
    std::fs::write(dir.join("src/flow.md"), CHAPTER).unwrap();
    std::fs::write(dir.join("src/nested/flow.md"), CHAPTER).unwrap();
    std::fs::write(dir.join("src/plain.md"), "# Plain\n\nNo flow here.\n").unwrap();
}

fn chapters(book: &serde_json::Value, found: &mut Vec<(String, String)>) {
    let items = book
        .get("items")
        .or_else(|| book.get("sub_items"))
        .and_then(|v| v.as_array());
    for item in items.into_iter().flatten() {
        if let Some(chapter) = item.get("Chapter") {
            found.push((
                chapter["name"].as_str().unwrap().to_string(),
                chapter["content"].as_str().unwrap().to_string(),
            ));
            chapters(chapter, found);
        }
    }
}

#[test]
fn the_recorded_input_comes_back_with_diagrams() {
    let output = authflow()
        .arg("mdbook")
        .write_stdin(RECORDED)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let book: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut found = Vec::new();
    chapters(&book, &mut found);
    let names: Vec<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["A flow", "Nested", "Plain"]);
    for (name, content) in &found[..2] {
        assert!(content.starts_with(CHAPTER), "{name}: {content}");
        assert!(content.contains("```txt\n┌────┐"), "{name}: {content}");
    }
    assert_eq!(found[2].1, "# Plain\n\nNo flow here.\n");
    // Everything but the chapters' content is handed back as it came.
    let mut input: serde_json::Value = serde_json::from_str(RECORDED).unwrap();
    let recorded_book = input.as_array_mut().unwrap().pop().unwrap();
    assert_eq!(without_content(recorded_book), without_content(book));
}

/// `value` with every `content` field removed, at any depth.
fn without_content(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(object) => object
            .into_iter()
            .filter(|(key, _)| key != "content")
            .map(|(key, v)| (key, without_content(v)))
            .collect(),
        serde_json::Value::Array(items) => items.into_iter().map(without_content).collect(),
        other => other,
    }
}

#[test]
fn mdbook_asks_which_renderers_are_supported() {
    authflow()
        .args(["mdbook", "supports", "html"])
        .assert()
        .success();
    authflow()
        .args(["mdbook", "supports", "markdown"])
        .assert()
        .success();
}

#[test]
fn a_broken_flow_fails_the_preprocessor_with_chapter_line_and_caret() {
    let broken = RECORDED.replace(
        "fe -> auth_server_be: \\\"redirect\\\"",
        "fe auth_server_be: \\\"redirect\\\"",
    );
    assert_ne!(broken, RECORDED);
    let output = authflow()
        .arg("mdbook")
        .write_stdin(broken)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("flow.md:6:4"), "{stderr}");
    assert!(stderr.contains("nested/flow.md:6:4"), "{stderr}");
    assert!(output.stdout.is_empty());
}

/// A real mdBook, if there is one: `MDBOOK`, else `mdbook` on PATH. `.ci/run` sets
/// `AUTHFLOW_REQUIRE_MDBOOK=1` when it installed one, so the test cannot skip there.
fn mdbook() -> Option<PathBuf> {
    let candidate = std::env::var_os("MDBOOK")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("mdbook"));
    let works = Command::new(&candidate)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !works {
        assert!(
            std::env::var_os("AUTHFLOW_REQUIRE_MDBOOK").is_none(),
            "AUTHFLOW_REQUIRE_MDBOOK is set but no mdbook runs"
        );
        eprintln!(
            "SKIPPED: no mdbook (set MDBOOK or put mdbook on PATH: `cargo install mdbook`); \
             the recorded-input tests still ran"
        );
        return None;
    }
    Some(candidate)
}

#[test]
fn a_real_mdbook_build_draws_the_diagrams() {
    let Some(mdbook) = mdbook() else {
        return;
    };
    let dir = scratch("mdbook", "real_build");
    let binary = assert_cmd::cargo::cargo_bin("authflow");
    write_book(&dir, &format!("{} mdbook", binary.display()));
    let output = Command::new(&mdbook)
        .arg("build")
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for page in ["book/flow.html", "book/nested/flow.html"] {
        let html = std::fs::read_to_string(dir.join(page)).unwrap();
        assert!(html.contains("┌────┐"), "{page} has no diagram");
        assert!(html.contains("redirect"), "{page}");
    }
    // A broken flow fails the build and says where.
    std::fs::write(dir.join("src/flow.md"), "```authflow\nfe be\n```\n").unwrap();
    let output = Command::new(&mdbook)
        .arg("build")
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("flow.md:2:4"), "{stderr}");
}
